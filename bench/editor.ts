/**
 * Editor latency, measured the way the language server lints: `runProject` with a long-lived `ProjectIndex`
 * and the edited buffer as an overlay, in a process started with the same V8 flag the server restarts itself
 * with (bin/cors-lint.js). bench/run.ts spawns it; it prints one JSON line.
 *
 *   node --max-semi-space-size=64 --import tsx bench/editor.ts [--project DIR] [--samples N]
 *
 * Without --project, the 2,000-line file is the whole project (a fresh temporary directory). With it, the file
 * is added to that project (the synthetic monorepo) as an open, unsaved buffer.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p: string) => path.join(REPO, 'dist', p);

const { values: opt } = parseArgs({ options: { project: { type: 'string' }, samples: { type: 'string', default: '50' } } });

/** A 2,000-line Express server: one CORS middleware and many plain routes. */
export function editorFile(): string {
  const head = `import express from 'express';\nimport cors from 'cors';\n\nconst app = express();\napp.use(cors({ origin: ['https://app.example.com'], credentials: true }));\n`;
  const body: string[] = [];
  for (let i = 0; body.length < 1990; i++) {
    body.push(`app.get('/api/items${i}/:id', async (req, res) => {`, `  const id = String(req.params.id);`, `  if (!id) return res.status(400).json({ error: 'missing' });`, `  const row = { id, n: ${i}, at: Date.now() };`, `  res.json(row);`, `});`);
  }
  return head + body.join('\n') + '\napp.listen(3000);\n';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function main(): Promise<void> {
  const lint = (await import(dist('src/engine/lint.js'))) as typeof import('../src/engine/lint.js');
  const cfg = (await import(dist('src/engine/config.js'))) as typeof import('../src/engine/config.js');
  const rules = (await import(dist('rules/index.js'))) as typeof import('../rules/index.js');
  const project = (await import(dist('src/frontends/project.js'))) as typeof import('../src/frontends/project.js');
  await lint.initEngine();
  const config = cfg.resolveConfig({}, rules.ruleIds);
  const base = editorFile();
  const tmp = opt.project ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-editor-'));
  const root = opt.project ? path.resolve(opt.project) : (tmp as string);
  const rel = opt.project ? 'services/editor-bench/server.ts' : 'server.ts';
  if (tmp) fs.writeFileSync(path.join(tmp, rel), base);
  const index = new project.ProjectIndex(root);
  const t0 = performance.now();
  let run = project.runProject({ root, config, overlay: new Map([[rel, base]]), index });
  const firstMs = performance.now() - t0;
  const samples: number[] = [];
  const n = Number(opt.samples);
  for (let i = 0; i < n + 10; i++) {
    // An edit inside the CORS options, so the result changes and nothing can be served from a cache.
    const text = base.replace("app.example.com'", `app${i}.example.com'`);
    const t = performance.now();
    run = project.runProject({ root, config, overlay: new Map([[rel, text]]), index });
    if (i >= 10) samples.push(performance.now() - t);
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  const out = { lines: base.split('\n').length, firstMs, medianMs: median(samples), minMs: Math.min(...samples), diagnostics: run.diagnostics.length, rssMB: process.memoryUsage.rss() / 2 ** 20 };
  process.stdout.write(JSON.stringify(out) + '\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`editor bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
