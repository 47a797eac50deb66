/**
 * CI outputs: SARIF 2.1.0 validated against the official schema (shipped in the npm package
 * @microsoft/jest-sarif as sarif-2.1.0-rtm.5.json, the 2.1.0 final), and GitHub workflow annotations.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import type * as Sarif from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import type { Diagnostic } from '../../src/engine/diagnostic.js';
import { FsProjectHost } from '../../src/engine/host.js';
import { lintProject } from '../../src/engine/lint.js';
import { formatGithub } from '../../src/frontends/formats/github.js';
import { buildSarif } from '../../src/frontends/formats/sarif.js';
import { allOnConfig } from '../support/lint.js';
import { CLI_ARGS, REPO } from './support/lsp-client.js';

const require = createRequire(import.meta.url);
const SAMPLE = path.join(REPO, 'examples', 'eslint');

function validator() {
  const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ schemaId: 'auto', allErrors: true, format: 'full' });
  ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json') as object);
  return ajv.compile(schema);
}

let diags: Diagnostic[];
let host: FsProjectHost;
let root: string;

beforeAll(async () => {
  const res = await lintProject({ cwd: SAMPLE, paths: ['.'], config: allOnConfig() });
  diags = res.diagnostics;
  host = res.host;
  root = res.root;
});

describe('--format sarif', () => {
  it('is valid SARIF 2.1.0 with rule metadata, help URIs and fingerprints', () => {
    const log = buildSarif(diags, (f) => host.readFile(f)?.text, { root, toolVersion: '1.2.3' });
    const validate = validator();
    const ok = validate(log);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
    // The validator does reject what the schema forbids.
    expect(validate({ ...log, version: '2.0.0' })).toBe(false);
    expect(validate({ ...log, runs: [{ ...log.runs[0], results: [{ message: {}, level: 'fatal' }] }] })).toBe(false);
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe('cors-lint');
    expect(run.tool.driver.version).toBe('1.2.3');
    const rules = run.tool.driver.rules!;
    expect(rules.map((r) => r.id)).toEqual([...allRules.map((r) => `cors/${r.meta.id}`), 'cors/parse-error']);
    for (const r of rules) expect(r.helpUri).toMatch(/^https:\/\/.+\/rules\/[a-z-]+\/README\.md$/);
    expect(run.results).toHaveLength(diags.length);
    for (const [i, res] of run.results!.entries()) {
      const d = diags[i]!;
      expect(res.ruleId).toBe(d.ruleId);
      expect(rules[res.ruleIndex!]!.id).toBe(d.ruleId);
      const loc = res.locations![0]!.physicalLocation!;
      expect(loc.artifactLocation!.uri).toBe(d.file);
      expect(loc.artifactLocation!.uriBaseId).toBe('%SRCROOT%');
      expect(loc.region!.startLine).toBe(d.line);
      expect(loc.region!.startColumn).toBe(d.column);
      expect(res.partialFingerprints!.primaryLocationLineHash).toMatch(/^[0-9a-f]{32}:\d+$/);
    }
    // Related locations carry their messages; fixes are described as replacements.
    const pmi = run.results!.find((r) => r.ruleId === 'cors/preflight-methods-incomplete' && r.locations![0]!.physicalLocation!.artifactLocation!.uri === 'api/config.ts')!;
    expect(pmi.relatedLocations![0]!.physicalLocation!.artifactLocation!.uri).toBe('api/server.ts');
    const fixable = run.results!.find((r) => r.ruleId === 'cors/invalid-preflight-route')!;
    expect(fixable.fixes![0]!.artifactChanges[0]!.replacements[0]!.insertedContent!.text).toBe('/{*splat}');
    expect(run.originalUriBaseIds!['%SRCROOT%']!.uri).toMatch(/^file:\/\/.*\/$/);
  });

  it('keeps fingerprints when lines move, and tells apart two findings on the same code', { timeout: 60_000 }, () => {
    const text = 'const cors = require("cors");\nconst app = require("express")();\napp.use(cors({ origin: true, credentials: true }));\n';
    const moved = '// a new comment\n\n' + text;
    const lint = (t: string) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-sarif-'));
      fs.writeFileSync(path.join(dir, 'app.js'), t);
      return lintProject({ cwd: dir, config: allOnConfig() }).then((r) => {
        const log = buildSarif(r.diagnostics, (f) => r.host.readFile(f)?.text, { root: r.root, toolVersion: '0.0.0' });
        fs.rmSync(dir, { recursive: true, force: true });
        return log.runs[0]!.results!;
      });
    };
    return Promise.all([lint(text), lint(moved)]).then(([a, b]) => {
      expect(a.length).toBeGreaterThan(0);
      expect(b.map((r) => r.partialFingerprints)).toEqual(a.map((r) => r.partialFingerprints));
      expect(b[0]!.locations![0]!.physicalLocation!.region!.startLine).toBe(a[0]!.locations![0]!.physicalLocation!.region!.startLine! + 2);
      const prints = a.map((r) => r.partialFingerprints!.primaryLocationLineHash);
      expect(new Set(prints).size).toBe(prints.length);
    });
  });

  it('is what the CLI prints, and an empty run is still a valid log', () => {
    const res = spawnSync(process.execPath, [...CLI_ARGS, '--format', 'sarif', '.'], { cwd: SAMPLE, encoding: 'utf8' });
    expect(res.status).toBe(1);
    const log = JSON.parse(res.stdout) as Sarif.Log;
    expect(validator()(log)).toBe(true);
    expect(log.runs[0]!.results!.map((r) => `${r.locations![0]!.physicalLocation!.artifactLocation!.uri}:${r.locations![0]!.physicalLocation!.region!.startLine} ${r.ruleId}`)).toContain(
      'api/config.ts:3 cors/invalid-origin',
    );
    const empty = buildSarif([], () => undefined, { toolVersion: '0.0.0' });
    expect(validator()(empty)).toBe(true);
    expect(empty.runs[0]!.results).toEqual([]);
  }, 120_000);
});

describe('--format github', () => {
  it('prints one workflow command per finding, with escaped properties and data', () => {
    const out = formatGithub(diags, root, REPO);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(diags.length);
    for (const [i, line] of lines.entries()) {
      const d = diags[i]!;
      expect(line.startsWith(`::${d.severity === 'error' ? 'error' : 'warning'} file=examples/eslint/${d.file},line=${d.line},col=${d.column},`)).toBe(true);
      expect(line).toContain(`title=${d.ruleId.replace(/:/g, '%3A')}::`);
      expect(line).not.toMatch(/[\r]/);
    }
    const withRelated = lines.find((l) => l.includes('cors/preflight-methods-incomplete') && l.includes('api/config.ts'))!;
    expect(withRelated).toContain('%0A↳ api/server.ts:');
    expect(withRelated).toContain('%0Adocs: https://');
  });

  it('escapes %, newlines, colons and commas the way the Actions runner reads them', () => {
    const d: Diagnostic = {
      ruleId: 'cors/invalid-origin',
      severity: 'warning',
      message: '100% wrong,\nreally: yes',
      file: 'a,b:c.js',
      line: 1,
      column: 2,
      endLine: 1,
      endColumn: 5,
      span: { file: 'a,b:c.js', start: 1, end: 4 },
      related: [],
      docsUrl: 'https://x/y',
    };
    expect(formatGithub([d], '/r', '/r')).toBe('::warning file=a%2Cb%3Ac.js,line=1,col=2,endLine=1,endColumn=5,title=cors/invalid-origin::100%25 wrong,%0Areally: yes%0Adocs: https://x/y\n');
    expect(formatGithub([], '/r', '/r')).toBe('');
  });
});
