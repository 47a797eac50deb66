import { defineRule } from '../../src/engine/rule.js';
import { allowsNoOrigin, isForbiddenMethod, isForbiddenRequestHeader, SIMPLE_METHODS } from '../../src/model/index.js';
import { isSafelistedHeader, preflightReason, routesInScope } from '../util.js';

export default defineRule({
  meta: {
    id: 'missing-preflight-handler',
    summary: 'Non-simple requests are allowed but nothing answers the OPTIONS preflight with CORS headers',
    severity: 'error',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    const { preflight, origin } = policy;
    if (!preflight.known || preflight.value.handled !== 'missing') return;
    if (!origin.known || allowsNoOrigin(origin.value)) return;
    // Only requests that are preflighted need an OPTIONS answer (cors-semantics §5.3): routes with non-simple
    // methods or JSON bodies, or a policy that allows non-safelisted methods or headers.
    let why: string | undefined;
    for (const route of routesInScope(policy, ctx.appOf(policy))) {
      for (const m of route.methods) {
        const reason = preflightReason(route, m);
        if (reason && (!policy.scope.methods || policy.scope.methods.includes(m))) why ??= `${m} ${route.path}: ${reason}`;
      }
    }
    if (!why && policy.scope.level !== 'route') {
      const { allowMethods, allowHeaders } = policy;
      // A method pages cannot send (CONNECT, TRACE, TRACK: fetch throws first), like a header they cannot set
      // (Origin, Cookie, Sec-*), never makes a request preflighted.
      const method =
        allowMethods.known && allowMethods.value.kind === 'list'
          ? allowMethods.value.items.find((t) => !SIMPLE_METHODS.has(t.value.toUpperCase()) && t.value.toUpperCase() !== 'OPTIONS' && !isForbiddenMethod(t.value))
          : undefined;
      const header = allowHeaders.known && allowHeaders.value.kind === 'list' ? allowHeaders.value.items.find((t) => !isSafelistedHeader(t.value) && !isForbiddenRequestHeader(t.value)) : undefined;
      if (method) why = `${method.value} is allowed, and it is not a CORS-safelisted method`;
      else if (header) why = `${header.value} is allowed, and it is not a CORS-safelisted header`;
    }
    if (!why) return;
    // Where the failing answer comes from (an OPTIONS branch without the headers, a refusing directive, a route
    // registered first), when that is not the policy itself: the message blames it (audit 44 nginx N1).
    const at = preflight.value.span;
    const elsewhere = at && !(at.file === policy.span.file && at.start === policy.span.start && at.end === policy.span.end);
    ctx.report({
      message:
        // A 405 that carries the headers fails for its status: say so, not that the headers are missing (audit 34 c09).
        (preflight.value.headersOnAnswer ? `The browser's OPTIONS preflight gets no OK status (${why})` : `Nothing answers the browser's OPTIONS preflight with CORS headers (${why})`) +
        `${preflight.value.detail ? `: ${preflight.value.detail}` : ''}. The preflight fails and the request is never sent.`,
      span: policy.span,
      ...(elsewhere ? { related: [{ span: at, message: 'the preflight gets its answer here' }] } : {}),
    });
  },
});
