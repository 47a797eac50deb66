/**
 * The `cors` package (expressjs/cors 2.8.6): from an options value to the policy fields, per
 * cors-semantics.md §1.1 (options and defaults) and §1.2 (origin resolution).
 */
import { known, unknown, type OriginPolicy, type Token, type TokenList, type Valued } from '../../model/index.js';
import { args, child, children, identName, isFunction, memberName, rangeOf, staticString, unwrap, type AstNode } from './ast.js';
import { envName, evaluate, patternSpan, valueSpan, verbatimSpan, type EvalEnv, type JsValue, withBound } from './evaluate.js';
import { allowedBy, branchPaths, condition, followFunction, type FlowContext, type FlowResult, type Path } from './flow.js';
import { lookup, spanOf, stableInit, type JsModule } from './modules.js';

export const CORS_DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';

export interface CorsFields {
  origin: Valued<OriginPolicy>;
  credentials: Valued<boolean>;
  allowMethods: Valued<TokenList>;
  allowHeaders: Valued<TokenList>;
  exposeHeaders: Valued<TokenList>;
  maxAge: Valued<string | null>;
  preflightContinue: Valued<boolean>;
  /** The status of the preflight answer (`optionsSuccessStatus`, default 204); undefined when not known. */
  successStatus: number | undefined;
}

/** The fields a policy takes over as they are from its options (the cors package's, graphql-yoga's). */
export type HeaderFields = Pick<CorsFields, 'origin' | 'credentials' | 'allowMethods' | 'allowHeaders' | 'exposeHeaders' | 'maxAge'>;

/** The header fields of `f` alone, to spread into a policy. */
export function headerFields(f: HeaderFields): HeaderFields {
  return { origin: f.origin, credentials: f.credentials, allowMethods: f.allowMethods, allowHeaders: f.allowHeaders, exposeHeaders: f.exposeHeaders, maxAge: f.maxAge };
}

function describe(v: JsValue): string {
  if (v.t === 'unknown') return v.reason;
  const env = envName(v);
  if (env) return `read from $${env} at runtime`;
  return `a ${v.t} value`;
}

function unknownOf<T>(v: JsValue, what: string): Valued<T> {
  return unknown(`${what}: ${describe(v)}`, valueSpan(v));
}

/** A known value with its provenance. */
function kv<T>(value: T, v: JsValue): Valued<T> {
  return known(value, valueSpan(v), v.via);
}

/** `'GET,POST'` or `['GET', 'POST']` → tokens with spans. */
export function tokenList(v: JsValue, what: string): Valued<TokenList> {
  if (v.t === 'str') {
    if (v.v.trim() === '*') return kv({ kind: 'wildcard' }, v);
    const items: Token[] = v.v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((value) => ({ value, span: valueSpan(v) }));
    return kv(items.length ? { kind: 'list', items } : { kind: 'none' }, v);
  }
  if (v.t === 'array') {
    const items: Token[] = [];
    for (const it of v.items) {
      if (it.t !== 'str') return unknownOf(it, what);
      for (const part of it.v.split(',').map((s) => s.trim()).filter(Boolean)) items.push({ value: part, span: valueSpan(it) });
    }
    if (items.length === 1 && items[0]?.value === '*') return kv({ kind: 'wildcard' }, v);
    return kv(items.length ? { kind: 'list', items } : { kind: 'none' }, v);
  }
  return unknownOf(v, what);
}

function isFalsy(v: JsValue): boolean {
  return (v.t === 'str' && v.v === '') || (v.t === 'bool' && !v.v) || v.t === 'null' || v.t === 'undef' || (v.t === 'num' && v.v === 0);
}

