/**
 * A small static evaluator for the values CORS configuration is made of: literals, arrays, objects,
 * spreads, template strings, string concatenation, constants across modules, `process.env.X ?? 'default'`,
 * `.split(',')`. Anything it cannot decide is `unknown` with a reason; it never runs the user's code.
 */
import type { ProjectHost } from '../../engine/host.js';
import type { Span } from '../../model/index.js';
import { args, child, children, elements, identName, isFunction, memberName, parentOf, propertyKey, rangeOf, soleExpression, staticString, unwrap, walk, type AstNode } from './ast.js';
import { enclosingFunction, isRequireCall, loadModule, lookup, packageRange, resolveSpecifier, spanOf, type Binding, type ExportRef, type JsModule } from './modules.js';

interface Base {
  node: AstNode;
  mod: JsModule;
  /** How the value was obtained when it is not written literally ("default of $ORIGIN when unset"). */
  via?: string;
}

export type JsValue =
  | (Base & { t: 'str'; v: string })
  | (Base & { t: 'num'; v: number })
  | (Base & { t: 'bool'; v: boolean })
  | (Base & { t: 'null' })
  | (Base & { t: 'undef' })
  | (Base & { t: 'regex'; pattern: string; flags: string })
  /** `maybeFewer`: some items may be absent (a `.filter(Boolean)` over values not known): `length` is not known. */
  | (Base & { t: 'array'; items: JsValue[]; maybeFewer?: boolean; frozen?: true })
  /** `frozen`: the object was handed to Object.freeze / seal / preventExtensions (see frozenBy). */
  | (Base & { t: 'object'; props: Map<string, JsValue>; keys: Map<string, AstNode>; partial: boolean; frozen?: true })
  /** `bound`: the values of the enclosing factory's parameters, when the function was returned by a known call. */
  | (Base & { t: 'func'; fn: AstNode; bound?: Map<AstNode, JsValue> })
  /** A well-known external: the `cors` factory, `express`, `express.Router`, the request origin... */
  /**
   * A value from a known package. `corsOptions`: a cors() layer a framework builds from an options object it was
   * given (Apollo Server's `cors:` option): that node is the options, not the call's first argument.
   * `yoga`: that layer is graphql-yoga's own CORS plugin, whose options mean other things (src/extractors/express/yoga.ts).
   * `corsPreset`: a cors() layer a library builds with options of its own, written nowhere in the project (json-server's
   * `defaults()`): those options, with the library's call as their place.
   * `answersAll`: a middleware that answers every request of its mount path and never passes one on (json-server 0.x's
   * `router()`); the text says what answers.
   * `guard`: a cors() layer that a hand-written middleware runs for some requests only (index.ts guardedCors).
   * `bound`: for a cors() call inside a factory called with known arguments (`corsMw({})` → `function corsMw(options)
   * { const { corsOrigins: origin = true } = options; return cors({ origin }) }`, Uppy Companion), the values of the
   * factory's parameters in that call, for reading the options.
   */
  | (Base & { t: 'ext'; name: string; corsOptions?: AstNode | null; yoga?: true; corsPreset?: JsValue; answersAll?: string; guard?: CorsGuard; bound?: Map<AstNode, JsValue> })
  /** A module namespace (`import * as x`, `require('./x')`). */
  | (Base & { t: 'ns'; target: JsModule })
  | (Base & { t: 'unknown'; reason: string });

/**
 * The requests a hand-written middleware runs a cors() middleware for (`if (req.path.startsWith('/api/public')) return
 * cors(opts)(req, res, next)`). `paths`: the test is exactly "the path (below the mount) starts with one of these"
 * (`prefix`) or "is one of these" (`exact`); otherwise `text` and `node` say the condition, in the source's words.
 * `originUnknown`: which origins reach cors() depends on the request Origin too (an allow-list checked before it), so
 * what the layer lets read is the intersection of the two, not what its options say alone.
 */
export interface CorsGuard {
  text: string;
  node: AstNode;
  paths?: { kind: 'prefix' | 'exact'; values: string[] };
  /** The test is exactly "the method is one of these" (upper case). */
  methods?: string[];
  /** Paths (below the mount) the layer never runs for, by the same kinds of test. */
  except?: { kind: 'prefix' | 'exact'; value: string }[];
  /** The test only leaves out the `except` paths (`if (req.path.startsWith('/internal/')) return next();`). */
  exceptOnly?: true;
  originUnknown?: string;
}

export function valueSpan(v: JsValue): Span {
  return spanOf(v.mod, v.node);
}

/** The source characters of a regex literal's pattern (`/abc/i` → `abc`), when the value is one. */
export function patternSpan(v: JsValue): { textSpan: Span } | Record<string, never> {
  if (v.t !== 'regex' || v.node.type !== 'Literal') return {};
  const [start] = rangeOf(v.node);
  return v.mod.text.slice(start + 1, start + 1 + v.pattern.length) === v.pattern ? { textSpan: { file: v.mod.path, start: start + 1, end: start + 1 + v.pattern.length } } : {};
}

/** The source characters of a string written verbatim as a literal (`'https://a.com/'` → the inner text), if any. */
export function verbatimSpan(v: JsValue): { textSpan: Span } | Record<string, never> {
  if (v.t !== 'str' || (v.node.type !== 'Literal' && v.node.type !== 'StringLiteral')) return {};
  const [start, end] = rangeOf(v.node);
  return v.mod.text.slice(start + 1, end - 1) === v.v ? { textSpan: { file: v.mod.path, start: start + 1, end: end - 1 } } : {};
}

export interface EvalEnv {
  host: ProjectHost;
  /** Values for parameters bound by the caller (origin callbacks). */
  params?: Map<AstNode, JsValue>;
  depth?: number;
  /** Bindings being evaluated (cycle guard). */
  active?: Set<AstNode>;
}

const MAX_DEPTH = 40;

/** Packages whose exports the extractor understands. */
const KNOWN_PACKAGES: Record<string, string> = {
  cors: 'cors',
  express: 'express',
  'body-parser': 'body-parser',
  passport: 'passport',
  'express-jwt': 'express-jwt',
  // createYoga() builds a request handler that answers CORS itself (yoga.ts).
  'graphql-yoga': 'graphql-yoga',
  // `import { env } from 'process'`, `const { env } = require('node:process')` (audit 33 case 19).
  process: 'process',
  'node:process': 'process',
  // Environment schemas (envSchemaValue).
  zod: 'zod',
  envalid: 'envalid',
  // json-server 0.x: `create()` is an Express app, `defaults()` its middleware list, with cors (jsonServerCall).
  'json-server': 'json-server',
};

/**
 * json-server 0.x (lib/server/index.js and defaults.js of 0.17.4, the same from 0.8 on; checked with 0.17.4 and curl):
 * `create()` is `express().set('json spaces', 2)`, an Express 4 app of json-server's own express dependency;
 * `defaults(opts)` is an array of middleware that holds `cors({ origin: true, credentials: true })` unless
 * `opts.noCors` is truthy, so `server.use(jsonServer.defaults())` reflects every Origin with
 * Access-Control-Allow-Credentials: true, on preflights (answered 204 there) and on every other response.
 * The other items (compression, express.static, morgan, a no-cache header writer, the body parser) send no CORS
 * header and answer no OPTIONS request, except the `readOnly` one, which answers every non-GET request 403 and so
 * hides what comes after it: with that option (unless known false) the list is not modelled.
 * `router(db)` is an Express router whose last layer is a catch-all that renders every request that reaches it (404
 * with `{}` for paths that are no resource of the database; its own error handler answers errors with 500), so it
 * never passes a request on: what is registered after it on its mount path never runs, CORS included (audit 42 js
 * c05/c06; checked with 0.17.4 and curl: OPTIONS of a resource gets the router's 200 with an Allow header, other paths
 * 404, and a later defaults() or cors() adds nothing).
 * json-server 1.x (ESM, tinyhttp) has another API; `defaults()` and `router()` are read only where the package.json
 * asks for 0.x.
 */
function jsonServerCall(name: string, n: AstNode, mod: JsModule, env: EvalEnv): JsValue | undefined {
  if (name === 'json-server.create()') return { t: 'ext', name: 'express()', node: n, mod };
  if (name !== 'json-server.defaults()' && name !== 'json-server.router()') return undefined;
  const range = packageRange(env.host, mod.path, 'json-server');
  const zeroX = range !== undefined && /^\s*(?:[\^~]|=)?\s*v?0\.\d/.test(range) && !/\|\||\s-\s/.test(range);
  if (name === 'json-server.router()') return zeroX ? { t: 'ext', name, node: n, mod, answersAll: "json-server's router" } : undefined;
  if (!zeroX) return unknownValue(n, mod, 'json-server version not read as 0.x');
  const arg = args(n)[0];
  const opts = arg ? evaluate(arg, mod, env) : undefined;
  if (opts && opts.t !== 'object' && opts.t !== 'undef') return unknownValue(n, mod, 'json-server defaults() options not known');
  const props = opts?.t === 'object' ? opts.props : new Map<string, JsValue>();
  if (opts?.t === 'object' && opts.partial) return unknownValue(n, mod, 'json-server defaults() options may be set by a spread');
  const option = (key: string): boolean | undefined => {
    const v = props.get(key);
    return v ? codeTruthiness(v) : false;
  };
  const noCors = option('noCors');
  if (noCors === undefined || option('readOnly') !== false) return unknownValue(n, mod, 'json-server defaults() options not modelled');
  if (noCors) return { t: 'array', items: [], node: n, mod };
  const via = "json-server's defaults() adds cors({ origin: true, credentials: true }) unless noCors";
  const preset: JsValue = {
    t: 'object',
    props: new Map<string, JsValue>([
      ['origin', { t: 'bool', v: true, node: n, mod, via }],
      ['credentials', { t: 'bool', v: true, node: n, mod, via }],
    ]),
    keys: new Map(),
    partial: false,
    node: n,
    mod,
  };
  return { t: 'array', items: [{ t: 'ext', name: 'cors()', node: n, mod, corsPreset: preset }], node: n, mod };
}

