/**
 * Flask: flask-cors (`CORS(app, ...)`, `CORS()` + `init_app`, `resources`, `@cross_origin`, `app.config`
 * `CORS_*` keys) per cors-semantics.md §3, and hand-written `after_request` headers (§3.4).
 */
import { posix } from 'node:path';
import type { ProjectHost } from '../../engine/host.js';
import {
  allowsNoOrigin,
  forExactOrigins,
  known,
  unknown,
  VARY_SINGLE_STATIC_ORIGIN,
  type AppModel,
  type CorsPolicy,
  type HeaderRead,
  type OriginEntry,
  type OriginPolicy,
  type PreflightHandling,
  type Route,
  type ShadowingStep,
  type Span,
  type TokenList,
  type Valued,
} from '../../model/index.js';
import { bothGuards, callArgs, emptyEnvDefault, importedModules, itemsVia, markGuarded, registerGuarded, registrationGuard, type RegistrationGuard, litSpan, isClientHeader, nestedScope, objKey, paramName, reasonOf, scopeAt, strItems, walk } from './common.js';
import { isTruthy, sameValue, spanOf, unknownVal, type ClassVal, type Evaluator, type PyVal, type Scope } from './evaluate.js';
import { compareVersions, versionsFor, type DepVersion } from './manifest.js';
import { forAnyOrigin } from './starlette.js';
import { alwaysWritten, comparesMethodWithOptions, headerWrites, manualOrigin, routeDecorators, writeMaxAge, writtenFields, type ManualWrite } from './manual.js';
import type { PyNode } from './parser.js';
import { indexBlock, paramNames, type BlockIndex, type PyModule } from './project.js';
import { flaskCorsProbablyRegex } from '../../simulate/scope.js';

const CORS_QNAME = /^flask_cors(\.extension)?\.CORS$/;
const CROSS_ORIGIN_QNAME = /^flask_cors(\.decorator)?\.cross_origin$/;
const FLASK_QNAME = /^flask(\.app)?\.Flask$/;
const BLUEPRINT_QNAME = /^flask(\.blueprints)?\.Blueprint$/;

/** flask-cors DEFAULT_OPTIONS['methods'] (§3.1). */
const FLASK_CORS_METHODS = ['GET', 'HEAD', 'POST', 'OPTIONS', 'PUT', 'PATCH', 'DELETE'];
const OPTION_NAMES = ['origins', 'methods', 'allow_headers', 'expose_headers', 'supports_credentials', 'max_age', 'send_wildcard', 'automatic_options', 'vary_header', 'resources', 'intercept_exceptions', 'always_send', 'allow_private_network'];

export interface FlaskContext {
  host: ProjectHost;
  ev: Evaluator;
  policies: CorsPolicy[];
  apps: Map<string, AppModel>;
  /** Every Python module of the project (to find where a blueprint is registered). */
  modules?: PyModule[];
  /**
   * What every module's extraction leaves for finishFlaskHooks(): the CORS(app) registrations and the after_request
   * hooks, paired there when they sit in different modules (audit 53 flask c03: CORS(app) in a factory of
   * app/__init__.py, the hook in api.py after `app = create_app()`).
   */
  shared?: FlaskShared;
}

export interface FlaskShared {
  cors: CorsRegistration[];
  hooks: HookFacts[];
}

export function mentionsFlask(text: string): boolean {
  // A module that only registers hooks on an app it is given (`def init_hooks(app): app.after_request(add_cors)`)
  // may never name Flask.
  // A Quart app (its own extension, quart_cors) is not modelled.
  if (/^\s*(?:from|import)\s+quart\b/m.test(text) && !/^\s*(?:from|import)\s+flask\b/m.test(text)) return false;
  return /flask|\.after_(?:app_)?request\b/i.test(text);
}

interface Opt {
  v: PyVal;
  /** The keyword argument / config assignment / dict pair that set it. */
  span: Span;
  source: string;
}

type Options = Map<string, Opt>;

interface AppInfo {
  id: string;
  obj?: Extract<PyVal, { t: 'call' }>;
  span: Span;
  label: string;
  isBlueprint: boolean;
}

function appInfo(ev: Evaluator, expr: PyNode | undefined, scope: Scope, mod: PyModule, bound?: PyVal): AppInfo {
  const v = bound ?? (expr ? ev.eval(expr, scope) : undefined);
  if (v && v.t === 'call' && (FLASK_QNAME.test(v.qname) || BLUEPRINT_QNAME.test(v.qname))) {
    const bp = BLUEPRINT_QNAME.test(v.qname);
    return { id: `${v.mod.path}#${v.node.start}`, obj: v, span: v.span, label: `${bp ? 'Blueprint' : 'Flask'}() in ${v.mod.path}`, isBlueprint: bp };
  }
  const text = expr ? mod.text.slice(expr.start, expr.end) : 'app';
  return { id: `${mod.path}#app:${text}`, span: expr ? spanOf(mod, expr) : { file: mod.path, start: 0, end: 0 }, label: `${text} in ${mod.path}`, isBlueprint: false };
}

function flaskCorsVersion(host: ProjectHost, file: string): DepVersion | undefined {
  return versionsFor(host, file).get('flask-cors');
}

export function extractFlask(ctx: FlaskContext, mod: PyModule): void {
  const { host, ev } = ctx;
  const extensionCalls: { call: PyNode; scope: Scope }[] = [];
  const initAppCalls: { call: PyNode; scope: Scope; ext: Extract<PyVal, { t: 'call' }> }[] = [];
  const hooks: { deco: PyNode; def: PyNode; scope: Scope; receiver: PyNode | undefined; defMod?: PyModule }[] = [];
  const beforeHooks: { at: PyNode; def: PyNode; defMod: PyModule; scope: Scope; receiver: PyNode | undefined }[] = [];
  walk(mod.root, (n, fns) => {
    if (n.type === 'call') {
      const fn = n.fields.function;
      if (!fn) return;
      const t = mod.text.slice(fn.start, fn.end);
      if (fn.type === 'attribute' && fn.fields.attribute?.text === 'init_app') {
        // `cors.init_app(app)` where `cors = CORS()` lives in another module (extensions.py pattern).
        const scope = scopeAt(host, mod, fns);
        const ext = ev.eval(fn.fields.object, scope);
        if (ext.t === 'call' && CORS_QNAME.test(ext.qname) && ext.mod.path !== mod.path) initAppCalls.push({ call: n, scope, ext });
      }
      if (/(^|\.)CORS$/.test(t)) {
        const scope = scopeAt(host, mod, fns);
        const callee = ev.eval(fn, scope);
        if (callee.t === 'ext' && CORS_QNAME.test(callee.qname)) extensionCalls.push({ call: n, scope });
      }
    }
    if (n.type === 'class_definition') classViewCrossOrigin(ctx, mod, n, scopeAt(host, mod, fns));
    if (n.type === 'decorated_definition') {
      const def = n.fields.definition;
      if (def?.type !== 'function_definition') return;
      const scope = scopeAt(host, mod, fns);
      const decos = n.children.filter((d) => d.type === 'decorator');
      viewHeaders(ctx, mod, n, def, scope);
      for (const d of decos) {
        const e = d.children[0];
        const target = e?.type === 'call' ? e.fields.function : e;
        const dt = target ? mod.text.slice(target.start, target.end) : '';
        if (/(^|\.)(after_request|after_app_request)$/.test(dt) && target?.type === 'attribute') hooks.push({ deco: d, def, scope, receiver: target.fields.object });
        if (/(^|\.)before_request$/.test(dt) && target?.type === 'attribute') beforeHooks.push({ at: d, def, defMod: mod, scope, receiver: target.fields.object });
        if (/(^|\.)cross_origin$/.test(dt) && e?.type === 'call') {
          const callee = ev.eval(e.fields.function, scope);
          if (callee.t === 'ext' && CROSS_ORIGIN_QNAME.test(callee.qname)) crossOrigin(ctx, mod, scope, n, d, e, decos);
        }
      }
    }
  });
  const corsPolicies: CorsRegistration[] = [];
  const dead = extensionCalls.length ? deadRanges(ctx, mod) : [];
  // The `if`s around `CORS(app)` / `cors.init_app(app)` (audit 32 mix c01, audit 35 mix D1): a branch known not to
  // run registers nothing; one that may not run marks the policy (CorsPolicy.condition).
  const guarded = (g: 'dead' | RegistrationGuard, made: () => { policy: CorsPolicy; call: PyNode; app: AppInfo }[], fn: PyNode | undefined, initIn?: PyModule) => {
    if (g === 'dead') return;
    for (const r of ev.assumingSet(g.assumeSet, made)) {
      // `CORS()` then `cors.init_app(app)` under an `if` of its own.
      const rg = r.call !== undefined && initIn ? bothGuards(g, registrationGuard(ev, host, initIn, r.call)) : g;
      if (rg === 'dead') {
        ctx.policies.splice(ctx.policies.indexOf(r.policy), 1);
        continue;
      }
      markGuarded(r.policy, rg);
      const reg: CorsRegistration = { ...r, fnStart: fn?.start ?? -1, ...(fn ? { fn } : {}), mod };
      corsPolicies.push(reg);
      ctx.shared?.cors.push(reg);
    }
  };
  for (const { call, scope } of extensionCalls) {
    if (dead.some(([from, to]) => call.start >= from && call.end <= to)) continue;
    guarded(registrationGuard(ev, host, mod, call), () => extension(ctx, mod, scope, call), scope.fn?.node, mod);
  }
  for (const { call, scope, ext } of initAppCalls) {
    guarded(bothGuards(registrationGuard(ev, host, mod, call), registrationGuard(ev, host, ext.mod, ext.node)), () => extension(ctx, ext.mod, { mod: ext.mod }, ext.node, { call, scope, mod }), scope.fn?.node);
  }
  // `app.after_request(func)` called directly.
  walk(mod.root, (n, fns) => {
    if (n.type !== 'call' || n.fields.function?.type !== 'attribute') return;
    const meth = n.fields.function.fields.attribute?.text;
    if (meth !== 'after_request' && meth !== 'after_app_request' && meth !== 'before_request') return;
    const arg = callArgs(n).positional[0];
    // A function by name, or an attribute (`hooks.add_cors`, a static method `Cors.add_headers`, audit 26).
    if (arg?.type !== 'identifier' && arg?.type !== 'attribute') return;
    const scope = scopeAt(host, mod, fns);
    const fn = ev.eval(arg, scope);
    if (meth === 'before_request') {
      if (fn.t === 'func') beforeHooks.push({ at: n, def: fn.node, defMod: fn.mod, scope, receiver: n.fields.function.fields.object });
      return;
    }
    // The hook may be defined in another module (`from hooks import add_cors; app.after_request(add_cors)`).
    if (fn.t === 'func') hooks.push({ deco: n, def: fn.node, scope, receiver: n.fields.function.fields.object, ...(fn.mod.path !== mod.path ? { defMod: fn.mod } : {}) });
  });
  for (const h of hooks) {
    // A hook registered under an `if`: dropped when it cannot run; when it may not, its interplay with flask-cors
    // (which response each one answers) is not known, so none is claimed.
    const g = registrationGuard(ev, host, mod, h.deco);
    if (g !== 'dead') registerGuarded(ev, g, ctx.policies, () => manualHook(ctx, mod, h, g.condition ? undefined : corsPolicies));
  }
  for (const h of beforeHooks) authBeforeCors(ctx, mod, h, corsPolicies);
}

/**
 * Code that never runs while the app serves (audit 23): the statements after a blocking `app.run()` /
 * `socketio.run(app)` in the same block (they run once the server stops; `asyncio.run(...)` returns, so it is not
 * one). The branches of an `if` its known condition rules out are `registrationGuard`'s.
 */
