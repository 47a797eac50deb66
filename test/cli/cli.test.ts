/** The command line: formats, exit codes, options, config file, fixes. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

let dir: string;
let out: string;
let err: string;

function write(rel: string, text: string): void {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

async function run(...argv: string[]): Promise<number> {
  out = '';
  err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    return await main(argv, dir);
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const VULNERABLE = `const express = require('express');
const cors = require('cors');
const app = express();
app.use(cors({ origin: true, credentials: true }));
`;
const WARNING_ONLY = `const express = require('express');
const cors = require('cors');
const app = express();
app.use(cors({ origin: true }));
`;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-cli-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('cors-lint CLI', () => {
  it('exits 0 with no output on a clean project', async () => {
    write('server.js', `const express = require('express');\nconst cors = require('cors');\nexpress().use(cors({ origin: 'https://a.example.com' }));\n`);
    expect(await run('.')).toBe(0);
    expect(out).toBe('');
  });

  it('stylish: position, message, code frame, docs link, summary; exit 1 on errors', async () => {
    write('server.js', VULNERABLE);
    expect(await run()).toBe(1);
    expect(out).toContain('server.js');
    expect(out).toMatch(/4:24 {2}error {2}This CORS policy reflects any request Origin/);
    expect(out).toContain('> 4 | app.use(cors({ origin: true, credentials: true }));');
    expect(out).toMatch(/\| {24}\^{4}\n/);
    expect(out).toContain('docs: https://github.com/cors-lint/cors-lint/blob/main/rules/reflected-origin-with-credentials/README.md');
    expect(out).toContain('✖ 1 problem (1 error, 0 warnings)');
    expect(out).not.toContain('\x1b['); // not a TTY: no colours
  });

  it("json: ESLint's formatter shape", async () => {
    write('server.js', VULNERABLE);
    expect(await run('--format', 'json')).toBe(1);
    const results = JSON.parse(out) as { filePath: string; messages: Record<string, unknown>[]; errorCount: number; warningCount: number }[];
    expect(results).toHaveLength(1);
    expect(results[0]?.filePath).toBe(path.join(dir, 'server.js'));
    expect(results[0]?.errorCount).toBe(1);
    expect(results[0]?.messages[0]).toMatchObject({ ruleId: 'cors/reflected-origin-with-credentials', severity: 2, line: 4, column: 24, endLine: 4, endColumn: 28 });
  });

  it('warnings exit 0 unless --max-warnings is exceeded; --quiet hides them', async () => {
    write('server.js', WARNING_ONLY);
    expect(await run()).toBe(0);
    expect(out).toContain('warning');
    expect(await run('--max-warnings', '0')).toBe(1);
    expect(err).toContain('too many warnings');
    expect(await run('--quiet')).toBe(0);
    expect(out).toBe('');
  });

  it('--rule changes severities; unknown rules and bad values are usage errors', async () => {
    write('server.js', VULNERABLE);
    expect(await run('--rule', 'reflected-origin-with-credentials:off')).toBe(0);
    expect(await run('--rule', 'cors/reflected-origin-with-credentials:warn')).toBe(0);
    expect(out).toContain('warning');
    expect(await run('--rule', 'no-such-rule:error')).toBe(2);
    expect(err).toContain('unknown rule "no-such-rule"');
    expect(await run('--rule', 'bogus')).toBe(2);
    expect(await run('--format', 'xml')).toBe(2);
    expect(await run('--nope')).toBe(2);
  });

  it('reads cors-lint.config.json: severities, ignores, overrides; reports config errors with exit 2', async () => {
    write('server.js', VULNERABLE);
    write('legacy/old.js', VULNERABLE);
    write('cors-lint.config.json', JSON.stringify({ ignores: ['legacy/**'], overrides: [{ files: ['server.js'], rules: { 'reflected-origin-with-credentials': 'warn' } }] }));
    expect(await run('--format', 'json')).toBe(0);
    const results = JSON.parse(out) as { filePath: string; messages: { severity: number }[] }[];
    expect(results.map((r) => path.relative(dir, r.filePath))).toEqual(['server.js']);
    expect(results[0]?.messages[0]?.severity).toBe(1);
    write('cors-lint.config.json', '{ "rules": { "reflected-origin": "loud" } }');
    expect(await run()).toBe(2);
    expect(err).toContain('severity must be');
    write('cors-lint.config.json', '{ nope');
    expect(await run()).toBe(2);
    expect(err).toContain('invalid JSON');
  });

  it('a file or directory named on the command line but matched by the ignores is said to be ignored', async () => {
    write('legacy/old.js', VULNERABLE);
    write('cors-lint.config.json', JSON.stringify({ ignores: ['legacy/**'] }));
    expect(await run('--format', 'json', 'legacy/old.js')).toBe(0);
    expect(JSON.parse(out)).toEqual([]);
    expect(err).toContain('legacy/old.js: ignored by the "ignores" of the configuration file');
    expect(await run('--format', 'json', 'legacy')).toBe(0);
    expect(err).toContain('legacy: ignored by the "ignores" of the configuration file');
  });

  it('--ignore-pattern and .gitignore (without git) are honoured; node_modules is skipped', async () => {
    write('a/server.js', VULNERABLE);
    write('b/server.js', VULNERABLE);
    write('generated/server.js', VULNERABLE);
    write('node_modules/x/server.js', VULNERABLE);
    write('.gitignore', 'generated/\n');
    expect(await run('--format', 'json', '--ignore-pattern', 'b/**')).toBe(1);
    const files = (JSON.parse(out) as { filePath: string }[]).map((r) => path.relative(dir, r.filePath));
    expect(files).toEqual(['a/server.js']);
  });

  it('a parse error is reported with its position and the run goes on', async () => {
    write('broken.js', `const cors = require('cors');\nconst x = {;\n`);
    write('server.js', VULNERABLE);
    expect(await run('--format', 'json')).toBe(1);
    const results = JSON.parse(out) as { filePath: string; messages: { ruleId: string; line: number }[] }[];
    const broken = results.find((r) => r.filePath.endsWith('broken.js'));
    expect(broken?.messages[0]).toMatchObject({ ruleId: 'cors/parse-error', line: 2 });
    expect(results.some((r) => r.filePath.endsWith('server.js'))).toBe(true);
  });

  it('--fix applies safe fixes atomically and is idempotent', async () => {
    write('package.json', '{ "dependencies": { "express": "^5.0.0" } }');
    const src = `const express = require('express');\nconst cors = require('cors');\nconst app = express();\napp.options('*', cors());\n`;
    write('server.js', src);
    fs.chmodSync(path.join(dir, 'server.js'), 0o640);
    expect(await run('--fix')).toBe(0);
    const fixed = fs.readFileSync(path.join(dir, 'server.js'), 'utf8');
    expect(fixed).toBe(src.replace("'*'", "'/{*splat}'"));
    expect(fs.statSync(path.join(dir, 'server.js')).mode & 0o777).toBe(0o640);
    expect(await run('--fix')).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'server.js'), 'utf8')).toBe(fixed);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('suppression comments', async () => {
    write('server.js', VULNERABLE.replace('app.use(', '// cors-lint-disable-next-line cors/reflected-origin-with-credentials\napp.use('));
    expect(await run()).toBe(0);
  });

  it('--help, --version, --list-rules', async () => {
    expect(await run('--help')).toBe(0);
    expect(out).toContain('Usage: cors-lint');
    expect(await run('--version')).toBe(0);
    expect(out).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(await run('--list-rules')).toBe(0);
    expect(out).toContain('cors/reflected-origin-with-credentials');
  });

  it('the installed bin runs (built by npm ci)', () => {
    const bin = path.resolve(import.meta.dirname, '..', '..', 'bin', 'cors-lint.js');
    const built = path.resolve(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
    if (!fs.existsSync(built)) {
      if (process.env.CI === 'true') throw new Error('dist/ is missing: npm ci should have built it');
      console.warn('skipped: dist/ not built (run npm run build)');
      return;
    }
    write('server.js', VULNERABLE);
    const res = spawnSync(process.execPath, [bin, '.', '--format', 'json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(res.status).toBe(1);
    expect(JSON.parse(res.stdout)[0].messages[0].ruleId).toBe('cors/reflected-origin-with-credentials');
  });
});

describe('the published package', () => {
  it('holds the compiled CLI, its worker and the rule docs, and no tests, fixtures or bench', () => {
    const repo = path.resolve(import.meta.dirname, '..', '..');
    if (!fs.existsSync(path.join(repo, 'dist', 'src', 'cli', 'main.js'))) {
      if (process.env.CI === 'true') throw new Error('dist/ is missing: npm ci should have built it');
      console.warn('skipped: dist/ not built (run npm run build)');
      return;
    }
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const res = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo, encoding: 'utf8' });
    expect(res.status).toBe(0);
    const files = new Set((JSON.parse(res.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path));
    for (const f of ['bin/cors-lint.js', 'dist/src/cli/main.js', 'dist/src/engine/lint.js', 'dist/src/engine/read-worker.js', 'dist/src/frontends/eslint/index.js', 'dist/src/frontends/lsp/server.js', 'rules/reflected-origin/README.md', 'README.md', 'package.json']) {
      expect(files.has(f), f).toBe(true);
    }
    expect([...files].filter((f) => /^(test|fixtures|bench|\.ci)\//.test(f))).toEqual([]);
  });
});

describe('the working directory', () => {
  it('a deleted working directory is a clear error (exit 2), not a crash', () => {
    const bin = path.resolve(import.meta.dirname, '..', '..', 'bin', 'cors-lint.js');
    if (!fs.existsSync(path.resolve(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js'))) {
      if (process.env.CI === 'true') throw new Error('dist/ is missing: npm ci should have built it');
      console.warn('skipped: dist/ not built (run npm run build)');
      return;
    }
    const gone = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-gone-'));
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const res = spawnSync('sh', ['-c', `cd ${q(gone)} && rmdir ${q(gone)} && exec ${q(process.execPath)} ${q(bin)} .`], { encoding: 'utf8' });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/^cors-lint: the working directory cannot be read \(ENOENT/);
    expect(res.stderr).not.toMatch(/internal error|    at /);
  });
});

describe('reading files', () => {
  it('follows symlinks inside the root, never outside it', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'evil.js'), VULNERABLE);
      write('inside.js', VULNERABLE);
      fs.symlinkSync(path.join(outside, 'evil.js'), path.join(dir, 'link-out.js'));
      fs.symlinkSync(path.join(dir, 'inside.js'), path.join(dir, 'link-in.js'));
      fs.symlinkSync(dir, path.join(dir, 'loop'));
      expect(await run('--format', 'json')).toBe(1);
      const files = (JSON.parse(out) as { filePath: string }[]).map((r) => path.relative(dir, r.filePath)).sort();
      expect(files).toEqual(['inside.js', 'link-in.js']);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
