/**
 * Generates a synthetic monorepo for the benchmark, deterministically (seeded PRNG): JS/TS, Python, nginx,
 * JSON, Markdown and binary assets in deep package trees, about 2 % of the files touching CORS (Express
 * `cors()` and hand-written headers, FastAPI/Starlette `CORSMiddleware`, Flask-CORS, nginx `add_header`), some
 * of them resolving their origins from an imported settings module, a few files that only mention CORS in a
 * comment (prefilter false positives), and a large `node_modules` that .gitignore excludes. The tree is a git
 * repository of its own (committed), so `git ls-files` / `git grep` see the same files as a CI checkout.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface GenOptions {
  dir: string;
  /** Files outside node_modules. */
  files: number;
  /** Files inside the ignored node_modules. */
  nodeModulesFiles: number;
  seed: number;
}

export interface GenSummary {
  files: number;
  bytes: number;
  jsTsFiles: number;
  corsFiles: number;
  nodeModulesFiles: number;
}

const GEN_VERSION = 4;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['user', 'order', 'cart', 'invoice', 'session', 'token', 'report', 'metric', 'queue', 'event', 'profile', 'search', 'billing', 'audit', 'asset', 'payment', 'shipment', 'catalog', 'review', 'tenant'];

class Gen {
  private readonly rnd: () => number;
  constructor(seed: number) {
    this.rnd = mulberry32(seed);
  }
  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  real(): number {
    return this.rnd();
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  word(): string {
    return this.pick(WORDS);
  }
  name(): string {
    return this.word() + this.pick(['Service', 'Store', 'Handler', 'Repo', 'View', 'Client', 'Mapper']) + this.int(1000);
  }
}

// ─── Plain (non-CORS) content ───────────────────────────────────────────────────────────────────────

function tsModule(g: Gen, blocks: number): string {
  const out: string[] = [`import { ${g.word()}Helper } from './${g.word()}-util.js';`, `import type { Config } from '../config/index.js';`, ''];
  for (let b = 0; b < blocks; b++) {
    const n = g.name();
    const w = g.word();
    out.push(
      `export interface ${n}Input {\n  id: string;\n  ${w}Count: number;\n  tags: readonly string[];\n  createdAt?: Date;\n}\n`,
      `/** Computes the ${w} summary for a batch. */\nexport function summarize${n}(items: ${n}Input[], limit = ${10 + g.int(90)}): Map<string, number> {\n  const totals = new Map<string, number>();\n  for (const item of items.slice(0, limit)) {\n    if (item.tags.includes('${w}')) {\n      totals.set(item.id, (totals.get(item.id) ?? 0) + item.${w}Count * ${1 + g.int(9)});\n    } else if (item.createdAt && item.createdAt.getTime() > Date.now() - ${g.int(86400000)}) {\n      totals.set(item.id, item.${w}Count);\n    }\n  }\n  return totals;\n}\n`,
      `export class ${n} {\n  private readonly cache = new Map<string, ${n}Input>();\n  constructor(private readonly config: Config) {}\n\n  async load(id: string): Promise<${n}Input | undefined> {\n    const hit = this.cache.get(id);\n    if (hit) return hit;\n    const res = await fetch(\`\${this.config.baseUrl}/${w}s/\${encodeURIComponent(id)}\`, { headers: { accept: 'application/json' } });\n    if (!res.ok) throw new Error(\`${w} \${id}: \${res.status}\`);\n    const body = (await res.json()) as ${n}Input;\n    this.cache.set(id, body);\n    return body;\n  }\n}\n`,
    );
  }
  return out.join('\n');
}

function jsModule(g: Gen, blocks: number): string {
  const out: string[] = [`'use strict';`, `const path = require('path');`, `const { ${g.word()}Helper } = require('./${g.word()}-util');`, ''];
  for (let b = 0; b < blocks; b++) {
    const n = g.name();
    const w = g.word();
    out.push(
      `function handle${n}(req, res, next) {\n  const { id } = req.params;\n  if (!id) return res.status(400).json({ error: 'missing id' });\n  return ${w}Helper.find(id)\n    .then((row) => (row ? res.json(row) : res.sendStatus(404)))\n    .catch(next);\n}\n`,
      `const ${w}Table${b} = [${Array.from({ length: 8 }, () => `'${g.word()}-${g.int(100)}'`).join(', ')}];\n`,
      `module.exports.handle${n} = handle${n};\nmodule.exports.file${b} = path.join(__dirname, '${w}.json');\n`,
    );
  }
  return out.join('\n');
}

function tsxComponent(g: Gen, blocks: number): string {
  const out: string[] = [`import React, { useState } from 'react';`, ''];
  for (let b = 0; b < blocks; b++) {
    const n = g.name().replace(/\d+$/, '') + b;
    const w = g.word();
    out.push(
      `export function ${n}({ items }: { items: { id: string; label: string }[] }) {\n  const [open, setOpen] = useState(false);\n  return (\n    <section className="${w}-panel">\n      <button onClick={() => setOpen(!open)}>{open ? 'Hide' : 'Show'} ${w}s</button>\n      {open && (\n        <ul>\n          {items.map((it) => (\n            <li key={it.id} data-kind="${w}">{it.label}</li>\n          ))}\n        </ul>\n      )}\n    </section>\n  );\n}\n`,
    );
  }
  return out.join('\n');
}

function pyModule(g: Gen, blocks: number): string {
  const out: string[] = ['from __future__ import annotations', '', 'import dataclasses', 'import logging', 'from typing import Iterable', '', 'log = logging.getLogger(__name__)', ''];
  for (let b = 0; b < blocks; b++) {
    const n = g.name();
    const w = g.word();
    out.push(
      `@dataclasses.dataclass\nclass ${n}:\n    id: str\n    ${w}_count: int = 0\n    tags: tuple[str, ...] = ()\n\n    def weight(self) -> float:\n        if "${w}" in self.tags:\n            return self.${w}_count * ${1 + g.int(9)}.5\n        return float(self.${w}_count)\n\n`,
      `def summarize_${w}_${b}(items: Iterable[${n}], limit: int = ${10 + g.int(90)}) -> dict[str, float]:\n    totals: dict[str, float] = {}\n    for i, item in enumerate(items):\n        if i >= limit:\n            break\n        totals[item.id] = totals.get(item.id, 0.0) + item.weight()\n    log.debug("summarized %d ${w}s", len(totals))\n    return totals\n\n`,
    );
  }
  return out.join('\n');
}

function nginxPlain(g: Gen): string {
  const w = g.word();
  return `server {\n    listen 80;\n    server_name ${w}.internal.example;\n    location / {\n        proxy_set_header Host $host;\n        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n        proxy_pass http://127.0.0.1:${3000 + g.int(1000)};\n    }\n    location /static/ {\n        root /srv/${w};\n        expires 7d;\n    }\n}\n`;
}

function markdown(g: Gen, paras: number): string {
  const out = [`# ${g.word()} service`, ''];
  for (let i = 0; i < paras; i++) {
    out.push(
      `The ${g.word()} module talks to the ${g.word()} API. Run \`npm test\` before pushing; the ${g.word()} fixtures live in \`test/fixtures\`. See the ${g.word()} runbook for on-call steps.`,
      '',
      '```sh\nnpm run build && npm start\n```',
      '',
    );
  }
  return out.join('\n');
}

function jsonData(g: Gen, n: number): string {
  return JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: `${g.word()}-${i}`, value: g.int(100000), enabled: g.chance(0.5), tags: [g.word(), g.word()] })), null, 2);
}

