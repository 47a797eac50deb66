import { defineRule } from '../../src/engine/rule.js';
import { viaNote } from '../util.js';

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
    ctx.report({
      message:
        `Access-Control-Allow-Origin is a literal *${viaNote(origin)} while Access-Control-Allow-Credentials is true: ` +
        `browsers reject every credentialed cross-origin request. List the allowed origins instead.`,
      span: origin.span,
      related: [{ span: credentials.span, message: 'credentials are allowed here' }],
    });
  },
});
