/**
 * What each mechanism writes on a response, given its policy fields. This mirrors the frameworks' own
 * code paths (cited by cors-semantics.md section); the extractors decided the fields, the emitters only
 * replay them for one concrete request.
 */
import type { AppModel, CorsPolicy, HeaderWrite, OriginEntry, TokenList, Valued } from '../model/index.js';
import { ResponseBuilder } from './headers.js';
import { decideOrigin, entryMatches, type OriginDecision } from './origin-match.js';
import { flaskCorsProbablyRegex } from './scope.js';
import type { SimRequest } from './types.js';

export interface Exchange {
  req: SimRequest;
  /** The HTTP method of this exchange (`OPTIONS` for the preflight). */
  method: string;
  /** Present on the preflight: Access-Control-Request-Method / -Headers. */
  acrm?: string;
  acrh?: string;
  /** The request carries a Cookie header. */
  cookie: boolean;
  /** The response is an unhandled exception turned into a 500 by the framework. */
  throws: boolean;
  app?: AppModel;
}

export interface EmitOutcome {
  /** The policy answered the request itself (the response status is final, nothing after it runs). */
  ends: boolean;
}

const NGINX_SUCCESS = new Set([200, 201, 204, 206, 301, 302, 303, 304, 307, 308]);

/** §4.1: nginx without `always` (and the model's `success` writes) only on these statuses. */
export function isSuccessStatus(status: number | null): boolean | undefined {
  return status === null ? undefined : NGINX_SUCCESS.has(status);
}

function val<T>(v: Valued<T>, res: ResponseBuilder, what: string): T | undefined {
  if (v.known) return v.value;
  res.markUnknown(`${what}: ${v.reason}`);
  return undefined;
}

function tokenValues(t: TokenList): string[] {
  return t.kind === 'list' ? t.items.map((i) => i.value) : [];
}

type KnownDecision = Exclude<OriginDecision, { unknown: string }>;

function originOf(p: CorsPolicy, origin: string | undefined, res: ResponseBuilder): KnownDecision | undefined {
  const o = val(p.origin, res, 'origin');
  if (o === undefined) return undefined;
  const d = decideOrigin(o, origin);
  if ('unknown' in d) {
    res.markUnknown(d.unknown);
    return undefined;
  }
  return d;
}

/** Whether the policy's headers are on this response at all (errorCoverage, §2.3, §4.1). */
export function covered(p: CorsPolicy, res: ResponseBuilder, ex: Exchange): boolean | undefined {
  const cov = p.errorCoverage.known ? p.errorCoverage.value.covers : undefined;
  if (cov === undefined) {
    if (ex.throws || (res.status !== null && res.status >= 400)) {
      res.markUnknown(`whether error responses carry the headers: ${(p.errorCoverage as { reason: string }).reason}`);
      return undefined;
    }
    return true;
  }
  if (cov === 'all') return true;
  if (cov === 'not-unhandled') return !ex.throws;
  if (cov === 'except-statuses' && p.errorCoverage.known) {
    const lost = p.errorCoverage.value.statuses ?? [];
    return res.status === null ? undefined : !lost.includes(res.status);
  }
  return isSuccessStatus(res.status);
}

// ─── expressjs/cors (§1) ─────────────────────────────────────────────────────────────────────────

