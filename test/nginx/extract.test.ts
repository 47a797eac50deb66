import { describe, expect, it } from 'vitest';
import { acceptsNginx, mayAcceptNginx } from '../../src/extractors/nginx/detect.js';
import type { OriginPolicy } from '../../src/model/index.js';
import { extract, policy, textAt } from './support.js';

const srv = (body: string, http = '') => `${http}\nserver {\n  listen 8080;\n${body}\n}\n`;

function originOf(files: Record<string, string>, label: string): OriginPolicy | string {
  const p = policy(extract(files), label);
  return p.origin.known ? p.origin.value : `unknown: ${p.origin.reason}`;
}

describe('origin semantics', () => {
  it('a literal value is fixed, "*" is a wildcard, $http_origin is reflection', () => {
    const f = {
      'a.conf': srv(`
  location /fixed { add_header Access-Control-Allow-Origin "https://a.com"; }
  location /star { add_header Access-Control-Allow-Origin *; }
  location /refl { add_header Access-Control-Allow-Origin $http_origin; }
  location /empty { add_header Access-Control-Allow-Origin ""; add_header Access-Control-Allow-Methods GET; }`),
    };
    expect(originOf(f, 'location /fixed')).toEqual({ kind: 'fixed', value: 'https://a.com' });
    expect(originOf(f, 'location /star')).toEqual({ kind: 'wildcard' });
    expect(originOf(f, 'location /refl')).toEqual({ kind: 'reflect-any' });
    // An empty value sends no header at all (§4.1).
    expect(originOf(f, 'location /empty')).toEqual({ kind: 'none' });
  });

  it('map $http_origin: string keys case-insensitive, regex keys in order with their flags, empty default', () => {
    const f = {
      'nginx.conf': `http {
  map $http_origin $cors {
    default "";
    "~^https://b\\.com$" $http_origin;
    https://A.com $http_origin;
    ~*^https://c\\.com$ $http_origin;
    https://d.com "";
  }
  ${srv('  location / { add_header Access-Control-Allow-Origin $cors always; }')}
}`,
    };
    const o = originOf(f, 'location /');
    expect(o).toMatchObject({ kind: 'allow-list', unknownEntries: [] });
    const entries = (o as Extract<OriginPolicy, { kind: 'allow-list' }>).entries;
    expect(entries.map((e) => (e.type === 'literal' ? ['lit', e.value, e.caseInsensitive] : e.type === 'regex' ? ['re', e.pattern, e.flags, e.flavor, e.mode] : [e.type]))).toEqual([
      // exact strings come first in nginx's lookup; the "" value of https://d.com sends nothing
      ['lit', 'https://A.com', true],
      ['re', '^https://b\\.com$', '', 'pcre', 'search'],
      ['re', '^https://c\\.com$', 'i', 'pcre', 'search'],
    ]);
    // Spans point at the map keys.
    expect(textAt(f, entries[1]!.span)).toBe('"~^https://b\\.com$"');
  });

  it('a map whose default reflects is reflect-any', () => {
    const f = { 'n.conf': `map $http_origin $o { default $http_origin; https://a.com "https://a.com"; }\n${srv('  location / { add_header Access-Control-Allow-Origin $o; }')}` };
    expect(originOf(f, 'location /')).toEqual({ kind: 'reflect-any' });
  });

  it('if ($http_origin ~* ...) { set $cors $http_origin; } validates the origin', () => {
    const f = {
      'a.conf': srv(`
  location /api {
    set $cors "";
    if ($http_origin ~* "^https://(www\\.)?example\\.com$") { set $cors $http_origin; }
    add_header Access-Control-Allow-Origin $cors always;
  }`),
    };
    const o = originOf(f, 'location /api') as Extract<OriginPolicy, { kind: 'allow-list' }>;
    expect(o.kind).toBe('allow-list');
    expect(o.entries).toMatchObject([{ type: 'regex', pattern: '^https://(www\\.)?example\\.com$', flags: 'i', mode: 'search' }]);
  });

  it('a flag variable set by an origin check, then tested by a second if', () => {
    const f = {
      'a.conf': srv(`
  location /api {
    if ($http_origin ~ '^https://app\\.example\\.com$') { set $cors 'true'; }
    if ($cors = 'true') {
      add_header Access-Control-Allow-Origin $http_origin always;
      add_header Access-Control-Allow-Credentials true always;
    }
    proxy_pass http://127.0.0.1:9000;
  }`),
    };
    const p = policy(extract(f), "if ($cors = 'true')");
    expect(p.origin).toMatchObject({ known: true, value: { kind: 'allow-list', entries: [{ type: 'regex', pattern: '^https://app\\.example\\.com$' }] } });
    expect(p.credentials).toMatchObject({ known: true, value: true });
  });

  it('the concatenated flag idiom (set $cors "${cors}options") is followed', () => {
    const f = {
      'a.conf': srv(`
  location /api {
    if ($http_origin ~* (^https?://([^/]+\\.)*(domainone|domaintwo)\\.com$)) { set $cors "true"; }
    if ($request_method = 'OPTIONS') { set $cors "\${cors}options"; }
    if ($request_method = 'GET') { set $cors "\${cors}get"; }
    if ($cors = "trueget") {
      add_header 'Access-Control-Allow-Origin' "$http_origin";
      add_header 'Access-Control-Allow-Credentials' 'true';
    }
    if ($cors = "trueoptions") {
      add_header 'Access-Control-Allow-Origin' "$http_origin";
      add_header 'Access-Control-Allow-Credentials' 'true';
      return 204;
    }
    proxy_pass http://127.0.0.1:3000;
  }`),
    };
    const r = extract(f);
    for (const label of ['if ($cors = "trueget")', 'if ($cors = "trueoptions")']) {
      expect(policy(r, label).origin).toMatchObject({
        known: true,
        value: { kind: 'allow-list', entries: [{ type: 'regex', pattern: '(^https?://([^/]+\\.)*(domainone|domaintwo)\\.com$)', flags: 'i' }] },
      });
    }
  });

  it('an add_header inside an origin-checking if is an allow-list; inside a method if it stays reflection', () => {
    const f = {
      'a.conf': srv(`
  location /a {
    if ($http_origin ~ "^https://a\\.com$") { add_header Access-Control-Allow-Origin $http_origin; }
  }
  location /b {
    if ($request_method = GET) { add_header Access-Control-Allow-Origin $http_origin; }
  }`),
    };
    expect(policy(extract(f), 'location /a, if').origin).toMatchObject({ known: true, value: { kind: 'allow-list' } });
    expect(policy(extract(f), 'location /b, if').origin).toMatchObject({ known: true, value: { kind: 'reflect-any' } });
  });

  it('if (origin does not match) { return 403; } guards the reflection that follows', () => {
    const f = {
      'a.conf': srv(`
  location /api {
    if ($http_origin !~ "^https://a\\.com$") { return 403; }
    add_header Access-Control-Allow-Origin $http_origin always;
  }`),
    };
    expect(originOf(f, 'location /api')).toMatchObject({ kind: 'allow-list', entries: [{ type: 'regex', pattern: '^https://a\\.com$' }] });
  });

  it('a rejection through a map flag validates; a deny-list that lets other origins through leaves reflection', () => {
    const f = {
      'a.conf': `map $http_origin $cors_ok { default 0; "https://a.com" 1; }
${srv(`
  location /flag {
    if ($cors_ok = 0) { return 403; }
    add_header Access-Control-Allow-Origin $http_origin always;
  }
  location /deny {
    if ($http_origin ~ "evil") { return 403; }
    add_header Access-Control-Allow-Origin $http_origin always;
  }`)}`,
    };
    expect(policy(extract(f), 'location /flag').origin).toMatchObject({ known: true, value: { kind: 'allow-list', entries: [{ type: 'literal', value: 'https://a.com', caseInsensitive: true }] } });
    // Every origin without "evil" in it (https://attacker.net, checked on nginx 1.22) is still echoed.
    expect(policy(extract(f), 'location /deny').origin).toMatchObject({ known: true, value: { kind: 'reflect-any' } });
    // A deny-list that also matches the origins an attacker would use is not claimed either way.
    const broad = { 'a.conf': srv(`  location /deny { if ($http_origin ~ "https?://") { return 403; } add_header Access-Control-Allow-Origin $http_origin always; }`) };
    expect(policy(extract(broad), 'location /deny').origin.known).toBe(false);
  });

  it('unknown for template placeholders and variables it cannot resolve; never a guess', () => {
    const f = {
      'templates/default.conf.template': srv('  location /t { add_header Access-Control-Allow-Origin ${CORS_ORIGIN}; }'),
      'b.conf': srv('  location /v { add_header Access-Control-Allow-Origin $allowed_origin; }'),
      'c.j2': srv('  location /j { add_header Access-Control-Allow-Origin {{ cors_origin }}; }'),
    };
    const r = extract(f);
    expect(policy(r, 'location /t').origin).toMatchObject({ known: false, reason: expect.stringMatching(/template placeholder/) });
    expect(policy(r, 'location /v').origin).toMatchObject({ known: false, reason: expect.stringMatching(/not defined/) });
    expect(policy(r, 'location /j').origin).toMatchObject({ known: false });
  });

  it('${var} is an nginx variable outside templates', () => {
    const f = { 'a.conf': srv('  location / { add_header Access-Control-Allow-Origin "${http_origin}"; }') };
    expect(originOf(f, 'location /')).toEqual({ kind: 'reflect-any' });
  });
});

