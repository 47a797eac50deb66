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
import { FsProjectHost, MAX_FILE_BYTES, toPosix } from '../engine/host.js';
import { extractModel, extractorFor, runRules } from '../engine/lint.js';
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

/** Drops cached discoveries (a file was created or deleted). */
export function invalidateDiscovery(): void {
  discoveryCache.clear();
}

/**
 * Lints the project at `root` synchronously (call `initEngine()` once before). Files in the overlay are
 * linted with their overlay text, and are linted even when discovery does not list them.
 */
export function runProject(input: ProjectRunInput): ProjectRun {
  const overlay = new Map(input.overlay ?? []);
  const host = new FsProjectHost(input.root, [''], overlay, input.config.settings);
  input.seed?.(host);
  const notices: string[] = [];
  const files: SourceFile[] = [];
  const listed = new Set(input.discover === false ? [] : discovered(input.root, input.config));
  for (const rel of overlay.keys()) if (!input.config.isIgnored(rel)) listed.add(rel);
  for (const rel of [...listed].sort()) {
    const f = host.readFile(rel);
    if (!f) {
      if (host.fileExists(rel) && host.sizeOf(rel) > MAX_FILE_BYTES) notices.push(`${rel}: skipped, larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
      continue;
    }
    files.push(f);
  }
  const model = extractModel(files, host, undefined, undefined, notices);
  const diagnostics = runRules(model, host, input.config, input.rules);
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
    if (!overlay.has(rel)) stamps.set(rel, stampOf(path.join(input.root, rel)));
  }
  return { root: input.root, diagnostics, byFile, texts, host, notices, stamps, at: Date.now() };
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
