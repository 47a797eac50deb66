import { describeEntry } from '../../src/analysis/index.js';
import { credentialsRelated, entryLabel, originProblems, withCredentials } from '../../src/analysis/report.js';
import { defineRule } from '../../src/engine/rule.js';
import { entryViaNote } from '../util.js';

export default defineRule({
  meta: {
    id: 'insecure-origin',
    summary: 'A plain-http origin that is not loopback is trusted (a network attacker can be that origin)',
    severity: 'warning',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    for (const { entry, span, problem, key } of originProblems(policy, 'insecure')) {
      const creds = withCredentials(policy);
      const what = entry.type === 'literal' ? `trusts the plain-http origin ${problem.example}` : `accepts the plain-http origin ${problem.example}`;
      ctx.report({
        message:
          `${entryLabel(entry, describeEntry)}${entryViaNote(policy.origin, entry)} ${what}: anyone on the network path (public Wi-Fi, a hostile proxy) ` +
          `can inject a script into that page and read these responses${creds ? " with the user's cookies" : ''}. Trust only https:// origins.`,
        span,
        key,
        related: credentialsRelated(policy, 'credentials are allowed, which makes the http origin an error'),
        severity: creds ? 'error' : 'warning',
      });
    }
  },
});
