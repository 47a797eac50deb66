/**
 * The file walker and reader against hostile trees: symlink loops, unreadable directories, files that vanish
 * during the run, binary files with source extensions, files over the size limit (skipped with a notice),
 * BOMs, CRLF and non-UTF-8 bytes; deep nesting and huge files; and confinement (nothing outside the paths
 * given is read, nothing from the repository is executed). Both discovery paths run: git and the plain walk.
 */
import { spawnSync } from 'node:child_process';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../../src/engine/config.js';
import { FsProjectHost, MAX_FILE_BYTES, normalizeRel } from '../../src/engine/host.js';
import { lintProject } from '../../src/engine/lint.js';
import { ruleIds } from '../../rules/index.js';
import { allOnConfig } from '../support/lint.js';
import { expectWellPlaced, lintOne } from './support.js';

const CORS_APP = "const express = require('express');\nconst cors = require('cors');\nconst app = express();\napp.use(cors({ origin: true, credentials: true }));\n";

const tmpRoots: string[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-robust-'));
  tmpRoots.push(d);
  return d;
}
afterAll(() => {
  for (const d of tmpRoots) {
    try {
      fs.chmodSync(path.join(d, 'locked'), 0o755);
    } catch {
      // not there
    }
    fs.rmSync(d, { recursive: true, force: true });
  }
});

function write(root: string, rel: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), data);
}

function texts(root: string, rels: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rels) {
    try {
      let t = fs.readFileSync(path.join(root, r), 'utf8');
      if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
      out[r] = t;
    } catch {
      // vanished
    }
  }
  return out;
}

/** A config that deletes a file the first time discovery asks about it: the file vanishes mid-run. */
function vanishingConfig(root: string, rel: string): ResolvedConfig {
  const base = allOnConfig();
  let gone = false;
  return {
    ...base,
    isIgnored: (f) => {
      if (!gone && f === rel) {
        gone = true;
        fs.rmSync(path.join(root, rel), { force: true });
      }
      return base.isIgnored(f);
    },
  };
}

function hostileTree(): string {
  const root = tmpDir();
  write(root, 'app/server.js', CORS_APP);
  // BOM + CRLF: the finding must sit on line 4 of the file as an editor shows it.
  write(root, 'bom/server.js', '\ufeff' + CORS_APP.replace(/\n/g, '\r\n'));
  // Invalid UTF-8 (latin-1 bytes in a comment) must not stop the analysis of the rest.
  write(root, 'latin1/server.js', Buffer.concat([Buffer.from('// caf\xe9 \xff\xfe\n', 'latin1'), Buffer.from(CORS_APP)]));
  // A binary file with a source extension that mentions CORS.
  write(root, 'bin/blob.js', Buffer.concat([Buffer.from('cors\0\0\0'), Buffer.alloc(5000, 7)]));
  // A file over the size limit.
  write(root, 'big/huge.js', CORS_APP + '//' + 'x'.repeat(MAX_FILE_BYTES + 10) + '\n');
  // A symlink loop and a link to the parent.
  fs.mkdirSync(path.join(root, 'loop'), { recursive: true });
  fs.symlinkSync('..', path.join(root, 'loop', 'up'));
  fs.symlinkSync('self', path.join(root, 'loop', 'self'));
  // A directory nobody may read (root bypasses permissions; the run must survive either way).
  write(root, 'locked/server.js', CORS_APP);
  fs.chmodSync(path.join(root, 'locked'), 0o000);
  // A named pipe with a source extension: opening it must not block the run.
  if (process.platform !== 'win32') expect(spawnSync('mkfifo', [path.join(root, 'app', 'pipe.js')]).status).toBe(0);
  // A file that is deleted while the run is in progress.
  write(root, 'vanish/server.js', CORS_APP);
  return root;
}

const MODES = [
  { name: 'plain walk', git: false },
  { name: 'git checkout', git: true },
];

