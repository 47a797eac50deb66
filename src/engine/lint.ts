/**
 * The engine: files → prefilter → extract → rules → diagnostics. Front ends (CLI, ESLint plugin, language
 * server) call `lintSources` or `lintProject` and only adapt input and output.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CorsPolicy, ExtractResult, ProjectModel, Span } from '../model/index.js';
import { allRules } from '../../rules/index.js';
import { preloadAnalysis } from '../analysis/index.js';
import { allExtractors } from '../extractors/index.js';
import type { GroupCache, LintCache } from './cache.js';
import type { ResolvedConfig } from './config.js';
import { compareDiagnostics, positionOf, type Diagnostic } from './diagnostic.js';
import { discoverFilesSplit } from './discover.js';
import { docsUrl, PARSE_ERROR_ID } from './docs.js';
import { extractGroup, extractorFor as extractorsOf, groupCandidates, linkModel, mergeResults, safePrewarm } from './extract.js';
import type { Extractor } from './extractor.js';
import { FileMemo, FsProjectHost, toPosix, type ProjectHost } from './host.js';
import type { Finding, Rule, RuleContext } from './rule.js';
import type { SourceFile } from './source.js';
import { isSuppressed } from './suppress.js';
import { readInParallel, type ExtractionHelper, type RemoteResult } from './parallel-read.js';
import { passesPrefilter, readCandidates } from './read.js';

export interface LintStats {
  /** Files the walker listed. */
  discovered: number;
  /** Files that belong to a supported language. */
  candidates: number;
  /** Candidates the byte prefilter let through (parsed). */
  parsed: number;
  /** Files skipped: binary, too large, unreadable, vanished. */
  skipped: number;
  /** Worker threads that took part in the run (0: everything ran on the main thread). */
  threads: number;
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
  return { discovered: 0, candidates: 0, parsed: 0, skipped: 0, threads: 0 };
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

/**
 * Extractors whose group the reading worker extracts once it has read: Python (its parsing and extraction
 * take about as long as this thread's Express and nginx extraction, which run meanwhile). Express stays
 * here: its candidates are parsed as they are found, during the reading.
 */
const OFFLOADED: ReadonlySet<string> = new Set(['python']);

/** The extractors whose language a file is (decided on its path and first characters). */
export function extractorFor(file: SourceFile, extractors: readonly Extractor[] = allExtractors): Extractor[] {
  return extractorsOf(file, extractors);
}
export { readCandidates } from './read.js';

/** Extracts the model from files. Synchronous: call `initEngine()` once before. */
export function extractModel(
  files: SourceFile[],
  host: ProjectHost,
  extractors: Extractor[] = allExtractors,
  stats: LintStats = emptyStats(),
  notices: string[] = [],
  /** Reuses extractions whose inputs and reads are unchanged (`--cache`, the language server's index). */
  cache?: GroupCache,
): ExtractResult {
  const groups = groupCandidates(files, extractors, stats);
  const parts = [...groups].map(([ex, group]) => extractHere(ex, group, host, cache));
  return finishModel(groups.keys(), parts, host, notices);
}

/** One group extracted on this thread (through the cache when there is one), with its own notices. */
function extractHere(ex: Extractor, group: SourceFile[], host: ProjectHost, cache?: GroupCache): RemoteResult {
  const notices: string[] = [];
  const run = (h: ProjectHost) => extractGroup(ex, group, h, notices);
  return { result: cache ? cache.extract(ex, group, host, run) : run(host), notices };
}

/** The groups' results (in group order) merged into the model, their notices kept in that order, then linked. */
function finishModel(extractors: Iterable<Extractor>, parts: RemoteResult[], host: ProjectHost, notices: string[]): ExtractResult {
  for (const p of parts) notices.push(...p.notices);
  const result = mergeResults(parts.map((p) => p.result));
  linkModel(result, extractors, host, notices);
  return result;
}

/**
 * extractModel with some groups extracted by the worker (parallel-read.ts) while this thread extracts the
 * others. The model, its order and the notices are extractModel's; a group the worker cannot give is
 * extracted here.
 */
async function extractModelWith(
  files: SourceFile[],
  host: ProjectHost,
  extractors: Extractor[],
  stats: LintStats,
  notices: string[],
  helper: ExtractionHelper,
): Promise<ExtractResult> {
  const groups = groupCandidates(files, extractors, stats);
  const remote = new Map<Extractor, Promise<RemoteResult | undefined>>();
  for (const [ex, group] of groups) if (helper.extractors.has(ex.name)) remote.set(ex, helper.extract(ex.name, group));
  const parts = new Map<Extractor, RemoteResult>();
  for (const [ex, group] of groups) if (!remote.has(ex)) parts.set(ex, extractHere(ex, group, host));
  for (const [ex, answer] of remote) parts.set(ex, (await answer) ?? extractHere(ex, groups.get(ex) as SourceFile[], host));
  return finishModel(groups.keys(), [...groups.keys()].map((ex) => parts.get(ex) as RemoteResult), host, notices);
}

