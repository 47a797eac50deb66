/**
 * Running on more than one thread or process must never change a result: the reading worker
 * (parallel-read.ts) gives the same candidates, counters and notices as one thread reading alone, also when
 * it dies half-way; a run that analyses the tracked files while git still lists the untracked ones reports
 * what a run that waited reports; files are read the same by relative and by absolute path.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/engine/config.js';
import { discoverFilesSplit } from '../../src/engine/discover.js';
import { FsProjectHost, MAX_FILE_BYTES } from '../../src/engine/host.js';
import { extractGroup } from '../../src/engine/extract.js';
import { initEngine, lintProject, type LintProjectOptions } from '../../src/engine/lint.js';
import { readInParallel } from '../../src/engine/parallel-read.js';
import { readCandidates, type ReadCounts } from '../../src/engine/read.js';
import { allSelectors } from '../../src/extractors/detect.js';
import { allExtractors } from '../../src/extractors/index.js';
import { ruleIds } from '../../rules/index.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function write(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

/** A tree with every kind of file the reading stage decides on, in many directories. */
function mixedTree(): { root: string; rels: string[] } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-threads-'));
  dirs.push(root);
  const files: Record<string, string | Buffer> = {
    'api/server.js': "const cors = require('cors');\nconst app = require('express')();\napp.use(cors({ origin: true, credentials: true }));\n",
    'api/app.ts': "import express from 'express';\nexport const app = express();\n",
    'py/main.py': 'from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"])\n',
    'nginx/site.conf': 'server {\n  location / {\n    add_header Access-Control-Allow-Origin *;\n  }\n}\n',
    'bin/fake.js': Buffer.from([0x63, 0x6f, 0x72, 0x73, 0x00, 0x01, 0x02]),
    'big/huge.js': `// cors\n${'x'.repeat(MAX_FILE_BYTES + 10)}`,
    'bom/bom.js': `\ufeffconst cors = require('cors');\r\nmodule.exports = cors();\r\n`,
    'docs/README.md': '# cors\n',
    'assets/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47]),
  };
  for (let i = 0; i < 120; i++) {
    files[`pkg${i % 9}/mod${i}.js`] = i % 10 === 0 ? `// CORS helper ${i}\nmodule.exports = { origin: 'https://a${i}.example' };\n` : `module.exports = ${i};\n`;
    files[`pkg${i % 9}/data${i}.json`] = '{}\n';
  }
  write(root, files);
  fs.symlinkSync(path.join(root, 'api/server.js'), path.join(root, 'api/link.js'));
  fs.symlinkSync('/etc/hostname', path.join(root, 'api/outside.js'));
  const rels = [...Object.keys(files), 'api/link.js', 'api/outside.js', 'gone/vanished.js'].sort();
  return { root, rels };
}

function alone(root: string, rels: string[]) {
  const host = new FsProjectHost(root);
  const counts: ReadCounts = { candidates: 0, skipped: 0 };
  const notices: string[] = [];
  const files = readCandidates(rels, host, allSelectors, counts, notices);
  return { files: files.map((f) => [f.path, f.text]), counts, notices };
}

async function parallel(root: string, rels: string[], extra: { chunk: number; crashAfter?: number; workerOnly?: boolean }) {
  const host = new FsProjectHost(root);
  const counts: ReadCounts = { candidates: 0, skipped: 0 };
  const notices: string[] = [];
  const early: string[] = [];
  const out = await readInParallel(rels, { host, selectors: allSelectors, counts, notices, onCandidates: (fs) => early.push(...fs.map((f) => f.path)), ...extra }, true);
  if (!out) throw new Error('the worker did not start');
  // Every candidate was handed over early (for parsing) and is seeded in the host.
  expect([...early].sort()).toEqual(out.files.map((f) => f.path).sort());
  for (const f of out.files) expect(host.readFile(f.path)?.text).toBe(f.text);
  return { result: { files: out.files.map((f) => [f.path, f.text]), counts, notices }, workerChunks: out.workerChunks };
}

