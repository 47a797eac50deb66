import { defineRule } from '../../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'cors-missing-on-error-responses',
    summary: 'Error responses lack CORS headers, so the browser shows a CORS error instead of the status',
    severity: 'warning',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    const { errorCoverage, origin } = policy;
    if (!errorCoverage.known || errorCoverage.value.covers === 'all') return;
    if (!origin.known || origin.value.kind === 'none') return;
    const what = errorCoverage.value.covers === 'success-only' ? 'only successful and redirect responses carry the CORS headers' : 'some error responses are sent without CORS headers';
    ctx.report({
      message: `${what[0]?.toUpperCase()}${what.slice(1)}${errorCoverage.value.detail ? ` (${errorCoverage.value.detail})` : ''}: the browser reports a CORS error and the client never sees the real status.`,
      span: errorCoverage.span,
    });
  },
});
