/**
 * Property-based robustness, per source kind (JS/TS for Express, Python for FastAPI/Starlette/Flask, nginx):
 * random texts and fixtures mutated at random (cut, duplicated, spliced with syntax characters, truncated)
 * never throw out of the engine, finish within a time budget, and give diagnostics that lie inside the file
 * with valid positions; when the kind's parser rejects the text, a positioned `cors/parse-error` is among them.
 * Fixed seed and bounded runs here (a few seconds); `npm run fuzz` runs many more.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../src/engine/lint.js';
import { parseModule } from '../../src/extractors/express/parse.js';
import { expressPrefilter } from '../../src/extractors/express/detect.js';
import { acceptsNginx, nginxPrefilter } from '../../src/extractors/nginx/detect.js';
import { pythonPrefilter } from '../../src/extractors/python/detect.js';
import { parseNginx } from '../../src/extractors/nginx/parser.js';
import { parsePython } from '../../src/extractors/python/parser.js';
import { expectWellPlaced, fixtureTexts, lintOne, runs, SEED } from './support.js';

/** A hang guard, not a performance assertion: one small file taking this long means a loop that never ends. */
const BUDGET_MS = 15_000;

const SYNTAX = ['{', '}', '(', ')', '[', ']', ';', ',', "'", '"', '`', '/', '\\', '\n', '\r\n', '#', '*', ' ', ':', '=', '$', '~', '\t', '\u2028', '\ufeff', '\0', '\ud800', 'é', '//', '/*', '"""', '${', 'cors', 'Access-Control-Allow-Origin', 'add_header', 'if (', 'location / {', 'def ', 'lambda:', 'include '];

type Mutation = { kind: 'cut'; at: number; len: number } | { kind: 'insert'; at: number; s: string } | { kind: 'dup'; at: number; len: number } | { kind: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), s: fc.oneof(fc.constantFrom(...SYNTAX), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })) }),
  fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(text: string, ms: Mutation[]): string {
  let t = text;
  for (const m of ms) {
    const at = t.length ? m.at % (t.length + 1) : 0;
    if (m.kind === 'cut') t = t.slice(0, at) + t.slice(at + m.len);
    else if (m.kind === 'insert') t = t.slice(0, at) + m.s + t.slice(at);
    else if (m.kind === 'dup') t = t.slice(0, at) + t.slice(at, at + m.len) + t.slice(at);
    else t = t.slice(0, at);
  }
  return t;
}

interface Kind {
  name: string;
  file: string;
  seeds: string[];
  /** Whether the kind's own parser rejects the text (the engine must then report a parse error). */
  rejects(text: string): boolean;
  /** Whether the engine parses this text at all: the extractor's own prefilter (a mention of CORS only in comments is not enough). */
  parsed(text: string): boolean;
}

const KINDS: Kind[] = [
  {
    name: 'JavaScript (Express)',
    file: 'server.js',
    seeds: fixtureTexts(['express'], /\.(c|m)?js$/),
    rejects: (t) => {
      const m = parseModule('server.js', t);
      return !m.program || m.errors.length > 0;
    },
    parsed: expressPrefilter,
  },
  {
    name: 'TypeScript (Express)',
    file: 'server.ts',
    seeds: fixtureTexts(['express'], /\.tsx?$/).concat(fixtureTexts(['express'], /\.js$/).slice(0, 3)),
    rejects: (t) => {
      const m = parseModule('server.ts', t);
      return !m.program || m.errors.length > 0;
    },
    parsed: expressPrefilter,
  },
  {
    name: 'Python (FastAPI, Starlette, Flask)',
    file: 'main.py',
    seeds: fixtureTexts(['fastapi', 'flask'], /\.py$/),
    rejects: (t) => parsePython(t).errors.length > 0,
    parsed: pythonPrefilter,
  },
  {
    name: 'nginx',
    file: 'nginx/conf.d/site.conf',
    seeds: fixtureTexts(['nginx'], /\.conf$/),
    rejects: (t) => parseNginx(t).errors.length > 0,
    parsed: (t) => acceptsNginx('nginx/conf.d/site.conf', t.slice(0, 4096)) && nginxPrefilter(t),
  },
];

async function check(kind: Kind, text: string): Promise<void> {
  const t0 = performance.now();
  const out = await lintOne(kind.file, text);
  const ms = performance.now() - t0;
  expect(ms, 'time budget (hang guard)').toBeLessThan(BUDGET_MS);
  expectWellPlaced(out.diagnostics, { [kind.file]: text });
  if (kind.parsed(text) && kind.rejects(text)) {
    const pe = out.diagnostics.filter((d) => d.ruleId === 'cors/parse-error');
    expect(pe.length, `the parser rejects the text, so a cors/parse-error is expected:\n${JSON.stringify(text.slice(0, 300))}`).toBeGreaterThan(0);
  }
}

beforeAll(async () => {
  await initEngine();
});

describe.each(KINDS)('fuzz: $name', (kind) => {
  it('has fixtures to mutate', () => {
    expect(kind.seeds.length).toBeGreaterThan(0);
  });

  it('mutated fixtures never throw, stay in budget, and give well-placed diagnostics', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: Math.max(0, kind.seeds.length - 1) }), fc.array(mutation, { minLength: 1, maxLength: 6 }), async (i, ms) => {
        await check(kind, mutate(kind.seeds[i] as string, ms));
      }),
      { seed: SEED, numRuns: runs(25) },
    );
  });

  it('random texts (with a CORS word so they get parsed) never throw and are well placed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.constantFrom(...SYNTAX), fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 60 }), async (parts) => {
        await check(kind, parts.join('') + (kind.name === 'nginx' ? '\nadd_header Access-Control-Allow-Origin *;' : '\ncors'));
      }),
      { seed: SEED, numRuns: runs(15) },
    );
  });
});