/**
 * Extractors annotate model notes with the sections of the project's CORS semantics reference ("(§2.3)") for
 * the developers who maintain them; users do not have that document, so the references are dropped here.
 */
function userFacing(message: string): string {
  return message
    .replace(/\s*\(§\d+(?:\.\d+)*(?:,\s*§\d+(?:\.\d+)*)*\)/g, '')
    .replace(/,?\s*§\d+(?:\.\d+)*/g, '')
    // What is left of "(§2.3)" after the above; never a call's "()" ("cors()", "CORS(app)").
    .replace(/(?<![\w$)\]])\(\s*\)/g, '');
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
  /** Finding identity → its index in `out`. */
  const seen = new Map<string, number>();
  const textOf = (file: string) => host.readFile(file)?.text;
  const appById = new Map(model.apps.map((a) => [a.id, a]));
  // A policy that reaches no route only answers 404s of paths the app does not serve: nothing to judge there.
  const judged: ProjectModel = { ...model, policies: model.policies.filter((p) => !p.scope.reachesNoRoute) };

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
    const severity = rc.explicit ? rc.severity : (f.severity ?? rc.severity);
    const key = `${ruleId}|${file}|${f.span.start}|${f.span.end}|${f.key === undefined ? `m:${f.message}` : `k:${f.key}`}`;
    const earlier = seen.get(key);
    // The same problem found through several policies: once, at its most severe, and among those the one that
    // names more of its causes (the credentials that make it worse).
    if (earlier !== undefined) {
      const e = out[earlier] as Diagnostic;
      const rank = (sev: string, related: number) => (sev === 'error' ? 1000 : 0) + related;
      if (rank(severity, f.related?.length ?? 0) <= rank(e.severity, e.related.length)) return;
    }
    const at = earlier ?? out.length;
    seen.set(key, at);
    out[at] = {
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
    };
  };

  for (const rule of rules) {
    const { id, severity, recommended } = rule.meta;
    const ctx: RuleContext = {
      project: judged,
      options: {},
      report: (f) => emit(id, { severity, recommended }, f),
      appOf: (p: CorsPolicy) => (p.appId ? appById.get(p.appId) : undefined),
    };
    const withOptions = (file: string): RuleContext => ({ ...ctx, options: config.ruleConfig(id, file, { severity, recommended }).options });
    for (const p of judged.policies) {
      if (!rule.meta.kinds.includes(p.kind)) continue;
      const pc = withOptions(p.span.file);
      // The endpoint wrapper is the outer one, so its note comes before the condition note.
      const conditional = p.condition ? underCondition(pc, p.condition) : pc;
      rule.checkPolicy?.(p, p.endpoint ? atEndpoint(conditional, p.endpoint) : conditional);
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

/**
 * A policy registered under a condition the model cannot decide (CorsPolicy.condition): its findings are real when
 * the condition holds, and say so, with the condition as a related location.
 */
function underCondition(ctx: RuleContext, condition: { span: Span; text: string; onRequest?: true }): RuleContext {
  const flat = condition.text.replace(/\s+/g, ' ').trim();
  const text = flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
  const when = condition.onRequest ? 'runs only for the requests for which' : 'is registered only when';
  return {
    ...ctx,
    report: (f) =>
      ctx.report({
        ...f,
        message: `${f.message} (This CORS setup ${when} \`${text}\` holds.)`,
        related: [...(f.related ?? []), { span: condition.span, message: `the CORS setup ${when} this holds` }],
      }),
  };
}

/**
 * A policy of a library endpoint on the app's server (CorsPolicy.endpoint, Socket.IO's engine.io): its findings say
 * where the headers are sent, since the code that sets them is an option, not a middleware of the app.
 */
function atEndpoint(ctx: RuleContext, endpoint: { label: string; note: string }): RuleContext {
  return { ...ctx, report: (f) => ctx.report({ ...f, message: `${f.message} (This is ${endpoint.label}: ${endpoint.note}.)` }) };
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
  /**
   * Reading on a second thread (parallel-read.ts): 'auto' (default) when the tree is large enough to pay for
   * it, 'always' (tests), 'never'. Not with `cache`. The result is the same either way.
   */
  workers?: 'auto' | 'always' | 'never';
  /**
   * In a git checkout, analyse the tracked files while git still lists the untracked ones (and again when
   * those add candidates). Default: when the listing has not finished by the time the tracked files are read.
   * The result is the same either way; tests force both paths.
   */
  overlapUntracked?: boolean;
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
  const allowed = abs.map((p) => toPosix(path.relative(root, p))).map((a) => (a === '.' ? '' : a));
  // Parsed trees are kept for the run: when it has to extract a second time (below), nothing is parsed twice.
  const trees = new FileMemo();
  const newHost = () => new FsProjectHost(root, allowed, undefined, opts.config.settings, { trees });
  let host = newHost();
  // While git lists a large repository, this thread would wait: it loads the parsers and the automata library,
  // which the first candidates would load anyway.
  const preload = () => {
    if (gitIndexBytes(root) < PRELOAD_MIN_INDEX_BYTES) return;
    for (const ex of extractors) ex.preload?.();
    preloadAnalysis();
  };
  const discovery = await discoverFilesSplit(root, abs, (rel) => opts.config.isIgnored(rel), preload);
  const notices = [...discovery.notices];
  const stats = emptyStats();
  stats.discovered = discovery.files.length;
  let untracked: string[] | undefined;
  void discovery.untracked?.then((more) => (untracked = more));
  // A second thread reads large trees (not with --cache, which reads little; not with extractors the worker
  // cannot load by name), then extracts the Python group while this thread extracts the others.
  const mode = opts.workers ?? 'auto';
  const threaded = mode !== 'never' && !opts.cache && extractors.every((e) => allExtractors.includes(e));
  const offload = threaded ? extractors.filter((e) => OFFLOADED.has(e.name)).map((e) => e.name) : [];
  // This thread parses candidates as soon as they are found, while other files are still being read
  // (safePrewarm never throws; extract() reports problems); the worker parses the groups it extracts.
  const prewarm = (batch: SourceFile[]) => {
    for (const ex of extractors) {
      if (!ex.prewarm || offload.includes(ex.name)) continue;
      safePrewarm(ex, batch.filter((f) => passesPrefilter(f, [ex])), host);
    }
  };
  const parallel = threaded
    ? await readInParallel(
        discovery.files,
        { host, selectors: extractors, counts: stats, notices, onCandidates: prewarm, offload, settings: opts.config.settings },
        mode === 'always',
      )
    : undefined;
  if (parallel && parallel.workerChunks > 0) stats.threads = 1;
  const files = parallel?.files ?? readCandidates(discovery.files, host, extractors, stats, notices, opts.cache);
  let helper = parallel?.helper;

  // Extraction and rules, with their own counters and notices (added after the reading's). The worker is used
  // for the first analysis only (it holds a host of this run).
  const analyse = async (h: FsProjectHost, all: SourceFile[]) => {
    const own = { stats: emptyStats(), notices: [] as string[] };
    const remote = helper;
    helper = undefined;
    const model = remote
      ? await extractModelWith(all, h, extractors, own.stats, own.notices, remote).finally(() => remote.close())
      : extractModel(all, h, extractors, own.stats, own.notices, opts.cache);
    const diagnostics = opts.cache?.cachedDiagnostics() ?? runRules(model, h, opts.config, opts.rules);
    return { model, diagnostics, ...own };
  };
  let result: Awaited<ReturnType<typeof analyse>> | undefined;
  try {
    if (discovery.untracked) {
      // Let a git listing that has already finished report.
      await new Promise((resolve) => setImmediate(resolve));
      // Still listing: analyse the tracked files meanwhile. The untracked files of a checkout are seldom CORS
      // candidates; when none is, that analysis is the run's, exactly as if it had waited. (Not with --cache,
      // whose extraction records must cover every file.)
      if ((opts.overlapUntracked ?? untracked === undefined) && !opts.cache) result = await analyse(host, files);
      const more = untracked ?? (await discovery.untracked);
      stats.discovered += more.length;
      const extra = readCandidates(more, host, extractors, stats, notices, opts.cache);
      if (extra.length > 0) {
        files.push(...extra);
        if (result) {
          // Analysed again over every candidate on a fresh host (extractors memoise per run), reusing the trees.
          host = newHost();
          for (const f of files) host.seed(f);
          result = undefined;
        }
      }
    }
    result ??= await analyse(host, files);
  } finally {
    helper?.close();
  }
  stats.candidates += result.stats.candidates;
  stats.parsed += result.stats.parsed;
  notices.push(...result.notices);
  const { model, diagnostics } = result;
  if (opts.cache) {
    const failed = opts.cache.save(diagnostics);
    if (failed) notices.push(failed);
  }
  return { diagnostics, model, stats, notices, root, host };
}

/** Size of the git index (about 145 bytes per tracked file) above which listing takes long enough to preload. */
const PRELOAD_MIN_INDEX_BYTES = 1024 * 1024;

/** Size of the index of the git checkout holding `dir` (0 when there is none, or it is a worktree or submodule). */
function gitIndexBytes(dir: string): number {
  try {
    for (let d = dir; ; ) {
      const git = fs.statSync(path.join(d, '.git'), { throwIfNoEntry: false });
      if (git) return git.isDirectory() ? (fs.statSync(path.join(d, '.git', 'index'), { throwIfNoEntry: false })?.size ?? 0) : 0;
      const parent = path.dirname(d);
      if (parent === d) return 0;
      d = parent;
    }
  } catch {
    return 0; // an unreadable ancestor: no preloading
  }
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
