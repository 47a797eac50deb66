import { describeEntry } from '../../src/analysis/index.js';
import { entryLabel, originProblems } from '../../src/analysis/report.js';
import type { OriginEntry } from '../../src/model/index.js';
import { defineRule, type Finding, type Fix } from '../../src/engine/rule.js';
import { entryViaNote } from '../util.js';

/**
 * The browser's serialization of the entry, written in place, when it is certainly what the entry meant: a
 * trailing slash, a default port, upper case or a Unicode host differ from the Origin only in form (§5.8).
 * A path or a missing scheme changes meaning, so those are suggestions.
 */
function fixFor(entry: OriginEntry, code: string | undefined, example: string | undefined): Pick<Finding, 'fix' | 'suggestions'> {
  if (entry.type !== 'literal' || !entry.textSpan || example === undefined || example === entry.value) return {};
  const edit: Fix = { description: `Use ${JSON.stringify(example)}`, edits: [{ span: entry.textSpan, text: example }] };
  const certain =
    (code === 'path' && entry.value === `${example}/`) || code === 'default-port' || code === 'case' || code === 'idna' || (code === 'malformed' && entry.value.trim() === example);
  if (certain) return { fix: edit };
  return code === 'path' || code === 'no-scheme' || code === 'malformed' ? { suggestions: [edit] } : {};
}

export default defineRule({
  meta: {
    id: 'invalid-origin',
    summary: 'An allowed origin can never match the browser Origin (trailing slash, path, default port, case, glob, several in one string, g/y flag...)',
    severity: 'error',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: true,
    hasSuggestions: true,
  },
  checkPolicy(policy, ctx) {
    // Several ACAO header lines (res.append, an array value) are duplicate-allow-origin's finding, not a bad value.
    // Count the lines that survive in order (`set` replaces, `append` adds one), as duplicate-allow-origin does:
    // a single nginx `add_header` is an append but only one line.
    let lines = 0;
    for (const w of policy.headerWrites) if (w.name === 'access-control-allow-origin') lines = w.op === 'set' ? 1 : lines + 1;
    const severalLines = lines >= 2 || policy.headerWrites.some((w) => w.name === 'access-control-allow-origin' && w.multiple === true);
    const o = policy.origin.known ? policy.origin.value : undefined;
    for (const { entry, span, problem, fixed, key } of originProblems(policy, 'invalid')) {
      if (fixed && severalLines && problem.code === 'several') continue;
      // The value sent to the origins the check refuses, meant never to match (`allowed ? origin : 'none'`, audit 31
      // case 14): not an origin someone tried to allow. (A fallback written as an origin is still checked.)
      if (o?.kind === 'allow-list' && entry.type === 'literal' && o.refusedValue === entry.value && !entry.value.includes('://')) continue;
      // The origin the entry was meant to be is listed too (`["http://localhost:5173/", "http://localhost:5173"]`,
      // audit 52 py c17): that site works, and this entry is only dead text, not a broken setup.
      if (o?.kind === 'allow-list' && entry.type === 'literal' && problem.example !== undefined && problem.example !== entry.value && o.entries.some((e) => e !== entry && e.type === 'literal' && e.value === problem.example)) continue;
      let tail = '';
      if (entry.type === 'substring') {
        // "https://a.com,https://b.com" or "https://a.com https://b.com" was meant as several origins.
        const items = entry.haystack.split(/[\s,]+/).filter((x) => x !== '');
        const list = `[${items.map((x) => JSON.stringify(x)).join(', ')}]`;
        tail = problem.example ? ` (e.g. ${problem.example} is accepted). Pass a list: ${list}.` : `. Pass a list: ${list}.`;
      }
      else if (entry.type === 'regex') tail = '.';
      // The framework changed the text written (a pydantic 2 URL type adds the slash, audit 30 case 12): the text is
      // fine, the type is not.
      else if (entry.type === 'literal' && entry.changedBy) tail = '. Declare the setting as a list of str, or strip the slash where it is used ([str(o).rstrip("/") for o in ...]).';
      else tail = problem.example && problem.example !== (entry.type === 'literal' ? entry.value : '') ? `. Use ${JSON.stringify(problem.example)}.` : '.';
      const note = entry.type === 'literal' && entry.changedBy ? ` (${entry.changedBy})` : entryViaNote(policy.origin, entry);
      ctx.report({
        message: `${entryLabel(entry, describeEntry)}${note} never works as intended: ${problem.detail}${tail}`,
        span,
        key,
        ...fixFor(entry, problem.code, problem.example),
      });
    }
  },
});