describe.each(MODES)('hostile trees ($name)', ({ git }) => {
  let root: string;
  beforeAll(() => {
    root = hostileTree();
    if (git) {
      fs.chmodSync(path.join(root, 'locked'), 0o755);
      const r = spawnSync('git', ['init', '-q'], { cwd: root });
      expect(r.status).toBe(0);
      fs.chmodSync(path.join(root, 'locked'), 0o000);
    }
  });

  it('survives loops, locked dirs, FIFOs, vanishing, binary, oversized, BOM, CRLF and bad UTF-8 files', async () => {
    const res = await lintProject({ cwd: root, config: vanishingConfig(root, 'vanish/server.js') });
    const files = new Set(res.diagnostics.map((d) => d.file));
    expect(files.has('app/server.js')).toBe(true);
    expect(files.has('bom/server.js')).toBe(true);
    expect(files.has('latin1/server.js')).toBe(true);
    expect(files.has('bin/blob.js')).toBe(false);
    expect(files.has('big/huge.js')).toBe(false);
    expect(files.has('vanish/server.js')).toBe(false);
    expect(files.has('app/pipe.js')).toBe(false);
    expect(res.notices.some((n) => n.startsWith('big/huge.js: skipped, larger than'))).toBe(true);
    // The same finding on the same line whatever the encoding details.
    const line = (f: string) => res.diagnostics.filter((d) => d.file === f).map((d) => `${d.line}:${d.column} ${d.ruleId}`);
    expect(line('bom/server.js')).toEqual(line('app/server.js'));
    expect(line('latin1/server.js')).toEqual(line('app/server.js').map((l) => l.replace(/^(\d+)/, (n) => String(Number(n) + 1))));
    expectWellPlaced(res.diagnostics, texts(root, [...files]));
    // Nothing was read through the symlinks.
    expect([...res.host.reads].some((r) => r.startsWith('loop/'))).toBe(false);
  });
});

describe('deep nesting and huge files', () => {
  const N = 20_000;
  const cases: [string, string, string][] = [
    ['JS arrays', 'server.js', `const cors = require('cors');\napp.use(cors({ origin: ${'['.repeat(N)}'https://a.example'${']'.repeat(N)} }));\n`],
    ['JS blocks', 'server.ts', `import cors from 'cors';\n${'{'.repeat(N)}app.use(cors());${'}'.repeat(N)}\n`],
    ['JS calls', 'server.js', `const cors = require('cors');\napp.use(cors(${'f('.repeat(N)}1${')'.repeat(N)}));\n`],
    ['JS unclosed', 'server.js', `const cors = require('cors');\napp.use(cors({ origin: ${'[{('.repeat(N)}\n`],
    ['Python lists', 'main.py', `from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=${'['.repeat(N)}"*"${']'.repeat(N)})\n`],
    ['Python blocks', 'main.py', `from flask_cors import CORS\n${Array.from({ length: 3000 }, (_, i) => ' '.repeat(i) + 'if x:\n').join('')}${' '.repeat(3000)}CORS(app)\n`],
    ['nginx blocks', 'nginx/conf.d/deep.conf', `${'location / { '.repeat(N)}add_header Access-Control-Allow-Origin *;${' }'.repeat(N)}\n`],
    ['nginx unclosed', 'nginx/conf.d/deep.conf', `server { ${'if ($x) { '.repeat(N)}add_header Access-Control-Allow-Origin *;\n`],
  ];
  it.each(cases)('%s: no stack overflow escapes, diagnostics are well placed', async (_name, file, text) => {
    const out = await lintOne(file, text);
    expectWellPlaced(out.diagnostics, { [file]: text });
  });

  it('a file just under the size limit is linted', async () => {
    const routes = Array.from({ length: 5_000 }, (_, i) => `app.get('/r${i}', (req, res) => res.json({ i: ${i} }));`).join('\n');
    const text = `${CORS_APP}${routes}\n`;
    expect(text.length).toBeLessThan(MAX_FILE_BYTES);
    const out = await lintOne('server.js', text);
    expect(out.diagnostics.some((d) => d.ruleId === 'cors/reflected-origin-with-credentials')).toBe(true);
    expectWellPlaced(out.diagnostics, { 'server.js': text });
  });
});

