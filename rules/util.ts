/** Helpers shared by rule modules: wording and model queries that several rules need. */
import type { AppModel, CorsPolicy, OriginEntry, OriginPolicy, Route, Span, Valued } from '../src/model/index.js';
import { allowsNoOrigin, isForbiddenMethod, nonTokenItem, SAFELISTED_REQUEST_HEADERS, SIMPLE_METHODS } from '../src/model/index.js';
import { flaskCorsResourceMatches } from '../src/simulate/scope.js';

/** " (the default when $X is unset)" etc., for messages about values that are not written literally. */
export function viaNote(v: Valued<unknown>): string {
  return v.known && v.via ? ` (${v.via})` : '';
}

/** The provenance note of one allow-list entry: its own when it has one, else the policy origin's. */
export function entryViaNote(origin: Valued<OriginPolicy>, entry: OriginEntry): string {
  if ((entry.type === 'regex' || entry.type === 'literal' || entry.type === 'tests') && entry.via !== undefined) return entry.via ? ` (${entry.via})` : '';
  return viaNote(origin);
}

function pathMatches(scopePath: string, routePath: string): boolean {
  if (scopePath === routePath) return true;
  if (scopePath === '/' || scopePath === '*' || scopePath === '/*' || scopePath === '/{*splat}') return true;
  const prefix = scopePath.replace(/\/(\*|\{\*\w+\}|\*\w+)$/, '');
  return routePath === prefix || routePath.startsWith(prefix.endsWith('/') ? prefix : prefix + '/');
}

/**
 * Request paths a Flask route rule answers, one per sample value of its `<converter:name>` parts (two samples, so
 * that a resource regex that accepts only some values of a parameter is not taken to cover the route).
 */
