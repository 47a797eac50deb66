/**
 * nginx CORS semantics (cors-semantics.md §4): the headers each location and `if` block really sends.
 *
 * - §4.1 `add_header` appends; without `always` only for 200/201/204/206/301/302/303/304/307/308; an empty
 *   evaluated value sends nothing.
 * - §4.2 a level with any `add_header` does not inherit its parent's (unless `add_header_inherit merge`,
 *   nginx ≥ 1.29.3, whose presence in the config implies that version); a level's own `proxy_hide_header` list
 *   replaces the outer one too, while `proxy_pass_header` has a list of its own (see hidesHeader).
 * - §4.3 an `if` in a location is an implicit nested location; with several matching `if`s the last one's
 *   configuration applies; `return` ends the rewrite phase.
 * - §4.4 headers-more `more_set_headers` replaces, applies to all statuses by default, and is inherited
 *   additively.
 */
import type { OriginEntry, OriginPolicy, Span, Token, TokenList, Valued } from '../../model/index.js';
import { known, unknown } from '../../model/index.js';
import { acceptsEveryOrigin, analyzeEntry, entriesOverlap, entryKey, entryMatches } from '../../analysis/origins.js';
import { argSpan, dSpan, spanOf, type HeaderDirective, type Level, type MapDef, type Tree } from './levels.js';
import type { Arg, Directive } from './parser.js';
import { constant, dependsOnOrigin, splitVariables, truthy, type Atom, type Guard, type SymValue } from './values.js';

export interface Effective {
  /** The effective add_header list (after inheritance) followed by the effective more_set_headers. */
  headers: HeaderDirective[];
  /** The level whose add_header list is in effect (for grouping locations that share it). */
  owner?: Level;
  dropped: { header: HeaderDirective; by: HeaderDirective; at: Level; reason: 'redefined' | 'later-if' }[];
  /** Some level on the way has an unresolved include: the header list may be incomplete. */
  opaque: boolean;
}

function inheritMode(level: Level | undefined): 'on' | 'off' | 'merge' {
  for (let l = level; l; l = l.parent) if (l.inherit) return l.inherit.mode;
  return 'on';
}

export const isCorsHeader = (name: string) => name.startsWith('access-control-');

/**
 * The CORS response headers a browser reads (Fetch; Private Network Access). Only their loss is a dropped CORS
 * header: a misspelled name (`Access-Control-Allow_Credentials`, audit 32 nginx D4) changes nothing a browser does.
 */
const CORS_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'access-control-max-age',
  'access-control-allow-private-network',
]);
export const isCorsResponseHeader = (name: string) => CORS_RESPONSE_HEADERS.has(name);

const effectiveMemo = new WeakMap<Level, Effective>();

/** The effective add_header list of a level (§4.2), with the CORS headers it drops from its parent. Memoised. */
export function effectiveAddHeaders(level: Level | undefined): Effective {
  if (!level) return { headers: [], dropped: [], opaque: false };
  let e = effectiveMemo.get(level);
  if (!e) effectiveMemo.set(level, (e = computeEffective(level)));
  return e;
}

function computeEffective(level: Level): Effective {
  const parent = effectiveAddHeaders(level.parent);
  const opaque = parent.opaque || level.opaque.length > 0;
  if (level.addHeaders.length === 0) {
    // `add_header_inherit off`, on this level or inherited from an outer one (the setting itself is inherited
    // normally, §4.2): the parent's list is not copied, so the level sends none.
    if (inheritMode(level) === 'off') return { headers: [], owner: level, dropped: [], opaque };
    return { ...parent, opaque };
  }
  const mode = inheritMode(level);
  if (mode === 'merge') {
    return { headers: [...level.addHeaders, ...parent.headers], owner: level, dropped: parent.dropped, opaque };
  }
  const own = new Set(level.addHeaders.map((h) => h.name));
  const first = level.addHeaders[0] as HeaderDirective;
  const dropped: Effective['dropped'] = [];
  if (mode === 'on' && !level.opaque.length) {
    const seen = new Set<string>();
    for (const h of parent.headers) {
      if (!isCorsResponseHeader(h.name) || own.has(h.name) || seen.has(h.name)) continue;
      seen.add(h.name);
      dropped.push({ header: h, by: first, at: level, reason: 'redefined' });
    }
  }
  return { headers: level.addHeaders, owner: level, dropped, opaque };
}

/** The effective more_set_headers of a level: outer levels first (additive inheritance, §4.4). */
export function effectiveMore(level: Level | undefined): HeaderDirective[] {
  const out: HeaderDirective[] = [];
  for (let l = level; l; l = l.parent) if (l.more.length) out.unshift(...l.more);
  return out;
}

/**
 * Whether `<module>_hide_header <name>` applies at a level, for the module of the `*_pass` that forwards the
 * request (`proxy`, `uwsgi`, ...: `proxy_hide_header` does nothing to a `uwsgi_pass` response). nginx inherits the
 * hide list and the pass list **separately** (ngx_http_upstream_hide_headers_hash, §4.2): a level takes the nearest
 * hide list and the nearest pass list, so a level with only `proxy_pass_header Set-Cookie` keeps the outer
 * `proxy_hide_header`, and a name in the pass list is never hidden. Checked on nginx 1.22 (audit 32 mix c05).
 */
export function hidesHeader(level: Level | undefined, name: string, module = 'proxy'): { hides: boolean; span?: Span; lostAt?: Span } {
  const mine = (ds: Directive[]) => ds.filter((d) => d.name === `${module}_hide_header` || d.name === `${module}_pass_header`);
  const names = (d: Directive) => d.args.some((a) => a.value.toLowerCase() === name);
  let hideAt: Level | undefined;
  let passAt: Level | undefined;
  for (let l = level; l && (!hideAt || !passAt); l = l.parent) {
    if (!hideAt && mine(l.hide).length) hideAt = l;
    if (!passAt && mine(l.passHeader).length) passAt = l;
  }
  const hidden = hideAt && mine(hideAt.hide).find(names);
  const passed = passAt && mine(passAt.passHeader).find(names);
  if (hidden && !passed) return { hides: true, span: dSpan(hidden) };
  // An outer level hides the header, but this level's own hide list replaced that one (for the message).
  if (!hidden && !passed && hideAt) {
    for (let l = hideAt.parent; l; l = l.parent) {
      if (!mine(l.hide).length) continue;
      const outer = mine(l.hide).find(names);
      return outer ? { hides: false, span: dSpan(outer), lostAt: dSpan(mine(hideAt.hide)[0] as Directive) } : { hides: false };
    }
  }
  return { hides: false };
}

// ─── Conditions and variables ─────────────────────────────────────────────────────────────────────

export interface EvalContext {
  tree: Tree;
  /** Rewrite-phase steps that run for the unit: server-level steps, then the location's. */
  steps: (Directive | Level)[];
  envTemplate: boolean;
  /**
   * The location (or server) that serves the unit, when known: a `set $http_origin` in another location can reach it
   * only within the same server (see originValue).
   */
  serving?: Level;
}

export function isIfLevel(s: Directive | Level): s is Level {
  return (s as Level).kind === 'if';
}

function stepDirective(s: Directive | Level): Directive {
  return isIfLevel(s) ? (s.d as Directive) : s;
}

/** The parsed condition of an `if`: `(var)`, `(var op value)`, or something else. */
export interface Condition {
  variable?: string;
  op?: string;
  value?: Arg;
  d: Directive;
}

