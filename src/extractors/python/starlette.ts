/**
 * FastAPI / Starlette: `CORSMiddleware` in its three forms (cors-semantics.md §2):
 *   app.add_middleware(CORSMiddleware, ...)
 *   FastAPI(middleware=[Middleware(CORSMiddleware, ...)]) / Starlette(middleware=[...])
 *   app = CORSMiddleware(app=app, ...)          (wraps ServerErrorMiddleware too, §2.3)
 * plus the app facts the rules need: routes and their methods (decorators, APIRouter + include_router),
 * JSON bodies, headers read by security dependencies and Header() parameters, middleware order.
 */
import type { ProjectHost } from '../../engine/host.js';
import {
  forAnyOrigin,
  forExactOrigins,
  known,
  unknown,
  type AppModel,
  type CorsPolicy,
  type HeaderRead,
  type OriginEntry,
  type OriginPolicy,
  type Route,
  type ShadowingStep,
  type Span,
  type Token,
  type TokenList,
  type Valued,
} from '../../model/index.js';
import { blameSpan, bothGuards, exclusiveBranches, boolOption, callArgs, emptyEnvDefault, itemsVia, registerGuarded, registrationGuard, evalKw, firstParam, headerParamName, importedModules, isClientHeader, litSpan, objKey, paramName, readsJsonBody, reasonOf, returnsParameter, scopeAt, functionsAround, splatEntries, strItems, tokensOf, walk, type CallArgs } from './common.js';
import { URL_TYPE_VIA, spanOf, type Evaluator, type PyVal, type Scope } from './evaluate.js';
import { isBelow, starletteVersion, versionsFor, type DepVersion } from './manifest.js';
import type { PyNode } from './parser.js';
import { bodyStatements, indexBlock, paramNames, type PyModule } from './project.js';
import { comparesMethodWithOptions, exceptClauses, headerWrites, manualOrigin, methodOptionsTest, originTest, routeDecorators, writeMaxAge, writtenFields } from './manual.js';

const CORS_QNAME = /^(fastapi|starlette)(\.middleware)?(\.cors)?\.CORSMiddleware$/;
const MIDDLEWARE_QNAME = /^(fastapi|starlette)(\.middleware)?\.Middleware$/;
const APP_QNAME = /^(fastapi(\.applications)?\.FastAPI|starlette(\.applications)?\.Starlette)$/;
const ROUTER_QNAME = /^fastapi(\.routing)?\.APIRouter$/;

/** Starlette `ALL_METHODS` (cors.py), what `allow_methods=["*"]` expands to (§2.1). */
const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];
/** Always added to the allowed headers (§2.1, cors.py SAFELISTED_HEADERS). */
const STARLETTE_SAFELISTED = ['Accept', 'Accept-Language', 'Content-Language', 'Content-Type'];
/** The keyword parameters of CORSMiddleware.__init__ (allow_private_network since 0.51; older versions reject it, not modelled). */
const CORS_MIDDLEWARE_KEYWORDS: ReadonlySet<string> = new Set([
  'app',
  'allow_origins',
  'allow_methods',
  'allow_headers',
  'allow_credentials',
  'allow_origin_regex',
  'allow_private_network',
  'expose_headers',
  'max_age',
]);

const ROUTE_DECORATORS: Record<string, string[]> = {
  get: ['GET'],
  post: ['POST'],
  put: ['PUT'],
  patch: ['PATCH'],
  delete: ['DELETE'],
  head: ['HEAD'],
  options: ['OPTIONS'],
  trace: ['TRACE'],
};

/** Middleware known to answer some requests itself (redirects, 400/401/429) (§2.3). */
const SHORT_CIRCUIT = /(TrustedHost|HTTPSRedirect|Authentication|Auth|SlowAPI|RateLimit|Throttl|Limiter|Csrf|CSRF|Firewall|IPFilter|IpFilter|Redirect|Maintenance|Blocker)/;
/** Middleware that only decorates responses. */
const BENIGN = /(GZip|Gzip|Brotli|Session|Prometheus|Metrics|Timing|Logging|Logger|Sentry|CorrelationId|RequestId|RequestID|OpenTelemetry|Instrument|Cors|CORS|ProxyHeaders|Context)/;

export interface StarletteContext {
  host: ProjectHost;
  ev: Evaluator;
  policies: CorsPolicy[];
  apps: Map<string, AppModel>;
  /** The run's candidate modules: where calls of a helper (`setup_cors(app)`) are looked for. */
  modules?: PyModule[];
}

interface AppRef {
  id: string;
  /** The FastAPI()/Starlette() call when resolved. */
  obj?: Extract<PyVal, { t: 'call' }>;
  span: Span;
  label: string;
  /** Resolved through the one call of a helper function that received the app (`setup_cors(app)`): that call. */
  site?: { mod: PyModule; call: PyNode; scope: Scope };
}

interface MiddlewareUse {
  /** Position among the app's middleware: larger = more outer. */
  order: number;
  span: Span;
  label: string;
  /** Why it can answer first (undefined: it does not short-circuit, or unknown). */
  shortCircuits?: { kind: 'auth' | 'middleware'; why: string };
  isCors: boolean;
}

type ClassVal = Extract<PyVal, { t: 'class' }>;

/**
 * Starlette's CORSMiddleware, or a subclass of it that sends what it sends apart from which origins pass. `override`:
 * the subclass's own `is_allowed_origin` (the one method through which CORSMiddleware decides whether an origin is
 * allowed, on preflights and on other requests, §2.2), read by overriddenOrigin.
 */
interface CorsClass {
  override?: { cls: ClassVal; def: PyNode };
  /** Several classes of the chain override it: not read. */
  several?: true;
}

function isCorsClass(v: PyVal, ev: Evaluator): boolean {
  return corsClass(v, ev) !== undefined;
}

function corsClass(v: PyVal, ev: Evaluator, depth = 0): CorsClass | undefined {
  if (v.t === 'ext') return CORS_QNAME.test(v.qname) ? {} : undefined;
  // A subclass that only renames it (`class CORSMiddleware(Base): pass`, audit 29 case 16): the same middleware.
  // One that overrides `is_allowed_origin` (and perhaps an `__init__` that hands its arguments on unchanged) changes
  // which origins pass and nothing else: the keyword arguments, the methods, headers, the middleware order and the
  // error coverage are CORSMiddleware's (audit 51 D1, OpenHands' LocalhostCORSMiddleware; checked with Starlette
  // 0.26: the preflight of a POST got 400 "Disallowed CORS method" with the default allow_methods). Any other method
  // (`__call__`, `preflight_response`, `simple_response`, `send`, an `__init__` that does more) may change what it
  // sends, so the class stays unknown.
  if (v.t !== 'class' || depth > 3) return undefined;
  const body = v.node.fields.body?.children ?? [];
  let own: PyNode | undefined;
  for (const st of body) {
    if (st.type === 'class_definition') return undefined;
    const def = st.type === 'decorated_definition' ? st.fields.definition : st;
    if (def?.type !== 'function_definition') continue;
    const name = def.fields.name?.text;
    if (name === 'is_allowed_origin' && !own) own = st;
    else if (!(name === '__init__' && st === def && forwardsInit(v.mod, def))) return undefined;
  }
  const bases = v.node.fields.superclasses?.children.filter((c) => c.type !== '(' && c.type !== ')' && c.type !== ',') ?? [];
  if (bases.length !== 1) return undefined;
  const base = corsClass(ev.eval(bases[0] as PyNode, { mod: v.mod }), ev, depth + 1);
  if (!base || !own) return base;
  return base.override || base.several ? { several: true } : { override: { cls: v, def: own } };
}

/**
 * `def __init__(self, app, **kwargs): super().__init__(app, **kwargs)` (also `*args`, annotations): the body is that
 * one call, which hands every parameter on in order, so the keyword arguments of the registration reach
 * CORSMiddleware.__init__ as they are.
 */
function forwardsInit(mod: PyModule, def: PyNode): boolean {
  const params = (def.fields.parameters?.children ?? []).filter((p) => p.type !== 'comment' && p.type !== '(' && p.type !== ')' && p.type !== ',');
  const [self, ...rest] = params;
  if (!self || paramName(self) !== 'self') return false;
  const shape: string[] = [];
  for (const p of rest) {
    if (p.type === 'identifier' || p.type === 'typed_parameter') {
      const inner = p.type === 'typed_parameter' ? p.children[0] : p;
      if (inner?.type === 'list_splat_pattern') shape.push(`*${inner.children.find((c) => c.type === 'identifier')?.text ?? ''}`);
      else if (inner?.type === 'dictionary_splat_pattern') shape.push(`**${inner.children.find((c) => c.type === 'identifier')?.text ?? ''}`);
      else shape.push(paramName(p) ?? '?');
    } else if (p.type === 'list_splat_pattern') shape.push(`*${p.children.find((c) => c.type === 'identifier')?.text ?? ''}`);
    else if (p.type === 'dictionary_splat_pattern') shape.push(`**${p.children.find((c) => c.type === 'identifier')?.text ?? ''}`);
    else return false;
  }
  // The keyword options must be able to pass: without `**kwargs` they would raise TypeError.
  if (!shape.some((s) => s.startsWith('**'))) return false;
  const stmts = bodyStatements(def.fields.body);
  const call = stmts.length === 1 && stmts[0]?.type === 'expression_statement' ? stmts[0].children[0] : undefined;
  if (call?.type !== 'call' || !isSuperCall(mod, call, '__init__')) return false;
  const args = (call.fields.arguments?.children ?? []).filter((c) => c.type !== '(' && c.type !== ')' && c.type !== ',' && c.type !== 'comment');
  const passed = args.map((a) => mod.text.slice(a.start, a.end).replace(/\s+/g, ''));
  return passed.length === shape.length && passed.every((x, i) => x === shape[i]);
}

/** `super().<method>(...)` or `super(Cls, self).<method>(...)`. */
function isSuperCall(mod: PyModule, call: PyNode, method: string): boolean {
  const f = call.fields.function;
  if (f?.type !== 'attribute' || f.fields.attribute?.text !== method) return false;
  const o = f.fields.object;
  return o?.type === 'call' && o.fields.function?.type === 'identifier' && o.fields.function.text === 'super' && /^super\(\s*(\w+\s*,\s*self\s*)?\)$/.test(mod.text.slice(o.start, o.end));
}

/**
 * The origins a CORSMiddleware subclass lets through when it overrides `is_allowed_origin`. CORSMiddleware asks it on
 * preflights and, unless `"*"` is in allow_origins, on every other request with an Origin, and echoes the origin it
 * accepts (cors.py, §2.2); with `"*"` the other requests get `*` (or the echo with a Cookie and credentials) whatever
 * it says. Read when the body is one `return` (Starlette passes `origin=` by keyword, so the parameter must be named
 * so; an `async def` returns a coroutine, which is always true: every origin passes):
 *   `return True`                                   → every origin (an allow-list becomes reflection);
 *   `return <test> or super().is_allowed_origin(origin)` → the test's origins added to the configured ones;
 *   `return <test>`                                 → the test's origins, in place of an allow-list;
 * with the tests read as in hand-written middleware (manual.ts originTest). Anything else is unknown: no origin
 * rule fires, and the rest of the middleware is judged as CORSMiddleware's.
 */
function overriddenOrigin(ev: Evaluator, cors: CorsClass, configured: Valued<OriginPolicy>, credentials: Valued<boolean>): Valued<OriginPolicy> {
  const o = cors.override;
  if (!o) return cors.several ? unknown('several subclasses of CORSMiddleware override is_allowed_origin', configured.span) : configured;
  const mod = o.cls.mod;
  const at = spanOf(mod, o.def);
  const who = `${o.cls.name}.is_allowed_origin`;
  const no = (why: string): Valued<OriginPolicy> => unknown(`${who} decides which origins pass (${why})`, at);
  const def = o.def.type === 'decorated_definition' ? undefined : o.def;
  if (!def) return no('a decorated method');
  const params = (def.fields.parameters?.children ?? []).filter((p) => p.type !== 'comment');
  if (params.length !== 2 || paramName(params[0] as PyNode) !== 'self' || !['identifier', 'typed_parameter', 'default_parameter', 'typed_default_parameter'].includes(params[1]?.type ?? '')) return no('its parameters');
  if (paramName(params[1] as PyNode) !== 'origin') return no('Starlette passes origin= by keyword');
  // allow_origins=["*"] with allow_credentials=True: simple_response echoes the Origin of every request with a Cookie
  // before it would ask the method (`if self.allow_all_origins and has_cookie`, cors.py), so any site reads those
  // responses with the user's cookies whatever the method decides; only preflights follow it (audit 52 D3, checked
  // with Starlette 0.26: a GET with a Cookie from https://evil.com was echoed, its preflight got 400).
  if (configured.known && configured.value.kind === 'reflect-any' && !configured.value.byPattern) {
    return known(configured.value, configured.span, [configured.via, `requests with a Cookie get the echo before ${who} is asked`].filter(Boolean).join('; '));
  }
  const stmts = bodyStatements(def.fields.body);
  const ret = stmts.length === 1 && stmts[0]?.type === 'return_statement' ? stmts[0] : undefined;
  const value = ret ? unparen(ret.children[0]) : undefined;
  // A method that is true for every origin: `return True`, or an `async def`, which CORSMiddleware calls without
  // await, so the coroutine it gets back is true whatever the body would decide (checked with Starlette 0.26: the
  // preflight and a GET from any Origin got it echoed with credentials).
  const coroutine = /^async\b/.test(mod.text.slice(def.start, def.end));
  if (coroutine || value?.type === 'true') {
    const via = coroutine
      ? `${who} is a coroutine function: CORSMiddleware calls it without await, and the coroutine it returns is always true, so every Origin is echoed (§2.2)`
      : `${who} returns True: CORSMiddleware echoes every Origin (§2.2)`;
    const echo = known<OriginPolicy>({ kind: 'reflect-any', byPattern: true }, coroutine || !ret ? spanOf(mod, def.fields.name ?? def) : spanOf(mod, ret), via);
    if (configured.known) return configured.value.kind === 'wildcard' || configured.value.kind === 'reflect-any' ? configured : echo;
    // allow_origins not known (settings, the environment): without "*" every Origin is echoed; with "*" and
    // credentials, preflights echo it too (preflight_explicit_allow_origin) and so do requests with a Cookie. With
    // credentials the verdict is the same either way (audit 52 D1, D2); without, "*" would send `*` instead.
    return credentials.known && credentials.value ? echo : configured;
  }
  if (!ret || !value) return no('a body that is not one return');
  if (!configured.known) return configured;
  const allowAll = configured.value.kind === 'wildcard' || configured.value.kind === 'reflect-any';
  const scope = scopeAt(ev.host, mod, [def]);
  const superCall = (n: PyNode | undefined): boolean => {
    const c = unparen(n);
    if (c?.type !== 'call' || !isSuperCall(mod, c, 'is_allowed_origin')) return false;
    const a = callArgs(c);
    const arg = a.positional.length === 1 && a.keywords.size === 0 ? a.positional[0] : a.positional.length === 0 && a.keywords.size === 1 ? a.keywords.get('origin')?.fields.value : undefined;
    return !a.splat && arg?.type === 'identifier' && arg.text === 'origin';
  };
  // Not allow_all_origins: the method is asked for every origin, and simple responses echo it rather than send `*`
  // (byPattern, as for an allow_origin_regex that matches everything).
  const every = (via: string): Valued<OriginPolicy> => (allowAll ? configured : known({ kind: 'reflect-any', byPattern: true }, spanOf(mod, ret), via));
  if (superCall(value)) return configured;
  let test = value;
  let union = false;
  if (value.type === 'boolean_operator' && (value.op ?? '').trim() === 'or') {
    const l = value.fields.left;
    const r = value.fields.right;
    if (superCall(r) && l) [test, union] = [l, true];
    else if (superCall(l) && r) [test, union] = [r, true];
  }
  const t = originTest(ev, mod, scope, test, 'origin');
  if (t.kind === 'unknown') return no(t.reason);
  if (t.kind === 'any') return every(`${who} accepts every origin: CORSMiddleware echoes it (§2.2)`);
  // With "*" configured, other requests get `*` whatever the method says, while preflights follow it: not one policy.
  if (allowAll) return union ? configured : no('allow_origins holds "*": preflights follow the method, other requests do not');
  const cfg = configured.value;
  if (cfg.kind !== 'allow-list') return no(`allow_origins is ${cfg.kind}`);
  const via = `${who}${union ? ', besides the configured origins' : ''}`;
  return union
    ? known({ ...cfg, entries: [...cfg.entries, ...t.entries], unknownEntries: [...cfg.unknownEntries, ...t.unknownEntries] }, configured.span, [configured.via, via].filter(Boolean).join('; '))
    : known({ kind: 'allow-list', entries: t.entries, unknownEntries: t.unknownEntries }, t.span, t.via ? `${via}: ${t.via}` : via);
}

function unparen(n: PyNode | undefined): PyNode | undefined {
  let c = n;
  for (let i = 0; c?.type === 'parenthesized_expression' && c.children.length === 1 && i < 10; i++) c = c.children[0];
  return c;
}

