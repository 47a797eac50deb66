import { describe, expect, it } from 'vitest';
import { linkNginx, proxyTarget } from '../../src/extractors/nginx/link.js';
import type { AppModel } from '../../src/model/index.js';
import { extract, MemoryHost } from './support.js';

const app = (id: string, file: string, ports?: number[]): AppModel => ({
  id,
  kind: 'express',
  span: { file, start: 0, end: 1 },
  label: id,
  routes: [],
  readsHeaders: [],
  ...(ports ? { ports } : {}),
});

describe('linking proxy_pass to apps of the repository', () => {
  const conf = 'server {\n  listen 80;\n  location /a/ { add_header Access-Control-Allow-Origin *; proxy_pass http://api:8000/; }\n  location /b/ { add_header Access-Control-Allow-Origin *; proxy_pass http://127.0.0.1:9000; }\n  location /c/ { add_header Access-Control-Allow-Origin *; proxy_pass http://other:80; }\n}\n';
  const files = {
    'deploy/nginx/site.conf': conf,
    'docker-compose.yml': 'services:\n  api:\n    build:\n      context: ./backend\n  other:\n    image: redis\n',
  };

  it('parses proxy_pass targets', () => {
    expect(proxyTarget('http://api:8000/x')).toEqual({ host: 'api', port: 8000 });
    expect(proxyTarget('https://Backend')).toEqual({ host: 'backend' });
    expect(proxyTarget('http://$upstream')).toBeUndefined();
  });

  it('links a compose service built from a directory, and a loopback port, and nothing ambiguous', () => {
    const r = extract({ 'deploy/nginx/site.conf': conf }, ['deploy/nginx/site.conf']);
    r.apps.push(app('py', 'backend/app/main.py'), app('js', 'frontend/server.js', [9000]));
    linkNginx(r, new MemoryHost(files));
    const byPath = (p: string) => r.policies.find((x) => x.scope.paths?.includes(p))?.upstream;
    expect(byPath('/a/')).toMatchObject({ appId: 'py' });
    expect(byPath('/b/')).toMatchObject({ appId: 'js' });
    expect(byPath('/c/')?.appId).toBeUndefined();
  });

  it('does not link a loopback port to another service of a monorepo when an app of unknown port sits closer', () => {
    const site = 'server {\n  listen 80;\n  location /b/ { add_header Access-Control-Allow-Origin *; proxy_pass http://127.0.0.1:9000; }\n}\n';
    const r = extract({ 'services/shop/nginx/site.conf': site }, ['services/shop/nginx/site.conf']);
    r.apps.push(app('shop', 'services/shop/server.js'), app('billing', 'services/billing/app.py', [9000]));
    linkNginx(r, new MemoryHost({ 'services/shop/nginx/site.conf': site }));
    expect(r.policies[0]?.upstream?.appId).toBeUndefined();
    // The same port bound by the service's own app links.
    const r2 = extract({ 'services/shop/nginx/site.conf': site }, ['services/shop/nginx/site.conf']);
    r2.apps.push(app('shop', 'services/shop/server.js', [9000]), app('billing', 'services/billing/app.py'));
    linkNginx(r2, new MemoryHost({ 'services/shop/nginx/site.conf': site }));
    expect(r2.policies[0]?.upstream).toMatchObject({ appId: 'shop' });
  });

  it('does not link when two apps could be the target', () => {
    const r = extract({ 'deploy/nginx/site.conf': conf }, ['deploy/nginx/site.conf']);
    r.apps.push(app('py', 'backend/app/main.py'), app('py2', 'backend/worker/main.py'));
    linkNginx(r, new MemoryHost(files));
    expect(r.policies.find((x) => x.scope.paths?.includes('/a/'))?.upstream?.appId).toBeUndefined();
  });

  it('does not link an app whose known ports do not include the proxied port', () => {
    const r = extract({ 'deploy/nginx/site.conf': conf }, ['deploy/nginx/site.conf']);
    r.apps.push(app('mock', 'backend/dev-server.js', [3000]));
    linkNginx(r, new MemoryHost(files));
    expect(r.policies.find((x) => x.scope.paths?.includes('/a/'))?.upstream?.appId).toBeUndefined();
    // Unknown ports still link (the only app of the service's directory), and so does a matching one.
    const r2 = extract({ 'deploy/nginx/site.conf': conf }, ['deploy/nginx/site.conf']);
    r2.apps.push(app('mock', 'backend/dev-server.js', [3000]), app('py', 'backend/app/main.py', [8000]));
    linkNginx(r2, new MemoryHost(files));
    expect(r2.policies.find((x) => x.scope.paths?.includes('/a/'))?.upstream).toMatchObject({ appId: 'py' });
  });
});
