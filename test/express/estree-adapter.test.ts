/**
 * The Babel → ESTree adapter (`babelToEstree`) must give exactly the tree Babel's `estree` plugin gives: the
 * Express extractor was written and tested against that shape. A corpus of real files (this repository's
 * fixtures, examples and tests, and a few hundred files of installed packages) is parsed both ways and the
 * trees are compared node by node; unit cases pin each conversion; sabotaged trees prove the comparison fails.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as babelParse } from '@babel/parser';
import { visitorKeys } from '@typescript-eslint/visitor-keys';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isNode, walk, type AstNode } from '../../src/extractors/express/ast.js';
import { BABEL_CHILD_KEYS } from '../../src/extractors/express/babel-keys.js';
import { babelToEstree } from '../../src/extractors/express/estree.js';
import { parseModule, parserOptions } from '../../src/extractors/express/parse.js';
import { runs, SEED } from '../robustness/support.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// ---------------------------------------------------------------------------------------------------------
// Parsing both ways
// ---------------------------------------------------------------------------------------------------------

interface Side {
  program?: AstNode;
  errors: string[];
  thrown?: string;
}

function errorsOf(file: { errors?: unknown }): string[] {
  return ((file.errors ?? []) as { message: string; pos?: number }[]).map((e) => `${e.pos ?? '?'}: ${e.message}`);
}

/** Babel with its `estree` plugin: the reference. */
function parseWithPlugin(file: string, text: string): Side {
  const opts = parserOptions(file);
  try {
    const f = babelParse(text, { ...opts, plugins: ['estree', ...(opts.plugins ?? [])] });
    return { program: f.program as unknown as AstNode, errors: errorsOf(f) };
  } catch (e) {
    return { errors: [], thrown: String((e as Error).message) };
  }
}

