/** Test helpers for the nginx extractor: an in-memory project host. */
import type { ProjectHost } from '../../src/engine/host.js';
import type { SourceFile } from '../../src/engine/source.js';
import { extractNginx } from '../../src/extractors/nginx/index.js';
import type { CorsPolicy, ExtractResult } from '../../src/model/index.js';

export class MemoryHost implements ProjectHost {
  readonly root = '/memory';
  readonly reads = new Set<string>();
  readonly settings = {};
  private readonly memos = new Map<string, unknown>();
  constructor(private readonly files: Record<string, string>) {}
  readFile(rel: string): SourceFile | undefined {
    const text = this.files[rel];
    if (text === undefined) return undefined;
    this.reads.add(rel);
    return { path: rel, text };
  }
  fileExists(rel: string): boolean {
    return rel in this.files;
  }
  listDir(rel: string): string[] {
    const prefix = rel === '' ? '' : rel + '/';
    const out = new Set<string>();
    for (const f of Object.keys(this.files)) if (f.startsWith(prefix)) out.add(f.slice(prefix.length).split('/')[0] as string);
    return [...out].sort();
  }
  memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }
}

/** Extracts from in-memory files; every file is a candidate. */
export function extract(files: Record<string, string>, candidates: string[] = Object.keys(files)): ExtractResult {
  const host = new MemoryHost(files);
  return extractNginx(
    candidates.map((p) => ({ path: p, text: files[p] as string })),
    host,
  );
}

/** The policy whose scope label contains `label`. */
export function policy(r: ExtractResult, label: string): CorsPolicy {
  const p = r.policies.find((x) => x.scope.label === label) ?? r.policies.find((x) => x.scope.label.includes(label));
  if (!p) throw new Error(`no policy "${label}" in: ${r.policies.map((x) => x.scope.label).join(' | ')}`);
  return p;
}

/** The text a span covers. */
export function textAt(files: Record<string, string>, span: { file: string; start: number; end: number }): string {
  return (files[span.file] ?? '').slice(span.start, span.end);
}
