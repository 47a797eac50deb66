/** A finding placed in a file, in the shape every front end adapts from. */
import type { Span } from '../model/index.js';
import type { Fix, Severity } from './rule.js';
import { lineTableFor } from './source.js';

export interface Position {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface RelatedInfo extends Position {
  file: string;
  message: string;
  span: Span;
}

export interface Diagnostic extends Position {
  /** `cors/<id>`. */
  ruleId: string;
  severity: Severity;
  message: string;
  /** Root-relative path. */
  file: string;
  span: Span;
  related: RelatedInfo[];
  fix?: Fix;
  suggestions?: Fix[];
  docsUrl: string;
}

/** 1-based line/column range of a span in a text. */
export function positionOf(text: string, span: { start: number; end: number }): Position {
  const table = lineTableFor(text);
  const a = table.position(Math.max(0, Math.min(span.start, text.length)));
  const b = table.position(Math.max(0, Math.min(Math.max(span.end, span.start), text.length)));
  return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}
