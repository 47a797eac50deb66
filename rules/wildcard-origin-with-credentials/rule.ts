import { defineRule } from '../../src/engine/rule.js';
import { upstreamAppPolicies } from '../../src/analysis/paths.js';
import type { CorsPolicy, Span } from '../../src/model/index.js';
import { preflightOnlyAnswer, viaNote } from '../util.js';

/**
 * The Access-Control-Allow-Origin write of a hand-written middleware of the whole app that runs after this cors()
 * (which answers the preflights first: its `preflight.elsewhere` points here) and replaces the header on every
 * response it sees, whatever the Origin (an echo or a fixed value, set rather than appended).
 */
function replacedOnActualResponses(policy: CorsPolicy, policies: readonly CorsPolicy[]): Span | undefined {
  if (policy.mechanism !== 'cors-package' || policy.scope.level !== 'app') return undefined;
  const within = (inner: Span, outer: Span) => inner.file === outer.file && inner.start >= outer.start && inner.end <= outer.end;
  for (const q of policies) {
    if (q === policy || q.appId !== policy.appId || q.mechanism !== 'express-manual' || q.scope.level !== 'app' || q.condition) continue;
    const pf = q.preflight;
    if (!pf.known || !pf.value.elsewhere || !pf.value.span || !within(policy.span, pf.value.span)) continue;
    if (!q.origin.known || (q.origin.value.kind !== 'reflect-any' && q.origin.value.kind !== 'fixed')) continue;
    const writes = q.headerWrites.filter((w) => w.name === 'access-control-allow-origin');
    if (writes.length && writes.every((w) => w.op === 'set')) return (writes[writes.length - 1] as (typeof writes)[number]).span;
  }
  return undefined;
}

/** A proxy level linked to this policy's app that hides the app's Access-Control-Allow-Origin on the paths this policy covers. */
function hidingProxy(policy: CorsPolicy, policies: readonly CorsPolicy[]): CorsPolicy | undefined {
  if (policy.layer !== 'app' || !policy.appId) return undefined;
  return policies.find(
    (q) => q.layer === 'proxy' && q.upstream?.appId === policy.appId && q.upstream?.hidesOrigin && q.upstream?.hidesCredentials === false && upstreamAppPolicies(q, policies).includes(policy),
  );
}