/** What `createYoga(options)` evaluates to (its node is that call). */
export const YOGA_CREATED = 'graphql-yoga.createYoga()';

/** The `graphqlEndpoint` option of a createYoga() call: its value, '/graphql' when absent, undefined when not known. */
function yogaEndpoint(v: JsValue & { t: 'ext' }, env: EvalEnv): JsValue | undefined {
  const call = unwrap(v.node);
  const first = call.type === 'CallExpression' ? args(call)[0] : undefined;
  const opts = first ? evaluate(first, v.mod, env) : undefined;
  if (opts && opts.t !== 'object') return undefined;
  const e = opts?.props.get('graphqlEndpoint');
  if (e) return e.t === 'str' ? e : undefined;
  return opts?.partial ? undefined : { t: 'str', v: '/graphql', node: v.node, mod: v.mod };
}

function unknownValue(node: AstNode, mod: JsModule, reason: string): JsValue {
  return { t: 'unknown', reason, node, mod };
}

function withVia<T extends JsValue>(v: T, via: string | undefined): T {
  return via && !v.via ? { ...v, via } : v;
}

/**
 * withVia for a value chosen by a condition: an options object chosen as a whole (`raw ? {...} : { origin: true }`)
 * passes the reason on to its properties, which the rules describe (audit 28 case 04).
 */
function chosenVia(v: JsValue, via: string | undefined): JsValue {
  if (!via || v.t !== 'object') return withVia(v, via);
  return withVia({ ...v, props: new Map([...v.props].map(([k, p]) => [k, withVia(p, via)])) }, via);
}

/** The value of a module export, following re-exports. */
export function exportValue(target: JsModule, name: string, env: EvalEnv, at: AstNode, from: JsModule, seen = new Set<string>()): JsValue {
  const key = `${target.path}#${name}`;
  if (seen.has(key) || seen.size > 20) return unknownValue(at, from, `circular re-export of ${name}`);
  seen.add(key);
  if (name === '*') return { t: 'ns', target, node: at, mod: from };
  const ref: ExportRef | undefined = target.exports.get(name);
  if (ref) {
    if (ref.kind === 'local') {
      const program = target.program;
      if (!program) return unknownValue(at, from, `cannot parse ${target.path}`);
      return evaluateIdentifier(ref.name, ref.node, target, env);
    }
    if (ref.kind === 'expr') return evaluate(ref.node, target, env);
    const resolvedPath = resolveSpecifier(env.host, target.path, ref.source);
    if (!resolvedPath) return externalImport(ref.source, ref.imported, ref.node, target);
    const next = loadModule(env.host, resolvedPath);
    if (!next) return unknownValue(at, from, `cannot read ${resolvedPath}`);
    return exportValue(next, ref.imported, env, at, from, seen);
  }
  // CommonJS: `module.exports = x` where x is an object: named members.
  const cjs = target.exports.get('default');
  if (cjs && name !== 'default') {
    const whole = exportValue(target, 'default', env, at, from, seen);
    if (whole.t === 'object') return whole.props.get(name) ?? unknownValue(at, from, `${target.path} has no export ${name}`);
    if (whole.t === 'ns') return exportValue(whole.target, name, env, at, from, seen);
  }
  for (const star of target.starReexports) {
    const p = resolveSpecifier(env.host, target.path, star);
    const next = p ? loadModule(env.host, p) : undefined;
    if (!next) continue;
    const v = exportValue(next, name, env, at, from, seen);
    if (v.t !== 'unknown') return v;
  }
  if (name === 'default' && target.exports.size === 0 && !target.program) return unknownValue(at, from, `cannot parse ${target.path}`);
  if (name === 'default') return { t: 'ns', target, node: at, mod: from };
  return unknownValue(at, from, `${target.path} has no export ${name}`);
}

function externalImport(source: string, imported: string, node: AstNode, mod: JsModule): JsValue {
  const pkg = KNOWN_PACKAGES[source];
  if (pkg) return { t: 'ext', name: imported === 'default' || imported === '*' ? pkg : `${pkg}.${imported}`, node, mod };
  return unknownValue(node, mod, `imported from ${source}`);
}

function importValue(source: string, imported: string, node: AstNode, mod: JsModule, env: EvalEnv): JsValue {
  const resolved = resolveSpecifier(env.host, mod.path, source);
  if (!resolved) return externalImport(source, imported, node, mod);
  const target = loadModule(env.host, resolved);
  if (!target) return unknownValue(node, mod, `cannot read ${resolved}`);
  if (imported === '*') return { t: 'ns', target, node, mod };
  return exportValue(target, imported, env, node, mod);
}

function bindingValue(b: Binding, name: string, at: AstNode, mod: JsModule, env: EvalEnv): JsValue {
  switch (b.kind) {
    case 'param': {
      const bound = env.params?.get(b.node);
      return bound ?? unknownValue(at, mod, `parameter ${name}`);
    }
    case 'func':
      return { t: 'func', fn: b.node, node: b.node, mod };
    case 'class':
      return unknownValue(at, mod, `class ${name}`);
    case 'import': {
      const v = importValue(b.source, b.imported, b.node, mod, env);
      // `import config from './config'` (exported frozen) then `config.origin = true` here: ignored or a TypeError.
      const m = mod.mutated.get(name);
      return m && isFrozen(v) ? unknownValue(at, mod, `${name} is frozen or sealed and modified at offset ${rangeOf(m)[0]}`) : v;
    }
    case 'var': {
      if (b.declKind !== 'const' && mod.reassigned.has(name)) {
        const last = b.path.length === 0 ? lastStraightAssignment(name, b.id, at, mod) : undefined;
        if (!last) return envGuardedDefault(name, b, at, mod, env) ?? unknownValue(at, mod, `${name} is reassigned`);
        if (last === b.id) return bindingValue({ ...b, declKind: 'const' }, name, at, mod, env);
        return evaluate(child(last, 'right') as AstNode, mod, env);
      }
      if (!b.init) return b.declKind === 'const' ? unknownValue(at, mod, `${name} has no initialiser`) : unknownValue(at, mod, `${name} is assigned later`);
      const active = env.active ?? new Set<AstNode>();
      if (active.has(b.id)) return unknownValue(at, mod, `${name} refers to itself`);
      active.add(b.id);
      try {
        let v = evaluate(b.init, mod, { ...env, active });
        // `list.push(x)`, `opts.origin = x`: data that is modified later is unknown (apps and routers are not data).
        const m = mod.mutated.get(name);
        const frozenLater = mod.frozen.get(name);
        if (m && (frozenInit(b.init, mod) || isFrozen(v) || (frozenLater && !frozenAfterChanges(frozenLater, name, b.id, mod)))) {
          return unknownValue(at, mod, `${name} is frozen or sealed and modified at offset ${rangeOf(m)[0]}`);
        }
        // Frozen here and changed in a module that imports it: that one must not apply the change either.
        if (mod.frozen.has(name)) v = markFrozen(v);
        if (m && v.t === 'object') v = completedObject(v, name, b.id, at, mod, { ...env, active }) ?? unknownValue(at, mod, `${name} is modified at offset ${rangeOf(m)[0]}`);
        else if (m && v.t === 'array') {
          const grown = pushedOnto(v, name, b.id, mod, { ...env, active });
          if (!grown) return unknownValue(at, mod, `${name} is modified at offset ${rangeOf(m)[0]}`);
          v = grown;
        }
        if (v.t === 'unknown') return v;
        for (const step of b.path) v = memberOf(v, step, b.id, mod, env);
        // `const { X = 'd' } = process.env`: like `process.env.X ?? 'd'`, the default when the variable is unset
        // (audit 35 js c20); a value known to be undefined takes the default too.
        if (b.fallback) {
          const name = envName(v);
          if (name !== undefined) {
            const d = evaluate(b.fallback, mod, { ...env, active });
            return d.t === 'unknown' ? d : withVia(d, `the default when $${name} is unset`);
          }
          if (v.t === 'undef') {
            const d = evaluate(b.fallback, mod, { ...env, active });
            return d.t === 'unknown' ? d : chosenVia(d, v.via);
          }
        }
        return v;
      } finally {
        active.delete(b.id);
      }
    }
  }
}

/**
 * `const allowed = ['https://a.com']; if (process.env.X) allowed.push(process.env.X);` (audit 30 case 06): a list
 * only ever grown by `push`/`unshift` calls where it is declared (not inside another function, which may run per
 * request) is its items plus those pushed, each maybe absent. Undefined for any other change.
 */
function pushedOnto(v: JsValue & { t: 'array' }, name: string, id: AstNode, mod: JsModule, env: EvalEnv): JsValue | undefined {
  const home = enclosingFunction(mod, id);
  const items = [...v.items];
  for (const m of mod.mutations.get(name) ?? []) {
    const callee = m.type === 'CallExpression' ? unwrap(child(m, 'callee') as AstNode) : undefined;
    const method = callee ? memberName(callee) : undefined;
    if (!callee || (method !== 'push' && method !== 'unshift') || identName(child(callee, 'object')) !== name) return undefined;
    // Another variable of the same name (a list of each factory of the module) is not this one.
    const target = lookup(mod, name, child(callee, 'object') as AstNode);
    if (target?.kind === 'var' && target.id !== id) continue;
    if (enclosingFunction(mod, m) !== home) return undefined;
    // The ifs around the push, decided with what is known (a factory's arguments: `if (!opts.noCors) arr.push(cors())`,
    // json-server's defaults, audit 37 js c06): a push that cannot run is left out; one that may run makes its item
    // possibly absent, which only allow-list entries can be (a middleware list with a maybe-middleware is not known).
    let runs: boolean | undefined = true;
    for (let cur = m, up = parentOf(m); up && up !== home; cur = up, up = parentOf(up)) {
      if (up.type !== 'IfStatement' || child(up, 'test') === cur) continue;
      const t = codeTruthiness(evaluate(child(up, 'test') as AstNode, mod, env));
      const inThen = child(up, 'consequent') === cur;
      if (t === undefined) runs = undefined;
      else if (t !== inThen) {
        runs = false;
        break;
      }
    }
    if (runs === false) continue;
    for (const a of args(m)) {
      if (a.type === 'SpreadElement') return undefined;
      const x = evaluate(a, mod, env);
      if (x.t === 'str' || x.t === 'regex') items.push(x);
      else if (runs && (x.t === 'ext' || x.t === 'func')) items.push(x);
      else items.push(unknownValue(a, mod, 'pushed at runtime'));
    }
  }
  return { ...v, items, maybeFewer: true };
}

