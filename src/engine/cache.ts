/**
 * The run cache (`cors-lint --cache`) for repeated CI runs and pre-commit hooks.
 *
 * Everything is keyed by the tool (version + a stamp of its own code files), the configuration fingerprint,
 * the lint root and the extractors, so a cache from another version or config is simply ignored. Three levels:
 *  - per file: a file whose size, mtime and inode are unchanged and that was not a CORS candidate last time
 *    is not read again (most of a repository). Entries younger than the run start are not trusted (a file
 *    edited in the same clock tick as the previous run is re-read), the "racy git" rule.
 *  - per extractor: the candidates an extractor got, by content hash, plus every other read it made through
 *    the host (imports, includes, manifests: content hash; existence probes; directory listings). When all
 *    of them are unchanged, the extraction result is reused without parsing.
 *  - per run: when every extraction was reused, the diagnostics are reused too (rules are pure).
 * The file holds data only (v8 serialisation, no code); a corrupt, foreign or unreadable cache is ignored.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v8 from 'node:v8';
import type { ExtractResult } from '../model/index.js';
import type { ProjectSettings } from './config.js';
import type { Diagnostic } from './diagnostic.js';
import type { Extractor } from './extractor.js';
import type { ProjectHost } from './host.js';
import type { SourceFile } from './source.js';

const FORMAT = 1;
/** Default `--cache-location`: a directory (already in SKIPPED_DIRS and the project's .gitignore). */
export const DEFAULT_CACHE_DIR = '.cors-lint-cache';
/** A file modified this close to the run start may change again within the same mtime tick. */
const RACY_MS = 2000;

/** What a file was last time: 0 = no extractor takes it, 1 = taken but prefiltered out, 2 = candidate. */
export type FileVerdict = 0 | 1 | 2;

interface FileEntry {
  size: number;
  mtimeMs: number;
  ino: number;
  verdict: FileVerdict;
}

/** One host interaction during an extraction, and what it returned then. */
type Dep = [op: 'r' | 'e' | 'l', path: string, answer: string];

interface GroupEntry {
  inputs: string;
  deps: Dep[];
  result: ExtractResult;
}

interface CacheData {
  format: number;
  key: string;
  files: Map<string, FileEntry>;
  groups: Map<string, GroupEntry>;
  diagnostics?: { key: string; list: Diagnostic[] };
}

export function hashText(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}

let toolStamp: string | undefined;

/** The tool's identity: package version and the sizes and mtimes of its own code (a rebuilt tool is another tool). */
export function toolFingerprint(): string {
  if (toolStamp) return toolStamp;
  const here = path.dirname(fileURLToPath(import.meta.url)); // <base>/src/engine
  const base = path.resolve(here, '..', '..');
  const parts: string[] = [];
  for (const p of ['package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(base, p), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cors-lint') {
        parts.push(pkg.version ?? '0');
        break;
      }
    } catch {
      // not there (dist/ has no package.json)
    }
  }
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && depth < 6 && e.name !== 'node_modules') walk(p, depth + 1);
      else if (e.isFile() && /\.(m?js|ts|wasm|json)$/.test(e.name)) {
        try {
          const st = fs.statSync(p);
          parts.push(`${path.relative(base, p)}:${st.size}:${st.mtimeMs}`);
        } catch {
          // vanished
        }
      }
    }
  };
  walk(path.join(base, 'src'), 0);
  walk(path.join(base, 'rules'), 0);
  toolStamp = hashText(parts.join('\n'));
  return toolStamp;
}

/** A directory listing as recorded, without the cache's own file and directory (written after the run). */
function listing(names: string[], own: ReadonlySet<string>): string {
  return names.filter((n) => !own.has(n)).join('\0');
}

/** A host that records every interaction of an extraction, so a later run can check they still hold. */
class RecordingHost implements ProjectHost {
  readonly deps: Dep[] = [];
  private readonly memos = new Map<string, unknown>();
  constructor(
    private readonly inner: ProjectHost,
    private readonly hashOf: (f: SourceFile) => string,
    private readonly ownNames: ReadonlySet<string>,
  ) {}
  get root(): string {
    return this.inner.root;
  }
  get reads(): Set<string> {
    return this.inner.reads;
  }
  get settings(): ProjectSettings {
    return this.inner.settings;
  }
  readFile(p: string): SourceFile | undefined {
    const f = this.inner.readFile(p);
    this.deps.push(['r', p, f ? this.hashOf(f) : '']);
    return f;
  }
  fileExists(p: string): boolean {
    const x = this.inner.fileExists(p);
    this.deps.push(['e', p, x ? '1' : '0']);
    return x;
  }
  listDir(p: string): string[] {
    const x = this.inner.listDir(p);
    this.deps.push(['l', p, listing(x, this.ownNames)]);
    return x;
  }
  /** Own memo table: a value memoised by another extraction would hide the reads behind it. */
  memo<T>(key: string, compute: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const v = compute();
    this.memos.set(key, v);
    return v;
  }
  /** Trees depend on a file's text only, and that text was read (and recorded) through this host. */
  fileMemo<T>(kind: string, file: SourceFile, compute: () => T): T {
    return this.inner.fileMemo ? this.inner.fileMemo(kind, file, compute) : compute();
  }
}

