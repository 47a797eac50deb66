import { defineRule } from '../../src/engine/rule.js';
import { analyzeOriginPolicy } from '../../src/analysis/index.js';
import { VARY_ONLY_WHEN_ALLOWED, VARY_SINGLE_STATIC_ORIGIN } from '../../src/model/index.js';
import { echoSites } from '../util.js';
import type { CorsPolicy, Span } from '../../src/model/index.js';

/**
 * The one hand-written Access-Control-Allow-Origin write inside the span the allow-list is known by (a middleware
 * function that echoes the origin under a check): the line that makes the header differ per origin, which is where
 * Vary belongs (audit 53 jsman: the finding pointed at the start of the function).
 */
function echoWrite(policy: CorsPolicy): Span | undefined {
  const { origin } = policy;
  if (!origin.known || origin.value.kind !== 'allow-list') return undefined;
  const within = (inner: Span, outer: Span) => inner.file === outer.file && inner.start >= outer.start && inner.end <= outer.end && (inner.start !== outer.start || inner.end !== outer.end);
  const writes = policy.headerWrites.filter((w) => w.name === 'access-control-allow-origin' && !w.value.known && within(w.span, origin.span));
  return writes.length === 1 ? (writes[0] as (typeof writes)[number]).span : undefined;
}

export default defineRule({
  meta: {
    id: 'missing-vary-origin',
    summary: 'The allowed origin depends on the request but Vary: Origin is not sent',
    severity: 'warning',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    const { origin, varyOrigin } = policy;
    if (!origin.known || !varyOrigin.known || varyOrigin.value) return;
    // The responses are a single-origin configuration's, which needs no Vary (cors-semantics §5.7).
    if (varyOrigin.via === VARY_SINGLE_STATIC_ORIGIN) return;
    const kind = origin.value.kind;
    // `*` sent only to requests that carry an Origin (an nginx map on $http_origin whose value is empty without one): a
    // response to a request without an Origin has no Access-Control-Allow-Origin, and a cache can give it to a
    // cross-origin request (§5.7: `*` needs no Vary only when it is on every response).
    if (origin.value.kind === 'wildcard' && origin.value.onlyWithOrigin) {
      ctx.report({
        message:
          'Access-Control-Allow-Origin: * is sent only to requests that carry an Origin, and Vary: Origin is not sent: a request without an Origin ' +
          '(a same-origin page, a direct fetch) gets no Access-Control-Allow-Origin, and a shared cache can serve that response to a cross-origin ' +
          'request, which then fails. Send "*" on every response, or add Vary: Origin.',
        span: origin.span,
      });
      return;
    }
    if (kind !== 'reflect-any' && kind !== 'allow-list') return;
    // A value echoed from the query string or body varies with the URL or body, which caches already key on.
    if ((origin.value.kind === 'reflect-any' || origin.value.kind === 'allow-list') && origin.value.from === 'request-parameter') return;
    // No Origin a browser sends passes any entry (`origin.startswith("domain.com")`): the header is never sent, the
    // responses do not differ, and invalid-origin says why (audit 29 cases 13 and 15).
    if (kind === 'allow-list' && origin.value.kind === 'allow-list' && origin.value.unknownEntries.length === 0 && origin.value.entries.length > 0) {
      if (analyzeOriginPolicy(origin.value, origin.span).every((v) => v.problems.some((p) => p.neverMatches))) return;
    }
    // Sent with the allowed origins' headers only: what a cache can mix up is the responses without them.
    const partly = varyOrigin.via === VARY_ONLY_WHEN_ALLOWED;
    ctx.report({
      message: partly
        ? `Access-Control-Allow-Origin depends on the request Origin, but Vary: Origin is ${VARY_ONLY_WHEN_ALLOWED}: a shared cache can serve ` +
          'a response made without CORS headers (for another origin, or for a request without an Origin) to an allowed origin. Send Vary: Origin on every response.'
        : 'Access-Control-Allow-Origin depends on the request Origin, but Vary: Origin is not sent: a shared cache can serve ' +
          "one origin's response (or a response without CORS headers) to another origin. Add Vary: Origin.",
      span: echoWrite(policy) ?? origin.span,
      related: echoSites(origin),
    });
  },
});