/** The policy fields of `cors(options)`. `call` is the cors() call (span of defaults). */
export function corsFields(options: JsValue | undefined, call: AstNode, mod: JsModule, env: EvalEnv): CorsFields {
  const callSpan = spanOf(mod, call);
  const dflt = <T>(value: T): Valued<T> => known(value, callSpan, 'default');
  if (options && options.t !== 'object' && options.t !== 'undef') {
    const u = <T>(): Valued<T> => unknownOf<T>(options, 'cors options');
    return { origin: u(), credentials: u(), allowMethods: u(), allowHeaders: u(), exposeHeaders: u(), maxAge: u(), preflightContinue: u(), successStatus: undefined };
  }
  const props = options?.t === 'object' ? options.props : new Map<string, JsValue>();
  const partial = options?.t === 'object' && options.partial;
  const get = (key: string): JsValue | undefined => props.get(key);
  const absent = <T>(key: string, value: T): Valued<T> => (partial ? unknown(`${key} may be set by a spread`, callSpan) : dflt(value));

  // origin (§1.2). Object.assign semantics: an explicit undefined overrides the default '*'.
  const o = get('origin');
  let origin: Valued<OriginPolicy>;
  if (!o) origin = absent('origin', { kind: 'wildcard' });
  else origin = originOf(o, mod, env);

  const c = get('credentials');
  // Only `=== true` counts (§1.1).
  const credentials: Valued<boolean> = !c ? absent('credentials', false) : c.t === 'bool' ? kv(c.v, c) : c.t === 'unknown' || envName(c) ? unknownOf(c, 'credentials') : kv(false, c);

  const m = get('methods');
  const allowMethods: Valued<TokenList> = !m
    ? absent('methods', { kind: 'list', items: CORS_DEFAULT_METHODS.split(',').map((value) => ({ value, span: callSpan })) })
    : m.t === 'undef'
      ? known({ kind: 'list', items: CORS_DEFAULT_METHODS.split(',').map((value) => ({ value, span: callSpan })) }, callSpan, 'default')
      : tokenList(m, 'methods');

  // allowedHeaders (alias headers): unset or falsy → echoes the requested headers; [] → none (§1.1).
  const h = get('allowedHeaders') ?? get('headers');
  let allowHeaders: Valued<TokenList>;
  if (!h) allowHeaders = absent('allowedHeaders', { kind: 'echo' });
  else if (h.t === 'array' && h.items.length === 0) allowHeaders = kv({ kind: 'none' }, h);
  else if (isFalsy(h)) allowHeaders = kv({ kind: 'echo' }, h);
  else allowHeaders = tokenList(h, 'allowedHeaders');

  const e = get('exposedHeaders');
  const exposeHeaders: Valued<TokenList> = !e ? absent('exposedHeaders', { kind: 'none' }) : isFalsy(e) ? kv({ kind: 'none' }, e) : tokenList(e, 'exposedHeaders');

  const a = get('maxAge');
  const maxAge: Valued<string | null> = !a
    ? absent('maxAge', null)
    : a.t === 'num'
      ? kv(String(a.v), a)
      : a.t === 'str'
        ? kv(a.v === '' ? null : a.v, a)
        : a.t === 'undef' || a.t === 'null'
          ? kv(null, a)
          : unknownOf(a, 'maxAge');

  const pc = get('preflightContinue');
  const preflightContinue: Valued<boolean> = !pc ? absent('preflightContinue', false) : pc.t === 'bool' ? kv(pc.v, pc) : unknownOf(pc, 'preflightContinue');

  // optionsSuccessStatus (§1.1): the preflight status, 204 by default.
  const st = get('optionsSuccessStatus');
  const successStatus = !st ? (partial ? undefined : 204) : st.t === 'num' ? st.v : st.t === 'undef' ? 204 : undefined;

  return { origin, credentials, allowMethods, allowHeaders, exposeHeaders, maxAge, preflightContinue, successStatus };
}

/** The `origin` option value → what the browser sees (§1.2 table). */
export function originOf(o: JsValue, mod: JsModule, env: EvalEnv): Valued<OriginPolicy> {
  switch (o.t) {
    case 'bool':
      return kv(o.v ? { kind: 'reflect-any' } : { kind: 'none' }, o);
    case 'undef':
    case 'null':
      // `origin: undefined` overrides the default and disables CORS (§1.1).
      return kv({ kind: 'none' }, o);
    case 'str':
      if (o.v === '') return kv({ kind: 'none' }, o);
      if (o.v === '*') return kv({ kind: 'wildcard' }, o);
      return kv({ kind: 'fixed', value: o.v }, o);
    case 'regex':
      return kv({ kind: 'allow-list', entries: [{ type: 'regex', pattern: o.pattern, flags: o.flags, flavor: 'js', mode: 'search', span: valueSpan(o), ...patternSpan(o) }], unknownEntries: [] }, o);
    case 'array': {
      const entries: OriginPolicy & { kind: 'allow-list' } = { kind: 'allow-list', entries: [], unknownEntries: [] };
      for (const it of o.items) {
        // Strings by ===, RegExps by test(); '*' in an array is a literal, not a wildcard (§1.2).
        // The "" that splitting an unset variable's empty default leaves (`(process.env.URLS || '').split(',')`)
        // matches no origin and was never written as one (audit 21).
        if (it.t === 'str' && it.v === '' && it.via) continue;
        if (it.t === 'str') entries.entries.push({ type: 'literal', value: it.v, caseInsensitive: false, span: valueSpan(it), ...verbatimSpan(it) });
        else if (it.t === 'regex') entries.entries.push({ type: 'regex', pattern: it.pattern, flags: it.flags, flavor: 'js', mode: 'search', span: valueSpan(it), ...patternSpan(it) });
        else if (it.t === 'array') {
          // A nested array is converted with String() by ===; it cannot match a real origin.
          entries.unknownEntries.push(valueSpan(it));
        } else entries.unknownEntries.push(valueSpan(it));
      }
      return kv(entries, o);
    }
    case 'func':
      return originCallback(o, env);
    default:
      return unknownOf(o, 'origin');
  }
}

