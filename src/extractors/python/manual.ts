/**
 * Hand-written CORS headers in Python: Flask `@app.after_request` hooks (cors-semantics.md §3.4: Werkzeug
 * `headers[...] =` replaces, `headers.add` appends; values are str()-ed, so Python `True` is sent as the
 * string `True`) and FastAPI/Starlette `@app.middleware("http")` functions (§2.3).
 */
import {
  known,
  unknown,
  VARY_ONLY_WHEN_ALLOWED,
  type CorsPolicy,
  type HeaderWrite,
  type MatchMode,
  type OriginEntry,
  type OriginPolicy,
  type Span,
  type TokenList,
  type Valued,
} from '../../model/index.js';
import { callArgs, litSpan, paramName, returnsParameter, scopeAt, walk } from './common.js';
import { isTruthy, spanOf, type Evaluator, type PyVal, type Scope } from './evaluate.js';
import type { PyNode } from './parser.js';
import { bodyStatements, onlyReturn, paramNames, type PyModule } from './project.js';

export interface ManualWrite extends HeaderWrite {
  /** The value echoes the request's Origin header, or a request parameter the requester chooses. */
  reflectsOrigin?: 'header' | 'parameter';
  /** The conditions on the path to the write (all hold when it runs). */
  guards: Guard[];
  /** For a write made by a helper: where the function being read calls it. */
  site?: Span;
  /**
   * `origin if check else "null"`: the write reflects under `check` (among `guards`) and sends this value
   * when the check fails.
   */
  otherwise?: Valued<string>;
}

/**
 * A condition under which a header write runs: `cond` of an enclosing `if` (negated in its `elif`/`else`
 * branches), or negated for an earlier `if cond: return ...` of an enclosing block.
 */
export interface Guard {
  cond: PyNode;
  negated: boolean;
  /** From an earlier `if cond: return` (not an enclosing `if`). */
  early?: boolean;
  /** The local names bound to the request Origin in the function. */
  originVars: ReadonlySet<string>;
  /** Where `cond` is, when not in the function the writes are read for (a helper in another module). */
  at?: { mod: PyModule; scope: Scope };
}

/**
 * An expression's text (whitespace removed) with a helper's parameter that the call passes the request for read as
 * `request` (`def add_cors(req, resp)` called as `add_cors(request, resp)`, audit 47 vuln D4).
 */
function requestText(text: string, originVars: ReadonlySet<string>): string {
  let t = text;
  for (const alias of requestAliases.get(originVars) ?? []) {
    if (t.startsWith(`${alias}.`)) t = `request${t.slice(alias.length)}`;
  }
  return t;
}

