/**
 * Parsing JavaScript and TypeScript into ESTree with exact offsets: Babel, then `babelToEstree`, which gives the
 * tree Babel's `estree` plugin would (the plugin itself makes parsing two to three times slower).
 */
import type * as Babel from '@babel/parser';
import type { ParserOptions, ParserPlugin } from '@babel/parser';
import { requireCjs } from '../../engine/cjs.js';
import type { ParseProblem } from '../../model/index.js';
import type { AstNode } from './ast.js';
import { babelToEstree } from './estree.js';

let babel: typeof Babel | undefined;

/** Loads Babel's parser (on first use: a project without JavaScript never needs it). */
export function loadBabel(): typeof Babel {
  babel ??= requireCjs('@babel/parser') as typeof Babel;
  return babel;
}

function babelParse(text: string, options: ParserOptions): ReturnType<typeof Babel.parse> {
  return loadBabel().parse(text, options);
}


export interface ParsedModule {
  path: string;
  text: string;
  program: AstNode | undefined;
  errors: ParseProblem[];
}

function pluginsFor(path: string): ParserPlugin[] {
  const ext = path.slice(path.lastIndexOf('.')).toLowerCase();
  const plugins: ParserPlugin[] = [];
  if (ext === '.ts' || ext === '.cts' || ext === '.mts') plugins.push('typescript');
  else if (ext === '.tsx') plugins.push('typescript', 'jsx');
  else plugins.push('jsx');
  plugins.push('decorators-legacy');
  return plugins;
}

interface BabelError {
  message: string;
  pos?: number;
  reasonCode?: string;
}

/** The Babel options `parseModule` uses for a file (the plugins depend on its extension). */
export function parserOptions(path: string): ParserOptions {
  return {
    sourceType: 'unambiguous',
    // No `sourceFilename` (Babel would copy it onto every node's location) and no comment attachment (Babel's own
    // pass over every node): the extractors read neither, and disable directives are read from the text.
    attachComment: false,
    errorRecovery: true,
    allowReturnOutsideFunction: true,
    allowAwaitOutsideFunction: true,
    allowImportExportEverywhere: true,
    allowUndeclaredExports: true,
    plugins: pluginsFor(path),
  };
}

/** Parses a module; never throws. Recoverable syntax errors are reported with the partial tree. */
export function parseModule(path: string, text: string): ParsedModule {
  try {
    const file = babelParse(text, parserOptions(path));
    const errors: ParseProblem[] = ((file.errors ?? []) as BabelError[])
      // Babel reports some valid-but-unusual TS/JS as recoverable errors; keep only real syntax errors.
      // A name declared twice ("Identifier 'x' has already been declared") is a scope error the TypeScript
      // checker reports, not a syntax error: the tree is whole.
      .filter((e) => !/^(Duplicate|Unexpected reserved word|Binding|Legacy octal|Deleting local|'with' in strict|Identifier '[^']*' has already been declared)/.test(e.message))
      .map((e) => ({ file: path, message: `Parsing error: ${stripLoc(e.message)}`, start: e.pos ?? 0, end: e.pos ?? 0 }));
    // Babel returns File { program: Program }; the adapter converts the program in place (no recursion).
    const program = babelToEstree(file.program as unknown as AstNode, text);
    return { path, text, program, errors };
  } catch (err) {
    const e = err as BabelError & { name?: string };
    if (e instanceof RangeError || e.name === 'RangeError') {
      return { path, text, program: undefined, errors: [{ file: path, message: 'Parsing error: the file is nested too deeply to analyse', start: 0, end: 0 }] };
    }
    const pos = typeof e.pos === 'number' ? e.pos : 0;
    return { path, text, program: undefined, errors: [{ file: path, message: `Parsing error: ${stripLoc(e.message ?? String(err))}`, start: pos, end: pos }] };
  }
}

/**
 * Parses a JSON file (`require('./origins.json')`, `import list from './list.json'`) as one expression, in the
 * same ESTree form and offsets as code: `program` holds it as its only statement. Invalid JSON gives no tree.
 */
export function parseJson(path: string, text: string): ParsedModule {
  try {
    const expression = loadBabel().parseExpression(text, { sourceType: 'script', startIndex: 0, errorRecovery: false }) as unknown as AstNode;
    const program = { type: 'Program', start: 0, end: text.length, loc: expression.loc, sourceType: 'script', body: [{ type: 'ExpressionStatement', start: expression.start, end: expression.end, loc: expression.loc, expression }], directives: [] } as unknown as AstNode;
    return { path, text, program: babelToEstree(program, text), errors: [] };
  } catch (err) {
    const e = err as BabelError;
    const pos = typeof e.pos === 'number' ? e.pos : 0;
    return { path, text, program: undefined, errors: [{ file: path, message: `Parsing error: ${stripLoc(e.message ?? String(err))}`, start: pos, end: pos }] };
  }
}

function stripLoc(message: string): string {
  return message.replace(/\s*\(\d+:\d+\)\s*$/, '');
}
