/**
 * Project-wide linting for the long-lived front ends (ESLint plugin, language server).
 *
 * A finding can sit in a file other than the one that produced it: `cors({ origin: corsConfig.origins })` in
 * server.ts reports on the literal in config.ts. To report the same findings as the CLI, the ESLint plugin and
 * the language server lint the whole project (discovered like the CLI does, byte-prefiltered so only CORS files
 * are parsed) and then show the diagnostics of the file at hand. Results are cached and revalidated cheaply
 * (file stats), so `eslint .` runs the engine once for the whole repository, not once per file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules, ruleIds } from '../../rules/index.js';
import { loadConfigFile, resolveConfig, type ConfigFile, type ResolvedConfig, type RuleSetting } from '../engine/config.js';
import type { Diagnostic } from '../engine/diagnostic.js';
import { discoverFiles } from '../engine/discover.js';
import { DiskCache, FileMemo, FsProjectHost, toPosix } from '../engine/host.js';
import { GroupMemo } from '../engine/cache.js';
import { emptyStats, extractModel, extractorFor, readCandidates, runRules } from '../engine/lint.js';
import { allExtractors } from '../extractors/index.js';
import type { Rule } from '../engine/rule.js';
import type { SourceFile } from '../engine/source.js';

/** Root-relative POSIX path of an absolute file, or undefined when it is outside the root. */
export function relativeTo(root: string, abs: string): string | undefined {
  const rel = path.relative(root, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return toPosix(rel);
}

/** Whether any extractor would parse this text (language accepted and prefilter passed). */
export function isCandidate(rel: string, text: string): boolean {
  return extractorFor({ path: rel, text }).some((e) => e.prefilter(text));
}

interface FileStamp {
  mtimeMs: number;
  size: number;
}

function stampOf(abs: string): FileStamp | undefined {
  try {
    const st = fs.statSync(abs);
    return { mtimeMs: st.mtimeMs, size: st.size };
  } catch {
    return undefined;
  }
}

export interface ProjectRunInput {
  /** Absolute project root (spans are relative to it). */
  root: string;
  config: ResolvedConfig;
  /** Unsaved or in-memory texts by root-relative path (editor buffers, the file ESLint is linting). */
  overlay?: ReadonlyMap<string, string>;
  /** Called with the fresh host before extraction (the ESLint plugin seeds its own parsed AST here). */
  seed?: (host: FsProjectHost) => void;
  rules?: Rule[];
  /** false: lint only the overlay files (and what they import), without listing the project. Default true. */
  discover?: boolean;
  /**
   * A long-lived index of the project (language server): what each listed file is, the texts of the CORS
   * candidates and their syntax trees, kept across runs. Without it, the run builds a throwaway one.
   */
  index?: ProjectIndex;
}

export interface ProjectRun {
  root: string;
  diagnostics: Diagnostic[];
  /** Diagnostics grouped by root-relative file. */
  byFile: Map<string, Diagnostic[]>;
  /** Text of every file the run read (candidates and the modules they import), by root-relative path. */
  texts: Map<string, string>;
  host: FsProjectHost;
  notices: string[];
  /** Stamps of the files read from disk, to notice edits made outside the front end. */
  stamps: Map<string, FileStamp | undefined>;
  /** Extractions this run made and reused from the previous run of the same index (by extractor name). */
  extractions: { run: string[]; reused: string[] };
  at: number;
}

/** Discovery results are reused for a short while: listing a repository is the costliest step per keystroke. */
const DISCOVERY_TTL_MS = 3000;
const discoveryCache = new Map<string, { at: number; files: string[] }>();

function discovered(root: string, config: ResolvedConfig): string[] {
  const key = `${root}\0${config.fingerprint}`;
  const hit = discoveryCache.get(key);
  if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.files;
  const files = discoverFiles(root, [root], (rel) => config.isIgnored(rel)).files;
  discoveryCache.set(key, { at: Date.now(), files });
  return files;
}

/** What a listed file is to the engine: not a candidate (null), or a candidate with its text. */
type Scanned = { file: SourceFile | null; stamp: FileStamp | undefined; notice?: string };

/**
 * The language server's memory of a project between runs. A run after an edit then costs the edited file:
 * the listing, the other files' verdicts and texts, and the syntax trees of unchanged files are reused.
 * Files are re-read when the editor reports them changed on disk (`invalidate`), or, for clients that do
 * not report file changes, when their size or mtime changed (checked at most every `revalidateMs`).
 */
export class ProjectIndex {
  readonly trees = new FileMemo();
  /**
   * Extractions of the previous run, reused when their inputs and every read they made are unchanged: an
   * edit to a JavaScript file does not re-run the Python and nginx extraction, and the other way round.
   */
  readonly groups = new GroupMemo(new Map(), new Set(), true);
  /** Texts and existence of the other files runs read (imported modules, manifests, includes). */
  readonly disk = new DiskCache();
  private listing: string[] | undefined;
  private readonly scans = new Map<string, Scanned>();
  private checkedAt = 0;
  /**
   * The last answer of `candidates`, in listing order: a run after an edit walks these (a few hundred files)
   * instead of the whole listing (tens of thousands in a monorepo, about 25 ms per keystroke). Valid while the
   * listing and the scans are unchanged and every listed file skipped as an open buffer is still open.
   */
  private answer: { rels: string[]; skipped: string[] } | undefined;

  constructor(
    readonly root: string,
    /** 0: rely on `invalidate` only (the client watches files); else revalidate stamps this often. */
    private readonly revalidateMs = 0,
    /** How the project is listed (default: like the CLI, through git or a walk). */
    private readonly list: (config: ResolvedConfig) => string[] = (config) => discoverFiles(root, [root], (rel) => config.isIgnored(rel)).files,
  ) {}

  /**
   * Forgets what is known of these files (changed on disk), or of every file. `relist`: files were created or
   * deleted, so the project is listed again (the costly part on a large repository).
   */
  invalidate(rels?: Iterable<string>, relist = rels === undefined): void {
    this.answer = undefined;
    if (relist) this.listing = undefined;
    if (!rels) {
      this.scans.clear();
      this.disk.clear();
    } else {
      for (const r of rels) {
        this.scans.delete(r);
        this.disk.forget(r);
      }
    }
  }

  /** The CORS candidates among the listed files (overlay files excluded: the caller adds those). */
  candidates(config: ResolvedConfig, host: FsProjectHost, overlay: ReadonlyMap<string, string>, notices: string[]): SourceFile[] {
    if (this.revalidateMs > 0 && Date.now() - this.checkedAt >= this.revalidateMs) {
      this.checkedAt = Date.now();
      this.listing = undefined;
      // Imported modules and manifests carry no stamps: they are simply read again.
      this.disk.clear();
      for (const [rel, s] of this.scans) {
        const now = stampOf(path.join(this.root, rel));
        if (!now || !s.stamp || now.mtimeMs !== s.stamp.mtimeMs || now.size !== s.stamp.size) this.scans.delete(rel);
      }
      this.answer = undefined;
    }
    if (this.listing === undefined) {
      this.listing = this.list(config);
      const listed = new Set(this.listing);
      for (const rel of this.scans.keys()) if (!listed.has(rel)) this.scans.delete(rel);
      this.answer = undefined;
    }
    const answer = this.answer && this.answer.skipped.every((rel) => overlay.has(rel)) ? this.answer : this.scanListing(host, overlay);
    this.answer = answer;
    const out: SourceFile[] = [];
    for (const rel of answer.rels) {
      if (overlay.has(rel)) continue;
      const s = this.scans.get(rel) as Scanned;
      if (s.notice) notices.push(s.notice);
      if (s.file) {
        host.seed(s.file);
        out.push(s.file);
      }
    }
    return out;
  }

  /** Scans the listed files not yet scanned (open buffers excepted): the ones with a text or a notice. */
  private scanListing(host: FsProjectHost, overlay: ReadonlyMap<string, string>): { rels: string[]; skipped: string[] } {
    const rels: string[] = [];
    const skipped: string[] = [];
    for (const rel of this.listing ?? []) {
      if (overlay.has(rel)) {
        skipped.push(rel);
        continue;
      }
      let s = this.scans.get(rel);
      if (!s) this.scans.set(rel, (s = scan(host, rel, this.revalidateMs > 0)));
      if (s.file || s.notice) rels.push(rel);
    }
    return { rels, skipped };
  }
}

/** Reads a listed file the way the CLI does (`readCandidates`: path, first bytes, prefilter). */
function scan(host: FsProjectHost, rel: string, withStamp = false): Scanned {
  // Files decided on their path alone (assets) are never opened, so they need no stamp either.
  const stamp = withStamp && allExtractors.some((e) => e.mayAccept?.(rel) ?? true) ? stampOf(path.join(host.root, rel)) : undefined;
  const notices: string[] = [];
  const [file] = readCandidates([rel], host, allExtractors, emptyStats(), notices);
  return { file: file ?? null, stamp, ...(notices.length ? { notice: notices.join('\n') } : {}) };
}

/**
 * Lints the project at `root` synchronously (call `initEngine()` once before). Files in the overlay are
 * linted with their overlay text, and are linted even when discovery does not list them.
 */
export function runProject(input: ProjectRunInput): ProjectRun {
  const overlay = new Map(input.overlay ?? []);
  const index = input.index;
  const host = new FsProjectHost(input.root, [''], overlay, input.config.settings, index ? { trees: index.trees, disk: index.disk } : {});
  input.seed?.(host);
  const notices: string[] = [];
  const files: SourceFile[] = [];
  if (input.discover !== false) {
    // Without a long-lived index (ESLint), a throwaway one, listed through the short-lived discovery cache.
    const idx = index ?? new ProjectIndex(input.root, 0, (config) => discovered(input.root, config));
    files.push(...idx.candidates(input.config, host, overlay, notices));
  }
  for (const [rel, text] of overlay) if (!input.config.isIgnored(rel)) files.push({ path: rel, text });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const model = extractModel(files, host, undefined, undefined, notices, index?.groups);
  const diagnostics = runRules(model, host, input.config, input.rules);
  index?.trees.sweep();
  const extractions = index ? index.groups.roll() : { run: [], reused: [] };
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const list = byFile.get(d.file);
    if (list) list.push(d);
    else byFile.set(d.file, [d]);
  }
  const texts = new Map<string, string>();
  const stamps = new Map<string, FileStamp | undefined>();
  for (const rel of host.reads) {
    const t = host.readFile(rel)?.text;
    if (t !== undefined) texts.set(rel, t);
    // The ESLint plugin revalidates its cached runs with these; the language server's index is told of changes.
    if (!index && !overlay.has(rel)) stamps.set(rel, stampOf(path.join(input.root, rel)));
  }
  return { root: input.root, diagnostics, byFile, texts, host, notices, stamps, extractions, at: Date.now() };
}

/** True when no file the run read from disk has changed since (checked by size and mtime). */
export function isFresh(run: ProjectRun): boolean {
  for (const [rel, stamp] of run.stamps) {
    const now = stampOf(path.join(run.root, rel));
    if (!now || !stamp || now.mtimeMs !== stamp.mtimeMs || now.size !== stamp.size) return false;
  }
  return true;
}

/** Every rule on at its default severity: the front end (ESLint) decides which ones it shows. */
export function allRulesOn(file: ConfigFile = {}, options: Record<string, Record<string, unknown>> = {}): ResolvedConfig {
  const rules: Record<string, RuleSetting> = {};
  for (const r of allRules) {
    const sev = r.meta.severity === 'error' ? 'error' : 'warn';
    const opts = options[r.meta.id];
    rules[r.meta.id] = opts ? [sev, opts] : sev;
  }
  return resolveConfig({ ignores: file.ignores, settings: file.settings, rules }, ruleIds);
}

/** The project's cors-lint.config.json when there is one (never throws: a broken file is reported by the caller). */
export function readProjectConfig(root: string): { config: ConfigFile; error?: string } {
  try {
    return { config: loadConfigFile(root).config };
  } catch (e) {
    return { config: {}, error: (e as Error).message };
  }
}