/**
 * `let origins = '*'; if (env.ROOT_DOMAINS != undefined) { origins = []; ... }` (audit 33 case 19): every change of
 * the variable is inside the consequent of one `if` of the block that declares it, placed before the use, whose test
 * fails when an environment variable is unset (`process.env.X`, `X != undefined`). With the variable unset, the
 * initialiser is the value, known as that default; undefined for any other shape.
 */
function envGuardedDefault(name: string, b: Binding & { kind: 'var' }, at: AstNode, mod: JsModule, env: EvalEnv): JsValue | undefined {
  if (b.path.length !== 0 || (!b.init && b.declKind === 'const')) return undefined;
  const decl = parentOf(parentOf(b.id) ?? b.id);
  const block = decl ? parentOf(decl) : undefined;
  if (decl?.type !== 'VariableDeclaration' || !block || (block.type !== 'BlockStatement' && block.type !== 'Program')) return undefined;
  // The guard and its `else if` chain (`if ($A) x = ...; else if ($B) x = ...`, Uppy Companion's corsOrigins, audit
  // 51 big c11): every change is in the consequent of one of them, none in a final `else` (it runs when all are unset).
  const inside = (m: AstNode, n: AstNode | undefined) => !!n && rangeOf(m)[0] >= rangeOf(n)[0] && rangeOf(m)[1] <= rangeOf(n)[1];
  let guard: AstNode | undefined;
  for (const m of mod.mutations.get(name) ?? []) {
    let stmt: AstNode | undefined = m;
    while (stmt && parentOf(stmt) !== block) stmt = parentOf(stmt);
    if (!stmt || stmt.type !== 'IfStatement' || (guard && guard !== stmt)) return undefined;
    guard = stmt;
  }
  if (!guard || rangeOf(guard)[1] > rangeOf(at)[0]) return undefined;
  const tests: AstNode[] = [];
  const consequents: AstNode[] = [];
  let elseBlock: AstNode | undefined;
  for (let cur: AstNode | undefined = guard; cur; ) {
    tests.push(child(cur, 'test') as AstNode);
    consequents.push(child(cur, 'consequent') as AstNode);
    const alt: AstNode | undefined = child(cur, 'alternate');
    if (alt?.type === 'IfStatement') cur = alt;
    else {
      elseBlock = alt;
      cur = undefined;
    }
  }
  for (const m of mod.mutations.get(name) ?? []) {
    if (inside(m, elseBlock) || !consequents.some((c) => inside(m, c))) return undefined;
  }
  const variables: string[] = [];
  for (const test of tests) {
    const unset = unsetTest(test, mod, env);
    const variable = unset ? (unset.holds ? undefined : unset.name) : envName(evaluate(test, mod, env));
    if (variable === undefined) return undefined;
    if (!variables.includes(variable)) variables.push(variable);
  }
  const v: JsValue = b.init ? evaluate(b.init, mod, env) : { t: 'undef', node: b.id, mod };
  if (v.t === 'unknown') return undefined;
  const which = variables.length === 1 ? `$${variables[0]} is` : `${variables.slice(0, -1).map((x) => `$${x}`).join(', ')} and $${variables[variables.length - 1]} are`;
  return chosenVia(v, `the default when ${which} unset`);
}

/**
 * `let o = {}; o = { origin: true, credentials: true }; app.use(cors(o))`: the value a `let` holds at a use when every
 * change of it is a plain `o = ...` statement of the block that declares it, and the use is in that block (same
 * function), so the statements run in order before it. The last assignment before the use (the declaration's id
 * when there is none); undefined for anything else (a condition, a loop, another function, a member change).
 */
function lastStraightAssignment(name: string, id: AstNode, at: AstNode, mod: JsModule): AstNode | undefined {
  const decl = parentOf(parentOf(id) ?? id);
  const block = decl ? parentOf(decl) : undefined;
  if (decl?.type !== 'VariableDeclaration' || !block || (block.type !== 'BlockStatement' && block.type !== 'Program')) return undefined;
  let up: AstNode | undefined = at;
  while (up && up !== block) up = parentOf(up);
  if (!up || enclosingFunction(mod, at) !== enclosingFunction(mod, decl)) return undefined;
  const useAt = rangeOf(at)[0];
  let last: AstNode = id;
  for (const m of mod.mutations.get(name) ?? []) {
    if (m.type !== 'AssignmentExpression' || m.operator !== '=' || unwrap(child(m, 'left') as AstNode).type !== 'Identifier') return undefined;
    const stmt = parentOf(m);
    if (stmt?.type !== 'ExpressionStatement' || parentOf(stmt) !== block) return undefined;
    if (rangeOf(m)[1] <= useAt && rangeOf(m)[0] > rangeOf(last)[0]) last = m;
  }
  return last;
}

/** Whether two evaluated values are the same data (strings, numbers, lists, plain objects, patterns, the same function). */
function sameValue(a: JsValue, b: JsValue, depth = 0): boolean {
  if (depth > 8 || a.t !== b.t) return false;
  switch (a.t) {
    case 'str':
    case 'num':
    case 'bool':
      return a.v === (b as typeof a).v;
    case 'null':
    case 'undef':
      return true;
    case 'regex':
      return a.pattern === (b as typeof a).pattern && a.flags === (b as typeof a).flags;
    case 'array': {
      const o = b as typeof a;
      return !a.maybeFewer && !o.maybeFewer && a.items.length === o.items.length && a.items.every((x, i) => sameValue(x, o.items[i] as JsValue, depth + 1));
    }
    case 'object': {
      const o = b as typeof a;
      if (a.partial || o.partial || a.props.size !== o.props.size) return false;
      for (const [k, v] of a.props) {
        const w = o.props.get(k);
        if (!w || !sameValue(v, w, depth + 1)) return false;
      }
      return true;
    }
    case 'func':
      return a.fn === (b as typeof a).fn && !a.bound && !(b as typeof a).bound;
    default:
      return false;
  }
}

/**
 * An object completed by plain property assignments that run before the point of use, in the same block and
 * function as its declaration (`const o = { credentials: true }; o.origin = true; app.use(cors(o))`): its value
 * there. Undefined when any change of the name is something else (a call, a condition, another function, a
 * computed key) or comes later, so the value stays unknown.
 */
function completedObject(v: JsValue & { t: 'object' }, name: string, id: AstNode, at: AstNode, mod: JsModule, env: EvalEnv): JsValue | undefined {
  const decl = parentOf(parentOf(id) ?? id);
  const block = decl ? parentOf(decl) : undefined;
  if (decl?.type !== 'VariableDeclaration' || !block || (block.type !== 'BlockStatement' && block.type !== 'Program')) return undefined;
  // The use is in that block (of this module's tree), in the same function: it runs after the statements before it.
  let up: AstNode | undefined = at;
  while (up && up !== block) up = parentOf(up);
  if (!up || enclosingFunction(mod, at) !== enclosingFunction(mod, decl)) return undefined;
  const useAt = rangeOf(at)[0];
  const props = new Map(v.props);
  const keys = new Map(v.keys);
  for (const m of mod.mutations.get(name) ?? []) {
    if (m.type !== 'AssignmentExpression' || m.operator !== '=') return undefined;
    if (rangeOf(m)[1] > useAt) return undefined;
    const left = unwrap(child(m, 'left') as AstNode);
    if (left.type !== 'MemberExpression' || identName(unwrap(child(left, 'object') as AstNode)) !== name) return undefined;
    const prop = child(left, 'property') as AstNode;
    const key = left.computed ? staticString(prop) : identName(prop);
    if (key === undefined) return undefined;
    const stmt = parentOf(m);
    const straight = stmt?.type === 'ExpressionStatement' && parentOf(stmt) === block;
    // An assignment under a condition (`if (prod) config.uri = ...; else ...`) or in a function leaves that key
    // not known; the other keys keep their values.
    props.set(key, straight ? evaluate(child(m, 'right') as AstNode, mod, env) : unknownValue(m, mod, `${name}.${key} is assigned under a condition`));
    keys.set(key, m);
  }
  return { ...v, props, keys };
}

function evaluateIdentifier(name: string, at: AstNode, mod: JsModule, env: EvalEnv): JsValue {
  if (name === 'undefined') return { t: 'undef', node: at, mod };
  const b = lookup(mod, name, at);
  if (!b) {
    if (name === 'process') return { t: 'ext', name: 'process', node: at, mod };
    const global = implicitGlobal(name, mod);
    if (global) return evaluate(global, mod, env);
    return unknownValue(at, mod, `${name} is not defined in ${mod.path}`);
  }
  return bindingValue(b, name, at, mod, env);
}

/**
 * `whitelist = ['https://a.example']` at the top of a CommonJS script, never declared (audit 32 case 17): a sloppy-mode
 * global that the module's functions read. Its value when that is the name's only assignment, a statement of the
 * program itself, in a JavaScript script without 'use strict' (in an ES module or strict code the assignment throws).
 */
