/**
 * ESLint custom languages for the files cors-lint reads besides JavaScript: Python and nginx configuration
 * (`languages: { python, nginx }`, used as `language: 'cors/python'` / `'cors/nginx'` in a flat config).
 *
 * Modelled on @eslint/json: `fileType: 'text'`, 1-based lines and columns, a SourceCode built on
 * @eslint/plugin-kit's TextSourceCodeBase. The AST is deliberately small (a `Document` root and its `Comment`s):
 * the cors/* rules get their findings from the engine, and the comments carry ESLint's own directives
 * (`# eslint-disable-next-line cors/reflected-origin`, `# eslint-disable`, `# eslint cors/x: off`).
 * `parse()` is synchronous and never fails: syntax errors are reported by the engine as cors/parse-error with
 * a position, exactly as the CLI reports them.
 */
import { ConfigCommentParser, Directive, TextSourceCodeBase, VisitNodeStep } from '@eslint/plugin-kit';
import { decodeText } from '../../engine/source.js';

export interface Position {
  line: number;
  column: number;
}

export interface CommentNode {
  type: 'Comment';
  /** Text after the `#`. */
  value: string;
  range: [number, number];
  loc: { start: Position; end: Position };
}

export interface DocumentNode {
  type: 'Document';
  /** Which language the document is (`python` or `nginx`). */
  dialect: 'python' | 'nginx';
  comments: CommentNode[];
  range: [number, number];
  loc: { start: Position; end: Position };
}

type Node = DocumentNode | CommentNode;

/** 1-based line/column positions for offsets of one text. */
function locator(text: string): (offset: number) => Position {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
  };
}

function isLineEnd(c: string | undefined): boolean {
  return c === '\n' || c === '\r';
}

/** `#` comments of Python source, skipping string literals (any prefix, single or triple quoted). */
export function pythonComments(text: string): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '#') {
      const start = i;
      while (i < text.length && !isLineEnd(text[i])) i++;
      out.push([start, i]);
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      i += quote.length;
      while (i < text.length) {
        const d = text[i] as string;
        if (d === '\\') {
          i += 2;
          continue;
        }
        if (!triple && isLineEnd(d)) break; // unterminated: the engine reports it; stop the string at the line end
        if (text.startsWith(quote, i)) {
          i += quote.length;
          break;
        }
        i++;
      }
      continue;
    }
    i++;
  }
  return out;
}

/**
 * `#` comments of nginx configuration. As in nginx's tokenizer, `#` starts a comment only where a token starts
 * (so `$var#frag` is not one) and never inside quotes.
 */
export function nginxComments(text: string): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  let tokenStart = true;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '#' && tokenStart) {
      const start = i;
      while (i < text.length && !isLineEnd(text[i])) i++;
      out.push([start, i]);
      continue;
    }
    if ((c === '"' || c === "'") && tokenStart) {
      i++;
      while (i < text.length && text[i] !== c) i += text[i] === '\\' ? 2 : 1;
      i++;
      tokenStart = false;
      continue;
    }
    tokenStart = /[\s;{}]/.test(c);
    i++;
  }
  return out;
}

export function parseDocument(text: string, dialect: 'python' | 'nginx'): DocumentNode {
  const at = locator(text);
  const spans = dialect === 'python' ? pythonComments(text) : nginxComments(text);
  const comments: CommentNode[] = spans.map(([s, e]) => ({
    type: 'Comment',
    value: text.slice(s + 1, e),
    range: [s, e],
    loc: { start: at(s), end: at(e) },
  }));
  return { type: 'Document', dialect, comments, range: [0, text.length], loc: { start: { line: 1, column: 1 }, end: at(text.length) } };
}

const commentParser = new ConfigCommentParser();
const INLINE_CONFIG = /^\s*(?:eslint(?:-enable|-disable(?:-next-line|-line)?)?)(?:\s|$)/;

interface InlineProblem {
  ruleId: null;
  message: string;
  loc: { start: Position; end: Position };
}