/** Babel alone; `check` sees the raw tree before the adapter converts it. */
function parseWithAdapter(file: string, text: string, check?: (raw: AstNode) => void): Side {
  try {
    const f = babelParse(text, parserOptions(file));
    const raw = f.program as unknown as AstNode;
    check?.(raw);
    return { program: babelToEstree(raw, text), errors: errorsOf(f) };
  } catch (e) {
    return { errors: [], thrown: String((e as Error).message) };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Comparing trees
// ---------------------------------------------------------------------------------------------------------

/**
 * Properties the plugin adds only for typescript-eslint (`fillOptionalPropertiesForTSESLint`, by node type),
 * always with an empty default: missing on the adapter's side is fine when the plugin's value is that default.
 */
const FILL_PATTERN = ['decorators', 'optional', 'typeAnnotation'];
const FILL_FUNCTION = ['declare', 'returnType', 'typeParameters'];
const FILL_SIGNATURE = ['accessibility', 'readonly', 'static'];
const FILL_METHOD = ['accessibility', 'decorators', 'override', 'optional'];
const FILL_CLASS = ['abstract', 'declare', 'decorators', 'implements', 'superTypeArguments', 'typeParameters'];
const TSESLINT_FILL: Readonly<Record<string, readonly string[]>> = {
  ImportDeclaration: ['phase'],
  ExpressionStatement: ['directive'],
  RestElement: ['value', ...FILL_PATTERN],
  Identifier: FILL_PATTERN,
  ArrayPattern: FILL_PATTERN,
  AssignmentPattern: FILL_PATTERN,
  ObjectPattern: FILL_PATTERN,
  TSParameterProperty: ['accessibility', 'decorators', 'override', 'readonly', 'static'],
  TSDeclareFunction: FILL_FUNCTION,
  FunctionDeclaration: FILL_FUNCTION,
  FunctionExpression: FILL_FUNCTION,
  Property: ['optional'],
  TSMethodSignature: ['optional', ...FILL_SIGNATURE],
  TSPropertySignature: ['optional', ...FILL_SIGNATURE],
  TSIndexSignature: FILL_SIGNATURE,
  MethodDefinition: FILL_METHOD,
  ClassExpression: ['id', ...FILL_CLASS],
  ClassDeclaration: FILL_CLASS,
  TSTypeAliasDeclaration: ['declare'],
  VariableDeclaration: ['declare'],
  VariableDeclarator: ['definite'],
  TSEnumDeclaration: ['const', 'declare'],
  TSEnumMember: ['computed'],
  TSImportType: ['qualifier', 'options'],
  TSInterfaceDeclaration: ['declare', 'extends'],
  TSMappedType: ['optional', 'readonly'],
  TSModuleDeclaration: ['declare', 'global'],
  TSTypeParameter: ['const', 'in', 'out'],
};

function isFilled(node: AstNode, key: string): boolean {
  if (!TSESLINT_FILL[node.type]?.includes(key)) return false;
  const v = node[key];
  if (key === 'global') return v === (node.kind === 'global');
  return v === undefined || v === null || v === false || (Array.isArray(v) && v.length === 0);
}

/** Not compared as properties: positions and `extra` are compared on their own, comments are counted apart. */
const SKIP = new Set(['type', 'start', 'end', 'loc', 'range', 'parent', 'extra', 'leadingComments', 'trailingComments', 'innerComments']);
const COMMENTS = ['leadingComments', 'trailingComments', 'innerComments'] as const;

interface Position {
  line: number;
  column: number;
  index: number;
}

function posText(p: Position | undefined): string {
  return p ? `${p.line}:${p.column}@${p.index}` : 'none';
}

interface Report {
  files: number;
  nodes: number;
  diffs: string[];
  /** Where comments are attached differently (cors-lint does not read them; counted apart). */
  commentDiffs: string[];
}

function newReport(): Report {
  return { files: 0, nodes: 0, diffs: [], commentDiffs: [] };
}

function scalarEqual(a: unknown, b: unknown): boolean {
  if (a instanceof RegExp || b instanceof RegExp) return String(a) === String(b) && a instanceof RegExp === b instanceof RegExp;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => scalarEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return Object.is(a, b);
}

/** Keys holding child nodes, in enumeration order (what a walker without a key table visits). */
function childKeyOrder(n: AstNode): string[] {
  return Object.keys(n).filter((k) => !SKIP.has(k) && (isNode(n[k]) || (Array.isArray(n[k]) && (n[k] as unknown[]).some(isNode))));
}

const KNOWN: Readonly<Record<string, readonly string[] | undefined>> = visitorKeys;

/**
 * Compares two trees node by node (type, start, end, loc, every property; child nodes in the same order).
 * Differences go to `report.diffs` as readable lines.
 */
function compareTrees(file: string, expected: AstNode, actual: AstNode, report: Report): void {
  const stack: [AstNode, AstNode, string][] = [[expected, actual, 'Program']];
  const diff = (where: string, what: string) => report.diffs.push(`${file} ${where}: ${what}`);
  while (stack.length) {
    const [e, a, where] = stack.pop() as [AstNode, AstNode, string];
    report.nodes++;
    if (e.type !== a.type) {
      diff(where, `type ${e.type} ≠ ${a.type} (at ${e.start})`);
      continue;
    }
    const here = `${where}<${e.type}@${e.start}>`;
    if (e.start !== a.start || e.end !== a.end) diff(here, `range ${e.start}-${e.end} ≠ ${a.start}-${a.end}`);
    const el = e.loc as { start?: Position; end?: Position; filename?: string } | undefined;
    const al = a.loc as { start?: Position; end?: Position; filename?: string } | undefined;
    for (const side of ['start', 'end'] as const) {
      if (posText(el?.[side]) !== posText(al?.[side])) diff(here, `loc.${side} ${posText(el?.[side])} ≠ ${posText(al?.[side])}`);
    }
    if (el?.filename !== al?.filename) diff(here, `loc.filename ${el?.filename} ≠ ${al?.filename}`);
    if (!scalarEqual(e.extra, a.extra)) diff(here, `extra ${JSON.stringify(e.extra)} ≠ ${JSON.stringify(a.extra)}`);
    for (const k of COMMENTS) {
      const ce = ((e[k] ?? []) as { start: number }[]).map((c) => c.start).join(',');
      const ca = ((a[k] ?? []) as { start: number }[]).map((c) => c.start).join(',');
      if (ce !== ca) report.commentDiffs.push(`${file} ${here}: ${k} [${ce}] ≠ [${ca}]`);
    }
    // Child order matters where a walker enumerates properties (types the visitor-keys table does not know).
    if (!KNOWN[e.type]) {
      const oe = childKeyOrder(e).join(',');
      const oa = childKeyOrder(a).join(',');
      if (oe !== oa) diff(here, `child key order [${oe}] ≠ [${oa}]`);
    }
    const keys = new Set([...Object.keys(e), ...Object.keys(a)]);
    const pairs: [AstNode, AstNode, string][] = [];
    for (const k of keys) {
      if (SKIP.has(k)) continue;
      const inE = Object.hasOwn(e, k);
      const inA = Object.hasOwn(a, k);
      const ev = e[k];
      const av = a[k];
      if (!inA) {
        if (!isFilled(e, k)) diff(here, `missing .${k} (plugin has ${JSON.stringify(ev)})`);
        continue;
      }
      if (!inE) {
        diff(here, `extra .${k} = ${JSON.stringify(av)}`);
        continue;
      }
      if (isNode(ev) || isNode(av)) {
        if (isNode(ev) && isNode(av)) pairs.push([ev, av, `${here}.${k}`]);
        else diff(here, `.${k}: ${isNode(ev) ? ev.type : JSON.stringify(ev)} ≠ ${isNode(av) ? av.type : JSON.stringify(av)}`);
      } else if (Array.isArray(ev) || Array.isArray(av)) {
        if (!Array.isArray(ev) || !Array.isArray(av) || ev.length !== av.length) {
          diff(here, `.${k}: array length ${Array.isArray(ev) ? ev.length : '-'} ≠ ${Array.isArray(av) ? av.length : '-'}`);
          continue;
        }
        ev.forEach((x: unknown, i: number) => {
          const y: unknown = av[i];
          if (isNode(x) && isNode(y)) pairs.push([x, y, `${here}.${k}[${i}]`]);
          else if (isNode(x) || isNode(y) || !scalarEqual(x, y)) diff(here, `.${k}[${i}] differs`);
        });
      } else if (!scalarEqual(ev, av)) {
        diff(here, `.${k}: ${String(ev)} ≠ ${String(av)}`);
      }
    }
    for (let i = pairs.length - 1; i >= 0; i--) stack.push(pairs[i] as [AstNode, AstNode, string]);
  }
}

/** Parses `text` both ways and compares everything: the error lists and the trees. Returns the adapter's side. */
function compareFile(file: string, text: string, report: Report, check?: (raw: AstNode) => void): Side {
  const e = parseWithPlugin(file, text);
  const a = parseWithAdapter(file, text, check);
  report.files++;
  if (e.thrown !== a.thrown) report.diffs.push(`${file}: thrown ${e.thrown} ≠ ${a.thrown}`);
  if (e.errors.join('\n') !== a.errors.join('\n')) report.diffs.push(`${file}: errors [${e.errors.join('; ')}] ≠ [${a.errors.join('; ')}]`);
  if (e.program && a.program) compareTrees(file, e.program, a.program, report);
  else if (e.program || a.program) report.diffs.push(`${file}: only one side has a program`);
  return a;
}

// ---------------------------------------------------------------------------------------------------------
// The corpus
// ---------------------------------------------------------------------------------------------------------

const SOURCE = /\.(?:[cm]?js|jsx|[cm]?ts|tsx)$/;
const MAX_BYTES = 300 * 1024;

function listFiles(dir: string, out: string[] = []): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of entries) {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) {
      if (name !== 'node_modules' && name !== '.git') listFiles(p, out);
    } else if (SOURCE.test(name) && st.size <= MAX_BYTES) out.push(p);
  }
  return out;
}

