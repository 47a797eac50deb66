/**
 * The oracle for the nginx extractor: start the real nginx on loopback with one configuration, send requests
 * with several Origins and statuses, and compare the headers it really sends with what the model predicts
 * for the same location. Skipped (with a printed reason) without nginx, failing when CI=true.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorsPolicy, OriginPolicy } from '../../src/model/index.js';
import { extract } from './support.js';
import { freePort } from '../oracle/support/servers.js';

const CONFIG = `
map $http_origin $cors_origin {
    default "";
    "https://app.example.com" $http_origin;
    "~^https://[a-z]+\\.preview\\.example\\.com$" $http_origin;
}

server {
    listen 127.0.0.1:__PORT__;
    root __ROOT__;
    add_header Access-Control-Allow-Origin "https://server.example.com";
    more_set_headers "X-More-Server: 1";

    location /inherit/ { }
    location /dropped/ { add_header Cache-Control no-store; }
    location /always/ { add_header Access-Control-Allow-Origin "https://a.example.com" always; }
    location /success-only/ { add_header Access-Control-Allow-Origin "https://a.example.com"; }
    location /map/ { add_header Access-Control-Allow-Origin $cors_origin always; }
    location /empty/ { add_header Access-Control-Allow-Origin "" always; add_header X-Marker 1 always; }
    location /unanchored/ {
        set $c "";
        if ($http_origin ~* (example\\.com)) { set $c $http_origin; }
        add_header Access-Control-Allow-Origin $c always;
    }
    location /two-ifs/ {
        if ($http_origin) { add_header Access-Control-Allow-Origin $http_origin always; }
        if ($request_method = GET) { add_header X-Second 1 always; }
    }
    location /if-inherits/ {
        add_header Access-Control-Allow-Origin "https://loc.example.com" always;
        if ($request_method = GET) { set $x 1; }
    }
    location /preflight/ {
        add_header Access-Control-Allow-Origin "https://a.example.com" always;
        if ($request_method = OPTIONS) {
            add_header Access-Control-Allow-Origin "https://a.example.com";
            add_header Access-Control-Allow-Methods "GET, PUT";
            return 204;
        }
    }
    location /more/ { add_header Cache-Control no-store; more_set_headers "X-More-Loc: 1"; }
    location /more-preflight/ {
        # Proxied: the upstream may accept PUT, so Allow-Methods matters on the preflight.
        proxy_pass http://127.0.0.1:__PORT__/upstream/;
        more_set_headers "Access-Control-Allow-Headers: Content-Type";
        more_set_headers -s 200 "Access-Control-Allow-Methods: GET, PUT";
        add_header Access-Control-Allow-Headers "Content-Type" always;
        add_header Access-Control-Allow-Methods "GET, PUT" always;
        if ($request_method = OPTIONS) {
            add_header Access-Control-Max-Age 600;
            return 204;
        }
    }
    location /dup-more/ {
        add_header Access-Control-Allow-Origin "https://a.example.com";
        more_set_headers "Access-Control-Allow-Origin: https://b.example.com";
    }
    location /wide-open/ {
        set $setcors 0;
        if ($request_method = 'GET') {
            set $setcors 1;
            add_header 'Access-Control-Expose-Headers' 'Content-Length';
        }
        if ($setcors = 1) {
            add_header 'Access-Control-Allow-Origin' '*';
            add_header 'Access-Control-Allow-Headers' 'Content-Type';
        }
        if ($request_method = 'OPTIONS') {
            set $setcors 1;
        }
        if ($request_method = 'OPTIONS') {
            return 204;
        }
    }
    location /static-put/ {
        add_header Access-Control-Allow-Origin "https://a.example.com" always;
        add_header Access-Control-Allow-Methods "GET, PUT" always;
    }
    location /static-options/ {
        add_header Access-Control-Allow-Origin "https://a.example.com";
        add_header Access-Control-Allow-Methods "GET, PUT" always;
        add_header Access-Control-Allow-Headers "X-Custom" always;
        if ($request_method = OPTIONS) {
            add_header Access-Control-Allow-Origin "https://a.example.com";
            return 204;
        }
    }
    location /upstream/ { add_header Access-Control-Allow-Origin "https://up.example.com"; }
    location /proxied/ {
        proxy_pass http://127.0.0.1:__PORT__/upstream/;
        add_header Access-Control-Allow-Origin "https://a.example.com";
    }
    location /proxied-hidden/ {
        proxy_pass http://127.0.0.1:__PORT__/upstream/;
        proxy_hide_header Access-Control-Allow-Origin;
        add_header Access-Control-Allow-Origin "https://a.example.com";
    }
}
`;

function findNginx(): string | undefined {
  for (const p of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx']) if (fs.existsSync(p)) return p;
  const r = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() || undefined : undefined;
}
const MORE = `${process.env.NGINX_MODULES_DIR ?? '/usr/lib/nginx/modules'}/ngx_http_headers_more_filter_module.so`;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  raw: string[];
}

function request(port: number, method: string, urlPath: string, origin?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers: origin ? { Origin: origin } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: res.rawHeaders }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** What the model says ACAO will be for this Origin (undefined: no header). */
function predictAcao(o: OriginPolicy, origin: string): string | undefined {
  switch (o.kind) {
    case 'none':
      return undefined;
    case 'wildcard':
      return '*';
    case 'fixed':
      return o.value;
    case 'reflect-any':
      return origin;
    case 'allow-list':
      for (const e of o.entries) {
        if (e.type === 'literal' && (e.caseInsensitive ? e.value.toLowerCase() === origin.toLowerCase() : e.value === origin)) return origin;
        if (e.type === 'regex' && new RegExp(e.pattern, e.flags).test(origin)) return origin;
      }
      return undefined;
  }
}

