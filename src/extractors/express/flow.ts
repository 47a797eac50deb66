/**
 * Path-sensitive reading of small functions: origin callbacks (`origin: (origin, cb) => ...`), cors options
 * delegates and hand-written CORS middleware. Each call of interest (the callback, a header write, ending the
 * response, `next()`) is recorded with the conditions on the path that reaches it, and conditions on the
 * request Origin are turned into origin-matcher entries for the shared model. The number of paths is bounded;
 * past it, or when the function does something it cannot follow, the answer is "unknown".
 */
import { entryKey as entryIdentity } from '../../analysis/origins.js';
import type { OriginEntry, StringTest } from '../../model/index.js';
import { args, child, childNodes, children, identName, isFunction, memberName, staticString, unwrap, walk, type AstNode } from './ast.js';
import { evaluate, patternSpan, truthiness, valueSpan, verbatimSpan, type EvalEnv, type JsValue } from './evaluate.js';
import { lookup, spanOf, stableInit, type JsModule } from './modules.js';

export type Atom =
  /** `partly`: membership in a list with elements not known too (they are more finitely many origins). */
  | { kind: 'entries'; entries: OriginEntry[]; node: AstNode; partly?: AstNode[] }
  | { kind: 'no-origin'; node: AstNode }
  | { kind: 'method'; method: string; node: AstNode }
  /** `via`: how the value was decided (an environment variable's default when it is unset). */
  | { kind: 'const'; value: boolean; node: AstNode; via?: string }
  /**
   * `finite`: holds for at most a finite set of origins (membership in a list, set or string whose contents are not
   * all known), so its negation still accepts every other origin. `chosen`: decided by a part of the request the
   * sender chooses (path, URL, query, body), so some request of the attacker's makes it hold. `referer`: that part is
   * the Referer header (its presence, or a test on its text the page's own URL passes), said in the finding.
   */
  | { kind: 'unknown'; reason: string; node: AstNode; aboutOrigin: boolean; finite?: boolean; chosen?: boolean; referer?: boolean };

export interface Lit {
  atom: Atom;
  positive: boolean;
}

export type Path = Lit[];

export interface Effect {
  kind: 'call';
  call: AstNode;
  path: Path;
}

export interface FlowResult {
  effects: Effect[];
  /** Why the function could not be followed completely (then effects are incomplete). */
  incomplete?: string;
}

export interface FlowContext {
  mod: JsModule;
  env: EvalEnv;
  /** Is this expression the request Origin (string)? */
  isOrigin(node: AstNode): boolean;
  /** Is this expression the request method? */
  isMethod(node: AstNode): boolean;
  /** Is this expression a test that the request has an Origin header (`'origin' in req.headers`)? */
  hasOrigin?(node: AstNode): boolean;
  /** Should this call be recorded as an effect? */
  interesting(call: AstNode): boolean;
  /** Should this assignment be recorded as an effect (a header set in an object later written to the response)? */
  interestingAssignment?(assignment: AstNode): boolean;
  /** Is this expression a part of the request its sender chooses freely (path, URL, query, body)? */
  isChosen?(node: AstNode): boolean;
  /**
   * Is this expression the request's Referer header? A cross-site page decides it without a preflight: it sends none
   * (`referrerPolicy: 'no-referrer'`) or its own full URL (`'unsafe-url'`), whose path and query it picks. Only tests
   * the page passes or fails at will make a condition the sender chooses (refererTest).
   */
  isReferer?(node: AstNode): boolean;
  /**
   * May this interesting call happen later, inside a callback (`db.find(q, (err, rows) => res.json(rows))`),
   * without hiding what the function does? It is then recorded where the callback is passed.
   */
  deferrable?(call: AstNode): boolean;
  /**
   * Keep the paths that only constants decided through an environment variable's default rule out (their
   * literals stay on the path, and `allowedBy` still skips them): to ask what the code does when the variable is set.
   */
  keepDecided?: boolean;
}

const MAX_PATHS = 96;
/** Longest list a `for...of` over it is unrolled for. */
const MAX_UNROLL = 24;

// ─── Conditions ────────────────────────────────────────────────────────────────────────────────────

type Cond = Lit[][]; // disjunctive normal form

const TRUE: Cond = [[]];
const FALSE: Cond = [];

function and(a: Cond, b: Cond): Cond {
  const out: Cond = [];
  for (const x of a) for (const y of b) out.push([...x, ...y]);
  return simplify(out).slice(0, MAX_PATHS + 1);
}

/**
 * The same condition with fewer, shorter terms: a literal repeated in a term counts once, a term holding an
 * atom and its negation is dropped (it holds for no origin), and so is a term that includes another (X ∧ Y
 * adds nothing to X). Negating twice (`!!(origin && list.some(s => origin.endsWith(s)))`) multiplies terms
 * out; without this, `endsWith(a) ∧ endsWith(b)` would survive as a path and read as a check that matches
 * nothing.
 */
function simplify(c: Cond): Cond {
  const terms: Lit[][] = [];
  for (const conj of c) {
    const seen = new Map<string, boolean>();
    let contradictory = false;
    const term: Lit[] = [];
    for (const l of conj) {
      const key = atomKey(l.atom);
      const had = seen.get(key);
      if (had === undefined) {
        seen.set(key, l.positive);
        term.push(l);
      } else if (had !== l.positive) contradictory = true;
    }
    if (!contradictory) terms.push(term);
  }
  const has = (t: Lit[], l: Lit) => t.some((x) => x.positive === l.positive && atomKey(x.atom) === atomKey(l.atom));
  const byLength = terms.map((t, i) => ({ t, i })).sort((a, b) => a.t.length - b.t.length || a.i - b.i);
  const kept: { t: Lit[]; i: number }[] = [];
  for (const x of byLength) if (!kept.some((k) => k.t.every((l) => has(x.t, l)))) kept.push(x);
  // In the order the terms came (paths and messages follow the source).
  return kept.sort((a, b) => a.i - b.i).map((k) => k.t);
}

function not(c: Cond, node: AstNode): Cond {
  // ¬(A ∨ B) = ¬A ∧ ¬B; ¬(a ∧ b) = ¬a ∨ ¬b.
  let acc: Cond = TRUE;
  for (const conj of c) {
    const negConj: Cond = conj.map((l) => [{ atom: l.atom, positive: !l.positive }]);
    acc = and(acc, conj.length === 0 ? FALSE : negConj);
    if (acc.length > MAX_PATHS) return [[{ atom: { kind: 'unknown', reason: 'condition too complex', node, aboutOrigin: true }, positive: true }]];
  }
  return acc;
}

const atomKeys = new WeakMap<Atom, string>();
const nodeIds = new WeakMap<AstNode, number>();
let nextNodeId = 0;

function nodeId(n: AstNode): number {
  let id = nodeIds.get(n);
  if (id === undefined) nodeIds.set(n, (id = nextNodeId++));
  return id;
}

/**
 * The identity of an atom: the same test read twice (by the walk of a function and again for the path of an
 * assignment) gives two objects for one condition. The node and what the atom says of it identify it (one
 * callback body read once per list element gives several atoms for one node).
 */
function atomKey(a: Atom): string {
  let k = atomKeys.get(a);
  if (k === undefined) {
    const at = `${a.kind}@${nodeId(a.node)}`;
    if (a.kind === 'entries') k = `${at}:${a.entries.map(entryIdentity).join('|')}`;
    else if (a.kind === 'method') k = `${at}:${a.method}`;
    else if (a.kind === 'const') k = `${at}:${String(a.value)}`;
    else if (a.kind === 'unknown') k = `${at}:${a.reason}`;
    else k = at;
    atomKeys.set(a, k);
  }
  return k;
}

function lit(atom: Atom, positive = true): Cond {
  return [[{ atom, positive }]];
}

function regexEntry(v: JsValue & { t: 'regex' }): OriginEntry {
  return { type: 'regex', pattern: v.pattern, flags: v.flags, flavor: 'js', mode: 'search', span: valueSpan(v), ...patternSpan(v) };
}

/** Origin entries from a list value (strings and regexes). */
/**
 * The entries of a list compared element by element. `unknownItems`: the elements whose value is not known
 * (`process.env.FRONTEND_URL`), each a finite part of the list still.
 */
