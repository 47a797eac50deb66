import { defineRule } from '../../src/engine/rule.js';
import { echoSites, viaNote } from '../util.js';

export default defineRule({
  meta: {
    id: 'reflected-origin-with-credentials',
    summary: 'Any origin is accepted and credentials are allowed: any website can read user data',
    severity: 'error',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    const { origin, credentials } = policy;
    if (!origin.known || !credentials.known) return;
    if (origin.value.kind !== 'reflect-any' || !credentials.value) return;
    ctx.report({
      message:
        `This CORS policy ${origin.value.from === 'request-parameter' ? 'accepts any origin the requester names' : 'reflects any request Origin'}${viaNote(origin)} and allows credentials: ` +
        `any website can make requests with the user's cookies and read the responses.`,
      span: origin.span,
      related: [{ span: credentials.span, message: 'credentials are allowed here' }, ...echoSites(origin)],
    });
  },
});
