import { describe, expect, it } from 'vitest';
import { known, unknown, type HeaderWrite, type TokenList } from '../../src/model/index.js';
import { simulate } from '../../src/simulate/index.js';
import type { SimRequest } from '../../src/simulate/types.js';
import { app, list, policy, readText, SPANS } from './support.js';

const O = 'https://app.example.com';
const req = (over: Partial<SimRequest> = {}): SimRequest => ({ path: '/api/items', origin: O, method: 'GET', headers: [], credentials: false, ...over });
const routes: [string, string][] = [['GET|PUT|POST', '/api/items']];

describe('simulate: expressjs/cors', () => {
  it('origin: true + credentials reflects any origin, credentialed reads succeed (§1.2)', () => {
    const p = policy({ origin: { kind: 'reflect-any' }, credentials: known(true, SPANS.credentials) });
    const r = simulate({ policies: [p], apps: [app('express', routes)] }, req({ origin: 'https://attacker.net', credentials: true }));
    expect(r.preflight).toBeNull();
    expect(r.response.headers).toMatchObject({ 'access-control-allow-origin': 'https://attacker.net', 'access-control-allow-credentials': 'true', vary: 'Origin' });
    expect(r.browser.allowed).toBe(true);
    expect(r.unknown).toBe(false);
  });
  it("origin: '*' + credentials: the browser refuses the credentialed request", () => {
    const p = policy({ origin: { kind: 'wildcard' }, credentials: known(true, SPANS.credentials) });
    const r = simulate({ policies: [p], apps: [app('express', routes)] }, req({ credentials: true }));
    expect(r.response.headers['access-control-allow-origin']).toBe('*');
    expect(r.response.headers['vary']).toBeUndefined();
    expect(r.browser).toMatchObject({ allowed: false, reason: expect.stringContaining('credentialed') });
  });
  it('preflight: 204 with methods, echoed ACRH and Vary; PUT allowed', () => {
    const p = policy({ origin: { kind: 'fixed', value: O } });
    const r = simulate({ policies: [p], apps: [app('express', routes)] }, req({ method: 'PUT', headers: ['Content-Type: application/json', 'X-Token: 1'] }));
    expect(r.preflight).toMatchObject({ status: 204, ok: true, request: { method: 'PUT', headers: 'content-type,x-token' } });
    expect(r.preflight?.headers).toMatchObject({ 'access-control-allow-headers': 'content-type,x-token', vary: 'Origin, Access-Control-Request-Headers' });
    expect(r.browser.allowed).toBe(true);
  });
  it('a refused array origin omits ACAO but still sends the other headers', () => {
    const p = policy({ origin: { kind: 'allow-list', entries: [{ type: 'literal', value: O, caseInsensitive: false, span: SPANS.origin }], unknownEntries: [] }, credentials: known(true, SPANS.credentials) });
    const r = simulate({ policies: [p], apps: [app('express', routes)] }, req({ origin: 'https://attacker.net' }));
    expect(r.response.headers['access-control-allow-origin']).toBeUndefined();
    expect(r.response.headers['access-control-allow-credentials']).toBe('true');
    expect(r.browser.allowed).toBe(false);
  });
  it("a callback that refuses (onRefused: 'no-cors') sends nothing and the router answers OPTIONS with 200", () => {
    const p = policy({ origin: { kind: 'allow-list', entries: [{ type: 'literal', value: O, caseInsensitive: false, span: SPANS.origin }], unknownEntries: [], onRefused: 'no-cors' }, credentials: known(true, SPANS.credentials) });
    const r = simulate({ policies: [p], apps: [app('express', routes)] }, req({ origin: 'https://attacker.net', method: 'PUT' }));
    expect(r.preflight?.status).toBe(200);
    expect(r.preflight?.headers).toEqual({});
  });
  it('per-route cors() on GET: the preflight gets the router auto-answer without CORS headers', () => {
    const p = policy({ scope: { level: 'route', paths: ['/api/items'], methods: ['GET'], label: 'route GET /api/items' }, origin: { kind: 'fixed', value: O }, preflight: known({ handled: 'missing' as const }, SPANS.policy) });
    const r = simulate({ policies: [p], apps: [app('express', routes)] }, req({ method: 'PUT', headers: ['Content-Type: application/json'] }), { readText });
    expect(r.preflight).toMatchObject({ status: 200, ok: false, headers: {} });
    expect(r.browser.allowed).toBe(false);
    expect(r.notes[0]).toMatchObject({ file: 'app.py' });
  });
  it('a path no route answers → 404, headers kept (finalhandler keeps them, §1.3)', () => {
    const r = simulate({ policies: [policy()], apps: [app('express', routes)] }, req({ path: '/nope' }));
    expect(r.response.status).toBe(404);
    expect(r.response.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('simulate: Starlette CORSMiddleware', () => {
  const star = (over: Parameters<typeof policy>[0] = {}) =>
    policy({
      kind: 'fastapi',
      mechanism: 'starlette-middleware',
      allowMethods: known(list('GET'), SPANS.methods, 'default'),
      allowHeaders: known(list('Accept', 'Accept-Language', 'Content-Language', 'Content-Type'), SPANS.headers),
      maxAge: known<string | null>('600', SPANS.policy),
      errorCoverage: known({ covers: 'not-unhandled' as const }, SPANS.policy),
      ...over,
    });
  it('default allow_methods: the PUT preflight gets 400 and names the methods line', () => {
    const p = star({ origin: { kind: 'allow-list', entries: [{ type: 'literal', value: O, caseInsensitive: false, span: SPANS.origin }], unknownEntries: [] } });
    const r = simulate({ policies: [p], apps: [app('fastapi', routes, '0.26.1')] }, req({ method: 'PUT', headers: ['Content-Type: application/json'] }), { readText });
    expect(r.preflight).toMatchObject({ status: 400, ok: false });
    expect(r.preflight?.headers['access-control-allow-origin']).toBe(O);
    expect(r.browser.reason).toBe('blocked: the preflight response does not allow method PUT');
    expect(r.notes.map((n) => [n.message, n.line])).toEqual([
      ['the preflight response does not allow method PUT', 3],
      ['the preflight response has status 400, not 2xx', 6],
    ]);
  });
  it('["*"] + credentials: the preflight reflects; < 1.0 simple responses send * without a cookie', () => {
    const p = star({ origin: { kind: 'reflect-any' }, credentials: known(true, SPANS.credentials), allowMethods: known(list('GET', 'PUT'), SPANS.methods) });
    const model = { policies: [p], apps: [app('fastapi', routes, '0.26.1')] };
    const noCookie = simulate(model, req({ origin: 'https://evil.net', credentials: true, cookie: false }));
    expect(noCookie.response.headers['access-control-allow-origin']).toBe('*');
    expect(noCookie.browser.allowed).toBe(false);
    const cookie = simulate(model, req({ origin: 'https://evil.net', credentials: true }));
    expect(cookie.response.headers['access-control-allow-origin']).toBe('https://evil.net');
    expect(cookie.browser.allowed).toBe(true);
    const v1 = simulate({ policies: [p], apps: [app('fastapi', routes, '1.3.1')] }, req({ origin: 'https://evil.net', credentials: true, cookie: false }));
    expect(v1.response.headers['access-control-allow-origin']).toBe('https://evil.net');
  });
  it('unknown Starlette version: the allow-all answer without cookie is unknown, not guessed', () => {
    const p = star({ origin: { kind: 'reflect-any' }, credentials: known(true, SPANS.credentials) });
    const r = simulate({ policies: [p], apps: [app('fastapi', routes)] }, req({ credentials: true, cookie: false }));
    expect(r.browser.allowed).toBeNull();
    expect(r.unknown).toBe(true);
  });
  it('an unhandled exception → 500 without CORS headers (§2.3)', () => {
    const r = simulate({ policies: [star()], apps: [app('fastapi', routes, '0.26.1')] }, req({ throws: true }));
    expect(r.response).toMatchObject({ status: 500, headers: {} });
    expect(r.browser.allowed).toBe(false);
  });
});

describe('simulate: flask-cors', () => {
  const fl = (over: Parameters<typeof policy>[0] = {}) =>
    policy({ kind: 'flask', mechanism: 'flask-cors', allowMethods: known(list('GET', 'HEAD', 'POST', 'OPTIONS', 'PUT', 'PATCH', 'DELETE'), SPANS.methods), ...over });
  it('default CORS(app): reflects with Vary; no Origin → *', () => {
    const model = { policies: [fl({ origin: known({ kind: 'reflect-any' as const }, SPANS.origin) })], apps: [app('flask', routes)] };
    expect(simulate(model, req({ origin: 'null' })).response.headers).toMatchObject({ 'access-control-allow-origin': 'null', vary: 'Origin' });
    const { origin: _o, ...noOrigin } = req();
    expect(simulate(model, noOrigin).response.headers['access-control-allow-origin']).toBe('*');
  });
  it('a refused origin gets no CORS headers at all; the preflight is still 200', () => {
    const p = fl({ origin: { kind: 'allow-list', entries: [{ type: 'literal', value: O, caseInsensitive: true, span: SPANS.origin }], unknownEntries: [] }, credentials: known(true, SPANS.credentials) });
    const r = simulate({ policies: [p], apps: [app('flask', routes)] }, req({ origin: 'https://evil.net', method: 'PUT', headers: ['Authorization: x'] }));
    expect(r.preflight).toMatchObject({ status: 200, headers: {}, ok: false });
  });
  it('preflight: sorted methods string, echoed allowed headers, single literal origin without Vary', () => {
    const p = fl({ origin: { kind: 'allow-list', entries: [{ type: 'literal', value: O, caseInsensitive: true, span: SPANS.origin }], unknownEntries: [] }, allowHeaders: known<TokenList>({ kind: 'echo' }, SPANS.headers) });
    const r = simulate({ policies: [p], apps: [app('flask', routes)] }, req({ origin: 'HTTPS://APP.example.com'.toLowerCase(), method: 'PUT', headers: ['X-B: 1', 'Authorization: x'] }));
    expect(r.preflight?.headers).toEqual({
      'access-control-allow-origin': O,
      'access-control-allow-headers': 'authorization, x-b',
      'access-control-allow-methods': 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT',
    });
    expect(r.browser.allowed).toBe(true);
  });
});

describe('simulate: hand-written headers and nginx', () => {
  const write = (name: string, value: string | null, statuses: 'all' | 'success' = 'all'): HeaderWrite => ({
    name,
    value: value === null ? unknown('the request Origin', SPANS.origin) : known(value, SPANS.policy),
    op: 'append',
    statuses,
    span: SPANS.policy,
  });
  it('nginx add_header without always disappears on a 500 (§4.1)', () => {
    const p = policy({
      kind: 'nginx',
      mechanism: 'nginx',
      layer: 'proxy',
      scope: { level: 'location', paths: ['/api/'], label: 'location /api/' },
      origin: { kind: 'reflect-any' },
      headerWrites: [write('access-control-allow-origin', null, 'success'), write('access-control-allow-credentials', 'true', 'success')],
      errorCoverage: known({ covers: 'success-only' as const }, SPANS.policy),
    });
    const ok = simulate({ policies: [p], apps: [] }, req({ credentials: true }));
    expect(ok.response.headers).toMatchObject({ 'access-control-allow-origin': O, 'access-control-allow-credentials': 'true' });
    expect(ok.browser.allowed).toBe(true);
    const err = simulate({ policies: [p], apps: [] }, req({ credentials: true, status: 500 }));
    expect(err.response.headers).toEqual({});
    expect(err.browser.allowed).toBe(false);
  });
  it('two add_header ACAO lines are joined and fail', () => {
    const p = policy({ kind: 'nginx', mechanism: 'nginx', layer: 'proxy', scope: { level: 'server', label: 'server' }, headerWrites: [write('access-control-allow-origin', '*'), write('access-control-allow-origin', O)] });
    const r = simulate({ policies: [p], apps: [] }, req());
    expect(r.response.headers['access-control-allow-origin']).toBe(`*, ${O}`);
    expect(r.browser.allowed).toBe(false);
  });
  it('nginx location selection: exact beats prefix, ^~ beats regex', () => {
    const loc = (spec: string, value: string) =>
      policy({ kind: 'nginx', mechanism: 'nginx', layer: 'proxy', scope: { level: 'location', paths: [spec], label: `location ${spec}` }, headerWrites: [write('access-control-allow-origin', value)] });
    const model = { policies: [loc('/api/', 'https://prefix'), loc('= /api/items', 'https://exact'), loc('~ ^/api', 'https://regex'), loc('^~ /static/', 'https://static')], apps: [] };
    expect(simulate(model, req()).response.headers['access-control-allow-origin']).toBe('https://exact');
    expect(simulate(model, req({ path: '/api/other' })).response.headers['access-control-allow-origin']).toBe('https://regex');
    expect(simulate(model, req({ path: '/static/x' })).response.headers['access-control-allow-origin']).toBe('https://static');
  });
  it('a hand-written reflection without Origin depends on the code → unknown', () => {
    const p = policy({ mechanism: 'express-manual', origin: { kind: 'reflect-any' }, headerWrites: [{ ...write('access-control-allow-origin', null), op: 'set' }] });
    const { origin: _o, ...noOrigin } = req();
    const r = simulate({ policies: [p], apps: [app('express', routes)] }, noOrigin);
    expect(r.response.headers['access-control-allow-origin']).toBeNull();
    expect(r.unknown).toBe(true);
  });
  it('writes under exact Origin comparisons go out only for the origins they were compared with', () => {
    const B = 'https://b.example.com';
    const set = (name: string, value: string, origins: HeaderWrite['origins']): HeaderWrite => ({ ...write(name, value), op: 'set', ...(origins ? { origins } : {}) });
    const p = policy({
      mechanism: 'express-manual',
      origin: { kind: 'allow-list', entries: [{ type: 'literal', value: B, caseInsensitive: false, span: SPANS.origin }], unknownEntries: [] },
      credentials: known(true, SPANS.credentials),
      headerWrites: [
        set('access-control-allow-origin', B, { in: [B], notIn: [] }),
        set('access-control-allow-credentials', 'true', { in: [B], notIn: [] }),
        set('access-control-allow-origin', '*', { notIn: [B] }),
      ],
    });
    const mine = simulate({ policies: [p], apps: [app('express', routes)] }, req({ origin: B, credentials: true }));
    expect(mine.response.headers).toMatchObject({ 'access-control-allow-origin': B, 'access-control-allow-credentials': 'true' });
    const other = simulate({ policies: [p], apps: [app('express', routes)] }, req({ origin: 'https://attacker.net' }));
    expect(other.response.headers['access-control-allow-origin']).toBe('*');
    expect(other.response.headers['access-control-allow-credentials']).toBeUndefined();
  });
  it('a preflight answered by a response of its own carries none of the written headers', () => {
    const p = policy({
      mechanism: 'express-manual',
      headerWrites: [{ ...write('access-control-allow-origin', '*'), op: 'set' }],
      preflight: known({ handled: 'missing' as const, status: 204 }, SPANS.policy),
    });
    const r = simulate({ policies: [p], apps: [app('express', routes)] }, req({ method: 'PUT' }));
    expect(r.preflight).toMatchObject({ status: 204, ok: false });
    expect(r.preflight?.headers['access-control-allow-origin']).toBeUndefined();
    expect(r.browser.allowed).toBe(false);
  });
  it('an unknown origin policy never yields a verdict', () => {
    const p = policy({ origin: unknown('read from $ORIGINS at runtime', SPANS.origin) });
    const r = simulate({ policies: [p], apps: [app('express', routes)] }, req());
    expect(r.browser.allowed).toBeNull();
    expect(r.unknown).toBe(true);
  });
});

describe('simulate: nginx in front of an app', () => {
  const nginxAcao = (hidesOrigin: boolean) =>
    policy({
      id: 'n1',
      kind: 'nginx',
      mechanism: 'nginx',
      layer: 'proxy',
      appId: undefined,
      scope: { level: 'location', paths: ['/api/'], label: 'location /api/' },
      origin: { kind: 'wildcard' },
      headerWrites: [{ name: 'access-control-allow-origin', value: known('*', SPANS.policy), op: 'append', statuses: 'all', span: SPANS.policy }],
      upstream: { appId: 'a1', span: SPANS.policy, label: 'http://127.0.0.1:3000', hidesOrigin },
    });
  const appPolicy = policy({ origin: { kind: 'fixed', value: O } });
  it('the proxy appends its ACAO to the app’s: two values, the browser fails (§4.4)', () => {
    const r = simulate({ policies: [nginxAcao(false), appPolicy], apps: [app('express', routes)] }, req());
    expect(r.response.headers['access-control-allow-origin']).toBe(`${O}, *`);
    expect(r.browser.allowed).toBe(false);
    expect(r.policies.map((p) => p.layer).sort()).toEqual(['app', 'proxy']);
  });
  it('proxy_hide_header removes the app’s ACAO first', () => {
    const r = simulate({ policies: [nginxAcao(true), appPolicy], apps: [app('express', routes)] }, req());
    expect(r.response.headers['access-control-allow-origin']).toBe('*');
    expect(r.browser.allowed).toBe(true);
  });
  it('an upstream outside the project makes the answer unknown', () => {
    const p = nginxAcao(false);
    p.upstream = { span: SPANS.policy, label: 'http://backend', hidesOrigin: false };
    const r = simulate({ policies: [p], apps: [] }, req());
    expect(r.unknown).toBe(true);
    expect(r.browser.allowed).toBeNull();
  });
});