export default defineRule({
  meta: {
    id: 'wildcard-origin-with-credentials',
    summary: 'Access-Control-Allow-Origin: * together with Allow-Credentials: true; every credentialed request fails',
    severity: 'error',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    const { origin, credentials } = policy;
    // The library refuses '*' with credentials outright (flask-cors ValueError, cors-semantics.md §3.3): the same
    // misconfiguration, which never sends the headers but fails sooner (audit 32 case 31).
    if (policy.configError) {
      ctx.report({
        message: `${policy.configError.detail}. Access-Control-Allow-Origin: * with credentials is never sent; list the allowed origins instead.`,
        span: policy.configError.span,
        related: [{ span: credentials.span, message: 'credentials are allowed here' }],
      });
      return;
    }
    if (!origin.known || !credentials.known) return;
    if (origin.value.kind !== 'wildcard' || !credentials.value) return;
    // Sent on preflight answers only (nginx `if ($request_method = OPTIONS) { ...; return 204; }`): the preflight's
    // CORS check uses the request's credentials mode (§5.4), so every credentialed request that needs a preflight fails
    // there; a simple one (GET, form POST) is sent without a preflight and its fate depends on the actual responses,
    // which another policy decides (audit 34 case 11).
    const preflightOnly = preflightOnlyAnswer(policy, ctx.project.policies, (p) => p.origin.known && p.origin.value.kind === 'wildcard' && p.credentials.known && p.credentials.value);
    // cors() ends preflights itself, and a later hand-written middleware of the whole app replaces its `*` on every
    // other response (audit 34 peer D2: the actual responses then reflect the Origin, which reflected-origin-with-
    // credentials reports): the `*` is only ever on preflight answers.
    const replacedBy = preflightOnly ? undefined : replacedOnActualResponses(policy, ctx.project.policies);
    // A linked proxy hides this Access-Control-Allow-Origin and sends its own (audit 39 mix c11): what the browser
    // gets through it is the proxy's header with this credentials flag, judged at the proxy (here or by
    // reflected-origin-with-credentials); this message then speaks of the app's own responses only.
    const hiddenBy = preflightOnly || replacedBy ? undefined : hidingProxy(policy, ctx.project.policies);
    ctx.report({
      message: replacedBy
        ? `Access-Control-Allow-Origin: *${viaNote(origin)} with Access-Control-Allow-Credentials: true reaches the preflight answers only ` +
          `(a later middleware replaces it on the other responses): browsers reject it for every credentialed request that needs a ` +
          `preflight (PUT, DELETE, JSON POST, custom headers...), so those requests are never sent.`
        : preflightOnly
        ? `This preflight answer sends Access-Control-Allow-Origin: *${viaNote(origin)} with Access-Control-Allow-Credentials: true: ` +
          `browsers reject it for every credentialed request that needs a preflight (PUT, DELETE, JSON POST, custom headers...), ` +
          `so those requests are never sent. List the allowed origins instead.`
        : hiddenBy
        ? `Access-Control-Allow-Origin is a literal *${viaNote(origin)} while Access-Control-Allow-Credentials is true: a browser that gets ` +
          `the app's responses directly rejects every credentialed cross-origin request. The proxy in front of it (${hiddenBy.span.file}) ` +
          `hides this * and sends its own Access-Control-Allow-Origin with these credentials, so what the browser gets there depends on the proxy's value. ` +
          `List the allowed origins here instead.`
        : `Access-Control-Allow-Origin is a literal *${viaNote(origin)} while Access-Control-Allow-Credentials is true: ` +
          `browsers reject every credentialed cross-origin request. List the allowed origins instead.`,
      span: origin.span,
      related: [
        { span: credentials.span, message: 'credentials are allowed here' },
        ...(replacedBy ? [{ span: replacedBy, message: 'Access-Control-Allow-Origin is replaced here on the responses that are not preflight answers' }] : []),
        ...(hiddenBy ? [{ span: hiddenBy.origin.span, message: 'the proxy sends its own Access-Control-Allow-Origin here, in place of this one' }] : []),
      ],
    });
  },
  checkProject(ctx) {
    // Across layers (audit 32 mix c20): a proxy that hides the upstream app's Access-Control-Allow-Origin and adds
    // `*` of its own, but lets the app's `Access-Control-Allow-Credentials: true` through. The browser gets both
    // headers on the responses of the app's CORS policy (checked with nginx 1.22 in front of Express + cors 2.8).
    for (const proxy of ctx.project.policies) {
      const up = proxy.upstream;
      if (proxy.layer !== 'proxy' || !up?.appId || !up.hidesOrigin || up.hidesCredentials !== false) continue;
      if (!proxy.origin.known || proxy.origin.value.kind !== 'wildcard') continue;
      // The proxy's own Allow-Credentials (any value) is a case of its own (checkPolicy, or a second header).
      if (proxy.headerWrites.some((w) => w.name === 'access-control-allow-credentials')) continue;
      const app = upstreamAppPolicies(proxy, ctx.project.policies).find((p) => p.credentials.known && p.credentials.value);
      if (!app) continue;
      ctx.report({
        message:
          `This proxy replaces the upstream app's Access-Control-Allow-Origin with a literal *, but the app (${up.label}) still sends ` +
          `Access-Control-Allow-Credentials: true, which the proxy passes on: browsers reject every credentialed cross-origin request. ` +
          `Let the app's own Access-Control-Allow-Origin through instead of *, or also hide Access-Control-Allow-Credentials.`,
        span: proxy.origin.span,
        related: [
          { span: app.credentials.span, message: 'the upstream app allows credentials here' },
          { span: up.span, message: 'requests are proxied to the app here' },
        ],
      });
    }
  },
});
