/**
 * Property-based differential test: random origin regexes built from real-world pieces, random origins,
 * and the automaton (`entryMatches`) must agree with the real JS `RegExp.test()` on every pair; every
 * counterexample the analysis reports must be accepted by the real engine. Python `re` gets the same
 * treatment for the `match`/`fullmatch` modes in one batch.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeEntry, entryMatches } from '../../src/analysis/index.js';
import type { MatchMode, OriginEntry } from '../../src/model/index.js';
import { PCRE2GREP, PYTHON, haveEngine, runPcre, runPython } from './engines.js';

const span = { file: 't', start: 0, end: 1 };

// Pieces in JS syntax that are also valid Python syntax with the same meaning.
const PIECES = ['^', '$', 'https?', 'https', 'http', ':\\/\\/', '(www\\.)?', '.*', '.+', '[a-z]+', '[a-z0-9-]+', '[^.]+', '\\w+', 'example', 'sample', '\\.', '.', 'com', 'net', '(com|net)', '(app|api)', '\\d+', '(:\\d+)?', ':', 'localhost', 'vercel', 'null', '(a|b)', 'x?', '-'];
const ORIGIN_PIECES = ['https://', 'http://', 'www.', 'app.', 'api.', 'example', 'sample', 'evil', '.', 'com', 'net', 'x', '-', 'localhost', ':3000', ':8443', 'vercel.app', 'attacker', 'null', 'a', '1'];

const patternArb = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 9 }).map((p) => p.join(''));
const originArb = fc.array(fc.constantFrom(...ORIGIN_PIECES), { minLength: 1, maxLength: 7 }).map((p) => p.join(''));

const js = (pattern: string, flags: string): OriginEntry => ({ type: 'regex', pattern, flags, flavor: 'js', mode: 'search', span });

describe('automaton = JS RegExp on random patterns and origins', () => {
  it('entryMatches agrees with RegExp.test', () => {
    fc.assert(
      fc.property(patternArb, fc.boolean(), fc.array(originArb, { minLength: 1, maxLength: 8 }), (pattern, ci, origins) => {
        const flags = ci ? 'i' : '';
        const e = js(pattern, flags);
        const rx = new RegExp(pattern, flags);
        for (const o of origins) {
          const m = entryMatches(e, o);
          if (m === undefined) return;
          expect(m, `${pattern} on ${o}`).toBe(rx.test(o));
        }
      }),
      { numRuns: 400, seed: 20261127 },
    );
  });

  it('every reported counterexample is accepted by RegExp.test', () => {
    fc.assert(
      fc.property(patternArb, (pattern) => {
        const v = analyzeEntry(js(pattern, ''), []);
        const rx = new RegExp(pattern);
        for (const p of v.problems) if (p.example && p.kind !== 'invalid') expect(rx.test(p.example), `${pattern} accepts ${p.example}`).toBe(true);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('automaton = Python re on random patterns (match and fullmatch)', () => {
  it.runIf(haveEngine(PYTHON))('agrees on every pattern/origin pair, and on counterexamples', () => {
    const samples = fc.sample(fc.tuple(patternArb, fc.constantFrom<MatchMode>('match', 'fullmatch'), fc.boolean(), fc.array(originArb, { minLength: 4, maxLength: 8 })), { numRuns: 250, seed: 99 });
    const rows = samples.map(([pattern, mode, ci, origins]) => {
      const e: OriginEntry = { type: 'regex', pattern, flags: ci ? 'i' : '', flavor: 'python', mode, span };
      const v = analyzeEntry(e, []);
      const claimed = v.problems.filter((p) => p.example && p.kind !== 'invalid').map((p) => p.example!);
      return { e, inputs: [...claimed, ...origins], claimed: claimed.length };
    });
    const res = runPython(rows.map((r) => ({ pattern: (r.e as { pattern: string }).pattern, ignoreCase: r.e.type === 'regex' && r.e.flags.includes('i'), verbose: false, mode: (r.e as { mode: MatchMode }).mode, inputs: r.inputs })));
    let compared = 0;
    rows.forEach((r, i) => {
      const out = res[i]!;
      if (out.error) return;
      r.inputs.forEach((o, j) => {
        const m = entryMatches(r.e, o);
        if (m === undefined) return;
        compared++;
        expect(m, `${(r.e as { pattern: string }).pattern} on ${o}`).toBe(out.results![j]);
        if (j < r.claimed) expect(out.results![j], `counterexample ${o}`).toBe(true);
      });
    });
    expect(compared).toBeGreaterThan(500);
  });
});

describe('automaton = PCRE2 (pcre2grep) on random patterns', () => {
  it.runIf(haveEngine(PCRE2GREP))('agrees on every pattern/origin pair, and on counterexamples', () => {
    const samples = fc.sample(fc.tuple(patternArb, fc.boolean(), fc.array(originArb, { minLength: 4, maxLength: 8 })), { numRuns: 80, seed: 4242 });
    let compared = 0;
    for (const [jsPattern, ci, origins] of samples) {
      const pattern = jsPattern.replace(/\\\//g, '/');
      const e: OriginEntry = { type: 'regex', pattern, flags: ci ? 'i' : '', flavor: 'pcre', mode: 'search', span };
      const v = analyzeEntry(e, []);
      const claimed = v.problems.filter((p) => p.example && p.kind !== 'invalid').map((p) => p.example!);
      const inputs = [...new Set([...claimed, ...origins])];
      const real = runPcre(pattern, ci, inputs);
      inputs.forEach((o, j) => {
        const m = entryMatches(e, o);
        if (m === undefined) return;
        compared++;
        expect(m, `${pattern} on ${o}`).toBe(real[j]);
        if (claimed.includes(o)) expect(real[j], `counterexample ${o}`).toBe(true);
      });
    }
    expect(compared).toBeGreaterThan(200);
  });
});
