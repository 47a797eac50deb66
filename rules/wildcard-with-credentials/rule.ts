import type { TokenList, Valued } from '../../src/model/index.js';
import { defineRule } from '../../src/engine/rule.js';
import { preflightsAnsweredElsewhere, viaNote } from '../util.js';

export default defineRule({
  meta: {
    id: 'wildcard-with-credentials',
    summary: 'Allow-Headers, Allow-Methods or Expose-Headers is * while credentials are allowed; * is then taken literally',
    severity: 'error',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    const { credentials } = policy;
    if (!credentials.known || !credentials.value) return;
    const fields: [string, Valued<TokenList>, string, string][] = [
      ['Access-Control-Allow-Headers', policy.allowHeaders, 'no request header beyond the safelisted ones is allowed', 'request headers'],
      ['Access-Control-Allow-Methods', policy.allowMethods, 'no method beyond GET, HEAD and POST is allowed', 'methods'],
      ['Access-Control-Expose-Headers', policy.exposeHeaders, 'no response header beyond the safelisted ones is readable', 'response headers'],
    ];
    for (const [header, field, consequence, what] of fields) {
      // Allow-Headers and Allow-Methods are read on preflight answers only: on a policy that answers errors
      // only (an exception handler's headers), they are never used.
      if (policy.scope.errorsOnly && header !== 'Access-Control-Expose-Headers') continue;
      // ... nor where another policy answers the preflights first.
      if (preflightsAnsweredElsewhere(policy) && header !== 'Access-Control-Expose-Headers') continue;
      // A list holding "*" (Starlette/flask-cors expose_headers=["*"]) is sent literally too.
      const star = field.known && (field.value.kind === 'wildcard' || (field.value.kind === 'list' && field.value.items.some((t) => t.value === '*')));
      if (!field.known || !star) continue;
      // `Authorization, Content-Type, *`: the names listed still work; only the `*` means nothing (audit 17).
      const others = field.value.kind === 'list' ? field.value.items.filter((t) => t.value !== '*').map((t) => t.value) : [];
      const message = others.length
        ? `Credentials are allowed${viaNote(credentials)}, so browsers read the * in ${header}${viaNote(field)} as a literal name: it adds no ${what} to the listed ${others.join(', ')}. List the names.`
        : `${header} is *${viaNote(field)}, but credentials are allowed${viaNote(credentials)}: for credentialed requests browsers read * as a literal name, so ${consequence}. List the names.`;
      ctx.report({
        message,
        span: field.span,
        related: [{ span: credentials.span, message: 'credentials are allowed here' }],
      });
    }
  },
});
