/**
 * Babel AST → ESTree, in place: the shape Babel 7's `estree` plugin produces, without the plugin's cost (it
 * redefines `loc.start.index`/`loc.end.index` as non-enumerable on every node, which makes parsing two to three
 * times slower). `parseModule` parses with Babel alone and runs this once over the tree.
 *
 * What changes (each mirrors a method of the plugin's ESTreeParserMixin in @babel/parser 7):
 * - String/Numeric/Boolean/Null/BigInt/RegExp/Decimal literals become `Literal` with `raw` (plus `regex`,
 *   `bigint`, `decimal`); their `extra` goes (only a later `parenthesized` mark is kept, as the plugin does).
 *   JSXText, which Babel parses the same way, gets `raw` and loses `extra` too.
 * - Directives become `ExpressionStatement { expression: Literal, directive }` at the front of `body`.
 * - ObjectProperty → Property (kind 'init'); ObjectMethod → Property whose value is a FunctionExpression;
 *   ClassMethod, ClassPrivateMethod and TSDeclareMethod → MethodDefinition with a FunctionExpression value
 *   (starting at its type parameters, else at the `(` of its parameters; no `body` when the method has none).
 * - Optional chains: OptionalMember/OptionalCall become Member/Call (keeping `optional`) and the whole chain
 *   is wrapped in a ChainExpression; plain members and calls get `optional: false`.
 * - `import(x)` → ImportExpression { source, options, attributes }.
 * - ExportAllDeclaration gets `exported: null`; `export * as ns from 'm'` becomes ExportAllDeclaration; a
 *   decorated class export (`@dec export class A {}`) starts at the `export` keyword.
 * - Every function gets `expression` (whether its body is an expression).
 * Left as Babel has them, like the plugin does without its `classFeatures` option: ClassProperty,
 * ClassPrivateProperty, ClassAccessorProperty, PrivateName. Not reproduced: the optional properties the plugin
 * adds for typescript-eslint (`decorators: []`, `optional: false`, ...) and the non-enumerable `loc` indexes.
 * Comments are re-attached where the plugin's extra nodes (method functions, chains) take them.
 *
 * The walk uses an explicit stack (no recursion), so trees nested thousands deep convert fine.
 */
import { isNode, SKIP_KEYS, walk, type AstNode } from './ast.js';
import { BABEL_CHILD_KEYS } from './babel-keys.js';

interface Position {
  line: number;
  column: number;
  index: number;
}

interface SourceLocation {
  start: Position;
  end: Position;
  filename?: string;
  identifierName?: string;
}

interface Comment {
  start: number;
  end: number;
}

interface Extra {
  raw?: string;
  rawValue?: unknown;
  expressionValue?: unknown;
  parenthesized?: boolean;
  parenStart?: number;
  [key: string]: unknown;
}

/** Properties of a Babel method that belong to the FunctionExpression in ESTree. */
const FUNCTION_KEYS = new Set(['id', 'generator', 'async', 'params', 'returnType', 'body', 'typeParameters', 'predicate']);

const COMMENT_KEYS = ['leadingComments', 'trailingComments', 'innerComments'] as const;

/**
 * Converts a Babel `Program` (parsed without the `estree` plugin) into the ESTree the plugin would have
 * produced, in place. `text` is the parsed source (a few new nodes start at a token the Babel tree does not
 * record, such as a method's `(`). Returns `program`.
 */
export function babelToEstree(program: AstNode, text: string): AstNode {
  const conv = new Converter(text);
  conv.run(program);
  return program;
}

class Converter {
  private readonly stack: AstNode[] = [];
  /** Runs of comments (offsets `from`-`to`) that the plugin attaches as `owner`'s trailing comments only. */
  private readonly strays: { owner: AstNode; from: number; to: number }[] = [];
  constructor(private readonly text: string) {}

