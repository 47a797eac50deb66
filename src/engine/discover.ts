/**
 * File discovery: which files a run looks at. Honours .gitignore (through git when the tree is a git
 * checkout, which is the fastest and exact; through fdir + ignore otherwise), skips dependency and build
 * directories, never follows symlinks (so loops cannot hang it) and survives unreadable directories.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Fdir from 'fdir';
import type IgnoreFactory from 'ignore';
import type { Ignore } from 'ignore';
import { requireCjs } from './cjs.js';
import { toPosix } from './host.js';

const ignore = requireCjs('ignore') as typeof IgnoreFactory;

/** Directories that never hold the project's own CORS configuration. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set([
  'node_modules',
  'bower_components',
  '.git',
  '.hg',
  '.svn',
  'dist',
  'build',
  'out',
  'coverage',
  '.next',
  '.nuxt',
  '.svelte-kit',
  '.turbo',
  '.cache',
  '.venv',
  'venv',
  '__pycache__',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  'site-packages',
  '.cors-lint-cache',
]);

export interface Discovery {
  /** Root-relative POSIX paths, sorted. */
  files: string[];
  notices: string[];
}

/** A directory segment of SKIPPED_DIRS anywhere in a path (one regex test per listed file, no split). */
const SKIPPED_SEGMENT = new RegExp(`(?:^|/)(?:${[...SKIPPED_DIRS].map((d) => d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})/`);

function hasSkippedSegment(rel: string): boolean {
  return SKIPPED_SEGMENT.test(rel);
}

function gitList(root: string, rels: string[]): string[] | undefined {
  const inside = spawnSync('git', ['-C', root, 'rev-parse', '--is-inside-work-tree'], { encoding: 'utf8' });
  if (inside.status !== 0 || inside.stdout.trim() !== 'true') return undefined;
  const res = spawnSync(
    'git',
    // The root itself is '' as a relative path, which git rejects as a pathspec (the run then fell back to the
    // slow walk): it is '.'.
    ['-C', root, '-c', 'core.quotepath=off', 'ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...(rels.length ? rels.map((r) => r || '.') : ['.'])],
    { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 },
  );
  if (res.status !== 0) return undefined;
  return res.stdout.split('\0').filter(Boolean);
}

/** Walks without git: fdir, with nested .gitignore files applied as they are found. */
function walkList(root: string, startAbs: string): string[] {
  const ignores = new Map<string, Ignore | null>();
  const ignoreFor = (dirAbs: string): Ignore | null => {
    let ig = ignores.get(dirAbs);
    if (ig !== undefined) return ig;
    ig = null;
    try {
      const text = fs.readFileSync(path.join(dirAbs, '.gitignore'), 'utf8');
      ig = ignore().add(text);
    } catch {
      ig = null;
    }
    ignores.set(dirAbs, ig);
    return ig;
  };
  const isIgnored = (abs: string, isDir: boolean): boolean => {
    let dir = path.dirname(abs);
    // Check every ancestor up to the root that has a .gitignore.
    for (;;) {
      const ig = ignoreFor(dir);
      if (ig) {
        const rel = toPosix(path.relative(dir, abs)) + (isDir ? '/' : '');
        if (rel && !rel.startsWith('..') && ig.ignores(rel)) return true;
      }
      if (dir === root || !dir.startsWith(root)) break;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    return false;
  };
  // Loaded here: a git checkout (the usual case) never walks.
  const { fdir } = requireCjs('fdir') as typeof Fdir;
  const files = new fdir()
    .withFullPaths()
    .exclude((name, dirPath) => {
      if (SKIPPED_DIRS.has(name)) return true;
      return isIgnored(dirPath.replace(/[\\/]$/, ''), true);
    })
    .filter((p) => !isIgnored(p, false))
    .crawl(startAbs)
    .sync();
  return files.map((f) => toPosix(path.relative(root, f)));
}

export interface SplitDiscovery extends Discovery {
  /**
   * Untracked files (not ignored) of a git checkout, listed by a separate git process while the caller reads
   * the tracked ones: git's walk of the working tree is the slowest part of listing a large repository, and it
   * runs beside the reading and parsing instead of before them. Undefined when not a git checkout.
   */
  untracked?: Promise<string[]>;
}

/** Sorts in place unless already sorted (git's listings are, for ASCII paths: a check costs less than a sort). */
function sorted(list: string[]): string[] {
  for (let i = 1; i < list.length; i++) if ((list[i - 1] as string) > (list[i] as string)) return list.sort();
  return list;
}

function pathspecs(rels: string[]): string[] {
  return rels.length ? rels.map((r) => r || '.') : ['.'];
}

/** `git ls-files --others` in the background, its output in a temporary file (a pipe would fill and stall it). */
function untrackedInBackground(root: string, rels: string[]): Promise<string[]> {
  return new Promise((resolve) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-ls-'));
    const out = path.join(dir, 'untracked');
    const fd = fs.openSync(out, 'w');
    const done = (files: string[]) => {
      try {
        fs.rmSync(dir, { recursive: true, force: true });
      } catch {
        // a temporary file left behind is harmless
      }
      resolve(files);
    };
    const child = spawn('git', ['-C', root, '-c', 'core.quotepath=off', 'ls-files', '-z', '--others', '--exclude-standard', '--', ...pathspecs(rels)], {
      stdio: ['ignore', fd, 'ignore'],
    });
    fs.closeSync(fd);
    // The lowest scheduling priority: on a busy machine the walk takes the CPU the run leaves idle instead of
    // competing with the reading and parsing (the engine does not wait for it before it extracts; see
    // lintProject).
    try {
      if (child.pid !== undefined) os.setPriority(child.pid, os.constants.priority.PRIORITY_LOW);
    } catch {
      // not permitted here: it runs at normal priority
    }
    child.on('error', () => done([]));
    child.on('close', (code) => {
      let text = '';
      try {
        text = code === 0 ? fs.readFileSync(out, 'utf8') : '';
      } catch {
        text = '';
      }
      done(text.split('\0').filter(Boolean));
    });
  });
}

/** Explicitly named files (kept unless ignored) and directories to list, relative to the root. */
function classifyPaths(root: string, paths: string[], isIgnored: (rel: string) => boolean): { notices: string[]; out: Set<string>; dirs: string[] } {
  const notices: string[] = [];
  const out = new Set<string>();
  const dirs: string[] = [];
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      notices.push(`${toPosix(path.relative(root, p)) || '.'}: no such file or directory`);
      continue;
    }
    const rel = toPosix(path.relative(root, p));
    // Named on the command line but matched by the configuration's `ignores`: said, not silently dropped.
    if (rel && isIgnored(rel)) {
      notices.push(`${rel}: ignored by the "ignores" of the configuration file; nothing is reported for it`);
      continue;
    }
    if (st.isFile()) out.add(rel);
    else if (st.isDirectory()) dirs.push(rel);
  }
  return { notices, out, dirs };
}

