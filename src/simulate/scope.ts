/**
 * Which policies apply to a request: path matching in each framework's own syntax. Every matcher answers
 * true / false / undefined (cannot tell), and undefined makes the simulation's answer unknown.
 */
import type { AppModel, CorsPolicy, Route } from '../model/index.js';

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Strips the query string and fragment. */
export function pathOnly(p: string): string {
  const i = p.search(/[?#]/);
  const out = i >= 0 ? p.slice(0, i) : p;
  return out === '' ? '/' : out;
}

/**
 * Express route paths (path-to-regexp 8 and 0.1): `:param`, `:param?`, `*name`, `{...}` optional groups,
 * Express 4's bare `*`. Case-insensitive and trailing-slash tolerant, as Express is by default.
 * `prefix` = a `use()` mount path (matches the path and everything below it).
 */
export function expressPathMatches(pattern: string, path: string, prefix: boolean): boolean | undefined {
  if (pattern.startsWith('/') === false && pattern !== '*') return undefined;
  if (/[()[\]+]/.test(pattern)) return undefined;
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === ':') {
      const m = /^:([A-Za-z_$][\w$]*)(\?)?/.exec(pattern.slice(i));
      if (!m) return undefined;
      re += m[2] ? '(?:[^/]+)?' : '[^/]+';
      i += m[0].length - 1;
    } else if (c === '*') {
      const m = /^\*([A-Za-z_$][\w$]*)?/.exec(pattern.slice(i)) as RegExpExecArray;
      re += m[1] ? '.+' : '.*';
      i += m[0].length - 1;
    } else if (c === '{') {
      re += '(?:';
    } else if (c === '}') {
      re += ')?';
    } else re += escapeRe(c);
  }
  re = re.replace(/\\\/$/, '');
  const tail = prefix ? '(?:/.*)?$' : '/?$';
  try {
    return new RegExp(`^${re}${tail}`, 'i').test(path);
  } catch {
    return undefined;
  }
}

/** Starlette/FastAPI route paths: `{name}` and `{name:path}`. Case-sensitive, exact. */
export function starlettePathMatches(pattern: string, path: string): boolean | undefined {
  let re = '';
  const parts = pattern.split(/(\{[^}]*\})/);
  for (const part of parts) {
    if (part.startsWith('{')) re += /:path\}$/.test(part) ? '.*' : '[^/]+';
    else re += escapeRe(part);
  }
  return new RegExp(`^${re}$`).test(path);
}

/** Flask route paths: `<name>`, `<int:name>`, `<path:name>`. Case-sensitive; `/x/` also answers `/x` by redirect. */
export function flaskRouteMatches(pattern: string, path: string): boolean | undefined {
  let re = '';
  for (const part of pattern.split(/(<[^>]*>)/)) {
    if (part.startsWith('<')) {
      const conv = /^<(?:(\w+)(?:\([^)]*\))?:)?\w+>$/.exec(part)?.[1];
      re += conv === 'path' ? '.+' : conv === 'int' ? '\\d+' : '[^/]+';
    } else re += escapeRe(part);
  }
  return new RegExp(`^${re}$`).test(path);
}

/**
 * flask-cors `resources` keys (cors-semantics.md §3.4): regex keys (any of `* \ ] ? $ ^ [ ( )`) use
 * `re.match` (start-anchored), literal keys match the exact path only. Case-sensitive.
 */
/** flask-cors `probably_regex` (core.py, §3.2): a pattern with none of these characters is compared literally (`.` and `+` are not triggers). */
export function flaskCorsProbablyRegex(pattern: string): boolean {
  return /[*\\\]?$^[()]/.test(pattern);
}

