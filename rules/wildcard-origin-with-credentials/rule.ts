import { defineRule } from '../../src/engine/rule.js';
import { appPolicyReaches } from '../../src/analysis/paths.js';
import { allowsNoOrigin } from '../../src/model/index.js';
import { preflightOnlyAnswer, viaNote } from '../util.js';

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
    ctx.report({
      message: preflightOnly
        ? `This preflight answer sends Access-Control-Allow-Origin: *${viaNote(origin)} with Access-Control-Allow-Credentials: true: ` +
          `browsers reject it for every credentialed request that needs a preflight (PUT, DELETE, JSON POST, custom headers...), ` +
          `so those requests are never sent. List the allowed origins instead.`
        : `Access-Control-Allow-Origin is a literal *${viaNote(origin)} while Access-Control-Allow-Credentials is true: ` +
          `browsers reject every credentialed cross-origin request. List the allowed origins instead.`,
      span: origin.span,
      related: [{ span: credentials.span, message: 'credentials are allowed here' }],
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
      const app = ctx.project.policies.find(
        (p) =>
          p.layer === 'app' &&
          p.appId === up.appId &&
          !p.condition &&
          p.credentials.known &&
          p.credentials.value &&
          p.origin.known &&
          !allowsNoOrigin(p.origin.value) &&
          !p.configError &&
          appPolicyReaches(p, up.path) === true,
      );
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