describe('credentials from a variable, and locations that answer nothing', () => {
  it('Allow-Credentials "true" set under the same Origin check as the echoed origin is known true (audit 15)', () => {
    const body = (cred: string) =>
      srv(`
  set $cors_origin "";
  set $cors_cred "";
  if ($http_origin ~* "^https://(app|admin)\\.example\\.com$") {
    set $cors_origin $http_origin;
    ${cred}
  }
  add_header Access-Control-Allow-Origin $cors_origin always;
  add_header Access-Control-Allow-Credentials $cors_cred always;
  location /api { proxy_pass http://127.0.0.1:9000; }`);
    const same = policy(extract({ 'a.conf': body('set $cors_cred "true";') }), 'location /api');
    expect(same.credentials).toMatchObject({ known: true, value: true });
    // Never set to anything but "": the header is never sent.
    const never = policy(extract({ 'a.conf': body('') }), 'location /api');
    expect(never.credentials).toMatchObject({ known: true, value: false });
    // Set under a different condition (the method): which requests get it is not decided here.
    const other = srv(`
  set $cors_cred "";
  if ($request_method = GET) { set $cors_cred "true"; }
  add_header Access-Control-Allow-Origin $http_origin always;
  add_header Access-Control-Allow-Credentials $cors_cred always;
  location /api { proxy_pass http://127.0.0.1:9000; }`);
    expect(policy(extract({ 'a.conf': other }), 'location /api').credentials).toMatchObject({ known: false });
  });

  it('a named location nothing names answers nothing; a named one does', () => {
    const loc = (name: string) => `  location ${name} {\n    add_header Access-Control-Allow-Origin "https://a.example.com" always;\n    return 204;\n  }`;
    const unnamed = extract({ 'a.conf': srv(`  location / { proxy_pass http://127.0.0.1:9000; }\n${loc('@cors')}`) });
    expect(unnamed.policies.map((p) => p.scope.label).filter((l) => l.includes('@cors'))).toEqual([]);
    const named = extract({ 'a.conf': srv(`  location / { error_page 405 = @cors; proxy_pass http://127.0.0.1:9000; }\n${loc('@cors')}`) });
    expect(named.policies.map((p) => p.scope.label).filter((l) => l.includes('@cors'))).toHaveLength(1);
    // A server body analysed on its own keeps it: its includer may name it.
    const body = extract({ 'snippets/cors.conf': loc('@cors') });
    expect(body.policies.map((p) => p.scope.label)).toEqual(['location @cors']);
  });

  it('a regex location after one that matches every URI it matches is never chosen', () => {
    const loc = (m: string, re: string) => `  location ${m} ${re} {\n    add_header Access-Control-Allow-Origin "https://a.example.com" always;\n  }`;
    const labels = (conf: string) => extract({ 'a.conf': srv(conf) }).policies.map((p) => p.scope.label);
    // `~*` (any case) before `~`: the later one is shadowed.
    expect(labels(`${loc('~*', '\\.(js|css)$')}\n${loc('~', '^/.*\\.(js)$')}`).filter((l) => l.includes('^/.*'))).toEqual([]);
    // Case-sensitive before case-insensitive: /A.JS reaches the second.
    expect(labels(`${loc('~', '\\.(js|css)$')}\n${loc('~*', '\\.js$')}`).filter((l) => l.includes('\\.js$'))).toHaveLength(1);
    // Order matters: the narrower one first shadows nothing.
    expect(labels(`${loc('~', '^/.*\\.(js)$')}\n${loc('~*', '\\.(js|css)$')}`)).toHaveLength(2);
  });
});

