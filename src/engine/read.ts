/**
 * The reading stage of the engine: listed files → the candidates an extractor will parse. It needs only the
 * extractors' file selectors (src/extractors/detect.ts), so the reading worker (read-worker.ts) runs it
 * without loading any parser.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LintCache } from './cache.js';
import type { FileSelector } from './extractor.js';
import { HEAD_CHARS, MAX_FILE_BYTES, type FsProjectHost } from './host.js';
import type { SourceFile } from './source.js';

/** The reading stage's counters (see LintStats). */
export interface ReadCounts {
  /** Files that belong to a supported language. */
  candidates: number;
  /** Files skipped: binary, too large, unreadable, vanished. */
  skipped: number;
}

/** Whether some selector may take the file, decided on its path alone (most of a repository is not opened). */
export function mayBeOpened(rel: string, selectors: readonly FileSelector[]): boolean {
  return selectors.some((e) => e.mayAccept?.(rel) ?? true);
}

/** Whether some selector's prefilter passes a file of its language: the file will be parsed. */
export function passesPrefilter(file: SourceFile, selectors: readonly FileSelector[]): boolean {
  const head = file.text.slice(0, HEAD_CHARS);
  return selectors.some((e) => e.accepts(file.path, head) && e.prefilter(file.text));
}

/**
 * Reads the discovered files and returns those an extractor will parse (language accepted, prefilter
 * passed), seeded into the host unless `seed` is false. Everything else is dropped as soon as it is decided:
 * files no extractor can accept by their path are never opened, the others are decided on their first bytes
 * (never read whole when no extractor accepts them), and texts that fail the prefilter are not kept for the
 * run, so memory grows with the CORS-relevant files, not with the repository.
 */
export function readCandidates(
  rels: readonly string[],
  host: FsProjectHost,
  selectors: readonly FileSelector[],
  counts: ReadCounts,
  notices: string[],
  cache?: LintCache,
  seed = true,
): SourceFile[] {
  const files: SourceFile[] = [];
  const wanted = (rel: string) => (head: string) => selectors.some((e) => e.accepts(rel, head));
  for (const rel of rels) {
    // Most of a repository (assets, JSON, Markdown) is decided on its path: never opened.
    if (!mayBeOpened(rel, selectors)) continue;
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
        counts.candidates++;
        continue;
      }
    }
    const r = host.scanFile(rel, wanted(rel));
    if (r.status === 'rejected') {
      cache?.recordFile(rel, st, 0);
      continue;
    }
    if (r.status !== 'ok') {
      counts.skipped++;
      if (r.status === 'too-large') notices.push(`${rel}: skipped, larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
      continue;
    }
    const f = r.file;
    if (passesPrefilter(f, selectors)) {
      if (seed) host.seed(f);
      files.push(f);
      cache?.recordFile(rel, st, 2);
    } else {
      // Counted here because extractModel never sees it.
      counts.candidates++;
      cache?.recordFile(rel, st, 1);
    }
  }
  return files;
}