function implicitGlobal(name: string, mod: JsModule): AstNode | undefined {
  const program = mod.program;
  if (!program || program.sourceType !== 'script' || !/\.c?js$/.test(mod.path)) return undefined;
  if (children(program, 'body').some((st) => st.type === 'ExpressionStatement' && st.directive === 'use strict')) return undefined;
  const all = mod.mutations.get(name) ?? [];
  const m = all[0];
  if (all.length !== 1 || !m || m.type !== 'AssignmentExpression' || m.operator !== '=' || unwrap(child(m, 'left') as AstNode).type !== 'Identifier') return undefined;
  const stmt = parentOf(m);
  return stmt?.type === 'ExpressionStatement' && parentOf(stmt) === program ? child(m, 'right') : undefined;
}

/** `v[step]` for a static step. */
export function memberOf(v: JsValue, step: string | number, node: AstNode, mod: JsModule, env: EvalEnv): JsValue {
  if (v.t === 'unknown') return v;
  if (step === '…rest' || step === '…computed') return unknownValue(node, mod, 'computed member');
  switch (v.t) {
    case 'object': {
      const p = v.props.get(String(step));
      if (p) return withVia(p, v.via);
      if (v.partial) return unknownValue(node, mod, `${String(step)} may come from a spread`);
      return { t: 'undef', node, mod };
    }
    case 'array': {
      if (step === 'length') return v.maybeFewer ? unknownValue(node, mod, 'the number of items is not known') : withVia({ t: 'num', v: v.items.length, node, mod }, v.via);
      const i = typeof step === 'number' ? step : /^\d+$/.test(step) ? Number(step) : NaN;
      if (Number.isInteger(i)) return v.maybeFewer ? unknownValue(node, mod, 'items before it may be absent') : (v.items[i] ?? { t: 'undef', node, mod });
      return unknownValue(node, mod, `array member ${String(step)}`);
    }
    case 'ns':
      return exportValue(v.target, String(step), env, node, mod);
    case 'ext': {
      const name = `${v.name}.${String(step)}`;
      if (v.name === 'process' && step === 'env') return { t: 'ext', name: 'process.env', node, mod };
      if (v.name === 'process.env') return { t: 'ext', name: `env:${String(step)}`, node, mod };
      // `app.use(yoga.graphqlEndpoint, yoga)`: the endpoint the yoga was created with, '/graphql' by default.
      if (v.name === YOGA_CREATED && step === 'graphqlEndpoint') return yogaEndpoint(v, env) ?? unknownValue(node, mod, 'the graphql-yoga endpoint');
      return { t: 'ext', name, node, mod };
    }
    case 'str':
      if (step === 'length') return { t: 'num', v: v.v.length, node, mod };
      return unknownValue(node, mod, `string member ${String(step)}`);
    default:
      return unknownValue(node, mod, `member ${String(step)} of ${v.t}`);
  }
}

/** The environment with the parameters a value was made under (a factory's, in the call that made it) bound. */
export function withBound(env: EvalEnv, v: { bound?: Map<AstNode, JsValue> }): EvalEnv {
  return v.bound ? { ...env, params: new Map([...(env.params ?? []), ...v.bound]) } : env;
}

/** Whether a value is an environment variable read (`process.env.X`). */
export function envName(v: JsValue): string | undefined {
  // `process.env.X?.split(',')` derives from $X: the variable is what can be unset.
  return v.t === 'ext' && v.name.startsWith('env:') ? v.name.slice(4).split('.')[0] : undefined;
}

/**
 * `process.env.X != undefined` (also `!== undefined`, `!= null`) and their negations `== undefined`, `=== undefined`,
 * `== null` (audit 33 case 19): the variable they test, and whether the test holds when it is unset.
 */
function unsetTest(node: AstNode, mod: JsModule, e: EvalEnv): { name: string; holds: boolean } | undefined {
  const n = unwrap(node);
  if (n.type !== 'BinaryExpression') return undefined;
  const op = n.operator as string;
  if (!['==', '!=', '===', '!=='].includes(op)) return undefined;
  const [l, r] = [unwrap(child(n, 'left') as AstNode), unwrap(child(n, 'right') as AstNode)];
  const isUndefined = (x: AstNode) => identName(x) === 'undefined' || (x.type === 'UnaryExpression' && x.operator === 'void');
  const isNull = (x: AstNode) => x.type === 'Literal' && x.value === null && x.raw === 'null';
  const [subject, other] = isUndefined(r) || isNull(r) ? [l, r] : [r, l];
  // An unset variable is undefined: `=== null` never holds for it, `!== null` always does (left unknown here).
  if (!(isUndefined(other) || (isNull(other) && (op === '==' || op === '!=')))) return undefined;
  const name = envName(evaluate(subject, mod, e));
  return name === undefined ? undefined : { name, holds: op === '==' || op === '===' };
}

/**
 * Whether a condition holds, when the code alone decides it: a value that holds because an environment variable is
 * unset (its default, `via`) may be otherwise where the app runs, so it is not decided.
 */
export function codeTruthiness(v: JsValue): boolean | undefined {
  return v.via === undefined ? truthiness(v) : undefined;
}

export function truthiness(v: JsValue): boolean | undefined {
  switch (v.t) {
    case 'str':
      return v.v !== '';
    case 'num':
      return v.v !== 0 && !Number.isNaN(v.v);
    case 'bool':
      return v.v;
    case 'null':
    case 'undef':
      return false;
    case 'regex':
    case 'array':
    case 'object':
    case 'func':
    case 'ns':
      return true;
    default:
      return undefined;
  }
}

function toStr(v: JsValue): string | undefined {
  switch (v.t) {
    case 'str':
      return v.v;
    case 'num':
      return String(v.v);
    case 'bool':
      return String(v.v);
    case 'null':
      return 'null';
    case 'undef':
      return 'undefined';
    default:
      return undefined;
  }
}