function entriesOfList(v: JsValue): { entries: OriginEntry[]; unknown?: string; unknownItems: JsValue[] } {
  const items = v.t === 'array' ? v.items : [v];
  const entries: OriginEntry[] = [];
  const unknownItems: JsValue[] = [];
  let unknown: string | undefined;
  for (const it of items) {
    // The "" left by splitting an unset variable's empty default: never written as an origin (audit 21).
    if (it.t === 'str' && it.v === '' && it.via) continue;
    if (it.t === 'str') entries.push({ type: 'literal', value: it.v, caseInsensitive: false, span: valueSpan(it), ...verbatimSpan(it) });
    else if (it.t === 'regex') entries.push(regexEntry(it));
    else {
      unknown ??= it.t === 'unknown' ? it.reason : `list element is ${it.t}`;
      unknownItems.push(it);
    }
  }
  return unknown === undefined ? { entries, unknownItems } : { entries, unknown, unknownItems };
}

function ev(node: AstNode, ctx: FlowContext): JsValue {
  return evaluate(node, ctx.mod, ctx.env);
}

/** The parts of `new URL(origin)` an origin check reads (`protocol` is the scheme and its colon, `https:`). */
type UrlPart = 'hostname' | 'host' | 'origin' | 'protocol';

/** `new URL(origin).hostname` / `.host` / `url.hostname` where `url = new URL(origin)`. */
function urlPartOfOrigin(node: AstNode, ctx: FlowContext): UrlPart | undefined {
  const u = unwrap(node);
  if (u.type !== 'MemberExpression') return undefined;
  const part = memberName(u);
  if (part !== 'hostname' && part !== 'host' && part !== 'origin' && part !== 'protocol') return undefined;
  let obj = unwrap(child(u, 'object') as AstNode);
  const name = identName(obj);
  if (name) {
    const b = lookup(ctx.mod, name, obj);
    if (b?.kind === 'var' && b.init && b.path.length === 0) obj = unwrap(b.init);
  }
  if (obj.type === 'NewExpression' && identName(child(obj, 'callee')) === 'URL') {
    const a0 = args(obj)[0];
    if (a0 && ctx.isOrigin(a0)) return part;
  }
  return undefined;
}

/** `const { hostname } = new URL(origin)`: the destructured part of the parsed origin. */
function destructuredUrlPart(u: AstNode, ctx: FlowContext): UrlPart | undefined {
  const name = identName(u);
  if (!name) return undefined;
  const b = lookup(ctx.mod, name, u);
  if (b?.kind !== 'var' || !b.init || b.path.length !== 1 || (b.declKind !== 'const' && ctx.mod.mutated.has(name))) return undefined;
  const part = b.path[0];
  if (part !== 'hostname' && part !== 'host' && part !== 'origin' && part !== 'protocol') return undefined;
  const init = unwrap(b.init);
  if (init.type !== 'NewExpression' || identName(child(init, 'callee')) !== 'URL') return undefined;
  const a0 = args(init)[0];
  return a0 && ctx.isOrigin(a0) ? part : undefined;
}

function stringTest(op: StringTest['op'], on: StringTest['on'], v: JsValue, caseInsensitive: boolean, node: AstNode, ctx: FlowContext): Atom {
  if (v.t !== 'str') return { kind: 'unknown', reason: v.t === 'unknown' ? v.reason : 'non-string test', node, aboutOrigin: true };
  const span = spanOf(ctx.mod, node);
  // The compared value's provenance (the default of an unset environment variable) goes with the entry, so the
  // finding says it holds only then (rules.md, the golden principle).
  return { kind: 'entries', entries: [{ type: 'tests', all: [{ op, on, value: v.v, caseInsensitive, span: valueSpan(v) }], span, ...(v.via !== undefined ? { via: v.via } : {}) }], node };
}

/**
 * A JS pattern that is a plain string with optional `^` / `$` anchors (`\.pages\.dev$`, `^app\.example\.com$`):
 * `RegExp.test` of it is exactly `endsWith` / `equals` / `startsWith` / `includes` of that string. Anything else
 * (classes, quantifiers, groups, stateful flags) is not.
 */
export function literalPatternTest(pattern: string, flags: string): { op: StringTest['op']; value: string; ci: boolean } | undefined {
  if (!/^[imsu]*$/.test(flags) || flags.includes('m')) return undefined;
  let body = pattern;
  const start = body.startsWith('^');
  if (start) body = body.slice(1);
  const end = body.endsWith('$') && !/(^|[^\\])(\\\\)*\\\$$/.test(body);
  if (end) body = body.slice(0, -1);
  let value = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '\\') {
      const n = body[i + 1];
      // Only escaped punctuation is itself (`\.`, `\-`, `\/`); `\d`, `\b`, `\x41`... are not literal here.
      if (n === undefined || !/[\^$\\.*+?()[\]{}|\/-]/.test(n)) return undefined;
      value += n;
      i++;
      continue;
    }
    if (/[\^$.*+?()[\]{}|]/.test(c)) return undefined;
    value += c;
  }
  if (value === '') return undefined;
  const op = start && end ? 'equals' : start ? 'startsWith' : end ? 'endsWith' : 'includes';
  return { op, value, ci: flags.includes('i') };
}

/** Which part of the origin an expression is: the origin itself, a URL part, or a lower-cased origin. */
function originSubject(node: AstNode, ctx: FlowContext, depth = 0): { on: StringTest['on']; ci: boolean } | undefined {
  const u = unwrap(node);
  if (ctx.isOrigin(u)) return { on: 'origin', ci: false };
  const part = urlPartOfOrigin(u, ctx) ?? destructuredUrlPart(u, ctx);
  if (part) return { on: part === 'origin' ? 'origin' : part, ci: false };
  // A name bound once to one of these (`const hostname = new URL(origin).hostname`, `const host = url.hostname`).
  const name = identName(u);
  if (name && depth < 4) {
    const init = stableInit(ctx.mod, name, u);
    if (init) return originSubject(init, ctx, depth + 1);
  }
  if (u.type === 'CallExpression') {
    const c = unwrap(child(u, 'callee') as AstNode);
    if (c.type === 'MemberExpression' && memberName(c) === 'toLowerCase' && args(u).length === 0) {
      const inner = originSubject(child(c, 'object') as AstNode, ctx, depth + 1);
      if (inner) return { on: inner.on, ci: true };
    }
    // Normalisations that leave every serialized Origin as it is (it has no surrounding spaces and no trailing
    // slash): `origin.trim()`, `origin.replace(/\/$/, '')` (audit 21 case 07).
    if (c.type === 'MemberExpression' && identityOnOrigins(memberName(c), args(u))) {
      const inner = originSubject(child(c, 'object') as AstNode, ctx, depth + 1);
      if (inner?.on === 'origin') return inner;
    }
  }
  return undefined;
}

function identityOnOrigins(method: string | undefined, callArgs: AstNode[]): boolean {
  if ((method === 'trim' || method === 'trimEnd' || method === 'trimStart') && callArgs.length === 0) return true;
  if (method !== 'replace' && method !== 'replaceAll') return false;
  const [pattern, replacement] = callArgs.map((a) => unwrap(a));
  const regex = pattern?.type === 'Literal' ? (pattern.regex as { pattern: string } | undefined) : undefined;
  return !!regex && /^(\\\/|\/)[+*]?\$$/.test(regex.pattern) && staticString(replacement) === '';
}

function mentionsOrigin(node: AstNode, ctx: FlowContext): boolean {
  return mentions(node, ctx.isOrigin);
}

/** Whether the path runs only for OPTIONS requests (`if (req.method === 'OPTIONS')` holds on it). */
export function onlyOnPreflight(p: Path): boolean {
  return p.some((l) => l.atom.kind === 'method' && l.positive && l.atom.method === 'OPTIONS');
}

/**
 * The paths (terms) on which a branch of `if (test)` runs, after the paths `outer`: the test's terms in the
 * `then` branch, those of its negation in the `else` branch.
 */
export function branchPaths(outer: Path[], test: AstNode, inThen: boolean, ctx: FlowContext): Path[] {
  const c = condition(test, ctx);
  return and(outer, inThen ? c : not(c, test));
}