export function mentionsStarletteCors(text: string): boolean {
  // `app.add_middleware(**cors_config)` with the class in a mapping imported from elsewhere (audit 21 case 06).
  return text.includes('CORSMiddleware') || (/fastapi|starlette/.test(text) && /access-control-/i.test(text)) || /\.add_middleware\(\s*\*\*/.test(text);
}

/**
 * Whether the module registers a middleware class of the project whose module writes Access-Control-* headers
 * (`app.add_middleware(RealWildCardCors)` or `Middleware(RealWildCardCors)` with the class imported from, or defined
 * in, such a module, audit 53 fastapi c16): that file names neither CORSMiddleware nor a header, but the policy
 * belongs to its app. A text test first (only files that register a middleware at all), then the first argument of
 * each registration is resolved; the file is read again in full by extractStarlette only when one resolves.
 */
export function registersHeaderMiddleware(ev: Evaluator, host: ProjectHost, mod: PyModule): boolean {
  if (!/\b(add_middleware|Middleware)\s*\(/.test(mod.text)) return false;
  let found = false;
  walk(mod.root, (n, fns) => {
    if (found || n.type !== 'call') return;
    const fn = n.fields.function;
    const name = fn?.type === 'attribute' ? fn.fields.attribute?.text : fn?.type === 'identifier' ? fn.text : undefined;
    if (name !== 'add_middleware' && name !== 'Middleware') return;
    const first = firstParam(callArgs(n), name === 'Middleware' ? 'cls' : 'middleware_class').node;
    if (!first || (first.type !== 'identifier' && first.type !== 'attribute')) return;
    const cls = ev.eval(first, scopeAt(host, mod, fns));
    if (cls.t === 'class' && /access-control-/i.test(cls.mod.text)) found = true;
  });
  return found;
}

/** The `x.middleware(...)` calls among a decorated definition's decorators (`@app.middleware("http")`), with their decorators. */
function middlewareDecorators(n: PyNode): { deco: PyNode; call: PyNode & { fields: { function: PyNode } } }[] {
  return n.children.flatMap((deco) => {
    const call = deco.type === 'decorator' ? deco.children[0] : undefined;
    const f = call?.type === 'call' ? call.fields.function : undefined;
    return call && f?.type === 'attribute' && f.fields.attribute?.text === 'middleware' ? [{ deco, call: call as PyNode & { fields: { function: PyNode } } }] : [];
  });
}

/**
 * `@app.middleware("http")` functions that write CORS headers by hand (mechanism 'fastapi-manual'). They are
 * user middleware: not on ServerErrorMiddleware's 500s, and a preflight reaches them only to be answered by
 * the router with 405 unless the function answers OPTIONS itself or an OPTIONS route exists (§2.3).
 */
function manualMiddleware(ctx: StarletteContext, mod: PyModule, n: PyNode, fns: PyNode[]): void {
  const def = n.fields.definition;
  if (!def || def.type !== 'function_definition') return;
  const first = middlewareDecorators(n)[0];
  if (!first) {
    routeHeaders(ctx, mod, n, def, fns);
    exceptionHandlerHeaders(ctx, mod, n, def, fns);
    return;
  }
  const scope = scopeAt(ctx.host, mod, fns);
  const fnScope = scopeAt(ctx.host, mod, [...fns, def]);
  manualPolicy(ctx, mod, def, fnScope, () => appRef(ctx, first.call.fields.function.fields.object, scope, mod), spanOf(mod, first.deco), `HTTP middleware ${def.fields.name?.text ?? ''}`, (app) => innerCatchAll(ctx, mod, scope, n, app, []) ?? constructorCatchAll(ctx, app, 0));
}

/** The `dispatch` method a BaseHTTPMiddleware subclass defines. */
function dispatchMethod(cls: Extract<PyVal, { t: 'class' }>): PyNode | undefined {
  return cls.node.fields.body?.children
    .map((c) => (c.type === 'decorated_definition' ? c.fields.definition : c))
    .find((c): c is PyNode => c?.type === 'function_definition' && c.fields.name?.text === 'dispatch');
}

/**
 * `app.add_middleware(CustomCORS)` where the class is a BaseHTTPMiddleware whose `dispatch(self, request,
 * call_next)` writes the headers by hand: the same user middleware as an `@app.middleware("http")` function
 * (BaseHTTPMiddleware is what that decorator builds), registered through the class.
 */
function classMiddleware(ctx: StarletteContext, mod: PyModule, cls: PyVal, app: () => AppRef, span: Span, innerCatch?: (app: AppRef) => string | undefined): void {
  if (cls.t !== 'class') return;
  const dispatch = dispatchMethod(cls);
  if (!dispatch) return;
  const fnScope = scopeAt(ctx.host, cls.mod, [dispatch]);
  manualPolicy(ctx, cls.mod, dispatch, fnScope, app, span, `HTTP middleware ${cls.name}`, innerCatch);
}

/**
 * The policy of a hand-written HTTP middleware function (or dispatch method) that writes CORS headers. `innerCatch`:
 * the middleware registered inside it (before it) on the same app that turns every exception into a response.
 */
function manualPolicy(ctx: StarletteContext, mod: PyModule, def: PyNode, fnScope: Scope, appOf: () => AppRef, span: Span, label: string, innerCatch?: (app: AppRef) => string | undefined): void {
  const writes = headerWrites(ctx.ev, mod, def, fnScope, 'fastapi', true);
  if (!writes.some((w) => w.name.startsWith('access-control-'))) return;
  const app = appOf();
  const body = def.fields.body;
  const bodyText = body ? mod.text.slice(body.start, body.end) : '';
  // A branch on `request.method == "OPTIONS"` in a CORS middleware answers the preflight itself.
  // (`request.method.upper() == "OPTIONS"`, `!= "OPTIONS"` with an else branch: any test of the method against
  // OPTIONS counts; a pass-through on OPTIONS is then missed, never reported wrongly.) The method may be read through a
  // local (`request_method = request.method`, audit 53 pymanual c08) or a case change (`request.method.lower() ==
  // "options"`, audit 53 pymanual c02): Starlette 0.26 answered the preflights of both with the branch's 200.
  const answersOptions = /request\.method(?:\.upper\(\))?\s*(==|!=|in|not\s+in)\s*[(\[]?\s*["']OPTIONS["']|["']OPTIONS["']\s*(==|!=)\s*request\.method/i.test(bodyText) || comparesMethodWithOptions(mod, fnScope, def);
  const origin = manualOrigin(ctx.ev, mod, fnScope, writes, span);
  const versions = versionsFor(ctx.host, mod.path);
  const pnWrite = writes.filter((x) => x.name === 'access-control-allow-private-network').pop();
  // Headers written only in `except` clauses (the middleware catches what call_next raised and answers with a 500
  // of its own): a policy of those error responses only.
  const inExcept = exceptClauses(body);
  const acWrites = writes.filter((w) => w.name.startsWith('access-control-'));
  const errorsOnly = acWrites.every((w) => {
    const at = w.site ?? w.span;
    return at.file === mod.path && inExcept(at);
  });
  if (errorsOnly && origin.known) origin.via = `${origin.via ? `${origin.via}, ` : ''}on the error responses ${label} builds when the app raises`;
  // The app's routes (collected here) decide whether its errors are all answered inside a mounted sub-application.
  ensureApp(ctx, app, mod, versions);
  // A middleware inside this one that answers every exception itself: call_next never raises, and no 500 is built
  // outside (audit 53 pymw c02: TokenMiddleware's bare `except:` answered every exception with a 401).
  const catcher = errorsOnly ? undefined : innerCatch?.(app);
  const unread = mountsUnread(ctx, app);
  const policy: CorsPolicy = {
    id: `${mod.path}#${def.start}`,
    kind: 'fastapi',
    mechanism: 'fastapi-manual',
    layer: 'app',
    span,
    scope: { level: 'app', label: `${label} (${app.label})`, ...(errorsOnly ? { errorsOnly } : {}) },
    appId: app.id,
    origin,
    ...writtenFields(writes, span, true),
    maxAge: writeMaxAge(writes, span),
    preflight: errorsOnly
      ? unknown('the middleware writes these headers on the error responses it builds only', span)
      : answersOptions
        ? known({ handled: 'explicit', detail: 'the middleware answers OPTIONS itself', span }, span)
        : known({ handled: 'missing', detail: 'the middleware passes OPTIONS to the router, which answers 405 (with these headers) unless an OPTIONS route exists (§2.3)', headersOnAnswer: true, span }, span),
    errorCoverage: errorsOnly || (catchesEveryException(mod, def) && exceptAnswersWithCors(mod, def))
      ? known({ covers: 'all', detail: 'the middleware catches the exceptions and answers them with these headers' }, span)
      : catcher
        ? known({ covers: 'all', detail: `${catcher} runs inside this middleware and turns every exception into a response, which gets these headers` }, span)
      : onlyMountedApps(ctx, app)
        ? // The mounted app's ServerErrorMiddleware turns the exception into a 500 that call_next returns, so the
          // middleware's writes reach it (checked with Starlette 0.26's TestClient; Prefect's shape, audit 36 py D1).
          known({ covers: 'all', detail: 'every route is in a mounted sub-application, whose own ServerErrorMiddleware answers its exceptions inside this middleware' }, span)
        : unread
          ? unknown(unread, span)
        : known({ covers: 'not-unhandled', detail: 'HTTP middleware runs inside ServerErrorMiddleware: unhandled exceptions become 500s without these headers (§2.3)' }, span),
    privateNetwork: !pnWrite ? known(false, span) : forExactOrigins(pnWrite.value.known ? known(pnWrite.value.value === 'true', pnWrite.span) : unknown(pnWrite.value.reason, pnWrite.span), origin),
    shadowedBy: [],
  };
  ctx.policies.push(policy);
  if (!errorsOnly && onlyPassesOn(mod, def)) passesOn.add(policy);
  // Registered after add_middleware(CORSMiddleware), this middleware runs outside it (§2.3): when it always sets
  // Access-Control-Allow-Origin it replaces CORSMiddleware's on every response, preflights included, and the
  // browser sees its value next to CORSMiddleware's other headers (its Allow-Credentials among them).
  const acaoAlways = writes.some((w) => w.name === 'access-control-allow-origin' && w.op === 'set' && w.guards.length === 0);
  if (acaoAlways && span.file === mod.path) {
    for (const q of ctx.policies) {
      if (q.mechanism !== 'starlette-middleware' || q.appId !== app.id || q.span.file !== span.file || q.span.start >= span.start) continue;
      if (!/\.add_middleware\s*\(/.test(mod.text.slice(q.span.start, q.span.end))) continue;
      q.preemptedOrigin = q.origin;
      q.origin = known({ kind: 'none' }, span, `${label} runs outside CORSMiddleware and replaces its Access-Control-Allow-Origin on every response`);
      if (!writes.some((w) => w.name === 'access-control-allow-credentials') && q.credentials.known && q.credentials.value) {
        policy.credentials = known(true, q.credentials.span, 'CORSMiddleware, inside this middleware, sends Access-Control-Allow-Credentials: true');
      }
    }
  }
  // An OPTIONS route answers preflights: then the manual headers do reach them.
  const model = ctx.apps.get(app.id);
  if (!answersOptions && model?.routes.some((r) => r.methods.includes('OPTIONS'))) {
    policy.preflight = known({ handled: 'explicit', detail: 'an OPTIONS route answers preflights', span }, span);
  }
}

export function extractStarlette(ctx: StarletteContext, mod: PyModule): void {
  const { host, ev } = ctx;
  // The `if`s around a registration (audit 35 mix D1, py D3): a branch known not to run registers nothing.
  const guard = (n: PyNode) => registrationGuard(ev, host, mod, n);
  walk(mod.root, (n, fns) => {
    if (n.type === 'decorated_definition') manualMiddleware(ctx, mod, n, fns);
    if (n.type !== 'call') return;
    const fn = n.fields.function;
    if (!fn) return;
    const fnText = mod.text.slice(fn.start, fn.end);
    if (!/(add_middleware|Middleware|CORSMiddleware)$/.test(fnText)) return;
    const scope = scopeAt(host, mod, fns);
    const args = callArgs(n);
    if (fn.type === 'attribute' && fn.fields.attribute?.text === 'add_middleware') {
      // `for cls, options in ((CORSMiddleware, {...}), ...): app.add_middleware(cls, **options)` (audit 44 py D1):
      // one registration per pass, in order; outside such a loop, the one scope.
      const passes = loopPasses(ev, mod, n, fns, scope);
      passes.forEach((s, index) => {
        const loop = passes.length > 1 || s !== scope ? { index, before: passes.slice(0, index), after: passes.slice(index + 1) } : undefined;
        const first = firstParam(args, 'middleware_class');
        // `add_middleware(**{"middleware_class": CORSMiddleware, "allow_origins": [...]})` (audit 16 case 01).
        const cls = first.node ? ev.eval(first.node, s) : splatEntries(ev, args, s)?.get('middleware_class');
        if (cls?.t === 'class') registerGuarded(ev, guard(n), ctx.policies, () => classMiddleware(ctx, mod, cls, () => appRef(ctx, fn.fields.object, s, mod, n.start), spanOf(mod, n), (app) => innerCatchAll(ctx, mod, s, n, app, loop?.before ?? []) ?? constructorCatchAll(ctx, app, 0)));
        const cors = cls ? corsClass(cls, ev) : undefined;
        if (!cors) return;
        // The binding of the name at this call (`app = FastAPI()` may be rebound to another app later).
        const app = appRef(ctx, fn.fields.object, s, mod, n.start);
        const rest = first.rest;
        // In a helper (`setup_cors(app)`): the `if`s around its one call count too.
        const g = app.site ? bothGuards(guard(n), registrationGuard(ev, host, app.site.mod, app.site.call)) : guard(n);
        registerGuarded(ev, g, ctx.policies, () => addPolicy(ctx, mod, app.site ? withSiteArguments(ctx, s, app.site) : s, n, rest, app, 'add_middleware', undefined, loop, cors));
      });
      return;
    }
    const callee = ev.eval(fn, scope);
    if (callee.t === 'ext' && MIDDLEWARE_QNAME.test(callee.qname)) {
      const first = firstParam(args, 'cls');
      const cls = first.node ? ev.eval(first.node, scope) : undefined;
      // Starlette(middleware=[Middleware(CustomCORS)]): a hand-written class, as with add_middleware.
      if (cls?.t === 'class' && !enclosingRoute(ctx, mod, n, scope)) {
        let c: ReturnType<typeof constructorAppOf> | undefined;
        const capp = () => (c ??= constructorAppOf(ctx, mod, n, scope));
        // The entries listed after it run inside it.
        const inner = () => {
          const pos = capp().listPos;
          return pos ? constructorCatchAll(ctx, capp(), pos.index + 1) : undefined;
        };
        registerGuarded(ev, guard(n), ctx.policies, () => classMiddleware(ctx, mod, cls, capp, spanOf(mod, n), inner));
      }
      const cors = cls ? corsClass(cls, ev) : undefined;
      if (!cors) return;
      const rest = first.rest;
      const route = enclosingRoute(ctx, mod, n, scope);
      if (route) {
        const routeApp: AppRef = { id: `${mod.path}#route:${route.node.start}`, span: spanOf(mod, route.node), label: `Route ${route.path}` };
        addPolicy(ctx, mod, scope, n, rest, routeApp, 'route', route, undefined, cors);
        // The route is what the policy covers: its methods and body decide whether browsers preflight.
        ctx.apps.get(routeApp.id)?.routes.push({ methods: route.methods.filter((x) => x !== 'OPTIONS'), path: route.path, span: spanOf(mod, route.node), jsonBody: route.jsonBody });
        return;
      }
      const app = constructorAppOf(ctx, mod, n, scope);
      // `middleware.append(Middleware(CORSMiddleware, ...))` under an `if`.
      registerGuarded(ev, guard(n), ctx.policies, () => addPolicy(ctx, mod, scope, n, rest, app, 'constructor', undefined, undefined, cors));
      return;
    }
    const wrapping = corsClass(callee, ev);
    if (wrapping) {
      // The wrapping form: CORSMiddleware(app=app, ...) / CORSMiddleware(app, ...)
      const appArg = args.keywords.get('app')?.fields.value ?? args.positional[0];
      const app = appRef(ctx, appArg, scope, mod, n.start);
      const rest: CallArgs = { ...args, positional: args.positional.slice(appArg === args.positional[0] ? 1 : 0) };
      registerGuarded(ev, guard(n), ctx.policies, () => addPolicy(ctx, mod, scope, n, rest, app, 'wrap', undefined, undefined, wrapping));
    }
  });
}

/** One pass of a `for` loop unrolled around an add_middleware call: its index and the scopes of the other passes. */
interface LoopPass {
  index: number;
  /** Earlier passes: what they add runs inside this one (add_middleware inserts at 0, §2.3). */
  before: Scope[];
  /** Later passes: what they add runs outside this one. */
  after: Scope[];
}

/** Loop bodies that can leave a pass early or skip the rest of the loop: the passes are then not known. */
const LOOP_EXITS = new Set(['break_statement', 'continue_statement', 'return_statement', 'raise_statement', 'yield', 'try_statement', 'with_statement']);

/**
 * The scopes in which `call` (an add_middleware call) runs: `[scope]` outside a loop, and for a statement of the
 * body of a `for` loop over a sequence the evaluator knows item by item (`for cls, options in middlewares:` with
 * `middlewares` a literal tuple of pairs, mindlogger's shape, audit 44 py D1), one scope per pass with the loop
 * variables bound to that pass's item, in iteration order (the order matters: the middleware added last is the
 * outermost, §2.3). A loop that cannot be unrolled (unknown iterable, unpacking that does not fit, a nested loop,
 * `break`/`continue`, the call under an `if` or another block in the body) leaves `[scope]`, where the loop
 * variables are unknown, so nothing is registered from them.
 */
function loopPasses(ev: Evaluator, mod: PyModule, call: PyNode, fns: PyNode[], scope: Scope): Scope[] {
  const top = fns.at(-1)?.fields.body ?? mod.root;
  const loops: PyNode[] = [];
  let cur: PyNode | undefined = top;
  for (let depth = 0; cur && cur !== call && depth < 200; depth++) {
    if (cur.type === 'for_statement' || cur.type === 'while_statement') loops.push(cur);
    cur = cur.children.find((c) => c.start <= call.start && call.end <= c.end);
  }
  const loop = loops[0];
  if (loops.length !== 1 || loop?.type !== 'for_statement') return [scope];
  const body = loop.fields.body;
  const left = loop.fields.left;
  const right = loop.fields.right;
  // The call is a statement of the body itself (not under an `if` whose condition may read the loop variables).
  if (!body || !left || !right || !body.children.some((st) => st.type === 'expression_statement' && st.children[0] === call)) return [scope];
  let exits = false;
  walk(body, (n) => {
    if (LOOP_EXITS.has(n.type) || n.type === 'for_statement' || n.type === 'while_statement') exits = true;
  });
  if (exits) return [scope];
  const names = left.type === 'identifier' ? [left] : left.type === 'pattern_list' || left.type === 'tuple_pattern' ? left.children : undefined;
  if (!names || names.length === 0 || names.some((x) => x.type !== 'identifier' || !x.text)) return [scope];
  const seq = ev.eval(right, scope);
  if (seq.t !== 'seq' || seq.items.length === 0 || seq.items.length > 50) return [scope];
  const passes: Scope[] = [];
  for (const item of seq.items) {
    const locals = new Map(scope.locals ?? []);
    if (left.type === 'identifier') locals.set(left.text ?? '', item);
    else {
      if (item.t !== 'seq' || item.items.length !== names.length) return [scope];
      names.forEach((x, i) => locals.set(x.text ?? '', item.items[i] as PyVal));
    }
    passes.push({ ...scope, locals });
  }
  return passes;
}

/** Evaluates the app expression; for `app = CORSMiddleware(app=app)` the binding before the statement. */
/**
 * `def setup_cors(app): app.add_middleware(CORSMiddleware, ...)` called once as `setup_cors(app)` on a
 * FastAPI()/Starlette() app: the parameter is that app. Undefined when the name is not a parameter of the
 * enclosing function, or its calls among the candidates are not exactly one that passes a known app.
 */
function appOfParameter(ctx: StarletteContext, name: string, scope: Scope, depth: number): AppRef | undefined {
  const def = scope.fn?.node;
  if (!def || def.type !== 'function_definition' || depth > 2 || scope.fn?.index.bindings.has(name)) return undefined;
  const params = (def.fields.parameters?.children ?? []).map(paramName);
  const index = params.indexOf(name);
  const fname = def.fields.name?.text;
  if (index < 0 || !fname) return undefined;
  const sites: AppRef[] = [];
  for (const m of ctx.modules ?? []) {
    if (!m.text.includes(fname)) continue;
    walk(m.root, (n, fns) => {
      if (n.type !== 'call') return;
      const f = n.fields.function;
      const callee = f?.type === 'identifier' ? f.text : f?.type === 'attribute' ? f.fields.attribute?.text : undefined;
      if (callee !== fname) return;
      const s = scopeAt(ctx.host, m, fns);
      const fv = ctx.ev.eval(f, s);
      if (fv.t !== 'func' || fv.node !== def) return;
      const a = callArgs(n);
      const arg = a.keywords.get(name)?.fields.value ?? a.positional[index];
      const r = arg ? appRef(ctx, arg, s, m, n.start, depth + 1) : undefined;
      sites.push(r?.obj ? { ...r, site: { mod: m, call: n, scope: s } } : { id: '?', span: spanOf(m, n), label: '?' });
    });
  }
  return sites.length === 1 && sites[0]?.obj ? sites[0] : undefined;
}

/**
 * The helper's scope with its parameters bound to the arguments of its one call (`add_cors(app, ["*"])` makes
 * `origins` that list), for the options it passes on. Parameters without an argument keep their defaults.
 */
function withSiteArguments(ctx: StarletteContext, scope: Scope, site: { mod: PyModule; call: PyNode; scope: Scope }): Scope {
  const def = scope.fn?.node;
  if (!def || def.type !== 'function_definition') return scope;
  const params = (def.fields.parameters?.children ?? []).map(paramName);
  const a = callArgs(site.call);
  const locals = new Map(scope.locals ?? []);
  params.forEach((name, i) => {
    if (!name || scope.fn?.index.bindings.has(name)) return;
    const arg = a.keywords.get(name)?.fields.value ?? a.positional[i];
    if (arg) locals.set(name, ctx.ev.eval(arg, site.scope));
  });
  return { ...scope, locals };
}

function appRef(ctx: StarletteContext, expr: PyNode | undefined, scope: Scope, mod: PyModule, before?: number, depth = 0): AppRef {
  const { ev } = ctx;
  let v: PyVal | undefined;
  if (expr?.type === 'identifier' && before !== undefined) {
    const idx = scope.fn?.index ?? ev.index(mod);
    const bs = (idx.bindings.get(expr.text ?? '') ?? []).filter((b) => b.stmt.end <= before);
    const b = bs[bs.length - 1];
    if (b && b.kind === 'assign') v = ev.eval(b.value, scope);
  }
  v ??= expr ? ev.eval(expr, scope) : undefined;
  if (v && v.t === 'call' && (APP_QNAME.test(v.qname) || /FastAPI|Starlette/.test(v.qname))) {
    return { id: `${v.mod.path}#${v.node.start}`, obj: v, span: v.span, label: `${v.qname.split('.').pop()}() in ${v.mod.path}` };
  }
  const viaHelper = expr?.type === 'identifier' ? appOfParameter(ctx, expr.text ?? '', scope, depth) : undefined;
  if (viaHelper) return viaHelper;
  const text = expr ? mod.text.slice(expr.start, expr.end) : 'app';
  const span = expr ? spanOf(mod, expr) : { file: mod.path, start: 0, end: 0 };
  return { id: `${mod.path}#app:${text}`, span, label: `${text} in ${mod.path}` };
}

/** The FastAPI(middleware=[...]) call a Middleware(CORSMiddleware) belongs to. */
function constructorAppOf(ctx: StarletteContext, mod: PyModule, mw: PyNode, scope: Scope): AppRef & { listPos?: { list: PyVal; index: number } } {
  let found: (AppRef & { listPos?: { list: PyVal; index: number } }) | undefined;
  // In this module, or (for a `Middleware(...)` object defined in a module of its own and imported) in another
  // candidate module whose FastAPI(middleware=[...]) list holds it.
  const search = (m: PyModule) =>
    walk(m.root, (n, fns) => {
      if (found || n.type !== 'call') return;
      const fn = n.fields.function;
      if (!fn || !/(FastAPI|Starlette)$/.test(m.text.slice(fn.start, fn.end))) return;
      const kw = callArgs(n).keywords.get('middleware');
      const value = kw?.fields.value;
      if (!value) return;
      const s = scopeAt(ctx.host, m, fns);
      const list = ctx.ev.eval(value, s);
      const inside = m === mod && value.start <= mw.start && mw.end <= value.end;
      const idx = list.t === 'seq' ? list.items.findIndex((i) => i.span.file === mod.path && i.span.start === mw.start) : -1;
      if (inside || idx >= 0) {
        const obj = ctx.ev.eval(n, s);
        if (obj.t === 'call') found = { id: `${m.path}#${n.start}`, obj, span: spanOf(m, n), label: `${obj.qname.split('.').pop()}() in ${m.path}`, ...(list.t === 'seq' && idx >= 0 ? { listPos: { list, index: idx } } : {}) };
      }
    });
  search(mod);
  for (const m of ctx.modules ?? []) {
    if (found) break;
    if (m !== mod && /middleware\s*=/.test(m.text)) search(m);
  }
  void scope;
  return found ?? { id: `${mod.path}#app:unknown`, span: spanOf(mod, mw), label: `app in ${mod.path}` };
}

function versionNote(v: DepVersion | undefined): string {
  if (!v) return 'current Starlette';
  return v.exact ? `Starlette ${v.exact}` : `Starlette >= ${v.min}`;
}

/**
 * `Route("/items", create, methods=["POST"], middleware=[Middleware(CORSMiddleware, ...)])`: middleware of one
 * route. The route checks the method before its middleware runs, so OPTIONS gets 405 unless it lists OPTIONS.
 */
function enclosingRoute(ctx: StarletteContext, mod: PyModule, mw: PyNode, scope: Scope): { node: PyNode; path: string; methods: string[]; jsonBody: boolean } | undefined {
  let found: { node: PyNode; path: string; methods: string[]; jsonBody: boolean } | undefined;
  walk(mod.root, (n) => {
    if (found || n.type !== 'call' || n.start > mw.start || n.end < mw.end) return;
    const f = n.fields.function;
    const name = f?.type === 'identifier' ? f.text : f?.type === 'attribute' ? f.fields.attribute?.text : undefined;
    if (name !== 'Route' && name !== 'APIRoute') return;
    const a = callArgs(n);
    const kw = a.keywords.get('middleware')?.fields.value;
    if (!kw || kw.start > mw.start || kw.end < mw.end) return;
    const path = pathOf(a.positional[0] ? ctx.ev.eval(a.positional[0], scope) : undefined);
    const m = a.keywords.get('methods');
    const si = m ? strItems(ctx.ev.eval(m.fields.value, scope)) : undefined;
    if (path === undefined || (m && (!si || si.unknownSpans.length))) return;
    const methods = si ? si.items.map((x) => x.v.toUpperCase()) : ['GET'];
    const endpoint = a.positional[1] ? ctx.ev.eval(a.positional[1], scope) : undefined;
    const jsonBody = endpoint?.t === 'func' && methods.some((x) => BODY_METHODS.has(x)) && readsJsonBody(endpoint.mod, endpoint.node);
    found = { node: n, path, methods, jsonBody };
  });
  return found;
}

function addPolicy(
  ctx: StarletteContext,
  mod: PyModule,
  scope: Scope,
  call: PyNode,
  args: CallArgs,
  app: AppRef & { listPos?: { list: PyVal; index: number } },
  form: 'add_middleware' | 'constructor' | 'wrap' | 'route',
  route?: { path: string; methods: string[] },
  loop?: LoopPass,
  cors: CorsClass = {},
): void {
  const { ev } = ctx;
  const callSpan = spanOf(mod, call);
  const versions = versionsFor(ctx.host, mod.path);
  const starlette = starletteVersion(versions);
  const dflt = (what: string) => `Starlette default ${what} (§2.1)`;
  const opt = (name: string) => evalKw(ev, args, name, scope);
  // A `**mapping` that cannot be read may set any option; one that can is read like keywords (evalKw).
  const splatKnown = splatEntries(ev, args, scope) !== undefined;
  const splatUnknown = (name: string): Valued<never> | undefined =>
    args.splat && !splatKnown && !args.keywords.has(name) ? unknown(`options passed with ** may set ${name}`, spanOf(mod, args.splat)) : undefined;
  // A keyword CORSMiddleware.__init__ does not take (`allow_header=`, a typo) raises TypeError where the middleware is
  // built: for add_middleware, when Starlette builds its middleware stack on the first request, so every request fails
  // with 500 (checked with the Starlette 0.26 test client). The app cannot be served like that, so it gets fixed: the
  // settings written explicitly are what it will then run with, and are judged (Semgrep's wildcard-cors test file,
  // audit 29 py c01/c02, is such a case: `allow_origins=["*"], allow_credentials=True, allow=["*"]`); a setting left
  // to its default may be the one the typo meant to set, so it is unknown and no rule blames the default (audit 29 py
  // D5, audit 45 D7: `allow_header=` made preflight-headers-incomplete blame the default allow_headers).
  const stray = [...args.keywords.keys()].find((k) => !CORS_MIDDLEWARE_KEYWORDS.has(k));
  const strayKw = stray !== undefined ? args.keywords.get(stray) : undefined;
  const typo = (...names: string[]): Valued<never> | undefined =>
    strayKw && !names.some((n) => args.keywords.has(n))
      ? unknown<never>(`CORSMiddleware() got an unexpected keyword argument '${stray}' (Starlette raises TypeError on the first request), so ${names[0]} may not be meant to keep its default`, spanOf(mod, strayKw))
      : undefined;

  // ── credentials
  const cred = opt('allow_credentials');
  const credentials: Valued<boolean> = splatUnknown('allow_credentials') ?? boolOption(mod, cred?.kw, cred?.v, false, callSpan, dflt('allow_credentials=False'));

  // ── origins (§2.1, §2.2)
  // A subclass's own is_allowed_origin decides which of them pass (audit 51 D1).
  const origin = overriddenOrigin(ev, cors, originPolicy(mod, opt('allow_origins'), opt('allow_origin_regex'), credentials, callSpan, starlette, splatUnknown('allow_origins') ?? splatUnknown('allow_origin_regex')), credentials);

  // ── methods
  const methods = opt('allow_methods');
  let allowMethods: Valued<TokenList>;
  if (splatUnknown('allow_methods')) allowMethods = splatUnknown('allow_methods') as Valued<never>;
  else if (!methods) allowMethods = known({ kind: 'list', items: [{ value: 'GET', span: callSpan }], serverChecked: true }, callSpan, 'default');
  else allowMethods = methodList(methods.v);

  // ── headers
  const hdrs = opt('allow_headers');
  let allowHeaders: Valued<TokenList>;
  const safelisted = (): Token[] => STARLETTE_SAFELISTED.map((h) => ({ value: h, span: callSpan }));
  if (splatUnknown('allow_headers')) allowHeaders = splatUnknown('allow_headers') as Valued<never>;
  else if (!hdrs) allowHeaders = known({ kind: 'list', items: safelisted() }, callSpan, 'default: only the safelisted headers Starlette always allows (§2.1)');
  else {
    const s = strItems(hdrs.v);
    if (!s || s.unknownSpans.length || s.other.length) allowHeaders = unknown(`allow_headers: ${reasonOf(hdrs.v)}`, hdrs.v.span);
    else if (s.items.some((i) => i.v === '*')) {
      // `["*"]` copies Access-Control-Request-Headers into the response: echo, never a literal `*` (§2.2).
      const star = s.items.find((i) => i.v === '*') as { span: Span };
      allowHeaders = known({ kind: 'echo' }, star.span, 'allow_headers=["*"] echoes the requested headers (§2.2)');
    } else allowHeaders = known({ kind: 'list', items: [...safelisted(), ...tokensOf(s.items)] }, hdrs.v.span, hdrs.v.via);
  }

  // ── expose headers
  const exp = opt('expose_headers');
  let exposeHeaders: Valued<TokenList>;
  if (!exp) exposeHeaders = known({ kind: 'none' }, callSpan, 'default');
  else {
    const s = strItems(exp.v);
    if (!s || s.unknownSpans.length || s.other.length) exposeHeaders = unknown(`expose_headers: ${reasonOf(exp.v)}`, exp.v.span);
    else exposeHeaders = known(s.items.length ? { kind: 'list', items: tokensOf(s.items) } : { kind: 'none' }, exp.v.span);
  }

  // ── max age: always sent on preflights, default 600 (§2.2)
  const ma = opt('max_age');
  let maxAge: Valued<string | null>;
  if (!ma) maxAge = known('600', callSpan, dflt('max_age=600'));
  else if (ma.v.t === 'num') maxAge = known(String(ma.v.v), blameSpan(mod, ma.kw, ma.v, ma.v.span), ma.v.via);
  else if (ma.v.t === 'str') maxAge = known(ma.v.v, ma.v.span, ma.v.via);
  else maxAge = unknown(`max_age: ${reasonOf(ma.v)}`, ma.v.span);

  // ── private network (≥ 0.51)
  const pn = opt('allow_private_network');
  const privateNetwork = forAnyOrigin(boolOption(mod, pn?.kw, pn?.v, false, callSpan, dflt('allow_private_network=False')), origin);

  // ── error coverage (§2.3)
  // (What the constructor's middleware list holds runs inside every add_middleware; in the constructor form, the
  // entries after CORSMiddleware's run inside it: audit 53 pymw c02, a `Middleware(TokenMiddleware)` listed after it
  // whose bare `except:` answered every exception with a 401 that carried the CORS headers under Starlette 0.26.)
  const catcher =
    form === 'add_middleware'
      ? innerCatchAll(ctx, mod, scope, call, app, loop?.before ?? []) ?? constructorCatchAll(ctx, app, 0)
      : form === 'constructor' && app.listPos
        ? constructorCatchAll(ctx, app, app.listPos.index + 1)
        : undefined;
  // The app's routes (collected here) decide whether its errors are all answered inside a mounted sub-application.
  ensureApp(ctx, app, mod, versions);
  const unread = form === 'add_middleware' ? mountsUnread(ctx, app, { mod, scope }) : undefined;
  const errorCoverage = form === 'wrap'
    ? known({ covers: 'all' as const, detail: 'CORSMiddleware wraps the whole app, ServerErrorMiddleware included (§2.3)' }, callSpan)
    : form === 'add_middleware' && onlyMountedApps(ctx, app)
      ? known({ covers: 'all' as const, detail: 'every route is in a mounted sub-application, whose own ServerErrorMiddleware answers its exceptions inside CORSMiddleware' }, callSpan)
    : catcher
      ? known({ covers: 'all' as const, detail: `${catcher} runs inside CORSMiddleware and turns every exception into a response, which gets the CORS headers` }, callSpan)
    : unread
      ? unknown<never>(unread, callSpan)
      : known({ covers: 'not-unhandled' as const, detail: 'unhandled exceptions become 500 responses built by ServerErrorMiddleware, outside CORSMiddleware (§2.3)' }, callSpan);

  const policy: CorsPolicy = {
    // A later pass of an unrolled loop registers another middleware at the same call.
    id: loop && loop.index > 0 ? `${mod.path}#${call.start}:${loop.index}` : `${mod.path}#${call.start}`,
    kind: 'fastapi',
    mechanism: 'starlette-middleware',
    layer: 'app',
    span: callSpan,
    scope: route ? { level: 'route', paths: [route.path], methods: route.methods, label: `Route ${route.path}` } : { level: 'app', label: app.label },
    appId: app.id,
    origin,
    credentials,
    allowMethods,
    allowHeaders,
    exposeHeaders,
    maxAge,
    // Starlette adds `Vary: Origin` whenever the ACAO depends on the request (§2.2).
    varyOrigin: known(true, callSpan, 'CORSMiddleware adds Vary: Origin (§2.2)'),
    preflight:
      route && !route.methods.includes('OPTIONS')
        ? known({ handled: 'missing', detail: `the route accepts ${route.methods.join(', ')} only and checks the method before its middleware runs: a preflight (OPTIONS) gets 405 without CORS headers`, span: callSpan }, callSpan)
        : known({ handled: 'automatic', detail: 'CORSMiddleware answers OPTIONS with Access-Control-Request-Method itself (§2.2)', span: callSpan }, callSpan),
    errorCoverage,
    privateNetwork,
    headerWrites: [],
    shadowedBy: form === 'route' ? [] : shadowing(ctx, mod, scope, call, app, form, loop?.after ?? []),
    ...(strayKw
      ? {
          origin: typo('allow_origins', 'allow_origin_regex') ?? origin,
          credentials: typo('allow_credentials') ?? credentials,
          allowMethods: typo('allow_methods') ?? allowMethods,
          allowHeaders: typo('allow_headers') ?? allowHeaders,
          exposeHeaders: typo('expose_headers') ?? exposeHeaders,
          maxAge: typo('max_age') ?? maxAge,
          privateNetwork: typo('allow_private_network') ?? privateNetwork,
        }
      : {}),
  };
  void versionNote;
  ctx.policies.push(policy);
  if (form === 'add_middleware') addedByAddMiddleware.add(policy);
}

export { forAnyOrigin };

/**
 * CORS headers written in a route handler (`response.headers[...] = ...`). A preflight for the path reaches
 * the router, which answers 405 unless an OPTIONS route exists for it (§2.3).
 */
/**
 * CORS headers written by an exception handler (`@app.exception_handler(Exception)`): they are what the browser
 * sees on those error responses (a handler for Exception or 500 runs in ServerErrorMiddleware, outside
 * CORSMiddleware, §2.3). Such a policy answers errors only: it says nothing about preflights.
 */
function exceptionHandlerHeaders(ctx: StarletteContext, mod: PyModule, decorated: PyNode, def: PyNode, fns: PyNode[]): void {
  const deco = decorated.children.find((d) => {
    const c = d.type === 'decorator' ? d.children[0] : undefined;
    return c?.type === 'call' && c.fields.function?.type === 'attribute' && c.fields.function.fields.attribute?.text === 'exception_handler';
  });
  if (!deco) return;
  const scope = scopeAt(ctx.host, mod, fns);
  const fnScope = scopeAt(ctx.host, mod, [...fns, def]);
  const writes = headerWrites(ctx.ev, mod, def, fnScope, 'fastapi', true);
  if (!writes.some((w) => w.name === 'access-control-allow-origin')) return;
  const c = deco.children[0] as PyNode;
  const app = appRef(ctx, (c.fields.function as PyNode).fields.object, scope, mod, decorated.start);
  const span = spanOf(mod, deco);
  const name = def.fields.name?.text ?? 'exception handler';
  // A handler for Exception (or 500) answers every unhandled error; one for a narrower class only those.
  const caught = callArgs(c).positional[0];
  const catchesAll = caught !== undefined && /^(Exception|500|BaseException)$/.test(mod.text.slice(caught.start, caught.end).trim());
  // Handlers that take their headers from one helper write the same headers: one policy for all of them
  // (else each would repeat the same finding at the helper's lines).
  const spansOf = (ws: { span: Span }[]) => ws.map((w) => `${w.span.file}:${w.span.start}`).join('|');
  const twin = ctx.policies.find((q) => q.mechanism === 'fastapi-manual' && q.scope.errorsOnly && q.appId === app.id && spansOf(q.headerWrites) === spansOf(writes));
  if (twin) {
    twin.scope.label = `${twin.scope.label}, ${name}`;
    if (twin.origin.known) twin.origin.via = twin.origin.via?.replace(/on the error responses (.*) builds?$/, (_m, names: string) => `on the error responses ${names.replace(' and ', ', ')} and ${name} build`);
    if (catchesAll) {
      twin.errorCoverage = known({ covers: 'all', detail: `${twin.scope.label.replace(/^exception handlers? /, '')} write these headers on the error responses they build` }, span);
      // Its 500s are built outside CORSMiddleware: they get no Vary from it.
      passesOn.delete(twin);
    }
    return;
  }
  const origin = manualOrigin(ctx.ev, mod, fnScope, writes, span);
  if (origin.known) origin.via = `${origin.via ? `${origin.via}, ` : ''}on the error responses ${name} builds`;
  const policy: CorsPolicy = {
    id: `${mod.path}#${def.start}`,
    kind: 'fastapi',
    mechanism: 'fastapi-manual',
    layer: 'app',
    span,
    scope: { level: 'app', label: `exception handler ${name}`, errorsOnly: true },
    appId: app.id,
    origin,
    ...writtenFields(writes, span, false),
    maxAge: known(null, span),
    preflight: unknown('an exception handler answers error responses only', span),
    errorCoverage: catchesAll
      ? known({ covers: 'all', detail: `${name} writes these headers on the error responses it builds` }, span)
      : unknown(`${name} answers only the errors it is registered for`, span),
    privateNetwork: known(false, span),
    shadowedBy: [],
  };
  ctx.policies.push(policy);
  // A handler for a narrower class runs in ExceptionMiddleware, inside CORSMiddleware: its responses pass out
  // through it and get its Vary: Origin (audit 22 case 12, checked with Starlette 1.7).
  if (!catchesAll) passesOn.add(policy);
  ensureApp(ctx, app, mod, versionsFor(ctx.host, mod.path));
}

function routeHeaders(ctx: StarletteContext, mod: PyModule, decorated: PyNode, def: PyNode, fns: PyNode[]): void {
  const scope = scopeAt(ctx.host, mod, fns);
  const routes = routeDecorators(ctx.ev, mod, decorated, scope);
  if (routes.length === 0) return;
  const fnScope = scopeAt(ctx.host, mod, [...fns, def]);
  const writes = headerWrites(ctx.ev, mod, def, fnScope, 'fastapi', true);
  if (!writes.some((w) => w.name.startsWith('access-control-'))) return;
  const r0 = routes[0] as (typeof routes)[number];
  const app = appRef(ctx, r0.receiver, scope, mod);
  const span = spanOf(mod, r0.deco);
  const methods = [...new Set(routes.flatMap((r) => r.methods))];
  // An OPTIONS-only route behind an HTTP middleware of the app that answers every OPTIONS request itself never
  // runs: the middleware runs before the router (§2.3) (audit 44 py D2, checked with Starlette 0.26's TestClient).
  if (methods.length > 0 && methods.every((m) => m === 'OPTIONS') && optionsAnsweredFirst(ctx, mod, app)) return;
  const paths = routes.map((r) => r.path).filter((p): p is string => p !== undefined);
  const versions = versionsFor(ctx.host, mod.path);
  const policy: CorsPolicy = {
    id: `${mod.path}#${def.start}`,
    kind: 'fastapi',
    mechanism: 'fastapi-manual',
    layer: 'app',
    span,
    scope: { level: 'route', paths, methods, label: `route ${methods.join(',')} ${paths.join(', ')}` },
    appId: app.id,
    origin: manualOrigin(ctx.ev, mod, fnScope, writes, span),
    ...writtenFields(writes, span, false),
    maxAge: known(null, span),
    preflight: methods.includes('OPTIONS')
      ? known({ handled: 'explicit', detail: 'the route answers OPTIONS itself', span }, span)
      : known({ handled: 'missing', detail: 'the router answers the OPTIONS preflight with 405 and no CORS headers unless an OPTIONS route exists (§2.3)', span }, span),
    errorCoverage: known({ covers: 'not-unhandled', detail: 'errors raised by the route are answered without these headers (§2.3)' }, span),
    privateNetwork: known(false, span),
    shadowedBy: [],
  };
  ctx.policies.push(policy);
  ensureApp(ctx, app, mod, versions);
  // An OPTIONS route for one of these paths answers the preflight (it may set the headers itself).
  const model = ctx.apps.get(app.id);
  if (!methods.includes('OPTIONS') && model?.routes.some((r) => r.methods.includes('OPTIONS') && (paths.includes(r.path) || r.path.includes('{')))) {
    policy.preflight = known({ handled: 'explicit', detail: 'an OPTIONS route answers preflights', span }, span);
  }
}

/** Whether an `@app.middleware("http")` function of the module, on `app`, returns on every OPTIONS request before call_next. */
function optionsAnsweredFirst(ctx: StarletteContext, mod: PyModule, app: AppRef): boolean {
  let found = false;
  walk(mod.root, (n, fns) => {
    if (found || n.type !== 'decorated_definition') return;
    const def = n.fields.definition;
    if (def?.type !== 'function_definition' || !answersEveryOptions(mod, def, scopeAt(ctx.host, mod, [...fns, def]))) return;
    for (const { call: c } of middlewareDecorators(n)) {
      const kind = callArgs(c).positional[0];
      if (!kind || !/^["']http["']$/.test(mod.text.slice(kind.start, kind.end))) continue;
      if (appRef(ctx, c.fields.function.fields.object, scopeAt(ctx.host, mod, fns), mod, n.start).id === app.id) found = true;
    }
  });
  return found;
}

/**
 * A middleware function whose body begins with plain statements (no call_next, no branch) and then
 * `if request.method == "OPTIONS": ... return ...` ending in a return, without call_next in it.
 */
function answersEveryOptions(mod: PyModule, def: PyNode, fnScope: Scope): boolean {
  const params = def.fields.parameters?.children ?? [];
  const req = params[0] ? paramName(params[0]) : undefined;
  const body = def.fields.body?.children ?? [];
  if (!req) return false;
  const esc = req.replace(/[^\w]/g, '');
  const isOptionsTest = new RegExp(`^(?:${esc}\\.method(?:\\.upper\\(\\))?==(["'])OPTIONS\\1|(["'])OPTIONS\\2==${esc}\\.method(?:\\.upper\\(\\))?)$`);
  for (const st of body) {
    const text = mod.text.slice(st.start, st.end);
    const cond = st.type === 'if_statement' ? st.fields.condition : undefined;
    if (cond && (isOptionsTest.test(mod.text.slice(cond.start, cond.end).replace(/\s+/g, '')) || methodOptionsTest(mod, fnScope, cond, false) === 'only')) {
      const branch = st.fields.consequence;
      return branch?.children.at(-1)?.type === 'return_statement' && !/\bcall_next\b/.test(mod.text.slice(branch.start, branch.end));
    }
    if (!(st.type === 'expression_statement' || st.type === 'comment') || /\bcall_next\b/.test(text)) return false;
  }
  return false;
}

function methodList(v: PyVal): Valued<TokenList> {
  if (v.t === 'str') {
    // A string is iterated character by character by Starlette: nothing sensible is sent (§2.1).
    return unknown('allow_methods is a string: Starlette treats it as a sequence of characters', v.span);
  }
  const s = strItems(v);
  if (!s || s.unknownSpans.length || s.other.length) return unknown(`allow_methods: ${reasonOf(v)}`, v.span);
  const star = s.items.find((i) => i.v === '*');
  // Starlette checks the requested method against this list itself, case-sensitively (§2.1, §2.2).
  if (star) return known({ kind: 'list', items: ALL_METHODS.map((m) => ({ value: m, span: star.span })), serverChecked: true }, star.span, 'allow_methods=["*"] sends every method (§2.1)');
  return known({ kind: 'list', items: tokensOf(s.items), serverChecked: true }, v.span, v.via);
}

function originPolicy(
  mod: PyModule,
  origins: { kw: PyNode; v: PyVal } | undefined,
  regex: { kw: PyNode; v: PyVal } | undefined,
  credentials: Valued<boolean>,
  callSpan: Span,
  starlette: DepVersion | undefined,
  splat: Valued<never> | undefined,
): Valued<OriginPolicy> {
  if (splat) return splat;
  const entries: OriginEntry[] = [];
  const unknownEntries: Span[] = [];
  let allowAll: { span: Span; via?: string; label?: string } | undefined;
  if (origins) {
    const v = origins.v;
    // Unknown origins with a known regex: the regex's origins are accepted whatever the list holds. A value that
    // is not a string or a list (the result of a call that cannot be followed) is as unknown.
    const opaque = v.t !== 'str' && v.t !== 'seq';
    if (opaque && !(regex && (regex.v.t === 'str' || regex.v.t === 'regex'))) return unknown(`allow_origins: ${v.t === 'unknown' ? v.reason : reasonOf(v)}`, v.span);
    if (opaque) unknownEntries.push(v.span);
    if (v.t === 'str') {
      // `origin in "<string>"`: a substring test; `"*" in s` makes it allow-all (§2.1).
      if (v.v.includes('*')) {
        const how = v.v === '*' ? undefined : `allow_origins is the string ${JSON.stringify(v.v)}, not a list: "*" in it is a substring test, true here, so every origin is allowed`;
        const via = [how, v.via].filter(Boolean).join('; ');
        // The label quotes what the code says (`allow_origins="*"`, a string), audit 29 case 11.
        allowAll = { span: v.span, ...(via ? { via } : {}), label: 'allow_origins=' + JSON.stringify(v.v) };
      }
      else entries.push({ type: 'substring', haystack: v.v, span: v.span });
    } else if (v.t === 'seq') {
      for (const i of v.items) {
        if (emptyEnvDefault(i)) continue;
        if (i.t === 'str') {
          if (i.v === '*') allowAll = { span: i.span, ...(i.via ? { via: i.via } : {}) };
          // An item's own provenance (`["https://a", os.getenv("B", "http://localhost:*")]`: the list has none, audit 48 c10).
          else entries.push({ type: 'literal', value: i.v, caseInsensitive: false, span: i.span, ...litSpan(i), ...(i.via?.startsWith(URL_TYPE_VIA) ? { changedBy: i.via } : {}), ...(i.via && i.via !== v.via ? { via: i.via } : {}) });
        } else if (i.t === 'unknown') unknownEntries.push(i.span);
        else unknownEntries.push(i.span);
      }
    }
  }
  if (regex && regex.v.t !== 'none') {
    const r = regex.v;
    if (r.t === 'str' || r.t === 'regex') {
      // fullmatch since 0.13.1; re.match (prefix only) before (§2.1).
      const old = isBelow(starlette, '0.13.1') === true;
      // Its own provenance: the policy's `via` below is allow_origins' (audit 32 case 17).
      entries.push({ type: 'regex', pattern: r.t === 'str' ? r.v : r.pattern, flags: r.t === 'regex' ? r.flags : '', flavor: 'python', mode: old ? 'match' : 'fullmatch', span: r.span, ...litSpan(r), via: r.via ?? '' });
    } else if (r.t === 'unknown') {
      if (!allowAll) return unknown(`allow_origin_regex: ${r.reason}`, r.span);
    } else if (!allowAll) {
      // A list or a number: re.compile() raises when the middleware stack is built, and every request fails.
      return unknown(`allow_origin_regex is ${reasonOf(r)}, not a string`, r.span);
    }
  }
  if (allowAll) {
    if (!credentials.known) return unknown(`allow_origins=["*"] reflects or not depending on allow_credentials (${credentials.reason})`, allowAll.span);
    if (credentials.value) {
      // `["*"]` + credentials reflects any Origin with ACAC: true (§2.2, ≥0.15 on preflights; simple
      // requests with a Cookie since 0.4.1, all simple requests since 1.0).
      const pre015 = isBelow(starlette, '0.15.0') === true;
      const how = pre015
        ? 'Starlette before 0.15 reflects the request Origin on requests that carry cookies (§2.2)'
        : 'Starlette reflects the request Origin (§2.2)';
      return known({ kind: 'reflect-any' }, allowAll.span, `${allowAll.label ?? 'allow_origins=["*"]'} with allow_credentials=True: ${how}${allowAll.via ? `; ${allowAll.via}` : ''}`);
    }
    return known({ kind: 'wildcard' }, allowAll.span, allowAll.via);
  }
  const span = origins ? origins.v.span : regex ? regex.v.span : callSpan;
  const via = origins ? itemsVia(origins.v) : !origins && !regex ? 'default allow_origins=() (no origin allowed)' : undefined;
  void mod;
  return known({ kind: 'allow-list', entries, unknownEntries }, span, via);
}

// ─── Middleware order (§2.3) ─────────────────────────────────────────────────────────────────────

/** A function defined at the top level of the module. */
function moduleFunction(mod: PyModule, name: string): PyNode | undefined {
  for (const c of mod.root.children) {
    const d = c.type === 'decorated_definition' ? c.fields.definition : c;
    if (d?.type === 'function_definition' && d.fields.name?.text === name) return d;
  }
  return undefined;
}

/** Local names assigned (`name = ...`) a value whose text matches `source` (`await call_next(request)`). */
function namesAssigned(mod: PyModule, body: PyNode, source: RegExp): Set<string> {
  const out = new Set<string>();
  walk(body, (n) => {
    if (n.type === 'assignment' && n.fields.left?.type === 'identifier' && n.fields.right && source.test(mod.text.slice(n.fields.right.start, n.fields.right.end))) out.add(n.fields.left.text ?? '');
  });
  return out;
}

/** Whether `text` writes `<name>.headers["Access-Control-Allow-Origin"]` (`name` already regex-escaped or a plain identifier). */
function setsAcaoOn(text: string, name: string): boolean {
  return new RegExp(`\\b${name}\\.headers\\s*\\[\\s*["']access-control-allow-origin`, 'i').test(text);
}

function shortCircuitFunction(mod: PyModule, fn: PyNode): string | undefined {
  const body = fn.fields.body;
  if (!body) return undefined;
  let why: string | undefined;
  const assignedFromCallNext = namesAssigned(mod, body, /call_next|await\s+\w+\(/);
  // A pure ASGI middleware answers by sending a response itself: `await response(scope, receive, send)` with a
  // Response it built, or `await send({"type": "http.response.start", ...})`. Passing the request on
  // (`await self.app(scope, receive, send)`) does not count.
  const bodyText = mod.text.slice(body.start, body.end);
  const called = /await\s+([A-Za-z_]\w*)\s*\(\s*scope\s*,\s*receive\s*,\s*send\s*\)/.exec(bodyText);
  const sent =
    /await\s+[\w.]*Response\([^()]*\)\s*\(\s*scope\s*,\s*receive\s*,\s*send\s*\)/.exec(bodyText) ??
    (called && new RegExp(`\\b${called[1]}\\s*=\\s*[\\w.]*Response\\(`).test(bodyText) ? called : null) ??
    // Any awaited callable handed an `http.response.start` message literal starts a response: `send` itself or a
    // wrapper of it (`await send_403({"type": "http.response.start", ...})`, MLflow's HostValidationMiddleware).
    /await\s+[\w.]+\s*\(\s*\{[^}]*["']http\.response\.start["']/.exec(bodyText);
  if (sent && !/access-control-allow-origin/i.test(bodyText)) return `it can send its own response (${quoteCode(sent[0])})`;
  // `try: return await call_next(request) except Exception: return JSONResponse(..., 500)`: that answer is only for
  // requests the app fails on, never a preflight the inner CORSMiddleware answers (audit 17 case 10); the missing
  // headers on those 500s are cors-missing-on-error-responses' part.
  const handlers: { start: number; end: number }[] = [];
  walk(body, (n) => {
    // Only a `try` around the call alone: with other work in it (a token refresh), its handler answers requests
    // the app never failed on.
    const stmts = n.type === 'try_statement' ? (n.fields.body?.children.filter((c) => c.type !== 'comment') ?? []) : [];
    if (stmts.length !== 1 || !/\bcall_next\b/.test(mod.text.slice((stmts[0] as PyNode).start, (stmts[0] as PyNode).end))) return;
    for (const c of n.children) if (c.type === 'except_clause') handlers.push({ start: c.start, end: c.end });
  });
  const inHandler = (x: PyNode) => handlers.some((h) => x.start >= h.start && x.end <= h.end);
  // A pure ASGI callable (`__call__(self, scope, receive, send)`) answers only through `send` (matched above): its
  // return value is ignored, so `return await self.app(scope, receive, send)` passes the request on, and a
  // `return await self.helper(scope, receive, send)` answers only if the helper sends (delegatedMethods reads it)
  // (audit 36 py D3).
  const params = (fn.fields.parameters?.children ?? []).filter((c) => c.type === 'identifier' || c.type.endsWith('parameter')).map(paramName);
  const asgi = params[0] === 'self' ? params.slice(1) : params;
  const asgiScope = asgi.length === 3 && asgi[0] ? asgi[0] : undefined;
  const forwards = (e: PyNode): boolean => {
    const c = e.type === 'await' ? e.children.find((x) => x.type === 'call') : undefined;
    const f = c?.fields.function;
    return !!c && f?.type === 'attribute' && f.fields.object?.text === 'self' && callArgs(c).positional[0]?.text === asgiScope;
  };
  walk(body, (n) => {
    if (why) return;
    if (n.type === 'raise_statement' && !inHandler(n)) why = 'it raises an exception';
    if (n.type === 'return_statement') {
      const e = n.children[0];
      if (!e || inHandler(n)) return;
      const t = mod.text.slice(e.start, e.end);
      if (/call_next/.test(t)) return;
      if (asgiScope && forwards(e)) return;
      if (e.type === 'identifier' && assignedFromCallNext.has(e.text ?? '')) return;
      // `return add_cors(response, origin)`: the app's response handed to a function of the module that sets
      // CORS headers on it or gives it back (audit 11 case 10).
      // `return add_cors(JSONResponse(..., status_code=500), origin)`: its own answer, with the CORS headers.
      if (e.type === 'call' && e.fields.function?.type === 'identifier') {
        const helper = moduleFunction(mod, e.fields.function.text ?? '');
        if (helper && setsAcao(mod, helper)) return;
        const passed = callArgs(e).positional.findIndex((a) => a.type === 'identifier' && assignedFromCallNext.has(a.text ?? ''));
        const def = passed >= 0 ? helper : undefined;
        const param = def?.fields.parameters?.children.filter((c) => c.type === 'identifier' || c.type === 'typed_parameter' || c.type === 'default_parameter' || c.type === 'typed_default_parameter')[passed];
        const pName = param ? paramName(param) : undefined;
        const defText = def ? mod.text.slice(def.start, def.end) : '';
        if (def && (/access-control-allow-origin/i.test(defText) || (pName && new RegExp(`\\breturn\\s+${pName}\\s*$`, 'm').test(defText)))) return;
      }
      // Its own response with an Access-Control-Allow-Origin (`return Response(status_code=204, headers={...})`,
      // or a response whose ACAO it sets first): that answer carries CORS headers.
      if (/access-control-allow-origin/i.test(t)) return;
      if (e.type === 'identifier') {
        const name = (e.text ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        if (setsAcaoOn(mod.text.slice(body.start, body.end), name)) return;
        // ... or that it hands to a function of the module that sets it (`add_cors_headers(request, response)`).
        for (const m of bodyText.matchAll(new RegExp(`\\b([A-Za-z_]\\w*)\\s*\\([^()]*\\b${name}\\b[^()]*\\)`, 'g'))) {
          const def = moduleFunction(mod, m[1] as string);
          if (def && setsAcao(mod, def)) return;
        }
      }
      why = `it can return its own response (${quoteCode(t)})`;
    }
  });
  return why;
}

/**
 * TrustedHostMiddleware lets every request through when `allowed_hosts` holds "*" (its default, None, means
 * ["*"]): it then never answers, so it does not stand in front of CORS (starlette/middleware/trustedhost.py).
 */
function letsEveryHostThrough(cls: PyVal, text: string, call: PyNode, mod: PyModule, ev: StarletteContext['ev'], scope: Scope): boolean {
  const name = cls.t === 'ext' ? (cls.qname.split('.').pop() as string) : cls.t === 'class' ? cls.name : text;
  if (name !== 'TrustedHostMiddleware' || cls.t === 'class') return false;
  // A keyword or an entry of a `**options` mapping that can be read (a pass of an unrolled loop, audit 44 py D1);
  // absent, or in a mapping that cannot be read, it is taken as the default ["*"] (nothing is claimed).
  const kw = evalKw(ev, callArgs(call), 'allowed_hosts', scope);
  if (!kw) return true;
  const v = kw.v;
  if (v.t === 'none') return true;
  return v.t === 'seq' && v.items.some((i) => i.t === 'str' && i.v === '*');
}

/**
 * Starlette's AuthenticationMiddleware answers a request itself only when its backend's `authenticate` raises
 * AuthenticationError (`on_error`, by default a 400 without CORS headers); a `None` result lets the request through
 * as unauthenticated (starlette/middleware/authentication.py, §2.3). It takes its options as keywords only
 * (`add_middleware(cls, **options)`, `Middleware(cls, **options)`), so the backend is the `backend=` keyword.
 * 'never': the backend is a class of the project whose `authenticate` (and what it calls that can be found) has
 * no `raise`; 'raises': it has one; undefined: not this middleware, or the backend cannot be read (then its name
 * decides, as before: a backend exists to reject bad credentials).
 */
function authBackendRaises(ev: Evaluator, cls: PyVal, call: PyNode, scope: Scope): 'never' | 'raises' | undefined {
  if (cls.t !== 'ext' || !/^starlette(\.middleware)?(\.authentication)?\.AuthenticationMiddleware$/.test(cls.qname)) return undefined;
  const kw = callArgs(call).keywords.get('backend');
  if (!kw) return undefined;
  const backend = ev.eval(kw.fields.value, scope);
  if (backend.t !== 'instance') return undefined;
  const auth = methodOf(ev, backend.cls, 'authenticate', 0);
  if (!auth) return undefined;
  return functionMayRaise(ev, auth.cls.mod, auth.cls, auth.node, 0, new Set());
}

type ClassV = Extract<PyVal, { t: 'class' }>;

/** A method defined by the class or one of its project bases. */
function methodOf(ev: Evaluator, cls: ClassV, name: string, depth: number): { cls: ClassV; node: PyNode } | undefined {
  if (depth > 5) return undefined;
  const body = cls.node.fields.body;
  if (body) {
    const b = indexBlock(body).bindings.get(name);
    const last = b?.[b.length - 1];
    if (last) return last.kind === 'def' ? { cls, node: last.node } : undefined;
  }
  for (const base of ev.bases(cls)) {
    if (base.t !== 'class') continue;
    const m = methodOf(ev, base, name, depth + 1);
    if (m) return m;
  }
  return undefined;
}

/**
 * Whether a backend function can raise AuthenticationError: a `raise` in it or in a function of the project it
 * calls (a method through `self`, a function of the module or an imported one). A call that cannot be followed
 * into an authentication library (`some_auth_lib.verify(token)`) counts as raising; calls on values (`conn.headers.get`,
 * `token.split`) and other external functions (`base64.b64decode`) do not raise AuthenticationError.
 */
function functionMayRaise(ev: Evaluator, mod: PyModule, cls: ClassV | undefined, fn: PyNode, depth: number, seen: Set<PyNode>): 'never' | 'raises' {
  if (seen.has(fn)) return 'never';
  seen.add(fn);
  if (depth > 4) return 'raises';
  let out: 'never' | 'raises' = 'never';
  walk(fn, (n) => {
    if (out === 'raises') return;
    if (n.type === 'raise_statement') { out = 'raises'; return; }
    if (n.type !== 'call') return;
    const f = n.fields.function;
    if (!f) return;
    if (f.type === 'attribute' && f.fields.object?.type === 'identifier' && f.fields.object.text === 'self' && cls) {
      const m = methodOf(ev, cls, f.fields.attribute?.text ?? '', 0);
      if (!m) { out = 'raises'; return; }
      if (functionMayRaise(ev, m.cls.mod, m.cls, m.node, depth + 1, seen) === 'raises') out = 'raises';
      return;
    }
    if (f.type !== 'identifier' && f.type !== 'attribute') return;
    const v = ev.eval(f, { mod });
    if (v.t === 'func') {
      if (functionMayRaise(ev, v.mod, undefined, v.node, depth + 1, seen) === 'raises') out = 'raises';
    } else if (v.t === 'ext' && /auth|jwt|token/i.test(v.qname) && !/^starlette\.authentication\.(AuthCredentials|SimpleUser|UnauthenticatedUser|BaseUser)$/.test(v.qname)) {
      out = 'raises';
    }
  });
  return out;
}

/** Methods of the same class that `fn` returns the result of (`return await self.handle(request, call_next)`). */
function delegatedMethods(mod: PyModule, fn: PyNode, classIndex: ReturnType<typeof indexBlock>): PyNode[] {
  const body = fn.fields.body;
  if (!body) return [];
  const out: PyNode[] = [];
  for (const m of mod.text.slice(body.start, body.end).matchAll(/return\s+(?:await\s+)?self\.(\w+)\s*\(/g)) {
    const b = classIndex.bindings.get(m[1] as string);
    const last = b?.[b.length - 1];
    if (last && last.kind === 'def' && last.node !== fn && !out.includes(last.node)) out.push(last.node);
  }
  return out;
}

/**
 * Source text quoted in a message: on one line (a multi-line call's newline and indentation would break the CLI,
 * SARIF and LSP messages, audit 34 FastAPI c20), then shortened.
 */
function quoteCode(text: string): string {
  const t = text.replace(/\s+/g, ' ').replace(/([([{]) /g, '$1').replace(/ ([)\]}])/g, '$1').trim();
  return t.length > 40 ? `${t.slice(0, 40)}...` : t;
}

/** `classifyMiddleware` for a middleware added with its options (`add_middleware(cls, ...)`, `Middleware(cls, ...)`). */
function classifyMiddlewareCall(ctx: StarletteContext, cls: PyVal, text: string, call: PyNode, mod: PyModule, scope: Scope): MiddlewareUse['shortCircuits'] {
  if (letsEveryHostThrough(cls, text, call, mod, ctx.ev, scope)) return undefined;
  const backend = authBackendRaises(ctx.ev, cls, call, scope);
  if (backend === 'never') return undefined;
  if (backend === 'raises') return { kind: 'auth', why: 'its backend raises AuthenticationError and it answers 400 itself (on_error)' };
  return classifyMiddleware(ctx, cls, text);
}

function classifyMiddleware(ctx: StarletteContext, cls: PyVal, text: string): MiddlewareUse['shortCircuits'] {
  if (cls.t === 'class') {
    const body = cls.node.fields.body;
    if (body) {
      const idx = indexBlock(body);
      for (const m of ['dispatch', '__call__']) {
        const b = idx.bindings.get(m);
        const last = b?.[b.length - 1];
        if (last && last.kind === 'def') {
          // The method itself, or a method of the class it returns through (`return await self.handle(request,
          // call_next)` where `handle` builds a 401).
          const methods = [last.node, ...delegatedMethods(cls.mod, last.node, idx)];
          const why = methods.map((fn) => shortCircuitFunction(cls.mod, fn)).find((w) => w !== undefined);
          if (why) return { kind: /auth/i.test(cls.name) ? 'auth' : 'middleware', why };
          return undefined;
        }
      }
    }
    if (SHORT_CIRCUIT.test(cls.name) && !BENIGN.test(cls.name)) return { kind: /auth/i.test(cls.name) ? 'auth' : 'middleware', why: 'it can answer requests itself' };
    return undefined;
  }
  const name = cls.t === 'ext' ? (cls.qname.split('.').pop() as string) : text;
  if (BENIGN.test(name)) return undefined;
  if (SHORT_CIRCUIT.test(name)) return { kind: /auth/i.test(name) ? 'auth' : 'middleware', why: 'it can answer requests itself (redirects, 400/401/429)' };
  void ctx;
  return undefined;
}

/** Whether a function of the module writes Access-Control-Allow-Origin (a header helper). */
function setsAcao(mod: PyModule, def: PyNode): boolean {
  return /access-control-allow-origin/i.test(mod.text.slice(def.start, def.end));
}

/** Whether the function's `except` clauses write Access-Control-Allow-Origin, themselves or through a helper of the module. */
function exceptAnswersWithCors(mod: PyModule, fn: PyNode): boolean {
  let found = false;
  walk(fn, (n) => {
    if (found || n.type !== 'except_clause') return;
    const text = mod.text.slice(n.start, n.end);
    if (/access-control-allow-origin/i.test(text)) found = true;
    // `except Exception: response = JSONResponse(...)`, then `response.headers["Access-Control-Allow-Origin"] = ...`
    // after the try, on whichever response it holds (audit 19 case 03).
    for (const m of text.matchAll(/^\s*([A-Za-z_]\w*)\s*=(?!=)/gm)) {
      const rest = mod.text.slice(n.end, fn.end);
      if (setsAcaoOn(rest, m[1] as string)) found = true;
    }
    for (const m of text.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
      const def = moduleFunction(mod, m[1] as string);
      if (def && def !== fn && setsAcao(mod, def)) found = true;
    }
  });
  return found;
}

/**
 * Whether a dispatch function answers every exception itself: `try: ... call_next ... except Exception:` (or
 * `BaseException`, or a bare `except:`) with a `return` in the handler.
 */
function catchesEveryException(mod: PyModule, fn: PyNode): boolean {
  let found = false;
  walk(fn, (n) => {
    if (found || n.type !== 'try_statement') return;
    const body = n.fields.body;
    if (!body || !/\bcall_next\b/.test(mod.text.slice(body.start, body.end))) return;
    for (const c of n.children) {
      if (c.type !== 'except_clause') continue;
      const head = mod.text.slice(c.start, c.end).split(':')[0] ?? '';
      if (!/^except\s*(\(?\s*(Exception|BaseException)\b.*)?$/.test(head.trim())) continue;
      let returns = false;
      walk(c, (x) => {
        if (x.type === 'return_statement') returns = true;
        // `except Exception: response = JSONResponse(status_code=500, ...)`, that name returned after the try
        // (audit 19 case 03).
        const name = x.type === 'assignment' && x.fields.left?.type === 'identifier' ? x.fields.left.text : undefined;
        if (name && new RegExp(`\\breturn\\s+${name}\\s*$`, 'm').test(mod.text.slice(n.end, fn.end))) returns = true;
      });
      if (returns) found = true;
    }
  });
  return found;
}

/**
 * A middleware registered before this CORSMiddleware on the same app (so it runs inside it) that turns every
 * exception into a response of its own: those 500s pass through CORSMiddleware and get its headers. Its label,
 * or undefined.
 */
function innerCatchAll(ctx: StarletteContext, mod: PyModule, scope: Scope, corsCall: PyNode, app: AppRef, earlierPasses: Scope[]): string | undefined {
  const { ev, host } = ctx;
  let label: string | undefined;
  const within = helperBody(mod, scope, app);
  const added = (n: PyNode, s: Scope) => {
    const f = n.fields.function;
    if (f?.type !== 'attribute' || appRef(ctx, f.fields.object, s, mod, n.start).id !== app.id) return;
    const args = callArgs(n);
    const first = firstParam(args, 'middleware_class').node;
    const cls = first ? ev.eval(first, s) : undefined;
    const dispatchArg = args.keywords.get('dispatch')?.fields.value;
    const fv = dispatchArg ? ev.eval(dispatchArg, s) : undefined;
    if (fv?.t === 'func' && fv.node.type === 'function_definition' && catchesEveryException(fv.mod, fv.node)) label = fv.node.fields.name?.text ?? 'dispatch';
    if (cls?.t !== 'class') return;
    const dispatch = dispatchMethod(cls);
    if (dispatch && catchesEveryException(cls.mod, dispatch)) label = cls.name;
  };
  // The earlier passes of a loop that adds CORSMiddleware: added before it, so inside it.
  for (const s of earlierPasses) if (!label) added(corsCall, s);
  walk(mod.root, (n, fns) => {
    if (label || n.start >= corsCall.start) return;
    if (within && (n.end <= within.start || n.start >= within.end)) return;
    if (n.type === 'call' && n.fields.function?.type === 'attribute' && n.fields.function.fields.attribute?.text === 'add_middleware') {
      // In another branch of an `if` around the CORS registration: never added together with it.
      if (exclusiveBranches(mod.root, n, corsCall)) return;
      added(n, scopeAt(host, mod, fns));
    }
    // `@app.middleware("http")` is add_middleware(BaseHTTPMiddleware, dispatch=func).
    if (n.type === 'decorated_definition') {
      const def = n.fields.definition;
      if (!def || def.type !== 'function_definition') return;
      for (const { call: c } of middlewareDecorators(n)) {
        if (exclusiveBranches(mod.root, n, corsCall)) continue;
        const s = scopeAt(host, mod, fns);
        if (appRef(ctx, c.fields.function.fields.object, s, mod, n.start).id !== app.id) continue;
        if (catchesEveryException(mod, def)) label = def.fields.name?.text ?? 'middleware';
      }
    }
    // `app.middleware("http")(func)`: the decorator applied by hand (audit 48 c01, chroma).
    if (n.type === 'call' && n.fields.function?.type === 'call') {
      const f = n.fields.function.fields.function;
      const arg = callArgs(n).positional[0];
      if (f?.type !== 'attribute' || f.fields.attribute?.text !== 'middleware' || !arg || exclusiveBranches(mod.root, n, corsCall)) return;
      const s = scopeAt(host, mod, fns);
      if (appRef(ctx, f.fields.object, s, mod, n.start).id !== app.id) return;
      const fv = ev.eval(arg, s);
      if (fv.t === 'func' && fv.node.type === 'function_definition' && catchesEveryException(fv.mod, fv.node)) label = fv.node.fields.name?.text ?? 'middleware';
    }
  });
  return label;
}

/**
 * An entry of the app's constructor list `FastAPI(middleware=[...])` from index `from` on that turns every exception
 * into a response of its own (`Middleware(CatchAll)`, `Middleware(BaseHTTPMiddleware, dispatch=fn)`): Starlette puts
 * that list inside everything add_middleware and `@app.middleware` add (they insert at 0), and each entry inside the
 * ones before it (§2.3). Its label, or undefined (also when the list cannot be read).
 */
function constructorCatchAll(ctx: StarletteContext, app: AppRef & { listPos?: { list: PyVal } }, from: number): string | undefined {
  const obj = app.obj;
  const value = obj ? callArgs(obj.node).keywords.get('middleware')?.fields.value : undefined;
  const list = app.listPos?.list ?? (obj && value ? ctx.ev.eval(value, { mod: obj.mod }) : undefined);
  if (list?.t !== 'seq') return undefined;
  for (const item of list.items.slice(from)) {
    if (item.t !== 'call' || !MIDDLEWARE_QNAME.test(item.qname)) continue;
    const s: Scope = { mod: item.mod };
    const args = callArgs(item.node);
    const first = firstParam(args, 'cls').node;
    const cls = first ? ctx.ev.eval(first, s) : undefined;
    const dispatchArg = args.keywords.get('dispatch')?.fields.value;
    const fv = dispatchArg ? ctx.ev.eval(dispatchArg, s) : undefined;
    if (fv?.t === 'func' && fv.node.type === 'function_definition' && catchesEveryException(fv.mod, fv.node)) return fv.node.fields.name?.text ?? 'dispatch';
    const dispatch = cls?.t === 'class' ? dispatchMethod(cls) : undefined;
    if (cls?.t === 'class' && dispatch && catchesEveryException(cls.mod, dispatch)) return cls.name;
  }
  return undefined;
}

/**
 * The function whose middleware calls count for `app`, when not the whole module: in a helper, only what the
 * helper itself adds (the caller's module is walked apart); for an app known only by its name inside a function
 * (a parameter whose callers are not known, as in `setup[env](app)`), only that function, since other functions
 * with a parameter of the same name may never run, or run on another app.
 */
function helperBody(mod: PyModule, scope: Scope, app: AppRef): PyNode | undefined {
  return app.site || app.id.startsWith(`${mod.path}#app:`) ? scope.fn?.node : undefined;
}

/**
 * " (a preflight's too)" for the message of a middleware that answers before CORSMiddleware, unless its code looks at
 * the method (`request.method != "OPTIONS"`, a method list): then whether it answers preflights is not claimed
 * (audit 36 py D6, audit 37 py c02: Onyx lets OPTIONS through and its preflights got 200 with CORS headers).
 */
function preflightToo(mod: PyModule, node: PyNode): string {
  const text = mod.text.slice(node.start, node.end);
  return /["']OPTIONS["']|\.method\s+(?:not\s+)?in\b|\.method\s*[!=]=/i.test(text) ? '' : " (a preflight's too)";
}

/** Middleware that runs outside (before) this CORSMiddleware on the same app. */
function shadowing(ctx: StarletteContext, mod: PyModule, scope: Scope, corsCall: PyNode, app: AppRef, form: 'add_middleware' | 'constructor' | 'wrap', laterPasses: Scope[] = []): ShadowingStep[] {
  // Added by a helper (`setup_cors(app)`): what the caller adds to the app after that call wraps it too.
  const out: ShadowingStep[] = app.site && form === 'add_middleware' ? shadowing(ctx, app.site.mod, app.site.scope, app.site.call, { ...app, site: undefined }, form) : [];
  const { ev, host } = ctx;
  const sameApp = (expr: PyNode | undefined, s: Scope, at: number) => {
    if (!expr) return false;
    const r = appRef(ctx, expr, s, mod, at);
    return r.id === app.id;
  };
  const within = helperBody(mod, scope, app);
  // A registration in another branch of an `if` around the CORS one never runs together with it.
  const apart = (n: PyNode) => exclusiveBranches(mod.root, n, corsCall);
  // The wrapping form (`app = CORSMiddleware(app, ...)`): the names bound to the CORS-wrapped app, in the same
  // function, and those bound to what wraps it in turn (`app = JwtMiddleware(app)` runs outside CORS).
  const wrappedNames = new Set<string>();
  const corsFn = scope.fn?.node;
  if (form === 'wrap') {
    walk(mod.root, (n) => {
      if (n.type === 'assignment' && n.fields.right?.start === corsCall.start && n.fields.left?.type === 'identifier') wrappedNames.add(n.fields.left.text ?? '');
    });
  }
  const wrapsCors = (expr: PyNode, fns: PyNode[]) => form === 'wrap' && expr.type === 'identifier' && wrappedNames.has(expr.text ?? '') && fns.at(-1) === corsFn;
  /** An add_middleware call `n`, evaluated in `s`, that runs after the CORS one (outside it). */
  const addedAfter = (n: PyNode, s: Scope, pass = false) => {
    if (n.fields.function?.type !== 'attribute' || !sameApp(n.fields.function.fields.object, s, n.start)) return;
    const margs = callArgs(n);
    const a = firstParam(margs, 'middleware_class').node;
    if (!a) return;
    const cls = ev.eval(a, s);
    if (isCorsClass(cls, ev)) return;
    // `add_middleware(BaseHTTPMiddleware, dispatch=auth)`: what `@app.middleware("http")` builds.
    const dispatchArg = margs.keywords.get('dispatch')?.fields.value;
    const dv = dispatchArg ? ev.eval(dispatchArg, s) : undefined;
    if (dv?.t === 'func' && dv.node.type === 'function_definition') {
      const why = shortCircuitFunction(dv.mod, dv.node);
      const name = dv.node.fields.name?.text ?? 'dispatch';
      if (why) out.push({ kind: /auth/i.test(name) ? 'auth' : 'middleware', span: spanOf(mod, n), label: name, effect: `is an HTTP middleware added after CORSMiddleware, so it runs outside it: when ${why}, that response${preflightToo(dv.mod, dv.node)} has no CORS headers (§2.3)` });
      return;
    }
    // A loop variable (`add_middleware(middleware, ...)`) is named by the class it holds in that pass.
    const looped = pass && a.type === 'identifier';
    const text = looped && cls.t === 'class' ? cls.name : looped && cls.t === 'ext' ? (cls.qname.split('.').pop() as string) : mod.text.slice(a.start, a.end);
    const sc = classifyMiddlewareCall(ctx, cls, text, n, mod, s);
    if (sc) out.push({ kind: sc.kind, span: spanOf(mod, n), label: text, effect: `is added after CORSMiddleware, so it runs outside it: when ${sc.why}, that response${cls.t === 'class' ? preflightToo(cls.mod, cls.node) : " (a preflight's too)"} has no CORS headers (§2.3)` });
  };
  // The later passes of a loop that adds CORSMiddleware (audit 44 py D1): added after it, so outside it.
  for (const s of laterPasses) addedAfter(corsCall, s, true);
  walk(mod.root, (n, fns) => {
    if (within && (n.end <= within.start || n.start >= within.end)) return;
    // Wrapping form: what is added to the inner app runs inside CORSMiddleware; only outer wraps count.
    if (form === 'wrap' && n.type !== 'assignment') return;
    // add_middleware calls after the CORS one (add_middleware inserts at 0: last added is outermost), and
    // for the constructor form every add_middleware at all (they wrap the constructor's list).
    if (n.type === 'call' && n.fields.function?.type === 'attribute' && n.fields.function.fields.attribute?.text === 'add_middleware') {
      if (form === 'add_middleware' && n.start <= corsCall.start) return;
      if (apart(n)) return;
      addedAfter(n, scopeAt(host, mod, fns));
    }
    // `app = ApiKeyMiddleware(app)` after CORS was added: a middleware class wrapping the whole app runs outside
    // everything the app holds, CORSMiddleware included (an ASGI app passed to a middleware's constructor).
    if (n.type === 'assignment' && n.fields.right?.type === 'call' && n.start > corsCall.start && !apart(n)) {
      const call = n.fields.right;
      const s = scopeAt(host, mod, fns);
      const a = callArgs(call);
      const wrapped = a.keywords.get('app')?.fields.value ?? a.positional[0];
      const fnNode = call.fields.function;
      const outerWrap = wrapped !== undefined && wrapsCors(wrapped, fns);
      if (wrapped && fnNode && (outerWrap || (form !== 'wrap' && sameApp(wrapped, s, call.start)))) {
        if (outerWrap && n.fields.left?.type === 'identifier') wrappedNames.add(n.fields.left.text ?? '');
        const cls = ev.eval(fnNode, s);
        const text = mod.text.slice(fnNode.start, fnNode.end);
        const sc = cls.t === 'class' && !isCorsClass(cls, ctx.ev) ? classifyMiddleware(ctx, cls, text) : undefined;
        const where = outerWrap ? 'wraps the app after CORSMiddleware wrapped it' : 'wraps the app after CORSMiddleware was added';
        if (sc) {
          out.push({
            kind: sc.kind,
            span: spanOf(mod, n),
            label: text,
            effect: `${where}, so it runs outside it: when ${sc.why}, that response${cls.t === 'class' ? preflightToo(cls.mod, cls.node) : " (a preflight's too)"} has no CORS headers (§2.3)`,
            ...(outerWrap ? { fix: 'Wrap the app in CORSMiddleware last, after the other middleware, so that it is the outermost.' } : {}),
          });
        }
      }
    }
    // app.middleware("http")(func): the decorator applied by hand.
    if (n.type === 'call' && n.fields.function?.type === 'call') {
      const inner = n.fields.function;
      const f = inner.fields.function;
      const arg = callArgs(n).positional[0];
      if (f?.type === 'attribute' && f.fields.attribute?.text === 'middleware' && (arg?.type === 'identifier' || arg?.type === 'attribute')) {
        if (form === 'add_middleware' && n.start <= corsCall.start) return;
        if (apart(n)) return;
        const s = scopeAt(host, mod, fns);
        if (!sameApp(f.fields.object, s, n.start)) return;
        const fv = ev.eval(arg, s);
        if (fv.t !== 'func' || fv.node.type !== 'function_definition') return;
        const why = shortCircuitFunction(fv.mod, fv.node);
        const name = fv.node.fields.name?.text ?? 'middleware';
        if (why) out.push({ kind: /auth/i.test(name) ? 'auth' : 'middleware', span: spanOf(mod, n), label: name, effect: `is an HTTP middleware registered after CORSMiddleware, so it runs outside it: when ${why}, that response${preflightToo(fv.mod, fv.node)} has no CORS headers (§2.3)` });
      }
    }
    // @app.middleware("http") functions registered after CORSMiddleware.
    if (n.type === 'decorated_definition') {
      const def = n.fields.definition;
      if (!def || def.type !== 'function_definition') return;
      for (const { deco: d, call: c } of middlewareDecorators(n)) {
        if (form === 'add_middleware' && n.start <= corsCall.start) continue;
        if (apart(n)) continue;
        const s = scopeAt(host, mod, fns);
        if (!sameApp(c.fields.function.fields.object, s, n.start)) continue;
        const why = shortCircuitFunction(mod, def);
        const name = def.fields.name?.text ?? 'middleware';
        if (why) out.push({ kind: /auth/i.test(name) ? 'auth' : 'middleware', span: spanOf(mod, d), label: name, effect: `is an HTTP middleware registered after CORSMiddleware, so it runs outside it: when ${why}, that response${preflightToo(mod, def)} has no CORS headers (§2.3)` });
      }
    }
  });
  // Constructor form: entries before CORS in the same middleware list are outer.
  if (form === 'constructor') {
    const c = constructorAppOf(ctx, mod, corsCall, scope);
    if (c.listPos && c.listPos.list.t === 'seq') {
      for (const item of c.listPos.list.items.slice(0, c.listPos.index)) {
        if (item.t !== 'call' || item.node.fields.function === undefined) continue;
        const a = firstParam(callArgs(item.node), 'cls').node;
        if (!a) continue;
        const cls = ev.eval(a, { mod: item.mod });
        const text = item.mod.text.slice(a.start, a.end);
        const sc = classifyMiddlewareCall(ctx, cls, text, item.node, item.mod, { mod: item.mod });
        if (sc) out.push({ kind: sc.kind, span: item.span, label: text, effect: `comes before CORSMiddleware in middleware=[...], so it runs outside it: when ${sc.why}, that response${cls.t === 'class' ? preflightToo(cls.mod, cls.node) : " (a preflight's too)"} has no CORS headers (§2.3)` });
      }
    }
  }
  return out;
}

// ─── App model: routes, JSON bodies, headers read ────────────────────────────────────────────────

function ensureApp(ctx: StarletteContext, app: AppRef, mod: PyModule, versions: ReturnType<typeof versionsFor>): void {
  if (ctx.apps.has(app.id)) return;
  const fw = versions.get('fastapi') ?? versions.get('starlette');
  const fwName = versions.has('fastapi') ? 'fastapi' : versions.has('starlette') ? 'starlette' : app.obj && /Starlette/.test(app.obj.qname) ? 'starlette' : 'fastapi';
  const model: AppModel = {
    id: app.id,
    kind: 'fastapi',
    span: app.span,
    label: app.label,
    framework: { name: fwName, ...(fw ? { version: fw.exact ?? `>=${fw.min}`, span: fw.span } : {}) },
    routes: [],
    readsHeaders: [],
  };
  ctx.apps.set(app.id, model);
  if (!app.obj) return;
  if (ctx.host.memo(`python:discarded-app:${app.obj.mod.path}:${app.obj.node.start}`, () => discardedApp(app.obj as Extract<PyVal, { t: 'call' }>))) DISCARDED_APPS.add(model);
  const modules = new Map<string, PyModule>();
  collectRoutes(ctx, app.obj, '', model.routes, modules, new Set());
  const mounts = MOUNTED_APPS.get(model.routes);
  if (mounts) model.mounts = mounts;
  modules.set(mod.path, mod);
  modules.set(app.obj.mod.path, app.obj.mod);
  model.readsHeaders = headersRead(ctx, [...modules.values()], model.routes);
}

/**
 * An app whose object is not known (`self.app` in a method whose class assigns it twice, a helper's parameter):
 * whether the code that can reach it (the class for `self.<name>`, the function for a local name or parameter, else the
 * module) mounts something on it (`app.mount(...)`) and registers no route on it of its own (a route decorator,
 * include_router, add_api_route). Its routes cannot be listed; with a mount and no route of its own, what serves its
 * requests is not known (audit 53 pymw c08).
 */
function mountsOnUnresolved(ctx: StarletteContext, mod: PyModule, scope: Scope, app: AppRef): boolean {
  const fn = scope.fn?.node;
  let region: PyNode = fn ?? mod.root;
  if (fn && /^self\./.test(app.label)) {
    walk(mod.root, (n) => {
      if (n.type === 'class_definition' && n.start <= fn.start && fn.end <= n.end && n.start >= (region === fn ? 0 : region.start)) region = n;
    });
    if (region === fn) return false;
  }
  let mounts = false;
  let own = false;
  walk(mod.root, (n, fns) => {
    const f = n.type === 'call' ? n.fields.function : undefined;
    if (own || f?.type !== 'attribute' || n.start < region.start || n.end > region.end) return;
    const meth = f.fields.attribute?.text ?? '';
    const isOwn = Object.hasOwn(ROUTE_DECORATORS, meth) || /^(route|api_route|include_router|add_api_route|add_route|websocket)$/.test(meth);
    if (meth !== 'mount' && !isOwn) return;
    if (appRef(ctx, f.fields.object, scopeAt(ctx.host, mod, fns), mod, n.start).id !== app.id) return;
    if (isOwn) own = true;
    else mounts = true;
  });
  return mounts && !own;
}

/** Apps whose object no code can reach once its name is rebound (discardedApp). */
const DISCARDED_APPS = new WeakSet<AppModel>();

/**
 * Whether the app object made by `obj` is dropped before anything can serve it: `name = FastAPI(...)` is a statement
 * of the module or of a function body, a later statement of the same block rebinds `name` (`name = FastAPI()` again),
 * and in between (and in the rebinding's value) the name is used only to call the object's methods
 * (`name.add_middleware(...)`, `@name.get(...)`): never passed, stored, returned, wrapped or read otherwise. The server
 * (uvicorn's `main:app`, an import, a `return app`) then gets the later object, and what was registered on this one is
 * never sent (audit 53 pymw c10: CORSMiddleware added to `app`, then `app = FastAPI()`; under uvicorn no response
 * carried a CORS header). Any other use, or a binding under an `if`, a loop or a `try`, leaves it served.
 */
function discardedApp(obj: Extract<PyVal, { t: 'call' }>): boolean {
  const { mod, node } = obj;
  const assigned = (st: PyNode): PyNode | undefined => {
    const a = st.type === 'expression_statement' && st.children.length === 1 ? st.children[0] : undefined;
    return a?.type === 'assignment' && a.fields.left?.type === 'identifier' ? a : undefined;
  };
  // The block (module, or the innermost function's body) whose statement binds the object to a name.
  const block = functionsAround(mod, node).at(-1)?.fields.body ?? mod.root;
  const at = block.children.findIndex((st) => assigned(st)?.fields.right === node);
  const first = at >= 0 ? assigned(block.children[at] as PyNode) : undefined;
  const name = first?.fields.left?.text;
  if (!name) return false;
  const later = block.children.slice(at + 1);
  const j = later.findIndex((st) => assigned(st)?.fields.left?.text === name);
  const rebind = j >= 0 ? assigned(later[j] as PyNode) : undefined;
  if (!rebind?.fields.right) return false;
  // Any use of the name other than calling one of the object's methods may let the object escape.
  let escapes = false;
  const visit = (n: PyNode): void => {
    if (escapes) return;
    if (n.type === 'identifier') {
      if (n.text === name) escapes = true;
      return;
    }
    if (n.type === 'call' && n.fields.function?.type === 'attribute' && n.fields.function.fields.object?.type === 'identifier' && n.fields.function.fields.object.text === name) {
      for (const c of n.children) if (c !== n.fields.function) visit(c);
      return;
    }
    // `x.app`: an attribute's name; `f(app=...)`: a keyword's name.
    if (n.type === 'attribute') return visit(n.fields.object as PyNode);
    if (n.type === 'keyword_argument') return n.fields.value ? visit(n.fields.value) : undefined;
    for (const c of n.children) visit(c);
  };
  for (const st of later.slice(0, j)) visit(st);
  visit(rebind.fields.right);
  return !escapes;
}

/**
 * Drops the policies of apps that nothing serves (discardedApp), and those apps: no browser ever sees what they
 * send. Run once the project's Starlette policies are extracted.
 */
export function dropDiscardedApps(policies: CorsPolicy[], apps: Map<string, AppModel>): void {
  const gone = new Set([...apps.values()].filter((a) => DISCARDED_APPS.has(a)).map((a) => a.id));
  if (gone.size === 0) return;
  for (let i = policies.length - 1; i >= 0; i--) if (gone.has(policies[i]?.appId ?? '')) policies.splice(i, 1);
  for (const id of gone) apps.delete(id);
}

interface RouteWithFn extends Route {
  fn?: { mod: PyModule; node: PyNode };
}

function pathOf(v: PyVal | undefined): string | undefined {
  return v && v.t === 'str' ? v.v : undefined;
}

/** Routes declared on an app or router object, following include_router (cycle-safe). */
function collectRoutes(ctx: StarletteContext, target: Extract<PyVal, { t: 'call' }>, prefix: string, out: RouteWithFn[], modules: Map<string, PyModule>, seen: Set<string>): void {
  const key = objKey(target) as string;
  if (seen.has(key) || seen.size > 200) return;
  seen.add(key);
  const { ev, host } = ctx;
  // APIRouter(prefix="/x")
  const own = callArgs(target.node).keywords.get('prefix');
  const ownPrefix = own ? pathOf(ev.eval(own.fields.value, { mod: target.mod })) ?? '' : '';
  const base = prefix + ownPrefix;
  // Where decorators on this object can be: its module, and modules importing it are out of reach (cheap
  // heuristic: the defining module only, which is how FastAPI projects are written).
  const isTarget = (expr: PyNode | undefined, s: Scope) => {
    if (!expr) return false;
    if (expr.type !== 'identifier' && expr.type !== 'attribute') return false;
    const v = ev.eval(expr, s);
    return objKey(v) === key;
  };
  // Decorators on this object: in its module, or in modules that module imports (`from . import routes`).
  for (const mod of [target.mod, ...importedModules(ev, target.mod)]) {
  modules.set(mod.path, mod);
  walk(mod.root, (n, fns) => {
    if (n.type === 'decorated_definition') {
      const def = n.fields.definition;
      if (!def || def.type !== 'function_definition') return;
      for (const d of n.children) {
        const c = d.type === 'decorator' ? d.children[0] : undefined;
        if (c?.type !== 'call' || c.fields.function?.type !== 'attribute') continue;
        const meth = c.fields.function.fields.attribute?.text ?? '';
        if (!(meth in ROUTE_DECORATORS) && meth !== 'api_route' && meth !== 'route') continue;
        const s = scopeAt(host, mod, fns);
        if (!isTarget(c.fields.function.fields.object, s)) continue;
        const a = callArgs(c);
        const p = pathOf(a.positional[0] ? ev.eval(a.positional[0], s) : a.keywords.get('path') ? ev.eval(a.keywords.get('path')?.fields.value, s) : undefined) ?? '';
        let methods = ROUTE_DECORATORS[meth];
        if (!methods) {
          const m = a.keywords.get('methods');
          const mv = m ? ev.eval(m.fields.value, s) : undefined;
          const si = mv ? strItems(mv) : undefined;
          methods = si && !si.unknownSpans.length ? si.items.map((i) => i.v.toUpperCase()) : m ? [] : ['GET'];
        }
        if (methods.length === 0) continue;
        out.push({ methods, path: base + p, span: spanOf(mod, d), fn: { mod, node: def }, jsonBody: methods.some((x) => x !== 'GET' && x !== 'HEAD' && x !== 'DELETE') && hasJsonBody(ctx, mod, def, base + p) });
      }
    }
    if (n.type === 'call' && n.fields.function?.type === 'attribute') {
      const meth = n.fields.function.fields.attribute?.text;
      if (meth !== 'include_router' && meth !== 'add_api_route' && meth !== 'mount') return;
      const s = scopeAt(host, mod, fns);
      if (!isTarget(n.fields.function.fields.object, s)) return;
      const a = callArgs(n);
      if (meth === 'mount') {
        // app.mount("/api", api): the sub-application's routes are served under the prefix, inside this app's middleware.
        const pathArg = a.positional[0] ?? a.keywords.get('path')?.fields.value;
        const subArg = a.positional[1] ?? a.keywords.get('app')?.fields.value;
        const p = pathArg ? pathOf(ev.eval(pathArg, s)) : undefined;
        const sub = subArg ? ev.eval(subArg, s) : undefined;
        // What is mounted, or where, cannot be read (`for m in get_mounts(): app.mount(path=m.path, app=m.app)`,
        // audit 53 pymw c08): a FastAPI sub-application answers its own exceptions inside this app's middleware, a
        // router does not, so the errors of what it serves are not known.
        if (p !== undefined && sub && sub.t !== 'unknown') mountRoutes(ctx, sub, base + p, out, modules, seen);
        else unknownMount(out);
      } else if (meth === 'include_router') {
        const r = a.positional[0] ? ev.eval(a.positional[0], s) : a.keywords.get('router') ? ev.eval(a.keywords.get('router')?.fields.value, s) : undefined;
        const px = a.keywords.get('prefix');
        const pre = px ? pathOf(ev.eval(px.fields.value, s)) ?? '' : '';
        if (r && r.t === 'call' && ROUTER_QNAME.test(r.qname)) collectRoutes(ctx, r, base + pre, out, modules, seen);
        else unlisted(out);
      } else {
        const p = pathOf(a.positional[0] ? ev.eval(a.positional[0], s) : undefined) ?? '';
        const m = a.keywords.get('methods');
        const mv = m ? ev.eval(m.fields.value, s) : undefined;
        const si = mv ? strItems(mv) : undefined;
        const methods = si && !si.unknownSpans.length ? si.items.map((i) => i.v.toUpperCase()) : m ? [] : ['GET'];
        if (methods.length) out.push({ methods, path: base + p, span: spanOf(mod, n) });
      }
    }
  });
  }
  // Starlette(routes=[Route(...), Mount(...)]) / Router(routes=[...]): the routes the constructor is given.
  const routesKw = callArgs(target.node).keywords.get('routes');
  if (routesKw) {
    // Read where the constructor is called: a list kept in a local of a factory (`routes = [...]` then
    // `Starlette(routes=routes)` in create_app(), audit 53 starlette c01) is that function's.
    const list = ev.eval(routesKw.fields.value, scopeAt(host, target.mod, functionsAround(target.mod, target.node)));
    if (list.t !== 'seq') unlisted(out);
    routeList(ctx, list, base, out, modules, seen, 0);
  }
}

const ROUTE_CLASS = /^starlette\.routing\.Route$|^fastapi\.routing\.APIRoute$/;
const HTTP_METHOD_NAMES = new Set(['get', 'head', 'post', 'put', 'patch', 'delete', 'options']);

/** The methods an HTTPEndpoint subclass defines, with their function nodes. */
function endpointMethods(cls: Extract<PyVal, { t: 'class' }>): { method: string; node: PyNode }[] {
  const out: { method: string; node: PyNode }[] = [];
  for (const c of cls.node.fields.body?.children ?? []) {
    const def = c.type === 'decorated_definition' ? c.fields.definition : c;
    const name = def?.type === 'function_definition' ? def.fields.name?.text : undefined;
    if (def && name && HTTP_METHOD_NAMES.has(name)) out.push({ method: name.toUpperCase(), node: def });
  }
  return out;
}
const MOUNT_CLASS = /^starlette\.routing\.Mount$/;
const STARLETTE_ROUTER = /^starlette\.routing\.Router$/;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * A list of `Route(path, endpoint, methods=[...])` (a function endpoint without `methods` serves GET) and
 * `Mount(path, routes=[...] | app=...)`; class endpoints (HTTPEndpoint) serve what they define: left out.
 */
function routeList(ctx: StarletteContext, list: PyVal, prefix: string, out: RouteWithFn[], modules: Map<string, PyModule>, seen: Set<string>, depth: number): void {
  if (list.t !== 'seq' || depth > 8) return;
  const { ev } = ctx;
  for (const item of list.items) {
    if (item.t !== 'call') continue;
    const s: Scope = { mod: item.mod };
    const a = callArgs(item.node);
    const arg = (i: number, kw: string) => a.keywords.get(kw)?.fields.value ?? a.positional[i];
    const path = pathOf(arg(0, 'path') ? ev.eval(arg(0, 'path'), s) : undefined);
    if (path === undefined) continue;
    if (ROUTE_CLASS.test(item.qname)) {
      const endpoint = arg(1, 'endpoint') ? ev.eval(arg(1, 'endpoint'), s) : undefined;
      const m = a.keywords.get('methods');
      const si = m ? strItems(ev.eval(m.fields.value, s)) : undefined;
      let methods: string[];
      // An HTTPEndpoint class serves the methods it defines (`async def put(self, request)`).
      const handlers = endpoint?.t === 'class' ? endpointMethods(endpoint) : undefined;
      if (m) methods = si && !si.unknownSpans.length ? si.items.map((x) => x.v.toUpperCase()) : [];
      else methods = endpoint?.t === 'func' ? ['GET'] : handlers ? handlers.map((h) => h.method) : [];
      if (!methods.length) continue;
      const fn = endpoint?.t === 'func' ? { mod: endpoint.mod, node: endpoint.node } : undefined;
      // The endpoint's code (the function, or the class's body methods) reads a JSON body.
      const codeMod = fn?.mod ?? (endpoint?.t === 'class' ? endpoint.mod : undefined);
      const bodies = fn ? [fn.node] : (handlers ?? []).filter((h) => BODY_METHODS.has(h.method)).map((h) => h.node);
      const jsonBody = methods.some((x) => BODY_METHODS.has(x)) && !!codeMod && bodies.some((b) => readsJsonBody(codeMod, b));
      out.push({ methods, path: prefix + path, span: spanOf(item.mod, item.node), ...(fn ? { fn } : {}), jsonBody });
    } else if (MOUNT_CLASS.test(item.qname)) {
      const routes = a.keywords.get('routes');
      if (routes) routeList(ctx, ev.eval(routes.fields.value, s), prefix + path, out, modules, seen, depth + 1);
      const sub = arg(1, 'app') ? ev.eval(arg(1, 'app'), s) : undefined;
      if (sub) mountRoutes(ctx, sub, prefix + path, out, modules, seen);
    }
  }
}

/**
 * Routes of applications mounted inside another (`app.mount(path, sub)`, `Mount(path, app=sub)`). A FastAPI or
 * Starlette sub-application has its own ServerErrorMiddleware: an unhandled exception in one of its routes is
 * answered with a 500 there, inside the mounting app's middleware (checked with the Starlette 1.7 test client:
 * the 500 carries the outer CORSMiddleware's headers).
 */
const FROM_MOUNTED_APP = new WeakSet<Route>();
/** The ids of the applications mounted into an app, by that app's route list (the list `collectRoutes` fills). */
const MOUNTED_APPS = new WeakMap<Route[], string[]>();

function mountRoutes(ctx: StarletteContext, sub: PyVal, prefix: string, out: RouteWithFn[], modules: Map<string, PyModule>, seen: Set<string>): void {
  if (sub.t !== 'call') return;
  const isApp = APP_QNAME.test(sub.qname);
  if (!isApp && !ROUTER_QNAME.test(sub.qname) && !STARLETTE_ROUTER.test(sub.qname)) return;
  const before = out.length;
  if (isApp) mountDepth++;
  try {
    collectRoutes(ctx, sub, prefix, out, modules, seen);
  } finally {
    if (isApp) mountDepth--;
  }
  if (!isApp) return;
  for (const r of out.slice(before)) FROM_MOUNTED_APP.add(r);
  const ids = MOUNTED_APPS.get(out) ?? [];
  ids.push(`${sub.mod.path}#${sub.node.start}`);
  MOUNTED_APPS.set(out, ids);
}

/**
 * Route lists (the list `collectRoutes` fills) of apps with a route registration of their own that cannot be listed
 * (`for r in ROUTERS: app.include_router(r)`, an unknown mounted app, an unknown `routes=`): registrations inside a
 * mounted sub-application do not count (`mountDepth` > 0), since that app's own ServerErrorMiddleware answers them.
 */
const UNLISTED_OWN = new WeakSet<Route[]>();
let mountDepth = 0;
function unlisted(out: Route[]): void {
  if (mountDepth === 0) UNLISTED_OWN.add(out);
}

/**
 * Route lists of apps that mount something that cannot be read (an unknown object, or a path that is not known):
 * registrations inside a mounted sub-application do not count (`mountDepth` > 0).
 */
const UNKNOWN_MOUNT = new WeakSet<Route[]>();
function unknownMount(out: Route[]): void {
  if (mountDepth === 0) UNKNOWN_MOUNT.add(out);
}

/**
 * Why the error responses of the app are not known, or undefined: it mounts something that cannot be read and has no
 * route of its own, listed or not. Whether an exception reaches ServerErrorMiddleware outside CORSMiddleware then
 * depends on what is mounted (a FastAPI/Starlette app answers it inside, a router does not, audit 53 pymw c06/c07).
 */
function mountsUnread(ctx: StarletteContext, app: AppRef, unresolved?: { mod: PyModule; scope: Scope }): string | undefined {
  if (!app.obj && !app.site && unresolved) {
    return mountsOnUnresolved(ctx, unresolved.mod, unresolved.scope, app)
      ? `${app.label} is not known and mounts an application: whether its unhandled exceptions are answered inside this layer (a mounted FastAPI or Starlette app) or outside it (a router) is not known`
      : undefined;
  }
  const routes = ctx.apps.get(app.id)?.routes ?? [];
  if (!UNKNOWN_MOUNT.has(routes) || UNLISTED_OWN.has(routes) || !routes.every((r) => FROM_MOUNTED_APP.has(r))) return undefined;
  return `${app.label} mounts an application that cannot be read: whether its unhandled exceptions are answered inside this layer (a mounted FastAPI or Starlette app) or outside it (a router) is not known`;
}

/**
 * Whether every route of the app is in a mounted sub-application (so its unhandled exceptions become 500s inside this
 * app's middleware): at least one FastAPI/Starlette app is mounted, the app has no route of its own that can be
 * listed, and none that cannot. The mounted app's routes need not be listable (audit 36 py D1, Prefect: its routers
 * come from a loop; checked with TestClient: the 500 carries the outer CORSMiddleware's headers).
 */
function onlyMountedApps(ctx: StarletteContext, app: AppRef): boolean {
  const routes = ctx.apps.get(app.id)?.routes ?? [];
  const mounts = ctx.apps.get(app.id)?.mounts ?? [];
  return mounts.length > 0 && !UNLISTED_OWN.has(routes) && routes.every((r) => FROM_MOUNTED_APP.has(r));
}

const NON_BODY_DEFAULTS = /^(fastapi\.)?(params\.)?(Query|Path|Header|Cookie|Depends|Security|Form|File|UploadFile)\b/;
const PRIMITIVE_TYPES = /^(str|int|float|bool|bytes|Optional\[(str|int|float|bool)\]|UUID|uuid\.UUID|date|datetime|Decimal|Request|Response|BackgroundTasks|WebSocket|HTTPConnection|Session|AsyncSession|UploadFile|SecurityScopes|Any)$/;

/** FastAPI reads a JSON body for a pydantic model / dict / list parameter or `Body()` (§5.3: JSON preflights). */
function hasJsonBody(ctx: StarletteContext, mod: PyModule, fn: PyNode, path: string): boolean {
  const pathParams = new Set([...path.matchAll(/\{(\w+)/g)].map((m) => m[1] as string));
  for (const p of fn.fields.parameters?.children ?? []) {
    const name = p.fields.name?.text ?? p.children.find((c) => c.type === 'identifier')?.text;
    if (!name || name === 'self' || pathParams.has(name)) continue;
    const type = p.fields.type;
    const typeText = type ? mod.text.slice(type.start, type.end).trim() : '';
    const def = p.fields.value;
    const defText = def ? mod.text.slice(def.start, def.end) : '';
    if (/^(fastapi\.)?Body\(/.test(defText) || /\bBody\(/.test(typeText)) return true;
    if (NON_BODY_DEFAULTS.test(defText) || /Annotated\[.*\b(Query|Path|Header|Cookie|Depends|Security|Form|File)\(/.test(typeText)) continue;
    if (!typeText || PRIMITIVE_TYPES.test(typeText)) continue;
    if (/^(dict|Dict|list|List|set|Set)\b/.test(typeText) && !/^(list|List)\[(str|int|float)\]$/.test(typeText)) return true;
    const core = /^(?:Optional\[)?([A-Za-z_][\w.]*)\]?$/.exec(typeText)?.[1];
    if (!core) continue;
    const v = ctx.ev.eval({ type: 'identifier', start: type?.start ?? 0, end: type?.end ?? 0, children: [], fields: {}, text: core.split('.')[0] as string }, { mod });
    // FastAPI reads any pydantic model parameter from the body; an unresolved capitalized class name is
    // almost always one (imported from a schemas module the analysis could not follow).
    if (v.t === 'class' && ctx.ev.derivesFrom(v, ['BaseModel', 'SQLModel', 'RootModel', 'Schema']) !== undefined) return true;
    if (v.t === 'class' && ctx.ev.bases(v).some((b) => b.t === 'unknown')) return true;
    if (v.t === 'unknown' && /^[A-Z]/.test(core)) return true;
    if (v.t === 'ext' && /^(pydantic|sqlmodel)\./.test(v.qname)) return true;
  }
  // await request.json()
  const body = fn.fields.body;
  return body ? /\.json\(\)/.test(mod.text.slice(body.start, body.end)) && /\brequest\b/.test(mod.text.slice(body.start, body.end)) : false;
}

const SCHEMES = /(^|\.)(OAuth2PasswordBearer|OAuth2AuthorizationCodeBearer|OAuth2|HTTPBearer|HTTPBasic|HTTPDigest|OpenIdConnect|HTTPAuthorizationCredentials)$/;

/** Request headers the app reads: security schemes, Header() parameters, request.headers lookups. */
function headersRead(ctx: StarletteContext, mods: PyModule[], routes: RouteWithFn[]): HeaderRead[] {
  const out: HeaderRead[] = [];
  const seen = new Set<string>();
  const add = (name: string, span: Span) => {
    const n = name.toLowerCase();
    if (!isClientHeader(n)) return;
    const k = `${n}|${span.file}|${span.start}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ name: n, span });
  };
  // Follow project imports one level from the route modules (dependencies live in deps.py / security.py).
  const all = new Map(mods.map((m) => [m.path, m]));
  for (const m of mods) {
    for (const s of ctx.ev.index(m).statements) {
      if (s.type !== 'import_from_statement') continue;
      for (const [, b] of ctx.ev.index(m).bindings) {
        for (const x of b) {
          if (x.stmt !== s || x.kind !== 'import-from') continue;
          const v = ctx.ev.importFrom(m, x.module, x.level, x.name, spanOf(m, s));
          const target = v.t === 'module' ? v.mod : v.t === 'func' || v.t === 'class' || v.t === 'call' ? v.mod : undefined;
          if (target && all.size < 60) all.set(target.path, target);
        }
      }
    }
  }
  for (const m of all.values()) {
    walk(m.root, (n, fns) => {
      const f = n.type === 'call' ? n.fields.function : undefined;
      const ft = f ? m.text.slice(f.start, f.end) : '';
      if (f && /(Bearer|OAuth2|HTTPBasic|HTTPDigest|OpenIdConnect|APIKeyHeader|Header)$/.test(ft)) {
        const callee = ctx.ev.eval(f, scopeAt(ctx.host, m, fns));
        if (callee.t !== 'ext' || !/^fastapi\b/.test(callee.qname)) return;
        if (SCHEMES.test(callee.qname)) add('authorization', spanOf(m, n));
        else if (/APIKeyHeader$/.test(callee.qname)) {
          const a = callArgs(n);
          const nm = a.keywords.get('name')?.fields.value ?? a.positional[0];
          const v = nm ? ctx.ev.eval(nm, scopeAt(ctx.host, m, fns)) : undefined;
          if (v?.t === 'str') add(v.v, spanOf(m, n));
        }
      }
      // request.headers["X-Token"] / request.headers.get("authorization")
      if (n.type === 'subscript' || n.type === 'call') {
        const obj = n.type === 'subscript' ? n.fields.value : n.fields.function?.type === 'attribute' && n.fields.function.fields.attribute?.text === 'get' ? n.fields.function.fields.object : undefined;
        if (!obj || obj.type !== 'attribute' || obj.fields.attribute?.text !== 'headers') return;
        const keyNode = n.type === 'subscript' ? n.fields.subscript : callArgs(n).positional[0];
        if (keyNode?.type !== 'string') return;
        const k = ctx.ev.evalString(keyNode, { mod: m });
        if (k.t === 'str') add(k.v, spanOf(m, n));
      }
    });
  }
  // Header() parameters of route functions, and of the functions they depend on (`Depends(get_token_header)`,
  // in a parameter or in `dependencies=[...]`: audit 17).
  const fnsWithParams: { mod: PyModule; node: PyNode }[] = routes.flatMap((r) => (r.fn ? [r.fn] : []));
  const withParams = new Set(fnsWithParams.map((f) => `${f.mod.path}#${f.node.start}`));
  for (const m of all.values()) {
    walk(m.root, (n, fns) => {
      const f = n.type === 'call' ? n.fields.function : undefined;
      if (!f || !/Depends$/.test(m.text.slice(f.start, f.end))) return;
      const s = scopeAt(ctx.host, m, fns);
      const callee = ctx.ev.eval(f, s);
      const dep = callArgs(n).positional[0] ?? callArgs(n).keywords.get('dependency')?.fields.value;
      if (callee.t !== 'ext' || !/^fastapi\b/.test(callee.qname) || !dep) return;
      const fv = ctx.ev.eval(dep, s);
      if (fv.t !== 'func' || fv.node.type !== 'function_definition' || withParams.has(`${fv.mod.path}#${fv.node.start}`)) return;
      withParams.add(`${fv.mod.path}#${fv.node.start}`);
      fnsWithParams.push({ mod: fv.mod, node: fv.node });
    });
  }
  for (const { mod, node } of fnsWithParams) {
    for (const p of node.fields.parameters?.children ?? []) {
      const name = p.fields.name?.text ?? p.children.find((c) => c.type === 'identifier')?.text;
      if (!name) continue;
      const texts = [p.fields.value, p.fields.type].filter((x): x is PyNode => !!x).map((x) => mod.text.slice(x.start, x.end));
      const h = texts.map((t) => /\bHeader\(([^)]*)\)/.exec(t)).find((x) => x);
      if (!h) continue;
      const alias = /alias\s*=\s*["']([^"']+)["']/.exec(h[1] ?? '')?.[1];
      const noConvert = /convert_underscores\s*=\s*False/.test(h[1] ?? '');
      add(noConvert && !alias ? name : headerParamName(name, alias), spanOf(mod, p));
    }
  }
  return out;
}

/** Every `return` of the middleware gives back what call_next returned (directly or through a name bound to it). */
function onlyPassesOn(mod: PyModule, fn: PyNode): boolean {
  const body = fn.fields.body;
  if (!body) return false;
  const fromCallNext = namesAssigned(mod, body, /\bcall_next\b/);
  let ok = true;
  walk(body, (n) => {
    if (!ok || n.type !== 'return_statement') return;
    const e = n.children[0];
    if (!e) return void (ok = false);
    if (/^await\s+call_next\s*\(/.test(mod.text.slice(e.start, e.end))) return;
    if (e.type === 'identifier' && fromCallNext.has(e.text ?? '')) return;
    // `return add_cors(response, origin)`: a function of the module that hands its first argument back (audit 52 py
    // D4, the headers it writes are read as the middleware's).
    const first = e.type === 'call' ? callArgs(e).positional[0] : undefined;
    if (first?.type === 'identifier' && fromCallNext.has(first.text ?? '') && e.fields.function?.type === 'identifier' && returnsFirstParam(mod, e.fields.function.text ?? '')) return;
    ok = false;
  });
  return ok;
}

/** A function defined at the top of the module whose every return gives back its first parameter, never rebound. */
function returnsFirstParam(mod: PyModule, name: string): boolean {
  const defs = mod.root.children.filter((c) => c.type === 'function_definition' && c.fields.name?.text === name);
  const def = defs.length === 1 ? defs[0] : undefined;
  const p = def ? paramNames(def)[0] : undefined;
  return !!def && !!p && returnsParameter(def, p);
}

/** CORSMiddleware policies added with `app.add_middleware(...)` (not in a `middleware=[...]` list). */
const addedByAddMiddleware = new WeakSet<CorsPolicy>();

/** HTTP middleware policies whose every response is the app's (call_next's), never one they build themselves. */
const passesOn = new WeakSet<CorsPolicy>();

/**
 * Vary: Origin from the app's CORSMiddleware: Starlette adds it to every response it sees, and a middleware that
 * only passes the app's responses on (inside or outside CORSMiddleware) sends those (audit 10 case 13, checked
 * with Starlette 1.7; its own answers, a 401 it builds, would not have it).
 */
export function finishVary(policies: CorsPolicy[]): void {
  for (const p of policies) {
    // Registered before add_middleware(CORSMiddleware) in the same file, the HTTP middleware runs inside it: the
    // preflights never reach it, CORSMiddleware answers them (audit 19 case 03, checked with Starlette 1.7).
    if (p.mechanism === 'fastapi-manual' && p.scope.level === 'app' && !p.scope.errorsOnly && p.appId) {
      const outer = policies.find((q) => q.mechanism === 'starlette-middleware' && q.appId === p.appId && q.scope.level === 'app' && q.span.file === p.span.file && q.span.start > p.span.start && addedByAddMiddleware.has(q));
      if (outer) p.preflight = known({ handled: 'automatic', detail: 'CORSMiddleware, outside this middleware, answers every preflight', span: outer.span, elsewhere: true }, p.span);
      // allow_origins=["*"] outside: CORSMiddleware puts its own Access-Control-Allow-Origin ("*", or the request
      // Origin) over this middleware's on every response to a request with an Origin (§2.2; audit 28 case 28,
      // checked with Starlette 0.26 and 1.7): this one's value never reaches a browser.
      const allowAll = outer?.origin.known && (outer.origin.value.kind === 'wildcard' || outer.origin.value.kind === 'reflect-any');
      if (outer && allowAll && p.origin.known && p.origin.value.kind !== 'none') {
        p.preemptedOrigin = p.origin;
        p.origin = known({ kind: 'none' }, outer.span, 'CORSMiddleware, outside this middleware, allows every origin and replaces its Access-Control-Allow-Origin');
      }
    }
    if (!passesOn.has(p) || !p.varyOrigin.known || p.varyOrigin.value) continue;
    const cors = policies.find((q) => q.appId === p.appId && q.mechanism === 'starlette-middleware' && q.scope.level === 'app' && q.varyOrigin.known && q.varyOrigin.value);
    if (cors) p.varyOrigin = known(true, cors.span, "the app's CORSMiddleware adds Vary: Origin to every response");
  }
}

export function finishRoutes(apps: Map<string, AppModel>): void {
  for (const a of apps.values()) a.routes = a.routes.map((r) => {
    const { fn: _fn, ...rest } = r as RouteWithFn;
    void _fn;
    return rest;
  });
}