describe('headers, inheritance and coverage', () => {
  it('records header writes with statuses and the exact credentials/methods/vary values', () => {
    const f = {
      'a.conf': srv(`
  add_header Access-Control-Allow-Origin $http_origin;
  add_header Access-Control-Allow-Credentials True always;
  add_header Access-Control-Allow-Methods "GET, post,PUT" always;
  add_header Access-Control-Max-Age 86400;
  add_header Vary "Accept-Encoding, Origin";
  location / { proxy_pass http://127.0.0.1:9000; }`),
    };
    const p = policy(extract(f), 'location /');
    expect(p.headerWrites.map((h) => [h.name, h.op, h.statuses, h.value.known ? h.value.value : '?'])).toEqual([
      ['access-control-allow-origin', 'append', 'success', '?'],
      ['access-control-allow-credentials', 'append', 'all', 'True'],
      ['access-control-allow-methods', 'append', 'all', 'GET, post,PUT'],
      ['access-control-max-age', 'append', 'success', '86400'],
      ['vary', 'append', 'success', 'Accept-Encoding, Origin'],
    ]);
    // Only exactly "true" counts (§5.1).
    expect(p.credentials).toMatchObject({ known: true, value: false });
    expect(p.allowMethods.known && p.allowMethods.value.kind === 'list' && p.allowMethods.value.items.map((t) => [t.value, textAt(f, t.span)])).toEqual([
      ['GET', 'GET'],
      ['post', 'post'],
      ['PUT', 'PUT'],
    ]);
    expect(p.maxAge).toMatchObject({ known: true, value: '86400' });
    expect(p.varyOrigin).toMatchObject({ known: true, value: true });
    expect(p.errorCoverage).toMatchObject({ known: true, value: { covers: 'success-only' } });
    expect(p.upstream).toMatchObject({ label: 'http://127.0.0.1:9000', hidesOrigin: false });
    expect(p.layer).toBe('proxy');
    expect(p.kind).toBe('nginx');
  });

  it('two ACAO add_header on one effective level are both written (duplicate)', () => {
    const f = { 'a.conf': srv('  add_header Access-Control-Allow-Origin *;\n  location / { add_header Access-Control-Allow-Origin https://a.com; add_header Access-Control-Allow-Origin https://b.com; }') };
    const p = policy(extract(f), 'location /');
    expect(p.headerWrites.filter((h) => h.name === 'access-control-allow-origin').map((h) => h.value.known && h.value.value)).toEqual(['https://a.com', 'https://b.com']);
  });

  it('locations inheriting one server-level set share one policy on the server', () => {
    const f = { 'a.conf': srv('  add_header Access-Control-Allow-Origin https://a.com always;\n  location /a { root /x; }\n  location /b { root /y; }') };
    const r = extract(f);
    expect(r.policies).toHaveLength(1);
    const p = r.policies[0]!;
    expect(p.scope).toMatchObject({ level: 'server', paths: ['/a', '/b'] });
    expect(textAt(f, p.span).startsWith('server {')).toBe(true);
  });

  it('records dropped inherited CORS headers and what dropped them', () => {
    const f = { 'a.conf': srv('  add_header Access-Control-Allow-Origin https://a.com always;\n  add_header X-Frame-Options DENY;\n  location /a { add_header Cache-Control no-store; }') };
    const p = policy(extract(f), 'location /a');
    expect(p.droppedInherited?.map((d) => [d.header, textAt(f, d.span), textAt(f, d.droppedBy), d.reason])).toEqual([
      ['access-control-allow-origin', 'add_header Access-Control-Allow-Origin https://a.com always;', 'add_header Cache-Control no-store;', 'redefined'],
    ]);
    expect(p.origin).toMatchObject({ known: true, value: { kind: 'none' } });
  });

  it('add_header_inherit merge keeps the parent headers; more_set_headers is additive and covers all statuses', () => {
    const f = {
      'a.conf': srv(`
  add_header_inherit merge;
  add_header Access-Control-Allow-Origin https://a.com;
  location /m { add_header Cache-Control no-store; }`),
      'b.conf': srv(`
  more_set_headers "Access-Control-Allow-Origin: https://b.com";
  location /h { add_header Cache-Control no-store; }`),
    };
    const r = extract(f);
    const m = policy(r, 'location /m');
    expect(m.droppedInherited).toBeUndefined();
    expect(m.origin).toMatchObject({ known: true, value: { kind: 'fixed', value: 'https://a.com' } });
    const h = policy(r, 'location /h');
    expect(h.droppedInherited).toBeUndefined();
    expect(h.origin).toMatchObject({ known: true, value: { kind: 'fixed', value: 'https://b.com' } });
    expect(h.errorCoverage).toMatchObject({ known: true, value: { covers: 'all' } });
    expect(h.headerWrites.find((w) => w.name === 'access-control-allow-origin')).toMatchObject({ op: 'set', statuses: 'all' });
  });

  it('proxy_hide_header: inherited only when the level has none of its own', () => {
    const f = {
      'a.conf': srv(`
  proxy_hide_header Access-Control-Allow-Origin;
  add_header Access-Control-Allow-Origin https://a.com always;
  location /a { proxy_pass http://127.0.0.1:9000; }
  location /b { proxy_hide_header X-Powered-By; proxy_pass http://127.0.0.1:9001; }`),
    };
    const r = extract(f);
    expect(policy(r, 'location /a').upstream).toMatchObject({ hidesOrigin: true, label: 'http://127.0.0.1:9000' });
    expect(policy(r, 'location /b').upstream).toMatchObject({ hidesOrigin: false, label: 'http://127.0.0.1:9001' });
  });
});

