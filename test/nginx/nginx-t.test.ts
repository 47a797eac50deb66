/**
 * Every nginx fixture meant to be valid is accepted by the real nginx (`nginx -t`).
 *
 * Needs Debian `nginx` (and, for the headers-more and Lua fixtures, `libnginx-mod-http-headers-more-filter`
 * and `libnginx-mod-http-lua`). Without nginx the test is skipped locally with a printed reason, and fails
 * when CI=true. A fixture opts out with a comment `nginx-t: invalid` (it is meant to be rejected) or
 * `nginx-t: skip (reason)`; fixtures with an expected `cors/parse-error`, YAML files and templates are not
 * nginx configurations on their own and are not checked.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acceptsNginx, isTemplatePath, isYamlPath } from '../../src/extractors/nginx/detect.js';
import { parseNginx } from '../../src/extractors/nginx/parser.js';

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'nginx');
/** Debian's dynamic module directory (override with NGINX_MODULES_DIR). */
const MODULE_DIR = process.env.NGINX_MODULES_DIR ?? '/usr/lib/nginx/modules';

function findNginx(): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin']) {
    const p = path.join(dir, 'nginx');
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}

function walk(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, base) : [path.relative(base, p).split(path.sep).join('/')];
  });
}

interface NginxCase {
  name: string;
  /** Directory to copy (dir case) or the single file. */
  source: string;
  dir: boolean;
  skip?: string;
}

function cases(): NginxCase[] {
  const out: NginxCase[] = [];
  for (const entry of fs.readdirSync(FIXTURES).sort()) {
    const p = path.join(FIXTURES, entry);
    const dir = fs.statSync(p).isDirectory();
    const files = dir ? walk(p).map((f) => path.join(p, f)) : [p];
    const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
    const nginxFiles = files.filter((f, i) => acceptsNginx(path.relative(dir ? p : FIXTURES, f).split(path.sep).join('/'), (texts[i] as string).slice(0, 4096)));
    let skip: string | undefined;
    if (texts.some((t) => /nginx-t:\s*invalid/.test(t))) skip = 'meant to be invalid';
    else if (texts.some((t) => /nginx-t:\s*skip/.test(t))) skip = /nginx-t:\s*skip\s*\(?([^)\n]*)/.exec(texts.find((t) => /nginx-t:\s*skip/.test(t)) as string)?.[1] ?? 'skip';
    else if (texts.some((t) => /expect:\s*cors\/parse-error/.test(t))) skip = 'expects a parse error';
    else if (nginxFiles.length === 0) skip = 'no nginx files';
    else if (nginxFiles.every((f) => isYamlPath(f) || isTemplatePath(f))) skip = 'YAML or template, not nginx on its own';
    out.push({ name: dir ? `${entry}/` : entry, source: p, dir, ...(skip ? { skip } : {}) });
  }
  return out;
}

type Context = 'main' | 'http' | 'server' | 'location';

function contextOf(text: string): Context {
  const top = new Set(parseNginx(text).directives.map((d) => d.name));
  if (top.has('http') || top.has('events')) return 'main';
  if (top.has('server') || top.has('map') || top.has('upstream')) return 'http';
  if (top.has('location') || top.has('listen')) return 'server';
  return 'location';
}

function wrap(file: string, ctx: Context): string {
  const inc = `include ${file};`;
  switch (ctx) {
    case 'main':
      return inc;
    case 'http':
      return `events {}\nhttp {\n  ${inc}\n}\n`;
    case 'server':
      return `events {}\nhttp {\n  server {\n    listen 127.0.0.1:18080;\n    ${inc}\n  }\n}\n`;
    case 'location':
      return `events {}\nhttp {\n  server {\n    listen 127.0.0.1:18080;\n    location / {\n      ${inc}\n    }\n  }\n}\n`;
  }
}

function modulesFor(texts: string[]): string[] {
  const all = texts.join('\n');
  const mods: string[] = [];
  if (/more_(set|clear)_headers/.test(all)) mods.push('ngx_http_headers_more_filter_module.so');
  if (/_by_lua/.test(all)) mods.push('ndk_http_module.so', 'ngx_http_lua_module.so');
  return mods;
}

