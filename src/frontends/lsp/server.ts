/**
 * The language server: `cors-lint --lsp` (stdio).
 *
 * - Diagnostics on open, change and save for JavaScript/TypeScript, Python and nginx files, computed by the
 *   same engine as the CLI over the whole project (see ../project.ts), with the open buffers overlaid. Each
 *   diagnostic has `code` = `cors/<id>`, `codeDescription.href` = the rule's docs, `relatedInformation` for the
 *   contributing sites, and the quick fixes of the rule as code actions.
 * - Because every run covers the project, editing an imported config module re-lints its dependants: all open
 *   documents are republished after each run. Changes on disk (watched files, saves) trigger a run too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  createConnection,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeParams,
  type InitializeResult,
  type TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ruleIds } from '../../../rules/index.js';
import { CONFIG_FILE_NAME, resolveConfig, type ResolvedConfig } from '../../engine/config.js';
import type { Diagnostic } from '../../engine/diagnostic.js';
import { initEngine } from '../../engine/lint.js';
import type { Fix } from '../../engine/rule.js';
import { decodeText, lineTableFor } from '../../engine/source.js';
import { ProjectIndex, readProjectConfig, relativeTo, runProject } from '../project.js';

export const SERVER_NAME = 'cors-lint';
const DEBOUNCE_MS = 120;

interface Published {
  /** The engine diagnostics behind the published ones, for code actions. */
  diags: Diagnostic[];
  version: number | undefined;
}

/** 0-based LSP range of a span in a text. */
function rangeOf(text: string, span: { start: number; end: number }) {
  const table = lineTableFor(text);
  const a = table.position(Math.max(0, Math.min(span.start, text.length)));
  const b = table.position(Math.max(0, Math.min(Math.max(span.start, span.end), text.length)));
  return { start: { line: a.line - 1, character: a.column - 1 }, end: { line: b.line - 1, character: b.column - 1 } };
}

function toLspDiagnostic(d: Diagnostic, root: string, textOf: (rel: string) => string | undefined): LspDiagnostic {
  return {
    range: {
      start: { line: d.line - 1, character: d.column - 1 },
      end: { line: d.endLine - 1, character: d.endColumn - 1 },
    },
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.ruleId,
    codeDescription: { href: d.docsUrl },
    source: SERVER_NAME,
    message: d.message,
    relatedInformation: d.related.flatMap((r) => {
      const t = textOf(r.file);
      if (t === undefined) return [];
      return [{ location: { uri: pathToFileURL(path.join(root, r.file)).href, range: rangeOf(t, r.span) }, message: r.message }];
    }),
    data: { fixable: !!d.fix, suggestions: d.suggestions?.length ?? 0 },
  };
}

export interface ServerOptions {
  connection?: Connection;
}