export class CorsTextSourceCode extends TextSourceCodeBase<{
  LangOptions: Record<string, never>;
  RootNode: DocumentNode;
  SyntaxElementWithLoc: Node;
  ConfigNode: CommentNode;
}> {
  readonly comments: CommentNode[];
  private readonly parents = new WeakMap<Node, Node>();

  constructor({ text, ast }: { text: string; ast: DocumentNode }) {
    super({ text, ast, lineEndingPattern: /\r\n|[\r\n]/u });
    this.comments = ast.comments;
    for (const c of ast.comments) this.parents.set(c, ast);
  }

  override getParent(node: Node): Node | undefined {
    return this.parents.get(node);
  }

  /** The comments that carry ESLint directives or inline configuration. */
  getInlineConfigNodes(): CommentNode[] {
    return this.comments.filter((c) => INLINE_CONFIG.test(c.value));
  }

  getDisableDirectives(): { problems: InlineProblem[]; directives: Directive[] } {
    const problems: InlineProblem[] = [];
    const directives: Directive[] = [];
    for (const comment of this.getInlineConfigNodes()) {
      const parsed = commentParser.parseDirective(comment.value);
      if (!parsed) continue;
      const { label, value, justification } = parsed;
      switch (label) {
        case 'eslint-disable':
        case 'eslint-enable':
        case 'eslint-disable-next-line':
        case 'eslint-disable-line':
          directives.push(new Directive({ type: label.slice('eslint-'.length) as 'disable' | 'enable' | 'disable-next-line' | 'disable-line', node: comment, value, justification }));
          break;
        default:
          break;
      }
    }
    return { problems, directives };
  }

  /** `# eslint cors/reflected-origin: off` comments. */
  applyInlineConfig(): { configs: { config: { rules: Record<string, unknown> }; loc: { start: Position; end: Position } }[]; problems: InlineProblem[] } {
    const configs: { config: { rules: Record<string, unknown> }; loc: { start: Position; end: Position } }[] = [];
    const problems: InlineProblem[] = [];
    for (const comment of this.getInlineConfigNodes()) {
      const parsed = commentParser.parseDirective(comment.value);
      if (!parsed || parsed.label !== 'eslint') continue;
      const result = commentParser.parseJSONLikeConfig(parsed.value);
      if (result.ok) configs.push({ config: { rules: result.config }, loc: comment.loc });
      else problems.push({ ruleId: null, message: result.error.message, loc: comment.loc });
    }
    return { configs, problems };
  }

  override *traverse(): Iterable<VisitNodeStep> {
    const root = this.ast;
    yield new VisitNodeStep({ target: root, phase: 1, args: [root, undefined] });
    for (const c of root.comments) {
      yield new VisitNodeStep({ target: c, phase: 1, args: [c, root] });
      yield new VisitNodeStep({ target: c, phase: 2, args: [c, root] });
    }
    yield new VisitNodeStep({ target: root, phase: 2, args: [root, undefined] });
  }
}

/** The file object ESLint hands a language. */
interface EslintFile {
  body: string | Uint8Array;
  path: string;
  physicalPath?: string;
}

function textOf(file: EslintFile): string {
  if (typeof file.body === 'string') return file.body.charCodeAt(0) === 0xfeff ? file.body.slice(1) : file.body;
  return decodeText(file.body);
}

function makeLanguage(dialect: 'python' | 'nginx') {
  return {
    fileType: 'text' as const,
    lineStart: 1 as const,
    columnStart: 1 as const,
    nodeTypeKey: 'type',
    visitorKeys: { Document: ['comments'], Comment: [] } as Record<string, string[]>,
    defaultLanguageOptions: {},
    validateLanguageOptions(options: unknown): void {
      if (options && typeof options === 'object' && Object.keys(options).length > 0) {
        throw new TypeError(`The cors/${dialect} language takes no languageOptions`);
      }
    },
    parse(file: EslintFile): { ok: true; ast: DocumentNode } {
      return { ok: true, ast: parseDocument(textOf(file), dialect) };
    },
    createSourceCode(file: EslintFile, input: { ast: DocumentNode }): CorsTextSourceCode {
      return new CorsTextSourceCode({ text: textOf(file), ast: input.ast });
    },
  };
}

export const pythonLanguage = makeLanguage('python');
export const nginxLanguage = makeLanguage('nginx');
