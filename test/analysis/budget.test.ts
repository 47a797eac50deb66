/**
 * Safety: analysing or matching a hostile regex never hangs. Patterns that make backtracking engines
 * explode (nested quantifiers) or make automata explode (huge alternations, large counters, the classic
 * `(a|b)*a(a|b){n}` subset blow-up) finish within the budget, with a verdict or an explicit "unknown".
 */
import { describe, expect, it } from 'vitest';
import { LIMITS, analyzeEntry, clearAnalysisCaches, entryMatches } from '../../src/analysis/index.js';
import type { OriginEntry } from '../../src/model/index.js';

const span = { file: 't', start: 0, end: 1 };
const js = (pattern: string, flags = ''): OriginEntry => ({ type: 'regex', pattern, flags, flavor: 'js', mode: 'search', span });
const py = (pattern: string): OriginEntry => ({ type: 'regex', pattern, flags: 'i', flavor: 'python', mode: 'match', span });

const hugeAlternation = '^https:\\/\\/(' + Array.from({ length: 3000 }, (_, i) => `site${i}\\.example\\.com`).join('|') + ')$';
const hostileInput = 'https://' + 'a'.repeat(30_000) + '!';

const ADVERSARIAL: Array<[string, OriginEntry]> = [
  ['nested quantifiers (a+)+$', js('^(a+)+$')],
  ['nested quantifiers with a domain', js('^https:\\/\\/([a-z0-9]+)*\\.example\\.com$')],
  ['overlapping alternation (a|aa)*b', js('(a|aa)*b')],
  ['(.*a){25}', js('(.*a){25}')],
  ['subset blow-up (a|b)*a(a|b){24}', js('(a|b)*a(a|b){24}$')],
  ['large counter (a{1000}){1000}', js('(a{1000}){1000}')],
  ['large bounded repeat .{0,3000}x', js('^.{0,3000}x$')],
  ['huge alternation of 3000 hosts', js(hugeAlternation)],
  ['python nested (\\w+\\.)+\\w+$', py('https://(\\w+\\.)+\\w+$')],
  ['very long pattern', js('a'.repeat(LIMITS.maxPatternLength + 1))],
];

describe('adversarial patterns finish within the budget', () => {
  for (const [name, entry] of ADVERSARIAL) {
    it(name, () => {
      clearAnalysisCaches();
      // Warm the shared query automata (built once per run), then time the hostile entry alone.
      analyzeEntry(js('^warm$'), []);
      const t0 = performance.now();
      const v = analyzeEntry(entry, []);
      const analysed = performance.now() - t0;
      const t1 = performance.now();
      const m = entryMatches(entry, hostileInput);
      const matched = performance.now() - t1;
      // The whole analysis of one entry stays within its time budget plus automaton construction,
      // which the node limits bound; matching a 30 kB hostile origin is linear.
      // Generous bounds: the machine may be shared; a backtracking engine would take minutes or forever.
      expect(analysed).toBeLessThan(LIMITS.timeMs + 5000);
      expect(matched).toBeLessThan(2000);
      expect(typeof m === 'boolean' || m === undefined).toBe(true);
      if (v.unknown) expect(v.problems.filter((p) => p.kind !== 'invalid')).toEqual([]);
    });
  }

  it('gives "unknown" (not a guess) when the automaton would be too large', () => {
    clearAnalysisCaches();
    expect(analyzeEntry(js('(a{1000}){1000}'), []).unknown).toMatch(/too large|budget/);
    expect(analyzeEntry(js('a'.repeat(LIMITS.maxPatternLength + 1)), []).unknown).toMatch(/longer than/);
    expect(entryMatches(js('(a{1000}){1000}'), 'https://a.com')).toBeUndefined();
  });

  it('still decides the huge but harmless alternation exactly', () => {
    const v = analyzeEntry(js(hugeAlternation), []);
    if (!v.unknown) expect(v.problems).toEqual([]);
    const m = entryMatches(js(hugeAlternation), 'https://site2999.example.com');
    expect(m === true || m === undefined).toBe(true);
  });

  it('a JS RegExp on the same hostile input really is slow (the hazard we avoid)', () => {
    const rx = /^(a+)+$/;
    const t0 = performance.now();
    rx.test('a'.repeat(22) + '!');
    expect(performance.now() - t0).toBeGreaterThan(20);
  });
});

describe('odd input never crashes', () => {
  const odd: OriginEntry[] = [
    js('('.repeat(5000) + 'a' + ')'.repeat(5000)),
    js('\u0000\ud800'),
    js(''),
    js('\\'),
    py('(?P<x>a)(?P=x)'),
    py('[[:alpha:]]+'),
    { type: 'regex', pattern: '(?i:a)', flags: '', flavor: 'pcre', mode: 'search', span },
    { type: 'literal', value: 'https://' + 'a'.repeat(100_000) + '.com', caseInsensitive: false, span },
    { type: 'literal', value: '\ud800', caseInsensitive: true, span },
    { type: 'tests', all: [], span },
    { type: 'tests', all: [{ op: 'endsWith', on: 'host', value: 'x'.repeat(10_000), caseInsensitive: false, span }], span },
    { type: 'substring', haystack: 'x'.repeat(1000), span },
  ];
  it.each(odd.map((e, i) => [i, e] as const))('entry #%d', (_i, e) => {
    const v = analyzeEntry(e, odd);
    expect(Array.isArray(v.problems)).toBe(true);
    const m = entryMatches(e, 'https://example.com');
    expect(m === undefined || typeof m === 'boolean').toBe(true);
  });
});