/** Classifies a boolean expression into a condition over atoms. */
export function condition(node: AstNode, ctx: FlowContext, depth = 0): Cond {
  const n = unwrap(node);
  if (depth > 12) return lit({ kind: 'unknown', reason: 'condition too deep', node: n, aboutOrigin: true });
  if (n.type === 'LogicalExpression') {
    const l = condition(child(n, 'left') as AstNode, ctx, depth + 1);
    const r = condition(child(n, 'right') as AstNode, ctx, depth + 1);
    if (n.operator === '&&') return and(l, r);
    if (n.operator === '||') return simplify([...l, ...r]).slice(0, MAX_PATHS + 1);
  }
  if (n.type === 'UnaryExpression' && n.operator === '!') return not(condition(child(n, 'argument') as AstNode, ctx, depth + 1), n);
  // `o instanceof RegExp ? o.test(origin) : o === origin`: a test that does not depend on the origin picks a branch.
  if (n.type === 'ConditionalExpression') {
    const test = child(n, 'test') as AstNode;
    const t = mentions(test, ctx.isOrigin, true) ? undefined : truthiness(ev(test, ctx));
    if (t !== undefined) return condition(child(n, t ? 'consequent' : 'alternate') as AstNode, ctx, depth + 1);
    const c = condition(test, ctx, depth + 1);
    return simplify([...and(c, condition(child(n, 'consequent') as AstNode, ctx, depth + 1)), ...and(not(c, test), condition(child(n, 'alternate') as AstNode, ctx, depth + 1))]).slice(0, MAX_PATHS + 1);
  }
  // const ok = /\.example\.com$/.test(origin); if (ok) ...: the test the constant holds.
  const name = identName(n);
  if (name && !ctx.isOrigin(n)) {
    const init = stableInit(ctx.mod, name, n);
    // (Also a test of the Referer kept in a constant: `const refererOk = !referer || referer.includes('x')`.)
    if (init && (mentions(init, ctx.isOrigin, true) || (ctx.isReferer !== undefined && mentions(init, ctx.isReferer)))) return condition(init, ctx, depth + 1);
  }
  // `'origin' in req.headers`: the same as `if (req.headers.origin)` (audit 36 js c06, n8n).
  if (ctx.hasOrigin?.(n)) return lit({ kind: 'no-origin', node: n }, false);
  const atom = atomOf(n, ctx);
  return atom.cond;
}

function atomOf(n: AstNode, ctx: FlowContext): { cond: Cond } {
  // Truthiness of the origin itself: `if (!origin)` is "no Origin header".
  if (ctx.isOrigin(n)) return { cond: lit({ kind: 'no-origin', node: n }, false) };
  if (n.type === 'BinaryExpression') {
    const op = n.operator as string;
    const left = child(n, 'left') as AstNode;
    const right = child(n, 'right') as AstNode;
    const eq = op === '===' || op === '==';
    const ne = op === '!==' || op === '!=';
    if (eq || ne) {
      // req.method === 'OPTIONS'
      for (const [a, b] of [
        [left, right],
        [right, left],
      ] as const) {
        if (ctx.isMethod(a)) {
          const m = staticString(b);
          if (m !== undefined) return { cond: lit({ kind: 'method', method: m.toUpperCase(), node: n }, eq) };
        }
        const subj = originSubject(a, ctx);
        if (subj) {
          const bv = ev(b, ctx);
          if (bv.t === 'undef' || bv.t === 'null') return { cond: lit({ kind: 'no-origin', node: n }, eq) };
          if (bv.t === 'str') {
            const entry: OriginEntry =
              subj.on === 'origin' && !subj.ci
                ? { type: 'literal', value: bv.v, caseInsensitive: false, span: valueSpan(bv) }
                : { type: 'tests', all: [{ op: 'equals', on: subj.on, value: bv.v, caseInsensitive: subj.ci, span: valueSpan(bv) }], span: spanOf(ctx.mod, n) };
            return { cond: lit({ kind: 'entries', entries: [entry], node: n }, eq) };
          }
        }
      }
      // list.indexOf(origin) !== -1, origin.indexOf('x') !== -1, origin.search(re) !== -1
      for (const [a, b] of [
        [left, right],
        [right, left],
      ] as const) {
        const bv = ev(b, ctx);
        const au = unwrap(a);
        if (bv.t === 'num' && bv.v === -1 && au.type === 'CallExpression') {
          const inner = callAtom(au, ctx, 'indexOf');
          if (inner) return { cond: eq ? not(inner, n) : inner };
          // list.includes(origin) !== -1: a boolean never equals -1, so the test always passes.
          if (isBooleanOriginCall(au, ctx)) return { cond: lit({ kind: 'const', value: ne, node: n }) };
        }
        // origin.indexOf('https://a.com') === 0: an index is 0 exactly when it is falsy, so this is `!origin.indexOf(...)`,
        // a prefix test (audit 29 case 35).
        const method = au.type === 'CallExpression' ? memberName(unwrap(child(au, 'callee') as AstNode)) : undefined;
        if (bv.t === 'num' && bv.v === 0 && (method === 'indexOf' || method === 'findIndex')) {
          const truthy = callAtom(au, ctx, 'bool');
          if (truthy) return { cond: eq ? not(truthy, n) : truthy };
        }
      }
    }
    if (op === '>' || op === '>=' || op === '<' || op === '<=') {
      const lu = unwrap(left);
      const rv = ev(right, ctx);
      if (lu.type === 'CallExpression' && rv.t === 'num') {
        const inner = callAtom(lu, ctx, 'indexOf');
        const positive = (op === '>' && rv.v === -1) || (op === '>=' && rv.v === 0);
        const negative = (op === '<' && rv.v === 0) || (op === '<=' && rv.v === -1);
        if (inner) {
          if (positive) return { cond: inner };
          if (negative) return { cond: not(inner, n) };
        } else if ((positive || negative) && isBooleanOriginCall(lu, ctx)) {
          // list.includes(origin) > -1: false and true compare as 0 and 1, both above -1.
          return { cond: lit({ kind: 'const', value: positive, node: n }) };
        }
      }
    }
  }
  if (n.type === 'CallExpression') {
    const c = callAtom(n, ctx, 'bool');
    if (c) return { cond: c };
  }
  // ~list.indexOf(origin): zero (falsy) exactly when the index is -1.
  if (n.type === 'UnaryExpression' && n.operator === '~') {
    const arg = unwrap(child(n, 'argument') as AstNode);
    const c = arg.type === 'CallExpression' ? callAtom(arg, ctx, 'indexOf') : undefined;
    if (c) return { cond: c };
  }
  // whitelist[origin] / whitelist.hasOwnProperty(origin): the keys with truthy values are the allow-list.
  if (n.type === 'MemberExpression' && n.computed && ctx.isOrigin(child(n, 'property') as AstNode)) {
    const obj = ev(child(n, 'object') as AstNode, ctx);
    if (obj.t === 'object' && !obj.partial) {
      const entries: OriginEntry[] = [];
      for (const [key, value] of obj.props) {
        if (value.t === 'bool' && !value.v) continue;
        if (value.t === 'unknown') return { cond: lit({ kind: 'unknown', reason: value.reason, node: n, aboutOrigin: true }) };
        const keyNode = obj.keys.get(key);
        entries.push({ type: 'literal', value: key, caseInsensitive: false, span: keyNode ? spanOf(obj.mod, keyNode) : valueSpan(obj) });
      }
      return { cond: lit({ kind: 'entries', entries, node: n }) };
    }
    return { cond: lit({ kind: 'unknown', reason: obj.t === 'unknown' ? obj.reason : 'lookup table', node: n, aboutOrigin: true }) };
  }
  // A condition that does not involve the origin: a constant, or an unknown runtime condition.
  const v = ev(n, ctx);
  const via = v.via ? { via: v.via } : {};
  if (v.t === 'bool') return { cond: lit({ kind: 'const', value: v.v, node: n, ...via }) };
  if (v.t === 'str' || v.t === 'num' || v.t === 'null' || v.t === 'undef') {
    const truthy = v.t === 'str' ? v.v !== '' : v.t === 'num' ? v.v !== 0 : false;
    return { cond: lit({ kind: 'const', value: truthy, node: n, ...via }) };
  }
  const aboutOrigin = mentionsOrigin(n, ctx);
  // (Not when configuration takes part too: `req.query.debug && process.env.DEBUG`.)
  const chosen = !aboutOrigin && ctx.isChosen !== undefined && mentions(n, ctx.isChosen) && !mentions(n, (x) => identName(x) === 'process');
  const referer = !aboutOrigin && !chosen && refererTest(n, ctx);
  return {
    cond: lit({ kind: 'unknown', reason: v.t === 'unknown' ? v.reason : 'runtime condition', node: n, aboutOrigin, ...(chosen || referer ? { chosen: true } : {}), ...(referer ? { referer } : {}) }),
  };
}

