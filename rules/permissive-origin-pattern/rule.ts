import { describeEntry } from '../../src/analysis/index.js';
import { credentialsRelated, entryLabel, originProblems, withCredentials } from '../../src/analysis/report.js';
import { defineRule } from '../../src/engine/rule.js';
import { viaNote } from '../util.js';

export default defineRule({
  meta: {
    id: 'permissive-origin-pattern',
    summary: 'An origin regex or string test accepts attacker-controlled origins (unanchored, unescaped dot, missing "." before the domain, match-all)',
    severity: 'error',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    for (const { entry, span, problem } of originProblems(policy, 'permissive')) {
      const creds = withCredentials(policy);
      ctx.report({
        message:
          `${entryLabel(entry, describeEntry)}${viaNote(policy.origin)} also accepts ${problem.example}: ${problem.detail}. ` +
          `An attacker can register that domain and read responses${creds ? " with the user's cookies" : ''}. ` +
          (entry.type === 'tests'
            ? `Compare the parsed host exactly (new URL(origin).hostname === 'example.com' || hostname.endsWith('.example.com')) and require https:.`
            : `Anchor the whole origin (^https://(www\\.)?example\\.com$) and escape every dot.`),
        span,
        related: credentialsRelated(policy, 'credentials are allowed, so the attacker origin reads authenticated responses'),
      });
    }
  },
});
