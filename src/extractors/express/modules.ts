/**
 * JS/TS modules as the evaluator sees them: parsed once per run, with parent links, lexical bindings and
 * exports (ESM and CommonJS), and import specifiers resolved inside the project (relative paths, index files,
 * `.js` → `.ts`, tsconfig/jsconfig `paths` through TypeScript's own resolver, loaded only when needed).
 */
import { createRequire } from 'node:module';
import * as posix from 'node:path/posix';
import { perFile, type ProjectHost } from '../../engine/host.js';
import type { Span } from '../../model/index.js';
import { child, children, identName, isFunction, memberName, propertyKey, rangeOf, staticString, parentOf, unwrap, walk, type AstNode } from './ast.js';
import { isJsPath } from './detect.js';
import { parseJson, parseModule, type ParsedModule } from './parse.js';

export type Binding =
  | {
      kind: 'var';
      declKind: string;
      id: AstNode;
      init: AstNode | undefined;
      /** destructuring path from init */
      path: (string | number)[];
      decl: AstNode;
      /** The default of a destructured name (`const { X = 'd' } = process.env`): used when the value is undefined. */
      fallback?: AstNode;
    }
  | { kind: 'func'; node: AstNode }
  | { kind: 'class'; node: AstNode }
  | { kind: 'import'; source: string; imported: string; node: AstNode }
  | { kind: 'param'; fn: AstNode; index: number; node: AstNode };

export type ExportRef =
  | { kind: 'local'; name: string; node: AstNode }
  | { kind: 'expr'; node: AstNode }
  | { kind: 'reexport'; source: string; imported: string; node: AstNode };

export interface JsModule {
  path: string;
  text: string;
  program: AstNode | undefined;
  parsed: ParsedModule;
  exports: Map<string, ExportRef>;
  starReexports: string[];
  /** Names that are reassigned or mutated somewhere in the module (values become unknown): the last change. */
  mutated: Map<string, AstNode>;
  /** Every change of each name in `mutated`, in source order. */
  mutations: Map<string, AstNode[]>;
  /**
   * Names handed to `Object.freeze` / `Object.seal` / `Object.preventExtensions` (or `Reflect.preventExtensions`)
   * somewhere in the module, the first such call of each: a change of such an object is ignored or throws.
   */
  frozen: Map<string, AstNode>;
  /** Names assigned directly (`x = ...`, `x++`): a `let`/`var` value is then unknown. */
  reassigned: Map<string, AstNode>;
  /** Every call expression, in source (pre-)order: what route and CORS scans look at, without another walk. */
  calls: AstNode[];
  /** Every `new` expression, in source order: the constructor calls an app may be handed to (`new Server(app)`). */
  constructions: AstNode[];
  scopeCache: Map<AstNode, Map<string, Binding>>;
}

export function spanOf(mod: { path: string }, node: AstNode): Span {
  const [start, end] = rangeOf(node);
  return { file: mod.path, start, end };
}

const SCOPE_TYPES = new Set([
  'Program',
  'BlockStatement',
  'StaticBlock',
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'ForStatement',
  'ForInStatement',
  'ForOfStatement',
  'CatchClause',
  'SwitchStatement',
  'TSModuleBlock',
]);

/** Adds the names a binding pattern declares, with the destructuring path from the initialiser. */
function collectPattern(
  pattern: AstNode,
  path: (string | number)[],
  add: (name: string, id: AstNode, path: (string | number)[], fallback?: AstNode) => void,
): void {
  const p = unwrap(pattern);
  switch (p.type) {
    case 'Identifier':
      add(p.name as string, p, path);
      break;
    case 'ObjectPattern':
      for (const prop of children(p, 'properties')) {
        if (prop.type === 'RestElement') {
          const arg = child(prop, 'argument');
          if (arg) collectPattern(arg, [...path, '…rest'], add);
          continue;
        }
        const key = propertyKey(prop);
        const value = child(prop, 'value');
        if (value) collectPattern(value, [...path, key ?? '…computed'], add);
      }
      break;
    case 'ArrayPattern':
      children(p, 'elements').forEach((el, i) => collectPattern(el, [...path, i], add));
      break;
    case 'AssignmentPattern': {
      const left = child(p, 'left');
      const right = child(p, 'right');
      // `{ X = 'd' }`: the default goes with the name it binds (a nested pattern's default is not followed).
      if (left && unwrap(left).type === 'Identifier' && right) add(unwrap(left).name as string, unwrap(left), path, right);
      else if (left) collectPattern(left, path, add);
      break;
    }
    case 'RestElement': {
      const arg = child(p, 'argument');
      if (arg) collectPattern(arg, [...path, '…rest'], add);
      break;
    }
  }
}