/**
 * Whether a test of the Referer header is one the requesting page passes or fails at will, without a preflight: its
 * presence (`!referer`, `referer == null`, `typeof referer === 'undefined'`: the page sends none with `referrerPolicy:
 * 'no-referrer'`), or a test of its text that a path or query of the page's own URL passes (`referer.includes('x')`,
 * `.endsWith('x')`, `.indexOf('x') !== -1`, a regex not anchored at the start: with `referrerPolicy: 'unsafe-url'`
 * the Referer is the page's full URL). Not `startsWith`, equality or a regex anchored with `^`: those test the page's
 * origin, which the page does not choose. The fragment is never sent, and a space would be percent-encoded, so a
 * test for `#` or whitespace is not one the page passes.
 */
function refererTest(node: AstNode, ctx: FlowContext): boolean {
  const isRef = ctx.isReferer;
  if (!isRef) return false;
  const n = unwrap(node);
  if (isRef(n)) return true;
  const urlText = (v: JsValue) => v.t === 'str' && /^[\x21\x22\x24-\x7e]+$/.test(v.v);
  const urlRegex = (v: JsValue) => v.t === 'regex' && !v.pattern.startsWith('^') && !/[\s#]|\\s|\\n/.test(v.pattern) && !/[gy]/.test(v.flags);
  /** `referer.m(a0)` with `referer` the Referer, its one argument's value. */
  const onReferer = (call: AstNode, methods: string[]): JsValue | undefined => {
    if (call.type !== 'CallExpression') return undefined;
    const c = unwrap(child(call, 'callee') as AstNode);
    const a = args(call);
    const m = c.type === 'MemberExpression' ? memberName(c) : undefined;
    if (!m || !methods.includes(m) || a.length !== 1 || !isRef(child(c, 'object') as AstNode)) return undefined;
    return ev(a[0] as AstNode, ctx);
  };
  if (n.type === 'CallExpression') {
    const v = onReferer(n, ['includes', 'endsWith']);
    if (v) return urlText(v);
    const re = onReferer(n, ['match']);
    if (re) return urlRegex(re);
    // /vercel\.app/.test(referer)
    const c = unwrap(child(n, 'callee') as AstNode);
    const a = args(n);
    if (c.type === 'MemberExpression' && memberName(c) === 'test' && a.length === 1 && isRef(a[0] as AstNode)) return urlRegex(ev(child(c, 'object') as AstNode, ctx));
    return false;
  }
  if (n.type === 'BinaryExpression') {
    const op = n.operator as string;
    const sides = [unwrap(child(n, 'left') as AstNode), unwrap(child(n, 'right') as AstNode)] as const;
    for (const [a, b] of [sides, [sides[1], sides[0]] as const]) {
      const bv = ev(b, ctx);
      if (op === '==' || op === '!=' || op === '===' || op === '!==') {
        // referer == null, referer === undefined
        if (isRef(a) && (bv.t === 'null' || bv.t === 'undef')) return true;
        // typeof referer === 'undefined'
        if (a.type === 'UnaryExpression' && a.operator === 'typeof' && isRef(child(a, 'argument') as AstNode) && bv.t === 'str' && bv.v === 'undefined') return true;
      }
      // referer.indexOf('x') !== -1 / > -1 / >= 0 / < 0, referer.search(/x/) !== -1: found or not, at any place.
      const found = onReferer(a, ['indexOf']);
      const searched = onReferer(a, ['search']);
      if ((found && urlText(found)) || (searched && urlRegex(searched))) {
        if (bv.t === 'num' && bv.v === -1 && ['==', '!=', '===', '!==', '>', '<='].includes(op) && a === sides[0]) return true;
        if (bv.t === 'num' && bv.v === 0 && (op === '>=' || op === '<') && a === sides[0]) return true;
        if (bv.t === 'num' && bv.v === -1 && ['==', '!=', '===', '!=='].includes(op)) return true;
      }
    }
  }
  return false;
}

/** Whether some sub-expression (outside nested functions) satisfies `is`. */
function mentions(node: AstNode, is: (n: AstNode) => boolean, intoFunctions = false): boolean {
  let found = false;
  walk(node, (n) => {
    if (found) return false;
    if (is(n)) {
      found = true;
      return false;
    }
    return intoFunctions || !isFunction(n) || n === node;
  });
  return found;
}

/**
 * A call used as a condition: `list.includes(origin)`, `set.has(origin)`, `re.test(origin)`,
 * `origin.endsWith('.example.com')`, `origin.match(re)`, `list.some(...)`, `isAllowed(origin)`.
 * `mode` 'indexOf' means the call is compared with -1 (so only indexOf/search shapes apply).
 */
function callAtom(call: AstNode, ctx: FlowContext, mode: 'bool' | 'indexOf'): Cond | undefined {
  const callee = unwrap(child(call, 'callee') as AstNode);
  const a = args(call);
  const a0 = a[0];
  if (callee.type === 'MemberExpression') {
    const method = memberName(callee);
    const obj = child(callee, 'object') as AstNode;
    const subj = originSubject(obj, ctx);
    const prefixed = subj ? undefined : prefixedSubject(obj, ctx);
    if (prefixed && a0 && mode === 'bool' && method === 'endsWith') {
      const v = ev(a0, ctx);
      if (v.t !== 'str') return lit({ kind: 'unknown', reason: v.t === 'unknown' ? v.reason : 'non-string test', node: call, aboutOrigin: true });
      return prefixedEndsWith(prefixed, v, call, ctx);
    }
    if (subj && a0) {
      // Methods called on the origin string.
      const v = ev(a0, ctx);
      if (mode === 'bool' && (method === 'endsWith' || method === 'startsWith' || method === 'includes')) {
        return lit(stringTest(method, subj.on, v, subj.ci, call, ctx));
      }
      if ((mode === 'bool' && method === 'match') || (mode === 'indexOf' && method === 'search')) {
        if (v.t === 'regex' && subj.on === 'origin') return lit({ kind: 'entries', entries: [regexEntry(v)], node: call });
      }
      if (mode === 'indexOf' && method === 'indexOf') return lit(stringTest('includes', subj.on, v, subj.ci, call, ctx));
      // if (origin.indexOf('x')): truthy unless the origin starts with 'x' (0); -1, "not found", is truthy too.
      if (mode === 'bool' && method === 'indexOf' && a.length === 1) return not(lit(stringTest('startsWith', subj.on, v, subj.ci, call, ctx)), call);
      return lit({ kind: 'unknown', reason: `origin.${method ?? '?'}()`, node: call, aboutOrigin: true });
    }
    // `ALLOWED.includes('*')` on a known list: decided here (`ALLOWED.includes('*') || ALLOWED.includes(origin)`
    // with the default `['*']` lets every origin through; audit 12 case 03).
    if (a0 && a.length === 1 && mode === 'bool' && (method === 'includes' || method === 'has') && !mentionsOrigin(a0, ctx)) {
      const list = ev(obj, ctx);
      const item = ev(a0, ctx);
      if (list.t === 'array' && !list.maybeFewer && item.t === 'str' && list.items.every((it) => it.t === 'str' || it.t === 'regex')) {
        const via = list.via ?? item.via;
        return lit({ kind: 'const', value: list.items.some((it) => it.t === 'str' && it.v === item.v), node: call, ...(via ? { via } : {}) });
      }
    }
    if (a0 && originSubject(a0, ctx)) {
      const s = originSubject(a0, ctx) as { on: StringTest['on']; ci: boolean };
      const list = ev(obj, ctx);
      if ((mode === 'bool' && (method === 'includes' || method === 'has')) || (mode === 'indexOf' && method === 'indexOf')) {
        // Membership in an array, set or string: whatever its contents, a finite set of origins.
        if (list.t === 'unknown') return lit({ kind: 'unknown', reason: list.reason, node: call, aboutOrigin: true, finite: true });
        // An empty list that is only the default of an unset variable (`new Set((process.env.ALLOWED || '').split(',')
        // .filter(Boolean))`): the deployment sets the variable, and which origins it then holds is not known (audit 49
        // D2; the Python side skips such empty defaults too). Not "never allows".
        if (list.t === 'array' && list.via?.includes(' is unset') && list.items.every((it) => it.t === 'str' && it.v.trim() === '')) {
          return lit({ kind: 'unknown', reason: `an empty list, ${list.via}`, node: call, aboutOrigin: true, finite: true });
        }
        if (list.t === 'str') {
          // 'https://a.com,https://b.com'.includes(origin): a substring test on a string, not list membership.
          if (method === 'has' || s.on !== 'origin' || s.ci) return lit({ kind: 'unknown', reason: `string.${method}()`, node: call, aboutOrigin: true });
          return lit({ kind: 'entries', entries: [{ type: 'substring', haystack: list.v, span: valueSpan(list) }], node: call });
        }
        // The request's own Origin in the list (`[req.headers.origin, ...].includes(origin)`): always a member.
        if (s.on === 'origin' && list.t === 'array' && sourceElements(obj, ctx).some((e) => ctx.isOrigin(e))) return lit({ kind: 'const', value: true, node: call });
        const { entries, unknown, unknownItems } = entriesOfList(list);
        if (unknown !== undefined) {
          // Known literals beside elements not known (an env variable): those literals are accepted, plus at most
          // one origin per other element (includes/indexOf/has compare with ===). Only for an exact,
          // case-sensitive comparison of the whole Origin.
          const exact = s.on === 'origin' && !s.ci && list.t === 'array' && entries.length > 0;
          if (exact) return lit({ kind: 'entries', entries, node: call, partly: unknownItems.map((it) => it.node ?? call) });
          return lit({ kind: 'unknown', reason: unknown, node: call, aboutOrigin: true, finite: true });
        }
        if (s.on !== 'origin' || s.ci) {
          const tests: OriginEntry[] = entries.flatMap((e) =>
            e.type === 'literal' ? [{ type: 'tests' as const, all: [{ op: 'equals' as const, on: s.on, value: e.value, caseInsensitive: s.ci, span: e.span }], span: e.span }] : [],
          );
          return lit({ kind: 'entries', entries: tests, node: call });
        }
        return lit({ kind: 'entries', entries, node: call });
      }
      // if (list.indexOf(origin)): the index is falsy only when it is 0, so every origin passes except the list's
      // first element ("not found", -1, is truthy): a common slip that accepts any origin.
      if (mode === 'bool' && method === 'indexOf' && a.length === 1 && list.t === 'array') {
        const first = list.items[0];
        // indexOf compares with ===: a regex element never equals the origin string.
        if (first === undefined || first.t === 'regex') return lit({ kind: 'const', value: true, node: call });
        if (first.t === 'str') {
          const entry: OriginEntry =
            s.on === 'origin' && !s.ci
              ? { type: 'literal', value: first.v, caseInsensitive: false, span: valueSpan(first) }
              : { type: 'tests', all: [{ op: 'equals', on: s.on, value: first.v, caseInsensitive: s.ci, span: valueSpan(first) }], span: valueSpan(first) };
          return not(lit({ kind: 'entries', entries: [entry], node: call }), call);
        }
        return lit({ kind: 'unknown', reason: first.t === 'unknown' ? first.reason : `list element is ${first.t}`, node: call, aboutOrigin: true });
      }
      if (mode === 'bool' && (method === 'test' || method === 'exec')) {
        const re = ev(obj, ctx);
        if (re.t === 'regex' && s.on === 'origin') return lit({ kind: 'entries', entries: [regexEntry(re)], node: call });
        // `/\.pages\.dev$/.test(new URL(origin).hostname)`: a literal pattern on a part is a string test of it.
        const asTest = re.t === 'regex' ? literalPatternTest(re.pattern, re.flags) : undefined;
        if (asTest) {
          const span = valueSpan(re);
          return lit({ kind: 'entries', entries: [{ type: 'tests', all: [{ op: asTest.op, on: s.on, value: asTest.value, caseInsensitive: s.ci || asTest.ci, span }], span }], node: call });
        }
        return lit({ kind: 'unknown', reason: re.t === 'unknown' ? re.reason : 'test()', node: call, aboutOrigin: true });
      }
    }
    // list.some(o => o === origin) / list.some(re => re.test(origin)) / list.some(d => origin.endsWith(d)),
    // and list.findIndex(...) compared with -1.
    if (((mode === 'bool' && (method === 'some' || method === 'find')) || (mode === 'indexOf' && method === 'findIndex')) && a0 && isFunction(unwrap(a0))) {
      return someAtom(call, unwrap(a0), ev(obj, ctx), ctx);
    }
    // if (list.findIndex(o => o === origin)): like indexOf, falsy only for a match at index 0; "not found"
    // (-1) is truthy, so every origin passes except what the first element matches.
    if (mode === 'bool' && method === 'findIndex' && a0 && isFunction(unwrap(a0))) {
      const list = ev(obj, ctx);
      if (list.t === 'array' && list.items.length === 0) return lit({ kind: 'const', value: true, node: call });
      if (list.t !== 'array') return lit({ kind: 'unknown', reason: list.t === 'unknown' ? list.reason : 'not a list', node: call, aboutOrigin: true });
      return not(someAtom(call, unwrap(a0), { ...list, items: list.items.slice(0, 1) }, ctx), call);
    }
    // list.indexOf(origin !== -1 || !origin): a slipped parenthesis searches a list of strings for a boolean,
    // which is never found (-1, truthy).
    if (method === 'indexOf' && a.length === 1 && a0 && isBooleanExpr(a0) && mentionsOrigin(a0, ctx)) {
      const list = ev(obj, ctx);
      if (list.t === 'array' && list.items.every((it) => it.t === 'str' || it.t === 'regex')) return lit({ kind: 'const', value: mode === 'bool', node: call });
    }
  }
  // isAllowed(origin): inline a local function whose body returns an expression.
  if (mode === 'bool' && a.some((x) => originSubject(x, ctx))) {
    const fv = ev(callee, ctx);
    if (fv.t === 'func') {
      const body = returnedExpression(fv.fn);
      const params = children(fv.fn, 'params');
      const idx = a.findIndex((x) => originSubject(x, ctx));
      const p = params[idx];
      // `(origin = '') => ...`: a default only for a missing argument; the origin passed is what is tested.
      const pid = p?.type === 'AssignmentPattern' ? child(p, 'left') : p;
      if (p && pid && identName(pid)) {
        // The helper's other parameters are bound to the call's arguments (`checkDomain(origin, whitelist)`, audit 52
        // js D2), as a factory's are (evaluate.ts).
        const params2 = new Map(ctx.env.params ?? []);
        params.forEach((q, i) => {
          const qid = q.type === 'AssignmentPattern' ? child(q, 'left') : q;
          const arg = a[i];
          if (i !== idx && qid?.type === 'Identifier' && arg && arg.type !== 'SpreadElement') params2.set(qid, ev(arg, ctx));
        });
        const inner: FlowContext = {
          ...ctx,
          mod: fv.mod,
          env: { ...ctx.env, params: params2 },
          isOrigin: (x) => {
            const name = identName(x);
            if (name) { const pb = lookup(fv.mod, name, x); if (pb?.kind === 'param' && (pb.node === p || pb.node === pid)) return true; }
            return fv.mod === ctx.mod && ctx.isOrigin(x);
          },
        };
        if (body) return condition(body, inner, 1);
        const chain = guardedReturns(fv.fn, inner) ?? loopReturns(fv.fn, call, inner);
        if (chain) return chain;
      }
    }
    return lit({ kind: 'unknown', reason: 'origin checked by a function cors-lint cannot read', node: call, aboutOrigin: true });
  }
  return undefined;
}

/**
 * The elements of the array literal a list expression comes from (`const list = [a, b].filter(Boolean)`), as
 * written: evaluation keeps no node for an element that is not known.
 */
function sourceElements(node: AstNode, ctx: FlowContext, depth = 0): AstNode[] {
  const n = unwrap(node);
  if (depth > 4) return [];
  if (n.type === 'ArrayExpression') return children(n, 'elements').filter((e) => e.type !== 'SpreadElement');
  if (n.type === 'CallExpression') {
    const callee = unwrap(child(n, 'callee') as AstNode);
    if (callee.type === 'MemberExpression' && memberName(callee) === 'filter') return sourceElements(child(callee, 'object') as AstNode, ctx, depth + 1);
    return [];
  }
  const name = identName(n);
  if (!name) return [];
  const b = lookup(ctx.mod, name, n);
  if (b?.kind !== 'var' || !b.init || b.path.length !== 0 || (b.declKind !== 'const' && ctx.mod.mutated.has(name))) return [];
  return sourceElements(b.init, ctx, depth + 1);
}

/** The expression of `return x;`, alone or as the only statement of a block. */
function soleReturn(n: AstNode | undefined): AstNode | undefined {
  if (!n) return undefined;
  if (n.type === 'ReturnStatement') return child(n, 'argument');
  if (n.type === 'BlockStatement') {
    const b = children(n, 'body');
    return b.length === 1 ? soleReturn(b[0]) : undefined;
  }
  return undefined;
}

/**
 * A predicate written as guard clauses (`if (!origin) return true; if (A) return x; return y;`): what it returns,
 * as a condition. Undefined for any other statement (a helper the analysis cannot read stays unknown).
 */
function guardedReturns(fn: AstNode, ctx: FlowContext): Cond | undefined {
  const body = child(fn, 'body');
  if (!body || body.type !== 'BlockStatement') return undefined;
  const stmts = children(body, 'body');
  if (stmts.length === 0 || stmts.length > 8) return undefined;
  const chain: { test: AstNode; value: AstNode }[] = [];
  let last: AstNode | undefined;
  for (let i = 0; i < stmts.length; i++) {
    const st = stmts[i] as AstNode;
    const final = i === stmts.length - 1;
    if (st.type === 'IfStatement') {
      const test = child(st, 'test') as AstNode;
      const then = soleReturn(child(st, 'consequent'));
      const alt = child(st, 'alternate');
      if (!then) return undefined;
      chain.push({ test, value: then });
      if (alt) {
        if (!final) return undefined;
        last = soleReturn(alt);
        if (!last) return undefined;
      }
      continue;
    }
    if (st.type === 'ReturnStatement' && final) {
      last = child(st, 'argument');
      if (!last) return undefined;
      continue;
    }
    return undefined;
  }
  if (!last) return undefined;
  let out: Cond = FALSE;
  let before: Cond = TRUE;
  for (const c of chain) {
    const t = condition(c.test, ctx, 1);
    out = [...out, ...and(and(before, t), condition(c.value, ctx, 1))];
    before = and(before, not(t, c.test));
  }
  out = [...out, ...and(before, condition(last, ctx, 1))];
  return simplify(out).slice(0, MAX_PATHS + 1);
}

/**
 * `for (const re of list) { if (re.test(origin)) return true; } return false;` over a known list: the union of the
 * test with the loop variable bound to each item, like `list.some((re) => re.test(origin))` (audit 52 js D2: curl
 * showed https://evilsinisterwaltz.com reflected by `/sinisterwaltz\.com$/`). Undefined for any other shape.
 */
function loopReturns(fn: AstNode, call: AstNode, ctx: FlowContext): Cond | undefined {
  const body = child(fn, 'body');
  const stmts = body?.type === 'BlockStatement' ? children(body, 'body') : [];
  const [loop, last] = stmts;
  if (stmts.length !== 2 || loop?.type !== 'ForOfStatement' || last?.type !== 'ReturnStatement') return undefined;
  const after = child(last, 'argument');
  if (after?.type !== 'Literal' || after.value !== false) return undefined;
  const left = child(loop, 'left');
  const decls = left?.type === 'VariableDeclaration' ? children(left, 'declarations') : [];
  const id = decls.length === 1 ? child(decls[0] as AstNode, 'id') : undefined;
  if (id?.type !== 'Identifier') return undefined;
  let inner = child(loop, 'body');
  if (inner?.type === 'BlockStatement') inner = children(inner, 'body').length === 1 ? children(inner, 'body')[0] : undefined;
  if (inner?.type !== 'IfStatement' || child(inner, 'alternate')) return undefined;
  const ret = soleReturn(child(inner, 'consequent'));
  if (ret?.type !== 'Literal' || ret.value !== true) return undefined;
  const list = ev(child(loop, 'right') as AstNode, ctx);
  if (list.t !== 'array') return lit({ kind: 'unknown', reason: list.t === 'unknown' ? list.reason : 'not a list', node: call, aboutOrigin: true });
  const test = child(inner, 'test') as AstNode;
  const out: Cond = [];
  for (const item of list.items) {
    const params = new Map(ctx.env.params ?? []);
    params.set(id, item);
    out.push(...condition(test, { ...ctx, env: { ...ctx.env, params } }, 1));
    if (out.length > MAX_PATHS) return lit({ kind: 'unknown', reason: 'list too long', node: call, aboutOrigin: true });
  }
  return out;
}

function returnedExpression(fn: AstNode): AstNode | undefined {
  const body = child(fn, 'body');
  if (!body) return undefined;
  if (body.type !== 'BlockStatement') return body;
  const stmts = children(body, 'body');
  if (stmts.length === 1 && stmts[0]?.type === 'ReturnStatement') return child(stmts[0], 'argument');
  return undefined;
}

/** `'.' + origin` / `` `.${hostname}` ``: a constant prefix before a part of the origin. */
function prefixedSubject(node: AstNode, ctx: FlowContext): { prefix: string; on: StringTest['on']; ci: boolean } | undefined {
  const u = unwrap(node);
  if (u.type === 'BinaryExpression' && u.operator === '+') {
    const pre = ev(child(u, 'left') as AstNode, ctx);
    const subj = originSubject(child(u, 'right') as AstNode, ctx);
    return pre.t === 'str' && subj ? { prefix: pre.v, ...subj } : undefined;
  }
  if (u.type === 'TemplateLiteral') {
    const quasis = children(u, 'quasis');
    const exprs = children(u, 'expressions');
    const tail = quasis[1] ? (quasis[1].value as { cooked?: string } | undefined)?.cooked : undefined;
    const head = quasis[0] ? (quasis[0].value as { cooked?: string } | undefined)?.cooked : undefined;
    const subj = exprs.length === 1 && tail === '' ? originSubject(exprs[0] as AstNode, ctx) : undefined;
    return subj && head !== undefined ? { prefix: head, ...subj } : undefined;
  }
  return undefined;
}

/**
 * `(p + x).endsWith(s)`: x ends with s, or x is the part of s after an overlap with the end of p
 * (`('.' + hostname).endsWith('.example.com')` holds for example.com itself and its subdomains). An origin
 * equal to a scheme-less string is impossible, so such terms are left out.
 */
function prefixedEndsWith(subj: { prefix: string; on: StringTest['on']; ci: boolean }, v: JsValue & { t: 'str' }, call: AstNode, ctx: FlowContext): Cond {
  const span = spanOf(ctx.mod, call);
  const test = (op: StringTest['op'], value: string): Lit[] => [{ atom: { kind: 'entries', entries: [{ type: 'tests', all: [{ op, on: subj.on, value, caseInsensitive: subj.ci, span: valueSpan(v) }], span }], node: call }, positive: true }];
  const out: Cond = [test('endsWith', v.v)];
  for (let k = 1; k <= Math.min(subj.prefix.length, v.v.length); k++) {
    if (!subj.prefix.endsWith(v.v.slice(0, k))) continue;
    const rest = v.v.slice(k);
    if (subj.on === 'origin' && !rest.includes('://') && rest !== 'null') continue;
    out.push(test('equals', rest));
  }
  return out;
}

/** Methods that return a boolean when called on a string, an array or a set, or a RegExp's test(). */
const BOOLEAN_METHODS: ReadonlySet<string> = new Set(['includes', 'has', 'startsWith', 'endsWith', 'test', 'some', 'every']);

/** A call about the origin that returns a boolean: `list.includes(origin)`, `origin.endsWith(x)`, `re.test(origin)`. */
function isBooleanOriginCall(call: AstNode, ctx: FlowContext): boolean {
  const callee = unwrap(child(call, 'callee') as AstNode);
  if (callee.type !== 'MemberExpression' || !BOOLEAN_METHODS.has(memberName(callee) ?? '')) return false;
  return mentionsOrigin(call, ctx);
}

/** An expression whose value is a boolean whatever its operands: a comparison, a negation, or a logic of these. */
function isBooleanExpr(node: AstNode): boolean {
  const n = unwrap(node);
  if (n.type === 'UnaryExpression') return n.operator === '!';
  if (n.type === 'BinaryExpression') return ['===', '!==', '==', '!=', '<', '<=', '>', '>=', 'in', 'instanceof'].includes(n.operator as string);
  if (n.type === 'LogicalExpression') return isBooleanExpr(child(n, 'left') as AstNode) && isBooleanExpr(child(n, 'right') as AstNode);
  return false;
}

function someAtom(call: AstNode, fn: AstNode, list: JsValue, ctx: FlowContext): Cond {
  const p = children(fn, 'params')[0];
  const body = returnedExpression(fn);
  if (!p || !identName(p) || (!body && child(fn, 'body')?.type !== 'BlockStatement')) return lit({ kind: 'unknown', reason: 'callback', node: call, aboutOrigin: true });
  if (list.t !== 'array') return lit({ kind: 'unknown', reason: list.t === 'unknown' ? list.reason : 'not a list', node: call, aboutOrigin: true });
  // Evaluate the predicate once per list element, with the parameter bound to the element. A block body of guard
  // clauses (`if (typeof o === 'string') { return origin === o; } return o.test(origin);`, audit 25 case 04) is
  // read as its chain of returns.
  const out: Cond = [];
  for (const item of list.items) {
    const env: EvalEnv = { ...ctx.env, params: new Map(ctx.env.params ?? []) };
    env.params?.set(p, item);
    const c = body ? condition(body, { ...ctx, env }, 1) : guardedReturns(fn, { ...ctx, env });
    if (!c) return lit({ kind: 'unknown', reason: 'callback', node: call, aboutOrigin: true });
    out.push(...c);
    if (out.length > MAX_PATHS) return lit({ kind: 'unknown', reason: 'list too long', node: call, aboutOrigin: true });
  }
  return out;
}

/**
 * `list.find((o) => o === origin) || fallback` and `list.filter((o) => o === origin)[0] || fallback` (audit 16
 * case 08): the item found equals the Origin, so this is `list.includes(origin) ? origin : fallback`. The test
 * as a condition, the node that is the Origin (inside the callback) and the fallback; undefined for other shapes.
 */
export function equalitySelection(node: AstNode, ctx: FlowContext): { test: Lit[][]; origin: AstNode; fallback: AstNode } | undefined {
  const n = unwrap(node);
  if (n.type !== 'LogicalExpression' || (n.operator !== '||' && n.operator !== '??')) return undefined;
  let sel = unwrap(child(n, 'left') as AstNode);
  const fallback = child(n, 'right') as AstNode;
  // filter(...)[0]
  if (sel.type === 'MemberExpression' && sel.computed && (child(sel, 'property') as AstNode | undefined)?.value === 0) sel = unwrap(child(sel, 'object') as AstNode);
  else if (sel.type === 'MemberExpression') return undefined;
  if (sel.type !== 'CallExpression') return undefined;
  const callee = unwrap(child(sel, 'callee') as AstNode);
  const method = callee.type === 'MemberExpression' ? memberName(callee) : undefined;
  const fn = args(sel)[0] ? unwrap(args(sel)[0] as AstNode) : undefined;
  if ((method !== 'find' && method !== 'filter') || !fn || !isFunction(fn) || args(sel).length !== 1) return undefined;
  if (method === 'filter' && unwrap(child(n, 'left') as AstNode) === sel) return undefined;
  const p = identName(children(fn, 'params')[0]);
  const body = returnedExpression(fn);
  if (!p || !body || body.type !== 'BinaryExpression' || !['===', '=='].includes(body.operator as string)) return undefined;
  const [l, r] = [unwrap(child(body, 'left') as AstNode), unwrap(child(body, 'right') as AstNode)];
  const origin = identName(l) === p && ctx.isOrigin(r) ? r : identName(r) === p && ctx.isOrigin(l) ? l : undefined;
  if (!origin) return undefined;
  const list = ev(child(callee, 'object') as AstNode, ctx);
  if (list.t !== 'array' || !list.items.every((i) => i.t === 'str' && i.v !== '')) return undefined;
  return { test: someAtom(sel, fn, list, ctx), origin, fallback };
}

// ─── Paths through statements ──────────────────────────────────────────────────────────────────────

class Walker {
  readonly effects: Effect[] = [];
  incomplete: string | undefined;

  constructor(private ctx: FlowContext) {}

  /**
   * `for (const re of ALLOWED) { if (re.test(origin)) return callback(null, true); }` over a list the evaluation
   * knows: unrolled, one pass of the body per element with the loop variable bound to it, so the paths that leave
   * inside the loop carry the element's test and the paths after it carry the negation of every element's. Only a
   * body without `break`/`continue` (or labels) and a short list; anything else is walked as an unknown loop.
   */
  private unrolledForOf(s: AstNode, paths: Path[], depth: number): Path[] | undefined {
    const left = child(s, 'left');
    const decls = left?.type === 'VariableDeclaration' ? children(left, 'declarations') : [];
    const id = decls.length === 1 ? child(decls[0] as AstNode, 'id') : undefined;
    const body = child(s, 'body');
    if (s.await || id?.type !== 'Identifier' || !body) return undefined;
    let jumps = false;
    walk(body, (x) => {
      if (x.type === 'BreakStatement' || x.type === 'ContinueStatement' || x.type === 'LabeledStatement') jumps = true;
      return !jumps && !isFunction(x);
    });
    if (jumps) return undefined;
    const list = ev(child(s, 'right') as AstNode, this.ctx);
    if (list.t !== 'array' || list.items.length > MAX_UNROLL) return undefined;
    const outer = this.ctx;
    let cur = paths;
    try {
      for (const item of list.items) {
        if (cur.length === 0) break;
        const params = new Map(outer.env.params ?? []);
        params.set(id, item);
        this.ctx = { ...outer, env: { ...outer.env, params } };
        cur = this.statement(body, cur, depth + 1);
        if (cur.length >= MAX_PATHS) {
          this.incomplete ??= 'too many paths';
          break;
        }
      }
    } finally {
      this.ctx = outer;
    }
    return cur;
  }

  private fork(paths: Path[], cond: Cond): Path[] {
    const out: Path[] = [];
    for (const p of paths) for (const conj of cond) out.push([...p, ...conj]);
    if (out.length > MAX_PATHS) {
      this.incomplete ??= 'too many paths';
      return out.slice(0, MAX_PATHS);
    }
    return out.filter(this.ctx.keepDecided ? (p) => feasible(p.filter((l) => !(l.atom.kind === 'const' && l.atom.via))) : feasible);
  }

  /** Records the interesting calls of an expression (not inside nested functions), in evaluation order. */
  expression(node: AstNode, paths: Path[]): Path[] {
    const n = unwrap(node);
    if (n.type === 'ConditionalExpression') {
      const c = condition(child(n, 'test') as AstNode, this.ctx);
      this.expression(child(n, 'consequent') as AstNode, this.fork(paths, c));
      this.expression(child(n, 'alternate') as AstNode, this.fork(paths, not(c, n)));
      return paths;
    }
    if (n.type === 'LogicalExpression' && (n.operator === '&&' || n.operator === '||')) {
      const c = condition(child(n, 'left') as AstNode, this.ctx);
      this.expression(child(n, 'left') as AstNode, paths);
      this.expression(child(n, 'right') as AstNode, this.fork(paths, n.operator === '&&' ? c : not(c, n)));
      return paths;
    }
    const calls: AstNode[] = [];
    const stack: [AstNode, boolean][] = [[n, false]];
    // Post-order without recursion: inner calls (res.status(204)) before outer ones (.end()).
    while (stack.length) {
      const [cur, visited] = stack.pop() as [AstNode, boolean];
      if (visited) {
        if (cur.type === 'CallExpression' && this.ctx.interesting(cur)) calls.push(cur);
        else if (cur.type === 'AssignmentExpression' && this.ctx.interestingAssignment?.(cur)) calls.push(cur);
        continue;
      }
      if (isFunction(cur) && cur !== n) {
        // A call of interest inside a nested function (a promise, a DB lookup) runs at a time the analysis does
        // not follow: unless it is one that may come later (the response sent from the callback), the function
        // is not understood.
        let nested = false;
        const later: AstNode[] = [];
        walk(cur, (x) => {
          if (x.type === 'CallExpression' && this.ctx.interesting(x)) {
            if (this.ctx.deferrable?.(x)) later.push(x);
            else nested = true;
          }
          return !nested;
        });
        if (nested) this.incomplete ??= 'the response is produced inside a nested callback';
        else calls.push(...later);
        continue;
      }
      stack.push([cur, true]);
      // childNodes skips `parent` links (ESLint's trees have them) and comments.
      const kids = childNodes(cur);
      for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i] as AstNode, false]);
    }
    for (const c of calls) for (const p of paths) this.effects.push({ kind: 'call', call: c, path: p });
    return paths;
  }

  statements(stmts: AstNode[], paths: Path[], depth = 0): Path[] {
    let cur = paths;
    for (const s of stmts) {
      if (cur.length === 0) break;
      cur = this.statement(s, cur, depth);
    }
    return cur;
  }

  statement(s: AstNode, paths: Path[], depth: number): Path[] {
    if (depth > 40) {
      this.incomplete ??= 'nested too deeply';
      return paths;
    }
    switch (s.type) {
      case 'BlockStatement':
        return this.statements(children(s, 'body'), paths, depth + 1);
      case 'ExpressionStatement':
        return this.expression(child(s, 'expression') as AstNode, paths);
      case 'VariableDeclaration':
        for (const d of children(s, 'declarations')) {
          const init = child(d, 'init');
          if (init) this.expression(init, paths);
        }
        return paths;
      case 'ReturnStatement': {
        const arg = child(s, 'argument');
        if (arg) this.expression(arg, paths);
        return [];
      }
      case 'ThrowStatement':
        return [];
      case 'IfStatement': {
        // Calls in the test happen first, on every path (`if (applyCors(req, res)) return;`).
        this.expression(child(s, 'test') as AstNode, paths);
        const c = condition(child(s, 'test') as AstNode, this.ctx);
        const thenOut = this.statement(child(s, 'consequent') as AstNode, this.fork(paths, c), depth + 1);
        const alt = child(s, 'alternate');
        const elsePaths = this.fork(paths, not(c, s));
        const elseOut = alt ? this.statement(alt, elsePaths, depth + 1) : elsePaths;
        return [...thenOut, ...elseOut].slice(0, MAX_PATHS);
      }
      case 'TryStatement': {
        const out = this.statement(child(s, 'block') as AstNode, paths, depth + 1);
        const fin = child(s, 'finalizer');
        return fin ? this.statement(fin, out, depth + 1) : out;
      }
      case 'ForOfStatement': {
        const out = this.unrolledForOf(s, paths, depth);
        if (out) return out;
        return this.unknownLoop(s, paths, depth);
      }
      case 'EmptyStatement':
      case 'FunctionDeclaration':
      case 'ClassDeclaration':
      case 'TSTypeAliasDeclaration':
      case 'TSInterfaceDeclaration':
        return paths;
      default:
        return this.unknownLoop(s, paths, depth);
    }
  }

  /** Loops, switch, labels: the body is walked under an unknown condition, and every path goes on after it. */
  private unknownLoop(s: AstNode, paths: Path[], depth: number): Path[] {
    const unknownCond = lit({ kind: 'unknown', reason: `${s.type}`, node: s, aboutOrigin: false });
    const inner = this.fork(paths, unknownCond);
    for (const key of ['body', 'consequent', 'cases', 'block']) {
      const v = s[key];
      const nodes = Array.isArray(v) ? (v as AstNode[]) : v && typeof v === 'object' ? [v as AstNode] : [];
      for (const x of nodes) {
        if (x.type === 'SwitchCase') this.statements(children(x, 'consequent'), inner, depth + 1);
        else if (typeof x.type === 'string') this.statement(x, inner, depth + 1);
      }
    }
    return paths;
  }
}

