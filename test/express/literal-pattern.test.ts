import { describe, expect, it } from 'vitest';
import { literalPatternTest } from '../../src/extractors/express/flow.js';

describe('literalPatternTest: a literal pattern tested on a part of the origin is a string test', () => {
  it('anchors decide the operation; escaped punctuation is itself', () => {
    expect(literalPatternTest('\\.pages\\.dev$', '')).toEqual({ op: 'endsWith', value: '.pages.dev', ci: false });
    expect(literalPatternTest('^app\\.example\\.com$', 'i')).toEqual({ op: 'equals', value: 'app.example.com', ci: true });
    expect(literalPatternTest('^staging-', '')).toEqual({ op: 'startsWith', value: 'staging-', ci: false });
    expect(literalPatternTest('example', '')).toEqual({ op: 'includes', value: 'example', ci: false });
    // An escaped "$" at the end is a literal dollar, not an anchor.
    expect(literalPatternTest('cost\\$', '')).toEqual({ op: 'includes', value: 'cost$', ci: false });
  });

  it('anything that is not a plain string is left to the automata', () => {
    for (const p of ['example.com$', '\\.(a|b)\\.com$', '[a-z]+\\.com$', '\\d+\\.com$', 'a*', '^$', '\\bexample\\.com$']) expect(literalPatternTest(p, '')).toBeUndefined();
    // Stateful and multi-line flags change what test() answers.
    expect(literalPatternTest('\\.example\\.com$', 'g')).toBeUndefined();
    expect(literalPatternTest('\\.example\\.com$', 'm')).toBeUndefined();
  });
});
