/**
 * Inline suppression comments, in any language's comment syntax:
 *   // cors-lint-disable-next-line cors/reflected-origin, cors/missing-vary-origin
 *   # cors-lint-disable-line
 * With no rule list, every rule is suppressed on that line.
 */
import { lineTableFor } from './source.js';

const DIRECTIVE = /cors-lint-disable-(next-line|line)\b([^\n\r]*)/g;

export interface Suppressions {
  /** line (1-based) → rule ids (without prefix), or '*' for all. */
  byLine: Map<number, Set<string>>;
}

const cache = new Map<string, Suppressions>();

export function suppressionsOf(text: string): Suppressions {
  const hit = cache.get(text);
  if (hit) return hit;
  const byLine = new Map<number, Set<string>>();
  if (text.includes('cors-lint-disable-')) {
    const table = lineTableFor(text);
    for (const m of text.matchAll(DIRECTIVE)) {
      const line = table.position(m.index ?? 0).line + (m[1] === 'next-line' ? 1 : 0);
      const rest = (m[2] ?? '').replace(/\*\/.*$|-->.*$/, '').split(/--\s/)[0] ?? '';
      const ids = rest
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter((s) => /^(cors\/)?[a-z][a-z0-9-]*$/.test(s))
        .map((s) => (s.startsWith('cors/') ? s.slice(5) : s));
      const set = byLine.get(line) ?? new Set<string>();
      if (ids.length === 0) set.add('*');
      for (const id of ids) set.add(id);
      byLine.set(line, set);
    }
  }
  const result = { byLine };
  if (cache.size > 512) cache.clear();
  cache.set(text, result);
  return result;
}

export function isSuppressed(text: string, line: number, ruleId: string): boolean {
  const set = suppressionsOf(text).byLine.get(line);
  return !!set && (set.has('*') || set.has(ruleId));
}
