import { defineRule } from '../../src/engine/rule.js';
import { unparsableListItems } from '../util.js';

/** Standard methods that are not CORS-safelisted, so browsers check them against Allow-Methods. */
const STANDARD_METHODS = new Set(['PUT', 'PATCH', 'DELETE']);

export default defineRule({
  meta: {
    id: 'invalid-header-value',
    summary: 'A CORS header value the browser rejects (Allow-Credentials not exactly true, lower-case methods, method or header lists that do not parse, bad Max-Age)',
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
    // Allow-Methods and Allow-Headers are parsed as comma-separated token lists; an item that is not a token (a ';' or
    // a space between names, a full-width comma) makes the parse fail, and a failed parse fails the preflight, whatever
    // it asks for (§5.4, Fetch "CORS-preflight fetch"; checked with Chromium: even a PUT without custom headers fails).
    for (const [header, name, what] of [
      ['access-control-allow-methods', 'Access-Control-Allow-Methods', 'methods'],
      ['access-control-allow-headers', 'Access-Control-Allow-Headers', 'header names'],
    ] as const) {
      for (const bad of unparsableListItems(policy, header)) {
        const hint = /[;\s]/.test(bad.value) ? ' Separate the names with commas.' : /[^\x00-\x7f]/.test(bad.value) ? ' It holds a non-ASCII character (a full-width comma?).' : '';
        ctx.report({
          message: `${name} is not a comma-separated list of ${what}: "${bad.value}" is not a single token, so browsers cannot parse the header and fail every preflight.${hint}`,
          span: bad.span,
        });
      }
    }
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
