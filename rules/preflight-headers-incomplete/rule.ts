import { defineRule } from '../../src/engine/rule.js';
import { allowsNoOrigin } from '../../src/model/index.js';
import { REQUIRED_HEADER, isSafelistedHeader, preflightsAnsweredElsewhere, viaNote } from '../util.js';


export default defineRule({
  meta: {
    id: 'preflight-headers-incomplete',
    summary: 'The app requires request headers that the allowed-headers list does not contain',
    severity: 'warning',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    const { allowHeaders, origin } = policy;
    if (!allowHeaders.known || allowHeaders.value.kind !== 'list') return;
    if (!origin.known || allowsNoOrigin(origin.value)) return;
    // Its list never reaches a preflight when another policy answers them first.
    if (preflightsAnsweredElsewhere(policy)) return;
    const allowed = new Set(allowHeaders.value.items.map((t) => t.value.toLowerCase()));
    const app = ctx.appOf(policy);
    const missing = new Map<string, import('../../src/model/index.js').Span>();
    for (const h of app?.readsHeaders ?? []) {
      if (isSafelistedHeader(h.name) || allowed.has(h.name) || !REQUIRED_HEADER.test(h.name)) continue;
      if (!missing.has(h.name)) missing.set(h.name, h.span);
    }
    if (missing.size === 0) return;
    const names = [...missing.keys()];
    ctx.report({
      message:
        `The app reads the request header${names.length > 1 ? 's' : ''} ${names.join(', ')}, but Access-Control-Allow-Headers ` +
        `only lists ${[...allowed].join(', ') || 'nothing'}${viaNote(allowHeaders)}: cross-origin requests that send ${names.length > 1 ? 'them' : 'it'} fail their preflight.`,
      span: allowHeaders.span,
      related: [...missing.entries()].map(([name, span]) => ({ span, message: `${name} is read here` })),
    });
  },
});
