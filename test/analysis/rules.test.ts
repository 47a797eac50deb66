/**
 * The five origin rules on hand-built policies (the extractors are written elsewhere): what they report,
 * where, with which severity and related locations, and what they leave alone.
 */
import { describe, expect, it } from 'vitest';
import type { Finding, RuleContext } from '../../src/engine/rule.js';
import { known, unknown, type CorsPolicy, type OriginEntry, type OriginPolicy, type Span, type Valued } from '../../src/model/index.js';
import insecureOrigin from '../../rules/insecure-origin/rule.js';
import invalidOrigin from '../../rules/invalid-origin/rule.js';
import nullOriginAllowed from '../../rules/null-origin-allowed/rule.js';
import permissiveOriginPattern from '../../rules/permissive-origin-pattern/rule.js';
import untrustedOriginSuffix from '../../rules/untrusted-origin-suffix/rule.js';
import { allRules } from '../../rules/index.js';

const sp = (start: number, end = start + 5, file = 'app.js'): Span => ({ file, start, end });
const ORIGIN_SPAN = sp(100, 140);
const CRED_SPAN = sp(200, 217);

function policy(origin: Valued<OriginPolicy>, credentials: boolean | undefined, kind: CorsPolicy['kind'] = 'express'): CorsPolicy {
  const none = known({ kind: 'none' } as const, sp(0));
  return {
    id: 'app.js#1',
    kind,
    mechanism: 'cors-package',
    layer: 'app',
    span: sp(90, 300),
    scope: { level: 'app', label: 'app' },
    origin,
    credentials: credentials === undefined ? unknown('from env', CRED_SPAN) : known(credentials, CRED_SPAN),
    allowMethods: none,
    allowHeaders: none,
    exposeHeaders: none,
    maxAge: known(null, sp(0)),
    varyOrigin: known(true, sp(0)),
    preflight: known({ handled: 'automatic' as const }, sp(0)),
    errorCoverage: known({ covers: 'all' as const }, sp(0)),
    privateNetwork: known(false, sp(0)),
    headerWrites: [],
    shadowedBy: [],
  };
}

const allow = (entries: OriginEntry[], unknownEntries: Span[] = []): Valued<OriginPolicy> => known({ kind: 'allow-list', entries, unknownEntries }, ORIGIN_SPAN);
const js = (pattern: string, start: number, flags = ''): OriginEntry => ({ type: 'regex', pattern, flags, flavor: 'js', mode: 'search', span: sp(start) });
const lit = (value: string, start: number, caseInsensitive = false): OriginEntry => ({ type: 'literal', value, caseInsensitive, span: sp(start) });

function run(rule: typeof permissiveOriginPattern, p: CorsPolicy): Finding[] {
  const found: Finding[] = [];
  const ctx: RuleContext = { project: { policies: [p], apps: [] }, options: {}, report: (f) => found.push(f), appOf: () => undefined };
  rule.checkPolicy?.(p, ctx);
  return found;
}

describe('registration and metadata', () => {
  it('registers the five origin rules with the catalog severities', () => {
    const byId = new Map(allRules.map((r) => [r.meta.id, r.meta]));
    expect(byId.get('permissive-origin-pattern')?.severity).toBe('error');
    expect(byId.get('untrusted-origin-suffix')?.severity).toBe('warning');
    expect(byId.get('insecure-origin')?.severity).toBe('warning');
    expect(byId.get('null-origin-allowed')?.severity).toBe('warning');
    expect(byId.get('invalid-origin')?.severity).toBe('error');
    for (const id of ['permissive-origin-pattern', 'untrusted-origin-suffix', 'insecure-origin', 'null-origin-allowed', 'invalid-origin']) {
      expect(byId.get(id)?.kinds).toEqual(['express', 'fastapi', 'flask', 'nginx']);
    }
  });
});