/** Evaluates an expression node of a module. */
export function evaluate(node: AstNode, mod: JsModule, env: EvalEnv): JsValue {
  const depth = env.depth ?? 0;
  if (depth > MAX_DEPTH) return unknownValue(node, mod, 'expression too deep');
  const e: EvalEnv = { ...env, depth: depth + 1 };
  const n = unwrap(node);
  switch (n.type) {
    case 'Literal': {
      const v = n.value;
      const regex = n.regex as { pattern: string; flags: string } | undefined;
      if (regex) return { t: 'regex', pattern: regex.pattern, flags: regex.flags, node: n, mod };
      if (typeof v === 'string') return { t: 'str', v, node: n, mod };
      if (typeof v === 'number') return { t: 'num', v, node: n, mod };
      if (typeof v === 'boolean') return { t: 'bool', v, node: n, mod };
      if (v === null) return { t: 'null', node: n, mod };
      return unknownValue(n, mod, 'literal');
    }
    case 'TemplateLiteral': {
      const quasis = children(n, 'quasis');
      const exprs = children(n, 'expressions');
      let s = '';
      let via: string | undefined;
      for (let i = 0; i < quasis.length; i++) {
        const cooked = (quasis[i]?.value as { cooked?: unknown } | undefined)?.cooked;
        if (typeof cooked !== 'string') return unknownValue(n, mod, 'template');
        s += cooked;
        const ex = exprs[i];
        if (ex) {
          const v = evaluate(ex, mod, e);
          const str = toStr(v);
          if (str === undefined) return unknownValue(n, mod, v.t === 'unknown' ? v.reason : 'template expression');
          via ??= v.via;
          s += str;
        }
      }
      return withVia({ t: 'str', v: s, node: n, mod }, via);
    }
    case 'Identifier':
      return evaluateIdentifier(n.name as string, n, mod, e);
    case 'ArrayExpression': {
      const items: JsValue[] = [];
      let maybeFewer = false;
      for (const el of elements(n)) {
        if (!el) {
          items.push({ t: 'undef', node: n, mod });
          continue;
        }
        if (el.type === 'SpreadElement') {
          const inner = evaluate(child(el, 'argument') as AstNode, mod, e);
          if (inner.t === 'array') {
            items.push(...inner.items.map((it) => withVia(it, inner.via)));
            if (inner.maybeFewer) maybeFewer = true;
          } else items.push(unknownValue(el, mod, inner.t === 'unknown' ? inner.reason : 'spread of a non-array'));
          continue;
        }
        items.push(evaluate(el, mod, e));
      }
      return { t: 'array', items, node: n, mod, ...(maybeFewer ? { maybeFewer } : {}) };
    }
    case 'ObjectExpression': {
      const props = new Map<string, JsValue>();
      const keys = new Map<string, AstNode>();
      let partial = false;
      for (const p of children(n, 'properties')) {
        if (p.type === 'SpreadElement') {
          partial = mergeInto(props, keys, evaluate(child(p, 'argument') as AstNode, mod, e), p, mod, 'may be overridden by a spread') || partial;
          continue;
        }
        const key = propertyKey(p);
        if (key === undefined) {
          partial = true;
          continue;
        }
        const value = p.type === 'Property' && (p.method || p.kind === 'get' || p.kind === 'set') ? p : child(p, 'value');
        if (!value) continue;
        if (p.kind === 'get' || p.kind === 'set') {
          props.set(key, unknownValue(p, mod, 'accessor'));
        } else if (p.method) {
          props.set(key, { t: 'func', fn: child(p, 'value') ?? p, node: p, mod });
        } else props.set(key, evaluate(value, mod, e));
        keys.set(key, p);
      }
      return { t: 'object', props, keys, partial, node: n, mod };
    }
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      return { t: 'func', fn: n, node: n, mod };
    case 'MemberExpression': {
      const obj = child(n, 'object');
      if (!obj) return unknownValue(n, mod, 'member');
      const name = memberName(n);
      if (name !== undefined) {
        // `Cors.useCors()`: a static method (or field) of a class of the project (audit 13 case 10).
        const cls = classOf(unwrap(obj), mod, env);
        const member = cls ? classMember(cls.node, name, true) : undefined;
        if (cls && member) return member.type === 'FunctionExpression' || member.type === 'ArrowFunctionExpression' ? { t: 'func', fn: member, node: member, mod: cls.mod } : evaluate(member, cls.mod, e);
      }
      if (name !== undefined && unwrap(obj).type === 'ThisExpression') {
        // `this.corsOptions` in a class: its one definition (a field initializer or the one `this.x = ...`).
        const def = thisFieldDefinition(n, name);
        return def ? evaluate(def, mod, e) : unknownValue(n, mod, `this.${name} is not assigned once in its class`);
      }
      const base = evaluate(obj, mod, e);
      if (name === undefined) {
        const prop = child(n, 'property');
        const pv = prop && n.computed ? evaluate(prop, mod, e) : undefined;
        if (pv && (pv.t === 'num' || pv.t === 'str')) return memberOf(base, pv.t === 'num' ? pv.v : pv.v, n, mod, e);
        return unknownValue(n, mod, 'computed member');
      }
      const v = memberOf(base, name, n, mod, e);
      return v;
    }
    case 'LogicalExpression': {
      const op = n.operator as string;
      const left = evaluate(child(n, 'left') as AstNode, mod, e);
      const leftEnv = envName(left);
      if (leftEnv !== undefined && (op === '??' || op === '||')) {
        // `process.env.X ?? 'default'`: known to be the default when the variable is unset.
        const right = evaluate(child(n, 'right') as AstNode, mod, e);
        return right.t === 'unknown' ? right : withVia(right, `the default when $${leftEnv} is unset`);
      }
      // `origins && origins.length`: with the variable unset this is `origins` itself (undefined, falsy), so it stays
      // derived from the variable (audit 16 case 01).
      if (leftEnv !== undefined && op === '&&') return left;
      // A left side that is undefined only by an environment variable's default (`let x; if ($X) x = ...`) passes
      // that reason on to the fallback it selects (audit 51 big D4).
      const fallback = () => {
        const right = evaluate(child(n, 'right') as AstNode, mod, e);
        return right.t === 'unknown' ? right : chosenVia(right, left.via);
      };
      if (op === '??') {
        if (left.t === 'null' || left.t === 'undef') return fallback();
        return left.t === 'unknown' ? left : left;
      }
      const t = truthiness(left);
      if (t === undefined) return left.t === 'unknown' ? left : unknownValue(n, mod, 'condition');
      if (op === '||') return t ? left : fallback();
      if (op === '&&') return t ? evaluate(child(n, 'right') as AstNode, mod, e) : left;
      return unknownValue(n, mod, 'logical');
    }
    case 'ConditionalExpression': {
      const testNode = child(n, 'test') as AstNode;
      const test = evaluate(testNode, mod, e);
      const unset = unsetTest(testNode, mod, e);
      const testEnv = envName(test) ?? unset?.name;
      if (testEnv !== undefined) {
        // `process.env.X ? process.env.X.split(',') : '*'`: known to be the alternate when the variable is unset
        // (the consequent for `process.env.X === undefined ? '*' : ...`).
        const branch = evaluate(child(n, unset?.holds ? 'consequent' : 'alternate') as AstNode, mod, e);
        return branch.t === 'unknown' ? branch : chosenVia(branch, `the default when $${testEnv} is unset`);
      }
      const t = truthiness(test);
      if (t === undefined) {
        // `cors(isProd ? prodOptions : devOptions)` where both are the same options (`prodOptions = { ...devOptions }`):
        // whichever way the condition goes, the value is that one (audit 20 case 02).
        const yes = evaluate(child(n, 'consequent') as AstNode, mod, e);
        if (yes.t !== 'unknown' && sameValue(yes, evaluate(child(n, 'alternate') as AstNode, mod, e))) return yes;
        return unknownValue(n, mod, 'depends on a runtime condition');
      }
      // A test decided by an env default (`origins.length ? origins : true` with $CORS_ORIGINS unset) holds only then.
      return chosenVia(evaluate(child(n, t ? 'consequent' : 'alternate') as AstNode, mod, e), test.via);
    }
    case 'BinaryExpression': {
      const op = n.operator as string;
      const l = evaluate(child(n, 'left') as AstNode, mod, e);
      const r = evaluate(child(n, 'right') as AstNode, mod, e);
      if (op === '+') {
        if (l.t === 'num' && r.t === 'num') return { t: 'num', v: l.v + r.v, node: n, mod };
        const ls = toStr(l);
        const rs = toStr(r);
        if ((l.t === 'str' || r.t === 'str') && ls !== undefined && rs !== undefined) return withVia({ t: 'str', v: ls + rs, node: n, mod }, l.via ?? r.via);
        return unknownValue(n, mod, l.t === 'unknown' ? l.reason : r.t === 'unknown' ? r.reason : 'concatenation');
      }
      if (l.t === 'num' && r.t === 'num') {
        const a = l.v;
        const b = r.v;
        const num = op === '*' ? a * b : op === '-' ? a - b : op === '/' ? a / b : op === '%' ? a % b : op === '**' ? a ** b : undefined;
        if (num !== undefined) return { t: 'num', v: num, node: n, mod };
      }
      // `origins?.length > 0` with $X unset compares undefined, which is false for every relational operator: the
      // test stays derived from the variable (false when it is unset).
      if ((op === '>' || op === '>=' || op === '<' || op === '<=') && envName(l) !== undefined && r.t === 'num') return l;
      if (op === 'instanceof' && l.t !== 'unknown') {
        // `o instanceof RegExp` / `Array` / `String` for a known value (a string literal is not a String object).
        const cls = identName(child(n, 'right'));
        const of: Record<string, boolean> = { RegExp: l.t === 'regex', Array: l.t === 'array', String: false };
        if (cls && cls in of && (l.t === 'str' || l.t === 'regex' || l.t === 'array' || l.t === 'num' || l.t === 'bool')) return { t: 'bool', v: of[cls] as boolean, node: n, mod };
      }
      if ((op === '===' || op === '!==' || op === '==' || op === '!=') && l.t !== 'unknown' && r.t !== 'unknown') {
        const ls = toStr(l);
        const rs = toStr(r);
        // `(process.env.ORIGINS ?? '*') === '*'` holds because the variable is unset: the result keeps that note.
        if (ls !== undefined && rs !== undefined && l.t === r.t) return withVia({ t: 'bool', v: (ls === rs) === (op === '===' || op === '=='), node: n, mod }, l.via ?? r.via);
      }
      return unknownValue(n, mod, 'binary expression');
    }
    case 'UnaryExpression': {
      const op = n.operator as string;
      const arg = evaluate(child(n, 'argument') as AstNode, mod, e);
      if (op === '!') {
        const t = truthiness(arg);
        // (A value decided by an env default keeps saying so: `if (!raw) return null` with $X unset, audit 52 new D6.)
        return t === undefined ? unknownValue(n, mod, 'negation') : withVia({ t: 'bool', v: !t, node: n, mod }, arg.via);
      }
      if (op === '-' && arg.t === 'num') return { t: 'num', v: -arg.v, node: n, mod };
      if (op === 'void') return { t: 'undef', node: n, mod };
      if (op === 'typeof') {
        // `typeof o === 'string'` over a list of strings and RegExps picks the test per item.
        const type = ({ str: 'string', num: 'number', bool: 'boolean', undef: 'undefined', null: 'object', regex: 'object', array: 'object', object: 'object', func: 'function' } as Record<string, string>)[arg.t];
        return type ? { t: 'str', v: type, node: n, mod } : unknownValue(n, mod, 'typeof');
      }
      return unknownValue(n, mod, 'unary');
    }
    case 'NewExpression': {
      const callee = evaluate(child(n, 'callee') as AstNode, mod, e);
      const a = args(n);
      if (identName(child(n, 'callee')) === 'RegExp' && callee.t === 'unknown') {
        const p = a[0] ? evaluate(a[0], mod, e) : undefined;
        const f = a[1] ? evaluate(a[1], mod, e) : undefined;
        if (p?.t === 'str' && (!f || f.t === 'str')) return withVia({ t: 'regex', pattern: p.v, flags: f?.t === 'str' ? f.v : '', node: n, mod }, p.via);
        if (p?.t === 'regex' && !f) return { ...p, node: n, mod };
      }
      if (identName(child(n, 'callee')) === 'Set' && callee.t === 'unknown') {
        const inner = a[0] ? evaluate(a[0], mod, e) : { t: 'array' as const, items: [], node: n, mod };
        if (inner.t === 'array') {
          // Equal items collapse into one: values not known may be equal to others.
          const seen = new Set<string>();
          const items = inner.items.filter((it) => (it.t === 'str' ? !seen.has(it.v) && !!seen.add(it.v) : true));
          const maybeFewer = inner.maybeFewer || items.some((it) => it.t !== 'str');
          return { ...inner, items, node: n, mod, ...(maybeFewer ? { maybeFewer } : {}) };
        }
      }
      // `new express.Router()` (Express allows it): the same router as `express.Router()` (audit 28 case 23).
      if (callee.t === 'ext' && /(^|\.)Router$/.test(callee.name)) return { t: 'ext', name: `${callee.name}()`, node: n, mod };
      return unknownValue(n, mod, 'constructed at runtime');
    }
    case 'CallExpression':
      return evaluateCall(n, mod, e);
    case 'AwaitExpression':
      return unknownValue(n, mod, 'awaited at runtime');
    case 'SequenceExpression': {
      const exprs = children(n, 'expressions');
      return exprs.length ? evaluate(exprs[exprs.length - 1] as AstNode, mod, e) : unknownValue(n, mod, 'sequence');
    }
    default:
      return unknownValue(n, mod, `${n.type} is not evaluated`);
  }
}

/**
 * Copies a source's properties over an object being built (`{ ...src }`, `Object.assign(target, src)`): later
 * keys win; an unknown source may override every key so far. Returns whether the result is now partial.
 */
function mergeInto(props: Map<string, JsValue>, keys: Map<string, AstNode>, src: JsValue, at: AstNode, mod: JsModule, why: string): boolean {
  if (src.t === 'object') {
    for (const [k, v] of src.props) {
      props.set(k, v);
      const kn = src.keys.get(k);
      if (kn) keys.set(k, kn);
    }
    return src.partial;
  }
  if (src.t === 'null' || src.t === 'undef') return false;
  for (const k of [...props.keys()]) props.set(k, unknownValue(at, mod, why));
  return true;
}

