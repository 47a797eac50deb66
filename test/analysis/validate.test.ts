/** validateLiteralOrigin against the browser's own serialization (Node's WHATWG URL parser is the reference). */
import { describe, expect, it } from 'vitest';
import { validateLiteralOrigin } from '../../src/analysis/index.js';

const exact = { caseInsensitive: false };

describe('validateLiteralOrigin', () => {
  it.each([
    ['https://example.com'],
    ['http://localhost:3000'],
    ['http://127.0.0.1:5173'],
    ['http://[::1]:8080'],
    ['https://xn--bcher-kva.de'],
    ['https://example.com:8443'],
    ['null'],
    ['capacitor://localhost'],
    ['chrome-extension://abcdefghijklmnopabcdefghijklmnop'],
  ])('accepts %s, which equals its own serialization', (v) => {
    expect(validateLiteralOrigin(v, exact)).toBeUndefined();
    if (v.startsWith('http')) expect(new URL(v).origin).toBe(v);
  });

  it.each([
    ['https://example.com/', 'path', 'https://example.com'],
    ['https://example.com/app', 'path', 'https://example.com'],
    ['https://example.com:443', 'default-port', 'https://example.com'],
    ['http://example.com:80', 'default-port', 'http://example.com'],
    ['https://Example.com', 'case', 'https://example.com'],
    ['HTTPS://example.com', 'case', 'https://example.com'],
    ['https://bücher.de', 'idna', 'https://xn--bcher-kva.de'],
    ['example.com', 'no-scheme', 'https://example.com'],
    // The scheme written twice (audit 52 js c03): not "http://http".
    ['http://http://demo.example.com', 'malformed', 'http://demo.example.com'],
    ['https://https://app.example.com/', 'malformed', 'https://app.example.com'],
    // Loopback dev servers serve plain http (audit 39 D7).
    ['localhost:3000', 'no-scheme', 'http://localhost:3000'],
    ['localhost:5173', 'no-scheme', 'http://localhost:5173'],
    ['127.0.0.1:3000', 'no-scheme', 'http://127.0.0.1:3000'],
    ['[::1]:8080', 'no-scheme', 'http://[::1]:8080'],
    ['app.localhost:3000', 'no-scheme', 'http://app.localhost:3000'],
    ['api.example.com:8443', 'no-scheme', 'https://api.example.com:8443'],
    ['192.168.1.5:3000', 'no-scheme', undefined],
    ['https://*.example.com', 'glob', undefined],
    ['http://localhost:*', 'glob', undefined],
    ['https://a.com,https://b.com', 'several', 'https://a.com'],
    ['https://a.com, https://b.com', 'several', 'https://a.com'],
    ['https://a.com https://b.com', 'several', 'https://a.com'],
    ['*', 'wildcard-in-list', undefined],
    ['', 'empty', undefined],
    [' https://example.com', 'malformed', 'https://example.com'],
    ['https://user@example.com', 'malformed', 'https://example.com'],
    ['file://', 'malformed', undefined],
    ['chrome-extension://abc/', 'path', 'chrome-extension://abc'],
    // Browsers send lower-case "null"; no suggestion, as allowing it lets sandboxed iframes in (audit 29 case 15).
    ['NULL', 'case', undefined],
    ['Null', 'case', undefined],
  ])('rejects %s (%s)', (v, code, suggestion) => {
    const p = validateLiteralOrigin(v, exact);
    expect(p?.code).toBe(code);
    expect(p?.suggestion).toBe(suggestion);
    // The suggested value is what a browser really sends.
    if (suggestion?.startsWith('http')) expect(new URL(suggestion).origin).toBe(suggestion);
  });

  it('upper case is fine where the framework casefolds (flask-cors)', () => {
    expect(validateLiteralOrigin('https://Example.com', { caseInsensitive: true })).toBeUndefined();
    expect(validateLiteralOrigin('https://Example.com:443', { caseInsensitive: true })?.code).toBe('default-port');
    expect(validateLiteralOrigin('NULL', { caseInsensitive: true })).toBeUndefined();
  });
});
