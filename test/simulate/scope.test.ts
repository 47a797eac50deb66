import { describe, expect, it } from 'vitest';
import { expressPathMatches, flaskCorsResourceMatches, flaskRouteMatches, parseNginxLocation, selectNginxLocation, starlettePathMatches } from '../../src/simulate/scope.js';

describe('path matching per framework', () => {
  it('Express: params, splats, optional groups, mount prefixes; case-insensitive', () => {
    expect(expressPathMatches('/api/:id', '/api/42', false)).toBe(true);
    expect(expressPathMatches('/api/:id', '/api/42/x', false)).toBe(false);
    expect(expressPathMatches('/{*splat}', '/', false)).toBe(true);
    expect(expressPathMatches('/*splat', '/a/b', false)).toBe(true);
    expect(expressPathMatches('/API/items', '/api/items/', false)).toBe(true);
    expect(expressPathMatches('/api', '/api/items', true)).toBe(true);
    expect(expressPathMatches('/api', '/apix', true)).toBe(false);
    expect(expressPathMatches('/a(b)?', '/ab', false)).toBeUndefined();
  });
  it('Starlette and Flask route syntax', () => {
    expect(starlettePathMatches('/items/{id}', '/items/3')).toBe(true);
    expect(starlettePathMatches('/files/{p:path}', '/files/a/b')).toBe(true);
    expect(flaskRouteMatches('/items/<int:id>', '/items/3')).toBe(true);
    expect(flaskRouteMatches('/items/<int:id>', '/items/x')).toBe(false);
  });
  it('flask-cors resources: regex keys are start-anchored, literal keys exact (§3.4)', () => {
    expect(flaskCorsResourceMatches('/api/*', '/apix')).toBe(true);
    expect(flaskCorsResourceMatches('/api', '/api/users')).toBe(false);
    expect(flaskCorsResourceMatches('*', '/anything')).toBe(true);
  });
  it('nginx: = exact, longest prefix, ^~, then regexes in order', () => {
    const locs = ['/', '/api/', '= /api/x', '^~ /static/', '~ \\.php$', '~* ^/API/v2'].map((l) => parseNginxLocation(l)!);
    expect(selectNginxLocation(locs, '/api/x')).toBe(2);
    expect(selectNginxLocation(locs, '/api/y')).toBe(1);
    expect(selectNginxLocation(locs, '/static/a.php')).toBe(3);
    expect(selectNginxLocation(locs, '/api/a.php')).toBe(4);
    expect(selectNginxLocation(locs, '/api/v2/z')).toBe(5);
    expect(selectNginxLocation(locs, '/other')).toBe(0);
  });
});