function declarationsIn(stmts: AstNode[], into: Map<string, Binding>): void {
  for (const raw of stmts) {
    let s = raw;
    if ((s.type === 'ExportNamedDeclaration' || s.type === 'ExportDefaultDeclaration') && child(s, 'declaration')) {
      s = child(s, 'declaration') as AstNode;
    }
    if (s.type === 'VariableDeclaration') {
      for (const d of children(s, 'declarations')) {
        const id = child(d, 'id');
        if (!id) continue;
        collectPattern(id, [], (name, idNode, path, fallback) => {
          into.set(name, { kind: 'var', declKind: String(s.kind), id: idNode, init: child(d, 'init'), path, decl: d, ...(fallback ? { fallback } : {}) });
        });
      }
    } else if (s.type === 'FunctionDeclaration' || s.type === 'TSDeclareFunction') {
      const name = identName(child(s, 'id'));
      if (name && s.type === 'FunctionDeclaration') into.set(name, { kind: 'func', node: s });
    } else if (s.type === 'ClassDeclaration') {
      const name = identName(child(s, 'id'));
      if (name) into.set(name, { kind: 'class', node: s });
    } else if (s.type === 'ImportDeclaration') {
      const source = staticString(child(s, 'source'));
      if (source === undefined) continue;
      for (const spec of children(s, 'specifiers')) {
        const local = identName(child(spec, 'local'));
        if (!local) continue;
        let imported = '*';
        if (spec.type === 'ImportDefaultSpecifier') imported = 'default';
        else if (spec.type === 'ImportSpecifier') {
          const im = child(spec, 'imported');
          imported = (im && (identName(im) ?? staticString(im))) ?? local;
        }
        into.set(local, { kind: 'import', source, imported, node: spec });
      }
    } else if (s.type === 'TSImportEqualsDeclaration') {
      const name = identName(child(s, 'id'));
      const ref = child(s, 'moduleReference');
      const source = ref ? staticString(child(ref, 'expression')) : undefined;
      if (name && source !== undefined) into.set(name, { kind: 'import', source, imported: '*', node: s });
    }
  }
}

/** The bindings a scope node declares directly. */
export function scopeBindings(mod: JsModule, scope: AstNode): Map<string, Binding> {
  let m = mod.scopeCache.get(scope);
  if (m) return m;
  m = new Map();
  switch (scope.type) {
    case 'Program':
    case 'BlockStatement':
    case 'StaticBlock':
    case 'TSModuleBlock':
      declarationsIn(children(scope, 'body'), m);
      break;
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression': {
      const params = children(scope, 'params');
      params.forEach((p, index) => {
        collectPattern(p.type === 'TSParameterProperty' ? (child(p, 'parameter') ?? p) : p, [], (name, node) => {
          m?.set(name, { kind: 'param', fn: scope, index, node });
        });
      });
      if (scope.type === 'FunctionExpression') {
        const name = identName(child(scope, 'id'));
        if (name && !m.has(name)) m.set(name, { kind: 'func', node: scope });
      }
      break;
    }
    case 'ForStatement': {
      const init = child(scope, 'init');
      if (init) declarationsIn([init], m);
      break;
    }
    case 'ForInStatement':
    case 'ForOfStatement': {
      const left = child(scope, 'left');
      if (left?.type === 'VariableDeclaration') {
        for (const d of children(left, 'declarations')) {
          const id = child(d, 'id');
          // A loop variable takes many values: it is a parameter-like unknown.
          if (id) collectPattern(id, [], (name, node) => m?.set(name, { kind: 'param', fn: scope, index: -1, node }));
        }
      }
      break;
    }
    case 'CatchClause': {
      const param = child(scope, 'param');
      if (param) collectPattern(param, [], (name, node) => m?.set(name, { kind: 'param', fn: scope, index: -1, node }));
      break;
    }
    case 'SwitchStatement':
      declarationsIn(children(scope, 'cases').flatMap((c) => children(c, 'consequent')), m);
      break;
  }
  mod.scopeCache.set(scope, m);
  return m;
}