/** Finds the n-th parameter name of a function node. */
function paramNode(fn: AstNode, i: number): AstNode | undefined {
  const p = children(fn, 'params')[i];
  if (!p) return undefined;
  const u = unwrap(p);
  return u.type === 'AssignmentPattern' ? child(u, 'left') : u;
}

function isParamRef(mod: JsModule, node: AstNode, param: AstNode | undefined): boolean {
  if (!param) return false;
  const name = identName(node);
  if (!name || name !== identName(param)) return false;
  const b = lookup(mod, name, node);
  return b?.kind === 'param' && b.node === param;
}

/**
 * Whether an expression is the request Origin as a string: `req.headers.origin`, `req.headers['origin']`,
 * `req.header('Origin')`, `req.get('origin')`, or a local constant initialised with one of these.
 */
export function isRequestOriginExpr(node: AstNode, mod: JsModule, reqParam: AstNode | undefined, originParam?: AstNode, depth = 0): boolean {
  const n = unwrap(node);
  if (originParam && isParamRef(mod, n, originParam)) return true;
  if (n.type === 'Identifier' && depth < 4) {
    const b = lookup(mod, n.name as string, n);
    if (b?.kind === 'var' && b.init && b.path.length === 0 && (b.declKind === 'const' || !mod.mutated.has(n.name as string))) {
      return isRequestOriginExpr(b.init, mod, reqParam, originParam, depth + 1);
    }
    if (b?.kind === 'var' && b.init && b.path.length === 1 && b.path[0] === 'origin') {
      // const { origin } = req.headers; const { origin } = new URL(req.headers.referer)
      const init = unwrap(b.init);
      if (isRefererUrl(init, mod, reqParam)) return true;
      return init.type === 'MemberExpression' && memberName(init) === 'headers' && isReq(child(init, 'object') as AstNode, mod, reqParam);
    }
    return false;
  }
  // `new URL(req.headers.referer).origin`: the origin of the page that sent the request, which is the request's
  // Origin whenever the browser sends a Referer (the default policy, strict-origin-when-cross-origin, keeps the origin
  // across sites). Echoing it lets any site in, as echoing the Origin does (audit 50 js c14, checked with Express 5).
  if (n.type === 'MemberExpression' && memberName(n) === 'origin' && depth < 4 && isRefererUrl(unwrap(child(n, 'object') as AstNode), mod, reqParam, depth + 1)) return true;
  if (n.type === 'LogicalExpression' && (n.operator === '||' || n.operator === '??')) {
    // req.headers.origin || '' / ?? '*' : the origin when present.
    return isRequestOriginExpr(child(n, 'left') as AstNode, mod, reqParam, originParam, depth + 1);
  }
  if (n.type === 'LogicalExpression' && n.operator === '&&' && depth < 4) {
    // `req.headers.referer && new URL(req.headers.referer).origin`, `origin && origin.trim()`: the right side whenever
    // the header is there (audit 51 D2). Only a presence test of the header itself: `allowed && origin` is a condition.
    const left = child(n, 'left') as AstNode;
    const right = child(n, 'right') as AstNode;
    return (isRequestOriginExpr(left, mod, reqParam, originParam, depth + 1) || isRefererRead(left, mod, reqParam, depth + 1)) && isRequestOriginExpr(right, mod, reqParam, originParam, depth + 1);
  }
  // `getOrigin(req)`: a function of the module whose one statement returns the origin of the request it is given
  // (audit 51 D2).
  if (n.type === 'CallExpression' && depth < 3) {
    const c = unwrap(child(n, 'callee') as AstNode);
    const b = c.type === 'Identifier' ? lookup(mod, c.name as string, c) : undefined;
    const fn = b?.kind === 'func' ? b.node : b?.kind === 'var' && b.init && b.path.length === 0 && b.declKind === 'const' && isFunction(unwrap(b.init)) ? unwrap(b.init) : undefined;
    const body = fn ? child(fn, 'body') : undefined;
    const stmts = body?.type === 'BlockStatement' ? children(body, 'body') : undefined;
    const returned = body && body.type !== 'BlockStatement' ? body : stmts?.length === 1 && stmts[0]?.type === 'ReturnStatement' ? child(stmts[0], 'argument') : undefined;
    if (fn && returned) {
      const i = args(n).findIndex((a) => isReq(a, mod, reqParam));
      const p = i >= 0 ? paramNode(fn, i) : undefined;
      if (p && p.type === 'Identifier') return isRequestOriginExpr(returned, mod, p, undefined, depth + 1);
    }
  }
  if (n.type === 'ConditionalExpression' && depth < 4) {
    // req.headers.origin ? req.headers.origin : 'x' : the origin when present, as with ||.
    const test = child(n, 'test') as AstNode;
    return isRequestOriginExpr(test, mod, reqParam, originParam, depth + 1) && isRequestOriginExpr(child(n, 'consequent') as AstNode, mod, reqParam, originParam, depth + 1);
  }
  // encodeURI(origin), String(origin), origin.trim(), `${origin}`: the same text for every origin a browser sends
  // (scheme, host, port: nothing encodeURI changes; audit 37 js c03, NodeBB).
  if (n.type === 'CallExpression' && depth < 4) {
    const c = unwrap(child(n, 'callee') as AstNode);
    const a0 = args(n)[0];
    const fname = c.type === 'Identifier' && !lookup(mod, c.name as string, c) ? (c.name as string) : undefined;
    if (fname && /^(encodeURI|decodeURI|String)$/.test(fname) && a0 && args(n).length === 1) return isRequestOriginExpr(a0, mod, reqParam, originParam, depth + 1);
    const m = c.type === 'MemberExpression' ? memberName(c) : undefined;
    if (m && /^(trim|toString|valueOf)$/.test(m) && args(n).length === 0) return isRequestOriginExpr(child(c, 'object') as AstNode, mod, reqParam, originParam, depth + 1);
  }
  if (n.type === 'TemplateLiteral' && depth < 4 && children(n, 'expressions').length === 1 && children(n, 'quasis').every((q) => (q.value as { cooked?: string } | undefined)?.cooked === '')) {
    return isRequestOriginExpr(children(n, 'expressions')[0] as AstNode, mod, reqParam, originParam, depth + 1);
  }
  if (isAttackerControlled(n, mod, reqParam)) return true;
  // Node lower-cases the names in req.headers: `req.headers.Origin` is always undefined (audit 29 case 30, checked
  // with Express 5: the response carried Access-Control-Allow-Origin: undefined).
  if (n.type === 'MemberExpression' && memberName(n) === 'origin') {
    const obj = unwrap(child(n, 'object') as AstNode);
    return obj.type === 'MemberExpression' && memberName(obj) === 'headers' && isReq(child(obj, 'object') as AstNode, mod, reqParam);
  }
  if (n.type === 'CallExpression') {
    const c = unwrap(child(n, 'callee') as AstNode);
    const m = memberName(c);
    const a0 = args(n)[0];
    const s = a0 && unwrap(a0).type === 'Literal' ? (unwrap(a0).value as unknown) : undefined;
    if ((m === 'header' || m === 'get' || m === 'getHeader') && typeof s === 'string' && s.toLowerCase() === 'origin') {
      const obj = child(c, 'object') as AstNode;
      if (isReq(obj, mod, reqParam)) return true;
      // request.headers.get('origin') (fetch-style)
      const o = unwrap(obj);
      if (o.type === 'MemberExpression' && memberName(o) === 'headers' && isReq(child(o, 'object') as AstNode, mod, reqParam)) return true;
      // const h = new Headers(request.headers) or const h = request.headers; h.get('origin') (Next.js middleware)
      if (o.type === 'Identifier' && depth < 4) {
        const b = lookup(mod, o.name as string, o);
        const init = b?.kind === 'var' && b.init && b.path.length === 0 ? unwrap(b.init) : undefined;
        const src = init?.type === 'NewExpression' && identName(child(init, 'callee')) === 'Headers' ? args(init)[0] : init;
        const u = src ? unwrap(src) : undefined;
        if (u?.type === 'MemberExpression' && memberName(u) === 'headers' && isReq(child(u, 'object') as AstNode, mod, reqParam)) return true;
      }
    }
  }
  return false;
}

