/** Shared helpers of the robustness tests: linting in memory and checking that diagnostics are well placed. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';
import type { Diagnostic } from '../../src/engine/diagnostic.js';
import { FsProjectHost } from '../../src/engine/host.js';
import { initEngine, lintSources, type LintOutput } from '../../src/engine/lint.js';
import { LineTable } from '../../src/engine/source.js';
import { allOnConfig } from '../support/lint.js';

export const FIXTURES = path.resolve(import.meta.dirname, '..', '..', 'fixtures');

/** Fixed seed, bounded runs in CI; `npm run fuzz` raises the runs (CORS_LINT_FUZZ_RUNS) for a longer local run. */
export const SEED = Number(process.env.CORS_LINT_FUZZ_SEED ?? 20261127);
export function runs(ciRuns: number): number {
  const env = Number(process.env.CORS_LINT_FUZZ_RUNS);
  return Number.isInteger(env) && env > 0 ? env : ciRuns;
}

const config = allOnConfig();

/** Lints one in-memory file alone (the engine's front-end entry), never touching the disk. */
export async function lintOne(file: string, text: string): Promise<LintOutput> {
  await initEngine();
  const host = new FsProjectHost(path.join(fs.realpathSync('/'), 'nonexistent-cors-lint-root'), [''], new Map([[file, text]]));
  return lintSources({ files: [{ path: file, text }], host, config });
}

/** Every diagnostic lies inside the text of its file, with ordered, 1-based positions that match its span. */
export function expectWellPlaced(diags: Diagnostic[], texts: Record<string, string>): void {
  for (const d of diags) {
    const text = texts[d.file];
    expect(text, `diagnostic in an unknown file ${d.file}`).toBeDefined();
    const t = text as string;
    const lines = new LineTable(t);
    expect(d.span.start).toBeGreaterThanOrEqual(0);
    expect(d.span.end).toBeGreaterThanOrEqual(d.span.start);
    expect(d.span.end).toBeLessThanOrEqual(t.length);
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines.lineCount);
    expect(d.endLine).toBeGreaterThanOrEqual(d.line);
    expect(d.line).toBe(lines.position(d.span.start).line);
    expect(d.ruleId).toMatch(/^cors\/[a-z0-9-]+$/);
    expect(typeof d.message).toBe('string');
    expect(d.message.length).toBeGreaterThan(0);
  }
}

/** Fixture texts of one kind (single files and files inside case directories), by extension. */
export function fixtureTexts(kinds: string[], ext: RegExp): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (ext.test(e.name)) out.push(fs.readFileSync(p, 'utf8'));
    }
  };
  for (const k of kinds) if (fs.existsSync(path.join(FIXTURES, k))) walk(path.join(FIXTURES, k));
  return out;
}