function feasible(p: Path): boolean {
  for (const l of p) if (l.atom.kind === 'const' && l.atom.value !== l.positive) return false;
  // `origin` both present and absent.
  const noOrigin = p.filter((l) => l.atom.kind === 'no-origin');
  if (noOrigin.some((l) => l.positive) && noOrigin.some((l) => !l.positive)) return false;
  const methods = p.filter((l) => l.atom.kind === 'method' && l.positive).map((l) => (l.atom as { method: string }).method);
  if (new Set(methods).size > 1) return false;
  for (const l of p) if (l.atom.kind === 'method' && !l.positive && methods.includes(l.atom.method)) return false;
  return true;
}

/** Follows a function body and records its interesting calls with their path conditions. */
export function followFunction(fn: AstNode, ctx: FlowContext): FlowResult {
  const w = new Walker(ctx);
  const body = child(fn, 'body');
  if (!body) return { effects: [], incomplete: 'no body' };
  if (body.type === 'BlockStatement') w.statements(children(body, 'body'), [[]]);
  else w.expression(body, [[]]);
  return w.incomplete ? { effects: w.effects, incomplete: w.incomplete } : { effects: w.effects };
}

export interface AllowedSet {
  /** Every origin (except, perhaps, a block list) is accepted on some path. */
  any: boolean;
  /** How a constant on that path was decided (an environment variable's default when it is unset). */
  anyVia?: string;
  /**
   * Every path that accepts every origin gets there through a Referer test the requesting page passes at will (it
   * sends no Referer, or its own URL with the path it picks): the finding says that check does not protect.
   */
  anyByReferer?: boolean;
  entries: OriginEntry[];
  /** Paths whose accepted origins cannot be decided. */
  unknown: AstNode[];
}

