/**
 * The language server end to end: spawned as `cors-lint --lsp` and driven over stdio like an editor
 * (initialize, didOpen, didChange, codeAction, shutdown/exit).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, PublishDiagnosticsParams, TextEdit } from 'vscode-languageserver-protocol';
import { USE_DIST, startLsp, uriOf, type LspSession } from './support/lsp-client.js';
import { LSP_NODE_FLAGS } from '../../src/cli/lsp-flags.js';

let dir: string;
let lsp: LspSession;

const CONFIG = `export const ALLOW_CREDENTIALS = true;
export const METHODS = ['GET', 'POST', 'DELETE'];
`;
const SERVER = `import express from 'express';
import cors from 'cors';
import { ALLOW_CREDENTIALS, METHODS } from './config';

const app = express();
app.use(cors({ origin: true, credentials: ALLOW_CREDENTIALS, methods: METHODS }));
app.delete('/api/items/:id', (req, res) => res.sendStatus(204));
app.options('*', cors());
`;
const PY = `from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"])
`;
const NGINX = `events {}
http {
    server {
        add_header Access-Control-Allow-Origin https://app.example.com;
        location /api/ {
            add_header Cache-Control no-store;
        }
    }
}
`;

function write(rel: string, text: string): string {
  const abs = path.join(dir, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, text);
  return abs;
}

function codes(p: PublishDiagnosticsParams): string[] {
  return p.diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${String(d.code)}`).sort();
}

function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (l: number, c: number) => lines.slice(0, l).reduce((n, s) => n + s.length + 1, 0) + c;
  const sorted = [...edits].sort((a, b) => offset(b.range.start.line, b.range.start.character) - offset(a.range.start.line, a.range.start.character));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start.line, e.range.start.character)) + e.newText + out.slice(offset(e.range.end.line, e.range.end.character));
  return out;
}

beforeAll(async () => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-lsp-')));
  write('package.json', JSON.stringify({ name: 'lsp-sample', dependencies: { express: '^5.1.0', cors: '^2.8.5' } }));
  write('config.ts', CONFIG);
  write('server.ts', SERVER);
  write('api/main.py', PY);
  write('nginx/nginx.conf', NGINX);
  lsp = await startLsp(dir);
});

afterAll(async () => {
  await lsp?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('cors-lint --lsp', () => {
  it('publishes diagnostics on open with code, docs link and related locations in other files', async () => {
    const uri = uriOf(path.join(dir, 'server.ts'));
    const next = lsp.nextDiagnostics(uri);
    await lsp.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text: SERVER } });
    const p = await next;
    expect(codes(p)).toEqual(['6:24 cors/reflected-origin-with-credentials', '8:13 cors/invalid-preflight-route']);
    const d = p.diagnostics.find((x) => x.code === 'cors/reflected-origin-with-credentials')!;
    expect(d.severity).toBe(1);
    expect(d.source).toBe('cors-lint');
    expect(d.codeDescription?.href).toMatch(/rules\/reflected-origin-with-credentials\/README\.md$/);
    expect(d.message).toMatch(/any website can make requests with the user's cookies/);
    expect(d.relatedInformation).toEqual([
      { location: { uri: uriOf(path.join(dir, 'config.ts')), range: { start: { line: 0, character: 33 }, end: { line: 0, character: 37 } } }, message: 'credentials are allowed here' },
    ]);
  }, 90_000);

  it('re-lints a dependant when the imported config module changes (unsaved buffer)', async () => {
    const serverUri = uriOf(path.join(dir, 'server.ts'));
    const configUri = uriOf(path.join(dir, 'config.ts'));
    await lsp.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: configUri, languageId: 'typescript', version: 1, text: CONFIG } });
    const next = lsp.nextDiagnostics(serverUri, (p) => p.diagnostics.some((d) => d.code === 'cors/reflected-origin'));
    // Incremental change: `true` → `false` on line 1.
    await lsp.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: configUri, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 33 }, end: { line: 0, character: 37 } }, text: 'false' }],
    });
    const p = await next;
    expect(codes(p)).toEqual(['6:24 cors/reflected-origin', '8:13 cors/invalid-preflight-route']);
    // And back.
    const back = lsp.nextDiagnostics(serverUri, (q) => q.diagnostics.some((d) => d.code === 'cors/reflected-origin-with-credentials'));
    await lsp.connection.sendNotification('textDocument/didChange', { textDocument: { uri: configUri, version: 3 }, contentChanges: [{ text: CONFIG }] });
    expect(codes(await back)).toContain('6:24 cors/reflected-origin-with-credentials');
  }, 90_000);

  it('offers the quick fix of a fixable rule, and applying it clears the finding', async () => {
    const uri = uriOf(path.join(dir, 'server.ts'));
    const current = lsp.diagnostics.get(uri)!;
    const diag = current.diagnostics.find((d) => d.code === 'cors/invalid-preflight-route')!;
    const actions = (await lsp.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diag.range,
      context: { diagnostics: [diag] },
    })) as CodeAction[];
    const quick = actions.filter((a) => a.kind === 'quickfix');
    expect(quick).toHaveLength(1);
    expect(quick[0]!.isPreferred).toBe(true);
    expect(quick[0]!.title).toMatch(/\/\{\*splat\}.*cors\/invalid-preflight-route/);
    const edits = quick[0]!.edit!.changes![uri]!;
    const fixed = applyEdits(SERVER, edits);
    expect(fixed).toContain("app.options('/{*splat}', cors());");
    // Nothing outside the reported span changed.
    expect(fixed.replace("'/{*splat}'", "'*'")).toBe(SERVER);
    const next = lsp.nextDiagnostics(uri, (p) => !p.diagnostics.some((d) => d.code === 'cors/invalid-preflight-route'));
    await lsp.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    expect(codes(await next)).toEqual(['6:24 cors/reflected-origin-with-credentials']);
    // No action is offered where there is nothing to fix.
    const none = (await lsp.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } },
      context: { diagnostics: [] },
    })) as CodeAction[];
    expect(none.filter((a) => a.kind === 'quickfix')).toEqual([]);
  }, 90_000);

  it('lints Python and nginx buffers', async () => {
    const pyUri = uriOf(path.join(dir, 'api/main.py'));
    const ngUri = uriOf(path.join(dir, 'nginx/nginx.conf'));
    const py = lsp.nextDiagnostics(pyUri);
    const ng = lsp.nextDiagnostics(ngUri);
    await lsp.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: pyUri, languageId: 'python', version: 1, text: PY } });
    await lsp.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: ngUri, languageId: 'nginx', version: 1, text: NGINX } });
    expect(codes(await py)).toContain('5:51 cors/reflected-origin-with-credentials');
    expect(codes(await ng)).toEqual(['6:13 cors/dropped-cors-headers']);
  }, 90_000);

  it('reports a broken buffer as a positioned parse error and keeps serving', async () => {
    const pyUri = uriOf(path.join(dir, 'api/main.py'));
    const next = lsp.nextDiagnostics(pyUri, (p) => p.diagnostics.some((d) => d.code === 'cors/parse-error'));
    await lsp.connection.sendNotification('textDocument/didChange', { textDocument: { uri: pyUri, version: 2 }, contentChanges: [{ text: PY + 'def broken(:\n' }] });
    const p = await next;
    const pe = p.diagnostics.find((d) => d.code === 'cors/parse-error')!;
    expect(pe.range.start.line).toBe(5);
    expect(p.diagnostics.some((d) => d.code === 'cors/reflected-origin-with-credentials')).toBe(true);
    expect(lsp.child.exitCode).toBeNull();
  }, 90_000);

  it('re-lints open dependants when a closed module changes on disk (watched files)', async () => {
    const serverUri = uriOf(path.join(dir, 'server.ts'));
    const configUri = uriOf(path.join(dir, 'config.ts'));
    await lsp.connection.sendNotification('textDocument/didClose', { textDocument: { uri: configUri } });
    write('config.ts', CONFIG.replace('= true', '= false'));
    const next = lsp.nextDiagnostics(serverUri, (p) => p.diagnostics.some((d) => d.code === 'cors/reflected-origin'));
    await lsp.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] });
    expect(codes(await next)).toEqual(['6:24 cors/reflected-origin']);
  }, 90_000);

  it.runIf(USE_DIST)('runs with the V8 flags it restarts itself with (bin/cors-lint.js)', () => {
    const ready = lsp.logs().find((l) => l.includes('ready'));
    expect(ready).toBeDefined();
    for (const f of LSP_NODE_FLAGS) expect(ready).toContain(f);
  });

  it('clears diagnostics when a document closes and exits cleanly on shutdown', async () => {
    const ngUri = uriOf(path.join(dir, 'nginx/nginx.conf'));
    const cleared = lsp.nextDiagnostics(ngUri, (p) => p.diagnostics.length === 0);
    await lsp.connection.sendNotification('textDocument/didClose', { textDocument: { uri: ngUri } });
    expect((await cleared).diagnostics).toEqual([]);
    const exit = new Promise<number | null>((resolve) => lsp.child.once('exit', (code) => resolve(code)));
    await lsp.close();
    expect(await exit).toBe(0);
  }, 90_000);
});