  run(root: AstNode): void {
    const stack = this.stack;
    stack.push(root);
    while (stack.length > 0) {
      const n = stack.pop() as AstNode;
      const parentType = n.type;
      switch (parentType) {
        case 'Program':
        case 'BlockStatement':
          liftDirectives(n);
          break;
        case 'OptionalMemberExpression':
          n.type = 'MemberExpression';
          break;
        case 'MemberExpression':
          n.optional = false;
          break;
        case 'CallExpression':
        case 'OptionalCallExpression':
          if (isNode(n.callee) && n.callee.type === 'Import') toImportExpression(n);
          else if (parentType === 'OptionalCallExpression') n.type = 'CallExpression';
          else n.optional = false;
          break;
        case 'ObjectProperty':
          n.type = 'Property';
          n.kind = 'init';
          break;
        case 'FunctionDeclaration':
        case 'FunctionExpression':
        case 'ArrowFunctionExpression':
        case 'TSDeclareFunction': {
          const body = n.body;
          n.expression = isNode(body) && body.type !== 'BlockStatement';
          break;
        }
        case 'ExportAllDeclaration':
          n.exported = null;
          break;
        case 'ExportNamedDeclaration': {
          const specs = n.specifiers;
          if (Array.isArray(specs) && specs.length === 1 && isNode(specs[0]) && specs[0].type === 'ExportNamespaceSpecifier') {
            n.type = 'ExportAllDeclaration';
            n.exported = specs[0].exported;
            delete n.specifiers;
          }
          this.exportOfDecoratedClass(n);
          break;
        }
        case 'ExportDefaultDeclaration':
          this.exportOfDecoratedClass(n);
          break;
      }
      const keys = BABEL_CHILD_KEYS[n.type];
      if (keys !== undefined) {
        for (let k = 0; k < keys.length; k++) this.visitSlot(n, keys[k] as string, parentType);
      } else {
        for (const key of Object.keys(n)) if (!SKIP_KEYS.has(key)) this.visitSlot(n, key, parentType);
      }
    }
    if (this.strays.length > 0) this.settleStrays(root);
  }