describe('reading on a worker thread', () => {
  it('selects files exactly like the extractors (selectors and extractors agree)', () => {
    expect(allSelectors.map((s) => s.name)).toEqual(allExtractors.map((e) => e.name));
    for (const [i, s] of allSelectors.entries()) {
      const e = allExtractors[i]!;
      expect([s.accepts, s.mayAccept, s.prefilter]).toEqual([e.accepts, e.mayAccept, e.prefilter]);
    }
  });

  it('gives the same candidates, counters and notices as one thread, in the same order, whatever the chunk size', async () => {
    const { root, rels } = mixedTree();
    const expected = alone(root, rels);
    expect(expected.files.length).toBeGreaterThan(5);
    expect(expected.notices.some((n) => n.startsWith('big/huge.js'))).toBe(true);
    expect(expected.files.map(([p]) => p)).not.toContain('api/outside.js');
    for (const chunk of [1, 7, 128]) {
      const got = await parallel(root, rels, { chunk });
      expect(got.result).toEqual(expected);
    }
    // The worker alone (this thread only waits): every chunk is its.
    const only = await parallel(root, rels, { chunk: 16, workerOnly: true });
    expect(only.result).toEqual(expected);
    expect(only.workerChunks).toBe(Math.ceil(rels.filter((r) => allSelectors.some((s) => s.mayAccept?.(r) ?? true)).length / 16));
  });

  it('loses nothing when the worker dies half-way: this thread reads what it did not deliver', async () => {
    const { root, rels } = mixedTree();
    const expected = alone(root, rels);
    const got = await parallel(root, rels, { chunk: 8, crashAfter: 3, workerOnly: true });
    expect(got.workerChunks).toBe(3);
    expect(got.result).toEqual(expected);
  });
});