function nginxTest(bin: string, c: NginxCase): { ok: boolean; output: string } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-nginx-t-'));
  try {
    const rels = c.dir ? walk(c.source) : [path.basename(c.source)];
    const texts: string[] = [];
    for (const rel of rels) {
      const from = c.dir ? path.join(c.source, rel) : c.source;
      // Production paths (/etc/nginx/...) point into the copy.
      const text = fs.readFileSync(from, 'utf8').split('/etc/nginx/').join(tmp + '/');
      texts.push(text);
      fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      fs.writeFileSync(path.join(tmp, rel), text);
    }
    const mods = modulesFor(texts).filter((m) => fs.existsSync(path.join(MODULE_DIR, m)));
    let main: string;
    if (c.dir && rels.includes('nginx.conf')) {
      main = path.join(tmp, 'nginx.conf');
    } else {
      const roots = rels.filter((r) => !isYamlPath(r) && !isTemplatePath(r) && acceptsNginx(r, fs.readFileSync(path.join(tmp, r), 'utf8').slice(0, 4096)));
      const first = roots[0] as string;
      main = path.join(tmp, '__main.conf');
      const ctx = contextOf(fs.readFileSync(path.join(tmp, first), 'utf8'));
      // conf.d/*.conf without the image's nginx.conf: every file of the directory goes into one http block.
      const together = ctx === 'http' && /(^|\/)conf\.d\//.test(first) ? roots.filter((r) => path.dirname(r) === path.dirname(first)) : [first];
      fs.writeFileSync(main, ctx === 'http' ? `events {}\nhttp {\n${together.map((r) => `  include ${path.join(tmp, r)};`).join('\n')}\n}\n` : wrap(path.join(tmp, first), ctx));
    }
    const globals = [`pid ${path.join(tmp, 'nginx.pid')};`, ...mods.map((m) => `load_module ${path.join(MODULE_DIR, m)};`)].join(' ');
    const res = spawnSync(bin, ['-t', '-q', '-e', 'stderr', '-p', tmp, '-c', main, '-g', globals], { encoding: 'utf8', timeout: 20_000 });
    return { ok: res.status === 0, output: `${res.stdout ?? ''}${res.stderr ?? ''}${res.error ? String(res.error) : ''}` };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const bin = findNginx();
const inCI = process.env.CI === 'true';

describe('nginx -t accepts every valid nginx fixture', () => {
  if (!bin) {
    if (inCI) {
      it('needs nginx in CI', () => {
        expect.fail('nginx is not installed: apt-get install -y nginx libnginx-mod-http-headers-more-filter libnginx-mod-http-lua');
      });
    } else {
      console.log('[nginx-t] skipped: nginx is not installed (apt-get install -y nginx libnginx-mod-http-headers-more-filter libnginx-mod-http-lua)');
      it.skip('nginx -t (nginx not installed)', () => undefined);
    }
    return;
  }
  const all = cases();
  it('finds fixtures to check', () => {
    expect(all.filter((c) => !c.skip).length).toBeGreaterThanOrEqual(8);
  });
  for (const c of all) {
    if (c.skip === 'meant to be invalid') {
      it(`${c.name} is rejected, as its nginx-t: invalid marker says`, () => {
        expect(nginxTest(bin, c).ok).toBe(false);
      });
      continue;
    }
    if (c.skip) {
      it.skip(`${c.name} (${c.skip})`, () => undefined);
      continue;
    }
    const texts = (c.dir ? walk(c.source).map((f) => path.join(c.source, f)) : [c.source]).map((f) => fs.readFileSync(f, 'utf8'));
    const missing = modulesFor(texts).filter((m) => !fs.existsSync(path.join(MODULE_DIR, m)));
    if (missing.length && !inCI) {
      console.log(`[nginx-t] ${c.name} skipped: module(s) ${missing.join(', ')} not installed (libnginx-mod-http-headers-more-filter, libnginx-mod-http-lua)`);
      it.skip(`${c.name} (missing nginx modules)`, () => undefined);
      continue;
    }
    it(c.name, () => {
      const r = nginxTest(bin, c);
      expect(r.ok, r.output).toBe(true);
    });
  }
  it('rejects a broken config (the check is real)', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-nginx-t-'));
    try {
      const f = path.join(tmp, 'bad.conf');
      fs.writeFileSync(f, 'server {\n  listen 8080;\n  if ($request_method = OPTIONS) { add_header X-A b; }\n}\n');
      const r = nginxTest(bin, { name: 'bad', source: f, dir: false });
      expect(r.ok).toBe(false);
      expect(r.output).toMatch(/"add_header" directive is not allowed here/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