/** Finds the binding an identifier refers to at a node, walking out through the lexical scopes. */
/**
 * The initialiser of a name bound once to a value and never changed (`const x = ...`, or a `let`/`var` that no
 * assignment of the module changes), seen from `at`; undefined for anything else (a parameter, a destructured name).
 */
export function stableInit(mod: JsModule, name: string, at: AstNode): AstNode | undefined {
  const b = lookup(mod, name, at);
  return b?.kind === 'var' && b.init && b.path.length === 0 && (b.declKind === 'const' || !mod.mutated.has(name)) ? b.init : undefined;
}

export function lookup(mod: JsModule, name: string, at: AstNode): Binding | undefined {
  let cur: AstNode | undefined = at;
  while (cur) {
    if (SCOPE_TYPES.has(cur.type)) {
      const b = scopeBindings(mod, cur).get(name);
      if (b) return b;
    }
    cur = parentOf(cur);
  }
  return undefined;
}

/** The innermost function that contains a node, if any. */
export function enclosingFunction(mod: JsModule, node: AstNode): AstNode | undefined {
  let cur = parentOf(node);
  while (cur) {
    if (isFunction(cur)) return cur;
    cur = parentOf(cur);
  }
  return undefined;
}

function isRequireCall(n: AstNode): string | undefined {
  const u = unwrap(n);
  if (u.type !== 'CallExpression') return undefined;
  if (identName(child(u, 'callee')) !== 'require') return undefined;
  return staticString(children(u, 'arguments')[0]);
}

function isModuleExports(n: AstNode): boolean {
  const u = unwrap(n);
  return u.type === 'MemberExpression' && identName(child(u, 'object')) === 'module' && memberName(u) === 'exports';
}

/** `Object` methods after which changes of the object are ignored or throw (ECMA-262 §20.1.2). */
const FREEZERS = new Set(['freeze', 'seal', 'preventExtensions']);

function noteMutation(mod: JsModule, name: string, n: AstNode): void {
  mod.mutated.set(name, n);
  const all = mod.mutations.get(name);
  if (all) all.push(n);
  else mod.mutations.set(name, [n]);
}

