import { defineRule } from '../../src/engine/rule.js';
import { type CorsPolicy, type Route, type Span } from '../../src/model/index.js';
import { mayAllowSomeOrigin, REQUIRED_HEADER, isSafelistedHeader, preflightsAnsweredElsewhere, routesInScope, unparsableListItems, viaNote } from '../util.js';

/** Hand-written CORS headers: sending no Access-Control-Allow-Headers at all allows no request header. */
const HAND_WRITTEN = new Set<CorsPolicy['mechanism']>(['express-manual', 'flask-manual', 'fastapi-manual']);

function answersPreflightsAlone(policy: CorsPolicy, all: readonly CorsPolicy[]): boolean {
  const { preflight } = policy;
  if (!HAND_WRITTEN.has(policy.mechanism) || policy.scope.level !== 'app' || !preflight.known || preflight.value.handled === 'missing') return false;
  // A CORS middleware of the app that adds nothing to the preflight answers (flask-cors skipping the responses a hook
  // already gave Access-Control-Allow-Origin, §3.4) leaves them to this policy's headers alone.
  return !all.some((q) => q !== policy && q.appId === policy.appId && !HAND_WRITTEN.has(q.mechanism) && !(q.preflight.known && q.preflight.value.elsewhere));
}

/**
 * Whether a route's preflight is answered by a route-level policy of the same app that answers OPTIONS itself (a
 * Flask view registered for OPTIONS on that path) and sends Access-Control-Allow-Headers, or may: the app-wide
 * hand-written headers then go on that answer, and their missing list is not what the browser checks (audit 32
 * case 11).
 */
function ownPreflightAnswer(route: Route, policy: CorsPolicy, all: readonly CorsPolicy[]): boolean {
  return all.some(
    (q) =>
      q !== policy &&
      q.appId === policy.appId &&
      q.scope.level === 'route' &&
      q.scope.exact === true &&
      (q.scope.paths ?? []).includes(route.path) &&
      (!q.scope.methods || q.scope.methods.includes('OPTIONS')) &&
      q.preflight.known &&
      q.preflight.value.handled === 'explicit' &&
      !(q.allowHeaders.known && q.allowHeaders.value.kind === 'none'),
  );
}

export default defineRule({
  meta: {
    id: 'preflight-headers-incomplete',
    summary: 'The app requires request headers that the allowed-headers list does not contain',
    severity: 'warning',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    const { allowHeaders } = policy;
    if (!allowHeaders.known || !mayAllowSomeOrigin(policy)) return;
    // Its list never reaches a preflight when another policy answers them first.
    if (preflightsAnsweredElsewhere(policy)) return;
    // A value that does not parse fails every preflight: invalid-header-value says so, once.
    if (unparsableListItems(policy, 'access-control-allow-headers').length) return;
    let allowed: Set<string>;
    if (allowHeaders.value.kind === 'list') allowed = new Set(allowHeaders.value.items.map((t) => t.value.toLowerCase()));
    // App-wide hand-written headers without Access-Control-Allow-Headers, on the preflights they answer, where no
    // CORS middleware of the app answers them with its own (audit 28 case 30).
    else if (allowHeaders.value.kind === 'none' && answersPreflightsAlone(policy, ctx.project.policies)) allowed = new Set();
    else return;
    const app = ctx.appOf(policy);
    const missing = new Map<string, { span: Span; what: string }>();
    // (Which requests a layer run under a per-request condition sees is not known, nor so which reads are theirs.)
    // A read in the handlers of a route this policy does not cover is not a header its requests send (audit 49 v01:
    // a worker-only route left out of the CORS layer reads X-Worker-Token).
    const inScope = routesInScope(policy, app);
    const within = (r: Route, s: Span) => !!r.range && r.range.file === s.file && r.range.start <= s.start && s.end <= r.range.end;
    const otherRoutesOnly = (s: Span) => !!app?.routes.some((r) => within(r, s) && !inScope.includes(r)) && !inScope.some((r) => within(r, s));
    for (const h of policy.condition?.onRequest ? [] : (app?.readsHeaders ?? [])) {
      if (otherRoutesOnly(h.span)) continue;
      if (isSafelistedHeader(h.name) || allowed.has(h.name) || !REQUIRED_HEADER.test(h.name)) continue;
      if (!missing.has(h.name)) missing.set(h.name, { span: h.span, what: `${h.name} is read here` });
    }
    // A JSON body needs Content-Type: application/json, which is not safelisted (§5.3): Flask's get_json() and
    // express.json() read nothing else. Starlette's CORSMiddleware always allows Content-Type (§2.1).
    if (!allowed.has('content-type') && policy.mechanism !== 'starlette-middleware') {
      const json = routesInScope(policy, app).find((r) => r.jsonBody && r.methods.some((m) => m !== 'GET' && m !== 'HEAD') && !(allowHeaders.value.kind === 'none' && ownPreflightAnswer(r, policy, ctx.project.policies)));
      if (json) missing.set('content-type', { span: json.span, what: `${json.path || 'this route'} reads a JSON body (Content-Type: application/json)` });
    }
    if (missing.size === 0) return;
    const names = [...missing.keys()].map((n) => (n === 'content-type' ? 'content-type (for its JSON bodies)' : n));
    const lists = allowHeaders.value.kind === 'none' ? 'is not sent' : `only lists ${[...allowed].join(', ') || 'nothing'}${viaNote(allowHeaders)}`;
    ctx.report({
      message: `The app reads the request header${names.length > 1 ? 's' : ''} ${names.join(', ')}, but Access-Control-Allow-Headers ${lists}: cross-origin requests that send ${names.length > 1 ? 'them' : 'it'} fail their preflight.`,
      span: allowHeaders.value.kind === 'none' ? policy.span : allowHeaders.span,
      related: [...missing.values()].map((m) => ({ span: m.span, message: m.what })),
    });
  },
});
