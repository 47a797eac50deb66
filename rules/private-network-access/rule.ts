import { defineRule } from '../../src/engine/rule.js';
import { preflightsAnsweredElsewhere, viaNote } from '../util.js';

export default defineRule({
  meta: {
    id: 'private-network-access',
    summary: 'Access-Control-Allow-Private-Network: true is sent to any origin that asks',
    severity: 'warning',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    const { privateNetwork } = policy;
    if (!privateNetwork.known || !privateNetwork.value) return;
    // Browsers read the header on preflight responses only: when another layer answers this policy's preflights
    // (an earlier app.use(cors()) ends every OPTIONS request), this header never reaches one.
    if (preflightsAnsweredElsewhere(policy)) return;
    ctx.report({
      message:
        `Access-Control-Allow-Private-Network: true is sent${viaNote(privateNetwork)}: public websites may reach this service on a private network ` +
        '(the class of CVE-2024-6221). Allow it only for the origins that need it.',
      span: privateNetwork.span,
    });
  },
});