/** Runs git and collects its standard output; undefined when git fails or cannot start. */
function gitOutput(args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn('git', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      resolve(undefined);
      return;
    }
    child.stdout?.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => resolve(code === 0 ? Buffer.concat(chunks).toString('utf8') : undefined));
  });
}

/**
 * Like `discoverFiles`, but in a git checkout gives the tracked files first and the untracked ones as a
 * promise (see `SplitDiscovery.untracked`). Both lists are filtered the same way. `whileListing` runs while
 * git lists the tracked files (outside a checkout, git fails at once and the tree is walked).
 */
export async function discoverFilesSplit(root: string, paths: string[], isIgnored: (rel: string) => boolean, whileListing?: () => void): Promise<SplitDiscovery> {
  const { notices, out, dirs } = classifyPaths(root, paths, isIgnored);
  const keep = (rel: string) => !hasSkippedSegment(rel) && !isIgnored(rel);
  if (dirs.length) {
    const listing = gitOutput(['-C', root, '-c', 'core.quotepath=off', 'ls-files', '-z', '--cached', '--', ...pathspecs(dirs)]);
    whileListing?.();
    const stdout = await listing;
    if (stdout !== undefined) {
      // git lists each file once, tracked and untracked apart: only explicitly named files can repeat.
      const named = out;
      const fresh = (rel: string) => named.size === 0 || !named.has(rel);
      const files = [...named];
      for (const rel of stdout.split('\0')) if (rel && keep(rel) && fresh(rel)) files.push(rel);
      const untracked = untrackedInBackground(root, dirs).then((rels) => sorted(rels.filter((r) => keep(r) && fresh(r))));
      return { files: sorted(files), notices, untracked };
    }
  } else {
    whileListing?.();
  }
  const rest = dirs.length ? discoverFiles(root, dirs.map((d) => path.join(root, d)), isIgnored).files : [];
  for (const rel of rest) out.add(rel);
  return { files: [...out].sort(), notices };
}

/**
 * Lists the files under `paths` (absolute), relative to `root`.
 * Explicitly named files are always included; directories are walked.
 */
export function discoverFiles(root: string, paths: string[], isIgnored: (rel: string) => boolean): Discovery {
  const { notices, out, dirs } = classifyPaths(root, paths, isIgnored);
  if (dirs.length) {
    const listed = gitList(root, dirs);
    const rels = listed ?? dirs.flatMap((d) => walkList(root, path.join(root, d)));
    for (const rel of rels) {
      if (hasSkippedSegment(rel) || isIgnored(rel)) continue;
      out.add(rel);
    }
  }
  return { files: [...out].sort(), notices };
}
