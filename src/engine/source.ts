/** Source text helpers shared by every front end: decoding, line tables, offset ↔ line/column. */

export interface SourceFile {
  /** Path relative to the lint root, with `/` separators. */
  path: string;
  /** Text with a leading BOM removed. Offsets in spans refer to this text. */
  text: string;
}

/** Decodes file bytes: strips a UTF-8 BOM; invalid UTF-8 becomes U+FFFD (never throws). */
export function decodeText(bytes: Uint8Array): string {
  // One decoder for every file (creating one per file showed in profiles); it also drops a leading BOM.
  let text = UTF8.decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text;
}

const UTF8 = new TextDecoder('utf-8', { fatal: false });

/** A file with a NUL byte in its first 8 KiB is treated as binary. */
export function looksBinary(bytes: Uint8Array): boolean {
  // TypedArray indexOf is native: far faster than a loop over every byte of every file.
  return bytes.subarray(0, 8192).indexOf(0) !== -1;
}

export class LineTable {
  private readonly starts: number[];

  constructor(text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** 1-based line, 1-based column (UTF-16 code units), like ESLint. */
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.starts[lo] as number) + 1 };
  }

  /** Offset of a 1-based line and column. */
  offset(line: number, column: number): number {
    const start = this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))] as number;
    return start + column - 1;
  }

  lineStart(line: number): number {
    return this.starts[line - 1] ?? 0;
  }
}

const tables = new WeakMap<object, LineTable>();
const textKeys = new Map<string, { key: object }>();

/** A line table for a text, memoised per text (strings cannot be WeakMap keys, so the key is boxed). */
export function lineTableFor(text: string): LineTable {
  let box = textKeys.get(text);
  if (!box) {
    if (textKeys.size > 256) textKeys.clear();
    box = { key: {} };
    textKeys.set(text, box);
  }
  let table = tables.get(box.key);
  if (!table) {
    table = new LineTable(text);
    tables.set(box.key, table);
  }
  return table;
}