export function emitCorsPackage(p: CorsPolicy, res: ResponseBuilder, ex: Exchange): EmitOutcome {
  const o = val(p.origin, res, 'origin');
  if (o && o.kind === 'none') return { ends: false }; // §1.2: a falsy origin → next() with no headers at all
  const d = originOf(p, ex.req.origin, res);
  const span = p.origin.span;
  // §1.2 step 2: a callback that refuses (`cb(null, false)`) sends nothing; an array/RegExp that refuses only omits ACAO.
  const fromCallback = o?.kind === 'allow-list' && (o.onRefused === 'no-cors' || o.onRefused === 'error' || (o.onRefused === undefined && o.entries.some((e) => e.type === 'tests')));
  if (d && !d.send && d.refused && o?.kind === 'allow-list' && o.onRefused === 'error') {
    // `callback(new Error(...))`: cors calls next(err) before setting any header, and Express's default error
    // handler answers 500 (a custom error handler may choose another status).
    res.status = 500;
    return { ends: true };
  }
  if (d && !d.send && d.refused && fromCallback) return { ends: false };
  if (fromCallback && ex.req.origin === undefined) {
    // The callback is called with `undefined`: whether it answers true (headers without ACAO) or false
    // (no headers) depends on its code (`if (!origin) return callback(null, true)` is common).
    res.markUnknown('what the origin callback answers for a request without Origin');
    // A callback that refuses with an error may end such a request in the error handler.
    if (o?.kind === 'allow-list' && o.onRefused === 'error') res.status = null;
    res.set('vary', undefined, span, 'depends on the origin callback');
    res.set('access-control-allow-credentials', undefined, p.credentials.span, 'depends on the origin callback');
    return { ends: false };
  }
  if (d === undefined) res.set('access-control-allow-origin', undefined, span, 'origin not known');
  else if (d.send) res.set('access-control-allow-origin', d.value, span);
  if (o && o.kind !== 'wildcard') res.addVary('Origin', span);
  const creds = val(p.credentials, res, 'credentials');
  if (creds === undefined) res.set('access-control-allow-credentials', undefined, p.credentials.span);
  else if (creds) res.set('access-control-allow-credentials', 'true', p.credentials.span);
  const isOptions = ex.method === 'OPTIONS';
  if (isOptions) {
    const m = val(p.allowMethods, res, 'methods');
    if (m === undefined) res.set('access-control-allow-methods', undefined, p.allowMethods.span);
    else if (m.kind === 'list' && m.items.length) res.set('access-control-allow-methods', tokenValues(m).join(','), p.allowMethods.span);
    else if (m.kind === 'wildcard') res.set('access-control-allow-methods', '*', p.allowMethods.span);
    const h = val(p.allowHeaders, res, 'allowed headers');
    if (h === undefined) res.set('access-control-allow-headers', undefined, p.allowHeaders.span);
    else if (h.kind === 'echo') {
      // §1.1: unset allowedHeaders copies the request's ACRH and varies on it.
      res.addVary('Access-Control-Request-Headers', p.allowHeaders.span);
      if (ex.acrh) res.set('access-control-allow-headers', ex.acrh, p.allowHeaders.span);
    } else if (h.kind === 'list' && h.items.length) res.set('access-control-allow-headers', tokenValues(h).join(','), p.allowHeaders.span);
    else if (h.kind === 'wildcard') res.set('access-control-allow-headers', '*', p.allowHeaders.span);
    const ma = val(p.maxAge, res, 'max age');
    if (ma === undefined) res.set('access-control-max-age', undefined, p.maxAge.span);
    else if (ma !== null && ma !== '') res.set('access-control-max-age', ma, p.maxAge.span);
  }
  exposeList(p, res, ',');
  if (isOptions) {
    const pf = p.preflight.known ? p.preflight.value : undefined;
    if (!pf) {
      res.markUnknown('preflight handling not known');
      res.status = null;
      return { ends: true };
    }
    if (pf.handled === 'automatic' || pf.handled === 'explicit') {
      res.status = pf.status ?? 204; // §1.1 optionsSuccessStatus default 204
      return { ends: true };
    }
  }
  return { ends: false };
}

// ─── graphql-yoga's CORS plugin (@whatwg-node/server plugins/useCors.js; src/extractors/express/yoga.ts) ──

