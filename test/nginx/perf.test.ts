/**
 * Throughput of the nginx parser and extractor on a large generated configuration set. Prints files/s and
 * MB/s; the assertion is a loose floor so a slow CI machine does not fail it.
 */
import { describe, expect, it } from 'vitest';
import { extractNginx } from '../../src/extractors/nginx/index.js';
import { parseNginx } from '../../src/extractors/nginx/parser.js';
import { MemoryHost } from './support.js';

function site(i: number): string {
  const locs: string[] = [];
  for (let j = 0; j < 20; j++) {
    const k = (i + j) % 5;
    if (k === 0) locs.push(`    location /api${j}/ {\n        # comment with { braces } and ; semicolons\n        add_header Cache-Control "no-store, max-age=0";\n        proxy_set_header Host $host;\n        proxy_pass http://127.0.0.1:${9000 + j};\n    }`);
    else if (k === 1)
      locs.push(
        `    location ~* ^/static${j}/.+\\.(css|js|png)$ {\n        expires 30d;\n        if ($request_method = 'OPTIONS') {\n            add_header Access-Control-Allow-Origin $cors_origin;\n            add_header Access-Control-Allow-Methods "GET, POST, PUT, DELETE, OPTIONS";\n            add_header Access-Control-Allow-Headers "Authorization,Content-Type,X-Requested-With";\n            add_header Access-Control-Max-Age 1728000;\n            return 204;\n        }\n        root /var/www/site${i};\n    }`,
      );
    else if (k === 2) locs.push(`    location = /lua${j} {\n        content_by_lua_block {\n            local t = { a = "}" } -- }\n            ngx.say(t.a)\n        }\n    }`);
    else if (k === 3) locs.push(`    location /ws${j}/ {\n        include snippets/cors.conf;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection "upgrade";\n        proxy_pass http://127.0.0.1:${8000 + j};\n    }`);
    else locs.push(`    location /files${j}/ {\n        set $cors "";\n        if ($http_origin ~* "^https://(www\\.)?site${i}\\.example\\.com$") { set $cors $http_origin; }\n        add_header Access-Control-Allow-Origin $cors always;\n        add_header Vary Origin always;\n        try_files $uri $uri/ =404;\n    }`);
  }
  return `map $http_origin $cors_origin_${i} {\n    default "";\n    "https://site${i}.example.com" $http_origin;\n    "~^https://[a-z0-9-]+\\.site${i}\\.example\\.com$" $http_origin;\n}\n\nserver {\n    listen 443 ssl http2;\n    server_name site${i}.example.com www.site${i}.example.com;\n    ssl_certificate /etc/ssl/site${i}.pem;\n    add_header Access-Control-Allow-Origin $cors_origin_${i} always;\n    add_header Access-Control-Allow-Credentials true always;\n${locs.join('\n')}\n}\n`;
}

describe('nginx parser and extractor throughput', () => {
  it("parses and extracts a large generated config set", { timeout: 180_000 }, () => {
    const N = 500;
    const files: Record<string, string> = { 'nginx/snippets/cors.conf': 'add_header Access-Control-Allow-Origin $http_origin always;\nadd_header Vary Origin always;\n' };
    for (let i = 0; i < N; i++) files[`nginx/conf.d/site${i}.conf`] = site(i);
    const texts = Object.values(files);
    const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
    const mb = bytes / 1024 / 1024;

    // Warm-up, then the best of 2 runs (the median drifts with the machine, the ratio holds).
    const time = (f: () => void) => {
      f();
      let best = Infinity;
      for (let r = 0; r < 2; r++) {
        const t0 = performance.now();
        f();
        best = Math.min(best, performance.now() - t0);
      }
      return best / 1000;
    };
    let directives = 0;
    const parseS = time(() => {
      directives = 0;
      for (const t of texts) directives += parseNginx(t).directives.length;
    });
    let policies = 0;
    const extractS = time(() => {
      const host = new MemoryHost(files);
      const r = extractNginx(
        Object.entries(files).map(([path, text]) => ({ path, text })),
        host,
      );
      policies = r.policies.length;
      expect(r.parseErrors).toEqual([]);
    });
    const line = (what: string, s: number) => `${what}: ${(N / s).toFixed(0)} files/s, ${(mb / s).toFixed(1)} MB/s (${(s * 1000).toFixed(0)} ms)`;
    console.log(`[nginx-perf] ${N} files, ${mb.toFixed(1)} MB, ${policies} policies\n  ${line('parse', parseS)}\n  ${line('parse + includes + semantics', extractS)}`);
    expect(directives).toBe(N * 2 + 2);
    expect(policies).toBeGreaterThan(N * 10);
    expect(mb / parseS).toBeGreaterThan(1);
  });
});
