/** Helpers shared by the FastAPI/Starlette and Flask extraction: AST walking, scopes, model building. */
import type { ProjectHost } from '../../engine/host.js';
import { known, unknown, type CorsPolicy, type OriginEntry, type Span, type Token, type TokenList, type Valued } from '../../model/index.js';
import { isTruthy, spanOf, unsetVariable, type Evaluator, type PyVal, type Scope } from './evaluate.js';
import type { PyNode } from './parser.js';
import { indexBlock, paramName, resolveModulePath, type PyModule } from './project.js';

export { paramName };

/** Visits every node with the stack of enclosing function definitions (innermost last). No recursion. */
export function walk(root: PyNode, visit: (n: PyNode, fns: PyNode[]) => void): void {
  const stack: { n: PyNode; fns: PyNode[] }[] = [{ n: root, fns: [] }];
  while (stack.length) {
    const { n, fns } = stack.pop() as { n: PyNode; fns: PyNode[] };
    visit(n, fns);
    const inner = n.type === 'function_definition' ? [...fns, n] : fns;
    for (let i = n.children.length - 1; i >= 0; i--) stack.push({ n: n.children[i] as PyNode, fns: inner });
  }
}

/**
 * The functions a node sits in, outermost first (empty at module level). A walk of the module, for the rare caller
 * that holds a node without its place (`Starlette(routes=routes)` built inside `create_app()`).
 */
export function functionsAround(mod: PyModule, node: PyNode): PyNode[] {
  let found: PyNode[] = [];
  const stack: { n: PyNode; fns: PyNode[] }[] = [{ n: mod.root, fns: [] }];
  while (stack.length) {
    const { n, fns } = stack.pop() as { n: PyNode; fns: PyNode[] };
    if (n === node) {
      found = fns;
      break;
    }
    if (n.start > node.start || n.end < node.end) continue;
    const inner = n.type === 'function_definition' ? [...fns, n] : fns;
    for (const c of n.children) stack.push({ n: c, fns: inner });
  }
  return found;
}

/** The evaluation scope of code inside `fns` (the innermost function body, then the module). */
export function scopeAt(host: ProjectHost, mod: PyModule, fns: PyNode[]): Scope {
  const fn = fns[fns.length - 1];
  if (!fn || !fn.fields.body) return { mod };
  const body = fn.fields.body;
  const index = host.memo(`python:fnindex:${mod.path}:${fn.start}`, () => indexBlock(body));
  // The enclosing functions' bodies come before the module's names (closures).
  const outer = fns.length > 1 ? scopeAt(host, mod, fns.slice(0, -1)) : undefined;
  return outer && outer.fn ? { mod, fn: { node: fn, index }, outer } : { mod, fn: { node: fn, index } };
}

/**
 * The scope of a function defined inside `enclosing` (a hook or view written in `create_app()`): its own body,
 * then the enclosing function's names (closures), then the module. Only when `enclosing` is a function scope of
 * the same module.
 */
export function nestedScope(host: ProjectHost, mod: PyModule, def: PyNode, enclosing: Scope): Scope {
  const own = scopeAt(host, mod, [def]);
  return enclosing.mod === mod && enclosing.fn ? { ...own, outer: enclosing } : own;
}

export interface CallArgs {
  positional: PyNode[];
  /** keyword name → the keyword_argument node (its `value` field is the expression). */
  keywords: Map<string, PyNode>;
  /** `**options` present: unknown keywords may be passed. */
  splat: PyNode | undefined;
}

export function callArgs(call: PyNode): CallArgs {
  const positional: PyNode[] = [];
  const keywords = new Map<string, PyNode>();
  let splat: PyNode | undefined;
  for (const a of call.fields.arguments?.children ?? []) {
    if (a.type === 'keyword_argument') {
      const k = a.fields.name?.text;
      if (k) keywords.set(k, a);
    } else if (a.type === 'dictionary_splat' || a.type === 'list_splat') splat = a;
    else if (a.type !== 'comment') positional.push(a);
  }
  return { positional, keywords, splat };
}

