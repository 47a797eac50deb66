import { describe, expect, it } from 'vitest';
import { chromiumPreflightCache, corsCheck, needsPreflight, preflightCheck, unsafeHeaderNames } from '../../src/simulate/browser.js';
import type { SimRequest, SimResponse } from '../../src/simulate/types.js';

const req = (over: Partial<SimRequest> = {}): SimRequest => ({ path: '/x', origin: 'https://a.com', method: 'GET', headers: [], credentials: false, ...over });
const res = (status: number, headers: Record<string, string | null>): SimResponse => ({ status, headers, lines: [] });

describe('which requests preflight (§5.3)', () => {
  it('simple methods and safelisted headers do not', () => {
    expect(needsPreflight(req())).toBe(false);
    expect(needsPreflight(req({ method: 'POST', headers: ['Content-Type: text/plain; charset=utf-8'] }))).toBe(false);
    expect(needsPreflight(req({ method: 'post', headers: ['Accept: application/json'] }))).toBe(false);
  });
  it('PUT, JSON, Authorization and custom headers do', () => {
    expect(needsPreflight(req({ method: 'PUT' }))).toBe(true);
    expect(needsPreflight(req({ method: 'POST', headers: ['Content-Type: application/json'] }))).toBe(true);
    expect(needsPreflight(req({ headers: ['Authorization: Bearer x'] }))).toBe(true);
    expect(needsPreflight(req({ headers: ['Range: bytes=0-'] }))).toBe(false);
    expect(needsPreflight(req({ headers: ['Range: bytes=0-1, 3-4'] }))).toBe(true);
  });
  it('a request without Origin is not a CORS request', () => {
    const { origin: _o, ...noOrigin } = req({ method: 'PUT' });
    expect(needsPreflight(noOrigin)).toBe(false);
  });
  it('ACRH is lower-case, sorted, unique', () => {
    expect(unsafeHeaderNames(req({ headers: ['X-B: 1', 'Authorization: x', 'x-b: 2', 'Content-Type: application/json'] }))).toEqual(['authorization', 'content-type', 'x-b']);
  });
});

describe('the CORS check (§5.1)', () => {
  it('joins several ACAO lines and fails them', () => {
    expect(corsCheck(res(200, { 'access-control-allow-origin': 'https://a.com, https://b.com' }), 'https://a.com', false).ok).toBe(false);
  });
  it('* passes without credentials, fails with', () => {
    expect(corsCheck(res(200, { 'access-control-allow-origin': '*' }), 'https://a.com', false).ok).toBe(true);
    const c = corsCheck(res(200, { 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true' }), 'https://a.com', true);
    expect(c).toMatchObject({ ok: false, reason: expect.stringContaining('credentialed') });
  });
  it('credentials need exactly "true"', () => {
    expect(corsCheck(res(200, { 'access-control-allow-origin': 'https://a.com', 'access-control-allow-credentials': 'True' }), 'https://a.com', true).ok).toBe(false);
    expect(corsCheck(res(200, { 'access-control-allow-origin': 'https://a.com', 'access-control-allow-credentials': 'true' }), 'https://a.com', true).ok).toBe(true);
  });
  it('compares bytes: no trailing slash, no case folding', () => {
    expect(corsCheck(res(200, { 'access-control-allow-origin': 'https://a.com/' }), 'https://a.com', false).ok).toBe(false);
    expect(corsCheck(res(200, { 'access-control-allow-origin': 'https://A.com' }), 'https://a.com', false).ok).toBe(false);
  });
  it('an unknown ACAO gives an unknown answer', () => {
    expect(corsCheck(res(200, { 'access-control-allow-origin': null }), 'https://a.com', false).ok).toBeNull();
  });
});

describe('preflight evaluation (§5.4)', () => {
  const ok = { 'access-control-allow-origin': 'https://a.com', 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'content-type' };
  it('needs a 2xx status', () => {
    const r = preflightCheck(res(400, ok), req({ method: 'PUT' }));
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('400') });
  });
  it('compares methods case-sensitively (patch is not normalised)', () => {
    expect(preflightCheck(res(204, { ...ok, 'access-control-allow-methods': 'PATCH' }), req({ method: 'patch' })).ok).toBe(false);
    expect(preflightCheck(res(204, { ...ok, 'access-control-allow-methods': 'PUT' }), req({ method: 'put' })).ok).toBe(true);
  });
  it('* methods and headers are literal with credentials', () => {
    const star = { 'access-control-allow-origin': 'https://a.com', 'access-control-allow-credentials': 'true', 'access-control-allow-methods': '*', 'access-control-allow-headers': '*' };
    expect(preflightCheck(res(204, star), req({ method: 'PUT', credentials: true })).ok).toBe(false);
    expect(preflightCheck(res(204, { ...star, 'access-control-allow-origin': '*' }), req({ method: 'PUT', headers: ['X-A: 1'] })).ok).toBe(true);
  });
  it('ACAH * covers Authorization in Chromium but not in the Fetch standard', () => {
    const star = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': '*' };
    const r = req({ method: 'PUT', headers: ['Authorization: Bearer x'] });
    expect(preflightCheck(res(204, star), r, 'chromium').ok).toBe(true);
    expect(preflightCheck(res(204, star), r, 'standard')).toMatchObject({ ok: false, reason: expect.stringContaining('Authorization') });
  });
  it('a certain failure wins over an unknown value', () => {
    expect(preflightCheck(res(204, { ...ok, 'access-control-allow-origin': null, 'access-control-allow-methods': 'GET' }), req({ method: 'PUT' })).ok).toBe(false);
    expect(preflightCheck({ status: null, headers: ok, lines: [] }, req({ method: 'PUT' })).ok).toBeNull();
  });
  it('Max-Age: default 5 s, capped at 7200 s, negative → 0', () => {
    expect(chromiumPreflightCache(res(204, {}))).toBe(5);
    expect(chromiumPreflightCache(res(204, { 'access-control-max-age': '86400' }))).toBe(7200);
    expect(chromiumPreflightCache(res(204, { 'access-control-max-age': '-1' }))).toBe(0);
    expect(chromiumPreflightCache(res(204, { 'access-control-max-age': 'abc' }))).toBe(5);
  });
});
