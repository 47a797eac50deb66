import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseSimulateArgs, runSimulateCommand, UsageError } from '../../src/cli/simulate.js';

const APPS = path.resolve(import.meta.dirname, '..', 'oracle', 'apps');

function capture() {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  return { out: () => out, err: () => err };
}

afterEach(() => vi.restoreAllMocks());

describe('cors-lint simulate: arguments', () => {
  it('parses the issue example', () => {
    const a = parseSimulateArgs(['.', '--path', '/api/orders', '--origin', 'https://app.example.com', '--method', 'PUT', '--header', 'Authorization', '--credentials']);
    expect(a).toMatchObject({ dir: '.', format: 'text', request: { path: '/api/orders', origin: 'https://app.example.com', method: 'PUT', headers: ['Authorization'], credentials: true, cookie: true } });
  });
  it('rejects what a browser never sends as Origin', () => {
    expect(() => parseSimulateArgs(['--origin', 'https://app.example.com/'])).toThrow(UsageError);
    expect(() => parseSimulateArgs(['--origin', 'app.example.com'])).toThrow(UsageError);
    expect(() => parseSimulateArgs(['--path', '/x'])).toThrow(/--origin is required/);
    expect(parseSimulateArgs(['--origin', 'null', '--json', '--format=json'])).toMatchObject({ format: 'json', request: { origin: 'null', headers: ['Content-Type: application/json'] } });
  });
  it('usage errors exit 2', async () => {
    const io = capture();
    expect(await runSimulateCommand(['--bogus'], APPS)).toBe(2);
    expect(io.err()).toContain('unknown option --bogus');
  });
});

describe('cors-lint simulate: output', () => {
  it('JSON: the documented shape, lower-case header names, responsible lines', async () => {
    const io = capture();
    const code = await runSimulateCommand(
      ['express-cors-reflect-credentials', '--path', '/api/items', '--origin', 'https://attacker.net', '--method', 'PUT', '--json', '--credentials', '--format', 'json'],
      APPS,
    );
    const j = JSON.parse(io.out());
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['request', 'preflight', 'response', 'browser', 'policies', 'unknown']));
    expect(j.preflight).toMatchObject({ status: 204, ok: true, headers: { 'access-control-allow-origin': 'https://attacker.net', 'access-control-allow-credentials': 'true' } });
    expect(j.response.headers['access-control-allow-origin']).toBe('https://attacker.net');
    expect(j.browser.allowed).toBe(true);
    expect(j.policies[0]).toMatchObject({ file: 'server.js', line: 5, mechanism: 'cors-package' });
    expect(j.unknown).toBe(false);
    expect(code).toBe(0);
  });
  it('JSON: preflight is null for a simple request', async () => {
    const io = capture();
    await runSimulateCommand(['express-cors-default', '--path', '/api/items', '--origin', 'https://x.org', '--format', 'json'], APPS);
    expect(JSON.parse(io.out()).preflight).toBeNull();
  });
  it('text: names the blocking header and the config line, exit 1', async () => {
    const io = capture();
    const code = await runSimulateCommand(['express-cors-methods-missing', '--path', '/api/items', '--origin', 'https://app.example.com', '--method', 'PUT', '--header', 'Authorization'], APPS);
    const out = io.out();
    expect(out).toMatch(/^preflight {2}OPTIONS \/api\/items {2}→ 204, Access-Control-Allow-Origin: https:\/\/app\.example\.com$/m);
    expect(out).toMatch(/✗ the preflight response does not allow method PUT \(server\.js:6 /);
    expect(out).toMatch(/^browser {4}blocked: the preflight response does not allow method PUT$/m);
    expect(code).toBe(1);
  });
});