/** Every `take`-th file, so the sample spreads over the whole package. */
function sample(files: string[], max: number): string[] {
  if (files.length <= max) return files;
  const step = files.length / max;
  return Array.from({ length: max }, (_, i) => files[Math.floor(i * step)] as string);
}

function corpus(): { own: string[]; packages: string[] } {
  const own = ['fixtures', 'examples', 'test'].flatMap((d) => listFiles(path.join(ROOT, d)));
  const nm = path.join(ROOT, 'node_modules');
  const tsEslint = readdirSync(path.join(nm, '@typescript-eslint')).map((p) => path.join('@typescript-eslint', p, 'dist'));
  const roots: [string, number][] = [
    ['typescript-eslint/dist', 20],
    ...tsEslint.map((p): [string, number] => [p, 25]),
    ['eslint/lib', 80],
    ['vitest/dist', 40],
    ['express', 10],
    ['@types/node', 25],
    ['vscode-languageserver/lib', 15],
    ['fast-check/lib', 15],
  ];
  // CORS_LINT_ESTREE_CORPUS=wide: up to 150 files of every installed package (a longer local check).
  if (process.env.CORS_LINT_ESTREE_CORPUS === 'wide') {
    roots.length = 0;
    for (const name of readdirSync(nm)) {
      if (name.startsWith('.')) continue;
      const scoped = name.startsWith('@') ? readdirSync(path.join(nm, name)).map((p) => path.join(name, p)) : [name];
      for (const pkg of scoped) roots.push([pkg, 150]);
    }
  }
  const packages = roots.flatMap(([dir, max]) => sample(listFiles(path.join(nm, dir)), max));
  return { own, packages };
}

/** Babel properties the adapter handles by converting them rather than walking them. */
const LIFTED = new Set(['Program.directives', 'BlockStatement.directives']);

/** Every property of a raw Babel node that holds nodes must be in the adapter's key table. */
function checkKeyTable(raw: AstNode, missing: Set<string>): void {
  const table = BABEL_CHILD_KEYS;
  const stack: AstNode[] = [raw];
  while (stack.length) {
    const n = stack.pop() as AstNode;
    const keys = table[n.type];
    if (!keys) missing.add(`${n.type} (no entry)`);
    for (const k of Object.keys(n)) {
      if (SKIP.has(k)) continue;
      const v = n[k];
      const kids = Array.isArray(v) ? v.filter(isNode) : isNode(v) ? [v] : [];
      if (kids.length && keys && !keys.includes(k) && !LIFTED.has(`${n.type}.${k}`)) missing.add(`${n.type}.${k}`);
      stack.push(...kids);
    }
  }
}

function printReport(label: string, r: Report): void {
  console.log(`${label}: ${r.files} files, ${r.nodes} nodes compared, ${r.diffs.length} differences, ${r.commentDiffs.length} comment-attachment differences`);
  for (const d of r.diffs.slice(0, 15)) console.log(`  ${d}`);
  for (const d of r.commentDiffs.slice(0, 5)) console.log(`  (comments) ${d}`);
}

