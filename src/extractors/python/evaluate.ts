/**
 * A small static evaluator for the Python expressions CORS settings are made of: literals, module
 * constants, imports across the project, `os.getenv("X", "default")` (known default when unset, see
 * rules.md "golden principle"), `.split(",")`, comprehensions, pydantic `BaseSettings` defaults and
 * properties, simple helper functions. Anything else is `unknown` with a reason: no rule fires on it.
 */
import type { ProjectHost } from '../../engine/host.js';
import type { Span } from '../../model/index.js';
import type { PyNode } from './parser.js';
import { bodyStatements, indexBlock, onlyReturn, loadModule, moduleIndex, paramName, projectPythonFiles, resolveModulePath, type BlockIndex, type Binding, type PyModule } from './project.js';

interface Base {
  span: Span;
  /** How the value was obtained ("default of $ORIGINS when unset"). */
  via?: string;
  /**
   * Set on a member of a plain Enum (`AppEnv.prod`), read as its value but tagged with its class: it equals the same
   * member (a dict key, an `==` or `in` test) and never a bare value (`AppEnv.prod == "prod"` is False).
   */
  enumOf?: string;
  /**
   * Set on an Enum member read as its value: a plain Enum's (with enumOf), or a str/int mixin's, which is that value
   * (`class Env(str, Enum)`). Its `.value` is the value itself, untagged.
   */
  member?: true;
  /**
   * On the unknown read for a plain Enum member whose value is not a scalar (`Origins.LOCAL` with `LOCAL = ["*"]`):
   * that value, which only `.value` gives (the member itself is neither a list nor equal to one).
   */
  enumValue?: PyVal;
}

export type PyVal =
  | (Base & { t: 'str'; v: string; /** file offset of v[0] when the literal text is verbatim (no escapes) */ lit?: number })
  | (Base & { t: 'bool'; v: boolean })
  | (Base & { t: 'num'; v: number })
  | (Base & { t: 'none' })
  | (Base & { t: 'seq'; kind: 'list' | 'tuple' | 'set'; items: PyVal[] })
  | (Base & { t: 'dict'; entries: { key: PyVal; value: PyVal }[] })
  | (Base & { t: 'unknown'; reason: string })
  /** A name from outside the project (`fastapi.FastAPI`, `os.getenv`). */
  | (Base & { t: 'ext'; qname: string })
  | (Base & { t: 'module'; mod: PyModule })
  | (Base & { t: 'class'; mod: PyModule; node: PyNode; name: string; decorators: PyNode[] })
  | (Base & { t: 'func'; mod: PyModule; node: PyNode; name: string; decorators: PyNode[] })
  /** `bare`: made by calling the class without arguments (its fields are their defaults). */
  /** `init`: the constructor's arguments, when known (attributes `__init__` sets from its parameters). */
  | (Base & { t: 'instance'; cls: ClassVal; bare?: boolean; init?: CtorArgs })
  /** The result of calling an external callable (`FastAPI()`, `APIRouter()`, `CORS()`), identified by its call. */
  | (Base & { t: 'call'; qname: string; node: PyNode; mod: PyModule })
  | (Base & { t: 'regex'; pattern: string; flags: string; lit?: number });

export type ClassVal = Extract<PyVal, { t: 'class' }>;

/** The arguments a class was called with; `splat`: a `*args` or `**kwargs` among them (what they hold is unknown). */
/** A field a generated constructor (dataclass, NamedTuple) sets, in its parameter order. */
interface CtorField {
  name: string;
  stmt: PyNode;
  /** A parameter of `__init__` (`field(init=False)` is not). */
  init: boolean;
  kwOnly: boolean;
  /** `InitVar[...]`: a parameter, not an attribute. */
  initVar: boolean;
  default?: PyNode;
  factory?: PyNode;
  /** Why the attribute may differ from what the constructor set. */
  changed?: string;
}

export interface CtorArgs {
  args: PyVal[];
  kwargs: Map<string, PyVal>;
  splat?: boolean;
}

export interface Scope {
  mod: PyModule;
  /** Names bound by comprehensions, calls of helper functions, `self`. */
  locals?: Map<string, PyVal>;
  /** The function whose body is searched before the module (app factories: `def create_app():`). */
  fn?: { node: PyNode; index: BlockIndex };
  /** The scope of the function around `fn`, searched next (a hook defined inside `create_app()` reads its locals). */
  outer?: Scope;
  /** Class body names (class attributes referring to each other). */
  cls?: { node: PyNode; index: BlockIndex };
}

export function spanOf(mod: PyModule, n: PyNode): Span {
  return { file: mod.path, start: n.start, end: n.end };
}

export function unknownVal(reason: string, span: Span): PyVal {
  return { t: 'unknown', reason, span };
}

export /** The name of the environment variable an unknown value is, when read without a default (`os.getenv("X")`). */
function unsetVariable(v: PyVal): string | undefined {
  if (v.t !== 'unknown') return undefined;
  return /^environment variable (\S+) \(no default\)$/.exec(v.reason)?.[1];
}

export function isTruthy(v: PyVal): boolean | undefined {
  switch (v.t) {
    case 'str':
      return v.v !== '';
    case 'bool':
      return v.v;
    case 'num':
      return v.v !== 0;
    case 'none':
      return false;
    case 'seq':
      return v.items.length > 0;
    case 'dict':
      return v.entries.length > 0;
    case 'unknown':
      return undefined;
    // A name from outside the project (`settings.debug` of a module that is not here) or what an outside callable
    // returned may be anything, False and None included.
    case 'ext':
    case 'call':
      return undefined;
    default:
      return true;
  }
}

function withVia<T extends PyVal>(v: T, via: string | undefined): T {
  if (!via) return v;
  if (v.t === 'seq') return { ...v, via: v.via ?? via, items: v.items.map((i) => withVia(i, via)) };
  return v.via ? v : { ...v, via };
}

/** `v` with `via` added to its own note (both hold: how a field got its value, and how its object was chosen). */
function alsoVia<T extends PyVal>(v: T, via: string | undefined): T {
  if (!via || v.via?.includes(via)) return v;
  if (!v.via) return withVia(v, via);
  if (v.t === 'seq') return { ...v, via: `${v.via}; ${via}`, items: v.items.map((i) => alsoVia(i, via)) };
  return { ...v, via: `${v.via}; ${via}` };
}

function escapeFree(raw: string): boolean {
  return !raw.includes('\\');
}

/** Decodes the body of a Python string literal (common escapes only; exotic ones make it unknown). */
function decodeEscapes(raw: string): string | undefined {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const d = raw[++i];
    switch (d) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case '\\':
        out += '\\';
        break;
      case "'":
        out += "'";
        break;
      case '"':
        out += '"';
        break;
      case '\n':
        break;
      case '0':
        out += '\0';
        break;
      case 'x': {
        const hex = raw.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
        out += String.fromCharCode(parseInt(hex, 16));
        i += 2;
        break;
      }
      default:
        // Python keeps unknown escapes verbatim (`"\."` is backslash + dot).
        out += '\\' + (d ?? '');
    }
  }
  return out;
}

export const MAX_DEPTH = 60;

/** The start of the note on a value that a pydantic 2 URL type changed (OriginEntry.changedBy). */
export const URL_TYPE_VIA = 'pydantic 2 URL type';

/** Evaluates expressions of a project. One instance per extraction run (it caches module bindings). */
/**
 * Names that `from <module> import *` binds, for the external modules whose names the extractors recognise (their
 * `__all__`, or their public names; read from flask 2.2, flask-cors 3.0, Starlette 0.26, FastAPI 0.92). Other names
 * of those modules, and other modules, stay unknown.
 */
const STAR_EXPORTS: Record<string, readonly string[]> = {
  flask_cors: ['CORS', 'cross_origin'],
  flask: ['Flask', 'Blueprint', 'request', 'Request', 'Response', 'current_app', 'abort', 'make_response', 'jsonify'],
  fastapi: ['FastAPI', 'APIRouter', 'Request', 'Response'],
  'fastapi.middleware.cors': ['CORSMiddleware'],
  'starlette.middleware': ['Middleware'],
  'starlette.middleware.cors': ['CORSMiddleware', 'Response'],
  'starlette.applications': ['Starlette', 'Middleware', 'Request', 'Response'],
};


/** Bases that add no fields and no constructor of their own (`class Settings(Generic[T])`). */
const TRIVIAL_BASE = /(^|\.)(object|Generic|Protocol|ABC)$/;

/** The method `name` a class body defines itself (an undecorated `def`), if any. */
function ownMethod(cls: PyNode, name: string): PyNode | undefined {
  return cls.fields.body?.children.find((c) => c.type === 'function_definition' && c.fields.name?.text === name);
}
export class Evaluator {
  private depth = 0;
  private readonly active = new Set<string>();
  /**
   * Environment variables known to be set (and not empty) where the code being evaluated runs: it is registered
   * only under `if os.getenv("X"):` (or in the `else` of `if not os.getenv("X"):`). Their "default when unset" does
   * not apply there (audit 35 py D3). Set for the extent of `assumingSet`.
   */
  private assumedSet: ReadonlySet<string> = new Set();

  constructor(
    readonly host: ProjectHost,
    /** pydantic major version of the project when known (for AnyHttpUrl serialization). */
    readonly pydanticMajor: (modPath: string, modText: string) => number | undefined = () => undefined,
  ) {}

  /** Runs `f` with the variables `names` taken as set (see `assumedSet`). */
  assumingSet<T>(names: readonly string[], f: () => T): T {
    if (names.length === 0) return f();
    const before = this.assumedSet;
    this.assumedSet = new Set([...before, ...names]);
    try {
      return f();
    } finally {
      this.assumedSet = before;
    }
  }

  index(mod: PyModule): BlockIndex {
    return moduleIndex(this.host, mod);
  }

  moduleByPath(p: string): PyModule | undefined {
    return loadModule(this.host, p);
  }

  eval(n: PyNode | undefined, scope: Scope): PyVal {
    if (!n) return unknownVal('missing expression', { file: scope.mod.path, start: 0, end: 0 });
    if (this.depth > MAX_DEPTH) return unknownVal('expression too deep to evaluate', spanOf(scope.mod, n));
    this.depth++;
    try {
      return this.evalInner(n, scope);
    } finally {
      this.depth--;
    }
  }

  private evalInner(n: PyNode, scope: Scope): PyVal {
    const span = spanOf(scope.mod, n);
    switch (n.type) {
      case 'string':
        return this.evalString(n, scope);
      case 'concatenated_string': {
        let s = '';
        // Comments between the pieces (`("https://a"  # prod\n "|https://b")`) are not part of the value.
        for (const c of n.children.filter((x) => x.type !== 'comment')) {
          const v = this.eval(c, scope);
          if (v.t !== 'str') return v.t === 'unknown' ? v : unknownVal('not a string', span);
          s += v.v;
        }
        return { t: 'str', v: s, span };
      }
      case 'integer':
      case 'float': {
        const num = Number((n.text ?? '').replace(/_/g, ''));
        return Number.isFinite(num) ? { t: 'num', v: num, span } : unknownVal('number', span);
      }
      case 'true':
        return { t: 'bool', v: true, span };
      case 'false':
        return { t: 'bool', v: false, span };
      case 'none':
        return { t: 'none', span };
      case 'parenthesized_expression':
        return this.eval(n.children.find((c) => c.type !== 'comment'), scope);
      case 'list':
      case 'tuple':
      case 'set':
        return this.evalSeq(n, n.type, scope);
      case 'dictionary': {
        const entries: { key: PyVal; value: PyVal }[] = [];
        for (const c of n.children) {
          if (c.type === 'pair') entries.push({ key: this.eval(c.fields.key, scope), value: this.eval(c.fields.value, scope) });
          else if (c.type === 'dictionary_splat') {
            const v = this.eval(c.children[0], scope);
            if (v.t !== 'dict') return unknownVal('dictionary built from an unknown mapping', span);
            entries.push(...v.entries);
          } else if (c.type !== 'comment') return unknownVal('dictionary comprehension', span);
        }
        return { t: 'dict', entries, span };
      }
      case 'identifier':
        return this.lookup(n.text ?? '', n, scope);
      case 'attribute':
        return this.evalAttribute(n, scope);
      case 'subscript':
        return this.evalSubscript(n, scope);
      case 'call':
        return this.evalCall(n, scope);
      case 'list_comprehension':
      case 'set_comprehension':
      case 'generator_expression':
        return this.evalComprehension(n, scope);
      case 'binary_operator':
        return this.evalBinary(n, scope);
      case 'boolean_operator': {
        const l = this.eval(n.fields.left, scope);
        const lt = isTruthy(l);
        const isOr = (n.op ?? '').includes('or');
        // `os.getenv("X") or "*"`: the right side when the variable is unset (as `process.env.X || '*'` in JS).
        const unsetL = unsetVariable(l);
        if (lt === undefined && isOr && unsetL) return withVia(this.eval(n.fields.right, scope), `default of $${unsetL} when unset`);
        if (lt === undefined) return unknownVal(`depends on ${l.t === 'unknown' ? l.reason : 'a runtime value'}`, span);
        if (isOr ? lt : !lt) return l;
        // `origins or "*"` with origins [] by an env default (audit 35 py D2): the right side holds only then.
        return withVia(this.eval(n.fields.right, scope), l.via);
      }
      case 'not_operator': {
        const v = this.eval(n.fields.argument, scope);
        const t = isTruthy(v);
        // Decided by an env default (`not origins` with origins "" when unset): holds only then.
        return t === undefined ? unknownVal('negation of an unknown value', span) : { t: 'bool', v: !t, span, ...(v.via ? { via: v.via } : {}) };
      }
      case 'unary_operator': {
        const v = this.eval(n.fields.argument, scope);
        if (v.t === 'num') return { t: 'num', v: n.op === '-' ? -v.v : v.v, span };
        return unknownVal('unary operator', span);
      }
      case 'conditional_expression': {
        const [a, c, b] = n.children.filter((x) => x.type !== 'comment');
        const cond = this.eval(c, scope);
        const t = isTruthy(cond);
        // `os.getenv("X").split(",") if os.getenv("X") else ["*"]`: the else branch when the variable is unset.
        const unset = unsetVariable(cond);
        if (t === undefined && unset) return withVia(this.eval(b, scope), `default of $${unset} when unset`);
        if (t === undefined) {
          return unknownVal(`chosen at run time (${cond.t === 'unknown' ? cond.reason : 'condition'})`, span);
        }
        // A test decided by an env default (`origins != ["*"]` with ORIGINS unset) holds only then.
        return withVia(this.eval(t ? a : b, scope), cond.via);
      }
      case 'comparison_operator':
        return this.evalComparison(n, scope);
      case 'await':
        return unknownVal('awaited value', span);
      default:
        return unknownVal(`${n.type.replace(/_/g, ' ')} is not evaluated`, span);
    }
  }