  /** Converts the child node(s) under `n[key]` that are replaced rather than changed in place, and queues them. */
  private visitSlot(n: AstNode, key: string, parentType: string): void {
    const v = n[key];
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const c: unknown = v[i];
        if (isNode(c)) {
          const r = this.visitChild(c, parentType, key);
          if (r !== c) v[i] = r;
        }
      }
    } else if (isNode(v)) {
      const r = this.visitChild(v, parentType, key);
      if (r !== v) n[key] = r;
    }
  }

  /** Returns the node to put in the parent's slot (a new one for literals, methods and chain tops). */
  private visitChild(c: AstNode, parentType: string, key: string): AstNode {
    switch (c.type) {
      case 'StringLiteral':
      case 'NumericLiteral':
        return literal(c, c.value, rawOf(c, this.text));
      case 'BooleanLiteral':
        return literal(c, c.value, this.text.slice(c.start, c.end));
      case 'NullLiteral':
        return literal(c, null, this.text.slice(c.start, c.end));
      case 'RegExpLiteral': {
        const pattern = String(c.pattern);
        const flags = String(c.flags);
        let re: RegExp | null = null;
        try {
          re = new RegExp(pattern, flags);
        } catch {
          re = null;
        }
        const lit = literal(c, re, rawOf(c, this.text));
        lit.regex = { pattern, flags };
        return lit;
      }
      case 'BigIntLiteral': {
        const digits = String(c.value);
        let big: bigint | null = null;
        try {
          big = BigInt(digits);
        } catch {
          big = null;
        }
        const lit = literal(c, big, rawOf(c, this.text));
        lit.bigint = big !== null ? String(big) : digits;
        return lit;
      }
      case 'JSXText': {
        // Babel parses JSX text as a literal too, so the plugin gives it `raw` and drops its `extra`.
        const jt: AstNode = { type: 'JSXText', start: c.start, end: c.end, loc: c.loc, value: c.value, raw: rawOf(c, this.text) };
        copyComments(c, jt);
        return jt;
      }
      case 'DecimalLiteral': {
        const lit = literal(c, null, rawOf(c, this.text));
        lit.decimal = String(c.value);
        return lit;
      }
      case 'ObjectMethod':
      case 'ClassMethod':
      case 'ClassPrivateMethod':
      case 'TSDeclareMethod': {
        const m = this.method(c);
        this.stack.push(m);
        return m;
      }
      case 'OptionalMemberExpression':
      case 'OptionalCallExpression':
      case 'TSNonNullExpression':
      case 'TSInstantiationExpression':
      case 'TaggedTemplateExpression':
        this.stack.push(c);
        if (continuesChain(parentType, key, c) || !inOptionalChain(c)) return c;
        // `new a?.b?.<T>()` (invalid): Babel's TS plugin stops there without ending the chain.
        if (parentType === 'NewExpression' && key === 'callee' && this.optionalTypeArgumentsAt(c.end as number)) return c;
        if (c.type === 'TSInstantiationExpression') {
          // `a?.b<T>`: Babel's TS plugin ends the chain before the type arguments. The ChainExpression is
          // finished after the instantiation: the comments before it lead the chain, and those right after
          // the instantiation are settled then, as its own trailing comments.
          const chain = chainExpression(c.expression as AstNode, false);
          moveComments(c, chain, 'leadingComments');
          const next = skipTrivia(this.text, c.end as number);
          if (this.text.indexOf('/', c.end as number) < next) this.strays.push({ owner: c, from: c.end as number, to: next });
          c.expression = chain;
          return c;
        }
        return chainExpression(c, true);
      default:
        this.stack.push(c);
        return c;
    }
  }

  /**
   * Gives each stray run of comments to its owner alone, as trailing comments, taking it from wherever Babel
   * attached it (an enclosing node ending at the same offset, a following node). Rare: only chains inside
   * instantiation expressions (`a?.b<T>` followed by a comment) leave strays, so this walks the tree only then.
   */
  private settleStrays(root: AstNode): void {
    const found = new Map<AstNode, Comment[]>();
    const strayOf = (cm: Comment) => this.strays.find((s) => cm.start >= s.from && cm.end <= s.to);
    walk(root, (n) => {
      for (const k of COMMENT_KEYS) {
        const list = n[k] as Comment[] | undefined;
        if (list === undefined) continue;
        const keep: Comment[] = [];
        for (const cm of list) {
          const stray = strayOf(cm);
          if (stray === undefined) keep.push(cm);
          else {
            const mine = found.get(stray.owner) ?? [];
            if (!mine.includes(cm)) mine.push(cm);
            found.set(stray.owner, mine);
          }
        }
        if (keep.length === list.length) continue;
        if (keep.length > 0) n[k] = keep;
        else delete n[k];
      }
    });
    for (const [owner, comments] of found) owner.trailingComments = comments.sort((a, b) => a.start - b.start);
  }

  /** Whether `?.<` (with trivia between) follows `pos`. */
  private optionalTypeArgumentsAt(pos: number): boolean {
    const at = skipTrivia(this.text, pos);
    return this.text.startsWith('?.', at) && this.text.charCodeAt(skipTrivia(this.text, at + 2)) === 60;
  }

  /** ObjectMethod / ClassMethod / ClassPrivateMethod / TSDeclareMethod → Property or MethodDefinition. */
  private method(m: AstNode): AstNode {
    const babelType = m.type;
    const isObject = babelType === 'ObjectMethod';
    const typeParameters = isNode(m.typeParameters) ? m.typeParameters : undefined;
    const key = m.key as AstNode;
    // The `(` of the parameters: where the plugin starts the function (before it moves the start to the type
    // parameters, if any), which decides which comments the function gets.
    const paren = skipToParen(this.text, (typeParameters ?? key).end as number);
    const fn = this.methodFunction(m, typeParameters, paren);
    const out: AstNode = { type: isObject ? 'Property' : 'MethodDefinition', start: m.start, end: m.end, loc: m.loc };
    // Own properties only: Babel's node prototype has an enumerable `__clone`.
    for (const k of Object.keys(m)) {
      if (k === 'type' || k === 'start' || k === 'end' || k === 'loc' || FUNCTION_KEYS.has(k)) continue;
      out[k] = m[k];
    }
    out.value = fn;
    if (isObject) {
      if (out.kind === 'method') out.kind = 'init';
      out.shorthand = false;
    } else if (babelType === 'ClassPrivateMethod' || (!('computed' in out) && key.type === 'PrivateName')) {
      // The plugin marks private methods (declared ones included) as not computed.
      out.computed = false;
    }
    this.methodComments(out, key, fn, paren);
    return out;
  }

  /**
   * Comments as Babel attaches them when the function is a node of its own: those right before the `(` also
   * lead the function, and those Babel left inside the method (no neighbouring node) from the `(` on are the
   * function's.
   */
  private methodComments(out: AstNode, key: AstNode, fn: AstNode, paren: number): void {
    const inner = out.innerComments as Comment[] | undefined;
    const keyTrailing = key.trailingComments as Comment[] | undefined;
    if (inner === undefined && keyTrailing === undefined) return;
    const leading: Comment[] = [];
    const fnInner: Comment[] = [];
    const keep: Comment[] = [];
    if (keyTrailing !== undefined) for (const c of keyTrailing) if (c.end <= paren && skipTrivia(this.text, c.end) === paren) leading.push(c);
    if (inner !== undefined) {
      for (const c of inner) {
        if (c.start >= paren) fnInner.push(c);
        else if (skipTrivia(this.text, c.end) === paren) leading.push(c);
        else keep.push(c);
      }
      if (keep.length > 0) out.innerComments = keep;
      else delete out.innerComments;
    }
    if (leading.length > 0) fn.leadingComments = leading.sort((a, b) => a.start - b.start);
    if (fnInner.length > 0) fn.innerComments = fnInner;
  }

  /** The FunctionExpression of a method: from its type parameters, else its `(`, to the method's end. */
  private methodFunction(m: AstNode, typeParameters: AstNode | undefined, paren: number): AstNode {
    const mloc = m.loc as SourceLocation | undefined;
    let start: number;
    let startPos: Position | undefined;
    if (typeParameters !== undefined) {
      start = typeParameters.start as number;
      startPos = (typeParameters.loc as SourceLocation | undefined)?.start;
    } else {
      start = paren;
      const keyEnd = ((m.key as AstNode).loc as SourceLocation | undefined)?.end;
      startPos = keyEnd ? advance(this.text, keyEnd, start) : undefined;
    }
    const fn: AstNode = {
      type: 'FunctionExpression',
      start,
      end: m.end,
      loc: mloc && startPos ? makeLoc(startPos, mloc.end, mloc.filename) : undefined,
      id: m.id ?? null,
      generator: m.generator,
      async: m.async,
      expression: false,
      params: m.params,
    };
    if ('returnType' in m) fn.returnType = m.returnType;
    if ('body' in m) fn.body = m.body;
    if (typeParameters !== undefined) fn.typeParameters = typeParameters;
    return fn;
  }

  /**
   * `@dec export class A {}`: Babel starts the export at the decorator; the plugin moves its start to the
   * `export` keyword (the class keeps starting at the decorator).
   */
  private exportOfDecoratedClass(n: AstNode): void {
    const decl = n.declaration;
    if (!isNode(decl) || decl.type !== 'ClassDeclaration' || decl.start !== n.start) return;
    const decorators = decl.decorators;
    if (!Array.isArray(decorators) || decorators.length === 0) return;
    const last = decorators[decorators.length - 1] as AstNode;
    const at = skipTrivia(this.text, last.end as number);
    if (!this.text.startsWith('export', at)) return;
    n.start = at;
    const loc = n.loc as SourceLocation | undefined;
    const lastEnd = (last.loc as SourceLocation | undefined)?.end;
    if (loc && lastEnd) loc.start = advance(this.text, lastEnd, at);
  }
}