/** `new URL(<the request's Referer>)` (also through a name bound once to it). */
function isRefererUrl(node: AstNode, mod: JsModule, reqParam: AstNode | undefined, depth = 0): boolean {
  let n = unwrap(node);
  if (n.type === 'Identifier' && depth < 4) {
    const init = stableInit(mod, n.name as string, n);
    if (!init) return false;
    n = unwrap(init);
  }
  if (n.type !== 'NewExpression' || identName(child(n, 'callee')) !== 'URL' || lookup(mod, 'URL', n)) return false;
  const a0 = args(n)[0];
  return !!a0 && isRefererRead(a0, mod, reqParam, depth + 1);
}

/** The request's Referer header, read directly or through a local bound once to it (see isRefererRead). */
export function isRequestRefererExpr(node: AstNode, mod: JsModule, reqParam: AstNode | undefined): boolean {
  return isRefererRead(node, mod, reqParam, 0);
}

/** `req.headers.referer`, `req.get('Referer')` / `req.header('referrer')` (Express reads either spelling there). */
function isRefererRead(node: AstNode, mod: JsModule, reqParam: AstNode | undefined, depth: number): boolean {
  const n = unwrap(node);
  if (n.type === 'Identifier' && depth < 6) {
    const init = stableInit(mod, n.name as string, n);
    return !!init && isRefererRead(init, mod, reqParam, depth + 1);
  }
  if (n.type === 'LogicalExpression' && (n.operator === '||' || n.operator === '??')) return isRefererRead(child(n, 'left') as AstNode, mod, reqParam, depth + 1);
  if (n.type === 'MemberExpression') {
    const name = n.computed ? staticString(child(n, 'property')) : memberName(n);
    const obj = unwrap(child(n, 'object') as AstNode);
    return name === 'referer' && obj.type === 'MemberExpression' && memberName(obj) === 'headers' && isReq(child(obj, 'object') as AstNode, mod, reqParam);
  }
  if (n.type === 'CallExpression') {
    const c = unwrap(child(n, 'callee') as AstNode);
    const m = c.type === 'MemberExpression' ? memberName(c) : undefined;
    const h = staticString(args(n)[0])?.toLowerCase();
    return (m === 'get' || m === 'header') && (h === 'referer' || h === 'referrer') && isReq(child(c, 'object') as AstNode, mod, reqParam);
  }
  return false;
}

