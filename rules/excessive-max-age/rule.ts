import { defineRule } from '../../src/engine/rule.js';
import { viaNote } from '../util.js';

/** Chromium caps Access-Control-Max-Age at 7200 s, Firefox at 86400 s, Safari at 600 s (cors-semantics §5.4). */
const CHROMIUM_CAP = 7200;

export default defineRule({
  meta: {
    id: 'excessive-max-age',
    summary: 'Access-Control-Max-Age above what browsers honour (Chromium 7200 s, Firefox 86400 s, Safari 600 s)',
    severity: 'warning',
    recommended: false,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    const { maxAge } = policy;
    if (!maxAge.known || maxAge.value === null || !/^\s*\d+\s*$/.test(maxAge.value)) return;
    const seconds = Number(maxAge.value);
    const limit = typeof ctx.options.max === 'number' ? ctx.options.max : CHROMIUM_CAP;
    if (seconds <= limit) return;
    ctx.report({
      message: `Access-Control-Max-Age is ${seconds} s${viaNote(maxAge)}; browsers cap it (Chromium at 7200 s, Firefox at 86400 s, Safari at 600 s), so the value gives no extra caching and hides how long a policy change takes to apply.`,
      span: maxAge.span,
    });
  },
});
