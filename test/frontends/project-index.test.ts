/**
 * The language server's project index: what it keeps between runs (file verdicts, candidate texts, syntax
 * trees) and when it lets go of it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ruleIds } from '../../rules/index.js';
import { resolveConfig } from '../../src/engine/config.js';
import { initEngine } from '../../src/engine/lint.js';
import { loadModule } from '../../src/extractors/express/modules.js';
import { ProjectIndex, runProject } from '../../src/frontends/project.js';

const SERVER = `import express from 'express';
import cors from 'cors';
import { corsOptions } from './cors-options';

const app = express();
app.use(cors(corsOptions));
app.get('/api/me', (req, res) => res.json({}));
`;
const OPTIONS = (credentials: boolean) => `export const corsOptions = { origin: true, credentials: ${credentials} };\n`;

let dir: string;
const config = resolveConfig({}, ruleIds);

function ids(run: ReturnType<typeof runProject>): string[] {
  return run.diagnostics.map((d) => `${d.file} ${d.ruleId}`).sort();
}

beforeAll(async () => {
  await initEngine();
});

beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-index-')));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ dependencies: { express: '^4.21.0', cors: '^2.8.5' } }));
  fs.writeFileSync(path.join(dir, 'server.ts'), SERVER);
  fs.writeFileSync(path.join(dir, 'cors-options.ts'), OPTIONS(true));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'assets', 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('ProjectIndex', () => {
  it('reuses the syntax trees of unchanged files and re-parses the edited one', () => {
    const index = new ProjectIndex(dir);
    const overlay = new Map([['server.ts', SERVER]]);
    const a = runProject({ root: dir, config, overlay, index });
    expect(ids(a)).toEqual(['cors-options.ts cors/reflected-origin-with-credentials']);
    const edited = SERVER.replace("'/api/me'", "'/api/profile'");
    const b = runProject({ root: dir, config, overlay: new Map([['server.ts', edited]]), index });
    expect(ids(b)).toEqual(ids(a));
    expect(loadModule(b.host, 'cors-options.ts')).toBe(loadModule(a.host, 'cors-options.ts'));
    expect(loadModule(b.host, 'server.ts')).not.toBe(loadModule(a.host, 'server.ts'));
    expect(loadModule(b.host, 'server.ts')?.text).toBe(edited);
  });

  it('keeps what it read until told a file changed, then reads it again', () => {
    const index = new ProjectIndex(dir);
    const overlay = new Map([['server.ts', SERVER]]);
    expect(ids(runProject({ root: dir, config, overlay, index }))).toEqual(['cors-options.ts cors/reflected-origin-with-credentials']);
    fs.writeFileSync(path.join(dir, 'cors-options.ts'), OPTIONS(false));
    // The client has not reported the change yet.
    expect(ids(runProject({ root: dir, config, overlay, index }))).toEqual(['cors-options.ts cors/reflected-origin-with-credentials']);
    index.invalidate(['cors-options.ts']);
    expect(ids(runProject({ root: dir, config, overlay, index }))).toEqual(['cors-options.ts cors/reflected-origin']);
  });

  it('lints the disk text of a file once its buffer is closed, and the buffer while it is open', () => {
    const index = new ProjectIndex(dir);
    // cors-options.ts open with unsaved text from the start: the index never scanned its disk version.
    const open = new Map([['cors-options.ts', OPTIONS(false)]]);
    expect(ids(runProject({ root: dir, config, overlay: open, index }))).toEqual(['cors-options.ts cors/reflected-origin']);
    expect(ids(runProject({ root: dir, config, overlay: open, index }))).toEqual(['cors-options.ts cors/reflected-origin']);
    // Closed without saving: the disk text counts again.
    expect(ids(runProject({ root: dir, config, overlay: new Map(), index }))).toEqual(['cors-options.ts cors/reflected-origin-with-credentials']);
    // Opened again, and then server.ts too (a scanned file that becomes a buffer).
    expect(ids(runProject({ root: dir, config, overlay: open, index }))).toEqual(['cors-options.ts cors/reflected-origin']);
    const both = new Map([...open, ['server.ts', SERVER.replace('cors(corsOptions)', "cors({ origin: '*', credentials: true })")]]);
    expect(ids(runProject({ root: dir, config, overlay: both, index }))).toEqual(['server.ts cors/wildcard-origin-with-credentials']);
  });

  it('lists the project again when told files were created', () => {
    const index = new ProjectIndex(dir);
    const overlay = new Map([['server.ts', SERVER]]);
    runProject({ root: dir, config, overlay, index });
    fs.writeFileSync(path.join(dir, 'admin.ts'), `import express from 'express';\nimport cors from 'cors';\nconst admin = express();\nadmin.use(cors({ origin: '*', credentials: true }));\n`);
    index.invalidate(['admin.ts'], true);
    expect(ids(runProject({ root: dir, config, overlay, index }))).toContain('admin.ts cors/wildcard-origin-with-credentials');
  });

  it('without change notifications, re-checks files by size and mtime', async () => {
    const index = new ProjectIndex(dir, 1);
    const overlay = new Map([['server.ts', SERVER]]);
    expect(ids(runProject({ root: dir, config, overlay, index }))).toEqual(['cors-options.ts cors/reflected-origin-with-credentials']);
    fs.writeFileSync(path.join(dir, 'cors-options.ts'), OPTIONS(false));
    await new Promise((r) => setTimeout(r, 5));
    expect(ids(runProject({ root: dir, config, overlay, index }))).toEqual(['cors-options.ts cors/reflected-origin']);
  });

  it('reuses the extractions an edit cannot affect, and reports exactly what a fresh run reports', () => {
    fs.mkdirSync(path.join(dir, 'api'));
    fs.mkdirSync(path.join(dir, 'deploy'));
    const files: Record<string, string> = {
      'api/settings.py': 'ORIGINS = ["https://app.example.com"]\n',
      'api/main.py': 'from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\nfrom .settings import ORIGINS\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True)\n',
      'deploy/nginx.conf': 'events {}\nhttp {\n  server {\n    listen 8080;\n    location /api/ {\n      add_header Access-Control-Allow-Origin https://app.example.com always;\n      proxy_pass http://127.0.0.1:3000;\n    }\n  }\n}\n',
      'web.js': "const express = require('express');\nconst cors = require('cors');\nconst app = express();\napp.use(cors({ origin: 'https://app.example.com' }));\napp.listen(3000);\n",
    };
    for (const [rel, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, rel), text);
    const index = new ProjectIndex(dir);
    const both = (overlay: Map<string, string>) => {
      const kept = runProject({ root: dir, config, overlay, index });
      const fresh = runProject({ root: dir, config, overlay });
      expect(ids(kept)).toEqual(ids(fresh));
      return kept;
    };
    const first = both(new Map([['server.ts', SERVER]]));
    expect(ids(first)).toContain('deploy/nginx.conf cors/duplicate-allow-origin');
    expect([...first.extractions.run].sort()).toEqual(['express', 'nginx', 'python']);
    // An edit to a JavaScript file: only the Express extraction runs again.
    const js = both(new Map([['server.ts', SERVER.replace("'/api/me'", "'/api/profile'")]]));
    expect(js.extractions.run).toEqual(['express']);
    expect([...js.extractions.reused].sort()).toEqual(['nginx', 'python']);
    // The app nginx proxies to stops listening on that port: the reused nginx policies are linked afresh.
    const moved = both(new Map([['web.js', files['web.js']!.replace('listen(3000)', 'listen(4000)')]]));
    expect(moved.extractions.run).toEqual(['express']);
    expect(ids(moved)).not.toContain('deploy/nginx.conf cors/duplicate-allow-origin');
    expect(ids(both(new Map()))).toContain('deploy/nginx.conf cors/duplicate-allow-origin');
    // A module the Python extraction imported changes on disk: it runs again.
    fs.writeFileSync(path.join(dir, 'api/settings.py'), 'ORIGINS = ["*"]\n');
    index.invalidate(['api/settings.py']);
    const py = both(new Map());
    expect(py.extractions.run).toEqual(['python']);
    expect(ids(py)).toContain('api/settings.py cors/reflected-origin-with-credentials');
  });
});