/**
 * What a set of "allow" paths accepts. Paths that only run without an Origin header are not CORS.
 * Negated origin tests only shrink a path's set, so they are ignored, except that a path with no
 * positive origin test and an unknown negated one is unknown.
 */
export function allowedBy(paths: Path[]): AllowedSet {
  const out: AllowedSet = { any: false, entries: [], unknown: [] };
  // An unknown condition leaves the path's set unknown, except a negated finite one (every origin outside a
  // list passes) and one the sender's own request decides (`req.path !== '/'`: the attacker picks the path).
  const unknownOn = (p: Path) => p.find((l) => l.atom.kind === 'unknown' && !l.atom.chosen && (l.positive || (l.atom.aboutOrigin && !l.atom.finite)));
  const positivesOn = (p: Path) => p.filter((l) => l.positive && l.atom.kind === 'entries').map((l) => l.atom as Atom & { kind: 'entries' });
  // Paths are often products of two expansions of one condition (the callback's path after an if/else times
  // the path of the assignment it reads): the cross terms are contradictory or included in others.
  const simplified = simplify(paths);
  for (const p of simplified) {
    if (!feasible(p)) continue;
    if (p.some((l) => l.atom.kind === 'no-origin' && l.positive)) continue;
    const positives = positivesOn(p);
    const unknownPos = unknownOn(p);
    if (positives.length === 0) {
      if (unknownPos) out.unknown.push(unknownPos.atom.node);
      else {
        const byReferer = p.some((l) => l.atom.kind === 'unknown' && l.atom.referer === true);
        out.anyByReferer = (out.anyByReferer ?? true) && byReferer;
        out.any = true;
        const decided = p.find((l) => l.atom.kind === 'const' && l.atom.via);
        if (decided && !out.anyVia) out.anyVia = (decided.atom as { via: string }).via;
      }
      continue;
    }
    if (positives.length === 1) {
      const only = positives[0] as Atom & { kind: 'entries' };
      out.entries.push(...only.entries);
      if (only.partly) out.unknown.push(...only.partly);
      continue;
    }
    // A conjunction with a partly known list: not decided.
    if (positives.some((a) => a.partly)) {
      out.unknown.push((positives[0] as Atom).node);
      continue;
    }
    // Several positive tests on one path: a conjunction. String tests combine into one entry; otherwise the
    // most specific one (an exact list) bounds the set from above.
    const allTests = positives.every((a) => a.entries.length === 1 && a.entries[0]?.type === 'tests');
    if (allTests) {
      const all = positives.flatMap((a) => (a.entries[0] as { all: StringTest[] }).all);
      // A conjunction holds as decided only while each decided part does: the first part's provenance says so.
      const via = positives.map((a) => (a.entries[0] as { via?: string }).via).find((x) => x);
      out.entries.push({ type: 'tests', all, span: (all[0] as StringTest).span, ...(via ? { via } : {}) });
      continue;
    }
    const literalList = positives.find((a) => a.entries.every((e) => e.type === 'literal'));
    if (literalList) out.entries.push(...literalList.entries);
    else out.unknown.push((positives[0] as Atom).node);
  }
  // The note says the acceptance comes from how an environment variable was decided (its default when unset). Not
  // when another path, ruled out only by such decided constants, accepts every origin too: then every origin is
  // accepted whatever the variable holds (`if (!isProduction) return cb(null, true); ...; cb(null, true)`, audit 50
  // js c16), and the note would suggest that setting it makes the policy safe.
  if (out.anyVia !== undefined) {
    const undecided = (p: Path) => p.filter((l) => !(l.atom.kind === 'const' && l.atom.via));
    const acceptsAllOtherwise = simplified.some((p) => !feasible(p) && feasible(undecided(p)) && !p.some((l) => l.atom.kind === 'no-origin' && l.positive) && positivesOn(p).length === 0 && !unknownOn(p));
    if (acceptsAllOtherwise) delete out.anyVia;
  }
  if (!out.anyByReferer) delete out.anyByReferer;
  out.entries = dedupeEntries(out.entries);
  return out;
}

/** The note a finding gives when a Referer test is what lets every origin through (AllowedSet.anyByReferer). */
export const REFERER_NOTE = 'the Referer check does not protect: the requesting page can send no Referer, or its own URL with any path it picks';

function entryKey(e: OriginEntry): string {
  return `${e.type}|${e.span.file}|${e.span.start}|${e.span.end}|${JSON.stringify(e.type === 'tests' ? e.all.map((t) => [t.op, t.on, t.value]) : e.type === 'literal' ? e.value : e.type === 'regex' ? e.pattern : e.haystack)}`;
}

function dedupeEntries(entries: OriginEntry[]): OriginEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const k = entryKey(e);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
