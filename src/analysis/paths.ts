/**
 * Whether an app-layer CORS policy applies to any request a proxy forwards to the app, from the policy's scope
 * (an app-wide middleware, flask-cors `resources`, a route or router path) and the path the app sees for the
 * proxied requests (`CorsPolicy.upstream.path`). Used by the cross-layer rules: a proxy's header only meets the
 * app's on the paths both cover (audit 32 mix c10/c14: nginx's `location /api/` in front of flask-cors
 * `resources={r"/admin/*": ...}` never gets a second Access-Control-Allow-Origin).
 *
 * The answer is three-valued: true (some proxied path is covered), false (none can be), undefined (not decided).
 * It reasons only on the literal start of each path pattern, so it is conservative both ways.
 */
import { allowsNoOrigin, type CorsPolicy } from '../model/index.js';
import { flaskCorsProbablyRegex, flaskCorsResourceMatches } from '../simulate/scope.js';

export interface ProxiedPath {
  /** Every path the app sees starts with this (or is exactly it). */
  value: string;
  exact: boolean;
}

/**
 * The literal start every path a pattern matches begins with, for regexes (flask-cors resources) and route syntax (`/users/:id`, `/users/<int:id>`, `/users/{id}`).
 */
function literalStart(pattern: string, stop: RegExp): { start: string } {
  let i = 0;
  while (i < pattern.length && !stop.test(pattern[i] as string)) i++;
  // A quantifier makes the character before it optional (`/api/*` is `/api` and zero or more `/`).
  if (i > 0 && /[*?{]/.test(pattern[i] ?? '')) i--;
  return { start: pattern.slice(0, i) };
}

const compatible = (a: string, b: string) => a.startsWith(b) || b.startsWith(a);

/** Whether one path pattern of the app policy's scope can meet the proxied paths. */
function patternReaches(policy: CorsPolicy, pattern: string, path: ProxiedPath): boolean | undefined {
  const flaskResource = policy.mechanism === 'flask-cors' && policy.scope.level === 'route' && policy.scope.label.startsWith('resource');
  if (flaskResource) {
    // A proxied path the resource matches (as flask-cors does, case-sensitively): covered.
    const samples = path.exact ? [path.value] : [path.value, `${path.value}x`];
    if (samples.some((x) => flaskCorsResourceMatches(pattern, x) === true)) return true;
    // flask-cors compares request.path with re.match (prefix-anchored), case-insensitively before 6.0.0 (§3.2,
    // §3.4): decide "disjoint" on lower case, "covered" on the exact text.
    if (!flaskCorsProbablyRegex(pattern)) {
      // A literal key matches that exact path only.
      const inSet = (a: string, b: string) => (path.exact ? a === b : a.startsWith(b));
      if (inSet(pattern, path.value)) return true;
      if (!inSet(pattern.toLowerCase(), path.value.toLowerCase())) return false;
      return undefined;
    }
    // Alternation or an anchor inside the pattern: its matches need not begin with the literal start.
    const body = pattern.startsWith('^') ? pattern.slice(1) : pattern;
    if (/[|^]/.test(body)) return undefined;
    const { start } = literalStart(body, /[.^$*+?{}[\]\\|()]/);
    if (!compatible(start.toLowerCase(), path.value.toLowerCase())) return false;
    if (!path.exact && start.startsWith(path.value)) return true;
    return undefined;
  }
  // Route and router paths (Express, Flask views, Starlette routes): their parameters come after the literal start.
  if (!pattern.startsWith('/')) return undefined;
  const { start } = literalStart(pattern, /[:<{*(?+[\\]/);
  // Express matches case-insensitively by default: decide "disjoint" on lower case.
  if (!compatible(start.toLowerCase(), path.value.toLowerCase())) return false;
  if (!path.exact && start.startsWith(path.value)) return true;
  return undefined;
}

/**
 * Whether an app-layer policy applies to some of the requests a proxy forwards to its app (see the module
 * comment). `path` undefined: the proxied paths are not known.
 */
export function appPolicyReaches(policy: CorsPolicy, path: ProxiedPath | undefined): boolean | undefined {
  const { scope } = policy;
  if (scope.level === 'app' && !scope.paths?.length) return true;
  if (!scope.paths?.length || !path) return undefined;
  let unknownSeen = false;
  for (const p of scope.paths) {
    const r = patternReaches(policy, p, path);
    if (r === true) return true;
    if (r === undefined) unknownSeen = true;
  }
  return unknownSeen ? undefined : false;
}

/**
 * The CORS policies of the app a proxy level forwards to (its linked `upstream.appId`) whose headers meet the proxy's:
 * registered unconditionally (one under an undecided `if`, CorsPolicy.condition, may be off where the proxy runs:
 * audit 32 mix c01, audit 35 mix c13/c17/c18), sending an Access-Control-Allow-Origin, and known to cover some of the
 * forwarded paths (audit 32 mix c10); undecided coverage counts as not meeting.
 */
export function upstreamAppPolicies(proxy: CorsPolicy, policies: readonly CorsPolicy[]): CorsPolicy[] {
  const up = proxy.upstream;
  if (!up?.appId) return [];
  return policies.filter((p) => p.layer === 'app' && p.appId === up.appId && !p.condition && p.origin.known && !allowsNoOrigin(p.origin.value) && appPolicyReaches(p, up.path) === true);
}

/**
 * Whether an app-layer policy sends `Access-Control-Allow-Credentials: true` on responses to origins it does not
 * allow too, so that a proxy which replaces the app's Access-Control-Allow-Origin with its own (an echo of the
 * request Origin) hands every site a credentialed, readable response. `all`: on preflight answers and actual
 * responses; `simple`: on actual responses, while the app's own preflight answer to such an origin fails (so only
 * requests without a preflight pass). Undefined when not known to.
 * - An app that accepts every origin (`*`, reflection) sends it to all of them.
 * - cors (§1.2): a refused origin only loses Access-Control-Allow-Origin; Allow-Credentials is still sent, and the
 *   preflight still gets 204 (not for an origin callback that refuses with `false` or an error).
 * - Starlette (§2.2): simple responses carry it for every Origin; its preflight answers a refused origin with 400.
 * - flask-cors (§3.3) sends no CORS header at all to a refused origin; hand-written code is judged elsewhere.
 * Checked with nginx 1.22 (`proxy_hide_header Access-Control-Allow-Origin; add_header ... $http_origin always`) in
 * front of cors 2.8 and Starlette 0.26 with one allowed origin, and flask-cors 3.0 (no Allow-Credentials to others).
 */
export function credentialsToAnyOrigin(p: CorsPolicy): 'all' | 'simple' | undefined {
  if (!p.credentials.known || !p.credentials.value || !p.origin.known) return undefined;
  const o = p.origin.value;
  if (o.kind === 'wildcard' || (o.kind === 'reflect-any' && o.from === undefined)) return 'all';
  if (p.mechanism === 'cors-package') {
    if (o.kind === 'fixed') return 'all';
    if (o.kind === 'allow-list' && (o.onRefused === undefined || o.onRefused === 'omit-acao') && !o.entries.some((e) => e.type === 'tests')) return 'all';
    return undefined;
  }
  if (p.mechanism === 'starlette-middleware' && (o.kind === 'allow-list' || o.kind === 'fixed')) return 'simple';
  return undefined;
}

/**
 * A proxy level that hides the linked app's Access-Control-Allow-Origin (and adds its own) but lets the app's
 * `Access-Control-Allow-Credentials: true` through, with the app policy whose credentials reach every origin
 * (credentialsToAnyOrigin). The proxy's own Allow-Credentials write is a case of its own (the proxy policy itself).
 */
export function upstreamCredentialsThrough(proxy: CorsPolicy, policies: readonly CorsPolicy[]): { app: CorsPolicy; reach: 'all' | 'simple' } | undefined {
  const up = proxy.upstream;
  if (proxy.layer !== 'proxy' || !up?.appId || !up.hidesOrigin || up.hidesCredentials !== false) return undefined;
  if (proxy.headerWrites.some((w) => w.name === 'access-control-allow-credentials')) return undefined;
  // An answer nginx gives itself (an OPTIONS branch that returns) never carries the app's headers.
  if (proxy.scope.methods?.length === 1 && proxy.scope.methods[0] === 'OPTIONS') return undefined;
  const apps = upstreamAppPolicies(proxy, policies);
  for (const reach of ['all', 'simple'] as const) {
    const app = apps.find((p) => credentialsToAnyOrigin(p) === reach);
    if (app) return { app, reach };
  }
  return undefined;
}