/**
 * Values the requester chooses freely (`req.query.origin`, `req.body.x`, `url.parse(req.url, true).query.x`,
 * `new URL(req.url, base).searchParams.get('x')`): echoing one in Access-Control-Allow-Origin lets an attacker name
 * its own origin, which is reflection. They are treated like the request Origin.
 */
/**
 * A test that the request carries an Origin header: `'origin' in req.headers`, `req.headers.hasOwnProperty('origin')`
 * (Node lower-cases the names in req.headers, so only the lower-case name is ever there).
 */
export function isOriginPresenceTest(node: AstNode, mod: JsModule, reqParam: AstNode | undefined): boolean {
  const n = unwrap(node);
  const headersOfReq = (h: AstNode | undefined) => {
    const u = h ? unwrap(h) : undefined;
    return u?.type === 'MemberExpression' && memberName(u) === 'headers' && isReq(child(u, 'object') as AstNode, mod, reqParam);
  };
  if (n.type === 'BinaryExpression' && n.operator === 'in') return staticString(child(n, 'left')) === 'origin' && headersOfReq(child(n, 'right'));
  if (n.type === 'CallExpression') {
    const c = unwrap(child(n, 'callee') as AstNode);
    return c.type === 'MemberExpression' && memberName(c) === 'hasOwnProperty' && staticString(args(n)[0]) === 'origin' && headersOfReq(child(c, 'object'));
  }
  return false;
}

