import { describeEntry } from '../../src/analysis/index.js';
import { credentialsRelated, entryLabel, originProblems, withCredentials } from '../../src/analysis/report.js';
import { defineRule } from '../../src/engine/rule.js';
import { entryViaNote } from '../util.js';

export default defineRule({
  meta: {
    id: 'untrusted-origin-suffix',
    summary: 'Every subdomain of a shared-hosting or public suffix (github.io, vercel.app, netlify.app, herokuapp.com...) is trusted',
    severity: 'warning',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    for (const { entry, span, problem, key } of originProblems(policy, 'untrusted-suffix')) {
      ctx.report({
        message:
          `${entryLabel(entry, describeEntry)}${entryViaNote(policy.origin, entry)} accepts ${problem.example}: ${problem.detail}, ` +
          `so any of its users can host a page there and read these responses${withCredentials(policy) ? " with the user's cookies" : ''}. ` +
          `List your own sites exactly instead.`,
        span,
        key,
        related: credentialsRelated(policy, 'credentials are allowed for those origins'),
      });
    }
  },
});
