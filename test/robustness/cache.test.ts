/**
 * The run cache (`--cache`): a second run over an unchanged tree reuses file verdicts, extractions and
 * diagnostics and reports exactly the same; editing a candidate, or a module it imports, or the config
 * invalidates what depends on it; a corrupt cache is ignored.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LintCache } from '../../src/engine/cache.js';
import { resolveConfig } from '../../src/engine/config.js';
import { lintProject } from '../../src/engine/lint.js';
import { allExtractors } from '../../src/extractors/index.js';
import { ruleIds } from '../../rules/index.js';
import { keys } from '../support/lint.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Sets a file's mtime in the past, so the cache may trust its stat (files edited "just now" are re-read). */
function age(file: string, secondsAgo = 60): void {
  const t = new Date(Date.now() - secondsAgo * 1000);
  fs.utimesSync(file, t, t);
}

function tree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-cache-'));
  dirs.push(root);
  const files: Record<string, string> = {
    'api/server.js': "const express = require('express');\nconst cors = require('cors');\nconst { origins } = require('./origins.js');\nconst app = express();\napp.use(cors({ origin: origins, credentials: true }));\n",
    'api/origins.js': "module.exports = { origins: ['https://app.example.com'] };\n",
    'py/main.py': 'from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n',
    'web/util.ts': 'export const x = 1;\n',
    'docs/README.md': '# docs\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
    age(path.join(root, rel));
  }
  return root;
}

async function run(root: string, cacheFile: string, configFile = {}) {
  const config = resolveConfig(configFile, ruleIds);
  const cache = LintCache.open(cacheFile, root, config.fingerprint, allExtractors);
  const res = await lintProject({ cwd: root, config, cache });
  return { res, cache, keys: keys(res.diagnostics) };
}

describe('--cache', () => {
  it('reuses everything on an unchanged tree and reports the same', async () => {
    const root = tree();
    const loc = path.join(root, '.cors-lint-cache') + path.sep;
    const plain = keys((await lintProject({ cwd: root, config: resolveConfig({}, ruleIds) })).diagnostics);
    const first = await run(root, loc);
    expect(first.cache.discarded).toBe('no cache yet');
    expect(first.keys).toEqual(plain);
    expect(plain.length).toBeGreaterThan(0);
    const second = await run(root, loc);
    expect(second.cache.discarded).toBeUndefined();
    expect(second.keys).toEqual(plain);
    expect(second.cache.stats.groupsRun).toBe(0);
    expect(second.cache.stats.groupsReused).toBe(2);
    expect(second.cache.stats.diagnosticsReused).toBe(true);
    // web/util.ts and docs/README.md are not candidates: decided from their stat, not read again.
    expect(second.cache.stats.filesReused).toBeGreaterThanOrEqual(2);
    expect(second.res.stats).toEqual(first.res.stats);
    // Nothing changed, so the second run did not rewrite the cache file; a third run still reuses it all.
    const written = fs.statSync(second.cache.file).mtimeMs;
    const third = await run(root, loc);
    expect(fs.statSync(third.cache.file).mtimeMs).toBe(written);
    expect(third.cache.stats.diagnosticsReused).toBe(true);
    expect(third.keys).toEqual(plain);
  });

  it('re-runs an extraction when a module it imported changes, and only that one', async () => {
    const root = tree();
    const loc = path.join(root, 'c.cache');
    await run(root, loc);
    fs.writeFileSync(path.join(root, 'api/origins.js'), "module.exports = { origins: ['http://app.example.com'] };\n");
    const plain = keys((await lintProject({ cwd: root, config: resolveConfig({}, ruleIds) })).diagnostics);
    const next = await run(root, loc);
    expect(next.keys).toEqual(plain);
    expect(next.cache.stats.groupsRun).toBe(1);
    expect(next.cache.stats.groupsReused).toBe(1);
    expect(next.cache.stats.diagnosticsReused).toBe(false);
  });

  it('notices a new CORS file in a file that was not a candidate', async () => {
    const root = tree();
    const loc = path.join(root, 'c.cache');
    await run(root, loc);
    fs.writeFileSync(path.join(root, 'web/util.ts'), "import cors from 'cors';\napp.use(cors({ origin: true, credentials: true }));\n");
    const plain = keys((await lintProject({ cwd: root, config: resolveConfig({}, ruleIds) })).diagnostics);
    const next = await run(root, loc);
    expect(next.keys).toEqual(plain);
    expect(next.keys.some((k) => k.startsWith('web/util.ts'))).toBe(true);
  });

  it('ignores a cache made with another configuration, and a corrupt one', async () => {
    const root = tree();
    const loc = path.join(root, 'c.cache');
    await run(root, loc);
    const other = await run(root, loc, { rules: { 'wildcard-with-credentials': 'off' } });
    expect(other.cache.discarded).toBe('made by another version or configuration');
    fs.writeFileSync(loc, 'not a cache \0\xff');
    const corrupt = await run(root, loc);
    expect(corrupt.cache.discarded).toBe('unreadable');
    const plain = keys((await lintProject({ cwd: root, config: resolveConfig({}, ruleIds) })).diagnostics);
    expect(corrupt.keys).toEqual(plain);
  });
});
