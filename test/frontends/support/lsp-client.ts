/** A scripted language client: spawns `cors-lint --lsp` over stdio and speaks LSP to it as an editor does. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const REPO = path.resolve(import.meta.dirname, '..', '..', '..');
export const CLI_ENTRY = path.join(REPO, 'test', 'frontends', 'support', 'cli.ts');
/** `--import` value that loads tsx from this repository, whatever the child's working directory. */
export const TSX = pathToFileURL(path.join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** Newest modification time of the TypeScript sources that `npm run build` compiles. */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  walk(path.join(REPO, 'src'));
  walk(path.join(REPO, 'rules'));
  return newest;
}

/**
 * Whether dist/ was built after the last source change (CI: `npm ci` builds through `prepare`). Then the
 * spawned front ends run the build, as users run it (and without transpiling on the fly, which is slow);
 * otherwise they run the sources through tsx.
 */
export const USE_DIST = (() => {
  const marks = [path.join(REPO, 'dist', 'src', 'cli', 'main.js'), path.join(REPO, 'dist', 'src', 'frontends', 'eslint', 'index.js'), path.join(REPO, 'dist', 'src', 'frontends', 'lsp', 'server.js')];
  try {
    const oldest = Math.min(...marks.map((m) => fs.statSync(m).mtimeMs));
    return oldest >= newestSource();
  } catch {
    return false;
  }
})();

/** Node arguments that start the CLI. */
export const CLI_ARGS = USE_DIST ? [path.join(REPO, 'bin', 'cors-lint.js')] : ['--import', TSX, CLI_ENTRY];
/** Node arguments placed before ESLint's bin so that `cors-lint/eslint-plugin` resolves to the sources when needed. */
export const ESLINT_NODE_ARGS = USE_DIST ? [] : ['--conditions=cors-lint-source', '--import', TSX];

export interface LspSession {
  connection: ProtocolConnection;
  child: ChildProcess;
  /** Latest diagnostics per URI. */
  diagnostics: Map<string, PublishDiagnosticsParams>;
  /** Resolves with the next publication for a URI (optionally one that satisfies a predicate). */
  nextDiagnostics(uri: string, pred?: (p: PublishDiagnosticsParams) => boolean, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  stderr(): string;
  /** The server's window/logMessage lines so far. */
  logs(): string[];
  close(): Promise<void>;
}

export function uriOf(abs: string): string {
  return pathToFileURL(abs).href;
}

export async function startLsp(root: string, opts: { watch?: boolean } = {}): Promise<LspSession> {
  const child = spawn(process.execPath, [...CLI_ARGS, '--lsp'], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const diagnostics = new Map<string, PublishDiagnosticsParams>();
  const waiters: { uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    diagnostics.set(p.uri, p);
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i]!;
      if (w.uri === p.uri && w.pred(p)) {
        waiters.splice(i, 1);
        w.resolve(p);
      }
    }
  });
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/showMessageRequest', () => null);
  const logs: string[] = [];
  connection.onNotification('window/logMessage', (m: { message: string }) => void logs.push(m.message));
  connection.onNotification('window/showMessage', () => undefined);
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: uriOf(root),
    workspaceFolders: [{ uri: uriOf(root), name: path.basename(root) }],
    capabilities: {
      textDocument: { publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } } },
      workspace: { didChangeWatchedFiles: { dynamicRegistration: opts.watch === true } },
    },
  });
  await connection.sendNotification('initialized', {});
  return {
    connection,
    child,
    diagnostics,
    nextDiagnostics(uri, pred = () => true, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        waiters.push({
          uri,
          pred,
          resolve: (p) => {
            clearTimeout(t);
            resolve(p);
          },
        });
      });
    },
    stderr: () => err,
    logs: () => logs,
    async close() {
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      try {
        await connection.sendRequest('shutdown');
        await connection.sendNotification('exit');
      } catch {
        child.kill();
      }
      const timer = setTimeout(() => child.kill(), 5000);
      await exited;
      clearTimeout(timer);
      connection.dispose();
    },
  };
}

export function keyOf(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${String(d.code)}`;
}