export function flaskCorsResourceMatches(pattern: string, path: string): boolean | undefined {
  const p = pattern === '*' ? '.*' : pattern;
  if (!flaskCorsProbablyRegex(p)) return p === path;
  if (/\(\?P|\\[AZ]|\(\?[aiLmsux]/.test(p)) return undefined;
  try {
    return new RegExp(`^(?:${p})`).test(path);
  } catch {
    return false;
  }
}

export interface NginxLocation {
  modifier: '=' | '^~' | '~' | '~*' | '';
  pattern: string;
}

export function parseNginxLocation(spec: string): NginxLocation | undefined {
  const m = /^\s*(=|\^~|~\*|~)?\s*(\S.*?)\s*$/.exec(spec);
  if (!m) return undefined;
  return { modifier: (m[1] ?? '') as NginxLocation['modifier'], pattern: m[2] as string };
}

/**
 * nginx location selection (ngx_http_core_module "location"): an exact `=` match wins; otherwise the
 * longest prefix is remembered; if it is `^~` it wins; otherwise regex locations are tried in order of
 * appearance and the first match wins; otherwise the longest prefix. Returns the index of the chosen
 * location, -1 for none, undefined when a regex cannot be evaluated.
 */
export function selectNginxLocation(locations: NginxLocation[], path: string): number | undefined {
  let best = -1;
  let bestLen = -1;
  for (let i = 0; i < locations.length; i++) {
    const l = locations[i] as NginxLocation;
    if (l.modifier === '=' && l.pattern === path) return i;
    if ((l.modifier === '' || l.modifier === '^~') && path.startsWith(l.pattern) && l.pattern.length > bestLen) {
      best = i;
      bestLen = l.pattern.length;
    }
  }
  if (best >= 0 && (locations[best] as NginxLocation).modifier === '^~') return best;
  for (let i = 0; i < locations.length; i++) {
    const l = locations[i] as NginxLocation;
    if (l.modifier !== '~' && l.modifier !== '~*') continue;
    if (/\(\?<?[=!]|\\[1-9]|\(\?P/.test(l.pattern)) return undefined;
    try {
      if (new RegExp(l.pattern, l.modifier === '~*' ? 'i' : '').test(path)) return i;
    } catch {
      return undefined;
    }
  }
  return best;
}

/** Whether a route of the app answers `path` (any method); undefined when a pattern cannot be evaluated. */
export function routeMatchesPath(app: AppModel, route: Route, path: string): boolean | undefined {
  switch (app.kind) {
    case 'express':
      return expressPathMatches(route.path, path, false);
    case 'fastapi':
      return starlettePathMatches(route.path, path);
    case 'flask':
      return flaskRouteMatches(route.path, path);
    case 'nginx':
      return undefined;
  }
}

export interface RouteLookup {
  /** Some route answers the path. */
  pathMatched: boolean | undefined;
  /** Methods of the routes that answer the path (upper-case). */
  methods: string[];
  /** A middleware that answers every request of the path, with a status not known (Route.answersAll). */
  answersAll?: string;
}

export function lookupRoutes(app: AppModel | undefined, path: string): RouteLookup {
  if (!app) return { pathMatched: undefined, methods: [] };
  let undecided = false;
  const methods = new Set<string>();
  let matched = false;
  let answersAll: string | undefined;
  for (const r of app.routes) {
    if (r.answersAll !== undefined) {
      // A mounted middleware: it sees every path under its mount path.
      const m = app.kind === 'express' ? expressPathMatches(r.path, path, true) : undefined;
      if (m === undefined) undecided = true;
      if (m) answersAll ??= r.answersAll;
      continue;
    }
    const m = routeMatchesPath(app, r, path);
    if (m === undefined) undecided = true;
    if (m) {
      matched = true;
      for (const x of r.methods) methods.add(x.toUpperCase());
    }
  }
  if (answersAll !== undefined) return { pathMatched: true, methods: [...methods], answersAll };
  return { pathMatched: matched ? true : undecided ? undefined : false, methods: [...methods] };
}

/** Whether an app-layer policy's scope covers the request path and the method of this exchange. */
export function policyCovers(p: CorsPolicy, path: string, method: string): boolean | undefined {
  const sm = p.scope.methods;
  if (sm && sm.length > 0) {
    const up = sm.map((m) => m.toUpperCase());
    const all = up.includes('ALL') || up.includes('*');
    const viaGet = method === 'HEAD' && up.includes('GET') && (p.kind === 'express' || p.kind === 'flask' || p.kind === 'fastapi');
    if (!all && !up.includes(method) && !viaGet) return false;
  }
  // Left out by path and method (NestJS exclude(): matched against the whole path, the method as sent).
  for (const x of p.scope.except ?? []) {
    if (x.methods && !x.methods.includes(method)) continue;
    const m = p.kind === 'express' ? expressPathMatches(x.path, path, false) : undefined;
    if (m === true) return false;
    if (m === undefined) return undefined;
  }
  const paths = p.scope.paths;
  if (!paths || paths.length === 0 || p.scope.level === 'app' || p.scope.level === 'server' || p.scope.level === 'http') return true;
  let undecided = false;
  for (const pat of paths) {
    let m: boolean | undefined;
    if (p.kind === 'express') m = expressPathMatches(pat, path, p.scope.level === 'router');
    else if (p.kind === 'fastapi') m = p.scope.level === 'router' ? path.startsWith(pat) : starlettePathMatches(pat, path);
    else if (p.kind === 'flask') {
      // Flask route rules have `<converter:name>`; flask-cors `resources` keys are regexes or exact paths (§3.4).
      if (pat.includes('<')) m = flaskRouteMatches(pat, path);
      else m = p.mechanism === 'flask-cors' ? flaskCorsResourceMatches(pat, path) : flaskRouteMatches(pat, path);
    } else m = undefined;
    if (m === true) return true;
    if (m === undefined) undecided = true;
  }
  return undecided ? undefined : false;
}
