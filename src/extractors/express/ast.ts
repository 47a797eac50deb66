/**
 * A minimal view of ESTree nodes, shared by every JS parser cors-lint runs on: Babel with the `estree`
 * plugin (CLI, language server), espree and typescript-eslint (ESLint plugin). Offsets come from `range`
 * when present (ESLint), else `start`/`end` (Babel).
 */
import type * as VisitorKeys from '@typescript-eslint/visitor-keys';
import { requireCjs } from '../../engine/cjs.js';
import { BABEL_CHILD_KEYS } from './babel-keys.js';

const { visitorKeys } = requireCjs('@typescript-eslint/visitor-keys') as typeof VisitorKeys;

/** Any ESTree (or TS-ESTree) node. Properties are read through the helpers below, never assumed. */
export interface AstNode {
  type: string;
  range?: [number, number];
  start?: number;
  end?: number;
  // Index signature: ESTree has dozens of node shapes; the helpers below narrow what they read.
  [key: string]: unknown;
}

export function isNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

export function rangeOf(n: AstNode): [number, number] {
  if (n.range) return n.range;
  return [n.start ?? 0, n.end ?? 0];
}

export function child(n: AstNode, key: string): AstNode | undefined {
  const v = n[key];
  return isNode(v) ? v : undefined;
}

export function children(n: AstNode, key: string): AstNode[] {
  const v = n[key];
  return Array.isArray(v) ? v.filter(isNode) : [];
}

/** Items of an array with holes kept as undefined (array literals). */
export function elements(n: AstNode): (AstNode | undefined)[] {
  const v = n.elements;
  return Array.isArray(v) ? v.map((e) => (isNode(e) ? e : undefined)) : [];
}

/** Properties that never hold child nodes (skipped when a node of a type no key table knows is enumerated). */
export const SKIP_KEYS: ReadonlySet<string> = new Set(['type', 'range', 'start', 'end', 'loc', 'parent', 'leadingComments', 'trailingComments', 'innerComments', 'comments', 'tokens', 'extra']);

/**
 * Where each node type keeps its children: the TS-ESTree table (ESLint's trees) merged with the Babel 7 key
 * names of the trees `parseModule` builds (babel-keys.ts: TS enums keep `members`, for one). Reading only these keys
 * is about eight times faster than enumerating every property. Types neither table knows fall back to
 * enumerating their properties.
 */
const KEYS: Readonly<Record<string, readonly string[] | undefined>> = (() => {
  const out: Record<string, readonly string[]> = {};
  for (const [type, keys] of Object.entries(visitorKeys)) out[type] = [...(keys ?? [])];
  for (const [type, keys] of Object.entries(BABEL_CHILD_KEYS)) out[type] = [...new Set([...(out[type] ?? []), ...keys])];
  return out;
})();

/** Calls `visit` on each child node in source order. */
function eachChild(n: AstNode, visit: (c: AstNode) => void): void {
  const keys = KEYS[n.type];
  if (keys) {
    for (const key of keys) {
      const v = n[key];
      if (v === null || v === undefined) continue;
      if (Array.isArray(v)) {
        for (const e of v) if (isNode(e)) visit(e);
      } else if (isNode(v)) visit(v);
    }
    return;
  }
  for (const key in n) {
    if (SKIP_KEYS.has(key)) continue;
    const v = n[key];
    if (Array.isArray(v)) {
      for (const e of v) if (isNode(e)) visit(e);
    } else if (isNode(v)) visit(v);
  }
}

/** Child nodes in source order. */
export function childNodes(n: AstNode): AstNode[] {
  const out: AstNode[] = [];
  eachChild(n, (c) => out.push(c));
  return out;
}

/**
 * Visits every node depth-first with an explicit stack (deeply nested input cannot overflow the call stack).
 * Return false from `enter` to skip a node's children.
 */
export function walk(root: AstNode, enter: (n: AstNode, parent: AstNode | undefined) => boolean | void): void {
  // Two parallel stacks, so no pair is allocated per node. Children are pushed last-first straight onto them, so
  // they pop in source order with no per-node scratch array (emptying one, `length = 0`, was 1 ms of a 30 ms
  // editor re-lint).
  const nodes: AstNode[] = [root];
  const parents: (AstNode | undefined)[] = [undefined];
  while (nodes.length) {
    const n = nodes.pop() as AstNode;
    const parent = parents.pop();
    if (enter(n, parent) === false) continue;
    const keys = KEYS[n.type] ?? Object.keys(n).filter((k) => !SKIP_KEYS.has(k));
    for (let k = keys.length - 1; k >= 0; k--) {
      const v = n[keys[k] as string];
      if (v === null || typeof v !== 'object') continue;
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) {
          const e: unknown = v[i];
          if (isNode(e)) {
            nodes.push(e);
            parents.push(n);
          }
        }
      } else if (isNode(v)) {
        nodes.push(v);
        parents.push(n);
      }
    }
  }
}