export function emitYoga(p: CorsPolicy, res: ResponseBuilder, ex: Exchange): EmitOutcome {
  const isOptions = ex.method === 'OPTIONS';
  const pf = p.preflight.known ? p.preflight.value : undefined;
  // Every OPTIONS request is answered 204 by yoga, with the headers below (or none).
  const end = (): EmitOutcome => {
    if (!isOptions) {
      // yoga answers every request of its mount, not the app's router: the status depends on the GraphQL request
      // (200, 400, 405 for a method it does not serve, 404 off its endpoint); its CORS headers do not.
      if (ex.req.status === undefined) {
        res.status = null;
        res.markUnknown('the status graphql-yoga answers with depends on the GraphQL request');
      } else res.status = ex.req.status;
      return { ends: true };
    }
    if (!pf) {
      res.markUnknown('preflight handling not known');
      res.status = null;
      return { ends: true };
    }
    if (pf.handled === 'automatic') {
      res.status = pf.status ?? 204;
      return { ends: true };
    }
    return { ends: false };
  };
  // No Origin on the request: no CORS header at all.
  if (ex.req.origin === undefined) return end();
  const d = originOf(p, ex.req.origin, res);
  const span = p.origin.span;
  // yoga's headers replace those of the same names set earlier (Vary included).
  const vary: string[] = [];
  if (d === undefined) {
    res.set('access-control-allow-origin', undefined, span, 'origin not known');
    res.set('vary', undefined, span, 'origin not known');
  } else if (d.send) {
    res.set('access-control-allow-origin', d.value, span);
    // The `null` yoga sends to a refused origin is in the model's list (it reads too), but goes out without Vary,
    // also to the origin "null" itself unless that was listed (then it is there twice).
    const o = p.origin.known ? p.origin.value : undefined;
    const refusedNull = o?.kind === 'allow-list' && o.refusedValue === d.value && o.entries.filter((e) => e.type === 'literal' && e.value === d.value).length < 2;
    if (d.reflected && !refusedNull) vary.push('Origin');
  }
  const m = val(p.allowMethods, res, 'methods');
  if (m === undefined) res.set('access-control-allow-methods', undefined, p.allowMethods.span);
  else if (m.kind === 'list' && m.items.length) res.set('access-control-allow-methods', tokenValues(m).join(', '), p.allowMethods.span);
  else if (m.kind === 'echo' && ex.acrm) res.set('access-control-allow-methods', ex.acrm, p.allowMethods.span);
  const h = val(p.allowHeaders, res, 'allowed headers');
  if (h === undefined) res.set('access-control-allow-headers', undefined, p.allowHeaders.span);
  else if (h.kind === 'list' && h.items.length) res.set('access-control-allow-headers', tokenValues(h).join(', '), p.allowHeaders.span);
  else if (h.kind === 'echo' && ex.acrh) {
    res.set('access-control-allow-headers', ex.acrh, p.allowHeaders.span);
    vary.push('Access-Control-Request-Headers');
  }
  if (vary.length) res.set('vary', vary.join(', '), span);
  const creds = val(p.credentials, res, 'credentials');
  if (creds === undefined) res.set('access-control-allow-credentials', undefined, p.credentials.span);
  else if (creds) res.set('access-control-allow-credentials', 'true', p.credentials.span);
  exposeList(p, res, ', ');
  const ma = val(p.maxAge, res, 'max age');
  if (ma === undefined) res.set('access-control-max-age', undefined, p.maxAge.span);
  else if (ma !== null && ma !== '') res.set('access-control-max-age', ma, p.maxAge.span);
  return end();
}

function exposeList(p: CorsPolicy, res: ResponseBuilder, sep: string, sort = false): void {
  const e = val(p.exposeHeaders, res, 'exposed headers');
  if (e === undefined) res.set('access-control-expose-headers', undefined, p.exposeHeaders.span);
  else if (e.kind === 'list' && e.items.length) {
    const v = tokenValues(e);
    res.set('access-control-expose-headers', (sort ? [...v].sort() : v).join(sep), p.exposeHeaders.span);
  } else if (e.kind === 'wildcard') res.set('access-control-expose-headers', '*', p.exposeHeaders.span);
}