function git(root: string, ...args: string[]): void {
  const r = spawnSync('git', ['-C', root, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
}

/** Everything a run reports, minus which thread did what. */
async function outcome(opts: Omit<LintProjectOptions, 'config'>) {
  const res = await lintProject({ ...opts, config: resolveConfig({}, ruleIds) });
  const { threads: _threads, ...stats } = res.stats;
  return {
    diagnostics: res.diagnostics.map((d) => [d.ruleId, d.file, d.line, d.column, d.message]),
    policies: res.model.policies.length,
    apps: res.model.apps.length,
    stats,
    notices: res.notices,
  };
}

describe('extraction on the worker', () => {
  it('extracts an offloaded group exactly as this thread does, and nothing it was not given', async () => {
    const { root, rels } = mixedTree();
    write(root, {
      'py/settings.py': 'ORIGINS = ["https://a.example", "https://b.example"]\n',
      'py/app.py': 'from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\nfrom .settings import ORIGINS\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_origin_regex=r"https://.*\\.example\\.org", allow_credentials=True)\n',
      'py/broken.py': 'from flask_cors import CORS\ndef f(:\n',
    });
    const all = [...rels, 'py/settings.py', 'py/app.py', 'py/broken.py'].sort();
    const host = new FsProjectHost(root);
    const counts: ReadCounts = { candidates: 0, skipped: 0 };
    const out = await readInParallel(all, { host, selectors: allSelectors, counts, notices: [], chunk: 4, offload: ['python'] }, true);
    expect(out?.helper).toBeDefined();
    const helper = out!.helper!;
    try {
      await initEngine();
      const python = allExtractors.find((e) => e.name === 'python')!;
      const group = out!.files.filter((f) => python.accepts(f.path, f.text) && python.prefilter(f.text));
      expect(group.length).toBeGreaterThanOrEqual(3);
      const localNotices: string[] = [];
      const local = extractGroup(python, group, new FsProjectHost(root), localNotices);
      expect(local.policies.length).toBeGreaterThan(0);
      expect(local.parseErrors.length).toBeGreaterThan(0);
      const remote = await helper.extract('python', group);
      expect(remote).toEqual({ result: JSON.parse(JSON.stringify(local)), notices: localNotices });
      expect(await helper.extract('express', group)).toBeUndefined();
    } finally {
      helper.close();
    }
  });

  it('answers undefined once the worker is gone (the caller extracts the group itself)', async () => {
    const { root, rels } = mixedTree();
    const host = new FsProjectHost(root);
    const out = await readInParallel(rels, { host, selectors: allSelectors, counts: { candidates: 0, skipped: 0 }, notices: [], offload: ['python'] }, true);
    const helper = out!.helper!;
    helper.close();
    expect(await helper.extract('python', out!.files.filter((f) => f.path.endsWith('.py')))).toBeUndefined();
  });
});

describe('discovery', () => {
  it('lists the same files with git and without, and runs the waiting work exactly once either way', async () => {
    const { root } = mixedTree();
    let calls = 0;
    const plain = await discoverFilesSplit(root, [root], () => false, () => calls++);
    expect(calls).toBe(1);
    expect(plain.untracked).toBeUndefined();
    git(root, 'init', '-q');
    git(root, 'add', 'api', 'py');
    const inGit = await discoverFilesSplit(root, [root], () => false, () => calls++);
    expect(calls).toBe(2);
    const all = [...inGit.files, ...((await inGit.untracked) ?? [])].sort();
    expect(all).toEqual(plain.files);
    expect(inGit.files.every((f) => f.startsWith('api/') || f.startsWith('py/'))).toBe(true);
  });
});

describe('whole runs', () => {
  it('reports the same with and without the reading worker', async () => {
    const { root } = mixedTree();
    const plain = await outcome({ cwd: root, workers: 'never' });
    expect(plain.diagnostics.length).toBeGreaterThan(0);
    expect(await outcome({ cwd: root, workers: 'always' })).toEqual(plain);
  });

  it('reports the same whether it analysed the tracked files while git listed the untracked ones or waited', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-untracked-'));
    dirs.push(root);
    write(root, {
      'api/server.js': "const express = require('express');\nconst cors = require('cors');\nconst app = express();\napp.use(cors({ origin: '*', credentials: true }));\n",
      'py/main.py': 'from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n',
    });
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'init');
    // Untracked, not a candidate: the analysis made while git listed is the run's.
    write(root, { 'notes/todo.js': 'module.exports = 1;\n' });
    const waited = await outcome({ cwd: root, overlapUntracked: false });
    expect(await outcome({ cwd: root, overlapUntracked: true })).toEqual(waited);
    // Untracked candidates: analysed again with them, and their findings are reported.
    write(root, {
      'new/server.js': "const express = require('express');\nconst cors = require('cors');\nconst app = express();\napp.use(cors({ origin: true, credentials: true }));\n",
    });
    const waited2 = await outcome({ cwd: root, overlapUntracked: false });
    expect(waited2.diagnostics.some((d) => d[1] === 'new/server.js')).toBe(true);
    expect(await outcome({ cwd: root, overlapUntracked: true })).toEqual(waited2);
  });

  it('reads files the same when the root is the working directory (relative opens) and when it is not', async () => {
    const { root } = mixedTree();
    const elsewhere = await outcome({ cwd: root });
    const before = process.cwd();
    process.chdir(root);
    try {
      expect(await outcome({ cwd: root })).toEqual(elsewhere);
      // A working directory that was deleted (an editor started in a removed folder): absolute paths.
      const gone = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-gone-'));
      process.chdir(gone);
      fs.rmSync(gone, { recursive: true });
      expect(() => process.cwd()).toThrow();
      expect(await outcome({ cwd: root })).toEqual(elsewhere);
    } finally {
      process.chdir(before);
    }
  });
});
