/**
 * The request matrix of an oracle app: allowed / attacker / `null` / http variant / prefix and suffix
 * bypass origins, with and without credentials, simple and preflighted requests, success and error routes.
 * An app can change the defaults with an `oracle.json` next to its source.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { needsPreflight, normalizeMethod, parseRequestHeaders, unsafeHeaderNames } from '../../../src/simulate/browser.js';
import type { SimRequest } from '../../../src/simulate/types.js';

export interface OracleConfig {
  /** The origin the app means to allow. */
  allowed: string;
  okPath: string;
  /** A route whose handler throws (unhandled → 500); null when the app has none. */
  errorPath: string | null;
  /** A path no route answers. */
  missingPath: string;
  /** Statuses the app answers with per path, when they are not the framework's (nginx `return`). */
  statuses: Record<string, number>;
  /** Whether `errorPath` throws (true) or answers with its status on purpose (nginx `return 500`). */
  errorThrows: boolean;
  /** Extra origins to try. */
  extraOrigins: string[];
  /** Extra requests. */
  cases: SimRequest[];
  /** Methods for the preflighted request (default PUT). */
  preflightMethod: string;
  /**
   * Model bugs found by the oracle in another engineer's extractor, written down instead of patched:
   * a case whose name matches `cases` may differ; it is reported as a known gap, not counted, not failed.
   */
  knownGaps: { cases: string; issue: string }[];
  /**
   * FastAPI only: start the app as a script (`python3 main.py`, whose `__main__` block starts uvicorn on $HOST:$PORT)
   * instead of `uvicorn main:app`, for setup that only the script runs.
   */
  script: boolean;
}

export const DEFAULT_CONFIG: OracleConfig = {
  allowed: 'https://app.example.com',
  okPath: '/api/items',
  errorPath: '/api/error',
  missingPath: '/api/nope',
  statuses: {},
  script: false,
  errorThrows: true,
  extraOrigins: [],
  cases: [],
  preflightMethod: 'PUT',
  knownGaps: [],
};

export function loadOracleConfig(appDir: string): OracleConfig {
  const f = path.join(appDir, 'oracle.json');
  if (!fs.existsSync(f)) return DEFAULT_CONFIG;
  return { ...DEFAULT_CONFIG, ...(JSON.parse(fs.readFileSync(f, 'utf8')) as Partial<OracleConfig>) };
}

export interface OracleCase {
  name: string;
  request: SimRequest;
}

export function matrixOrigins(allowed: string): { label: string; origin: string }[] {
  const u = new URL(allowed);
  return [
    { label: 'allowed', origin: allowed },
    { label: 'attacker', origin: 'https://attacker.net' },
    { label: 'null', origin: 'null' },
    { label: 'http', origin: `http://${u.host}` },
    { label: 'prefix-bypass', origin: `${allowed}.attacker.net` },
    { label: 'suffix-bypass', origin: `${u.protocol}//evil${u.host}` },
  ];
}

export function buildMatrix(cfg: OracleConfig): OracleCase[] {
  const cases: OracleCase[] = [];
  const statusOf = (p: string) => cfg.statuses[p];
  const mk = (name: string, r: SimRequest) => {
    const s = statusOf(r.path);
    cases.push({ name, request: s !== undefined && r.status === undefined ? { ...r, status: s } : r });
  };
  const origins = [...matrixOrigins(cfg.allowed), ...cfg.extraOrigins.map((o) => ({ label: o, origin: o }))];
  const json = ['Authorization: Bearer t0k3n', 'Content-Type: application/json'];
  for (const { label, origin } of origins) {
    for (const credentials of [false, true]) {
      const c = credentials ? '+creds' : '';
      mk(`GET ${cfg.okPath} ${label}${c}`, { path: cfg.okPath, origin, method: 'GET', headers: [], credentials });
      mk(`${cfg.preflightMethod} ${cfg.okPath} json+auth ${label}${c}`, { path: cfg.okPath, origin, method: cfg.preflightMethod, headers: json, credentials });
    }
  }
  for (const { label, origin } of origins.slice(0, 2)) {
    for (const credentials of [false, true]) {
      const c = credentials ? '+creds' : '';
      mk(`GET ${cfg.missingPath} (404) ${label}${c}`, { path: cfg.missingPath, origin, method: 'GET', headers: [], credentials });
      if (cfg.errorPath) {
        mk(`GET ${cfg.errorPath} (error) ${label}${c}`, {
          path: cfg.errorPath,
          origin,
          method: 'GET',
          headers: [],
          credentials,
          ...(cfg.errorThrows ? { throws: true } : {}),
        });
      }
    }
  }
  mk(`POST ${cfg.okPath} json allowed`, { path: cfg.okPath, origin: cfg.allowed, method: 'POST', headers: ['Content-Type: application/json'], credentials: false });
  mk(`${cfg.preflightMethod} ${cfg.missingPath} (404) json allowed`, { path: cfg.missingPath, origin: cfg.allowed, method: cfg.preflightMethod, headers: json, credentials: false });
  mk(`GET ${cfg.okPath} no Origin`, { path: cfg.okPath, method: 'GET', headers: [], credentials: false });
  cfg.cases.forEach((r, i) => mk(`extra #${i + 1} ${r.method} ${r.path} ${r.origin ?? '(no Origin)'}`, r));
  return cases;
}

/** The raw exchanges a browser would make for a request: the preflight (if any) and the actual request. */
export function exchangesFor(r: SimRequest): { kind: 'preflight' | 'actual'; method: string; headers: Record<string, string>; body?: string }[] {
  const out: { kind: 'preflight' | 'actual'; method: string; headers: Record<string, string>; body?: string }[] = [];
  const method = normalizeMethod(r.method);
  if (needsPreflight(r)) {
    const h: Record<string, string> = { Origin: r.origin as string, 'Access-Control-Request-Method': method };
    const acrh = unsafeHeaderNames(r).join(',');
    if (acrh) h['Access-Control-Request-Headers'] = acrh;
    out.push({ kind: 'preflight', method: 'OPTIONS', headers: h });
  }
  const h: Record<string, string> = {};
  if (r.origin !== undefined) h['Origin'] = r.origin;
  for (const x of parseRequestHeaders(r.headers)) h[x.name] = x.value ?? (x.lower === 'content-type' ? 'application/json' : 'x');
  if (r.cookie ?? r.credentials) h['Cookie'] = 'session=oracle';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  out.push({ kind: 'actual', method, headers: h, ...(hasBody ? { body: '{}' } : {}) });
  return out;
}
