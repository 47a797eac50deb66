/** Parsing JavaScript and TypeScript into ESTree with exact offsets (Babel with its `estree` plugin). */
import { parse as babelParse, type ParserPlugin } from '@babel/parser';
import type { ParseProblem } from '../../model/index.js';
import type { AstNode } from './ast.js';

export const JS_EXTENSIONS = ['.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx'];

export interface ParsedModule {
  path: string;
  text: string;
  program: AstNode | undefined;
  errors: ParseProblem[];
}

function pluginsFor(path: string): ParserPlugin[] {
  const ext = path.slice(path.lastIndexOf('.')).toLowerCase();
  const plugins: ParserPlugin[] = ['estree'];
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

/** Parses a module; never throws. Recoverable syntax errors are reported with the partial tree. */
export function parseModule(path: string, text: string): ParsedModule {
  try {
    const file = babelParse(text, {
      sourceType: 'unambiguous',
      sourceFilename: path,
      errorRecovery: true,
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      allowImportExportEverywhere: true,
      allowUndeclaredExports: true,
      plugins: pluginsFor(path),
    });
    const errors: ParseProblem[] = ((file.errors ?? []) as BabelError[])
      // Babel reports some valid-but-unusual TS/JS as recoverable errors; keep only real syntax errors.
      .filter((e) => !/^(Duplicate|Unexpected reserved word|Binding|Legacy octal|Deleting local|'with' in strict)/.test(e.message))
      .map((e) => ({ file: path, message: `Parsing error: ${stripLoc(e.message)}`, start: e.pos ?? 0, end: e.pos ?? 0 }));
    // The estree plugin returns File { program: Program }.
    const program = (file as unknown as { program: AstNode }).program;
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

function stripLoc(message: string): string {
  return message.replace(/\s*\(\d+:\d+\)\s*$/, '');
}
