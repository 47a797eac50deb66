import { describeEntry } from '../../src/analysis/index.js';
import { credentialsRelated, entryLabel, originProblems, withCredentials } from '../../src/analysis/report.js';
import { defineRule } from '../../src/engine/rule.js';
import { entryViaNote } from '../util.js';
import type { CorsPolicy } from '../../src/model/index.js';

/**
 * A later cors() of the whole app that sends `*` (cors sets the header, replacing this one's) on every response it
 * sees: this policy's own Access-Control-Allow-Origin then reaches the preflight answers only, which it ends itself
 * (audit 53 nextnest c09, NestJS `NestFactory.create(..., { cors: true })` after `enableCors(options)`; Express 4.22 +
 * cors 2.8: Origin null got `null` + credentials on the preflight and `*` on the PUT).
 */
function replacedByLaterWildcard(policy: CorsPolicy, policies: readonly CorsPolicy[]): CorsPolicy | undefined {
  if (policy.mechanism !== 'cors-package' || policy.scope.level !== 'app' || policy.scope.except || !policy.appId) return undefined;
  const later = (q: CorsPolicy) =>
    q.runOrder !== undefined && policy.runOrder !== undefined ? q.runOrder > policy.runOrder : q.span.file === policy.span.file && q.span.start > policy.span.start;
  return policies.find(
    (q) => q !== policy && q.appId === policy.appId && q.mechanism === 'cors-package' && q.scope.level === 'app' && !q.scope.except && !q.condition && later(q) && q.origin.known && q.origin.value.kind === 'wildcard',
  );
}

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
      const replacedBy = replacedByLaterWildcard(policy, ctx.project.policies);
      ctx.report({
        message: replacedBy
          ? `${entryLabel(entry, describeEntry)}${entryViaNote(policy.origin, entry)}${how}: any website can send Origin: null from a sandboxed iframe ` +
            `(<iframe sandbox="allow-scripts">), and its preflights pass here${creds ? ', so its PUT, DELETE and JSON requests are sent with the user\'s cookies' : ''}. ` +
            `(A later cors() sends * on the other responses${creds ? ', which the browser does not let it read' : ''}.) Never trust "null".`
          : `${entryLabel(entry, describeEntry)}${entryViaNote(policy.origin, entry)}${how}: any website can send Origin: null from a sandboxed iframe ` +
            `(<iframe sandbox="allow-scripts">) and read these responses${creds ? " with the user's cookies" : ''}. Never trust "null".`,
        span,
        key,
        related: [
          ...credentialsRelated(policy, 'credentials are allowed, which makes a trusted "null" exploitable'),
          ...(replacedBy ? [{ span: replacedBy.span, message: 'this cors() replaces Access-Control-Allow-Origin with * on the responses after the preflight' }] : []),
        ],
        severity: creds ? 'error' : 'warning',
      });
    }
  },
});