/** Starts the server on stdio (or the given connection). Resolves when the client closes the connection. */
export function startLanguageServer(opts: ServerOptions = {}): Promise<number> {
  const connection = opts.connection ?? createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  const documents = new TextDocuments(TextDocument);
  const roots: string[] = [];
  const published = new Map<string, Published>();
  const configs = new Map<string, ResolvedConfig>();
  /** Per workspace root: what the last runs learned (file verdicts, texts, syntax trees). */
  const indexes = new Map<string, ProjectIndex>();
  let watchRegistration = false;
  let timer: NodeJS.Timeout | undefined;
  let ready = false;
  let closed = false;

  const log = (msg: string) => connection.console.log(`[${SERVER_NAME}] ${msg}`);

  const rootOf = (abs: string): string => {
    let best: string | undefined;
    for (const r of roots) if (relativeTo(r, abs) !== undefined && (!best || r.length > best.length)) best = r;
    return best ?? path.dirname(abs);
  };

  const configFor = (root: string): ResolvedConfig => {
    let c = configs.get(root);
    if (c) return c;
    const { config, error } = readProjectConfig(root);
    if (error) void connection.window.showWarningMessage(`cors-lint: ${error} (using the default configuration)`);
    try {
      c = resolveConfig(config, ruleIds, {}, [], CONFIG_FILE_NAME);
    } catch (e) {
      void connection.window.showWarningMessage(`cors-lint: ${(e as Error).message} (using the default configuration)`);
      c = resolveConfig({}, ruleIds);
    }
    configs.set(root, c);
    return c;
  };

  /** Lints every project that has an open document and publishes diagnostics for the open documents. */
  const lintAll = () => {
    timer = undefined;
    if (!ready || closed) return;
    const byRoot = new Map<string, TextDocument[]>();
    for (const doc of documents.all()) {
      let abs: string;
      try {
        abs = fileURLToPath(doc.uri);
      } catch {
        continue; // untitled: or other non-file schemes
      }
      const root = rootOf(abs);
      byRoot.set(root, [...(byRoot.get(root) ?? []), doc]);
    }
    for (const [root, docs] of byRoot) {
      const overlay = new Map<string, string>();
      for (const doc of documents.all()) {
        try {
          const rel = relativeTo(root, fileURLToPath(doc.uri));
          if (rel !== undefined) overlay.set(rel, doc.getText());
        } catch {
          // not a file URI
        }
      }
      let run;
      try {
        // A file outside every workspace folder is linted with what it imports only: listing its directory
        // could mean walking a whole home directory.
        const inWorkspace = roots.includes(root);
        let index = indexes.get(root);
        // Without file-change notifications from the client, files are re-checked by size and mtime instead.
        if (!index) indexes.set(root, (index = new ProjectIndex(root, watchRegistration ? 0 : 3000)));
        run = runProject({ root, config: configFor(root), overlay, discover: inWorkspace, index });
      } catch (e) {
        log(`lint failed in ${root}: ${(e as Error).stack ?? String(e)}`);
        continue;
      }
      for (const n of run.notices) log(n);
      const textOf = (rel: string) => run.texts.get(rel) ?? run.host.readFile(rel)?.text;
      for (const doc of docs) {
        const rel = relativeTo(root, fileURLToPath(doc.uri));
        const diags = rel === undefined ? [] : (run.byFile.get(rel) ?? []);
        published.set(doc.uri, { diags, version: doc.version });
        void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: diags.map((d) => toLspDiagnostic(d, root, textOf)) });
      }
    }
  };

  const schedule = (immediate = false) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(lintAll, immediate ? 0 : DEBOUNCE_MS);
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    for (const f of params.workspaceFolders ?? []) {
      try {
        roots.push(fileURLToPath(f.uri));
      } catch {
        // non-file workspace folder
      }
    }
    if (roots.length === 0 && params.rootUri) {
      try {
        roots.push(fileURLToPath(params.rootUri));
      } catch {
        // non-file root
      }
    }
    if (roots.length === 0 && params.rootPath) roots.push(params.rootPath);
    watchRegistration = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] },
      },
      serverInfo: { name: SERVER_NAME },
    };
  });

  connection.onInitialized(async () => {
    if (watchRegistration) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{js,cjs,mjs,jsx,ts,cts,mts,tsx,py,conf,toml,json,cfg,txt}' }, { globPattern: `**/${CONFIG_FILE_NAME}` }, { globPattern: '**/nginx*/**' }],
      });
    }
    await initEngine();
    log(`ready (Node ${process.version}${process.execArgv.length ? ', ' + process.execArgv.join(' ') : ''})`);
    ready = true;
    schedule(true);
  });

  documents.onDidOpen(() => schedule(true));
  documents.onDidChangeContent(() => schedule());
  /** The next run reads this file from disk again (`relist`: files were created or deleted, so list again). */
  const forget = (uri: string, relist = false) => {
    let abs: string;
    try {
      abs = fileURLToPath(uri);
    } catch {
      return; // not a file URI
    }
    for (const [root, index] of indexes) {
      const rel = relativeTo(root, abs);
      if (rel !== undefined) index.invalidate([rel], relist);
    }
  };
  // A saved or closed buffer's file is read from disk again by the next run.
  documents.onDidSave((e) => {
    forget(e.document.uri);
    schedule(true);
  });
  documents.onDidClose((e) => {
    forget(e.document.uri);
    published.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    schedule();
  });
  connection.onDidChangeWatchedFiles((e) => {
    if (e.changes.some((c) => c.uri.endsWith(CONFIG_FILE_NAME))) {
      configs.clear();
      // Ignores may have changed: every verdict is re-decided.
      for (const index of indexes.values()) index.invalidate();
    }
    for (const c of e.changes) forget(c.uri, c.type !== FileChangeType.Changed);
    schedule();
  });

  const editsOf = (fix: Fix, root: string): Record<string, TextEdit[]> | undefined => {
    const changes: Record<string, TextEdit[]> = {};
    for (const e of fix.edits) {
      const abs = path.join(root, e.span.file);
      const uri = pathToFileURL(abs).href;
      const text = documents.get(uri)?.getText() ?? readText(root, e.span.file);
      if (text === undefined) return undefined;
      (changes[uri] ??= []).push({ range: rangeOf(text, e.span), newText: e.text });
    }
    return changes;
  };

  /** Text of a file as the editor sees it: the open buffer, else the file on disk. */
  const readText = (root: string, rel: string): string | undefined => {
    const open = documents.get(pathToFileURL(path.join(root, rel)).href);
    return open ? open.getText() : readFileText(path.join(root, rel));
  };

  connection.onCodeAction((params) => {
    const pub = published.get(params.textDocument.uri);
    const doc = documents.get(params.textDocument.uri);
    if (!pub || !doc || (pub.version !== undefined && pub.version !== doc.version)) return [];
    const root = rootOf(fileURLToPath(params.textDocument.uri));
    const actions: CodeAction[] = [];
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(k + '.'));
    const overlaps = (d: Diagnostic) => {
      const start = { line: d.line - 1, character: d.column - 1 };
      const end = { line: d.endLine - 1, character: d.endColumn - 1 };
      const before = (a: { line: number; character: number }, b: { line: number; character: number }) => a.line < b.line || (a.line === b.line && a.character < b.character);
      return !before(end, params.range.start) && !before(params.range.end, start);
    };
    if (wants(CodeActionKind.QuickFix)) {
      for (const d of pub.diags) {
        if (!overlaps(d)) continue;
        const lspDiag = toLspDiagnostic(d, root, (rel) => readText(root, rel));
        const fixes: [Fix, boolean][] = [...(d.fix ? [[d.fix, true] as [Fix, boolean]] : []), ...(d.suggestions ?? []).map((s) => [s, false] as [Fix, boolean])];
        for (const [fix, preferred] of fixes) {
          const changes = editsOf(fix, root);
          if (!changes) continue;
          actions.push({ title: `${fix.description} (${d.ruleId})`, kind: CodeActionKind.QuickFix, diagnostics: [lspDiag], isPreferred: preferred, edit: { changes } });
        }
      }
    }
    if (wants(CodeActionKind.SourceFixAll)) {
      // Every safe fix in this document that does not overlap another (the same choice `--fix` makes).
      const edits: TextEdit[] = [];
      const taken: [number, number][] = [];
      const rel = relativeTo(root, fileURLToPath(params.textDocument.uri));
      for (const d of pub.diags) {
        if (!d.fix || d.fix.edits.some((e) => e.span.file !== rel)) continue;
        if (d.fix.edits.some((e) => taken.some(([s, t]) => e.span.start < t && s < e.span.end))) continue;
        for (const e of d.fix.edits) {
          taken.push([e.span.start, e.span.end]);
          edits.push({ range: rangeOf(doc.getText(), e.span), newText: e.text });
        }
      }
      if (edits.length) actions.push({ title: 'Fix all cors-lint problems', kind: CodeActionKind.SourceFixAll, edit: { changes: { [params.textDocument.uri]: edits } } });
    }
    return actions;
  });

  documents.listen(connection);
  return new Promise<number>((resolve) => {
    connection.onShutdown(() => {
      closed = true;
      if (timer) clearTimeout(timer);
    });
    connection.onExit(() => resolve(0));
    connection.listen();
  });
}


function readFileText(abs: string): string | undefined {
  try {
    return decodeText(fs.readFileSync(abs));
  } catch {
    return undefined;
  }
}