/** A request parameter (query, body, route parameter) rather than the Origin header (see isAttackerControlled). */
export function isRequestParameterExpr(node: AstNode, mod: JsModule, reqParam: AstNode | undefined, depth = 0): boolean {
  const n = unwrap(node);
  if (n.type === 'Identifier' && depth < 4) {
    const init = stableInit(mod, n.name as string, n);
    return !!init && isRequestParameterExpr(init, mod, reqParam, depth + 1);
  }
  if (n.type === 'LogicalExpression' && (n.operator === '||' || n.operator === '??')) return isRequestParameterExpr(child(n, 'left') as AstNode, mod, reqParam, depth + 1);
  return isAttackerControlled(n, mod, reqParam);
}

/**
 * Whether `req.body` can hold only JSON in this module's app: the module mounts a JSON body parser, no parser of a
 * CORS-safelisted type (urlencoded, text, multipart), and nothing in it answers a preflight (no cors(), no OPTIONS
 * handling). A page sets a JSON body only after a preflight, which then fails, so a field of `req.body` is not
 * something another site can choose (audit 34 peer D1, checked by the audit with Express 5: form, text and multipart
 * bodies left `req.body` undefined and the handler answered 500). Parsers mounted in other modules are not seen, so
 * only this module's own evidence counts.
 */
