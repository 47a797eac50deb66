/**
 * Fixture annotations: a comment `expect: cors/<id>[, cors/<id>...]` or `ok: cors/<id>` states what must
 * (or must not) be reported on the next code line. A run of annotation comment lines applies to the first
 * line after it that is not an annotation.
 */
export interface Annotation {
  file: string;
  /** 1-based line the annotation targets. */
  line: number;
  ruleId: string;
  kind: 'expect' | 'ok';
}

const ANNOTATION = /(?:\/\/|#|\/\*|<!--)\s*(expect|ok):\s*((?:cors\/[a-z0-9-]+[\s,]*)+)/;

export function parseAnnotations(file: string, text: string): Annotation[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: Annotation[] = [];
  let pending: { kind: 'expect' | 'ok'; ruleId: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = ANNOTATION.exec(lines[i] as string);
    if (m) {
      const ids = (m[2] as string).split(/[\s,]+/).filter((s) => s.startsWith('cors/'));
      for (const id of ids) pending.push({ kind: m[1] as 'expect' | 'ok', ruleId: id });
      // An annotation that ends a code line (trailing comment) targets that same line.
      const before = (lines[i] as string).slice(0, m.index).trim();
      if (before !== '') {
        for (const p of pending) out.push({ file, line: i + 1, ...p });
        pending = [];
      }
      continue;
    }
    if (pending.length && (lines[i] as string).trim() !== '') {
      for (const p of pending) out.push({ file, line: i + 1, ...p });
      pending = [];
    }
  }
  return out;
}
