/**
 * Table-driven proof of the origin analysis: every matcher has an expected verdict, every counterexample
 * the analysis produces is re-checked with the real engine (JS RegExp, Python `re`, PCRE2), and the
 * automaton's answer (`entryMatches`) is compared with the real engine on a set of probe origins.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeEntry, entryMatches, type EntryVerdict } from '../../src/analysis/index.js';
import type { MatchMode } from '../../src/model/index.js';
import { PCRE2GREP, PYTHON, haveEngine, jsMatches, runPcre, runPython, type PyJob } from './engines.js';

import { CASES, type Case } from './cases.js';

/** Probe origins every matcher is evaluated on, by the analysis and by the real engine. */
const PROBES = [
  'https://example.com',
  'http://example.com',
  'https://www.example.com',
  'https://app.example.com',
  'https://example.com.attacker.net',
  'https://attackerexample.com',
  'https://wwwxexample.com',
  'https://appxexample.com',
  'https://evil.com',
  'null',
  'http://localhost:3000',
  'http://localhost.attacker.net',
  'https://attacker.vercel.app',
  'https://attacker.github.io',
  'HTTPS://EXAMPLE.COM',
  'https://example.com:8443',
  'https://a.b.example.com',
  'http://127.0.0.1:5173',
];

function kinds(v: EntryVerdict): string {
  const k: string[] = v.problems.map((p) => p.kind);
  if (v.unknown) k.push('unknown');
  return [...new Set(k)].sort().join(' ');
}

const verdicts = new Map<Case, EntryVerdict>();
for (const c of CASES) verdicts.set(c, analyzeEntry(c.entry, []));

describe('origin matcher verdicts', () => {
  it('covers at least 150 matchers across every flavour', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(150);
    const flavours = new Set(CASES.map((c) => (c.entry.type === 'regex' ? `${c.entry.flavor}/${c.entry.mode}` : c.entry.type)));
    expect([...flavours].sort()).toEqual(['go/search', 'js/search', 'literal', 'pcre/search', 'python/fullmatch', 'python/match', 'substring', 'tests']);
  });

  for (const c of CASES) {
    it(`${c.name} → ${c.expect || 'ok'}`, () => {
      const v = verdicts.get(c)!;
      expect(kinds(v)).toBe(c.expect.split(' ').filter(Boolean).sort().join(' '));
      for (const p of v.problems) if (p.kind !== 'invalid') expect(p.example, `${p.kind} has a counterexample`).toBeTruthy();
    });
  }
});

describe('what the explanation names as the cause', () => {
  const detail = (pattern: string) => {
    const v = analyzeEntry({ type: 'regex', pattern, flags: 'i', flavor: 'pcre', mode: 'search', span: { file: 'x', start: 0, end: 0 } }, []);
    return v.problems.find((p) => p.kind === 'permissive')?.detail;
  };
  it('an unescaped dot, not a missing one, when one character must stand where the dot is (audit 30)', () => {
    expect(detail('^https://(bento.example.org|portal.bento.example.org)$')).toBe('an unescaped "." matches any character');
  });
  it('a missing dot when nothing needs to stand before the domain', () => {
    expect(detail('^https://.*example\\.org$')).toMatch(/^nothing requires a "\." before "example\.org"/);
  });
  it('string tests: a "." is only a dot, so a conjunction the one-character check breaks is still a missing dot (audit 44 py D5)', () => {
    const span = { file: 'x', start: 0, end: 0 };
    const tests = (all: [string, string][]) =>
      analyzeEntry({ type: 'tests', all: all.map(([op, value]) => ({ op: op as 'includes', on: 'origin' as const, value, caseInsensitive: false, span })), span }, []).problems.find((p) => p.kind === 'permissive');
    const both = tests([['includes', 'onrender.com'], ['includes', 'test']]);
    expect(both?.detail).toMatch(/^nothing requires a "\." before "onrender\.com"/);
    expect(both?.detail).not.toMatch(/unescaped/);
    expect(tests([['endsWith', 'example.com']])?.detail).toMatch(/^nothing requires a "\." before "example\.com"/);
  });
  it('no attacker host under a top-level domain nobody can register (.local, .internal)', () => {
    expect(detail('^https://(.*example\\.local|.*corp\\.internal)$')).toBeUndefined();
  });
});

/** Every (entry, origin) pair whose real-engine answer must equal entryMatches, with the claims to prove. */
interface Check {
  c: Case;
  origin: string;
  /** The analysis claims the engine accepts this origin (a counterexample). */
  claimed: boolean;
}

