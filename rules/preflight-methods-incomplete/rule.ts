import type { Span } from '../../src/model/index.js';
import { SIMPLE_METHODS } from '../../src/model/index.js';
import { defineRule } from '../../src/engine/rule.js';
import { mayAllowSomeOrigin, REQUIRED_HEADER, preflightReason, preflightsAnsweredElsewhere, routesInScope, unparsableListItems, viaNote } from '../util.js';

/** Headers written by the application's own code (not a CORS library, whose defaults are modelled as lists). */
const HAND_WRITTEN: ReadonlySet<string> = new Set(['express-manual', 'fastapi-manual', 'flask-manual']);

export default defineRule({
  meta: {
    id: 'preflight-methods-incomplete',
    summary: 'Routes use methods that need a preflight, but the CORS config does not allow them',
    severity: 'error',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    const { allowMethods } = policy;
    if (!allowMethods.known || !mayAllowSomeOrigin(policy)) return;
    // Its list never reaches a preflight when another policy answers them first.
    if (preflightsAnsweredElsewhere(policy)) return;
    // A value that does not parse fails every preflight: invalid-header-value says so, once.
    if (unparsableListItems(policy, 'access-control-allow-methods').length) return;
    // Hand-written headers without Access-Control-Allow-Methods on the preflight answer: the browser then allows
    // only the safelisted methods (§5.4), when nothing else of the app adds the header (audit 11 case 01).
    const noneSent =
      allowMethods.value.kind === 'none' &&
      HAND_WRITTEN.has(policy.mechanism) &&
      policy.preflight.known &&
      policy.preflight.value.handled !== 'missing' &&
      !ctx.project.policies.some((q) => q !== policy && q.appId === policy.appId && !(q.allowMethods.known && q.allowMethods.value.kind === 'none'));
    if (allowMethods.value.kind !== 'list' && !noneSent) return;
    const { items, serverChecked } = allowMethods.value.kind === 'list' ? allowMethods.value : { items: [], serverChecked: false };
    const listed = items.map((t) => t.value);
    const upper = new Set(listed.map((m) => m.toUpperCase()));
    const app = ctx.appOf(policy);
    // A header the app requires (Authorization...) makes every request to it preflighted (§5.3).
    const requiredHeader = app?.readsHeaders.find((h) => REQUIRED_HEADER.test(h.name));
    const missing = new Map<string, { reason: string; span: Span; path: string }>();
    for (const route of routesInScope(policy, app)) {
      for (const m of route.methods) {
        let reason = preflightReason(route, m);
        if (!reason && serverChecked && requiredHeader && m !== 'ALL' && m !== 'OPTIONS' && m !== 'HEAD') reason = `the request sends ${requiredHeader.name}`;
        if (!reason) continue;
        if (serverChecked) {
          // The server compares the requested method with the list itself, case-sensitively (Starlette §2.2).
          if (listed.includes(m)) continue;
        } else {
          // The browser only checks non-safelisted methods against Access-Control-Allow-Methods (§5.4); a
          // lower-case entry is reported by invalid-header-value instead.
          if (SIMPLE_METHODS.has(m) || listed.includes(m) || upper.has(m)) continue;
        }
        if (!missing.has(m)) missing.set(m, { reason, span: route.span, path: route.path });
      }
    }
    if (missing.size === 0) return;
    const first = [...missing.entries()][0] as [string, { reason: string; path: string }];
    const names = [...missing.keys()].join(', ');
    const consequence = serverChecked
      ? 'so the server rejects their preflight (HTTP 400) and the browser blocks those requests'
      : "so the browser's preflight fails and those requests are blocked";
    ctx.report({
      message:
        `${listed.length ? `The allowed methods are ${listed.join(', ')}${viaNote(allowMethods)}` : 'No Access-Control-Allow-Methods is sent on the preflight answer (the browser then allows only GET, HEAD and POST)'}, but the app serves ${names} ` +
        `(e.g. ${first[0]} ${first[1].path}: ${first[1].reason}), ${consequence}.`,
      span: allowMethods.span,
      related: [...missing.entries()].map(([m, r]) => ({ span: r.span, message: `${m} ${r.path} needs a preflight` })),
    });
  },
});
