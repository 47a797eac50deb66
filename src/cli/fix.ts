/**
 * Applies the safe fixes of diagnostics to files: non-overlapping edits only, written atomically (a
 * temporary file in the same directory, then rename), keeping the file mode. Never touches a file twice.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../engine/diagnostic.js';
import type { Edit } from '../engine/rule.js';

export interface FixResult {
  files: string[];
  applied: Set<Diagnostic>;
  errors: string[];
}

/** Applies edits to a text; edits must not overlap (later overlapping ones are dropped). */
export function applyEdits(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.span.start < pos) continue;
    out += text.slice(pos, e.span.start) + e.text;
    pos = e.span.end;
  }
  return out + text.slice(pos);
}

export function applyFixes(root: string, diags: Diagnostic[], textOf: (file: string) => string | undefined): FixResult {
  const byFile = new Map<string, { edits: Edit[]; diags: Diagnostic[] }>();
  for (const d of diags) {
    if (!d.fix) continue;
    const files = new Set(d.fix.edits.map((e) => e.span.file));
    if (files.size !== 1) continue;
    const file = [...files][0] as string;
    const entry = byFile.get(file) ?? { edits: [], diags: [] };
    const overlaps = d.fix.edits.some((e) => entry.edits.some((x) => e.span.start < x.span.end && x.span.start < e.span.end));
    if (overlaps) continue;
    entry.edits.push(...d.fix.edits);
    entry.diags.push(d);
    byFile.set(file, entry);
  }
  const result: FixResult = { files: [], applied: new Set(), errors: [] };
  for (const [file, { edits, diags: ds }] of byFile) {
    const text = textOf(file);
    if (text === undefined) continue;
    const abs = path.join(root, file);
    const next = applyEdits(text, edits);
    if (next === text) continue;
    const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.cors-lint-${process.pid}.tmp`);
    try {
      const raw = fs.readFileSync(abs);
      const bom = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? '\ufeff' : '';
      const mode = fs.statSync(abs).mode;
      fs.writeFileSync(tmp, bom + next, { mode });
      fs.renameSync(tmp, abs);
      result.files.push(file);
      for (const d of ds) result.applied.add(d);
    } catch (e) {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // the temporary file may not exist
      }
      result.errors.push(`${file}: could not write fixes: ${(e as Error).message}`);
    }
  }
  return result;
}
