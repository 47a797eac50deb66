/**
 * Done means: the same sample repository (examples/eslint) gives the same set of findings through the CLI,
 * a real `eslint .` with the plugin (ESLint 10, and ESLint 9 through the `eslint-v9` alias), and the
 * language server. Each front end runs as a user runs it: separate processes, their own output formats.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ARGS, ESLINT_NODE_ARGS, keyOf, REPO, startLsp, uriOf, type LspSession } from './support/lsp-client.js';

const SAMPLE = path.join(REPO, 'examples', 'eslint');
const SOURCE_FILES = ['api/config.ts', 'api/legacy.js', 'api/server.ts', 'backend/internal.py', 'backend/main.py', 'nginx/nginx.conf', 'eslint.config.mjs'];

function run(args: string[], cwd = SAMPLE): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface EslintJson {
  filePath: string;
  messages: { ruleId: string | null; line: number; column: number; message: string; fatal?: boolean }[];
}

/** `file:line:column rule` keys of an ESLint-shaped JSON report (cors-lint's --format json has the same shape). */
function keysOfJson(stdout: string): string[] {
  const results = JSON.parse(stdout) as EslintJson[];
  return results
    .flatMap((r) => r.messages.map((m) => `${path.relative(SAMPLE, r.filePath).split(path.sep).join('/')}:${m.line}:${m.column} ${m.ruleId ?? `FATAL ${m.message}`}`))
    .sort();
}

/** ESLint from source: the sample's config imports `cors-lint/eslint-plugin`, resolved to src/ by this condition. */
const FROM_SOURCE = ESLINT_NODE_ARGS;

let cli: string[];
let cliMessages: Map<string, string>;

beforeAll(async () => {
  const res = await run([...CLI_ARGS, '--format', 'json', '.']);
  expect(res.stderr).toBe('');
  expect(res.code).toBe(1);
  cli = keysOfJson(res.stdout);
  cliMessages = new Map(
    (JSON.parse(res.stdout) as EslintJson[]).flatMap((r) => r.messages.map((m) => [`${path.relative(SAMPLE, r.filePath)}:${m.line}:${m.column} ${m.ruleId}`, m.message] as [string, string])),
  );
}, 120_000);

describe('one engine, three front ends', () => {
  it('the CLI finds problems in JavaScript, TypeScript, Python and nginx files of the sample', () => {
    const files = new Set(cli.map((k) => k.split(':')[0]));
    expect([...files].sort()).toEqual(['api/config.ts', 'api/legacy.js', 'api/server.ts', 'backend/main.py', 'nginx/nginx.conf']);
    // The finding in config.ts comes from the cors() call in server.ts (cross-file).
    expect(cli).toContain('api/config.ts:4:12 cors/preflight-methods-incomplete');
  });

  it('`eslint .` (ESLint 10) reports the same findings with the same messages', async () => {
    const res = await run([...FROM_SOURCE, path.join(REPO, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', '.']);
    expect(res.stderr).toBe('');
    expect(keysOfJson(res.stdout)).toEqual(cli);
    for (const r of JSON.parse(res.stdout) as EslintJson[]) {
      for (const m of r.messages) expect(m.message).toBe(cliMessages.get(`${path.relative(SAMPLE, r.filePath)}:${m.line}:${m.column} ${m.ruleId}`));
    }
  }, 180_000);

  it('`eslint .` (ESLint 9) reports the same findings', async () => {
    const res = await run([...FROM_SOURCE, path.join(REPO, 'node_modules', 'eslint-v9', 'bin', 'eslint.js'), '--format', 'json', '.']);
    expect(res.stderr).toBe('');
    expect(keysOfJson(res.stdout)).toEqual(cli);
  }, 180_000);

  it('the built plugin (dist/, what `npm ci` produces) gives the same findings', async (ctx) => {
    const built = path.join(REPO, 'dist', 'src', 'frontends', 'eslint', 'index.js');
    const src = path.join(REPO, 'src', 'frontends', 'eslint', 'index.ts');
    if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < fs.statSync(src).mtimeMs) {
      // CI always builds (npm ci runs `prepare`); a developer's stale or missing dist/ is not a failure.
      ctx.skip();
      return;
    }
    const res = await run([path.join(REPO, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', '.']);
    expect(res.stderr).toBe('');
    expect(keysOfJson(res.stdout)).toEqual(cli);
  }, 180_000);

  describe('the language server', () => {
    let lsp: LspSession;
    afterAll(async () => lsp?.close());

    it('publishes the same findings for the open files', async () => {
      lsp = await startLsp(SAMPLE);
      const uris = SOURCE_FILES.map((f) => uriOf(path.join(SAMPLE, f)));
      const waits = uris.map((u) => lsp.nextDiagnostics(u, () => true, 60_000));
      for (const [i, f] of SOURCE_FILES.entries()) {
        const languageId = f.endsWith('.py') ? 'python' : f.endsWith('.conf') ? 'nginx' : f.endsWith('.ts') ? 'typescript' : 'javascript';
        await lsp.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uris[i], languageId, version: 1, text: fs.readFileSync(path.join(SAMPLE, f), 'utf8') } });
      }
      await Promise.all(waits);
      // Every open is followed by one (debounced) run; wait until the last publication of each file settles.
      await new Promise((r) => setTimeout(r, 500));
      const keys = SOURCE_FILES.flatMap((f, i) => (lsp.diagnostics.get(uris[i] as string)?.diagnostics ?? []).map((d) => keyOf(f, d))).sort();
      expect(keys).toEqual(cli);
    }, 120_000);
  });
});