/**
 * The methods of a zod schema chain whose value is still the variable's text, or its `.default()` when unset (the
 * ones that change the value, `.transform()`, `.pipe()`, `.catch()`, `z.preprocess`, make it unknown).
 */
const ZOD_KEEPS = new Set(['string', 'url', 'email', 'min', 'max', 'length', 'trim', 'nonempty', 'optional', 'nullable', 'nullish', 'default', 'describe', 'refine', 'superRefine', 'regex', 'startsWith', 'endsWith', 'enum', 'literal', 'boolean', 'number', 'int', 'positive', 'nonnegative', 'coerce', 'z', 'uuid', 'ip', 'brand', 'readonly']);

/**
 * One field of an environment schema: the value when the variable is unset (`z.string().default('*')`,
 * `str({ default: '*' })`, with the "default when unset" note), the variable itself when there is no default, or
 * unknown when the schema changes the value.
 */
function envFieldValue(key: string, node: AstNode, lib: 'zod' | 'envalid', mod: JsModule, env: EvalEnv): JsValue {
  const variable: JsValue = { t: 'ext', name: `env:${key}`, node, mod };
  if (lib === 'envalid') {
    // str({ default: '*' }), bool({ default: true }), url(), port({ devDefault: 3000 })
    const call = unwrap(node);
    if (call.type !== 'CallExpression') return unknownValue(node, mod, `the schema of $${key}`);
    const spec = args(call)[0];
    const o = spec ? evaluate(spec, mod, env) : undefined;
    const d = o?.t === 'object' ? o.props.get('default') : undefined;
    if (o && o.t !== 'object') return unknownValue(node, mod, `the schema of $${key}`);
    return d && d.t !== 'unknown' ? withVia(d, `the default when $${key} is unset`) : variable;
  }
  let dflt: AstNode | undefined;
  for (let cur = unwrap(node); ; ) {
    if (cur.type === 'CallExpression') {
      const c = unwrap(child(cur, 'callee') as AstNode);
      const m = c.type === 'MemberExpression' ? memberName(c) : identName(c);
      if (!m || !ZOD_KEEPS.has(m)) return unknownValue(node, mod, `the schema of $${key} changes the value`);
      // The outermost .default() is the one that applies.
      if (m === 'default' && !dflt) dflt = args(cur)[0];
      if (c.type !== 'MemberExpression') break;
      cur = unwrap(child(c, 'object') as AstNode);
    } else if (cur.type === 'MemberExpression') {
      const m = memberName(cur);
      if (!m || !ZOD_KEEPS.has(m)) return unknownValue(node, mod, `the schema of $${key} changes the value`);
      cur = unwrap(child(cur, 'object') as AstNode);
    } else break;
  }
  if (!dflt) return variable;
  const d = evaluate(dflt, mod, env);
  return d.t === 'unknown' ? d : withVia(d, `the default when $${key} is unset`);
}

/**
 * Environment schemas read from `process.env` (audit 35 js c03-c05): zod `z.object({ X: z.string().default('*') })
 * .parse(process.env)` (and `.safeParse(process.env).data`), envalid `cleanEnv(process.env, { X: str({ default: '*'
 * }) })`. Each field is the variable, or its default when unset; zod drops the other keys, envalid's object has more.
 */
function envSchemaValue(n: AstNode, callee: AstNode, a: AstNode[], mod: JsModule, env: EvalEnv): JsValue | undefined {
  const first = a[0];
  if (!first || !/\benv\b/.test(mod.text.slice(...rangeOf(first)))) return undefined;
  const isEnv = () => {
    const v = evaluate(first, mod, env);
    return v.t === 'ext' && v.name === 'process.env';
  };
  let shape: AstNode | undefined;
  let lib: 'zod' | 'envalid';
  let method: string | undefined;
  if (callee.type === 'MemberExpression' && (memberName(callee) === 'parse' || memberName(callee) === 'safeParse')) {
    const schema = evaluate(child(callee, 'object') as AstNode, mod, env);
    if (schema.t !== 'ext' || !/^zod\.(z\.)?object\(\)$/.test(schema.name) || !isEnv()) return undefined;
    shape = args(unwrap(schema.node))[0];
    lib = 'zod';
    method = memberName(callee);
  } else {
    const fn = evaluate(callee, mod, env);
    if (fn.t !== 'ext' || fn.name !== 'envalid.cleanEnv' || !isEnv()) return undefined;
    shape = a[1];
    lib = 'envalid';
  }
  const obj = shape ? unwrap(shape) : undefined;
  if (!obj || obj.type !== 'ObjectExpression') return unknownValue(n, mod, 'environment schema');
  const props = new Map<string, JsValue>();
  const keys = new Map<string, AstNode>();
  for (const p of children(obj, 'properties')) {
    const key = propertyKey(p);
    const value = child(p, 'value');
    if (p.type === 'SpreadElement' || key === undefined || !value) return unknownValue(n, mod, 'environment schema');
    props.set(key, envFieldValue(key, value, lib, mod, env));
    keys.set(key, p);
  }
  const parsed: JsValue = { t: 'object', props, keys, partial: lib === 'envalid', node: n, mod };
  if (method !== 'safeParse') return parsed;
  return { t: 'object', props: new Map([['data', parsed]]), keys: new Map(), partial: true, node: n, mod };
}

/** `Object` methods that return their first argument itself. */
const IDENTITY_OBJECT_METHODS = new Set(['freeze', 'seal', 'preventExtensions']);

/**
 * An object or array handed to Object.freeze / seal / preventExtensions: wherever it is then changed (here, or in a
 * module that imports it), the change is ignored in sloppy code and throws a TypeError in strict code (ES modules,
 * classes, 'use strict'), a seal lets existing keys change, and which one happens depends on the order of the
 * calls; so a frozen value that is also changed is not modelled (unknown), whatever the order (audit 42 js c18).
 */
function isFrozen(v: JsValue): boolean {
  return (v.t === 'object' || v.t === 'array') && v.frozen === true;
}

/**
 * `const o = {...}; o.origin = x; Object.freeze(o);`: the freeze is a statement of the declaration's own block, after
 * every change of the name in the module, so the changes ran before it as plain code (completedObject decides them).
 */
function frozenAfterChanges(freeze: AstNode, name: string, id: AstNode, mod: JsModule): boolean {
  const stmt = parentOf(freeze);
  const declBlock = parentOf(parentOf(parentOf(id) ?? id) ?? id);
  if (stmt?.type !== 'ExpressionStatement' || !declBlock || parentOf(stmt) !== declBlock) return false;
  const at = rangeOf(freeze)[0];
  return (mod.mutations.get(name) ?? []).every((m) => rangeOf(m)[1] <= at);
}

function markFrozen(v: JsValue): JsValue {
  return v.t === 'object' || v.t === 'array' ? { ...v, frozen: true } : v;
}

/**
 * Whether an initialiser is `Object.freeze(...)` / `Object.seal(...)` / `Object.preventExtensions(...)`: a later
 * `x.key = v` or `x.push(v)` on it is ignored or throws (a TypeError in strict code and ES modules), depending on the
 * method and the mode, so the value at a use after such a change is not modelled.
 */
function frozenInit(init: AstNode, mod: JsModule): boolean {
  const call = unwrap(init);
  if (call.type !== 'CallExpression') return false;
  const callee = unwrap(child(call, 'callee') as AstNode);
  if (callee.type !== 'MemberExpression') return false;
  const method = memberName(callee);
  const obj = child(callee, 'object') as AstNode;
  return method !== undefined && IDENTITY_OBJECT_METHODS.has(method) && identName(obj) === 'Object' && !lookup(mod, 'Object', obj);
}