export function buildModule(parsed: ParsedModule): JsModule {
  const mod: JsModule = {
    path: parsed.path,
    text: parsed.text,
    program: parsed.program,
    parsed,
    exports: new Map(),
    starReexports: [],
    mutated: new Map(),
    mutations: new Map(),
    frozen: new Map(),
    reassigned: new Map(),
    calls: [],
    constructions: [],
    scopeCache: new Map(),
  };
  const program = parsed.program;
  if (!program) return mod;
  walk(program, (n, parent) => {
    if (parent) n.parent = parent;
    // Offsets come from start/end (or range): the line/column objects, three per node, are let go before the
    // tree is kept for the run, so the garbage collector does not copy them along with it.
    if (n.loc !== undefined) n.loc = undefined;
    // Mutations make a binding's value unknown: `x = ...`, `x += ...`, `x.push(...)`, `x[k] = ...`, `x.p = ...`.
    if (n.type === 'AssignmentExpression') {
      const left = child(n, 'left');
      if (left) {
        const base = baseIdentifier(left);
        if (base && !(left.type === 'MemberExpression' && isModuleExportsChain(left))) noteMutation(mod, base, n);
        if (left.type === 'Identifier') mod.reassigned.set(left.name as string, n);
        // `[a, b] = pair`, `({ origin } = config)`: each name in the pattern is reassigned too.
        else if (left.type === 'ArrayPattern' || left.type === 'ObjectPattern') noteTargets(mod, left, n);
      }
    } else if ((n.type === 'ForOfStatement' || n.type === 'ForInStatement') && child(n, 'left')?.type !== 'VariableDeclaration') {
      // `for (x of list)` with an `x` declared before the loop reassigns it on every turn.
      const left = child(n, 'left');
      if (left) noteTargets(mod, left, n);
    } else if (n.type === 'UpdateExpression') {
      const arg = child(n, 'argument');
      const base = baseIdentifier(arg);
      if (base) noteMutation(mod, base, n);
      if (arg?.type === 'Identifier') mod.reassigned.set(arg.name as string, n);
    } else if (n.type === 'NewExpression') {
      mod.constructions.push(n);
    } else if (n.type === 'CallExpression') {
      mod.calls.push(n);
      const callee = child(n, 'callee');
      const name = callee ? memberName(callee) : undefined;
      if (callee && name && /^(push|unshift|splice|pop|shift|add|set|delete|clear|fill|reverse|sort|concat_)$/.test(name)) {
        const base = baseIdentifier(child(callee, 'object'));
        if (base) noteMutation(mod, base, n);
      }
      if (callee && identName(callee) === undefined && memberName(callee) === 'assign' && identName(child(callee, 'object')) === 'Object') {
        const base = baseIdentifier(children(n, 'arguments')[0]);
        if (base) noteMutation(mod, base, n);
      }
      // `Object.freeze(config)` as a statement (audit 42 js c18), or of a member (`Object.freeze(config.cors)`).
      const holder = callee && identName(callee) === undefined ? identName(child(callee, 'object')) : undefined;
      if (name && ((holder === 'Object' && FREEZERS.has(name)) || (holder === 'Reflect' && name === 'preventExtensions'))) {
        const base = baseIdentifier(children(n, 'arguments')[0]);
        if (base && !mod.frozen.has(base)) mod.frozen.set(base, n);
      }
    }
  });
  // Exports.
  for (const s of children(program, 'body')) {
    if (s.type === 'ExportNamedDeclaration') {
      const decl = child(s, 'declaration');
      const source = staticString(child(s, 'source'));
      if (decl) {
        const names = new Map<string, Binding>();
        declarationsIn([decl], names);
        for (const [name, b] of names) mod.exports.set(name, { kind: 'local', name, node: b.kind === 'var' ? b.id : decl });
      }
      for (const spec of children(s, 'specifiers')) {
        const exported = child(spec, 'exported');
        const local = child(spec, 'local');
        const exName = exported ? (identName(exported) ?? staticString(exported)) : undefined;
        const locName = local ? (identName(local) ?? staticString(local)) : undefined;
        if (!exName) continue;
        if (source !== undefined) mod.exports.set(exName, { kind: 'reexport', source, imported: spec.type === 'ExportNamespaceSpecifier' ? '*' : (locName ?? exName), node: spec });
        else if (locName) mod.exports.set(exName, { kind: 'local', name: locName, node: spec });
      }
    } else if (s.type === 'ExportDefaultDeclaration') {
      const decl = child(s, 'declaration');
      if (!decl) continue;
      const name = identName(child(decl, 'id'));
      if ((decl.type === 'FunctionDeclaration' || decl.type === 'ClassDeclaration') && name) mod.exports.set('default', { kind: 'local', name, node: decl });
      else if (decl.type === 'Identifier') mod.exports.set('default', { kind: 'local', name: decl.name as string, node: decl });
      else mod.exports.set('default', { kind: 'expr', node: decl });
    } else if (s.type === 'ExportAllDeclaration') {
      const source = staticString(child(s, 'source'));
      const exported = child(s, 'exported');
      const exName = exported ? identName(exported) : undefined;
      if (source !== undefined) {
        if (exName) mod.exports.set(exName, { kind: 'reexport', source, imported: '*', node: s });
        else mod.starReexports.push(source);
      }
    } else if (s.type === 'TSExportAssignment') {
      const e = child(s, 'expression');
      if (e) mod.exports.set('default', { kind: 'expr', node: e });
    } else if (s.type === 'ExpressionStatement') {
      const e = unwrap(child(s, 'expression') ?? s);
      if (e.type !== 'AssignmentExpression') continue;
      const left = child(e, 'left');
      const right = child(e, 'right');
      if (!left || !right) continue;
      if (isModuleExports(left)) {
        // module.exports = ...: the whole namespace. Object literal members are also named exports.
        const req = isRequireCall(right);
        if (req !== undefined) {
          mod.starReexports.push(req);
          mod.exports.set('default', { kind: 'reexport', source: req, imported: 'default', node: right });
          continue;
        }
        mod.exports.set('default', { kind: 'expr', node: right });
        const r = unwrap(right);
        if (r.type === 'ObjectExpression') {
          for (const p of children(r, 'properties')) {
            if (p.type !== 'Property') continue;
            const key = propertyKey(p);
            const value = child(p, 'value');
            if (key && value) mod.exports.set(key, { kind: 'expr', node: value });
          }
        } else if (r.type === 'Identifier') {
          mod.exports.set('__cjsNamespace', { kind: 'local', name: r.name as string, node: r });
        }
      } else if (left.type === 'MemberExpression') {
        const obj = child(left, 'object');
        const name = memberName(left);
        if (obj && name && (identName(obj) === 'exports' || isModuleExports(obj))) mod.exports.set(name, { kind: 'expr', node: right });
      }
    }
  }
  return mod;
}