function binaryAsset(g: Gen, size: number, header: number[]): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = g.int(256);
  Buffer.from(header).copy(b, 0);
  b[header.length] = 0; // a NUL byte early, as in real images
  return b;
}

// ─── CORS content ───────────────────────────────────────────────────────────────────────────────────

function expressCors(g: Gen, i: number): { file: string; text: string; extra?: { file: string; text: string } } {
  const v = i % 5;
  const port = 4000 + g.int(1000);
  const routes = Array.from({ length: 3 + g.int(6) }, () => {
    const w = g.word();
    return `app.get('/api/${w}s/:id', (req, res) => res.json({ id: req.params.id, kind: '${w}' }));\napp.post('/api/${w}s', express.json(), (req, res) => res.status(201).json(req.body));`;
  }).join('\n');
  if (v === 0)
    return {
      file: 'server.js',
      text: `const express = require('express');\nconst cors = require('cors');\n\nconst app = express();\napp.use(cors({ origin: ['https://app${i}.example.com', 'https://admin${i}.example.com'], credentials: true }));\n${routes}\napp.listen(${port});\n`,
    };
  if (v === 1)
    return {
      file: 'app.ts',
      text: `import express from 'express';\nimport cors from 'cors';\nimport { allowedOrigins } from './settings.js';\n\nconst app = express();\napp.use(cors({ origin: allowedOrigins, methods: ['GET', 'POST', 'PUT'], maxAge: 600 }));\n${routes}\nexport default app;\n`,
      extra: { file: 'settings.ts', text: `export const allowedOrigins = process.env.ALLOWED_ORIGINS?.split(',') ?? ['https://web${i}.example.com'];\nexport const port = Number(process.env.PORT ?? ${port});\n` },
    };
  if (v === 2)
    return {
      file: 'server.js',
      text: `const express = require('express');\nconst app = express();\n\napp.use((req, res, next) => {\n  res.setHeader('Access-Control-Allow-Origin', req.headers.origin || '*');\n  res.setHeader('Access-Control-Allow-Credentials', 'true');\n  next();\n});\n${routes}\napp.listen(${port});\n`,
    };
  if (v === 3)
    return {
      file: 'index.ts',
      text: `import express from 'express';\nimport cors from 'cors';\n\nconst app = express();\napp.use(cors());\n${routes}\napp.listen(${port});\n`,
    };
  return {
    file: 'api.mjs',
    text: `import express from 'express';\nimport cors from 'cors';\n\nconst app = express();\nconst corsOptions = { origin: /\\.example${i}\\.com$/, optionsSuccessStatus: 204 };\napp.options('*', cors(corsOptions));\napp.use(cors(corsOptions));\n${routes}\napp.listen(${port});\n`,
  };
}