/**
 * A call's first parameter, passed by position or by its keyword (`add_middleware(middleware_class=X)`,
 * `Middleware(cls=X)`), and the arguments left for the rest of the signature.
 */
export function firstParam(args: CallArgs, keyword: string): { node: PyNode | undefined; rest: CallArgs } {
  const positional = args.positional[0];
  if (positional) return { node: positional, rest: { ...args, positional: args.positional.slice(1) } };
  const kw = args.keywords.get(keyword);
  if (!kw) return { node: undefined, rest: args };
  const keywords = new Map(args.keywords);
  keywords.delete(keyword);
  return { node: kw.fields.value, rest: { ...args, keywords } };
}

/** The span to blame for an option: the `name=value` argument when the value is written there, else where the value comes from. */
export function blameSpan(mod: PyModule, kw: PyNode | undefined, v: PyVal, fallback: Span): Span {
  if (!kw) return v.span.file === mod.path && v.span.start === 0 && v.span.end === 0 ? fallback : v.span;
  const value = kw.fields.value;
  if (value && v.span.file === mod.path && v.span.start >= value.start && v.span.end <= value.end && (value.type === 'true' || value.type === 'false' || value.type === 'integer' || value.type === 'string')) {
    return spanOf(mod, kw);
  }
  return v.span;
}

/** The source characters of a string written verbatim (`lit` offset), for fixes that edit the value in place. */
export function litSpan(v: PyVal): { textSpan: Span } | Record<string, never> {
  if (v.t === 'str' && v.lit !== undefined) return { textSpan: { file: v.span.file, start: v.lit, end: v.lit + v.v.length } };
  if (v.t === 'regex' && v.lit !== undefined) return { textSpan: { file: v.span.file, start: v.lit, end: v.lit + v.pattern.length } };
  return {};
}

export function reasonOf(v: PyVal): string {
  return v.t === 'unknown' ? v.reason : `a ${v.t} value`;
}

export function strItems(v: PyVal): { items: Extract<PyVal, { t: 'str' }>[]; unknownSpans: Span[]; other: PyVal[] } | undefined {
  if (v.t !== 'seq') return undefined;
  const items: Extract<PyVal, { t: 'str' }>[] = [];
  const unknownSpans: Span[] = [];
  const other: PyVal[] = [];
  for (const i of v.items) {
    if (i.t === 'str') items.push(i);
    else if (i.t === 'unknown') unknownSpans.push(i.span);
    else other.push(i);
  }
  return { items, unknownSpans, other };
}

export function tokensOf(items: Extract<PyVal, { t: 'str' }>[]): Token[] {
  return items.map((i) => ({ value: i.v, span: i.span }));
}

/** A bool option: known value, or unknown with the reason. */
export function boolOption(mod: PyModule, kw: PyNode | undefined, v: PyVal | undefined, def: boolean, defSpan: Span, defVia: string): Valued<boolean> {
  if (!v) return known(def, defSpan, defVia);
  if (v.t === 'unknown') return unknown(v.reason, v.span);
  if (v.t === 'bool' || v.t === 'num' || v.t === 'none' || v.t === 'str' || v.t === 'seq') {
    const truth = v.t === 'bool' ? v.v : v.t === 'num' ? v.v !== 0 : v.t === 'none' ? false : v.t === 'str' ? v.v !== '' : v.items.length > 0;
    return known(truth, blameSpan(mod, kw, v, v.span), v.via);
  }
  return unknown(`${v.t} value`, v.span);
}

export function literalEntry(s: Extract<PyVal, { t: 'str' }>, caseInsensitive: boolean): OriginEntry {
  return { type: 'literal', value: s.v, caseInsensitive, span: s.span, ...litSpan(s) };
}

export function listTokens(items: Token[]): TokenList {
  return { kind: 'list', items };
}

