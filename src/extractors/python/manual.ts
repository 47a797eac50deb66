/**
 * Hand-written CORS headers in Python: Flask `@app.after_request` hooks (cors-semantics.md §3.4: Werkzeug
 * `headers[...] =` replaces, `headers.add` appends; values are str()-ed, so Python `True` is sent as the
 * string `True`) and FastAPI/Starlette `@app.middleware("http")` functions (§2.3).
 */
import {
  known,
  unknown,
  type HeaderWrite,
  type OriginEntry,
  type OriginPolicy,
  type Span,
  type TokenList,
  type Valued,
} from '../../model/index.js';
import { callArgs, litSpan, walk } from './common.js';
import { spanOf, type Evaluator, type PyVal, type Scope } from './evaluate.js';
import type { PyNode } from './parser.js';
import type { PyModule } from './project.js';

export interface ManualWrite extends HeaderWrite {
  /** The value echoes the request's Origin header. */
  reflectsOrigin?: boolean;
  /** The `if` conditions around the write (innermost last). */
  guards: PyNode[];
}

/** Is this expression the request's Origin (`request.headers.get("Origin")`, `request.origin`...)? */
export function isOriginExpr(mod: PyModule, n: PyNode | undefined, originVars: Set<string>): boolean {
  if (!n) return false;
  const t = mod.text.slice(n.start, n.end).replace(/\s+/g, '');
  if (n.type === 'identifier' && originVars.has(n.text ?? '')) return true;
  return /^request\.(origin|headers\.get\(["']origin["'](,[^)]*)?\)|headers\[["']origin["']\]|environ\.get\(["']HTTP_ORIGIN["'](,[^)]*)?\)|environ\[["']HTTP_ORIGIN["']\])$/i.test(t);
}

const CORS_HEADER = /^access-control-|^vary$/i;

/** Header writes on `<x>.headers` in a function body, evaluated in the function scope. */
export function headerWrites(ev: Evaluator, mod: PyModule, fn: PyNode, scope: Scope, framework: 'flask' | 'fastapi'): ManualWrite[] {
  const body = fn.fields.body;
  if (!body) return [];
  const out: ManualWrite[] = [];
  const originVars = new Set<string>();
  // origin = request.headers.get("Origin")
  walk(body, (n) => {
    if (n.type === 'assignment' && n.fields.left?.type === 'identifier' && isOriginExpr(mod, n.fields.right, originVars)) originVars.add(n.fields.left.text ?? '');
  });
  const guardsOf = (target: PyNode): PyNode[] => {
    const guards: PyNode[] = [];
    const visit = (n: PyNode): boolean => {
      if (n === target) return true;
      if (n.start > target.start || n.end < target.end) return false;
      for (const c of n.children) {
        if (visit(c)) {
          if (n.type === 'if_statement' && n.fields.condition && c !== n.fields.condition) guards.unshift(n.fields.condition);
          return true;
        }
      }
      return false;
    };
    visit(body);
    return guards;
  };
  const valueOf = (v: PyNode | undefined): { value: Valued<string>; reflects: boolean } => {
    const span = v ? spanOf(mod, v) : spanOf(mod, fn);
    if (!v) return { value: unknown('no value', span), reflects: false };
    if (isOriginExpr(mod, v, originVars)) return { value: unknown('the request Origin', span), reflects: true };
    const val = ev.eval(v, scope);
    if (val.t === 'str') return { value: known(val.v, val.span, val.via), reflects: false };
    if (val.t === 'num') return { value: known(String(val.v), val.span), reflects: false };
    if (val.t === 'bool') {
      // Werkzeug str()s values: `True` is sent as "True" (§3.4); Starlette rejects non-str values.
      if (framework === 'flask') return { value: known(val.v ? 'True' : 'False', val.span, 'a Python bool is sent as str(value)'), reflects: false };
      return { value: unknown('a bool header value raises in Starlette', val.span), reflects: false };
    }
    if (val.t === 'seq' && val.items.every((i) => i.t === 'str')) {
      return { value: known(val.items.map((i) => (i as { v: string }).v).join(', '), val.span), reflects: false };
    }
    return { value: unknown(val.t === 'unknown' ? val.reason : `a ${val.t} value`, val.span), reflects: false };
  };
  walk(body, (n) => {
    // resp.headers["Name"] = value
    if (n.type === 'assignment' && n.fields.left?.type === 'subscript') {
      const sub = n.fields.left;
      const obj = sub.fields.value;
      if (obj?.type !== 'attribute' || obj.fields.attribute?.text !== 'headers') return;
      const key = ev.eval(sub.fields.subscript, scope);
      if (key.t !== 'str' || !CORS_HEADER.test(key.v)) return;
      const { value, reflects } = valueOf(n.fields.right);
      out.push({ name: key.v.toLowerCase(), value, op: 'set', statuses: 'all', span: spanOf(mod, n), reflectsOrigin: reflects, guards: guardsOf(n) });
      return;
    }
    // resp.headers.add("Name", value) / .set / .setdefault / .append (Starlette MutableHeaders.append)
    if (n.type === 'call' && n.fields.function?.type === 'attribute') {
      const f = n.fields.function;
      const meth = f.fields.attribute?.text ?? '';
      const obj = f.fields.object;
      if (obj?.type !== 'attribute' || obj.fields.attribute?.text !== 'headers') return;
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
            const { value, reflects } = valueOf(p.fields.value);
            // Werkzeug `update` replaces, `extend` appends (§3.4).
            out.push({ name: k.v.toLowerCase(), value, op: meth === 'extend' ? 'append' : 'set', statuses: 'all', span: spanOf(mod, p), reflectsOrigin: reflects, guards: guardsOf(n) });
          }
        }
        return;
      }
      const key = a.positional[0] ? ev.eval(a.positional[0], scope) : undefined;
      if (key?.t !== 'str' || !CORS_HEADER.test(key.v)) return;
      const { value, reflects } = valueOf(a.positional[1]);
      const op = meth === 'add' || meth === 'append' || meth === 'add_header' ? 'append' : 'set';
      out.push({ name: key.v.toLowerCase(), value, op, statuses: 'all', span: spanOf(mod, n), reflectsOrigin: reflects, guards: guardsOf(n) });
    }
  });
  return out;
}