function pythonCors(g: Gen, i: number): { file: string; text: string; extra?: { file: string; text: string } } {
  const v = i % 3;
  const routes = Array.from({ length: 2 + g.int(5) }, (_, k) => {
    const w = g.word();
    return v === 2 ? `@app.route("/api/${w}s/<id>")\ndef get_${w}_${k}(id):\n    return {"id": id}\n` : `@app.get("/api/${w}s/{item_id}")\ndef get_${w}_${k}(item_id: str):\n    return {"id": item_id}\n`;
  }).join('\n');
  if (v === 0)
    return {
      file: 'main.py',
      text: `from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\napp.add_middleware(\n    CORSMiddleware,\n    allow_origins=["https://app${i}.example.com"],\n    allow_credentials=True,\n    allow_methods=["*"],\n    allow_headers=["*"],\n)\n\n${routes}`,
    };
  if (v === 1)
    return {
      file: 'main.py',
      text: `from fastapi import FastAPI\nfrom starlette.middleware.cors import CORSMiddleware\n\nfrom .settings import settings\n\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=settings.BACKEND_CORS_ORIGINS, allow_methods=["GET", "POST"])\n\n${routes}`,
      extra: { file: 'settings.py', text: `import os\n\n\nclass Settings:\n    BACKEND_CORS_ORIGINS = os.environ.get("ORIGINS", "https://svc${i}.example.com").split(",")\n\n\nsettings = Settings()\n` },
    };
  return {
    file: 'app.py',
    text: `from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\nCORS(app, origins=["https://app${i}.example.com"], supports_credentials=True)\n\n${routes}`,
  };
}

function nginxCors(g: Gen, i: number): string {
  return `server {\n    listen 443 ssl;\n    server_name api${i}.example.com;\n    location /api/ {\n        if ($request_method = OPTIONS) {\n            add_header Access-Control-Allow-Origin "https://app${i}.example.com";\n            add_header Access-Control-Allow-Methods "GET, POST, OPTIONS";\n            add_header Access-Control-Allow-Headers "Authorization, Content-Type";\n            add_header Access-Control-Max-Age ${g.pick([600, 86400, 1728000])};\n            return 204;\n        }\n        add_header Access-Control-Allow-Origin "https://app${i}.example.com" always;\n        proxy_pass http://127.0.0.1:${5000 + g.int(1000)};\n    }\n}\n`;
}

