import { describe, expect, it } from 'vitest';
import { extract } from './support.js';

/** Deterministic pseudo-random generator, so a failure is reproducible. */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

const PIECES = [
  'server {', 'location /a {', 'location ~* ^/b$ {', 'if ($request_method = OPTIONS) {', 'if ($http_origin ~* "^https://a\\.com$") {', 'if ($cors = "true") {',
  '}', '}', '}', ';', 'add_header Access-Control-Allow-Origin $http_origin always;', 'add_header Access-Control-Allow-Origin $cors;',
  'add_header Access-Control-Allow-Credentials true;', 'add_header Vary Origin;', 'add_header Cache-Control no-store;', 'set $cors $http_origin;',
  'set $cors "";', 'return 204;', 'proxy_pass http://127.0.0.1:9000;', 'include b.conf;', 'include a.conf;', 'include missing/*.conf;',
  'map $http_origin $cors { default ""; ~^https://x $http_origin; }', 'more_set_headers "Access-Control-Allow-Origin: *";', 'more_clear_headers X;',
  'add_header_inherit merge;', 'proxy_hide_header Access-Control-Allow-Origin;', 'content_by_lua_block { local x = "}" }', '"', "'", '#', '${VAR}', '{{ x }}',
  'limit_except GET { deny all; }', 'http {', 'map $x $y {', 'set $a "${cors}x";', 'if ($a) {', 'rewrite ^ /x last;', 'break;',
];

describe('the nginx extractor never throws', () => {
  it('on 400 random configurations with includes, cycles and templates', () => {
    const r = rng(7);
    const make = (n: number) => Array.from({ length: n }, () => PIECES[Math.floor(r() * PIECES.length)]).join(r() < 0.5 ? '\n' : ' ');
    for (let i = 0; i < 400; i++) {
      const files = { 'a.conf': make(40), 'b.conf': make(20), 'x.conf.template': make(20), 'v.yaml': `nginx:\n  conf: |\n    ${make(20).replace(/\n/g, '\n    ')}\n` };
      let res: ReturnType<typeof extract> | undefined;
      expect(() => (res = extract(files))).not.toThrow();
      for (const e of res!.parseErrors) {
        expect(e.start).toBeGreaterThanOrEqual(0);
        expect(e.end).toBeGreaterThanOrEqual(e.start);
        expect(e.end).toBeLessThanOrEqual(files[e.file as keyof typeof files].length);
      }
      for (const p of res!.policies) {
        expect(p.span.end).toBeLessThanOrEqual(files[p.span.file as keyof typeof files].length);
      }
    }
  });

  it('on deeply nested includes and self-includes', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++) files[`f${i}.conf`] = `include f${i + 1}.conf;\nadd_header X-${i} 1;\n`;
    files['f60.conf'] = 'include f0.conf;\n';
    files['self.conf'] = 'server { listen 80; include self.conf; add_header Access-Control-Allow-Origin *; }';
    const res = extract(files, ['f0.conf', 'self.conf']);
    expect(res.parseErrors.some((e) => /nested too deeply|include cycle/.test(e.message))).toBe(true);
    expect(res.parseErrors.some((e) => e.file === 'self.conf' && /include cycle/.test(e.message))).toBe(true);
  });
});
