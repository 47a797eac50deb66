import type { CorsPolicy } from '../../src/model/index.js';
import { defineRule } from '../../src/engine/rule.js';

/** Routes that are not meant for browsers on other origins (health checks, metrics). */
const NON_BROWSER_ROUTE = /(^|\s)(\/|\/(health|healthz|healthcheck|livez|readyz|ready|live|ping|status|metrics|favicon\.ico|robots\.txt)[^\s]*)$/i;
/**
 * Webhook endpoints (`/api/payment/webhook`, `/webhooks/stripe`): called server to server by the provider, never
 * by a browser, and commonly registered before cors() and the JSON body parser on purpose, for the raw body
 * their signature check needs (audit 28 case 25).
 */
const WEBHOOK_ROUTE = /(^|\s)\/\S*\bwebhooks?\b\S*$/i;

/** How each mechanism makes CORS run first (wording only; the facts come from the extractor). */
const HOW_TO_FIX: Partial<Record<CorsPolicy['mechanism'], string>> = {
  'cors-package': 'Register cors() before the routes and middleware that answer requests.',
  'express-manual': 'Register the CORS middleware before the routes and middleware that answer requests.',
  'starlette-middleware': 'Add CORSMiddleware last, so that it is the outermost middleware (or wrap the app: app = CORSMiddleware(app=app, ...)).',
  'flask-cors': 'Let one place set the CORS headers: drop the after_request header code or register it so it does not overwrite flask-cors.',
};

export default defineRule({
  meta: {
    id: 'cors-middleware-order',
    summary: 'CORS runs after something that answers first (routes, auth middleware, outer middleware)',
    severity: 'error',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    const steps = policy.shadowedBy.filter((s) => !(s.kind === 'route' && (NON_BROWSER_ROUTE.test(s.label) || WEBHOOK_ROUTE.test(s.label))));
    if (steps.length === 0) return;
    const first = steps[0] as (typeof steps)[number];
    const more = steps.length > 1 ? ` (and ${steps.length - 1} more)` : '';
    ctx.report({
      message: `The CORS handling here runs after ${first.label}${more}, which ${first.effect}. ${first.fix ?? HOW_TO_FIX[policy.mechanism] ?? 'Make CORS run first.'}`,
      span: policy.span,
      related: steps.map((s) => ({ span: s.span, message: `${s.label} ${s.effect}` })),
    });
  },
});