describe('babelToEstree: equivalence with the estree plugin on a corpus', () => {
  it('gives the same trees (types, offsets, locations, properties, child order) and errors on every file', () => {
    const { own, packages } = corpus();
    expect(own.length).toBeGreaterThan(50);
    expect(packages.length).toBeGreaterThan(250);
    const report = newReport();
    const missing = new Set<string>();
    for (const file of [...own, ...packages]) {
      const text = readFileSync(file, 'utf8');
      compareFile(path.relative(ROOT, file), text, report, (raw) => checkKeyTable(raw, missing));
    }
    printReport('corpus', report);
    expect([...missing], 'Babel child keys the adapter table lacks').toEqual([]);
    expect(report.nodes).toBeGreaterThan(300_000);
    expect(report.diffs.slice(0, 15)).toEqual([]);
    expect(report.commentDiffs.slice(0, 15)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Unit cases
// ---------------------------------------------------------------------------------------------------------

/** Parses a snippet both ways, expects identical trees (or the same exception), returns the adapter's side. */
function sameSide(code: string, file = 'snippet.ts'): Side {
  const report = newReport();
  const missing = new Set<string>();
  const side = compareFile(file, code, report, (raw) => checkKeyTable(raw, missing));
  expect(report.diffs).toEqual([]);
  expect(report.commentDiffs).toEqual([]);
  expect([...missing]).toEqual([]);
  return side;
}

/** Like `sameSide`, for snippets that parse. */
function same(code: string, file = 'snippet.ts'): AstNode {
  const a = sameSide(code, file);
  expect(a.program).toBeDefined();
  return a.program as AstNode;
}

/** Every node of a tree, in source order (enumerating properties: Babel keeps some children under keys the
 * typescript-eslint visitor-keys table does not list, such as TSEnumDeclaration.members). */
function nodes(root: AstNode): AstNode[] {
  const out: AstNode[] = [];
  const stack: AstNode[] = [root];
  while (stack.length) {
    const n = stack.pop() as AstNode;
    out.push(n);
    const kids: AstNode[] = [];
    for (const k of Object.keys(n)) {
      if (SKIP.has(k)) continue;
      const v = n[k];
      if (isNode(v)) kids.push(v);
      else if (Array.isArray(v)) for (const x of v) if (isNode(x)) kids.push(x);
    }
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as AstNode);
  }
  return out;
}

function find(root: AstNode, type: string, start?: number): AstNode {
  const n = nodes(root).find((x) => x.type === type && (start === undefined || x.start === start));
  expect(n, `${type}${start === undefined ? '' : `@${start}`}`).toBeDefined();
  return n as AstNode;
}

/** A compact picture of a subtree: `Type(child, child)`, enough to pin a shape. */
function shape(n: unknown): string {
  if (!isNode(n)) return String(n);
  const kids: string[] = [];
  for (const k of Object.keys(n)) {
    if (SKIP.has(k)) continue;
    const v = n[k];
    if (isNode(v)) kids.push(shape(v));
    else if (Array.isArray(v)) for (const x of v) if (isNode(x)) kids.push(shape(x));
  }
  const label = n.type === 'Identifier' ? `Identifier:${n.name as string}` : n.type === 'Literal' ? `Literal:${n.raw as string}` : n.type;
  return kids.length ? `${label}(${kids.join(', ')})` : label;
}

describe('babelToEstree: each conversion', () => {
  it('optional chains: one ChainExpression per chain, Member/Call keep `optional`', () => {
    const p = same('a?.b.c();\n(a?.b).c;\na?.[0]?.(1);\nx = a.b(c);\n');
    const [s1, s2, s3, s4] = p.body as AstNode[];
    expect(shape((s1 as AstNode).expression)).toBe('ChainExpression(CallExpression(MemberExpression(MemberExpression(Identifier:a, Identifier:b), Identifier:c)))');
    const inner = ((s1 as AstNode).expression as AstNode).expression as AstNode;
    expect([inner.optional, (inner.callee as AstNode).optional, ((inner.callee as AstNode).object as AstNode).optional]).toEqual([false, false, true]);
    expect(shape((s2 as AstNode).expression)).toBe('MemberExpression(ChainExpression(MemberExpression(Identifier:a, Identifier:b)), Identifier:c)');
    const chain2 = ((s2 as AstNode).expression as AstNode).object as AstNode;
    expect(chain2.extra).toEqual({ parenthesized: true, parenStart: 10 });
    expect(chain2.start).toBe(11);
    const c3 = ((s3 as AstNode).expression as AstNode).expression as AstNode;
    expect([c3.type, c3.optional, (c3.callee as AstNode).optional, (c3.callee as AstNode).computed]).toEqual(['CallExpression', true, true, true]);
    const call4 = ((s4 as AstNode).expression as AstNode).right as AstNode;
    expect([call4.optional, (call4.callee as AstNode).optional]).toEqual([false, false]);
  });

  it('optional chains through TypeScript: non-null, instantiation expressions, parentheses', () => {
    const p = same('a?.b!.c;\na?.b!;\n(a?.b)!;\nx = a?.b<T>;\nf(a?.b<T>());\nnew (a?.b)();\nclass C extends a?.b<T> {}\n');
    const [s1, s2, s3, s4] = p.body as AstNode[];
    expect(shape((s1 as AstNode).expression)).toBe('ChainExpression(MemberExpression(TSNonNullExpression(MemberExpression(Identifier:a, Identifier:b)), Identifier:c))');
    expect(shape((s2 as AstNode).expression)).toBe('ChainExpression(TSNonNullExpression(MemberExpression(Identifier:a, Identifier:b)))');
    expect(shape((s3 as AstNode).expression)).toBe('TSNonNullExpression(ChainExpression(MemberExpression(Identifier:a, Identifier:b)))');
    expect(shape(((s4 as AstNode).expression as AstNode).right)).toBe('TSInstantiationExpression(ChainExpression(MemberExpression(Identifier:a, Identifier:b)), TSTypeParameterInstantiation(TSTypeReference(Identifier:T)))');
  });

  it('object members: Property for values, shorthands and methods (FunctionExpression values)', () => {
    const code = 'obj = { m() {}, get x() { return 1 }, [k]: 1, s, async *[(a)] /*(*/ (b) {}, "q"() {} }';
    const p = same(code, 'snippet.js');
    const props = find(p, 'ObjectExpression').properties as AstNode[];
    expect(props.map((x) => [x.type, x.kind, x.method, x.shorthand, x.computed])).toEqual([
      ['Property', 'init', true, false, false],
      ['Property', 'get', false, false, false],
      ['Property', 'init', false, false, true],
      ['Property', 'init', false, true, false],
      ['Property', 'init', true, false, true],
      ['Property', 'init', true, false, false],
    ]);
    const fns = props.map((x) => x.value as AstNode);
    expect(fns[0]?.type).toBe('FunctionExpression');
    expect(fns[0]?.start).toBe(code.indexOf('() {}'));
    expect(fns[4]?.start).toBe(code.indexOf('(b)'));
    expect([fns[4]?.async, fns[4]?.generator, fns[4]?.expression]).toEqual([true, true, false]);
  });

  it('class members: MethodDefinition with FunctionExpression values (type parameters start the function)', () => {
    const code = 'class A { constructor() {} static async *g() {} #p() {} get v() {} m<T>(x: T) {} o?(): void; abstract q(): void; [k]() {} @d r() {} }';
    const p = same(code);
    const members = find(p, 'ClassBody').body as AstNode[];
    expect(members.map((m) => [m.type, m.kind, m.static, m.computed])).toEqual([
      ['MethodDefinition', 'constructor', false, false],
      ['MethodDefinition', 'method', true, false],
      ['MethodDefinition', 'method', false, false],
      ['MethodDefinition', 'get', false, false],
      ['MethodDefinition', 'method', false, false],
      ['MethodDefinition', 'method', false, false],
      ['MethodDefinition', 'method', false, false],
      ['MethodDefinition', 'method', false, true],
      ['MethodDefinition', 'method', false, false],
    ]);
    const fns = members.map((m) => m.value as AstNode);
    expect(fns.every((f) => f.type === 'FunctionExpression')).toBe(true);
    expect(fns[4]?.start).toBe(code.indexOf('<T>'));
    expect(fns[4]?.typeParameters).toBeDefined();
    expect(members[4]?.typeParameters).toBeUndefined();
    expect(fns[5]?.body).toBeUndefined(); // o?(): void; — no body, as in the plugin
    expect(fns[5]?.start).toBe(code.indexOf('(): void; abstract'));
    expect(members[6]?.abstract).toBe(true);
  });

  it('multi-line methods: the FunctionExpression location counts lines', () => {
    same('class A {\n  [\n    k // (\n  ]\r\n  /* ( */ (a,\n b) {}\n}\nx = {\n  m\u2028() {}\n}\n', 'snippet.js');
  });

  it('directives become ExpressionStatements with `directive`', () => {
    const p = same("'use strict';\nfunction f() { 'use strict'; \"a\\x41\"; return 1 }\n", 'snippet.js');
    const first = (p.body as AstNode[])[0] as AstNode;
    expect([first.type, first.directive, shape(first.expression)]).toEqual(['ExpressionStatement', 'use strict', "Literal:'use strict'"]);
    expect(p.directives).toBeUndefined();
    const body = (find(p, 'FunctionDeclaration').body as AstNode).body as AstNode[];
    expect(body.map((s) => s.directive)).toEqual(['use strict', 'a\\x41', undefined]);
    expect((body[1]?.expression as AstNode).value).toBe('aA');
  });

  it('import(), export * as, export *', () => {
    const p = same("import('x');\nimport('y', { with: { type: 'json' } });\nexport * as ns from 'm';\nexport * from 'n';\nexport { a as 'b' } from 'o';\n");
    const [i1, i2, e1, e2] = p.body as AstNode[];
    expect(shape((i1 as AstNode).expression)).toBe("ImportExpression(Literal:'x')");
    const ie = (i2 as AstNode).expression as AstNode;
    expect(ie.options).toBe(ie.attributes);
    expect([e1?.type, shape(e1?.exported)]).toEqual(['ExportAllDeclaration', 'Identifier:ns']);
    expect([e2?.type, e2?.exported]).toEqual(['ExportAllDeclaration', null]);
  });

  it('decorated class exports start at `export`, as in the plugin', () => {
    const code = '@dec /* c */\nexport class A {}\n@a @b() export default class {}\n';
    const p = same(code);
    expect((p.body as AstNode[]).map((s) => s.start)).toEqual([code.indexOf('export class'), code.indexOf('export default')]);
  });

  it('literals: value and raw, regex and bigint', () => {
    const p = same('x = ["s", 1.5e3, 0x10n, /a+b/giu, /(?<a)/, true, null, 0o7, \'\\u0041\', (1)];', 'snippet.js');
    const els = find(p, 'ArrayExpression').elements as AstNode[];
    expect(els.map((e) => e.type)).toEqual(Array(10).fill('Literal'));
    expect(els.map((e) => e.raw)).toEqual(['"s"', '1.5e3', '0x10n', '/a+b/giu', '/(?<a)/', 'true', 'null', '0o7', "'\\u0041'", '1']);
    expect([els[1]?.value, els[2]?.value, els[2]?.bigint, els[8]?.value]).toEqual([1500, 16n, '16', 'A']);
    expect(els[3]?.value).toBeInstanceOf(RegExp);
    expect(els[3]?.regex).toEqual({ pattern: 'a+b', flags: 'giu' });
    expect(els[4]?.value).toBeNull(); // an invalid pattern
    expect(els[9]?.extra).toEqual({ parenthesized: true, parenStart: els[9]?.start as number - 1 });
    expect(els.every((e) => e.extra === undefined || !('raw' in (e.extra as object)))).toBe(true);
  });

  it('JSX attribute strings', () => {
    const p = same('const e = <div className="a" title=\'b\' {...p}>t{"x"}</div>;', 'snippet.jsx');
    expect(nodes(p).filter((n) => n.type === 'Literal').map((n) => n.raw)).toEqual(['"a"', "'b'", '"x"']);
  });

  it('TypeScript: enums, `as`, literal types, import types, parameter properties', () => {
    const p = same("enum E { A = 'a', 'b c' = 2 }\nconst x = y as 'k' | 1;\ntype T = import('m').U<-1>;\nclass C { constructor(private readonly a: 'x' = 'x') {} }\n");
    expect(nodes(p).filter((n) => n.type === 'Literal').map((n) => n.raw)).toEqual(["'a'", "'b c'", '2', "'k'", '1', "'m'", '1', "'x'", "'x'"]);
  });

  it('functions get `expression`', () => {
    const p = same('f = (a) => a; g = async () => { return 1 }; function h() {}', 'snippet.js');
    expect(nodes(p).filter((n) => /Function/.test(n.type)).map((n) => n.expression)).toEqual([true, false, false]);
  });

  it('typical code with syntax errors gives the same errors and partial trees', () => {
    const codes = ['a?.b`x`;', 'new a?.b();', 'x = { get a(b) {} };', 'class A { constructor<T>() {} }', 'import(a, b, c);', '({ m() {} } = x);', 'f(a?.b = 1);', 'x = { a: 1 ', 'abstract class A { abstract m() {} }'];
    const sides = codes.map((code) => sameSide(code));
    expect(sides.filter((s) => s.errors.length > 0 || s.thrown).length).toBe(codes.length);
    expect(sides.filter((s) => s.program).length).toBeGreaterThan(codes.length / 2);
  });

  it('JS and TSX files, decorators on members and parameters', () => {
    same("class A { @dec() m(@inject('x') a) {} @b static #q = 1; static { 'no directive here'; } }", 'snippet.js');
    same('const C = <T,>(p: { a?: string }) => <div data-x="1">{p.a ?? "none"}</div>;', 'snippet.tsx');
  });
});

/** Syntax the corpus may not contain: each snippet must parse the same both ways. */
const CATALOGUE: [string, string][] = [
  // optional chains
  ['snippet.js', 'a?.b?.c; a?.(); a?.b()(); (a?.b)(); (a?.b)?.c; delete a?.b; a?.[b?.c]; f?.(a?.b); x = a?.b ?? c?.d; `${a?.b}`;'],
  ['snippet.js', 'async?.(); this?.a; class A extends B { m() { return super.a?.b } }; new a?.b?.(); a?.b.c.d?.e.f(g)?.h;'],
  ['snippet.ts', 'a?.b.c!.d; a!?.b; a?.b<T>(); a?.b!<T>(); a?.b as T; (<T>a)?.b; a?.b satisfies T; a?.b!!; x = a?.b<T>.c; f(a?.b<T>);'],
  ['snippet.ts', 'a?.b`x`; a?.b<T>`x`; new a?.b<T>(); class C extends (a?.b) {}; x = (a?.b)!.c; x = ((a?.b))?.c;'],
  ['snippet.ts', 'new a?.b?.<T>(); new a?.b /* c */ ?. /* d */ <T>(); new a?.b?.(); x = a?.b /* x */ <T>; y = a?.b /* y */ <T> /* z */;'],
  ['snippet.ts', 'f(a?.b<T> /* a */, /* b */ c); g(/* c */ a?.b<T> /* d */ /* e */); x = a?.b<T> /* f */ + 1; y = [a?.b<T> /* g */]; z = a?.b<T>/* h */\n/* i */w();'],
  // methods and properties
  ['snippet.js', "x = { 1() {}, 'a'() {}, 1n() {}, [`t`]() {}, async a() {}, *g() {}, get [k]() {}, set v(a) {}, __proto__: null, 'q': 1, 2: 3 };"],
  ['snippet.js', "class A { 'constructor'() {} static get [Symbol.species]() {} async *[Symbol.asyncIterator]() {} static async m() {} static #s() {} get #g() {} set #g(v) {} static { this.x = 1 } }"],
  ['snippet.ts', 'class A<T> extends B<T> implements C, D<E> { private readonly x: number = 1; declare y: string; override m(): void {} protected static async *g<U>(this: A<T>, u?: U): AsyncGenerator<U> {} public constructor(public a: string, @Inject() private b?: number) { super() } }'],
  ['snippet.ts', 'abstract class A { abstract m(): void; abstract get x(): number; m(a: string): void; m(a: number): void; m(a: any) {} [k: string]: unknown; m2?<T>(): T; #p?(): void; }'],
  ['snippet.ts', 'class A { [k /* ) ] */]() {} m /* c */ ( /* d */ ) {} n\n\n<T>\n(x: T) {} }'],
  ['snippet.ts', 'x = { m<T>(x: T): T { return x }, get a(): number { return 1 }, set a(v: number) {} };'],
  // directives
  ['snippet.js', "#!/usr/bin/env node\n'use strict';\n// c\n'use asm'\n;function f() { /* a */ 'a'; 'b'\n 'c'; x }\n() => { 'use strict'; };\nclass A { static { 'not a directive' } }\n('not either');"],
  ['snippet.ts', "namespace N { 'not a directive'; }\ndeclare module 'm' { 'x' }\nfunction f() { 'use strict'; }"],
  // modules
  ['snippet.ts', "export { default } from 'x'; export { a as default, b as 'c d' }; export default function () {} export type * from 'y'; export type * as t from 'z';"],
  ['snippet.ts', "import x = require('y'); export import A = B.C; export = x; export as namespace N; import type { T } from 't'; import { type U, 'v w' as v } from 'u';"],
  ['snippet.js', "import a from 'x' with { type: 'json' }; export * from 'x' with { type: 'json' }; export * as ns from 'x' with { type: 'json' }; import.meta.url; const m = await import('x', { with: { type: 'json' } });"],
  ['snippet.ts', '@dec export abstract class A {}\n@dec export declare class B {}\nexport @dec class C {}\n@a.b(c) @(d) export default class D {}'],
  // literals
  ['snippet.js', "x = ['\\0', 010, 08, 1_000, .5, 5., 0b1010, 0O17, 1e-7, 'a\\\nb', '\\u{1F600}', '\\uD800', 0xFFn, 1_0n, /[/]/, /(?<a>x)\\k<a>/v, /a/dgimsuy, \"'\", \"\\x41\"];"],
  ['snippet.js', 'x = (null); y = ((true)); z = (/a/); w = ("s"); v = (1n);'],
  // TypeScript declarations and types
  ['snippet.ts', "enum E { 'a-b' = 1, C = 'c'.length, D = C << 1 } const enum F { A } declare enum G { B = 2 }"],
  ['snippet.ts', "declare module 'foo' { export const x: 1; } declare global { interface Window { a: 'b' } } namespace A.B.C { export const d = -1; } declare function f(a: 1 | 'x'): void; declare const c: unique symbol;"],
  ['snippet.ts', "type A = `x${string}y`; type B = A extends `${infer P}y` ? P : never; type C = { readonly [K in keyof T]?: T[K] }; type D = typeof import('x'); type E = new () => void; type F = abstract new () => void; type G = [a: 1, b?: '2', ...c: 3n[]]; let h: asserts x is string; type I = -1 | 1n | true | null | undefined | void;"],
  ['snippet.ts', 'function f(this: Window, a?: number, ...b: string[]): asserts a {} let x = <T,>(a: T) => a; let y = async <T,>(a: T): Promise<T> => a; let z = f<string>; accessor;'],
  // JSX
  ['snippet.jsx', 'x = <><a:b c:d="e" {...f} g h={1}>text &amp; more{/* c */}{...i}</a:b><J.K.L m="&quot;" /></>;'],
  ['snippet.tsx', "const A = <T,>(p: T) => <div<string> title='t' data-x=\"1\">{p as any}{`x`}\n  lines\n</div>;"],
  // line terminators and positions
  ['snippet.js', 'class A {\r\n  m\u2028 () {}\u2029  [\r\n  k\r\n]\r\n() {}\n}\r\nx = a\r\n?.b;\r\n"use strict"'],
  ['snippet.ts', '\ufeffclass A { m(): void\n  n(): void }'],
  // comments around the nodes the adapter creates
  ['snippet.ts', 'x = /* a */ a?.b /* b */;\nf(/* c */ a?.b<T> /* d */);\ny = (/* e */ a?.b /* f */);\nclass A { /* g */ m /* h */ ( /* i */ ) /* j */ {} /* k */ }\nz = { /* l */ async /* m */ * /* n */ [k] /* o */ () {} };\n/* p */ @d /* q */ export /* r */ class B {}\n'],
];

describe('babelToEstree: a catalogue of syntax', () => {
  it.each(CATALOGUE)('%s: %s', (file, code) => {
    sameSide(code, file);
  });
});

/**
 * Fixtures edited at random: statements that exercise every conversion spliced in at line starts, and junk
 * spliced in anywhere or text cut out (Babel's error recovery builds odd trees, which must match too).
 */
describe('babelToEstree: edited and broken sources', () => {
  const seeds = ['fixtures', 'examples'].flatMap((d) => listFiles(path.join(ROOT, d))).map((f) => [f, readFileSync(f, 'utf8')] as const);
  const STATEMENTS = [
    'a?.b!.c(d?.[0]);', 'x = (a?.b)?.c ?? f?.(1)?.g;', 'x = { m() {}, get y() { return 1 }, [k]: 1, s, async *[z]() {} };',
    'class Q extends R { #p() {} static async *g() {} constructor() { super(); } get v() { return this.#p?.() } }',
    "'use strict';", "function f() { 'use strict'; return 1 }", "export * as ns from 'm';", "export * from 'n';", "import('x').then(() => 0);",
    '@d export class Z {}', 'y = [/re/g, 1n, null, true, 0x1f, "s", `t${u}`];', 'x = <div a="b">t{c?.d}</div>;',
    'x = a?.b<T>;', 'enum E { A = "a", B = 1 }', 'let v = w as unknown as "lit";', 'x = a?.b`q`;', 'x = import.meta?.url;',
  ];
  const JUNK = ['?.', '?.(', '!', '<T>', '(', ')', '{', '}', '[', ']', '@d ', 'export ', 'import(', '/* c */', '// c\n', '`', '"', ';', ',', 'async ', '#p', '=>'];
  const edit = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('statement' as const), at: fc.nat(), piece: fc.constantFrom(...STATEMENTS) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('junk' as const), at: fc.nat(), piece: fc.constantFrom(...JUNK) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 30 }) }) },
  );
  it('parse the same both ways (same errors, same trees or partial trees)', () => {
    const report = newReport();
    let programs = 0;
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.constantFrom('.js', '.ts', '.tsx'), fc.array(edit, { minLength: 1, maxLength: 4 }), (i, ext, edits) => {
        let text = (seeds[i] as readonly [string, string])[1];
        for (const e of edits) {
          const at = text.length ? e.at % text.length : 0;
          if (e.kind === 'cut') text = text.slice(0, at) + text.slice(at + e.len);
          else if (e.kind === 'junk') text = text.slice(0, at) + e.piece + text.slice(at);
          else {
            const line = text.lastIndexOf('\n', at) + 1;
            text = `${text.slice(0, line)}${e.piece}\n${text.slice(line)}`;
          }
        }
        const before = report.diffs.length + report.commentDiffs.length;
        const file = `edited${ext}`;
        if (compareFile(file, text, report).program) programs++;
        return report.diffs.length + report.commentDiffs.length === before;
      }),
      { seed: SEED, numRuns: runs(200) },
    );
    // Many edited files still give a tree (otherwise the comparison would prove little).
    console.log(`edited sources: ${report.files} files, ${programs} with a tree, ${report.nodes} nodes compared`);
    expect(programs).toBeGreaterThan(report.files / 3);
  });
});

