/**
 * The extraction stage of the engine: candidate files → per-extractor groups → model. Shared by the engine
 * (lint.ts) and the worker thread (read-worker.ts), which must produce the very same model; it loads neither
 * the rules, nor any front end, nor an extractor it is not given.
 */
import type { ExtractResult } from '../model/index.js';
import { normalizeOrigins } from '../analysis/index.js';
import type { Extractor } from './extractor.js';
import { HEAD_CHARS, type ProjectHost } from './host.js';
import type { SourceFile } from './source.js';

/** The extractors whose language a file is (decided on its path and first characters). */
export function extractorFor(file: SourceFile, extractors: readonly Extractor[]): Extractor[] {
  const head = file.text.slice(0, HEAD_CHARS);
  return extractors.filter((e) => e.accepts(file.path, head));
}

/** Runs one extractor over files; a crash in one file never loses the others. */
export function safeExtract(ex: Extractor, files: SourceFile[], host: ProjectHost, notices: string[]): ExtractResult {
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

/**
 * One extractor's part of the model: its extraction, normalised (per group, so that a group reused from the
 * cache or computed by a worker comes back normalised too).
 */
export function extractGroup(ex: Extractor, group: SourceFile[], host: ProjectHost, notices: string[]): ExtractResult {
  const r = safeExtract(ex, group, host, notices);
  normalizeOrigins(r);
  return r;
}

/** Parses files into the host's caches ahead of extraction; never throws (extract() reports problems). */
export function safePrewarm(ex: Extractor, files: SourceFile[], host: ProjectHost): void {
  if (!ex.prewarm) return;
  try {
    ex.prewarm(files, host);
  } catch {
    // extract() reports the problem with its position
  }
}

/** Counters of the grouping step (see LintStats). */
export interface GroupCounts {
  candidates: number;
  parsed: number;
}

/** Groups files by the extractors that will parse them (language accepted and prefilter passed), in file order. */
export function groupCandidates(files: SourceFile[], extractors: Extractor[], counts: GroupCounts): Map<Extractor, SourceFile[]> {
  const groups = new Map<Extractor, SourceFile[]>();
  for (const f of files) {
    const exs = extractorFor(f, extractors);
    if (exs.length === 0) continue;
    counts.candidates++;
    let parsed = false;
    for (const ex of exs) {
      if (!ex.prefilter(f.text)) continue;
      parsed = true;
      let g = groups.get(ex);
      if (!g) groups.set(ex, (g = []));
      g.push(f);
    }
    if (parsed) counts.parsed++;
  }
  return groups;
}

/** Merges the groups' results in group order (the model's order does not depend on where a group ran). */
export function mergeResults(results: ExtractResult[]): ExtractResult {
  const result: ExtractResult = { policies: [], apps: [], parseErrors: [] };
  for (const r of results) {
    result.policies.push(...r.policies);
    result.apps.push(...r.apps);
    result.parseErrors.push(...r.parseErrors);
  }
  return result;
}

/** Cross-extractor links (an nginx proxy_pass to an app of this repository), once every extractor has run. */
export function linkModel(result: ExtractResult, extractors: Iterable<Extractor>, host: ProjectHost, notices: string[]): void {
  for (const ex of extractors) {
    try {
      ex.link?.(result, host);
    } catch (err) {
      notices.push(`internal error while linking ${ex.name} policies: ${(err as Error).message}`);
    }
  }
}
