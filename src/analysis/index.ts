/**
 * Origin analysis: the one place that decides which origins an origin matcher accepts (design.md "Origin
 * analysis"). Extractors describe matchers as `OriginEntry` values; rules and `simulate` ask this module.
 */
import { allowsNoOrigin, type OriginEntry, type OriginPolicy, type ProjectModel, type Span } from '../model/index.js';
import { acceptsEveryOrigin, analyzeEntry, describeEntry, type EntryVerdict } from './origins.js';
import { preloadSuffixes } from './intended.js';
import { refa } from './refa.js';

export { acceptsEveryOrigin, analyzeEntry, bypassClass, clearAnalysisCaches, describeEntry, entryLanguage, entryMatches } from './origins.js';
export type { EntryVerdict, OriginProblem, ProblemKind } from './origins.js';
export { validateLiteralOrigin, type LiteralProblem, type ValidateOptions } from './validate.js';
export { intendedOf, type Intended } from './intended.js';
export { LIMITS } from './regex.js';

const policyCache = new WeakMap<OriginPolicy, EntryVerdict[]>();

/** Loads the automata library and the public suffix list now (otherwise loaded by the first pattern analysed). */
export function preloadAnalysis(): void {
  refa();
  preloadSuffixes();
}

/** Spaces and tabs at either end of a header value. */
const HTTP_WS_EDGES = /^[ \t]+|[ \t]+$/g;

/**
 * Verdicts for the entries of an allow-list, or for the single value of a `fixed` policy (as a literal
 * compared exactly by the browser, placed on `span`). Other policy kinds have no entries: `[]`.
 */
export function analyzeOriginPolicy(policy: OriginPolicy, span?: Span): EntryVerdict[] {
  const hit = policyCache.get(policy);
  if (hit) return hit;
  let out: EntryVerdict[] = [];
  if (policy.kind === 'allow-list') {
    out = policy.entries.map((e) => analyzeEntry(e, policy.entries));
  } else if (policy.kind === 'fixed' && policy.value.replace(HTTP_WS_EDGES, '') !== '*') {
    // A header value reaches the browser without the spaces and tabs around it (Fetch: header value
    // normalization), so `cors({ origin: ' https://a.com' })` sends what it means; in a list the space breaks the match.
    const entry: OriginEntry = { type: 'literal', value: policy.value.replace(HTTP_WS_EDGES, ''), caseInsensitive: false, span: span ?? { file: '', start: 0, end: 0 } };
    out = [analyzeEntry(entry, [])];
  }
  policyCache.set(policy, out);
  return out;
}

/**
 * Whether no Origin a browser can send ever passes the policy's check: nothing is allowed at all (`allowsNoOrigin`),
 * or every entry of a fully known allow-list (or the one value of a `fixed` policy) is one that never matches a
 * serialized origin (a trailing slash, no scheme, several origins in one string, a pattern compared literally:
 * cors-semantics.md §5.1 and §5.8; the same test invalid-origin reports). Then no response, successful or not,
 * passes the browser's CORS check, and what a rule says about some responses lacking the headers describes nothing:
 * invalid-origin names the cause. An allow-list that answers refused origins with `*` does allow them.
 */
export function allowsNoBrowserOrigin(policy: OriginPolicy, span?: Span): boolean {
  if (allowsNoOrigin(policy)) return true;
  if (policy.kind === 'allow-list') {
    if (policy.entries.length === 0 || policy.unknownEntries.length > 0 || policy.onRefused === 'wildcard') return false;
  } else if (policy.kind !== 'fixed') return false;
  const verdicts = analyzeOriginPolicy(policy, span);
  return verdicts.length > 0 && verdicts.every((v) => v.problems.some((p) => p.neverMatches === true));
}

/**
 * An allow-list with an entry that accepts every Origin a browser can send (a `.*` regex, `allow_origin_regex=".*"`)
 * reflects any origin: it is rewritten as `reflect-any`, so the reflection rules judge it (with credentials it is
 * the critical case) and the pattern rules do not report it a second time. Framework-neutral: it applies to
 * every extractor's output, after extraction.
 */
export function normalizeOrigins(model: ProjectModel): void {
  for (const p of model.policies) {
    if (!p.origin.known || p.origin.value.kind !== 'allow-list') continue;
    const all = p.origin.value.entries.find((e) => acceptsEveryOrigin(e) === true);
    if (!all) continue;
    // The list's own note stays (`new RegExp(process.env.X || '.*')`: the default when $X is unset), audit 29 case 39.
    // An entry that carries its own provenance (Starlette's `allow_origin_regex` beside `allow_origins`; '' when
    // written literally) is described by it, not by the list's: the list's note would name another setting (audit 38 py D1).
    const own = all.type === 'regex' ? all.via : undefined;
    const from = own !== undefined ? own : p.origin.via;
    const note = `${describeEntry(all)} accepts every origin`;
    p.origin = { known: true, value: { kind: 'reflect-any', byPattern: true }, span: all.span, via: from ? `${from}: ${note}` : note };
  }
}
