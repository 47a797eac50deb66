/** Output formats of the CLI: stylish (human, with code frames and docs links) and ESLint's JSON shape. */
import * as path from 'node:path';
import type { Diagnostic } from '../engine/diagnostic.js';
import { lineTableFor } from '../engine/source.js';

export interface Colors {
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  underline(s: string): string;
}

export function colors(enabled: boolean): Colors {
  const wrap = (a: number, b: number) => (s: string) => (enabled ? `\x1b[${a}m${s}\x1b[${b}m` : s);
  return { red: wrap(31, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22), underline: wrap(4, 24) };
}

/** A few lines of source around a diagnostic, with a caret line under the reported range. */
export function codeFrame(text: string, d: Diagnostic, c: Colors, context = 1): string {
  const table = lineTableFor(text);
  const lines: string[] = [];
  const from = Math.max(1, d.line - context);
  const to = Math.min(table.lineCount, d.line + context);
  const width = String(to).length;
  for (let l = from; l <= to; l++) {
    const start = table.lineStart(l);
    const end = l < table.lineCount ? table.lineStart(l + 1) : text.length;
    const src = text.slice(start, end).replace(/\r?\n$|\r$/, '').replace(/\t/g, ' ');
    const shown = src.length > 160 ? src.slice(0, 157) + '...' : src;
    const marker = l === d.line ? c.red('>') : ' ';
    lines.push(`  ${marker} ${c.dim(String(l).padStart(width))} | ${shown}`);
    if (l === d.line) {
      const col = d.column - 1;
      const len = d.endLine === d.line ? Math.max(1, d.endColumn - d.column) : Math.max(1, shown.length - col);
      lines.push(`    ${' '.repeat(width)} | ${' '.repeat(Math.min(col, 160))}${c.red('^'.repeat(Math.min(len, Math.max(1, 160 - col))))}`);
    }
  }
  return lines.join('\n');
}

export function formatStylish(diags: Diagnostic[], textOf: (file: string) => string | undefined, c: Colors, frames = true): string {
  if (diags.length === 0) return '';
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  let fixable = 0;
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diags) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
  for (const [file, ds] of byFile) {
    out.push(c.underline(file));
    const text = textOf(file);
    for (const d of ds) {
      if (d.severity === 'error') errors++;
      else warnings++;
      if (d.fix) fixable++;
      const sev = d.severity === 'error' ? c.red('error') : c.yellow('warning');
      out.push(`  ${c.dim(`${d.line}:${d.column}`)}  ${sev}  ${d.message}  ${c.dim(d.ruleId)}`);
      if (frames && text !== undefined) out.push(codeFrame(text, d, c));
      for (const r of d.related) out.push(c.dim(`      ↳ ${r.file}:${r.line}:${r.column} ${r.message}`));
      out.push(c.dim(`      docs: ${d.docsUrl}`));
      out.push('');
    }
  }
  const total = errors + warnings;
  const summary = `✖ ${total} problem${total === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`;
  out.push((errors ? c.red : c.yellow)(c.bold(summary)));
  if (fixable) out.push(c.dim(`  ${fixable} problem${fixable === 1 ? '' : 's'} can be fixed with the --fix option.`));
  return out.join('\n') + '\n';
}

interface EslintMessage {
  ruleId: string;
  severity: 1 | 2;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fix?: { range: [number, number]; text: string };
  suggestions?: { desc: string; fix: { range: [number, number]; text: string } }[];
}

/** Combines a multi-edit fix into one ESLint range fix (edits are in one file). */
function toEslintFix(edits: { span: { start: number; end: number } }[], texts: string[], source: string): { range: [number, number]; text: string } {
  const order = edits.map((e, i) => ({ e, t: texts[i] as string })).sort((a, b) => a.e.span.start - b.e.span.start);
  const start = order[0]?.e.span.start ?? 0;
  const end = Math.max(...order.map((o) => o.e.span.end));
  let text = '';
  let pos = start;
  for (const o of order) {
    text += source.slice(pos, o.e.span.start) + o.t;
    pos = o.e.span.end;
  }
  return { range: [start, end], text: text + source.slice(pos, end) };
}

/** ESLint's JSON formatter shape: one entry per file with problems. */
export function formatJson(diags: Diagnostic[], root: string, textOf: (file: string) => string | undefined): string {
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diags) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
  const results = [...byFile].map(([file, ds]) => {
    const source = textOf(file) ?? '';
    const messages: EslintMessage[] = ds.map((d) => ({
      ruleId: d.ruleId,
      severity: d.severity === 'error' ? 2 : 1,
      message: d.message,
      line: d.line,
      column: d.column,
      endLine: d.endLine,
      endColumn: d.endColumn,
      ...(d.fix && d.fix.edits.every((e) => e.span.file === file)
        ? { fix: toEslintFix(d.fix.edits, d.fix.edits.map((e) => e.text), source) }
        : {}),
      ...(d.suggestions?.length
        ? { suggestions: d.suggestions.map((s) => ({ desc: s.description, fix: toEslintFix(s.edits, s.edits.map((e) => e.text), source) })) }
        : {}),
    }));
    const errorCount = messages.filter((m) => m.severity === 2).length;
    const warningCount = messages.length - errorCount;
    return {
      filePath: path.join(root, file),
      messages,
      suppressedMessages: [],
      errorCount,
      fatalErrorCount: ds.filter((d) => d.ruleId === 'cors/parse-error').length,
      warningCount,
      fixableErrorCount: messages.filter((m) => m.severity === 2 && m.fix).length,
      fixableWarningCount: messages.filter((m) => m.severity === 1 && m.fix).length,
    };
  });
  return JSON.stringify(results, null, 2) + '\n';
}
