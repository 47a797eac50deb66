/** Runs the Python extractor alone (no rules) over files written to a temporary directory. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsProjectHost } from '../../src/engine/host.js';
import type { CorsPolicy, ExtractResult, OriginPolicy, Span, Valued } from '../../src/model/index.js';
import { pythonExtractor } from '../../src/extractors/python/index.js';

export interface Extracted extends ExtractResult {
  /** Source text of a span. */
  text: (s: Span) => string;
  /** 1-based line of a span start. */
  line: (s: Span) => number;
}

export async function extractPy(files: Record<string, string>): Promise<Extracted> {
  await pythonExtractor.init?.();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-py-'));
  try {
    for (const [p, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
      fs.writeFileSync(path.join(root, p), text);
    }
    const host = new FsProjectHost(root);
    const sources = Object.entries(files)
      .filter(([p, t]) => pythonExtractor.accepts(p, t.slice(0, 4096)) && pythonExtractor.prefilter(t))
      .map(([p, text]) => ({ path: p, text }));
    const r = pythonExtractor.extract(sources, host);
    const text = (s: Span) => (files[s.file] ?? '').slice(s.start, s.end);
    const line = (s: Span) => (files[s.file] ?? '').slice(0, s.start).split('\n').length;
    return { ...r, text, line };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

export function only(r: ExtractResult): CorsPolicy {
  if (r.policies.length !== 1) throw new Error(`expected one policy, got ${r.policies.length}`);
  return r.policies[0] as CorsPolicy;
}

export function originOf(p: CorsPolicy): OriginPolicy {
  if (!p.origin.known) throw new Error(`origin unknown: ${p.origin.reason}`);
  return p.origin.value;
}

export function val<T>(v: Valued<T>): T {
  if (!v.known) throw new Error(`unknown: ${v.reason}`);
  return v.value;
}