describe('preflight', () => {
  it('explicit OPTIONS branch with CORS headers', () => {
    const f = {
      'a.conf': srv(`
  location /api {
    if ($request_method = 'OPTIONS') {
      add_header Access-Control-Allow-Origin https://a.com;
      add_header Access-Control-Allow-Methods "GET, PUT, DELETE";
      return 204;
    }
    add_header Access-Control-Allow-Origin https://a.com always;
    add_header Access-Control-Allow-Methods "GET, PUT, DELETE" always;
  }`),
    };
    const r = extract(f);
    const loc = policy(r, 'location /api');
    expect(loc.preflight).toMatchObject({ known: true, value: { handled: 'explicit', status: 204 } });
    const branch = policy(r, "location /api, if ($request_method = 'OPTIONS')");
    expect(branch.scope.methods).toEqual(['OPTIONS']);
    expect(branch.preflight).toMatchObject({ known: true, value: { handled: 'explicit' } });
    // A branch that always returns 204 has nothing to lose on errors.
    expect(branch.errorCoverage).toMatchObject({ known: true, value: { covers: 'all' } });
  });

  it('missing when non-simple methods are allowed, nothing answers OPTIONS and nothing is proxied', () => {
    const f = { 'a.conf': srv('  location /static { add_header Access-Control-Allow-Origin *; add_header Access-Control-Allow-Methods "GET, DELETE"; root /var/www; }') };
    expect(policy(extract(f), 'location /static').preflight).toMatchObject({ known: true, value: { handled: 'missing' } });
  });

  it('unknown when proxied (the upstream may answer) or when only simple requests are allowed', () => {
    const f = {
      'a.conf': srv(`
  location /p { add_header Access-Control-Allow-Origin *; add_header Access-Control-Allow-Methods "GET, DELETE"; proxy_pass http://127.0.0.1:9000; }
  location /s { add_header Access-Control-Allow-Origin *; root /var/www; }`),
    };
    const r = extract(f);
    expect(policy(r, 'location /p').preflight.known).toBe(false);
    expect(policy(r, 'location /s').preflight.known).toBe(false);
  });
});