function evaluateCall(n: AstNode, mod: JsModule, env: EvalEnv): JsValue {
  const calleeNode = child(n, 'callee') as AstNode;
  const req = isRequireCall(n);
  if (req !== undefined) return importValue(req, 'default', n, mod, env);
  const a = args(n);
  const callee = unwrap(calleeNode);
  // `Cors.useCors()`: a static method of a class of the project is called like a function (below).
  const staticCall = callee.type === 'MemberExpression' && memberName(callee) !== undefined && classOf(unwrap(child(callee, 'object') as AstNode), mod, env) !== undefined;
  const schema = envSchemaValue(n, callee, a, mod, env);
  if (schema) return schema;
  if (callee.type === 'MemberExpression' && !staticCall) {
    const method = memberName(callee);
    const objNode = child(callee, 'object') as AstNode;
    // `Object.freeze(x)`, `Object.seal(x)`, `Object.preventExtensions(x)` return x itself (ECMA-262 §20.1.2): the
    // value of a frozen config module (`export default Object.freeze({ clientOrigin: '*' })`, audit 41 js D1) is its
    // argument's. Later changes of such a binding are left unknown by bindingValue (frozenInit).
    if (method !== undefined && IDENTITY_OBJECT_METHODS.has(method) && identName(objNode) === 'Object' && !lookup(mod, 'Object', objNode)) {
      const x = a[0];
      if (!x) return { t: 'undef', node: n, mod };
      if (x.type === 'SpreadElement') return unknownValue(n, mod, `Object.${method} of a spread`);
      return markFrozen(evaluate(x, mod, env));
    }
    // Object.assign({}, defaults, { origin: true }): the sources' properties in order, like object spread.
    if (method === 'assign' && identName(objNode) === 'Object' && !lookup(mod, 'Object', objNode) && a.length > 0) {
      const props = new Map<string, JsValue>();
      const keys = new Map<string, AstNode>();
      let partial = false;
      for (const x of a) {
        if (x.type === 'SpreadElement') return unknownValue(n, mod, 'Object.assign of a spread');
        partial = mergeInto(props, keys, evaluate(x, mod, env), x, mod, 'may be overridden by Object.assign') || partial;
      }
      return { t: 'object', props, keys, partial, node: n, mod };
    }
    const obj = evaluate(objNode, mod, env);
    if (obj.t === 'str') {
      const arg0 = a[0] ? evaluate(a[0], mod, env) : undefined;
      if (method === 'split' && arg0 && (arg0.t === 'str' || arg0.t === 'regex')) {
        const parts = arg0.t === 'str' ? obj.v.split(arg0.v) : safeRegexSplit(obj.v, arg0.pattern, arg0.flags);
        if (!parts) return unknownValue(n, mod, 'split');
        return { t: 'array', items: parts.map((p) => withVia({ t: 'str' as const, v: p, node: obj.node, mod: obj.mod }, obj.via)), node: n, mod, ...(obj.via ? { via: obj.via } : {}) };
      }
      if (method === 'trim' || method === 'trimEnd' || method === 'trimStart') return { ...obj, v: obj.v.trim(), node: n, mod };
      if (method === 'toLowerCase') return { ...obj, v: obj.v.toLowerCase(), node: n, mod };
      if (method === 'toUpperCase') return { ...obj, v: obj.v.toUpperCase(), node: n, mod };
      if (method === 'toString') return obj;
    }
    if (obj.t === 'array') {
      const fnNode = a[0] ? unwrap(a[0]) : undefined;
      if (method === 'map' && fnNode) {
        const mapped = mapTrivial(fnNode, obj);
        if (mapped) return { t: 'array', items: mapped, node: n, mod, ...(obj.via ? { via: obj.via } : {}) };
        // Any other mapper keeps the length: `testers = origins.map((o) => ...)` is empty when the list is, which a
        // later `testers.length === 0` test reads (audit 21 case 04).
        if (isFunction(fnNode)) return { t: 'array', items: obj.items.map((it) => unknownValue(it.node, it.mod, 'mapped')), node: n, mod, ...(obj.via ? { via: obj.via } : {}), ...(obj.maybeFewer ? { maybeFewer: true } : {}) };
      }
      if (method === 'filter' && fnNode) {
        if (identName(fnNode) === 'Boolean' || isIdentityArrow(fnNode)) {
          const kept = obj.items.filter((it) => truthiness(it) !== false);
          const maybeFewer = obj.maybeFewer || kept.some((it) => truthiness(it) === undefined);
          return { t: 'array', items: kept, node: n, mod, ...(obj.via ? { via: obj.via } : {}), ...(maybeFewer ? { maybeFewer } : {}) };
        }
        return unknownValue(n, mod, 'filtered at runtime');
      }
      if (method === 'concat') {
        const items = [...obj.items];
        for (const x of a) {
          const v = evaluate(x, mod, env);
          if (v.t === 'array') items.push(...v.items);
          else items.push(v);
        }
        return { t: 'array', items, node: n, mod };
      }
      if (method === 'join') {
        const sep = a[0] ? evaluate(a[0], mod, env) : undefined;
        const strs = obj.items.map(toStr);
        if (strs.every((s) => s !== undefined) && (!sep || sep.t === 'str')) return { t: 'str', v: strs.join(sep?.t === 'str' ? sep.v : ','), node: n, mod };
      }
    }
    if (obj.t === 'ext') {
      // express.Router(), express.json(), require('cors')(...)
      const name = `${obj.name}.${method ?? '?'}()`;
      return jsonServerCall(name, n, mod, env) ?? { t: 'ext', name, node: n, mod };
    }
    if (obj.t === 'unknown') return obj;
    return unknownValue(n, mod, `result of .${method ?? '?'}()`);
  }
  const fn = evaluate(calleeNode, mod, env);
  if (fn.t === 'ext') return jsonServerCall(`${fn.name}()`, n, mod, env) ?? { t: 'ext', name: `${fn.name}()`, node: n, mod, ...(fn.name === 'cors' && env.params?.size ? { bound: env.params } : {}) };
  if (identName(calleeNode) === 'String' && a[0]) {
    const v = evaluate(a[0], mod, env);
    const s = toStr(v);
    return s !== undefined ? withVia({ t: 'str', v: s, node: n, mod }, v.via) : unknownValue(n, mod, 'String()');
  }
  if (identName(calleeNode) === 'Number' && a[0]) {
    const v = evaluate(a[0], mod, env);
    if (v.t === 'num') return v;
    if (v.t === 'str' && v.v.trim() !== '' && !Number.isNaN(Number(v.v))) return withVia({ t: 'num', v: Number(v.v), node: n, mod }, v.via);
    return unknownValue(n, mod, 'Number()');
  }
  if (identName(calleeNode) === 'parseInt' && a[0]) {
    const v = evaluate(a[0], mod, env);
    if (v.t === 'num') return v;
    if (v.t === 'str' && /^\s*-?\d/.test(v.v)) return withVia({ t: 'num', v: parseInt(v.v, 10), node: n, mod }, v.via);
    return unknownValue(n, mod, 'parseInt()');
  }
  if (fn.t === 'func') {
    // A wrapper factory that returns a request handler (`const allowCors = (fn) => async (req, res) => {...}`,
    // `module.exports = allowCors(handler)`): the call is that handler. What it reads from the factory's
    // parameters stays unknown.
    const made = returnedFunction(fn.fn);
    if (made) {
      // The factory's arguments, for what the handler reads from its parameters (`mk(['a.com'])` → `domains`).
      const bound = new Map<AstNode, JsValue>(fn.bound ?? []);
      children(fn.fn, 'params').forEach((p, i) => {
        const arg = a[i];
        if (p.type === 'Identifier' && arg && arg.type !== 'SpreadElement') bound.set(p, evaluate(arg, mod, env));
      });
      return { t: 'func', fn: made, node: made, mod: fn.mod, bound };
    }
    // A function that returns a constant expression (`const corsOptions = () => ({...})`), possibly built
    // from `const` declarations before the return (`function make() { const origin = ...; return cors({ origin }) }`).
    const params = children(fn.fn, 'params');
    const constant = returnedExpression(fn.fn);
    if (constant && params.length === 0) return evaluate(constant, fn.mod, env);
    // With parameters (`corsOptions(config)`, audit 18 case 03): evaluated with each bound to its argument's
    // value, a missing argument to undefined or to the parameter's default (`makeCors(opts = {})`, audit 21 case
    // 11). Names destructured from a parameter (`({ origins }) => ...`) stay unknown where they are read.
    if (constant && a.every((x) => x.type !== 'SpreadElement')) {
      const bound = new Map<AstNode, JsValue>(env.params ?? []);
      params.forEach((p, i) => {
        const given = a[i] ? evaluate(a[i] as AstNode, mod, env) : ({ t: 'undef', node: n, mod } as JsValue);
        if (p.type === 'Identifier') bound.set(p, given);
        else if (p.type === 'AssignmentPattern' && child(p, 'left')?.type === 'Identifier') {
          const dflt = child(p, 'right');
          bound.set(child(p, 'left') as AstNode, given.t === 'undef' && dflt ? evaluate(dflt, fn.mod, { ...env, params: bound }) : given);
        }
      });
      return evaluate(constant, fn.mod, { ...env, params: bound });
    }
  }
  return unknownValue(n, mod, 'computed at runtime');
}

function safeRegexSplit(s: string, pattern: string, flags: string): string[] | undefined {
  // Only simple separators (`/\s*,\s*/`, `/[,\s]+/`) are split here; they cannot backtrack badly on short config strings.
  if (s.length > 10_000 || !/^[\\sS,;|\[\]+*\s]+$/.test(pattern)) return undefined;
  try {
    return s.split(new RegExp(pattern, flags.replace(/[gy]/g, '')));
  } catch {
    return undefined;
  }
}

/**
 * The function literal a function returns, when that is all it does (`(fn) => (req, res) => {...}`,
 * `{ return function (req, res) {...} }`), possibly after argument checks that throw and `const` declarations.
 */
function returnedFunction(fn: AstNode): AstNode | undefined {
  const out = returnedExpression(fn);
  const u = out ? unwrap(out) : undefined;
  if (u && (u.type === 'ArrowFunctionExpression' || u.type === 'FunctionExpression')) return u;
  return returnedLocalFunction(fn);
}

/**
 * `{ let mw = function (req, res, next) {...}; mw.unless = unless; return mw; }` (audit 11 case 01): the function
 * a local name is bound to once, returned by name, when the body only declares things, sets properties on it and
 * checks arguments.
 */
function returnedLocalFunction(fn: AstNode): AstNode | undefined {
  const body = child(fn, 'body');
  if (body?.type !== 'BlockStatement') return undefined;
  const stmts = children(body, 'body');
  const last = stmts[stmts.length - 1];
  const name = last?.type === 'ReturnStatement' ? identName(child(last, 'argument')) : undefined;
  if (!name) return undefined;
  let made: AstNode | undefined;
  for (const st of stmts.slice(0, -1)) {
    if (st.type === 'FunctionDeclaration' && identName(child(st, 'id')) === name) {
      if (made) return undefined;
      made = st;
      continue;
    }
    if (st.type === 'VariableDeclaration') {
      for (const d of children(st, 'declarations')) {
        if (identName(child(d, 'id')) !== name) continue;
        const init = child(d, 'init');
        const u = init ? unwrap(init) : undefined;
        if (made || !u || (u.type !== 'ArrowFunctionExpression' && u.type !== 'FunctionExpression')) return undefined;
        made = u;
      }
      continue;
    }
    if (st.type === 'ExpressionStatement') {
      // Properties set on it (`mw.unless = ...`); any other write to the name makes it unknown.
      const e = unwrap(child(st, 'expression') as AstNode);
      const target = e.type === 'AssignmentExpression' ? unwrap(child(e, 'left') as AstNode) : undefined;
      if (target?.type === 'MemberExpression' && identName(child(target, 'object')) === name) continue;
      return undefined;
    }
    if (st.type === 'IfStatement' && !child(st, 'alternate') && child(st, 'consequent')?.type === 'ThrowStatement') continue;
    return undefined;
  }
  return made;
}

