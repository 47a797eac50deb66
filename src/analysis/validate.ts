/**
 * Validation of literal origins against the browser's serialized origin (cors-semantics.md §5.8):
 * `scheme "://" host [":" port]`, lower-case scheme and host, IDNA (punycode) host, no default port,
 * no path, no trailing slash. An entry that differs never equals the `Origin` header in the exact-comparison
 * implementations (cors `===`, Starlette `in`); flask-cors casefolds, so case is not a problem there.
 */

export interface LiteralProblem {
  /** Short machine-readable class of the problem. */
  code: 'empty' | 'glob' | 'several' | 'no-scheme' | 'path' | 'default-port' | 'case' | 'idna' | 'malformed' | 'wildcard-in-list';
  /** What is wrong, in words. */
  detail: string;
  /** The serialized origin the author most likely meant, when there is one. */
  suggestion?: string;
}

export interface ValidateOptions {
  /** The framework compares case-insensitively (flask-cors casefolds). */
  caseInsensitive: boolean;
}

const SPECIAL_DEFAULT_PORT: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** Checks one literal allow-list value; undefined when it is a possible serialized origin (or `null`). */
export function validateLiteralOrigin(value: string, options: ValidateOptions): LiteralProblem | undefined {
  const v = value;
  if (v === 'null') return undefined;
  // Sandboxed and file: pages send the opaque origin as lower-case "null" (audit 29 case 15).
  // No suggestion: allowing "null" would let any sandboxed iframe in.
  if (v.toLowerCase() === 'null') return options.caseInsensitive ? undefined : { code: 'case', detail: 'browsers send the opaque origin as lower-case "null", so this never matches (and allowing "null" would let any sandboxed iframe in)' };
  if (v.trim() === '') return { code: 'empty', detail: 'the entry is empty: no browser sends an empty Origin' };
  if (v === '*') {
    return { code: 'wildcard-in-list', detail: '"*" inside a list is compared literally: it only matches an Origin that is the text "*", never every origin' };
  }
  const parts = v.split(/[\s,;]+/).filter((p) => p !== '');
  if (parts.length > 1 && parts.filter((p) => /^[a-z][a-z0-9+.-]*:\/\//i.test(p)).length >= 2) {
    return { code: 'several', detail: `the string holds ${parts.length} origins; it is compared as one value and never matches`, suggestion: parts[0]! };
  }
  if (v !== v.trim()) return { code: 'malformed', detail: 'the entry has leading or trailing whitespace', suggestion: v.trim() };
  if (v.includes('*')) {
    return { code: 'glob', detail: '"*" is not a wildcard here: entries are compared literally, so this never matches (use a regular expression)' };
  }
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(v);
  if (/^file:/i.test(v)) return { code: 'malformed', detail: 'file: pages send the Origin "null", never a file: origin' };
  if (!schemeMatch) {
    // Only a host name ("example.com", "localhost:3000") suggests an origin ("NULL" or "1" does not). A loopback
    // host is a local dev server, which serves plain http (Vite's localhost:5173), and insecure-origin exempts http
    // on loopback (audit 39 D7); any other host gets its https origin.
    const loopback = /^(?:(?:[a-z0-9-]+\.)*localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)(:\d+)?$/i.test(v);
    const host = /^(?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*(:\d+)?$/i.test(v);
    const guess = loopback ? `http://${v.toLowerCase()}` : host ? `https://${v.toLowerCase()}` : undefined;
    return { code: 'no-scheme', detail: 'the entry has no scheme: a browser Origin always starts with "http://" or "https://"', ...(guess ? { suggestion: guess } : {}) };
  }
  const scheme = schemeMatch[1]!;
  const lowerScheme = scheme.toLowerCase();
  const afterScheme = v.slice(schemeMatch[0].length);
  // `http://http://demo.example.com` (audit 52 js c03): the scheme written twice. The URL parser would read a host
  // "http" and a path, and the path advice would suggest "http://http".
  if (/^https?:\/\//i.test(afterScheme)) {
    let inner: string | undefined;
    try {
      inner = new URL(afterScheme).origin;
    } catch {
      inner = undefined;
    }
    return { code: 'malformed', detail: 'the scheme is written twice: the browser sends one', ...(inner && inner !== 'null' ? { suggestion: inner } : {}) };
  }
  const pathIndex = afterScheme.search(/[/?#]/);
  if (lowerScheme !== 'http' && lowerScheme !== 'https') {
    // Non-special schemes (capacitor://, chrome-extension://...): only a path or a trailing slash is certain to be wrong.
    if (pathIndex >= 0) {
      return { code: 'path', detail: pathIndex === afterScheme.length - 1 ? 'the entry ends with "/": a serialized origin has no trailing slash' : 'the entry has a path: a serialized origin has none', suggestion: `${scheme}://${afterScheme.slice(0, pathIndex)}` };
    }
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return { code: 'malformed', detail: 'the entry is not a valid URL, so it is never a serialized origin' };
  }
  const serialized = url.origin;
  if (url.username || url.password) return { code: 'malformed', detail: 'an origin has no user information', suggestion: serialized };
  if (pathIndex >= 0) {
    const trailing = afterScheme.slice(pathIndex) === '/';
    return {
      code: 'path',
      detail: trailing ? 'the entry ends with "/": the browser sends the origin without a trailing slash' : 'the entry has a path: the browser sends only scheme, host and port',
      suggestion: serialized,
    };
  }
  const portMatch = /:(\d+)$/.exec(afterScheme);
  if (portMatch && SPECIAL_DEFAULT_PORT[url.protocol] !== undefined && String(Number(portMatch[1])) === SPECIAL_DEFAULT_PORT[url.protocol]) {
    return { code: 'default-port', detail: `":${portMatch[1]}" is the default port of ${lowerScheme}: the browser omits it from the Origin`, suggestion: serialized };
  }
  if (serialized === v) return undefined;
  const hostText = afterScheme.replace(/:\d+$/, '');
  // eslint-disable-next-line no-control-regex -- non-ASCII detection
  if (/[^\x00-\x7f]/.test(hostText)) {
    return { code: 'idna', detail: `the browser sends the host in punycode: ${serialized}`, suggestion: serialized };
  }
  if (serialized.toLowerCase() === v.toLowerCase()) {
    if (options.caseInsensitive) return undefined;
    return { code: 'case', detail: 'the browser sends scheme and host in lower case and this comparison is case-sensitive', suggestion: serialized };
  }
  return { code: 'malformed', detail: `the browser would send ${serialized}, not this text`, suggestion: serialized };
}