/** Runs an extraction, or reuses the one a previous run made when its inputs and recorded reads still hold. */
export interface GroupCache {
  extract(ex: Extractor, group: SourceFile[], host: ProjectHost, run: (host: ProjectHost) => ExtractResult): ExtractResult;
}

/**
 * The per-extractor level of the cache: an extraction is reused when the candidates it got (by content hash)
 * and every other read it made through the host (imports, includes, manifests: content hash; existence
 * probes; directory listings) are unchanged. `LintCache` keeps it in its file between CLI runs; the language
 * server keeps one in memory per project (`ProjectIndex`), so an edit re-runs only the extractions it can
 * affect.
 */
export class GroupMemo implements GroupCache {
  /** Entries of the current run (they become `prev` for the next one, see `roll`). */
  next = new Map<string, GroupEntry>();
  /** Extractors whose extraction this run reused, and those it ran. */
  readonly reusedNames: string[] = [];
  readonly runNames: string[] = [];
  get reused(): number {
    return this.reusedNames.length;
  }
  get run(): number {
    return this.runNames.length;
  }
  private readonly hashes = new Map<string, { text: string; hash: string }>();

  constructor(
    private prev: Map<string, GroupEntry> = new Map(),
    private readonly ownNames: ReadonlySet<string> = new Set(),
    /**
     * In memory, a reused result is the very object an earlier run returned. Results of an extractor with a
     * `link` step are copied (its link adds to them on every run); the others are never changed after
     * extraction (rules only read the model), so they are shared.
     */
    private readonly copy = false,
  ) {}

  hashOf = (f: SourceFile): string => {
    const h = this.hashes.get(f.path);
    if (h && h.text === f.text) return h.hash;
    const hash = hashText(f.text);
    this.hashes.set(f.path, { text: f.text, hash });
    return hash;
  };

  extract(ex: Extractor, group: SourceFile[], host: ProjectHost, run: (host: ProjectHost) => ExtractResult): ExtractResult {
    // The project settings (the production nginx version) are inputs too.
    const inputs = [JSON.stringify(host.settings ?? {}), ...group.map((f) => `${f.path}\0${this.hashOf(f)}`)].join('\n');
    const prev = this.prev.get(ex.name);
    if (prev && prev.inputs === inputs && this.depsHold(prev.deps, host)) {
      this.next.set(ex.name, prev);
      this.reusedNames.push(ex.name);
      return this.copy && ex.link ? structuredClone(prev.result) : prev.result;
    }
    this.runNames.push(ex.name);
    const rec = new RecordingHost(host, this.hashOf, this.ownNames);
    const result = run(rec);
    try {
      // For the cache file, only plain data is kept (it is serialised when the run ends): a result that cannot
      // be serialised is simply not cached. In memory the result itself is kept (serialising it only to check
      // would cost 15 ms per keystroke in a large repository), copied when its link step adds to it.
      const kept = this.copy ? (ex.link ? structuredClone(result) : result) : (v8.serialize(result), result);
      this.next.set(ex.name, { inputs, deps: rec.deps, result: kept });
    } catch {
      // not cacheable
    }
    return result;
  }

  private depsHold(deps: Dep[], host: ProjectHost): boolean {
    for (const [op, p, answer] of deps) {
      if (op === 'r') {
        const f = host.readFile(p);
        if ((f ? this.hashOf(f) : '') !== answer) return false;
      } else if (op === 'e') {
        if ((host.fileExists(p) ? '1' : '0') !== answer) return false;
      } else if (listing(host.listDir(p), this.ownNames) !== answer) return false;
    }
    return true;
  }

  /**
   * Ends a run: what it used is what the next run may reuse (entries it did not use are dropped). Returns
   * which extractions the run made and reused.
   */
  roll(): { run: string[]; reused: string[] } {
    const done = { run: this.runNames.splice(0), reused: this.reusedNames.splice(0) };
    this.prev = this.next;
    this.next = new Map();
    return done;
  }
}

export interface CacheStats {
  filesReused: number;
  groupsReused: number;
  groupsRun: number;
  diagnosticsReused: boolean;
}

/** Identifies the whole model: every extraction's inputs and reads, in a stable order. */
function diagnosticsKey(groups: Map<string, GroupEntry>): string {
  return [...groups]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([name, g]) => `${name}\n${g.inputs}\n${g.deps.map((d) => d.join('\0')).join('\n')}`)
    .join('\n\n');
}

