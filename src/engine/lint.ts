/**
 * The engine: files → prefilter → extract → rules → diagnostics. Front ends (CLI, ESLint plugin, language
 * server) call `lintSources` or `lintProject` and only adapt input and output.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CorsPolicy, ExtractResult, ProjectModel } from '../model/index.js';
import { allRules } from '../../rules/index.js';
import { normalizeOrigins } from '../analysis/index.js';
import { allExtractors } from '../extractors/index.js';
import type { LintCache } from './cache.js';
import type { ResolvedConfig } from './config.js';
import { compareDiagnostics, positionOf, type Diagnostic } from './diagnostic.js';
import { discoverFilesSplit } from './discover.js';
import { docsUrl, PARSE_ERROR_ID } from './docs.js';
import type { Extractor } from './extractor.js';
import { FsProjectHost, HEAD_CHARS, MAX_FILE_BYTES, toPosix, type ProjectHost } from './host.js';
import type { Finding, Rule, RuleContext } from './rule.js';
import type { SourceFile } from './source.js';
import { isSuppressed } from './suppress.js';

export interface LintStats {
  /** Files the walker listed. */
  discovered: number;
  /** Files that belong to a supported language. */
  candidates: number;
  /** Candidates the byte prefilter let through (parsed). */
  parsed: number;
  /** Files skipped: binary, too large, unreadable, vanished. */
  skipped: number;
}

export interface LintOutput {
  diagnostics: Diagnostic[];
  model: ProjectModel;
  stats: LintStats;
  notices: string[];
}

let initDone: Promise<void> | undefined;

/** Runs the one-time asynchronous setup of every extractor (WASM grammars). Idempotent. */
export function initEngine(extractors: Extractor[] = allExtractors): Promise<void> {
  initDone ??= Promise.all(extractors.map((e) => e.init?.())).then(() => undefined);
  return initDone;
}

export function emptyStats(): LintStats {
  return { discovered: 0, candidates: 0, parsed: 0, skipped: 0 };
}

export interface LintSourcesInput {
  files: SourceFile[];
  host: ProjectHost;
  config: ResolvedConfig;
  extractors?: Extractor[];
  rules?: Rule[];
  /** Only report diagnostics in these files (language server, ESLint). Default: all. */
  reportFiles?: ReadonlySet<string>;
}

/** Chooses the extractor of a file; undefined when no supported language claims it. */
export function extractorFor(file: SourceFile, extractors: Extractor[] = allExtractors): Extractor[] {
  const head = file.text.slice(0, 4096);
  return extractors.filter((e) => e.accepts(file.path, head));
}

/** Runs one extractor over files; a crash in one file never loses the others. */
function safeExtract(ex: Extractor, files: SourceFile[], host: ProjectHost, notices: string[]): ExtractResult {
  try {
    return ex.extract(files, host);
  } catch (err) {
    if (files.length === 1) {
      const f = files[0] as SourceFile;
      notices.push(`${f.path}: internal error in the ${ex.name} extractor: ${(err as Error).message}`);
      return {
        policies: [],
        apps: [],
        parseErrors: [{ file: f.path, start: 0, end: 0, message: `cors-lint could not analyse this file (${ex.name}): ${(err as Error).message}` }],
      };
    }
    const merged: ExtractResult = { policies: [], apps: [], parseErrors: [] };
    for (const f of files) {
      const r = safeExtract(ex, [f], host, notices);
      merged.policies.push(...r.policies);
      merged.apps.push(...r.apps);
      merged.parseErrors.push(...r.parseErrors);
    }
    return merged;
  }
}

/** Extracts the model from files. Synchronous: call `initEngine()` once before. */
export function extractModel(
  files: SourceFile[],
  host: ProjectHost,
  extractors: Extractor[] = allExtractors,
  stats: LintStats = emptyStats(),
  notices: string[] = [],
  cache?: LintCache,
): ExtractResult {
  const groups = new Map<Extractor, SourceFile[]>();
  for (const f of files) {
    const exs = extractorFor(f, extractors);
    if (exs.length === 0) continue;
    stats.candidates++;
    let parsed = false;
    for (const ex of exs) {
      if (!ex.prefilter(f.text)) continue;
      parsed = true;
      let g = groups.get(ex);
      if (!g) groups.set(ex, (g = []));
      g.push(f);
    }
    if (parsed) stats.parsed++;
  }
  const result: ExtractResult = { policies: [], apps: [], parseErrors: [] };
  for (const [ex, group] of groups) {
    // Normalised per group (it is per policy), so that a group reused from the cache comes back normalised.
    const run = (h: ProjectHost) => {
      const r = safeExtract(ex, group, h, notices);
      normalizeOrigins(r);
      return r;
    };
    const r = cache ? cache.extract(ex, group, host, run) : run(host);
    result.policies.push(...r.policies);
    result.apps.push(...r.apps);
    result.parseErrors.push(...r.parseErrors);
  }
  // Cross-extractor links (an nginx proxy_pass to an app of this repository), once every extractor has run.
  for (const ex of groups.keys()) {
    try {
      ex.link?.(result, host);
    } catch (err) {
      notices.push(`internal error while linking ${ex.name} policies: ${(err as Error).message}`);
    }
  }
  return result;
}

