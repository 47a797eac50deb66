import type { CorsPolicy, ShadowingStep } from '../../src/model/index.js';
import { defineRule } from '../../src/engine/rule.js';
import { upstreamAppPolicies } from '../../src/analysis/paths.js';

function acaoWrites(p: CorsPolicy) {
  // A write made only for requests without an Origin never meets one made for CORS requests.
  return p.headerWrites.filter((w) => w.name === 'access-control-allow-origin' && !w.onlyWithoutOrigin);
}

/**
 * A step registered before the app's CORS handling that answers some requests without it (a route, a catch-all, an
 * auth middleware rejecting preflights). An after_request hook is not one: it writes the header itself.
 */
const answersFirst = (s: ShadowingStep) => s.kind === 'route' || s.kind === 'middleware' || s.kind === 'auth';

/** "GET /, GET /hello" (the first three, then how many more). */
function labels(steps: readonly ShadowingStep[]): string {
  const shown = steps.slice(0, 3).map((s) => s.label).join(', ');
  return steps.length > 3 ? `${shown} and ${steps.length - 3} more` : shown;
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
    // The writes reach only some responses (nginx try_files answering a missing file from another location whose
    // line count is not known to be the same): whether the browser ever gets two values is not known.
    if (policy.fallback) return;
    // `set` replaces, `append` adds a line: count the lines that survive in order.
    let lines: typeof writes = [];
    for (const w of writes) lines = w.op === 'set' ? [w] : [...lines, w];
    if (lines.length < 2) {
      // One line of its own, added on top of the one another step of the app has already put on some responses.
      const onto = policy.appendsOnto ?? [];
      const head = onto[0];
      if (!head) return;
      const which = onto.map((o) => o.label);
      const listed = which.length > 1 ? `${which.slice(0, -1).join(', ')} and ${which.at(-1) ?? ''}` : head.label;
      // Only error responses (a 404, a 405): no data is read there, but the caller sees a CORS failure instead.
      const errorsOnly = onto.every((o) => o.errorsOnly);
      ctx.report({
        message: `Access-Control-Allow-Origin is added here as one more line on every response, also on those that already carry one (${listed}): they reach the browser with two values, and it rejects them ("contains multiple values")${errorsOnly ? ', so the caller sees a CORS error instead of the status' : ''}. Send it from one place only, or replace the header instead of adding a line.`,
        span: head.at,
        related: onto.map((o) => ({ span: o.span, message: `Access-Control-Allow-Origin already set here (${o.label})` })),
        ...(errorsOnly ? { severity: 'warning' as const } : {}),
      });
      return;
    }
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
      const appPolicies = upstreamAppPolicies(proxy, ctx.project.policies);
      const appPolicy = appPolicies[0];
      if (!appPolicy) continue;
      // Routes or middleware registered before the app's CORS handling answer their requests without it (the
      // cors-middleware-order facts, §1.4): those responses carry only the proxy's value. The model cannot list which
      // responses pass through (in audit 45 c12: Express's 404s and its automatic OPTIONS answers), so the message
      // names the ones that do not, when every app policy here has such steps.
      const answeredFirst = appPolicies.every((p) => p.shadowedBy.some(answersFirst)) ? appPolicy.shadowedBy.filter(answersFirst) : [];
      const which = answeredFirst.length
        ? `sends it on the responses that pass through its CORS handling: those get two values and the browser rejects them (the responses of ${labels(answeredFirst)}, which ${answeredFirst.length > 1 ? 'answer' : 'answers'} before it, get only the proxy's).`
        : 'already sends it: the browser gets two values and rejects the response.';
      const hide = proxy.upstream.hideDirective ?? 'proxy_hide_header';
      const lost = proxy.upstream.hideLost;
      // The hide directive is there, but at an outer level whose list this level's own hide list replaces (§4.2).
      const fix = lost
        ? `The ${hide} Access-Control-Allow-Origin of an outer level does not apply where the request is proxied: the ${hide} there replaces the inherited list, so repeat it there.`
        : `Remove one, or add ${hide} Access-Control-Allow-Origin.`;
      ctx.report({
        message: `This proxy adds Access-Control-Allow-Origin on top of the upstream app (${proxy.upstream.label}), which ${which} ${fix}`,
        span: proxyAcao.span,
        related: [
          { span: appPolicy.span, message: 'the upstream app sends Access-Control-Allow-Origin here' },
          ...answeredFirst.map((st) => ({ span: st.span, message: `${st.label} answers before the app's CORS handling: one Access-Control-Allow-Origin` })),
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