function acaoValues(r: Reply): string[] {
  const out: string[] = [];
  for (let i = 0; i < r.raw.length; i += 2) if ((r.raw[i] as string).toLowerCase() === 'access-control-allow-origin') out.push(r.raw[i + 1] as string);
  return out;
}

const bin = findNginx();
const inCI = process.env.CI === 'true';
const usable = bin !== undefined && fs.existsSync(MORE);

describe.skipIf(!usable && !inCI)('nginx oracle: the model predicts what nginx really sends', () => {
  let child: ChildProcess | undefined;
  let tmp = '';
  let port = 0;
  let policies: CorsPolicy[] = [];
  const byPath = (p: string, ifLabel?: string) => {
    const found = policies.filter((x) => x.scope.paths?.includes(p) && (ifLabel ? x.scope.label.includes(ifLabel) : !x.scope.label.includes(', if ')));
    if (found.length !== 1) throw new Error(`expected one policy for ${p} ${ifLabel ?? ''}, got ${found.map((x) => x.scope.label).join(' | ')}`);
    return found[0] as CorsPolicy;
  };

  beforeAll(async () => {
    if (!usable) throw new Error('nginx with the headers-more module is required in CI (apt-get install -y nginx libnginx-mod-http-headers-more-filter)');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-oracle-'));
    for (const d of ['inherit', 'dropped', 'always', 'success-only', 'map', 'empty', 'unanchored', 'two-ifs', 'if-inherits', 'preflight', 'more', 'dup-more', 'upstream', 'wide-open', 'static-put', 'static-options']) {
      fs.mkdirSync(path.join(tmp, 'www', d), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'www', d, 'index.html'), 'ok\n');
    }
    const conf = CONFIG.replace('__ROOT__', path.join(tmp, 'www'));
    policies = extract({ 'site.conf': conf.replaceAll('__PORT__', '8080') }).policies;
    for (let attempt = 0; attempt < 5 && !child; attempt++) {
      port = await freePort();
      const main = path.join(tmp, 'nginx.conf');
      fs.writeFileSync(path.join(tmp, 'site.conf'), conf.replaceAll('__PORT__', String(port)));
      fs.writeFileSync(
        main,
        `load_module ${MORE};\ndaemon off;\nmaster_process off;\npid ${tmp}/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n  access_log off;\n  include site.conf;\n}\n`,
      );
      const c = spawn(bin as string, ['-p', tmp, '-e', 'stderr', '-c', main], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      c.stderr?.on('data', (b: Buffer) => (err += b.toString()));
      const up = await new Promise<boolean>((resolve) => {
        const t0 = Date.now();
        const poll = () => {
          if (c.exitCode !== null) return resolve(false);
          request(port, 'GET', '/inherit/')
            .then(() => resolve(true))
            .catch(() => (Date.now() - t0 > 5000 ? resolve(false) : setTimeout(poll, 50)));
        };
        poll();
      });
      if (up) child = c;
      else {
        c.kill('SIGKILL');
        if (attempt === 4) throw new Error(`nginx did not start: ${err}`);
      }
    }
  });

  afterAll(() => {
    child?.kill('SIGTERM');
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('inherits server headers, and drops them where the location has its own add_header', async () => {
    expect(acaoValues(await request(port, 'GET', '/inherit/', 'https://x.com'))).toEqual(['https://server.example.com']);
    expect(predictAcao((byPath('/inherit/').origin as { value: OriginPolicy }).value, 'https://x.com')).toBe('https://server.example.com');
    expect(acaoValues(await request(port, 'GET', '/dropped/', 'https://x.com'))).toEqual([]);
    const p = byPath('/dropped/');
    expect(p.droppedInherited?.map((d) => d.header)).toEqual(['access-control-allow-origin']);
  });

  it('without always, 4xx responses carry no CORS header; with always they do', async () => {
    const ok = await request(port, 'GET', '/success-only/', 'https://x.com');
    const missing = await request(port, 'GET', '/success-only/nope', 'https://x.com');
    expect([ok.status, acaoValues(ok)]).toEqual([200, ['https://a.example.com']]);
    expect([missing.status, acaoValues(missing)]).toEqual([404, []]);
    expect(byPath('/success-only/').errorCoverage).toMatchObject({ known: true, value: { covers: 'success-only' } });
    const err = await request(port, 'GET', '/always/nope', 'https://x.com');
    expect([err.status, acaoValues(err)]).toEqual([404, ['https://a.example.com']]);
    expect(byPath('/always/').errorCoverage).toMatchObject({ known: true, value: { covers: 'all' } });
  });

  it('map: string keys are case-insensitive, regex keys apply, the empty default sends nothing', async () => {
    const p = byPath('/map/');
    expect(p.origin.known).toBe(true);
    const o = (p.origin as { value: OriginPolicy }).value;
    for (const origin of ['https://app.example.com', 'https://APP.example.com', 'https://abc.preview.example.com', 'https://ABC.preview.example.com', 'https://evil.com', 'null']) {
      const got = acaoValues(await request(port, 'GET', '/map/', origin));
      expect({ origin, got }).toEqual({ origin, got: [predictAcao(o, origin)].filter((x) => x !== undefined) });
    }
    // The real behaviour the prediction matched: the string key matched case-insensitively, the regex did not.
    expect(acaoValues(await request(port, 'GET', '/map/', 'https://APP.example.com'))).toEqual(['https://APP.example.com']);
    expect(acaoValues(await request(port, 'GET', '/map/', 'https://ABC.preview.example.com'))).toEqual([]);
  });

  it('an empty value sends no header', async () => {
    const r = await request(port, 'GET', '/empty/', 'https://x.com');
    expect(acaoValues(r)).toEqual([]);
    expect(r.headers['x-marker']).toBe('1');
    expect(byPath('/empty/').origin).toMatchObject({ known: true, value: { kind: 'none' } });
  });

  it('an unanchored if regex reflects attacker origins, as the model says', async () => {
    const o = (byPath('/unanchored/').origin as { value: OriginPolicy }).value;
    for (const origin of ['https://example.com', 'https://example.com.evil.net', 'https://notexample.com', 'https://evil.net']) {
      const got = acaoValues(await request(port, 'GET', '/unanchored/', origin));
      expect({ origin, got }).toEqual({ origin, got: [predictAcao(o, origin)].filter((x) => x !== undefined) });
    }
    expect(acaoValues(await request(port, 'GET', '/unanchored/', 'https://example.com.evil.net'))).toEqual(['https://example.com.evil.net']);
  });

  it('with two matching ifs only the last one applies; the model records the drop', async () => {
    const get = await request(port, 'GET', '/two-ifs/', 'https://x.com');
    expect(acaoValues(get)).toEqual([]);
    expect(get.headers['x-second']).toBe('1');
    const head = await request(port, 'HEAD', '/two-ifs/', 'https://x.com');
    expect(acaoValues(head)).toEqual(['https://x.com']);
    const first = byPath('/two-ifs/', 'if ($http_origin)');
    expect(first.droppedInherited).toMatchObject([{ header: 'access-control-allow-origin', reason: 'later-if' }]);
  });

  it('an if without add_header keeps the location headers', async () => {
    expect(acaoValues(await request(port, 'GET', '/if-inherits/', 'https://x.com'))).toEqual(['https://loc.example.com']);
    expect(policies.filter((x) => x.scope.paths?.includes('/if-inherits/'))).toHaveLength(1);
  });

  it('the OPTIONS branch answers 204 with its own headers (no always needed for 204)', async () => {
    const r = await request(port, 'OPTIONS', '/preflight/', 'https://a.example.com');
    expect(r.status).toBe(204);
    expect(acaoValues(r)).toEqual(['https://a.example.com']);
    expect(r.headers['access-control-allow-methods']).toBe('GET, PUT');
    expect(byPath('/preflight/').preflight).toMatchObject({ known: true, value: { handled: 'explicit' } });
  });

  /** The ACAO lines the model's header writes produce: `set` replaces what came before, `append` adds a line. */
  const predictedLines = (p: CorsPolicy) => {
    let lines: string[] = [];
    for (const w of p.headerWrites.filter((x) => x.name === 'access-control-allow-origin')) {
      const v = w.value.known ? w.value.value : '?';
      lines = w.op === 'set' ? [v] : [...lines, v];
    }
    return lines;
  };

  it('more_set_headers does not replace an add_header of the same name: both lines are sent', async () => {
    const got = acaoValues(await request(port, 'GET', '/dup-more/', 'https://x.com'));
    expect(got).toEqual(['https://b.example.com', 'https://a.example.com']);
    expect(predictedLines(byPath('/dup-more/'))).toEqual(got);
  });

  it('a proxy adds its ACAO on top of the upstream one unless proxy_hide_header hides it', async () => {
    const both = acaoValues(await request(port, 'GET', '/proxied/', 'https://x.com'));
    expect(both).toEqual(['https://up.example.com', 'https://a.example.com']);
    expect(byPath('/proxied/').upstream).toMatchObject({ hidesOrigin: false });
    const one = acaoValues(await request(port, 'GET', '/proxied-hidden/', 'https://x.com'));
    expect(one).toEqual(['https://a.example.com']);
    expect(byPath('/proxied-hidden/').upstream).toMatchObject({ hidesOrigin: true });
  });

  it('the last matching if wins even without add_header: the wide-open snippet answers preflights with the inherited headers only', async () => {
    const get = await request(port, 'GET', '/wide-open/', 'https://x.com');
    expect(acaoValues(get)).toEqual(['*']);
    expect(get.headers['access-control-expose-headers']).toBeUndefined();
    // The last matching `if` has no add_header: it inherits the location's, which inherits the server's.
    const pre = await request(port, 'OPTIONS', '/wide-open/', 'https://x.com');
    expect(pre.status).toBe(204);
    expect(acaoValues(pre)).toEqual(['https://server.example.com']);
    expect(pre.headers['access-control-allow-headers']).toBeUndefined();
    const shared = byPath('/wide-open/', 'if ($setcors = 1)');
    // Dropped by each later OPTIONS `if` (both match an OPTIONS request).
    expect(new Set(shared.droppedInherited?.map((d) => `${d.header} ${d.reason}`))).toEqual(new Set(['access-control-allow-headers later-if']));
    expect(shared.droppedInherited).toHaveLength(2);
    // The GET block drops the server's ACAO by having its own add_header, and loses its own Expose-Headers to the later block.
    expect(byPath('/wide-open/', "if ($request_method = 'GET')").droppedInherited?.map((d) => [d.header, d.reason])).toEqual([
      ['access-control-allow-origin', 'redefined'],
      ['access-control-expose-headers', 'later-if'],
    ]);
  });

  it('static content answers OPTIONS with 405, which fails the preflight: the model says missing', async () => {
    const r = await request(port, 'OPTIONS', '/static-put/', 'https://a.example.com');
    expect(r.status).toBe(405);
    expect(byPath('/static-put/').preflight).toMatchObject({ known: true, value: { handled: 'missing' } });
  });

  it('static content answers PUT with 405 without a success-only ACAO: the OPTIONS branch dropping Allow-Methods changes nothing, Allow-Headers does', async () => {
    const pre = await request(port, 'OPTIONS', '/static-options/', 'https://a.example.com');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-methods']).toBeUndefined();
    const put = await request(port, 'PUT', '/static-options/index.html', 'https://a.example.com');
    expect(put.status).toBe(405);
    expect(acaoValues(put)).toEqual([]);
    const get = await request(port, 'GET', '/static-options/index.html', 'https://a.example.com');
    expect(acaoValues(get)).toEqual(['https://a.example.com']);
    expect(byPath('/static-options/', 'if ($request_method = OPTIONS)').droppedInherited?.map((d) => d.header)).toEqual(['access-control-allow-headers']);
  });

  it('an OPTIONS branch with its own add_header drops the add_header lines, not what more_set_headers sends on its status', async () => {
    const r = await request(port, 'OPTIONS', '/more-preflight/', 'https://x.com');
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-headers']).toBe('Content-Type');
    expect(r.headers['access-control-allow-methods']).toBeUndefined();
    expect(r.headers['access-control-max-age']).toBe('600');
    // Allow-Headers still arrives through headers-more: not a drop. Allow-Methods is listed for 200 only: dropped.
    expect(byPath('/more-preflight/', 'if ($request_method = OPTIONS)').droppedInherited?.map((d) => d.header)).toEqual(['access-control-allow-methods']);
  });

  it('more_set_headers is inherited additively, next to a location add_header', async () => {
    const r = await request(port, 'GET', '/more/', 'https://x.com');
    expect(r.headers['x-more-server']).toBe('1');
    expect(r.headers['x-more-loc']).toBe('1');
    expect(r.headers['cache-control']).toBe('no-store');
  });
});

if (!usable && !inCI) console.log('[nginx-oracle] skipped: nginx or the headers-more module is not installed (apt-get install -y nginx libnginx-mod-http-headers-more-filter)');
