import { defineRule, type Edit } from '../../src/engine/rule.js';
import { allowsNoBrowserOrigin } from '../../src/analysis/index.js';
import { entryKey, entryMatches } from '../../src/analysis/origins.js';
import { type CorsPolicy, type OriginPolicy, type Valued } from '../../src/model/index.js';

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
    // No origin can pass at all (every entry never matches a serialized origin, §5.8): successful responses fail the
    // check too, so "missing on errors" describes nothing and invalid-origin names the cause. Adding the headers to
    // every status would even break an error response another layer makes readable (audit 45 D2, cases c26/c27/c43).
    if (origin.known && allowsNoBrowserOrigin(origin.value, origin.span)) return;
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
          !(q.origin.known && allowsNoBrowserOrigin(q.origin.value, q.origin.span)),
      );
      if (handled) return;
    }
    // An application mounted inside another (`app.mount("/v1", v1)`) answers its unhandled exceptions with a 500 of
    // its own ServerErrorMiddleware, which passes out through the mounting app's CORS layer: when that layer allows
    // the same origins, the 500 carries its headers (checked with the Starlette 1.7 test client).
    if (errorCoverage.value.covers === 'not-unhandled' && policy.scope.level === 'app' && policy.appId) {
      const parents = new Set(ctx.project.apps.filter((a) => a.mounts?.includes(policy.appId as string)).map((a) => a.id));
      if (ctx.project.policies.some((q) => q.appId !== undefined && parents.has(q.appId) && appWideLayerFor(q, origin))) return;
    }
    // A route's own headers are missing from the errors it raises, but an app-wide CORS layer of the same app (an
    // HTTP middleware that writes them, CORSMiddleware) adds its headers to those error responses too: what it
    // misses (unhandled 500s) is reported at that layer (audit 16 case 10, checked with the Starlette test client).
    if (errorCoverage.value.covers === 'not-unhandled' && policy.scope.level === 'route' && policy.appId) {
      if (ctx.project.policies.some((q) => q !== policy && q.appId === policy.appId && appWideLayerFor(q, origin))) return;
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

/**
 * Whether `q` is an app-wide Starlette CORS layer (CORSMiddleware, or an HTTP middleware writing the headers) that
 * puts its headers on the responses passing out through it, for every origin `origin` allows.
 */
function appWideLayerFor(q: CorsPolicy, origin: Valued<OriginPolicy>): boolean {
  return q.scope.level === 'app' && !q.scope.errorsOnly && (q.mechanism === 'fastapi-manual' || q.mechanism === 'starlette-middleware') && coversOrigins(q.origin, origin);
}

/** Whether every origin `inner` sends ACAO to gets ACAO from `outer` too (decided on known values only). */
function coversOrigins(outer: Valued<OriginPolicy>, inner: Valued<OriginPolicy>): boolean {
  if (!outer.known || !inner.known || allowsNoBrowserOrigin(outer.value, outer.span)) return false;
  const o = outer.value;
  const i = inner.value;
  if (o.kind === 'wildcard' || o.kind === 'reflect-any') return true;
  if (i.kind === 'fixed') return (o.kind === 'fixed' && o.value === i.value) || (o.kind === 'allow-list' && o.entries.some((e) => entryMatches(e, i.value) === true));
  if (i.kind === 'allow-list' && o.kind === 'allow-list' && i.unknownEntries.length === 0) {
    const keys = new Set(o.entries.map(entryKey));
    return i.entries.every((e) => keys.has(entryKey(e)));
  }
  return false;
}