describe('permissive-origin-pattern', () => {
  it('names a concrete accepted attacker origin, on the entry span', () => {
    const f = run(permissiveOriginPattern, policy(allow([lit('https://example.com', 10), js('example\\.com$', 30)]), false));
    expect(f).toHaveLength(1);
    expect(f[0]!.span).toEqual(sp(30));
    expect(f[0]!.message).toContain('/example\\.com$/ also accepts https://attackerexample.com');
    expect(f[0]!.message).not.toContain('cookies');
    expect(f[0]!.related).toEqual([]);
    expect(new RegExp('example\\.com$').test('https://attackerexample.com')).toBe(true);
  });

  it('mentions cookies and points at credentials when they are on', () => {
    const f = run(permissiveOriginPattern, policy(allow([js('^https:\\/\\/example\\.com', 30)]), true));
    expect(f[0]!.message).toContain('https://example.com.attacker.net');
    expect(f[0]!.message).toContain("with the user's cookies");
    expect(f[0]!.related?.[0]?.span).toEqual(CRED_SPAN);
  });

  it('respects each engine: Starlette fullmatch is anchored, flask-cors re.match is not anchored at the end', () => {
    const starlette: OriginEntry = { type: 'regex', pattern: 'https://.*\\.example\\.com', flags: '', flavor: 'python', mode: 'fullmatch', span: sp(40) };
    const flask: OriginEntry = { type: 'regex', pattern: 'https://.*\\.example\\.com', flags: 'i', flavor: 'python', mode: 'match', span: sp(40) };
    expect(run(permissiveOriginPattern, policy(allow([starlette]), true, 'fastapi'))).toEqual([]);
    const f = run(permissiveOriginPattern, policy(allow([flask]), true, 'flask'));
    expect(f[0]!.message).toContain('r"https://.*\\.example\\.com" also accepts https://a.example.com.attacker.net');
  });

  it('is silent on anchored, escaped patterns, on unknown origins, on reflect-any and on unanalysable patterns', () => {
    expect(run(permissiveOriginPattern, policy(allow([js('^https:\\/\\/([a-z0-9-]+\\.)?example\\.com$', 1)]), true))).toEqual([]);
    expect(run(permissiveOriginPattern, policy(unknown('process.env.ORIGIN', ORIGIN_SPAN), true))).toEqual([]);
    expect(run(permissiveOriginPattern, policy(known({ kind: 'reflect-any' }, ORIGIN_SPAN), true))).toEqual([]);
    expect(run(permissiveOriginPattern, policy(allow([js('^https:\\/\\/(?=x)example', 1)]), true))).toEqual([]);
  });

  it('handles string tests from origin callbacks', () => {
    const e: OriginEntry = { type: 'tests', all: [{ op: 'endsWith', on: 'origin', value: 'example.com', caseInsensitive: false, span: sp(50) }], span: sp(50) };
    const f = run(permissiveOriginPattern, policy(allow([e]), false));
    expect(f[0]!.message).toContain('Origin check origin.endsWith("example.com") also accepts https://attackerexample.com');
  });
});

describe('untrusted-origin-suffix', () => {
  it('reports every-subdomain trust of a shared hosting suffix', () => {
    const f = run(untrustedOriginSuffix, policy(allow([js('^https:\\/\\/[a-z0-9-]+\\.vercel\\.app$', 5)]), false));
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('accepts https://attacker.vercel.app');
    expect(f[0]!.message).toContain('"vercel.app"');
  });
  it('accepts one exact site on a shared suffix', () => {
    expect(run(untrustedOriginSuffix, policy(allow([lit('https://myapp.vercel.app', 5), js('^https:\\/\\/myapp\\.github\\.io$', 9)]), true))).toEqual([]);
  });
});

describe('insecure-origin', () => {
  it('is a warning without credentials and an error with them', () => {
    const w = run(insecureOrigin, policy(allow([lit('http://example.com', 5)]), false));
    expect(w[0]!.severity).toBe('warning');
    expect(w[0]!.message).toContain('trusts the plain-http origin http://example.com');
    const e = run(insecureOrigin, policy(allow([lit('http://example.com', 5)]), true));
    expect(e[0]!.severity).toBe('error');
    expect(e[0]!.related?.[0]?.span).toEqual(CRED_SPAN);
  });
  it('reports https? in patterns but never loopback', () => {
    const f = run(insecureOrigin, policy(allow([js('^https?:\\/\\/(www\\.)?example\\.com$', 5)]), false));
    expect(f[0]!.message).toContain('accepts the plain-http origin http://example.com');
    expect(run(insecureOrigin, policy(allow([lit('http://localhost:3000', 1), lit('http://127.0.0.1:8080', 2), js('^http:\\/\\/localhost:\\d+$', 3)]), true))).toEqual([]);
  });
  it('reports a fixed http value', () => {
    const f = run(insecureOrigin, policy(known({ kind: 'fixed', value: 'http://example.com' }, ORIGIN_SPAN), false));
    expect(f[0]!.span).toEqual(ORIGIN_SPAN);
  });
});

