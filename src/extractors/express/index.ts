/**
 * The Express extractor: apps (`express()`), routers, the `cors` package (app-wide or per route) and
 * hand-written CORS middleware, with route order, preflight handling and the Express major version.
 * Semantics: cors-semantics.md §1.
 */
import * as posix from 'node:path/posix';
import type { Extractor } from '../../engine/extractor.js';
import { walkTree, type ProjectHost } from '../../engine/host.js';
import type { SourceFile } from '../../engine/source.js';
import {
  known,
  unknown,
  forExactOrigins,
  type AppModel,
  allowsNoOrigin,
  VARY_ONLY_WHEN_ALLOWED,
  VARY_SINGLE_STATIC_ORIGIN,
  varyNamesOrigin,
  type CorsPolicy,
  type ExtractResult,
  type HeaderRead,
  type HeaderWrite,
  type OriginEntry,
  type OriginPolicy,
  type PreflightHandling,
  type Route,
  type Scope,
  type ShadowingStep,
  type Span,
  type TokenList,
  type Valued,
} from '../../model/index.js';
import { args, calleePath, child, children, identName, isFunction, memberName, propertyKey, rangeOf, soleExpression, staticString, parentOf, unwrap, walk, type AstNode } from './ast.js';
import { corsFields, headerFields, isNeverSetRequestMember, isOriginPresenceTest, isRequestMethodExpr, isRequestOriginExpr, isRequestParameterExpr, isRequestRefererExpr, isSenderChosenExpr, tokenList } from './cors-options.js';
import { classMember, classOf, codeTruthiness, evaluate, instanceClass, valueSpan, withBound, YOGA_CREATED, type CorsGuard, type EvalEnv, type JsValue } from './evaluate.js';
import { allowedBy, branchPaths, condition, equalitySelection, followFunction, onlyOnPreflight, REFERER_NOTE, type Atom, type Effect, type FlowContext, type Lit, type Path } from './flow.js';
import { acceptsJsPath, expressPrefilter, isJsPath } from './detect.js';
import { enclosingFunction, isRequireCall, loadModule, lookup, packageMajor, packageRange, resolveSpecifier, spanOf, stableInit, type JsModule } from './modules.js';
import { loadBabel } from './parse.js';
import { inCommentLine } from '../comments.js';
import { yogaFields } from './yoga.js';

const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'options', 'all', 'head']);
interface Registration {
  method: string; // 'use' or an HTTP method (lower-case) or 'all'
  path: string | undefined;
  pathNode: AstNode | undefined;
  handlers: AstNode[];
  call: AstNode;
  mod: JsModule;
  /** A plain Node request handler (`http.createServer(fn)`): it answers every request, OPTIONS included. */
  server?: boolean;
  /** The registration runs only when this condition, which cannot be decided, holds (CorsPolicy.condition). */
  condition?: { span: Span; text: string };
  /** Made by a function the app was passed to (`require('./startup/cors')(app)`): the call, which fixes its place. */
  site?: { mod: JsModule; call: AstNode };
  /**
   * When the registration runs in its module, when that is not where it is written: inside functions of the
   * module that the module calls once (`function registerRoutes() { app.put(...) }` ... `registerRoutes();`),
   * the offsets of those calls from the top level down, then its own (compared in that order).
   */
  at?: number[];
  /**
   * A cors() layer that a framework adds from its `cors` option (Apollo Server's `server.applyMiddleware({ app, cors })`,
   * Socket.IO's `new Server(httpServer, { cors })`): the option's node, or null for the defaults. The registration has
   * no handler of its own.
   */
  optionCors?: AstNode | null;
}

/** When a registration runs in its module (see Registration.at). */
function runsAt(r: Registration): number[] {
  return r.at ?? [rangeOf(r.call)[0]];
}

