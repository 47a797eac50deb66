/**
 * Prefilter help: whether a pattern matches in code rather than only in comments. A file that mentions CORS
 * only in a comment (`// TODO: CORS is handled by the gateway`, `# enable CORS here later`) holds nothing an
 * extractor reads, yet without this it costs a full parse. A file another one imports is still parsed when
 * that import is resolved: this decides only which files are parsed for their own sake.
 *
 * Written by hand: it runs on every prefilter hit before any parser is loaded, and needs only a line's start,
 * not a tokenizer. It is conservative: a match counts as commented out only when its whole line is a comment
 * line and nothing earlier in the file could make that line part of a multi-line string (a template literal,
 * a triple-quoted string). Anything it is unsure of counts as code, and the file is parsed as before.
 */

export type CommentStyle = 'js' | 'python';

/** Whether `pattern` matches `text` at least once outside comment lines. */
export function matchesInCode(text: string, pattern: RegExp, style: CommentStyle): boolean {
  const re = pattern.global ? pattern : new RegExp(pattern.source, pattern.flags + 'g');
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (!inCommentLine(text, m.index, style)) return true;
    // A zero-length match cannot loop forever.
    if (m[0] === '') re.lastIndex++;
  }
  return false;
}

function isLineBreak(c: number, style: CommentStyle): boolean {
  // JavaScript also ends lines at U+2028 and U+2029; a lone CR ends a line in both languages.
  return c === 10 || c === 13 || (style === 'js' && (c === 0x2028 || c === 0x2029));
}

function lineStartOf(text: string, at: number, style: CommentStyle): number {
  let i = at;
  while (i > 0 && !isLineBreak(text.charCodeAt(i - 1), style)) i--;
  return i;
}

function skipBlanks(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return i;
}

/** Whether a previous line ends with a backslash: a string continued onto this line. */
function continuesString(text: string, lineStart: number): boolean {
  let i = lineStart - 1;
  while (i >= 0 && (text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13)) i--;
  return i >= 0 && text.charCodeAt(i) === 92;
}

/** Whether the position `at` is on a comment line (conservative: see the module comment). */
export function inCommentLine(text: string, at: number, style: CommentStyle): boolean {
  const start = lineStartOf(text, at, style);
  const first = skipBlanks(text, start, at);
  if (continuesString(text, start)) return false;
  if (style === 'python') {
    // A `#` line inside a triple-quoted string is text: only trusted when no such string starts before it.
    return text.charCodeAt(first) === 35 && !hasBefore(text, start, ['"""', "'''"]);
  }
  // A line inside a template literal can look like a comment: only trusted when no backtick comes before it.
  if (hasBefore(text, start, ['`'])) return false;
  const line = text.slice(first, at);
  if (line.startsWith('//')) return true;
  if (line.startsWith('/*')) return !line.includes('*/', 2);
  if (line.startsWith('*') && !line.includes('*/')) return insideBlockComment(text, start, style);
  return false;
}

function hasBefore(text: string, end: number, needles: string[]): boolean {
  return needles.some((n) => {
    const i = text.indexOf(n);
    return i >= 0 && i < end;
  });
}

/** Whether the line starting at `start` continues a block comment: `*` lines back to a `/*` line, none closing it. */
function insideBlockComment(text: string, start: number, style: CommentStyle): boolean {
  let end = start;
  // Bounded: a license header or JSDoc block is short; anything longer counts as code.
  for (let n = 0; n < 200 && end > 0; n++) {
    // `end` is the start of the line below; step over its line break (CRLF is one break).
    let prevEnd = end - 1;
    if (prevEnd > 0 && text.charCodeAt(prevEnd) === 10 && text.charCodeAt(prevEnd - 1) === 13) prevEnd--;
    const prevStart = lineStartOf(text, prevEnd, style);
    const first = skipBlanks(text, prevStart, prevEnd);
    const line = text.slice(first, prevEnd);
    if (line.includes('*/')) return false;
    if (line.startsWith('/*')) return true;
    if (!line.startsWith('*')) return false;
    end = prevStart;
  }
  return false;
}