export function evalKw(ev: Evaluator, args: CallArgs, name: string, scope: Scope): { kw: PyNode; v: PyVal } | undefined {
  const kw = args.keywords.get(name);
  if (kw) return { kw, v: ev.eval(kw.fields.value, scope) };
  // `**options` with a mapping cors-lint can read (`dict(allow_origins=[...])`, `{"allow_origins": [...]}`).
  const splat = splatEntries(ev, args, scope);
  const entry = splat?.get(name);
  return entry && args.splat ? { kw: args.splat, v: entry } : undefined;
}

/** The keywords a `**mapping` argument passes, when the mapping is known with string keys; else undefined. */
export function splatEntries(ev: Evaluator, args: CallArgs, scope: Scope): Map<string, PyVal> | undefined {
  if (!args.splat || args.splat.type !== 'dictionary_splat') return undefined;
  const inner = args.splat.children[0];
  if (!inner) return undefined;
  const v = ev.eval(inner, scope);
  if (v.t !== 'dict') return undefined;
  const out = new Map<string, PyVal>();
  for (const e of v.entries) {
    if (e.key.t !== 'str') return undefined;
    out.set(e.key.v, e.value);
  }
  return out;
}

/** Identity of an object created by a call (an app, a router, an extension). */
export function objKey(v: PyVal): string | undefined {
  if (v.t === 'call') return `${v.mod.path}#${v.node.start}`;
  return undefined;
}

/** Header names a FastAPI `Header()` parameter reads: `x_token` → `x-token` (convert_underscores). */
export function headerParamName(param: string, alias: string | undefined): string {
  return (alias ?? param.replace(/_/g, '-')).toLowerCase();
}

/** Request headers a browser client may send that an API reads (not proxy-set or forbidden ones). */
export function isClientHeader(name: string): boolean {
  const n = name.toLowerCase();
  if (n === 'authorization') return true;
  if (!n.startsWith('x-')) return false;
  return !/^x-(forwarded|real-ip|request-start|amzn|vercel|envoy|cloud|appengine|original|scheme|client-ip|hub-signature|github|gitlab|slack|twilio|line-signature|shopify)/.test(n);
}

/**
 * Project modules a module imports (one level): where decorators on its objects may also live. Importing runs the
 * module, so `from .views import index` and `from .views import *` count as much as `from . import views` (audit
 * 41 py D3: a blueprint package whose __init__.py ends with one of these).
 */
export function importedModules(ev: Evaluator, mod: PyModule, limit = 30): PyModule[] {
  const out = new Map<string, PyModule>();
  const add = (m: PyModule | undefined) => {
    if (m && m.path !== mod.path && out.size < limit) out.set(m.path, m);
  };
  const idx = ev.index(mod);
  for (const [, bs] of idx.bindings) {
    for (const b of bs) {
      if (b.kind !== 'import-from') continue;
      const v = ev.importFrom(mod, b.module, b.level, b.name, { file: mod.path, start: b.stmt.start, end: b.stmt.end });
      add(v.t === 'module' ? v.mod : undefined);
      // The module the name is read from (not `from . import x`, which names the package itself).
      if (b.module !== '') {
        const p = resolveModulePath(ev.host, mod.path, b.module, b.level);
        add(p ? ev.moduleByPath(p) : undefined);
      }
    }
  }
  for (const st of idx.starImports) {
    const p = resolveModulePath(ev.host, mod.path, st.module, st.level);
    add(p ? ev.moduleByPath(p) : undefined);
  }
  return [...out.values()];
}

/** Whether a function's body reads a JSON request body (`await request.json()`). */
export function readsJsonBody(mod: PyModule, fn: PyNode): boolean {
  const body = fn.fields.body;
  return !!body && /\.json\(\s*\)/.test(mod.text.slice(body.start, body.end));
}