/** Orders two run paths (Registration.at): the first offset that differs decides. */
function compareRuns(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

/**
 * When the code at `node` runs in its module, as a path of offsets: the top-level call of each function of the
 * module it sits in, outermost first, then its own offset. It is known when each of those functions is called
 * exactly once, by a statement of its own (`setup();`, `await setup();`). Undefined otherwise: a function that
 * is exported, passed on, called twice or from a callback may run at any time, so the written order stands.
 */
function runPath(mod: JsModule, node: AstNode, env: EvalEnv, depth = 0): number[] | undefined {
  const own = rangeOf(node)[0];
  const fn = enclosingFunction(mod, node);
  if (!fn) return [own];
  if (depth >= 4) return undefined;
  const call = soleCallSite(mod, fn, env);
  if (!call) return undefined;
  const method = parentOf(fn);
  if (method?.type === 'MethodDefinition' && method.kind === 'constructor') return [rangeOf(method)[0], own];
  const outer = runPath(mod, call, env, depth + 1);
  return outer ? [...outer, own] : undefined;
}

/**
 * The one statement of the module that calls a function (`setup();`, `await setup();`, `this.routes();` in its
 * class), when every other mention of it is its declaration; a constructor is its own site (it runs in its written
 * order). Undefined when it may run at other times: exported, passed on, called twice, or from an expression.
 */
function soleCallSite(mod: JsModule, fn: AstNode, env: EvalEnv): AstNode | undefined {
  const method = parentOf(fn);
  if (method?.type === 'MethodDefinition' && child(method, 'value') === fn) return methodCallSite(method);
  const name = fn.type === 'FunctionDeclaration' ? identName(child(fn, 'id')) : declaredName(fn);
  if (!name) return undefined;
  // Every mention of the name must be the one declaration or the one call: otherwise it runs at another time too.
  if (identifierCounts(mod).get(name) !== 2) return undefined;
  const calls = mod.calls.filter((c) => {
    const callee = child(c, 'callee') as AstNode;
    if (callee.type !== 'Identifier' || identName(callee) !== name) return false;
    const v = evaluate(callee, mod, env);
    return v.t === 'func' && v.fn === fn;
  });
  return calls.length === 1 && isStatementCall(calls[0] as AstNode) ? calls[0] : undefined;
}

/** A call that is a statement of its own: a call inside an expression may be deferred or conditional. */
function isStatementCall(call: AstNode): boolean {
  let up = parentOf(call);
  if (up?.type === 'AwaitExpression') up = parentOf(up);
  return up?.type === 'ExpressionStatement';
}

/**
 * soleCallSite inside a class (`constructor() { this.middlewares(); this.routes(); }`, the common class-based
 * server): the constructor's code runs in its written order (it is its own site); a method runs where the one
 * `this.method()` statement of the class calls it, when nothing else in the class mentions it.
 */
function methodCallSite(method: AstNode): AstNode | undefined {
  if (method.static) return undefined;
  if (method.kind === 'constructor') return method;
  const name = method.kind === 'method' && !method.computed ? propertyKey(method) : undefined;
  const cls = parentOf(parentOf(method) as AstNode);
  if (!name || !cls) return undefined;
  const mentions: AstNode[] = [];
  walk(cls, (n) => {
    if (n.type === 'MemberExpression' && unwrap(child(n, 'object') as AstNode).type === 'ThisExpression' && memberName(n) === name) mentions.push(n);
    return true;
  });
  const only = mentions.length === 1 ? mentions[0] : undefined;
  const call = only ? parentOf(only) : undefined;
  if (!call || call.type !== 'CallExpression' || child(call, 'callee') !== only) return undefined;
  return isStatementCall(call) ? call : undefined;
}

const identifierCountsOf = new WeakMap<JsModule, Map<string, number>>();

/** How many times each name is mentioned in a module as a binding or a reference (not as a property name). */
function identifierCounts(mod: JsModule): Map<string, number> {
  let counts = identifierCountsOf.get(mod);
  if (counts) return counts;
  const found = new Map<string, number>();
  if (mod.program) {
    walk(mod.program, (n, parent) => {
      if (n.type !== 'Identifier') return true;
      const isKey = parent && !parent.computed && ((parent.type === 'MemberExpression' && child(parent, 'property') === n) || ((parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition' || parent.type === 'ClassProperty') && child(parent, 'key') === n && !parent.shorthand));
      const name = identName(n);
      if (!isKey && name) found.set(name, (found.get(name) ?? 0) + 1);
      return true;
    });
  }
  counts = found;
  identifierCountsOf.set(mod, counts);
  return counts;
}

/** The name a function expression is bound to by `const name = function () {}` / `const name = () => {}`. */
function declaredName(fn: AstNode): string | undefined {
  const d = parentOf(fn);
  if (d?.type !== 'VariableDeclarator' || child(d, 'init') !== fn) return undefined;
  const decl = parentOf(d);
  return decl?.type === 'VariableDeclaration' && decl.kind === 'const' ? identName(child(d, 'id')) : undefined;
}

function calleePathOf(n: AstNode): string[] | undefined {
  const u = unwrap(n);
  if (u.type === 'Identifier') return [u.name as string];
  if (u.type === 'MemberExpression') {
    const name = memberName(u);
    const base = calleePathOf(child(u, 'object') as AstNode);
    return name && base ? [...base, name] : undefined;
  }
  // Firebase v1 options: `functions.region('eu').https.onRequest`, `functions.runWith({...}).https.onRequest`.
  if (u.type === 'CallExpression') {
    const c = unwrap(child(u, 'callee') as AstNode);
    if (c.type === 'MemberExpression' && ['region', 'runWith'].includes(memberName(c) ?? '')) return calleePathOf(child(c, 'object') as AstNode);
  }
  return undefined;
}

/**
 * Firebase v2 `onRequest([options,] handler)` imported from firebase-functions (`firebase-functions/v2/https`,
 * `firebase-functions/https`). With a `cors` option Firebase runs the cors package itself, which is not modelled:
 * such a call (or options not known) is left alone.
 */
function firebaseV2OnRequest(call: AstNode, mod: JsModule): boolean {
  const callee = unwrap(child(call, 'callee') as AstNode);
  const name = callee.type === 'Identifier' ? (callee.name as string) : undefined;
  const b = name ? lookup(mod, name, callee) : undefined;
  const FROM = /^firebase-functions(\/v2)?\/https$/;
  // `import { onRequest } from '...'` or `const { onRequest } = require('...')`.
  const imported = b?.kind === 'import' && b.imported === 'onRequest' && FROM.test(b.source);
  const init = b?.kind === 'var' && b.init ? unwrap(b.init) : undefined;
  const required =
    b?.kind === 'var' && b.path.length === 1 && b.path[0] === 'onRequest' && init?.type === 'CallExpression' && identName(child(init, 'callee')) === 'require' && FROM.test(staticString(args(init)[0]) ?? '');
  if (!imported && !required) return false;
  const a = args(call);
  if (a.length === 1) return true;
  const opts = a.length === 2 ? unwrap(a[0] as AstNode) : undefined;
  return !!opts && opts.type === 'ObjectExpression' && children(opts, 'properties').every((p) => p.type === 'Property' && !p.computed && propertyKey(p) !== 'cors');
}

/** Registrations per receiver in a module. Receivers are keyed by the node that created them. */
interface ModuleScan {
  /**
   * `inOrder`: the registrations are already in the order they run (a request handler first, then the cors
   * middleware it calls, wherever their source sits), not to be sorted by position.
   */
  byReceiver: Map<string, ScanEntry>;
}

interface ScanEntry {
  reg: Registration[];
  kind: 'app' | 'router' | 'unknown';
  node: AstNode;
  name: string;
  ports?: number[];
  portDefaults?: { port: number; env: string }[];
  param?: { fn: AstNode; index: number };
  inOrder?: boolean;
  /** A Socket.IO server's endpoint (the app is that endpoint alone). */
  endpoint?: SocketIoEndpoint;
}

function receiverKey(mod: JsModule, v: JsValue, recvNode: AstNode): { key: string; kind: 'app' | 'router' | 'unknown'; node: AstNode; param?: { fn: AstNode; index: number } } | undefined {
  if (v.t === 'ext') {
    if (v.name === 'express()') return { key: `${v.mod.path}:${rangeOf(v.node)[0]}`, kind: 'app', node: v.node };
    if (v.name === 'express.Router()' || v.name === 'express.Router.()' || v.name === 'express.default.Router()') {
      return { key: `${v.mod.path}:${rangeOf(v.node)[0]}`, kind: 'router', node: v.node };
    }
    return undefined;
  }
  if (v.t === 'unknown') {
    // A class field (`this.app = express(); this.app.use(cors())`): one app per class member name and file.
    if (recvNode.type === 'MemberExpression' && unwrap(child(recvNode, 'object') as AstNode).type === 'ThisExpression') {
      const member = memberName(recvNode);
      if (member && /^(app|server|express|application|router|api|[a-z]+App|[a-z]+Router)$/.test(member)) {
        return { key: `${mod.path}:0:this.${member}`, kind: member.toLowerCase().endsWith('router') ? 'router' : 'unknown', node: recvNode };
      }
      return undefined;
    }
    // An app held by an object passed in (`exports.expressCreateServer = (hook, args) => { args.app.use(cors()) }`,
    // Etherpad's plugin hooks, audit 37 js c10; `options.app`, `ctx.router`): one app per parameter and member name.
    if (recvNode.type === 'MemberExpression') {
      const member = memberName(recvNode);
      const holder = unwrap(child(recvNode, 'object') as AstNode);
      const hb = holder.type === 'Identifier' ? lookup(mod, holder.name as string, holder) : undefined;
      if (member && hb?.kind === 'param' && /^(app|server|router|expressApp|[a-z]+Router)$/.test(member)) {
        return { key: `${mod.path}:${rangeOf(hb.node)[0]}:${holder.name as string}.${member}`, kind: member.toLowerCase().endsWith('router') ? 'router' : 'unknown', node: hb.node };
      }
    }
    // An app or router passed in from elsewhere (`module.exports = (app) => { app.use(cors()) }`).
    const name = identName(recvNode);
    if (name && /^(app|server|router|api|apiRouter|[a-z]+Router|[a-z]*App)$/.test(name)) {
      const b = lookup(mod, name, recvNode);
      const anchor = b ? (b.kind === 'param' ? b.node : b.kind === 'var' ? b.id : recvNode) : recvNode;
      return { key: `${mod.path}:${rangeOf(anchor)[0]}:${name}`, kind: 'unknown', node: anchor, ...(b?.kind === 'param' && b.index >= 0 ? { param: { fn: b.fn, index: b.index } } : {}) };
    }
  }
  return undefined;
}

/**
 * Request handlers the module exports (`export default function handler(req, res)`, `module.exports = fn`):
 * Next.js API routes and serverless functions, which run the cors middleware themselves.
 */
const NEXT_MIDDLEWARE = /(^|\/)(src\/)?middleware\.(ts|js|mjs)$/;

function exportedHandlers(mod: JsModule, env: EvalEnv): (JsValue & { t: 'func' })[] {
  const out: (JsValue & { t: 'func' })[] = [];
  const take = (n: AstNode | undefined) => {
    const v: JsValue | undefined = n && isFunction(unwrap(n)) ? { t: 'func', fn: unwrap(n), node: n, mod } : n ? evaluate(n, mod, env) : undefined;
    // `node` is the exported expression of this module, which evaluates to the function (made by a wrapper of
    // another module, for `export default allowCors(handler)`).
    if (v?.t === 'func' && n && children(v.fn, 'params').length >= 2 && !out.some((o) => o.fn === v.fn)) out.push({ ...v, node: n });
  };
  // Next.js middleware (`middleware.ts` at the root or in src/): `export function middleware(request)` or its
  // default export, run before every matched route; it builds the response it returns.
  if (NEXT_MIDDLEWARE.test(mod.path)) {
    for (const s of children(mod.program as AstNode, 'body')) {
      const d = s.type === 'ExportNamedDeclaration' || s.type === 'ExportDefaultDeclaration' ? child(s, 'declaration') : undefined;
      const fnName = d && d.type === 'FunctionDeclaration' ? identName(child(d, 'id')) : undefined;
      if (d && isFunction(d) && (s.type === 'ExportDefaultDeclaration' || fnName === 'middleware') && !out.some((o) => o.fn === d)) out.push({ t: 'func', fn: d, node: d, mod });
    }
  }
  for (const s of children(mod.program as AstNode, 'body')) {
    if (s.type === 'ExportDefaultDeclaration') take(child(s, 'declaration'));
    if (s.type === 'ExpressionStatement') {
      const e = unwrap(child(s, 'expression') as AstNode);
      if (e.type === 'AssignmentExpression' && mod.text.slice(rangeOf(child(e, 'left') as AstNode)[0], rangeOf(child(e, 'left') as AstNode)[1]).replace(/\s+/g, '') === 'module.exports') take(child(e, 'right'));
    }
  }
  return out;
}

/** An Express error handler, `(err, req, res, next) => ...`: it runs only after `next(err)`. */
function isErrorHandler(v: JsValue): boolean {
  return v.t === 'func' && children(v.fn, 'params').length === 4;
}

/**
 * An app-wide `use` layer (no mount path) whose function never passes a request on normally: it has no `next`
 * parameter, or it calls `next` only with an error. Every request ends there or in the error handlers.
 */
function endsEveryRequest(l: Layer): boolean {
  // A whole request handler (http.createServer, an exported API route) is the server itself, not a layer before others.
  if (l.reg.server || l.reg.method !== 'use' || (l.prefix !== undefined && l.prefix !== '/') || l.handler.t !== 'func') return false;
  if (isErrorHandler(l.handler)) return false;
  return neverPassesOn(l.handler.fn);
}

/**
 * Whether a `(req, res[, next])` handler never passes the request on: no `next` at all, or `next` only ever called
 * with an argument that is certainly an error (`next(new Error())`, `next(createError(404))`). `next('route')`,
 * `next(null)`, `next(err)` with an `err` that may be undefined (`parser(req, res, (err) => next(err))`), `next`
 * handed on, a rest parameter (`(...args) => mw(...args)`) or `arguments` may all pass it on (Express 5.3 with curl:
 * a cors() after each of them still answered; audit 46).
 */
function neverPassesOn(fn: AstNode): boolean {
  const params = children(fn, 'params');
  if (params.some((p) => p.type === 'RestElement')) return false;
  const next = params[2] ? identName(params[2]) : undefined;
  if (!next && params.length > 2) return false;
  let passes = false;
  walk(child(fn, 'body') as AstNode, (n) => {
    if (passes) return false;
    if (n.type === 'Identifier' && n.name === 'arguments') passes = true;
    if (next === undefined || identName(n) !== next) return true;
    const call = parentOf(n);
    const called = call?.type === 'CallExpression' && child(call, 'callee') === n;
    const first = called ? args(call as AstNode)[0] : undefined;
    if (!first || !certainlyError(first)) passes = true;
    return true;
  });
  return !passes;
}

/** `new SomeError(...)`, `createError(404)`, `httpErrors.NotFound()`-like: a value that is an error whatever happens. */
function certainlyError(n: AstNode): boolean {
  const u = unwrap(n);
  if (u.type === 'NewExpression') return true;
  if (u.type !== 'CallExpression') return false;
  const name = calleePath(child(u, 'callee') as AstNode)?.at(-1);
  return name !== undefined && /error/i.test(name);
}

/**
 * A layer that answers every request of its mount path and passes none on (json-server 0.x's router, see
 * evaluate.ts jsonServerCall; a catch-all `app.all('*', handler)`): what it is, or undefined. Not when it is registered under a condition the model cannot
 * decide (it may then be absent).
 */
function answersAllOf(l: Layer): string | undefined {
  if (l.reg.server || l.reg.condition || l.mount?.condition) return undefined;
  if (l.reg.method === 'use' && l.handler.t === 'ext' && l.handler.answersAll !== undefined) return l.handler.answersAll;
  // `app.all('*', (req, res) => res.status(404).json(...))`: a route for every method and path whose one handler never
  // passes the request on, so nothing after it runs (checked with Express 4 and curl: a cors() after it sends no header).
  if (l.reg.method === 'all' && l.reg.handlers.length === 1 && (l.reg.path === undefined || WILDCARD_PATHS.has(l.reg.path)) && l.handler.t === 'func' && !isErrorHandler(l.handler) && neverPassesOn(l.handler.fn)) {
    return `ALL ${l.reg.path ?? '/'}`;
  }
  // `app.use((req, res) => res.status(404).json(...))` on the whole app: a middleware that never passes a request on
  // (no next, or only `next(err)`; checked with Express 5.3 and curl: a cors() after it never runs, no response
  // carries its headers).
  if (endsEveryRequest(l)) return HAND_WRITTEN_CATCH_ALL;
  return undefined;
}

/** What a hand-written middleware that ends every request is called in messages. */
const HAND_WRITTEN_CATCH_ALL = 'a catch-all middleware';

/**
 * Whether an exported `(req, res, next)` function is Express middleware rather than a whole request handler: it
 * calls `next`, so it is meant for app.use() (where the app that uses it gives it its place).
 */
function isExpressLike(fn: AstNode): boolean {
  const next = children(fn, 'params')[2];
  const name = next ? identName(next) : undefined;
  if (!name) return false;
  let calls = false;
  walk(child(fn, 'body') as AstNode, (n) => {
    if (calls) return false;
    if (n.type === 'CallExpression' && identName(child(n, 'callee')) === name) calls = true;
    return true;
  });
  return calls;
}

/**
 * Whether a handler hands its response to a function of another module that writes CORS headers
 * (`setCorsHeaders(req, res)` imported from `lib/cors`): its headers are then the handler's.
 */
function passesResponseToWriter(fn: AstNode, mod: JsModule, env: EvalEnv): boolean {
  const res = paramOf(fn, 1);
  const name = res ? identName(res) : undefined;
  const body = child(fn, 'body');
  if (!name || !body) return false;
  let found = false;
  walk(body, (n) => {
    if (found) return false;
    if (n.type !== 'CallExpression' || !args(n).some((a) => identName(unwrap(a)) === name)) return true;
    const callee = unwrap(child(n, 'callee') as AstNode);
    if (callee.type !== 'Identifier') return true;
    const v = evaluate(callee, mod, env);
    if (v.t === 'func' && v.mod !== mod && /access-control-/i.test(v.mod.text)) found = true;
    return !found;
  });
  return found;
}

/**
 * Apollo Server 2/3 on Express: `server.applyMiddleware({ app, path, cors })` mounts, on `path` (default
 * `/graphql`), `cors()` for `cors: true` or no option, `cors(options)` for an object or delegate, and nothing for
 * `cors: false` (apollo-server-express's getMiddleware, read in its source). Only with the options written as an
 * object literal holding `app`; anything else is not followed.
 */
function apolloRegistration(call: AstNode, mod: JsModule, env: EvalEnv): { app: AstNode; reg: Registration } | undefined {
  const opts = args(call)[0] ? unwrap(args(call)[0] as AstNode) : undefined;
  if (opts?.type !== 'ObjectExpression') return undefined;
  const props = new Map<string, AstNode>();
  for (const p of children(opts, 'properties')) {
    if (p.type !== 'Property' || p.computed) return undefined;
    const k = propertyKey(p);
    const v = child(p, 'value');
    if (k && v) props.set(k, v);
  }
  const app = props.get('app');
  const corsNode = props.get('cors');
  // `{ app, cors }` is Apollo's signature; without a cors option, only where the module names Apollo (the server
  // itself is often made in another module: audit 17 case 02).
  if (!app || (!corsNode && !/apollo-server/.test(mod.text))) return undefined;
  const cv = corsNode ? evaluate(corsNode, mod, env) : undefined;
  if (cv?.t === 'bool' && !cv.v) return undefined;
  const pathNode = props.get('path');
  const path = pathNode ? staticString(pathNode) : '/graphql';
  if (path === undefined) return undefined;
  const options = !corsNode || cv?.t === 'bool' ? null : corsNode;
  return { app, reg: { method: 'use', path, pathNode, handlers: [], call, mod, optionCors: options } };
}

/**
 * `new ApolloServer({ cors, ... })` of the standalone `apollo-server` package (2/3): its `listen()` mounts on `/`
 * `cors(options)`, `cors()` for `cors: true`, nothing for `cors: false`, and `cors({ origin: '*' })` without the
 * option (apollo-server's listen, read in its source; that last one is left out: it sends `*` and nothing more).
 */
function apolloStandalone(n: AstNode, mod: JsModule, env: EvalEnv): Registration | undefined {
  const callee = unwrap(child(n, 'callee') as AstNode);
  const name = identName(callee);
  if (!name) return undefined;
  const b = lookup(mod, name, callee);
  const fromStandalone =
    (b?.kind === 'import' && b.source === 'apollo-server' && b.imported === 'ApolloServer') ||
    (b?.kind === 'var' && b.path.length === 1 && b.path[0] === 'ApolloServer' && !!b.init && /^require\(\s*['"]apollo-server['"]\s*\)$/.test(mod.text.slice(...rangeOf(unwrap(b.init)))));
  const opts = args(n)[0] ? unwrap(args(n)[0] as AstNode) : undefined;
  if (!fromStandalone || opts?.type !== 'ObjectExpression') return undefined;
  const prop = children(opts, 'properties').find((p) => p.type === 'Property' && !p.computed && propertyKey(p) === 'cors');
  const corsNode = prop ? child(prop, 'value') : undefined;
  if (!corsNode) return undefined;
  const cv = evaluate(corsNode, mod, env);
  if (cv.t === 'bool' && !cv.v) return undefined;
  return { method: 'use', path: undefined, pathNode: undefined, handlers: [], call: n, mod, optionCors: cv.t === 'bool' ? null : corsNode };
}

/** A Socket.IO server's HTTP endpoint, where engine.io runs the cors package with the server's `cors` option. */
interface SocketIoEndpoint {
  /** The path prefix engine.io takes (`/socket.io/` by default). */
  path: string;
  /** A NestJS gateway on the Nest app's HTTP server (port 0): it answers on that app's port. */
  onNestApp?: boolean;
}

/** A port a `listen(port)` argument gives, and the variable it is the default of (`process.env.PORT || 3000`). */
interface BoundPort {
  port: number;
  env?: string;
}

function listenPort(arg: AstNode | undefined, mod: JsModule, env: EvalEnv): BoundPort | undefined {
  const p = arg ? evaluate(arg, mod, env) : undefined;
  const port = p?.t === 'num' ? p.v : p?.t === 'str' && /^\d+$/.test(p.v) ? Number(p.v) : undefined;
  if (port === undefined) return undefined;
  // `process.env.PORT || 3000`: 3000 only where PORT is unset (a compose service may set it).
  const variable = p?.via ? /^the default when \$(\w+) is unset$/.exec(p.via)?.[1] : undefined;
  return { port, ...(variable ? { env: variable } : {}) };
}

/** Node's own http or https module, written as such or named: `require('node:http')`, `import https from 'https'`. */
function isHttpModule(n: AstNode, mod: JsModule): boolean {
  const u = unwrap(n);
  const HTTP = /^(node:)?https?$/;
  const req = isRequireCall(u);
  if (req !== undefined) return HTTP.test(req);
  const name = identName(u);
  const b = name ? lookup(mod, name, u) : undefined;
  if (b?.kind === 'import') return HTTP.test(b.source) && (b.imported === 'default' || b.imported === '*');
  return b?.kind === 'var' && b.path.length === 0 && !!b.init && HTTP.test(isRequireCall(b.init) ?? '');
}

/**
 * The HTTP server an expression names, followed through `const server = ...` (at most a few steps):
 * - `http.createServer(app)`, `https.createServer(opts, app)`, `http.Server(app)`, `new http.Server(app)`, and
 *   `createServer` / `Server` imported or destructured from http/https: `handler` is the request listener, its last
 *   argument (Node's `createServer([options][, requestListener])`);
 * - `app.listen(...)`, which starts a server of its own and returns it (Express's `app.listen` is
 *   `http.createServer(this).listen(...)`): the `listen` call itself, with no handler.
 * `server.listen(port)` returns the server too, so `createServer(app).listen(port)` is the createServer call.
 */
function httpServerOf(n: AstNode, mod: JsModule, depth = 0): { node: AstNode; handler?: AstNode } | undefined {
  const u = unwrap(n);
  if (depth > 5) return undefined;
  if (u.type === 'Identifier') {
    const b = lookup(mod, u.name as string, u);
    return b?.kind === 'var' && b.path.length === 0 && b.init ? httpServerOf(b.init, mod, depth + 1) : undefined;
  }
  if (u.type !== 'CallExpression' && u.type !== 'NewExpression') return undefined;
  const callee = unwrap(child(u, 'callee') as AstNode);
  let made = false;
  if (callee.type === 'MemberExpression') {
    const m = memberName(callee);
    if (m === 'listen' && u.type === 'CallExpression') return httpServerOf(child(callee, 'object') as AstNode, mod, depth + 1) ?? { node: u };
    made = (m === 'createServer' || m === 'Server') && isHttpModule(child(callee, 'object') as AstNode, mod);
  } else if (callee.type === 'Identifier') {
    const b = lookup(mod, callee.name as string, callee);
    const HTTP = /^(node:)?https?$/;
    if (b?.kind === 'import') made = HTTP.test(b.source) && (b.imported === 'createServer' || b.imported === 'Server');
    else if (b?.kind === 'var' && b.path.length === 1 && b.init) made = (b.path[0] === 'createServer' || b.path[0] === 'Server') && HTTP.test(isRequireCall(b.init) ?? '');
  }
  if (!made) return undefined;
  const a = args(u);
  const last = a[a.length - 1];
  return { node: u, ...(last ? { handler: last } : {}) };
}

/** `require('socket.io')`, written as such. */
function isSocketIoRequire(n: AstNode): boolean {
  return isRequireCall(n) === 'socket.io';
}

/** A name for the socket.io module itself: `const socketIO = require('socket.io')`, `import io from 'socket.io'`. */
function isSocketIoModule(n: AstNode, mod: JsModule): boolean {
  const u = unwrap(n);
  if (isSocketIoRequire(u)) return true;
  const name = identName(u);
  if (!name) return false;
  const b = lookup(mod, name, u);
  if (b?.kind === 'import') return b.source === 'socket.io' && (b.imported === 'default' || b.imported === '*');
  return b?.kind === 'var' && b.path.length === 0 && !!b.init && isSocketIoRequire(b.init);
}

/**
 * Whether a `new`/call callee builds a Socket.IO server: the `Server` class (`import { Server } from 'socket.io'`,
 * `const { Server } = require('socket.io')`, `io.Server`) or the module's own export, a function that calls
 * `new Server(srv, opts)` (`require('socket.io')(httpServer, opts)`).
 */
function isSocketIoServerCallee(callee: AstNode, mod: JsModule): boolean {
  const c = unwrap(callee);
  if (c.type === 'MemberExpression') return memberName(c) === 'Server' && isSocketIoModule(child(c, 'object') as AstNode, mod);
  if (isSocketIoModule(c, mod)) return true;
  const name = identName(c);
  if (!name) return false;
  const b = lookup(mod, name, c);
  if (b?.kind === 'import') return b.source === 'socket.io' && b.imported === 'Server';
  return b?.kind === 'var' && b.path.length === 1 && b.path[0] === 'Server' && !!b.init && isSocketIoRequire(b.init);
}

/**
 * A Socket.IO server made with a `cors` option: `new Server(httpServer, { cors })`, `new Server(port, { cors })`,
 * `new Server({ cors })`, `require('socket.io')(httpServer, { cors })`. Socket.IO hands its options to engine.io,
 * which, when `cors` is truthy, runs `require('cors')(opts.cors)` first on every HTTP request whose path starts
 * with the server's path (`/socket.io/` unless `path` says otherwise): the long-polling transport, its preflights,
 * the client bundle; an object is the cors options, a function the options delegate, any other truthy value the
 * defaults, and a falsy one (the default, `false`) sends no CORS header at all (engine.io 6 `Server` constructor
 * and `attach`, socket.io 4 `attach`; checked by running socket.io 4.8 with curl), so the semantics are those of
 * cors-semantics.md §1, on that path only. WebSocket upgrades are not subject to CORS. `io.attach(srv, { cors })`
 * is not followed.
 */
function socketIoServer(n: AstNode, mod: JsModule, env: EvalEnv): { reg: Registration; endpoint: SocketIoEndpoint } | undefined {
  if (!isSocketIoServerCallee(child(n, 'callee') as AstNode, mod)) return undefined;
  const a = args(n);
  let optsNode: AstNode | undefined;
  if (a.length >= 2) optsNode = a[1];
  else if (a.length === 1 && evaluate(a[0] as AstNode, mod, env).t === 'object') optsNode = a[0];
  if (!optsNode) return undefined;
  return socketIoEndpoint(n, optsNode, mod, env);
}

/** The endpoint of a Socket.IO server built with the options `optsNode` (see socketIoServer), by the call `n`. */
function socketIoEndpoint(n: AstNode, optsNode: AstNode, mod: JsModule, env: EvalEnv): { reg: Registration; endpoint: SocketIoEndpoint } | undefined {
  const opts = evaluate(optsNode, mod, env);
  if (opts.t !== 'object') return undefined;
  const corsValue = opts.props.get('cors');
  // No `cors` key: engine.io's default `false`, no CORS headers (unless a spread may hold one: not known).
  if (!corsValue) return undefined;
  // The value is read again from its node by buildPolicies, in this module.
  if (corsValue.mod !== mod) return undefined;
  const truth = codeTruthiness(corsValue);
  if (truth === false) return undefined;
  // A path that cannot be read leaves the endpoint unplaced: not modelled.
  const pathValue = opts.props.get('path');
  let path = '/socket.io';
  if (pathValue && pathValue.t !== 'undef') {
    if (pathValue.t !== 'str') return undefined;
    if (pathValue.v) path = pathValue.v;
  }
  path = `${path.replace(/\/$/, '')}/`;
  // The `cors` option exists since Socket.IO 3 (engine.io 4); Socket.IO 2 ignores it (its own CORS handling is not modelled).
  const major = packageMajor(env.host, mod.path, 'socket.io');
  if (major !== undefined && major < 3) return undefined;
  // `true`, a string, a number: cors(value) merges nothing into its defaults.
  const options = truth === true && corsValue.t !== 'object' && corsValue.t !== 'func' ? null : corsValue.node;
  return { reg: { method: 'use', path, pathNode: undefined, handlers: [], call: n, mod, optionCors: options }, endpoint: { path } };
}

/**
 * A NestJS gateway, `@WebSocketGateway(options)` or `@WebSocketGateway(port, options)` from @nestjs/websockets, run by
 * Nest's default adapter, IoAdapter (@nestjs/platform-socket.io): the gateway's options less `namespace` and
 * `server` are the Socket.IO server's options (`new Server(httpServer, options)` on the Nest app's HTTP server for
 * port 0, the default; `new Server(port, options)` on a server of its own otherwise), so its `cors` option is run by
 * engine.io on the Socket.IO path exactly as socketIoServer reads it (platform-socket.io 10 IoAdapter.create and
 * createIOServer; checked with NestJS 10.4 and curl: `{ cors: { origin: true, credentials: true } }` reflects any
 * Origin with Access-Control-Allow-Credentials: true on `/socket.io/`, whatever enableCors says). A `server` option
 * reuses a server made elsewhere: not modelled. `ownPort`: the port given, undefined for 0 or a port not read,
 * `portKnown` false for the latter. platform-socket.io 7 runs socket.io 2, whose CORS is not modelled.
 */
function nestGateway(n: AstNode, mod: JsModule, env: EvalEnv): { reg: Registration; endpoint: SocketIoEndpoint; ownPort?: BoundPort; portKnown: boolean } | undefined {
  const callee = unwrap(child(n, 'callee') as AstNode);
  const name = identName(callee);
  const b = name ? lookup(mod, name, callee) : undefined;
  if (b?.kind !== 'import' || b.source !== '@nestjs/websockets' || b.imported !== 'WebSocketGateway') return undefined;
  const a = args(n);
  let optsNode: AstNode | undefined;
  let portNode: AstNode | undefined;
  if (a.length >= 2) [portNode, optsNode] = a;
  else if (a.length === 1) {
    if (evaluate(a[0] as AstNode, mod, env).t === 'object') optsNode = a[0];
    else portNode = a[0];
  }
  if (!optsNode) return undefined;
  const opts = evaluate(optsNode, mod, env);
  if (opts.t !== 'object' || opts.props.has('server')) return undefined;
  const nestMajor = packageMajor(env.host, mod.path, '@nestjs/platform-socket.io');
  if (nestMajor !== undefined && nestMajor < 8) return undefined;
  const sio = socketIoEndpoint(n, optsNode, mod, env);
  if (!sio) return undefined;
  const port = portNode ? evaluate(portNode, mod, env) : undefined;
  if (!port || (port.t === 'num' && port.v === 0)) return { ...sio, portKnown: true };
  const own = listenPort(portNode, mod, env);
  return { ...sio, ...(own ? { ownPort: own } : {}), portKnown: !!own };
}

/** The nearest directory at or above a file's that holds a package.json ('' for the root). */
function packageRoot(host: ProjectHost, file: string): string {
  let dir = posix.dirname(file);
  for (let i = 0; i < 30 && dir !== '.' && dir !== ''; i++) {
    if (host.readFile(`${dir}/package.json`)) return dir;
    dir = posix.dirname(dir);
  }
  return '';
}

/**
 * Every `@WebSocketGateway(...)` of the package under `root` (files that need not mention CORS), as the key of the
 * Socket.IO server Nest gives it (port and path, '?' when not read) and the source of its `cors` option ('none',
 * '?'). Nest makes one server per port and path, with the options of the first gateway it initialises there
 * (@nestjs/websockets SocketServerProvider.scanForSocketServer; the others only add a namespace).
 */
function nestGateways(host: ProjectHost, root: string, env: EvalEnv): { gateways: { key: string; cors: string; at: string }[]; otherAdapter: boolean } {
  return host.memo(`js:nest-gateways:${root}`, () => {
    const out: { key: string; cors: string; at: string }[] = [];
    // Another WebSocket adapter (WsAdapter of @nestjs/platform-ws, whose `ws` has no CORS; a custom one, which may
    // change the options) set anywhere in the package: what the gateways run on is not known.
    let otherAdapter = /"@nestjs\/platform-ws"/.test(host.readFile(root ? `${root}/package.json` : 'package.json')?.text ?? '');
    for (const rel of nestPackageFiles(host, root, 3000)) {
      if (!isJsPath(rel)) continue;
      const text = host.readFile(rel)?.text ?? '';
      if (/\buseWebSocketAdapter\s*\(\s*(?!new\s+IoAdapter\s*\()/.test(text)) otherAdapter = true;
      if (!/\bWebSocketGateway\b/.test(text)) continue;
      const mod = loadModule(host, rel);
      if (!mod?.program) continue;
      walk(mod.program, (x) => {
        if (x.type !== 'Decorator') return true;
        const call = unwrap(child(x, 'expression') as AstNode);
        const callee = call.type === 'CallExpression' ? unwrap(child(call, 'callee') as AstNode) : undefined;
        const b = callee && identName(callee) ? lookup(mod, identName(callee) as string, callee) : undefined;
        if (b?.kind !== 'import' || b.source !== '@nestjs/websockets' || b.imported !== 'WebSocketGateway') return false;
        const a = args(call);
        const first = a[0] ? evaluate(a[0], mod, env) : undefined;
        const optsNode = a.length >= 2 ? a[1] : first?.t === 'object' ? a[0] : undefined;
        const portNode = a.length >= 2 || (a[0] && first?.t !== 'object') ? a[0] : undefined;
        const pv = portNode ? evaluate(portNode, mod, env) : undefined;
        const port = !pv || (pv.t === 'num' && pv.v === 0) ? '0' : pv.t === 'num' ? String(pv.v) : '?';
        const opts = optsNode ? evaluate(optsNode, mod, env) : undefined;
        let path = '/socket.io/';
        let cors = 'none';
        if (opts && opts.t !== 'object') [path, cors] = ['?', '?'];
        else if (opts) {
          const pathValue = opts.props.get('path');
          if (pathValue && pathValue.t !== 'undef') path = pathValue.t === 'str' ? `${(pathValue.v || '/socket.io').replace(/\/$/, '')}/` : '?';
          const c = opts.props.get('cors');
          if (c) cors = c.node ? c.mod.text.slice(rangeOf(c.node)[0], rangeOf(c.node)[1]) : '?';
        }
        out.push({ key: `${port} ${path}`, cors, at: `${mod.path}:${rangeOf(call)[0]}` });
        return false;
      });
    }
    return { gateways: out, otherAdapter };
  });
}

/**
 * NestJS gateways (nestGateway) whose Socket.IO server is known: none when the package sets another WebSocket adapter
 * (useWebSocketAdapter with anything but `new IoAdapter(...)`, or lists @nestjs/platform-ws); one whose port and path another gateway of its
 * package may share with other CORS options is dropped (which one Nest initialises first, and so whose options the
 * server has, is not known here). One on the Nest app's HTTP server takes that app's ports, when its package has one
 * Nest app that binds known ports.
 */
function settleNestGateways(groups: Map<string, { key: string; node: AstNode; home: string; ports: number[]; portDefaults: { port: number; env: string }[]; kind: string; endpoint?: SocketIoEndpoint }>, host: ProjectHost, env: EvalEnv): void {
  for (const [key, g] of groups) {
    if (!key.includes(':nest-gateway:')) continue;
    const root = packageRoot(host, g.home);
    const { gateways: all, otherAdapter } = nestGateways(host, root, env);
    const me = all.find((x) => x.at === `${g.home}:${rangeOf(g.node)[0]}`);
    const [port, path] = (me?.key ?? '? ?').split(' ');
    const sharing = all.filter((x) => x !== me && x.key.split(' ').every((v, i) => {
      const mine = i === 0 ? port : path;
      return v === '?' || mine === '?' || v === mine;
    }));
    if (otherAdapter || !me || me.cors === '?' || sharing.some((x) => x.cors !== me.cors)) {
      groups.delete(key);
      continue;
    }
    if (g.endpoint?.onNestApp && !g.ports.length) {
      const apps = [...groups.values()].filter((a) => !a.endpoint && a.kind === 'unknown' && a.ports.length && packageRoot(host, a.home) === root && /\bNestFactory\b/.test(host.readFile(a.home)?.text ?? ''));
      const app = apps.length === 1 ? apps[0] : undefined;
      if (app && nestAppOf(app.node, app.home, host, [], env)) {
        g.ports.push(...app.ports);
        g.portDefaults.push(...app.portDefaults);
      }
    }
  }
}

/** Where a handler runs a cors middleware: `cors(req, res, next)`, or passes it on (`runMiddleware(req, res, cors)`). */
function corsUses(fn: AstNode, mod: JsModule, env: EvalEnv): { call: AstNode; node: AstNode }[] {
  const out: { call: AstNode; node: AstNode }[] = [];
  const body = child(fn, 'body');
  if (!body) return out;
  // Nested functions too: `await new Promise((resolve) => cors(req, res, resolve))`.
  walk(body, (x) => {
    if (x.type !== 'CallExpression' || args(x).length < 2) return true;
    for (const n of [child(x, 'callee') as AstNode, ...args(x)]) {
      const v = evaluate(n, mod, env);
      if (v.t === 'ext' && v.name === 'cors()') {
        out.push({ call: x, node: n });
        break;
      }
    }
    return true;
  });
  return out;
}

function scanModule(mod: JsModule, host: ProjectHost): ModuleScan {
  return host.memo(`express:scan:${mod.path}`, () => {
    const scan: ModuleScan = { byReceiver: new Map() };
    if (!mod.program) return scan;
    const env: EvalEnv = { host };
    // An exported request handler (a Next.js API route, a Vercel function: `(req, res)`; Lambda-style `(event) => ({ headers })` handlers are not modelled): it runs the cors middleware
    // itself (the Next.js example: cors handles each request first), or writes the headers itself, answering
    // every method, OPTIONS included, like a plain Node handler.
    // The handler may come from a wrapper of another module (`export default allowCors(handler)`), so any
    // module that mentions CORS is looked at (the prefilter's test).
    const runsCors = /\bcors\b/i.test(mod.text);
    if (/cors|access-control-/i.test(mod.text)) {
      for (const h of exportedHandlers(mod, env)) {
        const uses = runsCors ? corsUses(h.fn, h.mod, env) : [];
        const key = `${mod.path}:${rangeOf(h.fn)[0]}`;
        if (uses.length) {
          const reg: Registration[] = uses.map((u) => ({ method: 'use' as const, path: undefined, pathNode: undefined, handlers: [u.node], call: u.call, mod: h.mod }));
          scan.byReceiver.set(key, { reg, kind: 'app', node: h.fn, name: 'handler' });
        } else if ((/access-control-/i.test(h.mod.text) || passesResponseToWriter(h.fn, h.mod, env)) && children(h.fn, 'params').length <= 3 && !isExpressLike(h.fn)) {
          // The registration is this module's (the export); the function may be another module's.
          const call = h.mod === mod ? h.fn : h.node;
          scan.byReceiver.set(key, { reg: [{ method: 'use', path: undefined, pathNode: undefined, handlers: [h.node], call, mod, server: true }], kind: 'app', node: h.fn, name: 'handler' });
        }
      }
    }
    const add = (recv: AstNode, reg: Registration) => {
      const guard = registrationGuard(mod, reg.call, env);
      if (guard === 'dead') return;
      if (guard) reg.condition = guard;
      const v = evaluate(recv, mod, env);
      const k = receiverKey(mod, v, unwrap(recv));
      if (!k) return;
      let entry = scan.byReceiver.get(k.key);
      if (!entry) scan.byReceiver.set(k.key, (entry = { reg: [], kind: k.kind, node: k.node, name: identName(recv) ?? 'app', ...(k.param ? { param: k.param } : {}) }));
      entry.reg.push(reg);
    };
    // Apollo Server 2/3 standalone (`apollo-server`): `listen()` builds an Express app with its `cors` option.
    if (/apollo-server['"]/.test(mod.text) && mod.program) {
      walk(mod.program, (x) => {
        const reg = x.type === 'NewExpression' ? apolloStandalone(x, mod, env) : undefined;
        if (reg) scan.byReceiver.set(`${mod.path}:apollo:${rangeOf(x)[0]}`, { reg: [reg], kind: 'app', node: x, name: 'ApolloServer' });
        return true;
      });
    }
    // Socket.IO: its engine.io endpoint on the HTTP server runs cors with the server's `cors` option, before the app
    // that shares the server sees the request; a separate app of its own, scoped to the endpoint's path.
    // The HTTP server each Socket.IO server is attached to (its first argument), to give it that server's port.
    const socketIoOn: { key: string; server: AstNode }[] = [];
    if (/socket\.io['"]/.test(mod.text)) {
      walk(mod.program, (x) => {
        const sio = x.type === 'NewExpression' || x.type === 'CallExpression' ? socketIoServer(x, mod, env) : undefined;
        if (sio) {
          const guard = registrationGuard(mod, x, env);
          if (guard !== 'dead') {
            if (guard) sio.reg.condition = guard;
            const key = `${mod.path}:socket.io:${rangeOf(x)[0]}`;
            const entry: ScanEntry = { reg: [sio.reg], kind: 'app', node: x, name: 'Socket.IO', endpoint: sio.endpoint, inOrder: true };
            const first = args(x).length >= 2 ? (args(x)[0] as AstNode) : undefined;
            // `new Server(3000, { cors })`: engine.io starts a server of its own on that port.
            const own = first ? listenPort(first, mod, env) : undefined;
            if (own) {
              entry.ports = [own.port];
              if (own.env) entry.portDefaults = [{ port: own.port, env: own.env }];
            }
            const server = first && !own ? httpServerOf(first, mod) : undefined;
            if (server) socketIoOn.push({ key, server: server.node });
            scan.byReceiver.set(key, entry);
          }
        }
        return true;
      });
    }
    // NestJS gateways (nestGateway): the Socket.IO server Nest builds with the decorator's options.
    if (/@nestjs\/websockets['"]/.test(mod.text) && /\bWebSocketGateway\b/.test(mod.text)) {
      walk(mod.program, (x) => {
        if (x.type !== 'Decorator') return true;
        const call = unwrap(child(x, 'expression') as AstNode);
        const gw = call.type === 'CallExpression' ? nestGateway(call, mod, env) : undefined;
        if (gw) {
          const entry: ScanEntry = { reg: [gw.reg], kind: 'app', node: call, name: 'Socket.IO', endpoint: { ...gw.endpoint, ...(gw.portKnown && !gw.ownPort ? { onNestApp: true } : {}) }, inOrder: true };
          if (gw.ownPort) {
            entry.ports = [gw.ownPort.port];
            if (gw.ownPort.env) entry.portDefaults = [{ port: gw.ownPort.port, env: gw.ownPort.env }];
          }
          scan.byReceiver.set(`${mod.path}:nest-gateway:${rangeOf(call)[0]}`, entry);
        }
        return false;
      });
    }
    const bindPort = (key: string, fresh: () => { kind: 'app' | 'router' | 'unknown'; node: AstNode; name: string }, bound: BoundPort) => {
      let entry = scan.byReceiver.get(key);
      if (!entry) scan.byReceiver.set(key, (entry = { reg: [], ...fresh() }));
      (entry.ports ??= []).push(bound.port);
      if (bound.env) (entry.portDefaults ??= []).push({ port: bound.port, env: bound.env });
    };
    // Ports bound by `listen` on an HTTP server (the server node of httpServerOf).
    const serverPorts: { server: AstNode; handler?: AstNode; bound: BoundPort }[] = [];
    for (const n of mod.calls) {
      const callee = unwrap(child(n, 'callee') as AstNode);
      // Plain Node servers: http.createServer((req, res) => ...) handles every request itself.
      const cpath = calleePathOf(callee);
      // Firebase HTTPS functions (`functions.https.onRequest((req, res) => ...)`) are request handlers too.
      const last = cpath?.[cpath.length - 1];
      if (cpath && (last === 'createServer' || (last === 'onRequest' && cpath.length > 1 && cpath[cpath.length - 2] === 'https') || firebaseV2OnRequest(n, mod))) {
        const a = args(n);
        const handler = a[a.length - 1];
        const hv = handler ? evaluate(handler, mod, env) : undefined;
        if (handler && hv?.t === 'func') {
          const key = `${mod.path}:${rangeOf(n)[0]}`;
          const reg: Registration[] = [{ method: 'use', path: undefined, pathNode: undefined, handlers: [handler], call: n, mod, server: true }];
          // `cors(req, res, () => ...)` called by the handler: the cors middleware runs first, for every request.
          for (const c of corsUses(hv.fn, hv.mod, env)) reg.push({ method: 'use', path: undefined, pathNode: undefined, handlers: [c.node], call: c.call, mod: hv.mod });
          scan.byReceiver.set(key, { reg, kind: 'app', node: n, name: last === 'onRequest' ? 'function' : 'server', inOrder: true });
        } else if (handler && last === 'createServer' && hv?.t === 'ext' && hv.name === YOGA_CREATED) {
          // `createServer(yoga)` (node:http): the yoga answers every request, with its own CORS (yoga.ts).
          const key = `${mod.path}:${rangeOf(n)[0]}`;
          scan.byReceiver.set(key, { reg: [{ method: 'use', path: undefined, pathNode: undefined, handlers: [handler], call: n, mod }], kind: 'app', node: n, name: 'server', inOrder: true });
        }
        continue;
      }
      if (callee.type !== 'MemberExpression') continue;
      const method = memberName(callee);
      if (!method) continue;
      const lower = method.toLowerCase();
      // server.on('request', (req, res) => ...): a plain Node request handler attached after creation.
      if (lower === 'on' && staticString(args(n)[0]) === 'request') {
        const handler = args(n)[1];
        if (handler && evaluate(handler, mod, env).t === 'func') {
          const key = `${mod.path}:${rangeOf(n)[0]}`;
          scan.byReceiver.set(key, { reg: [{ method: 'use', path: undefined, pathNode: undefined, handlers: [handler], call: n, mod, server: true }], kind: 'app', node: n, name: 'server' });
        }
        continue;
      }
      if (lower === 'listen') {
        // app.listen(3000) / app.listen(process.env.PORT || 3000): the port lets a proxy be linked to this app.
        const bound = listenPort(args(n)[0], mod, env);
        if (!bound) continue;
        const recv = child(callee, 'object') as AstNode;
        // `const server = http.createServer(app); server.listen(PORT)` (audit 40 js c25): the server answers with
        // the app it was given, so the port is that app's (and that of a Socket.IO server attached to it).
        const server = httpServerOf(recv, mod);
        if (server && server.node !== n) {
          serverPorts.push({ server: server.node, ...(server.handler ? { handler: server.handler } : {}), bound });
          continue;
        }
        serverPorts.push({ server: n, bound });
        const k = receiverKey(mod, evaluate(recv, mod, env), unwrap(recv));
        if (k) bindPort(k.key, () => ({ kind: k.kind, node: k.node, name: identName(recv) ?? 'app' }), bound);
        continue;
      }
      if (lower === 'applymiddleware') {
        const apollo = apolloRegistration(n, mod, env);
        if (apollo) add(apollo.app, apollo.reg);
        continue;
      }
      if (lower !== 'use' && !ROUTE_METHODS.has(lower)) continue;
      let obj = unwrap(child(callee, 'object') as AstNode);
      // app.use(express.json()).use(cors()): use() and the route methods return the app.
      for (let i = 0; i < 50 && obj.type === 'CallExpression'; i++) {
        const c = unwrap(child(obj, 'callee') as AstNode);
        const m = c.type === 'MemberExpression' ? memberName(c)?.toLowerCase() : undefined;
        if (!m || (m !== 'use' && !ROUTE_METHODS.has(m))) break;
        if (m !== 'use' && routeChainBase(obj)) break; // app.route('/x').get(...) chains are handled below
        obj = unwrap(child(c, 'object') as AstNode);
      }
      const a = args(n);
      // app.route('/x').get(...).put(...)
      const routeBase = routeChainBase(obj);
      if (routeBase) {
        if (lower === 'use') continue;
        add(routeBase.recv, { method: lower, path: staticString(routeBase.pathNode), pathNode: routeBase.pathNode, handlers: a, call: n, mod });
        continue;
      }
      const first = a[0];
      const firstIsPath = first && isPathArg(first, mod, env);
      const path = firstIsPath ? pathString(first as AstNode, mod, env) : undefined;
      if (lower !== 'use' && !firstIsPath) continue; // app.get('setting') etc.
      add(obj, { method: lower, path, pathNode: firstIsPath ? first : undefined, handlers: firstIsPath ? a.slice(1) : a, call: n, mod });
    }
    for (const { server, handler, bound } of serverPorts) {
      if (handler) {
        // The request listener: an Express app (or router), or a handler the loop above made an app of
        // (a plain `(req, res)` function, a yoga), keyed by the createServer call.
        const own = `${mod.path}:${rangeOf(server)[0]}`;
        if (scan.byReceiver.has(own)) bindPort(own, () => ({ kind: 'app', node: server, name: 'server' }), bound);
        else {
          const k = receiverKey(mod, evaluate(handler, mod, env), unwrap(handler));
          if (k) bindPort(k.key, () => ({ kind: k.kind, node: k.node, name: identName(handler) ?? 'app' }), bound);
        }
      }
      // engine.io answers its path on the server it is attached to, so on the same port.
      for (const s of socketIoOn) if (s.server === server) bindPort(s.key, () => ({ kind: 'app', node: server, name: 'Socket.IO' }), bound);
    }
    // In the order they run: a registration inside a function the module calls once runs where that call is.
    for (const e of scan.byReceiver.values()) {
      if (e.inOrder) continue;
      for (const r of e.reg) {
        if (r.mod !== mod || !enclosingFunction(mod, r.call)) continue;
        const at = runPath(mod, r.call, env);
        if (at) r.at = at;
      }
      e.reg.sort((x, y) => compareRuns(runsAt(x), runsAt(y)) || rangeOf(x.call)[1] - rangeOf(y.call)[1]);
    }
    return scan;
  });
}

/**
 * The `if` statements around a registration in its function: 'dead' when one of them is known never to let it run
 * (`if (false)`, a constant), else the innermost condition that cannot be decided (`if (process.env.ENABLE_CORS)`,
 * `if (!isProd)`), under which the registration may or may not run (audit 35 mix c13/c17: `if (NODE_ENV !==
 * 'production') app.use(cors())` behind an nginx that adds the headers itself, in a compose file that sets production).
 */
function registrationGuard(mod: JsModule, call: AstNode, env: EvalEnv): 'dead' | { span: Span; text: string } | undefined {
  let undecided: { span: Span; text: string } | undefined;
  // The ifs around the registration in its function, then around the one statement that calls that function
  // (`if (inDevelopment) setupDevMiddlewares();`, audit 36 js c06), and so on outwards.
  let node: AstNode | undefined = call;
  for (let depth = 0; node && depth < 5; depth++) {
    const fn = enclosingFunction(mod, node);
    const top = fn ?? mod.program;
    if (!top) break;
    for (const i of enclosingIfs(node, top).ifs) {
      const t = codeTruthiness(evaluate(i.test, mod, env));
      if (t === undefined) {
        if (!undecided) {
          const [start, end] = rangeOf(i.test);
          const src = mod.text.slice(start, end);
          undecided = { span: spanOf(mod, i.test), text: i.inThen ? src : `!(${src})` };
        }
      } else if (t !== i.inThen) return 'dead';
    }
    if (!fn) break;
    const site = soleCallSite(mod, fn, env);
    node = site && site.type !== 'MethodDefinition' ? site : undefined;
  }
  return undecided;
}

function routeChainBase(obj: AstNode): { recv: AstNode; pathNode: AstNode | undefined } | undefined {
  let cur = obj;
  for (let i = 0; i < 20; i++) {
    if (cur.type !== 'CallExpression') return undefined;
    const c = unwrap(child(cur, 'callee') as AstNode);
    if (c.type !== 'MemberExpression') return undefined;
    const m = memberName(c);
    if (m === 'route') return { recv: unwrap(child(c, 'object') as AstNode), pathNode: args(cur)[0] };
    if (!m || !ROUTE_METHODS.has(m.toLowerCase())) return undefined;
    cur = unwrap(child(c, 'object') as AstNode);
  }
  return undefined;
}

function isPathArg(n: AstNode, mod: JsModule, env: EvalEnv): boolean {
  const u = unwrap(n);
  if (u.type === 'Literal' && (typeof u.value === 'string' || u.regex)) return true;
  if (u.type === 'TemplateLiteral') return true;
  if (u.type === 'ArrayExpression') return children(u, 'elements').every((e) => isPathArg(e, mod, env));
  if (u.type === 'Identifier' || u.type === 'MemberExpression') {
    const v = evaluate(u, mod, env);
    return v.t === 'str' || v.t === 'regex';
  }
  return false;
}

function pathString(n: AstNode, mod: JsModule, env: EvalEnv): string | undefined {
  const v = evaluate(n, mod, env);
  if (v.t === 'str') return v.v;
  if (v.t === 'regex') return `/${v.pattern}/${v.flags}`;
  if (v.t === 'array') return v.items.map((i) => (i.t === 'str' ? i.v : i.t === 'regex' ? `/${i.pattern}/` : '?')).join(',');
  return undefined;
}

function joinPath(prefix: string, p: string | undefined): string {
  if (p === undefined) return prefix || '/';
  if (!prefix || prefix === '/') return p;
  // router.options('*') in a router mounted at /api/items matches every path below the mount.
  if (WILDCARD_PATHS.has(p)) return `${prefix.replace(/\/+$/, '')}/*`;
  if (p.startsWith('/') && !p.startsWith('/^')) return posix.join(prefix, p);
  return `${prefix}${p}`;
}

/** Whether an app's node is json-server's `create()` (evaluate.ts jsonServerCall). */
function isJsonServerApp(node: AstNode, home: string, host: ProjectHost, env: EvalEnv): boolean {
  const mod = loadModule(host, home);
  const n = unwrap(node);
  if (!mod || n.type !== 'CallExpression') return false;
  const callee = unwrap(child(n, 'callee') as AstNode);
  const fn = evaluate(callee, mod, env);
  return fn.t === 'ext' && fn.name === 'json-server.create';
}

/** Express major version from the nearest package.json that depends on express (cors-semantics §1.4). */
function expressVersion(host: ProjectHost, file: string): { version?: string; major?: number; span?: Span } {
  let dir = posix.dirname(file);
  for (let i = 0; i < 30; i++) {
    const p = dir === '.' || dir === '' ? 'package.json' : `${dir}/package.json`;
    const found = host.memo(`express:pkg:${p}`, () => {
      const f = host.readFile(p);
      if (!f) return undefined;
      const m = /"express"\s*:\s*"([^"]*)"/.exec(f.text);
      if (!m) return null;
      const range = m[1] as string;
      const major = /^\s*(?:[\^~]|>=?|=)?\s*v?(\d+)(?:\.|\s*$|\.x)/.exec(range);
      const start = (m.index ?? 0) + (m[0].length - range.length - 1);
      const known = major && !/\|\|/.test(range) ? Number(major[1]) : (lockedExpressMajor(host, dir, range) ?? distTagMajor(range));
      return {
        version: range,
        ...(known !== undefined ? { major: known } : {}),
        span: { file: p, start, end: start + range.length },
      };
    });
    if (found) return found;
    if (dir === '.' || dir === '') break;
    dir = posix.dirname(dir);
  }
  return {};
}

/**
 * The installed Express major of a package whose range is not a version (`latest`, `*`, a git URL), from the
 * nearest lock file (cors-semantics: "reads the version from the project (package.json, ... lock files)").
 */
function lockedExpressMajor(host: ProjectHost, pkgDir: string, range: string): number | undefined {
  const here = pkgDir === '.' ? '' : pkgDir;
  for (let dir = here, i = 0; i < 30; i++) {
    const at = (name: string) => (dir === '' ? name : `${dir}/${name}`);
    const rel = dir === '' ? here : here.slice(dir.length + 1);
    const npm = host.readFile(at('package-lock.json'))?.text;
    if (npm !== undefined) {
      // lockfileVersion 2/3: the package's own entry, else the hoisted one; version 1: top-level dependencies.
      const keys = [...(rel ? [`${rel}/node_modules/express`] : []), 'node_modules/express'];
      for (const k of keys) {
        const e = new RegExp(`"${k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"\\s*:\\s*\\{\\s*"version"\\s*:\\s*"(\\d+)\\.`).exec(npm);
        if (e) return Number(e[1]);
      }
      // (Top-level entries of `dependencies` are indented by four spaces; nested ones deeper.)
      const v1 = /^ {4}"express": \{\s*"version": "(\d+)\./m.exec(npm);
      return v1 ? Number(v1[1]) : undefined;
    }
    const yarn = host.readFile(at('yarn.lock'))?.text;
    if (yarn !== undefined) {
      // An entry whose key lists this range: `express@latest:` / `"express@npm:latest":` then `version "5.1.0"`.
      for (const e of yarn.matchAll(/^(\S[^\n]*):\n((?:[ \t]+[^\n]*\n)+)/gm)) {
        const names = (e[1] as string).split(/,\s*/).map((x) => x.replace(/^"|"$/g, ''));
        if (!names.some((x) => x === `express@${range}` || x === `express@npm:${range}`)) continue;
        const v = /^\s+version:?\s+"?(\d+)\./m.exec(e[2] as string);
        return v ? Number(v[1]) : undefined;
      }
      return undefined;
    }
    const pnpm = host.readFile(at('pnpm-lock.yaml'))?.text;
    if (pnpm !== undefined) {
      const v = /\n\s+express:\n\s+specifier:[^\n]*\n\s+version:\s*'?(\d+)\./.exec(pnpm);
      return v ? Number(v[1]) : undefined;
    }
    if (dir === '') break;
    dir = posix.dirname(dir) === '.' ? '' : posix.dirname(dir);
  }
  return undefined;
}

/** `latest` (and `*`, `x`, ``): npm installs the newest release, Express 5 since the dist-tag moved on 2025-03-31. */
function distTagMajor(range: string): number | undefined {
  return /^\s*(latest|\*|x|)\s*$/i.test(range) ? 5 : undefined;
}

/** Express 5 (path-to-regexp 8) rejects an unnamed `*` (cors-semantics §1.4). */
/** The start-up error of a registration's path under Express 5: string paths only (a RegExp is used as is). */
function express5PathErrorOf(reg: Registration, env: EvalEnv): string | undefined {
  if (!reg.pathNode) return reg.path === undefined ? undefined : express5PathError(reg.path);
  const v = evaluate(reg.pathNode, reg.mod, env);
  const strings = v.t === 'str' ? [v.v] : v.t === 'array' ? v.items.flatMap((i) => (i.t === 'str' ? [i.v] : [])) : [];
  for (const p of strings) {
    const err = express5PathError(p);
    if (err) return err;
  }
  return undefined;
}

/**
 * The start-up error path-to-regexp 8 (Express 5) throws for a route path, as it words it (checked with Express
 * 5.3.0): a reserved character `( ) [ ] ? + !` is "Unexpected", a `*` or `:` without a name is "Missing parameter
 * name" (a backslash escapes the next character). The advice replaces Express 4's wildcards (`*`, `(.*)`) with named ones,
 * keeping the prefix ('/cgi-bin/*' becomes '/cgi-bin/{*splat}', not a catch-all: audit 50 suites c60; '/(.*)' becomes
 * '/{*splat}': audit 51 D4), when that leaves a path Express 5 accepts.
 */
function express5PathError(path: string): string | undefined {
  const error = pathToRegexp8Error(path);
  if (!error) return undefined;
  let n = 0;
  const named = () => `{*splat${++n > 1 ? n : ''}}`;
  const fixed =
    path === '*' || path === '/*' || path === '(.*)' || path === '/(.*)'
      ? '/{*splat}'
      : path.replace(/\(\.\*\)|\*(?![A-Za-z_$])/g, (m, i: number) => (path[i - 1] === '\\' ? m : named()));
  const advice = fixed !== path && !pathToRegexp8Error(fixed) ? `; use '${fixed}'` : '';
  return `Express 5 (path-to-regexp 8) throws "${error}: ${path}" at start-up${advice}`;
}

function pathToRegexp8Error(path: string): string | undefined {
  for (let i = 0; i < path.length; i++) {
    const c = path[i] as string;
    if (c === '\\') {
      i++;
      continue;
    }
    if ('()[]?+!'.includes(c)) return `Unexpected ${c} at index ${i}`;
    if ((c === '*' || c === ':') && !/[A-Za-z_$"]/.test(path[i + 1] ?? '')) return `Missing parameter name at index ${i + 1}`;
  }
  return undefined;
}

const WILDCARD_PATHS = new Set(['*', '/*', '(.*)', '/(.*)', '/{*splat}', '/*splat', '/{*path}', '/*path', '/.*/', '/^.*$/']);

function pathCovers(pattern: string | undefined, path: string | undefined): boolean {
  if (pattern === undefined) return true;
  if (WILDCARD_PATHS.has(pattern)) return true;
  if (path === undefined) return false;
  if (pattern === path) return true;
  if (/^\/\{?\*\w+\}?$/.test(pattern)) return true;
  // Prefix wildcards: '/api/*' covers '/api/x'.
  const m = /^(.*?)\/(?:\*|\{\*\w+\}|\*\w+|\(\.\*\))$/.exec(pattern);
  if (m && path.startsWith(m[1] as string)) return true;
  // Express 4 reads a `*` anywhere as `(.*)`: '/api/frontend*' covers '/api/frontend' and every path below it
  // (Express 5 refuses an unnamed `*`, which invalid-preflight-route reports).
  const star = /^(\/[^*?+()[\]{}:]*)\*$/.exec(pattern);
  return !!star && path.startsWith(star[1] as string);
}

function useCovers(prefix: string | undefined, path: string | undefined): boolean {
  if (prefix === undefined || prefix === '/' || WILDCARD_PATHS.has(prefix)) return true;
  if (path === undefined) return false;
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : prefix + '/');
}

// ─── Hand-written headers ──────────────────────────────────────────────────────────────────────────

interface ManualAnalysis {
  /** Header writes, each with the module it is written in (a helper's may be another than the handler's). */
  writes: { name: string; value: AstNode | undefined; op: 'set' | 'append'; call: AstNode; path: Path; multiple: boolean; mod: JsModule }[];
  endsOnOptions: boolean;
  incomplete?: string;
  /** The request parameters of the helpers whose writes were followed (`setCors(req, res)`): they are the request too. */
  helperRequests?: AstNode[];
  /** The helpers' parameters the request Origin was passed to (`applyCors(res, req.headers.origin)`). */
  helperOrigins?: AstNode[];
}

/**
 * The module of the nodes of each helper whose writes were followed (a helper may be imported from another
 * module than the handler's). A node belongs to one module, so one map serves every analysis.
 */
const helperNodeModule = new WeakMap<AstNode, JsModule>();

const RES_END = new Set(['send', 'json', 'end', 'sendStatus', 'redirect', 'render', 'sendFile', 'jsonp', 'download']);
const RES_WRITE = new Set(['setHeader', 'header', 'set', 'append', 'writeHead', 'vary']);
/** A header write is a call of a RES_WRITE member, so a function whose text names none of them writes none. */
const MAY_WRITE = new RegExp(`\\b(?:${[...RES_WRITE].join('|')})\\b`);

function resRoot(callee: AstNode): AstNode | undefined {
  let cur = unwrap(callee);
  for (let i = 0; i < 10; i++) {
    if (cur.type === 'MemberExpression') cur = unwrap(child(cur, 'object') as AstNode);
    else if (cur.type === 'CallExpression') cur = unwrap(child(cur, 'callee') as AstNode);
    else break;
  }
  return cur.type === 'Identifier' ? cur : undefined;
}

function paramOf(fn: AstNode, i: number): AstNode | undefined {
  const p = children(fn, 'params')[i];
  if (!p) return undefined;
  const u = unwrap(p);
  return u.type === 'AssignmentPattern' ? child(u, 'left') : u;
}

/**
 * A name bound, inside `fn`, to a response the code builds: `NextResponse.next()` / `.json()` / `.rewrite()`,
 * `new NextResponse(...)`, `new Response(...)` (web-standard handlers). Its `headers.set(...)` are header writes.
 */
function isBuiltResponse(mod: JsModule, node: AstNode, fn: AstNode): boolean {
  const name = identName(node);
  if (!name) return false;
  const b = lookup(mod, name, node);
  if (b?.kind !== 'var' || !b.init || b.path.length !== 0) return false;
  const [s, e] = rangeOf(fn);
  const [is] = rangeOf(b.init);
  if (is < s || is > e) return false;
  const init = unwrap(b.init);
  const callee = init.type === 'CallExpression' || init.type === 'NewExpression' ? unwrap(child(init, 'callee') as AstNode) : undefined;
  if (!callee) return false;
  if (init.type === 'NewExpression') return identName(callee) === 'NextResponse' || identName(callee) === 'Response';
  return callee.type === 'MemberExpression' && identName(child(callee, 'object')) === 'NextResponse' && ['next', 'json', 'rewrite', 'redirect'].includes(memberName(callee) ?? '');
}

/**
 * A handler that builds its response (Next.js middleware, no response parameter) and answers OPTIONS with a response
 * made on the spot, `if (req.method === 'OPTIONS') return new Response(null, { status: 204 })` (audit 32 case 12): the
 * headers set on the other response object are not on it, and a web Response made without a `headers` option has
 * none. The returned expression and its status (200 when the options give none; undefined when not a number
 * literal); undefined when there is none, or when its options are not a plain object literal.
 */
function bareOptionsAnswer(fn: AstNode, mod: JsModule): { node: AstNode; status: number | undefined } | undefined {
  if (children(fn, 'params').length >= 2) return undefined;
  const body = child(fn, 'body');
  if (!body) return undefined;
  let found: { node: AstNode; status: number | undefined } | undefined;
  walk(body, (n) => {
    if (found) return false;
    if (n !== fn && isFunction(n)) return false;
    if (n.type !== 'IfStatement') return true;
    const test = child(n, 'test') as AstNode;
    if (!/\.method\s*===?\s*['"]OPTIONS['"]/.test(mod.text.slice(...rangeOf(test)))) return true;
    const cons = child(n, 'consequent') as AstNode;
    const stmt = cons.type === 'BlockStatement' ? children(cons, 'body').find((x) => x.type === 'ReturnStatement') : cons.type === 'ReturnStatement' ? cons : undefined;
    const arg = stmt ? child(stmt, 'argument') : undefined;
    const made = arg ? unwrap(arg) : undefined;
    if (!made || (made.type !== 'NewExpression' && made.type !== 'CallExpression')) return true;
    const callee = unwrap(child(made, 'callee') as AstNode);
    const isNew = made.type === 'NewExpression' && (identName(callee) === 'Response' || identName(callee) === 'NextResponse');
    const isJson = made.type === 'CallExpression' && callee.type === 'MemberExpression' && identName(child(callee, 'object')) === 'NextResponse' && memberName(callee) === 'json';
    if (!isNew && !isJson) return true;
    const init = args(made)[1];
    let status: number | undefined = 200;
    if (init) {
      const o = unwrap(init);
      if (o.type !== 'ObjectExpression') return true;
      const props = children(o, 'properties');
      if (props.some((p) => p.type !== 'Property' || p.computed || propertyKey(p) === 'headers')) return true;
      const st = props.find((p) => propertyKey(p) === 'status');
      const sv = st ? unwrap(child(st, 'value') as AstNode) : undefined;
      if (sv) status = sv.type === 'Literal' && typeof sv.value === 'number' ? sv.value : undefined;
    }
    found = { node: made, status };
    return false;
  });
  return found;
}

function refersTo(mod: JsModule, node: AstNode, param: AstNode | undefined): boolean {
  const name = identName(node);
  if (!name || !param || identName(param) !== name) return false;
  const b = lookup(mod, name, node);
  return b?.kind === 'param' && b.node === param;
}

function analyzeManual(fn: AstNode, mod: JsModule, env: EvalEnv, given?: { req: AstNode | undefined; res: AstNode; origin?: AstNode | undefined }, depth = 0): ManualAnalysis {
  // (err, req, res, next) error handlers have four parameters.
  const off = children(fn, 'params').length === 4 ? 1 : 0;
  const reqP = given ? given.req : paramOf(fn, off);
  const resP = given ? given.res : paramOf(fn, off + 1);
  // A handler without a response parameter (Next.js middleware and App Router handlers) builds its response:
  // `const res = NextResponse.next(); res.headers.set(...)`.
  const isRes = (n: AstNode | undefined) => !!n && (resP ? refersTo(mod, n, resP) : isBuiltResponse(mod, n, fn));
  // Most route handlers only read the request and send a body: skip following them. A handler that passes the
  // response on (`setCors(req, res)`) may write through a helper.
  const [start, end] = rangeOf(fn);
  const text = mod.text.slice(start, end);
  const resName = resP ? identName(resP) : undefined;
  // The response passed as an argument in the body (the parameter list itself does not count).
  const body = child(fn, 'body');
  const bodyText = body ? mod.text.slice(rangeOf(body)[0], rangeOf(body)[1]) : '';
  const passesRes = depth < 3 && !!resName && new RegExp(`[(,]\\s*${resName.replace(/\$/g, '\\$')}\\s*[,)]`).test(bodyText);
  if (!MAY_WRITE.test(text) && !passesRes) return { writes: [], endsOnOptions: false };
  const isReqArg = (n: AstNode | undefined) => !!n && (reqP ? refersTo(mod, n, reqP) : false);
  const originP = given?.origin;
  const helperOf = (call: AstNode) => (passesRes ? writingHelper(call, fn, mod, env, isRes, isReqArg, (n) => ctx.isOrigin(n)) : undefined);
  // A request parameter the sender chooses is "the origin" of a condition only when it is also what the
  // middleware writes into Access-Control-Allow-Origin (`if (list.includes(req.query.origin)) res.header(..., req.query.origin)`).
  // When the written value is the Origin header, `if (req.query.mode === 'include')` is a condition the sender
  // meets at will, not an origin test.
  const paramsAreOrigin = echoesParameter(fn, mod, env, reqP, isRes);
  const headerObjects = headerObjectsOf(fn, mod, isRes);
  const ctx: FlowContext = {
    mod,
    env,
    isOrigin: (n) => (isRequestOriginExpr(n, mod, reqP) && (paramsAreOrigin || !isRequestParameterExpr(n, mod, reqP))) || (!!originP && refersTo(mod, unwrap(n), originP)),
    hasOrigin: (n) => isOriginPresenceTest(n, mod, reqP),
    isMethod: (n) => isRequestMethodExpr(n, mod, reqP),
    isChosen: (n) => isSenderChosenExpr(n, mod, reqP),
    isReferer: (n) => isRequestRefererExpr(n, mod, reqP),
    interesting: (call) => {
      const callee = unwrap(child(call, 'callee') as AstNode);
      const m = memberName(callee);
      if (m && (RES_WRITE.has(m) || RES_END.has(m)) && isRes(resRoot(callee))) return true;
      return helperOf(call) !== undefined;
    },
    interestingAssignment: headerObjects.objects.size ? (a) => headerObjectKey(a, mod, headerObjects.objects) !== undefined : undefined,
    // Sending the response, or setting headers other than CORS ones, from a callback: the CORS headers set
    // before are on that response all the same.
    deferrable: (call) => {
      const m = memberName(unwrap(child(call, 'callee') as AstNode));
      if (!m || helperOf(call) !== undefined) return false;
      return RES_END.has(m) || writesOtherHeaders(call, mod, env) || headerObjects.loopWrites.has(call);
    },
  };
  const flow = followFunction(fn, ctx);
  const out: ManualAnalysis = { writes: [], endsOnOptions: false, ...(flow.incomplete ? { incomplete: flow.incomplete } : {}) };
  for (const e of flow.effects) {
    const helper = helperOf(e.call);
    if (!helper) {
      collectWrite(e, mod, env, out, headerObjects.literalLoops);
      continue;
    }
    // The helper's writes happen here, under this call's conditions then its own.
    const inner = analyzeManual(helper.fn, helper.mod, env, { req: helper.req, res: helper.res, origin: helper.origin }, depth + 1);
    for (const w of inner.writes) out.writes.push({ ...w, path: [...e.path, ...w.path] });
    if (!helperNodeModule.has(helper.fn)) walk(helper.fn, (n) => void helperNodeModule.set(n, helper.mod));
    if (inner.endsOnOptions && onlyOnPreflight(e.path)) out.endsOnOptions = true;
    out.incomplete ??= inner.incomplete;
    out.helperRequests = [...(out.helperRequests ?? []), ...(helper.req ? [helper.req] : []), ...(inner.helperRequests ?? [])];
    if (helper.origin || inner.helperOrigins) out.helperOrigins = [...(out.helperOrigins ?? []), ...(helper.origin ? [helper.origin] : []), ...(inner.helperOrigins ?? [])];
  }
  return out;
}

/**
 * Whether some Access-Control-Allow-Origin write of the function echoes a request parameter, or whether that
 * cannot be told (a computed header name, a header object): true then, as before.
 */
function echoesParameter(fn: AstNode, mod: JsModule, env: EvalEnv, reqP: AstNode | undefined, isRes: (n: AstNode | undefined) => boolean): boolean {
  const body = child(fn, 'body');
  if (!body) return true;
  let found = 0;
  let echoes = false;
  walk(body, (n) => {
    if (echoes || n.type !== 'CallExpression') return !echoes;
    const callee = unwrap(child(n, 'callee') as AstNode);
    const m = memberName(callee);
    if (!m || !RES_WRITE.has(m) || !isRes(resRoot(callee))) return true;
    const a = args(n);
    const name = a[0] ? evaluate(a[0], mod, env) : undefined;
    if (name?.t !== 'str') {
      // A header object or a computed name: not told apart here.
      if (m !== 'vary') echoes = true;
      return !echoes;
    }
    if (name.v.toLowerCase() !== 'access-control-allow-origin') return true;
    found++;
    if (a[1] && isRequestParameterExpr(a[1], mod, reqP)) echoes = true;
    return !echoes;
  });
  return echoes || found === 0;
}

/**
 * A call that hands the response to a function (`setCors(req, res)`), in this module or imported from another
 * one, with the helper's module and its parameters that receive the response and the request.
 */
function writingHelper(
  call: AstNode,
  self: AstNode,
  mod: JsModule,
  env: EvalEnv,
  isRes: (n: AstNode | undefined) => boolean,
  isReq: (n: AstNode | undefined) => boolean,
  isOriginArg: (n: AstNode) => boolean = () => false,
): { fn: AstNode; mod: JsModule; res: AstNode; req: AstNode | undefined; origin: AstNode | undefined } | undefined {
  const a = args(call);
  const resAt = a.findIndex((x) => isRes(unwrap(x)));
  if (resAt < 0) return undefined;
  const callee = unwrap(child(call, 'callee') as AstNode);
  // `setCors(res)`, and `general.setResHeader(res)` through a module object (audit 18 case 01).
  if (callee.type !== 'Identifier' && !(callee.type === 'MemberExpression' && !callee.computed && identName(unwrap(child(callee, 'object') as AstNode)))) return undefined;
  const v = evaluate(callee, mod, env);
  if (v.t !== 'func' || v.fn === self) return undefined;
  const params = children(v.fn, 'params');
  const res = params[resAt];
  if (!res || res.type !== 'Identifier') return undefined;
  // The request, when it is passed too: the helper's parameter at that place.
  const reqAt = a.findIndex((x, i) => i !== resAt && isReq(unwrap(x)));
  const req = reqAt >= 0 && params[reqAt]?.type === 'Identifier' ? params[reqAt] : undefined;
  // The request Origin passed as an argument (`applyCors(res, req.headers.origin)`): the parameter at that place.
  const originAt = a.findIndex((x, i) => i !== resAt && i !== reqAt && x.type !== 'SpreadElement' && isOriginArg(x));
  const op = originAt >= 0 ? params[originAt] : undefined;
  const origin = op?.type === 'Identifier' ? op : op?.type === 'AssignmentPattern' && child(op, 'left')?.type === 'Identifier' ? child(op, 'left') : undefined;
  return { fn: v.fn, mod: v.mod, res, req, origin };
}

/** Whether a header write certainly names only headers that are neither CORS headers nor Vary. */
function writesOtherHeaders(call: AstNode, mod: JsModule, env: EvalEnv): boolean {
  const probe: ManualAnalysis = { writes: [], endsOnOptions: false };
  const named = (n: AstNode | undefined) => {
    const v = n ? evaluate(n, mod, env) : undefined;
    return v?.t === 'str';
  };
  const m = memberName(unwrap(child(call, 'callee') as AstNode));
  const a = args(call);
  // Every name must be known: an object literal of static keys (writeHead/set/header), or a string name.
  const objectArg = m === 'writeHead' ? (a.length >= 2 ? a[a.length - 1] : undefined) : a.length === 1 ? a[0] : undefined;
  if (m === 'writeHead' && !objectArg) return true;
  if (objectArg) {
    const o = unwrap(objectArg);
    if (o.type !== 'ObjectExpression' || children(o, 'properties').some((p) => p.type !== 'Property' || p.computed)) return false;
  } else if (!named(a[0])) return false;
  collectWrite({ kind: 'call', call, path: [] }, mod, env, probe);
  return probe.writes.every((w) => !w.name.startsWith('access-control-') && w.name !== 'vary');
}

/** A header write made in a loop over the properties of an unchanged object literal (headerObjectsOf). */
interface LiteralLoopWrite {
  /** The variable of the object (its binding's identifier), evaluated where the write is made. */
  object: AstNode;
  /** The loop statement, whose "may not run" condition does not hold for such an object; none for forEach. */
  loop: AstNode | undefined;
}

/**
 * The objects a handler writes to the response as headers.
 *
 * - Local objects it fills with headers and then writes (NodeBB's `const headers = {}; if (allowed)
 *   headers['Access-Control-Allow-Origin'] = origin; for (const key in headers) res.setHeader(key, headers[key])`,
 *   audit 51 big c07): `res.set(headers)`, `res.writeHead(200, headers)`, or a `for...in` / `for...of
 *   Object.entries()` / `Object.keys().forEach` loop whose body writes response headers. Each assignment of a
 *   constant key in the object is then a header write, under the conditions of the assignment (`objects`).
 * - Object literals that nothing changes, declared in the handler or in the module (`const corsHeaders = {
 *   'Access-Control-Allow-Origin': ... }`, audit 52 D8): `res.set(obj)` and `res.writeHead(status, obj)` are read by
 *   collectWrite from the object's value; a loop that writes each property (`for (const k in obj)
 *   res.setHeader(k, obj[k])`, `Object.entries(obj).forEach(([k, v]) => res.set(k, v))`) writes every property, in
 *   order, under the conditions of the loop (`literalLoops`, keyed by the write call).
 */
function headerObjectsOf(
  fn: AstNode,
  mod: JsModule,
  isRes: (n: AstNode | undefined) => boolean,
): { objects: Set<AstNode>; loopWrites: Set<AstNode>; literalLoops: Map<AstNode, LiteralLoopWrite> } {
  const out = new Set<AstNode>();
  // The writes inside `Object.keys(headers).forEach(...)` callbacks: they write the object's headers, which its
  // assignments (or its literal) already say, so they do not make the handler's writes unknown.
  const loopWrites = new Set<AstNode>();
  const literalLoops = new Map<AstNode, LiteralLoopWrite>();
  const result = { objects: out, loopWrites, literalLoops };
  const body = child(fn, 'body');
  if (!body || body.type !== 'BlockStatement') return result;
  // Declarations `const headers = {}` directly in the function (not in nested functions), filled by assignments.
  const declared = new Map<string, AstNode>();
  if (/\]\s*=[^=]|\.\s*[\w$]+\s*=[^=]/.test(mod.text.slice(...rangeOf(body)))) {
    walk(body, (n) => {
      if (n !== body && isFunction(n)) return false;
      if (n.type === 'VariableDeclarator' && child(n, 'id')?.type === 'Identifier') {
        const init = child(n, 'init');
        if (init && unwrap(init).type === 'ObjectExpression') declared.set(identName(child(n, 'id')) as string, n);
      }
      return true;
    });
  }
  const objectOf = (node: AstNode | undefined): AstNode | undefined => {
    const u = node ? unwrap(node) : undefined;
    if (!u) return undefined;
    const name = identName(u);
    if (name && declared.has(name)) {
      const b = lookup(mod, name, u);
      return b?.kind === 'var' && b.decl === declared.get(name) ? b.decl : undefined;
    }
    // Object.keys(headers) / Object.entries(headers)
    if (u.type === 'CallExpression') {
      const c = unwrap(child(u, 'callee') as AstNode);
      if (c.type === 'MemberExpression' && identName(child(c, 'object')) === 'Object' && /^(keys|entries)$/.test(memberName(c) ?? '')) return objectOf(args(u)[0]);
    }
    return undefined;
  };
  // An object literal that nothing changes or reassigns: its identifier at `node`, and how the loop over it was
  // written (`Object.entries(obj)` yields [key, value] pairs, `obj` and `Object.keys(obj)` keys).
  const literalOf = (node: AstNode | undefined): { id: AstNode; name: string; form: 'keys' | 'entries' } | undefined => {
    let u = node ? unwrap(node) : undefined;
    let form: 'keys' | 'entries' = 'keys';
    if (u?.type === 'CallExpression') {
      const c = unwrap(child(u, 'callee') as AstNode);
      if (!(c.type === 'MemberExpression' && identName(child(c, 'object')) === 'Object' && /^(keys|entries)$/.test(memberName(c) ?? '')) || args(u).length !== 1) return undefined;
      form = memberName(c) === 'entries' ? 'entries' : 'keys';
      u = unwrap(args(u)[0] as AstNode);
    }
    const name = u ? identName(u) : undefined;
    if (!u || !name) return undefined;
    const b = lookup(mod, name, u);
    if (b?.kind !== 'var' || b.path.length !== 0 || !b.init || unwrap(b.init).type !== 'ObjectExpression') return undefined;
    if (b.declKind !== 'const' && mod.reassigned.has(name)) return undefined;
    // Any change of this binding (`obj.x = ...`, `Object.assign(obj, ...)`) anywhere: its value is not the literal.
    if ((mod.mutations.get(name) ?? []).some((m) => {
      const mb = lookup(mod, name, m);
      return mb?.kind === 'var' && mb.decl === b.decl;
    })) return undefined;
    return { id: u, name, form };
  };
  // The key (and value) names a loop declares: `const k` / `const [k, v]` (for...in/of), or a callback's first parameter.
  const loopNames = (target: AstNode | undefined): { key: string; value?: string } | undefined => {
    let t = target ? unwrap(target) : undefined;
    if (t?.type === 'VariableDeclaration') {
      const ds = children(t, 'declarations');
      if (ds.length !== 1) return undefined;
      t = child(ds[0] as AstNode, 'id');
    }
    if (!t) return undefined;
    if (t.type === 'Identifier') return { key: t.name as string };
    if (t.type !== 'ArrayPattern') return undefined;
    const [k, v] = children(t, 'elements');
    if (k?.type !== 'Identifier' || (v && v.type !== 'Identifier')) return undefined;
    return { key: k.name as string, ...(v ? { value: v.name as string } : {}) };
  };
  // Whether a loop body may skip or stop turns (`continue`, `break`, `return` in a forEach callback, `throw`).
  const mayStop = (n: AstNode) => {
    let found = false;
    walk(n, (x) => {
      if (found || (x !== n && isFunction(x))) return false;
      if (/^(Break|Continue|Return|Throw)Statement$/.test(x.type)) found = true;
      return !found;
    });
    return found;
  };
  // The writes of a loop body that set the header the loop is at to its value: `res.setHeader(k, obj[k])`,
  // `res.set(k, v)`. Any other response write in the body makes the loop not read.
  const literalLoop = (loopBody: AstNode, over: AstNode | undefined, target: AstNode | undefined, loop: AstNode | undefined): AstNode[] | undefined => {
    const lit = literalOf(over);
    const names = loopNames(target);
    if (!lit || !names || (lit.form === 'keys') !== (names.value === undefined) || mayStop(loopBody)) return undefined;
    const isValue = (x: AstNode | undefined) => {
      const v = x ? unwrap(x) : undefined;
      if (!v) return false;
      if (names.value !== undefined && identName(v) === names.value) return true;
      return v.type === 'MemberExpression' && !!v.computed && identName(unwrap(child(v, 'object') as AstNode)) === lit.name && identName(unwrap(child(v, 'property') as AstNode)) === names.key;
    };
    const writes = responseWrites(loopBody);
    const ok = writes.length > 0 && writes.every((w) => {
      const m = memberName(unwrap(child(w, 'callee') as AstNode));
      const a = args(w);
      return !!m && /^(set|header|setHeader|append)$/.test(m) && a.length === 2 && identName(unwrap(a[0] as AstNode)) === names.key && isValue(a[1]);
    });
    if (!ok) return undefined;
    for (const w of writes) literalLoops.set(w, { object: lit.id, loop });
    return writes;
  };
  const responseWrites = (n: AstNode) => {
    const found: AstNode[] = [];
    walk(n, (x) => {
      if (x.type === 'CallExpression') {
        const callee = unwrap(child(x, 'callee') as AstNode);
        const m = memberName(callee);
        if (m && RES_WRITE.has(m) && isRes(resRoot(callee))) found.push(x);
      }
      return true;
    });
    return found;
  };
  walk(body, (n) => {
    if (n.type === 'CallExpression') {
      const callee = unwrap(child(n, 'callee') as AstNode);
      const m = memberName(callee);
      // res.set(headers) / res.header(headers) / res.writeHead(status, headers)
      if (m && RES_WRITE.has(m) && isRes(resRoot(callee))) {
        const a = args(n);
        const obj = m === 'writeHead' ? objectOf(a[a.length - 1]) : a.length === 1 ? objectOf(a[0]) : undefined;
        if (obj) out.add(obj);
      }
      // Object.keys(headers).forEach((k) => res.setHeader(k, headers[k]))
      if (m === 'forEach' && callee.type === 'MemberExpression') {
        const obj = objectOf(child(callee, 'object'));
        const cb = args(n)[0];
        const cbFn = cb ? unwrap(cb) : undefined;
        const writes = obj && cbFn && isFunction(cbFn) ? responseWrites(cbFn) : [];
        if (obj && writes.length) {
          out.add(obj);
          for (const w of writes) loopWrites.add(w);
        } else if (!obj && cbFn && isFunction(cbFn)) {
          const cbBody = child(cbFn, 'body');
          const written = cbBody ? literalLoop(cbBody, child(callee, 'object'), children(cbFn, 'params')[0], undefined) : undefined;
          for (const w of written ?? []) loopWrites.add(w);
        }
      }
    }
    if ((n.type === 'ForInStatement' || n.type === 'ForOfStatement') && responseWrites(child(n, 'body') as AstNode).length) {
      const obj = objectOf(child(n, 'right'));
      if (obj) out.add(obj);
      else {
        // for...in walks the keys of the object itself; for...of needs Object.keys/entries (a plain object is not iterable).
        const right = unwrap(child(n, 'right') as AstNode);
        if ((n.type === 'ForInStatement') === (right.type !== 'CallExpression')) literalLoop(child(n, 'body') as AstNode, right, child(n, 'left'), n);
      }
    }
    return true;
  });
  return result;
}

/** The header name of `headers['Access-Control-Allow-Origin'] = v` / `headers.Vary = v` on one of `objects`. */
function headerObjectKey(a: AstNode, mod: JsModule, objects: ReadonlySet<AstNode>): string | undefined {
  if (a.operator !== '=') return undefined;
  const left = unwrap(child(a, 'left') as AstNode);
  if (left.type !== 'MemberExpression') return undefined;
  const obj = unwrap(child(left, 'object') as AstNode);
  const name = identName(obj);
  if (!name) return undefined;
  const b = lookup(mod, name, obj);
  if (b?.kind !== 'var' || !objects.has(b.decl)) return undefined;
  return memberKey(left);
}

/** The constant name of a member: `o.Vary`, `o['Access-Control-Allow-Origin']`; undefined for a computed one. */
function memberKey(member: AstNode): string | undefined {
  return member.computed ? staticString(child(member, 'property')) : memberName(member);
}

function collectWrite(e: Effect, mod: JsModule, env: EvalEnv, out: ManualAnalysis, literalLoops?: ReadonlyMap<AstNode, LiteralLoopWrite>): void {
  if (e.call.type === 'AssignmentExpression') {
    // A header set in an object the handler writes to the response (headerObjectsOf).
    const name = memberKey(unwrap(child(e.call, 'left') as AstNode));
    if (name) {
      const value = child(e.call, 'right');
      out.writes.push({ name: name.toLowerCase(), value, op: 'set', call: e.call, path: e.path, multiple: !!value && manyLines(value, mod, env), mod });
    }
    return;
  }
  const callee = unwrap(child(e.call, 'callee') as AstNode);
  const m = memberName(callee) as string;
  const a = args(e.call);
  if (RES_END.has(m)) {
    if (onlyOnPreflight(e.path)) out.endsOnOptions = true;
    return;
  }
  const push = (nameNode: AstNode | undefined, valueNode: AstNode | undefined, op: 'set' | 'append', nameStr?: string) => {
    const name = nameStr ?? (nameNode ? evaluate(nameNode, mod, env) : undefined);
    const n = typeof name === 'string' ? name : name && name.t === 'str' ? name.v : undefined;
    if (n === undefined) return;
    // An array sends one header line per element (Node's setHeader/appendHeader): two or more lines.
    const multiple = !!valueNode && manyLines(valueNode, mod, env);
    out.writes.push({ name: n.toLowerCase(), value: valueNode, op, call: e.call, path: e.path, multiple, mod });
  };
  if (m === 'vary') {
    push(undefined, a[0], 'append', 'vary');
    return;
  }
  // A header object: written in the call, or held in a variable (`const headers = {...}; res.writeHead(200, headers)`).
  const pushObject = (node: AstNode): boolean => {
    const u = unwrap(node);
    if (u.type === 'ObjectExpression') {
      for (const p of children(u, 'properties')) {
        // `{ 'Content-Type': type, ...corsHeaders }` (audit 52 D8): the spread object's headers at that place, when
        // it is a whole known object; later properties replace earlier ones like later writes do.
        if (p.type === 'SpreadElement') pushObject(child(p, 'argument') as AstNode);
        else push(child(p, 'key'), child(p, 'value'), 'set', p.computed ? undefined : (identName(child(p, 'key')) ?? staticString(child(p, 'key'))));
      }
      return true;
    }
    if (u.type !== 'Identifier' && u.type !== 'MemberExpression') return false;
    const v = evaluate(u, mod, env);
    // Only a whole object: one with parts not known (a spread, later changes) could write other headers too.
    if (v.t !== 'object' || v.partial) return false;
    for (const [k, pv] of v.props) {
      // The value as written in the object literal (the analysis reads request expressions from the source).
      const prop = v.keys.get(k);
      push(prop, prop?.type === 'Property' ? (child(prop, 'value') ?? pv.node) : pv.node, 'set', k);
    }
    return true;
  };
  const inLoop = literalLoops?.get(e.call);
  if (inLoop) {
    // One write per property of the literal, in its order (for...in and Object.keys/entries follow it). The loop
    // runs over a known non-empty object without skipping a turn, so its "may not run" condition is dropped.
    const path = inLoop.loop ? e.path.filter((l) => !(l.atom.kind === 'unknown' && l.atom.node === inLoop.loop)) : e.path;
    const last = out.writes.length;
    pushObject(inLoop.object);
    for (let i = last; i < out.writes.length; i++) {
      const w = out.writes[i] as (typeof out.writes)[number];
      out.writes[i] = { ...w, path, op: m === 'append' ? 'append' : 'set' };
    }
    return;
  }
  if (m === 'writeHead') {
    // writeHead(status[, statusMessage][, headers]): the headers are the last argument after the status.
    const last = a.length >= 2 ? a[a.length - 1] : undefined;
    if (last) pushObject(last);
    return;
  }
  const first = a[0];
  if (!first) return;
  if ((m === 'set' || m === 'header') && a.length === 1 && pushObject(first)) return;
  push(first, a[1], m === 'append' ? 'append' : 'set');
}

/** Whether a header value is an array of two or more elements (`['*']` is one line). */
function manyLines(node: AstNode, mod: JsModule, env: EvalEnv): boolean {
  const u = unwrap(node);
  if (u.type === 'ArrayExpression') {
    const els = children(u, 'elements');
    if (els.length >= 2) return true;
    if (!els.some((e) => e.type === 'SpreadElement')) return false;
  }
  const v = evaluate(u, mod, env);
  return v.t === 'array' && v.items.length >= 2;
}

/**
 * `const origin = req.headers.origin != null ? req.headers.origin : '*'` written later: the conditional itself,
 * so its branches are read like an inline one (the request does not change in between).
 */
function conditionalInit(n: AstNode, mod: JsModule): AstNode {
  const name = identName(n);
  if (!name) return n;
  const b = lookup(mod, name, n);
  if (b?.kind !== 'var' || !b.init || b.path.length !== 0 || (b.declKind !== 'const' && mod.mutated.has(name))) return n;
  const init = unwrap(b.init);
  // `const o = cond ? origin : x`, and `const o = list.find((v) => v === origin) || x` (see equalitySelection).
  return init.type === 'ConditionalExpression' || (init.type === 'LogicalExpression' && (init.operator === '||' || init.operator === '??')) ? init : n;
}

/** `x ? x : y` and `x || y` whose `x` is never set: `y` (again while that holds). */
function withoutNeverSet(node: AstNode | undefined, neverSet: (n: AstNode) => boolean): AstNode | undefined {
  let n = node;
  for (let i = 0; n && i < 8; i++) {
    const u = unwrap(n);
    if (u.type === 'ConditionalExpression' && neverSet(child(u, 'test') as AstNode)) n = child(u, 'alternate');
    else if (u.type === 'LogicalExpression' && (u.operator === '||' || u.operator === '??') && neverSet(child(u, 'left') as AstNode)) n = child(u, 'right');
    else break;
  }
  return n;
}

function headerValueOf(node: AstNode | undefined, mod: JsModule, env: EvalEnv, reqCheck: (n: AstNode) => boolean, neverSet: (n: AstNode) => boolean = () => false): Valued<string> {
  const span = node ? spanOf(mod, node) : { file: mod.path, start: 0, end: 0 };
  if (!node) return unknown('no value', span);
  // `req.header.origin ? req.header.origin : '*'`, `req.headers.Origin || '*'`: the test is never set, so the
  // fallback is what is sent (audit 32 case 07, checked with Express 4: * on every response).
  const simple = withoutNeverSet(node, neverSet);
  if (simple !== node) return headerValueOf(simple, mod, env, reqCheck, neverSet);
  if (reqCheck(node)) return unknown('the request Origin', span);
  const v = evaluate(node, mod, env);
  // String(value) is applied by Express (§1.5); Node sends a null value as the text "null".
  if (v.t === 'str') return known(v.v, span, v.via);
  if (v.t === 'null') return known('null', span);
  if (v.t === 'bool' || v.t === 'num') return known(String(v.v), span, v.via);
  if (v.t === 'array' && v.items.every((i) => i.t === 'str')) return known(v.items.map((i) => (i as { v: string }).v).join(', '), span);
  return unknown(v.t === 'unknown' ? v.reason : `a ${v.t} value`, span);
}

/**
 * Whether a call runs on every request the function handles: a statement of the function's own body, with no
 * `return` before it (a nested function's counts too, which only makes this answer no more often).
 */
function runsOnEveryRequest(fn: AstNode, mod: JsModule, call: AstNode): boolean {
  const body = child(fn, 'body');
  if (body?.type !== 'BlockStatement') return false;
  const stmt = children(body, 'body').find((st) => st.type === 'ExpressionStatement' && unwrap(child(st, 'expression') as AstNode) === call);
  if (!stmt) return false;
  return !/\breturn\b/.test(mod.text.slice(rangeOf(body)[0], rangeOf(stmt)[0]));
}

/**
 * The Origin tests a write is made under, when it is reached by one path whose every condition on the Origin compares
 * it exactly with known origins (`origin === 'https://a.example'`, `['https://a.example'].includes(origin)`, or their
 * negations in an `else`); undefined otherwise, or when it has no condition on the Origin.
 */
function exactOriginTests(paths: { path: Path }[]): { in?: string[]; notIn: string[] } | undefined {
  if (paths.length !== 1) return undefined;
  let inSet: string[] | undefined;
  const notIn: string[] = [];
  let tested = false;
  for (const l of (paths[0] as { path: Path }).path) {
    const a = l.atom;
    if (a.kind === 'no-origin' || (a.kind === 'unknown' && a.aboutOrigin)) return undefined;
    if (a.kind !== 'entries') continue;
    const values: string[] = [];
    for (const e of a.entries) {
      if (e.type !== 'literal' || e.caseInsensitive) return undefined;
      values.push(e.value);
    }
    if (a.partly) return undefined;
    tested = true;
    if (l.positive) inSet = inSet ? inSet.filter((v) => values.includes(v)) : values;
    else notIn.push(...values);
  }
  return tested ? { ...(inSet ? { in: inSet } : {}), notIn } : undefined;
}

/** Whether `path` holds only when the request's Origin is exactly `value` (a positive `origin === value` test). */
function equalsOriginOn(path: Path, value: string): boolean {
  return path.some((l) => {
    if (!l.positive || l.atom.kind !== 'entries' || l.atom.partly || l.atom.entries.length !== 1) return false;
    const e = l.atom.entries[0];
    return e?.type === 'literal' && !e.caseInsensitive && e.value === value;
  });
}

/** The policy fields of a hand-written middleware, from its header writes. */
function manualPolicy(a: ManualAnalysis, fn: AstNode, mod: JsModule, env: EvalEnv): Omit<CorsPolicy, 'id' | 'scope' | 'preflight' | 'errorCoverage' | 'shadowedBy' | 'appId'> | undefined {
  const reqP = paramOf(fn, children(fn, 'params').length === 4 ? 1 : 0);
  // The request as the handler names it, and as the helpers it passed the response to name it.
  const reqs = [reqP, ...(a.helperRequests ?? [])];
  // Each node is read in its own module: the handler's, or that of a helper it passed the response to.
  const modOf = (n: AstNode) => helperNodeModule.get(n) ?? mod;
  const at = (n: AstNode) => spanOf(modOf(n), n);
  const isOrigin = (n: AstNode) => reqs.some((r) => isRequestOriginExpr(n, modOf(n), r)) || (a.helperOrigins ?? []).some((p) => refersTo(modOf(n), unwrap(n), p));
  const neverSet = (n: AstNode) => reqs.some((r) => isNeverSetRequestMember(n, modOf(n), r));
  const acWrites = a.writes.filter((w) => w.name.startsWith('access-control-'));
  if (acWrites.length === 0) return undefined;
  const span = spanOf(mod, fn);
  const ctxFor = (m: JsModule): FlowContext => ({
    mod: m,
    env,
    isOrigin,
    isMethod: (n) => reqs.some((r) => isRequestMethodExpr(n, m, r)),
    isChosen: (n) => reqs.some((r) => isSenderChosenExpr(n, m, r)),
    isReferer: (n) => reqs.some((r) => isRequestRefererExpr(n, m, r)),
    interesting: () => false,
  });
  const valueOf = (n: AstNode | undefined) => headerValueOf(n, n ? modOf(n) : mod, env, isOrigin, neverSet);

  // Origin: reflect under the path conditions, or fixed values. A write on every path (no condition, no early return
  // before it) replaces the earlier ones of the same function (audit 30 case 09: `if (allowed) res.header(ACAO,
  // origin)` then `res.set(ACAO, '*')`; Express 4 sent "*" on every response).
  const written = a.writes.filter((w) => w.name === 'access-control-allow-origin');
  const final = [...written].reverse().find((w) => w.op === 'set' && w.mod === mod && runsOnEveryRequest(fn, mod, w.call));
  const acao = final ? written.filter((w) => w.mod !== final.mod || rangeOf(w.call)[0] >= rangeOf(final.call)[0]) : written;
  let origin: Valued<OriginPolicy>;
  if (a.incomplete) origin = unknown(`middleware: ${a.incomplete}`, span);
  else if (acao.length === 0) origin = unknown('Access-Control-Allow-Origin is not set here', span);
  else {
    const reflectPaths: Path[] = [];
    const fixed: { value: string; span: Span; via?: string; instead?: boolean }[] = [];
    let unknownReason: { reason: string; span: Span } | undefined;
    // A write under `if (req.method === 'OPTIONS')` reaches preflight responses only, never the responses scripts read.
    let preflightWrites = 0;
    for (const w of acao) {
      if (onlyOnPreflight(w.path)) {
        preflightWrites++;
        continue;
      }
      const vn = w.value ? withoutNeverSet(conditionalInit(unwrap(w.value), w.mod), neverSet) : undefined;
      if (!vn) continue;
      const branches: { node: AstNode; path: Path }[] = [];
      const selected = equalitySelection(vn, ctxFor(w.mod));
      if (selected) {
        for (const conj of selected.test) branches.push({ node: selected.origin, path: [...w.path, ...conj] });
        branches.push({ node: selected.fallback, path: [...w.path, ...selected.test.flatMap((conj) => conj.map((l) => ({ atom: l.atom, positive: !l.positive })).slice(0, 1))] });
      } else if (vn.type === 'ConditionalExpression') {
        const c = condition(child(vn, 'test') as AstNode, ctxFor(w.mod));
        for (const conj of c) branches.push({ node: child(vn, 'consequent') as AstNode, path: [...w.path, ...conj] });
        // The else branch: the negation, as one path with each literal flipped is not exact; keep it conservative.
        branches.push({ node: child(vn, 'alternate') as AstNode, path: [...w.path, ...c.flatMap((conj) => conj.map((l) => ({ atom: l.atom, positive: !l.positive })).slice(0, 1))] });
      } else branches.push({ node: vn, path: w.path });
      const insteadNode = selected ? selected.fallback : vn.type === 'ConditionalExpression' ? child(vn, 'alternate') : undefined;
      const values = branches.map((b) => (isOrigin(b.node) ? undefined : valueOf(b.node)));
      // The Origin is sent back on a branch that writes it, or that writes the one value the Origin was just found
      // equal to (`origin === 'http://localhost:3000' ? 'http://localhost:3000' : 'https://a.example'`, `if (origin
      // === 'null') res.set(ACAO, 'null')`, audit 32 case 32): the value differs per Origin, which needs Vary.
      const echoes = branches.map((b, i) => {
        const hv = values[i];
        return !hv || (hv.known && equalsOriginOn(b.path, hv.value));
      });
      // `cond ? origin : 'null'`: the fixed branch is what fails the check gets instead of its Origin.
      const instead = !!selected || (vn.type === 'ConditionalExpression' && echoes[0] === true);
      branches.forEach((b, i) => {
        const hv = values[i];
        if (echoes[i] || !hv) reflectPaths.push(b.path);
        else if (hv.known) {
          if (hv.value !== '' && hv.value !== 'undefined') fixed.push({ value: hv.value, span: hv.span, ...(hv.via ? { via: hv.via } : {}), ...(instead && b.node === insteadNode ? { instead } : {}) });
        } else unknownReason ??= { reason: hv.reason, span: hv.span };
      });
    }
    const set = allowedBy(reflectPaths);
    if (preflightWrites > 0 && reflectPaths.length === 0 && fixed.length === 0 && !unknownReason) {
      origin = unknown('Access-Control-Allow-Origin is set on preflight (OPTIONS) responses only', span);
    } else if (unknownReason && !set.any) origin = unknown(unknownReason.reason, unknownReason.span);
    else if (reflectPaths.length > 0) {
      if (set.any) {
        const echoed = acao.filter((w) => w.value && isOrigin(unwrap(w.value)));
        // req.query.origin echoed: every site names itself, but the response varies with the URL, not the Origin.
        const fromParameter = echoed.length > 0 && echoed.every((w) => reqs.some((r) => isRequestParameterExpr(w.value as AstNode, w.mod, r)));
        // Every other place that echoes it (audit 22 case 09: two branches of one middleware), for the report.
        const sites = echoed.slice(1).map((w) => at(w.value as AstNode));
        const more = sites.length ? { sites } : {};
        origin = fromParameter
          ? known({ kind: 'reflect-any', from: 'request-parameter', ...more }, at((echoed[0] as { value: AstNode }).value), 'a request parameter the requester chooses is copied into Access-Control-Allow-Origin')
          : known({ kind: 'reflect-any', ...more }, at((echoed[0] ?? acao[0])?.value ?? fn), set.anyByReferer ? REFERER_NOTE : undefined);
      }
      else {
        const echoed = acao.filter((w) => w.value && isOrigin(unwrap(w.value)));
        const fromParameter = echoed.length > 0 && echoed.every((w) => reqs.some((r) => isRequestParameterExpr(w.value as AstNode, w.mod, r)));
        // A fixed value sent beside the echo (`allowed ? origin : 'null'`, audit-13 case 07) is one more origin
        // that can read: the requester whose Origin is exactly that value (`null`: any sandboxed iframe). A `*`
        // there is left out: whether it reaches refused origins or only requests without one is not decided here.
        const literals: OriginEntry[] = fixed.filter((f) => f.value.trim() !== '*').map((f) => ({ type: 'literal', value: f.value, caseInsensitive: false, span: f.span }));
        // Sent to every refused origin when it is the one fixed value, the other side of `check ? origin : value`.
        const refusedValue = fixed.length === 1 && literals.length === 1 && fixed[0]?.instead ? fixed[0].value : undefined;
        const all = [...set.entries, ...literals];
        // `['https://a.example'].find((o) => o === origin) || 'https://a.example'`: the same value for every origin.
        if (refusedValue !== undefined && set.unknown.length === 0 && all.every((e) => e.type === 'literal' && e.value === refusedValue)) {
          origin = known({ kind: 'fixed', value: refusedValue }, (fixed[0] as { span: Span }).span);
        } else origin = known(
          {
            kind: 'allow-list',
            entries: [...set.entries, ...literals],
            unknownEntries: set.unknown.map(at),
            ...(set.unknown.length ? { opaqueChecks: true } : {}),
            ...(fromParameter ? { from: 'request-parameter' as const } : {}),
            ...(refusedValue !== undefined ? { refusedValue } : {}),
          },
          span,
        );
      }
    } else if (fixed.length > 0) {
      const f = fixed[fixed.length - 1] as { value: string; span: Span; via?: string };
      // `if (req.headers.origin) res.set(ACAO, '*')`: every write runs only when the request has an Origin, under no
      // other test than the method's, so a request without one gets no header (§5.7: the responses then differ).
      const onlyWithOrigin =
        f.value === '*' &&
        acao.every((w) => w.path.some((l) => l.atom.kind === 'no-origin' && !l.positive) && w.path.every((l) => l.atom.kind === 'no-origin' || l.atom.kind === 'method'));
      origin =
        f.value === '*'
          ? known(onlyWithOrigin ? { kind: 'wildcard', onlyWithOrigin: true } : { kind: 'wildcard' }, f.span, onlyWithOrigin ? '"*" only when the request has an Origin' : f.via)
          : known({ kind: 'fixed', value: f.value }, f.span, f.via);
    } else origin = known({ kind: 'none' }, span);
  }

  const last = (name: string) => {
    const ws = a.writes.filter((w) => w.name === name);
    return ws[ws.length - 1];
  };
  const acac = last('access-control-allow-credentials');
  let credentials: Valued<boolean>;
  if (!acac) credentials = known(false, span, 'not set');
  else {
    const hv = valueOf(acac.value);
    credentials = hv.known ? known(hv.value === 'true', hv.span, hv.via) : unknown(hv.reason, hv.span);
  }
  const tokens = (name: string): Valued<TokenList> => {
    const w = last(name);
    if (!w) return known({ kind: 'none' }, span, 'not set');
    if (!w.value) return unknown('no value', spanOf(w.mod, w.call));
    return tokenList(evaluate(w.value, w.mod, env), name);
  };
  const maxW = last('access-control-max-age');
  const maxAge: Valued<string | null> = !maxW ? known(null, span, 'not set') : ((hv) => (hv.known ? known(hv.value, hv.span, hv.via) : unknown(hv.reason, hv.span)))(valueOf(maxW.value));
  const varyWrites = a.writes.filter((w) => {
    if (w.name !== 'vary' || !w.value) return false;
    const hv = valueOf(w.value);
    return hv.known && varyNamesOrigin(hv.value);
  });
  const varyOrigin = varyWrites.length > 0;
  const pna = last('access-control-allow-private-network');
  // Only origins that pass the CORS check get anything from it (a write inside a check of exact origins is one).
  const privateNetwork: Valued<boolean> = forExactOrigins(
    !pna ? known(false, span, 'not set') : ((hv) => (hv.known ? known(hv.value === 'true', hv.span) : unknown(hv.reason, hv.span)))(valueOf(pna.value)),
    origin,
  );
  // A write is recorded once per path that reaches it (`if (origin && !list.includes(origin)) return` before it
  // gives two); on a request it runs once, so each call counts once.
  // Writes made under exactly the origin checks of the one Access-Control-Allow-Origin write: sent with it only.
  const originKeys = (path: Path) =>
    path
      .filter((l) => l.atom.kind === 'entries' || l.atom.kind === 'no-origin' || (l.atom.kind === 'unknown' && l.atom.aboutOrigin))
      .map((l) => `${rangeOf(l.atom.node)[0]}:${l.positive}`)
      .sort()
      .join(',');
  const acaoCalls = new Set(acao.map((w) => w.call));
  // The origin checks of each way the one Access-Control-Allow-Origin write runs (one per element of a list an
  // unrolled `for...of` walks, audit 52 js D2c).
  const acaoKeys = acaoCalls.size === 1 && origin.known && origin.value.kind === 'allow-list' ? new Set(acao.map((w) => originKeys(w.path))) : undefined;
  const underAcaoChecks = (runs: readonly { path: Path }[]) => {
    // An unchecked run of the write (`res.header(ACAO, allowed ? origin : 'none')`) is no check to be under.
    if (!acaoKeys || acaoKeys.has('') || runs.length === 0) return false;
    const keys = new Set(runs.map((x) => originKeys(x.path)));
    return keys.size === acaoKeys.size && [...keys].every((k) => acaoKeys.has(k));
  };
  // Vary: Origin written only under the check that allows the origin (`if (allowed.includes(origin)) { ...; res.vary('Origin') }`):
  // the responses to other origins, and to requests without one, lack it (§5.7, audit 29 case 31).
  // Only for a write under one check: one of several ways through (`if (origin && !list.includes(origin)) return
  // res.status(400).end()` before it) may end the refused requests with an error rather than serve them.
  const varyOnlyWhenAllowed = varyOrigin && acaoKeys?.size === 1 && underAcaoChecks(varyWrites);
  const headerWrites: HeaderWrite[] = a.writes
    .filter((w) => w.name.startsWith('access-control-') || w.name === 'vary')
    .filter((w, i, all) => all.findIndex((x) => x.call === w.call && x.name === w.name) === i)
    .map((w) => {
      // Every way this call runs.
      const runs = a.writes.filter((x) => x.call === w.call);
      const tests = exactOriginTests(runs);
      return {
        name: w.name,
        value: valueOf(w.value),
        op: w.op,
        statuses: 'all' as const,
        span: spanOf(w.mod, w.call),
        ...(w.multiple ? { multiple: true } : {}),
        ...(w.name !== 'access-control-allow-origin' && underAcaoChecks(runs) ? { whenOriginAllowed: true } : {}),
        ...(tests ? { origins: tests } : {}),
        // Written under `if (req.method === 'OPTIONS')`: on preflight answers only; after such a branch that returns:
        // never on them (the simulator kept Max-Age on GET responses, audit 52 js note).
        ...(runs.every((x) => onlyOnPreflight(x.path)) ? { onlyOnPreflight: true } : {}),
        ...(runs.every((x) => x.path.some((l) => l.atom.kind === 'no-origin' && !l.positive)) ? { onlyWithOrigin: true } : {}),
        ...(runs.every((x) => x.path.some((l) => l.atom.kind === 'method' && !l.positive && l.atom.method === 'OPTIONS')) ? { notOnPreflight: true } : {}),
      };
    });
  return {
    kind: 'express',
    mechanism: 'express-manual',
    layer: 'app',
    span,
    origin,
    credentials,
    allowMethods: tokens('access-control-allow-methods'),
    allowHeaders: tokens('access-control-allow-headers'),
    exposeHeaders: tokens('access-control-expose-headers'),
    maxAge,
    varyOrigin: varyOnlyWhenAllowed ? known(false, span, VARY_ONLY_WHEN_ALLOWED) : known(varyOrigin, span, varyOrigin ? undefined : 'no Vary: Origin is set'),
    privateNetwork,
    headerWrites,
  };
}

// ─── Apps ──────────────────────────────────────────────────────────────────────────────────────────

interface Layer {
  reg: Registration;
  /** Full path (prefix + route path). */
  path: string | undefined;
  /** `use` layers: the mount prefix. */
  prefix: string | undefined;
  handler: JsValue;
  handlerNode: AstNode;
  /** For a layer of a mounted router: the registration that mounted it (in the app's own code), which fixes its place. */
  mount?: Registration;
}

/** Whether a handler reads the request body (`req.body`, `const { body } = req`, a `{ body }` parameter). */
function readsBody(h: JsValue & { t: 'func' }): boolean {
  const [start, end] = rangeOf(h.fn);
  return /\.body\b|[{,]\s*body\s*[,}:]/.test(h.mod.text.slice(start, end));
}

/** The undecided condition a layer (or the mount of its router) is registered under, as a policy field. */
function conditionOf(l: Layer): { condition?: { span: Span; text: string } } {
  const c = l.reg.condition ?? l.mount?.condition;
  return c ? { condition: c } : {};
}

function flattenHandlers(reg: Registration, env: EvalEnv): { value: JsValue; node: AstNode }[] {
  const out: { value: JsValue; node: AstNode }[] = [];
  if (reg.optionCors !== undefined) return [{ value: { t: 'ext', name: 'cors()', node: reg.call, mod: reg.mod, corsOptions: reg.optionCors }, node: reg.optionCors ?? reg.call }];
  for (const h of reg.handlers) {
    // `router.use(...middleware(config))`: the spread array's items (audit 37 js c01, Payload).
    const looped = reg.handlers.length === 1 ? loopedItems(h, reg, env) : undefined;
    const v = looped ?? (h.type === 'SpreadElement' ? evaluate(child(h, 'argument') as AstNode, reg.mod, env) : evaluate(h, reg.mod, env));
    const one = (x: JsValue, node: AstNode) => {
      const wrapped = corsWrapped(x, env);
      const guarded = wrapped ? undefined : guardedCors(x, env);
      if (guarded) for (const g of guarded) out.push({ value: g, node });
      else out.push({ value: wrapped ?? yogaLayer(x, env) ?? x, node });
    };
    if (v.t === 'array') for (const it of v.items) one(it, it.node);
    else one(v, h);
  }
  return out;
}

/**
 * The list a registration is run once per item of, when its one handler is the loop's element and the registration
 * is all the loop body does: `list.forEach((m) => app.use(m))`, `list.map(function (m) { app.use(m); })`,
 * `for (const m of list) app.use(m)` (audit 41 js D4, penguin.js's middlewares module). Each pass registers the
 * next item, so the layers are those of `app.use(list)`, in the list's order. Undefined for any other shape, and
 * when the list is not known item by item (its items may be fewer): then the handler stays the unknown parameter
 * it is, as before.
 */
function loopedItems(h: AstNode, reg: Registration, env: EvalEnv): (JsValue & { t: 'array' }) | undefined {
  const id = unwrap(h);
  const name = identName(id);
  const b = name ? lookup(reg.mod, name, id) : undefined;
  if (b?.kind !== 'param' || unwrap(b.node).type !== 'Identifier') return undefined;
  const loop = b.fn;
  let list: AstNode | undefined;
  let body: AstNode | undefined;
  if (loop.type === 'ForOfStatement') {
    const left = child(loop, 'left');
    const decls = left?.type === 'VariableDeclaration' ? children(left, 'declarations') : [];
    if (loop.await || decls.length !== 1 || child(decls[0] as AstNode, 'id') !== b.node) return undefined;
    list = child(loop, 'right');
    const stmt = child(loop, 'body');
    const only = stmt?.type === 'BlockStatement' ? (children(stmt, 'body').length === 1 ? children(stmt, 'body')[0] : undefined) : stmt;
    body = only?.type === 'ExpressionStatement' ? child(only, 'expression') : undefined;
  } else if (isFunction(loop) && b.index === 0 && children(loop, 'params')[0] === b.node) {
    const call = parentOf(loop);
    const callee = call?.type === 'CallExpression' && args(call)[0] === loop ? unwrap(child(call, 'callee') as AstNode) : undefined;
    const method = callee?.type === 'MemberExpression' ? memberName(callee) : undefined;
    if (!callee || (method !== 'forEach' && method !== 'map')) return undefined;
    list = child(callee, 'object');
    body = soleExpression(loop, { statement: true });
  }
  if (!list || !body || unwrap(body) !== reg.call) return undefined;
  const v = evaluate(list, reg.mod, env);
  return v.t === 'array' && !v.maybeFewer ? v : undefined;
}

/**
 * The cors middleware that a middleware only forwards to: `(req, res, next) => cors(options)(req, res, next)`,
 * or a body that is just `cors(options)(req, res, next);` or `return cors(options)(req, res, next);`. Such a
 * wrapper sends exactly what that cors() layer sends (it builds the same middleware per request), so it stands
 * for it. Anything else in the body (a condition, other statements) leaves the wrapper a hand-written middleware.
 */
function corsWrapped(v: JsValue, env: EvalEnv): JsValue | undefined {
  if (v.t !== 'func') return undefined;
  const params = children(v.fn, 'params');
  const expr = params.length === 3 ? soleExpression(v.fn, { statement: true }) : undefined;
  if (!expr) return undefined;
  const call = unwrap(expr);
  if (call.type !== 'CallExpression') return undefined;
  const a = args(call);
  // The wrapper's own req, res and next, passed on in that order.
  if (a.length !== 3 || a.some((x, i) => x.type !== 'Identifier' || identName(x) === undefined || identName(x) !== identName(params[i]))) return undefined;
  const inner = evaluate(child(call, 'callee') as AstNode, v.mod, env);
  return inner.t === 'ext' && inner.name === 'cors()' ? inner : undefined;
}

/**
 * The cors middlewares a hand-written `(req, res, next)` middleware runs for some requests only:
 * `if (req.path.startsWith('/api/public')) return cors(opts)(req, res, next); next();`, an if/else between two
 * cors() calls, or `const c = cors(opts)` called later. Each call stands for a cors() layer that applies to the
 * requests the conditions on its way let through (cors builds the same middleware per request, so what reaches it
 * gets what its options send: audit 47 js c05, curl with Express 4.22 and 5.3). Conditions on the path, the method or
 * anything else that is not the Origin only narrow the requests it applies to: said as a path scope when they are
 * plain tests of `req.path`, else as the policy's condition. A condition on the Origin (an allow-list checked before
 * cors({ origin: true }), audit 47 js c04) makes what the layer lets read the intersection of that check and the
 * options, which is not modelled: the origin is then unknown. Undefined when the function runs no cors middleware
 * so, writes CORS headers itself, or cannot be followed.
 */
function guardedCors(v: JsValue, env: EvalEnv): JsValue[] | undefined {
  if (v.t !== 'func') return undefined;
  const fn = v.fn;
  const mod = v.mod;
  const params = children(fn, 'params');
  if (params.length !== 3 || params.some((p) => identName(p) === undefined)) return undefined;
  const body = child(fn, 'body');
  if (!body) return undefined;
  const [start, end] = rangeOf(fn);
  if (/access-control-/i.test(mod.text.slice(start, end))) return undefined;
  const calls = new Map<AstNode, JsValue & { t: 'ext' }>();
  walk(body, (n) => {
    if (isFunction(n)) return false;
    if (n.type !== 'CallExpression') return true;
    const a = args(n);
    // The middleware's own req, res and next, passed on in that order.
    if (a.length !== 3 || a.some((x, i) => identName(x) === undefined || identName(x) !== identName(params[i]))) return true;
    const inner = evaluate(child(n, 'callee') as AstNode, mod, env);
    if (inner.t === 'ext' && inner.name === 'cors()' && !inner.yoga && !inner.guard) calls.set(n, inner);
    return true;
  });
  if (calls.size === 0) return undefined;
  const reqP = params[0];
  const ctx: FlowContext = {
    mod,
    env,
    isOrigin: (n) => isRequestOriginExpr(n, mod, reqP),
    hasOrigin: (n) => isOriginPresenceTest(n, mod, reqP),
    isMethod: (n) => isRequestMethodExpr(n, mod, reqP),
    isChosen: (n) => isSenderChosenExpr(n, mod, reqP),
    isReferer: (n) => isRequestRefererExpr(n, mod, reqP),
    interesting: (call) => calls.has(call),
  };
  const flow = followFunction(fn, ctx);
  if (flow.incomplete) return undefined;
  const out: JsValue[] = [];
  let guarded = false;
  for (const [call, inner] of calls) {
    const paths = flow.effects.filter((e) => e.call === call).map((e) => e.path);
    const reqTerms: Lit[][] = [];
    const originTerms: Lit[][] = [];
    for (const p of paths) {
      // A request without an Origin header is no CORS request.
      if (p.some((l) => l.atom.kind === 'no-origin' && l.positive)) continue;
      const kept = p.filter((l) => !(l.atom.kind === 'no-origin' || (l.atom.kind === 'const' && l.atom.value === l.positive)));
      if (kept.some((l) => l.atom.kind === 'const')) continue;
      (kept.every((l) => notAboutOrigin(l.atom, ctx, reqP, 0)) ? reqTerms : originTerms).push(kept);
    }
    // Reached whatever the request (`if (!origin) return next();` before it at most): the plain layer.
    if (reqTerms.some((t) => t.length === 0)) {
      out.push(inner);
      continue;
    }
    guarded = true;
    // Paths every term leaves out (`!req.path.startsWith('/x')` on each), and those where the call runs whatever the
    // Origin (a request-only term scoped by path): the origin-dependent layer adds nothing there.
    const excluded = (terms: Lit[][]) => {
      const per = terms.map((t) => t.filter((l) => !l.positive).flatMap((l) => requestPaths([[{ ...l, positive: true }]], ctx, reqP) ?? { kind: 'prefix' as const, values: [] as string[] }).flatMap((x) => x.values.map((value) => ({ kind: x.kind, value }))));
      return (per[0] ?? []).filter((x) => per.every((q) => q.some((y) => y.kind === x.kind && y.value === x.value)));
    };
    const termsText = (terms: Lit[][]) => terms.map((t) => t.map((l) => (l.positive ? '' : '!') + nodeText(mod, l.atom.node)).join(' && ')).join(' || ');
    const firstNode = (terms: Lit[][]) => (terms[0]?.[0]?.atom.node ?? call) as AstNode;
    if (reqTerms.length) {
      const scoped = requestPaths(reqTerms, ctx, reqP);
      // `req.method === 'GET' || req.method === 'OPTIONS'`: the methods it runs for.
      const methods = reqTerms.every((t) => t.length === 1 && t[0]?.positive && t[0].atom.kind === 'method') ? reqTerms.map((t) => (t[0]?.atom as { method: string }).method) : undefined;
      // Only paths left out (`if (req.path.startsWith('/internal/')) return next();` before it, audit 49 v01): the
      // layer of every other request, with those paths as its scope's exceptions, and no condition.
      const only = reqTerms.length === 1 ? (reqTerms[0] as Lit[]) : [];
      const exceptOnly = only.length > 0 && only.every((l) => !l.positive && requestPaths([[{ ...l, positive: true }]], ctx, reqP) !== undefined);
      out.push({ ...inner, guard: { text: termsText(reqTerms), node: firstNode(reqTerms), ...(scoped ? { paths: scoped } : {}), ...(methods ? { methods: [...new Set(methods)] } : {}), except: excluded(reqTerms), ...(exceptOnly ? { exceptOnly: true as const } : {}) } });
    }
    if (originTerms.length) {
      const scoped = reqTerms.length ? requestPaths(reqTerms, ctx, reqP) : undefined;
      const except = [...excluded(originTerms), ...(scoped ? scoped.values.map((value) => ({ kind: scoped.kind, value })) : [])];
      out.push({ ...inner, guard: { text: termsText(originTerms), node: firstNode(originTerms), originUnknown: 'the middleware runs cors() only for the origins its own check lets through, and that check is not modelled', except } });
    }
  }
  // A middleware that runs its cors() for every request but does other things too (`res.setHeader('Vary', 'Origin');
  // corsFunc(req, res, next)`) stays what it was: only the conditional shapes are read here.
  return guarded ? out : undefined;
}

function nodeText(mod: JsModule, n: AstNode): string {
  const [s, e] = rangeOf(n);
  return mod.text.slice(s, e);
}

/** A constant bound to a condition (`const isPublic = req.path.startsWith('/api/public')`): its value, followed. */
function constCondition(n: AstNode, ctx: FlowContext): AstNode | undefined {
  const name = identName(unwrap(n));
  return name ? stableInit(ctx.mod, name, n) : undefined;
}

/**
 * Whether a condition atom is certainly not about the request Origin: the method, a part of the request its sender
 * chooses (the path), or an expression that reads neither the request nor a variable changed elsewhere (configuration).
 * A call that is handed the request (`isAllowed(req)`) may check its Origin: not this.
 */
function notAboutOrigin(atom: Atom, ctx: FlowContext, reqP: AstNode | undefined, depth: number): boolean {
  if (atom.kind === 'method' || atom.kind === 'const') return true;
  if (atom.kind !== 'unknown' || atom.aboutOrigin) return false;
  if (atom.chosen) return true;
  const init = depth < 4 ? constCondition(atom.node, ctx) : undefined;
  if (init) return condition(init, ctx).every((t) => t.every((l) => l.atom.kind === 'no-origin' || notAboutOrigin(l.atom, ctx, reqP, depth + 1)));
  let reads = false;
  walk(atom.node, (n) => {
    if (reads) return false;
    const name = identName(n);
    if (name && ((reqP && refersTo(ctx.mod, n, reqP)) || ctx.mod.mutated.has(name) || name === 'arguments')) reads = true;
    return !reads;
  });
  return !reads;
}

/**
 * The request paths a set of terms lets through when each term is one positive test of `req.path` alone:
 * `req.path.startsWith('/x')` (prefix), `req.path === '/x'` (exact), a `||` of them, or a constant holding one.
 */
function requestPaths(terms: Lit[][], ctx: FlowContext, reqP: AstNode | undefined): CorsGuard['paths'] {
  const found: { kind: 'prefix' | 'exact'; value: string }[] = [];
  const isPath = (n: AstNode) => {
    const u = unwrap(n);
    return u.type === 'MemberExpression' && memberName(u) === 'path' && !!reqP && refersTo(ctx.mod, unwrap(child(u, 'object') as AstNode), reqP);
  };
  const collect = (node: AstNode, depth: number): boolean => {
    const n = unwrap(node);
    if (n.type === 'LogicalExpression' && n.operator === '||') return collect(child(n, 'left') as AstNode, depth) && collect(child(n, 'right') as AstNode, depth);
    if (n.type === 'CallExpression') {
      const callee = unwrap(child(n, 'callee') as AstNode);
      const a = args(n);
      const value = a.length === 1 ? staticString(a[0]) : undefined;
      if (callee.type !== 'MemberExpression' || memberName(callee) !== 'startsWith' || value === undefined || !value.startsWith('/') || !isPath(child(callee, 'object') as AstNode)) return false;
      found.push({ kind: 'prefix', value });
      return true;
    }
    if (n.type === 'BinaryExpression' && (n.operator === '===' || n.operator === '==')) {
      const l = child(n, 'left') as AstNode;
      const r = child(n, 'right') as AstNode;
      const value = isPath(l) ? staticString(r) : isPath(r) ? staticString(l) : undefined;
      if (value === undefined || !value.startsWith('/')) return false;
      found.push({ kind: 'exact', value });
      return true;
    }
    const init = depth < 4 ? constCondition(n, ctx) : undefined;
    return init !== undefined && collect(init, depth + 1);
  };
  for (const t of terms) if (t.length !== 1 || !(t[0] as Lit).positive || !collect((t[0] as Lit).atom.node, 0)) return undefined;
  const kinds = new Set(found.map((f) => f.kind));
  if (kinds.size !== 1) return undefined;
  return { kind: found[0]?.kind as 'prefix' | 'exact', values: [...new Set(found.map((f) => f.value))] };
}

/** The `cors` option of a createYoga() call: absent (undefined), its value, or unknown when the options are not known. */
function yogaCorsOption(create: AstNode, mod: JsModule, env: EvalEnv): JsValue | undefined {
  const call = unwrap(create);
  const first = call.type === 'CallExpression' ? args(call)[0] : undefined;
  if (!first) return undefined;
  const opts = evaluate(first, mod, env);
  if (opts.t !== 'object') return { t: 'unknown', reason: 'the createYoga options are not known', node: first, mod };
  return opts.props.get('cors') ?? (opts.partial ? { t: 'unknown', reason: 'the cors option may be set by a spread', node: first, mod } : undefined);
}

/**
 * A graphql-yoga instance used as a request handler (`app.use('/graphql', yoga)`): it answers CORS itself unless
 * created with `cors: false` (yoga.ts), so it stands for a CORS layer of its mount, read with yoga's rules.
 */
function yogaLayer(v: JsValue, env: EvalEnv): JsValue | undefined {
  if (v.t !== 'ext' || v.name !== YOGA_CREATED) return undefined;
  const c = yogaCorsOption(v.node, v.mod, env);
  if (c?.t === 'bool' && !c.v) return undefined;
  return { t: 'ext', name: 'cors()', node: v.node, mod: v.mod, yoga: true };
}

/** `jwt({...})`, `expressjwt({...})`, and either with express-unless's `.unless({ path })`. */
const EXPRESS_JWT = /^express-jwt(\.expressjwt)?\(\)(\.unless\(\))?$/;

function isJsonParser(v: JsValue): boolean {
  return v.t === 'ext' && /^(express|body-parser)\.json\(\)$/.test(v.name);
}

/** A middleware that rejects requests before the CORS layer: what it is, whether it lets preflights through, its statuses. */
interface AuthGate {
  label: string;
  passesPreflights: boolean;
  statuses: number[];
}

/**
 * An auth middleware: a known one (passport, express-jwt), or a function that reads Authorization and answers
 * 401/403. `passesPreflights`: it lets OPTIONS through (`if (req.method === 'OPTIONS') return next()`, also
 * compared in lower case), so it answers only the other requests, with `statuses`, before a later CORS layer runs.
 */
function authMiddleware(v: JsValue): AuthGate | undefined {
  if (v.t === 'ext') {
    if (/^passport\.authenticate\(\)$/.test(v.name)) return { label: 'passport.authenticate()', passesPreflights: false, statuses: [401] };
    // express-jwt lets through every OPTIONS request whose Access-Control-Request-Headers names Authorization (its
    // source, v6 to v8; checked by audit 34 with Express 4 + express-jwt 8): the preflights of the requests that carry a
    // token reach cors(), and a request without one gets its 401 whether preflighted or not. What it does to CORS is
    // answering 401 before cors() runs, without CORS headers; `.unless({ path })` only exempts paths from that.
    if (EXPRESS_JWT.test(v.name)) return { label: 'express-jwt', passesPreflights: true, statuses: [401] };
    return undefined;
  }
  if (v.t !== 'func') return undefined;
  const [s, e] = rangeOf(v.fn);
  const text = v.mod.text.slice(s, e);
  const statuses = [...new Set([...text.matchAll(/\b(40[13])\b/g)].map((m) => Number(m[1])))].sort();
  if (!/authorization/i.test(text) || statuses.length === 0) return headerGuard(v.fn, v.mod);
  return { label: 'an auth middleware', passesPreflights: /OPTIONS/.test(text) || /['"`]options['"`]/i.test(text), statuses };
}

/**
 * A hand-written `(req, res, next)` middleware whose body starts (after `const x = req.get('...')` declarations at
 * most) with `if (<test>) return res.status(401|403)...`, where the test is certainly true when the headers it reads
 * are absent: `!key`, `key !== 'literal'`, `key === undefined`, combined with `!`, `&&`, `||`. Browsers never send a
 * script's own headers on a preflight (§1.4, §5.4), so every preflight gets that status, without CORS headers when the
 * CORS layer comes later (audit 44 js c35: an API-key check). Nothing is claimed when the test may be false without
 * the header: a comparison with a value not known here (`key !== process.env.API_KEY` is false when both are
 * unset), `key && key !== K` (no key, no 401), or one that looks at the method, the path or anything else.
 */
function headerGuard(fn: AstNode, mod: JsModule): AuthGate | undefined {
  const req = paramOf(fn, 0);
  const res = paramOf(fn, 1);
  const body = child(fn, 'body');
  if (!req || !res || children(fn, 'params').length !== 3 || body?.type !== 'BlockStatement') return undefined;
  const [s, e] = rangeOf(fn);
  if (/\bmethod\b|OPTIONS/i.test(mod.text.slice(s, e))) return undefined;
  // Only a header certainly missing from every preflight: not one the browser sends there itself (Accept,
  // Accept-Language, Cache-Control...), nor one a proxy or platform in front of the app may add to every request.
  const absentOnPreflights = (name: string) =>
    clientSetHeader(name) &&
    !/^(accept|accept-language|content-type|content-language|cache-control|pragma|dnt|priority|te|upgrade-insecure-requests|save-data|traceparent|tracestate|true-client-ip|x-request-id|x-correlation-id|x-client-ip)$/.test(name) &&
    !/^(cf-|x-amz|x-vercel|x-envoy|x-appengine|x-cloud|x-azure|x-arr|x-original|x-b3|fly-|render-|x-railway)/.test(name);
  const ABSENT = Symbol('absent');
  type Val = string | boolean | typeof ABSENT | undefined;
  const UNKNOWN = undefined;
  // The name of the client-set request header `n` reads (`req.get('x')`, `req.header('x')`, `req.headers.x`,
  // `req.headers['x']`), as headerReads() names it.
  const headerOf = (n: AstNode): string | undefined => {
    const u = unwrap(n);
    if (u.type === 'CallExpression') {
      const callee = unwrap(child(u, 'callee') as AstNode);
      const m = callee.type === 'MemberExpression' ? memberName(callee) : undefined;
      const a = args(u);
      if ((m !== 'get' && m !== 'header') || a.length !== 1 || !refersTo(mod, unwrap(child(callee, 'object') as AstNode), req)) return undefined;
      const name = staticString(a[0])?.toLowerCase();
      return name && absentOnPreflights(name) ? name : undefined;
    }
    if (u.type !== 'MemberExpression') return undefined;
    const headers = unwrap(child(u, 'object') as AstNode);
    if (headers.type !== 'MemberExpression' || memberName(headers) !== 'headers' || !refersTo(mod, unwrap(child(headers, 'object') as AstNode), req)) return undefined;
    const name = memberName(u);
    return name && name === name.toLowerCase() && absentOnPreflights(name) ? name : undefined;
  };
  const reads: string[] = [];
  const locals = new Set<AstNode>();
  const value = (n: AstNode): Val => {
    const u = unwrap(n);
    const h = headerOf(u);
    if (h) {
      reads.push(h);
      return ABSENT;
    }
    if (u.type === 'Identifier') {
      if (u.name === 'undefined') return ABSENT;
      const b = lookup(mod, u.name as string, u);
      if (b?.kind !== 'var' || b.path.length > 0 || !b.init) return UNKNOWN;
      if (locals.has(b.id)) return value(b.init);
      // A constant key (`const API_KEY = 'k-123'`): only a literal string, never something read elsewhere.
      const init = unwrap(b.init);
      return b.declKind === 'const' && (init.type === 'Literal' || init.type === 'StringLiteral') && typeof init.value === 'string' ? init.value : UNKNOWN;
    }
    if (u.type === 'Literal' || u.type === 'StringLiteral') return typeof u.value === 'string' ? u.value : UNKNOWN;
    if (u.type === 'CallExpression') {
      // `String(key || '')`, `key.trim()`, `key?.toLowerCase()` (audit 49 D3): the string, or the absent header
      // through `?.`; a method of the absent header itself throws (a 500, not this 401): not known.
      const callee = unwrap(child(u, 'callee') as AstNode);
      const a = args(u);
      if (callee.type === 'Identifier' && callee.name === 'String' && a.length === 1) {
        const v = value(a[0] as AstNode);
        return v === ABSENT ? 'undefined' : typeof v === 'string' ? v : UNKNOWN;
      }
      const m = callee.type === 'MemberExpression' ? memberName(callee) : undefined;
      if (m && a.length === 0 && /^(trim|trimStart|trimEnd|toLowerCase|toUpperCase)$/.test(m)) {
        const v = value(child(callee, 'object') as AstNode);
        if (v === ABSENT) return callee.optional || u.optional ? ABSENT : UNKNOWN;
        if (typeof v !== 'string') return UNKNOWN;
        return m === 'trim' ? v.trim() : m === 'trimStart' ? v.trimStart() : m === 'trimEnd' ? v.trimEnd() : m === 'toLowerCase' ? v.toLowerCase() : v.toUpperCase();
      }
      return UNKNOWN;
    }
    if (u.type === 'UnaryExpression' && u.operator === '!') {
      const v = value(child(u, 'argument') as AstNode);
      return v === UNKNOWN ? UNKNOWN : v === ABSENT ? true : !v;
    }
    if (u.type === 'LogicalExpression' && (u.operator === '&&' || u.operator === '||')) {
      const l = value(child(u, 'left') as AstNode);
      if (l === UNKNOWN) return UNKNOWN;
      const truthy = l !== ABSENT && !!l;
      if (u.operator === '&&' ? !truthy : truthy) return l;
      return value(child(u, 'right') as AstNode);
    }
    if (u.type === 'BinaryExpression' && ['===', '!==', '==', '!='].includes(u.operator as string)) {
      const l = value(child(u, 'left') as AstNode);
      const r = value(child(u, 'right') as AstNode);
      if (l === UNKNOWN || r === UNKNOWN) return UNKNOWN;
      const same = l === r;
      return u.operator === '===' || u.operator === '==' ? same : !same;
    }
    return UNKNOWN;
  };
  // The 401/403 the branch answers with: `res.status(401)...`, `res.sendStatus(403)`, returned or not.
  const rejection = (n: AstNode | undefined): number | undefined => {
    let st = n ? unwrap(n) : undefined;
    if (st?.type === 'BlockStatement') st = children(st, 'body')[0];
    if (st?.type === 'ReturnStatement' || st?.type === 'ExpressionStatement') st = child(st, st.type === 'ReturnStatement' ? 'argument' : 'expression');
    let cur = st ? unwrap(st) : undefined;
    while (cur?.type === 'CallExpression') {
      const callee = unwrap(child(cur, 'callee') as AstNode);
      if (callee.type !== 'MemberExpression') return undefined;
      const object = unwrap(child(callee, 'object') as AstNode);
      const m = memberName(callee);
      if (refersTo(mod, object, res) && (m === 'status' || m === 'sendStatus')) {
        const code = unwrap(args(cur)[0] as AstNode);
        return (code?.type === 'Literal' || code?.type === 'NumericLiteral') && (code.value === 401 || code.value === 403) ? (code.value as number) : undefined;
      }
      cur = object;
    }
    return undefined;
  };
  // `next()`, then nothing else when `ended`: `return next()`, `{ next(); return; }` (or `{ next(); }` as an if's branch
  // with an else).
  const next = paramOf(fn, 2);
  const callsNext = (n: AstNode | undefined): boolean => {
    const u = n ? unwrap(n) : undefined;
    return u?.type === 'CallExpression' && args(u).length === 0 && refersTo(mod, unwrap(child(u, 'callee') as AstNode), next);
  };
  const passes = (n: AstNode | undefined, ended: boolean): boolean => {
    const u = n ? unwrap(n) : undefined;
    if (u?.type === 'ReturnStatement') return callsNext(child(u, 'argument'));
    if (u?.type === 'ExpressionStatement') return !ended && callsNext(child(u, 'expression'));
    if (u?.type !== 'BlockStatement') return false;
    const b = children(u, 'body');
    if (b.length === 1) return passes(b[0], ended);
    return b.length === 2 && passes(b[0], false) && b[1].type === 'ReturnStatement' && !child(b[1], 'argument');
  };
  const gate = (status: number): AuthGate => ({ label: `a middleware that answers ${status} without the ${reads[0]} header`, passesPreflights: false, statuses: [status] });
  // Set once an `if (<test>) return next();` whose test is certainly false without the header has been passed over
  // (audit 46: `if (key === KEY) { next(); return; }` then the 401): the request goes on to what follows.
  let passedOver = false;
  for (const st of children(body, 'body')) {
    if (passedOver && st.type !== 'IfStatement') {
      const status = rejection(st);
      return status === undefined ? undefined : gate(status);
    }
    if (st.type === 'VariableDeclaration') {
      // `const key = req.get('x-api-key')`, `String(req.headers['x-api-key'] || '').trim()`: values known when the
      // headers are absent (nothing that could answer first), so the guard below still comes first.
      for (const d of children(st, 'declarations')) {
        const id = child(d, 'id');
        const init = child(d, 'init');
        if (id?.type !== 'Identifier' || !init || value(init) === UNKNOWN) return undefined;
        locals.add(id);
      }
      continue;
    }
    if (st.type !== 'IfStatement') return undefined;
    const test = child(st, 'test') as AstNode;
    const consequent = child(st, 'consequent');
    const alternate = child(st, 'alternate');
    const status = rejection(consequent);
    if (status !== undefined) return value(test) === true && reads.length > 0 ? gate(status) : undefined;
    // The request passes on only when the test holds, and it is false without the header (`key === K`, or
    // `key && key === process.env.KEY`, whose value is then the absent header: audit 49 D3).
    const without = value(test);
    if (!passes(consequent, !alternate) || (without !== false && without !== ABSENT && without !== '') || reads.length === 0) return undefined;
    if (alternate) {
      const rejected = rejection(alternate);
      return rejected === undefined ? undefined : gate(rejected);
    }
    passedOver = true;
  }
  return undefined;
}

/** express-jwt, or passport.authenticate('jwt' | 'bearer' | 'oauth-bearer'): middleware that requires an Authorization header. */
function bearerMiddleware(v: JsValue, node: AstNode): boolean {
  if (v.t !== 'ext') return false;
  if (EXPRESS_JWT.test(v.name)) return true;
  if (v.name !== 'passport.authenticate()') return false;
  const call = unwrap(node);
  const first = call.type === 'CallExpression' ? args(call)[0] : undefined;
  const strategy = first ? staticString(first) : undefined;
  return strategy !== undefined && /^(jwt|bearer|oauth-bearer|oauth2-jwt-bearer)$/.test(strategy);
}

const HEADER_READ =
  /\b(?:req|request)\.(?:headers\.([A-Za-z_][\w]*)|headers\[\s*['"]([^'"]+)['"]\s*\]|(?:get|header)\(\s*['"]([^'"]+)['"]\s*\))|\{\s*(authorization)\s*[,}][^=]*=\s*(?:req|request)\.headers\b|@Headers\(\s*['"]([^'"]+)['"]\s*\)/g;
const NOT_CLIENT_SET = new Set(['origin', 'host', 'cookie', 'referer', 'user-agent', 'content-length', 'connection', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-real-ip', 'accept-encoding', 'if-none-match', 'if-modified-since', 'forwarded', 'via']);

/**
 * Names that proxies, load balancers and hosting platforms add on their way to the app, never a page: `x-forwarded-*`,
 * nginx auth_request's `x-original-*`, oauth2-proxy's `x-auth-request-*`, an auth proxy's `x-auth-proxy-*` (audit 50
 * js c08), the identity headers of gateways (Kong's `x-consumer-*` and `x-authenticated-*`, `x-remote-user`,
 * Google IAP's `x-goog-authenticated-*`), Cloudflare's own `cf-connecting-ip`/`cf-ray`/`cf-ipcountry`/`cf-visitor`,
 * AWS ALB's `x-amzn-*`, Envoy, Vercel, App Engine and Azure App Service. They need no Allow-Headers entry. Names a
 * page does send stay: Cloudflare Turnstile's `cf-turnstile-response`, an `x-proxy-token`, `traceparent` (audit 51 D3).
 */
const INFRASTRUCTURE_HEADER =
  /^(?:x-forwarded-|x-original-|x-auth-request-|x-auth-proxy-|x-consumer-|x-authenticated-|x-goog-authenticated-|x-amzn-|x-amz-cf-|x-envoy-|x-vercel-|x-appengine-|x-ms-client-principal|x-arr-)|^(?:x-remote-user|remote-user|cf-connecting-ip|cf-connecting-ipv6|cf-ray|cf-ipcountry|cf-visitor|cf-worker|fly-client-ip|fly-forwarded-port|fly-region)$/;

/** A request header a client script sets itself (not one the browser or a proxy sets, not a CORS or Sec- header). */
function clientSetHeader(name: string): boolean {
  return !!name && !NOT_CLIENT_SET.has(name) && !name.startsWith('access-control-') && !name.startsWith('sec-') && !INFRASTRUCTURE_HEADER.test(name);
}

/**
 * The request headers read in `mod` (or in `within`), by the names Node gives them. Node keeps a header's name as
 * sent, lower-cased, and does not rewrite `_` (unlike CGI/WSGI servers): `req.headers.api_key`, `req.get('api_key')`
 * and `req.header('API_Key')` all read a header literally named `api_key`, never `api-key` (checked with Express 5.3
 * and curl). `req.get()`/`req.header()` and Nest's `@Headers()` compare case-insensitively; a property of
 * `req.headers` is looked up as written, so one with an upper-case letter (`req.headers.Authorization`) is always
 * undefined: the app reads nothing there (as with `req.headers.Origin`, see the capital-origin-header fixture).
 */
function headerReads(mod: { path: string; text: string }, within?: AstNode): HeaderRead[] {
  const out: HeaderRead[] = [];
  const [from, to] = within ? rangeOf(within) : [0, mod.text.length];
  for (const m of mod.text.slice(from, to).matchAll(HEADER_READ)) {
    // A read in a commented-out line (`// const key = req.get('api_key')`) reads nothing.
    if (inCommentLine(mod.text, from + (m.index ?? 0), 'js')) continue;
    const property = m[1] ?? m[2];
    if (property !== undefined && property !== property.toLowerCase()) continue;
    const name = (property ?? m[3] ?? m[4] ?? m[5] ?? '').toLowerCase();
    if (!clientSetHeader(name)) continue;
    out.push({ name, span: { file: mod.path, start: from + (m.index ?? 0), end: from + (m.index ?? 0) + m[0].length } });
  }
  return out;
}

/** Nest files by convention: controllers (routes), and guards, strategies, middleware and interceptors (header reads). */
const NEST_FILE = /\.(controller|guard|strategy|middleware|interceptor)\.[cm]?[jt]s$/;
const NEST_MODULE_FILE = /\.module\.[cm]?[jt]s$/;
const NEST_SKIP_DIR = /^(node_modules|dist|build|coverage|test|tests|__tests__|\..*)$/;

/**
 * The files below `dir` in breadth-first order, as Nest's conventions are searched (NEST_SKIP_DIR directories left
 * out; names without a dot taken for directories), after at most `budget` listed entries: a huge tree is cut, not read.
 */
function nestPackageFiles(host: ProjectHost, dir: string, budget: number): string[] {
  return host.memo(`js:nest-files:${budget}:${dir}`, () => {
    const files: string[] = [];
    // Over the budget, what was found so far.
    walkTree(host, dir, budget, (rel, name) => {
      if (!name.includes('.')) return !NEST_SKIP_DIR.test(name);
      files.push(rel);
      return false;
    });
    return files;
  });
}
const NEST_ROUTE = /@(Get|Post|Put|Patch|Delete|Options|Head|All)\(\s*(?:['"`]([^'"`]*)['"`])?/g;
/** Passport's JWT extraction from the Authorization header (`ExtractJwt.fromAuthHeaderAsBearerToken()`). */
const NEST_BEARER = /\bExtractJwt\.fromAuth(?:HeaderAsBearerToken|HeaderWithScheme)\b/g;

/**
 * The controllers, guards and strategies of the Nest application whose bootstrap file is `main` (audit-15 case
 * 11): Nest finds them through its module graph, which is not followed here, so the files are found by Nest's
 * naming convention under the bootstrap file's directory (at most a few hundred, read as text, not parsed).
 * Their routes (`@Patch(':id')` under `@Controller('customer')`) and the request headers they read
 * (`@Headers('authorization')`, `request.headers.authorization`, passport-jwt's bearer extraction).
 */
function nestSources(host: ProjectHost, main: string): { routes: Route[]; reads: HeaderRead[]; appliesMiddleware: boolean } {
  return host.memo(`js:nest-sources:${main}`, () => {
    const routes: Route[] = [];
    const reads: HeaderRead[] = [];
    let appliesMiddleware = false;
    const slash = main.lastIndexOf('/');
    for (const rel of nestPackageFiles(host, slash < 0 ? '' : main.slice(0, slash), 2000)) {
      const name = rel.slice(rel.lastIndexOf('/') + 1);
      if (NEST_MODULE_FILE.test(name)) {
        // `configure(consumer) { consumer.apply(X).forRoutes(...) }`: middleware classes on the app.
        if (/\.apply\s*\(/.test(host.readFile(rel)?.text ?? '')) appliesMiddleware = true;
        continue;
      }
      if (!NEST_FILE.test(name) || /\.(spec|test)\./.test(name)) continue;
      const file = host.readFile(rel);
      if (!file) continue;
      reads.push(...headerReads(file));
      for (const m of file.text.matchAll(NEST_BEARER)) reads.push({ name: 'authorization', span: { file: rel, start: m.index ?? 0, end: (m.index ?? 0) + m[0].length } });
      // `@Headers() headers: Record<string, string>` then `headers.authorization` / `headers['x-api-key']`.
      for (const p of new Set([...file.text.matchAll(/@Headers\(\s*\)\s*(\w+)/g)].map((m) => m[1] as string))) {
        for (const m of file.text.matchAll(new RegExp(`\\b${p}(?:\\??\\.([A-Za-z_]\\w*)(?![\\w$]|\\s*\\()|\\[\\s*['"]([^'"]+)['"]\\s*\\])`, 'g'))) {
          const name = (m[1] ?? m[2] ?? '').toLowerCase();
          if (!clientSetHeader(name)) continue;
          reads.push({ name, span: { file: rel, start: m.index ?? 0, end: (m.index ?? 0) + m[0].length } });
        }
      }
      const ctl = /@Controller\(\s*(?:['"`]([^'"`]*)['"`]|\{[^}]*\bpath\s*:\s*['"`]([^'"`]*)['"`])?/.exec(file.text);
      if (!ctl) continue;
      const prefix = (ctl[1] ?? ctl[2] ?? '').replace(/^\/+|\/+$/g, '');
      for (const m of file.text.matchAll(NEST_ROUTE)) {
        const sub = (m[2] ?? '').replace(/^\/+/, '');
        const path = '/' + [prefix, sub].filter(Boolean).join('/');
        const at = m.index ?? 0;
        routes.push({ methods: [(m[1] as string).toUpperCase()], path, span: { file: rel, start: at, end: at + m[0].length } });
      }
    }
    return { routes, reads, appliesMiddleware };
  });
}

/** Where a layer sits in the app's own code: the mount of its router, or the call of the function that added it. */
function placeOf(reg: Registration, mount: Registration | undefined): { mount?: Registration } {
  const m = mount ?? reg;
  return m.site ? { mount: { ...m, mod: m.site.mod, call: m.site.call } } : mount ? { mount } : {};
}

class AppBuilder {
  readonly layers: Layer[] = [];
  readonly modules = new Set<JsModule>();
  private readonly visitedRouters = new Set<string>();

  /** Keys (`<file>:<offset>`) of the routers this app mounts. */
  get mountedRouters(): ReadonlySet<string> {
    return this.visitedRouters;
  }

  constructor(
    private readonly host: ProjectHost,
    private readonly env: EvalEnv,
  ) {}

  addRegistrations(regs: Registration[], prefix: string, depth: number, mount?: Registration): void {
    for (const reg of regs) {
      this.modules.add(reg.mod);
      const handlers = flattenHandlers(reg, this.env);
      for (const h of handlers) {
        if (reg.method === 'use') {
          const mountPrefix = reg.path === undefined ? prefix || undefined : joinPath(prefix, reg.path);
          const router = this.routerOf(h.value);
          if (router && depth < 8) {
            const key = router.key;
            if (!this.visitedRouters.has(key)) {
              this.visitedRouters.add(key);
              this.addRegistrations(router.regs, mountPrefix ?? '', depth + 1, mount ?? (reg.site ? { ...reg, mod: reg.site.mod, call: reg.site.call } : reg));
            }
            continue;
          }
          this.layers.push({ reg, path: mountPrefix, prefix: mountPrefix, handler: h.value, handlerNode: h.node, ...placeOf(reg, mount) });
        } else {
          this.layers.push({ reg, path: joinPath(prefix, reg.path), prefix: undefined, handler: h.value, handlerNode: h.node, ...placeOf(reg, mount) });
        }
      }
    }
  }

  private routerOf(v: JsValue): { mod: JsModule; key: string; regs: Registration[] } | undefined {
    let target = v;
    if (target.t === 'ns') target = evaluate(target.node, target.mod, this.env);
    if (target.t !== 'ext' || !/Router\(\)$/.test(target.name)) return undefined;
    const mod = target.mod;
    const scan = scanModule(mod, this.host);
    const key = `${mod.path}:${rangeOf(target.node)[0]}`;
    const entry = scan.byReceiver.get(key);
    return entry ? { mod, key, regs: entry.reg } : { mod, key, regs: [] };
  }
}

/** The registrations of one app, router, or app a function receives (`param`), over the modules of the project. */
type Group = { key: string; kind: 'app' | 'router' | 'unknown'; node: AstNode; name: string; home: string; regs: Registration[]; ports: number[]; portDefaults: { port: number; env: string }[]; param?: { fn: AstNode; index: number }; endpoint?: SocketIoEndpoint };

function extractApps(files: SourceFile[], host: ProjectHost, result: ExtractResult): void {
  const env: EvalEnv = { host };
  // Registrations of one app may be spread over several modules (`export const app = express()` in one file,
  // `app.use(cors())` in another): group them by the node that created the app.
  const groups = new Map<string, Group>();
  const scanned = new Set<string>();
  const addScan = (mod: JsModule) => {
    if (scanned.has(mod.path)) return;
    scanned.add(mod.path);
    for (const [key, entry] of scanModule(mod, host).byReceiver) {
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { key, kind: entry.kind, node: entry.node, name: entry.name, home: key.slice(0, key.indexOf(':')), regs: [], ports: [], portDefaults: [], ...(entry.param ? { param: entry.param } : {}), ...(entry.endpoint ? { endpoint: entry.endpoint } : {}) }));
      g.regs.push(...entry.reg);
      g.ports.push(...(entry.ports ?? []));
      g.portDefaults.push(...(entry.portDefaults ?? []));
    }
  };
  for (const f of files) {
    if (!isJsPath(f.path)) continue;
    const mod = loadModule(host, f.path);
    if (!mod) continue;
    result.parseErrors.push(...mod.parsed.errors);
    if (mod.program) addScan(mod);
  }
  // The module that creates an app holds its routes even when it never mentions CORS.
  for (const g of [...groups.values()]) {
    if (g.kind === 'app' && !scanned.has(g.home)) {
      const home = loadModule(host, g.home);
      if (home?.program) addScan(home);
    }
  }
  linkPassedApps(groups, scanned, host, env, addScan);
  settleNestGateways(groups, host, env);
  let counter = 0;
  const mountedRouters = new Set<string>();
  const build = (g: Group) => {
    const builder = new AppBuilder(host, env);
    builder.addRegistrations(g.regs, '', 0);
    for (const r of builder.mountedRouters) mountedRouters.add(r);
    // json-server's create() is an app of json-server's own express dependency (^4 in every 0.x), whatever
    // Express the project itself lists.
    const version = isJsonServerApp(g.node, g.home, host, env) ? { major: 4 } : expressVersion(host, g.home);
    const appId = `express:${g.key}`;
    const app: AppModel = {
      id: appId,
      kind: 'express',
      span: { file: g.home, start: rangeOf(g.node)[0], end: rangeOf(g.node)[1] },
      label: g.kind === 'router' ? `router ${g.name}` : `app ${g.name}`,
      framework: { name: 'express', ...(version.version ? { version: version.version } : {}), ...(version.span ? { span: version.span } : {}) },
      routes: [],
      readsHeaders: [],
      ...(g.ports.length ? { ports: [...new Set(g.ports)] } : {}),
      ...(g.portDefaults.length ? { portDefaults: g.portDefaults } : {}),
    };
    if (g.endpoint) {
      app.label = `Socket.IO server (${g.endpoint.path})`;
      app.framework = { name: 'socket.io' };
      app.interceptsPath = g.endpoint.path;
    }
    const nest = g.kind === 'unknown' && !g.endpoint ? nestAppOf(g.node, g.home, host, files, env) : undefined;
    // Its routes are its controllers' (as for the enableCors app of the same bootstrap, extractNest).
    if (nest) {
      app.framework = { name: 'nestjs' };
      if (nest.ownsRoutes) app.routes.push(...nestSources(host, g.home).routes);
    }
    const policies = buildPolicies(builder, app, g.kind, version.major, env, () => `${g.home}#${counter++}`, nest);
    if (g.endpoint) {
      const where = `Socket.IO's HTTP endpoint ${g.endpoint.path}`;
      for (const p of policies) {
        p.scope = { ...p.scope, label: where };
        p.endpoint = { label: where, note: "the Socket.IO server's `cors` option is run by engine.io with the cors package on the long-polling requests and their preflights" };
      }
    }
    if (g.kind === 'router' && policies.length === 0) return;
    // The request headers a module reads are its Express routes', not those of a Socket.IO endpoint (whose clients
    // send extra headers only when told to, and whose handshake reads are not followed).
    if (!g.endpoint) for (const m of builder.modules) app.readsHeaders.push(...headerReads(m));
    // Middleware and handlers the app registers from other modules (`app.get('/x', auth.ensureUser, ...)`): the
    // headers they read, in those functions only (audit 12 case 16).
    const seenFns = new Set<AstNode>();
    for (const l of builder.layers) {
      if (l.handler.t !== 'func' || builder.modules.has(l.handler.mod) || seenFns.has(l.handler.fn)) continue;
      seenFns.add(l.handler.fn);
      app.readsHeaders.push(...headerReads(l.handler.mod, l.handler.fn));
    }
    // Token middleware reads the Authorization header itself (express-jwt; passport's jwt and bearer strategies).
    for (const l of builder.layers) {
      if (bearerMiddleware(l.handler, l.handlerNode)) app.readsHeaders.push({ name: 'authorization', span: spanOf(l.reg.mod, l.handlerNode) });
    }
    result.apps.push(app);
    result.policies.push(...policies);
  };
  // Apps first; routers only when no app of the candidates mounts them.
  for (const g of groups.values()) if (g.kind !== 'router') build(g);
  const appsBefore = result.policies.length;
  // An app-wide app.use(cors()) answers every preflight of the app, and a router whose mount was not followed
  // (`app.use('/api', makeRouter(db))`) may sit below it: its preflights are then not known to fail.
  const answeringCors = result.policies.find((p) => p.mechanism === 'cors-package' && p.scope.level === 'app' && p.preflight.known && p.preflight.value.handled === 'automatic');
  for (const g of groups.values()) if (g.kind === 'router' && !mountedRouters.has(g.key)) build(g);
  if (answeringCors) {
    for (const p of result.policies.slice(appsBefore)) {
      if (p.preflight.known && p.preflight.value.handled === 'missing') p.preflight = unknown(`the router may be mounted below app.use(cors()), which answers preflights`, answeringCors.span);
    }
  }
}

/**
 * Registrations on an app a function receives (`module.exports = (app) => { app.use(cors()) }`, called as
 * `require('./startup/cors')(app)`): they belong to each app or router the scanned modules pass to it, placed
 * where the call is in that app's registrations. A function called with nothing known keeps its own group.
 * The function may be a class's constructor (`new Server(app)`) or a method the class calls on itself
 * (`this.config(app)`), and the app may reach it through another function's parameter (`constructor(app) {
 * this.config(app) }`, audit 41 js D3): those registrations join that parameter's group, at the inner call,
 * and follow it to the app it is given.
 */
function linkPassedApps(groups: Map<string, Group>, scanned: Set<string>, host: ProjectHost, env: EvalEnv, addScan: (mod: JsModule) => void): void {
  // A function of a module that is not a candidate (it mentions neither CORS nor express()) may receive the app
  // (`require('./routes')(app)`): its registrations are the app's too, so that module is scanned as well.
  const appNames = new Set([...groups.values()].filter((g) => g.kind !== 'unknown').map((g) => g.name));
  for (const path of [...scanned]) {
    const mod = loadModule(host, path);
    if (!mod) continue;
    for (const call of [...mod.calls, ...mod.constructions]) {
      if (!args(call).some((a) => a.type === 'Identifier' && appNames.has(identName(a) as string))) continue;
      const fv = receivingFunction(call, mod, env);
      if (fv && !scanned.has(fv.mod.path) && fv.mod.program) addScan(fv.mod);
    }
  }
  if (![...groups.values()].some((g) => g.kind === 'unknown' && g.param)) return;
  const start = (n: AstNode) => rangeOf(n)[0];
  // The calls of each function, by the function they run (one evaluation per call, as the groups are many).
  type Site = { mod: JsModule; call: AstNode; arg: AstNode };
  const callsOf = new Map<AstNode, { mod: JsModule; call: AstNode }[]>();
  for (const path of [...scanned]) {
    const mod = loadModule(host, path);
    if (!mod) continue;
    for (const call of [...mod.calls, ...mod.constructions]) {
      const fv = receivingFunction(call, mod, env);
      if (!fv) continue;
      const list = callsOf.get(fv.fn);
      if (list) list.push({ mod, call });
      else callsOf.set(fv.fn, [{ mod, call }]);
    }
  }
  const sitesOf = (g: Group): Site[] =>
    (callsOf.get(g.param?.fn as AstNode) ?? []).flatMap(({ mod, call }) => {
      const arg = args(call)[g.param?.index ?? 0];
      return arg && arg.type !== 'SpreadElement' ? [{ mod, call, arg }] : [];
    });
  // Inner groups reached through an outer function's parameter: outer key -> (inner group, the inner call).
  const inner = new Map<string, { g: Group; site: Site }[]>();
  const sites = new Map<string, Site[]>();
  const pending = [...groups.values()].filter((g) => g.kind === 'unknown' && g.param);
  for (let i = 0; i < pending.length && i < 200; i++) {
    const g = pending[i] as Group;
    const list = sitesOf(g);
    sites.set(g.key, list);
    for (const site of list) {
      const k = receiverKey(site.mod, evaluate(site.arg, site.mod, env), unwrap(site.arg));
      if (!k || k.kind !== 'unknown' || !k.param || k.param.fn === g.param?.fn) continue;
      let outer = groups.get(k.key);
      if (!outer) {
        groups.set(k.key, (outer = { key: k.key, kind: 'unknown', node: k.node, name: identName(site.arg) ?? 'app', home: site.mod.path, regs: [], ports: [], portDefaults: [], param: k.param }));
        pending.push(outer);
      }
      const into = inner.get(k.key) ?? [];
      into.push({ g, site });
      inner.set(k.key, into);
    }
  }
  /** Places registrations made by a call among a group's own, after those of the calling module that run before it. */
  const place = (regs: Registration[], placed: Registration[], mod: JsModule, call: AstNode) => {
    let at = regs.length;
    for (let i = 0; i < regs.length; i++) {
      const r = regs[i] as Registration;
      if ((r.site?.mod ?? r.mod) === mod && compareRuns(r.site ? (runPath(mod, r.site.call, env) ?? [start(r.site.call)]) : runsAt(r), runPath(mod, call, env) ?? [start(call)]) > 0) {
        at = i;
        break;
      }
    }
    regs.splice(at, 0, ...placed);
  };
  /** A group's registrations with those of the functions it passes its parameter to, each at its call. */
  const withInner = (g: Group, depth: number, seen: Set<string>): Registration[] => {
    const regs = [...g.regs];
    if (depth >= 5 || seen.has(g.key)) return regs;
    const next = new Set([...seen, g.key]);
    for (const { g: ig, site } of inner.get(g.key) ?? []) {
      place(
        regs,
        withInner(ig, depth + 1, next).map((r) => ({ ...r, site: { mod: site.mod, call: site.call } })),
        site.mod,
        site.call,
      );
    }
    return regs;
  };
  const linked = new Set<string>();
  for (const g of pending) {
    for (const site of sites.get(g.key) ?? []) {
      const k = receiverKey(site.mod, evaluate(site.arg, site.mod, env), unwrap(site.arg));
      let target = k && k.kind !== 'unknown' ? groups.get(k.key) : undefined;
      // `new Server(express())`: an app made in the call and handed over whole.
      if (!target && k?.kind === 'app') groups.set(k.key, (target = { key: k.key, kind: 'app', node: k.node, name: 'app', home: site.mod.path, regs: [], ports: [], portDefaults: [] }));
      if (!target) continue;
      const placed = withInner(g, 0, new Set()).map((r) => ({ ...r, site: { mod: site.mod, call: site.call } }));
      place(target.regs, placed, site.mod, site.call);
      linked.add(g.key);
    }
  }
  // A group linked to an app, or passed on to one that is, is part of that app now.
  const consumed = new Set(linked);
  for (let changed = true, guard = 0; changed && guard < 10; guard++) {
    changed = false;
    for (const [outer, list] of inner) {
      if (!consumed.has(outer)) continue;
      for (const { g } of list) if (!consumed.has(g.key)) changed = consumed.add(g.key) !== undefined;
    }
  }
  for (const key of consumed) groups.delete(key);
  // An outer group made here that stayed unlinked holds only its inner groups' registrations, which stay in those.
  for (const key of inner.keys()) if (!consumed.has(key) && groups.get(key)?.regs.length === 0) groups.delete(key);
}

/**
 * The function a call or `new` runs with its arguments: calledFunction's, a method of the class of `this`
 * (`this.config(app)`), or a class's constructor (`new Server(app)`).
 */
function receivingFunction(call: AstNode, mod: JsModule, env: EvalEnv): { fn: AstNode; mod: JsModule } | undefined {
  if (call.type === 'NewExpression') {
    const callee = unwrap(child(call, 'callee') as AstNode);
    const cls = callee.type === 'Identifier' ? (classOf(callee, mod, env) ?? requiredClass(callee, mod, env)) : undefined;
    const ctor = cls ? classMember(cls.node, 'constructor') : undefined;
    return ctor ? { fn: ctor, mod: cls?.mod as JsModule } : undefined;
  }
  const callee = unwrap(child(call, 'callee') as AstNode);
  if (callee.type === 'MemberExpression' && unwrap(child(callee, 'object') as AstNode).type === 'ThisExpression') {
    const name = memberName(callee);
    const cls = instanceClass(callee);
    const fn = cls && name && name !== 'constructor' ? classMember(cls, name) : undefined;
    return fn ? { fn, mod } : undefined;
  }
  return calledFunction(call, mod, env);
}

/** A class a CommonJS module exports whole (`module.exports = Routes` / `= class {...}`), by `const X = require('./x')`. */
function requiredClass(id: AstNode, mod: JsModule, env: EvalEnv): { node: AstNode; mod: JsModule } | undefined {
  const b = lookup(mod, identName(id) as string, id);
  const source = b?.kind === 'var' && b.path.length === 0 && b.init ? isRequireCall(b.init) : undefined;
  const resolved = source !== undefined ? resolveSpecifier(env.host, mod.path, source) : undefined;
  const target = resolved ? loadModule(env.host, resolved) : undefined;
  const ref = target?.exports.get('default');
  if (!target || ref?.kind !== 'expr') return undefined;
  const e = unwrap(ref.node);
  if (e.type === 'ClassExpression' || e.type === 'ClassDeclaration') return { node: e, mod: target };
  const tb = e.type === 'Identifier' ? lookup(target, e.name as string, e) : undefined;
  return tb?.kind === 'class' ? { node: tb.node, mod: target } : undefined;
}

/** The function a call calls, when its callee is a name, a member or a call (`require('./x')(app)`). */
function calledFunction(call: AstNode, mod: JsModule, env: EvalEnv): (JsValue & { t: 'func' }) | undefined {
  // Cheap test first: most calls are of other shapes, and need no evaluation.
  const cu = unwrap(child(call, 'callee') as AstNode);
  if (cu.type !== 'Identifier' && cu.type !== 'MemberExpression' && cu.type !== 'CallExpression') return undefined;
  const fv = evaluate(cu, mod, env);
  return fv.t === 'func' ? fv : undefined;
}

/**
 * A NestJS app on the Express adapter whose `app.use` layers are modelled (`const app = await NestFactory.create(M)`).
 * `othersMayAnswer`: why something outside its `app.use` layers may end OPTIONS requests (enableCors, the create
 * option, module middleware), when it may.
 */
interface NestApp {
  othersMayAnswer?: string;
  /**
   * No enableCors() or create option in the project: no NestJS app of extractNest stands for this bootstrap, so
   * this app carries the controllers' routes (otherwise that app does, and simulate picks it, as before).
   */
  ownsRoutes: boolean;
}

/** Body parsers, which pass every OPTIONS request on (they read bodies only). */
const PASS_THROUGH = /^(express|body-parser)\.(json|urlencoded|text|raw)\(\)$/;
/** Packages whose middleware passes every OPTIONS request on (none of them answers OPTIONS). */
const PASS_THROUGH_PACKAGES = new Set(['helmet', 'compression', 'cookie-parser', 'morgan']);

/** `helmet()` where `helmet` is imported or required from one of PASS_THROUGH_PACKAGES. */
function passThroughCall(node: AstNode, mod: JsModule): boolean {
  const n = unwrap(node);
  const callee = n.type === 'CallExpression' ? unwrap(child(n, 'callee') as AstNode) : undefined;
  if (callee?.type !== 'Identifier') return false;
  const b = lookup(mod, callee.name as string, callee);
  if (b?.kind === 'import') return PASS_THROUGH_PACKAGES.has(b.source);
  if (b?.kind !== 'var' || !b.init || b.path.length) return false;
  const init = unwrap(b.init);
  return init.type === 'CallExpression' && identName(child(init, 'callee')) === 'require' && PASS_THROUGH_PACKAGES.has(staticString(args(init)[0]) ?? '');
}

/** Whether a layer may end an OPTIONS request (a route for OPTIONS, cors(), a middleware that answers it, unknown code). */
function mayEndOptions(l: Layer, env: EvalEnv): boolean {
  if (l.reg.method === 'options' || l.reg.method === 'all') return true;
  if (l.reg.method !== 'use') return false;
  if (isErrorHandler(l.handler)) return false;
  if (l.handler.t === 'ext') return !PASS_THROUGH.test(l.handler.name);
  if (l.handler.t !== 'func') return !passThroughCall(l.handlerNode, l.reg.mod);
  if (l.reg.server || !isExpressLike(l.handler.fn) || endsEveryRequest(l)) return true;
  return analyzeManual(l.handler.fn, l.handler.mod, env).endsOnOptions || !!bareOptionsAnswer(l.handler.fn, l.handler.mod);
}

/**
 * The NestJS app an app group is, when the group's receiver is a `const app = await NestFactory.create(...)` on the
 * Express adapter; undefined for anything else (a Fastify or unknown adapter keeps the Express model's answer).
 */
function nestAppOf(node: AstNode, home: string, host: ProjectHost, files: SourceFile[], env: EvalEnv): NestApp | undefined {
  const decl = parentOf(node);
  if (decl?.type !== 'VariableDeclarator' || child(decl, 'id') !== node) return undefined;
  let init = child(decl, 'init');
  if (!init) return undefined;
  init = unwrap(init);
  if (init.type === 'AwaitExpression') init = unwrap(child(init, 'argument') as AstNode);
  if (init.type !== 'CallExpression' || !isNestCreate(init)) return undefined;
  const mod = loadModule(host, home);
  if (!mod?.program || (nestCreateAdapter(init, mod) ?? nestAdapter(host, mod)) !== 'express') return undefined;
  // enableCors() (here or in a file it is passed to) and the create option are app.use(cors()) layers that end
  // every OPTIONS request (extracted by extractNest as their own policies); module middleware runs after app.use
  // layers (MiddlewareModule, registered in init()) and may end them too.
  const a = args(init);
  const createOptions = a.length >= 3 ? a[2] : a[1];
  const opts = createOptions ? evaluate(createOptions, mod, env) : undefined;
  const corsOpt = opts?.t === 'object' ? opts.props.get('cors') : opts ? { t: 'unknown' as const } : undefined;
  if (corsOpt && !(corsOpt.t === 'bool' && !corsOpt.v)) return { othersMayAnswer: 'the NestJS create option cors may answer OPTIONS requests', ownsRoutes: false };
  // (A call in code, not the word: comments do not count.)
  const callsEnableCors = (m: JsModule | undefined) => !!m?.program && /\benableCors\b/.test(m.text) && m.calls.some((c) => memberName(unwrap(child(c, 'callee') as AstNode)) === 'enableCors');
  if (callsEnableCors(mod) || files.some((f) => isJsPath(f.path) && /\benableCors\b/.test(f.text) && callsEnableCors(loadModule(host, f.path)))) return { othersMayAnswer: 'enableCors() may answer OPTIONS requests', ownsRoutes: false };
  if (nestBootstraps(host, home).length === 1 && nestGraphqlRegistrations(host, home, env).length) return { othersMayAnswer: "GraphQLModule's cors may answer OPTIONS requests", ownsRoutes: false };
  const sources = nestSources(host, home);
  // Module middleware that extractNest models makes its NestJS app, which then carries the routes.
  if (nestBootstraps(host, home).length === 1 && nestModuleMiddleware(host, home, env).layers.length) return { othersMayAnswer: 'a module middleware (consumer.apply) may answer OPTIONS requests', ownsRoutes: false };
  if (sources.appliesMiddleware) return { othersMayAnswer: 'a module middleware (consumer.apply) may answer OPTIONS requests', ownsRoutes: true };
  // An @Options() or @All() handler answers the OPTIONS requests of its path (200 with NestJS 10.4).
  if (sources.routes.some((r) => r.methods.includes('OPTIONS') || r.methods.includes('ALL'))) return { othersMayAnswer: 'a controller answers OPTIONS requests (@Options or @All) for some paths', ownsRoutes: true };
  return { ownsRoutes: true };
}

function buildPolicies(
  builder: AppBuilder,
  app: AppModel,
  receiverKind: 'app' | 'router' | 'unknown',
  major: number | undefined,
  env: EvalEnv,
  nextId: () => string,
  nest?: NestApp,
): CorsPolicy[] {
  const layers = builder.layers;
  const policies: CorsPolicy[] = [];
  const jsonApp = layers.some((l) => l.reg.method === 'use' && isJsonParser(l.handler));

  // Middleware that answers every request of its mount path (json-server's router): a layer of the same module
  // registered after it on that path never runs (error handlers aside), and one on a wider path runs only for the
  // other paths, like the routes before a CORS middleware of cors-semantics §1.4 (checked with json-server 0.17.4
  // and curl, audit 42 js c05/c06).
  const catchAlls = layers.flatMap((l, index) => {
    const what = answersAllOf(l);
    if (what === undefined) return [];
    const kind: 'route' | 'router' | 'middleware' = l.reg.method !== 'use' ? 'route' : what === HAND_WRITTEN_CATCH_ALL ? 'middleware' : 'router';
    return [{ layer: l, index, what, kind }];
  });
  const sameModule = (a: Layer, b: Layer) => (a.mount ?? a.reg).mod === (b.mount ?? b.reg).mod;
  const catchAllBefore = (l: Layer, index: number) =>
    isErrorHandler(l.handler) ? undefined : catchAlls.find((c) => c.index < index && sameModule(c.layer, l) && useCovers(c.layer.prefix, l.path ?? l.prefix));
  for (const c of catchAlls) {
    // (A catch-all route is a route of the app already.)
    if (c.kind === 'route' || catchAllBefore(c.layer, c.index)) continue;
    app.routes.push({ methods: ['USE'], path: c.layer.prefix ?? '/', span: spanOf(c.layer.reg.mod, c.layer.handlerNode), answersAll: c.what });
  }

  // Routes (one per registration, whatever the number of handlers).
  const seenRegs = new Set<Registration>();
  for (const [index, l] of layers.entries()) {
    if (l.reg.method === 'use') continue;
    const methods = l.reg.method === 'all' ? ['ALL'] : [l.reg.method === 'del' ? 'DELETE' : l.reg.method.toUpperCase()];
    const pathSpan = l.reg.pathNode ? spanOf(l.reg.mod, l.reg.pathNode) : spanOf(l.reg.mod, l.reg.call);
    // A route behind a catch-all never answers, but Express 5 still compiles its path when it is registered, and
    // throws at start-up on a bad one (audit 50 suites c61: SonarJS's fixture with four `'*'` routes). It is kept
    // for that error only.
    if (catchAllBefore(l, index)) {
      const err = major === 5 && l.reg.path !== undefined && !seenRegs.has(l.reg) ? express5PathErrorOf(l.reg, env) : undefined;
      if (err) app.routes.push({ methods, path: l.path ?? '/', span: pathSpan, pathError: err });
      seenRegs.add(l.reg);
      continue;
    }
    if (seenRegs.has(l.reg)) continue;
    seenRegs.add(l.reg);
    const route: Route = { methods, path: l.path ?? '/', span: { ...pathSpan, start: pathSpan.start, end: pathSpan.end }, range: spanOf(l.reg.mod, l.reg.call) };
    if (major === 5 && l.reg.path !== undefined) {
      const err = express5PathErrorOf(l.reg, env);
      if (err) route.pathError = err;
    }
    // In a chain (`router.route('/:id').get(...).delete(...)`) the path is written once: each method's route is
    // placed at its own `.delete` (audit 48 c16), and a path error at the path.
    const callee = unwrap(child(l.reg.call, 'callee') as AstNode);
    const property = callee.type === 'MemberExpression' ? child(callee, 'property') : undefined;
    if (!route.pathError && property && routeChainBase(unwrap(child(callee, 'object') as AstNode))) route.span = spanOf(l.reg.mod, property);
    const handlers = flattenHandlers(l.reg, env);
    const json = jsonApp || handlers.some((h) => isJsonParser(h.value));
    // A route reads a JSON body when a JSON parser runs before it and a handler of its own reads the body (a POST
    // that reads none, `/logout`, may be sent without one, so without Content-Type: application/json).
    if (json && ['POST', 'PUT', 'PATCH', 'ALL'].includes(methods[0] as string) && handlers.some((h) => h.value.t === 'func' && readsBody(h.value))) route.jsonBody = true;
    app.routes.push(route);
  }
  // `app.use('*', cors())` also goes through path-to-regexp in Express 5.
  for (const l of layers) {
    if (l.reg.method !== 'use' || major !== 5 || l.reg.path === undefined) continue;
    const err = express5PathErrorOf(l.reg, env);
    if (err && l.reg.pathNode) app.routes.push({ methods: ['USE'], path: l.reg.path, span: spanOf(l.reg.mod, l.reg.pathNode), pathError: err });
  }

  const answersOptions = (path: string | undefined, self: Layer): Span | undefined => {
    for (const l of layers) {
      if (l === self) continue;
      const isCorsLayer = l.handler.t === 'ext' && l.handler.name === 'cors()';
      if (l.reg.method === 'use' && isCorsLayer && useCovers(l.prefix, path)) return spanOf(l.reg.mod, l.reg.call);
      if ((l.reg.method === 'options' || l.reg.method === 'all') && pathCovers(l.reg.path === undefined ? undefined : l.path, path)) return spanOf(l.reg.mod, l.reg.call);
    }
    return undefined;
  };

  /** An OPTIONS route whose handler is cors() and whose path covers every path a `use` layer sees. */
  const optionsCorsFor = (use: Layer): Layer | undefined =>
    layers.find((x) => x !== use && x.reg.method === 'options' && x.handler.t === 'ext' && x.handler.name === 'cors()' && x.path !== undefined && pathCovers(x.path, `${use.prefix && use.prefix !== '/' ? use.prefix : ''}/__any__`));

  // app.use(cors(...)) layers that add Vary: Origin to every response they see (any origin option but '*').
  const varyLayers: Layer[] = [];
  /** Earlier app.use(cors(...)) layers that send CORS headers: they are on every response after them, errors too. */
  const corsLayers: Layer[] = [];
  /** Earlier app.use(cors(...)) layers that answer every OPTIONS request themselves: an OPTIONS route after them never runs. */
  const endsOptions: Layer[] = [];
  // app.use(cors({ credentials: true, ... })) layers: the responses they see carry Access-Control-Allow-Credentials.
  const credentialLayers: Layer[] = [];
  // app.use(cors({ origin(o, cb) { ... cb(new Error()) } })) layers: a refused origin ends in the error handler,
  // so what runs after them only ever sees the origins they allow (§1.2).
  const gateLayers: { layer: Layer; origin: Valued<OriginPolicy> }[] = [];
  // Where each layer's policy sits, for what a later layer adds to the responses that pass through it.
  const varyAt: { index: number; layer: Layer }[] = [];
  const manualAt: { index: number; layer: Layer; policy: CorsPolicy; passesOn: boolean }[] = [];
  const corsUseAt: { index: number; layer: Layer; origin: OriginPolicy }[] = [];

  /** Whether the responses of a catch-all carry CORS headers of an earlier layer that covers its whole path. */
  const catchAllHasCors = (c: (typeof catchAlls)[number]): boolean =>
    layers.some((x, i) => i < c.index && x.reg.method === 'use' && x.handler.t === 'ext' && x.handler.name === 'cors()' && useCovers(x.prefix, c.layer.prefix) && !catchAllBefore(x, i)) ||
    manualAt.some((m) => m.index < c.index && m.passesOn && m.layer.reg.method === 'use' && useCovers(m.layer.prefix, c.layer.prefix) && m.policy.origin.known && m.policy.origin.value.kind !== 'none');
  const catchAllLabel = (c: (typeof catchAlls)[number]) => (c.layer.prefix && c.layer.prefix !== '/' ? `${c.what} on ${c.layer.prefix}` : c.what);
  const catchAllStep = (c: (typeof catchAlls)[number], whole: boolean): ShadowingStep => ({
    kind: 'middleware',
    span: spanOf(c.layer.reg.mod, c.layer.handlerNode),
    label: catchAllLabel(c),
    effect: whole
      ? `answers every request of its path${c.kind === 'router' ? ' (its resources, 404 for the rest)' : ''} and passes none on, so this CORS handling never runs`
      : `answers every request of its path${c.kind === 'router' ? ' (its resources, 404 for the rest)' : ''} before the CORS middleware runs, so those responses carry no CORS headers`,
    fix: c.kind === 'route' ? 'Register the CORS middleware before the catch-all route.' : c.kind === 'router' ? 'Register the CORS middleware before the router.' : 'Register the CORS middleware before that middleware.',
  });

  // Modules where an earlier layer takes every request and never passes it on, kept up to date as the layers are
  // walked (each layer is asked once, where a look back over all earlier layers was quadratic in the routes).
  const endedModules = new Set<JsModule>();
  layers.forEach((l, index) => {
    // After a middleware that takes every request and never passes it on (a 404 handler, `next(createError(404))`),
    // the layers of the same module never run, error handlers aside.
    const mod = (l.mount ?? l.reg).mod;
    const ended = endedModules.has(mod);
    if (endsEveryRequest(l)) endedModules.add(mod);
    const errorHandler = isErrorHandler(l.handler);
    // (A CORS layer behind a catch-all the model is sure of is kept, below, for cors-middleware-order.)
    if (!errorHandler && ended && !catchAllBefore(l, index)) return;
    const isCors = l.handler.t === 'ext' && l.handler.name === 'cors()';
    // `app.all('*', (req, res, next) => ...)` runs for every request like app.use (the classic tutorial shape).
    const allPaths = l.reg.method === 'all' && (l.reg.path === undefined || WILDCARD_PATHS.has(l.reg.path));
    const isUse = l.reg.method === 'use' || (allPaths && !isCors);
    const guard = l.handler.t === 'ext' ? l.handler.guard : undefined;
    const guardPaths = isUse && l.reg.method === 'use' ? guard?.paths : undefined;
    const scope: Scope = guardPaths
      ? // A cors() run by a middleware for `req.path.startsWith('/x')` only (guardedCors): req.path is below the mount.
        // Mount-style prefixes are what the model has: they leave out `/xy` for a prefix `/x`, and Express compares
        // them without case where startsWith does not; `req.path === '/x'` is the route `/x`.
        guardPaths.kind === 'prefix'
        ? { level: 'router', paths: guardPaths.values.map((p) => joinPath(l.prefix ?? '', p)), label: `requests whose path starts with ${guardPaths.values.map((p) => `'${joinPath(l.prefix ?? '', p)}'`).join(' or ')}` }
        : { level: 'route', paths: guardPaths.values.map((p) => joinPath(l.prefix ?? '', p)), exact: true, label: `requests for ${guardPaths.values.map((p) => `'${joinPath(l.prefix ?? '', p)}'`).join(' or ')}` }
      : isUse
        ? { level: l.prefix ? 'router' : receiverKind === 'router' ? 'router' : 'app', ...(l.prefix ? { paths: [l.prefix] } : {}), label: l.prefix ? `app.use('${l.prefix}')` : 'app' }
        : { level: 'route', paths: [l.path ?? '/'], methods: [l.reg.method === 'del' ? 'DELETE' : l.reg.method.toUpperCase()], label: `route ${l.reg.method.toUpperCase()} ${l.path ?? '/'}` };
    // The requests a guarded cors() applies to, when no path scope says them: the policy's condition (unless the
    // registration itself is under one, which says more: the simulator cannot answer either way).
    // Paths the guard leaves out, as patterns (`/x*`: the path starts with `/x`) the simulator matches against the path.
    if (guard?.except?.length && isUse && l.reg.method === 'use') {
      scope.except = guard.except.map((x) => ({ path: joinPath(l.prefix ?? '', x.value) + (x.kind === 'prefix' ? '*' : '') }));
      if (guard.exceptOnly) scope.label = `${scope.label} (except ${guard.except.map((x) => `'${joinPath(l.prefix ?? '', x.value)}'${x.kind === 'prefix' ? ' and below' : ''}`).join(', ')})`;
    }
    if (guard?.methods && isUse && l.reg.method === 'use') {
      scope.methods = guard.methods;
      scope.label = `${scope.label} (${guard.methods.join(', ')} requests)`;
    }
    const guardCondition = guard && !guardPaths && !(guard.exceptOnly && isUse && l.reg.method === 'use') && !(guard.methods && isUse && l.reg.method === 'use') && !conditionOf(l).condition ? { condition: { span: spanOf(l.handler.mod, guard.node), text: guard.text, onRequest: true as const } } : {};

    // Behind a catch-all of its path (json-server's router), a layer never runs. A CORS layer there sends nothing;
    // it is kept as a policy that says so, for cors-middleware-order, unless the catch-all's own responses carry
    // CORS headers of an earlier layer (then nothing is wrong but dead code).
    const deadBy = catchAllBefore(l, index);
    if (deadBy) {
      const base = isCors ? undefined : l.handler.t === 'func' ? manualPolicy(analyzeManual(l.handler.fn, l.handler.mod, env), l.handler.fn, l.handler.mod, env) : undefined;
      const yoga = isCors && l.handler.t === 'ext' && l.handler.yoga === true;
      const mechanism: CorsPolicy['mechanism'] | undefined = yoga ? 'graphql-yoga' : isCors ? 'cors-package' : base ? 'express-manual' : undefined;
      if (!mechanism || catchAllHasCors(deadBy)) return;
      const span = yoga ? spanOf(l.reg.mod, l.reg.call) : isCors ? spanOf(l.handler.mod, l.handler.node) : (base as NonNullable<typeof base>).span;
      const why = `${catchAllLabel(deadBy)} answers every request before this layer, which never runs`;
      const u = <T,>(): Valued<T> => unknown(why, span);
      policies.push({
        id: nextId(),
        kind: 'express',
        mechanism,
        layer: 'app',
        span,
        scope,
        appId: app.id,
        origin: known({ kind: 'none' }, span, why),
        credentials: known(false, span, why),
        allowMethods: u(),
        allowHeaders: u(),
        exposeHeaders: u(),
        maxAge: u(),
        varyOrigin: u(),
        preflight: u(),
        errorCoverage: u(),
        privateNetwork: known(false, span, why),
        headerWrites: [],
        shadowedBy: [catchAllStep(deadBy, true)],
        ...conditionOf(l),
      });
      return;
    }

    // Steps before an app-wide CORS layer that answer first (cors-semantics §1.4).
    const shadowedBy: ShadowingStep[] = [];
    // An auth middleware before it that passes preflights on but answers 401/403 itself: those responses
    // leave without the CORS headers (the browser shows a CORS error instead of the status).
    let answeredBefore: { label: string; statuses: number[]; span: Span } | undefined;
    // Under a mount path (`app.use('/api', authenticate, cors(), router)`), only what runs for that path counts:
    // app-wide middleware, middleware mounted on the path or above it, routes below it.
    const under = (p: string | undefined) => !l.prefix || (p !== undefined && useCovers(l.prefix, p));
    const above = (p: string | undefined) => !l.prefix || useCovers(p, l.prefix);
    // An error handler runs only after next(err): that routes answer before it is how it is meant to run, not an
    // order problem.
    if (isUse && !errorHandler) {
      // The route has CORS of its own: cors() among its handlers, or a cors() layer before it that covers its
      // path (a router's own `router.use(cors())`), or a hand-written CORS middleware before it that passes every
      // request on. Asked only of routes (it looks back over the layers before them).
      const routeHasCors = (prev: Layer, prevIndex: number): boolean => {
        for (let i = 0; i <= prevIndex; i++) {
          const x = layers[i] as Layer;
          if (x.handler.t === 'ext' && x.handler.name === 'cors()' && (x.reg === prev.reg || (x.reg.method === 'use' && useCovers(x.prefix, prev.path)))) return true;
        }
        return manualAt.some((m) => m.index < prevIndex && m.passesOn && m.layer.reg.method === 'use' && useCovers(m.layer.prefix, prev.path) && m.policy.origin.known && m.policy.origin.value.kind !== 'none');
      };
      for (let prevIndex = 0; prevIndex < index; prevIndex++) {
        const prev = layers[prevIndex] as Layer;
        // Registrations in other modules run in an order imports decide; a router's layers take the place of
        // the app.use() that mounts it.
        if ((prev.mount ?? prev.reg).mod !== (l.mount ?? l.reg).mod) continue;
        // A catch-all on a path inside this layer's (one on a path around it makes this layer dead, above).
        const catchAll = catchAlls.find((c) => c.layer === prev);
        if (catchAll) {
          if (under(prev.prefix) && !catchAllBefore(prev, prevIndex) && !catchAllHasCors(catchAll)) shadowedBy.push(catchAllStep(catchAll, false));
          continue;
        }
        if (prev.reg.method === 'use' ? !above(prev.prefix) : !under(prev.path)) continue;
        if (prev.reg.method !== 'use' && prev.reg.method !== 'options') {
          if (routeHasCors(prev, prevIndex)) continue;
          if (shadowedBy.some((s) => s.kind === 'route' && s.span.start === rangeOf(prev.reg.call)[0])) continue;
          shadowedBy.push({
            kind: 'route',
            span: spanOf(prev.reg.mod, prev.reg.call),
            label: `${prev.reg.method.toUpperCase()} ${prev.path ?? '/'}`,
            effect: 'answers before the CORS middleware runs, so its responses carry no CORS headers',
          });
        } else if (prev.reg.method === 'use') {
          const auth = authMiddleware(prev.handler);
          // An OPTIONS route with cors() registered before the auth middleware, on every path this layer sees,
          // answers the preflights first (audit 47 js, Unleash's `app.options('/api/frontend*', cors)`).
          // It may cover this layer's paths or the auth middleware's (`app.options('/api/*', cors())` before
          // `app.use('/api', auth)`, with cors() app-wide after both: audit 49 D6).
          const answeredFirst = () => [optionsCorsFor(l), optionsCorsFor(prev)].some((o) => o !== undefined && layers.indexOf(o) < prevIndex);
          if (auth && !auth.passesPreflights && !answeredFirst()) {
            shadowedBy.push({
              kind: 'auth',
              span: spanOf(prev.reg.mod, prev.handlerNode),
              label: auth.label,
              effect: 'rejects preflight requests (they carry no credentials) before the CORS middleware answers them',
            });
          } else if (auth && !answeredBefore) answeredBefore = { label: auth.label, statuses: auth.statuses, span: spanOf(prev.reg.mod, prev.handlerNode) };
        }
      }
    }
    // A route's own OPTIONS cors() (`app.options('/me', cors())`) answers the preflights of its path only if nothing
    // mounted before it on that path answers them first: an auth middleware there rejects them (audit 33 repro r20,
    // checked by the audit with Express 4: 401 without CORS headers).
    if (isCors && !isUse && (l.reg.method === 'options' || l.reg.method === 'all')) {
      for (let prevIndex = 0; prevIndex < index; prevIndex++) {
        const prev = layers[prevIndex] as Layer;
        if ((prev.mount ?? prev.reg).mod !== (l.mount ?? l.reg).mod || prev.reg.method !== 'use' || !useCovers(prev.prefix, l.path)) continue;
        const auth = authMiddleware(prev.handler);
        if (auth && !auth.passesPreflights) {
          shadowedBy.push({ kind: 'auth', span: spanOf(prev.reg.mod, prev.handlerNode), label: auth.label, effect: 'rejects preflight requests (they carry no credentials) before this OPTIONS route answers them' });
        }
      }
    }

    // An earlier app.use(cors()) that ends every OPTIONS request this layer would see (§1.1).
    const endedBy = endsOptions.find((v) => useCovers(v.prefix, l.path ?? l.prefix));
    if (isCors && l.handler.t === 'ext' && l.handler.yoga) {
      // graphql-yoga's own CORS plugin (yoga.ts): it answers every request of its mount, OPTIONS included.
      const create = l.handler.node;
      let fields = yogaFields(yogaCorsOption(create, l.handler.mod, env), create, l.handler.mod);
      const span = spanOf(l.reg.mod, l.reg.call);
      // An earlier cors() with credentials: yoga sends no Access-Control-Allow-Credentials of its own with
      // `credentials: false`, and the earlier one stays on the response (checked with Express 5 and yoga 5.24).
      const credBy = credentialLayers.find((v) => useCovers(v.prefix, l.path ?? l.prefix));
      if (credBy && fields.credentials.known && !fields.credentials.value) {
        fields = { ...fields, credentials: known(true, spanOf(credBy.reg.mod, credBy.reg.call), 'an earlier cors() middleware sends Access-Control-Allow-Credentials: true') };
      }
      const answersAll = isUse || l.reg.method === 'options' || l.reg.method === 'all';
      let preflight: Valued<PreflightHandling>;
      if (endedBy) {
        preflight = known({ handled: 'automatic', detail: 'an earlier cors() answers every OPTIONS request', span: spanOf(endedBy.reg.mod, endedBy.reg.call), elsewhere: true }, span);
      } else if (answersAll) preflight = known({ handled: 'automatic', detail: 'graphql-yoga answers every OPTIONS request itself', status: 204 }, span);
      else {
        const other = answersOptions(l.path, l);
        preflight = other
          ? known({ handled: 'explicit', span: other, detail: 'an OPTIONS route answers the preflight' }, span)
          : known({ handled: 'missing', detail: `OPTIONS ${l.path ?? '/'} reaches the router's automatic OPTIONS answer (200, Allow header, no CORS headers)` }, span);
      }
      if (isUse) endsOptions.push(l);
      const o = fields.origin.known ? fields.origin.value : undefined;
      // Vary: Origin goes with a reflected origin only: not with a fixed one, nor with the `null` sent to refused origins.
      const varyOrigin: Valued<boolean> =
        o?.kind === 'reflect-any'
          ? known(true, fields.origin.span, 'graphql-yoga adds Vary: Origin when it reflects the origin')
          : o?.kind === 'allow-list'
            ? known(false, fields.origin.span, VARY_ONLY_WHEN_ALLOWED)
            : known(false, fields.origin.span, VARY_SINGLE_STATIC_ORIGIN);
      policies.push({
        id: nextId(),
        kind: 'express',
        mechanism: 'graphql-yoga',
        layer: 'app',
        span,
        scope,
        appId: app.id,
        ...headerFields(fields),
        varyOrigin,
        preflight,
        errorCoverage: answeredBefore
          ? known({ covers: 'except-statuses', statuses: answeredBefore.statuses, detail: `${answeredBefore.label} registered before graphql-yoga answers ${answeredBefore.statuses.join('/')} itself` }, answeredBefore.span)
          : known({ covers: 'all' }, span),
        privateNetwork: known(false, span),
        headerWrites: [],
        shadowedBy,
        ...conditionOf(l),
      });
      return;
    }
    if (isCors) {
      const call = l.handler.node;
      const a = args(call);
      const optionsNode = l.handler.t === 'ext' && l.handler.corsOptions !== undefined ? (l.handler.corsOptions ?? undefined) : a[0];
      let fields;
      // A cors() a library adds with options of its own (json-server's defaults(), evaluate.ts jsonServerCall).
      if (l.handler.t === 'ext' && l.handler.corsPreset) fields = corsFields(l.handler.corsPreset, call, l.handler.mod, env);
      else if (optionsNode) {
        const ov = evaluate(optionsNode, l.handler.mod, l.handler.t === 'ext' ? withBound(env, l.handler) : env);
        if (ov.t === 'func') {
          // The options delegate `cors((req, cb) => cb(null, options))` (§1.1).
          fields = delegateFields(ov, call, l.handler.mod, env);
        } else fields = corsFields(ov, call, l.handler.mod, env);
      } else fields = corsFields(undefined, call, l.handler.mod, env);
      const span = spanOf(l.handler.mod, call);
      if (guard?.originUnknown) {
        // Every header of the layer goes only to the origins the check lets through.
        const at = spanOf(l.handler.mod, guard.node);
        fields = { ...fields, origin: unknown<OriginPolicy>(guard.originUnknown, at), credentials: fields.credentials.known && fields.credentials.value ? unknown<boolean>(guard.originUnknown, at) : fields.credentials };
      }
      // A guarded cors() that sends nothing (`origin: false`: cors calls next() at once, §1.2) is no policy.
      if (guard && fields.origin.known && fields.origin.value.kind === 'none') return;
      // A second cors() under an earlier one with credentials: its Access-Control-Allow-Credentials: true stays on
      // the response, which now carries this layer's Access-Control-Allow-Origin (a default cors() after a listed
      // one sends * with credentials; audit 11 case 04).
      // (An OPTIONS route after a cors() that ends every OPTIONS request never runs.)
      const credBy = credentialLayers.find((v) => v !== l && useCovers(v.prefix, l.path ?? l.prefix));
      const neverRuns = l.reg.method === 'options' && endedBy !== undefined;
      // This cors() allows credentials, but an earlier one without them answers every preflight first: the requests
      // that need one (PUT, DELETE, JSON POST, custom headers) fail it when credentialed (audit 53 jscreds c08,
      // LinkKeeper: app.use(cors()) then app.use(cors({ origin: list, credentials: true })); Express 4.22 answered the
      // preflight with * and no Access-Control-Allow-Credentials, so the browser refused the cookie-carrying PUT).
      const enderSpan = endedBy ? spanOf(endedBy.reg.mod, endedBy.reg.call) : undefined;
      const ender = enderSpan && policies.find((p) => p.mechanism === 'cors-package' && p.span.file === enderSpan.file && p.span.start >= enderSpan.start && p.span.end <= enderSpan.end);
      // (Only when this cors() is known to allow some origin: with `origin: process.env.X` and no default, whether any
      // credentialed request is meant to pass is not known.)
      const allowsSome = fields.origin.known && fields.origin.value.kind !== 'none';
      if (enderSpan && !neverRuns && allowsSome && fields.credentials.known && fields.credentials.value && ender?.credentials.known && !ender.credentials.value) {
        shadowedBy.push({
          kind: 'middleware',
          span: enderSpan,
          label: 'an earlier cors() without credentials',
          effect: 'answers every preflight itself, without Access-Control-Allow-Credentials: the credentialed requests this cors() allows fail their preflight when they need one (PUT, DELETE, JSON bodies, custom headers)',
          fix: 'Keep one cors() for these paths: remove the earlier one, or give it these options.',
        });
      }
      if (credBy && !neverRuns && fields.credentials.known && !fields.credentials.value) {
        fields = { ...fields, credentials: known(true, spanOf(credBy.reg.mod, credBy.reg.call), 'an earlier cors() middleware sends Access-Control-Allow-Credentials: true') };
      }
      // An OPTIONS route after a cors() that ends every OPTIONS request never runs: it sends nothing (audit 33).
      if (neverRuns) return;
      let preflight: Valued<PreflightHandling>;
      const status = fields.successStatus !== undefined ? { status: fields.successStatus } : {};
      // An earlier app.use(cors()) ends every OPTIONS request this layer would see (§1.1): the preflights are answered
      // there, with that layer's lists (audit 33 cases 13, 23: a narrower second cors() was checked for them).
      if (endedBy) {
        preflight = known({ handled: 'automatic', detail: 'an earlier cors() answers every OPTIONS request', span: spanOf(endedBy.reg.mod, endedBy.reg.call), elsewhere: true }, span);
      } else if (fields.preflightContinue.known && fields.preflightContinue.value) {
        // preflightContinue: the headers are set and OPTIONS goes on to the next handler (§1.1, §1.3).
        preflight = known({ handled: 'router-auto', detail: 'preflightContinue passes OPTIONS on to the next handler with the CORS headers set' }, fields.preflightContinue.span);
      } else if (!fields.preflightContinue.known) preflight = unknown(fields.preflightContinue.reason, fields.preflightContinue.span);
      else if (isUse) preflight = known({ handled: 'automatic', detail: 'app.use(cors()) answers every OPTIONS request', ...status }, span);
      else if (l.reg.method === 'options' || l.reg.method === 'all') preflight = known({ handled: 'explicit', span: spanOf(l.reg.mod, l.reg.call), ...status }, span);
      else {
        const other = answersOptions(l.path, l);
        preflight = other
          ? known({ handled: 'explicit', span: other, detail: 'an OPTIONS route answers the preflight' }, span)
          : known({ handled: 'missing', detail: `OPTIONS ${l.path ?? '/'} reaches the router's automatic OPTIONS answer (200, Allow header, no CORS headers)` }, span);
      }
      // (An origin callback that refuses skips cors altogether: those responses get no Vary, §1.2.)
      // A guarded cors() (guardedCors) sees some requests only: what later layers get from one that sees every
      // request of its path (its Vary, its credentials, its answer to every OPTIONS request) does not follow.
      const o = fields.origin.known && !guard ? fields.origin.value : undefined;
      if (l.reg.method === 'use' && o && o.kind !== 'none') {
        corsLayers.push(l);
        corsUseAt.push({ index, layer: l, origin: o });
      }
      // cors() ends every OPTIONS request it handles (§1.1), unless preflightContinue, or an origin callback that
      // refuses with `false` (it then calls next() without headers).
      if (l.reg.method === 'use' && o && fields.preflightContinue.known && !fields.preflightContinue.value && !(o.kind === 'allow-list' && o.onRefused === 'no-cors')) endsOptions.push(l);
      if (l.reg.method === 'use' && o && (o.kind === 'reflect-any' || o.kind === 'fixed' || (o.kind === 'allow-list' && o.onRefused !== 'no-cors'))) {
        varyLayers.push(l);
        varyAt.push({ index, layer: l });
        // cors sets Access-Control-Allow-Credentials on every response it handles, whatever the origin (§1.2).
        if (fields.credentials.known && fields.credentials.value) credentialLayers.push(l);
      }
      if (l.reg.method === 'use' && o?.kind === 'allow-list' && o.onRefused === 'error') gateLayers.push({ layer: l, origin: fields.origin });
      policies.push({
        id: nextId(),
        kind: 'express',
        mechanism: 'cors-package',
        layer: 'app',
        span,
        scope,
        appId: app.id,
        ...headerFields(fields),
        // cors adds Vary: Origin for every origin but '*' (§1.2).
        varyOrigin: known(true, span, 'the cors package adds Vary: Origin'),
        preflight,
        // Headers are set before next(), so Express's error handler keeps them (§1.3).
        errorCoverage: answeredBefore
          ? known({ covers: 'except-statuses', statuses: answeredBefore.statuses, detail: `${answeredBefore.label} registered before cors() answers ${answeredBefore.statuses.join('/')} itself` }, answeredBefore.span)
          : known({ covers: 'all' }, span),
        privateNetwork: known(false, span),
        headerWrites: [],
        shadowedBy,
        ...conditionOf(l),
        ...guardCondition,
      });
      return;
    }
    if (l.handler.t === 'func') {
      if (l.reg.method === 'options' && endedBy) return;
      /** An earlier app.use() hand-written middleware of the same path that passes every request on. */
      const earlierManual = (ok: (m: (typeof manualAt)[number]) => boolean) =>
        manualAt.find((m) => m.index < index && m.passesOn && m.layer.reg.method === 'use' && useCovers(m.layer.prefix, l.path ?? l.prefix) && ok(m));
      const analysis = analyzeManual(l.handler.fn, l.handler.mod, env);
      const base = manualPolicy(analysis, l.handler.fn, l.handler.mod, env);
      if (!base) return;
      // An earlier app.use(cors({ origin: [...] })) has already added Vary: Origin to the response (§1.2).
      const varyBy = varyLayers.find((v) => useCovers(v.prefix, l.path ?? l.prefix));
      if (varyBy && base.varyOrigin.known && !base.varyOrigin.value) base.varyOrigin = known(true, spanOf(varyBy.reg.mod, varyBy.reg.call), 'an earlier cors() middleware adds Vary: Origin');
      // ... and Access-Control-Allow-Credentials: true, which this middleware's own origin then gets.
      const credBy = credentialLayers.find((v) => useCovers(v.prefix, l.path ?? l.prefix));
      if (credBy && base.credentials.known && !base.credentials.value && !base.headerWrites.some((w) => w.name === 'access-control-allow-credentials')) {
        base.credentials = known(true, spanOf(credBy.reg.mod, credBy.reg.call), 'an earlier cors() middleware sends Access-Control-Allow-Credentials: true');
      }
      // ... or an earlier hand-written middleware that sends it on every response it passes on (audit 12 case 13).
      const manualCred = earlierManual((m) => m.policy.credentials.known && m.policy.credentials.value && m.policy.headerWrites.some((w) => w.name === 'access-control-allow-credentials' && w.op === 'set'));
      if (manualCred && base.credentials.known && !base.credentials.value && !base.headerWrites.some((w) => w.name === 'access-control-allow-credentials')) {
        base.credentials = known(true, manualCred.policy.credentials.span, 'an earlier middleware sends Access-Control-Allow-Credentials: true');
      }
      // Reflecting the origin after a cors() that refuses with an error reflects only the origins it allows.
      const gate = gateLayers.find((g) => useCovers(g.layer.prefix, l.path ?? l.prefix));
      if (gate?.origin.known && base.origin.known && base.origin.value.kind === 'reflect-any') {
        base.origin = known(gate.origin.value, gate.origin.span, 'an earlier cors() refuses every other origin with an error, so only the origins it allows reach this middleware');
      }
      builder.modules.add(l.handler.mod);
      let preflight: Valued<PreflightHandling>;
      const bare = l.reg.server ? bareOptionsAnswer(l.handler.fn, l.handler.mod) : undefined;
      const optionsCors = isUse ? optionsCorsFor(l) : undefined;
      if (endedBy) {
        // An earlier app-wide cors() ends every OPTIONS request (§1.1): this middleware never sees a preflight
        // (audit 14 case 09).
        preflight = known({ handled: 'automatic', detail: 'an earlier cors() answers every OPTIONS request', span: spanOf(endedBy.reg.mod, endedBy.reg.call), elsewhere: true }, base.span);
      } else if (isErrorHandler(l.handler)) {
        // An error handler sees only requests that failed: what answers preflights is before it.
        preflight = known({ handled: 'automatic', detail: 'an error handler answers only requests that failed', elsewhere: true }, base.span);
      }
      else if (analysis.endsOnOptions) preflight = known({ handled: 'explicit', detail: 'the middleware answers OPTIONS itself' }, base.span);
      else if (bare) {
        preflight = known(
          { handled: 'missing', detail: 'its OPTIONS branch returns a new response that carries none of these headers', span: spanOf(l.handler.mod, bare.node), ...(bare.status !== undefined ? { status: bare.status } : {}) },
          base.span,
        );
      } else if (l.reg.server) preflight = known({ handled: 'explicit', detail: 'the request handler answers every method itself' }, base.span);
      else if (optionsCors) {
        // `router.options('*', cors(...))` answers every preflight this middleware sees, before or after it, and
        // sets Allow-Methods and Allow-Headers itself (the requested headers when none are configured): this
        // middleware's never reach a preflight (audit 12 case 11).
        preflight = known({ handled: 'automatic', detail: 'an OPTIONS route with cors() answers every preflight', span: spanOf(optionsCors.reg.mod, optionsCors.reg.call), elsewhere: true }, base.span);
      }
      else if (isUse && nest) {
        // NestJS registers a catch-all not-found handler after the routes (NestApplication.registerRouterHooks), so the
        // router's automatic OPTIONS answer (§1.4) never runs: an OPTIONS request no layer ends gets 404, with the
        // headers this middleware set (checked with NestJS 10.4, also with a controller route for the path; an
        // @Options() handler answers 200). Missing only when nothing else of the app can end OPTIONS requests.
        const other = nest.othersMayAnswer ?? layers.find((x) => x !== l && mayEndOptions(x, env))?.handlerNode;
        preflight = other
          ? unknown(typeof other === 'string' ? other : 'another middleware of this NestJS app may answer OPTIONS requests', typeof other === 'string' ? base.span : spanOf(l.reg.mod, other))
          : known({ handled: 'missing', detail: "NestJS has no automatic OPTIONS answer: the request reaches Nest's not-found handler, which answers 404 (with these headers)", headersOnAnswer: true }, base.span);
      }
      else if (isUse) preflight = known({ handled: 'router-auto', detail: "headers set before next() stay on the router's automatic OPTIONS answer" }, base.span);
      else if (l.reg.method === 'options' || l.reg.method === 'all') preflight = known({ handled: 'explicit' }, base.span);
      else {
        const other = answersOptions(l.path, l);
        preflight = other ? known({ handled: 'explicit', span: other }, base.span) : known({ handled: 'missing', detail: `nothing answers OPTIONS ${l.path ?? '/'} with CORS headers` }, base.span);
      }
      policies.push({
        ...base,
        id: nextId(),
        scope,
        appId: app.id,
        preflight,
        // An OPTIONS route only answers preflights, which have no error responses of their own to cover. An
        // earlier app.use(cors()) puts its headers on the errors produced before the handler (as for Flask routes
        // under an app-wide policy).
        errorCoverage: isUse || l.reg.method === 'options'
          ? known({ covers: 'all' }, base.span)
          : corsLayers.some((v) => useCovers(v.prefix, l.path ?? l.prefix))
            ? known({ covers: 'all', detail: 'an earlier cors() middleware sets CORS headers on the responses produced before this handler' }, base.span)
            : earlierManual((m) => m.policy.origin.known && !allowsNoOrigin(m.policy.origin.value))
              ? known({ covers: 'all', detail: 'an earlier middleware sets CORS headers on the responses produced before this handler' }, base.span)
              : known(
              { covers: 'not-unhandled', detail: 'the headers are set inside a route handler, so responses produced before it (404s, body-parser and auth errors) carry none' },
              (base.headerWrites.find((w) => w.name === 'access-control-allow-origin') ?? base).span,
            ),
        shadowedBy,
        ...conditionOf(l),
      });
      if (isUse && l.handler.t === 'func') manualAt.push({ index, layer: l, policy: policies[policies.length - 1] as CorsPolicy, passesOn: isExpressLike(l.handler.fn) });
    }
  });
  // A middleware that passes every request on (`next()`) to a later app.use(cors({ origin: [...] })): cors adds
  // Vary: Origin to those responses too (§1.2), wherever it sits after it.
  for (const m of manualAt) {
    if (!m.passesOn || !m.policy.varyOrigin.known || m.policy.varyOrigin.value) continue;
    const later = varyAt.find((v) => v.index > m.index && useCovers(v.layer.prefix, m.layer.path ?? m.layer.prefix));
    if (later) m.policy.varyOrigin = known(true, spanOf(later.layer.reg.mod, later.layer.reg.call), 'a later cors() middleware adds Vary: Origin to the responses this one passes on');
  }
  // A middleware that sets the origin and passes on to a later app.use(cors()) whose origin is `*`, a fixed string or
  // every origin: cors sets its own Access-Control-Allow-Origin over it on every response (§1.2; audit 31 case 15,
  // checked with Express 5: "*" went out beside the middleware's credentials header).
  for (const m of manualAt) {
    if (!m.passesOn || !m.policy.origin.known || m.policy.origin.value.kind === 'none') continue;
    const later = corsUseAt.find((c) => c.index > m.index && useCovers(c.layer.prefix, m.layer.path ?? m.layer.prefix));
    if (!later || (later.origin.kind !== 'wildcard' && later.origin.kind !== 'fixed' && later.origin.kind !== 'reflect-any')) continue;
    const at = spanOf(later.layer.reg.mod, later.layer.reg.call);
    const cors = policies.find((p) => p.mechanism === 'cors-package' && p.span.file === at.file && p.span.start >= at.start && p.span.end <= at.end);
    if (!cors) continue;
    m.policy.preemptedOrigin = m.policy.origin;
    m.policy.origin = known({ kind: 'none' }, at, 'a later cors() middleware sets its own Access-Control-Allow-Origin over this one');
    // Its credentials header goes out beside cors' origin; only when it is sent whatever the origin (one sent to the
    // allowed origins only cannot be told apart in the model, and stays the middleware's).
    const everyOrigin = !m.policy.headerWrites.some((w) => w.name === 'access-control-allow-credentials' && w.whenOriginAllowed);
    if (everyOrigin && m.policy.credentials.known && m.policy.credentials.value && cors.credentials.known && !cors.credentials.value) {
      cors.credentials = known(true, m.policy.credentials.span, 'Access-Control-Allow-Credentials: true is set by a hand-written middleware');
    }
  }
  // app.use((req, res, next) => { res.header('Access-Control-Allow-Credentials', 'true'); next() }) with
  // app.use(cors()): cors leaves the credentials header (§1.2), so the browser sees it beside cors' origin: with
  // `*` credentialed requests fail, with a reflected origin any site reads with the user's cookies (audit 28 case 06).
  for (const c of policies) {
    if (c.mechanism !== 'cors-package' || c.scope.level !== 'app' || !c.origin.known || c.origin.value.kind === 'none') continue;
    if (!c.credentials.known || c.credentials.value) continue;
    const m = policies.find(
      (p) =>
        p.mechanism === 'express-manual' &&
        p.scope.level === 'app' &&
        p.appId === c.appId &&
        p.credentials.known &&
        p.credentials.value &&
        !p.headerWrites.some((w) => w.name === 'access-control-allow-origin'),
    );
    if (m) c.credentials = known(true, m.credentials.span, 'Access-Control-Allow-Credentials: true is set by a hand-written middleware');
  }
  return policies;
}

/** `cors(delegate)`: the options of the allow paths of `(req, callback) => callback(null, options)`. */
function delegateFields(f: JsValue & { t: 'func' }, call: AstNode, mod: JsModule, env: EvalEnv): ReturnType<typeof corsFields> {
  const fn = f.fn;
  const reqP = paramOf(fn, 0);
  const cbP = paramOf(fn, 1);
  const span = spanOf(f.mod, fn);
  const unknownAll = (reason: string) => {
    const u = <T>(): Valued<T> => unknown(reason, span);
    return {
      origin: u<OriginPolicy>(),
      credentials: u<boolean>(),
      allowMethods: u<TokenList>(),
      allowHeaders: u<TokenList>(),
      exposeHeaders: u<TokenList>(),
      maxAge: u<string | null>(),
      preflightContinue: u<boolean>(),
      successStatus: undefined,
    };
  };
  if (!cbP) return unknownAll('options delegate without a callback');
  const ctx: FlowContext = {
    mod: f.mod,
    env,
    isOrigin: (n) => isRequestOriginExpr(n, f.mod, reqP),
    isMethod: (n) => isRequestMethodExpr(n, f.mod, reqP),
    isChosen: (n) => isSenderChosenExpr(n, f.mod, reqP),
    isReferer: (n) => isRequestRefererExpr(n, f.mod, reqP),
    interesting: (c) => refersTo(f.mod, unwrap(child(c, 'callee') as AstNode), cbP),
  };
  // Options objects assigned on different paths (`let o; if (ok) o = {origin: true} else o = {origin: false}`) are
  // read by following assignments as effects too.
  const flow = followFunction(fn, ctx);
  if (flow.incomplete) return unknownAll(`options delegate: ${flow.incomplete}`);
  const allowPaths: Path[] = [];
  let chosen: ReturnType<typeof corsFields> | undefined;
  let echoesOrigin = false;
  for (const e of flow.effects) {
    const optNode = args(e.call)[1];
    if (!optNode) continue;
    const candidates = optionObjectsFor(optNode, f.mod, fn, env, ctx);
    if (!candidates) return unknownAll('options delegate: options computed at runtime');
    for (const c of candidates) {
      // { origin: req.header('Origin') }: cors sends the string it is given, so this is { origin: true } for every
      // request that has an Origin (one without it gets no CORS headers either way).
      const prop = c.value.t === 'object' ? c.value.keys.get('origin') : undefined;
      const echoed = prop?.type === 'Property' ? child(prop, 'value') : undefined;
      if (c.value.t === 'object' && echoed && ctx.isOrigin(echoed)) echoesOrigin = true;
      const value =
        c.value.t === 'object' && echoed && ctx.isOrigin(echoed)
          ? { ...c.value, props: new Map(c.value.props).set('origin', { t: 'bool' as const, v: true, node: echoed, mod: c.value.mod }) }
          : c.value;
      const fields = corsFields(value, call, mod, env);
      if (!fields.origin.known) return unknownAll('options delegate: origin unknown');
      if (fields.origin.value.kind === 'none') continue;
      if (fields.origin.value.kind !== 'reflect-any') {
        chosen ??= fields;
        if (c.path.length === 0 && e.path.length === 0) return fields;
        continue;
      }
      allowPaths.push([...e.path, ...c.path]);
      chosen ??= fields;
    }
  }
  if (!chosen) return { ...unknownAll('never enables CORS'), origin: known({ kind: 'none' }, span) };
  if (allowPaths.length === 0) return chosen;
  const set = allowedBy(allowPaths);
  const origin: Valued<OriginPolicy> = set.any
    ? known(
        { kind: 'reflect-any' },
        span,
        `${echoesOrigin ? "the options delegate sets origin to the request's Origin" : 'the options delegate enables { origin: true } for every origin'}${set.anyByReferer ? `; ${REFERER_NOTE}` : ''}`,
      )
    : known({ kind: 'allow-list', entries: set.entries, unknownEntries: set.unknown.map((n) => spanOf(f.mod, n)), onRefused: 'no-cors', ...(set.unknown.length ? { opaqueChecks: true } : {}) }, span);
  return { ...chosen, origin };
}

/** The options objects an identifier may hold, each with the path condition of its assignment. */
function optionObjectsFor(node: AstNode, mod: JsModule, fn: AstNode, env: EvalEnv, ctx: FlowContext): { value: JsValue; path: Path }[] | undefined {
  const n = unwrap(node);
  if (n.type === 'ConditionalExpression') {
    const c = condition(child(n, 'test') as AstNode, ctx);
    const yes = optionObjectsFor(child(n, 'consequent') as AstNode, mod, fn, env, ctx);
    const no = optionObjectsFor(child(n, 'alternate') as AstNode, mod, fn, env, ctx);
    if (!yes || !no) return undefined;
    return [...c.flatMap((conj) => yes.map((y) => ({ value: y.value, path: [...conj, ...y.path] }))), ...no];
  }
  const name = identName(n);
  if (name) {
    const b = lookup(mod, name, n);
    // Every change of this binding (a name of an inner scope that shadows it is another binding). Names in
    // `mod.mutations` include `x++`, `x += 1`, destructuring and for-in/of targets, member writes, and writes from
    // nested functions, anywhere in the module.
    const changes = b?.kind === 'var' ? (mod.mutations.get(name) ?? []).filter((m) => lookup(mod, name, m) === b) : [];
    // `var o = a; ... var o = b;` declares one binding twice: the second is a reassignment.
    if (b?.kind === 'var' && b.declKind === 'var') {
      walk(mod.program as AstNode, (d) => {
        if (d.type === 'VariableDeclarator' && identName(child(d, 'id')) === name && child(d, 'id') !== b.id && lookup(mod, name, d) === b) changes.push(d);
      });
    }
    const reassignments = changes.filter((m) => !(m.type === 'AssignmentExpression' && unwrap(child(m, 'left') as AstNode).type === 'MemberExpression') && m.type !== 'CallExpression');
    // `const corsOptions = cond ? { origin: true } : { origin: false }; callback(null, corsOptions)`; a `let` or `var`
    // never changed anywhere holds its initial value as a `const` does (audit 44 js c05).
    if (b?.kind === 'var' && changes.length === 0 && b.init && b.path.length === 0 && unwrap(b.init).type === 'ConditionalExpression') {
      return optionObjectsFor(b.init, mod, fn, env, ctx);
    }
    if (b?.kind === 'var' && b.declKind !== 'const' && reassignments.length > 0) {
      // Follow `name = {...}` assignments inside the delegate, with their path conditions. The paths they leave
      // uncovered keep the initial value and are taken as enabling no CORS, so that is only right when the initial
      // value enables none (`{ origin: false }`; without an initialiser, as before), and when every change is a
      // plain `name = ...` in the delegate's own body (not `+=`, `||=`, `++`, a destructuring, one in a nested
      // function that may run at any time or never, or one outside).
      const [s, e] = rangeOf(fn);
      const inside = (m: AstNode) => rangeOf(m)[0] >= s && rangeOf(m)[1] <= e && enclosingFunction(mod, m) === fn;
      const plain = (m: AstNode) => m.type === 'AssignmentExpression' && m.operator === '=' && unwrap(child(m, 'left') as AstNode).type === 'Identifier';
      if (!reassignments.every((m) => plain(m) && inside(m)) || changes.length !== reassignments.length) return undefined;
      if (b.init && !enablesNoCors(evaluate(b.init, mod, env))) return undefined;
      return assignmentsIn(fn, name, mod, env, ctx);
    }
    if (b?.kind === 'var' && b.init && b.path.length === 0) {
      const members = memberAssignmentsIn(fn, name, b.init, mod, env, ctx);
      if (members) return members;
    }
  }
  const v = evaluate(n, mod, env);
  if (v.t === 'object') return [{ value: v, path: [] }];
  return undefined;
}

/**
 * A delegate's options object under which cors() sends no CORS headers: `origin: false` (§1.2). Not `undefined` or
 * `null`: cors() merges the options into its defaults, so those send `*`.
 */
function enablesNoCors(v: JsValue): boolean {
  if (v.t !== 'object' || v.partial) return false;
  const origin = v.props.get('origin');
  return origin?.t === 'bool' && !origin.v;
}

/**
 * `const corsOptions = { origin: false }; if (allowed) corsOptions.origin = true;`: the object as it leaves the
 * delegate on each path. Each member assignment under one `if` gives the object with that member set on the
 * paths of its branch; the object without the conditional ones is what the other paths see. Undefined when there
 * is no member assignment, or the assignments are not of that simple kind.
 */
function memberAssignmentsIn(fn: AstNode, name: string, init: AstNode, mod: JsModule, env: EvalEnv, ctx: FlowContext): { value: JsValue; path: Path }[] | undefined {
  const base = evaluate(init, mod, env);
  if (base.t !== 'object') return undefined;
  const found: { prop: string; value: JsValue; test?: AstNode; inThen?: boolean }[] = [];
  let ok = true;
  walk(child(fn, 'body') as AstNode, (n) => {
    if (!ok) return false;
    if (n.type !== 'AssignmentExpression' || n.operator !== '=') return true;
    const left = unwrap(child(n, 'left') as AstNode);
    if (left.type !== 'MemberExpression' || identName(child(left, 'object')) !== name) return true;
    const prop = memberName(left);
    if (!prop) {
      ok = false;
      return false;
    }
    const { ifs, inFunction } = enclosingIfs(n, fn);
    if (inFunction || ifs.length > 1) ok = false;
    found.push({ prop, value: evaluate(child(n, 'right') as AstNode, mod, env), ...(ifs[0] ? { test: ifs[0].test, inThen: ifs[0].inThen } : {}) });
    return true;
  });
  const conditional = found.filter((f) => f.test);
  if (!ok || found.length === 0 || conditional.length > 3) return undefined;
  const withProps = (o: JsValue & { t: 'object' }, fs: typeof found): JsValue => {
    const props = new Map(o.props);
    for (const f of fs) props.set(f.prop, f.value);
    return { ...o, props };
  };
  const always = withProps(base, found.filter((f) => !f.test)) as JsValue & { t: 'object' };
  const out: { value: JsValue; path: Path }[] = [];
  let elsePaths: Path[] = [[]];
  for (const f of conditional) {
    for (const path of branchPaths([[]], f.test as AstNode, f.inThen as boolean, ctx)) out.push({ value: withProps(always, [f]), path });
    elsePaths = branchPaths(elsePaths, f.test as AstNode, !f.inThen, ctx);
  }
  for (const path of elsePaths) out.push({ value: always, path });
  return out;
}

/** The `if` statements between `n` and `fn`, innermost first, with the branch `n` is in; whether a nested function lies between. */
function enclosingIfs(n: AstNode, fn: AstNode): { ifs: { test: AstNode; inThen: boolean }[]; inFunction: boolean } {
  const ifs: { test: AstNode; inThen: boolean }[] = [];
  let inFunction = false;
  let cur = n;
  let parent = parentOf(cur);
  while (parent && parent !== fn) {
    if (isFunction(parent)) inFunction = true;
    if (parent.type === 'IfStatement' && child(parent, 'test') !== cur) ifs.push({ test: child(parent, 'test') as AstNode, inThen: child(parent, 'consequent') === cur });
    cur = parent;
    parent = parentOf(cur);
  }
  return { ifs, inFunction };
}

function assignmentsIn(fn: AstNode, name: string, mod: JsModule, env: EvalEnv, ctx: FlowContext): { value: JsValue; path: Path }[] | undefined {
  const out: { value: JsValue; path: Path }[] = [];
  let ok = true;
  // Path conditions come from the enclosing if statements of each assignment.
  walk(fn, (n) => {
    if (n.type !== 'AssignmentExpression' || identName(child(n, 'left')) !== name) return;
    const v = evaluate(child(n, 'right') as AstNode, mod, env);
    if (v.t !== 'object') {
      ok = false;
      return;
    }
    // `if (a && b) x = ... else x = ...`: the else branch runs on two paths, ¬a and ¬b.
    let paths: Path[] = [[]];
    for (const i of enclosingIfs(n, fn).ifs) {
      paths = branchPaths(paths, i.test, i.inThen, ctx);
      if (paths.length > 16) {
        ok = false;
        return;
      }
    }
    for (const path of paths) out.push({ value: v, path });
  });
  return ok ? out : undefined;
}

/**
 * NestJS on its default Express adapter: `app.enableCors(options)` and `NestFactory.create(Module, { cors })`
 * are `app.use(cors(options))` (cors-semantics §6, NestJS row). The Fastify adapter uses @fastify/cors, whose
 * defaults differ: those apps are left out rather than guessed.
 */
function extractNest(files: SourceFile[], host: ProjectHost, result: ExtractResult): void {
  const env: EvalEnv = { host };
  // A bootstrap that never mentions CORS (not among the files) still runs a GraphQLModule's cors (nestGraphqlCors).
  const bootstraps: { path: string; text: string }[] = [...files];
  const listed = new Set(files.map((f) => f.path));
  for (const f of files) {
    // A bootstrap that never mentions CORS also runs its modules' middleware (nestModuleMiddleware), which a file that
    // does (the middleware's) may be.
    if (!isJsPath(f.path) || !(/\bGraphQLModule\b/.test(f.text) || packageRange(host, f.path, '@nestjs/core') !== undefined)) continue;
    const mains = nestBootstraps(host, f.path);
    const main = mains.length === 1 ? host.readFile(mains[0] as string) : undefined;
    if (main && !listed.has(main.path)) {
      listed.add(main.path);
      bootstraps.push({ path: main.path, text: main.text });
    }
  }
  for (const f of bootstraps) {
    if (!isJsPath(f.path) || !/enableCors|NestFactory/.test(f.text)) continue;
    const mod = loadModule(host, f.path);
    if (!mod?.program) continue;
    // Fastify apps (or apps whose adapter is not known) are left out, not modelled as Express.
    if (nestAdapter(host, mod) !== 'express') continue;
    type Entry = { call: AstNode; options: AstNode | undefined; optionsValue?: JsValue; fromCreate?: boolean; graphql?: { mod: JsModule; path: string }; mw?: NestModuleMiddleware };
    const calls: Entry[] = [];
    let creates = 0;
    let createCall: AstNode | undefined;
    for (const n of mod.calls) {
      const callee = unwrap(child(n, 'callee') as AstNode);
      const method = memberName(callee);
      const a = args(n);
      if (method === 'enableCors') {
        // Under an if (audit 36 js c13, Hoppscotch: `if (!isProduction) app.enableCors({...})`): dropped when known
        // false, marked when undecided.
        if (registrationGuard(mod, n, env) === 'dead') continue;
        calls.push({ call: n, options: a[0] });
      }
      if (isNestCreate(n)) {
        creates++;
        createCall ??= n;
      }
      // `create(Module, options)` or `create(Module, adapter, options)`.
      const createOptions = a.length >= 3 ? a[2] : a[1];
      if (isNestCreate(n) && createOptions) {
        const opts = evaluate(createOptions, mod, env);
        const c = opts.t === 'object' ? opts.props.get('cors') : undefined;
        if (c && !(c.t === 'bool' && !c.v)) calls.push({ call: n, options: undefined, optionsValue: c.t === 'bool' ? undefined : c, fromCreate: true });
      }
    }
    // One bootstrap (at most one NestFactory.create in the file): its calls are layers of one app, in the order Nest
    // adds them. The create option is applied in init() at listen(), after every explicit enableCors() (checked with
    // NestJS 10.4: `create(M, { cors: true })` + `enableCors({ origin, credentials: true })` answers a GET with
    // Access-Control-Allow-Origin: * and Access-Control-Allow-Credentials: true; audit 32 case 08).
    const oneApp = creates <= 1;
    const soleBootstrap = creates === 1 && nestBootstraps(host, f.path).length === 1;
    // The modules' middleware (nestModuleMiddleware) comes next, then GraphQLModule's cors layer (nestGraphqlCors) on
    // its path; only for the one bootstrap of its package (another bootstrap may be the one that imports the modules).
    // A global prefix moves the middleware's paths under it, as it does the routes, which are read without it; but
    // exclude() is matched against the whole path, so with a prefix exclusions are not read.
    const prefixed = mod.calls.some((c) => memberName(unwrap(child(c, 'callee') as AstNode)) === 'setGlobalPrefix');
    const moduleMw = soleBootstrap ? nestModuleMiddleware(host, f.path, env) : { layers: [], unread: false };
    const middleware: Entry[] = moduleMw.layers
      .filter((m) => !(prefixed && m.scope.except))
      .map((m) => (m.handler.t === 'ext' && m.handler.name === 'cors()' && !m.handler.yoga && !m.handler.corsPreset ? { call: m.handler.node, options: args(m.handler.node)[0], mw: m } : { call: m.call, options: undefined, mw: m }));
    const graphql: Entry[] = soleBootstrap
      ? nestGraphqlRegistrations(host, f.path, env).map((g) => ({ call: g.call, options: undefined, ...(g.options ? { optionsValue: g.options } : {}), graphql: { mod: g.mod, path: g.path } }))
      : [];
    const ordered = oneApp ? [...calls.filter((c) => !c.fromCreate), ...calls.filter((c) => c.fromCreate), ...middleware, ...graphql] : calls;
    if (ordered.length === 0) continue;
    const appId = (call: AstNode) => `express:nest:${f.path}:${rangeOf(oneApp ? (createCall ?? (ordered[0] as Entry).call) : call)[0]}`;
    const sources = nestSources(host, f.path);
    const pushApp = (call: AstNode) => result.apps.push({ id: appId(call), kind: 'express', span: spanOf(mod, oneApp && createCall ? createCall : call), label: 'NestJS app', framework: { name: 'nestjs' }, routes: sources.routes, readsHeaders: [...headerReads(mod), ...sources.reads] });
    if (oneApp) pushApp((ordered[0] as Entry).call);
    let credBy: Span | undefined;
    /** The app-wide cors() layers so far: whether each ends every OPTIONS request (undefined: not known), and what it adds. */
    const corsBefore: { span: Span; ends: boolean | undefined; varies: boolean; gate?: Valued<OriginPolicy>; condition: boolean }[] = [];
    /** Whether something of the app other than `self` may end OPTIONS requests (so a preflight need not reach Nest's 404). */
    const othersMayEnd = (self: NestModuleMiddleware): string | undefined => {
      if (moduleMw.unread || middleware.length !== moduleMw.layers.length) return 'a module middleware that is not read may answer OPTIONS requests';
      for (const m of moduleMw.layers) {
        if (m === self) continue;
        const h = m.handler;
        const passes = h.t === 'func' ? !analyzeManual(h.fn, h.mod, env).endsOnOptions && !bareOptionsAnswer(h.fn, h.mod) : h.t === 'ext' ? PASS_THROUGH.test(h.name) : passThroughCall(m.node, m.mod);
        if (!passes) return 'another module middleware may answer OPTIONS requests';
      }
      // The bootstrap's own app.use layers run before: body parsers and the known pass-through packages aside.
      for (const c of mod.calls) {
        if (memberName(unwrap(child(c, 'callee') as AstNode)) !== 'use') continue;
        if (!args(c).every((a) => passThroughCall(a, mod) || ((v) => v.t === 'ext' && PASS_THROUGH.test(v.name))(evaluate(a, mod, env)))) return 'an app.use middleware of the bootstrap may answer OPTIONS requests';
      }
      if (graphql.length) return "GraphQLModule's cors may answer OPTIONS requests";
      // An @Options() or @All() handler answers the OPTIONS requests of its path (200 with NestJS 10.4).
      if (sources.routes.some((r) => r.methods.includes('OPTIONS') || r.methods.includes('ALL'))) return 'a controller answers OPTIONS requests (@Options or @All) for some paths';
      return undefined;
    };
    ordered.forEach(({ call, options, optionsValue, graphql: gql, mw }, i) => {
      if (!oneApp) pushApp(call);
      const runOrder = oneApp ? { runOrder: i } : {};
      if (mw && mw.handler.t === 'func') {
        // A middleware class's `use(req, res, next)` (or a middleware function) is a hand-written app.use layer of the
        // Express app (§1.4): its headers are set before next(), so the routes' answers and errors keep them.
        const h = mw.handler;
        const analysis = analyzeManual(h.fn, h.mod, env);
        const base = manualPolicy(analysis, h.fn, h.mod, env);
        if (!base) return;
        // What the earlier app-wide cors() layers (enableCors, the create option) leave on the response (§1.2, as in
        // buildPolicies): Access-Control-Allow-Credentials: true, Vary: Origin, and only the origins a refusing one allows.
        if (credBy && base.credentials.known && !base.credentials.value && !base.headerWrites.some((w) => w.name === 'access-control-allow-credentials')) {
          base.credentials = known(true, credBy, 'an earlier CORS setup of this NestJS app sends Access-Control-Allow-Credentials: true');
        }
        const varyBy = corsBefore.find((c) => c.varies);
        if (varyBy && base.varyOrigin.known && !base.varyOrigin.value) base.varyOrigin = known(true, varyBy.span, 'an earlier cors() middleware adds Vary: Origin');
        const gate = corsBefore.find((c) => c.gate)?.gate;
        if (gate?.known && base.origin.known && base.origin.value.kind === 'reflect-any') {
          base.origin = known(gate.value, gate.span, 'an earlier cors() refuses every other origin with an error, so only the origins it allows reach this middleware');
        }
        let preflight: Valued<PreflightHandling>;
        const ender = corsBefore.find((c) => c.ends !== false);
        if (ender && ender.ends && !ender.condition) {
          // enableCors() / the create option end every OPTIONS request before the module middleware runs (§1.1).
          preflight = known({ handled: 'automatic', detail: 'an earlier cors() answers every OPTIONS request', span: ender.span, elsewhere: true }, base.span);
        } else if (ender) preflight = unknown('an earlier cors() of this NestJS app may answer OPTIONS requests', ender.span);
        else if (analysis.endsOnOptions) preflight = known({ handled: 'explicit', detail: 'the middleware answers OPTIONS itself' }, base.span);
        else {
          // NestJS has no automatic OPTIONS answer (its not-found handler runs before the Express router's, checked with
          // NestJS 10.4 by audit 39, case c22: 404 with the middleware's headers), as for an app.use middleware.
          const other = othersMayEnd(mw);
          preflight = other
            ? unknown(other, base.span)
            : known({ handled: 'missing', detail: "NestJS has no automatic OPTIONS answer: the request reaches Nest's not-found handler, which answers 404 (with these headers)", headersOnAnswer: true }, base.span);
        }
        result.policies.push({
          ...base,
          id: `${f.path}#nest${i}`,
          scope: mw.scope,
          appId: appId(call),
          ...runOrder,
          preflight,
          errorCoverage: known({ covers: 'all' }, base.span),
          shadowedBy: [],
        });
        return;
      }
      // Another value applied as module middleware (a package's, or one not read): no policy of its own.
      if (mw && !(mw.handler.t === 'ext' && mw.handler.name === 'cors()')) return;
      const home = gql?.mod ?? mw?.handler.mod ?? mod;
      const span = spanOf(home, call);
      const guard = gql || mw ? undefined : registrationGuard(mod, call, env);
      const ov = optionsValue ?? (options ? evaluate(options, home, env) : undefined);
      let fields = ov?.t === 'func' ? delegateFields(ov, call, home, env) : corsFields(ov, call, home, env);
      // Each layer is app.use(cors(options)): an earlier one's Access-Control-Allow-Credentials: true stays on the
      // response that a later one gives its own Access-Control-Allow-Origin (§1.2, as for Express).
      if (oneApp && credBy && fields.credentials.known && !fields.credentials.value) {
        fields = { ...fields, credentials: known(true, credBy, 'an earlier CORS setup of this NestJS app sends Access-Control-Allow-Credentials: true') };
      }
      const o = fields.origin.known ? fields.origin.value : undefined;
      const sends = !!o && (o.kind === 'reflect-any' || o.kind === 'fixed' || (o.kind === 'allow-list' && o.onRefused !== 'no-cors'));
      const scope: Scope = gql ? { level: 'router', paths: [gql.path], label: `GraphQLModule ('${gql.path}')` } : mw ? mw.scope : { level: 'app', label: 'NestJS app' };
      // (A cors() module middleware on some paths only leaves its credentials header on those.)
      if (oneApp && !credBy && sends && fields.credentials.known && fields.credentials.value && (!mw || scope.level === 'app')) credBy = span;
      // An earlier app-wide layer (enableCors, the create option) ends every OPTIONS request first (§1.1).
      const ender = (gql || mw) && corsBefore.find((c) => c.ends !== false);
      if (scope.level === 'app') {
        const ends = !fields.preflightContinue.known || !o ? undefined : !fields.preflightContinue.value && !(o.kind === 'allow-list' && o.onRefused === 'no-cors');
        corsBefore.push({ span, ends, varies: sends, ...(o?.kind === 'allow-list' && o.onRefused === 'error' ? { gate: fields.origin } : {}), condition: !!guard && guard !== 'dead' });
      }
      result.policies.push({
        id: `${f.path}#nest${i}`,
        kind: 'express',
        mechanism: 'cors-package',
        layer: 'app',
        span,
        scope,
        appId: appId(call),
        ...runOrder,
        ...headerFields(fields),
        varyOrigin: known(true, span, 'the cors package adds Vary: Origin'),
        preflight: ender
          ? known({ handled: 'automatic', detail: 'an earlier cors() answers every OPTIONS request', span: ender.span, elsewhere: true }, span)
          : known({ handled: 'automatic', ...(fields.successStatus !== undefined ? { status: fields.successStatus } : {}) }, span),
        errorCoverage: known({ covers: 'all' }, span),
        privateNetwork: known(false, span),
        headerWrites: [],
        shadowedBy: [],
        ...(guard && guard !== 'dead' ? { condition: guard } : {}),
      });
    });
    // A module middleware that sets Access-Control-Allow-Credentials: true and no origin, on every response of the app:
    // cors leaves that header (§1.2), so it goes out beside the origin of the earlier cors() layers (as in buildPolicies).
    const own = result.policies.filter((p) => oneApp && p.appId === appId((ordered[0] as Entry).call));
    const credMw = own.find((p) => p.mechanism === 'express-manual' && p.scope.level === 'app' && !p.scope.except && p.credentials.known && p.credentials.value && !p.headerWrites.some((w) => w.name === 'access-control-allow-origin'));
    if (credMw) {
      for (const c of own) {
        if (c.mechanism === 'cors-package' && c.scope.level === 'app' && c.credentials.known && !c.credentials.value) c.credentials = known(true, credMw.credentials.span, 'Access-Control-Allow-Credentials: true is set by a hand-written middleware');
      }
    }
  }
}

/**
 * `GraphQLModule.forRoot(options)` of @nestjs/graphql before 10 (7 to 9, before the drivers) on the Express platform:
 * its onModuleInit (run by init() at listen(), after main.ts's enableCors and the create option) makes an
 * apollo-server-express ApolloServer and calls `applyMiddleware({ app, path, cors, ... })` with the module's `cors`
 * option as given (graphql.module.ts registerExpress), so the layer is apolloRegistration's: `cors(options)` on `path`
 * (`/graphql` by default), cors' defaults for `cors: true` or no option, nothing for `cors: false`
 * (apollo-server-express getMiddleware; checked by audit 39 with NestJS 7 and curl: `cors: { origin: true,
 * credentials: true }` reflects any Origin with credentials on /graphql, 204 for its preflights, nothing elsewhere).
 * Only where the package.json asks for @nestjs/graphql below 10 and lists apollo-server-express, with the options
 * an object literal read whole; not with a `driver` (10 and later), nor `useGlobalPrefix` (the path then depends on
 * the app's prefix), nor forRootAsync. @nestjs/apollo's drivers are not read.
 */
function nestGraphqlCors(call: AstNode, mod: JsModule, env: EvalEnv): { options: JsValue | undefined; path: string; pathNode?: AstNode } | undefined {
  const callee = unwrap(child(call, 'callee') as AstNode);
  if (callee.type !== 'MemberExpression' || memberName(callee) !== 'forRoot') return undefined;
  const obj = unwrap(child(callee, 'object') as AstNode);
  const name = identName(obj);
  const b = name ? lookup(mod, name, obj) : undefined;
  if (b?.kind !== 'import' || b.source !== '@nestjs/graphql' || b.imported !== 'GraphQLModule') return undefined;
  const major = packageMajor(env.host, mod.path, '@nestjs/graphql');
  if (major === undefined || major >= 10 || packageRange(env.host, mod.path, 'apollo-server-express') === undefined) return undefined;
  const first = args(call)[0];
  const opts = first ? evaluate(first, mod, env) : undefined;
  if (opts && (opts.t !== 'object' || opts.partial)) return undefined;
  const props = opts?.t === 'object' ? opts.props : new Map<string, JsValue>();
  if (props.has('driver')) return undefined;
  const prefix = props.get('useGlobalPrefix');
  if (prefix && codeTruthiness(prefix) !== false) return undefined;
  const cors = props.get('cors');
  if (cors && codeTruthiness(cors) === false) return undefined;
  const p = props.get('path');
  if (p && p.t !== 'str') return undefined;
  // normalizeRoutePath: one leading slash, no trailing one.
  const raw = p?.t === 'str' ? p.v : '/graphql';
  const path = `/${raw.replace(/^\/+|\/+$/g, '')}`;
  return { options: cors?.t === 'bool' ? undefined : cors, path, ...(p ? { pathNode: p.node } : {}) };
}

/** Every GraphQLModule.forRoot call of nestGraphqlCors in the package of a NestJS bootstrap (memoised per package). */
function nestGraphqlRegistrations(host: ProjectHost, main: string, env: EvalEnv): { call: AstNode; mod: JsModule; options: JsValue | undefined; path: string }[] {
  const root = packageRoot(host, main);
  return host.memo(`js:nest-graphql:${root}`, () => {
    const out: { call: AstNode; mod: JsModule; options: JsValue | undefined; path: string }[] = [];
    for (const rel of nestPackageFiles(host, root, 3000)) {
      if (!isJsPath(rel) || rel.includes('node_modules/')) continue;
      const text = host.readFile(rel)?.text;
      if (!text || !/\bGraphQLModule\b/.test(text) || !/@nestjs\/graphql['"]/.test(text)) continue;
      const mod = loadModule(host, rel);
      if (!mod?.program) continue;
      for (const c of mod.calls) {
        const g = nestGraphqlCors(c, mod, env);
        if (g && registrationGuard(mod, c, env) === undefined) out.push({ call: c, mod, options: g.options, path: g.path });
      }
    }
    return out;
  });
}

/** Paths Nest's RouteInfoPathExtractor takes for "every path" (isAWildcard). */
const NEST_WILDCARD_PATHS = new Set(['*', '/*', '/*/', '(.*)', '/(.*)']);

/** One middleware a module's `configure(consumer)` applies (`consumer.apply(X).exclude(...).forRoutes(...)`), modelled. */
interface NestModuleMiddleware {
  /** The `forRoutes(...)` call: where it is registered. */
  call: AstNode;
  mod: JsModule;
  /** The `use` method of a middleware class, a middleware function, or another value (cors(), a package's middleware). */
  handler: JsValue;
  node: AstNode;
  scope: Scope;
}

/** `RequestMethod.X` of @nestjs/common, by name ('ALL', 'GET', ...). */
function nestRequestMethod(node: AstNode | undefined): string | undefined {
  const n = node ? unwrap(node) : undefined;
  if (n?.type !== 'MemberExpression' || identName(child(n, 'object')) !== 'RequestMethod') return undefined;
  return memberName(n);
}

/**
 * A `forRoutes` / `exclude` argument read as Nest 10 maps it (RoutesMapper, checked with NestJS 10.4 on Express): a
 * string is `{ path, method: -1 }`, registered with `app.use('/path')` (the path and what is below it); a route object
 * `{ path, method: RequestMethod.ALL }` with `app.all('/path')` (that path only), another method with that method's
 * route (left out here); a wildcard path (NEST_WILDCARD_PATHS) is every path. A controller class maps to its routes,
 * which are not read: undefined, as for anything else not read.
 */
function nestRouteArg(node: AstNode, mod: JsModule, env: EvalEnv): { path: string; wildcard: boolean; method: string } | undefined {
  const n = unwrap(node);
  let pathNode: AstNode | undefined = n;
  let method = 'USE';
  if (n.type === 'ObjectExpression') {
    pathNode = undefined;
    method = '';
    for (const p of children(n, 'properties')) {
      if (p.type !== 'Property' && p.type !== 'ObjectProperty') return undefined;
      const key = propertyKey(p);
      if (key === 'path') pathNode = child(p, 'value');
      else if (key === 'method') method = nestRequestMethod(child(p, 'value')) ?? '';
      else return undefined;
    }
    if (!method) return undefined;
  }
  const v = pathNode ? evaluate(pathNode, mod, env) : undefined;
  if (v?.t !== 'str') return undefined;
  if (NEST_WILDCARD_PATHS.has(v.v)) return { path: '/*', wildcard: true, method };
  // Literal paths and `:param` segments only (Nest's path-to-regexp and Express 4's agree on those).
  if (/[*()?+[\]{}]/.test(v.v)) return undefined;
  return { path: `/${v.v.replace(/^\/+|\/+$/g, '')}`, wildcard: false, method };
}

/** The scope of `forRoutes(...routes)` minus `exclude(...excluded)`, when every argument is read (nestRouteArg). */
function nestMiddlewareScope(routes: AstNode[], excluded: AstNode[], mod: JsModule, env: EvalEnv): Scope | undefined {
  const read = routes.map((r) => nestRouteArg(r, mod, env));
  const except: { path: string; methods?: string[] }[] = [];
  for (const x of excluded) {
    const r = nestRouteArg(x, mod, env);
    // A wildcard exclusion, or one not read: where the middleware runs is not known.
    if (!r || r.wildcard) return undefined;
    except.push({ path: r.path, ...(r.method === 'USE' || r.method === 'ALL' ? {} : { methods: [r.method] }) });
  }
  const rest = except.length ? { except } : {};
  const label = (what: string) => `consumer.apply().forRoutes(${what})${except.length ? ` except ${except.map((x) => x.path).join(', ')}` : ''}`;
  // Every method on every path: the middleware runs for every request of the app (OPTIONS too).
  if (read.some((r) => r?.wildcard && (r.method === 'USE' || r.method === 'ALL'))) return { level: 'app', label: label("'*'"), ...rest };
  if (!read.length || read.some((r) => !r || r.wildcard)) return undefined;
  const ok = read as { path: string; method: string }[];
  // app.use('/items'): /items and below; app.all('/items'): /items only. Another method: not modelled.
  if (ok.every((r) => r.method === 'USE')) return { level: 'router', paths: ok.map((r) => r.path), label: label(ok.map((r) => `'${r.path}'`).join(', ')), ...rest };
  if (ok.every((r) => r.method === 'ALL')) return { level: 'route', paths: ok.map((r) => r.path), exact: true, label: label(ok.map((r) => `'${r.path}'`).join(', ')), ...rest };
  return undefined;
}

/**
 * The middleware the modules of a NestJS package apply in `configure(consumer)` (memoised per package):
 * `consumer.apply(A, B).exclude(...).forRoutes(...)`, chains of them, classes (their `use` method), functions and
 * other values. MiddlewareModule registers them in init() on the Express app (`app.use` / `app.all` by RequestMethod,
 * Nest 10 RouterMethodFactory), after the app's own app.use layers, enableCors and the create option's cors, before
 * the controllers' routes and GraphQLModule's onModuleInit (NestApplication.init: applyOptions, registerModules,
 * registerRouter, callInitHook). `unread`: some applied middleware or its routes were not read, so something not
 * in `layers` may run (and may answer OPTIONS requests).
 */
function nestModuleMiddleware(host: ProjectHost, main: string, env: EvalEnv): { layers: NestModuleMiddleware[]; unread: boolean } {
  const root = packageRoot(host, main);
  return host.memo(`js:nest-middleware:${root}`, () => {
    const layers: NestModuleMiddleware[] = [];
    let unread = false;
    for (const rel of nestPackageFiles(host, root, 3000)) {
      if (!isJsPath(rel) || rel.includes('node_modules/') || /\.(spec|test)\./.test(rel)) continue;
      const text = host.readFile(rel)?.text;
      if (!text || !/\bforRoutes\s*\(/.test(text)) continue;
      const mod = loadModule(host, rel);
      if (!mod?.program) continue;
      for (const call of mod.calls) {
        const callee = unwrap(child(call, 'callee') as AstNode);
        if (callee.type !== 'MemberExpression' || memberName(callee) !== 'forRoutes') continue;
        const excluded: AstNode[] = [];
        let obj = unwrap(child(callee, 'object') as AstNode);
        while (obj.type === 'CallExpression' && memberName(unwrap(child(obj, 'callee') as AstNode)) === 'exclude') {
          excluded.push(...args(obj));
          obj = unwrap(child(unwrap(child(obj, 'callee') as AstNode), 'object') as AstNode);
        }
        if (obj.type !== 'CallExpression' || memberName(unwrap(child(obj, 'callee') as AstNode)) !== 'apply') continue;
        // The chain starts at the consumer: the first parameter of a module's `configure` method.
        let base = unwrap(child(unwrap(child(obj, 'callee') as AstNode), 'object') as AstNode);
        while (base.type === 'CallExpression' && unwrap(child(base, 'callee') as AstNode).type === 'MemberExpression') base = unwrap(child(unwrap(child(base, 'callee') as AstNode), 'object') as AstNode);
        const fn = enclosingFunction(mod, call);
        const method = fn ? parentOf(fn) : undefined;
        if (base.type !== 'Identifier' || !fn || method?.type !== 'MethodDefinition' || propertyKey(method) !== 'configure' || identName(paramOf(fn, 0)) !== base.name) continue;
        const guard = registrationGuard(mod, call, env);
        if (guard === 'dead') continue;
        const scope = nestMiddlewareScope(args(call), excluded, mod, env);
        // Registered only when an undecided condition holds: not modelled (its place among the layers is then not known).
        if (!scope || guard) {
          unread = true;
          continue;
        }
        for (const a of args(obj)) {
          const cls = unwrap(a).type === 'Identifier' ? classOf(unwrap(a), mod, env) : undefined;
          const use = cls ? classMember(cls.node, 'use') : undefined;
          const handler: JsValue = use && cls ? { t: 'func', fn: use, mod: cls.mod, node: use } : evaluate(a, mod, env);
          if (cls && !use) unread = true;
          layers.push({ call, mod, handler, node: a, scope });
        }
      }
    }
    return { layers, unread };
  });
}

/** The files of a package that call `NestFactory.create` (bootstraps). */
function nestBootstraps(host: ProjectHost, main: string): string[] {
  const root = packageRoot(host, main);
  return host.memo(`js:nest-bootstraps:${root}`, () => nestPackageFiles(host, root, 3000).filter((rel) => isJsPath(rel) && !rel.includes('node_modules/') && /\bNestFactory\s*\.\s*create\b/.test(host.readFile(rel)?.text ?? '')));
}

/** `NestFactory.create(...)`. */
function isNestCreate(n: AstNode): boolean {
  const callee = unwrap(child(n, 'callee') as AstNode);
  return memberName(callee) === 'create' && identName(child(callee, 'object')) === 'NestFactory';
}

type NestAdapter = 'express' | 'fastify' | undefined;

/** `new FastifyAdapter(...)` / `new ExpressAdapter(...)`, directly or through a `const` bound to one. */
function adapterOfExpression(node: AstNode, mod: JsModule): NestAdapter {
  let n = unwrap(node);
  if (n.type === 'Identifier') {
    const b = lookup(mod, n.name as string, n);
    if (b?.kind !== 'var' || !b.init || b.path.length || b.declKind !== 'const') return undefined;
    n = unwrap(b.init);
  }
  // Options passed in the adapter's place (`create(AppModule, { cors: true })`): the default adapter.
  if (n.type === 'ObjectExpression') return 'express';
  if (n.type !== 'NewExpression') return undefined;
  const name = identName(unwrap(child(n, 'callee') as AstNode)) ?? memberName(unwrap(child(n, 'callee') as AstNode));
  return name === 'FastifyAdapter' ? 'fastify' : name === 'ExpressAdapter' ? 'express' : undefined;
}

/**
 * The HTTP adapter a `NestFactory.create(module, adapter?, options?)` call runs on. Without an adapter argument Nest
 * loads @nestjs/platform-express (NestFactory.createHttpAdapter), whatever else the project lists; an adapter that
 * cannot be read falls back on the type argument (`create<NestFastifyApplication>`).
 */
function nestCreateAdapter(call: AstNode, mod: JsModule): NestAdapter {
  const a = args(call);
  if (!a[1]) return 'express';
  const fromArg = adapterOfExpression(a[1], mod);
  if (fromArg) return fromArg;
  const tp = child(call, 'typeParameters') ?? child(call, 'typeArguments');
  for (const t of tp ? children(tp, 'params') : []) {
    const name = identName(child(t, 'typeName'));
    if (name === 'NestFastifyApplication') return 'fastify';
    if (name === 'NestExpressApplication') return 'express';
  }
  return undefined;
}

/**
 * Which adapter the NestJS app of this file runs on (audit 39 D5). The code decides: the adapter argument of its
 * `NestFactory.create` calls, or, in a file that configures an app created elsewhere, Fastify types or imports used
 * in code (comments never count: a commented-out `new FastifyAdapter()` is the common leftover of trying it).
 * package.json decides only what the code leaves open: Fastify when it lists @nestjs/platform-fastify without
 * @nestjs/platform-express, Express when it lists no Fastify adapter; both listed and nothing in the code is unknown.
 */
function nestAdapter(host: ProjectHost, mod: JsModule): NestAdapter {
  const creates = mod.calls.filter(isNestCreate);
  if (creates.length) {
    const kinds = creates.map((c) => nestCreateAdapter(c, mod));
    if (kinds.includes('fastify')) return 'fastify';
    if (kinds.every((k) => k === 'express')) return 'express';
  } else if (mod.program && /Fastify/.test(mod.text)) {
    let fastify = false;
    walk(mod.program, (n) => {
      if (fastify) return false;
      if ((n.type === 'Identifier' && /^(FastifyAdapter|NestFastifyApplication)$/.test(n.name as string)) || (n.type === 'ImportDeclaration' && staticString(child(n, 'source')) === '@nestjs/platform-fastify')) fastify = true;
      return undefined;
    });
    if (fastify) return 'fastify';
  }
  let dir = posix.dirname(mod.path);
  for (let i = 0; i < 30; i++) {
    const p = dir === '.' || dir === '' ? 'package.json' : `${dir}/package.json`;
    const pkg = host.readFile(p);
    if (pkg && /"@nestjs\/core"/.test(pkg.text)) {
      const f = /"@nestjs\/platform-fastify"/.test(pkg.text);
      const e = /"@nestjs\/platform-express"/.test(pkg.text);
      if (f && !e) return 'fastify';
      if (!f && (e || !creates.length)) return 'express';
      return undefined;
    }
    if (dir === '.' || dir === '') break;
    dir = posix.dirname(dir);
  }
  // No package.json says: a configuring file keeps the default adapter; an unreadable adapter argument stays unknown.
  return creates.length ? undefined : 'express';
}

export const expressExtractor: Extractor = {
  name: 'express',
  kinds: ['express'],
  // Minified bundles and generated code are not where a server's CORS setup is written.
  accepts: acceptsJsPath,
  mayAccept: acceptsJsPath,
  prefilter: expressPrefilter,
  preload: () => void loadBabel(),
  prewarm(files, host) {
    for (const f of files) {
      const mod = loadModule(host, f.path);
      if (mod?.program) scanModule(mod, host);
    }
  },
  extract(files, host) {
    const result: ExtractResult = { policies: [], apps: [], parseErrors: [] };
    extractApps(files, host, result);
    extractNest(files, host, result);
    return result;
  },
};