describe('babelToEstree: deep input and the comparison itself', () => {
  it('a name declared twice is a scope error, not a parse error: the tree is kept and nothing is reported', () => {
    const m = parseModule('dup.ts', "import { A } from 'next';\nimport { A } from 'next';\napp.use(cors());\n");
    expect(m.errors).toEqual([]);
    expect((m.program as AstNode & { body: unknown[] }).body).toHaveLength(3);
    // A real syntax error still is one.
    expect(parseModule('bad.ts', 'const = 1;\n').errors.map((e) => e.message)).toEqual([expect.stringMatching(/^Parsing error: /)]);
  });

  it('converts trees nested tens of thousands deep without recursion', () => {
    const N = 50_000;
    const members = `x = a${'.b'.repeat(N)};`;
    const optional = `x = a${'?.b!'.repeat(N)};`;
    for (const [code, file] of [[members, 'deep.js'], [optional, 'deep.ts']] as const) {
      const m = parseModule(file, code);
      expect(m.errors).toEqual([]);
      let count = 0;
      let chains = 0;
      let babelOnly = 0;
      walk(m.program as AstNode, (n) => {
        count++;
        if (n.type === 'ChainExpression') chains++;
        if (n.type.startsWith('Optional')) babelOnly++;
      });
      expect(count).toBeGreaterThan(N);
      expect([chains, babelOnly]).toEqual([file === 'deep.ts' ? 1 : 0, 0]);
    }
  });

  it('notices when a tree differs from the plugin\'s (sabotaged conversions)', () => {
    const code = "'use strict';\nconst o = { m() {}, k: a?.b.c, [n]: 1 };\nclass A { x = 1; #p() {} }\nimport('x');\nexport * from 'y';\n";
    const sabotage: [string, (p: AstNode) => void][] = [
      ['a ChainExpression unwrapped', (p) => {
        walk(p, (n) => {
          for (const k of Object.keys(n)) {
            const v = n[k];
            if (isNode(v) && v.type === 'ChainExpression') n[k] = v.expression;
          }
        });
      }],
      ['a Property kind changed', (p) => void (find(p, 'Property').kind = 'get')],
      ['`optional` dropped from a member', (p) => void delete find(p, 'MemberExpression').optional],
      ['a method function starting one later', (p) => void ((find(p, 'FunctionExpression').start as number)++)],
      ['a directive left out', (p) => void (p.body as AstNode[]).shift()],
      ['a literal without raw', (p) => void delete find(p, 'Literal').raw],
      ['a child key order changed (a type walked by enumeration)', (p) => {
        const prop = find(p, 'ClassProperty');
        const key = prop.key;
        delete prop.key;
        prop.key = key;
      }],
      ['`exported: null` missing', (p) => void delete find(p, 'ExportAllDeclaration').exported],
    ];
    for (const [what, spoil] of sabotage) {
      const e = parseWithPlugin('s.ts', code);
      const a = parseWithAdapter('s.ts', code);
      spoil(a.program as AstNode);
      const report = newReport();
      compareTrees('s.ts', e.program as AstNode, a.program as AstNode, report);
      expect(report.diffs.length, what).toBeGreaterThan(0);
    }
  });
});
