/**
 * `acceptsEveryOrigin`: an allow-list entry that accepts every Origin a browser can send is reflection of any
 * origin (normalizeOrigins rewrites it). Patterns that reject one of the quick probes are decided without
 * automata; the others by the exact language check, which these cases exercise too.
 */
import { describe, expect, it } from 'vitest';
import { acceptsEveryOrigin, clearAnalysisCaches } from '../../src/analysis/index.js';
import type { MatchMode, OriginEntry, RegexFlavor } from '../../src/model/index.js';

const span = { file: 't', start: 0, end: 1 };
const rx = (pattern: string, flavor: RegexFlavor = 'js', mode: MatchMode = 'search', flags = ''): OriginEntry => ({ type: 'regex', pattern, flags, flavor, mode, span });

describe('acceptsEveryOrigin', () => {
  it.each([
    ['.*', rx('.*')],
    ['[^]* (empty-or-anything)', rx('[^]*')],
    ['the empty pattern', rx('')],
    ['python .* (fullmatch)', rx('.*', 'python', 'fullmatch')],
    ['python .+ (fullmatch): every origin is non-empty', rx('.+', 'python', 'fullmatch')],
    ['an alternation that covers schemes and null', rx('^(?:[a-z][a-z0-9+.-]*:\\/\\/.*|null)$')],
  ])('accepts every origin: %s', (_, e) => {
    clearAnalysisCaches();
    expect(acceptsEveryOrigin(e)).toBe(true);
  });

  it.each([
    ['https only', rx('^https:\\/\\/.*$')],
    ['http(s) without null', rx('^https?:\\/\\/.*$')],
    ['every web origin but no other scheme', rx('^(?:https?:\\/\\/.*|null)$')],
    ['any host but a port', rx('^[a-z]+:\\/\\/[^:]*$')],
    ['a domain suffix', rx('\\.example\\.com$')],
    ['python .* under re.match with a dollar', rx('https://.*$', 'python', 'match')],
  ])('does not: %s', (_, e) => {
    clearAnalysisCaches();
    expect(acceptsEveryOrigin(e)).toBe(false);
  });

  it('literals and substrings never do; an unanalysable pattern is unknown', () => {
    expect(acceptsEveryOrigin({ type: 'literal', value: '*', caseInsensitive: false, span })).toBe(false);
    expect(acceptsEveryOrigin({ type: 'substring', haystack: 'https://a.com', span })).toBe(false);
    expect(acceptsEveryOrigin(rx('(?<=x).*'))).toBeUndefined();
  });
});
