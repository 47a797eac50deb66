/** Test helpers: lint a directory or in-memory files with the default configuration. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveConfig, type ConfigFile, type ResolvedConfig } from '../../src/engine/config.js';
import type { Diagnostic } from '../../src/engine/diagnostic.js';
import { FsProjectHost } from '../../src/engine/host.js';
import { initEngine, lintProject, lintSources, type LintOutput } from '../../src/engine/lint.js';
import { allRules, ruleIds } from '../../rules/index.js';

/** Every rule on (recommended or not), so fixtures can exercise them all. */
export function allOnConfig(extra: ConfigFile = {}): ResolvedConfig {
  const rules: Record<string, 'error' | 'warn'> = {};
  for (const r of allRules) if (!r.meta.recommended) rules[r.meta.id] = r.meta.severity === 'error' ? 'error' : 'warn';
  return resolveConfig({ ...extra, rules: { ...rules, ...(extra.rules ?? {}) } }, ruleIds);
}

/** Lints a directory (or files in it) on disk. */
export async function lintDir(dir: string, paths: string[] = ['.'], config: ResolvedConfig = allOnConfig()): Promise<Diagnostic[]> {
  const res = await lintProject({ cwd: dir, paths, config });
  return res.diagnostics;
}

/** Lints in-memory files (path → text) as one project. */
export async function lintMemory(files: Record<string, string>, config: ResolvedConfig = allOnConfig()): Promise<LintOutput> {
  await initEngine();
  const overlay = new Map(Object.entries(files));
  const host = new FsProjectHost(path.join(fs.realpathSync('/'), 'nonexistent-cors-lint-root'), [''], overlay);
  const sources = Object.entries(files).map(([p, text]) => ({ path: p, text }));
  return lintSources({ files: sources, host, config });
}

/** `file:line rule` keys of diagnostics, for compact assertions. */
export function keys(diags: Diagnostic[]): string[] {
  return diags.map((d) => `${d.file}:${d.line} ${d.ruleId}`).sort();
}
