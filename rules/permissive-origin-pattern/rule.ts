import { describeEntry } from '../../src/analysis/index.js';
import { credentialsRelated, entryLabel, originProblems, withCredentials } from '../../src/analysis/report.js';
import type { OriginEntry } from '../../src/model/index.js';
import { defineRule, type Finding } from '../../src/engine/rule.js';
import { entryViaNote } from '../util.js';

/** True when `|` appears outside any group or class (then anchors must wrap the whole pattern). */
function hasTopLevelAlternation(p: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/**
 * A suggestion (never an automatic fix) that anchors a pattern written with its scheme, in the matching mode of its
 * engine: `search` needs both ends, `match` (flask-cors) only the end, `fullmatch` (Starlette) neither.
 */
function anchorSuggestion(entry: OriginEntry): Pick<Finding, 'suggestions'> {
  if (entry.type !== 'regex' || !entry.textSpan || entry.mode === 'fullmatch') return {};
  const p = entry.pattern;
  const startsAnchored = p.startsWith('^') || entry.mode === 'match';
  const endsAnchored = /(^|[^\\])\$$/.test(p);
  if (startsAnchored && endsAnchored) return {};
  const body = p.replace(/^\^/, '');
  // Only a pattern that spells out its scheme can be anchored at the start without breaking it.
  if (!startsAnchored && !/^(\(\?:)?https?/.test(body)) return {};
  if (hasTopLevelAlternation(p) && (p.startsWith('^') || endsAnchored)) return {};
  const core = hasTopLevelAlternation(p) ? `(?:${body})` : body;
  const text = `${startsAnchored && !p.startsWith('^') ? '' : '^'}${core}${endsAnchored ? '' : '$'}`;
  return { suggestions: [{ description: `Anchor the pattern: ${text}`, edits: [{ span: entry.textSpan, text }] }] };
}

export default defineRule({
  meta: {
    id: 'permissive-origin-pattern',
    summary: 'An origin regex or string test accepts attacker-controlled origins (unanchored, unescaped dot, missing "." before the domain, match-all)',
    severity: 'error',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: false,
    hasSuggestions: true,
  },
  checkPolicy(policy, ctx) {
    for (const { entry, span, problem, key } of originProblems(policy, 'permissive')) {
      const creds = withCredentials(policy);
      ctx.report({
        message:
          `${entryLabel(entry, describeEntry)}${entryViaNote(policy.origin, entry)} also accepts ${problem.example}: ${problem.detail}. ` +
          `An attacker can register that domain and read responses${creds ? " with the user's cookies" : ''}. ` +
          (entry.type === 'tests'
            ? entry.span.file.endsWith('.py')
              ? `Compare the parsed host exactly (urlsplit(origin).hostname == "example.com" or hostname.endswith(".example.com")) and require https.`
              : `Compare the parsed host exactly (new URL(origin).hostname === 'example.com' || hostname.endsWith('.example.com')) and require https:.`
            : `Anchor the whole origin (^https://(www\\.)?example\\.com$) and escape every dot.`),
        span,
        key,
        related: credentialsRelated(policy, 'credentials are allowed, so the attacker origin reads authenticated responses'),
        ...anchorSuggestion(entry),
      });
    }
  },
});