describe('null-origin-allowed', () => {
  it('error with credentials, warning without; literal, pattern and fixed', () => {
    const e = run(nullOriginAllowed, policy(allow([lit('https://example.com', 1), lit('null', 7)]), true));
    expect(e).toHaveLength(1);
    expect(e[0]!.severity).toBe('error');
    expect(e[0]!.span).toEqual(sp(7));
    expect(e[0]!.related?.[0]?.span).toEqual(CRED_SPAN);
    const w = run(nullOriginAllowed, policy(allow([js('^(null|https:\\/\\/example\\.com)$', 3)]), false));
    expect(w[0]!.severity).toBe('warning');
    expect(w[0]!.message).toContain('also accepts the origin "null"');
    const fx = run(nullOriginAllowed, policy(known({ kind: 'fixed', value: 'null' }, ORIGIN_SPAN), undefined));
    expect(fx[0]!.message).toContain('is sent as Access-Control-Allow-Origin: null');
    expect(fx[0]!.severity).toBe('warning');
  });
  it('is not reported for reflect-any (reflected-origin covers it) nor for wildcard', () => {
    expect(run(nullOriginAllowed, policy(known({ kind: 'reflect-any' }, ORIGIN_SPAN), true))).toEqual([]);
    expect(run(nullOriginAllowed, policy(known({ kind: 'wildcard' }, ORIGIN_SPAN), false))).toEqual([]);
  });
});

describe('invalid-origin', () => {
  it('reports literal entries that never equal a serialized origin, with the value meant', () => {
    const f = run(invalidOrigin, policy(allow([lit('https://example.com/', 1), lit('https://example.com:443', 2), lit('https://*.example.com', 3), lit('https://ok.example.com', 4)]), false));
    expect(f.map((x) => x.span.start)).toEqual([1, 2, 3]);
    expect(f[0]!.message).toContain('Use "https://example.com"');
    expect(f[2]!.message).toContain('compared literally');
  });
  it('upper-case host is invalid for exact comparison but not for flask-cors (casefold)', () => {
    expect(run(invalidOrigin, policy(allow([lit('https://Example.com', 1)]), false))).toHaveLength(1);
    expect(run(invalidOrigin, policy(allow([lit('https://Example.com', 1, true)]), false, 'flask'))).toEqual([]);
  });
  it('reports several origins in one fixed value (nginx add_header "a b")', () => {
    const f = run(invalidOrigin, policy(known({ kind: 'fixed', value: 'https://a.com https://b.com' }, ORIGIN_SPAN), false, 'nginx'));
    expect(f[0]!.message).toContain('holds 2 origins');
  });
  it('reports a g/y flag and a flask-cors string that is not a valid regex', () => {
    expect(run(invalidOrigin, policy(allow([js('^https:\\/\\/example\\.com$', 1, 'g')]), false))[0]!.message).toContain('stateful');
    const bad: OriginEntry = { type: 'regex', pattern: '*.example.com', flags: 'i', flavor: 'python', mode: 'match', span: sp(4) };
    expect(run(invalidOrigin, policy(allow([bad]), false, 'flask'))[0]!.message).toContain('not a valid regular expression');
  });
  it("reports Starlette's allow_origins string with a substring counterexample", () => {
    const e: OriginEntry = { type: 'substring', haystack: 'https://example.com', span: sp(9) };
    const f = run(invalidOrigin, policy(allow([e]), false, 'fastapi'));
    expect(f[0]!.message).toContain('https://example.co');
    expect('https://example.com'.includes('https://example.co')).toBe(true);
  });
});

describe('invalid-origin and duplicate-allow-origin do not overlap', () => {
  it('leaves several ACAO header lines (array value, append) to duplicate-allow-origin', () => {
    const p = policy(known({ kind: 'fixed', value: 'https://a.example.com, https://b.example.com' }, ORIGIN_SPAN), false);
    p.headerWrites.push({ name: 'access-control-allow-origin', value: known('https://a.example.com, https://b.example.com', ORIGIN_SPAN), op: 'set', statuses: 'all', span: ORIGIN_SPAN, multiple: true });
    expect(run(invalidOrigin, p)).toEqual([]);
  });
});