function isParenthesized(n: AstNode): boolean {
  const extra = n.extra as Extra | undefined;
  return extra !== undefined && extra.parenthesized === true;
}

/**
 * Whether `c`, in `parent[key]`, is a link of the same subscript chain as its parent (so the chain does not end
 * at `c`). Parentheses always end a chain; a ChainExpression this file created already wraps its chain.
 */
function continuesChain(parentType: string, key: string, c: AstNode): boolean {
  if (parentType === 'ChainExpression') return true;
  if (isParenthesized(c)) return false;
  switch (parentType) {
    case 'OptionalMemberExpression':
      return key === 'object';
    case 'OptionalCallExpression':
      return key === 'callee';
    case 'TSNonNullExpression':
    case 'TSInstantiationExpression':
      return key === 'expression';
    case 'TaggedTemplateExpression':
      return key === 'tag';
    default:
      return false;
  }
}

/** Whether the subscript chain ending at `c` contains an optional link (`?.`), looking down its base links. */
function inOptionalChain(c: AstNode): boolean {
  let cur: AstNode = c;
  for (;;) {
    let next: unknown;
    switch (cur.type) {
      case 'OptionalMemberExpression':
      case 'OptionalCallExpression':
        return true;
      case 'TSNonNullExpression':
      case 'TSInstantiationExpression':
        next = cur.expression;
        break;
      case 'TaggedTemplateExpression':
        next = cur.tag;
        break;
      default:
        return false;
    }
    if (!isNode(next) || isParenthesized(next)) return false;
    cur = next;
  }
}

/**
 * Wraps the top of an optional chain; a parenthesized chain's mark moves to the wrapper, as in the plugin, and
 * so do the comments around the top (`takeComments`) when the wrapper is finished right after it.
 */
function chainExpression(top: AstNode, takeComments: boolean): AstNode {
  const loc = top.loc as SourceLocation | undefined;
  const chain: AstNode = {
    type: 'ChainExpression',
    start: top.start,
    end: top.end,
    loc: loc ? makeLoc(loc.start, loc.end, loc.filename) : undefined,
    expression: top,
  };
  if (takeComments) {
    moveComments(top, chain, 'leadingComments');
    moveComments(top, chain, 'trailingComments');
  }
  const extra = top.extra as Extra | undefined;
  if (extra !== undefined && extra.parenthesized === true) {
    chain.extra = { parenthesized: true, parenStart: extra.parenStart };
    const rest: Extra = {};
    let any = false;
    for (const k in extra) {
      if (k === 'parenthesized' || k === 'parenStart') continue;
      rest[k] = extra[k];
      any = true;
    }
    if (any) top.extra = rest;
    else delete top.extra;
  }
  return chain;
}