// ─── Starlette CORSMiddleware (§2.1, §2.2; Starlette 0.26 code read on this machine) ──────────────

export interface StarletteVersion {
  /** < 1.0: simple responses reflect for allow-all only when a Cookie is present. */
  below1: boolean | undefined;
  /** ≥ 1.7: Vary: Origin also on responses without Origin. */
  atLeast17: boolean | undefined;
}

function parseVersion(v: string | undefined): number[] | undefined {
  if (!v) return undefined;
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function lt(a: number[], b: number[]): boolean {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  return false;
}

export function starletteVersion(app: AppModel | undefined): StarletteVersion {
  const fw = app?.framework;
  const v = parseVersion(fw?.version);
  if (!fw || !v) return { below1: undefined, atLeast17: undefined };
  // `>=x` is a lower bound from a manifest: only what holds for every version above it is known.
  const lowerBound = /^\s*(>=|>|\^|~=)/.test(fw.version ?? '');
  if (/starlette/i.test(fw.name)) {
    if (lowerBound) return { below1: lt(v, [1, 0, 0]) ? undefined : false, atLeast17: lt(v, [1, 7, 0]) ? undefined : true };
    return { below1: lt(v, [1, 0, 0]), atLeast17: !lt(v, [1, 7, 0]) ? true : lt(v, [1, 4, 0]) ? false : undefined };
  }
  if (lowerBound) return { below1: undefined, atLeast17: undefined };
  // FastAPI releases before 0.115 all pin Starlette below 0.39 (FastAPI's pyproject.toml).
  if (/fastapi/i.test(fw.name) && lt(v, [0, 115, 0])) return { below1: true, atLeast17: false };
  return { below1: undefined, atLeast17: undefined };
}

export function emitStarlette(p: CorsPolicy, res: ResponseBuilder, ex: Exchange): EmitOutcome {
  const ver = starletteVersion(ex.app);
  const origin = ex.req.origin;
  if (origin === undefined) {
    if (ver.atLeast17 === true) res.addVary('Origin');
    else if (ver.atLeast17 === undefined) res.markUnknown('Starlette version not known (Vary without Origin changed in 1.7)');
    return { ends: false };
  }
  const o = val(p.origin, res, 'origin');
  // allow_all_origins is `"*" in allow_origins` only: a regex that accepts every origin is compared like any other (cors-semantics.md §2.1).
  const allowAll = o ? o.kind === 'wildcard' || (o.kind === 'reflect-any' && !o.byPattern) : undefined;
  const creds = val(p.credentials, res, 'credentials');
  const d = originOf(p, origin, res);
  const allowed = d === undefined ? undefined : d.send;
  if (ex.method === 'OPTIONS' && ex.acrm !== undefined) {
    // preflight_response(): the middleware answers by itself.
    const explicit = o ? o.kind !== 'wildcard' : undefined;
    if (explicit === true) res.set('vary', 'Origin', p.span);
    else if (explicit === false) res.set('access-control-allow-origin', '*', p.origin.span);
    const m = val(p.allowMethods, res, 'methods');
    const methods = m ? tokenValues(m) : undefined;
    res.set('access-control-allow-methods', methods?.join(', '), p.allowMethods.span);
    const ma = val(p.maxAge, res, 'max age');
    res.set('access-control-max-age', ma === undefined ? undefined : (ma ?? '600'), p.maxAge.span);
    const h = val(p.allowHeaders, res, 'allowed headers');
    if (h === undefined) res.set('access-control-allow-headers', undefined, p.allowHeaders.span);
    else if (h.kind === 'list' && h.items.length) res.set('access-control-allow-headers', tokenValues(h).join(', '), p.allowHeaders.span);
    if (creds === undefined) res.set('access-control-allow-credentials', undefined, p.credentials.span);
    else if (creds) res.set('access-control-allow-credentials', 'true', p.credentials.span);
    let failed: boolean | undefined = false;
    if (allowed === undefined) failed = undefined;
    else if (allowed) {
      if (explicit) res.set('access-control-allow-origin', origin, p.origin.span);
    } else failed = true;
    if (methods === undefined) failed = failed === true ? true : undefined;
    else if (!methods.includes(ex.acrm)) failed = true; // case-sensitive membership (§2.1)
    if (h?.kind === 'echo') {
      if (ex.acrh !== undefined) res.set('access-control-allow-headers', ex.acrh, p.allowHeaders.span);
    } else if (ex.acrh !== undefined) {
      if (h === undefined) failed = failed === true ? true : undefined;
      else {
        const allowedH = tokenValues(h).map((x) => x.toLowerCase());
        if (ex.acrh.split(',').some((x) => !allowedH.includes(x.trim().toLowerCase()))) failed = true;
      }
    }
    res.status = failed === undefined ? null : failed ? 400 : 200;
    return { ends: true };
  }
  // simple_response → send(): only when the response is built inside the middleware (§2.3).
  const cov = covered(p, res, ex);
  if (cov === false) return { ends: false };
  if (allowAll === true) res.set('access-control-allow-origin', '*', p.origin.span);
  if (creds === undefined) res.set('access-control-allow-credentials', undefined, p.credentials.span);
  else if (creds) res.set('access-control-allow-credentials', 'true', p.credentials.span);
  exposeList(p, res, ', ');
  if (allowAll === undefined || (allowAll === false && allowed === undefined)) {
    res.set('access-control-allow-origin', undefined, p.origin.span, 'origin not known');
    return { ends: false };
  }
  if (allowAll) {
    const reflect = ver.below1 === undefined ? (ex.cookie ? true : undefined) : ver.below1 ? ex.cookie : ex.cookie || creds === true;
    if (reflect === undefined) {
      res.set('access-control-allow-origin', undefined, p.origin.span, 'Starlette version not known (reflection of * changed in 1.0)');
      res.markUnknown('Starlette version not known (allow-all simple responses changed in 1.0)');
    } else if (reflect) {
      res.set('access-control-allow-origin', origin, p.origin.span);
      res.addVary('Origin', p.origin.span);
    }
  } else if (allowed) {
    res.set('access-control-allow-origin', origin, p.origin.span);
    res.addVary('Origin', p.origin.span);
  }
  return { ends: false };
}

// ─── flask-cors (§3.2, §3.3; 3.0.10 and 6.0 agree on everything simulated here) ──────────────────

const NO_SPAN = { file: '', start: 0, end: 0 };

/** flask-cors `try_match_pattern` for header names: `*` → `.*`, regex-looking strings by re.match, else casefold equality. */
function flaskMatch(patterns: TokenList, name: string): boolean {
  return tokenValues(patterns).some((pat) => {
    const entry: OriginEntry =
      pat === '*' || flaskCorsProbablyRegex(pat)
        ? { type: 'regex', pattern: pat === '*' ? '.*' : pat, flags: 'i', flavor: 'python', mode: 'match', span: NO_SPAN }
        : { type: 'literal', value: pat, caseInsensitive: true, span: NO_SPAN };
    return entryMatches(entry, name) === true;
  });
}

export function emitFlaskCors(p: CorsPolicy, res: ResponseBuilder, ex: Exchange): EmitOutcome {
  // extension.py: skips a response that already has ACAO (hand-written headers win, §3.4).
  if (res.has('access-control-allow-origin')) return { ends: false };
  const cov = covered(p, res, ex);
  if (cov === false) return { ends: false };
  const o = val(p.origin, res, 'origin');
  if (!o) {
    res.set('access-control-allow-origin', undefined, p.origin.span, 'origin not known');
    return { ends: false };
  }
  const creds = val(p.credentials, res, 'credentials');
  const origin = ex.req.origin;
  let acao: string | undefined | null = null; // null = no CORS headers at all
  const wildcardOpt = o.kind === 'reflect-any' || o.kind === 'wildcard';
  if (origin !== undefined && origin !== '') {
    if (o.kind === 'wildcard') acao = '*';
    else {
      const d = decideOrigin(o, origin);
      if ('unknown' in d) {
        res.markUnknown(d.unknown);
        res.set('access-control-allow-origin', undefined, p.origin.span, d.unknown);
        return { ends: false };
      }
      acao = d.send ? origin : null;
    }
  } else if (wildcardOpt) {
    // always_send (default True): `*` unless credentials are on (fix #202, 3.0.3).
    if (creds === undefined) acao = undefined;
    else acao = creds ? null : '*';
  } else if (o.kind === 'allow-list') {
    // Only the first of the sorted non-regex origins survives `MultiDict(headers.items())` (§3.3).
    const literals = o.entries.flatMap((e) => (e.type === 'literal' ? [e.value] : []));
    acao = literals.length ? ([...literals].sort()[0] as string) : null;
    if (o.unknownEntries.length) acao = undefined;
  } else if (o.kind === 'fixed') acao = o.value;
  else acao = null;
  if (acao === null) return { ends: false };
  res.append('access-control-allow-origin', acao, p.origin.span);
  exposeList(p, res, ', ', true);
  if (creds === undefined) res.append('access-control-allow-credentials', undefined, p.credentials.span);
  else if (creds) res.append('access-control-allow-credentials', 'true', p.credentials.span);
  if (ex.method === 'OPTIONS') {
    const m = val(p.allowMethods, res, 'methods');
    const methodsStr = m ? [...tokenValues(m)].map((x) => x.toUpperCase()).sort().join(', ') : undefined;
    const acrm = (ex.acrm ?? '').toUpperCase();
    // `acl_request_method in options['methods']`: a substring test on the joined string (§3.2).
    const ok = methodsStr === undefined ? undefined : acrm !== '' && methodsStr.includes(acrm);
    if (ok === undefined) {
      // Whether the preflight-only headers are sent at all depends on the methods: none of them is known.
      res.markUnknown('methods not known');
      res.append('access-control-allow-methods', undefined, p.allowMethods.span);
      if (ex.acrh) res.append('access-control-allow-headers', undefined, p.allowHeaders.span);
      res.append('access-control-max-age', undefined, p.maxAge.span);
    } else if (ok) {
      const h = val(p.allowHeaders, res, 'allowed headers');
      if (ex.acrh) {
        const req = ex.acrh.split(',').map((x) => x.trim());
        if (h === undefined) res.append('access-control-allow-headers', undefined, p.allowHeaders.span);
        else {
          const matched = h.kind === 'echo' || h.kind === 'wildcard' ? req : req.filter((x) => flaskMatch(h, x));
          const v = [...matched].sort().join(', ');
          if (v) res.append('access-control-allow-headers', v, p.allowHeaders.span);
        }
      }
      const ma = val(p.maxAge, res, 'max age');
      if (ma === undefined) res.append('access-control-max-age', undefined, p.maxAge.span);
      else if (ma !== null && ma !== '') res.append('access-control-max-age', ma, p.maxAge.span);
      if (methodsStr) res.append('access-control-allow-methods', methodsStr, p.allowMethods.span);
    }
  }
  // vary_header: only when ACAO ≠ * and several origins or a regex origin are configured.
  if (acao !== '*') {
    const many = o.kind === 'reflect-any' || (o.kind === 'allow-list' && (o.entries.length + o.unknownEntries.length > 1 || o.entries.some((e) => e.type !== 'literal')));
    const vary = p.varyOrigin.known ? p.varyOrigin.value : undefined;
    if (vary === undefined && !p.varyOrigin.known) res.markUnknown('whether Vary: Origin is sent');
    if (many && vary !== false) res.append('vary', 'Origin', p.varyOrigin.span);
  }
  return { ends: false };
}

// ─── Hand-written headers (Express §1.5, Flask §3.4, FastAPI §2.3, nginx §4.1) ───────────────────

export function emitWrites(p: CorsPolicy, res: ResponseBuilder, ex: Exchange, writes: HeaderWrite[] = p.headerWrites): void {
  let decision: KnownDecision | undefined | 'unset';
  const originDecision = (): KnownDecision | undefined => {
    if (decision === 'unset' || decision === undefined) decision = originOf(p, ex.req.origin, res) ?? 'unset';
    return decision === 'unset' ? undefined : decision;
  };
  for (const w of writes) {
    if (w.onlyWithoutOrigin && ex.req.origin !== undefined) continue;
    if (w.onlyWithOrigin && ex.req.origin === undefined) continue;
    if (w.onlyOnPreflight && ex.method !== 'OPTIONS') continue;
    if (w.notOnPreflight && ex.method === 'OPTIONS') continue;
    // Made under exact comparisons of the Origin: those decide, not the policy's origin checks as a whole.
    const o = ex.req.origin;
    if (w.origins && (o === undefined ? w.origins.in !== undefined : (w.origins.in !== undefined && !w.origins.in.includes(o)) || w.origins.notIn.includes(o))) continue;
    let maybe = false;
    if (w.whenOriginAllowed && w.name !== 'access-control-allow-origin' && !w.origins) {
      // Sent with Access-Control-Allow-Origin only: not for an origin the checks refuse.
      const d = originDecision();
      if (d === undefined) {
        res.markUnknown('whether the origin passes the checks the header is written under');
        maybe = true;
      } else if (!d.send) continue;
    }
    if (w.statuses === 'success') {
      const s = isSuccessStatus(res.status);
      if (s === undefined) {
        // Sent only on success statuses, and the status is not known: a line that may or may not be sent.
        res.markUnknown('response status not known');
        maybe = true;
      } else if (!s) continue;
    }
    let value: string | undefined;
    let reason: string | undefined;
    if (w.value.known && w.name === 'access-control-allow-origin' && p.origin.known && p.origin.value.kind === 'allow-list' && !w.origins) {
      // A literal written under the policy's origin checks (`if origin == "https://a.com": h[ACAO] = "https://a.com"`):
      // not for an origin they refuse.
      const d = originDecision();
      if (d && !d.send) continue;
      // The value written for what fails the check (`else: h[ACAO] = "https://a.com"`): not when the origin passed it.
      if (d?.reflected && p.origin.value.refusedValue === w.value.value) continue;
      value = w.value.value;
    } else if (w.value.known) value = w.value.value;
    else if (w.name === 'access-control-allow-origin') {
      const d = originDecision();
      if (d === undefined) reason = 'origin not known';
      else if (!d.send && !d.refused && p.kind !== 'nginx' && p.origin.known && p.origin.value.kind === 'reflect-any') {
        // Hand-written code without an Origin to echo: `origin || '*'`, `String(undefined)`, or a throw.
        reason = 'the value written when the request has no Origin depends on the code';
      } else if (!d.send) continue; // conditional / empty value → no header (§4.1)
      else value = d.value;
    } else if (w.name === 'access-control-allow-headers' && p.allowHeaders.known && p.allowHeaders.value.kind === 'echo') {
      if (ex.acrh === undefined) continue;
      value = ex.acrh;
    } else if (w.name === 'access-control-allow-methods' && ex.acrm !== undefined && p.allowMethods.known && p.allowMethods.value.kind === 'echo') {
      value = ex.acrm;
    } else reason = w.value.reason;
    if (value === '' && p.kind === 'nginx') continue; // §4.1: an empty value adds no header
    if (value === undefined) res.markUnknown(`${w.name}: ${reason ?? 'value not known'}`);
    if (w.op === 'append' || w.multiple || maybe) res.append(w.name, value, w.span, reason, maybe && value !== undefined);
    else res.set(w.name, value, w.span, reason);
  }
}