function isModuleExportsChain(n: AstNode): boolean {
  const u = unwrap(n);
  if (isModuleExports(u)) return true;
  if (u.type === 'MemberExpression') {
    const obj = child(u, 'object');
    return !!obj && (identName(obj) === 'exports' || isModuleExports(obj));
  }
  return false;
}

/** Notes every name a destructuring (or for-in/of) target writes as changed by `by`: reassigned when it is a name. */
function noteTargets(mod: JsModule, target: AstNode, by: AstNode): void {
  const t = unwrap(target);
  switch (t.type) {
    case 'Identifier':
      noteMutation(mod, t.name as string, by);
      mod.reassigned.set(t.name as string, by);
      return;
    case 'MemberExpression': {
      const base = baseIdentifier(t);
      if (base) noteMutation(mod, base, by);
      return;
    }
    case 'ArrayPattern':
      for (const e of children(t, 'elements')) noteTargets(mod, e, by);
      return;
    case 'ObjectPattern':
      for (const p of children(t, 'properties')) noteTargets(mod, p.type === 'RestElement' ? p : ((child(p, 'value') ?? p) as AstNode), by);
      return;
    case 'AssignmentPattern': {
      const left = child(t, 'left');
      if (left) noteTargets(mod, left, by);
      return;
    }
    case 'RestElement': {
      const arg = child(t, 'argument');
      if (arg) noteTargets(mod, arg, by);
      return;
    }
  }
}

function baseIdentifier(n: AstNode | undefined): string | undefined {
  let cur = n ? unwrap(n) : undefined;
  while (cur && cur.type === 'MemberExpression') cur = unwrap(child(cur, 'object') as AstNode);
  return cur && cur.type === 'Identifier' ? (cur.name as string) : undefined;
}

/** Loads (parses once per run) the module at a root-relative path. */
export function loadModule(host: ProjectHost, path: string): JsModule | undefined {
  return host.memo(`js:module:${path}`, () => {
    const file = host.readFile(path);
    if (!file) return undefined;
    // The tree, parents, exports and scopes depend on this file's text only.
    return perFile(host, 'js:module', file, () => (isJsonPath(path) ? buildJsonModule(parseJson(file.path, file.text)) : buildModule(parseModule(file.path, file.text))));
  });
}