describe('confinement', () => {
  it('reads nothing outside the paths given, except nothing at all; never executes repository code', async () => {
    const root = tmpDir();
    const marker = path.join(root, 'executed.txt');
    write(root, 'secret.js', "module.exports = { origins: ['https://secret.example'] };\n");
    write(root, 'outside.conf', 'add_header Access-Control-Allow-Origin *;\n');
    write(root, 'app/server.js', "const cors = require('cors');\nconst { origins } = require('../secret.js');\nconst local = require('./local.js');\napp.use(cors({ origin: origins, credentials: true }));\n");
    write(root, 'app/local.js', "module.exports = 'https://local.example';\n");
    write(root, 'app/nginx/nginx.conf', 'http {\n  include ../../outside.conf;\n  include /etc/nginx/mime.types;\n  server { location / { add_header Access-Control-Allow-Origin $http_origin; } }\n}\n');
    // Configuration is JSON: a JavaScript config or plugin file in the repository is never loaded.
    const evil = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n`;
    write(root, 'app/cors-lint.config.js', evil);
    write(root, 'app/cors-lint.config.mjs', evil.replace("require('fs')", "(await import('node:fs'))"));
    write(root, 'app/.eslintrc.js', evil);
    const res = await lintProject({ cwd: path.join(root, 'app'), config: resolveConfig({}, ruleIds) });
    for (const r of res.host.reads) {
      expect(path.resolve(res.root, r).startsWith(path.join(root, 'app') + path.sep), `read outside the given path: ${r}`).toBe(true);
    }
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('a path given outside the cwd is allowed, its siblings are not', async () => {
    const root = tmpDir();
    write(root, 'a/server.js', "const cors = require('cors');\nconst o = require('../b/origins.js');\napp.use(cors({ origin: o, credentials: true }));\n");
    write(root, 'b/origins.js', "module.exports = ['https://b.example'];\n");
    write(root, 'cwd/README.md', '# x\n');
    const res = await lintProject({ cwd: path.join(root, 'cwd'), paths: ['../a'], config: resolveConfig({}, ruleIds) });
    for (const r of res.host.reads) expect(r.startsWith('a/'), `read outside the given path: ${r}`).toBe(true);
  });
});

/** The directories (root-relative, POSIX) `fs.readdirSync` lists while `run` runs. */
function listingsDuring(root: string, run: () => void): string[] {
  const listed: string[] = [];
  // The host's `node:fs` namespace follows the CommonJS module after syncBuiltinESMExports().
  const cjsFs = createRequire(import.meta.url)('node:fs') as typeof fs;
  const real = cjsFs.readdirSync;
  cjsFs.readdirSync = ((p: fs.PathLike, ...rest: unknown[]) => {
    listed.push(path.relative(root, String(p)).split(path.sep).join('/'));
    return (real as (...a: unknown[]) => unknown)(p, ...rest);
  }) as typeof fs.readdirSync;
  syncBuiltinESMExports();
  try {
    run();
  } finally {
    cjsFs.readdirSync = real;
    syncBuiltinESMExports();
  }
  return listed;
}

describe('existence probes (answered from one listing per directory)', () => {
  it('agree with the file system: present, absent, in a missing directory, a directory, another case', () => {
    const root = tmpDir();
    write(root, 'src/App.ts', 'export const a = 1;\n');
    write(root, 'src/util/index.js', 'module.exports = 1;\n');
    fs.symlinkSync('App.ts', path.join(root, 'src/alias.ts'));
    const host = new FsProjectHost(root);
    expect(host.fileExists('src/App.ts')).toBe(true);
    expect(host.fileExists('src/alias.ts')).toBe(true);
    expect(host.fileExists('src/App.tsx')).toBe(false);
    expect(host.fileExists('src/util')).toBe(false); // a directory is not a file
    expect(host.fileExists('src/util/index.js')).toBe(true);
    expect(host.fileExists('nowhere/deep/x.js')).toBe(false);
    expect(host.readFile('src/tsconfig.json')).toBeUndefined();
    expect(host.readFile('src/App.ts')?.text).toBe('export const a = 1;\n');
    // Another case: whatever the file system says (case-sensitive here: absent; a case-insensitive one: present).
    let other = false;
    try {
      other = fs.statSync(path.join(root, 'src/app.ts')).isFile();
    } catch {
      other = false;
    }
    expect(host.fileExists('src/app.ts')).toBe(other);
    // Non-ASCII names, in both Unicode normalisations: whatever the file system says.
    write(root, 'src/caf\u00e9.ts', 'export {};\n');
    const fresh = new FsProjectHost(root);
    expect(fresh.fileExists('src/caf\u00e9.ts')).toBe(true);
    const nfd = path.join(root, 'src/cafe\u0301.ts');
    expect(fresh.fileExists('src/cafe\u0301.ts')).toBe(fs.existsSync(nfd) && fs.statSync(nfd).isFile());
    // A file created after its directory was listed is seen by the next run's host.
    write(root, 'src/late.ts', 'export {};\n');
    expect(new FsProjectHost(root).fileExists('src/late.ts')).toBe(true);
  });

  it('never list a directory outside the paths given', () => {
    const root = tmpDir();
    write(root, 'a/x.js', '1;\n');
    write(root, 'b/y.js', '2;\n');
    const host = new FsProjectHost(root, ['a']);
    const listed = listingsDuring(root, () => {
      expect(host.fileExists('a/x.js')).toBe(true);
      expect(host.fileExists('a/z.js')).toBe(false);
      expect(host.fileExists('b/y.js')).toBe(false);
      expect(host.fileExists('a')).toBe(false);
    });
    expect(listed.length).toBeGreaterThan(0);
    for (const p of listed) expect(p.startsWith('a'), p).toBe(true);
  });

  it('answer a path below a missing directory from the listing of its nearest listed ancestor', () => {
    const root = tmpDir();
    write(root, 'svc/app/main.py', 'x = 1\n');
    write(root, 'svc/fastapi/middleware/cors.py', 'y = 2\n');
    const host = new FsProjectHost(root);
    const listed = listingsDuring(root, () => {
      // Python's resolution probes the package below every ancestor; only the real one exists.
      expect(host.fileExists('svc/app/fastapi/middleware/cors.py')).toBe(false);
      expect(host.fileExists('svc/app/fastapi/middleware/cors/__init__.py')).toBe(false);
      expect(host.fileExists('svc/fastapi/middleware/cors.py')).toBe(true);
      expect(host.fileExists('svc/fastapi/middleware/other.py')).toBe(false);
    });
    // svc/app lists no `fastapi`: nothing below it is listed (each listing would be a failing open).
    expect(listed.filter((d) => d.startsWith('svc/app/'))).toEqual([]);
    expect(listed).toContain('svc/fastapi/middleware');
  });
});

describe('relative path normalisation', () => {
  /** The general rule: posix normalisation, backslashes as separators, nothing above the root. */
  const reference = (rel: string): string | undefined => {
    const n = path.posix.normalize(rel.replace(/\\/g, '/'));
    if (n === '..' || n.startsWith('../') || path.posix.isAbsolute(n)) return undefined;
    return n === '.' ? '' : n.replace(/\/$/, '');
  };

  it('answers like posix normalisation on paths built from odd segments (the fast path for normal ones included)', () => {
    const segment = fc.constantFrom('a', 'src', '.', '..', '...', '.github', 'x.ts', '', 'a b', 'é', 'a\\b', '.env');
    const rel = fc.tuple(fc.constantFrom('', '/', './', '../'), fc.array(segment, { maxLength: 6 }), fc.constantFrom('', '/')).map(([lead, segs, tail]) => lead + segs.join('/') + tail);
    fc.assert(fc.property(rel, (r) => normalizeRel(r) === reference(r)), { seed: 7, numRuns: 3000 });
  });

  it('keeps normal paths and fixes the others', () => {
    expect(normalizeRel('packages/api/src/app.ts')).toBe('packages/api/src/app.ts');
    expect(normalizeRel('.github/workflows/ci.yml')).toBe('.github/workflows/ci.yml');
    expect(normalizeRel('a/./b//c/')).toBe('a/b/c');
    expect(normalizeRel('a\\b')).toBe('a/b');
    expect(normalizeRel('a/../../b')).toBeUndefined();
    expect(normalizeRel('/etc/passwd')).toBeUndefined();
    expect(normalizeRel('.')).toBe('');
  });
});