function flaskRouteSamples(rule: string): string[] {
  const sample = (i: number) =>
    rule.replace(/<(?:(\w+)(?:\(([^)]*)\))?:)?\w+>/g, (_m, conv: string | undefined, args: string | undefined) => {
      if (conv === 'int') return i ? '42' : '1';
      if (conv === 'float') return i ? '2.5' : '1.5';
      if (conv === 'uuid') return '0b5e1a7c-2d3f-4a6b-8c9d-0e1f2a3b4c5d';
      if (conv === 'path') return i ? 'x/y' : 'x';
      if (conv === 'any') return (args ?? '').split(',')[0]?.trim().replace(/^['"]|['"]$/g, '') ?? 'x';
      return i ? 'x1' : 'x';
    });
  return [sample(0), sample(1)];
}

/**
 * Whether flask-cors gives a route this resource's options (§3.4): every sample request path of the route matches
 * one of its keys and none of the keys tried before it (the first match wins). An undecided match counts as no.
 */
function flaskResourceCovers(scope: CorsPolicy['scope'], before: (string | null)[], routePath: string): boolean {
  const samples = flaskRouteSamples(routePath);
  if (scope.paths && !samples.every((x) => scope.paths?.some((p) => flaskCorsResourceMatches(p, x) === true))) return false;
  return !samples.some((x) => before.some((p) => p === null || flaskCorsResourceMatches(p, x) !== false));
}

/** The app routes a policy applies to. */
export function routesInScope(policy: CorsPolicy, app: AppModel | undefined): Route[] {
  if (!app) return [];
  // A CORS layer that the app's code runs for the requests meeting a condition it tests on each request, when that
  // condition is not a plain path or method test: which routes it sees is not known (audit 49 D1:
  // `req.path.startsWith('/health') || req.path === '/'` is no route scope the model has).
  if (policy.condition?.onRequest) return [];
  const { scope } = policy;
  const flaskResource = policy.mechanism === 'flask-cors' ? scope.flaskResource : undefined;
  return app.routes.filter((r) => {
    if (r.pathError || r.methods.includes('USE')) return false;
    if (scope.methods && !r.methods.some((m) => scope.methods?.includes(m) || m === 'ALL')) return false;
    // flask-cors resource keys are regexes or exact paths, not the `/x/*` globs of other frameworks' scopes.
    if (flaskResource) {
      if (!flaskResourceCovers(scope, flaskResource.before, r.path)) return false;
    } else if (scope.paths && !scope.paths.some((p) => (scope.exact ? p === r.path : pathMatches(p, r.path)))) return false;
    // A route left out for every method it serves (an Express pattern `/internal/*` leaves out the routes below it).
    const leftOut = (x: { path: string }) => x.path === r.path || (policy.kind === 'express' && x.path.endsWith('/*') && r.path.startsWith(x.path.slice(0, -1)));
    if (scope.except?.some((x) => leftOut(x) && (!x.methods || r.methods.every((m) => x.methods?.includes(m))))) return false;
    return true;
  });
}

/** Why a request to this route is preflighted by the browser (cors-semantics §5.3), or undefined. */
export function preflightReason(route: Route, method: string): string | undefined {
  // A forbidden method (CONNECT, TRACE, TRACK) is never sent by a browser, so never preflighted.
  if (method === 'ALL' || method === 'OPTIONS' || method === 'HEAD' || method === 'USE' || isForbiddenMethod(method)) return undefined;
  if (!SIMPLE_METHODS.has(method)) return `${method} is not a CORS-safelisted method`;
  if (route.jsonBody && method === 'POST') return 'a JSON body (Content-Type: application/json) is not CORS-safelisted';
  return undefined;
}

/**
 * Request headers that clients must send for the app to work (credentials, CSRF, API-key and captcha headers:
 * Cloudflare Turnstile's `cf-turnstile-response`, audit 51 c09). `api_key` too:
 * Node keeps `_` in header names, so it is a header of its own, not `api-key`.
 */
export const REQUIRED_HEADER = /^(authorization|.*(token|api[-_]?key|csrf|xsrf|auth|captcha|turnstile).*)$/i;

export function isSafelistedHeader(name: string): boolean {
  return SAFELISTED_REQUEST_HEADERS.has(name.toLowerCase());
}

export function location(span: { file: string }, text = ''): string {
  return text ? `${span.file} (${text})` : span.file;
}

/** Related locations for the other places that echo the Origin, when a policy echoes it at several. */
export function echoSites(origin: Valued<OriginPolicy>): { span: Span; message: string }[] {
  if (!origin.known || origin.value.kind !== 'reflect-any') return [];
  return (origin.value.sites ?? []).map((span) => ({ span, message: 'the Origin is echoed here too' }));
}

/**
 * Whether the lists this policy sends on preflights can matter: some origin may pass. When the origins are not known
 * (read from the environment or a settings module without a default), a CORS library still answers the preflights
 * of the origins it is deployed with from its methods and headers lists, and it checks those lists (Starlette, §2.2)
 * or sends them (cors, §1.2; flask-cors, §3) the same whatever the origins are: a list that misses a route's method
 * fails for every origin it allows (audit 47: js D1, py c01). Hand-written headers whose origin value is not known
 * may be no CORS at all, so nothing is claimed for them.
 */
export function mayAllowSomeOrigin(policy: CorsPolicy): boolean {
  const { origin } = policy;
  if (origin.known) return !allowsNoOrigin(origin.value);
  return policy.mechanism === 'cors-package' || policy.mechanism === 'starlette-middleware' || policy.mechanism === 'flask-cors';
}

/**
 * Whether another layer answers this policy's preflights first (an earlier `app.use(cors())`, an OPTIONS route with
 * cors(), an nginx OPTIONS branch with headers of its own): its preflight-only headers (Allow-Methods,
 * Allow-Headers, Allow-Private-Network) never reach one.
 */
export function preflightsAnsweredElsewhere(policy: CorsPolicy): boolean {
  return policy.preflight.known && !!policy.preflight.value.elsewhere;
}

/**
 * The items of an Allow-Methods / Allow-Headers value that are not tokens (nonTokenItem), so that the header does not
 * parse and every preflight fails (§5.4; checked with Chromium): `Content-Type; Authorization`, `GET POST`, a
 * full-width comma. Hand-written values are judged as written (each write), library settings by their list items.
 */
export function unparsableListItems(policy: CorsPolicy, header: 'access-control-allow-methods' | 'access-control-allow-headers'): { value: string; span: Span }[] {
  const writes = policy.headerWrites.filter((w) => w.name === header);
  if (writes.length) {
    return writes.flatMap((w) => {
      const item = w.value.known ? nonTokenItem(w.value.value) : undefined;
      return item === undefined ? [] : [{ value: item, span: w.value.span }];
    });
  }
  const list = header === 'access-control-allow-methods' ? policy.allowMethods : policy.allowHeaders;
  if (!list.known || list.value.kind !== 'list') return [];
  const item = list.value.items.find((t) => nonTokenItem(t.value) !== undefined);
  return item ? [{ value: item.value.trim(), span: item.span }] : [];
}

/**
 * Whether a policy answers preflights only (nginx `if ($request_method = OPTIONS)` branches, a named location only
 * OPTIONS branches enter, Express `app.options(...)`), so that a message about it names the preflighted requests.
 * Not when the same header line also reaches the actual responses through another policy (a location's
 * `more_set_headers`, inherited by its OPTIONS branch): that policy's finding, at the same place, says it all.
 */
export function preflightOnlyAnswer(policy: CorsPolicy, policies: readonly CorsPolicy[], sameFinding: (p: CorsPolicy) => boolean): boolean {
  const only = (p: CorsPolicy) => p.scope.methods?.length === 1 && p.scope.methods[0] === 'OPTIONS';
  if (!only(policy)) return false;
  const at = policy.origin.span;
  const same = (s: Span) => s.file === at.file && s.start === at.start && s.end === at.end;
  return !policies.some((p) => p !== policy && !only(p) && same(p.origin.span) && sameFinding(p));
}
