/**
 * Python parsing with web-tree-sitter and the tree-sitter-python grammar (WASM).
 *
 * `initPythonParser()` loads the grammar once (async); afterwards `parsePython()` is synchronous. The
 * tree-sitter tree is converted into plain `PyNode` objects and deleted right away, so no WASM memory is
 * retained between files (RSS matters on large repositories). Offsets are UTF-16 code units, because
 * web-tree-sitter parses JS strings as UTF-16 (checked with non-BMP characters in test/python).
 */
import { createRequire } from 'node:module';
import { Language, Parser, type Node as TsNode } from 'web-tree-sitter';

export interface PyNode {
  type: string;
  start: number;
  end: number;
  /** Named children (anonymous tokens such as `(` are dropped, except operators kept in `op`). */
  children: PyNode[];
  /** Children by field name (first child with that field). */
  fields: Record<string, PyNode>;
  /** Source text of leaves (identifiers, string contents, numbers, keywords). */
  text?: string;
  /** The operator token of binary/boolean/comparison/augmented-assignment nodes. */
  op?: string;
  /** A MISSING or ERROR node inserted by error recovery. */
  error?: 'missing' | 'error';
}

export interface ParsedModule {
  root: PyNode;
  text: string;
  errors: { message: string; start: number; end: number }[];
}

let parser: Parser | undefined;
let loading: Promise<void> | undefined;

export function initPythonParser(): Promise<void> {
  loading ??= (async () => {
    await Parser.init();
    const require = createRequire(import.meta.url);
    const wasm = require.resolve('tree-sitter-python/tree-sitter-python.wasm');
    const lang = await Language.load(wasm);
    const p = new Parser();
    p.setLanguage(lang);
    parser = p;
  })();
  return loading;
}

export function pythonParserReady(): boolean {
  return parser !== undefined;
}

/** Leaf-ish node types whose text we keep. */
const TEXT_TYPES = new Set([
  'identifier',
  'string_content',
  'string_start',
  'string_end',
  'escape_sequence',
  'integer',
  'float',
  'true',
  'false',
  'none',
  'comment',
  'type_conversion',
  'format_specifier',
]);

const OP_PARENTS = new Set(['binary_operator', 'boolean_operator', 'augmented_assignment', 'comparison_operator', 'unary_operator', 'not_operator']);

/** Deep nesting guard: beyond this depth subtrees are cut (deeply nested code must not overflow the stack). */
const MAX_DEPTH = 400;

function convert(root: TsNode, errors: ParsedModule['errors'], fieldNames: (string | null)[]): PyNode {
  // Every cursor property is a call into WASM: read as few as possible per node.
  const hasError = root.hasError;
  const cursor = root.walk();
  const rootNode: PyNode = { type: cursor.nodeType, start: cursor.startIndex, end: cursor.endIndex, children: [], fields: {} };
  const stack: PyNode[] = [rootNode];
  // Iterative pre-order walk with the cursor (no recursion: deeply nested input stays safe).
  // Invariant: the top of `stack` is the PyNode of the cursor's parent.
  if (!cursor.gotoFirstChild()) {
    cursor.delete();
    return rootNode;
  }
  for (;;) {
    const parent = stack[stack.length - 1] as PyNode;
    // Anonymous tokens (punctuation, keywords) are most nodes: only operators need their text.
    const named = cursor.nodeIsNamed;
    const missing = hasError && cursor.nodeIsMissing;
    let descended = false;
    if (named || missing) {
      const type = cursor.nodeType;
      const start = cursor.startIndex;
      const end = cursor.endIndex;
      if (missing) {
        errors.push({ message: `Syntax error: missing ${JSON.stringify(type)}`, start, end: Math.max(end, start) });
      } else if (type === 'ERROR') {
        errors.push({ message: 'Syntax error: unexpected code', start, end });
      }
      const node: PyNode = { type, start, end, children: [], fields: {} };
      if (missing) node.error = 'missing';
      if (type === 'ERROR') node.error = 'error';
      if (TEXT_TYPES.has(type)) node.text = cursor.nodeText;
      parent.children.push(node);
      const fid = cursor.currentFieldId;
      const field = fid ? fieldNames[fid] : null;
      if (field && !(field in parent.fields)) parent.fields[field] = node;
      if (stack.length < MAX_DEPTH && type !== 'comment' && cursor.gotoFirstChild()) {
        stack.push(node);
        descended = true;
      }
    } else if (OP_PARENTS.has(parent.type)) {
      // Operator tokens (`+`, `in`, `not in`, `is`, `+=`...); brackets are not operators.
      const t = cursor.nodeText;
      if (t !== '(' && t !== ')') parent.op = parent.op ? `${parent.op} ${t}` : t;
    }
    if (descended) continue;
    while (!cursor.gotoNextSibling()) {
      cursor.gotoParent();
      stack.pop();
      // Back at the root: done.
      if (stack.length === 0) {
        cursor.delete();
        return rootNode;
      }
    }
  }
}

/** Parses Python source. Never throws: problems become positioned errors. */
export function parsePython(text: string): ParsedModule {
  const errors: ParsedModule['errors'] = [];
  if (!parser) throw new Error('Python parser used before initPythonParser()');
  let tree;
  try {
    tree = parser.parse(text);
  } catch (err) {
    return { root: { type: 'module', start: 0, end: text.length, children: [], fields: {} }, text, errors: [{ message: `Python parser failed: ${(err as Error).message}`, start: 0, end: 0 }] };
  }
  if (!tree) return { root: { type: 'module', start: 0, end: text.length, children: [], fields: {} }, text, errors: [{ message: 'Python parser returned no tree', start: 0, end: 0 }] };
  try {
    const root = convert(tree.rootNode, errors, (parser.language as Language).fields);
    return { root, text, errors };
  } finally {
    tree.delete();
  }
}

/** Text of a node in its module. */
export function nodeText(mod: { text: string }, n: PyNode): string {
  return mod.text.slice(n.start, n.end);
}