export class LintCache implements GroupCache {
  private data: CacheData;
  private readonly next: CacheData;
  private readonly startedAt = Date.now();
  /** Names of the cache's own file and directory, left out of recorded directory listings. */
  private readonly ownNames: ReadonlySet<string>;
  private readonly groups: GroupMemo;
  readonly stats: CacheStats = { filesReused: 0, groupsReused: 0, groupsRun: 0, diagnosticsReused: false };
  /** Why the previous cache was not used (for --debug style notices); undefined when it was. */
  readonly discarded: string | undefined;

  private constructor(
    readonly file: string,
    readonly key: string,
    loaded: CacheData | undefined,
    discarded: string | undefined,
  ) {
    this.data = loaded ?? { format: FORMAT, key, files: new Map(), groups: new Map() };
    this.discarded = discarded;
    this.ownNames = new Set([DEFAULT_CACHE_DIR, path.basename(file), path.basename(path.dirname(file))]);
    this.groups = new GroupMemo(this.data.groups, this.ownNames);
    this.next = { format: FORMAT, key, files: new Map(), groups: this.groups.next };
  }

  /**
   * Opens (or starts) the cache for a run.
   * @param location `--cache-location`: a directory (ends with a separator or exists as one) or a file
   */
  static open(location: string, root: string, configFingerprint: string, extractors: Extractor[]): LintCache {
    const key = hashText(JSON.stringify([FORMAT, toolFingerprint(), configFingerprint, root, extractors.map((e) => e.name)]));
    let file = location;
    let isDir = /[\\/]$/.test(location);
    try {
      isDir ||= fs.statSync(location).isDirectory();
    } catch {
      // does not exist yet
    }
    if (isDir) file = path.join(location, `cors-lint-${hashText(root).slice(0, 12)}.cache`);
    let loaded: CacheData | undefined;
    let discarded: string | undefined;
    try {
      const raw = v8.deserialize(fs.readFileSync(file)) as Partial<CacheData>;
      if (raw.format !== FORMAT || raw.key !== key || !(raw.files instanceof Map) || !(raw.groups instanceof Map)) discarded = 'made by another version or configuration';
      else loaded = raw as CacheData;
    } catch (e) {
      discarded = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no cache yet' : 'unreadable';
    }
    return new LintCache(file, key, loaded, discarded);
  }

  /** The verdict of an unchanged file from the previous run, or undefined when it must be read. */
  knownVerdict(rel: string, st: fs.Stats): FileVerdict | undefined {
    const e = this.data.files.get(rel);
    if (!e || e.size !== st.size || e.mtimeMs !== st.mtimeMs || e.ino !== st.ino || e.verdict === 2) return undefined;
    this.next.files.set(rel, e);
    this.stats.filesReused++;
    return e.verdict;
  }

  /** Records what a file was this run (only when its stat can be trusted next time). */
  recordFile(rel: string, st: fs.Stats | undefined, verdict: FileVerdict): void {
    if (!st || st.mtimeMs > this.startedAt - RACY_MS) return;
    this.next.files.set(rel, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, verdict });
  }

  /** Runs an extraction through the cache: reused when its inputs and every read it made are unchanged. */
  extract(ex: Extractor, group: SourceFile[], host: ProjectHost, run: (host: ProjectHost) => ExtractResult): ExtractResult {
    const result = this.groups.extract(ex, group, host, run);
    this.stats.groupsReused = this.groups.reused;
    this.stats.groupsRun = this.groups.run;
    return result;
  }

  /** The previous run's diagnostics, when every extraction was reused (rules are pure functions of the model). */
  cachedDiagnostics(): Diagnostic[] | undefined {
    const d = this.data.diagnostics;
    if (this.groups.run > 0 || !d || d.key !== diagnosticsKey(this.next.groups)) return undefined;
    this.stats.diagnosticsReused = true;
    return d.list;
  }

  private unchanged(): boolean {
    if (this.discarded !== undefined || !this.stats.diagnosticsReused || this.groups.run > 0) return false;
    if (this.next.files.size !== this.data.files.size || this.next.groups.size !== this.data.groups.size) return false;
    for (const [rel, e] of this.next.files) {
      const was = this.data.files.get(rel);
      if (!was || was.size !== e.size || was.mtimeMs !== e.mtimeMs || was.ino !== e.ino || was.verdict !== e.verdict) return false;
    }
    return true;
  }

  /** Writes the cache atomically (temporary file + rename); failures are returned as a notice, never thrown. */
  save(diagnostics: Diagnostic[]): string | undefined {
    // Nothing changed (every file verdict, extraction and the diagnostics reused): the file on disk is current.
    if (this.unchanged()) return undefined;
    this.next.diagnostics = { key: diagnosticsKey(this.next.groups), list: diagnostics };
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(tmp, v8.serialize(this.next));
      fs.renameSync(tmp, this.file);
      return undefined;
    } catch (e) {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // nothing to clean
      }
      return `could not write the cache ${this.file}: ${(e as Error).message}`;
    }
  }
}