function isJsonPath(path: string): boolean {
  return path.toLowerCase().endsWith('.json');
}

/** A JSON file as a module: its value is the default export (`require`, `import x from './x.json'`), its keys the named ones. */
function buildJsonModule(parsed: ParsedModule): JsModule {
  const mod = buildModule(parsed);
  const statement = parsed.program ? (parsed.program.body as AstNode[] | undefined)?.[0] : undefined;
  const value = statement ? child(statement, 'expression') : undefined;
  if (value) mod.exports.set('default', { kind: 'expr', node: value });
  return mod;
}

export { isJsPath };

const RESOLVE_EXTS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];

function tryFile(host: ProjectHost, base: string): string | undefined {
  if (base === '' || base.startsWith('..')) return undefined;
  if ((isJsPath(base) || isJsonPath(base)) && host.fileExists(base)) return base;
  // `./x.js` written for a `./x.ts` source (TypeScript ESM style).
  const m = /\.(m|c)?js$/.exec(base);
  if (m) {
    const stem = base.slice(0, -m[0].length);
    for (const e of m[1] ? [`.${m[1]}ts`] : ['.ts', '.tsx']) if (host.fileExists(stem + e)) return stem + e;
  }
  for (const e of RESOLVE_EXTS) if (host.fileExists(base + e)) return base + e;
  for (const e of RESOLVE_EXTS) if (host.fileExists(`${base}/index${e}`)) return `${base}/index${e}`;
  // Node's require (and bundlers) also try `.json` after the script extensions: require('./origins').
  if (host.fileExists(`${base}.json`)) return `${base}.json`;
  return undefined;
}

/** Resolves an import specifier from a module to a root-relative path inside the project, if any. */
export function resolveSpecifier(host: ProjectHost, fromPath: string, spec: string): string | undefined {
  return host.memo(`js:resolve:${fromPath}\0${spec}`, () => {
    if (spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..') {
      return tryFile(host, posix.normalize(posix.join(posix.dirname(fromPath), spec)));
    }
    if (spec.startsWith('node:') || spec.startsWith('/')) return undefined;
    return resolveWithTsconfigPaths(host, fromPath, spec);
  });
}

interface TsPathsConfig {
  dir: string;
  baseUrl: string;
  paths: Record<string, string[]>;
}

/** Finds the nearest tsconfig/jsconfig that declares `paths` or `baseUrl`. */
function nearestPathsConfig(host: ProjectHost, fromPath: string): TsPathsConfig | undefined {
  return pathsConfigOf(host, posix.dirname(fromPath));
}

/**
 * The paths config that applies in a directory: its own tsconfig/jsconfig when it has one (a config without
 * `paths` or `baseUrl` stops the search), else its parent's. Memoised per directory, so the modules of a
 * directory, and the directories below it, share one answer.
 */
function pathsConfigOf(host: ProjectHost, dir: string): TsPathsConfig | undefined {
  return host.memo(`js:paths-config:${dir}`, () => {
    for (const name of ['tsconfig.json', 'jsconfig.json']) {
      const p = dir === '.' || dir === '' ? name : `${dir}/${name}`;
      const f = host.readFile(p);
      if (!f) continue;
      if (!/"(paths|baseUrl|extends)"/.test(f.text)) return undefined;
      return readPathsConfig(host, p, 0);
    }
    return dir === '.' || dir === '' ? undefined : pathsConfigOf(host, posix.dirname(dir));
  });
}

// TypeScript is large: it is loaded only when a project uses path aliases.
let tsModule: typeof import('typescript') | undefined;
function typescript(): typeof import('typescript') {
  tsModule ??= createRequire(import.meta.url)('typescript') as typeof import('typescript');
  return tsModule;
}

