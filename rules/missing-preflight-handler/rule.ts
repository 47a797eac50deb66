import { defineRule } from '../../src/engine/rule.js';
import { preflightReason, routesInScope } from '../util.js';

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
    if (!origin.known || origin.value.kind === 'none') return;
    let why: string | undefined;
    if (policy.scope.level === 'route') {
      // Only routes whose requests are preflighted need an OPTIONS answer (cors-semantics §5.3).
      for (const route of routesInScope(policy, ctx.appOf(policy))) {
        for (const m of route.methods) {
          const reason = preflightReason(route, m);
          if (reason && policy.scope.methods?.includes(m)) why ??= `${m} ${route.path}: ${reason}`;
        }
      }
      if (!why) return;
    } else {
      why = 'the allowed methods or headers need a preflight';
    }
    ctx.report({
      message:
        `Nothing answers the browser's OPTIONS preflight with CORS headers (${why})` +
        `${preflight.value.detail ? `: ${preflight.value.detail}` : ''}. The preflight fails and the request is never sent.`,
      span: policy.span,
    });
  },
});