/**
 * Whether `a` and `b` sit in different branches (the `if` body, an `elif`, the `else`) of one `if` statement: in
 * one run at most one of them executes, so neither can be ordered before the other (audit 36 py D2: a middleware
 * added in the `else` of the `if` that adds CORSMiddleware never runs together with it).
 */
export function exclusiveBranches(root: PyNode, a: PyNode, b: PyNode): boolean {
  const inside = (n: PyNode, x: PyNode) => n.start <= x.start && x.end <= n.end;
  let cur = root;
  for (let depth = 0; depth < 200; depth++) {
    const ca = cur.children.find((c) => inside(c, a));
    const cb = cur.children.find((c) => inside(c, b));
    if (!ca || !cb) return false;
    if (ca !== cb) {
      if (cur.type !== 'if_statement') return false;
      const branch = (c: PyNode) => c === cur.fields.consequence || c.type === 'elif_clause' || c.type === 'else_clause';
      return branch(ca) && branch(cb);
    }
    if (ca === a || ca === b) return false;
    cur = ca;
  }
  return false;
}

/** The value an ASGI import string (`"pkg.module:attr.sub"`, uvicorn's `import_from_string`) names, when in the project. */
export function importStringTarget(ev: Evaluator, from: PyModule, text: string, span: Span): PyVal | undefined {
  const m = /^([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*):([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)$/.exec(text.trim());
  if (!m) return undefined;
  const p = resolveModulePath(ev.host, from.path, m[1] as string, 0);
  const target = p ? ev.moduleByPath(p) : undefined;
  if (!target) return undefined;
  const [first, ...rest] = (m[2] as string).split('.');
  let v = ev.moduleName(target, first as string, span);
  for (const attr of rest) v = ev.getAttr(v, attr, span);
  return v;
}

/** `if __name__ == "__main__":` (either operand order, either quote). */
function isMainCheck(mod: PyModule, cond: PyNode): boolean {
  const t = mod.text.slice(cond.start, cond.end).replace(/\s+/g, ' ').trim();
  return /^(__name__ ?== ?(['"])__main__\2|(['"])__main__\3 ?== ?__name__)$/.test(t);
}

/**
 * Whether the `if __name__ == "__main__":` block `block` starts the server only through uvicorn import strings
 * (`uvicorn.run("main:app", reload=True)`) that name an app this module itself creates (directly, or through a module
 * that imports it): uvicorn then imports that module afresh (importlib, under its own name, not `__main__`), so the
 * served app is a new object whose module code skipped the block, and what the block registered on this script's
 * `app` never reaches it (audit 40 py D1; checked on uvicorn 0.17: the preflight gets 405 without CORS headers).
 * Any other way of serving in the block (`uvicorn.run(app)`, `app.run()`) keeps the block undecided.
 */
function servesFreshImport(ev: Evaluator, host: ProjectHost, mod: PyModule, block: PyNode, fns: PyNode[]): boolean {
  const scope = scopeAt(host, mod, fns);
  let served = 0;
  let other = false;
  walk(block, (n) => {
    if (other || n.type !== 'call') return;
    const fn = n.fields.function;
    const name = fn?.type === 'attribute' ? fn.fields.attribute?.text : fn?.type === 'identifier' ? fn.text : undefined;
    if (!fn || (name !== 'run' && name !== 'serve')) return;
    const callee = ev.eval(fn, scope);
    const recv = fn.type === 'attribute' && fn.fields.object ? ev.eval(fn.fields.object, scope) : undefined;
    const uvicorn = (callee.t === 'ext' && callee.qname === 'uvicorn.run') || (name === 'run' && recv?.t === 'ext' && recv.qname === 'uvicorn');
    const first = callArgs(n).positional[0] ?? callArgs(n).keywords.get('app')?.fields.value;
    const arg = uvicorn && first ? ev.eval(first, scope) : undefined;
    const target = arg?.t === 'str' ? importStringTarget(ev, mod, arg.v, arg.span) : undefined;
    if (target?.t === 'call' && target.mod.path === mod.path) served++;
    else other = true;
  });
  return served > 0 && !other;
}

/** How the `if` statements around a registration decide whether it runs (see `registrationGuard`). */
export interface RegistrationGuard {
  /** The first condition the model cannot decide: the registration may be absent at run time (CorsPolicy.condition). */
  condition?: { span: Span; text: string };
  /** A condition decided by an environment default (`if settings.DEV:` with DEV defaulting to True): it holds only then. */
  note?: string;
  /** Variables the registration's branch needs set: their "default when unset" does not apply there. */
  assumeSet: string[];
}

/**
 * Whether the `if`/`elif`/`else` branches around `node` let it run (audit 35 mix D1, py D3), as the Express
 * extractor's guard does: 'dead' when a condition known to be false (a constant, an environment default, a class
 * default) rules it out; otherwise the first undecidable condition, a note for conditions that hold only through an
 * environment default, and the variables the branch needs set (`if os.getenv("X"):`). A condition decided only by
 * a function parameter's default does not make the registration dead (callers may pass another value): it is then
 * undecidable.
 */
export function registrationGuard(ev: Evaluator, host: ProjectHost, mod: PyModule, node: PyNode): 'dead' | RegistrationGuard {
  const out: RegistrationGuard = { assumeSet: [] };
  const text = (n: PyNode) => mod.text.slice(n.start, n.end).replace(/\s+/g, ' ').trim();
  const negate = (n: PyNode) => (/^[\w.]+(\(.*\))?$/.test(text(n)) ? `not ${text(n)}` : `not (${text(n)})`);
  const check = (cond: PyNode, want: boolean, fns: PyNode[]): boolean => {
    const v = ev.eval(cond, scopeAt(host, mod, fns));
    let t = isTruthy(v);
    // A parameter's default rules nothing out: a caller may pass another value (`create_app(enable_cors=True)`).
    if (t !== undefined && t !== want && v.via?.startsWith('default of parameter')) t = undefined;
    if (t === undefined) {
      out.condition ??= { span: spanOf(mod, cond), text: want ? text(cond) : negate(cond) };
      // `if os.getenv("X"):` / the else of `if not os.getenv("X"):`: this branch runs only with X set.
      const inner = cond.type === 'not_operator' && cond.fields.argument ? cond.fields.argument : undefined;
      const set = want ? unsetVariable(v) : inner ? unsetVariable(ev.eval(inner, scopeAt(host, mod, fns))) : undefined;
      if (set && !out.assumeSet.includes(set)) out.assumeSet.push(set);
      return true;
    }
    if (t !== want) return false;
    if (v.via && !v.via.startsWith('default of parameter')) out.note ??= `registered because \`${want ? text(cond) : negate(cond)}\` holds: ${v.via}`;
    return true;
  };
  let cur = mod.root;
  const fns: PyNode[] = [];
  for (let depth = 0; depth < 200 && cur !== node; depth++) {
    const next = cur.children.find((c) => c.start <= node.start && node.end <= c.end);
    if (!next) break;
    // The script's own setup before it serves a fresh import of itself: absent from the served app.
    if (cur.type === 'if_statement' && cur.fields.condition && next === cur.fields.consequence && isMainCheck(mod, cur.fields.condition) && servesFreshImport(ev, host, mod, next, fns)) return 'dead';
    if (cur.type === 'if_statement' && cur.fields.condition && next !== cur.fields.condition) {
      const clauses = cur.children.filter((c) => c.type === 'elif_clause' || c.type === 'else_clause');
      // The branches before this one did not run, this one's condition held.
      const at = clauses.indexOf(next);
      const checks: [PyNode, boolean][] = [[cur.fields.condition, at < 0]];
      for (let i = 0; i < at; i++) {
        const c = (clauses[i] as PyNode).fields.condition;
        if (c) checks.push([c, false]);
      }
      const own = at >= 0 ? next.fields.condition : undefined;
      if (own && next.type === 'elif_clause' && next.fields.consequence && next.fields.consequence.start <= node.start) checks.push([own, true]);
      for (const [c, want] of checks) if (!check(c, want, fns)) return 'dead';
    }
    if (cur.type === 'function_definition') fns.push(cur);
    cur = next;
  }
  return out;
}

/** Both guards at once (a registration in a helper, and the helper's call). */
export function bothGuards(a: 'dead' | RegistrationGuard, b: 'dead' | RegistrationGuard): 'dead' | RegistrationGuard {
  if (a === 'dead' || b === 'dead') return 'dead';
  const condition = a.condition ?? b.condition;
  const note = a.note ?? b.note;
  return { ...(condition ? { condition } : {}), ...(note ? { note } : {}), assumeSet: [...new Set([...a.assumeSet, ...b.assumeSet])] };
}

/**
 * Runs `register` (which pushes policies onto `policies`) under the guard: with the variables it needs set taken as
 * set, and marks what it registered (CorsPolicy.condition, or the note of an environment default on the origin).
 */
export function registerGuarded(ev: Evaluator, guard: 'dead' | RegistrationGuard, policies: CorsPolicy[], register: () => void): void {
  if (guard === 'dead') return;
  const before = policies.length;
  ev.assumingSet(guard.assumeSet, register);
  for (const p of policies.slice(before)) markGuarded(p, guard);
}

export function markGuarded(p: CorsPolicy, guard: RegistrationGuard): void {
  if (guard.condition) p.condition ??= guard.condition;
  else if (guard.note && p.origin.known && !p.origin.via?.includes(guard.note)) {
    const note = guard.note;
    let value = p.origin.value;
    // A pattern entry with its own provenance (Starlette's `allow_origin_regex`) is described by that provenance when it
    // accepts every origin (normalizeOrigins): the note goes there too, or the message loses it (audit 40 py D4).
    if (value.kind === 'allow-list') {
      value = { ...value, entries: value.entries.map((e) => (e.type === 'regex' && e.via !== undefined && !e.via.includes(note) ? { ...e, via: e.via ? `${e.via}; ${note}` : note } : e)) };
    }
    p.origin = { ...p.origin, value, via: p.origin.via ? `${p.origin.via}; ${note}` : note };
  }
}

/**
 * An empty origin that is the default of an environment variable (`os.getenv("ALLOWED_ORIGINS", "")`): a deliberate
 * "no cross-origin access until configured", not a mistyped entry. It matches no Origin, exactly like no entry
 * (checked with flask-cors 3.0: origins="" and [""] send no CORS headers), as `"".split(",")` is read (audit 35 py D4).
 */
export function emptyEnvDefault(v: PyVal): boolean {
  return v.t === 'str' && v.v.trim() === '' && v.via !== undefined && v.via.startsWith('default of');
}

/** How a list of origins was obtained: its own note, else the one note every item shares (`[os.getenv("X", "")]`). */
export function itemsVia(v: PyVal): string | undefined {
  if (v.via || v.t !== 'seq' || v.items.length === 0) return v.via;
  const first = v.items[0]?.via;
  return first && v.items.every((i) => i.via === first) ? first : undefined;
}

/**
 * Whether a function gives back its parameter `p` unchanged: it has a `return`, each of its own returns is `return p`,
 * and `p` is never rebound (`return add_cors(response)` hands the response through).
 */
export function returnsParameter(def: PyNode, p: string): boolean {
  const body = def.fields.body;
  if (!body) return false;
  let every = true;
  let any = false;
  walk(body, (n, fns) => {
    if (fns.length > 0) return;
    if (n.type === 'return_statement') {
      any = true;
      if (!(n.children[0]?.type === 'identifier' && n.children[0].text === p)) every = false;
    }
    if (n.type === 'assignment' && n.fields.left?.type === 'identifier' && n.fields.left.text === p) every = false;
  });
  return any && every;
}