function jsonBodiesOnly(mod: JsModule): boolean {
  const t = mod.text;
  if (!/\b(?:express|bodyParser|body_parser|json)\s*\.\s*json\s*\(/.test(t)) return false;
  if (/\b(?:urlencoded|text|raw)\s*\(|\bbodyParser\s*\(\s*\)|multer|formidable|busboy|fileupload|multiparty/i.test(t)) return false;
  return !/\bcors\s*\(|\.options\s*\(|['"`]OPTIONS['"`]|access-control-allow-methods/i.test(t);
}

function isAttackerControlled(n: AstNode, mod: JsModule, reqParam: AstNode | undefined): boolean {
  if (n.type === 'MemberExpression') {
    const obj = unwrap(child(n, 'object') as AstNode);
    const objName = memberName(obj);
    if (obj.type === 'MemberExpression' && (objName === 'query' || objName === 'body' || objName === 'params')) {
      const base = unwrap(child(obj, 'object') as AstNode);
      // `req.params.x` holds a route parameter: without a `:x` in a path string of this module it is undefined (an
      // app.use() middleware, a route without that parameter), so nothing the sender chooses is echoed.
      if (objName === 'params' && isReq(base, mod, reqParam)) {
        const name = memberName(n);
        return !name || new RegExp(`(['"\`])[^'"\`\\n]*:${name.replace(/[^\w$]/g, '').replace(/\$/g, '\\$')}(?![\\w$])[^'"\`\\n]*\\1`).test(mod.text);
      }
      if (objName === 'body' && isReq(base, mod, reqParam)) return !jsonBodiesOnly(mod);
      if (isReq(base, mod, reqParam)) return true;
      // url.parse(req.url, true).query.x
      if (objName === 'query' && base.type === 'CallExpression' && memberName(unwrap(child(base, 'callee') as AstNode)) === 'parse') {
        const a0 = args(base)[0];
        return !!a0 && unwrap(a0).type === 'MemberExpression' && memberName(unwrap(a0)) === 'url' && isReq(child(unwrap(a0), 'object') as AstNode, mod, reqParam);
      }
    }
  }
  if (n.type === 'CallExpression') {
    const c = unwrap(child(n, 'callee') as AstNode);
    if (memberName(c) === 'get') {
      const sp = unwrap(child(c, 'object') as AstNode);
      if (sp.type === 'MemberExpression' && memberName(sp) === 'searchParams') {
        let u = unwrap(child(sp, 'object') as AstNode);
        const name = identName(u);
        if (name) {
          const b = lookup(mod, name, u);
          if (b?.kind === 'var' && b.init && b.path.length === 0) u = unwrap(b.init);
        }
        if (u.type === 'NewExpression' && identName(child(u, 'callee')) === 'URL') {
          const a0 = args(u)[0];
          return !!a0 && unwrap(a0).type === 'MemberExpression' && memberName(unwrap(a0)) === 'url' && isReq(child(unwrap(a0), 'object') as AstNode, mod, reqParam);
        }
      }
    }
  }
  return false;
}

/**
 * A request member that is never set: a member of Express's `req.header` / `req.get` functions (`req.header.origin`,
 * audit 32 case 07), or a name with capitals in `req.headers`, whose names Node lower-cases (`req.headers.Origin`).
 */
export function isNeverSetRequestMember(node: AstNode, mod: JsModule, reqParam: AstNode | undefined): boolean {
  const n = unwrap(node);
  if (n.type !== 'MemberExpression') return false;
  const name = n.computed ? staticString(child(n, 'property')) : memberName(n);
  if (name === undefined || !/^[A-Za-z][A-Za-z0-9-]*$/.test(name)) return false;
  const obj = unwrap(child(n, 'object') as AstNode);
  if (obj.type !== 'MemberExpression' || obj.computed || !isReq(child(obj, 'object') as AstNode, mod, reqParam)) return false;
  const on = memberName(obj);
  if (on === 'header' || on === 'get') return !FUNCTION_MEMBERS.has(name);
  return on === 'headers' && name !== name.toLowerCase();
}

/** Members every function has (`req.get.name` is "get"). */
const FUNCTION_MEMBERS = new Set(['name', 'length', 'call', 'apply', 'bind', 'toString', 'constructor', 'prototype', 'caller', 'arguments']);

function isReq(node: AstNode, mod: JsModule, reqParam: AstNode | undefined): boolean {
  const n = unwrap(node);
  if (reqParam) return isParamRef(mod, n, reqParam);
  const name = identName(n);
  return name === 'req' || name === 'request';
}

/** A part of the request its sender chooses freely: `req.path`, `req.url`, `req.originalUrl`, `req.query`, `req.params`, `req.body`. */
export function isSenderChosenExpr(node: AstNode, mod: JsModule, reqParam: AstNode | undefined): boolean {
  const n = unwrap(node);
  if (n.type !== 'MemberExpression') return false;
  const name = memberName(n);
  // Next.js: `req.nextUrl.pathname`.
  return (name === 'path' || name === 'url' || name === 'originalUrl' || name === 'baseUrl' || name === 'query' || name === 'params' || name === 'body' || name === 'nextUrl') && isReq(child(n, 'object') as AstNode, mod, reqParam);
}

export function isRequestMethodExpr(node: AstNode, mod: JsModule, reqParam: AstNode | undefined): boolean {
  const n = unwrap(node);
  return n.type === 'MemberExpression' && memberName(n) === 'method' && isReq(child(n, 'object') as AstNode, mod, reqParam);
}

/**
 * An origin callback `(origin, callback) => ...` (§1.2 step 1-2): classify what it allows.
 * `callback(null, true)` / `callback(null, origin)` reflect; `callback(null, false)` / `callback(err)` deny.
 */
function originCallback(f: JsValue & { t: 'func' }, outer: EvalEnv): Valued<OriginPolicy> {
  // A callback made by a factory (`origin: allowSubdomains(['example.com'])`) reads the factory's arguments.
  const env = withBound(outer, f);
  const fn = f.fn;
  const mod = f.mod;
  const span = spanOf(mod, fn);
  const originParam = paramNode(fn, 0);
  const cbParam = paramNode(fn, 1);
  if (!cbParam) return unknown('origin function without a callback parameter', span);
  const isCb = (call: AstNode) => isParamRef(mod, unwrap(child(call, 'callee') as AstNode), cbParam);
  const ctx: FlowContext = {
    mod,
    env,
    isOrigin: (n) => isRequestOriginExpr(n, mod, undefined, originParam),
    isMethod: () => false,
    interesting: isCb,
  };
  // The calls of the callback, as paths (with `keepDecided`, also the paths ruled out only by environment
  // variables decided by their defaults).
  const answers = (flow: FlowResult) => {
    const allowPaths: Path[] = [];
    const fixedValues = new Set<string>();
    // How the callback refuses: with an error (`callback(new Error('Not allowed by CORS'))`, cors then calls
    // next(err): a 500 from the error handler, §1.2) or by answering false (the request goes on without CORS).
    let refusesWithError = false;
    let refusesQuietly = false;
    for (const e of flow.effects) {
      const a = args(e.call);
      // `callback(isAllowed(o) ? null : new Error('...'), isAllowed(o))`: no error on one branch of the test, and
      // the same test as the answer there.
      const e0 = a[0] ? unwrap(a[0]) : undefined;
      if (e0?.type === 'ConditionalExpression') {
        const nullish = (n: AstNode | undefined) => {
          const v = n ? evaluate(n, mod, env) : undefined;
          return v?.t === 'null' || v?.t === 'undef';
        };
        const test = child(e0, 'test') as AstNode;
        const okWhen = nullish(child(e0, 'consequent')) ? true : nullish(child(e0, 'alternate')) ? false : undefined;
        const textOf = (n: AstNode) => mod.text.slice(rangeOf(n)[0], rangeOf(n)[1]).replace(/\s+/g, '');
        const answer = a[1] ? evaluate(a[1], mod, env) : undefined;
        const allows = a[1] !== undefined && ((okWhen && textOf(a[1]) === textOf(test)) || (answer?.t === 'bool' && answer.v) || ctx.isOrigin(a[1]));
        if (okWhen !== undefined && allows) {
          refusesWithError = true;
          allowPaths.push(...branchPaths([e.path], test, okWhen, ctx));
          continue;
        }
      }
      const err = a[0] ? evaluate(a[0], mod, env) : undefined;
      if (err && err.t !== 'null' && err.t !== 'undef') {
        refusesWithError = true;
        continue; // callback(err): next(err), no CORS headers
      }
      const valNode = a[1];
      if (!valNode) {
        refusesQuietly = true;
        continue;
      }
      if (ctx.isOrigin(valNode)) {
        allowPaths.push(e.path);
        continue;
      }
      const v = evaluate(valNode, mod, env);
      if (v.t === 'bool') {
        if (v.v) allowPaths.push(e.path);
        else refusesQuietly = true;
        continue;
      }
      if (v.t === 'str') {
        if (v.v === '*') {
          // `if (!origin) return callback(null, '*')`: only requests without an Origin (no CORS request) get it
          // (audit 17 case 06).
          if (e.path.some((l) => l.atom.kind === 'no-origin' && l.positive)) continue;
          return { literalStar: true as const };
        }
        fixedValues.add(v.v);
        continue;
      }
      if (v.t === 'undef' || v.t === 'null') {
        refusesQuietly = true;
        continue;
      }
      // callback(null, allowed.includes(origin)): allowed exactly when the expression is true.
      refusesQuietly = true;
      for (const conj of condition(valNode, ctx)) allowPaths.push([...e.path, ...conj]);
    }
    return { allowPaths, fixedValues, refusesWithError, refusesQuietly };
  };
  const flow = followFunction(fn, ctx);
  if (flow.incomplete) return unknown(`origin callback: ${flow.incomplete}`, span);
  const found = answers(flow);
  if ('literalStar' in found) return unknown('origin callback answers a literal *', span);
  const { allowPaths, fixedValues, refusesWithError, refusesQuietly } = found;
  if (fixedValues.size > 0) return allowPaths.length === 0 && fixedValues.size === 1 ? known({ kind: 'fixed', value: [...fixedValues][0] as string }, span) : unknown('origin callback answers fixed strings', span);
  const set = allowedBy(allowPaths);
  if (set.any) {
    // "The default when $X is unset" only when the callback does not accept every origin whatever $X holds: the
    // paths an environment default ruled out are walked again (audit 50 js c16: `if (!isProduction) return
    // callback(null, true); ...; callback(null, true)`).
    let via = set.anyVia;
    if (via !== undefined) {
      const relaxed = followFunction(fn, { ...ctx, keepDecided: true });
      const again = relaxed.incomplete ? undefined : answers(relaxed);
      if (again && !('literalStar' in again) && allowedBy(again.allowPaths).anyVia === undefined) via = undefined;
    }
    return known({ kind: 'reflect-any' }, span, `the origin callback accepts every origin${via ? `: ${via}` : ''}`);
  }
  if (set.entries.length === 0 && set.unknown.length === 0) return known({ kind: 'none' }, span, 'the origin callback never allows');
  const onRefused = refusesWithError && !refusesQuietly ? 'error' : 'no-cors';
  return known({ kind: 'allow-list', entries: set.entries, unknownEntries: set.unknown.map((n) => spanOf(mod, n)), onRefused, ...(set.unknown.length ? { opaqueChecks: true } : {}) }, span);
}

