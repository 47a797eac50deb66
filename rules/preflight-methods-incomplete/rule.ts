import { defineRule } from '../../src/engine/rule.js';
import { preflightReason, routesInScope, viaNote } from '../util.js';

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
    const { allowMethods, origin } = policy;
    if (!allowMethods.known || allowMethods.value.kind !== 'list') return;
    if (!origin.known || origin.value.kind === 'none') return;
    const listed = allowMethods.value.items.map((t) => t.value);
    const lower = new Set(listed.map((m) => m.toUpperCase()));
    const missing = new Map<string, { reason: string; span: import('../../src/model/index.js').Span; path: string }>();
    for (const route of routesInScope(policy, ctx.appOf(policy))) {
      for (const m of route.methods) {
        const reason = preflightReason(route, m);
        if (!reason) continue;
        // Comparison is case-sensitive; a lower-case entry is reported by invalid-header-value instead.
        if (listed.includes(m) || lower.has(m)) continue;
        if (!missing.has(m)) missing.set(m, { reason, span: route.span, path: route.path });
      }
    }
    if (missing.size === 0) return;
    const first = [...missing.entries()][0] as [string, { reason: string; path: string }];
    const names = [...missing.keys()].join(', ');
    ctx.report({
      message:
        `The allowed methods are ${listed.join(', ')}${viaNote(allowMethods)}, but the app serves ${names} ` +
        `(e.g. ${first[0]} ${first[1].path}: ${first[1].reason}), so the browser's preflight fails and those requests are blocked.`,
      span: allowMethods.span,
      related: [...missing.entries()].map(([m, r]) => ({ span: r.span, message: `${m} ${r.path} needs a preflight` })),
    });
  },
});
