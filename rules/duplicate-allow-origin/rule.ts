import type { CorsPolicy } from '../../src/model/index.js';
import { defineRule } from '../../src/engine/rule.js';
import { upstreamAppPolicies } from '../../src/analysis/paths.js';

function acaoWrites(p: CorsPolicy) {
  // A write made only for requests without an Origin never meets one made for CORS requests.
  return p.headerWrites.filter((w) => w.name === 'access-control-allow-origin' && !w.onlyWithoutOrigin);
}

export default defineRule({
  meta: {
    id: 'duplicate-allow-origin',
    summary: 'More than one Access-Control-Allow-Origin header reaches the browser',
    severity: 'error',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    const writes = acaoWrites(policy);
    const multi = writes.find((w) => w.multiple);
    if (multi) {
      ctx.report({
        message: 'A list value (or a loop over a list) sends one Access-Control-Allow-Origin line per element; the browser joins them with ", " and the CORS check always fails. Send the one matching origin.',
        span: multi.span,
      });
      return;
    }
    // `set` replaces, `append` adds a line: count the lines that survive in order.
    let lines: typeof writes = [];
    for (const w of writes) lines = w.op === 'set' ? [w] : [...lines, w];
    if (lines.length < 2) return;
    const [first, second] = lines as [(typeof writes)[number], (typeof writes)[number]];
    ctx.report({
      message: `Access-Control-Allow-Origin is added ${lines.length} times, so the browser sees "a, b" and rejects the response ("contains multiple values"). Keep one.`,
      span: second.span,
      related: [{ span: first.span, message: 'first Access-Control-Allow-Origin' }],
    });
  },
  checkProject(ctx) {
    // A proxy adding ACAO in front of an app of this repository that already sends it.
    for (const proxy of ctx.project.policies) {
      if (proxy.layer !== 'proxy' || !proxy.upstream?.appId || proxy.upstream.hidesOrigin) continue;
      const proxyAcao = acaoWrites(proxy)[0];
      if (!proxyAcao) continue;
      // Only an app policy known to send the header on some of the paths this proxy level forwards meets it.
      const appPolicy = upstreamAppPolicies(proxy, ctx.project.policies)[0];
      if (!appPolicy) continue;
      const hide = proxy.upstream.hideDirective ?? 'proxy_hide_header';
      const lost = proxy.upstream.hideLost;
      // The hide directive is there, but at an outer level whose list this level's own hide list replaces (§4.2).
      const fix = lost
        ? `The ${hide} Access-Control-Allow-Origin of an outer level does not apply where the request is proxied: the ${hide} there replaces the inherited list, so repeat it there.`
        : `Remove one, or add ${hide} Access-Control-Allow-Origin.`;
      ctx.report({
        message: `This proxy adds Access-Control-Allow-Origin on top of the upstream app (${proxy.upstream.label}), which already sends it: the browser gets two values and rejects the response. ${fix}`,
        span: proxyAcao.span,
        related: [
          { span: appPolicy.span, message: 'the upstream app sends Access-Control-Allow-Origin here' },
          ...(lost
            ? [
                { span: lost.hide, message: `${hide} Access-Control-Allow-Origin set here is not inherited` },
                { span: lost.by, message: `this ${hide} replaces the inherited list` },
              ]
            : []),
        ],
      });
    }
  },
});
