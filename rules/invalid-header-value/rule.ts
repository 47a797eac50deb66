import { defineRule } from '../../src/engine/rule.js';

/** Standard methods that are not CORS-safelisted, so browsers check them against Allow-Methods. */
const STANDARD_METHODS = new Set(['PUT', 'PATCH', 'DELETE']);

export default defineRule({
  meta: {
    id: 'invalid-header-value',
    summary: 'A CORS header value the browser rejects (Allow-Credentials not exactly true, lower-case methods, bad Max-Age)',
    severity: 'error',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: true,
  },
  checkPolicy(policy, ctx) {
    for (const w of policy.headerWrites) {
      if (w.name !== 'access-control-allow-credentials' || !w.value.known) continue;
      const v = w.value.value;
      if (v === 'true' || v.trim().toLowerCase() === 'false' || v === '') continue;
      const fixable = v.trim().toLowerCase() === 'true' || v === '1';
      ctx.report({
        message: `Access-Control-Allow-Credentials is "${v}", but browsers accept only the exact value "true": credentialed requests fail.`,
        span: w.value.span,
        ...(fixable ? { suggestions: [{ description: 'Send exactly "true"', edits: [{ span: w.value.span, text: "'true'" }] }] } : {}),
      });
    }
    const { maxAge, allowMethods } = policy;
    if (maxAge.known && maxAge.value !== null && !/^\s*-?\d+\s*$/.test(maxAge.value)) {
      ctx.report({
        message: `Access-Control-Max-Age is "${maxAge.value}", which is not a number of seconds: browsers ignore it and cache the preflight for 5 seconds only.`,
        span: maxAge.span,
      });
    }
    // Lower-case methods in the header: only non-safelisted ones matter, since GET, HEAD and POST pass whatever
    // Access-Control-Allow-Methods says (§5.4). A list the server checks itself is preflight-methods-incomplete's.
    if (allowMethods.known && allowMethods.value.kind === 'list' && !allowMethods.value.serverChecked) {
      for (const t of allowMethods.value.items) {
        if (t.value === t.value.toUpperCase() || !STANDARD_METHODS.has(t.value.toUpperCase())) continue;
        ctx.report({
          message: `Method "${t.value}" is lower-case, but browsers compare methods case-sensitively and send "${t.value.toUpperCase()}": the preflight fails.`,
          span: t.span,
        });
      }
    }
  },
});
