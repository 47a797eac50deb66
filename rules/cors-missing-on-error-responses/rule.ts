import { defineRule, type Edit } from '../../src/engine/rule.js';
import { allowsNoOrigin } from '../../src/model/index.js';

export default defineRule({
  meta: {
    id: 'cors-missing-on-error-responses',
    summary: 'Error responses lack CORS headers, so the browser shows a CORS error instead of the status',
    severity: 'warning',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: true,
  },
  checkPolicy(policy, ctx) {
    const { errorCoverage, origin } = policy;
    if (!errorCoverage.known || errorCoverage.value.covers === 'all') return;
    if (origin.known && allowsNoOrigin(origin.value)) return;
    // Hand-written headers whose value is not known may be no CORS at all; a framework's CORS middleware configured
    // with origins from settings sends CORS headers to the origins it allows, and its error responses lack them
    // whatever those origins are.
    if (!origin.known && policy.mechanism !== 'starlette-middleware' && policy.mechanism !== 'flask-cors') return;
    // The unhandled errors a middleware does not see are answered by an error handler of the same app that
    // writes CORS headers on all of them (FastAPI `@app.exception_handler(Exception)`, which runs outside
    // CORSMiddleware, §2.3): the browser sees those headers, judged as that handler's own policy.
    if (errorCoverage.value.covers === 'not-unhandled' && policy.scope.level === 'app' && policy.appId) {
      const handled = ctx.project.policies.some(
        (q) =>
          q !== policy &&
          q.appId === policy.appId &&
          // An exception handler's policy, or an HTTP middleware that catches every exception and answers it with these headers.
          (q.scope.errorsOnly || q.mechanism === 'fastapi-manual') &&
          q.errorCoverage.known &&
          q.errorCoverage.value.covers === 'all' &&
          // (Its origin check not known: whether those answers miss headers an allowed origin needs is not known either.)
          !(q.origin.known && allowsNoOrigin(q.origin.value)),
      );
      if (handled) return;
    }
    const what = errorCoverage.value.covers === 'success-only' ? 'only successful and redirect responses carry the CORS headers' : 'some error responses are sent without CORS headers';
    // Where the source can say "every status" (nginx `always`), that is the safe fix: one edit per CORS header.
    const edits = policy.headerWrites.filter((w) => w.statuses === 'success' && w.name.startsWith('access-control-') && w.allStatusesEdit).map((w) => w.allStatusesEdit as Edit);
    ctx.report({
      ...(errorCoverage.value.covers === 'success-only' && edits.length ? { fix: { description: 'Send the CORS headers on every status', edits } } : {}),
      message: `${what[0]?.toUpperCase()}${what.slice(1)}${errorCoverage.value.detail ? ` (${errorCoverage.value.detail})` : ''}: the browser reports a CORS error and the client never sees the real status.`,
      span: errorCoverage.span,
    });
  },
});