// ─── The tree ───────────────────────────────────────────────────────────────────────────────────────

function deepDir(g: Gen, base: string): string {
  const depth = 1 + g.int(7);
  const parts = [base];
  for (let d = 0; d < depth; d++) parts.push(g.pick(['core', 'lib', 'api', 'internal', 'handlers', 'models', 'utils', 'features', 'v1', 'v2', 'shared', 'components']) + (g.chance(0.3) ? `-${g.int(20)}` : ''));
  return parts.join('/');
}

/** Generates the tree unless an identical one (same options and generator version) is already there. */
export function generate(opts: GenOptions): GenSummary {
  const stampFile = `${opts.dir}.stamp.json`;
  const stamp = JSON.stringify({ v: GEN_VERSION, files: opts.files, nm: opts.nodeModulesFiles, seed: opts.seed });
  try {
    const prev = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as { stamp: string; summary: GenSummary };
    if (prev.stamp === stamp) return prev.summary;
  } catch {
    // no previous tree
  }
  fs.rmSync(opts.dir, { recursive: true, force: true });
  fs.mkdirSync(opts.dir, { recursive: true });
  const g = new Gen(opts.seed);
  const summary: GenSummary = { files: 0, bytes: 0, jsTsFiles: 0, corsFiles: 0, nodeModulesFiles: 0 };
  const made = new Set<string>();
  const write = (rel: string, data: string | Buffer, counts = true): void => {
    let r = rel;
    for (let k = 2; made.has(r); k++) r = rel.replace(/(\.[^./]+)?$/, (ext) => `-${k}${ext}`);
    made.add(r);
    const abs = path.join(opts.dir, r);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, data);
    if (!counts) return;
    summary.files++;
    summary.bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (/\.(m?[jt]sx?|cjs)$/.test(r)) summary.jsTsFiles++;
  };

  write('.gitignore', 'node_modules/\ndist/\n*.log\n');
  write('package.json', JSON.stringify({ name: 'bench-monorepo', private: true, workspaces: ['packages/*', 'services/*'] }, null, 2));
  const packages = Math.max(4, Math.round(opts.files / 250));
  const corsTarget = Math.round(opts.files * 0.02);
  let cors = 0;
  let n = summary.files;
  for (let p = 0; n < opts.files; p++) {
    const kind = p % 10 < 6 ? 'packages' : p % 10 < 9 ? 'services' : 'infra';
    const pkg = `${kind}/${g.word()}-${p}`;
    const isPy = p % 10 === 6 || p % 10 === 7;
    write(`${pkg}/package.json`, JSON.stringify({ name: `@bench/${g.word()}-${p}`, version: '1.0.0', dependencies: { express: '^4.19.2', cors: '^2.8.5' } }, null, 2));
    write(`${pkg}/README.md`, markdown(g, 3 + g.int(10)));
    const per = Math.ceil(opts.files / packages);
    // Real trees hold about 5 to 15 files per directory (measured here: /usr/include 9.6, dist-packages 8.3,
    // node_modules 5.9); a fresh random path per file would make three directories per file instead.
    const dirs = Array.from({ length: Math.max(1, Math.round(per / 8)) }, () => deepDir(g, `${pkg}/src`));
    for (let k = 0; k < per && summary.files < opts.files; k++) {
      const dir = g.pick(dirs);
      const r = g.real();
      const wantCors = cors < corsTarget && g.chance((corsTarget - cors) / Math.max(1, opts.files - summary.files));
      if (wantCors) {
        cors++;
        if (kind === 'infra' || cors % 7 === 0) write(`${pkg}/nginx/conf.d/api-${cors}.conf`, nginxCors(g, cors));
        else if (isPy) {
          const c = pythonCors(g, cors);
          write(`${dir}/${c.file}`, c.text);
          if (c.extra) write(`${dir}/${c.extra.file}`, c.extra.text);
        } else {
          const c = expressCors(g, cors);
          write(`${dir}/${c.file}`, c.text);
          if (c.extra) write(`${dir}/${c.extra.file}`, c.extra.text);
        }
        summary.corsFiles++;
        continue;
      }
      if (r < 0.003) {
        // Mentions CORS only in a comment: a prefilter false positive that costs a parse.
        write(`${dir}/${g.word()}-notes.ts`, `// TODO: revisit the CORS settings once the gateway owns them\n${tsModule(g, 1 + g.int(3))}`);
        continue;
      }
      if (isPy) {
        if (r < 0.6) write(`${dir}/${g.word()}_${k}.py`, pyModule(g, 1 + g.int(8)));
        else if (r < 0.7) write(`${dir}/${g.word()}_${k}.json`, jsonData(g, 5 + g.int(60)));
        else if (r < 0.8) write(`${dir}/${g.word()}_${k}.md`, markdown(g, 2 + g.int(8)));
        else if (r < 0.95) write(`${dir}/${g.word()}_${k}.png`, binaryAsset(g, 500 + g.int(20000), [0x89, 0x50, 0x4e, 0x47]));
        else write(`${dir}/test_${g.word()}_${k}.py`, pyModule(g, 1 + g.int(3)));
      } else if (kind === 'infra') {
        if (r < 0.3) write(`${pkg}/nginx/conf.d/${g.word()}-${k}.conf`, nginxPlain(g));
        else if (r < 0.6) write(`${dir}/${g.word()}-${k}.json`, jsonData(g, 5 + g.int(40)));
        else write(`${dir}/${g.word()}-${k}.md`, markdown(g, 2 + g.int(6)));
      } else {
        if (r < 0.3) write(`${dir}/${g.word()}-${k}.ts`, tsModule(g, 1 + g.int(8)));
        else if (r < 0.45) write(`${dir}/${g.word()}-${k}.js`, jsModule(g, 1 + g.int(10)));
        else if (r < 0.57) write(`${dir}/${g.name()}.tsx`, tsxComponent(g, 1 + g.int(5)));
        else if (r < 0.67) write(`${dir}/${g.word()}-${k}.json`, jsonData(g, 5 + g.int(60)));
        else if (r < 0.75) write(`${dir}/${g.word()}-${k}.md`, markdown(g, 2 + g.int(8)));
        else if (r < 0.88) write(`${dir}/${g.word()}-${k}.png`, binaryAsset(g, 500 + g.int(30000), [0x89, 0x50, 0x4e, 0x47]));
        else if (r < 0.94) write(`${dir}/${g.word()}-${k}.svg`, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M${g.int(24)} ${g.int(24)}L${g.int(24)} ${g.int(24)}z"/></svg>\n`);
        else write(`${dir}/${g.word()}-${k}.test.ts`, tsModule(g, 1 + g.int(3)));
      }
    }
    n = summary.files;
  }
  // The ignored node_modules: packages with CORS code of their own, which must not be linted.
  for (let k = 0; k < opts.nodeModulesFiles; k++) {
    const pkg = `node_modules/${g.word()}-lib-${k % 400}`;
    const r = k % 20;
    if (r === 0) write(`${pkg}/lib/cors-${k}.js`, expressCors(g, k).text, false);
    else if (r < 12) write(`${pkg}/lib/${g.word()}-${k}.js`, jsModule(g, 1 + g.int(6)), false);
    else if (r < 16) write(`${pkg}/types/${g.word()}-${k}.d.ts`, tsModule(g, 1 + g.int(3)), false);
    else write(`${pkg}/${g.word()}-${k}.json`, jsonData(g, 5 + g.int(20)), false);
    summary.nodeModulesFiles++;
  }
  const git = (args: string[]) => {
    const r = spawnSync('git', ['-C', opts.dir, '-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`git ${args[0]} failed: ${r.stderr}`);
  };
  git(['init', '-q']);
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'synthetic monorepo']);
  fs.writeFileSync(stampFile, JSON.stringify({ stamp, summary }));
  return summary;
}