function deadRanges(ctx: FlaskContext, mod: PyModule): [number, number][] {
  const out: [number, number][] = [];
  void ctx;
  walk(mod.root, (n) => {
    if (n.type === 'block' || n.type === 'module') {
      const at = n.children.findIndex((st) => st.type === 'expression_statement' && /^(?!(?:asyncio|trio|anyio|subprocess)\.)[A-Za-z_][\w.]*\.run\(/.test(mod.text.slice(st.start, st.end)));
      const after = at >= 0 ? n.children[at + 1] : undefined;
      if (after) out.push([after.start, n.end]);
    }
  });
  return out;
}

/**
 * A `before_request` hook that rejects requests without credentials (`abort(401)` when there is no Authorization
 * header) rejects preflights too: they never carry credentials. flask-cors adds its headers to that 401, but a
 * preflight needs an ok status, so the browser blocks every request that needs one (checked on Flask 3.1 +
 * flask-cors 6: the preflight got 401). A hook that lets OPTIONS through is left alone.
 */
function authBeforeCors(
  ctx: FlaskContext,
  mod: PyModule,
  h: { at: PyNode; def: PyNode; defMod: PyModule; scope: Scope; receiver: PyNode | undefined },
  corsPolicies: { policy: CorsPolicy; app: AppInfo }[],
): void {
  const text = h.defMod.text.slice(h.def.start, h.def.end);
  if (!/authorization|verify_jwt_in_request\(/i.test(text) || /OPTIONS|['"]options['"]/i.test(text)) return;
  const statuses = [...new Set([...text.matchAll(/\b(?:abort\(\s*|,\s*|status(?:_code)?\s*=\s*)(40[13])\b/g)].map((m) => m[1]))];
  if (statuses.length === 0 && !/verify_jwt_in_request\(/.test(text)) return;
  const app = appInfo(ctx.ev, h.receiver, h.scope, mod);
  if (app.isBlueprint) return;
  const name = h.def.fields.name?.text ?? 'before_request hook';
  for (const c of corsPolicies) {
    if (c.app.id !== app.id || c.policy.scope.level !== 'app') continue;
    c.policy.shadowedBy.push({
      kind: 'auth',
      span: spanOf(mod, h.at),
      label: `the before_request hook ${name}`,
      effect: `answers ${statuses.length ? statuses.join('/') : '401'} to requests without credentials, preflights included (they never carry them): a preflight needs an ok status, so the browser blocks every request that needs one`,
      fix: 'Let preflights through first in the hook: if request.method == "OPTIONS": return',
    });
  }
}

// ─── Options ──────────────────────────────────────────────────────────────────────────────────────

function kwOptions(ev: Evaluator, mod: PyModule, call: PyNode, scope: Scope, source: string, skip: number): { opts: Options; splat?: Span } {
  const a = callArgs(call);
  const opts: Options = new Map();
  for (const [k, kw] of a.keywords) {
    if (!OPTION_NAMES.includes(k)) continue;
    opts.set(k, { v: ev.eval(kw.fields.value, scope), span: spanOf(mod, kw), source });
  }
  void skip;
  if (a.splat) {
    const d = ev.eval(a.splat.children[0], scope);
    if (d.t === 'dict') {
      for (const e of d.entries) if (e.key.t === 'str' && OPTION_NAMES.includes(e.key.v)) opts.set(e.key.v, { v: e.value, span: e.value.span, source });
    } else return { opts, splat: spanOf(mod, a.splat) };
  }
  return { opts };
}

/**
 * An option read back from the app's config by the code itself: `origins=app.config.get("CORS_ORIGINS", "*")`
 * (audit 17 case 05). Its value is the config's when the CORS_* key is set, the default when the config is fully
 * known and does not set it; undefined (the option stays as evaluated) otherwise.
 */
function configRead(ev: Evaluator, o: Opt, cfg: { opts: Options; opaque?: Span }, app: AppInfo, mod: PyModule, scope: Scope): Opt | undefined {
  if (o.v.t !== 'unknown' || o.span.file !== mod.path) return undefined;
  // The keyword argument that set the option, and its value.
  let node: PyNode | undefined;
  walk(mod.root, (n) => {
    if (!node && n.type === 'keyword_argument' && n.start === o.span.start && n.end === o.span.end) node = n.fields.value;
  });
  // `app.config["CORS_ORIGINS"]` (audit 27): the config's value when it sets the key (a missing key raises KeyError).
  if (node?.type === 'subscript') {
    const recv = node.fields.value;
    if (recv?.type !== 'attribute' || recv.fields.attribute?.text !== 'config' || objKey(ev.eval(recv.fields.object, scope)) !== app.id) return undefined;
    const key = node.fields.subscript ? ev.eval(node.fields.subscript, scope) : undefined;
    if (key?.t !== 'str' || !key.v.startsWith('CORS_') || !OPTION_NAMES.includes(key.v.slice(5).toLowerCase())) return undefined;
    const set = cfg.opts.get(key.v.slice(5).toLowerCase());
    return set ? { ...set, source: o.source } : undefined;
  }
  if (node?.type !== 'call') return undefined;
  const fn = node?.fields.function;
  if (!node || fn?.type !== 'attribute' || fn.fields.attribute?.text !== 'get') return undefined;
  const recv = fn.fields.object;
  if (recv?.type !== 'attribute' || recv.fields.attribute?.text !== 'config' || objKey(ev.eval(recv.fields.object, scope)) !== app.id) return undefined;
  const [k, d] = callArgs(node).positional;
  const key = k ? ev.eval(k, scope) : undefined;
  if (key?.t !== 'str' || !key.v.startsWith('CORS_') || !OPTION_NAMES.includes(key.v.slice(5).toLowerCase())) return undefined;
  const set = cfg.opts.get(key.v.slice(5).toLowerCase());
  if (set) return { ...set, source: o.source };
  if (cfg.opaque || !d) return undefined;
  return { v: ev.eval(d, scope), span: o.span, source: `${o.source} (the default of app.config.get("${key.v}"), not set in the config)` };
}

/**
 * `app.config` CORS_* keys (§3.1: defaults ← app.config ← CORS kwargs ← init_app kwargs ← resource). With
 * `readAt` (the `CORS(app)` / `init_app(app)` call, which reads the config then), a write after that call in the
 * same function body comes too late and is left out.
 */
/**
 * The config objects `app.config.from_object(expr)` may load when `expr` is known only up to WHICH of several
 * objects of the project it is (audit 35 py D5, audit 40 py D2): a lookup with an unknown key in a mapping of them
 * (`config_by_name[config_name]`, `configs.get(env, DevConfig)`, the `.get` fallback included), a conditional
 * between them (`DevConfig if debug else ProdConfig`), or a call of a project helper whose last statement returns
 * such an expression (`return config_dict.get(env, DevelopmentConfig)`). `None` (`configs.get(env)` without a
 * fallback) loads nothing: Flask's from_object copies the upper-case attributes of `dir(obj)`. Undefined for any
 * other shape, or a candidate that is not a known class, instance or module (an unknown one may set any key).
 */
function configCandidates(ev: Evaluator, expr: PyNode | undefined, scope: Scope, depth = 0, helper?: BlockIndex): PyVal[] | undefined {
  if (!expr || depth > 3) return undefined;
  const one = (n: PyNode | undefined): PyVal[] | undefined => {
    if (n?.type === 'identifier' && helper?.bindings.has(n.text ?? '')) return undefined;
    const v = n ? ev.eval(n, scope) : undefined;
    if (v && (v.t === 'class' || v.t === 'instance' || v.t === 'module' || v.t === 'none')) return [v];
    return configCandidates(ev, n, scope, depth + 1, helper);
  };
  if (expr.type === 'parenthesized_expression') return configCandidates(ev, expr.children.find((c) => c.type !== 'comment'), scope, depth + 1, helper);
  if (expr.type === 'conditional_expression') {
    // Reached only when the evaluator could not decide the condition (otherwise the value is the branch's).
    const [a, , b] = expr.children.filter((x) => x.type !== 'comment');
    const ca = one(a);
    const cb = ca && one(b);
    return ca && cb ? [...ca, ...cb] : undefined;
  }
  let mapping: PyNode | undefined;
  let key: PyNode | undefined;
  let fallback: PyNode | undefined;
  let noFallback = false;
  if (expr.type === 'subscript') {
    mapping = expr.fields.value;
    key = expr.fields.subscript;
  } else if (expr.type === 'call' && expr.fields.function?.type === 'attribute' && expr.fields.function.fields.attribute?.text === 'get') {
    mapping = expr.fields.function.fields.object;
    const a = callArgs(expr);
    if (a.positional.length < 1 || a.positional.length > 2 || a.keywords.size || a.splat) return undefined;
    key = a.positional[0];
    fallback = a.positional[1];
    noFallback = !fallback;
  } else if (expr.type === 'call') {
    // A helper of the project: its last statement returns the choice, read in the helper's module scope (its
    // mapping must be a module-level name the helper does not rebind).
    const fn = expr.fields.function ? ev.eval(expr.fields.function, scope) : undefined;
    if (fn?.t !== 'func') return undefined;
    const body = fn.node.fields.body;
    const stmts = body?.children.filter((x) => x.type !== 'comment') ?? [];
    const ret = stmts[stmts.length - 1];
    const rexpr = ret?.type === 'return_statement' ? ret.children[0] : undefined;
    // Another `return` before it (`if os.getenv("PROD"): return ProdConfig`) may return something else.
    let returns = 0;
    walk(body ?? ret ?? expr, (n, fns) => {
      if (n.type === 'return_statement' && fns.length === 0) returns++;
    });
    if (!rexpr || !body || returns !== 1) return undefined;
    // The key is not read there (the helper's parameters and locals are not bound): every entry is a candidate.
    return configCandidates(ev, rexpr, { mod: fn.mod }, depth + 1, indexBlock(body));
  } else return undefined;
  if (mapping?.type !== 'identifier' && helper) return undefined;
  if (!mapping || (mapping.type === 'identifier' && helper?.bindings.has(mapping.text ?? ''))) return undefined;
  const d = ev.eval(mapping, scope);
  if (d.t !== 'dict' || d.entries.length === 0) return undefined;
  // A key the code decides picks one entry, which the evaluator already gave (or a KeyError): not a choice.
  if (key && !helper && ev.eval(key, scope).t !== 'unknown') return undefined;
  const out = d.entries.map((e) => e.value);
  if (fallback) {
    const f = one(fallback);
    if (!f) return undefined;
    out.push(...f);
  }
  if (noFallback) out.push({ t: 'none', span: spanOf(scope.mod, expr) });
  return out.every((v) => v.t === 'class' || v.t === 'instance' || v.t === 'module' || v.t === 'none') ? out : undefined;
}

function configOptions(ctx: FlaskContext, app: AppInfo, readAt?: { mod: PyModule; node: PyNode }): { opts: Options; opaque?: Span } {
  const { ev, host } = ctx;
  const opts: Options = new Map();
  let opaque: Span | undefined;
  if (!app.obj) return { opts };
  const mod = app.obj.mod;
  const key = app.id;
  // The function body the reading call is in (null: module level), found by the walk below.
  let readFn: PyNode | null | undefined;
  if (readAt && readAt.mod === mod) {
    walk(mod.root, (n, fns) => {
      if (readFn === undefined && n.start === readAt.node.start && n.end === readAt.node.end && n.type === readAt.node.type) readFn = fns[fns.length - 1] ?? null;
    });
  }
  const tooLate = (n: PyNode, fns: PyNode[]) => readFn !== undefined && readAt !== undefined && n.start > readAt.node.end && (fns[fns.length - 1] ?? null) === readFn;
  const isApp = (expr: PyNode | undefined, s: Scope) => !!expr && objKey(ev.eval(expr, s)) === key;
  // A receiver that is not known (a helper's `app` parameter: `def load_config(app): app.config[...] = ...`) may
  // be this app: its CORS settings are then not known.
  const maybeApp = (expr: PyNode | undefined, s: Scope) => !!expr && ev.eval(expr, s).t === 'unknown';
  const objectOptions = (v: PyVal, span: Span): Map<string, PyVal> => {
    const out = new Map<string, PyVal>();
    for (const name of OPTION_NAMES) {
      const cfg = `CORS_${name.toUpperCase()}`;
      let val: PyVal | undefined;
      if (v.t === 'class' || v.t === 'instance') {
        val = ev.classAttr(v.t === 'class' ? v : v.cls, cfg, span, v.t === 'instance' ? v : undefined);
        if (val.t === 'unknown' && val.reason === `${cfg} not found`) continue;
      } else if (v.t === 'module') {
        if (!ev.index(v.mod).bindings.has(cfg)) continue;
        val = ev.moduleName(v.mod, cfg, span);
      } else if (v.t === 'dict') {
        const e = v.entries.find((x) => x.key.t === 'str' && x.key.v === cfg);
        if (!e) continue;
        val = e.value;
      }
      if (val) out.set(name, val);
    }
    return out;
  };
  /**
   * A config load whose keys are not known (an unreadable or out-of-project file, an environment variable, a value
   * the evaluator cannot read). Config writes apply in order and flask-cors reads the config once, at the
   * `CORS(app)` / `init_app` call (§3.1): such a load may replace any CORS_* key written before it, so those keys
   * are no longer known (they become unknown through `opaque`); a key written after it is known again (audit 42 py
   * c09: `from_mapping(CORS_ORIGINS='*', ...)` then the tutorial's instance `from_pyfile('config.py', silent=True)`).
   * `only`: the one key the load may write.
   */
  const opaqueLoad = (span: Span, first: boolean, only?: string) => {
    if (first) opaque ??= span;
    else opaque = span;
    if (only === undefined) opts.clear();
    else opts.delete(only);
  };
  const setFromObject = (v: PyVal, span: Span) => {
    for (const [name, val] of objectOptions(v, span)) opts.set(name, { v: val, span: val.span, source: `app.config CORS_${name.toUpperCase()}` });
  };
  /**
   * Reads the config writes under `root` of module `m`. `bound`: `root` is a helper's definition, called with this
   * app for its parameter `param` (the name evaluates to the app inside it).
   */
  const visit = (m: PyModule, root: PyNode, bound?: { fn: PyNode; param: string; app: PyVal }, depth = 0): void => {
    const scopeOf = (fns: PyNode[]): Scope => {
      const s0 = scopeAt(host, m, fns);
      if (!bound || s0.fn?.node !== bound.fn) return s0;
      return { ...s0, locals: new Map([...(s0.locals ?? []), [bound.param, bound.app]]) };
    };
    walk(root, (n, fns) => {
      // app.config["CORS_X"] = v
      if (n.type === 'assignment' && n.fields.left?.type === 'subscript') {
        if (tooLate(n, fns)) return;
        const sub = n.fields.left;
        const obj = sub.fields.value;
        if (obj?.type !== 'attribute' || obj.fields.attribute?.text !== 'config') return;
        const s = scopeOf(fns);
        const k = ev.eval(sub.fields.subscript, s);
        if (!isApp(obj.fields.object, s)) {
          if (maybeApp(obj.fields.object, s) && !boundByCalls(m, obj.fields.object, fns) && (k.t !== 'str' || k.v.startsWith('CORS_'))) opaqueLoad(spanOf(m, n), true, k.t === 'str' ? k.v.slice(5).toLowerCase() : undefined);
          return;
        }
        if (k.t !== 'str' || !k.v.startsWith('CORS_')) return;
        const name = k.v.slice(5).toLowerCase();
        if (OPTION_NAMES.includes(name)) opts.set(name, { v: ev.eval(n.fields.right, s), span: spanOf(m, n), source: `app.config["${k.v}"]` });
        return;
      }
      if (n.type !== 'call' || tooLate(n, fns)) return;
      // The app handed to a function that writes some app's config (`load_config(app)`, in this module or another).
      if (n.fields.function?.type === 'identifier' || n.fields.function?.type === 'attribute') {
        const s0 = scopeOf(fns);
        const args0 = callArgs(n);
        if ([...args0.positional, ...[...args0.keywords.values()].map((k) => k.fields.value)].some((x) => x && isApp(x, s0))) {
          const fv = ev.eval(n.fields.function, s0);
          if (fv.t === 'func' && /\.config\s*(\[|\.(update|from_\w+|setdefault)\b)/.test(fv.mod.text.slice(fv.node.start, fv.node.end))) {
            // `init_cfg(app)`: a function of the project that every call in the project passes this app for the
            // same parameter writes it; its writes are read with the parameter bound to the app (audit 34 Flask c02).
            // Passed different things, or more than two calls deep: not known.
            const pos = args0.positional.findIndex((x) => isApp(x, s0));
            const kw = [...args0.keywords].find(([, x]) => isApp(x.fields.value, s0))?.[0];
            const params = (fv.node.fields.parameters?.children ?? []).filter((c) => c.type !== ',' && c.type !== '(' && c.type !== ')');
            const index = kw !== undefined ? params.findIndex((x) => paramName(x) === kw) : args0.splat ? -1 : pos;
            const param = params[index];
            const name = param && (param.type === 'identifier' || param.type === 'typed_parameter') ? paramName(param) : undefined;
            const all = name && depth < 2 ? argumentOfAllCalls(ctx, fv.mod, fv.node, index, name) : undefined;
            if (all && objKey(all) === key && name) visit(fv.mod, fv.node, { fn: fv.node, param: name, app: all }, depth + 1);
            else opaqueLoad(spanOf(m, n), true);
          }
        }
      }
      if (n.fields.function?.type !== 'attribute') return;
      const f = n.fields.function;
      const meth = f.fields.attribute?.text ?? '';
      const cfg = f.fields.object;
      if (cfg?.type !== 'attribute' || cfg.fields.attribute?.text !== 'config') return;
      const s = scopeOf(fns);
      if (!isApp(cfg.fields.object, s)) {
        if (maybeApp(cfg.fields.object, s) && !boundByCalls(m, cfg.fields.object, fns) && /^(update|from_\w+|setdefault)$/.test(meth)) opaqueLoad(spanOf(m, n), true);
        return;
      }
      const a = callArgs(n);
      if (meth === 'from_object') {
        const arg = a.positional[0];
        let v = arg ? ev.eval(arg, s) : undefined;
        if (v?.t === 'str') {
          // "package.module.Class" import string (werkzeug import_string).
          const parts = v.v.split(/[.:]/);
          const attr = parts.pop() as string;
          const target = ev.importFrom(m, parts.join('.'), 0, attr, v.span);
          v = target.t === 'ext' ? ev.importFrom(m, v.v, 0, '', v.span) : target;
        }
        if (v && (v.t === 'class' || v.t === 'instance' || v.t === 'module')) setFromObject(v, spanOf(m, n));
        else {
          // Which object is loaded is not known, but it is one of a known set (configCandidates): a CORS_* key on
          // which every candidate agrees (the same value, or none sets it) is known; one they disagree on is not.
          // flask-cors reads only the CORS_* keys (flask_cors/core.py CONFIG_OPTIONS, §3.1), so the other keys
          // the candidates set do not matter.
          const cands = configCandidates(ev, arg, s);
          if (!cands) opaqueLoad(spanOf(m, n), false);
          else {
            const sets = cands.map((c) => objectOptions(c, spanOf(m, n)));
            for (const name of OPTION_NAMES) {
              const vals = sets.map((o) => o.get(name));
              const first = vals[0];
              if (vals.every((x) => x === undefined)) continue;
              const cfgKey = `CORS_${name.toUpperCase()}`;
              if (first && vals.every((x) => x !== undefined && sameValue(x, first))) opts.set(name, { v: first, span: first.span, source: `app.config ${cfgKey}` });
              else {
                const span = spanOf(m, n);
                const names = cands.map((c) => (c.t === 'class' ? c.name : c.t === 'instance' ? c.cls.name : c.t === 'module' ? c.mod.path : 'None'));
                opts.set(name, { v: unknownVal(`${cfgKey} differs between the config objects from_object may load (${[...new Set(names)].join(', ')})`, span), span, source: `app.config ${cfgKey}` });
              }
            }
          }
        }
      } else if (meth === 'update' || meth === 'from_mapping') {
        // The mapping first, then the keyword arguments over it (dict.update, Flask Config.from_mapping).
        if (a.positional[0]) {
          const d = ev.eval(a.positional[0], s);
          if (d.t === 'dict') setFromObject(d, spanOf(m, n));
          else opaqueLoad(spanOf(m, n), false);
        }
        for (const [k, kw] of a.keywords) {
          if (k.startsWith('CORS_') && OPTION_NAMES.includes(k.slice(5).toLowerCase())) opts.set(k.slice(5).toLowerCase(), { v: ev.eval(kw.fields.value, s), span: spanOf(m, kw), source: `app.config ${k}` });
        }
      } else if (meth === 'from_pyfile') {
        // `from_pyfile("default_config.py")`: a file relative to the app's root path, the directory of the module
        // that creates it (audit 16 case 06). Not with instance_relative_config (the instance folder), and not
        // a name that is not a literal or not in the project.
        const f = a.positional[0] ? ev.eval(a.positional[0], s) : undefined;
        const dir = m.path.includes('/') ? m.path.slice(0, m.path.lastIndexOf('/')) : '';
        const rel = f?.t === 'str' && !f.v.startsWith('/') && !/instance_relative_config\s*=\s*True/.test(m.text) ? posix.normalize(dir ? `${dir}/${f.v}` : f.v) : undefined;
        const target = rel && !rel.startsWith('..') ? ev.moduleByPath(rel) : undefined;
        if (target) setFromObject({ t: 'module', mod: target, span: spanOf(m, n) }, spanOf(m, n));
        else opaqueLoad(spanOf(m, n), false);
      } else if (meth === 'from_envvar' || meth === 'from_prefixed_env' || meth === 'from_file') {
        opaqueLoad(spanOf(m, n), false);
      }
    });
  };
  /** A parameter of the function around it that every call in the project passes the same Flask object for. */
  const boundByCalls = (m: PyModule, recv: PyNode | undefined, fns: PyNode[]): boolean => {
    const fn = fns[fns.length - 1];
    if (recv?.type !== 'identifier' || !fn) return false;
    const params = (fn.fields.parameters?.children ?? []).filter((c) => c.type !== ',' && c.type !== '(' && c.type !== ')');
    const index = params.findIndex((x) => paramName(x) === recv.text);
    return index >= 0 && argumentOfAllCalls(ctx, m, fn, index, recv.text ?? '') !== undefined;
  };
  visit(mod, mod.root);
  return opaque ? { opts, opaque } : { opts };
}

// ─── The extension ────────────────────────────────────────────────────────────────────────────────

function extension(
  ctx: FlaskContext,
  mod: PyModule,
  scope: Scope,
  call: PyNode,
  remoteInit?: { call: PyNode; scope: Scope; mod: PyModule },
): { policy: CorsPolicy; call: PyNode; app: AppInfo }[] {
  const { ev, host } = ctx;
  const a = callArgs(call);
  const appExpr = a.keywords.get('app')?.fields.value ?? a.positional[0];
  const layers: { opts: Options; splat?: Span }[] = [];
  let app: AppInfo | undefined;
  let anchor = call;
  const own = kwOptions(ev, mod, call, scope, 'CORS()', 1);
  if (remoteInit) {
    if (appExpr) return [];
    const ia = callArgs(remoteInit.call);
    const ax = ia.keywords.get('app')?.fields.value ?? ia.positional[0];
    app = appInfo(ev, ax, remoteInit.scope, remoteInit.mod);
    layers.push(own, kwOptions(ev, remoteInit.mod, remoteInit.call, remoteInit.scope, 'init_app()', 1));
    anchor = remoteInit.call;
    mod = remoteInit.mod;
  } else if (appExpr) {
    // `def add_cors(app): CORS(app)`: the app the calls of the function pass, as for a hook registered there.
    app = appInfo(ev, appExpr, scope, mod, parameterArgument(ctx, mod, appExpr, scope));
    layers.push(own);
  } else {
    // CORS() + cors.init_app(app, ...): find the init_app call on this extension object.
    const self = ev.eval(call, scope);
    const key = objKey(self);
    walk(mod.root, (n, fns) => {
      if (app || n.type !== 'call' || n.fields.function?.type !== 'attribute' || n.fields.function.fields.attribute?.text !== 'init_app') return;
      const s = scopeAt(host, mod, fns);
      const recv = ev.eval(n.fields.function.fields.object, s);
      if (objKey(recv) !== key) return;
      const ia = callArgs(n);
      const ax = ia.keywords.get('app')?.fields.value ?? ia.positional[0];
      app = appInfo(ev, ax, s, mod);
      layers.push(own, kwOptions(ev, mod, n, s, 'init_app()', 1));
      anchor = n;
    });
    if (!app) {
      // init_app in another module (extensions.py pattern: `cors = CORS()`, `cors.init_app(app)` in create_app).
      return [];
    }
  }
  const cfg = configOptions(ctx, app, { mod, node: anchor });
  const merged: Options = new Map(cfg.opts);
  let splat: Span | undefined;
  for (const l of layers) {
    for (const [k, v] of l.opts) merged.set(k, configRead(ev, v, cfg, app, mod, scope) ?? v);
    if (l.splat) splat = l.splat;
  }
  const version = flaskCorsVersion(host, mod.path);
  const callSpan = spanOf(mod, anchor);
  // resources → one policy per resource pattern (first match wins, literal paths first, §3.4).
  const res = merged.get('resources');
  const out: { policy: CorsPolicy; call: PyNode; app: AppInfo }[] = [];
  const make = (opts: Options, scopeLabel: string, paths: string[] | undefined, spanStart: Span, before?: (string | null)[]) => {
    const flaskResource = before ? { flaskResource: { before } } : {};
    const policy = buildPolicy(ctx, mod, opts, callSpan, version, {
      id: `${spanStart.file}#${spanStart.start}`,
      scope: paths ? { level: 'route', paths, label: scopeLabel, ...flaskResource } : { level: app?.isBlueprint ? 'router' : 'app', label: scopeLabel, ...flaskResource },
      appId: app?.id,
      opaque: splat ?? cfg.opaque,
      errorCoverageDefault: true,
    });
    out.push({ policy, call: anchor, app: app as AppInfo });
  };
  if (!res) make(merged, app.label, undefined, callSpan);
  else if (res.v.t === 'dict') {
    // flask-cors tries the keys in the order of parse_resources' sort (§3.4): literal keys, then regex-looking
    // strings and compiled patterns, each by more `/` then longer first; a stable sort, so ties keep dict order.
    const keyOf = (k: PyVal): string | null => (k.t === 'str' ? (k.v === '*' ? '.*' : k.v) : k.t === 'regex' ? k.pattern : null);
    const rank = (k: PyVal): number[] | undefined => {
      const p = keyOf(k);
      if (p === null) return undefined;
      const slashes = -(p.split('/').length - 1);
      return k.t === 'regex' ? [1, 0, slashes, -p.length] : flaskCorsProbablyRegex(p) ? [1, 1, slashes, -p.length] : [0, 0, slashes, -p.length];
    };
    const entries = res.v.entries;
    const ranks = entries.map((e) => rank(e.key));
    const less = (a: number[], b: number[]) => {
      for (let i = 0; i < a.length; i++) if ((a[i] as number) !== (b[i] as number)) return (a[i] as number) < (b[i] as number);
      return false;
    };
    // The keys tried before entry i; with a key that is not known, the order is not known either (null).
    const beforeOf = (i: number): (string | null)[] => {
      const ri = ranks[i];
      const out: (string | null)[] = [];
      entries.forEach((e, j) => {
        const rj = ranks[j];
        if (j === i) return;
        if (!ri || !rj) out.push(rj ? keyOf(e.key) : null);
        else if (less(rj, ri) || (!less(ri, rj) && j < i)) out.push(keyOf(e.key));
      });
      return out;
    };
    for (const [i, e] of entries.entries()) {
      const per: Options = new Map(merged);
      per.delete('resources');
      if (e.value.t === 'dict') {
        for (const x of e.value.entries) if (x.key.t === 'str' && OPTION_NAMES.includes(x.key.v)) per.set(x.key.v, { v: x.value, span: x.value.span, source: `resources[${e.key.t === 'str' ? JSON.stringify(e.key.v) : '?'}]` });
      } else if (e.value.t === 'unknown') {
        make(unknownResourceOptions(merged, e.value, 'resource options'), 'resource', undefined, e.key.span, beforeOf(i));
        continue;
      }
      const pattern = e.key.t === 'str' ? e.key.v : e.key.t === 'regex' ? e.key.pattern : '?';
      make(per, `resource ${pattern}`, isMatchAll(pattern) ? undefined : [pattern], e.key.span, beforeOf(i));
    }
  } else if (res.v.t === 'str' || res.v.t === 'seq') {
    const items = res.v.t === 'str' ? [res.v] : res.v.items;
    const paths = items.map((i) => (i.t === 'str' ? i.v : '?'));
    // A string or list: one set of options for every key (not sorted, nothing tried before).
    make(merged, `resources ${paths.join(', ')}`, paths.some(isMatchAll) ? undefined : paths, callSpan, []);
  } else {
    // Resources not known: each resource dict may carry its own origins, credentials, methods... which override the
    // top-level ones (§3.1), so none of them is known (audit 34 Flask c16: not the default origins='*').
    make(unknownResourceOptions(merged, res.v, 'resources'), app.label, undefined, callSpan);
    (out[out.length - 1] as { policy: CorsPolicy }).policy.scope = { level: 'app', label: `resources: ${reasonOf(res.v)}` };
  }
  // flask-cors also checks the top-level options, before any resource's own (§3.3).
  const topLevel = res ? rejectedConfig(merged, splat ?? cfg.opaque, false) : undefined;
  if (topLevel) {
    for (const o of out) {
      o.policy.configError = topLevel;
      o.policy.origin = known({ kind: 'none' }, topLevel.span, 'flask-cors refuses the configuration (§3.3)');
    }
  }
  ensureFlaskApp(ctx, app, mod);
  const appModel = app ? ctx.apps.get(app.id) : undefined;
  const served = appModel ? servedRoutes.get(appModel) : undefined;
  for (const o of out) {
    const { scope } = o.policy;
    // A resource keyed by literal paths matches those exact paths only (§3.4): when no route of the app (all
    // known) serves one of them, its headers only go on their 404 pages (audit 33 c07b).
    if (served && scope.level === 'route' && scope.paths?.length && scope.paths.every((x) => !flaskCorsProbablyRegex(x))) {
      const routes = served();
      if (routes && scope.paths.every((x) => !literalPathServed(x, routes))) scope.reachesNoRoute = true;
    }
    ctx.policies.push(o.policy);
  }
  return out;
}

/**
 * The options of a resource whose own dict is not known: every option a resource dict can set (all but `resources`
 * and the app-wide `intercept_exceptions`, §3.1) is unknown.
 */
function unknownResourceOptions(top: Options, v: PyVal, what: string): Options {
  const out: Options = new Map();
  for (const name of OPTION_NAMES) {
    const t = top.get(name);
    if (name === 'resources') continue;
    if (name === 'intercept_exceptions') {
      if (t) out.set(name, t);
      continue;
    }
    out.set(name, { v: unknownVal(`${what}: ${reasonOf(v)}`, v.span), span: v.span, source: what });
  }
  return out;
}

/**
 * Whether a flask-cors literal resource path is a path some route serves. Converters match one segment (`path`
 * any rest); compared case-insensitively and without a trailing slash, so that anything near is taken as served.
 */
function literalPathServed(literal: string, routes: string[]): boolean {
  const norm = (x: string) => x.replace(/\/+$/, '');
  return routes.some((r) => {
    const body = norm(r)
      .split(/(<[^>]*>)/)
      .map((part) => (part.startsWith('<') ? (/^<path:/.test(part) ? '.*' : '[^/]+') : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    return new RegExp(`^${body}$`, 'i').test(norm(literal));
  });
}

/**
 * The paths of a Flask app's routes when all of them are known (its own and its blueprints', plus the static
 * route), by app; absent when they may not be. Known means: every route registration in the project
 * (`.route`, `add_url_rule`, route decorators, `register_blueprint`) is on an object that is resolved, the ones
 * on this app and its blueprints were read with literal paths, and neither the app nor a blueprint is handed to
 * other code (`init_routes(app)`, `Api(app)`, `Admin(app)` can add routes); `url_map`, `wsgi_app` or
 * `view_functions` written anywhere, or Flask() options that move the static route, make it unknown too.
 */
const servedRoutes = new WeakMap<AppModel, () => string[] | undefined>();

const ROUTE_REGISTRATIONS = new Set(['route', 'add_url_rule', 'add_resource', 'register_blueprint']);

function allRoutesKnown(ctx: FlaskContext, app: AppInfo, routes: Route[], mods: Map<string, PyModule>, tracked: Set<string>): string[] | undefined {
  const { ev, host } = ctx;
  if (app.isBlueprint || !app.obj || !routes.length || routes.some((r) => !r.path.startsWith('/'))) return undefined;
  const fa = callArgs(app.obj.node);
  if (fa.splat || fa.positional.length > 1 || [...fa.keywords.keys()].some((k) => k !== 'import_name' && k !== 'template_folder' && k !== 'instance_relative_config')) return undefined;
  if (!ctx.modules) return undefined;
  let known = true;
  for (const mod of ctx.modules) {
    if (!known) break;
    if (/\b(url_map|wsgi_app|view_functions)\b/.test(mod.text)) return undefined;
    walk(mod.root, (n, fns) => {
      if (!known) return;
      // `@x.get("/p")` and the other route decorators (a `.get(...)` call elsewhere is a dict's or a client's).
      const d = n.type === 'decorator' ? n.children[0] : undefined;
      const call = n.type === 'call' ? n : d?.type === 'call' ? d : undefined;
      if (!call) return;
      const f = call.fields.function;
      const attr = f?.type === 'attribute' ? (f.fields.attribute?.text ?? '') : '';
      const registers = ROUTE_REGISTRATIONS.has(attr) || (d !== undefined && attr in FLASK_ROUTE_DECOS);
      if (d && !registers) return;
      const a = callArgs(call);
      const argNodes = [...a.positional, ...[...a.keywords.values()].map((k) => k.fields.value)].filter((x): x is PyNode => !!x && (x.type === 'identifier' || x.type === 'attribute'));
      if (!registers && !argNodes.length) return;
      const s = scopeAt(host, mod, fns);
      if (registers && f?.type === 'attribute') {
        const recv = ev.eval(f.fields.object, s);
        const key = objKey(recv);
        if (attr === 'add_resource' || key === undefined) known = false;
        else if (tracked.has(key) && !mods.has(mod.path)) known = false;
      }
      // One of the app's objects handed to other code (CORS() and register_blueprint aside).
      const callee = f ? ev.eval(f, s) : undefined;
      if (callee?.t === 'ext' && CORS_QNAME.test(callee.qname)) return;
      for (const x of argNodes) {
        const key = objKey(ev.eval(x, s));
        if (key === undefined || !tracked.has(key)) continue;
        if (attr === 'register_blueprint' && key !== app.id) continue;
        known = false;
      }
    });
  }
  return known ? [...routes.map((r) => r.path), '/static/<path:filename>'] : undefined;
}

/**
 * Whether a flask-cors resource pattern matches every path: `*` (made `.*`), `/*`, `.*`, `/.*`. A key without regex
 * characters is compared exactly (`/` covers the root only, `''` nothing; checked with the installed flask-cors).
 */
export function isMatchAll(p: string): boolean {
  return p === '*' || p === '/*' || p === '.*' || p === '/.*';
}

interface BuildExtra {
  id: string;
  scope: CorsPolicy['scope'];
  appId: string | undefined;
  /** Options may also come from a source that cannot be read (config file, **kwargs). */
  opaque: Span | undefined;
  errorCoverageDefault: boolean;
  /** @cross_origin: errors raised by the view are not covered. */
  decorator?: boolean;
}

function buildPolicy(ctx: FlaskContext, mod: PyModule, opts: Options, callSpan: Span, version: DepVersion | undefined, extra: BuildExtra): CorsPolicy {
  const get = (name: string): Opt | undefined => opts.get(name);
  /** An option not set explicitly whose value may come from an unreadable config source: unknown. */
  const opaqueUnknown = (name: string): Valued<never> | undefined =>
    !opts.has(name) && extra.opaque ? unknown(`${name} may be set by configuration that cannot be read statically`, extra.opaque) : undefined;
  const dflt = (what: string) => `flask-cors default ${what} (§3.1)`;

  const boolOpt = (name: string, def: boolean): Valued<boolean> => {
    const o = get(name);
    if (!o) return opaqueUnknown(name) ?? known(def, callSpan, dflt(`${name}=${def ? 'True' : 'False'}`));
    const t = o.v.t === 'bool' ? o.v.v : o.v.t === 'none' ? false : o.v.t === 'num' ? o.v.v !== 0 : o.v.t === 'str' ? o.v.v !== '' : undefined;
    if (t === undefined) return unknown(`${name}: ${reasonOf(o.v)}`, o.v.span);
    return known(t, literalOrValueSpan(mod, o), o.v.via);
  };

  const credentials = boolOpt('supports_credentials', false);
  const sendWildcard = boolOpt('send_wildcard', false);
  const rejected = rejectedConfig(opts, extra.opaque, extra.decorator === true);
  const origin = rejected ? known<OriginPolicy>({ kind: 'none' }, rejected.span, 'flask-cors refuses the configuration (§3.3)') : originOf(get('origins'), opaqueUnknown('origins'), sendWildcard, callSpan, credentials);

  // methods: upper-cased and joined (§3.2)
  let allowMethods: Valued<TokenList>;
  const m = get('methods');
  if (!m) allowMethods = opaqueUnknown('methods') ?? known({ kind: 'list', items: FLASK_CORS_METHODS.map((x) => ({ value: x, span: callSpan })) }, callSpan, dflt('methods'));
  else if (m.v.t === 'str') allowMethods = known({ kind: 'list', items: m.v.v.split(',').map((x) => x.trim()).filter((x) => x).map((x) => ({ value: x.toUpperCase(), span: m.v.span })) }, m.v.span, m.v.via);
  else {
    const s = strItems(m.v);
    allowMethods = !s || s.unknownSpans.length || s.other.length ? unknown(`methods: ${reasonOf(m.v)}`, m.v.span) : known({ kind: 'list', items: s.items.map((i) => ({ value: i.v.toUpperCase(), span: i.span })) }, m.v.span, m.v.via);
  }

  // allow_headers: default '*' → every requested header is echoed (§3.2)
  let allowHeaders: Valued<TokenList>;
  const h = get('allow_headers');
  if (!h) allowHeaders = opaqueUnknown('allow_headers') ?? known({ kind: 'echo' }, callSpan, dflt("allow_headers='*' (requested headers are echoed)"));
  else {
    const items = h.v.t === 'str' ? [h.v] : h.v.t === 'seq' ? h.v.items : undefined;
    if (!items || items.some((i) => i.t !== 'str')) allowHeaders = unknown(`allow_headers: ${reasonOf(h.v)}`, h.v.span);
    else {
      const strs = items as Extract<PyVal, { t: 'str' }>[];
      if (strs.some((i) => i.v === '*' || i.v === '.*')) allowHeaders = known({ kind: 'echo' }, h.v.span, "allow_headers='*' echoes the requested headers (§3.2)");
      else if (strs.some((i) => flaskCorsProbablyRegex(i.v))) allowHeaders = unknown('allow_headers contains regular expressions', h.v.span);
      else allowHeaders = known({ kind: 'list', items: strs.map((i) => ({ value: i.v, span: i.span })) }, h.v.span, h.v.via);
    }
  }

  let exposeHeaders: Valued<TokenList>;
  const e = get('expose_headers');
  if (!e || e.v.t === 'none') exposeHeaders = (!e && opaqueUnknown('expose_headers')) || known({ kind: 'none' }, callSpan, dflt('expose_headers=None'));
  else {
    const items = e.v.t === 'str' ? [e.v] : e.v.t === 'seq' ? e.v.items : undefined;
    exposeHeaders = !items || items.some((i) => i.t !== 'str') ? unknown(`expose_headers: ${reasonOf(e.v)}`, e.v.span) : known({ kind: 'list', items: (items as Extract<PyVal, { t: 'str' }>[]).flatMap((i) => i.v.split(',').map((x) => ({ value: x.trim(), span: i.span }))).filter((t) => t.value) }, e.v.span, e.v.via);
  }

  let maxAge: Valued<string | null>;
  const ma = get('max_age');
  if (!ma || ma.v.t === 'none') maxAge = (!ma && opaqueUnknown('max_age')) || known(null, callSpan, dflt('max_age=None'));
  else if (ma.v.t === 'num' || ma.v.t === 'str') maxAge = known(String(ma.v.v), literalOrValueSpan(mod, ma), ma.v.via);
  else maxAge = unknown(`max_age: ${reasonOf(ma.v)}`, ma.v.span);

  let vary = boolOpt('vary_header', true);
  // vary_header=False with one distinct literal origin (`['https://a.com']`, or the same one twice): flask-cors sends
  // Vary: Origin only for several configured origins or a regex (§3.3), so the responses are those of a single-origin
  // configuration, which goes without Vary in any case (checked with flask-cors 3.0.10, audit 34 Flask c06).
  if (vary.known && !vary.value && origin.known && origin.value.kind === 'allow-list' && origin.value.unknownEntries.length === 0) {
    const lits = origin.value.entries.map((e) => (e.type === 'literal' ? e.value.toLowerCase() : undefined));
    if (lits.length > 0 && !lits.includes(undefined) && new Set(lits).size === 1) vary = known(false, vary.span, VARY_SINGLE_STATIC_ORIGIN);
  }
  // Error responses get the headers whatever intercept_exceptions says: the extension's after_request hook also runs
  // on the 500 that Flask's handle_exception builds (finalize_request, §3.4). Checked with flask-cors 6.0 (audit 22
  // case 04, and the oracle app flask-intercept-false): intercept_exceptions=False changes nothing a browser sees.
  let errorCoverage: CorsPolicy['errorCoverage'];
  if (extra.decorator) errorCoverage = known({ covers: 'not-unhandled', detail: 'exceptions raised by the view propagate past @cross_origin (§3.5)' }, callSpan);
  else errorCoverage = known({ covers: 'all', detail: "flask-cors' after_request hook runs on error responses too (§3.4)" }, callSpan);

  // Private network (§3.6, CVE-2024-6221): always sent from 3.1.01 to 4.0.1; default True in 4.0.x; False from 5.0.
  let privateNetwork: Valued<boolean>;
  const pn = get('allow_private_network');
  const ver = version?.exact ?? version?.min;
  const exactVer = version?.exact;
  if (exactVer && compareVersions(exactVer, '3.1.1') < 0) privateNetwork = known(false, callSpan, `flask-cors ${exactVer} does not send Access-Control-Allow-Private-Network`);
  else if (exactVer && compareVersions(exactVer, '4.0.2') < 0) privateNetwork = known(true, version?.span ?? callSpan, `flask-cors ${exactVer} always answers Access-Control-Allow-Private-Network: true (CVE-2024-6221, §3.6)`);
  else if (pn) privateNetwork = boolOpt('allow_private_network', false);
  else if (exactVer && compareVersions(exactVer, '5.0.0') < 0) privateNetwork = known(true, version?.span ?? callSpan, `flask-cors ${exactVer} defaults allow_private_network=True (CVE-2024-6221, §3.6)`);
  else privateNetwork = opaqueUnknown('allow_private_network') ?? known(false, callSpan, dflt('allow_private_network=False'));
  void ver;
  privateNetwork = forAnyOrigin(privateNetwork, origin);

  return {
    id: extra.id,
    kind: 'flask',
    mechanism: 'flask-cors',
    layer: 'app',
    span: callSpan,
    scope: extra.scope,
    ...(extra.appId ? { appId: extra.appId } : {}),
    origin,
    credentials,
    allowMethods,
    allowHeaders,
    exposeHeaders,
    maxAge,
    varyOrigin: vary,
    preflight: known({ handled: 'automatic', detail: 'Flask answers OPTIONS automatically and flask-cors adds the headers (§3.4)', span: callSpan }, callSpan),
    errorCoverage,
    privateNetwork,
    headerWrites: [],
    shadowedBy: [],
    ...(rejected ? { configError: rejected } : {}),
  };
}

/**
 * flask-cors' own check when it serializes the options (core.py serialize_options, §3.3): origins holding '*' (the
 * default) with send_wildcard and supports_credentials both truthy raises ValueError. `CORS(app)` / `init_app` run
 * it when they are called, on the top-level options and on each resource's, so the app does not start;
 * `@cross_origin` runs it each time the view is called (checked with flask-cors 3.0.10: CORS(app) raised, a
 * @cross_origin view answered 500 without CORS headers). Undefined when it does not raise or that is not known.
 */
function rejectedConfig(opts: Options, opaque: Span | undefined, decorator: boolean): { span: Span; detail: string } | undefined {
  const truthy = (name: string): Opt | undefined => {
    const o = opts.get(name);
    const v = o?.v;
    return v && (v.t === 'bool' ? v.v : v.t === 'str' ? v.v !== '' : v.t === 'num' ? v.v !== 0 : false) ? o : undefined;
  };
  const wildcard = truthy('send_wildcard');
  const creds = truthy('supports_credentials');
  if (!wildcard || !creds) return undefined;
  const o = opts.get('origins');
  let star: string | undefined;
  if (!o) star = opaque ? undefined : "origins='*' (the default)";
  else {
    const v = o.v;
    const items = v.t === 'str' ? [v] : v.t === 'seq' ? v.items : [];
    const s = items.find((i) => i.t === 'str' && (i.v === '*' || i.v === '.*'));
    if (s?.t === 'str') star = `origins ${JSON.stringify(s.v)}`;
  }
  if (!star) return undefined;
  const shown = (x: Opt, name: string) => (x.v.t === 'bool' ? `${name}=True` : `${name}=${x.v.t === 'str' ? JSON.stringify(x.v.v) : 'a true value'}${x.v.t === 'str' ? ' (a non-empty string is true)' : ''}`);
  const what = `flask-cors refuses ${star} with ${shown(wildcard, 'send_wildcard')} and ${shown(creds, 'supports_credentials')}: it raises ValueError ("Cannot use supports_credentials in conjunction with an origin string of '*'")`;
  return {
    span: wildcard.span,
    detail: decorator
      ? `${what} each time the view is called, so every request to it fails with a 500 without CORS headers`
      : `${what} when CORS() is called, so the app does not start`,
  };
}

function literalOrValueSpan(mod: PyModule, o: Opt): Span {
  // Blame the `name=value` argument when the value is written there; else where the value comes from.
  if (o.span.file === o.v.span.file && o.v.span.start >= o.span.start && o.v.span.end <= o.span.end) return o.span;
  void mod;
  return o.v.span;
}

function originOf(o: Opt | undefined, opaque: Valued<never> | undefined, sendWildcard: Valued<boolean>, callSpan: Span, credentials?: Valued<boolean>): Valued<OriginPolicy> {
  // With supports_credentials=True, send_wildcard=True raises ValueError (§3.3): a '*' that works reflects, whatever
  // configuration that cannot be read says about send_wildcard.
  const wildcardFails = !sendWildcard.known && credentials?.known === true && credentials.value;
  if (!o) {
    if (opaque) return opaque;
    // Default origins='*' → '.*' → every Origin is reflected (§3.3), unless send_wildcard.
    if (wildcardFails) return known({ kind: 'reflect-any' }, callSpan, "flask-cors default origins='*' reflects the request Origin (send_wildcard=True would raise with supports_credentials=True) (§3.3)");
    if (!sendWildcard.known) return unknown(sendWildcard.reason, sendWildcard.span);
    return sendWildcard.value
      ? known({ kind: 'wildcard' }, callSpan, "flask-cors default origins='*' with send_wildcard=True")
      : known({ kind: 'reflect-any' }, callSpan, "flask-cors default origins='*' reflects the request Origin (§3.3)");
  }
  const v = o.v;
  if (v.t === 'unknown') return unknown(`origins: ${v.reason}`, v.span);
  // A dict (resources' shape given to origins, audit 30 case 06): flask-cors iterates it, so its keys are the origins
  // (checked with flask-cors 3.0: origins={r"/*": {...}} reflected any origin).
  const items = v.t === 'str' || v.t === 'regex' ? [v] : v.t === 'seq' ? v.items : v.t === 'dict' ? v.entries.map((e) => e.key) : undefined;
  if (!items) return unknown(`origins: ${reasonOf(v)}`, v.span);
  const entries: OriginEntry[] = [];
  const unknownEntries: Span[] = [];
  let star: PyVal | undefined;
  // An item's own provenance (`[os.getenv("A", ...), os.getenv("B", r"^.+$")]`): the list's `via` names one shared
  // note or none, so an entry that accepts every origin is described by its own (audit 38 py D1). An item without
  // one is described by the list's.
  const ownVia = (i: PyVal): { via?: string } => (i !== v && i.via ? { via: i.via } : {});
  for (const i of items) {
    if (emptyEnvDefault(i)) continue;
    if (i.t === 'str') {
      if (i.v === '*' || i.v === '.*') star = i;
      else if (flaskCorsProbablyRegex(i.v)) entries.push({ type: 'regex', pattern: i.v, flags: 'i', flavor: 'python', mode: 'match', span: i.span, ...litSpan(i), ...ownVia(i) });
      else entries.push({ type: 'literal', value: i.v, caseInsensitive: true, span: i.span, ...litSpan(i), ...ownVia(i) });
    } else if (i.t === 'regex') {
      // A compiled pattern is matched with re.match and its own flags (§3.2).
      entries.push({ type: 'regex', pattern: i.pattern, flags: i.flags, flavor: 'python', mode: 'match', span: i.span, ...litSpan(i), ...ownVia(i) });
    } else unknownEntries.push(i.span);
  }
  if (star) {
    const via = star.via ? `; ${star.via}` : '';
    if (wildcardFails) return known({ kind: 'reflect-any' }, star.span, `flask-cors origins='*' reflects the request Origin (send_wildcard=True would raise with supports_credentials=True) (§3.3)${via}`);
    if (!sendWildcard.known) return unknown(sendWildcard.reason, sendWildcard.span);
    return sendWildcard.value
      ? known({ kind: 'wildcard' }, star.span, `origins='*' with send_wildcard=True${via}`)
      : known({ kind: 'reflect-any' }, star.span, `flask-cors origins='*' reflects the request Origin (§3.3)${via}`);
  }
  const dictNote = v.t === 'dict' ? 'origins is a dict, whose keys flask-cors reads as the origins' : undefined;
  return known({ kind: 'allow-list', entries, unknownEntries }, v.span, [dictNote, itemsVia(v)].filter(Boolean).join('; ') || undefined);
}

// ─── @cross_origin (§3.5) ─────────────────────────────────────────────────────────────────────────

/** The route decorators of each @cross_origin view, to scope its policy to the view's registered routes. */
const viewRoutes = new WeakMap<CorsPolicy, Span[]>();

/**
 * A @cross_origin view covers exactly its own routes, with the url_prefix of its blueprint: once the apps' routes
 * are known, its scope becomes those full paths (the rule string alone, `""` or `/<id>` in a
 * blueprint, matched other routes of the app).
 */
export function finishViewScopes(policies: CorsPolicy[], apps: Map<string, AppModel>): void {
  for (const p of policies) {
    const decos = viewRoutes.get(p);
    let app = p.appId ? apps.get(p.appId) : undefined;
    if (!decos || !app) continue;
    const ownRoutes = (a: AppModel) => a.routes.filter((r) => decos.some((d) => d.file === r.span.file && d.start === r.span.start));
    // A view of a blueprint that one Flask app registers, and that has no hooks of its own (CORS(bp), after_request):
    // it answers on that app, at the registration's url_prefix, behind the app's hooks.
    const blueprintId = app.id;
    const parents = [...apps.values()].filter((a) => a.mounts?.includes(blueprintId));
    const parent = parents.length === 1 ? (parents[0] as AppModel) : undefined;
    if (parent && !policies.some((q) => q.appId === blueprintId && q.scope.level === 'app') && ownRoutes(parent).length > 0) {
      p.appId = parent.id;
      app = parent;
    }
    const own = ownRoutes(app);
    if (own.length === 0) continue;
    // Only the paths: Flask answers OPTIONS (and HEAD) on them too, through the same view (§3.5).
    p.scope.paths = [...new Set(own.map((r) => r.path))];
    p.scope.exact = true;
  }
}

/**
 * A view that answers OPTIONS itself does so only when no rule of the same path registered before it answers
 * OPTIONS first: Werkzeug takes the first rule, in registration order, whose methods include the request's, and a
 * rule without OPTIONS in its methods gets Flask's automatic answer (checked on Flask 2.2: `@app.route('/c',
 * methods=['POST'])` registered first answered the preflight with `Allow` only, before the OPTIONS view of '/c').
 * The order is taken from the source when every rule of that path is in the view's file; otherwise, and when a
 * rule's provide_automatic_options is not known, the view is taken to answer.
 */
export function finishViewPreflights(policies: CorsPolicy[], apps: Map<string, AppModel>): void {
  const unreachable = new Set<CorsPolicy>();
  for (const p of policies) {
    const decos = viewRoutes.get(p);
    const app = p.appId ? apps.get(p.appId) : undefined;
    if (!decos || !app || p.mechanism !== 'flask-manual' || !p.preflight.known || p.preflight.value.handled !== 'explicit') continue;
    const isOwn = (r: Route) => decos.some((d) => d.file === r.span.file && d.start === r.span.start);
    for (const own of app.routes.filter(isOwn)) {
      const same = app.routes.filter((r) => r.path === own.path);
      if (same.some((r) => r.span.file !== own.span.file)) continue;
      const first = same.find((r) => isOwn(r) || r.methods.includes('OPTIONS') || automaticOptions.get(r) !== false);
      if (!first || isOwn(first) || (automaticOptions.get(first) === undefined && !first.methods.includes('OPTIONS'))) continue;
      p.preflight = known(
        { handled: 'missing', detail: `the rule ${first.methods.join(', ')} ${first.path || '/'} registered before this view answers OPTIONS first, so the view never runs for a preflight (§3.4)`, span: first.span },
        first.span,
      );
      // Its headers then never go on an OPTIONS answer; a view for nothing else never runs at all.
      const methods = (p.scope.methods ?? []).filter((m) => m !== 'OPTIONS');
      if (methods.length === 0) unreachable.add(p);
      else p.scope.methods = methods;
      break;
    }
  }
  for (let i = policies.length - 1; i >= 0; i--) if (unreachable.has(policies[i] as CorsPolicy)) policies.splice(i, 1);
}

function crossOrigin(ctx: FlaskContext, mod: PyModule, scope: Scope, decorated: PyNode, deco: PyNode, call: PyNode, decos: PyNode[]): void {
  const { ev, host } = ctx;
  const idx = decos.indexOf(deco);
  // Route decorators above @cross_origin register the decorated view; below it, the undecorated one.
  const routeDecos = decos.filter((d) => {
    const e = d.children[0];
    const f = e?.type === 'call' ? e.fields.function : undefined;
    return f?.type === 'attribute' && /^(route|get|post|put|patch|delete)$/.test(f.fields.attribute?.text ?? '');
  });
  const above = routeDecos.filter((d) => decos.indexOf(d) < idx);
  if (routeDecos.length > 0 && above.length === 0) return; // @cross_origin above @app.route: Flask registers the undecorated view (§3.5)
  const paths: string[] = [];
  let appExpr: PyNode | undefined;
  const methods = new Set<string>();
  for (const d of above) {
    const e = d.children[0] as PyNode;
    const a = callArgs(e);
    const p = a.positional[0] ? ev.eval(a.positional[0], scope) : undefined;
    if (p?.t === 'str') paths.push(p.v);
    appExpr ??= e.fields.function?.fields.object;
    const meth = e.fields.function?.fields.attribute?.text ?? 'route';
    if (meth !== 'route') methods.add(meth.toUpperCase());
  }
  const app = appExpr ? appInfo(ev, appExpr, scope, mod) : undefined;
  const cfg = app ? configOptions(ctx, app) : { opts: new Map() as Options };
  const own = kwOptions(ev, mod, call, scope, '@cross_origin()', 0);
  const merged: Options = new Map([...cfg.opts, ...own.opts]);
  const version = flaskCorsVersion(host, mod.path);
  const policy = buildPolicy(ctx, mod, merged, spanOf(mod, deco), version, {
    id: `${mod.path}#${deco.start}`,
    scope: { level: 'route', paths, label: `view ${decorated.fields.definition?.fields.name?.text ?? ''}`, ...(methods.size ? { methods: [...methods] } : {}) },
    appId: app?.id,
    opaque: own.splat ?? ('opaque' in cfg ? cfg.opaque : undefined),
    errorCoverageDefault: false,
    decorator: true,
  });
  ctx.policies.push(policy);
  viewRoutes.set(policy, above.map((d) => spanOf(mod, d)));
  if (app) ensureFlaskApp(ctx, app, mod);
}

// ─── Hand-written after_request headers (§3.4) ───────────────────────────────────────────────────

/** A `CORS(app)` / `cors.init_app(app)` of the module, with the function it is called in (if any). */
interface CorsRegistration {
  policy: CorsPolicy;
  call: PyNode;
  app: AppInfo;
  fnStart: number;
  fn?: PyNode;
  /** The module `call` is in. */
  mod: PyModule;
}

/** An after_request hook that writes CORS headers, as its interplay with flask-cors needs it (§3.4). */
interface HookFacts {
  mod: PyModule;
  deco: PyNode;
  def: PyNode;
  scope: Scope;
  app: AppInfo;
  writes: ManualWrite[];
  /** The hook function's module and scope, where its writes' guards are read. */
  defMod: PyModule;
  fnScope: Scope;
  origin: Valued<OriginPolicy>;
  policy: CorsPolicy;
  hookSpan: Span;
}

/** A scope a registration runs in (a function, or a module's top level) and the position in it. */
interface RegistrationStep {
  scope: string;
  pos: number;
}

// ─── cross_origin() in a class-based view's decorator list ────────────────────────────────────────

/** The class in `cls`'s project bases (itself first, then depth-first as far as known) that binds `attr`. */
function classBinding(ev: Evaluator, cls: ClassVal, attr: string, depth = 0): ClassVal | 'unknown' | undefined {
  if (depth > 8) return 'unknown';
  if (classBinds(cls, attr)) return cls;
  for (const b of ev.bases(cls)) {
    if (b.t === 'ext') continue;
    if (b.t !== 'class') return 'unknown';
    const r = classBinding(ev, b, attr, depth + 1);
    if (r) return r;
  }
  return undefined;
}

/** `X.as_view(...)`: the class `X` it is called on (the view function a class view registers). */
function asViewClass(view: PyNode | undefined): PyNode | undefined {
  const f = view?.type === 'call' ? view.fields.function : undefined;
  return f?.type === 'attribute' && f.fields.attribute?.text === 'as_view' ? f.fields.object : undefined;
}

function classBinds(cls: ClassVal, attr: string): boolean {
  return classBodyNames(cls).includes(attr);
}

/** The names a class body binds itself: its `def`s (decorated or not) and plain `name = ...` assignments. */
function classBodyNames(cls: ClassVal): string[] {
  return (cls.node.fields.body?.children ?? []).flatMap((st) => {
    const def = st.type === 'decorated_definition' ? st.fields.definition : st;
    if (def?.type === 'function_definition') return def.fields.name?.text ? [def.fields.name.text] : [];
    const e = st.type === 'expression_statement' ? st.children[0] : undefined;
    return e?.type === 'assignment' && e.fields.left?.type === 'identifier' && e.fields.left.text ? [e.fields.left.text] : [];
  });
}

const sameClass = (a: ClassVal, b: ClassVal) => a.mod.path === b.mod.path && a.node.start === b.node.start;

interface ClassRegistration {
  /** The add_url_rule / add_resource call (the span of the route it makes). */
  call: PyNode;
  mod: PyModule;
  app: AppInfo | undefined;
  cls: ClassVal;
}

/**
 * Where the project registers a view class that takes `attr` from `owner` (itself, or a subclass that does not bind
 * `attr` again): `app.add_url_rule(rule, view_func=X.as_view(...))` (a blueprint's too) and flask-restful /
 * flask-restx `api.add_resource(X, rule)`.
 */
function classRegistrations(ctx: FlaskContext, owner: ClassVal, attr: string): ClassRegistration[] {
  const { ev, host } = ctx;
  const out: ClassRegistration[] = [];
  for (const mod of ctx.modules ?? []) {
    if (!/add_url_rule|add_resource/.test(mod.text)) continue;
    walk(mod.root, (n, fns) => {
      const fn = n.type === 'call' ? n.fields.function : undefined;
      const meth = fn?.type === 'attribute' ? fn.fields.attribute?.text : undefined;
      if (!fn || (meth !== 'add_url_rule' && meth !== 'add_resource')) return;
      const a = callArgs(n);
      const view = meth === 'add_url_rule' ? (a.positional[2] ?? a.keywords.get('view_func')?.fields.value) : a.positional[0];
      const clsNode = asViewClass(view) ?? (meth === 'add_resource' ? view : undefined);
      if (!clsNode) return;
      const s = scopeAt(host, mod, fns);
      const cls = ev.eval(clsNode, s);
      if (cls.t !== 'class') return;
      const from = classBinding(ev, cls, attr);
      if (from === undefined || from === 'unknown' || !sameClass(from, owner)) return;
      let app: AppInfo | undefined;
      if (meth === 'add_url_rule') app = appInfo(ev, fn.fields.object, s, mod);
      else {
        const api = restfulApi(ev, fn.fields.object, s);
        if (!api) return;
        app = api.app.node ? appInfo(ev, api.app.node, api.app.scope, api.app.scope.mod) : api.app.val ? appInfo(ev, undefined, s, mod, api.app.val) : undefined;
      }
      out.push({ call: n, mod, app, cls });
    });
  }
  return out;
}

/**
 * `cross_origin(...)` in a class-based view's decorator list (audit 53 flask2 c07): flask-cors' decorator applied
 * by Flask or Flask-RESTful, not written above a function.
 * - `decorators = [...]` (flask.views.View / MethodView, also a flask-restful Resource): `as_view()` wraps the view
 *   function it builds, so every method of the class's URL rules goes through it. `as_view()` then sets
 *   `provide_automatic_options` from the class (None), so unless the class defines `options`, Flask answers the
 *   preflight itself without running the view: no CORS headers on it (checked on Flask 2.2.2 + flask-cors 3.0.10:
 *   OPTIONS /items got 200 with only Allow, GET /items got the reflected origin).
 * - `method_decorators = [...]` (flask-restful / flask-restx Resource; a dict `{'get': [...]}` per method): wraps
 *   the method handler inside `dispatch_request`. OPTIONS reaches it only when the class (or a base) defines
 *   `options`; otherwise Flask's automatic answer again has no CORS headers (checked on the same versions with
 *   Flask-RESTful 0.3.9: a Resource whose base defines `options` answered the preflight with the reflected origin).
 * Decorators are applied in list order, the last one outermost; a decorator outside cross_origin runs first on a
 * preflight, and what it does is not read, so the preflight is then unknown.
 */
function classViewCrossOrigin(ctx: FlaskContext, mod: PyModule, clsNode: PyNode, scope: Scope): void {
  const { ev, host } = ctx;
  const name = clsNode.fields.name?.text;
  if (!name) return;
  const owner: ClassVal = { t: 'class', mod, node: clsNode, name, decorators: [], span: spanOf(mod, clsNode) };
  for (const st of clsNode.fields.body?.children ?? []) {
    const e = st.type === 'expression_statement' ? st.children[0] : undefined;
    const attr = e?.type === 'assignment' && e.fields.left?.type === 'identifier' ? e.fields.left.text : undefined;
    const right = e?.fields.right;
    if ((attr !== 'decorators' && attr !== 'method_decorators') || !right) continue;
    // Each list of decorators, with the methods it is for (undefined: every one).
    const lists: { items: PyNode[]; method?: string }[] = [];
    const elements = (n: PyNode) => n.children.filter((c) => c.type !== '[' && c.type !== ']' && c.type !== '(' && c.type !== ')' && c.type !== ',' && c.type !== 'comment');
    if (right.type === 'list' || right.type === 'tuple') lists.push({ items: elements(right) });
    else if (right.type === 'dictionary' && attr === 'method_decorators') {
      for (const pair of right.children.filter((c) => c.type === 'pair')) {
        const k = pair.fields.key ? ev.eval(pair.fields.key, scope) : undefined;
        const v = pair.fields.value;
        if (k?.t !== 'str' || (v?.type !== 'list' && v?.type !== 'tuple')) continue;
        lists.push({ items: elements(v), method: k.v.toLowerCase() });
      }
    }
    // Where the class is registered does not depend on the item: looked up once, when a cross_origin() is found.
    let registrations: ClassRegistration[] | undefined;
    for (const { items, method } of lists) {
      items.forEach((call, i) => {
        if (call.type !== 'call' || !call.fields.function) return;
        const callee = ev.eval(call.fields.function, scope);
        if (callee.t !== 'ext' || !CROSS_ORIGIN_QNAME.test(callee.qname)) return;
        const outermost = i === items.length - 1;
        const regs = (registrations ??= classRegistrations(ctx, owner, attr));
        const byApp = new Map<string, ClassRegistration[]>();
        for (const r of regs) byApp.set(r.app?.id ?? '', [...(byApp.get(r.app?.id ?? '') ?? []), r]);
        if (byApp.size === 0) byApp.set('', []);
        for (const [appKey, rs] of byApp) {
          const app = rs[0]?.app;
          const cfg = app ? configOptions(ctx, app) : { opts: new Map() as Options };
          const own = kwOptions(ev, mod, call, scope, 'cross_origin()', 0);
          const merged: Options = new Map([...cfg.opts, ...own.opts]);
          const span = spanOf(mod, call);
          const policy = buildPolicy(ctx, mod, merged, span, flaskCorsVersion(host, mod.path), {
            id: `${mod.path}#${call.start}${appKey ? `@${appKey}` : ''}`,
            scope: { level: 'route', paths: [], label: `class view ${name} (${attr})` },
            appId: app?.id,
            opaque: own.splat ?? ('opaque' in cfg ? cfg.opaque : undefined),
            errorCoverageDefault: false,
            decorator: true,
          });
          policy.preflight = classPreflight(ev, rs.map((r) => r.cls), attr, method, outermost, span);
          // The methods whose requests run through it: those the registered classes serve (another one gets 405
          // from the router), OPTIONS only when the view answers the preflight.
          const served = rs.length ? rs.map((r) => classViewMethods(ev, r.cls)) : [undefined];
          if (!served.includes(undefined) || method) {
            const all = method ? [method.toUpperCase()] : [...new Set(served.flatMap((m) => m ?? []))];
            const withOptions = policy.preflight.known && policy.preflight.value.handled === 'missing' ? all.filter((m) => m !== 'OPTIONS') : [...new Set([...all, 'OPTIONS'])];
            policy.scope.methods = withOptions;
          }
          ctx.policies.push(policy);
          viewRoutes.set(policy, rs.map((r) => spanOf(r.mod, r.call)));
          if (app && rs[0]) ensureFlaskApp(ctx, app, rs[0].mod);
        }
      });
    }
  }
}

/** Whether cross_origin() in a class's decorator list answers the preflights of its registered classes. */
function classPreflight(ev: Evaluator, classes: ClassVal[], attr: string, method: string | undefined, outermost: boolean, span: Span): Valued<PreflightHandling> {
  if (classes.length === 0) return unknown('the class is not registered where it can be read (add_url_rule / add_resource)', span);
  const answers = new Set<boolean | 'unknown'>();
  for (const cls of classes) {
    const auto = classBinding(ev, cls, 'provide_automatic_options');
    const options = classBinding(ev, cls, 'options');
    if (auto !== undefined || options === 'unknown') answers.add('unknown');
    else answers.add(options !== undefined && (attr === 'decorators' || method === undefined || method === 'options'));
  }
  if (answers.size !== 1 || answers.has('unknown')) return unknown('whether the class view runs for OPTIONS is not known', span);
  if (!answers.has(true)) {
    const detail = attr === 'decorators'
      ? "the class defines no options(), and as_view() resets provide_automatic_options, so Flask answers OPTIONS itself without running the view: the preflight gets none of these headers (§3.5)"
      : 'the class defines no options() under these method_decorators, so Flask answers OPTIONS itself without running them: the preflight gets none of these headers (§3.5)';
    return known({ handled: 'missing', detail, span }, span);
  }
  if (!outermost) return unknown(`a decorator after cross_origin() in ${attr} runs first on a preflight`, span);
  return known({ handled: 'automatic', detail: `the class defines options(), which runs through cross_origin() in ${attr}; flask-cors answers the preflight (§3.5)`, span }, span);
}

/**
 * Where a registration made at `at` (inside `fn`, or at module level of `mod`) runs, from the outermost scope in:
 * the position in each scope, following a function out to its call while it has exactly one call, made as a
 * statement of its own (not under an `if`, a loop or a `try`, which may not run it or run it again). The call is
 * looked for in the function's own module first, then, when that module never calls it, in the other modules of
 * the project (`from app import create_app; app = create_app()`, audit 53 flask c03). Scopes are named by module
 * and function start (-1 for the module's top level).
 */
function registrationPath(ctx: FlaskContext, mod: PyModule, at: PyNode, fn: PyNode | undefined): RegistrationStep[] {
  const key = (m: PyModule, f: PyNode | undefined) => `${m.path}#${f?.start ?? -1}`;
  const path: RegistrationStep[] = [{ scope: key(mod, fn), pos: at.start }];
  for (let depth = 0; fn && depth < 4; depth++) {
    const name = fn.fields.name?.text;
    if (!name) break;
    // `create_app()`, or through the module (`import app as pkg; pkg.create_app()`) from another one.
    const target: PyNode = fn;
    const here = mod;
    const callsIn = (m: PyModule) => callsOf(ctx, m, target, m !== here);
    let calls = callsIn(mod);
    if (calls.length === 0) calls = (ctx.modules ?? []).filter((m) => m.path !== mod.path).flatMap(callsIn);
    const only = calls.length === 1 ? calls[0] : undefined;
    if (!only || only.fns.includes(fn)) break;
    // `add_cors(app)` (or `x = add_cors(app)`) as a statement of the caller's body or of the module.
    const caller = only.fns[only.fns.length - 1];
    const block = caller ? caller.fields.body : only.mod.root;
    const stmt = block?.children.find((st) => st.start <= only.call.start && only.call.end <= st.end);
    if (stmt?.type !== 'expression_statement') break;
    const e = stmt.children[0];
    if (e !== only.call && !(e?.type === 'assignment' && e.fields.right === only.call)) break;
    path.unshift({ scope: key(only.mod, caller), pos: only.call.start });
    fn = caller;
    mod = only.mod;
  }
  return path;
}

/**
 * Which of two registrations runs first, when both run in one scope: compared at the first scope where their
 * positions differ (the same call of a setup function runs both: compared inside it).
 */
function registrationOrder(a: RegistrationStep[], b: RegistrationStep[]): 'a' | 'b' | undefined {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a[i] as RegistrationStep;
    const y = b[i] as RegistrationStep;
    if (x.scope !== y.scope) return undefined;
    if (x.pos !== y.pos) return x.pos < y.pos ? 'a' : 'b';
  }
  return undefined;
}

/**
 * A hook registered on a parameter of the function around it (`def add_cors_headers(bp): @bp.after_request ...`):
 * the Flask app or blueprint the calls of that function in the project pass for it, when they all pass the same one
 * (audit 32 D5). Undefined when the receiver is not such a parameter, or a call passes something else or cannot
 * be read (`*args`).
 */
function parameterArgument(ctx: FlaskContext, mod: PyModule, receiver: PyNode | undefined, scope: Scope): PyVal | undefined {
  const fn = scope.fn?.node;
  const fnName = fn?.fields.name?.text;
  if (!fn || !fnName || receiver?.type !== 'identifier' || ctx.ev.eval(receiver, scope).t !== 'unknown') return undefined;
  const params = (fn.fields.parameters?.children ?? []).filter((c) => c.type !== ',' && c.type !== '(' && c.type !== ')');
  const index = params.findIndex((p) => paramName(p) === receiver.text);
  const param = params[index];
  if (!param || (param.type !== 'identifier' && param.type !== 'typed_parameter')) return undefined;
  return argumentOfAllCalls(ctx, mod, fn, index, receiver.text ?? '');
}

/**
 * The Flask app or blueprint that every call of the project function `fn` passes for its parameter `name` (at
 * `index`), when they all pass the same one; undefined when there is no call, a call passes something else, or
 * cannot be read (`*args`).
 */
function argumentOfAllCalls(ctx: FlaskContext, home: PyModule, fn: PyNode, index: number, name: string): PyVal | undefined {
  let found: PyVal | undefined;
  // Its calls in the project (`from .cors import add_cors_headers` in the app's module, audit 32 c29).
  for (const m of ctx.modules ?? [home]) {
    for (const { call, scope } of callsOf(ctx, m, fn, true)) {
      const a = callArgs(call);
      const arg = a.keywords.get(name)?.fields.value ?? (a.splat ? undefined : a.positional[index]);
      const v = arg ? ctx.ev.eval(arg, scope) : undefined;
      const key = v ? objKey(v) : undefined;
      if (v?.t !== 'call' || key === undefined || (!FLASK_QNAME.test(v.qname) && !BLUEPRINT_QNAME.test(v.qname))) return undefined;
      if (found && objKey(found) !== key) return undefined;
      found = v;
    }
  }
  return found;
}

/**
 * The calls in `m` of the project function `fn` (by its name, or through a module attribute, `pkg.create_app()`, when
 * `throughAttribute`), each with the functions it sits in and its scope.
 */
function callsOf(ctx: FlaskContext, m: PyModule, fn: PyNode, throughAttribute: boolean): { call: PyNode; fns: PyNode[]; scope: Scope; mod: PyModule }[] {
  const name = fn.fields.name?.text;
  const calls: { call: PyNode; fns: PyNode[]; scope: Scope; mod: PyModule }[] = [];
  if (!name || !m.text.includes(name)) return calls;
  walk(m.root, (n, fns) => {
    const f = n.fields.function;
    const called = f?.type === 'identifier' ? f.text : f?.type === 'attribute' && throughAttribute ? f.fields.attribute?.text : undefined;
    if (n.type !== 'call' || !f || called !== name) return;
    const scope = scopeAt(ctx.host, m, fns);
    const callee = ctx.ev.eval(f, scope);
    if (callee.t === 'func' && callee.node === fn) calls.push({ call: n, fns, scope, mod: m });
  });
  return calls;
}

function manualHook(
  ctx: FlaskContext,
  mod: PyModule,
  h: { deco: PyNode; def: PyNode; scope: Scope; receiver: PyNode | undefined; defMod?: PyModule },
  corsPolicies: CorsRegistration[] | undefined,
): void {
  const { ev } = ctx;
  // The function's own module (for its body) and the registering one (for the app).
  const defMod = h.defMod ?? mod;
  // Defined where it is registered (inside `create_app()`): the factory's locals are visible to it.
  const fnScope = nestedScope(ctx.host, defMod, h.def, h.scope);
  const writes = headerWrites(ev, defMod, h.def, fnScope, 'flask');
  if (writes.length === 0) return;
  const app = appInfo(ev, h.receiver, h.scope, mod, parameterArgument(ctx, mod, h.receiver, h.scope));
  const span = spanOf(defMod, h.def);
  const hookSpan = spanOf(mod, h.deco);
  const origin = manualOrigin(ev, defMod, fnScope, writes, hookSpan);
  const has = (name: string) => writes.some((w) => w.name === name);
  const policy: CorsPolicy = {
    id: `${defMod.path}#${h.def.start}`,
    kind: 'flask',
    mechanism: 'flask-manual',
    layer: 'app',
    span: hookSpan,
    scope: { level: app.isBlueprint ? 'router' : 'app', label: `after_request ${h.def.fields.name?.text ?? ''} (${app.label})` },
    appId: app.id,
    origin,
    ...writtenFields(writes, hookSpan, true),
    maxAge: writeMaxAge(writes, hookSpan),
    // Flask answers OPTIONS automatically for every route and runs after_request on it (§3.4).
    preflight: known({ handled: 'router-auto', detail: 'Flask answers OPTIONS automatically; after_request adds the headers (§3.4)' }, hookSpan),
    // after_request also runs for 500s produced by handle_exception (§3.4).
    errorCoverage: known({ covers: 'all', detail: 'after_request runs for handled errors and 500s (§3.4)' }, hookSpan),
    privateNetwork: (() => {
      const w = writes.filter((x) => x.name === 'access-control-allow-private-network').pop();
      if (!w) return known(false, hookSpan);
      return forExactOrigins(w.value.known ? known(w.value.value === 'true', w.span) : unknown(w.value.reason, w.span), origin);
    })(),
    shadowedBy: [],
  };
  void span;
  void has;
  ctx.policies.push(policy);
  if (app.obj) ensureFlaskApp(ctx, app, mod);
  // Interplay with flask-cors on the same app (§3.4), unless the hook is registered under an `if` that may not
  // run (then which response each one answers is not known, so none is claimed).
  if (!corsPolicies) return;
  const facts: HookFacts = { mod, deco: h.deco, def: h.def, scope: h.scope, app, writes, defMod, fnScope, origin, policy, hookSpan };
  for (const c of corsPolicies) hookInterplay(ctx, facts, c);
  // CORS(app) calls of other modules are paired once every module has been read (finishFlaskHooks).
  ctx.shared?.hooks.push(facts);
}

/**
 * The after_request hooks and CORS(app) registrations of different modules, paired once every module has been
 * read (`from app import create_app; app = create_app()` then `@app.after_request` in api.py, audit 53 flask c03).
 */
export function finishFlaskHooks(ctx: FlaskContext): void {
  const shared = ctx.shared;
  if (!shared) return;
  for (const h of shared.hooks) for (const c of shared.cors) if (c.mod.path !== h.mod.path) hookInterplay(ctx, h, c);
}

/**
 * A hook that writes Access-Control-Allow-Origin and a CORS(app) of the same app (§3.4): the extension skips
 * responses that already have an ACAO; a hook registered before CORS(app) runs after it and overwrites /
 * duplicates its headers.
 */
function hookInterplay(ctx: FlaskContext, h: HookFacts, c: CorsRegistration): void {
  const { writes, origin, policy, hookSpan, app } = h;
  const setsAcao = writes.some((w) => w.name === 'access-control-allow-origin');
  // Registration order is known when both run in the same scope (module level or one factory), or in setup
  // functions called from it (`def add_cors(app): CORS(app); @app.after_request ...` then `add_cors(app)`, audit 47
  // py c17), also from another module (`app = create_app()` in api.py, audit 53 flask c03): each counts at the
  // position of the call that runs it.
  if (c.app.id !== app.id || !setsAcao || c.call.start < 0) return;
  const first = registrationOrder(registrationPath(ctx, c.mod, c.call, c.fn), registrationPath(ctx, h.mod, h.deco, h.scope.fn?.node));
  const label = h.def.fields.name?.text ?? 'after_request';
  // The hook sets ACAO on every response to a cross-origin request: no guard, or guards known to hold whatever the
  // request (`if allow_all_origins or ...` with the flag's environment default, audit 53 flask c17).
  const always = writes.some((w) => w.name === 'access-control-allow-origin' && alwaysWritten(ctx.ev, h.defMod, h.fnScope, w));
  if (first === undefined) {
    // Registered first, flask-cors would answer; registered last, the hook pre-empts it on every response. Which
    // one the browser sees is not known, so flask-cors' origins are not claimed (golden principle).
    if (always && c.policy.origin.known && c.policy.origin.value.kind !== 'none') {
      c.policy.origin = unknown(`${label} also sets Access-Control-Allow-Origin on every response, and whether it was registered before or after CORS(app) (which decides which of the two the browser sees, §3.4) is not known`, c.policy.origin.span);
    }
    return;
  }
  if (first === 'a') {
    // A hook registered after CORS(app) runs first (hooks run in reverse order); flask-cors then skips the
    // responses that already carry ACAO, so the hook's own policy is what the browser sees (§3.4). When it
    // always sets ACAO, flask-cors skips every response, preflights included: the configuration never applies.
    if (always) {
      const configured = c.policy.origin;
      c.policy.preemptedOrigin = configured;
      preemptedBy.set(c.policy, h);
      c.policy.origin = known({ kind: 'none' }, hookSpan, `flask-cors skips every response: ${label} sets Access-Control-Allow-Origin first (§3.4)`);
      // The preflight answers too: the hook's headers are all they carry (audit 34 Flask c23: no Allow-Headers).
      if (c.policy.preflight.known) {
        c.policy.preflight = known({ ...c.policy.preflight.value, detail: `${label} sets Access-Control-Allow-Origin first, so flask-cors adds nothing to the preflight answers (§3.4)`, elsewhere: true }, c.policy.preflight.span);
      }
      // Reported when CORS(app) named specific sites that the hook's header replaces (a hook that sends the same
      // single origin, or a CORS(app) that allowed every origin anyway, loses nothing a browser would notice).
      const restricted = configured.known && (configured.value.kind === 'allow-list' || (configured.value.kind === 'fixed' && configured.value.value !== '*'));
      const single = (o: typeof origin): string | undefined => {
        if (!o.known) return undefined;
        const v = o.value;
        if (v.kind === 'fixed') return v.value;
        if (v.kind === 'allow-list' && v.unknownEntries.length === 0 && v.entries.length === 1 && v.entries[0]?.type === 'literal') return v.entries[0].value;
        return undefined;
      };
      const same = single(configured) !== undefined && single(configured) === single(origin);
      if (restricted && !same) {
        c.policy.shadowedBy.push({
          kind: 'after-request',
          span: hookSpan,
          label,
          effect: 'is an after_request hook registered after CORS(app): Flask runs it first (hooks run in reverse order) and it always sets Access-Control-Allow-Origin, so flask-cors skips every response and the origins configured here never apply (§3.4)',
        });
      }
    } else if (c.policy.credentials.known && c.policy.credentials.value && !writes.some((w) => w.name === 'access-control-allow-credentials')) {
      // It sets ACAO for some origins only: flask-cors skips those responses, so an origin both allow gets the
      // hook's ACAO without the Access-Control-Allow-Credentials flask-cors was configured to send (audit 11 case 11).
      const literals = (o: typeof origin): Set<string> | undefined => {
        if (!o.known) return undefined;
        const v = o.value;
        if (v.kind === 'fixed') return new Set([v.value]);
        if (v.kind === 'allow-list' && v.entries.every((e) => e.type === 'literal')) return new Set(v.entries.map((e) => (e.type === 'literal' ? e.value : '')));
        return undefined;
      };
      const mine = literals(origin);
      const theirs = literals(c.policy.origin);
      const shared = mine && theirs ? [...mine].filter((o) => theirs.has(o)) : [];
      if (shared.length) {
        c.policy.shadowedBy.push({
          kind: 'after-request',
          span: hookSpan,
          label,
          effect: `is an after_request hook registered after CORS(app): Flask runs it first (hooks run in reverse order) and it sets Access-Control-Allow-Origin for ${shared[0]}, so flask-cors skips those responses and they go without the Access-Control-Allow-Credentials: true configured here: credentialed requests from that origin fail (§3.4)`,
        });
      }
    }
    return;
  }
  // A hook registered before CORS(app) runs after flask-cors and overwrites or duplicates its headers.
  const step: ShadowingStep = {
    kind: 'after-request',
    span: hookSpan,
    label,
    effect: 'is an after_request hook registered before CORS(app), so Flask runs it after flask-cors (hooks run in reverse order) and it overwrites or duplicates the CORS headers (§3.4)',
  };
  c.policy.shadowedBy.push(step);
  if (writes.some((w) => w.name === 'access-control-allow-origin' && w.op === 'append')) {
    // flask-cors has already set its ACAO line when this hook appends another one (§3.4).
    const acao: ManualWrite = { name: 'access-control-allow-origin', value: unknown('set by flask-cors', c.policy.span), op: 'set', statuses: 'all', span: c.policy.span, guards: [] };
    const { reflectsOrigin: _r, guards: _g, ...w } = acao;
    policy.headerWrites.unshift(w);
  }
}

/** The header writes of each view that writes CORS headers itself, with where their guards are read. */
const viewWrites = new WeakMap<CorsPolicy, { writes: ManualWrite[]; mod: PyModule; fnScope: Scope }>();

/** The after_request hook that made flask-cors skip every response (hookInterplay). */
const preemptedBy = new WeakMap<CorsPolicy, HookFacts>();

const ACAO = 'access-control-allow-origin';

/** Whether every `return` of the hook gives back the response it was handed (its headers are the ones it wrote on). */
function returnsItsResponse(def: PyNode): boolean {
  const params = (def.fields.parameters?.children ?? []).filter((c) => c.type !== ',' && c.type !== '(' && c.type !== ')');
  const name = params.length === 1 && params[0] ? paramName(params[0]) : undefined;
  const body = def.fields.body;
  if (!name || !body) return false;
  let ok = true;
  walk(body, (n, fns) => {
    if (n.type !== 'return_statement' || fns.length > 0) return;
    const r = n.children[0];
    if (r?.type !== 'identifier' || r.text !== name) ok = false;
  });
  return ok;
}

/**
 * An after_request hook that adds Access-Control-Allow-Origin as one more line (`headers.add`, `extend`) to every
 * response of its app also adds it to the responses that already carry one (cors-semantics.md §3.4): a view's own
 * (the hooks run on the response the view returns; checked with Flask 2.2: a catch-all OPTIONS view answered with
 * two Access-Control-Allow-Origin lines, audit 53 flask c17), and flask-cors's on the 404 and 405 answers, whose
 * headers its exception handling sets before the hooks run, also where the hook made it skip every other response
 * (same check: two lines on every 405). Recorded on the hook (`appendsOnto`); the view's own origin then decides
 * nothing a browser accepts, so its origin becomes `none` (kept in `preemptedOrigin` for the simulation).
 * Claimed only where both writes are known to be made: the hook's for every request, whatever the Origin (no
 * guard, or guards known to hold), on the response it returns, with no other hook of the app writing the header
 * (which may run after it and replace both), and the view's likewise for every request it answers.
 */
export function finishHookDuplicates(ctx: FlaskContext): void {
  const shared = ctx.shared;
  if (!shared) return;
  const writesAcao = (q: CorsPolicy) => q.headerWrites.some((w) => w.name === ACAO);
  for (const h of shared.hooks) {
    const appId = h.policy.appId;
    const acao = h.writes.filter((w) => w.name === ACAO && !w.onlyWithoutOrigin);
    // `headers[...] =` replaces the lines already there: one value.
    if (!appId || acao.length === 0 || acao.some((w) => w.op !== 'append' || w.multiple)) continue;
    const at = acao.find((w) => alwaysWritten(ctx.ev, h.defMod, h.fnScope, w));
    if (!at || !returnsItsResponse(h.def)) continue;
    // A hook that removes the header first (`del response.headers[...]`, `.remove(...)`, `.pop(...)`) is not read.
    const text = h.defMod.text.slice(h.def.start, h.def.end);
    if (/(\bdel\b|\.(remove|pop|poplist|discard)\s*\()[^\n]*access-control-allow-origin/i.test(text)) continue;
    const otherHook = ctx.policies.some((q) => q !== h.policy && q.mechanism === 'flask-manual' && q.scope.level !== 'route' && writesAcao(q) && q.appId === appId);
    if (otherHook) continue;
    const label = h.def.fields.name?.text ?? 'after_request';
    const onto: NonNullable<CorsPolicy['appendsOnto']> = [];
    for (const p of ctx.policies) {
      const v = viewWrites.get(p);
      if (!v || p.appId !== appId || p.condition) continue;
      const own = v.writes.find((w) => w.name === ACAO && !w.onlyWithoutOrigin && alwaysWritten(ctx.ev, v.mod, v.fnScope, w));
      if (!own) continue;
      onto.push({ at: at.span, span: own.span, label: `the answers of ${p.scope.label}` });
      if (p.origin.known && p.origin.value.kind !== 'none') {
        p.preemptedOrigin = p.origin;
        p.origin = known({ kind: 'none' }, at.span, `${label} adds a second Access-Control-Allow-Origin to each of its answers, which the browser rejects (§3.4)`);
      }
    }
    for (const c of shared.cors) {
      const q = c.policy;
      const configured = q.preemptedOrigin;
      if (preemptedBy.get(q) !== h || q.condition || q.scope.reachesNoRoute || !configured?.known || allowsNoOrigin(configured.value)) continue;
      if (!q.errorCoverage.known || q.errorCoverage.value.covers !== 'all') continue;
      const every = configured.value.kind === 'reflect-any' || configured.value.kind === 'wildcard';
      const to = every ? '' : ' to the origins it allows';
      onto.push({ at: at.span, span: q.span, label: `the 404 and 405 answers${to}, to which flask-cors' exception handling adds its own before the hooks run`, errorsOnly: true });
    }
    if (onto.length) h.policy.appendsOnto = onto;
  }
}

/**
 * CORS headers written in a view function. Flask answers OPTIONS automatically without running the view
 * (§3.4), so a preflight never gets these headers unless the route lists OPTIONS and handles it itself.
 */
function viewHeaders(ctx: FlaskContext, mod: PyModule, decorated: PyNode, def: PyNode, scope: Scope): void {
  const routes = routeDecorators(ctx.ev, mod, decorated, scope);
  if (routes.length === 0) return;
  const fnScope = nestedScope(ctx.host, mod, def, scope);
  const wrapped = projectDecorators(ctx, mod, decorated, routes.map((r) => r.deco), scope);
  if (wrapped === 'unreadable') return;
  // The wrappers' writes come after the view's own: each runs once the view (and the decorators below it) returned.
  const writes = [...headerWrites(ctx.ev, mod, def, fnScope, 'flask', true), ...wrapped.writes];
  if (!writes.some((w) => w.name.startsWith('access-control-'))) return;
  const r0 = routes[0] as (typeof routes)[number];
  const app = appInfo(ctx.ev, r0.receiver, scope, mod);
  const span = spanOf(mod, r0.deco);
  const methods = [...new Set(routes.flatMap((r) => r.methods))];
  const paths = routes.map((r) => r.path).filter((p): p is string => p !== undefined);
  const bodyText = [mod.text.slice(def.start, def.end), ...wrapped.texts].join('\n');
  // Whether Flask answers OPTIONS on each rule by itself: the route's own provide_automatic_options first, then the
  // attribute a decorator sets on the function it returns (Flask's add_url_rule reads `view_func.provide_automatic_options`).
  const automatic = (r: (typeof routes)[number]): boolean | undefined => {
    const call = r.deco.children[0] as PyNode;
    if (call.type === 'call' && callArgs(call).keywords.has('provide_automatic_options')) return providesAutomaticOptions(ctx.ev, call, r.methods, scope);
    return wrapped.automaticOptions === undefined ? !r.methods.includes('OPTIONS') : wrapped.automaticOptions === 'unknown' ? undefined : wrapped.automaticOptions;
  };
  // A view whose rule lists OPTIONS runs for the preflight itself (Flask then provides no automatic answer). It
  // answers it when it serves nothing but OPTIONS, or tests for it; a view that also serves POST may fail on the
  // preflight (get_json() without a JSON body) before its headers are set.
  const ownOptions = routes.every((r) => r.methods.includes('OPTIONS') && automatic(r) === false);
  // (`request.method.lower() == "options"`, through a local `method = request.method`: comparesMethodWithOptions.)
  const answers = methods.every((m) => m === 'OPTIONS') || /request\.method\s*==\s*["']OPTIONS["']/.test(bodyText) || comparesMethodWithOptions(mod, fnScope, def);
  const handlesOptions = ownOptions && answers;
  // A rule listing OPTIONS whose automatic answer is not known: the view may be what answers the preflight.
  const maybeOwn = answers && routes.some((r) => r.methods.includes('OPTIONS') && automatic(r) === undefined);
  // Rules without OPTIONS whose automatic answer a decorator turned off: OPTIONS gets 405, without the headers.
  const refused = routes.every((r) => !r.methods.includes('OPTIONS') && automatic(r) === false);
  const pn = writes.filter((x) => x.name === 'access-control-allow-private-network').pop();
  const viewOrigin = manualOrigin(ctx.ev, mod, fnScope, writes, span);
  const policy: CorsPolicy = {
    id: `${mod.path}#${def.start}`,
    kind: 'flask',
    mechanism: 'flask-manual',
    layer: 'app',
    span,
    // With the automatic answer turned off, the OPTIONS requests of the rule end in Flask's 405 (the preflight's status).
    scope: { level: 'route', paths, methods: refused && !methods.includes('OPTIONS') ? [...methods, 'OPTIONS'] : methods, label: `view ${def.fields.name?.text ?? ''}` },
    appId: app.id,
    origin: viewOrigin,
    ...writtenFields(writes, span, false),
    maxAge: writeMaxAge(writes, span),
    preflight: handlesOptions
      ? known({ handled: 'explicit', detail: 'the view answers OPTIONS itself', span, ...viewStatus(bodyText) }, span)
      : maybeOwn
        ? unknown('whether Flask answers OPTIONS on the route by itself is not known (provide_automatic_options)', span)
        : refused
          ? known({ handled: 'missing', detail: "OPTIONS is not among the route's methods and the view's decorator turns off Flask's automatic answer (provide_automatic_options = False), so the preflight gets 405 without these headers (§3.4)", span, status: 405 }, span)
          : known({ handled: 'missing', detail: "Flask answers OPTIONS automatically without running the view, so the preflight response has none of these headers (§3.4)", span }, span),
    errorCoverage: wrapped.catches
      ? unknown('a decorator of the view catches exceptions: what the error responses carry is not known', span)
      : known({ covers: 'not-unhandled', detail: wrapped.texts.length ? "errors raised by the view are answered without these headers (they escape the decorator's wrapper)" : 'errors raised by the view are answered without these headers' }, span),
    privateNetwork: !pn ? known(false, span) : forExactOrigins(pn.value.known ? known(pn.value.value === 'true', pn.span) : unknown(pn.value.reason, pn.span), viewOrigin),
    shadowedBy: [],
  };
  ctx.policies.push(policy);
  viewRoutes.set(policy, routes.map((r) => spanOf(mod, r.deco)));
  viewWrites.set(policy, { writes, mod, fnScope });
  if (app.obj) ensureFlaskApp(ctx, app, mod);
}

/** What the project's own decorators of a view add to its responses (projectDecorators). */
interface WrappedView {
  /** The header writes of their wrappers, innermost decorator first, read in the wrapper's module and scope. */
  writes: ManualWrite[];
  /** The source of each wrapper that writes CORS headers. */
  texts: string[];
  /** The `provide_automatic_options` a decorator sets on the function it returns, when one does. */
  automaticOptions?: boolean | 'unknown';
  /** A wrapper catches exceptions around its call of the view (the error responses may get its headers). */
  catches: boolean;
}

/** Text that may write CORS headers (names them, or writes response headers) or change Flask's OPTIONS answer. */
const CORS_TEXT = /access-control-|provide_automatic_options|\.headers\s*(?:\[[^\]\n]*\]\s*=(?!=)|\.(?:add|set|extend|update|setdefault)\s*\()/i;

/**
 * The project's own decorators of a route view (audit 53 flask c16, the widely copied `allow_cross_domain`):
 * `def deco(fn): @wraps(fn) def wrapper(*args, **kwargs): rst = make_response(fn(*args, **kwargs));
 * rst.headers[...] = ...; return rst; return wrapper`, or a factory `@deco(...)` returning such a decorator. Flask
 * registers the function the decorators below the route decorator return, so the wrapper's header writes go on the
 * view's responses, after the view's own; decorators above every route decorator do not apply (Flask registers what
 * they receive). 'unreadable' when a decorator that may write CORS headers has another shape, is placed between
 * route decorators, or is itself decorated: the view's headers are then not known.
 */
function projectDecorators(ctx: FlaskContext, mod: PyModule, decorated: PyNode, routeDecos: PyNode[], scope: Scope): WrappedView | 'unreadable' {
  const out: WrappedView = { writes: [], texts: [], catches: false };
  const decos = decorated.children.filter((d) => d.type === 'decorator');
  const at = routeDecos.map((d) => decos.indexOf(d));
  const lowest = Math.max(...at);
  const highest = Math.min(...at);
  // Innermost first: the decorator nearest the `def` wraps the view first.
  for (let i = decos.length - 1; i > highest; i--) {
    const d = decos[i] as PyNode;
    if (routeDecos.includes(d)) continue;
    const read = readDecorator(ctx, mod, d, scope);
    if (read === undefined) continue;
    if (read.kind === 'unreadable') {
      if (CORS_TEXT.test(read.text)) return 'unreadable';
      // A wrapper not read may catch the view's exceptions and answer them itself.
      if (/\bexcept\b/.test(read.text)) out.catches = true;
      continue;
    }
    const corsWrites = read.writes.some((w) => w.name.startsWith('access-control-'));
    if (i < lowest && (corsWrites || read.automaticOptions !== undefined)) return 'unreadable';
    if (read.catches) out.catches = true;
    if (read.automaticOptions !== undefined) out.automaticOptions = out.automaticOptions === undefined || out.automaticOptions === read.automaticOptions ? read.automaticOptions : 'unknown';
    if (!corsWrites && !read.writes.some((w) => w.name === 'vary')) continue;
    out.writes.push(...read.writes);
    out.texts.push(read.wrapperText);
  }
  return out;
}

type ReadDecorator =
  | { kind: 'unreadable'; text: string }
  | { kind: 'read'; writes: ManualWrite[]; wrapperText: string; automaticOptions?: boolean | 'unknown'; catches: boolean };

/**
 * One decorator of a view: undefined when it is not a function of the project (flask-cors, flask-login...), its
 * source when it is one of another shape.
 */
function readDecorator(ctx: FlaskContext, mod: PyModule, d: PyNode, scope: Scope): ReadDecorator | undefined {
  const { ev, host } = ctx;
  const e = d.children.find((c) => c.type !== 'comment' && c.type !== '@');
  if (!e) return undefined;
  const f = ev.eval(e.type === 'call' ? e.fields.function : e, scope);
  if (f.t !== 'func') return undefined;
  const fmod = f.mod;
  const text = fmod.text.slice(f.node.start, f.node.end);
  const no = { kind: 'unreadable' as const, text };
  // Defined at module level, undecorated: its closures are the module's names.
  if (f.decorators.length || !fmod.root.children.includes(f.node)) return no;
  let factory: PyNode | undefined;
  let deco = f.node;
  if (e.type === 'call') {
    factory = f.node;
    const inner = returnedDef(factory, undefined);
    if (!inner) return no;
    deco = inner;
  }
  const params = paramNames(deco);
  const fnParam = params[0];
  const paramNodes = deco.fields.parameters?.children.filter((p) => p.type !== ',' && p.type !== '(' && p.type !== ')' && p.type !== 'comment') ?? [];
  if (params.length !== 1 || !fnParam || paramNodes[0]?.type !== 'identifier') return no;
  const wrapper = returnedDef(deco, fnParam);
  if (!wrapper?.fields.body) return no;
  // The wrapper calls the view it was given.
  const callsView = (n: PyNode): boolean => n.type === 'call' && n.fields.function?.type === 'identifier' && n.fields.function.text === fnParam;
  let calls = false;
  let catches = false;
  walk(wrapper.fields.body, (n) => {
    if (callsView(n)) calls = true;
    if (n.type === 'try_statement' && n.fields.body) walk(n.fields.body, (x) => void (callsView(x) && (catches = true)));
  });
  if (!calls) return no;
  // `fn.provide_automatic_options = False` (the Flask "crossdomain" snippet): Flask then gives the rule no automatic
  // OPTIONS answer (add_url_rule reads the attribute of the view function it registers).
  let automaticOptions: boolean | 'unknown' | undefined;
  walk(f.node, (n) => {
    if (n.type !== 'assignment' || n.fields.left?.type !== 'attribute' || n.fields.left.fields.attribute?.text !== 'provide_automatic_options') return;
    const v = n.fields.right?.type === 'false' ? false : n.fields.right?.type === 'true' ? true : 'unknown';
    automaticOptions = automaticOptions === undefined || automaticOptions === v ? v : 'unknown';
  });
  if (/setattr\s*\([^)]*provide_automatic_options/.test(text)) automaticOptions = 'unknown';
  const wscope = scopeAt(host, fmod, factory ? [factory, deco, wrapper] : [deco, wrapper]);
  if (factory && e.type === 'call') {
    // The factory's parameters are what the decorator call passes (or their defaults); one the factory rebinds
    // (`if not isinstance(origin, str): origin = ", ".join(origin)`) is not known.
    let s: Scope | undefined = wscope;
    while (s && s.fn?.node !== factory) s = s.outer;
    if (!s) return no;
    s.locals = factoryArguments(ev, e, factory, scope, fmod);
  }
  const writes = headerWrites(ev, fmod, wrapper, wscope, 'flask', true).map((w) => ({
    ...w,
    guards: w.guards.map((g) => ({ at: { mod: fmod, scope: wscope }, ...g })),
    site: w.site ?? spanOf(mod, d),
  }));
  return { kind: 'read', writes, wrapperText: fmod.text.slice(wrapper.start, wrapper.end), ...(automaticOptions !== undefined ? { automaticOptions } : {}), catches };
}

/**
 * The function a (decorator) function defines in its own body and returns: `return wrapper`, and with `fnParam`
 * also `return update_wrapper(wrapper, fn)` and `return wraps(fn)(wrapper)` (functools). Undefined unless every
 * `return` of the body gives that one function.
 */
function returnedDef(def: PyNode, fnParam: string | undefined): PyNode | undefined {
  const body = def.fields.body;
  if (!body) return undefined;
  const defs = new Map<string, PyNode>();
  for (const st of body.children) {
    const fn = st.type === 'decorated_definition' ? st.fields.definition : st;
    if (fn?.type === 'function_definition' && fn.fields.name?.text) defs.set(fn.fields.name.text, fn);
  }
  const names = new Set<string>();
  let other = false;
  walk(body, (n, fns) => {
    if (n.type !== 'return_statement' || fns.length > 0) return;
    const r = n.children[0];
    if (r?.type === 'identifier' && r.text) return void names.add(r.text);
    if (fnParam !== undefined && r?.type === 'call') {
      const callee = r.fields.function;
      const a = callArgs(r);
      const cname = callee?.type === 'identifier' ? callee.text : callee?.type === 'attribute' ? `${callee.fields.object?.text ?? ''}.${callee.fields.attribute?.text ?? ''}` : undefined;
      const first = a.positional[0];
      // update_wrapper(wrapper, fn)
      if ((cname === 'update_wrapper' || cname === 'functools.update_wrapper') && first?.type === 'identifier' && first.text) return void names.add(first.text);
      // wraps(fn)(wrapper)
      if (callee?.type === 'call' && a.positional.length === 1 && first?.type === 'identifier' && first.text) {
        const w = callee.fields.function;
        const wname = w?.type === 'identifier' ? w.text : w?.type === 'attribute' ? `${w.fields.object?.text ?? ''}.${w.fields.attribute?.text ?? ''}` : undefined;
        if (wname === 'wraps' || wname === 'functools.wraps') return void names.add(first.text);
      }
    }
    other = true;
  });
  const name = [...names][0];
  return names.size === 1 && !other && name ? defs.get(name) : undefined;
}

/** A decorator factory's parameters bound to what `call` passes, or their defaults; unknown where not decided. */
function factoryArguments(ev: Evaluator, call: PyNode, factory: PyNode, scope: Scope, defMod: PyModule): Map<string, PyVal> {
  const out = new Map<string, PyVal>();
  const a = callArgs(call);
  const params = factory.fields.parameters?.children.filter((p) => p.type !== ',' && p.type !== '(' && p.type !== ')' && p.type !== 'comment') ?? [];
  const rebound = factory.fields.body ? scopeAt(ev.host, defMod, [factory]).fn?.index.bindings : undefined;
  let positional = true;
  params.forEach((p, i) => {
    const name = paramName(p);
    if (!name) return;
    const span = spanOf(defMod, p);
    const plain = ['identifier', 'typed_parameter', 'default_parameter', 'typed_default_parameter'].includes(p.type);
    if (!plain) positional = false;
    const unknownParam = unknownVal(`parameter ${name} of the decorator ${factory.fields.name?.text ?? ''}`, span);
    if (!plain || a.splat || rebound?.has(name)) return void out.set(name, unknownParam);
    const given = (positional ? a.positional[i] : undefined) ?? a.keywords.get(name)?.fields.value;
    const def = p.type === 'default_parameter' || p.type === 'typed_default_parameter' ? p.fields.value : undefined;
    out.set(name, given ? ev.eval(given, scope) : def ? ev.eval(def, { mod: defMod }) : unknownParam);
  });
  return out;
}

/**
 * The status a view answers with when its source names exactly one (`return "", 204`, `make_response(("", 204))`,
 * `status=204`); none named: Flask's 200. Several: not given (the framework default is assumed).
 */
function viewStatus(bodyText: string): { status?: number } {
  const named = new Set([...bodyText.matchAll(/(?:,\s*|\bstatus(?:_code)?\s*=\s*|\babort\(\s*)([1-5]\d\d)\b/g)].map((m) => Number(m[1])));
  return named.size === 1 ? { status: [...named][0] as number } : {};
}


// ─── App model ────────────────────────────────────────────────────────────────────────────────────

const FLASK_ROUTE_DECOS: Record<string, string[]> = { get: ['GET'], post: ['POST'], put: ['PUT'], patch: ['PATCH'], delete: ['DELETE'] };

function ensureFlaskApp(ctx: FlaskContext, app: AppInfo, mod: PyModule): void {
  if (ctx.apps.has(app.id)) return;
  const vs = versionsFor(ctx.host, mod.path);
  const fw = vs.get('flask');
  const model: AppModel = {
    id: app.id,
    kind: 'flask',
    span: app.span,
    label: app.label,
    framework: { name: 'flask', ...(fw ? { version: fw.exact ?? `>=${fw.min}`, span: fw.span } : {}) },
    routes: [],
    readsHeaders: [],
  };
  ctx.apps.set(app.id, model);
  if (!app.obj) return;
  const mods = new Map<string, PyModule>([[app.obj.mod.path, app.obj.mod], [mod.path, mod]]);
  const seen = new Set<string>();
  // A blueprint's routes are served under the url_prefix of the Flask app that registers it (audit 32: a blueprint
  // hook's finding named DELETE /items/<int:i> for /api/items/<int:i>).
  const regs = app.isBlueprint ? blueprintRegistrations(ctx, app.obj) : undefined;
  if (regs?.length) for (const prefix of regs) flaskRoutes(ctx, app.obj, prefix ?? '', model.routes, mods, new Set(), prefix !== undefined);
  else flaskRoutes(ctx, app.obj, '', model.routes, mods, seen);
  // Computed only for an app with a literal resource key: it scans the whole project.
  let served: { v: string[] | undefined } | undefined;
  servedRoutes.set(model, () => (served ??= { v: allRoutesKnown(ctx, app, model.routes, mods, seen) }).v);
  model.readsHeaders = flaskHeaders([...mods.values()]);
  // The blueprints it registers: the app's after_request hooks (flask-cors' among them) run on their responses too.
  if (!app.isBlueprint) {
    const blueprints = [...seen].filter((k) => k !== app.id);
    if (blueprints.length) model.mounts = blueprints;
  }
}

/**
 * The url_prefix of each `app.register_blueprint(bp, ...)` of this blueprint on a Flask app, in any module of the
 * project (undefined: none given, the blueprint's own applies). Undefined when none is found, or one is on an
 * object that is not a known Flask app (a nested blueprint) or has a prefix that is not known: the paths then stay
 * the blueprint's own.
 */
function blueprintRegistrations(ctx: FlaskContext, bp: Extract<PyVal, { t: 'call' }>): (string | undefined)[] | undefined {
  const { ev, host } = ctx;
  const key = objKey(bp);
  const out: (string | undefined)[] = [];
  let unsure = false;
  for (const mod of ctx.modules ?? []) {
    if (!mod.text.includes('register_blueprint')) continue;
    walk(mod.root, (n, fns) => {
      if (n.type !== 'call' || n.fields.function?.type !== 'attribute' || n.fields.function.fields.attribute?.text !== 'register_blueprint') return;
      const a = callArgs(n);
      const arg = a.positional[0] ?? a.keywords.get('blueprint')?.fields.value;
      const s = scopeAt(host, mod, fns);
      if (!arg || objKey(ev.eval(arg, s)) !== key) return;
      const recv = ev.eval(n.fields.function.fields.object, s);
      const px = a.keywords.get('url_prefix');
      const pv = px ? ev.eval(px.fields.value, s) : undefined;
      if (recv.t !== 'call' || !FLASK_QNAME.test(recv.qname) || (pv && pv.t !== 'str' && pv.t !== 'none')) unsure = true;
      else out.push(pv?.t === 'str' ? pv.v : undefined);
    });
  }
  return unsure || out.length === 0 ? undefined : [...new Set(out)];
}

function flaskRoutes(ctx: FlaskContext, target: Extract<PyVal, { t: 'call' }>, prefix: string, out: Route[], mods: Map<string, PyModule>, seen: Set<string>, prefixReplaced = false): void {
  const key = objKey(target) as string;
  if (seen.has(key) || seen.size > 100) return;
  seen.add(key);
  const { ev, host } = ctx;
  const mod = target.mod;
  mods.set(mod.path, mod);
  const ownPrefixNode = callArgs(target.node).keywords.get('url_prefix');
  const ownPrefix = ownPrefixNode ? ev.eval(ownPrefixNode.fields.value, { mod }) : undefined;
  const base = prefix + (!prefixReplaced && ownPrefix?.t === 'str' ? ownPrefix.v : '');
  // A helper's parameter (`def register_routes(app): app.register_blueprint(bp)`, called with the app, audit 41 py
  // c13) is the object every call of the helper passes for it.
  const isTarget = (expr: PyNode | undefined, s: Scope, val?: PyVal): boolean => {
    if (val) return objKey(val) === key;
    if (!expr || (expr.type !== 'identifier' && expr.type !== 'attribute')) return false;
    if (objKey(ev.eval(expr, s)) === key) return true;
    const arg = parameterArgument(ctx, s.mod, expr, s);
    return !!arg && objKey(arg) === key;
  };
  const pushRoute = (r: Route, call: PyNode, s: Scope) => {
    out.push(r);
    automaticOptions.set(r, providesAutomaticOptions(ev, call, r.methods, s));
  };
  // Routes may live in modules the blueprint's module imports (`from app.api import routes`).
  for (const mod of [target.mod, ...importedModules(ev, target.mod)]) {
  mods.set(mod.path, mod);
  walk(mod.root, (n, fns) => {
    if (n.type === 'decorated_definition') {
      const def = n.fields.definition;
      for (const d of n.children) {
        const e = d.type === 'decorator' ? d.children[0] : undefined;
        if (e?.type !== 'call' || e.fields.function?.type !== 'attribute') continue;
        const meth = e.fields.function.fields.attribute?.text ?? '';
        if (meth !== 'route' && !(meth in FLASK_ROUTE_DECOS)) continue;
        const s = scopeAt(host, mod, fns);
        if (!isTarget(e.fields.function.fields.object, s)) continue;
        const a = callArgs(e);
        const p = a.positional[0] ? ev.eval(a.positional[0], s) : undefined;
        let methods = FLASK_ROUTE_DECOS[meth];
        if (!methods) {
          const mk = a.keywords.get('methods');
          const mv = mk ? ev.eval(mk.fields.value, s) : undefined;
          const si = mv ? strItems(mv) : undefined;
          methods = si && !si.unknownSpans.length ? si.items.map((i) => i.v.toUpperCase()) : mk ? [] : ['GET'];
        }
        if (!methods.length) continue;
        const r = routeOf(mod, d, p, methods, def ? mod.text.slice(def.start, def.end) : '');
        if (r) pushRoute({ ...r, path: base + r.path }, e, s);
      }
    }
    if (n.type === 'call') {
      const r = callRoute(ctx, mod, n, () => scopeAt(host, mod, fns), isTarget);
      // `bp.route('/x', ...)(view)` has its keywords on the inner call.
      if (r) pushRoute({ ...r, path: base + r.path }, n.fields.function?.type === 'call' ? n.fields.function : n, scopeAt(host, mod, fns));
    }
    if (n.type === 'call' && n.fields.function?.type === 'attribute' && n.fields.function.fields.attribute?.text === 'register_blueprint') {
      const s = scopeAt(host, mod, fns);
      if (!isTarget(n.fields.function.fields.object, s)) return;
      const a = callArgs(n);
      const bp = a.positional[0] ? ev.eval(a.positional[0], s) : undefined;
      const px = a.keywords.get('url_prefix');
      const pv = px ? ev.eval(px.fields.value, s) : undefined;
      if (bp?.t === 'call' && BLUEPRINT_QNAME.test(bp.qname)) {
        // An explicit url_prefix replaces the blueprint's own.
        if (pv?.t === 'str') flaskRoutes(ctx, bp, base + pv.v, out, mods, seen, true);
        else flaskRoutes(ctx, bp, base, out, mods, seen);
      }
    }
  });
  }
}

/**
 * Whether Flask answers OPTIONS on a rule by itself (`add_url_rule`: provide_automatic_options defaults to True
 * unless the methods list OPTIONS; the view then never runs for OPTIONS). Undefined when the keyword is not a
 * literal. A view function's own `provide_automatic_options` attribute is not read.
 */
const automaticOptions = new WeakMap<Route, boolean | undefined>();

function providesAutomaticOptions(ev: Evaluator, call: PyNode, methods: string[], s: Scope): boolean | undefined {
  const kw = call.type === 'call' ? callArgs(call).keywords.get('provide_automatic_options') : undefined;
  if (!kw) return !methods.includes('OPTIONS');
  const v = ev.eval(kw.fields.value, s);
  return v.t === 'bool' ? v.v : v.t === 'none' ? !methods.includes('OPTIONS') : undefined;
}

const RESTFUL_API_QNAME = /^flask_(restful|restx|restplus)\.Api$/;
const VIEW_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/**
 * A route registered by a call rather than a decorator (audit 28 case 15): `app.add_url_rule(rule, view_func=...,
 * methods=[...])`, the decorator called by hand (`bp.route('/x', methods=[...])(view)`), and flask-restful /
 * flask-restx `api.add_resource(Resource, '/x')` on an `Api(app)`, which registers `Resource.as_view` through
 * add_url_rule. Without `methods`, a class view serves the HTTP methods its class defines (MethodView), a function
 * GET. Undefined when the call is none of these, or its methods are not known.
 */
function callRoute(ctx: FlaskContext, mod: PyModule, n: PyNode, scope: () => Scope, isTarget: (expr: PyNode | undefined, s: Scope, val?: PyVal) => boolean): Route | undefined {
  const { ev } = ctx;
  const fn = n.fields.function;
  const attr = fn?.type === 'attribute' ? fn.fields.attribute?.text : undefined;
  const decorator = fn?.type === 'call' && fn.fields.function?.type === 'attribute' ? (fn.fields.function.fields.attribute?.text ?? '') : undefined;
  if (!fn || (attr !== 'add_url_rule' && attr !== 'add_resource' && decorator !== 'route' && !(decorator !== undefined && decorator in FLASK_ROUTE_DECOS))) return undefined;
  const s = scope();
  const a = callArgs(n);
  let rule: PyNode | undefined;
  let view: PyNode | undefined;
  let methodsArg: PyNode | undefined = a.keywords.get('methods')?.fields.value;
  let prefixed: PyVal | undefined;
  if (attr === 'add_url_rule') {
    if (!isTarget(fn.fields.object, s)) return undefined;
    rule = a.positional[0] ?? a.keywords.get('rule')?.fields.value;
    view = a.positional[2] ?? a.keywords.get('view_func')?.fields.value;
  } else if (attr === 'add_resource') {
    const api = restfulApi(ev, fn.fields.object, s);
    if (!api || !(api.app.node ? isTarget(api.app.node, api.app.scope) : api.app.val && isTarget(undefined, s, api.app.val))) return undefined;
    rule = a.positional[1];
    view = a.positional[0];
    // Api(app, prefix='/api') registers every resource under its prefix.
    if (rule && api.prefix) {
      const r = ev.eval(rule, s);
      prefixed = api.prefix.t === 'str' && r.t === 'str' ? { ...r, v: api.prefix.v + r.v } : unknownVal('the Api prefix is not known', r.span);
    }
  } else {
    // `bp.route('/x', methods=[...])(view)`, `bp.post('/x')(view)`
    if (!isTarget(fn.fields.function?.fields.object, s)) return undefined;
    const inner = callArgs(fn);
    rule = inner.positional[0];
    view = a.positional[0];
    const fixed = FLASK_ROUTE_DECOS[decorator as string];
    if (fixed) return rule ? routeOf(mod, n, ev.eval(rule, s), fixed, viewText(ev, view, s)) : undefined;
    methodsArg = inner.keywords.get('methods')?.fields.value;
  }
  if (!rule) return undefined;
  const path = prefixed ?? ev.eval(rule, s);
  if (methodsArg) {
    const si = strItems(ev.eval(methodsArg, s));
    if (!si || si.unknownSpans.length || si.other.length) return undefined;
    return routeOf(mod, n, path, si.items.map((i) => i.v.toUpperCase()), viewText(ev, view, s));
  }
  // `View.as_view('name')`, or the Resource class itself (add_resource).
  const clsNode = asViewClass(view) ?? view;
  const cls = clsNode ? ev.eval(clsNode, s) : undefined;
  if (cls?.t === 'class') {
    const methods = classViewMethods(ev, cls);
    return methods?.length ? routeOf(mod, n, path, methods, cls.mod.text.slice(cls.node.start, cls.node.end)) : undefined;
  }
  if (cls?.t === 'func') return routeOf(mod, n, path, ['GET'], cls.mod.text.slice(cls.node.start, cls.node.end));
  return undefined;
}

/**
 * A flask-restful / flask-restx `Api` (or a project subclass of it, `class HemanAPI(Api)`): the app or blueprint it
 * registers on (a node to evaluate, or the value a subclass was constructed with) and its `prefix` keyword.
 */
function restfulApi(ev: Evaluator, expr: PyNode | undefined, s: Scope): { app: { node?: PyNode; scope: Scope; val?: PyVal }; prefix?: PyVal } | undefined {
  const api = expr ? ev.eval(expr, s) : undefined;
  if (api?.t === 'call' && RESTFUL_API_QNAME.test(api.qname)) {
    const a = callArgs(api.node);
    const px = a.keywords.get('prefix');
    const node = a.positional[0] ?? a.keywords.get('app')?.fields.value;
    return { app: { ...(node ? { node } : {}), scope: { mod: api.mod } }, ...(px ? { prefix: ev.eval(px.fields.value, { mod: api.mod }) } : {}) };
  }
  if (api?.t === 'instance' && RESTFUL_API_QNAME.test(ev.derivesFrom(api.cls, ['Api']) ?? '') && api.init && !api.init.splat) {
    const val = api.init.args[0] ?? api.init.kwargs.get('app');
    const prefix = api.init.kwargs.get('prefix');
    return { app: { scope: s, ...(val ? { val } : {}) }, ...(prefix ? { prefix } : {}) };
  }
  return undefined;
}

/** The HTTP methods a class-based view defines (`def get`, `def post`...); undefined when a base class may add some. */
function classViewMethods(ev: Evaluator, cls: Extract<PyVal, { t: 'class' }>, depth = 0): string[] | undefined {
  const bases = cls.node.fields.superclasses?.children.filter((c) => c.type !== '(' && c.type !== ')' && c.type !== ',') ?? [];
  const out: string[] = [];
  // Only the framework's own view bases are known to define none of them; a project base (`class
  // ContractResource(AuthorizedResource)`, audit 53 flask2 c07) adds the methods it defines.
  for (const b of bases) {
    if (/^(\w+\.)?(MethodView|Resource|View)$/.test(cls.mod.text.slice(b.start, b.end))) continue;
    const bv = depth < 8 ? ev.eval(b, { mod: cls.mod }) : undefined;
    const inherited = bv?.t === 'class' ? classViewMethods(ev, bv, depth + 1) : undefined;
    if (!inherited) return undefined;
    out.push(...inherited);
  }
  // (`post = get` in the class body defines a method too.)
  for (const m of classBodyNames(cls)) if (VIEW_METHODS.has(m)) out.push(m.toUpperCase());
  return [...new Set(out)];
}

function viewText(ev: Evaluator, view: PyNode | undefined, s: Scope): string {
  const v = view ? ev.eval(view, s) : undefined;
  return v?.t === 'func' || v?.t === 'class' ? v.mod.text.slice(v.node.start, v.node.end) : '';
}

/** A route of the view at `n` (its decorator or registering call), `bodyText` the view's source. */
function routeOf(mod: PyModule, n: PyNode, path: PyVal | undefined, methods: string[], bodyText: string): Route | undefined {
  if (!methods.length) return undefined;
  return { methods, path: path?.t === 'str' ? path.v : '', span: spanOf(mod, n), jsonBody: /request\.(get_json\(|json\b)/.test(bodyText) && methods.some((x) => x !== 'GET' && x !== 'HEAD') };
}

/** Headers Flask code reads from clients: request.headers lookups, flask-httpauth / JWT extensions. */
function flaskHeaders(mods: PyModule[]): HeaderRead[] {
  const out: HeaderRead[] = [];
  const seen = new Set<string>();
  const add = (name: string, span: Span) => {
    const n = name.toLowerCase();
    if (!isClientHeader(n) || seen.has(n + span.start + span.file)) return;
    seen.add(n + span.start + span.file);
    out.push({ name: n, span });
  };
  for (const m of mods) {
    walk(m.root, (n) => {
      if (n.type === 'attribute' && m.text.slice(n.start, n.end) === 'request.authorization') add('authorization', spanOf(m, n));
      if (n.type === 'call') {
        const t = m.text.slice(n.fields.function?.start ?? 0, n.fields.function?.end ?? 0);
        if (/(^|\.)(HTTPTokenAuth|HTTPBasicAuth|JWTManager|HTTPDigestAuth)$/.test(t)) add('authorization', spanOf(m, n));
        const f = n.fields.function;
        if (f?.type === 'attribute' && f.fields.attribute?.text === 'get' && f.fields.object && m.text.slice(f.fields.object.start, f.fields.object.end) === 'request.headers') {
          const k = callArgs(n).positional[0];
          if (k?.type === 'string') add(m.text.slice(k.start, k.end).replace(/^[rbuRBU]*['"]+|['"]+$/g, ''), spanOf(m, n));
        }
      }
      if (n.type === 'subscript' && n.fields.value && m.text.slice(n.fields.value.start, n.fields.value.end) === 'request.headers' && n.fields.subscript?.type === 'string') {
        const k = n.fields.subscript;
        add(m.text.slice(k.start, k.end).replace(/^[rbuRBU]*['"]+|['"]+$/g, ''), spanOf(m, n));
      }
    });
  }
  return out;
}