/** A Literal replacing a Babel literal node; `extra` keeps only a parenthesized mark (raw moves to `raw`). */
function literal(c: AstNode, value: unknown, raw: string): AstNode {
  const lit: AstNode = { type: 'Literal', start: c.start, end: c.end, loc: c.loc, value, raw };
  const extra = c.extra as Extra | undefined;
  if (extra !== undefined && extra.parenthesized === true) lit.extra = { parenthesized: true, parenStart: extra.parenStart };
  copyComments(c, lit);
  return lit;
}

function rawOf(c: AstNode, text: string): string {
  const extra = c.extra as Extra | undefined;
  return extra !== undefined && typeof extra.raw === 'string' ? extra.raw : text.slice(c.start, c.end);
}

function moveComments(from: AstNode, to: AstNode, key: 'leadingComments' | 'trailingComments'): void {
  const v = from[key];
  if (v === undefined) return;
  to[key] = v;
  delete from[key];
}

function copyComments(from: AstNode, to: AstNode): void {
  for (const k of COMMENT_KEYS) if (from[k] !== undefined) to[k] = from[k];
}

/** Babel's `directives` of a Program or block → ExpressionStatements at the front of `body`. */
function liftDirectives(n: AstNode): void {
  const directives = n.directives;
  if (!Array.isArray(directives)) return;
  if (directives.length > 0) {
    const stmts: AstNode[] = [];
    for (const d of directives as AstNode[]) stmts.push(directiveStatement(d));
    n.body = stmts.concat(n.body as AstNode[]);
  }
  delete n.directives;
}

function directiveStatement(d: AstNode): AstNode {
  const dl = d.value as AstNode;
  const extra = (dl.extra ?? {}) as Extra;
  const lit: AstNode = { type: 'Literal', start: dl.start, end: dl.end, loc: dl.loc, value: extra.expressionValue, raw: extra.raw };
  copyComments(dl, lit);
  const stmt: AstNode = { type: 'ExpressionStatement', start: d.start, end: d.end, loc: d.loc, expression: lit, directive: extra.rawValue };
  copyComments(d, stmt);
  return stmt;
}

/** `import(source, options)` (a call of Babel's `Import`) → ImportExpression, in place. */
function toImportExpression(n: AstNode): void {
  const args = (n.arguments ?? []) as AstNode[];
  n.type = 'ImportExpression';
  n.source = args[0];
  n.options = args[1] ?? null;
  // The plugin sets both from the same argument (ESTree's current name and the older one).
  n.attributes = args[1] ?? null;
  delete n.arguments;
  delete n.callee;
}

function makeLoc(start: Position, end: Position, filename: string | undefined): SourceLocation {
  return { start, end, filename, identifierName: undefined };
}

/** The position of `index`, counting line breaks from a known position before it (Babel's line rules). */
function advance(text: string, from: Position, index: number): Position {
  let line = from.line;
  let lineStart = from.index - from.column;
  for (let i = from.index; i < index; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || ch === 0x2028 || ch === 0x2029) {
      line++;
      lineStart = i + 1;
    } else if (ch === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: index - lineStart, index };
}

function isWhitespace(ch: number): boolean {
  return (
    ch === 32 || (ch >= 9 && ch <= 13) || ch === 0xa0 || ch === 0x1680 || (ch >= 0x2000 && ch <= 0x200a) ||
    ch === 0x2028 || ch === 0x2029 || ch === 0x202f || ch === 0x205f || ch === 0x3000 || ch === 0xfeff
  );
}

/** The first offset at or after `pos` that is not whitespace or a comment. */
function skipTrivia(text: string, pos: number): number {
  let i = pos;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (isWhitespace(ch)) i++;
    else if (ch === 47 && text.charCodeAt(i + 1) === 47) {
      i += 2;
      while (i < text.length) {
        const c = text.charCodeAt(i);
        if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) break;
        i++;
      }
    } else if (ch === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else break;
  }
  return i;
}

/**
 * The `(` that opens a method's parameters, from the end of its key: past the `]` (and parentheses) of a
 * computed key, a TypeScript `?`, whitespace and comments.
 */
function skipToParen(text: string, keyEnd: number): number {
  let i = skipTrivia(text, keyEnd);
  for (;;) {
    const ch = text.charCodeAt(i);
    if (ch === 93 /* ] */ || ch === 41 /* ) */ || ch === 63 /* ? */) i = skipTrivia(text, i + 1);
    else return i;
  }
}