const checkCache = new Map<Case, Check[]>();
function checksFor(c: Case): Check[] {
  const hit = checkCache.get(c);
  if (hit) return hit;
  const v = verdicts.get(c)!;
  const claimed = new Set(v.problems.filter((p) => p.kind !== 'invalid' && p.example).map((p) => p.example!));
  const out: Check[] = [...claimed].map((origin) => ({ c, origin, claimed: true }));
  for (const origin of PROBES) if (!claimed.has(origin)) out.push({ c, origin, claimed: false });
  checkCache.set(c, out);
  return out;
}

describe('counterexamples hold in the real engines', () => {
  const pyResults = new Map<Check, boolean>();
  const pcreResults = new Map<Check, boolean>();
  const analysable = CASES.filter((c) => !verdicts.get(c)!.unknown);

  beforeAll(() => {
    const pyChecks: Check[][] = [];
    const jobs: PyJob[] = [];
    for (const c of analysable) {
      const e = c.entry;
      if (e.type !== 'regex' || (e.flavor !== 'python' && e.flavor !== 'go')) continue;
      const checks = checksFor(c);
      let pattern = e.pattern;
      // Go's `\z` is Python's `\Z` (Python 3.11 has no `\z`); the rest of these Go patterns is Python syntax.
      if (e.flavor === 'go') pattern = pattern.replace(/\\z/g, '\\Z');
      jobs.push({ pattern, ignoreCase: e.flags.includes('i'), verbose: e.flags.includes('x'), mode: e.flavor === 'go' ? 'search' : e.mode, inputs: checks.map((k) => k.origin) });
      pyChecks.push(checks);
    }
    if (haveEngine(PYTHON)) {
      const res = runPython(jobs);
      res.forEach((r, i) => {
        if (r.error) throw new Error(`python could not compile ${jobs[i]!.pattern}: ${r.error}`);
        pyChecks[i]!.forEach((k, j) => pyResults.set(k, r.results![j]!));
      });
    }
    if (haveEngine(PCRE2GREP)) {
      for (const c of analysable) {
        const e = c.entry;
        if (e.type !== 'regex' || e.flavor !== 'pcre') continue;
        const checks = checksFor(c);
        const res = runPcre(e.pattern, e.flags.includes('i'), checks.map((k) => k.origin));
        checks.forEach((k, j) => pcreResults.set(k, res[j]!));
      }
    }
  });

  it('has Python and pcre2grep available (Debian python3, pcre2-utils)', () => {
    expect(haveEngine(PYTHON)).toBe(true);
    expect(haveEngine(PCRE2GREP)).toBe(true);
  });

  for (const c of CASES) {
    const e = c.entry;
    it(`${c.name}: analysis agrees with the real engine`, () => {
      const v = verdicts.get(c)!;
      if (v.unknown) {
        expect(v.problems.filter((p) => p.kind !== 'invalid')).toEqual([]);
        return;
      }
      for (const k of checksFor(c)) {
        const predicted = entryMatches(e, k.origin);
        let real: boolean;
        if (e.type === 'regex' && (e.flavor === 'python' || e.flavor === 'go')) real = pyResults.get(k)!;
        else if (e.type === 'regex' && e.flavor === 'pcre') real = pcreResults.get(k)!;
        else real = jsMatches(e, k.origin);
        expect(real, `real engine on ${k.origin}`).toBeTypeOf('boolean');
        if (k.claimed) expect(real, `counterexample ${k.origin} is accepted by the real engine`).toBe(true);
        expect(predicted, `automaton vs engine on ${k.origin}`).toBe(real);
      }
    });
  }
});

describe('Python and PCRE agree that the flagged invalid patterns do not compile', () => {
  it('flask-cors strings reported as invalid regexes are rejected by Python re', () => {
    const bad = CASES.filter((c) => c.entry.type === 'regex' && c.entry.flavor === 'python' && verdicts.get(c)!.problems.some((p) => p.kind === 'invalid') && verdicts.get(c)!.unknown !== undefined);
    expect(bad.length).toBeGreaterThan(0);
    const res = runPython(bad.map((c) => ({ pattern: (c.entry as { pattern: string }).pattern, ignoreCase: true, verbose: false, mode: 'match' as const, inputs: [] })));
    for (const r of res) expect(r.error).toBeTruthy();
  });
});