export function parseCondition(d: Directive): Condition {
  const args = d.args.map((a) => ({ ...a }));
  if (args.length === 0) return { d };
  const first = args[0] as Arg;
  first.value = first.value.replace(/^\(/, '');
  const last = args[args.length - 1] as Arg;
  if (last.value.endsWith(')') && !(args.length === 1 && last.value.endsWith('\\)'))) last.value = last.value.slice(0, -1);
  else if (last.value === ')') args.pop();
  const parts = args.filter((a) => a.value !== '' || a.quote !== '');
  const v = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(parts[0]?.value ?? '');
  if (!v) return { d };
  // Variable names are case-insensitive in nginx.
  const variable = (v[1] as string).toLowerCase();
  if (parts.length === 1) return { variable, d };
  if (parts.length === 3) return { variable, op: (parts[1] as Arg).value, value: parts[2], d };
  return { d };
}

export function isOptionsCondition(c: Condition): boolean {
  if (c.variable !== 'request_method' || !c.value) return false;
  const v = c.value.value;
  if (c.op === '=') return v === 'OPTIONS';
  if (c.op === '~') return /OPTIONS/.test(v) && !/[|]/.test(v);
  if (c.op === '~*') return /options/i.test(v) && !/[|]/.test(v);
  return false;
}

/**
 * An `if` that holds on preflights only: a test of `$request_method` against OPTIONS, or of a flag set under
 * such a test (enable-cors.org's `set $cors "${cors}options"` under `if ($request_method = OPTIONS)`, then
 * `if ($cors = "trueoptions")`): the value compared is reached only on that branch. Checked on nginx 1.22: the
 * flag's branch answers the preflight with its headers.
 */
export function isOptionsBranch(c: Condition, ctx: EvalContext): boolean {
  if (isOptionsCondition(c)) return true;
  if (!c.variable || c.variable === 'request_method' || c.op !== '=' || !c.value || c.value.placeholder) return false;
  const want = c.value.value;
  const sym = variableValue(c.variable, ctx, c.d);
  if (sym.dflt.t !== 'lit' || sym.dflt.v === want) return false;
  const hits = sym.cases.filter((x) => x.atom.t === 'lit' && x.atom.v === want);
  // A flag that also records an Origin check (`set $cors '1'` under an Origin test, then `'${cors}o'` under OPTIONS,
  // `if ($cors = '1o')`): the branch answers the preflights of the allowed origins (audit 18 case 01, checked on
  // nginx 1.22); the Origin test only narrows it.
  if (hits.length === 0 || sym.cases.some((x) => x.atom.t !== 'lit' || x.guard.t === 'unknown' || (x.guard.t === 'origin' && x.guard.negated))) return false;
  // With such a flag, a value set without the Origin test (`'O'`) is what the refused origins' preflights get: the
  // cases are tried in order, so the allowed ones took the Origin-tested value first.
  const originFlag = sym.cases.some((x) => x.guard.t === 'origin');
  return hits.every(
    (x) =>
      x.guard.t !== 'unknown' &&
      (!originFlag || x.guard.t === 'origin') &&
      x.guard.method !== undefined &&
      isOptionsCondition({ variable: 'request_method', op: x.guard.method.op, value: { value: x.guard.method.value } as Arg, d: c.d }),
  );
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE'];

/** The request methods a `$request_method` condition accepts, or undefined when it cannot be told. */
export function methodsOf(c: Condition): Set<string> | undefined {
  return methodSet(c);
}

function methodSet(c: Condition): Set<string> | undefined {
  if (c.variable !== 'request_method' || !c.op || !c.value) return undefined;
  return methodsMatching(c.op, c.value.value);
}

/** The methods a `$request_method <op> <v>` test holds for (undefined when it cannot be told). */
function methodsMatching(fullOp: string, v: string): Set<string> | undefined {
  const neg = fullOp.startsWith('!');
  const op = neg ? fullOp.slice(1) : fullOp;
  let test: (m: string) => boolean;
  if (op === '=') test = (m) => m === v;
  else if (op === '~' || op === '~*') {
    let re: RegExp;
    try {
      re = new RegExp(v, op === '~*' ? 'i' : '');
    } catch {
      return undefined;
    }
    test = (m) => re.test(m);
  } else return undefined;
  return new Set(METHODS.filter((m) => test(m) !== neg));
}

/** The kinds of request a value can be projected on: preflights (OPTIONS) and the actual requests of a browser. */
export type RequestKind = 'preflight' | 'actual';

/** Methods of actual CORS requests: fetch never sends CONNECT, TRACE or TRACK (forbidden methods). */
const ACTUAL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * The value a variable has for one kind of request, when some of its cases were set under a `$request_method` test
 * (`set $acao "https://app.example.com"; if ($request_method = OPTIONS) { set $acao $http_origin; }`, audit 40 nginx
 * c25). A `set` inside an `if` runs only for the requests the condition holds for (§4.3, checked with nginx 1.22: the
 * OPTIONS request got its Origin back, the GET the literal), so a case whose method test holds for every request of
 * that kind is what they all get (the cases before it are the only ones that can win over it), and a case whose test
 * holds for none of them is dropped. A test that holds for some methods of the kind only stays a case. `changed`:
 * whether the value differs from the one for every request.
 */
export function valueForRequests(sym: SymValue, kind: RequestKind): { value: SymValue; changed: boolean } {
  const wanted = kind === 'preflight' ? ['OPTIONS'] : ACTUAL_METHODS;
  const cases: SymValue['cases'] = [];
  let changed = false;
  for (const c of sym.cases) {
    const m = c.guard.t === 'unknown' ? undefined : c.guard.method;
    const ms = m ? methodsMatching(m.op, m.value) : undefined;
    const hits = ms ? wanted.filter((x) => ms.has(x)).length : -1;
    if (hits < 0 || (hits > 0 && hits < wanted.length)) {
      cases.push(c);
      continue;
    }
    changed = true;
    if (hits === 0) continue;
    // Holds for every request of the kind: a method-only test always, an Origin test with a method test as an Origin test.
    if (c.guard.t === 'other') return { value: { cases, dflt: c.atom }, changed };
    if (c.guard.t === 'origin') {
      const { method: _method, ...originOnly } = c.guard;
      cases.push({ guard: originOnly, atom: c.atom });
    }
  }
  return { value: changed ? { cases, dflt: sym.dflt } : sym, changed };
}

/** Two `if` conditions that can never both hold (`$request_method = OPTIONS` and `~ (GET|POST)`, or c and !c). */
export function exclusive(a: Condition, b: Condition): boolean {
  const ma = methodSet(a);
  const mb = methodSet(b);
  if (ma && mb) return ![...ma].some((m) => mb.has(m));
  if (!a.variable || a.variable !== b.variable || !a.value || !b.value) return false;
  const neg = (op: string | undefined) => (op?.startsWith('!') ? op.slice(1) : op);
  if (a.op === '=' && b.op === '=') return a.value.value !== b.value.value;
  if (a.value.value === b.value.value && neg(a.op) === neg(b.op) && a.op !== b.op) return true;
  // Two Origin tests (`~* "^https://app\.example\.com$"` and `~* "^https://partner\.example\.net$"`) that no
  // Origin a browser can send passes both: decided on the automata (unknown: not exclusive).
  if (a.variable === 'http_origin' && !a.value.placeholder && !b.value.placeholder && POSITIVE_TESTS.has(a.op ?? '') && POSITIVE_TESTS.has(b.op ?? '')) {
    const entry = (c: Condition): OriginEntry => {
      const span = argSpan(c.d, c.value as Arg);
      const v = (c.value as Arg).value;
      return c.op === '=' ? { type: 'literal', value: v, caseInsensitive: false, span } : regexEntry(v, c.op === '~*', span);
    };
    return entriesOverlap(entry(a), entry(b)) === false;
  }
  return false;
}

const POSITIVE_TESTS: ReadonlySet<string> = new Set(['=', '~', '~*']);

function regexEntry(pattern: string, ci: boolean, span: Span): OriginEntry {
  return { type: 'regex', pattern, flags: ci ? 'i' : '', flavor: 'pcre', mode: 'search', span };
}

/** What an `if` condition means for the request Origin. */
export function conditionGuard(c: Condition, ctx: EvalContext, depth = 0): Guard {
  if (!c.variable) return { t: 'unknown', reason: 'the condition could not be parsed' };
  if (c.variable === 'request_method' && c.value) return { t: 'other', method: { op: c.op ?? '', value: c.value.value } };
  const span = c.value ? argSpan(c.d, c.value) : dSpan(c.d);
  if (c.variable === 'http_origin') {
    // After a `set $http_origin` the test reads what was set (checked on nginx 1.22): a constant tests nothing of
    // the Origin; anything else is not followed. (The steps before this `if` only: a `set` after it has not run.)
    const at = ctx.steps.findIndex((s) => isIfLevel(s) && s.d === c.d);
    const tested = originValue(at >= 0 ? { ...ctx, steps: ctx.steps.slice(0, at) } : ctx, span, depth);
    if (!isPlainOrigin(tested)) {
      return tested.cases.length === 0 && tested.dflt.t === 'lit' ? { t: 'other' } : { t: 'unknown', reason: '$http_origin may have been replaced by a `set`' };
    }
    if (!c.op) return { t: 'other', originPresent: true };
    const value = c.value as Arg;
    if (value.placeholder) return { t: 'origin', entries: [], unknownSpans: [span], negated: c.op.startsWith('!') };
    // `if ($http_origin != "")` only asks that an Origin is present, like `if ($http_origin)`.
    if (c.op === '!=' && value.value === '') return { t: 'other', originPresent: true };
    if (c.op === '=' || c.op === '!=') {
      return { t: 'origin', entries: [{ type: 'literal', value: value.value, caseInsensitive: false, span }], unknownSpans: [], negated: c.op === '!=' };
    }
    const ci = c.op.endsWith('*');
    return { t: 'origin', entries: [regexEntry(value.value, ci, span)], unknownSpans: [], negated: c.op.startsWith('!') };
  }
  const v = variableValue(c.variable, ctx, c.d, depth + 1);
  // A variable no analysed file defines (a map in a file the repository does not hold): it may be an Origin check
  // (`if ($is_origin_allowed = 0) { return 403; }`), so what the branch checks is not known (audit 21).
  if (v.cases.length === 0 && v.dflt.t === 'unknown' && v.dflt.reason.endsWith(NOT_DEFINED)) return { t: 'unknown', reason: v.dflt.reason };
  // A value computed from the Origin in a way the analysis does not follow (a map whose key joins the method and the
  // Origin, a map over a capture-valued map): the branch may well be the Origin check (audit 28 case 09, checked on
  // nginx 1.22: only the listed origins were echoed).
  if (v.dflt.t === 'unknown' && v.dflt.fromOrigin) return { t: 'unknown', reason: v.dflt.reason };
  if (v.cases.some((k) => k.atom.t === 'unknown' && k.atom.fromOrigin)) return { t: 'unknown', reason: `$${c.variable} depends on the Origin in a way the analysis cannot follow` };
  // A condition on an Origin-derived variable: which cases make it hold?
  const holds = (a: Atom, guard?: Guard): boolean | undefined => {
    // The echoed Origin of a case chosen by an Origin test (`"~^https://a\.com$" $http_origin;`) is that origin:
    // never empty, so `!= ""` holds and `= ""` does not.
    if (a.t === 'origin' && guard?.t === 'origin' && !guard.negated && c.value?.value === '' && (c.op === '!=' || c.op === '=')) return c.op === '!=';
    if (a.t === 'origin' && guard?.t === 'origin' && !guard.negated && !c.op) return true;
    if (a.t !== 'lit') return undefined;
    if (!c.op) return truthy(a.v);
    if (c.op === '=') return a.v === c.value?.value;
    if (c.op === '!=') return a.v !== c.value?.value;
    return undefined;
  };
  if (!dependsOnOrigin(v)) {
    // Never true on the values this path sets (`set $cors ''` here, `set $cors '1'` under an Origin check in a
    // location that rewrites to this one): the value comes from elsewhere, so what the branch checks is not known
    // (audit 18 case 01, checked on nginx 1.22).
    if (holds(v.dflt) === false && v.cases.every((k) => holds(k.atom) === false)) return { t: 'unknown', reason: `$${c.variable} is never set to a value that makes this hold here` };
    return { t: 'other' };
  }
  const dflt = holds(v.dflt);
  if (dflt === true && v.cases.every((k) => holds(k.atom, k.guard) === false && k.guard.t === 'origin' && !k.guard.negated)) {
    // Holds for every origin except the listed ones (`if ($cors_ok = 0)` with a map that sets 1 for allowed origins).
    const entries = v.cases.flatMap((k) => (k.guard.t === 'origin' ? k.guard.entries : []));
    const unknownSpans = v.cases.flatMap((k) => (k.guard.t === 'origin' ? k.guard.unknownSpans : []));
    return { t: 'origin', entries, unknownSpans, negated: true };
  }
  if (dflt !== false) return { t: 'unknown', reason: `$${c.variable} holds for origins the analysis cannot enumerate` };
  const entries: OriginEntry[] = [];
  const unknownSpans: Span[] = [];
  for (const k of v.cases) {
    const h = holds(k.atom, k.guard);
    if (h === false) continue;
    if (h === undefined) unknownSpans.push(k.atom.span);
    if (k.guard.t === 'origin' && !k.guard.negated) {
      entries.push(...k.guard.entries);
      unknownSpans.push(...k.guard.unknownSpans);
    } else return { t: 'unknown', reason: `$${c.variable} depends on the Origin in a way the analysis cannot follow` };
  }
  return { t: 'origin', entries, unknownSpans, negated: false };
}

function atomOfArg(d: Directive, a: Arg, ctx: EvalContext, depth: number): SymValue {
  const span = argSpan(d, a);
  const { parts, placeholder } = splitVariables(a.value, ctx.envTemplate);
  if (placeholder) return constant({ t: 'unknown', reason: `template placeholder in "${a.value}"`, span });
  if (parts.length === 0) return constant({ t: 'lit', v: '', span });
  if (parts.length === 1) {
    const p = parts[0] as { lit: string } | { name: string };
    if ('lit' in p) return constant({ t: 'lit', v: p.lit, span });
    if (p.name === 'http_origin') return originValue(ctx, span, depth);
    if (depth > 8) return constant({ t: 'unknown', reason: `$${p.name} is defined in terms of itself`, span });
    return variableValue(p.name, ctx, d, depth + 1, span);
  }
  // Concatenation of constants and at most one conditional variable (the `set $cors "${cors}options"` flag
  // idiom): the result has that variable's cases, each with the parts around it folded in.
  const unknownValue = constant({ t: 'unknown', reason: `"${a.value}" is built from request-dependent parts`, span });
  let prefix = '';
  let suffix = '';
  let cond: SymValue | undefined;
  for (const p of parts) {
    let piece: string;
    if ('lit' in p) piece = p.lit;
    else {
      const v = p.name === 'http_origin' ? undefined : variableValue(p.name, ctx, d, depth + 1, span);
      if (!v) return unknownValue;
      const lits = [v.dflt, ...v.cases.map((c) => c.atom)].every((x) => x.t === 'lit');
      if (!lits) return unknownValue;
      if (v.cases.length) {
        if (cond) return unknownValue;
        cond = v;
        continue;
      }
      piece = (v.dflt as Extract<Atom, { t: 'lit' }>).v;
    }
    if (cond) suffix += piece;
    else prefix += piece;
  }
  const wrap = (x: Atom): Atom => (x.t === 'lit' ? { t: 'lit', v: prefix + x.v + suffix, span } : x);
  if (!cond) return constant({ t: 'lit', v: prefix + suffix, span });
  return { cases: cond.cases.map((c) => ({ guard: c.guard, atom: wrap(c.atom) })), dflt: wrap(cond.dflt) };
}

/** Both guards hold. Only the Origin part matters for the analysis; two Origin tests cannot be intersected here. */
function conjunction(a: Guard, b: Guard): Guard {
  // An Origin test and a method test: the Origin test, remembering the method.
  // Two tests that are not on the Origin: only one of them can be remembered, and a method test alone would say the
  // case holds for every request of that method (valueForRequests); the conjunction keeps no method then (unless
  // both are the same method test).
  if (a.t === 'other' && b.t === 'other') return a.method && b.method && a.method.op === b.method.op && a.method.value === b.method.value ? a : { t: 'other' };
  if (a.t === 'other') return b.t === 'origin' && a.method && !b.method ? { ...b, method: a.method } : b;
  if (b.t === 'other') return a.t === 'origin' && b.method && !a.method ? { ...a, method: b.method } : a;
  if (a.t === 'unknown') return a;
  if (b.t === 'unknown') return b;
  return { t: 'unknown', reason: 'two Origin tests must both hold' };
}

const mapValues = new WeakMap<MapDef, SymValue>();

/**
 * The body of a pattern's first group when the pattern starts with it (`^(...)`, or a named `^(?<o>...)`,
 * `^(?P<o>...)`, `^(?'o'...)`), the group is captured, has no quantifier, and nothing after it must match a character
 * (`$`, or nothing): then group 1 (and the name) is the whole match.
 */
function leadingGroup(pattern: string): { body: string; name?: string } | undefined {
  if (!pattern.startsWith('^(')) return undefined;
  const named = /^\^\((?:\?<|\?P<|\?')([A-Za-z_][A-Za-z0-9_]*)[>']/.exec(pattern);
  if (pattern.startsWith('^(?') && !named) return undefined;
  const open = named ? named[0].length : 2;
  let depth = 0;
  let inClass = false;
  for (let i = 1; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) {
      const rest = pattern.slice(i + 1);
      if (rest !== '' && rest !== '$') return undefined;
      return named ? { body: pattern.slice(open, i), name: named[1] as string } : { body: pattern.slice(open, i) };
    }
  }
  return undefined;
}

/** A map's value does not depend on where it is used (its values are constants or $http_origin): memoised. */
function mapValue(m: MapDef, ctx: EvalContext, depth: number, use: Span): SymValue {
  let v = mapValues.get(m);
  if (!v) mapValues.set(m, (v = computeMapValue(m, ctx, depth, use)));
  return v;
}

function computeMapValue(m: MapDef, ctx: EvalContext, depth: number, use: Span): SymValue {
  const mSpan = dSpan(m.d);
  if (m.incomplete) return constant({ t: 'unknown', reason: `map $${m.output} is not fully known (include or nested block)`, span: mSpan });
  const src = splitVariables(m.source.value, m.envTemplate).parts;
  const onOrigin = src.length === 1 && 'name' in (src[0] as object) && (src[0] as { name: string }).name === 'http_origin';
  const sub: EvalContext = { ...ctx, envTemplate: m.envTemplate };
  const single = (d: Directive, a: Arg): Atom => {
    const v = atomOfArg(d, a, sub, depth + 1);
    return v.cases.length ? { t: 'unknown', reason: `map value "${a.value}" depends on other conditions`, span: argSpan(d, a) } : v.dflt;
  };
  const cases = m.entries.map((e) => {
    const keySpan = spanOf(e.d.file, e.key.start, e.key.end);
    let guard: Guard;
    if (!onOrigin) guard = { t: 'other' };
    // `hostnames` changes how plain keys match (`*.example.com`, `.example.com` masks); `~` keys stay regexes. A key
    // with no mask is still compared with the whole value, ignoring case (nginx 1.22: `localhost` matched a literal
    // `Origin: localhost` only, never http://localhost:3000; audit 53 ngx3 c06).
    else if ((m.hostnames && e.kind !== 'regex' && (/[*]/.test(e.pattern) || e.pattern.startsWith('.') || e.pattern.endsWith('.'))) || e.key.placeholder) guard = { t: 'origin', entries: [], unknownSpans: [keySpan], negated: false };
    else if (e.kind === 'regex') guard = { t: 'origin', entries: [regexEntry(e.pattern, e.caseInsensitive, keySpan)], unknownSpans: [], negated: false };
    else guard = { t: 'origin', entries: [{ type: 'literal', value: e.pattern, caseInsensitive: true, span: keySpan }], unknownSpans: [], negated: false };
    let atom = single(e.d, e.value);
    // A regex capture ($1, or a named one: $o) is a part of the Origin: not a plain reflection, not a constant.
    const group = e.kind === 'regex' ? leadingGroup(e.pattern) : undefined;
    const capture = /\$[0-9]/.test(e.value.value) || (group?.name !== undefined && new RegExp(`\\$\\{?${group.name}\\b`).test(e.value.value));
    if (atom.t === 'unknown' && capture) {
      atom = { t: 'unknown', reason: 'a regex capture of the map key', span: argSpan(e.d, e.value) };
      // `"~^(https?://[\w]+\.example\.com)" $1`: the browser accepts the echoed capture only when it is the whole
      // Origin, so the origins let through are those the captured part matches from end to end (checked on nginx
      // 1.22: https://a.openxexample.com came back whole; https://localhost.evil.net came back as https://localhost).
      const whole = e.value.value === '$1' || (group?.name !== undefined && (e.value.value === `$${group.name}` || e.value.value === `\${${group.name}}`));
      if (onOrigin && group && whole) {
        atom = { t: 'origin', span: argSpan(e.d, e.value) };
        guard = { t: 'origin', entries: [regexEntry(`^(?:${group.body})$`, e.caseInsensitive, keySpan)], unknownSpans: [], negated: false };
      }
    }
    return { guard, atom };
  });
  const dflt: Atom = m.dflt ? single(m.dfltD ?? m.d, m.dflt) : { t: 'lit', v: '', span: mSpan };
  const only = src.length === 1 && src[0] && 'name' in src[0] ? src[0].name : undefined;
  const inner = only !== undefined && only !== 'http_origin' ? ctx.tree.maps.get(only) : undefined;
  if (inner) {
    // map $http_origin $allowed { ... 1; }  map $allowed $cors { 1 $http_origin; }: the outer map reads the inner
    // one's value, so each inner case leads to the outer value its result selects.
    const iv = mapValue(inner, ctx, depth + 1, use);
    if (dependsOnOrigin(iv)) {
      if (m.hostnames || m.entries.some((e) => e.kind === 'regex' || e.key.placeholder)) {
        return constant({ t: 'unknown', reason: `map $${m.output} matches $${only} with patterns`, span: mSpan });
      }
      // String keys of a map are compared ignoring case.
      const select = (a: Atom): Atom | undefined => {
        if (a.t !== 'lit') return undefined;
        const hit = m.entries.find((e) => e.pattern.toLowerCase() === a.v.toLowerCase());
        return hit ? single(hit.d, hit.value) : dflt;
      };
      const composed = iv.cases.map((c) => ({ guard: c.guard, atom: select(c.atom) }));
      const d = select(iv.dflt);
      if (d === undefined || composed.some((c) => c.atom === undefined)) {
        return constant({ t: 'unknown', reason: `map $${m.output} reads $${only}, whose value is not always a constant`, span: mSpan, fromOrigin: true });
      }
      return { cases: composed as SymValue['cases'], dflt: d };
    }
  }
  if (!onOrigin && src.some((p) => 'name' in p && p.name === 'http_origin')) {
    return constant({ t: 'unknown', reason: `map $${m.output} keys on more than the Origin`, span: mSpan, fromOrigin: true });
  }
  if (!onOrigin && !inner && src.length > 1) {
    const composed = compositeMapValue(m, src, ctx, depth, use, single);
    if (composed) return composed;
  }
  // A key joined from several parts, one of them computed from the Origin (`map "$cors_client -> $host"`, where
  // `map $http_origin $cors_client`, the automagistre/nginx-cors shape): the entries select on the Origin through
  // that part, so the map is an Origin check the analysis does not follow, not a condition independent of it
  // (audit 33 nginx D4, checked on nginx 1.22: only the origin the inner map names was echoed).
  if (!onOrigin && !inner) {
    for (const p of src) {
      if (!('name' in p) || p.name === 'http_origin') continue;
      const pv = variableValue(p.name, ctx, m.d, depth + 1, mSpan);
      const fromOrigin = dependsOnOrigin(pv) || [pv.dflt, ...pv.cases.map((x) => x.atom)].some((a) => a.t === 'unknown' && a.fromOrigin === true);
      if (fromOrigin) return constant({ t: 'unknown', reason: `map $${m.output} keys on a string built from the Origin ($${p.name})`, span: mSpan, fromOrigin: true });
    }
  }
  return { cases, dflt };
}

/** Bound on the key strings a composite map key is enumerated into (the product of its parts' values). */
const MAX_COMPOSITE_KEYS = 64;

const setNamesMemo = new WeakMap<Tree, Set<string>>();

/** The names of every variable some `set` of the tree assigns (in any server, location or `if`). Memoised. */
function setNames(tree: Tree): Set<string> {
  let out = setNamesMemo.get(tree);
  if (out) return out;
  const names = new Set<string>();
  const visit = (l: Level) => {
    for (const s of l.steps) if (!isIfLevel(s) && s.name === 'set' && s.args[0]) names.add(s.args[0].value.replace(/^\$\{?|\}$/g, '').toLowerCase());
    for (const x of [...l.servers, ...l.locations, ...l.ifs]) visit(x);
  };
  visit(tree.root);
  setNamesMemo.set(tree, (out = names));
  return out;
}

/**
 * A map whose key joins literals and other maps' results (RubaXa/nginx-cors' `map "$cors_client -> $cors_service"
 * $cors_enabled`, audit 52 nginx D2): when every joined variable is a map whose values are all literals, the key can
 * only be one of finitely many strings. Each combination of the parts' cases is matched against this map's entries
 * as nginx does (§4.3: exact strings ignoring case first, then the regexes in order, else the default), and keeps the
 * Origin guard of the part that chose it, so `$cors_enabled` holds for the origins the Origin map lets through
 * (checked on nginx 1.22: with `~^https?://www\.example\.com$ ok` and `"ok -> x" true`, http://www.example.com was
 * echoed, https://evil.example was not).
 * Undefined (the caller keeps its unknown) when a part is request data, a map with a non-literal value (a capture), a
 * variable some `set` may overwrite before the map is read, when no part depends on the Origin, when two parts test
 * the Origin, when there are more than MAX_COMPOSITE_KEYS strings, or when a regex entry cannot be decided.
 */
function compositeMapValue(
  m: MapDef,
  src: ReturnType<typeof splitVariables>['parts'],
  ctx: EvalContext,
  depth: number,
  use: Span,
  single: (d: Directive, a: Arg) => Atom,
): SymValue | undefined {
  if (m.hostnames || m.entries.some((e) => e.key.placeholder)) return undefined;
  // Each part: its possible strings, each with the guard that selects it (undefined: the part's default, which
  // holds when none of its cases does; ordering the cases before it keeps nginx's first-match meaning).
  type Option = { v: string; guard?: Guard };
  const parts: Option[][] = [];
  let originParts = 0;
  let count = 1;
  for (const p of src) {
    if ('lit' in p) {
      parts.push([{ v: p.lit }]);
      continue;
    }
    const def = ctx.tree.maps.get(p.name);
    if (!def || setNames(ctx.tree).has(p.name)) return undefined;
    const pv = mapValue(def, ctx, depth + 1, use);
    const atoms = [...pv.cases.map((c) => c.atom), pv.dflt];
    if (!atoms.every((a) => a.t === 'lit')) return undefined;
    if (pv.cases.some((c) => c.guard.t !== 'other')) originParts++;
    const opts: Option[] = pv.cases.map((c) => ({ v: (c.atom as Extract<Atom, { t: 'lit' }>).v, guard: c.guard }));
    opts.push({ v: (pv.dflt as Extract<Atom, { t: 'lit' }>).v });
    count *= opts.length;
    if (count > MAX_COMPOSITE_KEYS) return undefined;
    parts.push(opts);
  }
  // One Origin map among the parts: two would need their guards intersected, which conjunction() cannot do.
  if (originParts !== 1) return undefined;
  const select = (key: string): Atom => {
    const exact = m.entries.find((e) => e.kind === 'string' && e.pattern.toLowerCase() === key.toLowerCase());
    if (exact) return single(exact.d, exact.value);
    for (const e of m.entries) {
      if (e.kind !== 'regex') continue;
      const hit = entryMatches(regexEntry(e.pattern, e.caseInsensitive, spanOf(e.d.file, e.key.start, e.key.end)), key);
      if (hit === undefined) return { t: 'unknown', reason: `map $${m.output}: pattern "${e.pattern}" is not read`, span: argSpan(e.d, e.key) };
      // A value with a capture ($1) takes part of the key: not followed.
      if (hit) return /\$[0-9]/.test(e.value.value) ? { t: 'unknown', reason: 'a regex capture of the map key', span: argSpan(e.d, e.value) } : single(e.d, e.value);
    }
    return m.dflt ? single(m.dfltD ?? m.d, m.dflt) : { t: 'lit', v: '', span: dSpan(m.d) };
  };
  const cases: SymValue['cases'] = [];
  let dflt: Atom | undefined;
  // Lexicographic order over the parts, each part's default last: the first combination whose guards hold is the
  // one nginx computes (an earlier case of a part shadows the later ones).
  const walk = (i: number, key: string, guard: Guard | undefined) => {
    if (i === parts.length) {
      const atom = select(key);
      if (guard) cases.push({ guard, atom });
      else dflt = atom;
      return;
    }
    for (const o of parts[i] as Option[]) walk(i + 1, key + o.v, o.guard ? (guard ? conjunction(guard, o.guard) : o.guard) : guard);
  };
  walk(0, '', undefined);
  if (!dflt || cases.some((c) => c.atom.t !== 'lit' && c.atom.t !== 'origin') || (dflt.t !== 'lit' && dflt.t !== 'origin')) return undefined;
  return { cases, dflt };
}

/**
 * Whether a test of the request's Origin holds for no Origin a browser can send (every CORS request has one): an
 * equality or pattern no serialized origin matches (`= ''`, `~ ^$`), or the negation of a pattern every origin matches
 * (`!~ .`). Undefined tests (placeholders, patterns the analysis cannot read) are not decided: false.
 */
function noBrowserOriginPasses(c: Condition): boolean {
  if (c.variable !== 'http_origin' || !c.op || !c.value || c.value.placeholder) return false;
  const span = argSpan(c.d, c.value);
  const v = c.value.value;
  const negated = c.op.startsWith('!');
  const op = negated ? c.op.slice(1) : c.op;
  if (op !== '=' && op !== '~' && op !== '~*') return false;
  const entry: OriginEntry = op === '=' ? { type: 'literal', value: v, caseInsensitive: false, span } : regexEntry(v, op === '~*', span);
  if (negated) return entry.type === 'regex' && acceptsEveryOrigin(entry) === true;
  return analyzeEntry(entry, [entry]).problems.some((p) => p.neverMatches === true);
}

const isPlainOrigin = (v: SymValue) => v.cases.length === 0 && v.dflt.t === 'origin';

/** `set $http_origin ...` (the name compared as setsVariable does). */
const setsOrigin = (s: Directive | Level): boolean => (isIfLevel(s) ? s.steps.some(setsOrigin) : setsVariable(s, 'http_origin'));

/** A step after which the following ones may not run: `return`, `break`, `rewrite` (its flag may end the phase). */
const mayStop = (s: Directive | Level): boolean => (isIfLevel(s) ? s.steps.some(mayStop) : /^(return|break|rewrite)$/.test(s.name));

interface OriginSet {
  d: Directive;
  /** The server whose rewrite phase runs it (undefined outside any server). */
  server?: Level;
}

const originSetsMemo = new WeakMap<Tree, OriginSet[]>();

/** Every `set $http_origin` of the tree (in locations, servers and their `if` blocks). Memoised. */
function originSets(tree: Tree): OriginSet[] {
  let out = originSetsMemo.get(tree);
  if (out) return out;
  const found: OriginSet[] = [];
  const visit = (l: Level, server: Level | undefined) => {
    for (const s of l.steps) if (!isIfLevel(s) && setsVariable(s, 'http_origin')) found.push({ d: s, server });
    for (const x of [...l.servers, ...l.locations, ...l.ifs]) visit(x, x.kind === 'server' ? x : server);
  };
  visit(tree.root, tree.root.kind === 'server' ? tree.root : undefined);
  originSetsMemo.set(tree, (out = found));
  return out;
}

function serverOf(level: Level | undefined): Level | undefined {
  for (let l = level; l; l = l.parent) if (l.kind === 'server') return l;
  return undefined;
}

/**
 * The value of `$http_origin` after the unit's rewrite steps. nginx lets `set` overwrite a request-header variable
 * (audit 38 nginx D1, tsuru/rpaas-operator's `set $http_origin *;` for `origins="*"`), and the value set is what
 * every later read gets for the rest of the request: `add_header`/`more_set_headers` values, later `if` tests,
 * maps first read after it, and the locations an internal redirect (rewrite, try_files, error_page, index) leads to.
 * Checked on nginx 1.22: `set $http_origin *;` in the location, in the server, or in a location that rewrites here
 * made `$http_origin` a literal `*`; inside `if ($request_method = OPTIONS)` only OPTIONS got `*`; an `if` before the
 * `set` still saw the Origin, and a branch returning before it sent the Origin.
 * Decided only for a `set` at the top level of the steps that nothing before it can stop (so it certainly ran):
 * its value. A `set` in an `if` (it runs for the requests the condition holds for, §4.3), after a
 * `return`/`rewrite`/`break`, or in another location of the same server (a redirect from there keeps it; internal
 * redirects stay in their server) leaves the value unknown, so nothing is reported on it.
 */
function originValue(ctx: EvalContext, span: Span, depth: number): SymValue {
  const origin = constant({ t: 'origin', span });
  const sets = originSets(ctx.tree);
  if (sets.length === 0) return origin;
  const notFollowed = (why: string) => constant({ t: 'unknown', reason: `$http_origin ${why}`, span, fromOrigin: true });
  let value: SymValue | undefined;
  let stoppable = false;
  for (const [i, s] of ctx.steps.entries()) {
    if (isIfLevel(s)) {
      // `if ($http_origin = '') { set $http_origin "*"; }` (audit 40 nginx c15, serverfault's "Credentialed CORS"
      // recipe): the test reads the request's Origin (nothing replaced it before), and no Origin a browser sends passes
      // it, so the `set` runs only for requests without one, which are no CORS requests (checked with nginx 1.22: a
      // request with an Origin got it back). The value a browser's request sees is the Origin still.
      if (setsOrigin(s) && !(value === undefined && noBrowserOriginPasses(parseCondition(s.d as Directive)))) return notFollowed('is replaced by a `set` inside an `if`');
    } else if (setsVariable(s, 'http_origin')) {
      if (stoppable) return notFollowed('is replaced by a `set` that an earlier step may skip');
      value = depth > 8 ? notFollowed('is too deeply derived') : atomOfArg(s, s.args[1] as Arg, { ...ctx, steps: ctx.steps.slice(0, i) }, depth + 1);
    }
    if (mayStop(s)) stoppable = true;
  }
  // A `set` here that certainly ran is the last word: a redirect from elsewhere runs this location's steps again.
  if (value) return value;
  const mine = new Set(ctx.steps.flatMap((s) => (isIfLevel(s) ? s.steps : [s])));
  const server = serverOf(ctx.serving);
  const elsewhere = sets.filter((x) => !mine.has(x.d) && (!ctx.serving || x.server === undefined || x.server === server));
  if (elsewhere.length) return notFollowed('may have been replaced by a `set` in a location that redirects here');
  return origin;
}

/**
 * Whether an `if ($http_origin ...)` can hold, when a `set` before it certainly replaced `$http_origin` with a
 * constant (originValue): the test is made on that constant (checked on nginx 1.22: after `set $http_origin *;`,
 * `if ($http_origin ~ evil)` never held, whatever the Origin). Undefined when the test is on the request's Origin, or
 * cannot be decided (a regex JavaScript does not read the way PCRE does, a placeholder).
 */
export function replacedOriginTest(c: Condition, ctx: EvalContext): boolean | undefined {
  if (c.variable !== 'http_origin') return undefined;
  const at = ctx.steps.findIndex((s) => isIfLevel(s) && s.d === c.d);
  const v = originValue(at >= 0 ? { ...ctx, steps: ctx.steps.slice(0, at) } : ctx, dSpan(c.d), 0);
  if (v.cases.length || v.dflt.t !== 'lit') return undefined;
  const text = v.dflt.v;
  if (!c.op) return truthy(text);
  if (!c.value || c.value.placeholder) return undefined;
  const neg = c.op.startsWith('!');
  const op = neg ? c.op.slice(1) : c.op;
  let hit: boolean;
  if (op === '=') hit = text === c.value.value;
  else if (op === '~' || op === '~*') {
    try {
      hit = new RegExp(c.value.value, op === '~*' ? 'i' : '').test(text);
    } catch {
      return undefined;
    }
  } else return undefined;
  return hit !== neg;
}

/**
 * The value of `$name` at response time: map definitions, then the `set` / `if { set }` steps of the
 * rewrite phase in order (a later matching `if` wins, so its case goes first).
 */
export function variableValue(name: string, ctx: EvalContext, at: Directive, depth = 0, use?: Span): SymValue {
  const span = use ?? dSpan(at);
  if (name === 'http_origin') return originValue(ctx, span, depth);
  if (depth > 8) return constant({ t: 'unknown', reason: `$${name} is too deeply derived`, span });
  const m = ctx.tree.maps.get(name);
  let value: SymValue | undefined = m ? mapValue(m, ctx, depth, span) : undefined;
  // A map computed from the Origin reads $http_origin when it is first used: after a `set $http_origin` it maps what
  // was set, before it the request's Origin (checked on nginx 1.22, the map's value is kept once read). Where a set
  // may have run, which one it maps is not decided here.
  if (value && (dependsOnOrigin(value) || [value.dflt, ...value.cases.map((c) => c.atom)].some((a) => a.t === 'unknown' && a.fromOrigin))) {
    const o = originValue(ctx, span, depth);
    if (!isPlainOrigin(o)) value = constant({ t: 'unknown', reason: `map $${name} reads $http_origin, which a \`set\` may have replaced`, span, fromOrigin: true });
  }
  const isSet = (d: Directive) => setsVariable(d, name);
  for (const s of ctx.steps) {
    if (isIfLevel(s)) {
      const sets = s.steps.filter((x): x is Directive => !isIfLevel(x) && isSet(x));
      if (!sets.length) continue;
      const last = sets[sets.length - 1] as Directive;
      const prior = { ...ctx, steps: ctx.steps.slice(0, ctx.steps.indexOf(s)) };
      const guard = conditionGuard(parseCondition(s.d as Directive), prior, depth + 1);
      // The value set inside the `if` is computed from the state before it (`set $cors "${cors}options"`).
      const v = atomOfArg(last, last.args[1] as Arg, prior, depth + 1);
      const inner = [...v.cases.map((c) => ({ guard: conjunction(guard, c.guard), atom: c.atom })), { guard, atom: v.dflt }];
      // Before any `set`, a request variable (`$http_x_foo`) holds the request's data, any other variable is empty.
      const before = value ?? constant(isRequestVariable(name) ? { t: 'unknown', reason: `$${name} is request data`, span, requestData: true } : { t: 'lit', v: '', span });
      value = { cases: [...inner, ...before.cases], dflt: before.dflt };
    } else if (isSet(s)) {
      value = atomOfArg(s, s.args[1] as Arg, { ...ctx, steps: ctx.steps.slice(0, ctx.steps.indexOf(s)) }, depth + 1);
    }
  }
  if (value) return value;
  return constant(isRequestVariable(name) ? { t: 'unknown', reason: `$${name} is request data`, span, requestData: true } : { t: 'unknown', reason: `$${name}${NOT_DEFINED}`, span });
}

/** `set $name value` (the variable name compared without `$`, braces or case). */
export function setsVariable(d: Directive, name: string): boolean {
  return d.name === 'set' && d.args.length >= 2 && (d.args[0]?.value ?? '').replace(/^\$\{?|\}$/g, '').toLowerCase() === name;
}

/** nginx variables that carry request data (headers, arguments, cookies...): never set by the configuration. */
export function isRequestVariable(name: string): boolean {
  return /^(http_|arg_|cookie_|sent_http_|upstream_)/.test(name) || ['host', 'scheme', 'request_uri', 'uri', 'remote_addr', 'server_name'].includes(name);
}

const NOT_DEFINED = ' is not defined in the analysed files';

/** Origin guards that hold for every request reaching the response: `if (origin not allowed) { return 403; }`. */
export function rejectGuards(ctx: EvalContext): Guard[] {
  const out: Guard[] = [];
  for (const s of ctx.steps) {
    if (!isIfLevel(s)) continue;
    const ret = s.steps.find((x): x is Directive => !isIfLevel(x) && x.name === 'return');
    // Only a refusal (4xx, or nginx's 444 close) rejects; `return 204` with headers is an answer.
    const code = Number(ret?.args[0]?.value);
    if (!ret || !(code >= 400 && code < 500)) continue;
    const g = conditionGuard(parseCondition(s.d as Directive), { ...ctx, steps: ctx.steps.slice(0, ctx.steps.indexOf(s)) });
    // `if ($http_origin = "") { return 403; }` refuses requests without an Origin: no browser origin is refused (audit 21).
    if (g.t === 'origin' && !g.negated && g.unknownSpans.length === 0 && g.entries.length === 1 && g.entries[0]?.type === 'literal' && g.entries[0].value === '') continue;
    if (g.t === 'origin' && g.negated) out.push({ ...g, negated: false });
    // Rejecting the origins that match (a deny-list): what is left is no allow-list; see originPolicy.
    else if (g.t === 'origin') out.push({ ...g, negated: true, deny: true });
    else if (g.t === 'unknown') out.push(g);
  }
  return out;
}

// ─── Header values → model values ──────────────────────────────────────────────────────────────────

export interface HeaderValue {
  /** Plain text of the value when it is a constant. */
  text?: string;
  sym: SymValue;
  span: Span;
}

export function headerValue(h: HeaderDirective, ctx: EvalContext): HeaderValue {
  if (h.source === 'more_set_headers') {
    const a = h.value as Arg;
    const span = argSpan(h.d, a);
    const fake: Arg = { ...a, value: h.moreValue ?? '' };
    const sym = atomOfArg(h.d, fake, ctx, 0);
    // Spans of more_set_headers values point at the whole 'Name: value' argument.
    return { text: sym.cases.length === 0 && sym.dflt.t === 'lit' ? sym.dflt.v : undefined, sym, span };
  }
  const a = h.value;
  if (!a) return { text: '', sym: constant({ t: 'lit', v: '', span: dSpan(h.d) }), span: dSpan(h.d) };
  const sym = atomOfArg(h.d, a, ctx, 0);
  return { text: sym.cases.length === 0 && sym.dflt.t === 'lit' ? sym.dflt.v : undefined, sym, span: argSpan(h.d, a) };
}

/** Origins an attacker could use: a deny-list that matches none of them does not stop reflection. */
const ATTACKER_PROBES = ['https://attacker-3f9c2a.net', 'https://q7x1v9z0.attacker-3f9c2a.org', 'http://203.0.113.7:8080'];

/** A deny-list guard that certainly lets the attacker's origins through (it matches none of the probes). */
function letsAttackersThrough(g: Extract<Guard, { t: 'origin' }>): boolean {
  return g.unknownSpans.length === 0 && g.entries.every((e) => ATTACKER_PROBES.every((o) => entryMatches(e, o) === false));
}

/**
 * Whether a guard holds for a request without an Origin (`$http_origin` is empty), or undefined when that is not
 * known (an untold pattern, a method or other test).
 */
function holdsWithoutOrigin(g: Guard): boolean | undefined {
  if (g.t === 'other') return g.originPresent && !g.method ? false : undefined;
  if (g.t !== 'origin' || g.unknownSpans.length || g.method) return undefined;
  let any = false;
  for (const e of g.entries) {
    const m = entryMatches(e, '');
    if (m === undefined) return undefined;
    any ||= m;
  }
  return g.negated ? !any : any;
}

/** Whether a guard holds for every Origin a browser sends (true), for none (false), or for some only / not known. */
function holdsForBrowsers(g: Guard): boolean | undefined {
  if (g.t === 'other') return g.originPresent && !g.method ? true : undefined;
  if (g.t !== 'origin' || g.unknownSpans.length || g.method) return undefined;
  let none = true;
  for (const e of g.entries) {
    if (acceptsEveryOrigin(e) === true) return !g.negated;
    if (!analyzeEntry(e, [e]).problems.some((p) => p.neverMatches === true)) none = false;
  }
  return none ? g.negated : undefined;
}

/**
 * Whether a value is `*` for every request with an Origin and empty (no header, §4.1) for a request without one: `map
 * $http_origin $is_cors { default 1; '' 0; }` with `map $is_cors $acao { default ''; 1 '*'; }` (audit 53 ngx c08,
 * checked on nginx 1.22: `*` to every Origin, nothing without one), `if ($http_origin) { set $acao '*'; }`. Each case is
 * tried in order, for both requests, and every guard on the way must be decided.
 */
function starOnlyWithOrigin(sym: SymValue): boolean {
  const atoms = [...sym.cases.map((c) => c.atom), sym.dflt];
  if (sym.cases.length === 0 || !atoms.every((a) => a.t === 'lit' && (a.v === '' || a.v === '*'))) return false;
  const pick = (holds: (g: Guard) => boolean | undefined): string | undefined => {
    for (const c of sym.cases) {
      const h = holds(c.guard);
      if (h === undefined) return undefined;
      if (h) return (c.atom as Extract<Atom, { t: 'lit' }>).v;
    }
    return (sym.dflt as Extract<Atom, { t: 'lit' }>).v;
  };
  return pick(holdsWithoutOrigin) === '' && pick(holdsForBrowsers) === '*';
}

/** The Origin policy of an ACAO value, restricted by the guards that hold where it is sent. */
export function originPolicy(v: HeaderValue, restrict: Guard[]): Valued<OriginPolicy> {
  const span = v.span;
  const { sym } = v;
  const originGuards = restrict.filter((g): g is Extract<Guard, { t: 'origin' }> => g.t === 'origin' && !g.negated);
  // A deny-list (`if ($http_origin ~* "evil\.com") { return 403; }`) that lets origins of the attacker's choosing
  // through leaves reflection reflecting them: it restricts nothing an attacker needs.
  const denyLists = restrict.filter((g): g is Extract<Guard, { t: 'origin' }> => g.t === 'origin' && g.deny === true);
  const leaky = denyLists.length > 0 && denyLists.every(letsAttackersThrough);
  if (leaky && originGuards.length === 0 && !restrict.some((g) => g.t === 'unknown') && sym.cases.length === 0 && sym.dflt.t === 'origin') {
    return known({ kind: 'reflect-any' }, span, '$http_origin, after a deny-list check that lets other origins through');
  }
  if (restrict.some((g) => g.t === 'unknown' || (g.t === 'origin' && g.negated))) {
    if (sym.dflt.t === 'origin' || sym.cases.some((c) => c.atom.t === 'origin')) return unknown('the Origin is checked by a condition the analysis cannot follow', span);
  }
  if (sym.dflt.t === 'unknown' && sym.cases.length === 0) return unknown(sym.dflt.reason, span);
  // `*` to every request with an Origin, nothing to one without: the responses differ with the Origin (§5.7).
  if (restrict.every((g) => g.t === 'other') && starOnlyWithOrigin(sym)) return known({ kind: 'wildcard', onlyWithOrigin: true }, span, '"*" only when the request has an Origin');
  if (sym.cases.length === 0 && sym.dflt.t === 'origin') {
    if (originGuards.length === 0) return known({ kind: 'reflect-any' }, span, '$http_origin');
    if (originGuards.length > 1) return unknown('the Origin is checked by several conditions', span);
    const g = originGuards[0] as Extract<Guard, { t: 'origin' }>;
    return known({ kind: 'allow-list', entries: g.entries, unknownEntries: g.unknownSpans }, span, '$http_origin checked by if');
  }
  if (sym.cases.length === 0 && sym.dflt.t === 'lit') {
    const s = sym.dflt.v;
    if (s === '') return known({ kind: 'none' }, span, 'empty value: nginx sends no header');
    if (s === '*') return known({ kind: 'wildcard' }, span);
    return known({ kind: 'fixed', value: s }, span);
  }
  if (originGuards.length === 1 && sym.dflt.t === 'lit' && sym.dflt.v === '') {
    // `set $o ""; if ($http_origin ~* re) { set $o $http_origin; set $cors true; }` then `if ($cors) { add_header
    // ACAO $o; }`: the value is the Origin under the same check that guards the header, empty otherwise.
    const g = originGuards[0] as Extract<Guard, { t: 'origin' }>;
    const key = g.entries.map(entryKey).join('\u0000');
    const sameCheck = (c: (typeof sym.cases)[number]) =>
      (c.atom.t === 'lit' && c.atom.v === '') || (c.atom.t === 'origin' && c.guard.t === 'origin' && !c.guard.negated && c.guard.entries.map(entryKey).join('\u0000') === key);
    if (key && sym.cases.every(sameCheck)) return known({ kind: 'allow-list', entries: g.entries, unknownEntries: g.unknownSpans }, span, '$http_origin, kept when it passes the same check');
    // `map $http_origin $cors { default ""; "~^https://a" $http_origin; "~^https://b" $http_origin; }` then
    // `if ($cors != "") { add_header ACAO $cors; }`: the guard is the union of the echoing entries, so under it
    // the value is the Origin one of them matched (audit 11 case 10).
    // A literal value equal to the one origin its key matches (`"https://a.com" "https://a.com";`) is that echo too.
    const sameLiteral = (c: (typeof sym.cases)[number]) =>
      c.atom.t === 'lit' && c.atom.v !== '' && c.guard.t === 'origin' && !c.guard.negated && c.guard.entries.length === 1 && c.guard.entries[0]?.type === 'literal' && c.guard.entries[0].value === c.atom.v;
    const echoed = sym.cases.filter((c) => c.atom.t === 'origin' || sameLiteral(c));
    const union = new Set(echoed.flatMap((c) => (c.guard.t === 'origin' ? c.guard.entries.map(entryKey) : [])));
    const echoesOnly = sym.cases.every((c) => (c.atom.t === 'lit' && c.atom.v === '') || sameLiteral(c) || (c.atom.t === 'origin' && c.guard.t === 'origin' && !c.guard.negated && c.guard.unknownSpans.length === 0));
    if (echoed.length && echoesOnly && union.size === g.entries.length && g.entries.every((e) => union.has(entryKey(e)))) {
      return known({ kind: 'allow-list', entries: g.entries, unknownEntries: g.unknownSpans }, span, '$http_origin, echoed by the map entries the if checks for');
    }
  }
  if (originGuards.length) return unknown('a conditional Origin value inside an Origin check', span);
  // Cases (map / if + set): reflect when a guard matches.
  if (sym.dflt.t === 'origin') {
    // `set $cors $http_origin; if ($http_origin !~* "^https://app\.example\.com$") { set $cors ""; }`: the Origin
    // is kept only when it passes the test, an allow-list.
    const blanking = sym.cases.filter((c) => c.atom.t === 'lit' && c.atom.v === '');
    const originCases = blanking.filter((c): c is typeof c & { guard: Extract<Guard, { t: 'origin' }> } => c.guard.t === 'origin');
    if (blanking.length === sym.cases.length && originCases.length === sym.cases.length) {
      const only = originCases[0];
      if (originCases.length === 1 && only && only.guard.negated) {
        return known({ kind: 'allow-list', entries: only.guard.entries, unknownEntries: only.guard.unknownSpans }, span, '$http_origin, emptied when it fails the check');
      }
      const leaky = originCases.every((c) => !c.guard.negated && letsAttackersThrough(c.guard));
      if (!leaky) return unknown('$http_origin is emptied by Origin checks the analysis does not combine', span);
    }
    return known({ kind: 'reflect-any' }, span, 'the default of the map/variable is $http_origin');
  }
  // Cases chosen by something else than the Origin (`map $host $cors`, `map $upstream_http_access_control_allow_origin
  // $cors`, audit 30 case 20): the value does not depend on the Origin. One value is a fixed origin; several are not
  // an allow-list, and nothing says which one a browser gets.
  const atoms = [...sym.cases.map((c) => c.atom), sym.dflt];
  // (Only values known not to come from the Origin: literals, and request data such as the upstream's header; a
  // value of another Origin map keeps the policy an allow-list, audit 30 case 03.)
  const notFromOrigin = atoms.every((a) => a.t === 'lit' || (a.t === 'unknown' && a.requestData));
  if (sym.cases.length > 0 && notFromOrigin && sym.cases.every((c) => c.guard.t === 'other')) {
    const values = new Set(atoms.flatMap((a) => (a.t === 'lit' && a.v !== '' ? [a.v] : [])));
    const only = [...values][0];
    if (values.size === 1 && only !== undefined && atoms.every((a) => a.t === 'lit')) return known({ kind: 'fixed', value: only }, span);
    return unknown('the value is chosen by something else than the Origin (the Host, the upstream)', span);
  }
  const entries: OriginEntry[] = [];
  const unknownEntries: Span[] = [];
  // `default "*"` with the Origin reflected for some: those origins get their own back, every other one `*`
  // (checked on nginx 1.22: an unlisted origin got `*`, a listed one itself and the credentials header).
  const starDefault = sym.dflt.t === 'lit' && sym.dflt.v === '*';
  for (const c of sym.cases) {
    if (c.atom.t === 'lit') {
      if (c.atom.v === '') continue;
      if (c.atom.v === '*' && starDefault) continue;
      if (c.atom.v === '*') return unknown('the value is "*" for some origins and something else for others', span);
      entries.push({ type: 'literal', value: c.atom.v, caseInsensitive: false, span: c.atom.span });
      continue;
    }
    if (c.atom.t === 'unknown') {
      unknownEntries.push(c.atom.span);
      continue;
    }
    // Reflection under a guard.
    if (c.guard.t === 'other') return known({ kind: 'reflect-any' }, c.atom.span, 'reflected under a condition that does not check the Origin');
    if (c.guard.t === 'unknown') {
      unknownEntries.push(c.atom.span);
      continue;
    }
    if (c.guard.negated) return unknown('the Origin is reflected when it does NOT match a pattern', span);
    entries.push(...c.guard.entries);
    unknownEntries.push(...c.guard.unknownSpans);
  }
  if (sym.dflt.t === 'unknown') unknownEntries.push(sym.dflt.span);
  else if (sym.dflt.t === 'lit' && sym.dflt.v !== '' && !starDefault) {
    entries.push({ type: 'literal', value: sym.dflt.v, caseInsensitive: false, span: sym.dflt.span });
  }
  if (starDefault) {
    if (entries.length === 0 && unknownEntries.length === 0) return known({ kind: 'wildcard' }, sym.dflt.span);
    return known({ kind: 'allow-list', entries, unknownEntries, onRefused: 'wildcard' }, span);
  }
  if (entries.length === 0 && unknownEntries.length === 0) return known({ kind: 'none' }, span, 'every case is empty');
  // A literal default (`default "null";`) is what every origin no case matches gets, and requests without one.
  const refusedValue = sym.dflt.t === 'lit' && sym.dflt.v !== '' ? sym.dflt.v : undefined;
  return known({ kind: 'allow-list', entries, unknownEntries, ...(refusedValue !== undefined ? { refusedValue } : {}) }, span);
}

/**
 * Access-Control-Allow-Credentials from a variable: `set $cred ""; if ($http_origin ~* re) { set $o $http_origin;
 * set $cred "true"; }` (audit-15 nginx case 05). Its value is "true" under the same Origin check that lets the
 * Origin into ACAO, and empty (no header, §4.1) otherwise: the allowed origins get credentials. Any other shape
 * stays unknown.
 */
export function variableCredentials(acac: HeaderValue, acao: HeaderValue | undefined): Valued<boolean> {
  const { sym, span } = acac;
  const why: Valued<boolean> = unknown('the value of Access-Control-Allow-Credentials depends on the request', span);
  const lit = (a: Atom) => (a.t === 'lit' ? a.v.trim() : undefined);
  if (lit(sym.dflt) !== '' || !sym.cases.every((c) => lit(c.atom) === '' || lit(c.atom) === 'true')) return why;
  const sets = sym.cases.filter((c) => lit(c.atom) === 'true');
  if (sets.length === 0) return known(false, span, 'the variable is empty whenever it is set');
  const keyOf = (g: Guard) => (g.t === 'origin' && !g.negated && g.unknownSpans.length === 0 ? g.entries.map(entryKey).join('\u0000') : undefined);
  const echoed = new Set((acao?.sym.cases ?? []).filter((c) => c.atom.t === 'origin').map((c) => keyOf(c.guard)));
  if (!sets.every((c) => keyOf(c.guard) !== undefined && echoed.has(keyOf(c.guard)))) return why;
  return known(true, sets[0]?.atom.span ?? span, '"true" under the same Origin check as the allowed origin');
}

/** A token list header value (Allow-Methods, Allow-Headers, Expose-Headers). */
export function tokenList(h: HeaderDirective | undefined, v: HeaderValue | undefined, text: string | undefined, fallback: Span): Valued<TokenList> {
  if (!h || !v) return known({ kind: 'none' }, fallback);
  if (v.text === undefined) {
    // `$http_access_control_request_headers` / `_method`: the requested values are echoed back.
    const raw = h.source === 'add_header' ? (h.value?.value ?? '') : (h.moreValue ?? '');
    // (Not when a `set` of the variable under an `if` replaces it for some requests: the value has cases then.)
    if (v.sym.cases.length === 0 && /^\$\{?http_access_control_request_(headers|method)\}?$/.test(raw.trim())) return known({ kind: 'echo' }, v.span, raw.trim());
    return unknown('the value depends on the request or the environment', v.span);
  }
  const value = v.text;
  if (value.trim() === '*') return known({ kind: 'wildcard' }, v.span);
  if (value.trim() === '') return known({ kind: 'none' }, v.span, 'empty value: nginx sends no header');
  const items: Token[] = [];
  // Token spans: find each token in the raw argument text when it is there verbatim.
  const raw = text?.slice(v.span.start, v.span.end) ?? '';
  let from = 0;
  for (const m of value.matchAll(/[^\s,]+/g)) {
    const at = raw.indexOf(m[0], from);
    const span = at >= 0 ? spanOf(v.span.file, v.span.start + at, v.span.start + at + m[0].length) : v.span;
    if (at >= 0) from = at + m[0].length;
    items.push({ value: m[0], span });
  }
  return known({ kind: 'list', items }, v.span);
}