/**
 * What a function returns when that is all it does, possibly after argument checks that throw and `const`
 * declarations (which the returned expression reads where it stands): `{ const origin = ...; return cors({ origin }) }`.
 */
function returnedExpression(fn: AstNode): AstNode | undefined {
  const body = child(fn, 'body');
  const out = soleExpression(fn);
  if (out || body?.type !== 'BlockStatement') return out;
  const stmts = children(body, 'body');
  const last = stmts[stmts.length - 1];
  const throwsOnly = (n: AstNode | undefined): boolean => !!n && (n.type === 'ThrowStatement' || (n.type === 'BlockStatement' && children(n, 'body').length === 1 && throwsOnly(children(n, 'body')[0])));
  // `if (test) return x;` (or `{ return x; }`): the value returned early.
  const earlyReturn = (st: AstNode): AstNode | undefined => {
    if (st.type !== 'IfStatement' || child(st, 'alternate')) return undefined;
    const c = child(st, 'consequent');
    const ret = c?.type === 'BlockStatement' && children(c, 'body').length === 1 ? children(c, 'body')[0] : c;
    return ret?.type === 'ReturnStatement' ? child(ret, 'argument') : undefined;
  };
  // `arr.push(x)`, also under an `if` without else: what pushedOnto reads where the list is evaluated (json-server's
  // middleware list, audit 37 js c06).
  const pushes = (n: AstNode | undefined): boolean => {
    if (!n) return false;
    if (n.type === 'BlockStatement') return children(n, 'body').length > 0 && children(n, 'body').every(pushes);
    if (n.type === 'IfStatement') return !child(n, 'alternate') && pushes(child(n, 'consequent'));
    const e = n.type === 'ExpressionStatement' ? unwrap(child(n, 'expression') as AstNode) : undefined;
    const c = e?.type === 'CallExpression' ? unwrap(child(e, 'callee') as AstNode) : undefined;
    return c?.type === 'MemberExpression' && (memberName(c) === 'push' || memberName(c) === 'unshift') && unwrap(child(c, 'object') as AstNode).type === 'Identifier';
  };
  const before = stmts.slice(0, -1).every((st) => (st.type === 'IfStatement' && !child(st, 'alternate') && throwsOnly(child(st, 'consequent'))) || earlyReturn(st) || (st.type === 'VariableDeclaration' && st.kind === 'const') || pushes(st));
  let folded = last?.type === 'ReturnStatement' && before ? child(last, 'argument') : undefined;
  // The early returns fold into conditionals, last first: `if (a) return x; return y;` is `a ? x : y` (audit 28
  // case 04: `if (whitelist.length === 0) return { origin: true, credentials: true }`).
  for (const st of stmts.slice(0, -1).reverse()) {
    const early = folded && earlyReturn(st);
    if (!folded || !early) continue;
    const [start, end] = [rangeOf(st)[0], rangeOf(folded)[1]];
    folded = { type: 'ConditionalExpression', test: child(st, 'test'), consequent: early, alternate: folded, start, end, loc: st.loc } as AstNode;
  }
  return folded;
}

function isIdentityArrow(fn: AstNode): boolean {
  if (fn.type !== 'ArrowFunctionExpression') return false;
  const p = identName(children(fn, 'params')[0]);
  const body = child(fn, 'body');
  return !!p && !!body && identName(body) === p;
}

/** `.map(s => s.trim())`, `.map(String)`, `.map(s => s.toLowerCase())`, `.map(o => str(o))`. */
function mapTrivial(fn: AstNode, arr: JsValue & { t: 'array' }): JsValue[] | undefined {
  if (identName(fn) === 'String') return arr.items;
  if (!isFunction(fn)) return undefined;
  const p = identName(children(fn, 'params')[0]);
  const body = soleExpression(fn);
  if (!p || !body) return undefined;
  const b = unwrap(body);
  if (identName(b) === p) return arr.items;
  if (b.type === 'CallExpression') {
    const c = unwrap(child(b, 'callee') as AstNode);
    const method = memberName(c);
    if (c.type === 'MemberExpression' && identName(child(c, 'object')) === p && args(b).length === 0) {
      if (method === 'trim') return arr.items.map((it) => (it.t === 'str' ? { ...it, v: it.v.trim() } : it));
      if (method === 'toLowerCase') return arr.items.map((it) => (it.t === 'str' ? { ...it, v: it.v.toLowerCase() } : it));
    }
    if (identName(c) === 'String' && identName(args(b)[0]) === p) return arr.items;
  }
  return undefined;
}

/**
 * The class whose instance `this` is at `node`: `this` inside a method, the constructor, an instance field's
 * initializer, or arrow functions within them. Undefined in a plain function (its own `this`), a static
 * member (`this` is the class) or outside a class.
 */
export function instanceClass(node: AstNode): AstNode | undefined {
  let cur: AstNode | undefined = node;
  let prev: AstNode | undefined;
  while (cur) {
    if (cur.type === 'FunctionExpression' || cur.type === 'FunctionDeclaration') {
      const holder = parentOf(cur);
      if (!holder || holder.type !== 'MethodDefinition' || holder.static || child(holder, 'value') !== cur) return undefined;
    } else if ((cur.type === 'ClassProperty' || cur.type === 'PropertyDefinition') && prev === child(cur, 'value')) {
      if (cur.static) return undefined;
    } else if (cur.type === 'StaticBlock') return undefined;
    else if (cur.type === 'ClassBody') return parentOf(cur);
    prev = cur;
    cur = parentOf(cur);
  }
  return undefined;
}

/** Per class: every definition of each `this.<name>` (field initializers and assignments; undefined for one not statically known). */
const classFields = new WeakMap<AstNode, Map<string, (AstNode | undefined)[]>>();

function fieldsOf(cls: AstNode): Map<string, (AstNode | undefined)[]> {
  let fields = classFields.get(cls);
  if (fields) return fields;
  const out = new Map<string, (AstNode | undefined)[]>();
  fields = out;
  const add = (name: string, value: AstNode | undefined) => {
    const list = out.get(name);
    if (list) list.push(value);
    else out.set(name, [value]);
  };
  const body = child(cls, 'body');
  for (const m of body ? children(body, 'body') : []) {
    if ((m.type === 'ClassProperty' || m.type === 'PropertyDefinition') && !m.static && !m.computed) {
      const key = propertyKey(m);
      const value = child(m, 'value');
      // A field declared without a value (`private opts: CorsOptions;`) defines nothing by itself.
      if (key !== undefined && value) add(key, value);
    }
    if (m.type === 'MethodDefinition' && m.kind === 'constructor') {
      const fn = child(m, 'value');
      // `constructor(private opts: CorsOptions)`: set from the caller's argument.
      for (const p of fn ? children(fn, 'params') : []) {
        if (p.type !== 'TSParameterProperty') continue;
        const param = unwrap(child(p, 'parameter') ?? p);
        const id = param.type === 'AssignmentPattern' ? child(param, 'left') : param;
        const name = identName(id);
        if (name) add(name, undefined);
      }
    }
  }
  // Writes to `this.<name>` wherever `this` is this class's instance (not in nested plain functions or classes).
  walk(cls, (n) => {
    if (n !== cls && (n.type === 'ClassDeclaration' || n.type === 'ClassExpression')) return false;
    if ((n.type === 'FunctionExpression' || n.type === 'FunctionDeclaration') && parentOf(n)?.type !== 'MethodDefinition') return false;
    const target = n.type === 'AssignmentExpression' ? child(n, 'left') : n.type === 'UpdateExpression' ? child(n, 'argument') : undefined;
    if (target && target.type === 'MemberExpression' && unwrap(child(target, 'object') as AstNode).type === 'ThisExpression') {
      const name = memberName(target);
      if (name !== undefined) add(name, n.type === 'AssignmentExpression' && n.operator === '=' ? child(n, 'right') : undefined);
    }
    return undefined;
  });
  classFields.set(cls, out);
  return fields;
}

/** The one expression `this.<name>` is set to in its class, when there is exactly one and it is known. */
function thisFieldDefinition(node: AstNode, name: string): AstNode | undefined {
  const cls = instanceClass(node);
  if (!cls) return undefined;
  const defs = fieldsOf(cls).get(name);
  return defs && defs.length === 1 ? defs[0] : undefined;
}

/** The class a name refers to: declared in the module, or imported from a module of the project. */
export function classOf(n: AstNode, mod: JsModule, env: EvalEnv, depth = 0): { node: AstNode; mod: JsModule } | undefined {
  if (n.type !== 'Identifier' || depth > 3) return undefined;
  const b = lookup(mod, n.name as string, n);
  if (b?.kind === 'class') return { node: b.node, mod };
  if (b?.kind !== 'import') return undefined;
  const resolved = resolveSpecifier(env.host, mod.path, b.source);
  const target = resolved ? loadModule(env.host, resolved) : undefined;
  const ref = target?.exports.get(b.imported);
  if (!target || !ref) return undefined;
  if (ref.kind === 'local' && (ref.node.type === 'ClassDeclaration')) return { node: ref.node, mod: target };
  if (ref.kind === 'local') {
    const tb = lookup(target, ref.name, ref.node);
    return tb?.kind === 'class' ? { node: tb.node, mod: target } : undefined;
  }
  return undefined;
}

/**
 * A member of a class body by name: a static method's function or static field's value (`isStatic`), else an
 * instance method's function (`constructor`: the constructor's).
 */
export function classMember(cls: AstNode, name: string, isStatic = false): AstNode | undefined {
  const body = child(cls, 'body');
  for (const m of body ? children(body, 'body') : []) {
    if (Boolean(m.static) !== isStatic || m.computed || propertyKey(m) !== name) continue;
    if (m.type === 'MethodDefinition' && m.kind === (!isStatic && name === 'constructor' ? 'constructor' : 'method')) return child(m, 'value');
    if (isStatic && (m.type === 'ClassProperty' || m.type === 'PropertyDefinition')) return child(m, 'value');
  }
  return undefined;
}
