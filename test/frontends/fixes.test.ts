/**
 * Fixes: every safe fix and suggestion the rules offer on the fixtures is idempotent (applied twice = applied
 * once: the second lint offers nothing more for the same finding) and changes nothing outside the spans it
 * reports. Then end to end: `cors-lint --fix` and `eslint --fix` on a copy of the sample give the same files,
 * and a second `--fix` run changes nothing.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyEdits } from '../../src/cli/fix.js';
import type { Diagnostic } from '../../src/engine/diagnostic.js';
import type { Fix } from '../../src/engine/rule.js';
import { lintDir } from '../support/lint.js';
import { CLI_ARGS, ESLINT_NODE_ARGS, REPO } from './support/lsp-client.js';

const FIXTURES = path.join(REPO, 'fixtures');
const SAMPLE = path.join(REPO, 'examples', 'eslint');
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});

function tempCopy(src: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-fix-')));
  temps.push(dir);
  fs.cpSync(src, dir, { recursive: true, filter: (p) => !p.includes(`${path.sep}node_modules`) });
  return dir;
}

/** Fixture cases the same way the fixture suite forms them: a file linted alone, or a directory as a project. */
function fixtureCases(): { name: string; cwd: string; paths: string[] }[] {
  const out: { name: string; cwd: string; paths: string[] }[] = [];
  if (!fs.existsSync(FIXTURES)) return out;
  for (const kind of fs.readdirSync(FIXTURES).sort()) {
    const kindDir = path.join(FIXTURES, kind);
    if (!fs.statSync(kindDir).isDirectory()) continue;
    for (const entry of fs.readdirSync(kindDir).sort()) {
      const p = path.join(kindDir, entry);
      if (fs.statSync(p).isDirectory()) out.push({ name: `${kind}/${entry}/`, cwd: p, paths: ['.'] });
      else out.push({ name: `${kind}/${entry}`, cwd: kindDir, paths: [entry] });
    }
  }
  return out;
}

/** Text with a fix applied, checking that only the fix's spans changed. */
function applyChecked(text: string, fix: Fix): string {
  const next = applyEdits(text, fix.edits);
  const edits = [...fix.edits].sort((a, b) => a.span.start - b.span.start);
  // Outside the edited spans, the text is byte-for-byte the same.
  let pos = 0;
  let npos = 0;
  for (const e of edits) {
    expect(next.slice(npos, npos + (e.span.start - pos))).toBe(text.slice(pos, e.span.start));
    npos += e.span.start - pos + e.text.length;
    pos = e.span.end;
  }
  expect(next.slice(npos)).toBe(text.slice(pos));
  return next;
}

describe('every fix and suggestion on the fixtures', () => {
  const cases = fixtureCases();
  let checked = 0;

  for (const c of cases) {
    it(`${c.name}: applied twice = applied once`, async () => {
      const diags = await lintDir(c.cwd, c.paths);
      const fixes: [Diagnostic, Fix][] = diags.flatMap((d) => [...(d.fix ? [[d, d.fix] as [Diagnostic, Fix]] : []), ...(d.suggestions ?? []).map((s) => [d, s] as [Diagnostic, Fix])]);
      for (const [d, fix] of fixes) {
        const files = new Set(fix.edits.map((e) => e.span.file));
        expect(files.size).toBe(1);
        const file = [...files][0] as string;
        const dir = tempCopy(c.cwd);
        const text = fs.readFileSync(path.join(dir, file), 'utf8');
        const once = applyChecked(text, fix);
        expect(once).not.toBe(text);
        fs.writeFileSync(path.join(dir, file), once);
        const after = await lintDir(dir, c.paths);
        // The finding the fix was for is gone, and nothing offers to change the same code again.
        const again = after.filter((x) => x.ruleId === d.ruleId && x.file === d.file && x.line === d.line);
        expect(again.filter((x) => x.fix || x.suggestions?.length)).toEqual([]);
        if (d.fix === fix) expect(again).toEqual([]);
        checked++;
      }
    }, 60_000);
  }

  it('covered at least one fix', () => {
    expect(checked).toBeGreaterThan(0);
  });
});

function run(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('--fix end to end on the sample', () => {
  it('cors-lint --fix and eslint --fix make the same change, once', async () => {
    const original = snapshot(SAMPLE);
    const a = tempCopy(SAMPLE);
    const b = tempCopy(SAMPLE);
    // The sample's eslint.config.mjs imports cors-lint/eslint-plugin and typescript-eslint, as in a real project.
    fs.mkdirSync(path.join(b, 'node_modules'));
    fs.symlinkSync(REPO, path.join(b, 'node_modules', 'cors-lint'));
    fs.symlinkSync(path.join(REPO, 'node_modules', 'typescript-eslint'), path.join(b, 'node_modules', 'typescript-eslint'));

    const cli1 = await run([...CLI_ARGS, '--fix', '--format', 'json', '.'], a);
    expect(cli1.stderr).toContain('cors-lint: fixed api/server.ts');
    const afterCli = snapshot(a);
    const changed = Object.keys(original).filter((f) => original[f] !== afterCli[f]);
    expect(changed).toEqual(['api/server.ts']);
    expect(afterCli['api/server.ts']).toBe((original['api/server.ts'] as string).replace("app.options('*',", "app.options('/{*splat}',"));
    const cli2 = await run([...CLI_ARGS, '--fix', '--format', 'json', '.'], a);
    expect(cli2.stderr).not.toContain('fixed');
    expect(snapshot(a)).toEqual(afterCli);

    const eslint = path.join(REPO, 'node_modules', 'eslint', 'bin', 'eslint.js');
    const es1 = await run([...ESLINT_NODE_ARGS, eslint, '--fix', '.'], b);
    expect(es1.stderr).toBe('');
    expect(snapshot(b)).toEqual(afterCli);
    const es2 = await run([...ESLINT_NODE_ARGS, eslint, '--fix', '.'], b);
    expect(es2.stderr).toBe('');
    expect(snapshot(b)).toEqual(afterCli);
    expect(es2.stdout).not.toContain('invalid-preflight-route');
  }, 240_000);
});