describe('files and includes', () => {
  it('resolves globs relative to the including file and absolute paths into the repository', () => {
    const files = {
      'deploy/nginx/nginx.conf': 'events {}\nhttp {\n  include /etc/nginx/conf.d/*.conf;\n}\n',
      'deploy/nginx/conf.d/api.conf': srv('  include /etc/nginx/snippets/cors.conf;\n  location / { proxy_pass http://127.0.0.1:9000; }'),
      'deploy/nginx/snippets/cors.conf': 'add_header Access-Control-Allow-Origin $http_origin always;\n',
    };
    const r = extract(files);
    expect(r.policies).toHaveLength(1);
    const p = r.policies[0]!;
    expect(p.origin).toMatchObject({ known: true, value: { kind: 'reflect-any' } });
    expect(p.headerWrites[0]!.span.file).toBe('deploy/nginx/snippets/cors.conf');
    expect(r.parseErrors).toEqual([]);
  });

  it('a sites-available file that nginx.conf includes through sites-enabled is analysed once', () => {
    const site = srv('  add_header Access-Control-Allow-Origin $http_origin;\n  location / { root /x; }');
    const r = extract({
      'etc/nginx/nginx.conf': 'events {}\nhttp {\n  include /etc/nginx/sites-enabled/*;\n}\n',
      'etc/nginx/sites-enabled/api': site,
      'etc/nginx/sites-available/api': site,
    });
    expect(r.policies).toHaveLength(1);
    expect(r.policies[0]!.span.file).toBe('etc/nginx/sites-enabled/api');
  });

  it('an unresolved include in a location makes what it could add unknown instead of guessing', () => {
    const files = { 'a.conf': srv('  add_header Access-Control-Allow-Origin $http_origin;\n  location / { include /opt/missing/cors-extra.conf; add_header Cache-Control no-store; }') };
    const p = extract(files).policies.find((x) => x.scope.label.includes('location /'));
    // No drop is claimed (the include may re-add the headers).
    expect(p?.droppedInherited ?? []).toEqual([]);
  });

  it('reports include cycles at the include', () => {
    const r = extract({ 'a.conf': 'server { listen 80; include b.conf; }', 'b.conf': 'include a.conf;' }, ['a.conf']);
    expect(r.parseErrors.map((e) => e.message)).toEqual(['include cycle: a.conf → b.conf → a.conf']);
  });

  it('reports parse errors with positions and keeps analysing', () => {
    const text = srv('  add_header Access-Control-Allow-Origin *\n  location / { add_header Cache-Control x; }');
    const r = extract({ 'a.conf': text });
    expect(r.parseErrors).toHaveLength(1);
    expect(r.parseErrors[0]!.start).toBe(text.indexOf('*') + 1);
    expect(policy(r, 'location /').droppedInherited?.[0]?.header).toBe('access-control-allow-origin');
  });

  it('finds nginx blocks in YAML at the YAML file positions', () => {
    const yaml = 'data:\n  nginx.conf: |\n    server {\n      add_header Access-Control-Allow-Origin $http_origin;\n    }\nother: 1\n';
    const r = extract({ 'k8s/configmap.yaml': yaml });
    expect(r.policies).toHaveLength(1);
    expect(textAt({ 'k8s/configmap.yaml': yaml }, r.policies[0]!.headerWrites[0]!.span)).toBe('add_header Access-Control-Allow-Origin $http_origin;');
  });

  it('ignores shell scripts in YAML that write nginx files, and never reports YAML syntax as nginx errors', () => {
    const wf = 'jobs:\n  deploy:\n    steps:\n      - run: |\n          cat > /etc/nginx/conf.d/x.conf <<EOF\n          server { add_header Access-Control-Allow-Origin $http_origin; }\n          EOF\n';
    const r = extract({ '.github/workflows/nginx.yml': wf });
    expect(r.policies).toEqual([]);
    expect(r.parseErrors).toEqual([]);
    const broken = extract({ 'helm/values.yaml': 'nginx:\n  conf: |\n    location / {\n      add_header Access-Control-Allow-Origin *\n' });
    expect(broken.parseErrors).toEqual([]);
  });

  it('accepts nginx files by path and content, and rejects other .conf files', () => {
    const server = 'server {\n  listen 80;\n}\n';
    expect(acceptsNginx('nginx.conf', server)).toBe(true);
    expect(acceptsNginx('deploy/nginx/default.conf', 'location / { }')).toBe(true);
    expect(acceptsNginx('etc/sites-available/api.example.com', server)).toBe(true);
    expect(acceptsNginx('conf.d/api.conf.template', server)).toBe(true);
    expect(acceptsNginx('roles/web/templates/site.conf.j2', server)).toBe(true);
    expect(acceptsNginx('snippets/cors.conf', 'add_header Access-Control-Allow-Origin *;')).toBe(true);
    expect(acceptsNginx('proxy/app.conf', server)).toBe(true);
    expect(acceptsNginx('supervisor/conf.d/app.conf', '[program:app]\ncommand=x\n')).toBe(false);
    expect(acceptsNginx('fail2ban/jail.conf', '[sshd]\nenabled = true\n')).toBe(false);
    expect(acceptsNginx('apache/sites-available/000-default.conf', '<VirtualHost *:80>\n</VirtualHost>\n')).toBe(false);
    expect(acceptsNginx('etc/redis.conf', 'bind 127.0.0.1\nport 6379\n')).toBe(false);
    expect(acceptsNginx('src/server.js', server)).toBe(false);
    expect(acceptsNginx('Dockerfile', 'FROM nginx\nRUN echo "server { listen 80; }" > /etc/nginx/conf.d/x.conf\n')).toBe(false);
    expect(acceptsNginx('docker/Dockerfile.prod', server)).toBe(false);
    expect(acceptsNginx('deploy/proxy', server)).toBe(true);
    expect(acceptsNginx('etc/logrotate.conf', '/var/log/nginx/*.log {\n  daily\n}\n')).toBe(false);
    expect(acceptsNginx('README.md', server)).toBe(false);
    // A site file named after its domain anywhere, when it opens with a block (audit 12 case 09).
    expect(acceptsNginx('backend/api.example.com', '# api\n\nserver {\n  listen 80;\n}\n')).toBe(true);
    // ... also after http-level directives only nginx has (audit 24 case 11).
    expect(acceptsNginx('backend/api.example.com', 'proxy_cache_path /var/cache/nginx keys_zone=api:10m;\n\nmap $http_origin $o {\n  default "";\n}\n')).toBe(true);
    expect(acceptsNginx('backend/api.example.com', 'cache_path = /tmp;\nserver {\n}\n')).toBe(false);
    // ... and after the other http-level directives a site file opens with (audit 36 nginx D4, Jitsi Meet).
    expect(acceptsNginx('doc/debian/jitsi-meet.example', 'server_names_hash_bucket_size 64;\n\nserver {\n  listen 80;\n}\n')).toBe(true);
    expect(acceptsNginx('doc/meet.example', 'client_max_body_size 10m; # uploads\r\nlog_format t \'$remote_addr\'\r\n  \'$status\';\r\ngeo $remote_addr $lan {\r\n}\r\n')).toBe(true);
    expect(acceptsNginx('etc/named.conf.local', 'include "/etc/bind/zones.rfc1918";\nzone "example.com" {\n};\n')).toBe(false);
    expect(acceptsNginx('etc/named.conf.local', 'include "/etc/bind/keys";\nserver 10.0.0.1 {\n  keys { k; };\n};\n')).toBe(false);
    expect(acceptsNginx('build/project.example', 'include foo.mk\nserver {\n}\n')).toBe(false);
    expect(acceptsNginx('notes/api.example.com', '\n'.repeat(2000) + 'x')).toBe(false);
    expect(acceptsNginx('prisma/schema.prisma', 'datasource db {\n  provider = "postgresql"\n}\n')).toBe(false);
    expect(acceptsNginx('notes/api.example.com', 'Some notes.\nserver {\n}\n')).toBe(false);
  });

  it('decides on the path alone only when no content could change the answer (the file is then never opened)', () => {
    const heads = ['server {\n  listen 80;\n}\n', 'add_header Access-Control-Allow-Origin *;', 'location / { }', '[program:app]\n', '{"a": 1}', '# nginx\nhttp {\n}\n', ''];
    const dirs = ['', 'nginx/', 'deploy/nginx/', 'conf.d/', 'etc/sites-available/', 'etc/sites-enabled/', 'snippets/', 'k8s/', 'src/', 'templates/'];
    const names = ['nginx.conf', 'default', 'api.conf', 'api.conf.template', 'site.conf.j2', 'x.nginx', 'values.yaml', 'compose.yml', 'Dockerfile', 'README.md', 'logo.png', 'data.json', 'app.js', 'main.py', '.hidden', 'proxy', 'cors.inc', 'jail.conf', 'notes.txt', 'x.vhost', 'api.example.com', 'schema.prisma'];
    let rejected = 0;
    for (const d of dirs) {
      for (const n of names) {
        const p = d + n;
        const may = mayAcceptNginx(p);
        if (!may) rejected++;
        for (const h of heads) if (acceptsNginx(p, h)) expect(may, `${p} is accepted with ${JSON.stringify(h)}`).toBe(true);
      }
    }
    expect(mayAcceptNginx('assets/logo.png')).toBe(false);
    expect(mayAcceptNginx('docs/README.md')).toBe(false);
    expect(rejected).toBeGreaterThan(50);
  });
});