/** Is this expression the request's Origin (`request.headers.get("Origin")`, `request.origin`...)? */
export function isOriginExpr(mod: PyModule, n: PyNode | undefined, originVars: Set<string>): boolean {
  if (!n) return false;
  const text = mod.text.slice(n.start, n.end).replace(/\s+/g, '');
  if (n.type === 'identifier' && originVars.has(n.text ?? '')) return true;
  // `origin or ""`: the origin whenever there is one.
  if (n.type === 'boolean_operator' && (n.op ?? '').trim() === 'or') return isOriginExpr(mod, n.fields.left, originVars);
  if (n.type === 'parenthesized_expression' && n.children.length === 1) return isOriginExpr(mod, n.children[0], originVars);
  // `origin.lower()` (`.casefold()`, `.strip()`): the origin, compared case-insensitively (audit 44 py D4). Browsers
  // serialize the scheme and host in lower case (§5.8), so the tests on it accept the same attacker origins.
  if (n.type === 'call' && n.fields.function?.type === 'attribute' && /^(lower|casefold|strip)$/.test(n.fields.function.fields.attribute?.text ?? '') && callArgs(n).positional.length === 0 && callArgs(n).keywords.size === 0 && !callArgs(n).splat) {
    return isOriginExpr(mod, n.fields.function.fields.object, originVars);
  }
  // `str(origin)`, `f"{origin}"`: the same string (str() of a str is itself; the header value is a str, or None
  // without an Origin, which no CORS request lacks), as the Express extractor reads `String(req.headers.origin)`.
  if (n.type === 'call' && n.fields.function?.type === 'identifier' && n.fields.function.text === 'str') {
    const a = callArgs(n);
    if (a.positional.length === 1 && a.keywords.size === 0 && !a.splat) return isOriginExpr(mod, a.positional[0], originVars);
  }
  if (n.type === 'string') {
    const prefix = (n.children.find((c) => c.type === 'string_start')?.text ?? '').toLowerCase();
    const parts = n.children.filter((c) => c.type !== 'string_start' && c.type !== 'string_end');
    const only = parts.length === 1 && parts[0]?.type === 'interpolation' ? parts[0] : undefined;
    // Only a bare `{x}`: a conversion (`!r` quotes it) or a format spec changes the text.
    if (prefix.includes('f') && only && only.children.length === 1) return isOriginExpr(mod, only.children[0], originVars);
  }
  const t = requestText(text, originVars);
  // `flask.request...` when the module imports flask itself.
  return /^(?:flask\.)?request\.(origin|headers\.get\(["']origin["'](,[^)]*)?\)|headers\[["']origin["']\]|environ\.get\(["']HTTP_ORIGIN["'](,[^)]*)?\)|environ\[["']HTTP_ORIGIN["']\])$/i.test(t) || isRequesterValue(t.replace(/^flask\./, ''));
}

/** What a finding says when a Referer test is what lets every origin through (the Express extractor says the same). */
const REFERER_NOTE = 'the Referer check does not protect: the requesting page can send no Referer, or its own URL with any path it picks';

/**
 * The request's Referer header: `request.referrer` (Werkzeug), `request.headers.get("Referer")` /
 * `request.headers["referer"]` (Werkzeug and Starlette headers ignore case), `request.environ.get("HTTP_REFERER")`,
 * `referer or ""`, or a local bound once in the function to one of these.
 */
function isRefererExpr(mod: PyModule, scope: Scope, n: PyNode | undefined, originVars: ReadonlySet<string>, depth = 0): boolean {
  if (!n || depth > 4) return false;
  if (n.type === 'parenthesized_expression' && n.children.length === 1) return isRefererExpr(mod, scope, n.children[0], originVars, depth + 1);
  if (n.type === 'boolean_operator' && (n.op ?? '').trim() === 'or') return isRefererExpr(mod, scope, n.fields.left, originVars, depth + 1);
  if (n.type === 'identifier') {
    const bound = soleAssignment(mod, scope, n);
    return !!bound && isRefererExpr(mod, scope, bound, originVars, depth + 1);
  }
  const t = requestText(mod.text.slice(n.start, n.end).replace(/\s+/g, ''), originVars);
  return /^(?:flask\.)?request\.(referrer|headers\.get\(["']referer["'](,[^)]*)?\)|headers\[["']referer["']\]|environ\.get\(["']HTTP_REFERER["'](,[^)]*)?\)|environ\[["']HTTP_REFERER["']\])$/i.test(t);
}

/** The value of the one plain assignment of a local, made before `use` in the function, when it has no other binding. */
function soleAssignment(mod: PyModule, scope: Scope, use: PyNode): PyNode | undefined {
  const fnNode = scope.fn?.node;
  const body = fnNode?.fields.body;
  const name = use.text;
  if (!fnNode || !body || !name) return undefined;
  const a = onlyAssignment(mod, body, name);
  if (!a || a.end > use.start || paramNames(fnNode).includes(name)) return undefined;
  return a.fields.right;
}

/**
 * The one plain assignment `name = ...` in a function body, when the name has no other binding there (a tuple or
 * attribute target naming it, `+=`, `:=`, a `for` target, `global`/`nonlocal`).
 */
function onlyAssignment(mod: PyModule, body: PyNode, name: string): PyNode | undefined {
  const word = new RegExp(`\\b${name}\\b`);
  const assigns: PyNode[] = [];
  let other = false;
  walk(body, (n) => {
    if (n.type === 'assignment' && n.fields.left?.type === 'identifier' && n.fields.left.text === name) assigns.push(n);
    else if (n.type === 'assignment' && n.fields.left && n.fields.left.type !== 'identifier' && word.test(mod.text.slice(n.fields.left.start, n.fields.left.end))) other = true;
    else if (n.type === 'augmented_assignment' || n.type === 'named_expression' || n.type === 'for_statement' || n.type === 'global_statement' || n.type === 'nonlocal_statement') {
      const target = n.type === 'for_statement' ? n.fields.left : n.type === 'augmented_assignment' || n.type === 'named_expression' ? (n.fields.left ?? n.fields.name) : n;
      if (target && word.test(mod.text.slice(target.start, target.end))) other = true;
    }
  });
  return !other && assigns.length === 1 ? assigns[0] : undefined;
}

/**
 * A test of the Referer that the requesting page passes or fails at will, without a preflight: its presence (`not
 * referer`, `referer is None`: the page sends none with `referrerPolicy: 'no-referrer'`), or a test of its text that a
 * path or query of the page's own URL passes (`"x" in referer`, `referer.endswith("x")`, `re.search(p, referer)` with p
 * not anchored at the start: with `referrerPolicy: 'unsafe-url'` the Referer is the page's full URL). Not
 * `startswith`, equality or `re.match`: those test the page's origin, which it does not choose; nor a test for `#` or
 * whitespace, never in a sent Referer.
 */
function refererTest(ev: Evaluator, mod: PyModule, scope: Scope, cond: PyNode, originVars: ReadonlySet<string>): boolean {
  const isRef = (n: PyNode | undefined) => isRefererExpr(mod, scope, n, originVars);
  const urlText = (v: PyVal) => v.t === 'str' && /^[\x21\x22\x24-\x7e]+$/.test(v.v);
  if (isRef(cond)) return true;
  if (cond.type === 'comparison_operator' && cond.children.length === 2) {
    const [l, r] = cond.children as [PyNode, PyNode];
    const op = (cond.op ?? '').replace(/\s+/g, ' ').trim();
    if ((op === 'is' || op === 'is not' || op === '==' || op === '!=') && ((isRef(l) && r.type === 'none') || (isRef(r) && l.type === 'none'))) return true;
    if ((op === 'in' || op === 'not in') && isRef(r)) return urlText(ev.eval(l, scope));
    return false;
  }
  if (cond.type !== 'call') return false;
  const fn = cond.fields.function;
  const a = callArgs(cond);
  if (a.keywords.size || a.splat) return false;
  if (fn?.type === 'attribute' && fn.fields.attribute?.text === 'endswith' && isRef(fn.fields.object) && a.positional.length === 1) {
    const v = ev.eval(a.positional[0], scope);
    return urlText(v) || (v.t === 'seq' && v.items.length > 0 && v.items.every(urlText));
  }
  // re.search(p, referer), or a compiled pattern's P.search(referer)
  const searchable = (p: PyVal) => {
    const src = p.t === 'regex' ? p.pattern : p.t === 'str' ? p.v : undefined;
    return src !== undefined && !/^(\^|\\A)/.test(src) && !/[\s#]|\\s|\\n/.test(src);
  };
  if (fn && a.positional.length === 2 && isRef(a.positional[1])) {
    const f = ev.eval(fn, scope);
    if (f.t === 'ext' && f.qname === 're.search') return searchable(ev.eval(a.positional[0], scope));
  }
  if (fn?.type === 'attribute' && fn.fields.attribute?.text === 'search' && a.positional.length === 1 && isRef(a.positional[0])) {
    const obj = ev.eval(fn.fields.object, scope);
    return obj.t === 'regex' && searchable(obj);
  }
  return false;
}

/**
 * A value the requester chooses freely, read from the query string or the body (`request.args["o"]`,
 * `request.args.get("o")`, Starlette's `request.query_params`): written into Access-Control-Allow-Origin, it lets
 * an attacker name its own origin, exactly like echoing the Origin header.
 */
function isRequesterValue(compactText: string): boolean {
  return /^request\.(args|values|form|query_params)(\[[^\]]+\]|\.get\([^)]*\))$/.test(compactText);
}

const CORS_HEADER = /^access-control-|^vary$/i;

const HEADERS_QNAME = /^(werkzeug(\.datastructures(\.headers)?)?|starlette\.datastructures)\.(Headers|MutableHeaders)$/;

/**
 * A call that makes a new header mapping: Werkzeug's / Starlette's `Headers(...)` or `dict(...)`, with at most a
 * dict or pair list to start from. Undefined for anything else.
 */
function mappingConstruction(ev: Evaluator, n: PyNode, scope: Scope): { from?: PyNode; headers?: true } | undefined {
  if (n.type === 'dictionary') return { from: n };
  if (n.type !== 'call' || !n.fields.function) return undefined;
  const a = callArgs(n);
  if (a.keywords.size || a.splat || a.positional.length > 1) return undefined;
  const f = n.fields.function;
  const callee = f.type === 'identifier' && f.text === 'dict' ? undefined : ev.eval(f, scope);
  if (!(f.type === 'identifier' && f.text === 'dict') && !(callee?.t === 'ext' && HEADERS_QNAME.test(callee.qname))) return undefined;
  const from = a.positional[0];
  if (from && from.type !== 'dictionary' && from.type !== 'list') return undefined;
  return { ...(from ? { from } : {}), ...(callee ? { headers: true as const } : {}) };
}

/**
 * Local names bound only to new header mappings (`mappingConstruction`) and given to a response as its headers
 * (`Response(body, status, h)`, `headers=h`, `make_response((body, status, h))`, `return body, status, h`), with
 * where each is first handed over.
 */
function handedHeaderMappings(ev: Evaluator, body: PyNode, scope: Scope, framework: 'flask' | 'fastapi', responseArgs: boolean): Map<string, number> {
  const handed = new Map<string, number>();
  /** Names given to a Werkzeug Response's constructor: a Headers object is kept, not copied. */
  const kept = new Set<string>();
  const hand = (x: PyNode | undefined, at: PyNode, keeps = false) => {
    if (x?.type !== 'identifier' || !x.text) return;
    if (!handed.has(x.text)) handed.set(x.text, at.start);
    if (keeps) kept.add(x.text);
  };
  walk(body, (n) => {
    // Copied onto a response's headers, in any function (audit 47 vuln D1): `for k, v in h.items(): resp.headers[k] =
    // v`, or `resp.headers.update(h)`.
    const copied = copiedMapping(n);
    if (copied) hand(copied, n);
    if (!responseArgs) return;
    if (n.type === 'return_statement') {
      const t = n.children[0];
      if ((t?.type === 'expression_list' || t?.type === 'tuple') && t.children.length >= 2) hand(t.children.at(-1), n);
    }
    if (n.type !== 'call') return;
    const f = n.fields.function;
    const name = f?.type === 'identifier' ? f.text : f?.type === 'attribute' ? f.fields.attribute?.text : undefined;
    if (!name || !/^(make_response|[A-Za-z]*Response)$/.test(name)) return;
    const a = callArgs(n);
    const kw = a.keywords.get('headers')?.fields.value;
    const keeps = framework === 'flask' && name !== 'make_response';
    if (kw) hand(kw, n, keeps);
    else if (name === 'make_response') {
      const only = a.positional.length === 1 ? a.positional[0] : undefined;
      const items = only?.type === 'tuple' ? only.children : a.positional;
      if (items.length >= 2) hand(items.at(-1), n);
    } else if (a.positional.length >= 3) hand(a.positional[2], n, keeps);
  });
  // Every binding of the name in the function makes a new mapping (nothing else, no parameter of that name).
  for (const name of [...handed.keys()]) {
    let ok = true;
    let bound = false;
    let plain = false;
    walk(body, (x) => {
      if (x.type !== 'assignment' || x.fields.left?.type !== 'identifier' || x.fields.left.text !== name) return;
      bound = true;
      const made = x.fields.right ? mappingConstruction(ev, x.fields.right, scope) : undefined;
      if (!made) ok = false;
      else if (!made.headers) plain = true;
    });
    if (!ok || !bound) handed.delete(name);
    // Werkzeug's Response keeps a Headers object it is given as its own headers (sansio/response.py `if
    // isinstance(headers, Headers): self.headers = headers`): later writes reach the response too. A dict is
    // copied, and so is what a view returns in a tuple (Flask make_response: `rv.headers.update(headers)`).
    else if (kept.has(name) && !plain) handed.set(name, Number.MAX_SAFE_INTEGER);
  }
  return handed;
}

/**
 * The local mapping a statement copies onto a response's headers: `for k, v in h.items(): <x>.headers[k] = v` (the
 * loop's only statement), or `<x>.headers.update(h)`. Undefined for anything else.
 */
function copiedMapping(n: PyNode): PyNode | undefined {
  const isHeaders = (x: PyNode | undefined) => x?.type === 'attribute' && x.fields.attribute?.text === 'headers';
  if (n.type === 'call') {
    const f = n.fields.function;
    const a = callArgs(n);
    const only = a.positional.length === 1 && a.keywords.size === 0 && !a.splat ? a.positional[0] : undefined;
    return f?.type === 'attribute' && f.fields.attribute?.text === 'update' && isHeaders(f.fields.object) && only?.type === 'identifier' ? only : undefined;
  }
  if (n.type !== 'for_statement') return undefined;
  const targets = n.fields.left?.children.filter((c) => c.type === 'identifier') ?? [];
  const [k, v] = targets;
  const it = n.fields.right;
  const items = it?.type === 'call' && it.fields.function?.type === 'attribute' && it.fields.function.fields.attribute?.text === 'items' && callArgs(it).positional.length === 0 ? it.fields.function.fields.object : undefined;
  if (targets.length !== 2 || !k || !v || items?.type !== 'identifier') return undefined;
  const stmts = (n.fields.body?.children ?? []).filter((c) => c.type !== 'comment');
  const assign = stmts.length === 1 && stmts[0]?.type === 'expression_statement' ? stmts[0].children[0] : undefined;
  const left = assign?.type === 'assignment' ? assign.fields.left : undefined;
  const right = assign?.type === 'assignment' ? assign.fields.right : undefined;
  if (left?.type !== 'subscript' || !isHeaders(left.fields.value) || right?.type !== 'identifier' || right.text !== v.text) return undefined;
  const index = left.fields.subscript;
  return index?.type === 'identifier' && index.text === k.text ? items : undefined;
}

/** Header writes on `<x>.headers` in a function body, evaluated in the function scope. */
export function headerWrites(
  ev: Evaluator,
  mod: PyModule,
  fn: PyNode,
  scope: Scope,
  framework: 'flask' | 'fastapi',
  /** Also read headers given when the response is built (views and route handlers, not hooks or middleware). */
  responseArgs = false,
  /**
   * `fn` is a helper that builds and returns a header mapping (`def cors_headers(request): h = {...}; ...;
   * return h`): the name it returns, read as a headers object. Depth of helper calls followed so far.
   */
  built?: { name: string; depth: number; returns?: true; requestParams?: ReadonlySet<string>; originParams?: ReadonlySet<string> },
): ManualWrite[] {
  const body = fn.fields.body;
  if (!body) return [];
  const out: ManualWrite[] = [];
  // A helper's parameters the call passes the request Origin for (`self._add_cors(response, origin)`): the Origin.
  const originVars = new Set<string>(built?.originParams ?? []);
  if (built?.requestParams?.size) requestAliases.set(originVars, built.requestParams);
  /** Those of them bound to a request parameter (query string, form) rather than the Origin header. */
  const paramVars = new Set<string>();
  // origin = request.headers.get("Origin")
  walk(body, (n) => {
    if (n.type === 'assignment' && n.fields.left?.type === 'identifier' && isOriginExpr(mod, n.fields.right, originVars)) {
      const right = n.fields.right as PyNode;
      originVars.add(n.fields.left.text ?? '');
      if ((right.type === 'identifier' && paramVars.has(right.text ?? '')) || isRequesterValue(mod.text.slice(right.start, right.end).replace(/\s+/g, ''))) paramVars.add(n.fields.left.text ?? '');
    }
  });
  // Locals that hold a test of the origin (`allowed = origin in ORIGINS`, audit 44 py D3): a guard on one of them
  // is an origin check, as the test written inline is (originGuards).
  const tests = new Set<string>();
  walk(body, (n) => {
    if (n.type === 'assignment' && n.fields.left?.type === 'identifier' && n.fields.right && !originVars.has(n.fields.left.text ?? '') && mentionsOrigin(n.fields.right, originVars)) tests.add(n.fields.left.text ?? '');
  });
  storedTests.set(originVars, tests);
  requesterVars.set(originVars, paramVars);
  // `allowed = None` then `if origin in WHITELIST: allowed = origin`, read later (`if allowed is not None:
  // headers[...] = allowed`, CKAN's shape, audit 36 py D4): the name holds the Origin only where that one
  // assignment ran, so a write of it carries the assignment's conditions. Only for a name bound once to the
  // Origin and otherwise to None (or nothing else), before the write.
  const aliasGuards = new Map<string, { at: PyNode; guards: Guard[] }>();
  for (const name of originVars) {
    const origins: PyNode[] = [];
    let other = false;
    walk(body, (n) => {
      if (n.type === 'assignment' && n.fields.left?.type === 'identifier' && n.fields.left.text === name) {
        if (isOriginExpr(mod, n.fields.right, originVars)) origins.push(n);
        else if (n.fields.right?.type !== 'none') other = true;
      } else if ((n.type === 'augmented_assignment' || n.type === 'named_expression' || n.type === 'for_statement' || n.type === 'global_statement' || n.type === 'nonlocal_statement' || n.type === 'pattern_list' || n.type === 'tuple_pattern') && new RegExp(`\\b${name}\\b`).test(mod.text.slice(n.start, n.end))) {
        other = true;
      }
    });
    const only = origins.length === 1 && !other ? origins[0] : undefined;
    const guards = only ? guardsWithin(body, only, originVars) : [];
    // Only conditions that bound the origins (an allow-list, string tests): others (Gradio's test of the Host,
    // audit 36 py c06) are left out, as they were before, so the echo stays what it is for the deployed host.
    const bounds = guards.length > 0 && conjunction(guards.map((g) => guardMeaning(ev, mod, scope, g.cond, g.negated, g.originVars))).kind === 'entries';
    if (only && bounds) aliasGuards.set(name, { at: only, guards });
  }
  // `h = response.headers` then `h["Access-Control-Allow-Origin"] = ...`: names bound to a headers object.
  const headerAliases = new Set<string>();
  // `for o in ALLOWED: response.headers.add(...)`: loops over a known list of two or more items.
  const loops: { start: number; end: number }[] = [];
  walk(body, (n) => {
    if (n.type === 'assignment' && n.fields.left?.type === 'identifier' && n.fields.right?.type === 'attribute' && n.fields.right.fields.attribute?.text === 'headers') {
      headerAliases.add(n.fields.left.text ?? '');
    }
    if (n.type === 'for_statement' && n.fields.right && n.fields.body) {
      const it = ev.eval(n.fields.right, scope);
      if (it.t === 'seq' && it.items.length >= 2) loops.push({ start: n.fields.body.start, end: n.fields.body.end });
    }
  });
  if (built?.name) headerAliases.add(built.name);
  // `h = Headers()` (or `{}`, `dict()`, `Headers({...})`), written to, then given to the response
  // (`Response(body, status, h)`, `headers=h`, `return body, 200, h`): the writes made before that count (the
  // response copies a mapping when it is built: Werkzeug `Headers(headers)`, Starlette `init_headers`), and all of
  // them for a Headers object a Werkzeug Response keeps. Name → where it is first handed over.
  const handedMappings = handedHeaderMappings(ev, body, scope, framework, responseArgs);
  const isHeaders = (obj: PyNode | undefined): boolean =>
    (obj?.type === 'attribute' && obj.fields.attribute?.text === 'headers') ||
    (obj?.type === 'identifier' && (headerAliases.has(obj.text ?? '') || obj.start < (handedMappings.get(obj.text ?? '') ?? -1)));
  // Unconditionally inside such a loop: a check inside the loop (`if origin == allowed: h.add(...); break`)
  // picks one item.
  const inLoop = (n: PyNode) => {
    const l = loops.find((x) => n.start >= x.start && n.end <= x.end);
    return !!l && !guardsOf(n).some((g) => g.cond.start >= l.start && g.cond.end <= l.end);
  };
  // A write under a test that the alias holds a value (`if allowed is not None:`, `if allowed:`) runs only where
  // the alias's assignment ran: under its conditions too (the other headers written beside the echo).
  const aliasTested = (g: Guard): string | undefined => {
    let c = g.cond;
    while (c.type === 'parenthesized_expression' && c.children.length === 1) c = c.children[0] as PyNode;
    let neg = g.negated;
    if (c.type === 'not_operator' && c.fields.argument) {
      c = c.fields.argument;
      neg = !neg;
    }
    if (c.type === 'identifier') return !neg ? c.text : undefined;
    if (c.type !== 'comparison_operator' || c.children.length !== 2) return undefined;
    const [l, r] = c.children as [PyNode, PyNode];
    const op = (c.op ?? '').replace(/\s+/g, ' ').trim();
    if (l.type !== 'identifier' || r.type !== 'none') return undefined;
    return ((op === 'is not' || op === '!=') && !neg) || ((op === 'is' || op === '==') && neg) ? l.text : undefined;
  };
  const guardsOf = (target: PyNode): Guard[] => {
    const gs = guardsWithin(body, target, originVars);
    const extra: Guard[] = [];
    for (const g of gs) {
      const alias = aliasGuards.get(aliasTested(g) ?? '');
      if (alias && alias.at.end <= g.cond.start) extra.push(...alias.guards);
    }
    return extra.length ? [...gs, ...extra] : gs;
  };
  type WriteValue = { value: Valued<string>; reflects?: 'header' | 'parameter'; guard?: Guard; aliasGuards?: Guard[]; otherwise?: Valued<string> };
  const valueOf = (v: PyNode | undefined): WriteValue => {
    const span = v ? spanOf(mod, v) : spanOf(mod, fn);
    if (!v) return { value: unknown('no value', span) };
    if (v.type === 'conditional_expression') {
      // `origin if origin in ALLOWED else "null"` (or the other way round): a reflection under the test, and a
      // value sent to what fails it.
      const [a, c, b] = v.children.filter((x) => x.type !== 'comment');
      const echoA = isOriginExpr(mod, a, originVars);
      const echoB = isOriginExpr(mod, b, originVars);
      if (c && echoA !== echoB) {
        const r = valueOf(echoA ? a : b);
        return { ...r, guard: { cond: c, negated: echoB, originVars }, otherwise: valueOf(echoA ? b : a).value };
      }
    }
    if (isOriginExpr(mod, v, originVars)) {
      const param = (v.type === 'identifier' && paramVars.has(v.text ?? '')) || isRequesterValue(mod.text.slice(v.start, v.end).replace(/\s+/g, ''));
      const alias = v.type === 'identifier' ? aliasGuards.get(v.text ?? '') : undefined;
      return { value: unknown('the request Origin', span), reflects: param ? 'parameter' : 'header', ...(alias && alias.at.end <= v.start ? { aliasGuards: alias.guards } : {}) };
    }
    const val = ev.eval(v, scope);
    if (val.t === 'str') return { value: known(val.v, val.span, val.via) };
    if (val.t === 'num') return { value: known(String(val.v), val.span) };
    if (val.t === 'bool') {
      // Werkzeug str()s values: `True` is sent as "True" (§3.4); Starlette rejects non-str values.
      if (framework === 'flask') return { value: known(val.v ? 'True' : 'False', val.span, 'a Python bool is sent as str(value)') };
      return { value: unknown('a bool header value raises in Starlette', val.span) };
    }
    if (val.t === 'seq' && val.items.every((i) => i.t === 'str')) {
      return { value: known(val.items.map((i) => (i as { v: string }).v).join(', '), val.span) };
    }
    return { value: unknown(val.t === 'unknown' ? val.reason : `a ${val.t} value`, val.span) };
  };
  /** The value fields of a write, with the conditional's test added to the guards of the path. */
  const written = (r: WriteValue, guards: Guard[]): Pick<ManualWrite, 'value' | 'reflectsOrigin' | 'guards' | 'otherwise'> => ({
    value: r.value,
    ...(r.reflects ? { reflectsOrigin: r.reflects } : {}),
    guards: [...guards, ...(r.guard ? [r.guard] : []), ...(r.aliasGuards ?? [])],
    ...(r.otherwise ? { otherwise: r.otherwise } : {}),
  });
  type Pair = { key: PyNode; value: PyNode | undefined; at: PyNode; guards?: Guard[] };
  /**
   * The pairs of a header mapping: a dict literal, a list of 2-tuples, a local name bound once to one, or `a if
   * cond else b` of two of them (each side's pairs under the test, taken or failed: the Response copies the one
   * chosen, §2.3).
   */
  const headerPairs = (h: PyNode | undefined, depth = 0): Pair[] | undefined => {
    if (!h) return undefined;
    if (h.type === 'parenthesized_expression' && h.children.length === 1) return headerPairs(h.children[0], depth);
    if (h.type === 'conditional_expression') {
      const [a, c, b] = h.children.filter((x) => x.type !== 'comment');
      if (!a || !c || !b) return undefined;
      const pa = headerPairs(a, 1);
      const pb = headerPairs(b, 1);
      if (!pa || !pb) return undefined;
      const under = (ps: Pair[], negated: boolean): Pair[] => ps.map((p) => ({ ...p, guards: [...(p.guards ?? []), { cond: c, negated, originVars }] }));
      return [...under(pa, false), ...under(pb, true)];
    }
    if (h.type === 'dictionary') return h.children.filter((p) => p.type === 'pair').map((p) => ({ key: p.fields.key as PyNode, value: p.fields.value, at: p }));
    if (h.type === 'list' && h.children.every((t) => t.type === 'tuple' && t.children.length === 2)) return h.children.map((t) => ({ key: t.children[0] as PyNode, value: t.children[1], at: t }));
    // `Headers({...})`, `Headers()`, `dict(...)`: the mapping it starts from (the writes on the name come on top).
    const made = mappingConstruction(ev, h, scope);
    if (made) return made.from ? headerPairs(made.from, 1) : [];
    if (h.type === 'identifier' && depth === 0) {
      const defs: PyNode[] = [];
      walk(body, (x) => {
        if (x.type === 'assignment' && x.fields.left?.type === 'identifier' && x.fields.left.text === h.text && x.fields.right) defs.push(x.fields.right);
      });
      return defs.length === 1 ? headerPairs(defs[0], 1) : undefined;
    }
    return undefined;
  };
  const addPairs = (pairs: Pair[] | undefined, where: PyNode) => {
    for (const p of pairs ?? []) {
      const k = ev.eval(p.key, scope);
      if (k.t !== 'str' || !CORS_HEADER.test(k.v)) continue;
      const r = valueOf(p.value);
      out.push({ name: k.v.toLowerCase(), op: 'set', statuses: 'all', span: spanOf(mod, p.at), ...written(r, [...guardsOf(where), ...(p.guards ?? [])]) });
    }
  };
  /**
   * `headers=cors_headers(request)` (or `h = cors_headers(request)` then `headers=h`): a function of the project
   * that returns the mapping it builds. Its writes count, under its own conditions and those of the call site.
   */
  const helperWrites = (h: PyNode, where: PyNode): void => {
    let call: PyNode | undefined = h;
    if (h.type === 'identifier') {
      const defs: PyNode[] = [];
      walk(body, (x) => {
        if (x.type === 'assignment' && x.fields.left?.type === 'identifier' && x.fields.left.text === h.text && x.fields.right) defs.push(x.fields.right);
      });
      call = defs.length === 1 ? defs[0] : undefined;
    }
    // `headers=self._cors_headers(origin)`, `headers=self.headers`: a mapping cors-lint does not read (a method
    // not found, helpers nested too deep) may hold any header, so the preflight headers are unknown, not absent.
    if (call?.type !== 'call') {
      if (h.type === 'attribute' || h.type === 'subscript' || (h.type === 'identifier' && call?.type === 'attribute')) opaque(where);
      return;
    }
    if ((built?.depth ?? 0) >= 2) return opaque(where);
    const { f, bound } = callee(call);
    if (f.t !== 'func' || !f.node.fields.body) {
      if (f.t === 'func' || isSelfCall(call)) opaque(where);
      return;
    }
    // Every return of the helper gives the mapping: one local name it builds, or mappings written in the return
    // (`if origin in ALLOWED: return {"Access-Control-Allow-Origin": origin}` then `return {}`, audit 47 py c13).
    // Anything else returned (another call, a parameter, a bare `return`) leaves the headers unknown.
    const returned = new Set<string>();
    let literal = false;
    let other = false;
    walk(f.node.fields.body, (x, fns) => {
      if (x.type !== 'return_statement' || fns.length > 0) return;
      const r = x.children[0];
      if (r?.type === 'identifier') returned.add(r.text ?? '');
      else if (r && returnedMapping(r)) literal = true;
      else other = true;
    });
    const name = [...returned][0];
    if (returned.size > 1 || other || (name === undefined && !literal)) return opaque(where);
    inline(f, where, name ?? '', literal, requestParams(call, f.node, bound), originParams(call, f.node, bound));
  };
  /**
   * The function a call runs: a function of the project, or the method of the middleware's own class that
   * `self.m(...)` names (ownMethod), whose first parameter takes the instance (`bound`).
   */
  const callee = (call: PyNode): { f: PyVal; bound: number } => {
    const fnNode = call.fields.function;
    if (!fnNode) return { f: { t: 'unknown', reason: 'no function', span: spanOf(mod, call) }, bound: 0 };
    const own = fnNode.type === 'attribute' ? ownMethod(mod, scope, fnNode) : undefined;
    return own ? { f: own, bound: 1 } : { f: ev.eval(fnNode, scope), bound: 0 };
  };
  const isSelfCall = (call: PyNode): boolean => {
    const fnNode = call.fields.function;
    return fnNode?.type === 'attribute' && fnNode.fields.object?.type === 'identifier' && fnNode.fields.object.text === 'self';
  };
  /**
   * Headers given to a response that cors-lint cannot read: those read on the preflight answer (§5.4) are unknown
   * there, rather than absent (audit 52 py D5). Written as unknown values, dropped again when they are all the CORS
   * writes of the function read (they do not make a policy of their own).
   */
  const opaque = (where: PyNode): void => {
    for (const name of PREFLIGHT_ONLY) {
      const w: ManualWrite = { name, op: 'set', statuses: 'all', span: spanOf(mod, where), value: unknown('headers given by code cors-lint does not read', spanOf(mod, where)), guards: guardsOf(where) };
      opaqueWrites.add(w);
      out.push(w);
    }
  };
  /** The parameters of the helper `def` (its first `bound` taken by the instance) that the call passes `passes` for. */
  const paramsGiven = (call: PyNode, def: PyNode, bound: number, passes: (x: PyNode | undefined) => boolean, skip?: string): Set<string> => {
    const out = new Set<string>();
    const a = callArgs(call);
    if (a.splat) return out;
    const params = paramNames(def);
    a.positional.forEach((x, i) => {
      const p = params[i + bound];
      if (p && p !== skip && passes(x)) out.add(p);
    });
    for (const [k, kw] of a.keywords) if (k !== skip && params.includes(k) && passes(kw.fields.value)) out.add(k);
    return out;
  };
  /** The parameters of the helper `def` that the call passes the request Origin for, by position or keyword. */
  const originParams = (call: PyNode, def: PyNode, bound: number): Set<string> =>
    paramsGiven(call, def, bound, (x) => isOriginExpr(mod, x, originVars) && !(x?.type === 'identifier' && paramVars.has(x.text ?? '')) && !isRequesterValue(mod.text.slice(x?.start ?? 0, x?.end ?? 0).replace(/\s+/g, '')));
  /**
   * The parameters of the helper `def` that the call passes the request for (`request`, `flask.request`, or a
   * parameter of this function bound to it in turn), by position or keyword.
   */
  const requestParams = (call: PyNode, def: PyNode, bound = 0): Set<string> => {
    const aliases = requestAliases.get(originVars);
    return paramsGiven(
      call,
      def,
      bound,
      (x) => {
        const t = x ? mod.text.slice(x.start, x.end).replace(/\s+/g, '') : '';
        return t === 'request' || t === 'flask.request' || (x?.type === 'identifier' && !!aliases?.has(t));
      },
      'request',
    );
  };
  /** Calls whose value is returned or assigned (`return add_cors(jsonify(...))`, `resp = add_cors(make_response(...))`). */
  const used = new Set<PyNode>();
  walk(body, (n) => {
    const v = n.type === 'return_statement' ? n.children[0] : n.type === 'assignment' ? n.fields.right : undefined;
    if (!v) return;
    used.add(v);
    // `return await self._preflight(request)`: the call's value, awaited.
    const inner = v.type === 'await' ? v.children.find((c) => c.type !== 'comment') : undefined;
    if (inner) used.add(inner);
  });
  /** Calls whose value the function returns: in a `return`, or bound to a local name it returns. */
  const returnedNames = new Set<string>();
  walk(body, (n, fns) => {
    const r = n.type === 'return_statement' && fns.length === 0 ? n.children[0] : undefined;
    if (r?.type === 'identifier' && r.text) returnedNames.add(r.text);
  });
  const returnedCall = (call: PyNode): boolean => {
    let found = false;
    walk(body, (n, fns) => {
      if (found || fns.length > 0) return;
      const v = n.type === 'return_statement' ? n.children[0] : n.type === 'assignment' && n.fields.left?.type === 'identifier' && returnedNames.has(n.fields.left.text ?? '') ? n.fields.right : undefined;
      if (v === call || (v?.type === 'await' && v.children.includes(call))) found = true;
    });
    return found;
  };
  /** A mapping written in place: a dict literal, `dict(...)`/`Headers(...)` of one, or `a if c else b` of two. */
  const returnedMapping = (r: PyNode): boolean => {
    if (r.type === 'parenthesized_expression' && r.children.length === 1) return returnedMapping(r.children[0] as PyNode);
    if (r.type === 'conditional_expression') {
      const [a, , b] = r.children.filter((x) => x.type !== 'comment');
      return !!a && !!b && returnedMapping(a) && returnedMapping(b);
    }
    return !!mappingConstruction(ev, r, scope);
  };
  /**
   * `return set_headers(resp)`, `self._add_cors_headers(response, origin)` (audit 52 py D4): a function of the
   * project, or a method of the middleware's class, handed the response writes its headers. Whether it was.
   */
  const mutatingHelper = (call: PyNode, f: Extract<PyVal, { t: 'func' }>, bound: number): boolean => {
    if (!f.node.fields.body) return false;
    const a = callArgs(call);
    const params = paramNames(f.node);
    const fBody = f.mod.text.slice(f.node.fields.body.start, f.node.fields.body.end);
    const handed = (x: PyNode, i: number) => {
      const p = params[i + bound];
      // Written to (`p.headers[...] = `, `p.headers.add(...)`, `h = p.headers`): a helper that reads the request's
      // headers (`self._preflight(request)` reading request.headers.get("Origin")) is not handed a response.
      if (p === undefined || !new RegExp(`(?:\\b${p}\\.headers\\s*(?:\\[[^\\]\\n]*\\]\\s*=(?!=)|\\.(?:add|set|append|setdefault|add_header|update|extend)\\s*\\()|[^=!<>]=\\s*${p}\\.headers\\s*$)`, 'm').test(fBody)) return false;
      // A response built in the call (`return add_cors(jsonify(...))`, audit 47 vuln D3) reaches the client through
      // the helper's return value: only when that value is used and is the parameter on every return.
      return x.type === 'identifier' || (x.type === 'call' && used.has(call) && returnsParameter(f.node, p));
    };
    if (!a.positional.some(handed)) return false;
    inline(f, call, '', false, requestParams(call, f.node, bound), originParams(call, f.node, bound));
    return true;
  };
  /**
   * A call to a function of the project (or a method of the middleware's class) whose value the function returns
   * or keeps, and which is not handed the response (mutatingHelper): `return self._preflight(request)` answers with
   * the response the helper builds (audit 52 py D5), read as if its body were written here, responses built with
   * their headers included. A method of `self` that cannot be read (inherited, helpers nested too deep) leaves the
   * preflight headers unknown.
   */
  const calledHelper = (call: PyNode): void => {
    const fnNode = call.fields.function;
    const self = isSelfCall(call);
    if (fnNode?.type !== 'identifier' && !self) return;
    const { f, bound } = callee(call);
    if (f.t !== 'func' || f.node === fn || !f.node.fields.body) {
      if (self && returnedCall(call)) opaque(call);
      return;
    }
    if ((built?.depth ?? 0) >= 2) {
      if (returnedCall(call)) opaque(call);
      return;
    }
    if (mutatingHelper(call, f, bound)) return;
    if (used.has(call)) inline(f, call, '', false, requestParams(call, f.node, bound), originParams(call, f.node, bound), true);
  };
  /**
   * A helper's writes, made here: under its own conditions (read in its module) and those of the call. Called from
   * several places (`return JSONResponse(..., headers=h)` on two branches), a write runs on each of them, so only
   * the helper's own conditions hold.
   */
  const inExcept = exceptClauses(body);
  const inline = (f: Extract<PyVal, { t: 'func' }>, where: PyNode, builtName: string, returns: boolean, requestParams: ReadonlySet<string>, originParams: ReadonlySet<string>, responses = false): void => {
    const site = guardsOf(where);
    const at = { mod: f.mod, scope: scopeAt(ev.host, f.mod, [f.node]) };
    for (const w of headerWrites(ev, f.mod, f.node, at.scope, framework, responses, { name: builtName, depth: (built?.depth ?? 0) + 1, ...(returns ? { returns } : {}), ...(requestParams.size ? { requestParams } : {}), ...(originParams.size ? { originParams } : {}) })) {
      const own = w.guards.map((g) => ({ at, ...g }));
      const seen = out.find((o) => o.span.file === w.span.file && o.span.start === w.span.start && o.name === w.name);
      if (seen) {
        seen.guards = own;
        // Made on an error path and on the normal one (`except: return helper(err_resp)` ... `return helper(resp)`):
        // the normal call is where it counts (not a write of the error responses only).
        if (seen.site && seen.site.file === mod.path && inExcept(seen.site) && !inExcept(where)) seen.site = spanOf(mod, where);
      } else {
        const made: ManualWrite = { ...w, site: w.site ?? spanOf(mod, where), guards: [...own, ...site] };
        if (opaqueWrites.has(w)) opaqueWrites.add(made);
        out.push(made);
      }
    }
  };
  // The helper's own mapping: `h = {"Access-Control-Allow-Origin": ...}` before the writes on `h`.
  if (built?.name) {
    walk(body, (n) => {
      if (n.type === 'assignment' && n.fields.left?.type === 'identifier' && n.fields.left.text === built.name) addPairs(headerPairs(n.fields.right), n);
    });
  }
  // The mappings it returns in place, each under the conditions of its return.
  if (built?.returns) {
    walk(body, (n, fns) => {
      const r = n.type === 'return_statement' && fns.length === 0 ? n.children[0] : undefined;
      if (r && r.type !== 'identifier') addPairs(headerPairs(r, 1), n);
    });
  }
  walk(body, (n) => {
    // `return set_headers(resp)`: a function of the project handed the response writes its headers.
    if (n.type === 'call') calledHelper(n);
    if (responseArgs) {
      // Flask: `return body, 200, {"Access-Control-Allow-Origin": "*"}` / `return body, headers`.
      if (framework === 'flask' && n.type === 'return_statement') {
        const t = n.children[0];
        if ((t?.type === 'expression_list' || t?.type === 'tuple') && t.children.length >= 2) addPairs(headerPairs(t.children.at(-1)), n);
      }
      // make_response(body, 200, headers), Response(body, status, headers), JSONResponse(content, headers={...})
      if (n.type === 'call') {
        const f = n.fields.function;
        const name = f?.type === 'identifier' ? f.text : f?.type === 'attribute' ? f.fields.attribute?.text : undefined;
        if (name && /^(make_response|[A-Za-z]*Response)$/.test(name)) {
          const a = callArgs(n);
          const kw = a.keywords.get('headers')?.fields.value;
          if (kw) {
            const pairs = headerPairs(kw);
            if (pairs) addPairs(pairs, n);
            else helperWrites(kw, n);
          }
          else if (name === 'make_response') {
            const only = a.positional.length === 1 ? a.positional[0] : undefined;
            const items = only?.type === 'tuple' ? only.children : a.positional;
            if (items.length >= 2) addPairs(headerPairs(items.at(-1)), n);
          } else if (a.positional.length >= 3) addPairs(headerPairs(a.positional[2]), n);
        }
      }
    }
    // resp.headers["Name"] = value
    if (n.type === 'assignment' && n.fields.left?.type === 'subscript') {
      const sub = n.fields.left;
      const obj = sub.fields.value;
      if (!isHeaders(obj)) return;
      const key = ev.eval(sub.fields.subscript, scope);
      if (key.t !== 'str' || !CORS_HEADER.test(key.v)) return;
      const r = valueOf(n.fields.right);
      out.push({ name: key.v.toLowerCase(), op: 'set', statuses: 'all', span: spanOf(mod, n), ...written(r, guardsOf(n)) });
      return;
    }
    // resp.headers.add("Name", value) / .set / .setdefault / .append (Starlette MutableHeaders.append)
    if (n.type === 'call' && n.fields.function?.type === 'attribute') {
      const f = n.fields.function;
      const meth = f.fields.attribute?.text ?? '';
      const obj = f.fields.object;
      // Werkzeug's `response.vary.add("Origin")` (a HeaderSet kept in the Vary header, audit 31): a Vary write.
      if (meth === 'add' && obj?.type === 'attribute' && obj.fields.attribute?.text === 'vary' && framework === 'flask') {
        const a = callArgs(n);
        const r = valueOf(a.positional[0]);
        out.push({ name: 'vary', op: 'append', statuses: 'all', span: spanOf(mod, n), ...written(r, guardsOf(n)) });
        return;
      }
      if (!isHeaders(obj)) return;
      if (!['add', 'set', 'append', 'setdefault', 'add_header', 'update', 'extend'].includes(meth)) return;
      const a = callArgs(n);
      if (meth === 'update' || meth === 'extend') {
        const d = a.positional[0] ? ev.eval(a.positional[0], scope) : undefined;
        const dictNode = a.positional[0];
        if (d?.t === 'dict' && dictNode?.type === 'dictionary') {
          for (const p of dictNode.children) {
            if (p.type !== 'pair') continue;
            const k = ev.eval(p.fields.key, scope);
            if (k.t !== 'str' || !CORS_HEADER.test(k.v)) continue;
            const r = valueOf(p.fields.value);
            // Werkzeug `update` replaces, `extend` appends (§3.4).
            out.push({ name: k.v.toLowerCase(), op: meth === 'extend' ? 'append' : 'set', statuses: 'all', span: spanOf(mod, p), ...written(r, guardsOf(n)) });
          }
        }
        return;
      }
      const key = a.positional[0] ? ev.eval(a.positional[0], scope) : undefined;
      if (key?.t !== 'str' || !CORS_HEADER.test(key.v)) return;
      const r = valueOf(a.positional[1]);
      const op = meth === 'add' || meth === 'append' || meth === 'add_header' ? 'append' : 'set';
      // Added once per item of a list of two or more: several header lines.
      const multiple = op === 'append' && inLoop(n);
      out.push({ name: key.v.toLowerCase(), op, statuses: 'all', span: spanOf(mod, n), ...(multiple ? { multiple } : {}), ...written(r, guardsOf(n)) });
    }
  });
  // Unknown preflight headers (opaque) only matter beside CORS headers the function does write: alone, they are no
  // sign of a CORS policy.
  if (!built && out.every((w) => opaqueWrites.has(w) || !w.name.startsWith('access-control-'))) {
    for (let i = out.length - 1; i >= 0; i--) if (opaqueWrites.has(out[i] as ManualWrite)) out.splice(i, 1);
  }
  for (const w of out) {
    if (w.guards.some((g) => onlyWithoutOrigin(g.at?.mod ?? mod, g))) w.onlyWithoutOrigin = true;
    else delete w.onlyWithoutOrigin;
    const tests = w.guards.map((g) => optionsTest(g.at?.mod ?? mod, scope, g));
    if (tests.includes('only')) w.onlyOnPreflight = true;
    else if (tests.includes('never')) w.notOnPreflight = true;
  }
  return out;
}

/** A test of whether a range lies inside one of the `except` clauses of `body`. */
export function exceptClauses(body: PyNode | undefined): (at: { start: number; end: number }) => boolean {
  const excepts: { start: number; end: number }[] = [];
  if (body) walk(body, (n) => void (n.type === 'except_clause' && excepts.push({ start: n.start, end: n.end })));
  return (at) => excepts.some((e) => at.start >= e.start && at.end <= e.end);
}

/**
 * A test of the request method against OPTIONS (`request.method == "OPTIONS"`, `!=`, either side, `.upper()`):
 * 'only' when the guard holds for OPTIONS requests only, 'never' when it holds for every other method only.
 */
function optionsTest(mod: PyModule, scope: Scope, g: Guard): 'only' | 'never' | undefined {
  return methodOptionsTest(mod, g.at?.scope ?? scope, g.cond, g.negated, requestAliases.get(g.originVars));
}

/**
 * Whether `cond` (negated when `negated`) tests the request method against OPTIONS: 'only' when it holds for OPTIONS
 * requests only, 'never' when it holds for every other method only; undefined for anything else. Understood: the
 * method (`request.method`, `flask.request.method`, `<p>.method` of a parameter `p` of the function, a name bound once
 * to one of these, `request_method = request.method`, audit 53 pymanual c08), as it is or through `.upper()` /
 * `.lower()` / `.casefold()` (`request.method.lower() == "options"`, audit 53 pymanual c02), compared with `==` / `!=`
 * to a string, or with `in` / `not in` to a tuple, list or set of strings; `not`; and a name bound once to such a
 * test (`is_preflight = request.method == "OPTIONS"`). The comparison is exact, as in Python: browsers send the
 * preflight as `OPTIONS` (Fetch), and `request.method == "options"` never holds for it.
 */
export function methodOptionsTest(mod: PyModule, scope: Scope, cond: PyNode, negated: boolean, aliases?: ReadonlySet<string>, depth = 0): 'only' | 'never' | undefined {
  if (depth > 4) return undefined;
  const recur = (n: PyNode | undefined, neg: boolean) => (n ? methodOptionsTest(mod, scope, n, neg, aliases, depth + 1) : undefined);
  if (cond.type === 'parenthesized_expression') {
    const inner = cond.children.filter((c) => c.type !== 'comment');
    return inner.length === 1 ? recur(inner[0], negated) : undefined;
  }
  if (cond.type === 'not_operator') return recur(cond.fields.argument, !negated);
  if (cond.type === 'identifier') {
    const bound = soleAssignment(mod, scope, cond);
    return bound && bound.type !== 'identifier' ? recur(bound, negated) : undefined;
  }
  if (cond.type !== 'comparison_operator' || cond.children.length !== 2) return undefined;
  const op = (cond.op ?? '').replace(/\s+/g, ' ').trim();
  const [l, r] = cond.children as [PyNode, PyNode];
  let method = methodExpr(mod, scope, l, aliases);
  let other = r;
  if (!method && (op === '==' || op === '!=')) {
    method = methodExpr(mod, scope, r, aliases);
    other = l;
  }
  if (!method) return undefined;
  // The values the method is compared with, each as the method would be after its case change.
  const values = op === '==' || op === '!=' ? [plainString(mod, other)] : other.type === 'tuple' || other.type === 'list' || other.type === 'set' ? other.children.filter((c) => c.type !== 'comment').map((c) => plainString(mod, c)) : [];
  if (values.length === 0 || values.some((v) => v === undefined)) return undefined;
  const options = method.cased('OPTIONS');
  const hits = values.filter((v) => v === options).length;
  // `method in ("OPTIONS", "HEAD")`: holds for HEAD too, so not for OPTIONS only; its negation never holds for OPTIONS.
  const positive = op === '==' || op === 'in';
  if (op === '==' || op === '!=' || op === 'in' || op === 'not in') {
    if (hits === 0) return undefined;
    const holdsForOptions = positive !== negated;
    if (!holdsForOptions) return 'never';
    return values.length === 1 ? 'only' : undefined;
  }
  return undefined;
}

/** Whether a function's body compares the request method with OPTIONS anywhere (methodOptionsTest), either way. */
export function comparesMethodWithOptions(mod: PyModule, scope: Scope, fn: PyNode): boolean {
  let found = false;
  const body = fn.fields.body;
  if (body) {
    walk(body, (n) => {
      if (!found && n.type === 'comparison_operator' && methodOptionsTest(mod, scope, n, false) !== undefined) found = true;
    });
  }
  return found;
}

/**
 * The request method, read by `methodOptionsTest`: how its text compares (`cased`: the value of "OPTIONS" after the
 * case change applied to it). Undefined for anything else.
 */
function methodExpr(mod: PyModule, scope: Scope, n: PyNode, aliases: ReadonlySet<string> | undefined, depth = 0): { cased: (s: string) => string } | undefined {
  if (depth > 4) return undefined;
  if (n.type === 'parenthesized_expression' && n.children.length === 1) return methodExpr(mod, scope, n.children[0] as PyNode, aliases, depth + 1);
  if (n.type === 'call' && n.fields.function?.type === 'attribute') {
    const a = callArgs(n);
    const change = n.fields.function.fields.attribute?.text ?? '';
    if (a.positional.length || a.keywords.size || a.splat || !/^(upper|lower|casefold)$/.test(change)) return undefined;
    const inner = methodExpr(mod, scope, n.fields.function.fields.object as PyNode, aliases, depth + 1);
    return inner && { cased: (s) => (change === 'upper' ? inner.cased(s).toUpperCase() : inner.cased(s).toLowerCase()) };
  }
  if (n.type === 'identifier') {
    const bound = soleAssignment(mod, scope, n);
    return bound ? methodExpr(mod, scope, bound, aliases, depth + 1) : undefined;
  }
  if (n.type !== 'attribute' || n.fields.attribute?.text !== 'method') return undefined;
  const obj = n.fields.object;
  const t = obj ? mod.text.slice(obj.start, obj.end).replace(/\s+/g, '') : '';
  const fnNode = scope.fn?.node;
  const isRequest = t === 'request' || t === 'flask.request' || !!aliases?.has(t) || (obj?.type === 'identifier' && !!fnNode && paramNames(fnNode).includes(t) && t !== 'self' && t !== 'cls');
  return isRequest ? { cased: (s) => s } : undefined;
}

/** The value of a plain string literal (no f-string, no concatenation, no escape). */
function plainString(mod: PyModule, n: PyNode | undefined): string | undefined {
  if (n?.type !== 'string') return undefined;
  const prefix = (n.children.find((c) => c.type === 'string_start')?.text ?? '').toLowerCase();
  if (/[fb]/.test(prefix)) return undefined;
  const parts = n.children.filter((c) => c.type !== 'string_start' && c.type !== 'string_end');
  if (parts.length === 0) return '';
  return parts.length === 1 && parts[0]?.type === 'string_content' ? parts[0].text : undefined;
}

/** The ACAO the writes produce. */
/**
 * A condition that holds only for requests without an Origin header (`if not origin:`, the `else` of `if origin:`,
 * `origin is None`): no CORS request, since browsers send Origin on every cross-origin request.
 */
function onlyWithoutOrigin(mod: PyModule, g: Guard): boolean {
  let cond: PyNode | undefined = g.cond;
  let negated = g.negated;
  for (;;) {
    if (cond?.type === 'parenthesized_expression' && cond.children.length === 1) cond = cond.children[0];
    else if (cond?.type === 'not_operator') {
      cond = cond.fields.argument;
      negated = !negated;
    } else break;
  }
  if (!cond) return false;
  const isOrigin = (n: PyNode | undefined) => isOriginExpr(mod, n, g.originVars as Set<string>);
  if (isOrigin(cond)) return negated;
  if (cond.type === 'comparison_operator' && cond.children.length === 2 && isOrigin(cond.children[0])) {
    const op = (cond.op ?? '').replace(/\s+/g, ' ').trim();
    const r = cond.children[1] as PyNode;
    const empty = r.type === 'none' || (r.type === 'string' && /^[rbuRBU]*(""|'')$/.test(mod.text.slice(r.start, r.end)));
    if (!empty) return false;
    if (op === 'is' || op === '==') return !negated;
    if (op === 'is not' || op === '!=') return negated;
  }
  return false;
}

export function manualOrigin(ev: Evaluator, mod: PyModule, scope: Scope, writes: ManualWrite[], fallback: Span): Valued<OriginPolicy> {
  // A write that runs only without an Origin (`else: headers["Access-Control-Allow-Origin"] = "*"`) is not what
  // a cross-origin request gets.
  const acao = writes.filter((w) => w.name === 'access-control-allow-origin' && !w.onlyWithoutOrigin);
  if (acao.length === 0) return known({ kind: 'none' }, fallback, 'no Access-Control-Allow-Origin is written');
  let w = acao[acao.length - 1] as ManualWrite;
  // `if origin in ALLOWED: h[ACAO] = origin` / `else: h[ACAO] = "http://localhost:3000"`: the echo under its test,
  // and the fixed value for what fails it (audit 18 case 12).
  const echo = !w.reflectsOrigin && w.value.known ? acao.slice(0, -1).reverse().find((x) => x.reflectsOrigin === 'header' && excludes(x, w)) : undefined;
  if (echo && w.value.known) w = { ...echo, otherwise: w.value };
  if (w.reflectsOrigin) {
    // Guards on the origin (`if origin in ALLOWED:`, `if origin.endswith(...)`, an earlier `if origin not in
    // ALLOWED: return`) turn reflection into an allow-list; a guard that only checks an Origin is present does not.
    const meaningOf = (x: ManualWrite): Meaning =>
      conjunction(
        x.guards.map((g) => {
          const gm = guardMeaning(ev, g.at?.mod ?? mod, g.at?.scope ?? scope, g.cond, g.negated, g.originVars);
          // An early return on something else (`if request.path.startswith("/static"): return resp`) leaves every
          // origin to the write on the other requests.
          return g.early && gm.kind === 'other' ? { kind: 'presence' as const } : gm;
        }),
      );
    // `if "example.com" in origin: h[ACAO] = origin` / `elif origin in ALLOWED: h[ACAO] = origin` (audit 53 pymanual
    // c08, coordino: Starlette 0.26 echoed https://coordino.servitecingenieria.com.evil.example with credentials
    // through the first branch): the echoes just before this one, in branches that exclude it and each other, send
    // the Origin too, each under its own test. The origins accepted are those one of them accepts.
    const alternatives = echoAlternatives(acao, echo ?? (acao[acao.length - 1] as ManualWrite), echo ? [acao[acao.length - 1] as ManualWrite] : []);
    const m = alternatives.length ? disjunction([meaningOf(w), ...alternatives.map(meaningOf)]) : meaningOf(w);
    if (m.kind === 'entries') {
      // `origin if origin in ALLOWED else "null"`: what fails the check gets that value instead. The origin equal to
      // it can read too (`null`: any sandboxed iframe); `*` is what every refused origin gets.
      const o = w.otherwise;
      if (!o?.known || o.value.trim() === '') return known({ kind: 'allow-list', entries: m.entries, unknownEntries: [...m.unknownEntries, ...(o && !o.known ? [o.span] : [])] }, m.span, m.via);
      if (o.value.trim() === '*') return known({ kind: 'allow-list', entries: m.entries, unknownEntries: m.unknownEntries, onRefused: 'wildcard' }, m.span, m.via);
      const extra: OriginEntry = { type: 'literal', value: o.value, caseInsensitive: false, span: o.span };
      return known({ kind: 'allow-list', entries: [...m.entries, extra], unknownEntries: m.unknownEntries, refusedValue: o.value }, m.span, m.via);
    }
    if (m.kind === 'referer') {
      // (Unless the write also needs an Origin: `if origin:` around it.)
      const needsOrigin = w.guards.some((g) => !g.negated && isOriginExpr(g.at?.mod ?? mod, g.cond, g.originVars as Set<string>));
      if (!needsOrigin) refererGated.add(acao[acao.length - 1] as ManualWrite);
      if (w.reflectsOrigin === 'parameter') return known({ kind: 'reflect-any', from: 'request-parameter' }, w.span, `a request parameter the requester chooses is copied into Access-Control-Allow-Origin; ${REFERER_NOTE}`);
      return known({ kind: 'reflect-any' }, w.span, REFERER_NOTE);
    }
    if (m.kind === 'presence') {
      if (w.reflectsOrigin === 'parameter') return known({ kind: 'reflect-any', from: 'request-parameter' }, w.span, 'a request parameter the requester chooses is copied into Access-Control-Allow-Origin');
      const why = m.via ? `the request Origin is copied into Access-Control-Allow-Origin whenever it is present, as ${m.via}` : w.guards.length > 0 ? 'the request Origin is copied into Access-Control-Allow-Origin whenever it is present' : 'the request Origin is copied into Access-Control-Allow-Origin';
      return known({ kind: 'reflect-any' }, w.span, why);
    }
    return unknown(m.kind === 'unknown' ? m.reason : 'the request Origin is reflected under a condition that is not understood', w.span);
  }
  if (!w.value.known) return unknown(w.value.reason, w.value.span);
  if (w.value.value === '*') return known({ kind: 'wildcard' }, w.value.span, w.value.via);
  // `if origin == "https://a.com": h[ACAO] = "https://a.com"`: sent to that origin only, which is what an
  // allow-list of it does (other origins get no header).
  if (w.guards.length) {
    const m = conjunction(w.guards.map((g) => guardMeaning(ev, g.at?.mod ?? mod, g.at?.scope ?? scope, g.cond, g.negated, g.originVars)));
    const value = w.value.value;
    if (m.kind === 'entries' && m.unknownEntries.length === 0 && m.entries.length === 1 && m.entries[0]?.type === 'literal' && m.entries[0].value === value) {
      return known({ kind: 'allow-list', entries: m.entries, unknownEntries: [] }, m.span, m.via);
    }
  }
  return known({ kind: 'fixed', value: w.value.value }, w.value.span, w.value.via);
}

/** The conditions under which `target` runs inside `body`: enclosing `if` branches and earlier `if ...: return`. */
function guardsWithin(body: PyNode, target: PyNode, originVars: ReadonlySet<string>): Guard[] {
  const guards: Guard[] = [];
  const visit = (n: PyNode): boolean => {
    if (n === target) return true;
    if (n.start > target.start || n.end < target.end) return false;
    for (let i = 0; i < n.children.length; i++) {
      const c = n.children[i] as PyNode;
      if (!visit(c)) continue;
      if (n.type === 'if_statement') guards.push(...branchGuards(n, c, originVars));
      else if (n.type === 'block') {
        // `if origin not in ALLOWED: return response` before the write: it runs only when the test fails.
        for (const st of n.children.slice(0, i)) if (exitsEarly(st)) guards.push({ cond: st.fields.condition as PyNode, negated: true, early: true, originVars });
      }
      return true;
    }
    return false;
  };
  visit(body);
  return guards;
}

/**
 * A flag set by the origin check (`allowed = False` first, then `allowed = True` under tests of the origin, read
 * later as `if allowed:`): it holds when one of those tests did. Undefined for any other use of the name.
 */
function flagMeaning(ev: Evaluator, mod: PyModule, scope: Scope, flag: PyNode, originVars: ReadonlySet<string>, depth: number): Meaning | undefined {
  const fn = scope.fn?.node;
  const body = fn?.fields.body;
  const name = flag.text;
  if (!body || !name) return undefined;
  const assigns: PyNode[] = [];
  let other = false;
  walk(body, (n) => {
    if (n.type === 'assignment' && n.fields.left?.type === 'identifier' && n.fields.left.text === name) assigns.push(n);
    else if ((n.type === 'augmented_assignment' || n.type === 'named_expression' || n.type === 'for_statement' || n.type === 'global_statement' || n.type === 'nonlocal_statement') && mod.text.slice(n.start, n.end).includes(name)) {
      // Another way of binding the name (or one that may be): not a plain flag.
      const target = n.type === 'for_statement' ? n.fields.left : n.type === 'augmented_assignment' || n.type === 'named_expression' ? (n.fields.left ?? n.fields.name) : n;
      if (target && new RegExp(`\\b${name}\\b`).test(mod.text.slice(target.start, target.end))) other = true;
    }
  });
  if (other || assigns.length < 2 || assigns.some((a) => a.start > flag.start)) return undefined;
  const literal = (a: PyNode) => (a.fields.right?.type === 'true' ? true : a.fields.right?.type === 'false' ? false : undefined);
  const [first, ...rest] = assigns as [PyNode, ...PyNode[]];
  if (literal(first) !== false || guardsWithin(body, first, originVars).length > 0) return undefined;
  if (rest.some((a) => literal(a) !== true)) return undefined;
  const ways = rest.map((a) => conjunction(guardsWithin(body, a, originVars).map((g) => guardMeaning(ev, mod, scope, g.cond, g.negated, g.originVars, depth + 1))));
  return disjunction(ways);
}

/**
 * A local bound once, before `use`, to a test of the origin (`allowed = origin in ORIGINS`, `is_allowed = origin in
 * ORIGINS or PATTERN.match(origin)`, audit 44 py D3): `if allowed:` means that test, as `if origin in ORIGINS:`
 * would. Only for a name with no other binding in the function, and an origin not rebound between the two. The
 * conditions under which the assignment ran, beyond those the use is under too, hold as well (when `use` runs,
 * the assignment did: otherwise reading the local raises UnboundLocalError).
 */
function storedTest(mod: PyModule, scope: Scope, use: PyNode, originVars: ReadonlySet<string>): { test: PyNode; guards: Guard[] } | undefined {
  const body = scope.fn?.node.fields.body;
  const name = use.text;
  if (!body || !name || originVars.has(name)) return undefined;
  const a = onlyAssignment(mod, body, name);
  const test = a?.fields.right;
  if (!a || !test || a.end > use.start) return undefined;
  // The test must read the origin, or the Referer (`referer_ok = not referer or "x" in referer`); a flag set to
  // True/False is flagMeaning's.
  let reads = false;
  walk(test, (n) => {
    if (!reads && (isOriginExpr(mod, n, originVars as Set<string>) || isRefererExpr(mod, scope, n, originVars))) reads = true;
  });
  if (!reads) return undefined;
  // The origin rebound between the assignment and the use: the test was about another value.
  let rebound = false;
  walk(body, (n) => {
    if (n.type === 'assignment' && n.start > a.end && n.end < use.start && n.fields.left?.type === 'identifier' && originVars.has(n.fields.left.text ?? '')) rebound = true;
  });
  if (rebound) return undefined;
  const atUse = new Set(guardsWithin(body, use, originVars).map((g) => `${g.cond.start}:${g.negated}`));
  const guards = guardsWithin(body, a, originVars).filter((g) => !atUse.has(`${g.cond.start}:${g.negated}`));
  return { test, guards };
}

/** The branch conditions that hold in the `if` statement's child `c` (its consequence, an `elif` or the `else`). */
function branchGuards(n: PyNode, c: PyNode, originVars: ReadonlySet<string>): Guard[] {
  const cond = n.fields.condition;
  if (!cond || c === cond) return [];
  if (c === n.fields.consequence) return [{ cond, negated: false, originVars }];
  const out: Guard[] = [{ cond, negated: true, originVars }];
  for (const b of n.children) {
    if (b.type !== 'elif_clause' || !b.fields.condition) continue;
    if (b === c) {
      out.push({ cond: b.fields.condition, negated: false, originVars });
      break;
    }
    out.push({ cond: b.fields.condition, negated: true, originVars });
  }
  return out;
}

/** `if cond: ... return/raise` with no `elif`/`else`: the statements after it run only when cond is false. */
function exitsEarly(st: PyNode): boolean {
  if (st.type !== 'if_statement' || !st.fields.condition) return false;
  if (st.children.some((c) => c.type === 'elif_clause' || c.type === 'else_clause')) return false;
  const last = st.fields.consequence?.children.at(-1);
  return last?.type === 'return_statement' || last?.type === 'raise_statement';
}

/** What a guard says about the origins a reflecting write accepts. */
type Meaning =
  /**
   * Holds for any (present) origin: no restriction. `constant`: a condition that is not about the request at all
   * and is known to hold (a constant, an environment default); `via` says why, for the message.
   */
  | { kind: 'presence'; constant?: boolean; via?: string }
  /** Holds only for origins these entries accept. `list`: exact literals, which bound the set on their own. */
  | { kind: 'entries'; entries: OriginEntry[]; unknownEntries: Span[]; list: boolean; span: Span; via?: string }
  /** About the origin, but not understood (`span`: the test, where known). */
  | { kind: 'unknown'; reason: string; span?: Span }
  /** Not about the origin (another condition of the request or the app). */
  | { kind: 'other' }
  /**
   * A test of the Referer header the requesting page passes or fails at will (refererTest): for any origin, some
   * request of the attacker's meets it, so it restricts nothing, like `presence`, and the finding says so.
   */
  | { kind: 'referer' };

function guardMeaning(ev: Evaluator, mod: PyModule, scope: Scope, cond: PyNode, negated: boolean, originVars: ReadonlySet<string>, depth = 0): Meaning {
  if (depth > 12) return { kind: 'unknown', reason: 'condition too deep' };
  const isOrigin = (n: PyNode | undefined) => isOriginExpr(mod, n, originVars as Set<string>);
  const recur = (n: PyNode | undefined, neg: boolean): Meaning => (n ? guardMeaning(ev, mod, scope, n, neg, originVars, depth + 1) : { kind: 'unknown', reason: 'condition' });
  if (cond.type === 'parenthesized_expression') {
    // Comments inside the parentheses (a condition written over several lines) are no part of it.
    const inner = cond.children.filter((c) => c.type !== 'comment');
    if (inner.length === 1) return recur(inner[0], negated);
  }
  if (cond.type === 'not_operator') return recur(cond.fields.argument, !negated);
  if (cond.type === 'boolean_operator') {
    const op = (cond.op ?? '').trim();
    const parts = [recur(cond.fields.left, negated), recur(cond.fields.right, negated)];
    // De Morgan: a negated `and` is an `or` of the negations, and the reverse.
    const and = (op === 'and') !== negated;
    // `request.path == "/health" or request.path == "/ping"`: conditions none of which is about the origin; with a
    // setting known to hold, `DEBUG or request.path == "/ping"` holds always, `DEBUG and ...` as the other part does.
    const constant = (p: Meaning) => p.kind === 'presence' && p.constant === true;
    if (parts.every((p) => p.kind === 'other' || constant(p))) {
      const held = parts.find(constant);
      if (and) return parts.some((p) => p.kind === 'other') ? { kind: 'other' } : (held as Meaning);
      return held ?? { kind: 'other' };
    }
    return and ? conjunction(parts) : disjunction(parts);
  }
  const mentionsOrigin = () => {
    let found = false;
    walk(cond, (n) => {
      if (!found && isOrigin(n)) found = true;
      return !found;
    });
    return found;
  };
  // `if origin:` holds for every request that has an Origin; `if not origin:` only for those without one.
  if (isOrigin(cond)) return negated ? { kind: 'other' } : { kind: 'presence' };
  // `not referer`, `"vercel.app" in referer`: the page decides either way.
  if (refererTest(ev, mod, scope, cond, originVars)) return { kind: 'referer' };
  // `allowed = origin in ORIGINS` then `if allowed:` (audit 44 py D3): the test stored once in a local.
  if (cond.type === 'identifier' && depth < 6) {
    const stored = storedTest(mod, scope, cond, originVars);
    if (stored) {
      const own = recur(stored.test, negated);
      return stored.guards.length ? conjunction([own, ...stored.guards.map((g) => guardMeaning(ev, mod, scope, g.cond, g.negated, g.originVars, depth + 1))]) : own;
    }
  }
  // `if allowed:` where the flag was set by tests of the origin.
  if (cond.type === 'identifier' && !negated && depth < 6) {
    const m = flagMeaning(ev, mod, scope, cond, originVars, depth);
    if (m) return m;
  }
  const span = spanOf(mod, cond);
  if (cond.type === 'comparison_operator' && cond.children.length === 2) {
    const [l, r] = cond.children as [PyNode, PyNode];
    let op = (cond.op ?? '').replace(/\s+/g, ' ').trim();
    if (negated) op = ({ in: 'not in', 'not in': 'in', '==': '!=', '!=': '==', is: 'is not', 'is not': 'is' } as Record<string, string>)[op] ?? `not ${op}`;
    if (isOrigin(l)) {
      const v = ev.eval(r, scope);
      // `origin is not None`, `origin != ""`: only that an Origin is present.
      if ((op === 'is not' || op === '!=') && (v.t === 'none' || (v.t === 'str' && v.v === ''))) return { kind: 'presence' };
      // A block list (`origin not in BLOCKED`, `origin != X`) lets every other origin through.
      if ((op === 'not in' || op === '!=') && v.t !== 'unknown') return { kind: 'presence' };
      if (op === 'in' && v.t === 'seq') {
        const entries: OriginEntry[] = [];
        const unknownEntries: Span[] = [];
        for (const i of v.items) {
          if (i.t === 'str') entries.push({ type: 'literal', value: i.v, caseInsensitive: false, span: i.span, ...litSpan(i), ...(i.via && i.via !== v.via ? { via: i.via } : {}) });
          else unknownEntries.push(i.span);
        }
        return { kind: 'entries', entries, unknownEntries, list: true, span: v.span, ...(v.via ? { via: v.via } : {}) };
      }
      if (op === 'in' && v.t === 'dict') {
        const entries: OriginEntry[] = [];
        const unknownEntries: Span[] = [];
        for (const { key } of v.entries) {
          if (key.t === 'str') entries.push({ type: 'literal', value: key.v, caseInsensitive: false, span: key.span, ...litSpan(key) });
          else unknownEntries.push(key.span);
        }
        return { kind: 'entries', entries, unknownEntries, list: true, span: v.span };
      }
      if (op === 'in' && v.t === 'str') return { kind: 'entries', entries: [{ type: 'substring', haystack: v.v, span: v.span }], unknownEntries: [], list: true, span: v.span };
      if (op === '==' && v.t === 'str') return { kind: 'entries', entries: [{ type: 'literal', value: v.v, caseInsensitive: false, span: v.span, ...litSpan(v) }], unknownEntries: [], list: true, span: v.span };
      // `origin in ALLOWED` with ALLOWED not known (settings read at run time): which origins pass is not known,
      // but the header still depends on the request Origin (so Vary: Origin is due); nothing else is claimed.
      if (op === 'in' && v.t === 'unknown') return { kind: 'entries', entries: [], unknownEntries: [spanOf(mod, r)], list: true, span: spanOf(mod, r), via: v.reason };
      return { kind: 'unknown', reason: v.t === 'unknown' ? v.reason : `origin ${op} a ${v.t} value` };
    }
    if (isOrigin(r) && (op === 'in' || op === 'not in')) {
      // `"example.com" in origin`: a substring test on the origin.
      const v = ev.eval(l, scope);
      if (v.t !== 'str') return { kind: 'unknown', reason: v.t === 'unknown' ? v.reason : `a ${v.t} value in origin` };
      if (op === 'not in') return { kind: 'presence' };
      return { kind: 'entries', entries: [{ type: 'tests', all: [{ op: 'includes', on: 'origin', value: v.v, caseInsensitive: false, span: v.span }], span }], unknownEntries: [], list: false, span };
    }
  }
  // `re.match(P, origin) is not None` (`!= None`): the match test itself; `is None` is its negation.
  if (cond.type === 'comparison_operator' && cond.children.length === 2 && cond.children[1]?.type === 'none' && regexCall(ev, scope, cond.children[0] as PyNode, isOrigin)) {
    const op = (cond.op ?? '').replace(/\s+/g, ' ').trim();
    if (op === 'is not' || op === '!=') return recur(cond.children[0], negated);
    if (op === 'is' || op === '==') return recur(cond.children[0], !negated);
  }
  // `bool(x)`: the truth of x.
  if (cond.type === 'call' && cond.fields.function?.type === 'identifier' && cond.fields.function.text === 'bool') {
    const a = callArgs(cond);
    if (a.positional.length === 1 && a.keywords.size === 0 && !a.splat && ev.eval(cond.fields.function, scope).t === 'ext') return recur(a.positional[0], negated);
  }
  // `any(p in origin for p in PATTERNS)`, `any(origin.endswith(s) for s in SUFFIXES)` (audit 52 py D7).
  const each = comprehensionTest(ev, mod, scope, cond, negated, originVars, depth);
  if (each) return each;
  // `is_allowed_origin(origin)`, `await check_origin(origin)`: the origin handed to a function (audit 50 py D1).
  const handed = originCheckCall(ev, mod, scope, cond, negated, originVars, depth);
  if (handed) return handed;
  if (cond.type === 'call') {
    const fn = cond.fields.function;
    const a = callArgs(cond);
    // origin.startswith("https://") / origin.endswith((".a.com", ".b.com"))
    if (fn?.type === 'attribute' && isOrigin(fn.fields.object) && a.positional.length === 1 && a.keywords.size === 0) {
      const meth = fn.fields.attribute?.text;
      if (meth === 'startswith' || meth === 'endswith') {
        // A failed test lets every other origin through.
        if (negated) return { kind: 'presence' };
        const v = ev.eval(a.positional[0], scope);
        const values = v.t === 'str' ? [v] : v.t === 'seq' && v.items.every((i) => i.t === 'str') ? (v.items as Extract<PyVal, { t: 'str' }>[]) : undefined;
        if (!values) return { kind: 'unknown', reason: v.t === 'unknown' ? v.reason : `origin.${meth}() of a ${v.t} value` };
        const testOp = meth === 'startswith' ? 'startsWith' : 'endsWith';
        const entries: OriginEntry[] = values.map((x) => ({ type: 'tests', all: [{ op: testOp, on: 'origin', value: x.v, caseInsensitive: false, span: x.span }], span }));
        return { kind: 'entries', entries, unknownEntries: [], list: false, span };
      }
      return { kind: 'unknown', reason: `origin.${meth ?? '?'}()` };
    }
    // re.match(p, origin) / re.search / re.fullmatch, or a compiled pattern's P.match(origin)
    const modes: Record<string, MatchMode> = { match: 'match', search: 'search', fullmatch: 'fullmatch' };
    let pattern: PyVal | undefined;
    let mode: MatchMode | undefined;
    let flagsNode: PyNode | undefined;
    if (fn) {
      const f = ev.eval(fn, scope);
      const name = f.t === 'ext' ? /^re\.(match|search|fullmatch)$/.exec(f.qname)?.[1] : undefined;
      if (name && isOrigin(a.positional[1])) {
        mode = modes[name];
        pattern = a.positional[0] ? ev.eval(a.positional[0], scope) : undefined;
        flagsNode = a.positional[2] ?? a.keywords.get('flags')?.fields.value;
      } else if (fn.type === 'attribute' && isOrigin(a.positional[0]) && a.positional.length === 1) {
        const meth = fn.fields.attribute?.text ?? '';
        const obj = ev.eval(fn.fields.object, scope);
        if (obj.t === 'regex' && meth in modes) {
          mode = modes[meth];
          pattern = obj;
        }
      }
    }
    if (mode) {
      if (negated) return { kind: 'presence' };
      if (!pattern || (pattern.t !== 'str' && pattern.t !== 'regex')) return { kind: 'unknown', reason: pattern?.t === 'unknown' ? pattern.reason : 'a regex cors-lint cannot read' };
      let flags = pattern.t === 'regex' ? pattern.flags : '';
      if (flagsNode) {
        if (!/^(re\.)?(I|IGNORECASE)$/.test(mod.text.slice(flagsNode.start, flagsNode.end).trim())) return { kind: 'unknown', reason: 'regex flags' };
        flags = 'i';
      }
      const source = pattern.t === 'regex' ? pattern.pattern : pattern.v;
      return { kind: 'entries', entries: [{ type: 'regex', pattern: source, flags, flavor: 'python', mode, span: pattern.span, ...litSpan(pattern) }], unknownEntries: [], list: false, span };
    }
  }
  if (mentionsOrigin()) return { kind: 'unknown', reason: 'the request Origin is reflected under a condition that is not understood', span };
  // `if allow_all_origins or (...)` with `allow_all_origins = os.getenv("ALLOW_ALL_CORS", "true").lower() == "true"`
  // (audit 53 flask c17): a condition known to hold restricts nothing. One known not to hold, or not known, is
  // another condition of the request or the app.
  const c = constantTruth(ev, mod, scope, cond);
  if (c && c.holds !== negated) return { kind: 'presence', constant: true, ...(c.via ? { via: `\`${negated ? 'not ' : ''}${c.text}\` holds: ${c.via}` } : {}) };
  return { kind: 'other' };
}

/**
 * The truth of a condition known without the request: a constant, or a setting known when an environment
 * variable is unset (design.md: such a default is known, and the message says so). Not a parameter's default:
 * a caller may pass another value. Undefined when not known.
 */
function constantTruth(ev: Evaluator, mod: PyModule, scope: Scope, cond: PyNode): { holds: boolean; via?: string; text: string } | undefined {
  const v = ev.eval(cond, scope);
  const t = isTruthy(v);
  if (t === undefined || v.via?.startsWith('default of parameter')) return undefined;
  return { holds: t, text: mod.text.slice(cond.start, cond.end).replace(/\s+/g, ' ').trim(), ...(v.via ? { via: v.via } : {}) };
}

/**
 * Whether a write runs on the response to every CORS request: no guard, or only guards that hold whenever an Origin
 * is sent (`origin if origin else "*"`; not a test of a request parameter, which the caller may not pass) or are
 * known to hold (a constant, an environment default, `if allow_all_origins or (...)`). Used for an after_request
 * hook that pre-empts flask-cors, or adds a second line to a view's (§3.4).
 */
export function alwaysWritten(ev: Evaluator, mod: PyModule, scope: Scope, w: ManualWrite): boolean {
  return w.guards.every((g) => {
    const m = g.at?.mod ?? mod;
    if (onlyWithoutOrigin(m, { ...g, negated: !g.negated })) return !testsRequesterValue(m, g);
    const c = constantTruth(ev, m, g.at?.scope ?? scope, g.cond);
    return c !== undefined && c.holds !== g.negated;
  });
}

/**
 * `any(<test> for v in LIST)` / `all(...)` (a generator or a list comprehension, one `for` over a list, tuple, set
 * or dict known item by item, no `if` clause): the test applied to each item, as the loop `for v in LIST: if
 * <test>: return True` of a helper is read (readHelper). `any` holds when one of them does, `all` when each does;
 * negated, the reverse. Undefined when `cond` is not such a call; unknown when the list or the shape is not read.
 */
function comprehensionTest(ev: Evaluator, mod: PyModule, scope: Scope, cond: PyNode, negated: boolean, originVars: ReadonlySet<string>, depth: number): Meaning | undefined {
  const fnNode = cond.type === 'call' ? cond.fields.function : undefined;
  const which = fnNode?.type === 'identifier' ? fnNode.text : undefined;
  if ((which !== 'any' && which !== 'all') || !fnNode) return undefined;
  // The builtin: a name the project does not bind (the evaluator knows it as no value of its own).
  const f = ev.eval(fnNode, scope);
  if (!(f.t === 'ext' && f.qname === `builtins.${which}`) && !(f.t === 'unknown' && f.reason.startsWith(`${which} is not defined in `))) return undefined;
  // `any(x for x in L)` puts the generator where the argument list is; `any([x for x in L])` inside it.
  let gen: PyNode | undefined = cond.fields.arguments;
  if (gen?.type !== 'generator_expression') {
    const a = callArgs(cond);
    gen = a.positional.length === 1 && a.keywords.size === 0 && !a.splat ? a.positional[0] : undefined;
  }
  if (gen?.type !== 'generator_expression' && gen?.type !== 'list_comprehension') return undefined;
  const no = (reason: string): Meaning => ({ kind: 'unknown', reason: `${which}(...): ${reason}` });
  const body = gen.fields.body;
  const clauses = gen.children.filter((c) => c !== body && c.type !== 'comment');
  const loop = clauses.length === 1 && clauses[0]?.type === 'for_in_clause' ? clauses[0] : undefined;
  const v = loop?.fields.left?.type === 'identifier' ? loop.fields.left.text : undefined;
  if (!body || !loop?.fields.right || !v) return no('a comprehension it cannot read');
  if (originVars.has(v)) return no('the origin rebound');
  const seq = ev.eval(loop.fields.right, scope);
  const items = seq.t === 'seq' ? seq.items : seq.t === 'dict' ? seq.entries.map((e) => e.key) : undefined;
  if (!items || items.length > HELPER_LOOP_ITEMS) return no(seq.t === 'unknown' ? seq.reason : 'a loop it cannot read');
  if (items.some((i) => i.t === 'unknown')) return no('a loop over values not known');
  const ms = items.map((item) => guardMeaning(ev, mod, { ...scope, locals: new Map([...(scope.locals ?? []), [v, item]]) }, body, negated, originVars, depth + 1));
  if (ms.length > 0 && ms.every((m) => m.kind === 'other')) return { kind: 'other' };
  // any() of nothing is false, all() of nothing true.
  const union = (which === 'any') !== negated;
  if (ms.length === 0) return union ? { kind: 'entries', entries: [], unknownEntries: [], list: true, span: spanOf(mod, cond) } : { kind: 'presence' };
  return union ? disjunction(ms) : conjunction(ms);
}

/** Whether `n` is a regex match call on the origin (`re.match(P, origin)`, `PATTERN.fullmatch(origin)`), whose result is a match object or None. */
function regexCall(ev: Evaluator, scope: Scope, n: PyNode, isOrigin: (x: PyNode | undefined) => boolean): boolean {
  if (n.type !== 'call' || !n.fields.function) return false;
  const a = callArgs(n);
  const f = n.fields.function;
  const v = ev.eval(f, scope);
  if (v.t === 'ext' && /^re\.(match|search|fullmatch)$/.test(v.qname)) return isOrigin(a.positional[1]);
  return f.type === 'attribute' && /^(match|search|fullmatch)$/.test(f.fields.attribute?.text ?? '') && ev.eval(f.fields.object, scope).t === 'regex' && isOrigin(a.positional[0]);
}

/** Builtins that take the origin without testing which origin it is (`isinstance(origin, str)`). */
const BUILTINS = new Set(['isinstance', 'len', 'str', 'bool', 'hasattr', 'getattr', 'type', 'print', 'repr', 'id', 'hash']);

/** How many nested helper functions an origin check is followed into. */
const HELPER_DEPTH = 3;
/** Depth added to guardMeaning's count for each helper followed (its limit is 12). */
const HELPER_STEP = 4;
/** The most items of a list a helper's loop is unrolled over. */
const HELPER_LOOP_ITEMS = 64;

/**
 * A condition that hands the request Origin to a function (`is_allowed_origin(origin)`, `await check(origin)`, a
 * local bound to such a call is storedTest's). A function of the project whose body is a few origin tests that
 * return (`return re.match(P, origin) is not None`; `if origin in ALLOWED: return True` ... `return False`; `for p in
 * PATTERNS: if re.match(p, origin): return True`) is read as if those tests were written inline, with its parameter
 * bound to the origin. Any other function (a database lookup, a body cors-lint cannot read, recursion): which
 * origins pass is not known, but a write under it still sends the request Origin back, so Vary: Origin is due
 * (§5.7), as for `origin in <unknown>`; nothing else about the origins is claimed. Undefined when `cond` is not
 * such a call.
 */
function originCheckCall(ev: Evaluator, mod: PyModule, scope: Scope, cond: PyNode, negated: boolean, originVars: ReadonlySet<string>, depth: number): Meaning | undefined {
  const awaited = cond.type === 'await';
  const call = awaited ? cond.children.find((c) => c.type !== 'comment') : cond;
  if (call?.type !== 'call' || !call.fields.function) return undefined;
  const a = callArgs(call);
  const isOrigin = (n: PyNode | undefined) => isOriginExpr(mod, n, originVars as Set<string>);
  const at = a.positional.findIndex((x) => isOrigin(x));
  const kw = [...a.keywords].find(([, k]) => isOrigin(k.fields.value))?.[0];
  if (at < 0 && kw === undefined) return undefined;
  const fnNode = call.fields.function;
  const name = mod.text.slice(fnNode.start, fnNode.end).replace(/\s+/g, '');
  // Methods of the origin itself (`origin.endswith(...)`) and the regex module are the classifier's own.
  if (fnNode.type === 'attribute' && (isOrigin(fnNode.fields.object) || ev.eval(fnNode.fields.object, scope).t === 'regex')) return undefined;
  const f = ownMethod(mod, scope, fnNode) ?? ev.eval(fnNode, scope);
  if ((f.t === 'ext' && /^(re|builtins)\./.test(f.qname)) || (fnNode.type === 'identifier' && BUILTINS.has(fnNode.text ?? '') && f.t !== 'func')) return undefined;
  const read = f.t === 'func' ? readHelper(ev, scope, f, call, at, kw, awaited, negated, depth) : undefined;
  // Findings on the check as a whole (Vary) point at the call; each entry keeps its place in the helper.
  if (read?.kind === 'entries') return { ...read, span: spanOf(mod, cond) };
  if (read && read.kind !== 'unknown') return read;
  // Not read: the write still echoes the Origin, for the origins the function accepts (unknown ones).
  if (negated) return { kind: 'unknown', reason: `${name}() decides which origins pass` };
  const span = spanOf(mod, cond);
  const why = read?.kind === 'unknown' ? read.reason : f.t === 'unknown' ? f.reason : `${name}() is not a function of the project`;
  return { kind: 'entries', entries: [], unknownEntries: [span], list: true, span, via: `${name}() decides which origins pass (${why})` };
}

/**
 * `self.check(origin)` in a method (a BaseHTTPMiddleware's dispatch): the plain method `check` of the same class,
 * which the evaluator does not follow (`self` is unknown to it), read as a helper like a module-level function
 * (audit 50 py note). Only a method the class defines itself, undecorated: one inherited or replaced on the
 * instance is not looked for, and the check then stays unknown.
 */
function ownMethod(mod: PyModule, scope: Scope, fnNode: PyNode): Extract<PyVal, { t: 'func' }> | undefined {
  const method = scope.fn?.node;
  const obj = fnNode.type === 'attribute' ? fnNode.fields.object : undefined;
  const name = fnNode.fields.attribute?.text;
  const params = method?.fields.parameters?.children.filter((p) => p.type !== 'comment') ?? [];
  const self = params[0] ? paramName(params[0]) : undefined;
  if (!method || obj?.type !== 'identifier' || !name || !self || obj.text !== self || self !== 'self') return undefined;
  // The receiver must still be the instance: a method that rebinds `self` is not read.
  if (scope.fn?.index.bindings.has(self)) return undefined;
  // The class whose body defines `method`, found by descending through the nodes that contain it.
  let cls: PyNode | undefined;
  for (let n: PyNode | undefined = mod.root, depth = 0; n && depth < 200; depth++) {
    const members: PyNode[] = n.type === 'class_definition' ? (n.fields.body?.children ?? []) : [];
    if (members.some((c) => c === method || (c.type === 'decorated_definition' && c.fields.definition === method))) {
      cls = n;
      break;
    }
    n = n.children.find((c) => c.start <= method.start && method.end <= c.end && c !== method);
  }
  const members = cls?.fields.body?.children ?? [];
  const defs = members.filter((c) => (c.type === 'function_definition' ? c : c.type === 'decorated_definition' ? c.fields.definition : undefined)?.fields.name?.text === name);
  // One plain definition, and no class attribute of that name that could replace it.
  const other = members.some((c) => c.type === 'expression_statement' && c.children[0]?.type === 'assignment' && c.children[0].fields.left?.text === name);
  const found = defs.length === 1 && defs[0]?.type === 'function_definition' && !other ? defs[0] : undefined;
  return found ? { t: 'func', mod, node: found, name, decorators: [], span: spanOf(mod, found) } : undefined;
}

/**
 * The meaning of a helper's answer (true, or false when `negated`) with its parameter bound to the origin: every
 * path of its body that returns that answer, each under the tests before it. Unknown when the body is anything
 * else.
 */
function readHelper(
  ev: Evaluator,
  scope: Scope,
  f: Extract<PyVal, { t: 'func' }>,
  call: PyNode,
  at: number,
  kw: string | undefined,
  awaited: boolean,
  negated: boolean,
  depth: number,
): Meaning {
  const no = (reason: string): Meaning => ({ kind: 'unknown', reason: `${f.name}(): ${reason}` });
  const def = f.node;
  const body = def.fields.body;
  if (!body || depth + HELPER_STEP > HELPER_STEP * HELPER_DEPTH) return no('helpers nested too deep');
  // A coroutine function's result, not awaited, is a coroutine object (always true); awaiting a plain function's
  // result raises. Either way not the test its body reads.
  const isAsync = /^async\b/.test(f.mod.text.slice(def.start, def.end));
  if (isAsync !== awaited) return no(isAsync ? 'a coroutine not awaited' : 'awaits a plain function');
  if (f.decorators.length) return no('a decorated function');
  const a = callArgs(call);
  if (a.splat) return no('arguments unpacked');
  const params = def.fields.parameters?.children.filter((p) => p.type !== 'comment') ?? [];
  if (params.some((p) => !['identifier', 'typed_parameter', 'default_parameter', 'typed_default_parameter'].includes(p.type))) return no('its parameters');
  const names = params.map((p) => paramName(p) ?? '');
  // `self.check(origin)` on a method: the object takes the first parameter.
  const bound = call.fields.function?.type === 'attribute' && /^(self|cls)$/.test(names[0] ?? '') ? 1 : 0;
  const param = kw ?? names[at + bound];
  if (!param || !names.includes(param)) return no('which parameter takes the origin');
  // The other arguments, evaluated where the call is.
  const locals = new Map<string, PyVal>();
  a.positional.forEach((x, i) => {
    const p = names[i + bound];
    if (p && p !== param) locals.set(p, ev.eval(x, scope));
  });
  for (const [k, x] of a.keywords) if (k !== param && x.fields.value) locals.set(k, ev.eval(x.fields.value, scope));
  const own = scopeAt(ev.host, f.mod, [def]);
  const base: Scope = { ...own, locals };
  const vars = new Set([param]);
  const meaning = (c: PyNode, neg: boolean, s: Scope) => guardMeaning(ev, f.mod, s, c, neg, vars, depth + HELPER_STEP);
  // The paths that return true and those that return false, each the conjunction of its conditions.
  const yes: Meaning[] = [];
  const nope: Meaning[] = [];
  const literal = (r: PyNode | undefined): boolean | undefined => (!r || r.type === 'none' || r.type === 'false' ? false : r.type === 'true' ? true : undefined);
  const returns = (r: PyNode | undefined, path: Meaning[], s: Scope): void => {
    const l = literal(r);
    if (l === true) yes.push(conjunction(path));
    else if (l === false) nope.push(conjunction(path));
    else if (r) {
      yes.push(conjunction([...path, meaning(r, false, s)]));
      nope.push(conjunction([...path, meaning(r, true, s)]));
    }
  };
  const path: Meaning[] = [];
  let ended = false;
  for (const st of bodyStatements(body)) {
    if (st.type === 'return_statement') {
      returns(st.children[0], path, base);
      ended = true;
      break;
    }
    if (st.type === 'if_statement' && st.fields.condition) {
      // `if c: return x` (with `elif`s, and an `else`), each branch one `return`.
      const branches: { cond: PyNode; value: PyNode | undefined }[] = [];
      const first = onlyReturn(st.fields.consequence);
      if (!first) return no('a statement it cannot read');
      branches.push({ cond: st.fields.condition, value: first.value });
      let orelse: { value: PyNode | undefined } | undefined;
      for (const c of st.children) {
        if (c.type === 'elif_clause') {
          const r = onlyReturn(c.fields.consequence);
          if (!r || !c.fields.condition) return no('a statement it cannot read');
          branches.push({ cond: c.fields.condition, value: r.value });
        } else if (c.type === 'else_clause') {
          orelse = onlyReturn(c.fields.body);
          if (!orelse) return no('a statement it cannot read');
        }
      }
      for (const b of branches) {
        returns(b.value, [...path, meaning(b.cond, false, base)], base);
        path.push(meaning(b.cond, true, base));
      }
      if (orelse) {
        returns(orelse.value, path, base);
        ended = true;
        break;
      }
      continue;
    }
    if (st.type === 'for_statement' && st.fields.left?.type === 'identifier' && st.fields.right && !st.children.some((c) => c.type === 'else_clause')) {
      // `for p in PATTERNS: if re.match(p, origin): return True`: unrolled over a list known item by item.
      const inner = bodyStatements(st.fields.body);
      const test = inner.length === 1 && inner[0]?.type === 'if_statement' && !inner[0].children.some((c) => c.type === 'elif_clause' || c.type === 'else_clause') ? inner[0] : undefined;
      const r = test ? onlyReturn(test.fields.consequence) : undefined;
      const seq = ev.eval(st.fields.right, base);
      const items = seq.t === 'seq' ? seq.items : seq.t === 'dict' ? seq.entries.map((e) => e.key) : undefined;
      if (!test?.fields.condition || !r || !items || items.length > HELPER_LOOP_ITEMS) return no('a loop it cannot read');
      if (items.some((i) => i.t === 'unknown')) return no('a loop over values not known');
      const v = st.fields.left.text ?? '';
      if (v === param) return no('its parameter rebound');
      for (const item of items) {
        const s: Scope = { ...base, locals: new Map([...locals, [v, item]]) };
        returns(r.value, [...path, meaning(test.fields.condition, false, s)], s);
        path.push(meaning(test.fields.condition, true, s));
      }
      continue;
    }
    // `patterns = [".ngrok-free.app", ".ngrok.io"]` before the test (audit 52 py c18): a local bound once, from
    // values other than the origin, which the evaluator reads where it is used.
    const assign = st.type === 'expression_statement' && st.children.length === 1 && st.children[0]?.type === 'assignment' ? st.children[0] : undefined;
    const local = assign?.fields.left?.type === 'identifier' ? assign.fields.left.text : undefined;
    const right = assign?.fields.right;
    if (local && right && local !== param && own.fn?.index.bindings.get(local)?.length === 1 && !new RegExp(`\\b${param}\\b`).test(f.mod.text.slice(right.start, right.end))) continue;
    // `from urllib.parse import urlparse` in the body (audit 53 pymanual c06): it binds other names, read (or not) by
    // the evaluator where they are used; one that rebinds the parameter is not read.
    if ((st.type === 'import_statement' || st.type === 'import_from_statement') && !new RegExp(`\\b${param}\\b`).test(f.mod.text.slice(st.start, st.end))) continue;
    return no('a statement it cannot read');
  }
  // Falling off the end returns None.
  if (!ended) nope.push(conjunction(path));
  const ways = negated ? nope : yes;
  if (ways.length === 0) return no(negated ? 'never returns a false value' : 'never returns a true value');
  return disjunction(ways);
}

/** All of the meanings hold. */
function conjunction(all: Meaning[]): Meaning {
  // A Referer test the page meets at will restricts nothing; when nothing else does either, it is why every origin passes.
  const ms = all.filter((m) => m.kind !== 'referer');
  if (ms.length < all.length) {
    const rest = ms.length ? conjunction(ms) : ({ kind: 'presence' } as const);
    return rest.kind === 'presence' ? { kind: 'referer' } : rest;
  }
  const entries = ms.filter((m): m is Extract<Meaning, { kind: 'entries' }> => m.kind === 'entries');
  // An exact list bounds the accepted set whatever else is required.
  const list = entries.find((m) => m.list);
  if (list) return list;
  if (entries.length === 1) return entries[0] as Meaning;
  if (entries.length > 1) {
    // Several string tests on one path combine into one entry (all must hold).
    if (entries.every((m) => m.entries.length === 1 && m.entries[0]?.type === 'tests')) {
      const all = entries.flatMap((m) => (m.entries[0] as Extract<OriginEntry, { type: 'tests' }>).all);
      const first = entries[0] as Extract<Meaning, { kind: 'entries' }>;
      return { kind: 'entries', entries: [{ type: 'tests', all, span: first.span }], unknownEntries: [], list: false, span: first.span };
    }
    return { kind: 'unknown', reason: 'several conditions on the origin' };
  }
  const unknownOne = ms.find((m) => m.kind === 'unknown');
  if (unknownOne) return unknownOne;
  // Another condition (a method, a setting) on the path: whether it ever holds is not known here.
  if (ms.some((m) => m.kind === 'other')) return { kind: 'unknown', reason: 'the request Origin is reflected under a condition that is not understood' };
  return presenceOf(ms);
}

/** The first `presence` that says why it holds (a setting known to hold), else a plain one. */
function presenceOf(ms: Meaning[]): Meaning {
  return ms.find((m) => m.kind === 'presence' && m.via !== undefined) ?? { kind: 'presence' };
}

/** One of the meanings holds. */
function disjunction(ms: Meaning[]): Meaning {
  // `origin in ALLOWED or not referer`: the page sends no Referer, whatever its origin.
  if (ms.some((m) => m.kind === 'referer')) return { kind: 'referer' };
  const entries = ms.filter((m): m is Extract<Meaning, { kind: 'entries' }> => m.kind === 'entries');
  const first = entries[0];
  // `origin == "null" or urlparse(origin).hostname in HOSTS` (audit 53 pymanual c06, a helper's returns): the origins
  // of the known tests pass whatever the test not understood decides, which adds origins not known statically. A
  // condition not about the origin (`other`) may let every origin through: nothing is known then.
  if (first && ms.every((m) => m.kind === 'entries' || m.kind === 'unknown')) {
    const opaque = ms.flatMap((m) => (m.kind === 'unknown' ? [m.span ?? first.span] : []));
    return { kind: 'entries', entries: entries.flatMap((m) => m.entries), unknownEntries: [...entries.flatMap((m) => m.unknownEntries), ...opaque], list: entries.every((m) => m.list) && opaque.length === 0, span: first.span };
  }
  if (ms.some((m) => m.kind === 'unknown' || m.kind === 'other')) return ms.find((m) => m.kind === 'unknown') ?? { kind: 'unknown', reason: 'the request Origin is reflected under a condition that is not understood' };
  if (ms.some((m) => m.kind === 'presence')) return presenceOf(ms.filter((m) => m.kind === 'presence'));
  return { kind: 'entries', entries: entries.flatMap((m) => m.entries), unknownEntries: entries.flatMap((m) => m.unknownEntries), list: entries.every((m) => m.list), span: (first as Extract<Meaning, { kind: 'entries' }>).span };
}

/** The writes of a header that reach the responses it is read on (cors-semantics §5.4). */
function readOn(writes: ManualWrite[], name: string): ManualWrite[] {
  // Allow-Methods, Allow-Headers and Max-Age are read on the preflight answer only: a write that never runs for
  // an OPTIONS request (after `if request.method == "OPTIONS": return ...`) is not what the browser checks.
  if (PREFLIGHT_ONLY.has(name)) return writes.filter((w) => w.name === name && !w.notOnPreflight);
  // Expose-Headers is read on the actual response: not from a write made for OPTIONS only.
  if (name === 'access-control-expose-headers') return writes.filter((w) => w.name === name && !w.onlyOnPreflight);
  return writes.filter((w) => w.name === name);
}

const PREFLIGHT_ONLY = new Set(['access-control-allow-methods', 'access-control-allow-headers', 'access-control-max-age']);

/** The Access-Control-Max-Age the preflight answers get: the last write made for them. */
export function writeMaxAge(writes: ManualWrite[], fallback: Span): Valued<string | null> {
  const w = readOn(writes, 'access-control-max-age').pop();
  if (!w) return known(null, fallback);
  return w.value.known ? known(w.value.value, w.value.span, w.value.via) : unknown(w.value.reason, w.value.span);
}

export function writeTokens(writes: ManualWrite[], name: string, upper: boolean): Valued<TokenList> | undefined {
  const ws = readOn(writes, name);
  const w = ws[ws.length - 1];
  if (!w) return undefined;
  if (!w.value.known) return unknown(w.value.reason, w.value.span);
  const v = w.value.value.trim();
  if (v === '*') return known({ kind: 'wildcard' }, w.value.span);
  const items = v.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => ({ value: upper ? s : s, span: w.value.span }));
  return known({ kind: 'list', items }, w.value.span, w.value.via);
}

/**
 * The policy fields every hand-written Python policy reads the same way from its header writes. `varyFromValues`:
 * a Vary whose values are all known and do not name Origin counts as "no Vary: Origin" (hooks and middleware);
 * views and route handlers leave it unknown.
 */
export function writtenFields(
  writes: ManualWrite[],
  span: Span,
  varyFromValues: boolean,
): Pick<CorsPolicy, 'credentials' | 'allowMethods' | 'allowHeaders' | 'exposeHeaders' | 'varyOrigin' | 'headerWrites'> {
  const all = writes;
  // What a CORS request gets: not the writes made only for requests without an Origin.
  writes = writes.filter((w) => !w.onlyWithoutOrigin);
  const vary = writes.filter((w) => w.name === 'vary');
  const varySpan = vary[0]?.span ?? span;
  const withOrigin = vary.filter((w) => w.value.known && /(^|,)\s*origin\s*(,|$)/i.test(w.value.value));
  let varyOrigin: Valued<boolean>;
  if (vary.length === 0) varyOrigin = known(false, span, 'no Vary header is written');
  else if (withOrigin.length > 0) varyOrigin = known(true, varySpan);
  else varyOrigin = varyFromValues && !vary.some((w) => !w.value.known) ? known(false, varySpan) : unknown('Vary value', varySpan);
  // Vary: Origin written only under the Origin checks of the Access-Control-Allow-Origin write: the responses to other
  // origins, and to requests without one, lack it (§5.7, audit 29 case 31).
  const acao = writes.filter((w) => w.name === 'access-control-allow-origin').pop();
  const checks = (w: ManualWrite) => [...originGuards(w)].sort().join(',');
  if (withOrigin.length > 0 && acao && checks(acao) !== '' && withOrigin.every((w) => checks(w) === checks(acao))) {
    varyOrigin = known(false, varySpan, VARY_ONLY_WHEN_ALLOWED);
  }
  return {
    credentials: writeCredentials(writes, span),
    allowMethods: writeTokens(writes, 'access-control-allow-methods', false) ?? known({ kind: 'none' }, span),
    allowHeaders: writeTokens(writes, 'access-control-allow-headers', false) ?? known({ kind: 'none' }, span),
    exposeHeaders: writeTokens(writes, 'access-control-expose-headers', false) ?? known({ kind: 'none' }, span),
    varyOrigin,
    headerWrites: exclusiveAppends(withOriginGuards(all)).map(({ reflectsOrigin: _r, guards: _g, site: _s, otherwise: _o, ...w }) => w),
  };
}

/**
 * For the origin names of a helper's reading (headerWrites' set), its parameters the call passes the request for
 * (other than one named `request`, which is read as the request already).
 */
const requestAliases = new WeakMap<ReadonlySet<string>, ReadonlySet<string>>();

/** For the origin names of a reading (headerWrites' set), those bound to a request parameter rather than the Origin. */
const requesterVars = new WeakMap<ReadonlySet<string>, ReadonlySet<string>>();

/**
 * Whether the guard tests the presence of a value the requester chooses (`if request.args.get("origin"):`, `if o:`
 * with `o = request.args.get("o")`): it holds for the requests that pass the parameter, not for every CORS request.
 */
function testsRequesterValue(mod: PyModule, g: Guard): boolean {
  let cond: PyNode | undefined = g.cond;
  for (;;) {
    if (cond?.type === 'parenthesized_expression' && cond.children.length === 1) cond = cond.children[0];
    else if (cond?.type === 'not_operator') cond = cond.fields.argument;
    else break;
  }
  const tested = cond?.type === 'comparison_operator' ? cond.children[0] : cond;
  if (!tested) return false;
  if (tested.type === 'identifier') return requesterVars.get(g.originVars)?.has(tested.text ?? '') ?? false;
  return isRequesterValue(mod.text.slice(tested.start, tested.end).replace(/\s+/g, '').replace(/^flask\./, ''));
}
/** Writes of unknown preflight headers standing for a response cors-lint cannot read (headerWrites' opaque). */
const opaqueWrites = new WeakSet<ManualWrite>();
/**
 * Access-Control-Allow-Origin writes whose checks a Referer test lets every request pass (manualOrigin), also one
 * without an Origin: the writes under the same checks are not "sent only with an allowed origin" (withOriginGuards).
 */
const refererGated = new WeakSet<ManualWrite>();
/** For the origin names of a function (headerWrites' set), the locals of it that hold a test of the origin. */
const storedTests = new WeakMap<ReadonlySet<string>, ReadonlySet<string>>();

/** The checks of a write that are about the request Origin (by their position and polarity). */
function originGuards(w: ManualWrite): Set<string> {
  const out = new Set<string>();
  for (const g of w.guards) {
    const tests = storedTests.get(g.originVars);
    if (mentionsOrigin(g.cond, tests?.size ? new Set([...g.originVars, ...tests]) : g.originVars)) out.add(`${g.cond.start}:${g.negated}`);
  }
  return out;
}

/** A name bound to the Origin, or `origin` itself (`request.origin`, `headers.get("Origin")`), in an expression. */
function mentionsOrigin(n: PyNode, vars: ReadonlySet<string>): boolean {
  if (n.text !== undefined && (vars.has(n.text) || n.text.toLowerCase() === 'origin')) return true;
  return n.children.some((c) => mentionsOrigin(c, vars));
}

/** Marks the writes made under exactly the origin checks of the Access-Control-Allow-Origin write (HeaderWrite.whenOriginAllowed). */
/** Two writes in branches that exclude each other: one runs under a condition the other runs under the negation of. */
function excludes(a: ManualWrite, b: ManualWrite): boolean {
  return a.guards.some((g) => !g.early && b.guards.some((h) => !h.early && h.cond === g.cond && h.negated !== g.negated));
}

/**
 * `if origin in ALLOWED: headers.add(ACAO, origin)` / `else: headers.add(ACAO, "http://localhost:3000")`: appends of
 * one header in branches that exclude each other (one tests a condition the other negates) never meet on a
 * response. When every append of a header is so, each response carries one line, as with `set` (audit 18 case 12,
 * checked with the Flask test client).
 */
function exclusiveAppends(writes: ManualWrite[]): ManualWrite[] {
  const out = [...writes];
  for (const name of new Set(writes.map((w) => w.name))) {
    const same = writes.filter((w) => w.name === name);
    if (same.length < 2 || !same.every((w) => w.op === 'append' && !w.multiple)) continue;
    // `if "Access-Control-Allow-Origin" not in response.headers: response.headers.add(...)`: an append that runs
    // only while the header is absent adds no second line (audit 21 case 08, checked with the Flask test client).
    const onlyWhenAbsent = same.every((w) => w.guards.some((g) => absenceCheck(g, name)));
    if (!onlyWhenAbsent && !same.every((w, i) => same.every((v, j) => i === j || excludes(w, v)))) continue;
    for (const w of same) out[out.indexOf(w)] = { ...w, op: 'set' };
  }
  return out;
}

/** Whether a guard holds only while the response has no `name` header (`"Name" not in response.headers`). */
function absenceCheck(g: Guard, name: string): boolean {
  const c = g.cond;
  const [lit, where] = c.children;
  if (c.type !== 'comparison_operator' || (c.op !== 'in' && c.op !== 'not in') || lit?.type !== 'string' || where?.type !== 'attribute') return false;
  const parts = lit.children.filter((x) => x.type === 'string_content');
  const header = parts.length === 1 ? parts[0]?.text : undefined;
  return header?.toLowerCase() === name && where.fields.attribute?.text === 'headers' && (c.op === 'not in') !== g.negated;
}

function withOriginGuards(writes: ManualWrite[]): ManualWrite[] {
  const all = writes.filter((w) => w.name === 'access-control-allow-origin' && !w.onlyWithoutOrigin);
  const acao = all[all.length - 1];
  if (!acao || refererGated.has(acao)) return writes;
  // The checks of the echo, and of each echo of the same if/elif chain (echoAlternatives): a write under exactly the
  // checks of one of them runs when that branch sends the Origin.
  const checks = [acao, ...(acao.reflectsOrigin ? echoAlternatives(all, acao) : [])].map(originGuards);
  if (checks.some((c) => c.size === 0)) return writes;
  return writes.map((w) => {
    if (w === acao || w.name === 'access-control-allow-origin') return w;
    const mine = originGuards(w);
    return checks.some((c) => mine.size === c.size && [...mine].every((k) => c.has(k))) ? { ...w, whenOriginAllowed: true } : w;
  });
}

/**
 * `if "example.com" in origin: h[ACAO] = origin` / `elif origin in ALLOWED: h[ACAO] = origin`: the writes of the
 * Origin just before `last` (an echo) that send it too, in branches that exclude it, the writes of `others` and each
 * other (excludes), and reach the same responses (actual or preflight). Nearest first.
 */
function echoAlternatives(acao: ManualWrite[], last: ManualWrite, others: ManualWrite[] = []): ManualWrite[] {
  const chain = [last, ...others];
  const out: ManualWrite[] = [];
  for (let i = acao.indexOf(last) - 1; i >= 0; i--) {
    const x = acao[i] as ManualWrite;
    if (!x.reflectsOrigin || x.reflectsOrigin !== last.reflectsOrigin || !!x.onlyOnPreflight !== !!last.onlyOnPreflight || !chain.every((y) => excludes(x, y))) break;
    chain.push(x);
    out.push(x);
  }
  return out;
}

export function writeCredentials(writes: ManualWrite[], fallback: Span): Valued<boolean> {
  const ws = writes.filter((w) => w.name === 'access-control-allow-credentials');
  const w = ws[ws.length - 1];
  if (!w) return known(false, fallback, 'no Access-Control-Allow-Credentials is written');
  // Sent on preflight answers only: the responses a page reads go without it (audit 13 case 12).
  if (w.onlyOnPreflight && ws.every((x) => x.onlyOnPreflight)) return known(false, w.span, 'Access-Control-Allow-Credentials is written on OPTIONS answers only');
  if (!w.value.known) return unknown(w.value.reason, w.value.span);
  // Only the exact string `true` enables credentials in the browser (§5.1).
  return known(w.value.value === 'true', w.value.span, w.value.via);
}

export function isPyVal(v: unknown): v is PyVal {
  return typeof v === 'object' && v !== null && 't' in v;
}

export interface RouteDecorator {
  /** The decorator node (`@app.get("/x")`). */
  deco: PyNode;
  /** The object the route is registered on (`app`, `bp`, `router`). */
  receiver: PyNode | undefined;
  path: string | undefined;
  methods: string[];
}

const ROUTE_METHODS: Record<string, string[]> = { get: ['GET'], post: ['POST'], put: ['PUT'], patch: ['PATCH'], delete: ['DELETE'], options: ['OPTIONS'], head: ['HEAD'] };

/** Route decorators of a decorated function (`@app.route(...)`, `@app.get(...)`, `@router.api_route(...)`). */
export function routeDecorators(ev: Evaluator, mod: PyModule, decorated: PyNode, scope: Scope): RouteDecorator[] {
  const out: RouteDecorator[] = [];
  for (const d of decorated.children) {
    const c = d.type === 'decorator' ? d.children[0] : undefined;
    if (c?.type !== 'call' || c.fields.function?.type !== 'attribute') continue;
    const meth = c.fields.function.fields.attribute?.text ?? '';
    if (!(meth in ROUTE_METHODS) && meth !== 'route' && meth !== 'api_route') continue;
    const a = callArgs(c);
    const p = a.positional[0] ? ev.eval(a.positional[0], scope) : undefined;
    let methods = ROUTE_METHODS[meth];
    if (!methods) {
      const mk = a.keywords.get('methods');
      const mv = mk ? ev.eval(mk.fields.value, scope) : undefined;
      methods = mv?.t === 'seq' && mv.items.every((i) => i.t === 'str') ? mv.items.map((i) => (i as { v: string }).v.toUpperCase()) : mk ? [] : ['GET'];
    }
    out.push({ deco: d, receiver: c.fields.function.fields.object, path: p?.t === 'str' ? p.v : undefined, methods });
  }
  return out;
}

/** What a test of the origin accepts, for callers outside this module (a CORSMiddleware subclass's `is_allowed_origin`). */
export type OriginTest =
  /** Every (present) origin passes. */
  | { kind: 'any' }
  /** Only the origins these entries accept (unknownEntries: parts that cannot be read). */
  | { kind: 'entries'; entries: OriginEntry[]; unknownEntries: Span[]; span: Span; via?: string }
  | { kind: 'unknown'; reason: string };

/**
 * The origins for which `cond` is true, `originVar` being the origin: the reading of hand-written checks
 * (guardMeaning: comparisons, `in`, startswith/endswith, regex matches, helpers of the project). A condition that
 * does not test the origin (a setting, `self.debug`) says nothing about which origins pass: unknown.
 */
export function originTest(ev: Evaluator, mod: PyModule, scope: Scope, cond: PyNode, originVar: string): OriginTest {
  const m = guardMeaning(ev, mod, scope, cond, false, new Set([originVar]));
  if (m.kind === 'presence') return { kind: 'any' };
  if (m.kind === 'entries') return { kind: 'entries', entries: m.entries, unknownEntries: m.unknownEntries, span: m.span, ...(m.via ? { via: m.via } : {}) };
  return { kind: 'unknown', reason: m.kind === 'unknown' ? m.reason : 'a condition that does not test the origin' };
}
