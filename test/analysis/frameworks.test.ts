/**
 * The counterexamples hold in the frameworks themselves, not only in their regex engines: expressjs/cors
 * (npm, reflects the Origin when `origin` is a RegExp), Starlette's `CORSMiddleware.is_allowed_origin`
 * (Debian python3-starlette) and flask-cors' `try_match_any_pattern` (Debian python3-flask-cors).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { analyzeEntry } from '../../src/analysis/index.js';
import type { OriginEntry } from '../../src/model/index.js';
import { PYTHON, haveEngine } from './engines.js';
import { CASES } from './cases.js';

const require = createRequire(import.meta.url);
type CorsMiddleware = (req: unknown, res: unknown, next: (err?: unknown) => void) => void;
const cors = require('cors') as (options: { origin: RegExp }) => CorsMiddleware;

/** The ACAO that expressjs/cors sends for a request with this Origin. */
function expressAcao(origin: RegExp, requestOrigin: string): string | undefined {
  const headers: Record<string, string> = {};
  const res = {
    statusCode: 200,
    setHeader: (k: string, v: string) => {
      headers[k.toLowerCase()] = String(v);
    },
    getHeader: (k: string) => headers[k.toLowerCase()],
    end: () => undefined,
  };
  let nextCalled = false;
  cors({ origin })({ method: 'GET', headers: { origin: requestOrigin } }, res, () => {
    nextCalled = true;
  });
  expect(nextCalled).toBe(true);
  return headers['access-control-allow-origin'];
}

function claims(entry: OriginEntry): string[] {
  return analyzeEntry(entry, [])
    .problems.filter((p) => p.kind !== 'invalid' && p.example)
    .map((p) => p.example!);
}

describe('expressjs/cors reflects every counterexample of a JS pattern', () => {
  const jsCases = CASES.filter((c) => c.entry.type === 'regex' && c.entry.flavor === 'js' && claims(c.entry).length > 0);
  it('has cases', () => expect(jsCases.length).toBeGreaterThan(30));
  for (const c of jsCases) {
    it(c.name, () => {
      const e = c.entry as Extract<OriginEntry, { type: 'regex' }>;
      for (const ex of claims(e)) expect(expressAcao(new RegExp(e.pattern, e.flags.replace(/[gy]/g, '')), ex), ex).toBe(ex);
    });
  }
});

const PY = String.raw`
import json, sys
from starlette.middleware.cors import CORSMiddleware
from flask_cors.core import try_match_any_pattern
out = []
for job in json.load(sys.stdin):
    if job["framework"] == "starlette":
        kw = {"allow_origin_regex": job["pattern"]} if job["kind"] == "regex" else {"allow_origins": job["pattern"]}
        mw = CORSMiddleware(app=None, **kw)
        out.append([bool(mw.is_allowed_origin(o)) for o in job["origins"]])
    else:
        out.append([bool(try_match_any_pattern(o, [job["pattern"]], caseSensitive=False)) for o in job["origins"]])
json.dump(out, sys.stdout)
`;

function pythonFrameworksAvailable(): boolean {
  if (!haveEngine(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', 'import starlette, flask_cors'], { encoding: 'utf8' }).status === 0;
}

describe('Starlette and flask-cors accept every counterexample of their patterns', () => {
  it.runIf(pythonFrameworksAvailable())('starlette fullmatch / allow_origins string, flask-cors re.match + IGNORECASE', () => {
    const jobs: Array<{ framework: string; kind: string; pattern: string; origins: string[]; name: string }> = [];
    for (const c of CASES) {
      const e = c.entry;
      if (e.type === 'regex' && e.flavor === 'python') {
        const origins = claims(e);
        if (origins.length) jobs.push({ framework: e.mode === 'fullmatch' ? 'starlette' : 'flask', kind: 'regex', pattern: e.pattern, origins, name: c.name });
      }
      if (e.type === 'substring') {
        const ex = analyzeEntry(e, []).problems.find((p) => p.kind === 'invalid')?.example;
        if (ex) jobs.push({ framework: 'starlette', kind: 'substring', pattern: e.haystack, origins: [ex], name: c.name });
      }
    }
    // flask-cors compares plain strings with casefold: an upper-case entry still matches.
    jobs.push({ framework: 'flask', kind: 'literal', pattern: 'https://Example.com', origins: ['https://example.com'], name: 'flask casefold' });
    expect(jobs.length).toBeGreaterThan(20);
    const r = spawnSync(PYTHON, ['-c', PY], { input: JSON.stringify(jobs), encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as boolean[][];
    jobs.forEach((j, i) => {
      j.origins.forEach((o, k) => expect(out[i]![k], `${j.name}: ${o}`).toBe(true));
    });
  });
});
