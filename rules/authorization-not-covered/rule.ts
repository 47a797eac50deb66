import { defineRule } from '../../src/engine/rule.js';
import { preflightsAnsweredElsewhere } from '../util.js';

export default defineRule({
  meta: {
    id: 'authorization-not-covered',
    summary: 'Access-Control-Allow-Headers: * is relied on for Authorization, which * never covers',
    severity: 'warning',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    const { allowHeaders } = policy;
    if (!allowHeaders.known || allowHeaders.value.kind !== 'wildcard') return;
    // Allow-Headers is read on preflight answers only: not on a policy that answers errors only (an exception
    // handler's headers), nor where another policy answers the preflights first (audit 22 case 12).
    if (policy.scope.errorsOnly) return;
    if (preflightsAnsweredElsewhere(policy)) return;
    const app = ctx.appOf(policy);
    const read = app?.readsHeaders.find((h) => h.name === 'authorization');
    if (!read) return;
    ctx.report({
      message:
        'Access-Control-Allow-Headers is *, but * never covers Authorization (Fetch standard): cross-origin requests ' +
        'that send an Authorization header fail their preflight in Firefox and Safari (Chromium only warns for now). ' +
        'Add Authorization to the list explicitly.',
      span: allowHeaders.span,
      related: [{ span: read.span, message: 'the app reads the Authorization header here' }],
    });
  },
});
