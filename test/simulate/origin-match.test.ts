import { describe, expect, it } from 'vitest';
import type { OriginEntry } from '../../src/model/index.js';
import { decideOrigin, entryMatches } from '../../src/simulate/origin-match.js';

const span = { file: 'f', start: 0, end: 0 };
const re = (pattern: string, mode: 'search' | 'match' | 'fullmatch', flavor: 'js' | 'python' | 'pcre' = 'js', flags = ''): OriginEntry => ({ type: 'regex', pattern, flags, flavor, mode, span });

describe('entryMatches', () => {
  it('literal: exact, or case-insensitive when the framework casefolds', () => {
    expect(entryMatches({ type: 'literal', value: 'https://A.com', caseInsensitive: false, span }, 'https://a.com')).toBe(false);
    expect(entryMatches({ type: 'literal', value: 'https://A.com', caseInsensitive: true, span }, 'https://a.com')).toBe(true);
  });
  it('honours the matching mode', () => {
    expect(entryMatches(re('example\\.com$', 'search'), 'https://evilexample.com')).toBe(true);
    expect(entryMatches(re('https://.*\\.example\\.com', 'match', 'python'), 'https://a.example.com.evil.net')).toBe(true);
    expect(entryMatches(re('https://.*\\.example\\.com', 'fullmatch', 'python'), 'https://a.example.com.evil.net')).toBe(false);
    expect(entryMatches(re('example', 'match', 'python'), 'https://example.com')).toBe(false);
  });
  it('refuses what it cannot run safely or faithfully', () => {
    expect(entryMatches(re('a', 'search', 'js', 'g'), 'a')).toBeUndefined();
    expect(entryMatches(re('(a+)+$', 'search'), 'aaaa')).toBeUndefined();
    expect(entryMatches(re('(?P<x>a)', 'match', 'python'), 'a')).toBeUndefined();
  });
  it('python (?i) and flask-cors invalid regexes', () => {
    expect(entryMatches(re('(?i)https://APP\\.com', 'fullmatch', 'python'), 'https://app.com')).toBe(true);
    expect(entryMatches(re('*.example.com', 'match', 'python'), 'https://x.example.com')).toBe(false);
  });
  it('substring haystacks and string tests', () => {
    expect(entryMatches({ type: 'substring', haystack: 'https://app.com', span }, 'https://app.co')).toBe(true);
    const t: OriginEntry = { type: 'tests', all: [{ op: 'endsWith', on: 'hostname', value: 'example.com', caseInsensitive: false, span }], span };
    expect(entryMatches(t, 'https://evilexample.com')).toBe(true);
    expect(entryMatches(t, 'https://example.org')).toBe(false);
  });
});

describe('decideOrigin', () => {
  it('reflect-any echoes anything including null, and nothing without Origin', () => {
    expect(decideOrigin({ kind: 'reflect-any' }, 'null')).toEqual({ send: true, value: 'null', reflected: true });
    expect(decideOrigin({ kind: 'reflect-any' }, undefined)).toEqual({ send: false, refused: false });
  });
  it('allow-list with unknown entries cannot refuse', () => {
    expect(decideOrigin({ kind: 'allow-list', entries: [], unknownEntries: [span] }, 'https://x.com')).toHaveProperty('unknown');
    expect(decideOrigin({ kind: 'allow-list', entries: [], unknownEntries: [] }, 'https://x.com')).toEqual({ send: false, refused: true });
  });
});