/** The ACAO the writes produce. */
export function manualOrigin(ev: Evaluator, mod: PyModule, scope: Scope, writes: ManualWrite[], fallback: Span): Valued<OriginPolicy> {
  const acao = writes.filter((w) => w.name === 'access-control-allow-origin');
  if (acao.length === 0) return known({ kind: 'none' }, fallback, 'no Access-Control-Allow-Origin is written');
  const w = acao[acao.length - 1] as ManualWrite;
  if (w.reflectsOrigin) {
    // A guard `if origin in ALLOWED:` / `if origin == X:` turns reflection into an allow-list.
    for (const g of [...w.guards].reverse()) {
      const list = guardAllowList(ev, mod, scope, g);
      if (list) return list;
    }
    if (w.guards.length > 0) return unknown('the request Origin is reflected under a condition that is not understood', w.span);
    return known({ kind: 'reflect-any' }, w.span, 'the request Origin is copied into Access-Control-Allow-Origin');
  }
  if (!w.value.known) return unknown(w.value.reason, w.value.span);
  if (w.value.value === '*') return known({ kind: 'wildcard' }, w.value.span, w.value.via);
  return known({ kind: 'fixed', value: w.value.value }, w.value.span, w.value.via);
}

function guardAllowList(ev: Evaluator, mod: PyModule, scope: Scope, cond: PyNode): Valued<OriginPolicy> | undefined {
  if (cond.type === 'boolean_operator' && (cond.op ?? '').includes('and')) {
    return guardAllowList(ev, mod, scope, cond.fields.right as PyNode) ?? guardAllowList(ev, mod, scope, cond.fields.left as PyNode);
  }
  if (cond.type !== 'comparison_operator') return undefined;
  const [l, r] = cond.children;
  const op = (cond.op ?? '').trim();
  if (!l || !r) return undefined;
  const haystack = ev.eval(r, scope);
  const entries: OriginEntry[] = [];
  const unknownEntries: Span[] = [];
  if (op === 'in' && haystack.t === 'seq') {
    for (const i of haystack.items) {
      if (i.t === 'str') entries.push({ type: 'literal', value: i.v, caseInsensitive: false, span: i.span, ...litSpan(i) });
      else unknownEntries.push(i.span);
    }
    return known({ kind: 'allow-list', entries, unknownEntries }, haystack.span, haystack.via);
  }
  if (op === 'in' && haystack.t === 'str') return known({ kind: 'allow-list', entries: [{ type: 'substring', haystack: haystack.v, span: haystack.span }], unknownEntries }, haystack.span);
  if (op === '==' && haystack.t === 'str') return known({ kind: 'allow-list', entries: [{ type: 'literal', value: haystack.v, caseInsensitive: false, span: haystack.span }], unknownEntries }, haystack.span);
  if (haystack.t === 'unknown' && (op === 'in' || op === '==')) return unknown(haystack.reason, haystack.span);
  void mod;
  return undefined;
}

export function writeTokens(writes: ManualWrite[], name: string, upper: boolean): Valued<TokenList> | undefined {
  const ws = writes.filter((w) => w.name === name);
  const w = ws[ws.length - 1];
  if (!w) return undefined;
  if (!w.value.known) return unknown(w.value.reason, w.value.span);
  const v = w.value.value.trim();
  if (v === '*') return known({ kind: 'wildcard' }, w.value.span);
  const items = v.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => ({ value: upper ? s : s, span: w.value.span }));
  return known({ kind: 'list', items }, w.value.span, w.value.via);
}

export function writeCredentials(writes: ManualWrite[], fallback: Span): Valued<boolean> {
  const ws = writes.filter((w) => w.name === 'access-control-allow-credentials');
  const w = ws[ws.length - 1];
  if (!w) return known(false, fallback, 'no Access-Control-Allow-Credentials is written');
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