/**
 * The parent of a node: ESLint sets `parent` on every node, and `buildModule` does the same on the trees it
 * parses itself (a property is far cheaper than a Map keyed by node).
 */
export function parentOf(n: AstNode): AstNode | undefined {
  const p = n.parent;
  return isNode(p) ? p : undefined;
}

/** Strips TypeScript-only wrappers and parentheses: `x as T`, `x!`, `<T>x`, `x satisfies T`. */
export function unwrap(n: AstNode): AstNode {
  let cur = n;
  for (;;) {
    switch (cur.type) {
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'TypeCastExpression':
      case 'ParenthesizedExpression':
      case 'ChainExpression':
      case 'TSInstantiationExpression': {
        const inner = child(cur, 'expression');
        if (!inner) return cur;
        cur = inner;
        break;
      }
      default:
        return cur;
    }
  }
}

export function isFunction(n: AstNode): boolean {
  return n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression' || n.type === 'FunctionDeclaration';
}

/**
 * The one expression a function's body consists of: an arrow's expression body, or a block holding only
 * `return <expr>;` (or, with `statement`, only `<expr>;`). Undefined for anything longer.
 */
export function soleExpression(fn: AstNode, opts: { statement?: boolean } = {}): AstNode | undefined {
  const body = child(fn, 'body');
  if (!body || body.type !== 'BlockStatement') return body;
  const stmts = children(body, 'body');
  const only = stmts.length === 1 ? stmts[0] : undefined;
  if (only?.type === 'ReturnStatement') return child(only, 'argument');
  return opts.statement && only?.type === 'ExpressionStatement' ? child(only, 'expression') : undefined;
}

/** The static string of a Literal/TemplateLiteral without expressions, else undefined. */
export function staticString(n: AstNode | undefined): string | undefined {
  if (!n) return undefined;
  const u = unwrap(n);
  if (u.type === 'Literal' && typeof u.value === 'string') return u.value;
  if (u.type === 'StringLiteral' && typeof u.value === 'string') return u.value;
  if (u.type === 'TemplateLiteral' && children(u, 'expressions').length === 0) {
    const q = children(u, 'quasis')[0];
    const cooked = q ? (q.value as { cooked?: unknown } | undefined)?.cooked : undefined;
    return typeof cooked === 'string' ? cooked : undefined;
  }
  return undefined;
}

/** Name of an Identifier, or undefined. */
export function identName(n: AstNode | undefined): string | undefined {
  if (!n) return undefined;
  const u = unwrap(n);
  return u.type === 'Identifier' && typeof u.name === 'string' ? u.name : undefined;
}

/** The key of a Property/MethodDefinition when static (`a`, `'a'`, `['a']`). */
export function propertyKey(p: AstNode): string | undefined {
  const key = child(p, 'key');
  if (!key) return undefined;
  if (p.computed) return staticString(key);
  if (key.type === 'Identifier') return key.name as string;
  const s = staticString(key);
  if (s !== undefined) return s;
  if (key.type === 'Literal' && typeof key.value === 'number') return String(key.value);
  return undefined;
}

/** `obj.prop` / `obj['prop']` property name when static. */
export function memberName(n: AstNode): string | undefined {
  const u = unwrap(n);
  if (u.type !== 'MemberExpression') return undefined;
  const prop = child(u, 'property');
  if (!prop) return undefined;
  if (!u.computed && prop.type === 'Identifier') return prop.name as string;
  if (!u.computed && prop.type === 'PrivateIdentifier') return undefined;
  return staticString(prop);
}

/** For `a.b.c(...)`: ['a', 'b', 'c'] when every part is static, else undefined. */
export function calleePath(n: AstNode): string[] | undefined {
  const u = unwrap(n);
  if (u.type === 'Identifier') return [u.name as string];
  if (u.type === 'ThisExpression') return ['this'];
  if (u.type === 'MemberExpression') {
    const obj = child(u, 'object');
    const name = memberName(u);
    if (!obj || name === undefined) return undefined;
    const base = calleePath(obj);
    return base ? [...base, name] : undefined;
  }
  return undefined;
}

/** Arguments of a call, with spread arguments kept as nodes. */
export function args(call: AstNode): AstNode[] {
  return children(call, 'arguments');
}
