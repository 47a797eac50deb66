/**
 * An entry is judged with the sites its siblings name counted as intended, but what it is told about is its own:
 * the example and explanation name its own hosts, and a matcher that names no host of its own (an address range)
 * is judged as such beside siblings that do (audit 20).
 */
import { describe, expect, it } from 'vitest';
import { analyzeEntry } from '../../src/analysis/index.js';
import type { OriginEntry } from '../../src/model/index.js';

const span = { file: 'x', start: 0, end: 0 };
const py = (pattern: string): OriginEntry => ({ type: 'regex', pattern, flags: '', flavor: 'python', mode: 'match', span });
const pcre = (pattern: string): OriginEntry => ({ type: 'regex', pattern, flags: '', flavor: 'pcre', mode: 'search', span });
const literal = (value: string): OriginEntry => ({ type: 'literal', value, caseInsensitive: false, span });

describe('entries beside siblings', () => {
  it('names its own suffix in the example, not a sibling host', () => {
    const entry = py('https://.*\\.vercel\\.app');
    const alone = analyzeEntry(entry, []).problems.find((p) => p.kind === 'permissive');
    const beside = analyzeEntry(entry, [literal('http://127.0.0.1:3000')]).problems.find((p) => p.kind === 'permissive');
    expect(beside?.example).toBe(alone?.example);
    expect(beside?.example).not.toContain('127.0.0.1');
    expect(beside?.detail).toContain('"vercel.app"');
  });

  it('reports a plain-http address range beside an entry that names a host', () => {
    const range = pcre('^https?://192\\.168\\.[0-9]+\\.[0-9]+(:[0-9]+)?$');
    const insecure = (siblings: OriginEntry[]) => analyzeEntry(range, siblings).problems.filter((p) => p.kind === 'insecure').map((p) => p.example);
    expect(insecure([])).toEqual(['http://192.168.0.0']);
    expect(insecure([pcre('^https://([a-z0-9-]+\\.)*example\\.cn$')])).toEqual(['http://192.168.0.0']);
    // An https-only range stays clean beside the same sibling.
    expect(analyzeEntry(pcre('^https://192\\.168\\.[0-9]+\\.[0-9]+$'), [pcre('^https://([a-z0-9-]+\\.)*example\\.cn$')]).problems).toEqual([]);
  });
});

describe('explanations of permissive patterns that name no domain', () => {
  it('does not say the host continues after localhost unless the pattern names it', () => {
    const any = analyzeEntry(pcre('^http://.*$'), []).problems.find((p) => p.kind === 'permissive');
    expect(any?.example).toBe('http://attacker.net');
    expect(any?.detail).toContain('names no specific domain');
    const local = analyzeEntry(pcre('^https?://localhost'), []).problems.find((p) => p.kind === 'permissive');
    expect(local?.example).toMatch(/^https?:\/\/localhost\.attacker\.net$/);
    expect(local?.detail).toContain('after "localhost"');
  });
});