function readPathsConfig(host: ProjectHost, configPath: string, depth: number): TsPathsConfig | undefined {
  if (depth > 5) return undefined;
  const file = host.readFile(configPath);
  if (!file) return undefined;
  const ts = typescript();
  const parsed = ts.parseConfigFileTextToJson(configPath, file.text);
  const json = parsed.config as { extends?: unknown; compilerOptions?: { baseUrl?: unknown; paths?: unknown } } | undefined;
  if (!json) return undefined;
  const dir = posix.dirname(configPath);
  let inherited: TsPathsConfig | undefined;
  if (typeof json.extends === 'string' && json.extends.startsWith('.')) {
    let ext = posix.normalize(posix.join(dir, json.extends));
    if (!ext.endsWith('.json')) ext += '.json';
    inherited = readPathsConfig(host, ext, depth + 1);
  }
  const co = json.compilerOptions ?? {};
  const baseUrl = typeof co.baseUrl === 'string' ? posix.normalize(posix.join(dir, co.baseUrl)) : (inherited?.baseUrl ?? dir);
  const paths = co.paths && typeof co.paths === 'object' ? (co.paths as Record<string, string[]>) : inherited?.paths;
  if (!paths && typeof co.baseUrl !== 'string') return inherited;
  return { dir, baseUrl, paths: paths ?? {} };
}

function resolveWithTsconfigPaths(host: ProjectHost, fromPath: string, spec: string): string | undefined {
  const cfg = nearestPathsConfig(host, fromPath);
  if (!cfg) return undefined;
  const ts = typescript();
  const rootAbs = host.root;
  const toRel = (abs: string) => posix.relative(rootAbs.split('\\').join('/'), abs.split('\\').join('/'));
  const toAbs = (rel: string) => posix.join(rootAbs.split('\\').join('/'), rel);
  const result = ts.resolveModuleName(
    spec,
    toAbs(fromPath),
    { baseUrl: toAbs(cfg.baseUrl), paths: cfg.paths, moduleResolution: ts.ModuleResolutionKind.Node10, allowJs: true },
    {
      fileExists: (f) => host.fileExists(toRel(f)),
      readFile: (f) => host.readFile(toRel(f))?.text,
      directoryExists: () => true,
    },
  );
  const resolved = result.resolvedModule?.resolvedFileName;
  if (!resolved || result.resolvedModule?.isExternalLibraryImport) return undefined;
  const rel = toRel(resolved);
  return isJsPath(rel) ? rel : undefined;
}

/** The `require('x')` specifier of a call, if it is one. */
export { isRequireCall };

/**
 * The version range of `name` in the nearest package.json that lists it (`^4.7.2`), or undefined when none does.
 */
export function packageRange(host: ProjectHost, file: string, name: string): string | undefined {
  const quoted = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  let dir = posix.dirname(file);
  for (let i = 0; i < 30; i++) {
    const p = dir === '.' || dir === '' ? 'package.json' : `${dir}/package.json`;
    const found = host.memo(`express:pkg-range:${name}:${p}`, () => {
      const f = host.readFile(p);
      if (!f) return undefined;
      const m = new RegExp(`"${quoted}"\\s*:\\s*"([^"]*)"`).exec(f.text);
      return m ? { range: m[1] as string } : null;
    });
    if (found) return found.range;
    if (dir === '.' || dir === '') break;
    dir = posix.dirname(dir);
  }
  return undefined;
}

/**
 * The major version a package.json range of `name` asks for, from the nearest package.json that lists it (`^4.7.2`,
 * `~3.0`, `>=4`; socket.io 2.x ignores the `cors` option): undefined when none lists it or the range does not say.
 */
export function packageMajor(host: ProjectHost, file: string, name: string): number | undefined {
  const range = packageRange(host, file, name);
  if (range === undefined) return undefined;
  const major = /^\s*(?:[\^~]|>=?|=)?\s*v?(\d+)(?:\.|\s*$|\.x)/.exec(range);
  return major && !/\|\|/.test(range) ? Number(major[1]) : undefined;
}
