/**
 * Safety: analysing or matching a hostile regex never hangs. Patterns that make backtracking engines
 * explode (nested quantifiers) or make automata explode (huge alternations, large counters, the classic
 * `(a|b)*a(a|b){n}` subset blow-up) finish within the budget, with a verdict or an explicit "unknown".
 */
import { describe, expect, it, vi } from 'vitest';
import { LIMITS, analyzeEntry, clearAnalysisCaches, entryMatches } from '../../src/analysis/index.js';
import { BudgetExceeded, Deadline } from '../../src/analysis/regex.js';
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

describe('the per-entry time budget (Deadline)', () => {
  /** Calls check() once per clock reading period (it reads a clock every 32 calls). */
  const checkRound = (d: Deadline) => {
    for (let i = 0; i < 32; i++) d.check();
  };
  /** Busy for `ms` of wall-clock time. */
  const spin = (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // busy
    }
  };
  /** Busy for `ms` of this process's CPU time (however loaded the machine is). */
  const burn = (ms: number) => {
    const cpu = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const until = cpu() + ms;
    while (cpu() < until) spin(1);
  };

  it('does not read the CPU clock (nor fire) within the wall-clock grace, even with a budget smaller than it', () => {
    const cpu = vi.spyOn(process, 'cpuUsage');
    try {
      // A grace of a minute: the check below is certainly inside it, however loaded the machine.
      const d = new Deadline(1, 60_000);
      expect(() => checkRound(d)).not.toThrow();
      expect(cpu).not.toHaveBeenCalled();
    } finally {
      cpu.mockRestore();
    }
  });

  it('fires once the CPU time spent exceeds the budget', () => {
    // Margins of 100 ms: the process CPU clock can move in scheduler ticks (several ms at once on a VM).
    const d = new Deadline(100);
    spin(12);
    // The CPU clock starts here: 10 ms counted as spent, within the 100 ms budget.
    expect(() => checkRound(d)).not.toThrow();
    burn(150);
    expect(() => checkRound(d)).toThrow(BudgetExceeded);
  });

  it('counts the wall-clock grace as spent: a budget below it fires at the first CPU reading', () => {
    const d = new Deadline(5);
    spin(12);
    expect(() => checkRound(d)).toThrow(BudgetExceeded);
  });
});