  evalString(n: PyNode, scope: Scope): PyVal {
    const span = spanOf(scope.mod, n);
    const startTok = n.children.find((c) => c.type === 'string_start');
    const prefix = (startTok?.text ?? '"').replace(/['"]/g, '').toLowerCase();
    const raw = prefix.includes('r');
    if (prefix.includes('b')) return unknownVal('bytes literal', span);
    let out = '';
    let lit: number | undefined;
    let verbatim = true;
    // The provenance of the values put in (`f"https://{DOMAIN}:*"` with DOMAIN the default of $APP_DOMAIN, audit 48 c10).
    const vias: string[] = [];
    const parts = n.children.filter((c) => c.type === 'string_content' || c.type === 'interpolation' || c.type === 'escape_sequence');
    for (const c of parts) {
      if (c.type === 'interpolation') {
        const expr = c.fields.expression ?? c.children[0];
        const v = this.eval(expr, scope);
        if (v.t === 'str' || v.t === 'num') out += String(v.v);
        else if (v.t === 'bool') out += v.v ? 'True' : 'False';
        else return unknownVal(`f-string with ${v.t === 'unknown' ? v.reason : 'a non-string value'}`, span);
        if (v.via && !vias.includes(v.via)) vias.push(v.via);
        verbatim = false;
        continue;
      }
      const rawText = scope.mod.text.slice(c.start, c.end);
      if (lit === undefined && out === '') lit = c.start;
      if (raw) out += rawText;
      else {
        if (!escapeFree(rawText)) verbatim = false;
        const d = decodeEscapes(rawText);
        if (d === undefined) return unknownVal('string escape', span);
        out += d;
      }
    }
    if (parts.length === 0) lit = startTok ? startTok.end : n.start + 1;
    const contiguous = parts.length <= 1 || parts.every((p, i) => i === 0 || p.start === (parts[i - 1] as PyNode).end);
    const via = vias.length ? { via: vias.join('; ') } : {};
    return verbatim && contiguous && lit !== undefined ? { t: 'str', v: out, span, lit, ...via } : { t: 'str', v: out, span, ...via };
  }

  private evalSeq(n: PyNode, kind: 'list' | 'tuple' | 'set', scope: Scope): PyVal {
    const items: PyVal[] = [];
    for (const c of n.children) {
      if (c.type === 'comment') continue;
      if (c.type === 'list_splat') {
        const v = this.eval(c.children[0], scope);
        if (v.t === 'seq') items.push(...v.items);
        else items.push(v.t === 'unknown' ? v : unknownVal('unpacked value is not a list', spanOf(scope.mod, c)));
        continue;
      }
      items.push(this.eval(c, scope));
    }
    return { t: 'seq', kind, items, span: spanOf(scope.mod, n) };
  }

  // ─── Names ────────────────────────────────────────────────────────────────────────────────────

  lookup(name: string, at: PyNode, scope: Scope): PyVal {
    const span = spanOf(scope.mod, at);
    const local = scope.locals?.get(name);
    if (local) return local;
    if (scope.fn) {
      const b = scope.fn.index.bindings.get(name);
      if (b && b.length) return this.fromBindings(name, b, scope.fn.index, scope, span);
      const param = this.parameter(scope.fn.node, name, scope);
      if (param) return param;
      // Enclosing functions next, then the module (Python's LEGB order).
      if (scope.outer) return this.lookup(name, at, scope.outer);
    }
    if (scope.cls) {
      const b = scope.cls.index.bindings.get(name);
      if (b && b.length) return this.fromBindings(name, b, scope.cls.index, { mod: scope.mod, cls: scope.cls }, span);
    }
    return this.moduleName(scope.mod, name, span);
  }

  /**
   * A function parameter: its default value when it has one (app factories `create_app(config=Config)`), unless the
   * project's only call of the function passes it; without a default, what that only call passes.
   */
  private parameter(fn: PyNode, name: string, scope: Scope): PyVal | undefined {
    const params = fn.fields.parameters;
    if (!params) return undefined;
    for (const p of params.children) {
      const pname = paramName(p);
      if (pname !== name) continue;
      const span = spanOf(scope.mod, p);
      if ((p.type === 'default_parameter' || p.type === 'typed_default_parameter') && p.fields.value) {
        // The only call passes another value (`create_app("prod")`): that one (see soleCallArgument).
        const passed = this.soleCallArgument(fn, name, scope.mod);
        if (passed) return passed;
        const v = this.eval(p.fields.value, { mod: scope.mod });
        return withVia(v, `default of parameter ${name}`);
      }
      return this.soleCallArgument(fn, name, scope.mod) ?? unknownVal(`parameter ${name} of ${fn.fields.name?.text ?? 'a function'}`, span);
    }
    return undefined;
  }

  /**
   * A parameter of a module-level function that the project calls exactly once (audit 40 py D2:
   * `def create_app(config_name)` and `app = create_app(os.getenv("BOILERPLATE_ENV") or "dev")` in manage.py): the
   * value that call passes, when it is known. Only a plain, undecorated function (a decorator may hand it to a
   * framework that calls it), every mention of whose name in the project's Python files (tests aside, see
   * projectPythonFiles) is its definition, an import, or a call of it; a launcher file that names it
   * (`gunicorn "app:create_app('prod')"`) may call it too, and then nothing is concluded. A literal argument is
   * noted as passed by that call; an environment default keeps its own note ("default of $X when unset").
   * Only data is taken this way, not an app object. Undefined when that call does not pass the parameter.
   */
  private soleCallArgument(fn: PyNode, name: string, mod: PyModule): PyVal | undefined {
    const fnName = fn.fields.name?.text;
    if (fn.type !== 'function_definition' || !fnName || !mod.root.children.includes(fn)) return undefined;
    const params = (fn.fields.parameters?.children ?? []).filter((c) => c.type !== ',' && c.type !== '(' && c.type !== ')' && c.type !== 'comment');
    const index = params.findIndex((p) => paramName(p) === name);
    const param = params[index];
    if (!param || !['identifier', 'typed_parameter', 'default_parameter', 'typed_default_parameter'].includes(param.type)) return undefined;
    // Positional arguments bind in order only up to a `*args`, a bare `*` or a `/` marker.
    if (params.slice(0, index).some((p) => !['identifier', 'typed_parameter', 'default_parameter', 'typed_default_parameter'].includes(p.type))) return undefined;
    const key = `python:sole-call:${mod.path}:${fn.start}:${name}`;
    if (this.active.has(key)) return undefined;
    const call = this.host.memo(key, () => {
      this.active.add(key);
      try {
        return this.soleCall(fn, fnName, mod);
      } finally {
        this.active.delete(key);
      }
    });
    if (!call) return undefined;
    const a = call.node.fields.arguments?.children ?? [];
    let arg: PyNode | undefined;
    let positional = 0;
    for (const c of a) {
      if (c.type === 'comment') continue;
      if (c.type === 'list_splat' || c.type === 'dictionary_splat') return undefined;
      if (c.type === 'keyword_argument') {
        if (c.fields.name?.text === name) arg = c.fields.value;
      } else if (positional++ === index) arg = c;
    }
    if (!arg) return undefined;
    this.active.add(key);
    try {
      const v = this.eval(arg, call.scope);
      // Data only (settings, names, config classes): an app or router passed to a helper (`setup_cors(app)`) is
      // followed by the extractors themselves, which also place its registrations in the caller's order.
      // A config module (`create_app(config)` after `import config`) is data too. A value that cannot be read
      // (`create_app(os.environ["CFG"])`) makes the parameter unknown: its default is not what the app gets (audit
      // 41 py D4, r17a: the default `config=""` hid the module's CORS_SUPPORTS_CREDENTIALS).
      if (v.t === 'unknown') return v;
      // An instance of a project class is data too (a settings object built from a dataclass or model, audit 53
      // fastapi c04: `register_app(settings=settings)`), unless the class is an app or router itself.
      const dataInstance = v.t === 'instance' && !this.derivesFrom(v.cls, ['FastAPI', 'Starlette', 'APIRouter', 'Router', 'Flask', 'Blueprint']);
      if (!dataInstance && !['str', 'num', 'bool', 'none', 'seq', 'dict', 'class', 'module'].includes(v.t)) return undefined;
      const line = call.mod.text.slice(0, call.node.start).split('\n').length;
      return v.via ? v : withVia(v, `passed by the only call of ${fnName}(), ${call.mod.path}:${line}`);
    } finally {
      this.active.delete(key);
    }
  }

  /** The only call of the module-level function `fn` in the project (see soleCallArgument), with its scope. */
  private soleCall(fn: PyNode, fnName: string, home: PyModule): { node: PyNode; mod: PyModule; scope: Scope } | undefined {
    const files = projectPythonFiles(this.host, home.path);
    if (!files) return undefined;
    const word = new RegExp(`\\b${fnName}\\b`);
    // Flask's CLI calls a factory named create_app or make_app itself, without arguments, when the module it loads
    // (FLASK_APP, `--app`, or app.py / wsgi.py for a bare `flask run`) has no `app` or `application` (audit 42 py
    // c13: `.flaskenv` FLASK_APP=app served create_app() while a seed script called create_app('development')).
    const cliFactory = (fnName === 'create_app' || fnName === 'make_app') && !/^(app|application)\s*(:[^=\n]*)?=/m.test(home.text);
    if (cliFactory && /(^|\/)(app|wsgi)\.py$/.test(home.path)) return undefined;
    for (const l of files.launchers) {
      const t = this.host.readFile(l)?.text;
      if (t && (word.test(t) || (cliFactory && /\bflask\b|FLASK_APP/i.test(t)))) return undefined;
    }
    const paths = files.py.includes(home.path) ? files.py : [home.path, ...files.py];
    let found: { node: PyNode; mod: PyModule; scope: Scope } | undefined;
    for (const p of paths) {
      const text = p === home.path ? home.text : this.host.readFile(p)?.text;
      if (!text || !word.test(text)) continue;
      const m = p === home.path ? home : loadModule(this.host, p);
      if (!m) return undefined;
      // Every mention of the name, with its parent and the functions around it.
      const stack: { n: PyNode; parent?: PyNode; fns: PyNode[] }[] = [{ n: m.root, fns: [] }];
      while (stack.length) {
        const { n, parent, fns } = stack.pop() as { n: PyNode; parent?: PyNode; fns: PyNode[] };
        if (n.type === 'identifier' && n.text === fnName) {
          if (!parent) return undefined;
          // Its own name, a same-named def or parameter elsewhere, a keyword argument's name: not a use.
          if ((parent.type === 'function_definition' || parent.type === 'class_definition' || parent.type === 'keyword_argument') && parent.fields.name === n) continue;
          if (parent.type === 'dotted_name') continue;
          if (parent.type === 'aliased_import') return undefined;
          const callee = parent.type === 'call' && parent.fields.function === n ? parent : undefined;
          if (!callee) return undefined;
          const scope = this.scopeIn(m, fns);
          const f = this.eval(n, scope);
          if (f.t !== 'func') return undefined;
          if (f.node !== fn) continue;
          if (found) return undefined;
          found = { node: callee, mod: m, scope };
          continue;
        }
        if (n.type === 'attribute' && n.fields.attribute?.text === fnName) {
          // `main.create_app(...)`: a call through the module.
          const callee = parent?.type === 'call' && parent.fields.function === n ? parent : undefined;
          if (!callee) return undefined;
          const scope = this.scopeIn(m, fns);
          const f = this.eval(n, scope);
          if (f.t !== 'func') return undefined;
          if (f.node === fn) {
            if (found) return undefined;
            found = { node: callee, mod: m, scope };
          }
          if (n.fields.object) stack.push({ n: n.fields.object, parent: n, fns });
          continue;
        }
        const inner = n.type === 'function_definition' ? [...fns, n] : fns;
        for (let i = n.children.length - 1; i >= 0; i--) stack.push({ n: n.children[i] as PyNode, parent: n, fns: inner });
      }
    }
    return found;
  }

  /** The evaluation scope of code inside the functions `fns` of `mod` (as common.ts scopeAt). */
  private scopeIn(mod: PyModule, fns: PyNode[]): Scope {
    const fn = fns[fns.length - 1];
    if (!fn || !fn.fields.body) return { mod };
    const body = fn.fields.body;
    const index = this.host.memo(`python:fnindex:${mod.path}:${fn.start}`, () => indexBlock(body));
    const outer = fns.length > 1 ? this.scopeIn(mod, fns.slice(0, -1)) : undefined;
    return outer && outer.fn ? { mod, fn: { node: fn, index }, outer } : { mod, fn: { node: fn, index } };
  }

  moduleName(mod: PyModule, name: string, span: Span): PyVal {
    const idx = this.index(mod);
    const b = idx.bindings.get(name);
    if (b && b.length) return this.fromBindings(name, b, idx, { mod }, span);
    // `from .middlewares import *`: a public name of a module of the project.
    if (!name.startsWith('_')) {
      for (const st of idx.starImports) {
        const p = resolveModulePath(this.host, mod.path, st.module, st.level);
        const m = p ? this.moduleByPath(p) : undefined;
        if (m && m !== mod && this.index(m).bindings.has(name)) return this.importFrom(mod, st.module, st.level, name, span);
      }
      // `from flask_cors import *` (the style of flask-cors' own examples, audit 32 case 31): the names the
      // extractors recognise that the package exports to a star import; the last such import binds the name.
      for (const st of [...idx.starImports].reverse()) {
        if (st.level === 0 && STAR_EXPORTS[st.module]?.includes(name) && !resolveModulePath(this.host, mod.path, st.module, 0)) return this.importFrom(mod, st.module, 0, name, span);
      }
    }
    if (BUILTINS.has(name)) return { t: 'ext', qname: `builtins.${name}`, span };
    if (mod.path.endsWith('__init__.py')) {
      // `from . import sub` inside a package resolves to the submodule.
      const sub = resolveModulePath(this.host, mod.path, name, 1);
      if (sub) {
        const m = this.moduleByPath(sub);
        if (m) return { t: 'module', mod: m, span };
      }
    }
    return unknownVal(`${name} is not defined in ${mod.path}`, span);
  }

  private fromBindings(name: string, bindings: Binding[], idx: BlockIndex, scope: Scope, span: Span): PyVal {
    const last = bindings[bindings.length - 1] as Binding;
    const key = `${scope.mod.path}:${last.stmt.start}:${name}`;
    if (this.active.has(key)) return unknownVal(`${name} refers to itself`, span);
    this.active.add(key);
    try {
      if (bindings.length > 1 && bindings.some((b) => b.conditional)) {
        // Several assignments, some in branches: the value depends on run time, unless all agree.
        const vals = bindings.map((b) => this.fromBinding(name, b, scope, span));
        const first = vals[0] as PyVal;
        if (vals.every((v) => sameValue(v, first))) return first;
        const decided = this.decideBranches(name, bindings, idx, scope, span);
        if (decided) return decided;
        return unknownVal(`${name} is assigned differently in several branches`, span);
      }
      const v = this.fromBinding(name, last, scope, span);
      return this.applyMutations(name, v, idx, scope, last);
    } finally {
      this.active.delete(key);
    }
  }

  /**
   * `_rx = None` then `if ENV == "development": _rx = r"..."` at the same level: the value after the `if` when its
   * condition is known (an env default decides it, and the result says so). The assignments sit directly in a
   * branch of an `if`/`elif`/`else` chain directly in the block (audit 41 py D2: per-environment origins picked by
   * `if env == "staging": ... elif env == "production": ...`).
   */
  private decideBranches(name: string, bindings: Binding[], idx: BlockIndex, scope: Scope, span: Span): PyVal | undefined {
    let current: PyVal | undefined;
    let via: string | undefined;
    for (const b of bindings) {
      if (!b.conditional) {
        current = this.fromBinding(name, b, scope, span);
        continue;
      }
      // The condition reads the name with its value so far (`origins = os.getenv("X")` then `if not origins:
      // origins = "*"`, audit 35 py D1): not the binding being decided, which would refer to itself.
      const before: Scope = current ? { ...scope, locals: new Map([...(scope.locals ?? []), [name, current]]) } : scope;
      const unset = current ? unsetVariable(current) : undefined;
      const runs = this.branchRuns(b.stmt, idx, (test) => {
        const v = this.eval(test, before);
        const t = isTruthy(v);
        if (t !== undefined || !unset) return { t, ...(v.via ? { via: v.via } : {}) };
        // A variable read without a default is None when unset: `if not x:` / `if x is None:` then run, `if x:` not.
        const truthy = this.testOfName(test, name);
        return truthy === undefined ? { t: undefined } : { t: !truthy, via: `default of $${unset} when unset` };
      });
      if (runs?.t === undefined) return undefined;
      via ??= runs.via;
      if (runs.t) current = this.fromBinding(name, b, scope, span);
    }
    return current ? withVia(current, via) : undefined;
  }

  /** `name` → true, `not name` / `name is None` / `name == None` → false: which truthiness of `name` runs the branch. */
  private testOfName(test: PyNode, name: string): boolean | undefined {
    const isName = (x: PyNode | undefined) => x?.type === 'identifier' && x.text === name;
    if (isName(test)) return true;
    if (test.type === 'not_operator' && isName(test.fields.argument)) return false;
    if (test.type === 'comparison_operator') {
      const ops = test.children.filter((c) => c.type !== 'comment');
      if (ops.length === 2 && isName(ops[0]) && ops[1]?.type === 'none' && /^(is|==)$/.test((test.op ?? '').trim())) return false;
    }
    return undefined;
  }

  /**
   * Whether the branch of the `if`/`elif`/`else` chain whose body holds `stmt` directly runs, given how each test
   * turns out (undefined when `stmt` is not directly in such a branch). Python tries the tests in order and runs the
   * first branch whose test holds, else the `else` branch: so the branch runs when every earlier test is known to
   * fail and its own holds, does not run when an earlier test holds or its own fails, and is not known as soon as a
   * test on the way is not known. `via` is the first note of a test that was read (an env default deciding it).
   */
  private branchRuns(stmt: PyNode, idx: BlockIndex, test: (cond: PyNode) => { t: boolean | undefined; via?: string }): { t: boolean | undefined; via?: string } | undefined {
    const owner = idx.statements.find((st) => st.start <= stmt.start && stmt.end <= st.end);
    if (!owner || owner.type !== 'if_statement') return undefined;
    const clauses: { cond: PyNode | undefined; body: PyNode | undefined }[] = [{ cond: owner.fields.condition, body: owner.fields.consequence }];
    for (const c of owner.children) {
      if (c.type === 'elif_clause') clauses.push({ cond: c.fields.condition, body: c.fields.consequence });
      else if (c.type === 'else_clause') clauses.push({ cond: undefined, body: c.fields.body });
    }
    const at = clauses.findIndex((c) => c.body?.children.includes(stmt));
    if (at < 0) return undefined;
    let via: string | undefined;
    for (let i = 0; i <= at; i++) {
      const cond = clauses[i]?.cond;
      // The `else` branch: every test before it failed.
      if (!cond) return { t: true, ...(via ? { via } : {}) };
      const r = test(cond);
      if (r.t === undefined) return { t: undefined };
      via ??= r.via;
      if (r.t) return { t: i === at, ...(via ? { via } : {}) };
    }
    return { t: false, ...(via ? { via } : {}) };
  }

  /** Whether the branch of the `if`/`elif`/`else` chain whose body holds `stmt` directly is known to run. */
  private holdsAround(stmt: PyNode, idx: BlockIndex, scope: Scope): { t: boolean | undefined; via?: string } {
    return (
      this.branchRuns(stmt, idx, (test) => {
        const v = this.eval(test, scope);
        return { t: isTruthy(v), ...(v.via ? { via: v.via } : {}) };
      }) ?? { t: undefined }
    );
  }

  private applyMutations(name: string, v: PyVal, idx: BlockIndex, scope: Scope, binding: Binding): PyVal {
    const muts = (idx.mutations.get(name) ?? []).filter((m) => m.stmt.start > binding.stmt.start);
    if (muts.length === 0) return v;
    if (v.t === 'dict') {
      // `d["k"] = v` at the same level sets the key; under a condition, or any other change, its value is not known.
      const entries = [...v.entries];
      for (const m of muts) {
        if (m.op !== 'setitem' || !m.key) return unknownVal(`${name} is modified at run time`, spanOf(scope.mod, m.stmt));
        const k = this.eval(m.key, scope);
        if (k.t !== 'str') return unknownVal(`${name} gets a key not known statically`, spanOf(scope.mod, m.stmt));
        const value = m.conditional || !m.value ? unknownVal(`${name}["${k.v}"] is set under a condition`, spanOf(scope.mod, m.stmt)) : this.eval(m.value, scope);
        const at = entries.findIndex((e) => e.key.t === 'str' && e.key.v === k.v);
        if (at >= 0) entries[at] = { key: k, value };
        else entries.push({ key: k, value });
      }
      return { ...v, entries };
    }
    if (v.t !== 'seq') return muts.some((m) => m.op === 'iadd') && v.t === 'str' ? unknownVal(`${name} is modified`, v.span) : v;
    let items = [...v.items];
    for (const m of muts) {
      // An item added because an env default makes its `if` hold is there only then (audit 35 py c21).
      let via: string | undefined;
      if (m.conditional) {
        // `if EXTRA: origins.append(EXTRA)` (audit 21 case 12): applied when its `if` is known to hold, skipped when
        // known not to (an env default of ""), an item not known otherwise.
        const held = this.holdsAround(m.stmt, idx, scope);
        const t = held.t;
        via = held.via;
        if (t === false) continue;
        if (t === undefined) {
          if (m.op !== 'append' && m.op !== 'extend' && m.op !== 'iadd') return unknownVal(`${name} is modified at run time`, spanOf(scope.mod, m.stmt));
          items.push(unknownVal(`${name} gets an item under a condition`, spanOf(scope.mod, m.stmt)));
          continue;
        }
      }
      if (m.op === 'append' && m.value) items.push(withVia(this.eval(m.value, scope), via));
      else if ((m.op === 'extend' || m.op === 'iadd') && m.value) {
        const e = this.eval(m.value, scope);
        if (e.t === 'seq') items = items.concat(e.items.map((i) => withVia(i, via)));
        else items.push(e.t === 'unknown' ? e : unknownVal(`${name} is extended with an unknown value`, e.span));
      } else return unknownVal(`${name} is modified at run time`, spanOf(scope.mod, m.stmt));
    }
    return { ...v, items };
  }

  private fromBinding(name: string, b: Binding, scope: Scope, span: Span): PyVal {
    const mod = scope.mod;
    switch (b.kind) {
      case 'assign':
        return this.eval(b.value, scope);
      case 'annotated':
        return unknownVal(`${name} has no value`, spanOf(mod, b.target));
      case 'import-from':
        return this.importFrom(mod, b.module, b.level, b.name, span);
      case 'import': {
        if (b.bindsTop) {
          const p = resolveModulePath(this.host, mod.path, b.module, 0);
          const m = p ? this.moduleByPath(p) : undefined;
          return m ? { t: 'module', mod: m, span } : { t: 'ext', qname: b.module, span };
        }
        const p = resolveModulePath(this.host, mod.path, b.module, 0);
        const m = p ? this.moduleByPath(p) : undefined;
        return m ? { t: 'module', mod: m, span } : { t: 'ext', qname: b.module, span };
      }
      case 'class':
        return { t: 'class', mod, node: b.node, name, decorators: b.decorators, span: spanOf(mod, b.node) };
      case 'def':
        return { t: 'func', mod, node: b.node, name, decorators: b.decorators, span: spanOf(mod, b.node) };
      case 'other':
        return unknownVal(`${name} is ${b.reason}`, span);
    }
  }

  importFrom(mod: PyModule, module: string, level: number, name: string, span: Span): PyVal {
    const p = resolveModulePath(this.host, mod.path, module, level);
    if (p) {
      const m = this.moduleByPath(p);
      if (m) {
        const idx = this.index(m);
        // `from . import views` (or `from pkg import views`) in the package's own __init__.py: the name is bound
        // by this very import, so reading it back from the package would refer to itself. Python finds no such
        // attribute on the half-initialised package and imports the submodule (audit 41 py D3, the Flask layout
        // `bp = Blueprint(...)` then `from . import views` at the end of __init__.py).
        const selfImport = m.path === mod.path;
        if (idx.bindings.has(name) && !selfImport) return this.moduleName(m, name, span);
        // `from pkg import submodule`
        const sub = resolveModulePath(this.host, p, name, 1);
        if (sub && p.endsWith('__init__.py')) {
          const sm = this.moduleByPath(sub);
          if (sm) return { t: 'module', mod: sm, span };
        }
        return this.moduleName(m, name, span);
      }
    }
    // `from pkg import mod` where pkg is a namespace package (a directory without __init__.py).
    const nsSub = module !== '' ? resolveModulePath(this.host, mod.path, `${module}.${name}`, level) : undefined;
    const nsMod = nsSub ? this.moduleByPath(nsSub) : undefined;
    if (nsMod) return { t: 'module', mod: nsMod, span };
    if (level === 0 && module !== '') return { t: 'ext', qname: `${module}.${name}`, span };
    // A relative import of a module that is not in the project.
    const sub = resolveModulePath(this.host, mod.path, module ? `${module}.${name}` : name, level);
    const sm = sub ? this.moduleByPath(sub) : undefined;
    if (sm) return { t: 'module', mod: sm, span };
    return unknownVal(`cannot find module ${'.'.repeat(level)}${module}`, span);
  }

  // ─── Attributes, subscripts ───────────────────────────────────────────────────────────────────

  private evalAttribute(n: PyNode, scope: Scope): PyVal {
    const span = spanOf(scope.mod, n);
    const attr = n.fields.attribute?.text ?? '';
    const objNode = n.fields.object;
    if (objNode?.type === 'identifier' && objNode.text === 'self') {
      const field = this.selfField(attr, scope);
      if (field) return field;
    }
    const obj = this.eval(objNode, scope);
    return this.getAttr(obj, attr, span);
  }

  /**
   * `self.app` in a method of a class whose `__init__` builds that object (`self.app = Flask(__name__)`, audit 52 py
   * c18: `CORS(self.app)` there and `@self.app.route(...)` in a `setup_routes` method it calls): the object, as the
   * same code with a module-level `app` reads. Only when `self` is the method's first parameter (not a static or
   * class method), the class assigns the attribute nowhere else (any `self.<attr> =`, `+=`, annotated), the
   * assignment is a statement of `__init__`'s own body, the method is `__init__` or called somewhere in its module
   * (`self.setup_routes()`, `FlaskApp().run()`), and the value is an object made by an outside callable (an app,
   * a blueprint, an extension): data fields may change between the methods, and a method never called registers
   * nothing.
   */
  private selfField(attr: string, scope: Scope): PyVal | undefined {
    if (scope.locals?.has('self')) return undefined;
    // The function `self` is a parameter of: the innermost one around the code that binds the name.
    let s: Scope | undefined = scope;
    let method: PyNode | undefined;
    while (s?.fn) {
      if (s.locals?.has('self') || s.fn.index.bindings.has('self')) return undefined;
      const params = (s.fn.node.fields.parameters?.children ?? []).map(paramName).filter((p): p is string => p !== undefined);
      if (params.includes('self')) {
        if (params[0] !== 'self') return undefined;
        method = s.fn.node;
        break;
      }
      s = s.outer;
    }
    const name = method?.fields.name?.text;
    if (!method || !name) return undefined;
    const mod = scope.mod;
    const cls = this.host.memo(`python:method-class:${mod.path}:${method.start}`, () => methodClass(mod.root, method, mod.text));
    if (!cls) return undefined;
    if (name !== '__init__' && !new RegExp(`\\.${name}\\s*\\(`).test(mod.text)) return undefined;
    const text = mod.text.slice(cls.start, cls.end);
    const writes = text.match(new RegExp(`\\bself\\.${attr}\\s*(?::[^=\\n]*)?(?:[-+*/%|&^@]|//|\\*\\*|<<|>>)?=(?!=)`, 'g'));
    if (writes?.length !== 1) return undefined;
    const init = ownMethod(cls, '__init__');
    const body = init?.fields.body;
    if (!init || !body) return undefined;
    let value: PyNode | undefined;
    for (const st of body.children) {
      const a = st.type === 'expression_statement' ? st.children[0] : undefined;
      const left = a?.type === 'assignment' ? a.fields.left : undefined;
      if (left?.type === 'attribute' && left.fields.object?.text === 'self' && left.fields.attribute?.text === attr) value = a?.fields.right;
    }
    if (!value || value.type === 'assignment') return undefined;
    const key = `self:${mod.path}:${cls.start}:${attr}`;
    if (this.active.has(key)) return undefined;
    this.active.add(key);
    try {
      const index = this.host.memo(`python:fnindex:${mod.path}:${init.start}`, () => indexBlock(body));
      const v = this.eval(value, { mod, fn: { node: init, index } });
      return v.t === 'call' ? v : undefined;
    } finally {
      this.active.delete(key);
    }
  }

  getAttr(obj: PyVal, attr: string, span: Span): PyVal {
    // `Origins.LOCAL.value`: the member's value, no longer a member (audit 40 py D3).
    if (attr === 'value' && obj.member && obj.t !== 'unknown') {
      const { enumOf: _tag, member: _member, ...value } = obj;
      return value as PyVal;
    }
    if (obj.t === 'unknown' && obj.enumValue) {
      if (attr === 'value') return obj.enumValue;
      const { enumValue: _value, ...rest } = obj;
      return rest;
    }
    switch (obj.t) {
      case 'ext':
        return { t: 'ext', qname: `${obj.qname}.${attr}`, span };
      case 'module': {
        const idx = this.index(obj.mod);
        if (idx.bindings.has(attr)) return this.moduleName(obj.mod, attr, span);
        if (obj.mod.path.endsWith('__init__.py')) {
          const sub = resolveModulePath(this.host, obj.mod.path, attr, 1);
          const sm = sub ? this.moduleByPath(sub) : undefined;
          if (sm) return { t: 'module', mod: sm, span };
        }
        return unknownVal(`${attr} is not defined in ${obj.mod.path}`, span);
      }
      case 'class': {
        // A member of a plain Enum is not its value (`Env.PROD == "prod"` is False); with a str or int mixin
        // (`class Env(str, Enum)`, IntEnum, StrEnum) it compares equal to it, as read here.
        if (this.derivesFrom(obj, ['Enum', 'Flag']) && !attr.startsWith('_')) {
          const m = this.classAttr(obj, attr, span, undefined);
          const mixin = this.derivesFrom(obj, ['str', 'StrEnum']) ? 'str' : this.derivesFrom(obj, ['int', 'IntEnum', 'IntFlag']) ? 'int' : undefined;
          if (!mixin) {
            if (m.t === 'str' || m.t === 'num' || m.t === 'bool') return { ...m, enumOf: `${obj.mod.path}:${obj.name}`, member: true };
            if (m.t !== 'func' && m.t !== 'unknown') return { ...unknownVal(`${obj.name}.${attr} is an Enum member, not its value`, span), enumValue: withVia(m, obj.via) };
          } else if (m.t !== 'func' && m.t !== 'unknown') {
            // A mixin member is made by the mixin type from its value: `str(["https://a.com"])` is the string
            // "['https://a.com']" (so is its `.value` on Python 3.11), `int("1")` is 1. Only a value already of that
            // type is read; any other is left unknown rather than guessing the conversion.
            const fits = mixin === 'str' ? m.t === 'str' : m.t === 'num' && Number.isInteger(m.v);
            if (!fits) return unknownVal(`${obj.name}.${attr} is a ${mixin} Enum member made from a ${m.t} value`, span);
            return withVia({ ...m, member: true }, obj.via);
          }
        }
        // A class chosen by an environment default (an import under `if`) passes that note on to what is read from it.
        const v = this.classAttr(obj, attr, span, undefined);
        return v.t === 'unknown' ? v : withVia(v, obj.via);
      }
      case 'instance': {
        // A field the constructor sets (a dataclass, a NamedTuple, a pydantic model, an `__init__` that stores its
        // parameter): the argument given for it, else its declared default (audit 53 fastapi c04).
        const given = this.ctorAttr(obj.cls, attr, obj.init ?? { args: [], kwargs: new Map() }, span);
        if (given) return given.t === 'unknown' ? given : alsoVia(given, obj.via);
        const v = this.classAttr(obj.cls, attr, span, obj);
        // An instance chosen by an environment default (`get_settings()` returning `LocalSettings()` when API_ENV is
        // unset, audit 38 py D4) passes that note on, beside the field's own (its default, its variable).
        return v.t === 'unknown' ? v : alsoVia(v, obj.via);
      }
      case 'unknown':
        return obj;
      default:
        return unknownVal(`attribute ${attr} of a ${obj.t}`, span);
    }
  }

  /** Base classes of a project class (project classes only; external bases by qname). */
  bases(cls: ClassVal): PyVal[] {
    const sup = cls.node.fields.superclasses;
    if (!sup) return [];
    return sup.children.filter((c) => c.type !== 'keyword_argument' && c.type !== 'comment').map((c) => this.eval(c, { mod: cls.mod }));
  }

  /** True when the class derives (in the project or outside) from a class whose name ends with one of `names`. */
  derivesFrom(cls: ClassVal, names: string[], seen = new Set<string>()): string | undefined {
    const key = `${cls.mod.path}:${cls.node.start}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    for (const b of this.bases(cls)) {
      if (b.t === 'ext') {
        const last = b.qname.split('.').pop() as string;
        if (names.includes(last)) return b.qname;
      } else if (b.t === 'class') {
        const r = this.derivesFrom(b, names, seen);
        if (r) return r;
      }
    }
    return undefined;
  }

  /** The fields of a pydantic model class and its project bases, with their defaults; undefined when not a model. */
  private modelFields(cls: ClassVal, span: Span): PyVal | undefined {
    if (!this.derivesFrom(cls, ['BaseModel', 'BaseSettings'])) return undefined;
    const names: string[] = [];
    const collect = (c: ClassVal, depth: number): boolean => {
      if (depth > 5) return false;
      for (const b of this.bases(c)) if (b.t === 'class' && !collect(b, depth + 1)) return false;
      const body = c.node.fields.body;
      if (!body) return true;
      for (const st of body.children) {
        const e = st.type === 'expression_statement' ? st.children[0] : undefined;
        if (e?.type !== 'assignment') continue;
        const name = e.fields.left?.type === 'identifier' ? e.fields.left.text : undefined;
        const type = e.fields.type ? c.mod.text.slice(e.fields.type.start, e.fields.type.end) : '';
        if (!name || name.startsWith('_') || name === 'model_config' || /ClassVar/.test(type)) continue;
        // A field without an annotation is not a pydantic field (pydantic 2 rejects it): give up.
        if (!e.fields.type) return false;
        if (!names.includes(name)) names.push(name);
      }
      return true;
    };
    if (!collect(cls, 0)) return undefined;
    return { t: 'dict', entries: names.map((k) => ({ key: { t: 'str', v: k, span } as PyVal, value: this.classAttr(cls, k, span, undefined) })), span };
  }

  /**
   * The environment variable a pydantic settings field reads (audit 36 py D5, Dify): the class's `env_prefix` (in
   * `model_config = SettingsConfigDict(...)` or `class Config`, also of a base class) before the field name, matched
   * case-insensitively unless `case_sensitive=True`, so written upper-case as such variables are.
   */
  private settingsEnvName(cls: ClassVal, attr: string, depth = 0): string {
    const text = cls.mod.text.slice(cls.node.start, cls.node.end);
    const prefix = /\benv_prefix\s*=\s*[rbu]*["']([^"']*)["']/i.exec(text)?.[1];
    const sensitive = /\bcase_sensitive\s*=\s*True\b/.test(text);
    if (prefix === undefined && depth < 4) {
      for (const base of this.bases(cls)) if (base.t === 'class' && this.derivesFrom(base, ['BaseSettings'])) return this.settingsEnvName(base, attr, depth + 1);
    }
    const name = `${prefix ?? ''}${attr}`;
    return sensitive ? name : name.toUpperCase();
  }

  /**
   * A class attribute's value. A value that reads the attribute it defines (`prod = AppEnv.prod` in `class AppEnv`,
   * which error recovery can make of a broken string: the fuzz test's seed hung on it, each level reading the
   * attribute twice) is unknown, not followed again.
   */
  classAttr(cls: ClassVal, attr: string, span: Span, self: PyVal | undefined, seen = new Set<string>()): PyVal {
    const guard = `classattr:${cls.mod.path}:${cls.node.start}:${attr}`;
    if (this.active.has(guard)) return unknownVal(`${cls.name}.${attr} refers to itself`, span);
    this.active.add(guard);
    try {
      return this.classAttrOnce(cls, attr, span, self, seen);
    } finally {
      this.active.delete(guard);
    }
  }

  private classAttrOnce(cls: ClassVal, attr: string, span: Span, self: PyVal | undefined, seen: Set<string>): PyVal {
    const key = `${cls.mod.path}:${cls.node.start}`;
    if (seen.has(key)) return unknownVal(`${attr} not found`, span);
    seen.add(key);
    const body = cls.node.fields.body;
    const idx = body ? this.host.memo(`python:classindex:${key}`, () => indexBlock(body)) : undefined;
    const bs = idx?.bindings.get(attr);
    if (idx && bs && bs.length) {
      const b = bs[bs.length - 1] as Binding;
      const settings = this.derivesFrom(cls, ['BaseSettings']);
      if (b.kind === 'def') {
        // A property (pydantic computed fields too): evaluate its return expression with `self` bound.
        const isProp = b.decorators.some((d) => /\b(property|computed_field|cached_property)\b/.test(cls.mod.text.slice(d.start, d.end)));
        if (isProp && self) return this.callFunction({ t: 'func', mod: cls.mod, node: b.node, name: attr, decorators: b.decorators, span: spanOf(cls.mod, b.node) }, [self], new Map(), span);
        // A static method is a plain function read through its class (`app.after_request(Cors.add_headers)`).
        if (b.decorators.some((d) => /^@\s*staticmethod\s*$/.test(cls.mod.text.slice(d.start, d.end)))) return { t: 'func', mod: cls.mod, node: b.node, name: attr, decorators: b.decorators, span: spanOf(cls.mod, b.node) };
        return unknownVal(`${attr} is a method`, span);
      }
      if (b.kind === 'assign' || b.kind === 'annotated') {
        let value: PyNode | undefined = b.kind === 'assign' ? b.value : undefined;
        let factoryValue: PyVal | undefined;
        let alias: string | undefined;
        // pydantic `Field(default=...)` / `Field("x")`.
        if (value?.type === 'call') {
          const fname = cls.mod.text.slice(value.fields.function?.start ?? 0, value.fields.function?.end ?? 0);
          if (/(^|\.)Field$/.test(fname)) {
            const args = value.fields.arguments?.children ?? [];
            // The variable a settings field reads: its alias when it has one (pydantic-settings, and `env=` in v1).
            const named = args.find((a) => a.type === 'keyword_argument' && /^(validation_alias|alias|env)$/.test(a.fields.name?.text ?? '') && a.fields.value?.type === 'string');
            const aliasNode = named?.fields.value;
            alias = aliasNode ? /^[rbu]*["']{1,3}([^"']*)["']{1,3}$/i.exec(cls.mod.text.slice(aliasNode.start, aliasNode.end))?.[1] : undefined;
            const kw = args.find((a) => a.type === 'keyword_argument' && a.fields.name?.text === 'default');
            const pos = args.find((a) => a.type !== 'keyword_argument' && a.type !== 'comment');
            value = kw?.fields.value ?? pos;
            // `Field(default_factory=...)`: the value the factory returns (audit 50 py D2).
            const factory = value ? undefined : args.find((a) => a.type === 'keyword_argument' && a.fields.name?.text === 'default_factory')?.fields.value;
            if (factory) {
              const made = this.factoryDefault(cls, factory, span);
              if (made.t === 'unknown') return made;
              value = undefined;
              factoryValue = made;
            }
            if (!value && !factoryValue) return unknownVal(`${attr} has no default (Field without default)`, span);
          }
        }
        if (!value && !factoryValue) return unknownVal(settings ? `${attr} is read from the environment (no default)` : `${attr} has no value`, spanOf(cls.mod, b.target));
        let v = factoryValue ?? this.eval(value as PyNode, { mod: cls.mod, cls: { node: cls.node, index: idx } });
        if (settings) {
          v = this.pydanticField(cls, attr, b.kind === 'assign' ? b.type : b.type, v);
          v = withVia(v, `default of ${cls.name}.${attr} (environment variable ${alias ?? this.settingsEnvName(cls, attr)} when unset)`);
        }
        return v;
      }
      return this.fromBinding(attr, b, { mod: cls.mod, cls: { node: cls.node, index: idx } }, span);
    }
    for (const base of this.bases(cls)) {
      if (base.t === 'class') {
        const r = this.classAttr(base, attr, span, self, seen);
        if (!(r.t === 'unknown' && r.reason === `${attr} not found`)) return r;
      }
    }
    return unknownVal(`${attr} not found`, span);
  }

  /**
   * The value a pydantic `default_factory` returns when called with no argument: a `lambda: <expr>` (its body is
   * evaluated in the module: a lambda in a class body does not see the class's names), the builtins `list`, `dict`
   * and `set` (an empty one), or a function of the project.
   */
  private factoryDefault(cls: ClassVal, factory: PyNode, span: Span): PyVal {
    const at = spanOf(cls.mod, factory);
    if (factory.type === 'lambda') {
      const body = factory.fields.body;
      if (factory.fields.parameters || !body) return unknownVal('a default_factory that takes arguments', at);
      return this.eval(body, { mod: cls.mod });
    }
    const f = this.eval(factory, { mod: cls.mod });
    if (f.t === 'func') return this.callFunction(f, [], new Map(), span);
    if (factory.type === 'identifier' && f.t !== 'class' && (f.t === 'ext' || f.t === 'unknown')) {
      if (factory.text === 'list') return { t: 'seq', kind: 'list', items: [], span: at };
      if (factory.text === 'set') return { t: 'seq', kind: 'set', items: [], span: at };
      if (factory.text === 'dict') return { t: 'dict', entries: [], span: at };
    }
    return unknownVal('a default_factory cors-lint cannot call', at);
  }

  /**
   * pydantic settings semantics for a field default: validators that split a string on a separator, and
   * `AnyHttpUrl`/`AnyUrl`/`HttpUrl`, which pydantic 2 serializes with a trailing slash (`str(url)`),
   * while pydantic-settings validates defaults (`validate_default=True`).
   */
  private pydanticField(cls: ClassVal, attr: string, type: PyNode | undefined, v: PyVal): PyVal {
    const typeText = type ? cls.mod.text.slice(type.start, type.end) : '';
    // A string split by an after-validator (`@validator` without `pre=True`, `@field_validator` in its default mode)
    // was validated as the `str` of the field's type, not as URLs: the items are the strings the split makes
    // (`Union[List[AnyHttpUrl], str]`, checked with pydantic 2.13: no trailing slash). Without a `str` in the type,
    // pydantic 2 rejects the default (ValidationError) before the validator runs.
    let plainItems = false;
    const split = v.t === 'str' ? this.hasSplitValidator(cls, attr, typeText) : undefined;
    if (v.t === 'str' && split) {
      if (split === 'after' && this.pydanticMajor(cls.mod.path, cls.mod.text) === 2) {
        if (!/(^|[[,|]\s*)str\s*(\]|,|\||$)/.test(typeText)) return unknownVal(`${attr}: pydantic rejects a str default for ${typeText}`, v.span);
        plainItems = true;
      }
      v = splitStr(v, ',', true);
    }
    if (!plainItems && /\b(AnyHttpUrl|AnyUrl|HttpUrl)\b/.test(typeText) && this.pydanticMajor(cls.mod.path, cls.mod.text) === 2) {
      const addSlash = (x: PyVal): PyVal =>
        x.t === 'str' && /^[a-z][a-z0-9+.-]*:\/\/[^/?#]+$/i.test(x.v)
          ? { ...x, v: x.v + '/', lit: undefined, via: `${URL_TYPE_VIA}: str() adds a trailing slash` }
          : x;
      if (v.t === 'seq') v = { ...v, items: v.items.map(addSlash) };
      else v = addSlash(v);
    }
    return v;
  }

  /**
   * Whether a validator of the field splits a string: 'before' when it runs before the field's type is validated
   * (`BeforeValidator`, `pre=True`, `mode="before"`), 'after' for the default mode, 'unknown' for a wrap validator.
   */
  private hasSplitValidator(cls: ClassVal, attr: string, typeText: string): 'before' | 'after' | 'unknown' | undefined {
    const body = cls.node.fields.body;
    const text = cls.mod.text;
    if (/BeforeValidator\(/.test(typeText)) return 'before';
    if (!body) return undefined;
    for (const s of body.children) {
      if (s.type !== 'decorated_definition') continue;
      const decos = s.children.filter((c) => c.type === 'decorator').map((d) => text.slice(d.start, d.end));
      const deco = decos.find((d) => /validator\(/.test(d) && (d.includes(`"${attr}"`) || d.includes(`'${attr}'`)));
      if (!deco) continue;
      const def = s.fields.definition;
      if (!def || !/\.split\(/.test(text.slice(def.start, def.end))) continue;
      if (/\bpre\s*=\s*True\b|\bmode\s*=\s*["']before["']/.test(deco)) return 'before';
      return /\bmode\s*=\s*["'](wrap|plain)["']/.test(deco) ? 'unknown' : 'after';
    }
    return undefined;
  }

  private evalSubscript(n: PyNode, scope: Scope): PyVal {
    const span = spanOf(scope.mod, n);
    const obj = this.eval(n.fields.value, scope);
    const keyNode = n.fields.subscript;
    if (obj.t === 'ext' && /(^|\.)os\.environ$|^os\.environ$/.test(obj.qname)) {
      const k = this.eval(keyNode, scope);
      // os.environ["X"] raises KeyError when X is unset: the value is the variable's (there is no "unset" case).
      return unknownVal(k.t === 'str' ? `environment variable ${k.v} (required)` : 'environment variable', span);
    }
    if (obj.t === 'unknown') return obj;
    const key = this.eval(keyNode, scope);
    if (obj.t === 'dict' && key.t !== 'unknown') {
      for (let i = obj.entries.length - 1; i >= 0; i--) {
        const e = obj.entries[i] as { key: PyVal; value: PyVal };
        if (sameValue(e.key, key)) return e.value;
      }
      return unknownVal('key not found', span);
    }
    // `Origins["LOCAL"]`: an Enum member by its name (EnumMeta.__getitem__).
    if (obj.t === 'class' && key.t === 'str' && !key.v.startsWith('_') && this.derivesFrom(obj, ['Enum', 'Flag'])) {
      const m = this.getAttr(obj, key.v, span);
      return m.member || m.t === 'unknown' ? m : unknownVal(`${key.v} is not a member of ${obj.name}`, span);
    }
    if ((obj.t === 'seq' || obj.t === 'str') && key.t === 'num' && Number.isInteger(key.v)) {
      const arr = obj.t === 'seq' ? obj.items : undefined;
      if (arr) {
        const i = key.v < 0 ? arr.length + key.v : key.v;
        return arr[i] ?? unknownVal('index out of range', span);
      }
    }
    return unknownVal('subscript', span);
  }

  // ─── Calls ────────────────────────────────────────────────────────────────────────────────────

  args(call: PyNode): { positional: PyNode[]; keywords: Map<string, PyNode>; splat: boolean } {
    const positional: PyNode[] = [];
    const keywords = new Map<string, PyNode>();
    let splat = false;
    for (const a of call.fields.arguments?.children ?? []) {
      if (a.type === 'keyword_argument') {
        const k = a.fields.name?.text;
        if (k && a.fields.value) keywords.set(k, a.fields.value);
      } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') splat = true;
      else if (a.type !== 'comment') positional.push(a);
    }
    return { positional, keywords, splat };
  }

  private evalCall(n: PyNode, scope: Scope): PyVal {
    const span = spanOf(scope.mod, n);
    const fnNode = n.fields.function;
    if (!fnNode) return unknownVal('call', span);
    // Method calls on values: "a,b".split(","), x.strip(), d.get(k, default)
    if (fnNode.type === 'attribute') {
      const meth = fnNode.fields.attribute?.text ?? '';
      const cfg = fnNode.fields.object;
      if (meth === 'get' && cfg?.type === 'attribute' && cfg.fields.attribute?.text === 'config') {
        const read = this.freshFlaskConfigGet(n, cfg.fields.object, scope, span);
        if (read) return read;
      }
      const recv = this.eval(fnNode.fields.object, scope);
      const m = this.method(recv, meth, n, scope, span);
      if (m) return m;
      const callee = this.getAttr(recv, meth, spanOf(scope.mod, fnNode));
      return this.applyCallee(callee, n, scope, span);
    }
    const callee = this.eval(fnNode, scope);
    return this.applyCallee(callee, n, scope, span);
  }

  /**
   * `app.config.get("KEY"[, default])` read right after `app = Flask(...)` (audit 38 py D3, FlaskALED reads
   * ALLOW_ORIGIN before its `from_object`): a new app's config holds only Flask's defaults, so a key that is not one
   * of them gives the default (None without one). Decided only when nothing can have written the config in between:
   * the read is in a plain statement of the same block, after the assignment, and the statements between make no
   * call, import nothing and do not name the app (a call could reach a module-level app, an extension's
   * `init_app` sets keys). Undefined (the read is evaluated as before) otherwise.
   */
  private freshFlaskConfigGet(n: PyNode, appExpr: PyNode | undefined, scope: Scope, span: Span): PyVal | undefined {
    if (appExpr?.type !== 'identifier') return undefined;
    const { positional, keywords, splat } = this.args(n);
    if (splat || keywords.size || positional.length === 0 || positional.length > 2) return undefined;
    const app = this.eval(appExpr, scope);
    if (app.t !== 'call' || app.qname !== 'flask.Flask' || app.mod !== scope.mod) return undefined;
    const key = this.eval(positional[0] as PyNode, scope);
    if (key.t !== 'str' || FLASK_DEFAULT_CONFIG.has(key.v)) return undefined;
    const name = appExpr.text ?? '';
    // The block whose statements hold both the assignment `name = Flask(...)` and the read.
    const inside = (outer: PyNode, x: PyNode) => outer.start <= x.start && x.end <= outer.end;
    const stmtOf = (block: PyNode, x: PyNode) => block.children.findIndex((c) => inside(c, x));
    let found: { block: PyNode; at: number; read: number } | undefined;
    const search = (b: PyNode): void => {
      if (found) return;
      const at = b.children.findIndex((c) => {
        const a = c.type === 'expression_statement' ? c.children[0] : undefined;
        return a?.type === 'assignment' && a.fields.left?.type === 'identifier' && a.fields.left.text === name && a.fields.right?.start === app.node.start && a.fields.right.end === app.node.end;
      });
      if (at >= 0) {
        found = { block: b, at, read: stmtOf(b, n) };
        return;
      }
      for (const c of b.children) if (inside(c, app.node)) for (const g of c.children) search(g);
    };
    search(scope.mod.root);
    if (!found || found.read <= found.at) return undefined;
    const readStmt = found.block.children[found.read] as PyNode;
    if (readStmt.type !== 'expression_statement') return undefined;
    // Nothing between (nor before the read in its own statement) may call, import, define or name the app.
    let clean = true;
    const check = (x: PyNode, until: number): void => {
      if (!clean || x.start >= until) return;
      if (/^(call|import_statement|import_from_statement|future_import_statement|function_definition|class_definition|decorated_definition|lambda|await|with_statement|for_statement|while_statement|try_statement|global_statement|nonlocal_statement)$/.test(x.type)) clean = false;
      else if (x.type === 'identifier' && x.text === name) clean = false;
      else for (const c of x.children) check(c, until);
    };
    for (let i = found.at + 1; i < found.read; i++) check(found.block.children[i] as PyNode, Infinity);
    check(readStmt, appExpr.start);
    // The read itself must run where it is written, not later from a nested function or lambda.
    let deferred = false;
    const nested = (x: PyNode): void => {
      if (deferred || !inside(x, n) || x === n) return;
      if (x.type === 'lambda' || x.type === 'function_definition' || x.type === 'class_definition') deferred = true;
      else for (const c of x.children) nested(c);
    };
    nested(readStmt);
    if (!clean || deferred) return undefined;
    const via = `app.config has no ${key.v} when it is read (right after Flask())`;
    return positional[1] ? withVia(this.eval(positional[1], scope), via) : { t: 'none', span, via };
  }

  private applyCallee(callee: PyVal, n: PyNode, scope: Scope, span: Span): PyVal {
    const { positional, keywords } = this.args(n);
    const arg0 = positional[0];
    if (callee.t === 'ext') {
      const q = callee.qname;
      const last = q.split('.').pop() as string;
      // `typing.cast(T, value)` returns `value` unchanged (audit 53 pymw c08: `self.application = cast(ASGIApp, FastAPI(...))`).
      if ((q === 'typing.cast' || q === 'typing_extensions.cast') && positional.length === 2 && keywords.size === 0) return this.eval(positional[1], scope);
      if (q === 'os.getenv' || q === 'os.environ.get' || q === 'os.environ.setdefault' || q === 'environ.get') {
        const name = this.eval(arg0, scope);
        const def = positional[1] ?? keywords.get('default');
        const vname = name.t === 'str' ? name.v : '?';
        if (this.assumedSet.has(vname)) return unknownVal(`environment variable ${vname} (set where this code runs)`, span);
        if (!def) return unknownVal(`environment variable ${vname} (no default)`, span);
        return withVia(this.eval(def, scope), `default of $${vname} when unset`);
      }
      if (q === 'builtins.str') {
        if (!arg0) return { t: 'str', v: '', span };
        const v = this.eval(arg0, scope);
        if (v.t === 'str') return v;
        if (v.t === 'num') return { t: 'str', v: String(v.v), span: v.span };
        if (v.t === 'bool') return { t: 'str', v: v.v ? 'True' : 'False', span: v.span, via: 'str() of a Python bool' };
        return v.t === 'unknown' ? v : unknownVal('str() of a non-literal', span);
      }
      if (q === 'builtins.list' || q === 'builtins.tuple' || q === 'builtins.set' || q === 'builtins.sorted' || q === 'builtins.frozenset') {
        if (!arg0) return { t: 'seq', kind: 'list', items: [], span };
        const v = this.eval(arg0, scope);
        if (v.t === 'seq') return { ...v, kind: last === 'tuple' ? 'tuple' : last === 'set' || last === 'frozenset' ? 'set' : 'list' };
        if (v.t === 'str') return { t: 'seq', kind: 'list', items: [...v.v].map((ch) => ({ t: 'str', v: ch, span: v.span }) as PyVal), span };
        return v.t === 'unknown' ? v : unknownVal(`${last}() of a non-sequence`, span);
      }
      if (q === 'builtins.int' || q === 'builtins.float') {
        const v = this.eval(arg0, scope);
        if (v.t === 'num') return v;
        if (v.t === 'str' && /^\s*-?\d+(\.\d+)?\s*$/.test(v.v)) return { t: 'num', v: Number(v.v), span: v.span, ...(v.via ? { via: v.via } : {}) };
        return v.t === 'unknown' ? v : unknownVal(`${last}() of a non-number`, span);
      }
      if (q === 'builtins.bool') {
        const v = this.eval(arg0, scope);
        const t = isTruthy(v);
        // Keeps how the value was decided (an environment default: audit 37 py c07, moto's MOTO_DISABLE_GLOBAL_CORS).
        return t === undefined ? v : { t: 'bool', v: t, span, ...(v.via ? { via: v.via } : {}) };
      }
      if (q === 'builtins.dict') {
        const entries: { key: PyVal; value: PyVal }[] = [];
        for (const [k, vn] of keywords) entries.push({ key: { t: 'str', v: k, span }, value: this.eval(vn, scope) });
        return positional.length ? unknownVal('dict() of a value', span) : { t: 'dict', entries, span };
      }
      if (q === 'json.loads') {
        const v = this.eval(arg0, scope);
        if (v.t !== 'str') return v.t === 'unknown' ? v : unknownVal('json.loads of a non-string', span);
        try {
          return fromJson(JSON.parse(v.v) as unknown, v.span, v.via);
        } catch {
          return unknownVal('invalid JSON', span);
        }
      }
      if (q === 're.compile') {
        const v = this.eval(arg0, scope);
        if (v.t !== 'str') return unknownVal('regex from a non-literal', span);
        const flagsNode = positional[1] ?? keywords.get('flags');
        const flagsText = flagsNode ? scope.mod.text.slice(flagsNode.start, flagsNode.end) : '';
        if (flagsNode && !/^(re\.)?(I|IGNORECASE)$/.test(flagsText.trim())) return unknownVal('regex flags', span);
        return { t: 'regex', pattern: v.v, flags: flagsNode ? 'i' : '', span: v.span, ...(v.lit !== undefined ? { lit: v.lit } : {}) };
      }
      // starlette.config.Config / python-decouple `config("X", default=..., cast=...)`
      if (last === 'config' && (q.startsWith('decouple') || q.startsWith('prettyconf'))) return this.configCall(n, scope, span);
      return { t: 'call', qname: q, node: n, mod: scope.mod, span };
    }
    if (callee.t === 'call' && /starlette\.config\.Config$/.test(callee.qname)) return this.configCall(n, scope, span);
    if (callee.t === 'class') {
      // `Settings(**overrides)` is not a bare `Settings()`: the splat may set any field.
      const splat = this.args(n).splat;
      if (positional.length === 0 && keywords.size === 0 && !splat) return { t: 'instance', cls: callee, span, bare: true };
      const kw = new Map<string, PyVal>();
      for (const [k, v] of keywords) kw.set(k, this.eval(v, scope));
      return { t: 'instance', cls: callee, span, init: { args: positional.map((a) => this.eval(a, scope)), kwargs: kw, ...(splat ? { splat } : {}) } };
    }
    if (callee.t === 'func') {
      const argVals = positional.map((a) => this.eval(a, scope));
      const kw = new Map<string, PyVal>();
      for (const [k, v] of keywords) kw.set(k, this.eval(v, scope));
      return this.callFunction(callee, argVals, kw, span);
    }
    if (callee.t === 'unknown') return callee;
    return unknownVal('call of a non-function', span);
  }

  private configCall(n: PyNode, scope: Scope, span: Span): PyVal {
    const { positional, keywords } = this.args(n);
    const name = this.eval(positional[0], scope);
    const vname = name.t === 'str' ? name.v : '?';
    if (this.assumedSet.has(vname)) return unknownVal(`environment variable ${vname} (set where this code runs)`, span);
    const def = keywords.get('default') ?? positional[2];
    // decouple's config("X") without a default raises when X is unset: there is no "unset" value.
    if (!def) return unknownVal(`environment variable ${vname} (required)`, span);
    let v = withVia(this.eval(def, scope), `default of $${vname} when unset`);
    const cast = keywords.get('cast') ?? positional[1];
    const castText = cast ? scope.mod.text.slice(cast.start, cast.end) : '';
    if (v.t === 'str' && /CommaSeparatedStrings|Csv\(/.test(castText)) v = splitStr(v, ',', true);
    else if (v.t === 'str' && /\bbool\b/.test(castText)) v = { t: 'bool', v: /^(true|1|yes|on|t|y)$/i.test(v.v.trim()), span: v.span, via: v.via ?? '' };
    else if (cast && v.t === 'str' && !/\bstr\b/.test(castText)) v = unknownVal(`cast with ${castText}`, span);
    return v;
  }

  /**
   * An attribute that `__init__` sets straight from one of its parameters (`def __init__(self, settings):
   * self.settings = settings`, Langflow's SettingsService, audit 36 py D7): the argument given for it, else the
   * parameter's default. Only a top-level statement of `__init__`, and only when nothing else in the class assigns the
   * attribute. Undefined when the class has no such `__init__` statement.
   */
  private initAttr(cls: ClassVal, attr: string, init: CtorArgs, span: Span): PyVal | undefined {
    const body = cls.node.fields.body;
    const ctor = ownMethod(cls.node, '__init__');
    const stmts = ctor?.fields.body?.children ?? [];
    const text = cls.mod.text;
    const assigns = [...text.slice(cls.node.start, cls.node.end).matchAll(new RegExp(`\\bself\\.${attr}\\s*(?::[^=\\n]*)?=(?!=)`, 'g'))];
    if (!ctor || assigns.length !== 1) return undefined;
    const params = (ctor.fields.parameters?.children ?? []).filter((p) => p.type !== 'comment');
    for (const st of stmts) {
      const a = st.type === 'expression_statement' ? st.children[0] : undefined;
      if (a?.type !== 'assignment') continue;
      const left = a.fields.left;
      const right = a.fields.right;
      if (left?.type !== 'attribute' || left.fields.object?.text !== 'self' || left.fields.attribute?.text !== attr || right?.type !== 'identifier') continue;
      const i = params.findIndex((p) => paramName(p) === right.text);
      const p = params[i];
      if (i < 1 || !p || !/^(identifier|default_parameter|typed_parameter|typed_default_parameter)$/.test(p.type)) return undefined;
      const byName = init.kwargs.get(right.text ?? '');
      if (byName) return byName;
      // Positional arguments fill the parameters before a `*args`, a bare `*` or a `/`... up to the first of those.
      const stop = params.findIndex((q) => /splat|separator/.test(q.type));
      const positional = stop < 0 || i < stop ? init.args[i - 1] : undefined;
      if (positional) return positional;
      if (init.splat) return unknownVal(`${cls.name}() is called with *args or **kwargs`, span);
      const def = p.fields.value;
      return def ? this.eval(def, { mod: cls.mod }) : unknownVal(`argument ${right.text} of ${cls.name}()`, span);
    }
    return undefined;
  }

  /**
   * An attribute of an instance that the class's constructor sets from its arguments: a field of a standard
   * dataclass (by keyword, or by position in field order, bases' fields first; `field(default=...,
   * default_factory=..., init=False, kw_only=True)`, `KW_ONLY`), of a `typing.NamedTuple` (keyword or position), of a
   * pydantic model (keyword only, validated like the field's default: a split validator, URL types), or an attribute
   * a plain `__init__` stores from its parameter (`initAttr`). A field given no argument is its declared default.
   * Unknown when the constructor cannot be followed (a custom `__init__` or `__post_init__` that may change it,
   * `*args`/`**kwargs`, an argument count that does not fit, an attrs class); undefined when the attribute is not
   * set by the constructor, and the class body is read as before.
   */
  private ctorAttr(cls: ClassVal, attr: string, init: CtorArgs, span: Span): PyVal | undefined {
    const given = init.args.length > 0 || init.kwargs.size > 0 || init.splat === true;
    const kind = this.ctorKind(cls);
    if (kind === 'opaque') return given ? unknownVal(`${cls.name}() is built by a decorator cors-lint does not follow`, span) : undefined;
    if (kind === 'dataclass' || kind === 'namedtuple') {
      const fields = kind === 'dataclass' ? this.dataclassFields(cls) : this.namedTupleFields(cls);
      // A dataclass with its own `__init__` keeps it: that one is read as a plain class's.
      if (!fields) return this.initAttr(cls, attr, init, span) ?? (given ? unknownVal(`the fields of ${cls.name} are not all known`, span) : undefined);
      const f = fields.find((x) => x.name === attr);
      if (!f) return undefined;
      if (f.initVar) return unknownVal(`${cls.name}.${attr} is an InitVar, not a field`, span);
      if (f.changed) return unknownVal(`${cls.name}.${attr} may be changed after the constructor (${f.changed})`, span);
      if (!f.init) return this.fieldDefault(cls, f, span);
      const byName = init.kwargs.get(attr);
      if (byName) return byName;
      const slots = fields.filter((x) => x.init && !x.kwOnly);
      const at = slots.indexOf(f);
      if (init.args.length > slots.length) return unknownVal(`${cls.name}() is given more positional arguments than it has fields`, span);
      const positional = at >= 0 ? init.args[at] : undefined;
      if (positional) return positional;
      if (init.splat) return unknownVal(`${cls.name}() is called with *args or **kwargs`, span);
      return this.fieldDefault(cls, f, span);
    }
    if (kind === 'pydantic') {
      const field = this.fieldStatement(cls, attr);
      if (!field) return undefined;
      if (field.binding.kind !== 'assign' && field.binding.kind !== 'annotated') return undefined;
      const byName = init.kwargs.get(attr);
      const owner = field.cls;
      const stmtText = owner.mod.text.slice(field.binding.stmt.start, field.binding.stmt.end);
      // An alias changes which keyword sets the field (and whether the field name does: populate_by_name).
      const aliased = /\b(alias|validation_alias|env)\s*=/.test(stmtText);
      const aliases = [...stmtText.matchAll(/\b(?:alias|validation_alias|env)\s*=\s*[rbu]*["']([^"']*)["']/gi)].map((m) => m[1]);
      // (An alias that is not a literal, `AliasChoices(...)`: any keyword may be one of its names.)
      const byAlias = aliased && (aliases.length === 0 ? init.kwargs.size > 0 : [...init.kwargs.keys()].some((k) => aliases.includes(k) || k === attr));
      // Only the constructor's arguments are read here; a field given none keeps the reading of its default.
      if (!byName && !byAlias && !init.splat && init.args.length === 0) return undefined;
      if (init.args.length > 0) return unknownVal(`${cls.name}() is given positional arguments (pydantic takes keywords only)`, span);
      if (aliased) return unknownVal(`${cls.name}.${attr} has an alias`, span);
      if (!byName) return unknownVal(`${cls.name}() is called with **kwargs`, span);
      // pydantic 1 also takes an unannotated class attribute as a field: its type is not known here.
      const typeNode = field.binding.type;
      if (!typeNode) return unknownVal(`${cls.name}.${attr} has no annotation`, span);
      const reason = this.pydanticInitChanges(cls, attr);
      if (reason) return unknownVal(`${cls.name}.${attr}: ${reason}`, span);
      return this.pydanticField(owner, attr, typeNode, byName);
    }
    // A plain class: an `__init__` that stores its parameter.
    return this.initAttr(cls, attr, init, span);
  }

  /** How instances of a project class get their fields from the constructor's arguments. */
  private ctorKind(cls: ClassVal): 'dataclass' | 'namedtuple' | 'pydantic' | 'opaque' | 'plain' {
    for (const d of cls.decorators) {
      const e = d.children[0];
      const callee = e?.type === 'call' ? e.fields.function : e;
      const v = callee ? this.eval(callee, { mod: cls.mod }) : undefined;
      if (v?.t !== 'ext') continue;
      if (v.qname === 'dataclasses.dataclass') return this.dataclassOptions(cls, e).init ? 'dataclass' : 'opaque';
      // pydantic dataclasses validate (and may convert) their arguments; attrs classes have their own rules.
      if (/^(pydantic\.dataclasses\.dataclass|attrs?\.)/.test(v.qname)) return 'opaque';
    }
    for (const b of this.bases(cls)) if (b.t === 'ext' && /(^|\.)NamedTuple$/.test(b.qname)) return 'namedtuple';
    if (this.derivesFrom(cls, ['BaseModel', 'BaseSettings'])) return 'pydantic';
    return 'plain';
  }

  /** `@dataclass(init=False, kw_only=True)`: the options read here (a non-literal option is taken as its default). */
  private dataclassOptions(cls: ClassVal, deco: PyNode | undefined): { init: boolean; kwOnly: boolean } {
    const opts = { init: true, kwOnly: false };
    if (deco?.type !== 'call') return opts;
    const { keywords } = this.args(deco);
    const flag = (k: string): boolean | undefined => {
      const n = keywords.get(k);
      if (!n) return undefined;
      const v = this.eval(n, { mod: cls.mod });
      return v.t === 'bool' ? v.v : undefined;
    };
    // An option cors-lint cannot read makes the class opaque rather than guessed.
    if (keywords.has('init') && flag('init') !== true) opts.init = false;
    opts.kwOnly = flag('kw_only') === true;
    if (keywords.has('kw_only') && flag('kw_only') === undefined) opts.init = false;
    return opts;
  }

  /**
   * The fields of a standard dataclass in `__init__` order: those of dataclass bases first (a redefined field keeps
   * its place), then the class's own annotated names. Undefined when they cannot all be known: a base from outside
   * the project that may itself be a dataclass, a class that defines its own `__init__`.
   */
  private dataclassFields(cls: ClassVal, depth = 0): CtorField[] | undefined {
    if (depth > 5) return undefined;
    const body = cls.node.fields.body;
    if (ownMethod(cls.node, '__init__')) return undefined;
    const fields: CtorField[] = [];
    for (const b of this.bases(cls)) {
      if (b.t === 'ext') {
        if (!TRIVIAL_BASE.test(b.qname.replace(/\[.*$/, ''))) return undefined;
        continue;
      }
      if (b.t !== 'class') return undefined;
      // A base that is not a dataclass gives no fields, unless one of its own bases does: not followed.
      const plainBase = () => !ownMethod(b.node, '__init__') && this.bases(b).every((x) => x.t === 'ext' && TRIVIAL_BASE.test(x.qname));
      const inherited = this.ctorKind(b) === 'dataclass' ? this.dataclassFields(b, depth + 1) : plainBase() ? [] : undefined;
      if (!inherited) return undefined;
      for (const f of inherited) {
        const i = fields.findIndex((x) => x.name === f.name);
        if (i >= 0) fields[i] = f;
        else fields.push(f);
      }
    }
    const deco = cls.decorators.map((d) => d.children[0]).find((e) => e?.type === 'call' && /(^|\.)dataclass$/.test(cls.mod.text.slice(e.fields.function?.start ?? 0, e.fields.function?.end ?? 0)));
    let kwOnly = this.dataclassOptions(cls, deco).kwOnly;
    const postInit = ownMethod(cls.node, '__post_init__');
    const classText = cls.mod.text.slice(cls.node.start, cls.node.end);
    for (const st of body?.children ?? []) {
      const a = st.type === 'expression_statement' ? st.children[0] : undefined;
      const type = a?.type === 'assignment' ? a.fields.type : undefined;
      const target = a?.fields.left;
      if (!a || !type || target?.type !== 'identifier' || !target.text) continue;
      const typeText = cls.mod.text.slice(type.start, type.end);
      if (/\bClassVar\b/.test(typeText)) continue;
      if (/^(dataclasses\.)?KW_ONLY$/.test(typeText.trim())) {
        kwOnly = true;
        continue;
      }
      const f: CtorField = { name: target.text, stmt: st, init: true, kwOnly, initVar: /\bInitVar\b/.test(typeText) };
      const value = a.fields.right;
      const fieldCall = value?.type === 'call' && this.eval(value.fields.function, { mod: cls.mod });
      if (value && fieldCall && fieldCall.t === 'ext' && fieldCall.qname === 'dataclasses.field') {
        const { keywords, splat } = this.args(value);
        if (splat) return undefined;
        const opt = (k: string): boolean | undefined => {
          const n = keywords.get(k);
          const v = n ? this.eval(n, { mod: cls.mod }) : undefined;
          return v?.t === 'bool' ? v.v : undefined;
        };
        if (keywords.has('init') && opt('init') === undefined) return undefined;
        if (keywords.has('kw_only') && opt('kw_only') === undefined) return undefined;
        if (opt('init') === false) f.init = false;
        if (keywords.has('kw_only')) f.kwOnly = opt('kw_only') === true;
        const def = keywords.get('default');
        const factory = keywords.get('default_factory');
        if (def) f.default = def;
        else if (factory) f.factory = factory;
      } else if (value) f.default = value;
      // `__post_init__` (or any method) may set the field again: `self.origins = ...`, setattr, `__dict__`.
      if (new RegExp(`\\bself\\.${f.name}\\s*(?::[^=\\n]*)?(?:[-+*/%|&^@]|//|\\*\\*|<<|>>)?=(?!=)|\\bself\\.${f.name}\\.(append|extend|insert|remove|clear|pop|update)\\(`).test(classText)) f.changed = 'a method assigns it';
      else if (postInit && /setattr|__dict__|\bvars\(/.test(cls.mod.text.slice(postInit.start, postInit.end))) f.changed = '__post_init__ sets attributes dynamically';
      const i = fields.findIndex((x) => x.name === f.name);
      if (i >= 0) fields[i] = f;
      else fields.push(f);
    }
    return fields;
  }

  /** The fields of a `class X(NamedTuple)`: its annotated names in order, with their defaults. */
  private namedTupleFields(cls: ClassVal): CtorField[] | undefined {
    const body = cls.node.fields.body;
    if (ownMethod(cls.node, '__new__')) return undefined;
    const fields: CtorField[] = [];
    for (const st of body?.children ?? []) {
      const a = st.type === 'expression_statement' ? st.children[0] : undefined;
      const target = a?.fields.left;
      if (a?.type !== 'assignment' || !a.fields.type || target?.type !== 'identifier' || !target.text) continue;
      if (/\bClassVar\b/.test(cls.mod.text.slice(a.fields.type.start, a.fields.type.end))) continue;
      fields.push({ name: target.text, stmt: st, init: true, kwOnly: false, initVar: false, ...(a.fields.right ? { default: a.fields.right } : {}) });
    }
    return fields;
  }

  /** The declared default of a dataclass or NamedTuple field (unknown when it has none: the call raises). */
  private fieldDefault(cls: ClassVal, f: CtorField, span: Span): PyVal {
    if (f.factory) return this.factoryDefault(cls, f.factory, span);
    if (f.default) return this.eval(f.default, { mod: cls.mod });
    return unknownVal(`${cls.name}.${f.name} has no default and no argument`, span);
  }

  /** The class-body statement that declares `attr` (in the class or a project base), with the class it is in. */
  private fieldStatement(cls: ClassVal, attr: string, depth = 0): { cls: ClassVal; binding: Binding } | undefined {
    if (depth > 5) return undefined;
    const body = cls.node.fields.body;
    const key = `${cls.mod.path}:${cls.node.start}`;
    const idx = body ? this.host.memo(`python:classindex:${key}`, () => indexBlock(body)) : undefined;
    const bs = idx?.bindings.get(attr);
    if (bs?.length) return { cls, binding: bs[bs.length - 1] as Binding };
    for (const b of this.bases(cls)) {
      if (b.t !== 'class') continue;
      const r = this.fieldStatement(b, attr, depth + 1);
      if (r) return r;
    }
    return undefined;
  }

  /**
   * What may make a pydantic model's field differ from the keyword argument given for it, beyond what
   * `pydanticField` reads: its own `__init__`, a model/root validator, a field validator that is not a comma
   * split, settings sources reordered. Undefined when none applies.
   */
  private pydanticInitChanges(cls: ClassVal, attr: string, depth = 0): string | undefined {
    if (depth > 5) return undefined;
    const text = cls.mod.text.slice(cls.node.start, cls.node.end);
    if (/\bdef\s+__init__\s*\(/.test(text)) return 'the model defines __init__';
    if (/\b(model_validator|root_validator)\b/.test(text)) return 'a model validator may change it';
    if (/\b(settings_customise_sources|customise_sources)\b/.test(text)) return 'the settings sources are customised';
    const body = cls.node.fields.body;
    for (const s of body?.children ?? []) {
      if (s.type !== 'decorated_definition') continue;
      for (const d of s.children.filter((c) => c.type === 'decorator')) {
        const dt = cls.mod.text.slice(d.start, d.end);
        if (!/validator\(/.test(dt)) continue;
        const names = [...dt.matchAll(/["']([^"']*)["']/g)].map((m) => m[1]);
        if (!names.includes(attr) && !names.includes('*')) continue;
        const def = s.fields.definition;
        const isSplit = def && /\.split\(/.test(cls.mod.text.slice(def.start, def.end));
        if (!isSplit || names.includes('*')) return 'a validator may change it';
      }
    }
    for (const b of this.bases(cls)) {
      if (b.t !== 'class') continue;
      const r = this.pydanticInitChanges(b, attr, depth + 1);
      if (r) return r;
    }
    return undefined;
  }

  /** Calls a project function whose body returns an evaluable expression. */
  callFunction(fn: Extract<PyVal, { t: 'func' }>, args: PyVal[], kwargs: Map<string, PyVal>, span: Span): PyVal {
    const body = fn.node.fields.body;
    if (!body) return unknownVal(`${fn.name}() has no body`, span);
    const key = `call:${fn.mod.path}:${fn.node.start}`;
    if (this.active.has(key)) return unknownVal(`${fn.name}() is recursive`, span);
    const locals = new Map<string, PyVal>();
    const params = fn.node.fields.parameters?.children ?? [];
    let i = 0;
    for (const p of params) {
      const pname = paramName(p);
      if (!pname) continue;
      const given = kwargs.get(pname) ?? args[i];
      i++;
      if (given) locals.set(pname, given);
      else if (p.fields.value) locals.set(pname, this.eval(p.fields.value, { mod: fn.mod }));
      else locals.set(pname, unknownVal(`argument ${pname} of ${fn.name}()`, span));
    }
    // Only straight-line bodies: assignments then a final `return` (docstrings allowed), or a final if/elif/else
    // chain that returns in every branch.
    const stmts = body.children.filter((s) => s.type !== 'comment' && !(s.type === 'expression_statement' && s.children[0]?.type === 'string'));
    // Early returns (`v = os.getenv("ORIGINS", ""); if v: return v.split(","); return ["https://a.example"]`):
    // an `if` (with `elif`s, and an `else` when it ends the body) each of whose branches is one `return`. The
    // settings picked by an environment value (`if env == "prod": return ProdSettings() elif env == "local": return
    // LocalSettings()`, audit 38 py D4) are the branch its default takes, and the result says so.
    const earlyReturn = (st: PyNode): { branches: { cond: PyNode; value: PyNode | undefined }[]; orelse?: { value: PyNode | undefined } } | undefined => {
      if (st.type !== 'if_statement' || !st.fields.condition) return undefined;
      const first = onlyReturn(st.fields.consequence);
      if (!first) return undefined;
      const branches = [{ cond: st.fields.condition, value: first.value }];
      let orelse: { value: PyNode | undefined } | undefined;
      for (const c of st.children) {
        if (c.type === 'elif_clause') {
          const r = onlyReturn(c.fields.consequence);
          if (!r || !c.fields.condition) return undefined;
          branches.push({ cond: c.fields.condition, value: r.value });
        } else if (c.type === 'else_clause') {
          orelse = onlyReturn(c.fields.body);
          if (!orelse) return undefined;
        }
      }
      return { branches, ...(orelse ? { orelse } : {}) };
    };
    const last = stmts[stmts.length - 1];
    const ret = last?.type === 'return_statement' || (last && earlyReturn(last)?.orelse) ? last : undefined;
    const fnIndex = this.host.memo(`python:fnindex:${fn.mod.path}:${fn.node.start}`, () => indexBlock(body));
    // Calls made for their effect (`app.add_middleware(...)`, `app.include_router(...)` in an app factory, audit 29
    // case 33): they may change a returned list or dict, so only an object the function builds (`app = FastAPI()`,
    // which the extractors follow into the body) is returned through them.
    let effects = false;
    // The first statement not followed (a loop, a `with` block, a `raise`, a body without a final return): an early
    // return taken before it still gives the value (audit 42 py c11: `if env == "dev": return ["*"]` then a loop
    // that builds the list; with $ENV unset the function returns ["*"]); reaching it makes the value unknown.
    let stop = ret ? stmts.length - 1 : stmts.length;
    for (let i = 0; i < stop; i++) {
      const s = stmts[i] as PyNode;
      // Local lists changed in place or names rebound, also under an `if` (audit 52 py c04): the block index has
      // those bindings and changes, and reads them as at module level (a name rebound in a branch is unknown, an
      // item added in one is an unknown item).
      const local = localUpdates(s, fnIndex);
      if (local) {
        effects ||= local.effects;
        continue;
      }
      // A nested def (`@bp.after_request def hook(...)` registered on a parameter, audit 32 D5) is an effect too, and
      // so is an import in the body (`from app.views import blueprint` in create_app(), against circular imports,
      // audit 53 flask c03): the names it binds are in the block index, and the module it runs may change things.
      if ((s.type === 'expression_statement' && s.children[0]?.type === 'call') || s.type === 'function_definition' || s.type === 'decorated_definition' || s.type === 'import_statement' || s.type === 'import_from_statement' || effectOnlyBlock(s)) {
        effects = true;
        continue;
      }
      if ((s.type !== 'expression_statement' || s.children[0]?.type !== 'assignment') && !earlyReturn(s)) stop = i;
    }
    const simple = ret !== undefined && stop === stmts.length - 1;
    this.active.add(key);
    try {
      const scope: Scope = { mod: fn.mod, locals, fn: { node: fn.node, index: fnIndex } };
      // An early return not taken because of an env default: what follows holds only then.
      let via: string | undefined;
      for (const s of simple && ret.type === 'return_statement' ? stmts.slice(0, -1) : stmts.slice(0, simple ? stmts.length : stop)) {
        const early = earlyReturn(s);
        if (!early) continue;
        for (const b of early.branches) {
          const c = this.eval(b.cond, scope);
          const t = isTruthy(c);
          if (t === undefined) return unknownVal(`${fn.name}() returns early under a condition not known (${c.t === 'unknown' ? c.reason : 'condition'})`, span);
          if (t) return b.value ? withVia(this.eval(b.value, scope), via ?? c.via) : { t: 'none', span };
          via ??= c.via;
        }
        // Every condition failed: the else branch (which ends the body) returns.
        if (early.orelse) return early.orelse.value ? withVia(this.eval(early.orelse.value, scope), via) : { t: 'none', span };
      }
      // Validators like parse_cors(v) (`if isinstance(v, str): return [...]` then a `raise`) whose early returns are
      // not taken, and bodies with statements not followed.
      if (!simple || !ret) return unknownVal(`${fn.name}() is not a simple function`, span);
      const expr = ret.children[0];
      if (!expr) return { t: 'none', span };
      const out = withVia(this.eval(expr, scope), via);
      return effects && out.t !== 'call' ? unknownVal(`${fn.name}() changes what it builds through calls`, span) : out;
    } finally {
      this.active.delete(key);
    }
  }

  /** Methods of known values (str, list, dict, regex); undefined when not a known method call. */
  private method(recv: PyVal, meth: string, n: PyNode, scope: Scope, span: Span): PyVal | undefined {
    const { positional } = this.args(n);
    // `CorsSettings().dict()` / `.model_dump()` of a pydantic model made without arguments: its fields' defaults
    // (audit 24 case 10: `add_middleware(CORSMiddleware, **CorsSettings().dict())`).
    if (recv.t === 'instance' && recv.bare && (meth === 'dict' || meth === 'model_dump') && positional.length === 0 && this.args(n).keywords.size === 0) {
      return this.modelFields(recv.cls, span) ?? unknownVal(`${recv.cls.name}.${meth}()`, span);
    }
    if (recv.t === 'ext' && (recv.qname === 'os.environ' || recv.qname.endsWith('.environ'))) return undefined;
    if (recv.t === 'unknown' && STR_METHODS.has(meth)) return recv;
    if (recv.t === 'str') {
      const a0 = positional[0] ? this.eval(positional[0], scope) : undefined;
      switch (meth) {
        case 'split': {
          if (a0 && a0.t !== 'str') return unknownVal('split on an unknown separator', span);
          return splitStr(recv, a0?.v, false);
        }
        case 'strip':
        case 'lstrip':
        case 'rstrip': {
          const chars = a0 && a0.t === 'str' ? a0.v : undefined;
          if (a0 && a0.t !== 'str' && a0.t !== 'none') return unknownVal('strip of unknown characters', span);
          return stripStr(recv, meth, chars);
        }
        case 'lower':
          return { ...recv, v: recv.v.toLowerCase(), lit: recv.v.toLowerCase() === recv.v ? recv.lit : undefined };
        case 'upper':
          return { ...recv, v: recv.v.toUpperCase(), lit: recv.v.toUpperCase() === recv.v ? recv.lit : undefined };
        case 'replace': {
          const a1 = positional[1] ? this.eval(positional[1], scope) : undefined;
          if (a0?.t !== 'str' || a1?.t !== 'str') return unknownVal('replace with unknown strings', span);
          const r = recv.v.split(a0.v).join(a1.v);
          return { ...recv, v: r, lit: r === recv.v ? recv.lit : undefined };
        }
        case 'startswith':
        case 'endswith': {
          if (a0?.t !== 'str') return unknownVal(meth, span);
          return { t: 'bool', v: meth === 'startswith' ? recv.v.startsWith(a0.v) : recv.v.endsWith(a0.v), span };
        }
        case 'format': {
          // Positional `{}` / `{0}` fields with known string arguments (`'app.config.{}'.format(name.title())`,
          // audit 26 case 01); anything else (keywords, format specs, attributes) is not known.
          const args = positional.map((a) => this.eval(a, scope));
          if (this.args(n).keywords.size > 0 || !args.every((a) => a.t === 'str')) return unknownVal('str.format()', span);
          let next = 0;
          let bad = false;
          const out = recv.v.replace(/\{\{|\}\}|\{(\d*)\}|\{[^}]*\}/g, (m, idx: string | undefined) => {
            if (m === '{{') return '{';
            if (m === '}}') return '}';
            if (idx === undefined) {
              bad = true;
              return m;
            }
            const a = args[idx === '' ? next++ : Number(idx)];
            if (a?.t !== 'str') bad = true;
            return a?.t === 'str' ? a.v : m;
          });
          return bad ? unknownVal('str.format()', span) : { t: 'str', v: out, span };
        }
        case 'title':
        case 'capitalize': {
          if (positional.length) return undefined;
          const v = meth === 'title' ? recv.v.toLowerCase().replace(/(^|[^A-Za-z])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase()) : recv.v.charAt(0).toUpperCase() + recv.v.slice(1).toLowerCase();
          return { ...recv, v, lit: v === recv.v ? recv.lit : undefined };
        }
        case 'join': {
          const items = a0;
          if (items?.t !== 'seq' || !items.items.every((i) => i.t === 'str')) return unknownVal('join of unknown items', span);
          return { t: 'str', v: items.items.map((i) => (i as { v: string }).v).join(recv.v), span };
        }
        default:
          return undefined;
      }
    }
    if (recv.t === 'dict' && meth === 'get') {
      const k = positional[0] ? this.eval(positional[0], scope) : undefined;
      for (let i = recv.entries.length - 1; i >= 0; i--) {
        const e = recv.entries[i] as { key: PyVal; value: PyVal };
        if (k && sameValue(e.key, k)) return e.value;
      }
      // A key that is not known may be any of the entries' keys: the fallback holds only for a known key that is
      // missing (audit 40 py D2: `configs.get(env, DevConfig)` is DevConfig only when env is none of the keys).
      if (!k || (k.t !== 'str' && k.t !== 'num' && k.t !== 'bool' && k.t !== 'none')) return unknownVal(`dict.get with ${k?.t === 'unknown' ? k.reason : 'a key that is not known'}`, span);
      return positional[1] ? this.eval(positional[1], scope) : { t: 'none', span };
    }
    if (recv.t === 'seq' && meth === 'copy') return recv;
    return undefined;
  }

  // ─── Comprehensions and operators ─────────────────────────────────────────────────────────────

  private evalComprehension(n: PyNode, scope: Scope): PyVal {
    const span = spanOf(scope.mod, n);
    const body = n.fields.body;
    const clauses = n.children.filter((c) => c.type === 'for_in_clause' || c.type === 'if_clause');
    if (!body || clauses.length === 0) return unknownVal('comprehension', span);
    let envs: Map<string, PyVal>[] = [new Map(scope.locals ?? [])];
    // What the iterated value came from (`raw.split(",")` with raw an env default): the result holds only then.
    let via: string | undefined;
    // The bindings for which a filter could not be decided (`if o.strip()` on an unknown item, audit 52 py c04):
    // each gives an unknown item, as an item added under an unknown condition does (applyMutations); the items
    // whose filters are known are kept or dropped as Python does.
    const undecided = new Set<Map<string, PyVal>>();
    const bound: string[] = [];
    for (const cl of clauses) {
      const next: Map<string, PyVal>[] = [];
      for (const env of envs) {
        const s: Scope = { ...scope, locals: env };
        if (cl.type === 'for_in_clause') {
          const left = cl.fields.left;
          const it = this.eval(cl.fields.right, s);
          if (it.t === 'unknown') return it;
          via ??= it.via;
          const items: PyVal[] | undefined =
            it.t === 'seq' ? it.items : it.t === 'dict' ? it.entries.map((e) => e.key) : undefined;
          if (!items) return unknownVal('iteration over a non-sequence', span);
          if (left?.type !== 'identifier' || !left.text) return unknownVal('comprehension with unpacking', span);
          if (!bound.includes(left.text)) bound.push(left.text);
          for (const item of items) {
            const e = new Map(env);
            e.set(left.text, item);
            if (undecided.has(env)) undecided.add(e);
            next.push(e);
          }
        } else {
          const c = this.eval(cl.children[0], s);
          const t = isTruthy(c);
          // Only a filter on an unknown item: a known item whose filter is not known would be lost from view.
          if (t === undefined && !bound.some((name) => env.get(name)?.t === 'unknown')) return unknownVal('comprehension filter depends on run time', span);
          if (t === undefined) undecided.add(env);
          if (t !== false) next.push(env);
        }
      }
      envs = next;
      if (envs.length > 10_000) return unknownVal('comprehension too large', span);
    }
    const items = envs.map((env) => (undecided.has(env) ? unknownVal('an item a comprehension filter may drop', span) : this.eval(body, { ...scope, locals: env })));
    return withVia({ t: 'seq', kind: n.type === 'set_comprehension' ? 'set' : 'list', items, span }, via);
  }

  private evalBinary(n: PyNode, scope: Scope): PyVal {
    const span = spanOf(scope.mod, n);
    const l = this.eval(n.fields.left, scope);
    const r = this.eval(n.fields.right, scope);
    const op = n.op ?? '';
    if (op === '+') {
      if (l.t === 'str' && r.t === 'str') return { t: 'str', v: l.v + r.v, span, ...(l.via || r.via ? { via: l.via ?? r.via } : {}) };
      if (l.t === 'seq' && r.t === 'seq') return { t: 'seq', kind: l.kind, items: [...l.items, ...r.items], span };
      if (l.t === 'num' && r.t === 'num') return { t: 'num', v: l.v + r.v, span };
      // settings.ORIGINS + ["*"]: the known items are there whatever the unknown list holds (its items stay unknown).
      const opaque = (v: PyVal): PyVal | undefined => (v.t === 'unknown' ? v : v.t === 'ext' ? unknownVal(`the items of ${v.qname}`, v.span) : undefined);
      const lo = opaque(l);
      const ro = opaque(r);
      if (lo && r.t === 'seq' && r.kind === 'list') return { t: 'seq', kind: 'list', items: [lo, ...r.items], span };
      if (ro && l.t === 'seq' && l.kind === 'list') return { t: 'seq', kind: 'list', items: [...l.items, ro], span };
    }
    if (op === '*' && l.t === 'num' && r.t === 'num') return { t: 'num', v: l.v * r.v, span };
    if (op === '|' && l.t === 'seq' && r.t === 'seq' && l.kind === 'set') return { t: 'seq', kind: 'set', items: [...l.items, ...r.items], span };
    // A value computed from an unknown one is not that value (an unset variable's "unset" does not carry over).
    if (l.t === 'unknown') return unknownVal(`a value computed from ${l.reason}`, l.span);
    if (r.t === 'unknown') return unknownVal(`a value computed from ${r.reason}`, r.span);
    return unknownVal(`operator ${op}`, span);
  }

  private evalComparison(n: PyNode, scope: Scope): PyVal {
    const span = spanOf(scope.mod, n);
    const operands = n.children.filter((c) => c.type !== 'comment');
    if (operands.length !== 2) return unknownVal('chained comparison', span);
    const l = this.eval(operands[0], scope);
    const r = this.eval(operands[1], scope);
    const op = (n.op ?? '').trim();
    // Not the operand itself: `os.getenv("MODE") != "prod"` holds when MODE is unset.
    if (l.t === 'unknown') return unknownVal(`a comparison with ${l.reason}`, l.span);
    if (r.t === 'unknown') return unknownVal(`a comparison with ${r.reason}`, r.span);
    if (op === '==' || op === '!=') {
      // `origins != ["*"]`: lists, tuples and sets of known items compare as Python compares them.
      const eq = valueEquals(l, r);
      if (eq !== undefined) {
        const via = l.via ?? r.via;
        return { t: 'bool', v: op === '==' ? eq : !eq, span, ...(via ? { via } : {}) };
      }
    }
    if (op === 'in' || op === 'not in') {
      let found: boolean | undefined;
      if (r.t === 'str' && l.t === 'str') found = r.v.includes(l.v);
      // Only scalars are compared: a run-time value (`request.origin`, an `ext`) may equal any item.
      else if (r.t === 'seq' && isScalar(l)) {
        if (r.items.some((i) => sameValue(i, l))) found = true;
        else if (r.items.every(isScalar)) found = false;
      }
      if (found !== undefined) return { t: 'bool', v: op === 'in' ? found : !found, span };
    }
    if (op === 'is' || op === 'is not') {
      // `origin is None` (audit 38 py D3): decided only against a singleton, None / True / False.
      const same = l.t === 'none' || l.t === 'bool' ? isSingleton(l, r) : r.t === 'none' || r.t === 'bool' ? isSingleton(r, l) : undefined;
      if (same !== undefined) {
        const via = l.via ?? r.via;
        return { t: 'bool', v: op === 'is' ? same : !same, span, ...(via ? { via } : {}) };
      }
    }
    return unknownVal(`comparison ${op}`, span);
  }
}

/**
 * The keys a new Flask app's config already holds (`Flask.default_config`, 2.2 and the keys later versions added or
 * removed): a read of one of them is not "unset".
 */
const FLASK_DEFAULT_CONFIG = new Set([
  'APPLICATION_ROOT', 'DEBUG', 'ENV', 'EXPLAIN_TEMPLATE_LOADING', 'JSONIFY_MIMETYPE', 'JSONIFY_PRETTYPRINT_REGULAR', 'JSON_AS_ASCII',
  'JSON_SORT_KEYS', 'MAX_CONTENT_LENGTH', 'MAX_COOKIE_SIZE', 'MAX_FORM_MEMORY_SIZE', 'MAX_FORM_PARTS', 'PERMANENT_SESSION_LIFETIME',
  'PREFERRED_URL_SCHEME', 'PROPAGATE_EXCEPTIONS', 'PROVIDE_AUTOMATIC_OPTIONS', 'SECRET_KEY', 'SECRET_KEY_FALLBACKS',
  'SEND_FILE_MAX_AGE_DEFAULT', 'SERVER_NAME', 'SESSION_COOKIE_DOMAIN', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_NAME',
  'SESSION_COOKIE_PARTITIONED', 'SESSION_COOKIE_PATH', 'SESSION_COOKIE_SAMESITE', 'SESSION_COOKIE_SECURE',
  'SESSION_REFRESH_EACH_REQUEST', 'TEMPLATES_AUTO_RELOAD', 'TESTING', 'TRAP_BAD_REQUEST_ERRORS', 'TRAP_HTTP_EXCEPTIONS',
  'TRUSTED_HOSTS', 'USE_X_SENDFILE',
]);

const STR_METHODS = new Set(['split', 'strip', 'lstrip', 'rstrip', 'lower', 'upper', 'replace']);

const BUILTINS = new Set(['str', 'list', 'tuple', 'set', 'frozenset', 'sorted', 'int', 'float', 'bool', 'dict', 'len', 'isinstance', 'print']);

const isScalar = (v: PyVal): boolean => v.t === 'str' || v.t === 'num' || v.t === 'bool' || v.t === 'none';

/**
 * `v is s` where `s` is None, True or False, each a single object in CPython: a value known to be of another type is
 * never it (`1 is True` is false), a bool is it when equal. Undefined for what may be anything: a name from outside
 * the project, what an outside callable returned. Identity between other values (`"a" is "a"`, interned or not) is
 * an implementation detail and stays undecided, as does anything not a singleton.
 */
function isSingleton(s: Extract<PyVal, { t: 'none' } | { t: 'bool' }>, v: PyVal): boolean | undefined {
  switch (v.t) {
    case 'unknown':
    case 'ext':
    case 'call':
      return undefined;
    case 'none':
      return s.t === 'none';
    case 'bool':
      return s.t === 'bool' && s.v === v.v;
    default:
      return false;
  }
}

/**
 * Python `==` on known values: scalars, and lists/tuples/sets of them (a list never equals a tuple; a set ignores
 * order). Undefined when it depends on something not known.
 */
function valueEquals(a: PyVal, b: PyVal): boolean | undefined {
  if (isScalar(a) && isScalar(b)) return sameValue(a, b);
  if (a.t !== 'seq' || b.t !== 'seq') return undefined;
  if (a.kind !== b.kind) return false;
  if (a.kind === 'set') {
    if (![...a.items, ...b.items].every(isScalar)) return undefined;
    return a.items.every((x) => b.items.some((y) => sameValue(x, y))) && b.items.every((y) => a.items.some((x) => sameValue(x, y)));
  }
  if (a.items.length !== b.items.length) return false;
  let all: boolean | undefined = true;
  for (let i = 0; i < a.items.length; i++) {
    const e = valueEquals(a.items[i] as PyVal, b.items[i] as PyVal);
    if (e === false) return false;
    if (e === undefined) all = undefined;
  }
  return all;
}

export function sameValue(a: PyVal, b: PyVal): boolean {
  // A plain Enum member equals only itself (Base.enumOf).
  if (a.enumOf !== b.enumOf) return false;
  if (a.t !== b.t) {
    if ((a.t === 'num' && b.t === 'bool') || (a.t === 'bool' && b.t === 'num')) return Number(a.v) === Number(b.v);
    return false;
  }
  switch (a.t) {
    case 'str':
    case 'num':
    case 'bool':
      return a.v === (b as typeof a).v;
    case 'none':
      return true;
    case 'seq': {
      const bb = b as typeof a;
      return a.items.length === bb.items.length && a.items.every((x, i) => sameValue(x, bb.items[i] as PyVal));
    }
    default:
      return false;
  }
}

/** `s.split(sep)`, keeping exact spans for each part when the literal is verbatim. */
export function splitStr(s: Extract<PyVal, { t: 'str' }>, sep: string | undefined, strip: boolean): PyVal {
  const items: PyVal[] = [];
  const text = s.v;
  // `"".split(",")` is `[""]`: an empty origin matches nothing, exactly like no entry at all.
  if (text.trim() === '') return { t: 'seq', kind: 'list', items: [], span: s.span, ...(s.via ? { via: s.via } : {}) };
  const pieces: { v: string; off: number }[] = [];
  if (sep === undefined) {
    const re = /\S+/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) pieces.push({ v: m[0], off: m.index });
  } else if (sep === '') {
    return unknownVal('empty separator', s.span);
  } else {
    let off = 0;
    for (const p of text.split(sep)) {
      pieces.push({ v: p, off });
      off += p.length + sep.length;
    }
  }
  for (const p of pieces) {
    let v = p.v;
    let off = p.off;
    if (strip) {
      const lead = v.length - v.trimStart().length;
      v = v.trim();
      off += lead;
      if (v === '') continue;
    }
    const span = s.lit !== undefined ? { file: s.span.file, start: s.lit + off, end: s.lit + off + v.length } : s.span;
    items.push({ t: 'str', v, span, ...(s.lit !== undefined ? { lit: s.lit + off } : {}), ...(s.via ? { via: s.via } : {}) });
  }
  return { t: 'seq', kind: 'list', items, span: s.span, ...(s.via ? { via: s.via } : {}) };
}

function stripStr(s: Extract<PyVal, { t: 'str' }>, meth: string, chars: string | undefined): PyVal {
  const set = chars ?? ' \t\n\r\f\v';
  let a = 0;
  let b = s.v.length;
  if (meth !== 'rstrip') while (a < b && set.includes(s.v[a] as string)) a++;
  if (meth !== 'lstrip') while (b > a && set.includes(s.v[b - 1] as string)) b--;
  const v = s.v.slice(a, b);
  if (s.lit !== undefined) return { ...s, v, lit: s.lit + a, span: { file: s.span.file, start: s.lit + a, end: s.lit + b } };
  return { ...s, v };
}

function fromJson(j: unknown, span: Span, via?: string): PyVal {
  const base = via ? { span, via } : { span };
  if (typeof j === 'string') return { t: 'str', v: j, ...base };
  if (typeof j === 'number') return { t: 'num', v: j, ...base };
  if (typeof j === 'boolean') return { t: 'bool', v: j, ...base };
  if (j === null) return { t: 'none', ...base };
  if (Array.isArray(j)) return { t: 'seq', kind: 'list', items: j.map((x) => fromJson(x, span, via)), ...base };
  if (typeof j === 'object') {
    return { t: 'dict', entries: Object.entries(j as Record<string, unknown>).map(([k, v]) => ({ key: { t: 'str', v: k, ...base } as PyVal, value: fromJson(v, span, via) })), ...base };
  }
  return unknownVal('JSON value', span);
}

const BINDS = new Set(['return_statement', 'assignment', 'augmented_assignment', 'named_expression', 'global_statement', 'nonlocal_statement', 'delete_statement', 'import_statement', 'import_from_statement', 'yield', 'raise_statement']);
const BLOCK_STATEMENTS = new Set(['for_statement', 'if_statement', 'with_statement', 'while_statement']);

/**
 * A loop or `if` in a factory that only makes calls (`for router in ROUTERS: app.include_router(router)`, an
 * `if` that registers a middleware, audit 36 py D1, Prefect's create_api_app): no return, no raise and no binding
 * other than the loop variable (nested function bodies are not entered, they run later), so the straight-line
 * values of the function's names still hold after it. It is an effect, like a call statement.
 */
/**
 * The class whose body defines the function `fn` directly (also under decorators other than `@staticmethod` and
 * `@classmethod`), in the module whose root is `root` and source `text`; undefined for any other function.
 */
function methodClass(root: PyNode, fn: PyNode, text: string): PyNode | undefined {
  const stack: PyNode[] = [root];
  while (stack.length) {
    const n = stack.pop() as PyNode;
    if (n.start > fn.start || n.end < fn.end) continue;
    if (n.type === 'class_definition') {
      for (const c of n.fields.body?.children ?? []) {
        if (c === fn) return n;
        if (c.type === 'decorated_definition' && c.fields.definition === fn) {
          const statik = c.children.some((d) => d.type === 'decorator' && /^@\s*(staticmethod|classmethod)\b/.test(text.slice(d.start, d.end)));
          return statik ? undefined : n;
        }
      }
    }
    stack.push(...n.children);
  }
  return undefined;
}

/** The methods whose calls on a name `indexBlock` records as changes of the value bound to it (see Mutation). */
const RECORDED_CHANGES = new Set(['append', 'extend', 'insert', 'remove', 'clear', 'pop', 'update', 'add']);

/**
 * A statement of a function body whose effect on the function's own names the block index `idx` records, so that
 * reading a name after it takes it into account (fromBindings, applyMutations), or undefined: a call statement
 * `origins.append(x)` on a name the body binds, or an `if` (with `elif`s and an `else`) whose branches only assign,
 * make such changes, make other calls, or hold such an `if` (no return, raise, loop, definition or walrus). A
 * binding in a branch is conditional in the index, and is read the way the module-level evaluation reads one (audit
 * 52 py c04: `origins = []; if os.environ.get("X"): origins = ...split(","); return origins + ["http://a"]`). `effects`
 * says whether it also makes other calls (as `app.add_middleware(...)`), which may change what the function returns.
 */
function localUpdates(stmt: PyNode, idx: BlockIndex): { effects: boolean } | undefined {
  let effects = false;
  const call = (c: PyNode): void => {
    const fn = c.fields.function;
    const recv = fn?.type === 'attribute' && fn.fields.object?.type === 'identifier' ? fn.fields.object.text : undefined;
    const recorded = recv !== undefined && idx.bindings.has(recv) && RECORDED_CHANGES.has(fn?.fields.attribute?.text ?? '');
    if (!recorded) effects = true;
  };
  const noBinding = (n: PyNode | undefined): boolean => !n || (!BINDS.has(n.type) && n.type !== 'lambda' && n.type !== 'await' && n.children.every(noBinding));
  const statement = (s: PyNode): boolean => {
    if (s.type === 'comment' || s.type === 'pass_statement') return true;
    if (s.type === 'if_statement') return ifStatement(s);
    if (s.type !== 'expression_statement') return false;
    for (const e of s.children) {
      if (e.type === 'comment' || e.type === 'string') continue;
      if (e.type === 'call' && noBinding(e)) call(e);
      else if (e.type === 'assignment' || e.type === 'augmented_assignment') {
        if (!noBinding(e.fields.right)) return false;
      } else return false;
    }
    return true;
  };
  const block = (b: PyNode | undefined): boolean => !!b && b.children.every(statement);
  const ifStatement = (s: PyNode): boolean => {
    if (!noBinding(s.fields.condition) || !block(s.fields.consequence)) return false;
    for (const c of s.children) {
      if (c.type === 'elif_clause' && (!noBinding(c.fields.condition) || !block(c.fields.consequence))) return false;
      if (c.type === 'else_clause' && !block(c.fields.body)) return false;
    }
    return true;
  };
  if (stmt.type === 'if_statement') return ifStatement(stmt) ? { effects } : undefined;
  const only = stmt.type === 'expression_statement' ? stmt.children.filter((c) => c.type !== 'comment') : [];
  if (only.length === 1 && only[0]?.type === 'call' && noBinding(only[0])) {
    call(only[0]);
    return { effects };
  }
  return undefined;
}

function effectOnlyBlock(stmt: PyNode): boolean {
  if (!BLOCK_STATEMENTS.has(stmt.type)) return false;
  if (stmt.type === 'for_statement' && stmt.fields.left?.type !== 'identifier') return false;
  const clean = (n: PyNode): boolean => {
    if (BINDS.has(n.type)) return false;
    if (n.type === 'function_definition' || n.type === 'class_definition') return n.type === 'function_definition';
    return n.children.every(clean);
  };
  return clean(stmt);
}
