/**
 * The browser side: which requests preflight and how a response is judged, after WHATWG Fetch as summarised
 * in cors-semantics.md §5 (5.1 CORS check, 5.2 wildcards with credentials, 5.3 preflight triggers,
 * 5.4 preflight evaluation and Max-Age).
 */
import { nonTokenItem, SAFELISTED_REQUEST_HEADERS, SIMPLE_METHODS } from '../model/index.js';
import { tokens } from './headers.js';
import type { SimRequest, SimResponse } from './types.js';

export interface RequestHeader {
  name: string;
  /** Lower-case name. */
  lower: string;
  value: string | undefined;
}

export function parseRequestHeaders(headers: string[]): RequestHeader[] {
  return headers.map((h) => {
    const i = h.indexOf(':');
    const name = (i >= 0 ? h.slice(0, i) : h).trim();
    const value = i >= 0 ? h.slice(i + 1).trim() : undefined;
    return { name, lower: name.toLowerCase(), value };
  });
}

const SAFE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/** §5.3: whether one request header is CORS-safelisted (values checked where the spec restricts them). */
export function isSafelistedHeader(h: RequestHeader): boolean {
  if (!SAFELISTED_REQUEST_HEADERS.has(h.lower)) return false;
  // A Content-Type without a value is taken as application/json (see SimRequest.headers).
  if (h.value === undefined) return h.lower !== 'content-type';
  if (h.value.length > 128) return false;
  switch (h.lower) {
    case 'accept':
      return !/["():<>?@[\\\]{}\x00-\x08\x0a-\x1f\x7f]/.test(h.value);
    case 'accept-language':
    case 'content-language':
      return /^[0-9A-Za-z *,\-.;=]*$/.test(h.value);
    case 'content-type': {
      const essence = (h.value.split(';')[0] as string).trim().toLowerCase();
      return SAFE_CONTENT_TYPES.has(essence) && !/["():<>?@[\\\]{}\x00-\x08\x0a-\x1f\x7f]/.test(h.value);
    }
    case 'range':
      return /^bytes=\d+-\d*$/.test(h.value);
    default:
      return false;
  }
}

/** Names (lower-case, sorted, unique) of the headers that are not safelisted: the preflight's ACRH. */
export function unsafeHeaderNames(req: SimRequest): string[] {
  const names = parseRequestHeaders(req.headers)
    .filter((h) => !isSafelistedHeader(h))
    .map((h) => h.lower);
  return [...new Set(names)].sort();
}

/** `fetch()` normalises only these method names to upper case (Fetch "normalize a method"). */
export function normalizeMethod(method: string): string {
  const up = method.toUpperCase();
  return ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'].includes(up) ? up : method;
}

/** §5.3: a cross-origin request preflights when its method or a header is not safelisted. */
export function needsPreflight(req: SimRequest): boolean {
  if (req.origin === undefined) return false;
  return !SIMPLE_METHODS.has(normalizeMethod(req.method)) || unsafeHeaderNames(req).length > 0;
}

export type Check = { ok: true } | { ok: false; reason: string } | { ok: null; reason: string };

/** §5.1 the CORS check on one response. */
export function corsCheck(res: SimResponse, origin: string, credentials: boolean): Check {
  const acao = res.headers['access-control-allow-origin'];
  if (acao === null) return { ok: null, reason: 'the Access-Control-Allow-Origin value is not known statically' };
  if (acao === undefined) return { ok: false, reason: 'no Access-Control-Allow-Origin header' };
  if (!credentials && acao === '*') return { ok: true };
  if (acao !== origin) {
    if (acao === '*') return { ok: false, reason: 'Access-Control-Allow-Origin is * but the request is credentialed' };
    if (acao.includes(',')) return { ok: false, reason: `Access-Control-Allow-Origin has several values (${acao})` };
    return { ok: false, reason: `Access-Control-Allow-Origin is ${acao}, not ${origin}` };
  }
  if (!credentials) return { ok: true };
  const acac = res.headers['access-control-allow-credentials'];
  if (acac === null) return { ok: null, reason: 'the Access-Control-Allow-Credentials value is not known statically' };
  if (acac !== 'true') {
    return { ok: false, reason: acac === undefined ? 'Access-Control-Allow-Credentials is missing on a credentialed request' : `Access-Control-Allow-Credentials is ${JSON.stringify(acac)}, not "true"` };
  }
  return { ok: true };
}

/**
 * The browser whose rules are applied. `chromium`: what Chromium really does (checked by the oracle's
 * browser test with Chromium 156): `Access-Control-Allow-Headers: *` still covers Authorization there (a
 * deprecation warning only, never enforced), unlike the Fetch standard. `standard`: Fetch as written,
 * which Firefox and Safari follow on this point.
 */
export type Engine = 'chromium' | 'standard';

/** §5.4: the preflight must be an ok status, pass the CORS check, and allow the method and every unsafe header. */
export function preflightCheck(res: SimResponse, req: SimRequest, engine: Engine = 'chromium'): Check {
  const checks = preflightChecks(res, req, engine);
  return checks.find((c) => c.ok === false) ?? checks.find((c) => c.ok === null) ?? { ok: true };
}

/**
 * Every condition of the preflight, most specific first (origin, method, headers, then status): one that
 * certainly fails blocks even when another is unknown, and all failures can be explained.
 */
export function preflightChecks(res: SimResponse, req: SimRequest, engine: Engine = 'chromium'): Check[] {
  const checks: Check[] = [];
  const origin = req.origin as string;
  const cc = corsCheck(res, origin, req.credentials);
  if (cc.ok === false) checks.push({ ok: false, reason: `the preflight response fails the CORS check: ${cc.reason}` });
  else if (cc.ok === null) checks.push(cc);
  checks.push(methodCheck(res, req));
  checks.push(headersCheck(res, req, engine));
  if (res.status === null) checks.push({ ok: null, reason: 'the preflight status is not known statically' });
  else if (res.status < 200 || res.status > 299) checks.push({ ok: false, reason: `the preflight response has status ${res.status}, not 2xx` });
  return checks.filter((c) => c.ok !== true);
}

function methodCheck(res: SimResponse, req: SimRequest): Check {
  const method = normalizeMethod(req.method);
  const acam = res.headers['access-control-allow-methods'];
  // A value that does not parse as a token list fails the preflight whatever it asks for (checked with Chromium:
  // a GET with a JSON body fails on "GET; PUT").
  if (acam !== undefined && acam !== null && nonTokenItem(acam) !== undefined) return { ok: false, reason: `Access-Control-Allow-Methods is not a valid token list (${acam})` };
  if (SIMPLE_METHODS.has(method)) return { ok: true };
  if (acam === null) return { ok: null, reason: 'the Access-Control-Allow-Methods value is not known statically' };
  const methods = acam === undefined ? [] : tokens(acam);
  if (methods.includes(method) || (methods.includes('*') && !req.credentials)) return { ok: true };
  const why = methods.includes('*') ? ' (* is literal with credentials)' : '';
  return { ok: false, reason: `the preflight response does not allow method ${method}${why}` };
}

function headersCheck(res: SimResponse, req: SimRequest, engine: Engine): Check {
  const acah = res.headers['access-control-allow-headers'];
  // Parsed even when no header needs it: a value that is not a token list fails every preflight (checked with
  // Chromium: a PUT without custom headers fails on "Origin， X-Requested-With").
  if (acah !== undefined && acah !== null && nonTokenItem(acah) !== undefined) return { ok: false, reason: `Access-Control-Allow-Headers is not a valid token list (${acah})` };
  const unsafe = unsafeHeaderNames(req);
  if (unsafe.length === 0) return { ok: true };
  if (acah === null) return { ok: null, reason: 'the Access-Control-Allow-Headers value is not known statically' };
  const allowed = (acah === undefined ? [] : tokens(acah)).map((h) => h.toLowerCase());
  for (const h of unsafe) {
    const covered = allowed.includes(h) || (allowed.includes('*') && !req.credentials && (h !== 'authorization' || engine === 'chromium'));
    if (!covered) {
      const why = allowed.includes('*') ? (h === 'authorization' && !req.credentials ? ' (* never covers Authorization in the Fetch standard)' : ' (* is literal with credentials)') : '';
      return { ok: false, reason: `the preflight response does not allow request header ${h}${why}` };
    }
  }
  return { ok: true };
}

/** §5.4 Max-Age in Chromium: default 5 s when absent or invalid, negative → 0, capped at 7200 s. */
export function chromiumPreflightCache(res: SimResponse): number | undefined {
  const v = res.headers['access-control-max-age'];
  if (v === null) return undefined;
  if (v === undefined || !/^-?\d+$/.test(v.trim())) return 5;
  const n = Number(v.trim());
  return Math.max(0, Math.min(n, 7200));
}