/**
 * Extractors annotate model notes with the sections of the project's CORS semantics reference ("(§2.3)") for
 * the developers who maintain them; users do not have that document, so the references are dropped here.
 */
function userFacing(message: string): string {
  return message
    .replace(/\s*\(§\d+(?:\.\d+)*(?:,\s*§\d+(?:\.\d+)*)*\)/g, '')
    .replace(/,?\s*§\d+(?:\.\d+)*/g, '')
    .replace(/\(\s*\)/g, '');
}

/** Runs the rules over a model and turns findings into diagnostics. */
export function runRules(
  model: ExtractResult,
  host: ProjectHost,
  config: ResolvedConfig,
  rules: Rule[] = allRules,
  reportFiles?: ReadonlySet<string>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const textOf = (file: string) => host.readFile(file)?.text;
  const appById = new Map(model.apps.map((a) => [a.id, a]));

  const emit = (ruleId: string, defaults: { severity: 'error' | 'warning'; recommended: boolean }, f: Finding) => {
    const file = f.span.file;
    if (reportFiles && !reportFiles.has(file)) return;
    if (config.isIgnored(file)) return;
    const rc = config.ruleConfig(ruleId, file, defaults);
    if (rc.severity === 'off') return;
    const text = textOf(file);
    if (text === undefined) return;
    const pos = positionOf(text, f.span);
    if (isSuppressed(text, pos.line, ruleId)) return;
    const key = `${ruleId}|${file}|${f.span.start}|${f.span.end}|${f.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    const severity = rc.explicit ? rc.severity : (f.severity ?? rc.severity);
    out.push({
      ruleId: `cors/${ruleId}`,
      severity,
      message: userFacing(f.message),
      file,
      ...pos,
      span: f.span,
      related: (f.related ?? []).flatMap((r) => {
        const t = textOf(r.span.file);
        return t === undefined ? [] : [{ file: r.span.file, message: userFacing(r.message), span: r.span, ...positionOf(t, r.span) }];
      }),
      ...(f.fix ? { fix: f.fix } : {}),
      ...(f.suggestions?.length ? { suggestions: f.suggestions } : {}),
      docsUrl: docsUrl(ruleId),
    });
  };

  for (const rule of rules) {
    const { id, severity, recommended } = rule.meta;
    const ctx: RuleContext = {
      project: model,
      options: {},
      report: (f) => emit(id, { severity, recommended }, f),
      appOf: (p: CorsPolicy) => (p.appId ? appById.get(p.appId) : undefined),
    };
    const withOptions = (file: string): RuleContext => ({ ...ctx, options: config.ruleConfig(id, file, { severity, recommended }).options });
    for (const p of model.policies) {
      if (!rule.meta.kinds.includes(p.kind)) continue;
      rule.checkPolicy?.(p, withOptions(p.span.file));
    }
    for (const a of model.apps) {
      if (!rule.meta.kinds.includes(a.kind)) continue;
      rule.checkApp?.(a, withOptions(a.span.file));
    }
    rule.checkProject?.(ctx);
  }

  for (const pe of model.parseErrors) {
    if (reportFiles && !reportFiles.has(pe.file)) continue;
    if (config.isIgnored(pe.file)) continue;
    const text = textOf(pe.file);
    if (text === undefined) continue;
    const pos = positionOf(text, pe);
    out.push({
      ruleId: `cors/${PARSE_ERROR_ID}`,
      severity: 'error',
      message: pe.message,
      file: pe.file,
      ...pos,
      span: { file: pe.file, start: pe.start, end: pe.end },
      related: [],
      docsUrl: docsUrl(PARSE_ERROR_ID),
    });
  }
  return out.sort(compareDiagnostics);
}

/** Lints source files already in memory (language server, ESLint plugin, tests). */
export function lintSources(input: LintSourcesInput): LintOutput {
  const stats = emptyStats();
  const notices: string[] = [];
  const model = extractModel(input.files, input.host, input.extractors, stats, notices);
  const diagnostics = runRules(model, input.host, input.config, input.rules, input.reportFiles);
  return { diagnostics, model, stats, notices };
}

export interface LintProjectOptions {
  cwd: string;
  /** Files or directories (relative to cwd or absolute). Default `['.']`. */
  paths?: string[];
  config: ResolvedConfig;
  extractors?: Extractor[];
  rules?: Rule[];
  /** The run cache (`--cache`): unchanged files are not re-read, unchanged extractions not re-run. */
  cache?: LintCache;
}

export interface LintProjectResult extends LintOutput {
  root: string;
  host: FsProjectHost;
}

/** The CLI entry: discovers files on disk and lints them. */
export async function lintProject(opts: LintProjectOptions): Promise<LintProjectResult> {
  const extractors = opts.extractors ?? allExtractors;
  await initEngine(extractors);
  const abs = (opts.paths?.length ? opts.paths : ['.']).map((p) => path.resolve(opts.cwd, p));
  const root = commonRoot(opts.cwd, abs);
  const allowed = abs.map((p) => toPosix(path.relative(root, p)));
  const host = new FsProjectHost(root, allowed.map((a) => (a === '.' ? '' : a)), undefined, opts.config.settings);
  const discovery = discoverFilesSplit(root, abs, (rel) => opts.config.isIgnored(rel));
  const notices = [...discovery.notices];
  const stats = emptyStats();
  stats.discovered = discovery.files.length;
  // Tracked files are read while git lists the untracked ones in the background.
  const files = readCandidates(discovery.files, host, extractors, stats, notices, opts.cache);
  if (discovery.untracked) {
    // Parse the tracked candidates while git is still walking the tree (safeExtract-style: never throws).
    // Not with --cache: an unchanged project reuses its extraction, and parsing it ahead would be wasted.
    for (const ex of opts.cache ? [] : extractors) {
      if (!ex.prewarm) continue;
      const mine = files.filter((f) => ex.accepts(f.path, f.text.slice(0, HEAD_CHARS)) && ex.prefilter(f.text));
      try {
        ex.prewarm(mine, host);
      } catch {
        // extract() reports the problem with its position
      }
    }
    const more = await discovery.untracked;
    stats.discovered += more.length;
    files.push(...readCandidates(more, host, extractors, stats, notices, opts.cache));
  }
  const model = extractModel(files, host, extractors, stats, notices, opts.cache);
  const diagnostics = opts.cache?.cachedDiagnostics() ?? runRules(model, host, opts.config, opts.rules);
  if (opts.cache) {
    const failed = opts.cache.save(diagnostics);
    if (failed) notices.push(failed);
  }
  return { diagnostics, model, stats, notices, root, host };
}

/**
 * Reads the discovered files and returns those an extractor will parse (language accepted, prefilter
 * passed), seeded into the host. Everything else is dropped as soon as it is decided: files no extractor
 * can accept by their path are never opened, the others are decided on their first bytes (never read whole
 * when no extractor accepts them), and texts that fail the prefilter are not
 * kept for the run, so memory grows with the CORS-relevant files, not with the repository.
 */
export function readCandidates(
  rels: readonly string[],
  host: FsProjectHost,
  extractors: Extractor[],
  stats: LintStats,
  notices: string[],
  cache?: LintCache,
): SourceFile[] {
  const files: SourceFile[] = [];
  for (const rel of rels) {
    // Most of a repository (assets, JSON, Markdown) is decided on its path: never opened.
    if (!extractors.some((e) => e.mayAccept?.(rel) ?? true)) continue;
    let st: fs.Stats | undefined;
    if (cache) {
      try {
        st = fs.statSync(path.join(host.root, rel));
      } catch {
        st = undefined;
      }
      const known = st && cache.knownVerdict(rel, st);
      if (known === 0) continue;
      if (known === 1) {
        stats.candidates++;
        continue;
      }
    }
    const r = host.scanFile(rel, (head) => extractors.some((e) => e.accepts(rel, head)));
    if (r.status === 'rejected') {
      cache?.recordFile(rel, st, 0);
      continue;
    }
    if (r.status !== 'ok') {
      stats.skipped++;
      if (r.status === 'too-large') notices.push(`${rel}: skipped, larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
      continue;
    }
    const f = r.file;
    if (extractorFor(f, extractors).some((e) => e.prefilter(f.text))) {
      host.seed(f);
      files.push(f);
      cache?.recordFile(rel, st, 2);
    } else {
      // Counted here because extractModel never sees it.
      stats.candidates++;
      cache?.recordFile(rel, st, 1);
    }
  }
  return files;
}

/** The lint root: cwd when every path is inside it, else their common ancestor. */
function commonRoot(cwd: string, paths: string[]): string {
  const inside = (p: string) => p === cwd || p.startsWith(cwd.endsWith(path.sep) ? cwd : cwd + path.sep);
  if (paths.every(inside)) return cwd;
  let root = path.dirname(paths[0] as string);
  for (const p of paths) {
    while (!(p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep))) root = path.dirname(root);
  }
  return root;
}
