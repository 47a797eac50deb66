import { describeEntry } from '../../src/analysis/index.js';
import { credentialsRelated, entryLabel, originProblems, withCredentials } from '../../src/analysis/report.js';
import { defineRule } from '../../src/engine/rule.js';
import { entryViaNote } from '../util.js';

export default defineRule({
  meta: {
    id: 'null-origin-allowed',
    summary: 'The origin "null" is allowed (any page can send it from a sandboxed iframe)',
    severity: 'warning',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    for (const { entry, span, fixed, key } of originProblems(policy, 'null')) {
      const creds = withCredentials(policy);
      const o = policy.origin.known ? policy.origin.value : undefined;
      const instead = o?.kind === 'allow-list' && entry.type === 'literal' && o.refusedValue === entry.value;
      const how = fixed
        ? ' is sent as Access-Control-Allow-Origin: null'
        : instead
          ? ' is sent as Access-Control-Allow-Origin to every origin the check refuses'
          : entry.type === 'literal'
            ? ''
            : ' also accepts the origin "null"';
      ctx.report({
        message:
          `${entryLabel(entry, describeEntry)}${entryViaNote(policy.origin, entry)}${how}: any website can send Origin: null from a sandboxed iframe ` +
          `(<iframe sandbox="allow-scripts">) and read these responses${creds ? " with the user's cookies" : ''}. Never trust "null".`,
        span,
        key,
        related: credentialsRelated(policy, 'credentials are allowed, which makes a trusted "null" exploitable'),
        severity: creds ? 'error' : 'warning',
      });
    }
  },
});
