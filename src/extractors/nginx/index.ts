/**
 * The nginx extractor: one CorsPolicy per effective header configuration that sends Access-Control-*
 * headers (each location, each `if` block with its own headers), after inheritance and includes.
 * Locations that share the same effective configuration (inherited from the same level, same preflight
 * answer and upstream) are merged into one policy whose scope lists them.
 */
import { analyzeOriginPolicy } from '../../analysis/index.js';
import { analyzeEntry, entryKey, escapeRegex, patternIncludes } from '../../analysis/origins.js';
import type { Extractor } from '../../engine/extractor.js';
import type { ProjectHost } from '../../engine/host.js';
import type { SourceFile } from '../../engine/source.js';
import {
  forExactOrigins,
  isForbiddenMethod,
  known,
  SIMPLE_METHODS,
  unknown,
  VARY_ONLY_WHEN_ALLOWED,
  varyNamesOrigin,
  type CorsPolicy,
  type DroppedHeader,
  type ErrorCoverage,
  type ExtractResult,
  type HeaderWrite,
  type OriginEntry,
  type PreflightHandling,
  type Scope,
  type Span,
  type TokenList,
  type Valued,
} from '../../model/index.js';
import { acceptsNginx, mayAcceptNginx, nginxPrefilter } from './detect.js';
import { buildTree, dSpan, servingLevels, type HeaderDirective, type Level, type MapDef, type Tree } from './levels.js';
import { linkNginx } from './link.js';
import { loadFile, resolveInclude, type LoadedFile } from './load.js';
import type { Directive } from './parser.js';
import type { Guard } from './values.js';
import {
  conditionGuard,
  effectiveAddHeaders,
  effectiveMore,
  exclusive,
  headerValue,
  hidesHeader,
  isCorsHeader,
  isCorsResponseHeader,
  isIfLevel,
  isOptionsBranch,
  isRequestVariable,
  methodsOf,
  originPolicy,
  parseCondition,
  rejectGuards,
  replacedOriginTest,
  setsVariable,
  tokenList,
  valueForRequests,
  variableCredentials,
  type EvalContext,
  type HeaderValue,
  type RequestKind,
} from './semantics.js';

export { parseNginx } from './parser.js';

const ACAO = 'access-control-allow-origin';
const ACAC = 'access-control-allow-credentials';
/** Headers only a preflight response uses (fetch.bs CORS-preflight fetch). */
const PREFLIGHT_ONLY: ReadonlySet<string> = new Set([
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-max-age',
  'access-control-allow-private-network',
]);

function nearest(level: Level, kind: Level['kind']): Level | undefined {
  for (let l: Level | undefined = level.parent; l; l = l.parent) if (l.kind === kind) return l;
  return undefined;
}

/** The `return` code of a step list, when the list ends the request with `return`. */
function returnCode(steps: (Directive | Level)[]): number | undefined {
  for (const s of steps) {
    if ((s as Level).kind) continue;
    const d = s as Directive;
    if (d.name !== 'return') continue;
    const code = Number(d.args[0]?.value);
    if (Number.isInteger(code)) return code;
    return 302; // `return URL`
  }
  return undefined;
}

function endsRewrite(level: Level): boolean {
  return level.steps.some((s) => {
    if ((s as Level).kind) return false;
    const d = s as Directive;
    if (d.name === 'return' || d.name === 'break') return true;
    return d.name === 'rewrite' && /^(last|break|redirect|permanent)$/.test(d.args[2]?.value ?? '');
  });
}

/**
 * An access-phase directive that refuses every preflight: `auth_basic "realm"` (inherited from the server or
 * http level unless turned off), or `limit_except` without OPTIONS whose block denies all. Undefined when
 * something may let it through (`satisfy any`, `allow` rules, `auth_request`, whose subrequest is not known).
 */
function accessRejection(serving: Level): { d: Directive; why: string; status: number } | undefined {
  const chain = [serving, ...ancestors(serving)];
  const blocks = chain.map((l) => l.d?.block ?? []);
  if (blocks.some((b) => b.some((x) => x.name === 'satisfy' && x.args[0]?.value === 'any'))) return undefined;
  // The nearest level that sets auth_basic decides. Without an auth_basic_user_file (set there or inherited from an
  // outer level) it checks nothing: nginx 1.22 served GET 200 and OPTIONS 405 there, and 401 with the file.
  const hasUserFile = blocks.some((b) => b.some((x) => x.name === 'auth_basic_user_file'));
  for (const b of blocks) {
    const d = b.find((x) => x.name === 'auth_basic');
    if (!d) continue;
    if (d.args[0]?.value === 'off' || !hasUserFile) break;
    return { d, why: `auth_basic answers the preflight with 401 (a preflight carries no credentials)`, status: 401 };
  }
  const le = (serving.d?.block ?? []).find((x) => x.name === 'limit_except');
  if (le?.block) {
    const methods = le.args.map((a) => a.value.toUpperCase());
    const denies = le.block.some((x) => x.name === 'deny' && x.args[0]?.value === 'all');
    const lets = le.block.some((x) => x.name === 'allow' || x.name.startsWith('auth_'));
    if (!methods.includes('OPTIONS') && denies && !lets) return { d: le, why: `limit_except ${methods.join(' ')} answers OPTIONS with 403`, status: 403 };
  }
  return undefined;
}

/** Directories whose files the stock nginx.conf includes into its http block. */
const SHARED_HTTP_DIR = /(^|\/)(conf\.d|http\.d|sites-enabled)$/;

/**
 * `proxy_pass http://backend/` with `upstream backend { server api:3000; }`: the one server of the upstream
 * block (the address the request goes to), else the label as written.
 */
function upstreamLabel(tree: Tree, label: string): string {
  const m = /^([a-z]+:\/\/)([^:/$]+)(\/.*)?$/i.exec(label);
  if (!m) return label;
  const block = tree.upstreams.get(m[2] as string) ?? undefined;
  const servers = block?.block?.filter((d) => d.name === 'server') ?? [];
  const addr = servers.length === 1 ? servers[0]?.args[0]?.value : undefined;
  return addr && !addr.startsWith('unix:') ? `${m[1]}${addr}${m[3] ?? ''}` : label;
}

/**
 * The request path the upstream app sees for the requests of a location (for matching the app's own CORS scope,
 * e.g. flask-cors `resources`): `location /api/ { proxy_pass http://app:5000; }` passes `/api/...` unchanged, and
 * `proxy_pass http://app:5000/v1/;` replaces the matched prefix with `/v1/` (NGX-DOCS proxy_pass). Undefined when
 * it cannot be told: a regex or named location, a `rewrite` in the location (it changes the URI after the location
 * was chosen), a variable in proxy_pass, or a module other than proxy_pass/uwsgi_pass (uwsgi_params pass the
 * request's own path as PATH_INFO).
 */
function upstreamPath(serving: Level, level: Level, pass: Directive): { value: string; exact: boolean } | undefined {
  if (serving.kind !== 'location' || !serving.d) return undefined;
  const args = serving.d.args.map((a) => a.value);
  const exact = args.length === 2 && args[0] === '=';
  const prefix = exact ? args[1] : prefixOf(serving);
  if (prefix === undefined || !prefix.startsWith('/')) return undefined;
  const rewrites = (l: Level): boolean => l.steps.some((x) => (isIfLevel(x) ? rewrites(x) : x.name === 'rewrite'));
  if (rewrites(serving) || (level !== serving && rewrites(level))) return undefined;
  if (pass.name === 'uwsgi_pass') return { value: prefix, exact };
  if (pass.name !== 'proxy_pass') return undefined;
  const target = pass.args[0]?.value ?? '';
  if (target.includes('$')) return undefined;
  const m = /^[a-z]+:\/\/[^/]+(\/.*)?$/i.exec(target);
  if (!m) return undefined;
  const uri = m[1];
  return { value: uri ?? prefix, exact };
}

/** Statuses nginx itself produces for a request it proxies (upstream errors pass through unless intercepted). */
const PROXY_OWN_ERRORS: ReadonlySet<string> = new Set(['500', '502', '503', '504']);

/**
 * The error statuses nginx itself can answer a request of the level with, as error_page sees them. A proxied request:
 * the upstream's errors pass through untouched (unless intercepted), so only nginx's own: 500, 502, 503, 504, and what
 * the access-phase modules configured for the location (the nearest level that has the directive: they are inherited)
 * answer before proxying: `limit_req` and `limit_conn` reject with their `*_status` (503 by default), `deny` with
 * 403, `auth_basic` with 401, `auth_request` with the subrequest's 401 or 403 (checked with nginx 1.22:
 * `limit_req_status 429` + `error_page 429 @x` answers from @x, audit 50 ngx c02). Without an upstream (static files),
 * any 4xx and 500, but no 502 or 504, and 429 or 503 only from those limits (audit 51 D5). Either way, the statuses of the
 * level's own `return` directives, and 413 for a body over `client_max_body_size` (1m by default) unless it is 0,
 * which turns the check off (audit 51 D8).
 */
function ownErrors(serving: Level, proxied: boolean): (code: string) => boolean {
  const chain = [serving, ...ancestors(serving)];
  const nearest = (name: string) => {
    for (const l of chain) {
      const d = l.d?.block?.filter((x) => x.name === name) ?? [];
      if (d.length) return d;
    }
    return [];
  };
  const codes = new Set<string>(proxied ? ['500', '502', '503', '504'] : ['500']);
  const status = (name: string) => nearest(name)[0]?.args[0]?.value ?? '503';
  if (nearest('limit_req').length) codes.add(status('limit_req_status'));
  if (nearest('limit_conn').length) codes.add(status('limit_conn_status'));
  if (nearest('deny').length) codes.add('403');
  if (nearest('auth_basic').some((d) => d.args[0]?.value !== 'off')) codes.add('401');
  if (nearest('auth_request').some((d) => d.args[0]?.value !== 'off')) {
    codes.add('401');
    codes.add('403');
  }
  // `return 502` answers with that status, which error_page then handles like nginx's own (the stock 50x page).
  const returned = (steps: (Directive | Level)[]): void => {
    for (const x of steps) {
      if ((x as Level).kind) returned((x as Level).steps);
      else if ((x as Directive).name === 'return') codes.add((x as Directive).args[0]?.value ?? '');
    }
  };
  for (const l of chain) returned(l.steps);
  const bodyLimitOff = nearest('client_max_body_size')[0]?.args[0]?.value === '0';
  // `try_files $uri $uri/ /index.html` (a single-page app's fallback): a missing file is served the fallback URI, so
  // this location sends no 404 of its own (audit 53 ngx3 c03; nginx 1.22: /no-such-page got the 200 of /index.html).
  const fallback = nearest('try_files')[0]?.args.slice(-1)[0]?.value ?? '';
  const noMissingFile = !proxied && (fallback.startsWith('/') || fallback.startsWith('@')) && !fallback.includes('$');
  return (code) => {
    if (code === '413') return !bodyLimitOff;
    if (codes.has(code)) return true;
    if (code === '404' && noMissingFile) return false;
    // 429 only ever comes from a limit (its `*_status`), added above when one applies.
    return !proxied && code.startsWith('4') && code !== '429';
  };
}

/**
 * `error_page 500 502 503 504 /50x.html`: nginx answers those errors from the target location (an internal
 * redirect), whose headers apply instead of this level's, `always` or not (checked on nginx 1.22 with the
 * stock default.conf). Known partial coverage when the target location sends no Access-Control-Allow-Origin
 * on every status; undefined when no error_page applies, its target cannot be found, or it sends one.
 */
function errorPageLoss(serving: Level, level: Level): Valued<ErrorCoverage> | undefined {
  // error_page is inherited only by levels that define none (if blocks take their location's).
  let pages: Directive[] = [];
  for (let l: Level | undefined = level.kind === 'if' ? serving : level; l; l = l.parent) {
    pages = l.handoff.filter((d) => d.name === 'error_page');
    if (pages.length) break;
  }
  const server = serving.kind === 'server' ? serving : nearest(serving, 'server');
  if (!pages.length || !server) return undefined;
  const intercepts = [serving, ...ancestors(serving)].some((l) => l.d?.block?.some((x) => /_intercept_errors$/.test(x.name) && x.args[0]?.value === 'on'));
  const proxied = !!(level.pass ?? serving.pass);
  const own = intercepts ? undefined : ownErrors(serving, proxied);
  // Every error_page that answers some of the statuses from a target without the header (audit 51 D7: each is named).
  const lost: { codes: string[]; from: string; d: Directive }[] = [];
  for (const d of pages) {
    const args = d.args.map((a) => a.value);
    // `error_page 404 =200 /index.html` (a single-page app's fallback) changes the status: not an error answer.
    // A bare `=` keeps the status the target answers with (audit 11 case 03): still the error's answer.
    if (args.some((a) => /^=\d/.test(a))) continue;
    const target = args[args.length - 1] ?? '';
    const codes = args.filter((a) => /^[45]\d\d$/.test(a)).filter((c) => !own || own(c));
    if (!codes.length || !(target.startsWith('/') || target.startsWith('@'))) continue;
    const to = targetLocation(server, target);
    if (!to || to === serving) return undefined;
    // A location that proxies or hands the request on (`@backup` → another server) sends headers the model
    // does not know: not known to be without CORS headers.
    if (to.pass || to.handoff.length || to.ifs.some((i) => i.pass)) return undefined;
    const eff = effectiveAddHeaders(to);
    if (eff.opaque || to.opaque.length) return undefined;
    // A bare `=` answers with the target's own status (audit 11 case 03): the browser sees that one. A success there
    // (`error_page 418 = @preflight` + `return 204`, the named-location preflight idiom) is no error response.
    const answered = args.includes('=') ? returnCode(to.steps) : undefined;
    if (answered !== undefined && answered < 400) continue;
    const seen = answered !== undefined ? [String(answered)] : codes;
    if (eff.headers.some((h) => h.name === ACAO && h.statuses === 'all')) continue;
    // headers-more's more_set_headers on the target sends it on the statuses it names (all without -s), audit 51 D9.
    if (moreSent(to).some((h) => h.name === ACAO && (!h.codes || seen.every((c) => h.codes?.includes(c))))) continue;
    lost.push({ codes: seen, from: to.label, d });
  }
  if (!lost.length) return undefined;
  const statuses = [...new Set(lost.flatMap((x) => x.codes))];
  const from = [...new Set(lost.map((x) => x.from))];
  const detail = `error_page sends ${statuses.join(', ')} from ${from.join(', ')}, which add${from.length > 1 ? '' : 's'} no Access-Control-Allow-Origin`;
  return known({ covers: 'except-statuses', statuses: statuses.map(Number), detail }, dSpan((lost[0] as { d: Directive }).d));
}

/** The path of a prefix location (`location /api/`, `location ^~ /static/`); undefined for other kinds. */
function prefixOf(l: Level): string | undefined {
  const a = l.d?.args.map((x) => x.value) ?? [];
  return a.length === 1 ? a[0] : a.length === 2 && a[0] === '^~' ? a[1] : undefined;
}

function ancestors(level: Level): Level[] {
  const out: Level[] = [];
  for (let l = level.parent; l; l = l.parent) out.push(l);
  return out;
}

/** The server's location for an error_page target: `location @name`, else `location = uri`, else the longest prefix (none when a regex location exists: it could match first). */
function targetLocation(server: Level, target: string): Level | undefined {
  const locs = server.locations;
  const argsOf = (l: Level) => l.d?.args.map((a) => a.value) ?? [];
  if (target.startsWith('@')) return locs.find((l) => argsOf(l)[0] === target);
  const uri = target.split('?')[0] as string;
  const exact = locs.find((l) => argsOf(l)[0] === '=' && argsOf(l)[1] === uri);
  if (exact) return exact;
  // Regex locations are tried as nginx tries them (locationForUri): h5bp's `location ~* \.bak$ { deny all; }`
  // cannot match /429.html (audit 51 c06). When that cannot be told, the target is not known.
  if (locs.some((l) => argsOf(l)[0] === '~' || argsOf(l)[0] === '~*')) return locationForUri(server, target);
  let best: Level | undefined;
  let bestLen = -1;
  for (const l of locs) {
    const prefix = prefixOf(l);
    if (prefix !== undefined && uri.startsWith(prefix) && prefix.length > bestLen) {
      best = l;
      bestLen = prefix.length;
    }
  }
  return best;
}

/**
 * The location nginx chooses for the URI of an internal redirect (NGX-DOCS location): `location = uri`, else the
 * longest prefix when it is `^~`, else the first regex location that matches, else that prefix. Undefined when the
 * model cannot tell: variables in the path, a regex JavaScript cannot compile, or nested locations under the chosen
 * one (their regexes are searched too).
 */
function locationForUri(server: Level, target: string): Level | undefined {
  // `/index.php$is_args$args`: $is_args is "?" or empty, so the path ends there.
  const uri = (target.split('?')[0] as string).replace(/\$\{?is_args\}?.*$/, '');
  if (!uri.startsWith('/') || uri.includes('$')) return undefined;
  const locs = server.locations;
  const argsOf = (l: Level) => l.d?.args.map((a) => a.value) ?? [];
  const whole = (l: Level | undefined) => (l && !l.locations.length ? l : undefined);
  const exact = locs.find((l) => argsOf(l)[0] === '=' && argsOf(l)[1] === uri);
  if (exact) return whole(exact);
  let best: Level | undefined;
  let bestLen = -1;
  for (const l of locs) {
    const prefix = prefixOf(l);
    if (prefix !== undefined && !prefix.startsWith('@') && uri.startsWith(prefix) && prefix.length > bestLen) {
      best = l;
      bestLen = prefix.length;
    }
  }
  if (best && argsOf(best)[0] === '^~') return whole(best);
  if (best?.locations.length) return undefined;
  for (const l of locs) {
    const [op, re] = argsOf(l);
    if ((op !== '~' && op !== '~*') || re === undefined) continue;
    let hit: boolean;
    try {
      hit = new RegExp(re, op === '~*' ? 'i' : '').test(uri);
    } catch {
      return undefined;
    }
    if (hit) return whole(l);
  }
  return best;
}

/** The Access-Control-Allow-Origin lines a level's own configuration sends (headers-more first, §4.4); undefined when not known. */
function acaoLines(level: Level): number | undefined {
  const eff = effectiveAddHeaders(level);
  if (eff.opaque || level.opaque.length) return undefined;
  let n = 0;
  for (const h of [...moreSent(level), ...eff.headers]) if (h.name === ACAO) n = h.op === 'append' ? n + 1 : 1;
  return n;
}

/**
 * For a location whose `try_files` hands a request for a missing file to another location (its last argument, a
 * URI or `@name`; `=404` answers here): the try_files, when the model cannot tell that every location the request
 * may end in (that one, its `if` blocks, and where its own try_files leads) sends Access-Control-Allow-Origin as
 * many times, counting two or more alike, as this level. Checked with nginx 1.22 + headers-more (audit 45 case 42):
 * `location = /health { try_files $uri /health.php; ... }` answers a missing file from `location ~ \.php$` with
 * none of its own headers, `always` or not, and a location whose try_files falls back to itself keeps them.
 */
function tryFilesFallback(serving: Level): { d: Directive; label: string } | undefined {
  const d = serving.tryFiles;
  const server = serving.kind === 'location' ? serving.parent : undefined;
  const last = d?.args[d.args.length - 1]?.value;
  if (!d || last === undefined || d.args.length < 2 || /^=\d+$/.test(last)) return undefined;
  if (server?.kind !== 'server') return { d, label: last };
  const mine = acaoLines(serving);
  const want = mine === undefined ? undefined : mine >= 2;
  const seen = new Set<Level>([serving]);
  const same = (target: string): boolean => {
    const to = target.startsWith('@') ? server.locations.find((l) => l.d?.args[0]?.value === target) : locationForUri(server, target);
    if (!to || want === undefined) return false;
    if (seen.has(to)) return true;
    seen.add(to);
    for (const l of [to, ...to.ifs]) {
      const n = acaoLines(l);
      if (n === undefined || n >= 2 !== want) return false;
    }
    const next = to.tryFiles?.args[to.tryFiles.args.length - 1]?.value;
    return next === undefined || /^=\d+$/.test(next) || same(next);
  };
  return same(last) ? undefined : { d, label: last };
}

/**
 * Whether a location hands every request to another location before any response: a top-level
 * `rewrite <regex> <uri> last` whose regex matches every URI of the prefix location (`^/v1/(.*)$` in
 * `location /v1/`, `^(.*)$`, `^/`), with no `return` before it.
 */
function movesEveryRequest(serving: Level): boolean {
  const prefix = serving.kind === 'location' ? prefixOf(serving) : undefined;
  if (prefix === undefined || prefix.startsWith('@')) return false;
  for (const s of serving.steps) {
    if ((s as Level).kind) continue;
    const d = s as Directive;
    if (d.name === 'return') return false;
    if (d.name === 'rewrite' && d.args[2]?.value === 'last' && matchesEveryUri(d.args[0]?.value ?? '', prefix)) return true;
  }
  return false;
}

/** Whether a rewrite regex matches every URI of a prefix location: `^(.*)$`, `^/`, or `^` + the prefix + anything. */
function matchesEveryUri(re: string, prefix: string): boolean {
  if (/^\^?\(?\.\*\)?\$?$/.test(re) || re === '^' || re === '^/') return true;
  // ^ followed by the location's prefix (dots and slashes escaped or not), then anything.
  if (!re.startsWith('^')) return false;
  const rest = re.slice(1).replace(/\\([./-])/g, '$1');
  return rest.startsWith(prefix) && /^(\(?\.[*+]\)?\$?)?$/.test(rest.slice(prefix.length)) && !rest.slice(prefix.length).includes('+');
}

/**
 * Whether the rewrite phase of a location always stops before this `if` block (audit 30 case 05, checked with nginx
 * 1.22: no header of the block was ever sent): an unconditional `break`, `return`, or `rewrite` with a flag whose
 * regex matches every URI of the location comes first, so the block is never evaluated.
 */
function stoppedBefore(level: Level, serving: Level): boolean {
  const at = serving.steps.indexOf(level);
  if (at < 0) return false;
  const prefix = serving.kind === 'location' ? prefixOf(serving) : undefined;
  return serving.steps.slice(0, at).some((s) => {
    if ((s as Level).kind) return false;
    const d = s as Directive;
    if (d.name === 'break' || d.name === 'return') return true;
    return d.name === 'rewrite' && /^(break|last|redirect|permanent)$/.test(d.args[2]?.value ?? '') && prefix !== undefined && !prefix.startsWith('@') && matchesEveryUri(d.args[0]?.value ?? '', prefix);
  });
}

/**
 * Whether an `if ($v = "value")` on a user variable can never hold (audit 19 case 05, audit 26 case 07: enable-cors.org's
 * `if ($cors = "trueget")` copied above the `set $cors ...` lines; audit 28 case 09: a debug flag only ever set to "false"). Checked with nginx 1.22: a variable read before any
 * `set` is empty, and the `set`s of this location and server (`set $cors "true"`, `set $cors "${cors}get"`) only
 * build values from their own literals. Decided only when nothing else can give the variable a value: no map or geo,
 * no internal redirect (rewrite, try_files, error_page) that runs these steps again or brings a request from another
 * location that sets it, and every `set` of it a literal or the variable followed by a literal.
 */
function neverHolds(level: Level, serving: Level, tree: Tree): boolean {
  if (level.kind !== 'if' || !level.d) return false;
  const c = parseCondition(level.d);
  const name = c.variable;
  // A test of `$http_origin` after a `set` replaced it with a constant that fails the test (audit 38 nginx D1).
  if (name === 'http_origin') return replacedOriginTest(c, { tree, steps: stepsFor(serving), envTemplate: level.envTemplate, serving }) === false;
  if (!name || c.op !== '=' || !c.value || c.value.placeholder || tree.maps.has(name) || isRequestVariable(name)) return false;
  if ([serving, ...ancestors(serving)].some((l) => l.opaque.length || redirectsFrom(l))) return false;
  const steps = stepsFor(serving);
  const at = steps.indexOf(level);
  if (at < 0) return false;
  const setsOf = (xs: (Directive | Level)[]) => xs.flatMap((x) => (isIfLevel(x) ? x.steps.filter((y): y is Directive => !isIfLevel(y)) : [x])).filter((d) => setsVariable(d, name));
  const mine = setsOf(steps);
  // Set nowhere here: a value from outside the analysed steps. (Sets before this `if` are among the values below,
  // which cover every order the sets can run in: `if ($cors_debug = '') { set $cors_debug 'false'; }` before
  // `if ($cors_debug = 'true')`, audit 28 case 09.)
  if (mine.length === 0) return false;
  // A `set` in another location matters only when a request can move from there to here (an internal redirect).
  let setsAnywhere = 0;
  let movesSomewhere = false;
  const visit = (l: Level) => {
    setsAnywhere += setsOf(l.steps).length;
    movesSomewhere ||= redirectsFrom(l);
    for (const x of [...l.servers, ...l.locations]) visit(x);
  };
  visit(tree.root);
  if (setsAnywhere !== mine.length && movesSomewhere) return false;
  // Every value: "" at first, then a literal (reset) or the value followed by a literal (append).
  const resets = [''];
  const appends: string[] = [];
  for (const d of mine) {
    const v = d.args[1]?.value ?? '';
    const m = new RegExp(`^\\$\\{?${name}\\}?(.*)$`, 'i').exec(v);
    const tail = m ? (m[1] as string) : v;
    if (tail.includes('$')) return false;
    if (m) appends.push(tail);
    else resets.push(v);
  }
  // Can the tested value be written as a reset followed by appends?
  const target = c.value.value;
  const reach = (rest: string, depth: number): boolean => rest === '' || (depth < 8 && appends.some((a) => a !== '' && rest.startsWith(a) && reach(rest.slice(a.length), depth + 1)));
  return !resets.some((r) => target.startsWith(r) && reach(target.slice(r.length), 0));
}

/**
 * The Origin check of an `if` block when no Origin a browser can send passes it (audit 33 nginx D2: `if ($http_origin
 * ~* (.*\.$base_domain))`, where nginx compiles `$` as the end anchor, sets the flag tested by `if ($cors = "true")`).
 * Checked with nginx 1.22: no request, whatever its Origin and Host, ever got the block's headers. The block never
 * applies (§4.3: the request keeps the location's configuration), so its headers are sent to no one; only the check
 * itself is wrong (invalid-origin). Decided only when the whole condition is that Origin test: every entry known, none
 * able to match.
 */
function deadOriginGuard(level: Level, serving: Level, tree: Tree): Extract<Guard, { t: 'origin' }> | undefined {
  if (level.kind !== 'if' || !level.d) return undefined;
  const g = conditionGuard(parseCondition(level.d), { tree, steps: stepsFor(serving), envTemplate: level.envTemplate, serving });
  if (g.t !== 'origin' || g.negated || g.deny || g.unknownSpans.length || g.entries.length === 0) return undefined;
  return g.entries.every((e) => analyzeEntry(e, g.entries).problems.some((p) => p.neverMatches === true)) ? g : undefined;
}

/**
 * Whether a level can send a request through the rewrite phase again (an internal redirect): `try_files`,
 * `error_page`, a handoff, or a `rewrite` without `break`/`redirect`/`permanent` (no flag or `last` searches the
 * locations again), in the level or in its `if` blocks.
 */
function redirectsFrom(l: Level): boolean {
  const moves = (x: Directive) => /^(try_files|error_page|echo_exec)$/.test(x.name) || (x.name === 'rewrite' && !/^(break|redirect|permanent)$/.test(x.args[2]?.value ?? ''));
  return l.handoff.length > 0 || [...(l.d?.block ?? []), ...l.ifs.flatMap((i) => i.d?.block ?? [])].some(moves);
}

/** A pseudo header entry that stands for an `if (...)` head, when a drop is caused by an `if` without add_header. */
function headDirective(level: Level): HeaderDirective {
  const d = level.d as Directive;
  const head: Directive = { ...d, end: (d.blockStart ?? d.end - 1) + 1 };
  return { d: head, name: '', statuses: 'success', op: 'append', source: 'add_header' };
}

interface Unit {
  /** The location / server / snippet that serves the request. */
  serving: Level;
  /** The level whose configuration applies: `serving` or one of its `if` blocks. */
  level: Level;
  /**
   * The requests the policy describes when a header's value was set under a `$request_method` test (requestViews):
   * preflights only, or the actual requests; undefined for every request.
   */
  view?: RequestKind;
}

function stepsFor(serving: Level): (Directive | Level)[] {
  const server = serving.kind === 'server' ? undefined : nearest(serving, 'server');
  return [...(server?.steps ?? []), ...serving.steps];
}

function isTemplatePlaceholderValue(v: HeaderValue): boolean {
  return v.sym.cases.length === 0 && v.sym.dflt.t === 'unknown' && v.sym.dflt.reason.startsWith('template placeholder');
}

/**
 * The headers-more headers a level's responses get, in order: headers-more runs before the headers filter (checked
 * against nginx 1.22 + headers-more), and its set/clear act on upstream headers and on each other, never on
 * add_header's, which are appended after them. (`more_set_headers -t` is not here: it makes the level opaque.)
 */
function moreSent(level: Level): HeaderDirective[] {
  let more: HeaderDirective[] = [];
  for (const h of effectiveMore(level)) {
    if (h.op === 'clear') more = more.filter((x) => x.name !== h.name);
    else if (h.op === 'set') more = [...more.filter((x) => x.name !== h.name), h];
    else more.push(h);
  }
  return more;
}

function buildPolicy(tree: Tree, unit: Unit, text: (file: string) => string | undefined): CorsPolicy | undefined {
  const { serving, level } = unit;
  // The OPTIONS branch (or the preflights' view) of an internal location that no OPTIONS request can enter answers
  // nothing, so what it would send is never observed (audit 47 nginx D1): no policy, as for an unreachable location.
  const answersOptionsOnly = (l: Level) => {
    if (l.kind !== 'if' || !l.d) return false;
    const c = parseCondition(l.d);
    const m = methodsOf(c);
    return m ? m.size === 1 && m.has('OPTIONS') : isOptionsBranch(c, { tree, steps: stepsFor(serving), envTemplate: l.envTemplate, serving });
  };
  if ((unit.view === 'preflight' || answersOptionsOnly(level)) && optionsNeverEnter(tree, serving, text)) return undefined;
  const eff = effectiveAddHeaders(level);
  const more = moreSent(level);
  const headers: HeaderDirective[] = [...more, ...eff.headers];
  let dropped = [...eff.dropped];

  // Several matching `if` blocks: the request gets the configuration of the last one only (§4.3, checked
  // against nginx 1.22), so an earlier block's own headers are lost when a later block also matches, whether
  // that later block has its own add_header or inherits the location's.
  if (level.kind === 'if' && level.addHeaders.length && !endsRewrite(level)) {
    const ifs = serving.ifs.filter((i) => i.kind === 'if');
    const mine = parseCondition(level.d as Directive);
    for (const later of ifs.slice(ifs.indexOf(level) + 1)) {
      if (exclusive(mine, parseCondition(later.d as Directive)) || neverHolds(later, serving, tree) || stoppedBefore(later, serving) || deadOriginGuard(later, serving, tree)) continue;
      // A later block that refuses the request (`return 403;`) answers with its own error: what it lacks there is
      // the error response's concern, not headers dropped from an answer (audit 12 case 02).
      const refusal = returnCode(later.steps);
      if (refusal !== undefined && refusal >= 400) continue;
      const laterEff = effectiveAddHeaders(later);
      if (laterEff.opaque) continue;
      const theirs = new Set(laterEff.headers.map((h) => h.name));
      const by: HeaderDirective = later.addHeaders[0] ?? headDirective(later);
      // Both blocks match only on the methods the later one allows: on preflights only, Expose-Headers is not
      // used; never on preflights, the preflight-only headers are not.
      const laterMethods = later.d ? methodsOf(parseCondition(later.d)) : undefined;
      for (const h of level.addHeaders) {
        if (!isCorsResponseHeader(h.name) || theirs.has(h.name)) continue;
        if (laterMethods && !laterMethods.has('OPTIONS') && PREFLIGHT_ONLY.has(h.name)) continue;
        if (laterMethods && laterMethods.size === 1 && laterMethods.has('OPTIONS') && h.name === 'access-control-expose-headers') continue;
        dropped.push({ header: h, by, at: later, reason: 'later-if' });
      }
    }
  }

  // A drop only matters for the responses the level answers: an `if` that excludes OPTIONS never answers a
  // preflight (so preflight-only headers are irrelevant there), and the OPTIONS branch answers nothing else.
  if (level.kind === 'if' && level.d) {
    const methods = methodsOf(parseCondition(level.d));
    if (methods && !methods.has('OPTIONS')) dropped = dropped.filter((x) => !PREFLIGHT_ONLY.has(x.header.name));
    else if (methods && methods.size === 1) dropped = dropped.filter((x) => x.header.name !== 'access-control-expose-headers');
  }
  // Nor where static content answers every preflight with 405 (audit 28 case 16, checked with nginx 1.22: the same
  // 405 without CORS headers whether the location inherits the server's Allow-Methods or not).
  if (answersOptionsWith405(unit, eff.opaque)) dropped = dropped.filter((x) => !PREFLIGHT_ONLY.has(x.header.name));
  // Nor Access-Control-Allow-Methods in the OPTIONS branch of a location whose other requests static content serves
  // (audit 52 nginx D3, checked with nginx 1.22): the methods that need it (PUT, DELETE, PATCH...; GET, HEAD and POST
  // pass a preflight without it, fetch.bs CORS-preflight fetch) end in a 405 without CORS headers whether the
  // preflight passed or not, the same CORS error for the page (§5.1). Allow-Headers still matters there: a GET with a
  // custom header needs it.
  if (level.kind === 'if' && level.d && isOnlyOptions(level.d) && actualRequestsServedStatically(unit, eff.opaque)) {
    dropped = dropped.filter((x) => x.header.name !== 'access-control-allow-methods');
  }

  // Drops that change nothing a browser does: without Access-Control-Max-Age it caches the preflight for 5 s
  // instead (every request still succeeds), and an Access-Control-Allow-Credentials other than "true" fails a
  // credentialed request exactly as no header does (§5.1).
  // Nor does Access-Control-Allow-Credentials where the level's own ACAO is a literal `*`: a credentialed request
  // fails on the `*` either way, and one without credentials passes either way (audit 13 case 09).
  const ownAcao = headers.find((h) => h.name === ACAO);
  const starHere = !!ownAcao?.value && !ownAcao.value.placeholder && ownAcao.value.value.trim() === '*';
  // Nor an Access-Control-Allow-Origin whose literal value no Origin ever equals (`"https://a.example https://b.example"`,
  // audit 45 case 27, checked with nginx 1.22): the browser's check fails with it exactly as without it (§5.1, §5.8).
  // invalid-origin reports the value itself, from the same verdicts (analyzeOriginPolicy) used here. When this level
  // sends no Access-Control-Allow-Origin of its own, the inherited headers it replaces went with that value, so no
  // response ever passed the check with them either: none of those drops changes anything.
  const neverMatches = (x: (typeof dropped)[number]) => {
    const v = x.header.value;
    if (x.header.name !== ACAO || !v || v.placeholder || v.value.includes('$')) return false;
    const verdicts = analyzeOriginPolicy({ kind: 'fixed', value: v.value }, dSpan(x.header.d));
    return verdicts.length > 0 && verdicts.every((e) => e.problems.some((p) => p.neverMatches === true));
  };
  const deadInherited = !headers.some((h) => h.name === ACAO) && dropped.some((x) => x.reason === 'redefined' && neverMatches(x));
  dropped = dropped.filter((x) => {
    if (x.header.name === 'access-control-max-age') return false;
    if (x.header.name === 'access-control-allow-credentials' && starHere) return false;
    if (neverMatches(x) || (deadInherited && x.reason === 'redefined')) return false;
    const v = x.header.value;
    return !(x.header.name === 'access-control-allow-credentials' && v && !v.placeholder && !v.value.includes('$') && v.value !== 'true');
  });

  // Nor a header that headers-more still puts on the same responses: more_set_headers is inherited additively and
  // never dropped by add_header (§4.4), so the browser gets the header anyway (audit 34 case 07, checked with nginx
  // 1.22 + headers-more: the OPTIONS branch's own add_header drops the location's Access-Control-Allow-Headers, and
  // the server's more_set_headers of it still reaches the 204). The answer is the configuration of the level whose
  // headers apply (the later `if` for a later-if drop); `-s` covers it only when its status is fixed and listed.
  dropped = dropped.filter((x) => {
    const answering = x.reason === 'later-if' ? x.at : level;
    const status = returnCode(answering.steps) ?? (answering === serving ? undefined : returnCode(serving.steps));
    return !moreSent(answering).some((h) => h.name === x.header.name && (!h.codes || (status !== undefined && h.codes.includes(String(status)))));
  });

  const hasCors = headers.some((h) => isCorsHeader(h.name));
  if (!hasCors && dropped.length === 0) return undefined;
  const dead = deadOriginGuard(level, serving, tree);
  if (dead && hasCors) return deadBranchPolicy(tree, unit, dead);
  if (dead) return undefined;

  const ctx: EvalContext = { tree, steps: stepsFor(serving), envTemplate: level.envTemplate, serving };
  const restrict = rejectGuards(ctx);
  const ifGuard = level.kind === 'if' ? conditionGuardFor(level, ctx) : undefined;
  if (ifGuard) restrict.push(ifGuard);
  const span = level.d ? dSpan(level.d) : { file: [...tree.files][0] as string, start: 0, end: 0 };
  const find = (name: string) => headers.find((h) => h.name === name);
  const values = new Map<HeaderDirective, HeaderValue>();
  const valueOf = (h: HeaderDirective | undefined) => {
    if (!h) return undefined;
    let v = values.get(h);
    if (!v) values.set(h, (v = viewed(headerValue(h, ctx), unit.view)));
    return v;
  };

  const acao = find(ACAO);
  const acaoV = valueOf(acao);
  let origin = acaoV ? originPolicy(acaoV, restrict) : known({ kind: 'none' as const }, span);
  const entryChecks = origin.known && origin.value.kind === 'reflect-any' ? internalBehindOriginChecks(tree, serving) : undefined;
  if (entryChecks && acaoV) {
    // The plain `$http_origin` echoed to the origins one of the checks lets in: their union is the allow-list.
    const plain = acaoV.sym.cases.length === 0 && acaoV.sym.dflt.t === 'origin';
    const allow = entryChecks.filter((g): g is Extract<Guard, { t: 'origin' }> => g.t === 'origin' && !g.negated && !g.deny);
    origin =
      plain && allow.length === entryChecks.length
        ? known({ kind: 'allow-list', entries: allow.flatMap((g) => g.entries), unknownEntries: allow.flatMap((g) => g.unknownSpans) }, acaoV.span, '$http_origin, in an internal location reached only through rewrites under Origin checks')
        : unknown('an internal location entered only through rewrites under Origin checks made in other locations', acaoV.span);
  }

  // A header whose value comes out empty is not sent at all (ngx_http_headers_filter_module adds one only `if
  // (value->len)`, §4.1): `set $age ''` outside the preflight branch sends no Max-Age, not an empty one (audit 50 ngx c17).
  const sentValueOf = (h: HeaderDirective | undefined) => {
    const v = valueOf(h);
    return v && v.text === '' ? undefined : v;
  };
  const acac = sentValueOf(find('access-control-allow-credentials'));
  const credentials: Valued<boolean> = !acac
    ? known(false, span)
    : acac.text === undefined
      ? variableCredentials(acac, acaoV)
      : known(acac.text === 'true', acac.span);

  const fileText = (s: Span | undefined) => (s ? text(s.file) : undefined);
  const acamH = find('access-control-allow-methods');
  const acamV = sentValueOf(acamH);
  const allowMethods = tokenList(acamH, acamV, fileText(acamV?.span), span);
  const acahH = find('access-control-allow-headers');
  const acahV = sentValueOf(acahH);
  const allowHeaders = tokenList(acahH, acahV, fileText(acahV?.span), span);
  const aceh = find('access-control-expose-headers');
  const acehV = sentValueOf(aceh);
  const exposeHeaders = tokenList(aceh, acehV, fileText(acehV?.span), span);

  const maxV = sentValueOf(find('access-control-max-age'));
  const maxAge: Valued<string | null> = !maxV ? known(null, span) : maxV.text === undefined ? unknown('the value depends on the request', maxV.span) : known(maxV.text, maxV.span);

  const pnaV = sentValueOf(find('access-control-allow-private-network'));
  // Granted to the origins that get Access-Control-Allow-Origin: only to those when that is a fixed origin or an
  // exact list (a map of literal origins), as for hand-written Express and Flask headers.
  const privateNetwork: Valued<boolean> = forExactOrigins(!pnaV ? known(false, span) : pnaV.text === undefined ? unknown('request-dependent value', pnaV.span) : known(pnaV.text === 'true', pnaV.span), origin);

  let varyOrigin: Valued<boolean> = known(false, span);
  for (const h of headers.filter((x) => x.name === 'vary')) {
    const v = valueOf(h) as HeaderValue;
    if (v.text === undefined) {
      if (varyOrigin.known && !varyOrigin.value) varyOrigin = unknown('a Vary header with a request-dependent value', v.span);
      continue;
    }
    if (v.text.split(',').some((t) => t.trim().toLowerCase() === 'origin' || t.trim() === '*')) varyOrigin = known(true, v.span);
  }
  if (eff.opaque && varyOrigin.known && !varyOrigin.value) varyOrigin = unknown('an include that is not in the repository may add Vary', span);
  // Vary: Origin only inside the `if` that checks the Origin (enable-cors.org's fourth method, audit 29 case 31):
  // responses to other origins, and to requests without one, go out without it, so a cache can give one of them,
  // without the CORS headers, to an allowed origin (§5.7; checked with nginx 1.22 and proxy_cache).
  if (level.kind === 'if' && ifGuard?.t === 'origin' && !ifGuard.negated && varyOrigin.known && varyOrigin.value) {
    const outside = effectiveAddHeaders(serving);
    // (A headers-more value is the part after the name: `more_set_headers 'Vary: Origin'`, audit 31.)
    const varies = (h: HeaderDirective) => h.name === 'vary' && (!h.value || h.value.placeholder || (h.moreValue ?? h.value.value).includes('$') || varyNamesOrigin(h.moreValue ?? h.value.value));
    if (!outside.opaque && !outside.headers.some(varies) && !effectiveMore(serving).some(varies)) {
      varyOrigin = known(false, varyOrigin.span, VARY_ONLY_WHEN_ALLOWED);
    }
  }

  const ret = returnCode(level.steps) ?? (level === serving ? undefined : returnCode(serving.steps));
  const fixedSuccess = ret !== undefined && ret >= 200 && ret < 400;
  // An OPTIONS-only branch answers preflights only: OPTIONS responses are not stored by HTTP caches and the
  // browser's preflight cache is per origin, so Vary does not matter there.
  if (level.kind === 'if' && level.d && ret !== undefined) {
    const m = methodsOf(parseCondition(level.d));
    // A branch chosen through a flag (`set $cors "${cors}O"` under `if ($request_method = OPTIONS)`, then
    // `if ($cors = "TO") { ...; return 204; }`) that answers 204 with Access-Control-Allow-Methods is the
    // preflight answer too: an empty 204 is no answer to an actual request.
    const preflightShaped = !m && ret === 204 && headers.some((h) => h.name === 'access-control-allow-methods');
    if (((m && m.size === 1 && m.has('OPTIONS')) || preflightShaped) && varyOrigin.known && !varyOrigin.value) {
      varyOrigin = unknown('a preflight-only answer: OPTIONS responses are not cached by HTTP caches', span);
    }
  }
  // So is the preflights' view of a level whose values were set under an OPTIONS test (requestViews).
  if (unit.view === 'preflight' && varyOrigin.known && !varyOrigin.value) {
    varyOrigin = unknown('a preflight-only answer: OPTIONS responses are not cached by HTTP caches', span);
  }
  // So is a named location that answers 204 with Access-Control-Allow-Methods (`error_page 418 = @cors_preflight`
  // from the OPTIONS branches, audit 21 case 10, checked with nginx 1.22), or that only OPTIONS requests reach.
  const optionsOnly = level === serving && enteredOnlyFromOptionsBranches(tree, serving, text);
  const preflightNamed = level === serving && level.kind === 'location' && prefixOf(level)?.startsWith('@') && ret === 204 && headers.some((h) => h.name === 'access-control-allow-methods');
  if ((preflightNamed || optionsOnly) && varyOrigin.known && !varyOrigin.value) {
    varyOrigin = unknown('a preflight-only answer: OPTIONS responses are not cached by HTTP caches', span);
  }
  // Nor an error answer that no shared cache stores (RFC 9110 §15.1, RFC 9111 §3).
  if (level === serving && varyOrigin.known && !varyOrigin.value && uncachedErrorAnswer(tree, serving, text)) {
    varyOrigin = unknown('an error answer without explicit freshness whose status is not heuristically cacheable (RFC 9110 §15.1): no shared cache stores it', span);
  }
  let errorCoverage: Valued<ErrorCoverage>;
  const redirected = acao && acaoV && acao.statuses === 'all' && !fixedSuccess ? errorPageLoss(serving, level) : undefined;
  if (fixedSuccess) errorCoverage = known({ covers: 'all', detail: `this level always answers with return ${ret}` }, span);
  else if (redirected) errorCoverage = redirected;
  else if (acao && acaoV) {
    // With credentials, the error answers need Access-Control-Allow-Credentials too (audit 13 case 03).
    const acacD = find('access-control-allow-credentials');
    // (Under a literal `*` a credentialed request fails anyway.)
    const credLost = acao.statuses === 'all' && credentials.known && credentials.value && acacD && acacD.statuses !== 'all' && acaoV.text?.trim() !== '*';
    errorCoverage =
      credLost && acacD
        ? known(
            {
              covers: 'success-only',
              detail: `add_header Access-Control-Allow-Credentials has no "always": 4xx/5xx errors carry Access-Control-Allow-Origin without it, so a credentialed request sees a CORS error`,
            },
            dSpan(acacD.d),
          )
        : acao.statuses === 'all'
        ? known({ covers: 'all' }, dSpan(acao.d))
        : known(
            {
              covers: 'success-only',
              detail:
                acao.source === 'add_header'
                  ? `add_header ${acao.d.args[0]?.value ?? ''} has no "always": nginx adds it only to 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308 responses, so 4xx/5xx errors reach the browser without CORS headers`
                  : `more_set_headers -s lists only success and redirect statuses, so 4xx/5xx errors reach the browser without CORS headers`,
            },
            dSpan(acao.d),
          );
  } else errorCoverage = known({ covers: 'all' }, span);

  const preflight = neverPreflighted(unit.serving, preflightFor(unit, headers, allowMethods, allowHeaders, eff.opaque, span, ctx), () => optionsNeverEnter(tree, serving, text));

  // An `if` on the Origin that holds exactly for the origins the allow-list echoes: every header of the block is
  // sent with Access-Control-Allow-Origin only (for any other origin the block does not apply).
  const entryKeys = (es: Parameters<typeof entryKey>[0][]) => es.map(entryKey).sort().join('\u0000');
  const onlyAllowed =
    ifGuard?.t === 'origin' && !ifGuard.negated && ifGuard.unknownSpans.length === 0 && origin.known && origin.value.kind === 'allow-list' && ifGuard.entries.length > 0 && entryKeys(ifGuard.entries) === entryKeys(origin.value.entries);
  const headerWrites: HeaderWrite[] = headers.map((h) => {
    const v = valueOf(h) as HeaderValue;
    const value: Valued<string> =
      v.text !== undefined ? known(v.text, v.span) : unknown(isTemplatePlaceholderValue(v) ? 'template placeholder' : 'request-dependent value', v.span);
    // `add_header name value;` without `always`: inserting ` always` after the value covers every status (§4.1).
    const lastArg = h.d.args[h.d.args.length - 1];
    const allStatusesEdit =
      h.source === 'add_header' && h.statuses === 'success' && h.d.args.length === 2 && lastArg
        ? { allStatusesEdit: { span: { file: h.d.file, start: lastArg.end, end: lastArg.end }, text: ' always' } }
        : {};
    return { name: h.name, value, op: h.op === 'append' ? 'append' : 'set', statuses: h.statuses, span: dSpan(h.d), ...allStatusesEdit, ...(onlyAllowed ? { whenOriginAllowed: true } : {}) };
  });

  const pass = level.pass ?? serving.pass;
  // The upstream's ACAO does not reach the browser when hidden, or cleared/replaced by headers-more.
  // Each module has its own hide list: `proxy_hide_header` for proxy_pass, `uwsgi_hide_header` for uwsgi_pass.
  const hide = hidesHeader(level, ACAO, pass ? pass.name.replace(/_pass$/, '') : 'proxy');
  const moreTouches = (name: string) => effectiveMore(level).some((h) => h.name === name && h.op !== 'append');
  const moreTouchesAcao = moreTouches(ACAO);
  const hidesCredentials = hidesHeader(level, ACAC, pass ? pass.name.replace(/_pass$/, '') : 'proxy').hides || moreTouches(ACAC);
  const scope: Scope = scopeOf(serving, level, ctx, optionsOnly || unit.view === 'preflight');
  const droppedInherited: DroppedHeader[] = dropped.map((x) => ({
    header: x.header.name,
    span: dSpan(x.header.d),
    droppedBy: dSpan(x.by.d),
    reason: x.reason,
    droppedAt: x.at.label,
  }));
  const policy: CorsPolicy = {
    id: `${span.file}#${span.start}${unit.view === 'preflight' ? '#preflight' : ''}`,
    kind: 'nginx',
    mechanism: 'nginx',
    layer: 'proxy',
    span,
    scope,
    origin,
    credentials,
    allowMethods,
    allowHeaders,
    exposeHeaders,
    maxAge,
    varyOrigin,
    preflight,
    errorCoverage,
    privateNetwork,
    headerWrites,
    shadowedBy: [],
  };
  // A level that answers with `return` never reaches the upstream (nginx answering preflights while the app
  // answers actual requests is one policy, not a duplicate), nor do the preflights of a location whose OPTIONS branch
  // returns.
  if (pass && ret === undefined && !(unit.view === 'preflight' && optionsAnsweredByBranch(serving))) {
    const hidesOrigin = hide.hides || moreTouchesAcao;
    const appPath = upstreamPath(serving, level, pass);
    const hideDirective = /^(proxy|fastcgi|uwsgi|scgi|grpc)_pass$/.test(pass.name) ? pass.name.replace(/_pass$/, '_hide_header') : undefined;
    policy.upstream = {
      span: dSpan(pass),
      label: upstreamLabel(tree, pass.args[0]?.value ?? pass.name),
      hidesOrigin,
      hidesCredentials,
      ...(appPath ? { path: appPath } : {}),
      ...(hideDirective ? { hideDirective } : {}),
      ...(!hidesOrigin && hide.span && hide.lostAt ? { hideLost: { hide: hide.span, by: hide.lostAt } } : {}),
    };
  }
  if (droppedInherited.length) policy.droppedInherited = droppedInherited;
  // try_files runs after the rewrite phase, so a `return` answers first; and a request that an `if` block takes
  // gets that block's configuration, which has no try_files ("If is Evil"; checked with nginx 1.22).
  const fallback = level === serving && serving.kind === 'location' && ret === undefined ? tryFilesFallback(serving) : undefined;
  if (fallback) policy.fallback = { span: dSpan(fallback.d), label: fallback.label };
  return policy;
}

/**
 * Whether a location can be chosen for a URI that an internal redirect produced (a `rewrite` replacement, its
 * variables and captures standing for any text): prefix and exact locations by their path, regex ones by running
 * the pattern on the replacement's literal form. When that cannot be told, it may.
 */
function mayServe(l: Level, uri: string): boolean {
  const a = l.d?.args.map((x) => x.value) ?? [];
  const path = uri.replace(/\$\{?[A-Za-z0-9_]+\}?/g, 'x').split('?')[0] as string;
  if (a.length === 1) return (a[0] as string).startsWith('@') ? false : path.startsWith(a[0] as string);
  if (a.length === 2 && (a[0] === '^~' || a[0] === '=')) return a[0] === '=' ? path === a[1] : path.startsWith(a[1] as string);
  if (a.length === 2 && (a[0] === '~' || a[0] === '~*')) {
    try {
      return new RegExp(a[1] as string, a[0] === '~*' ? 'i' : '').test(path);
    } catch {
      return true;
    }
  }
  return true;
}

/**
 * An `internal` location (§4.3: nginx answers a direct request for it with 404) entered only through `rewrite ... last`
 * in `if` blocks that test the Origin (audit 33 nginx D1, c03: `if ($cors = "allow") { rewrite /pub/(.*) /pub_cors/$1
 * last; }` after `if ($http_origin ~* ...) { set $cors "allow"; }`; checked with nginx 1.22: only the origins of
 * that check got Access-Control-Allow-Origin, and a direct request got 404). Its `$http_origin` is then echoed only
 * to origins that passed a check made elsewhere: the Origin checks of those rewrites (undefined when a rewrite reaches
 * it without such a test, which leaves the reflection as it is). (With `always`, the 404 that `internal` gives a
 * direct request carries the echo too, checked with nginx 1.22: a fixed error page, no data of the user's.)
 * Regex locations are matched against the rewrite's replacement with its captures and variables as "x".
 */
function internalBehindOriginChecks(tree: Tree, serving: Level): Guard[] | undefined {
  if (serving.kind !== 'location' || !serving.d?.block?.some((d) => d.name === 'internal')) return undefined;
  const server = nearest(serving, 'server');
  if (!server) return undefined;
  const checked: Guard[] = [];
  let unchecked = 0;
  const visit = (l: Level) => {
    const steps = l.kind === 'server' ? l.steps : stepsFor(l);
    const own = l.steps;
    for (const s of own) {
      const ifLevel = isIfLevel(s) ? s : undefined;
      const rewrites = (ifLevel ? ifLevel.steps : [s]).filter((x): x is Directive => !isIfLevel(x) && x.name === 'rewrite');
      for (const r of rewrites) {
        const to = r.args[1]?.value ?? '';
        const flag = r.args[2]?.value ?? '';
        if ((flag !== '' && flag !== 'last') || /^(https?:\/\/|\$scheme)/.test(to) || !mayServe(serving, to)) continue;
        if (!ifLevel) {
          unchecked++;
          continue;
        }
        const g = conditionGuard(parseCondition(ifLevel.d as Directive), { tree, steps: steps.slice(0, steps.indexOf(ifLevel)), envTemplate: ifLevel.envTemplate, serving: l });
        if (g.t === 'other') unchecked++;
        else checked.push(g);
      }
    }
    for (const x of l.locations) visit(x);
  };
  visit(server);
  return checked.length > 0 && unchecked === 0 ? checked : undefined;
}

/**
 * The policy of an `if` block whose Origin check no browser Origin passes (deadOriginGuard): the block applies to the
 * origins of that check, which are none, so it sends nothing. The check is kept as the allow-list (invalid-origin
 * reports it); what the block would send, how it would answer preflights and errors, is never observed.
 */
function deadBranchPolicy(tree: Tree, unit: Unit, guard: Extract<Guard, { t: 'origin' }>): CorsPolicy {
  const { serving, level } = unit;
  const span = dSpan(level.d as Directive);
  const why = 'the block never applies: no Origin a browser can send passes its check';
  const ctx: EvalContext = { tree, steps: stepsFor(serving), envTemplate: level.envTemplate, serving };
  return {
    id: `${span.file}#${span.start}`,
    kind: 'nginx',
    mechanism: 'nginx',
    layer: 'proxy',
    span,
    scope: scopeOf(serving, level, ctx),
    origin: known({ kind: 'allow-list', entries: guard.entries, unknownEntries: [] }, span, '$http_origin checked by if'),
    credentials: known(false, span, why),
    allowMethods: known({ kind: 'none' }, span, why),
    allowHeaders: known({ kind: 'none' }, span, why),
    exposeHeaders: known({ kind: 'none' }, span, why),
    maxAge: known(null, span, why),
    varyOrigin: unknown(why, span),
    preflight: unknown(why, span),
    errorCoverage: unknown(why, span),
    privateNetwork: known(false, span, why),
    headerWrites: [],
    shadowedBy: [],
  };
}

/** A header value as the requests of one kind get it (valueForRequests); unchanged for every request. */
function viewed(v: HeaderValue, view: RequestKind | undefined): HeaderValue {
  if (!view) return v;
  const { value, changed } = valueForRequests(v.sym, view);
  if (!changed) return v;
  return { sym: value, span: v.span, text: value.cases.length === 0 && value.dflt.t === 'lit' ? value.dflt.v : undefined };
}

/**
 * The policies a location (or server) level gives: one for every request, or, when a CORS header's value was set
 * under a `$request_method` test (`if ($request_method = OPTIONS) { set $acao $http_origin; }`, audit 40 nginx c25,
 * checked with nginx 1.22: only the preflights got their Origin back), one for the actual requests and one for the
 * preflights (scoped to OPTIONS), each with the values its requests get. No preflights' view when an `if` that may hold
 * for OPTIONS has headers of its own: those replace the level's on the requests it holds for (§4.3), and its own
 * policy describes them.
 */
function requestViews(tree: Tree, serving: Level): (RequestKind | undefined)[] {
  const ctx: EvalContext = { tree, steps: stepsFor(serving), envTemplate: serving.envTemplate, serving };
  const hs = [...moreSent(serving), ...effectiveAddHeaders(serving).headers].filter((h) => isCorsHeader(h.name) || h.name === 'vary');
  const split = hs.some((h) => {
    const { sym } = headerValue(h, ctx);
    return valueForRequests(sym, 'preflight').changed || valueForRequests(sym, 'actual').changed;
  });
  if (!split) return [undefined];
  const server = nearest(serving, 'server');
  const ifs = [...(server && serving !== server ? server.ifs : []), ...serving.ifs].filter((i) => i.kind === 'if' && i.d);
  const ownForOptions = ifs.some((i) => (i.addHeaders.length || i.more.length) && methodsOf(parseCondition(i.d as Directive))?.has('OPTIONS') !== false);
  return ownForOptions ? ['actual'] : ['actual', 'preflight'];
}

/** Whether an `if ($request_method = OPTIONS)` branch of the level (or its server) answers every preflight with `return`. */
function optionsAnsweredByBranch(serving: Level): boolean {
  const server = nearest(serving, 'server');
  const ifs = [...(server && serving !== server ? server.ifs : []), ...serving.ifs].filter((i) => i.kind === 'if' && i.d && !stoppedBefore(i, serving));
  return ifs.some((i) => {
    const m = methodsOf(parseCondition(i.d as Directive));
    return m !== undefined && m.has('OPTIONS') && returnCode(i.steps) !== undefined;
  });
}

/** The Origin guard of an `if` block's own condition (undefined when it does not test the Origin). */
function conditionGuardFor(level: Level, ctx: EvalContext) {
  const g = conditionGuard(parseCondition(level.d as Directive), ctx);
  return g.t === 'other' ? undefined : g;
}

/**
 * `optionsOnly`: the level answers OPTIONS requests only although its own condition does not say so (a named location
 * entered only from OPTIONS branches, enteredOnlyFromOptionsBranches).
 */
function scopeOf(serving: Level, level: Level, ctx: EvalContext, optionsOnly = false): Scope {
  const lvl: Scope['level'] = serving.kind === 'server' ? 'server' : serving.kind === 'http' ? 'http' : 'location';
  const scope: Scope = { level: lvl, label: level.label };
  if (serving.kind === 'location' && serving.d) scope.paths = [serving.d.args.map((a) => a.value).join(' ')];
  if (optionsOnly || (level.kind === 'if' && level.d && isOptionsBranch(parseCondition(level.d), ctx))) scope.methods = ['OPTIONS'];
  return scope;
}

/**
 * Statuses nginx answers with by itself (its own error pages, ngx_http_special_response.c, and the codes it only logs):
 * an `error_page` for one of them may be entered by any request, not only by a `return` of the configuration.
 */
const NGINX_OWN_STATUSES: ReadonlySet<number> = new Set([
  ...Array.from({ length: 17 }, (_, i) => 400 + i),
  421, 429, 444, 494, 495, 496, 497, 498, 499, 500, 501, 502, 503, 504, 505, 507,
]);

/**
 * The `error_page` lines of its server that name a named location, when they are the only ways into it: every mention
 * of the name in the configuration's files is its definition or one of them (a mention in a comment only makes the
 * answer undefined). Also the levels of the server and the files' texts, for further checks.
 */
function errorPagesInto(tree: Tree, serving: Level, text: (file: string) => string | undefined): { pages: Directive[]; levels: Level[]; texts: string[] } | undefined {
  const name = serving.kind === 'location' && serving.d?.args.length === 1 ? serving.d.args[0]?.value : undefined;
  const server = nearest(serving, 'server');
  // Every mention of the name is only in a tree that holds its server block (as for unreferencedNamedLocation).
  if (!name?.startsWith('@') || name.length < 2 || !server || (tree.root.kind !== 'main' && tree.root.kind !== 'http')) return undefined;
  const levels: Level[] = [];
  const visit = (l: Level) => {
    levels.push(l);
    for (const x of [...l.ifs, ...l.locations]) visit(x);
  };
  visit(server);
  const pages = levels.flatMap((l) => l.handoff.filter((d) => d.name === 'error_page' && d.args[d.args.length - 1]?.value === name));
  if (!pages.length) return undefined;
  const mention = new RegExp(`${escapeRegex(name)}(?![\\w-])`, 'g');
  const texts = [...tree.files].map((f) => text(f) ?? '');
  const mentions = texts.reduce((n, t) => n + (t.match(mention)?.length ?? 0), 0);
  return mentions === pages.length + 1 ? { pages, levels, texts } : undefined;
}

/** Statuses a cache may store without explicit freshness: "heuristically cacheable by default" (RFC 9110 §15.1). */
const HEURISTICALLY_CACHEABLE: ReadonlySet<number> = new Set([200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501]);

/**
 * Whether a named location answers only error statuses that no shared cache stores (audit 34 case 26: `error_page 502
 * 503 504 = @cors_error` with `return 502`): it is entered only through `error_page`, answers with `return` before
 * anything else can run, and every status it sends (the error_page's `=code`, the return's with a bare `=`, else the
 * original error's, checked with nginx 1.22) is not heuristically cacheable, with no explicit freshness (no `expires`,
 * no Cache-Control/Expires header). RFC 9111 §3 lets a cache store such a response only with explicit freshness or
 * `public`, so a missing Vary: Origin lets no cache hand it to another origin.
 */
function uncachedErrorAnswer(tree: Tree, serving: Level, text: (file: string) => string | undefined): boolean {
  const into = errorPagesInto(tree, serving, text);
  if (!into || serving.ifs.length || serving.locations.length) return false;
  const first = serving.steps.find((x) => isIfLevel(x) || x.name !== 'set');
  if (!first || isIfLevel(first) || first.name !== 'return') return false;
  const code = Number(first.args[0]?.value);
  if (!Number.isInteger(code)) return false;
  const statuses = into.pages.flatMap((d) => {
    const args = d.args.map((a) => a.value);
    const over = args.find((a) => /^=\d{3}$/.test(a));
    if (over) return [Number(over.slice(1))];
    return args.includes('=') ? [code] : args.filter((a) => /^\d{3}$/.test(a)).map(Number);
  });
  if (!statuses.length || statuses.some((c) => HEURISTICALLY_CACHEABLE.has(c))) return false;
  const eff = effectiveAddHeaders(serving);
  if (eff.opaque || [...eff.headers, ...moreSent(serving)].some((h) => /^(cache-control|expires|surrogate-control|cdn-cache-control)$/.test(h.name))) return false;
  // (`expires` anywhere in the files, comments included, only makes the answer "no".)
  return !into.texts.some((t) => /(^|[\s;{])expires\s/m.test(t));
}

/**
 * Whether a named location is entered only by OPTIONS requests: the preflight idiom `if ($request_method = OPTIONS)
 * { return 418; }` with `error_page 418 = @cors_preflight;` (audit 34 case 19, checked with nginx 1.22: the preflight
 * got the location's headers, GET and PUT none of them). Decided only when every way in is known to be such a
 * redirect: each mention of the name in the configuration's files is its definition or an `error_page` of its
 * server; every status those error_page lines list is one nginx never answers with by itself, returned in that server
 * only by OPTIONS branches, and no upstream's answer (`*_intercept_errors on`) nor a `limit_*_status` can produce it.
 */
function enteredOnlyFromOptionsBranches(tree: Tree, serving: Level, text: (file: string) => string | undefined): boolean {
  const into = errorPagesInto(tree, serving, text);
  if (!into) return false;
  const { pages, levels, texts } = into;
  const codes = new Set(pages.flatMap((d) => d.args.map((a) => a.value).filter((v) => /^\d{3}$/.test(v)).map(Number)));
  if (!codes.size || [...codes].some((c) => c < 400 || NGINX_OWN_STATUSES.has(c))) return false;
  // (Checked on the text, comments included: a mention there only makes the answer "no".)
  if (texts.some((t) => /_intercept_errors\s+on\b/.test(t) || [...t.matchAll(/\blimit_(?:req|conn)_status\s+(\d+)/g)].some((m) => codes.has(Number(m[1]))))) return false;
  let fromOptions = 0;
  for (const l of levels) {
    for (const s of l.steps) {
      if (isIfLevel(s) || s.name !== 'return' || !codes.has(Number(s.args[0]?.value))) continue;
      const owner = l.parent;
      const ctx: EvalContext = { tree, steps: owner ? stepsFor(owner) : [], envTemplate: l.envTemplate, ...(owner ? { serving: owner } : {}) };
      if (l.kind !== 'if' || !l.d || !owner || !isOptionsBranch(parseCondition(l.d), ctx)) return false;
      fromOptions++;
    }
  }
  return fromOptions > 0;
}

/**
 * Whether a location answers every OPTIONS request in its rewrite phase, before anything else can move it on: an
 * `if` that holds for OPTIONS and `return`s a status none of `codes` (the error_page statuses that would hand the
 * answer on: error_page applies to a `return`'s status too, checked with nginx 1.22), with only `set`s before it and
 * `if` blocks that either never hold for OPTIONS or only `set` (a matched `if` goes on with the next step, §4.3).
 */
function answersOptionsFirst(l: Level, codes: ReadonlySet<number>): boolean {
  if (l.kind !== 'location' || l.locations.length || l.opaque.length) return false;
  const onlySets = (xs: (Directive | Level)[]) => xs.every((x) => !isIfLevel(x) && x.name === 'set');
  for (const s of l.steps) {
    if (!isIfLevel(s)) {
      if (s.name === 'set') continue;
      return false;
    }
    const m = s.d ? methodsOf(parseCondition(s.d)) : undefined;
    if (m && !m.has('OPTIONS')) continue;
    if (!m || s.handoff.length || s.opaque.length) {
      if (onlySets(s.steps) && !s.handoff.length && !s.opaque.length) continue;
      return false;
    }
    const code = returnCode(s.steps);
    const beforeReturn = s.steps.slice(0, s.steps.findIndex((x) => !isIfLevel(x) && x.name === 'return'));
    return code !== undefined && !codes.has(code) && onlySets(beforeReturn);
  }
  return false;
}

/**
 * Whether no OPTIONS request, and so no browser's preflight, can ever be served by an internal location (a named one,
 * or one marked `internal`): every way in is known, and each either turns the method into GET or starts from a
 * location that has already answered every OPTIONS itself (answersOptionsFirst). Checked with nginx 1.22 (audit 47
 * nginx D1, cis-vproxy's `@handle_redirect1`): a direct request for an internal location gets 404; error_page and
 * X-Accel-Redirect to a URI turn OPTIONS into GET; `index` declines OPTIONS (405); but rewrite, try_files, and
 * error_page or X-Accel-Redirect to a named location keep it. A prefix location ending in `/` that proxies answers
 * `/v2` with a 301 before its rewrite phase (auto-redirect), and its `error_page 301` then takes an OPTIONS in.
 */
function optionsNeverEnter(tree: Tree, serving: Level, text: (file: string) => string | undefined): boolean {
  if (serving.kind !== 'location' || !serving.d || (tree.root.kind !== 'main' && tree.root.kind !== 'http')) return false;
  const server = nearest(serving, 'server');
  if (!server || serving.parent !== server) return false;
  const args = serving.d.args.map((a) => a.value);
  const name = args.length === 1 && args[0]?.startsWith('@') ? args[0] : undefined;
  if (!name && !serving.d.block?.some((d) => d.name === 'internal')) return false;
  const levels: Level[] = [];
  const visit = (l: Level) => {
    levels.push(l);
    for (const x of [...l.ifs, ...l.locations]) visit(x);
  };
  visit(server);
  if (levels.some((l) => l.opaque.length)) return false;
  const texts = [...tree.files].map((f) => text(f) ?? '');
  // A script (Lua's ngx.exec, njs, Perl, echo_exec) can move any request anywhere.
  if (texts.some((t) => /\b(echo_exec|\w+_by_lua\w*|js_content|js_access|perl)\b/.test(t))) return false;
  const lastArg = (d: Directive) => d.args[d.args.length - 1]?.value ?? '';
  const codesOf = (d: Directive) => new Set(d.name === 'error_page' ? d.args.map((a) => a.value).filter((v) => /^\d{3}$/.test(v)).map(Number) : []);
  /** A request of this level's can be moved here with its method, unless the level answers every OPTIONS first. */
  const safeSource = (l: Level, d: Directive) => {
    if (l === serving) return true;
    if (l.kind === 'if') return false;
    const codes = codesOf(d);
    // Auto-redirect (301 for the URI without the trailing slash) happens in the location before its rewrite phase.
    const a = l.d?.args.map((x) => x.value) ?? [];
    const autoRedirect = a.length > 0 && a[0] !== '~' && a[0] !== '~*' && (a[a.length - 1] ?? '').endsWith('/') && (!!l.pass || l.ifs.some((i) => i.pass));
    if (codes.has(301) && autoRedirect) return false;
    return answersOptionsFirst(l, codes);
  };
  if (name) {
    // Every mention of the name is its definition or an error_page / try_files of its server (as errorPagesInto).
    const entries = new Map<string, { l: Level; d: Directive }[]>();
    for (const l of levels) {
      for (const d of [...l.handoff.filter((x) => x.name === 'error_page'), ...(l.tryFiles ? [l.tryFiles] : [])]) {
        if (lastArg(d) !== name) continue;
        const key = `${d.file}|${d.start}`;
        entries.set(key, [...(entries.get(key) ?? []), { l, d }]);
      }
    }
    const mention = new RegExp(`${escapeRegex(name)}(?![\\w-])`, 'g');
    const mentions = texts.reduce((n, t) => n + (t.match(mention)?.length ?? 0), 0);
    if (mentions !== entries.size + 1) return false;
    if (![...entries.values()].flat().every(({ l, d }) => safeSource(l, d))) return false;
    // X-Accel-Redirect from an upstream to a named location keeps the method: every level that proxies answers
    // OPTIONS itself first, or ignores the header.
    return levels.every((l) => {
      if (!l.pass && !l.ifs.some((i) => i.pass)) return true;
      const ignores = [l, ...ancestors(l)].some((x) => x.d?.block?.some((y) => /_ignore_headers$/.test(y.name) && y.args.some((a) => /^x-accel-redirect$/i.test(a.value))));
      return ignores || (l.kind === 'location' && answersOptionsFirst(l, new Set()));
    });
  }
  // An `internal` URI location: rewrite (last or no flag) and try_files keep the method; error_page, X-Accel-Redirect
  // and index do not bring OPTIONS in.
  for (const l of levels) {
    const own = l.kind === 'if' ? [] : l.steps.flatMap((s) => (isIfLevel(s) ? s.steps : [s])).filter((x): x is Directive => !isIfLevel(x));
    const moves = [
      ...own.filter((d) => d.name === 'rewrite' && /^(last)?$/.test(d.args[2]?.value ?? '')).map((d) => ({ d, to: d.args[1]?.value ?? '' })),
      ...(l.tryFiles && l.tryFiles.args.length >= 2 ? [{ d: l.tryFiles, to: lastArg(l.tryFiles) }] : []),
    ];
    for (const { d, to } of moves) {
      if (/^(https?:\/\/|\$scheme)/.test(to) || to.startsWith('@') || /^=\d+$/.test(to)) continue;
      if (!to.startsWith('/') || mayServe(serving, to)) {
        if (!safeSource(l, d)) return false;
      }
    }
  }
  return true;
}

function needsPreflight(methods: Valued<TokenList>, hdrs: Valued<TokenList>): boolean | undefined {
  if (!methods.known || !hdrs.known) return undefined;
  const m = methods.value;
  const h = hdrs.value;
  if (m.kind === 'wildcard' || h.kind === 'wildcard' || h.kind === 'echo') return true;
  if (m.kind === 'list' && m.items.some((t) => !SIMPLE_METHODS.has(t.value) && t.value !== 'OPTIONS' && !isForbiddenMethod(t.value))) return true;
  if (h.kind === 'list' && h.items.length > 0) return true;
  return false;
}

/**
 * Whether the static content of a location answers OPTIONS, and so every preflight, with 405: nothing is proxied,
 * no `if` block or `return` answers, no nested location, no rewrite, error_page or try_files hands the request on,
 * and no include outside the repository may do any of that.
 */
function answersOptionsWith405(unit: Unit, opaque: boolean): boolean {
  const { serving, level } = unit;
  if (opaque || serving.kind !== 'location' || serving.locations.length || returnCode(serving.steps) !== undefined || redirectsFrom(serving)) return false;
  if (level.pass ?? serving.pass) return false;
  const server = nearest(serving, 'server');
  const ifs = [...(server && serving !== server ? server.ifs : []), ...serving.ifs];
  if (ifs.some((i) => i.kind !== 'if' || i.pass || returnCode(i.steps) !== undefined || i.handoff.length)) return false;
  return !serving.handoff.length && !server?.handoff.some((d) => d.name === 'error_page');
}

/** `if ($request_method = OPTIONS)`: a branch that only OPTIONS requests enter. */
function isOnlyOptions(d: Directive): boolean {
  const m = methodsOf(parseCondition(d));
  return !!m && m.size === 1 && m.has('OPTIONS');
}

/**
 * Directives of a location that leave its requests to the static module (ngx_http_static_module answers any method
 * but GET, HEAD and POST with 405; index, autoindex and random_index decline those methods to it). Any other
 * directive (a content handler: `dav_methods`, `passenger_enabled`, a module the analysis does not know) may answer
 * a PUT itself. `rewrite`, `try_files`, `return` and `*_pass` are judged separately.
 */
const STATIC_LOCATION_DIRECTIVES =
  /^(root|alias|index|autoindex(_exact_size|_format|_localtime)?|random_index|expires|etag|if_modified_since|add_header|add_header_inherit|add_trailer|more_set_headers|more_clear_headers|set|break|if|access_log|error_log|log_not_found|log_subrequest|types|default_type|charset|charset_types|source_charset|override_charset|gzip(_\w+)?|gzip_static|gunzip|brotli(_\w+)?|sendfile(_max_chunk)?|tcp_nopush|tcp_nodelay|open_file_cache(_\w+)?|directio(_alignment)?|aio|read_ahead|output_buffers|postpone_output|max_ranges|disable_symlinks|allow|deny|satisfy|auth_basic(_user_file)?|limit_rate(_after)?|limit_conn|limit_req|client_max_body_size|keepalive_timeout|send_timeout|server_tokens|chunked_transfer_encoding|valid_referers|absolute_redirect|port_in_redirect|proxy_set_header|proxy_http_version|internal)$/;

/** Directives of an enclosing server or http block that may answer a location's requests other than statically. */
const INHERITED_HANDLERS = /^(error_page|dav_methods|dav_ext_methods|passenger_enabled|(rewrite|access|content)_by_lua(_block|_file)?|perl|js_content)$/;

/**
 * Whether every request of a location other than OPTIONS is served by the static module, which answers the methods
 * that need Access-Control-Allow-Methods with 405 (checked with nginx 1.22, audit 52 nginx D3: PUT and DELETE got
 * 405 without CORS headers, GET 200): nothing is proxied or scripted, nothing but an OPTIONS-only `if` returns, no
 * rewrite, try_files or error_page hands the request on, no nested location, every directive of the location and of
 * its other `if` blocks is one that leaves the answer to the static module, nothing is hidden in an include, and the
 * 405 carries no Access-Control-Allow-Origin (so it is the same CORS error as a failed preflight).
 */
function actualRequestsServedStatically(unit: Unit, opaque: boolean): boolean {
  const { serving } = unit;
  if (opaque || serving.opaque.length || serving.kind !== 'location' || serving.locations.length || serving.pass) return false;
  if (returnCode(serving.steps) !== undefined || redirectsFrom(serving) || serving.handoff.length) return false;
  const others = serving.ifs.filter((i) => !(i.kind === 'if' && i.d && isOnlyOptions(i.d)));
  if (others.some((i) => i.kind !== 'if' || i.pass || i.opaque.length || returnCode(i.steps) !== undefined || i.handoff.length)) return false;
  const own = [...(serving.d?.block ?? []), ...others.flatMap((i) => i.d?.block ?? [])];
  if (!own.every((d) => STATIC_LOCATION_DIRECTIVES.test(d.name))) return false;
  // A 405 that carries Access-Control-Allow-Origin (`always`, or more_set_headers) is readable by the page once the
  // preflight passed, while a failed preflight is a network error (checked with nginx 1.22): the drop changes that.
  const acaoOn405 = (l: Level) =>
    effectiveAddHeaders(l).headers.some((h) => h.name === ACAO && h.statuses === 'all') || moreSent(l).some((h) => h.name === ACAO && h.op !== 'clear' && (!h.codes || h.codes.includes('405')));
  if ([serving, ...others].some(acaoOn405)) return false;
  for (const a of ancestors(serving)) {
    if (a.kind === 'location') return false;
    if (a.opaque.length || a.handoff.some((d) => d.name === 'error_page') || (a.d?.block ?? []).some((d) => INHERITED_HANDLERS.test(d.name))) return false;
    if (a.kind === 'server' && (returnCode(a.steps) !== undefined || a.ifs.some((i) => i.pass || returnCode(i.steps) !== undefined || i.handoff.length))) return false;
  }
  return true;
}

/**
 * An `internal` location never gets a browser's preflight as such: nginx answers a direct request for it with 404
 * (the `internal` directive's documentation), and the usual ways in, X-Accel-Redirect from the upstream
 * and error_page, turn the method into GET (checked with nginx 1.22, audit 36 nginx D1, Zulip's uploads: DELETE on
 * the public location was served from the internal one as a GET; OPTIONS on the internal URI got 404). The
 * preflight goes to the public location that led there. A rewrite or try_files could still bring an OPTIONS
 * request in, and what answers it then depends on that other location: not known, rather than missing.
 */
function neverPreflighted(serving: Level, pf: Valued<PreflightHandling>, optionsNeverEnter: () => boolean): Valued<PreflightHandling> {
  if (!pf.known || pf.value.handled !== 'missing' || serving.kind !== 'location') return pf;
  if (serving.d?.block?.some((d) => d.name === 'internal')) {
    return unknown('an internal location: nginx answers a direct request, a preflight included, with 404, and X-Accel-Redirect and error_page bring only GET requests here', pf.span);
  }
  // A named location whose every way in starts where OPTIONS was already answered (optionsNeverEnter).
  if (optionsNeverEnter()) return unknown('a named location that no OPTIONS request can enter: every way in starts from a location that answers OPTIONS itself', pf.span);
  return pf;
}

function preflightFor(unit: Unit, headers: HeaderDirective[], methods: Valued<TokenList>, hdrs: Valued<TokenList>, opaque: boolean, span: Span, ctx: EvalContext): Valued<PreflightHandling> {
  const { serving, level } = unit;
  const answers = (l: Level) => {
    const code = returnCode(l.steps);
    return code !== undefined && code >= 200 && code < 300;
  };
  const sendsAcao = (l: Level) => {
    const eff = effectiveAddHeaders(l).headers.some((h) => h.name === ACAO);
    return eff || effectiveMore(l).some((h) => h.name === ACAO && h.op !== 'clear');
  };
  // Whether an error answer (a 405 from static content, a refusal) made with a level's configuration carries its
  // Access-Control-Allow-Origin: add_header only with `always` (§4.1), more_set_headers unless its -s list leaves the
  // status out. Then the preflight fails for its status, not for missing headers (§5.4), and the message says so
  // (audit 44 nginx D1, checked with nginx 1.22: OPTIONS to a static file gets 405 with the `always` headers).
  const errorCarriesAcao = (hs: HeaderDirective[], status: number) =>
    hs.some((h) => h.name === ACAO && h.op !== 'clear' && (h.statuses === 'all' || h.codes?.includes(String(status)) === true));
  const sentBy = (l: Level) => [...moreSent(l), ...effectiveAddHeaders(l).headers];
  const onAnswer = (hs: HeaderDirective[], status: number) => (errorCarriesAcao(hs, status) ? { headersOnAnswer: true } : {});
  if (serving.kind === 'snippet' || serving.kind === 'http') return unknown('the including context is not in the repository', span);
  // `return 418` with `error_page 418 = @cors_preflight`: the status hands the request to another location (the
  // named-location preflight idiom), not a refusal.
  const handedOff = (code: number) => {
    for (let l: Level | undefined = serving; l; l = l.parent) if (l.handoff.some((d) => d.name === 'error_page' && d.args.some((a) => a.value === String(code)))) return true;
    return false;
  };
  if (level.kind === 'if' && level.d && isOptionsBranch(parseCondition(level.d), ctx)) {
    if (answers(level)) {
      // Headers from an include that is not in the repository may be the Access-Control-Allow-Origin (audit 14 case 01).
      if (!headers.some((h) => h.name === ACAO) && opaque) return unknown('an include that is not in the repository may add the CORS headers of the OPTIONS answer', dSpan(level.d));
      return headers.some((h) => h.name === ACAO)
        ? known({ handled: 'explicit', detail: 'this if block answers OPTIONS', span: dSpan(level.d), status: returnCode(level.steps) as number }, dSpan(level.d))
        : known({ handled: 'missing', detail: 'the OPTIONS branch answers without Access-Control-Allow-Origin', span: dSpan(level.d) }, dSpan(level.d));
    }
    const refused = returnCode(level.steps);
    if (refused !== undefined && refused >= 400 && !handedOff(refused)) return known({ handled: 'missing', detail: `the OPTIONS branch answers ${refused}: a preflight needs a 2xx status`, span: dSpan(level.d), status: refused, ...onAnswer(headers, refused) }, dSpan(level.d));
    return unknown('the OPTIONS branch does not return: the request goes on', span);
  }
  const server = nearest(serving, 'server');
  // Server-level ifs run in the server rewrite phase, before the location's.
  // (Not a block the rewrite phase never reaches, after `rewrite ... break;`: audit 31.)
  const live = [...(server && serving !== server ? server.ifs : []), ...serving.ifs].filter((i) => !stoppedBefore(i, serving));
  const branches = live.filter((i) => i.kind === 'if' && i.d && isOptionsBranch(parseCondition(i.d), ctx) && answers(i));
  if (branches.length) {
    const b = branches[0] as Level;
    const s = dSpan(b.d as Directive);
    if (!sendsAcao(b) && needsPreflight(methods, hdrs) !== true) return unknown('the OPTIONS branch sends no CORS headers, but only simple requests are allowed', s);
    if (!sendsAcao(b) && effectiveAddHeaders(b).opaque) return unknown('an include that is not in the repository may add the CORS headers of the OPTIONS answer', s);
    // A branch with add_header of its own answers with those only (it inherits none of this level's): this level's
    // Allow-Headers and Allow-Methods never reach a preflight (audit 21 case 08, checked with nginx 1.22).
    const ownAnswer = b.addHeaders.length > 0 && b.more.length === 0 && effectiveMore(level).length === 0 && level !== b;
    return sendsAcao(b)
      ? known({ handled: 'explicit', detail: 'an if ($request_method = OPTIONS) block answers preflights', span: s, status: returnCode(b.steps) as number, ...(ownAnswer ? { elsewhere: true } : {}) }, s)
      : known({ handled: 'missing', detail: 'the OPTIONS branch answers without Access-Control-Allow-Origin', span: s }, s);
  }
  // `if ($request_method = OPTIONS) { return 403; }`: every preflight is refused before anything else answers it
  // (audit 12 case 02).
  const refusing = live.find((i) => {
    const code = returnCode(i.steps);
    // (`^(OPTIONS|TRACE|DELETE)$` refuses OPTIONS among others.)
    return i.kind === 'if' && i.d && (isOptionsBranch(parseCondition(i.d), ctx) || methodsOf(parseCondition(i.d))?.has('OPTIONS') === true) && code !== undefined && code >= 400 && !handedOff(code);
  });
  if (refusing && needsPreflight(methods, hdrs) === true) {
    const s = dSpan(refusing.d as Directive);
    const code = returnCode(refusing.steps) as number;
    return known({ handled: 'missing', detail: `the OPTIONS branch answers ${code}: a preflight needs a 2xx status`, span: s, status: code, ...onAnswer(sentBy(refusing), code) }, s);
  }
  const ret = returnCode(serving.steps);
  if (ret !== undefined && ret >= 200 && ret < 300) return known({ handled: 'explicit', detail: `return ${ret} answers every method, OPTIONS included`, status: ret }, span);
  // A location that only redirects or refuses (`return 301 ...`, `deny all;`) serves no API for a preflight to precede.
  if (ret !== undefined) return unknown(`return ${ret} answers every request here`, span);
  if (serving.d?.block?.some((x) => x.name === 'deny' && x.args[0]?.value === 'all')) return unknown('deny all refuses every request here', span);
  if (opaque) return unknown('an include that is not in the repository may answer OPTIONS', span);
  // The access phase runs before any proxy or content handler: a preflight carries no credentials, so
  // auth_basic answers it 401 and `limit_except GET POST { deny all; }` answers it 403.
  const rejecting = accessRejection(serving);
  // An if block that answers (`if ($is_preflight) { ...; return 204; }`) may be the preflight's branch: the
  // rewrite phase runs before the access phase.
  const answeringIf = live.some((i) => i.kind === 'if' && answers(i));
  if (rejecting && !answeringIf && needsPreflight(methods, hdrs) === true) {
    return known({ handled: 'missing', detail: `${rejecting.why}, before anything can answer it (no if ($request_method = OPTIONS) branch returns first)`, span: dSpan(rejecting.d), status: rejecting.status, ...onAnswer(headers, rejecting.status) }, span);
  }
  const pass = level.pass ?? serving.pass;
  if (pass) return unknown(`proxied to ${pass.args[0]?.value ?? 'an upstream'}, which may answer OPTIONS`, dSpan(pass));
  // `if (!-f $request_filename) { proxy_pass ...; }`: requests that pass the test are proxied.
  const passInIf = serving.ifs.find((i) => i.pass)?.pass;
  if (passInIf) return unknown(`proxied to ${passInIf.args[0]?.value ?? 'an upstream'} inside an if block, which may answer OPTIONS`, dSpan(passInIf));
  // (A server's locations do not handle the URIs it serves itself: none of them matches those.)
  if (serving.ifs.some((i) => i.kind === 'limit_except') || (serving.locations.length && serving.kind !== 'server')) return unknown('the location has nested handling', span);
  // An exact location for one static file (`location = /favicon.ico`, an error page's `= /50x.html`): no API
  // request, so no preflight, is ever sent there.
  const exact = serving.kind === 'location' && serving.d ? serving.d.args.map((x) => x.value).join(' ') : '';
  if (/^=\s*\S*\.(ico|txt|html?|png|jpe?g|gif|svg|webp|css|js|map|xml|json|woff2?|ttf|pdf)$/i.test(exact)) return unknown('a location for one static file: no preflight is sent there', span);
  // Static content answers OPTIONS with 405: an error_page only hands that answer on when it lists 405
  // (audit 13 case 05: `error_page 404 =301 /` leaves preflights with the 405).
  const takes405 = (d: Directive) => d.name !== 'error_page' || d.args.some((x) => x.value === '405');
  const handoff = serving.handoff.find(takes405) ?? nearest(serving, 'server')?.handoff.find((d) => d.name === 'error_page' && takes405(d));
  if (handoff) return unknown(`${handoff.name} may hand OPTIONS requests to other handling`, dSpan(handoff));
  const need = needsPreflight(methods, hdrs);
  if (need !== true) return unknown(need === false ? 'only simple requests are allowed, no preflight is expected' : 'the allowed methods/headers are not known', span);
  // The status goes into the model for simulate. try_files `=404` answers a missing file before the static module
  // could say 405 (checked with nginx 1.22): the status is 404 or 405 then, and not known.
  const tries = [serving, ...(server && serving !== server ? [server] : [])].some((l) => l.d?.block?.some((x) => x.name === 'try_files') || l.ifs.some((i) => i.d?.block?.some((x) => x.name === 'try_files')));
  return known({ handled: 'missing', detail: 'no if ($request_method = OPTIONS) branch answers preflights and nothing is proxied: nginx answers OPTIONS with 405', ...(tries ? {} : { status: 405 }), ...onAnswer(headers, 405) }, span);
}

/**
 * Merges policies of locations that share one effective configuration: they inherit their headers from the
 * same level (`owner`), run no rewrite directives of their own (so every variable has the same value), and
 * answer preflights the same way through the same upstream.
 */
function mergePolicies(list: { policy: CorsPolicy; owner?: Level; serving: Level }[]): CorsPolicy[] {
  const groups = new Map<Level, Map<string, CorsPolicy>>();
  const out: CorsPolicy[] = [];
  for (const { policy, owner, serving } of list) {
    if (!owner || owner === serving || serving.steps.length > 0 || serving.ifs.length > 0) {
      out.push(policy);
      continue;
    }
    const own = policy.span;
    const self = (v: Span | undefined) => (v && v.file === own.file && v.start === own.start && v.end === own.end ? 'SELF' : v);
    const pf = policy.preflight;
    const key = JSON.stringify([
      pf.known ? [pf.value.handled, pf.value.detail, self(pf.value.span)] : [pf.reason, self(pf.span)],
      policy.upstream ? [policy.upstream.label, policy.upstream.hidesOrigin, policy.upstream.path ?? null] : null,
      policy.varyOrigin.known ? policy.varyOrigin.value : policy.varyOrigin.reason,
      // (The preflights' view of a level is not merged with the actual requests' view of another.)
      policy.scope.methods ?? null,
      policy.fallback?.label ?? null,
    ]);
    let byKey = groups.get(owner);
    if (!byKey) groups.set(owner, (byKey = new Map()));
    const first = byKey.get(key);
    if (!first) {
      byKey.set(key, policy);
      out.push(policy);
      continue;
    }
    const s = first.scope;
    s.label = `${s.label}; ${policy.scope.label}`;
    if (policy.scope.paths) (s.paths ??= []).push(...policy.scope.paths);
    if (owner.d) {
      first.span = dSpan(owner.d);
      first.id = `${first.span.file}#${first.span.start}`;
      if (owner.kind === 'server') s.level = 'server';
      else if (owner.kind === 'http') s.level = 'http';
    }
  }
  return out;
}

function collectIncludes(list: Directive[], out: Directive[]): void {
  for (const d of list) {
    if (d.name === 'include' && !d.block) out.push(d);
    if (d.block && !d.opaqueBody) collectIncludes(d.block, out);
  }
}

/** Extracts policies from already loaded root files (exported for tests and the benchmark). */
export function extractNginx(files: SourceFile[], host: ProjectHost): ExtractResult {
  const result: ExtractResult = { policies: [], apps: [], parseErrors: [] };
  const loaded = new Map<string, LoadedFile>();
  for (const f of files) {
    const lf = loadFile(host, f.path, f);
    if (lf) loaded.set(f.path, lf);
  }
  // An http-level CORS add_header at the top of a conf.d file reaches the servers of its siblings, which need not
  // mention CORS themselves (see siblingsOf below): they are analysed too.
  for (const lf of [...loaded.values()]) {
    const slash = lf.path.lastIndexOf('/');
    const dir = slash < 0 ? '' : lf.path.slice(0, slash);
    if (!SHARED_HTTP_DIR.test(dir) || lf.directives.some((d) => d.name === 'server')) continue;
    if (!lf.directives.some((d) => d.name === 'add_header' && isCorsHeader((d.args[0]?.value ?? '').toLowerCase()))) continue;
    for (const name of host.listDir(dir)) {
      const p = `${dir}/${name}`;
      if (loaded.has(p) || (dir.endsWith('conf.d') && !name.endsWith('.conf'))) continue;
      const sib = loadFile(host, p);
      if (sib && sib.directives.some((d) => d.name === 'server')) loaded.set(p, sib);
    }
  }
  // Roots: files no other candidate includes.
  const included = new Set<string>();
  for (const lf of loaded.values()) {
    const incs: Directive[] = [];
    collectIncludes(lf.directives, incs);
    for (const d of incs) {
      const arg = d.args[0];
      if (!arg) continue;
      for (const f of resolveInclude(host, arg.value, lf.path, lf.path).files) if (f !== lf.path) included.add(f);
    }
  }
  let roots = [...loaded.values()].filter((lf) => !included.has(lf.path));
  // sites-enabled entries are usually copies (or symlinks) of sites-available ones.
  // Compared without comments and blank space, so a copy with different comments still counts.
  const norm = (t: string) => t.replace(/#.*$/gm, '').replace(/\s+/g, ' ').trim();
  const texts = new Set(roots.filter((r) => /(^|\/)sites-available\//.test(r.path)).map((r) => norm(r.text)));
  const copies = new Set(roots.filter((r) => /(^|\/)sites-enabled\//.test(r.path) && texts.has(norm(r.text))).map((r) => r.path));
  roots = roots.filter((r) => !copies.has(r.path));

  const reported = new Set<string>();
  const reportErrors = (lf: LoadedFile) => {
    if (reported.has(lf.path)) return;
    reported.add(lf.path);
    for (const e of lf.errors) result.parseErrors.push({ file: lf.path, start: e.start, end: e.end, message: e.message });
  };
  const reached = new Set<string>(copies);
  const problemKeys = new Set<string>();
  // conf.d/*.conf (the docker image layout) and sites-enabled/* are included together into one http block by
  // the stock nginx.conf, which is often not in the repository: a map in one of them is defined for all, and an
  // add_header at the top of one (outside any server) is an http-level header every server inherits.
  const sharedHttp = new Map<string, { maps: Map<string, MapDef>; headers: HeaderDirective[] }>();
  const siblingsOf = (root: LoadedFile): { maps?: Map<string, MapDef>; headers: HeaderDirective[] } => {
    const slash = root.path.lastIndexOf('/');
    const dir = slash < 0 ? '' : root.path.slice(0, slash);
    if (!SHARED_HTTP_DIR.test(dir)) return { headers: [] };
    let shared = sharedHttp.get(dir);
    if (!shared) {
      shared = { maps: new Map(), headers: [] };
      for (const name of host.listDir(dir)) {
        const p = `${dir}/${name}`;
        if ((dir.endsWith('conf.d') && !name.endsWith('.conf')) || included.has(p)) continue;
        const lf = loadFile(host, p);
        if (!lf || !lf.directives.some((d) => d.name === 'map' || d.name === 'add_header')) continue;
        const t = buildTree(host, lf);
        for (const [k, v] of t.maps) shared.maps.set(k, v);
        if (t.root.kind === 'http') shared.headers.push(...t.root.addHeaders);
      }
      sharedHttp.set(dir, shared);
    }
    const maps = new Map([...shared.maps].filter(([, m]) => m.d.file !== root.path));
    return { ...(maps.size ? { maps } : {}), headers: shared.headers.filter((h) => h.d.file !== root.path) };
  };
  const serverDirs = new Set([...loaded.values()].filter((lf) => lf.directives.some((d) => d.name === 'server')).map((lf) => lf.path.slice(0, Math.max(0, lf.path.lastIndexOf('/')))));
  const httpLevelAlone = (tree: Tree, path: string) => {
    const r = tree.root;
    if (r.kind !== 'http' || r.servers.length || r.locations.length || !r.addHeaders.some((h) => isCorsHeader(h.name))) return false;
    // `set`, `if`, `return` are not allowed at http level: such a file is a fragment meant for elsewhere.
    if (r.steps.length || r.ifs.length) return false;
    const dir = path.slice(0, Math.max(0, path.lastIndexOf('/')));
    return !(SHARED_HTTP_DIR.test(dir) && serverDirs.has(dir));
  };
  const runTree = (root: LoadedFile) => {
    reportErrors(root);
    const siblings = siblingsOf(root);
    const tree = buildTree(host, root, siblings.maps);
    // Same http block: the siblings' http-level add_header directives and this file's own are one list.
    if (siblings.headers.length && tree.root.kind === 'http') tree.root.addHeaders = [...siblings.headers, ...tree.root.addHeaders];
    for (const f of tree.files) {
      reached.add(f);
      const lf = loadFile(host, f);
      if (lf) reportErrors(lf);
    }
    for (const p of tree.problems) {
      const k = `${p.file}|${p.start}|${p.message}`;
      if (problemKeys.has(k)) continue;
      problemKeys.add(k);
      if (!p.message.startsWith('include cycle') && !p.message.startsWith('includes nested') && !p.message.includes('directive is not allowed here')) continue;
      result.parseErrors.push(p);
    }
    const textOf = (file: string) => loadFile(host, file)?.text;
    const built: { policy: CorsPolicy; owner?: Level; serving: Level }[] = [];
    const servings = servingLevels(tree.root);
    // An http-level file (a map and the add_header that uses it) with no server of the repository to inherit its
    // headers: the servers are in a configuration the repository does not hold, so the file is judged on its own,
    // like a snippet (audit 17 case 08).
    if (httpLevelAlone(tree, root.path)) servings.push(tree.root);
    for (const serving of servings) {
      // A location whose every request is rewritten elsewhere (`rewrite ^/v1/(.*)$ /$1 last;`) answers none:
      // its own add_header never reaches a response (the target location's configuration applies).
      // A named location nothing names (`location @cors { ... }` without `error_page`/`try_files ... @cors`)
      // answers no request at all (audit-15 nginx case 03).
      if (unreferencedNamedLocation(tree, serving, textOf)) continue;
      // A regex location after one that matches every URI it matches is never chosen (case 06), nor is a prefix
      // location whose every URI a regex sibling matches (audit 36 nginx D2).
      if (shadowedRegexLocation(serving) || shadowedPrefixLocation(serving)) continue;
      const units: Unit[] = movesEveryRequest(serving) ? [] : requestViews(tree, serving).map((view) => ({ serving, level: serving, ...(view ? { view } : {}) }));
      for (const i of serving.ifs) {
        if (!(i.addHeaders.length || i.more.length) || neverHolds(i, serving, tree) || stoppedBefore(i, serving)) continue;
        // An OPTIONS branch answers preflights only: its values are the preflights' (requestViews).
        const preflightOnly = isOptionsBranch(parseCondition(i.d as Directive), { tree, steps: stepsFor(serving), envTemplate: i.envTemplate, serving });
        units.push({ serving, level: i, ...(preflightOnly ? { view: 'preflight' as const } : {}) });
      }
      for (const u of units) {
        const p = buildPolicy(tree, u, textOf);
        if (p) built.push({ policy: p, owner: u.level === u.serving ? effectiveAddHeaders(u.level).owner : undefined, serving: u.serving });
      }
    }
    result.policies.push(...mergePolicies(built));
  };
  // A site file that a root already pulled in (nginx.conf: `include sites-enabled/*;`) has a twin in the other
  // sites-* directory (a symlink or a copy): analysing the twin again would report everything twice.
  const SITES = /(^|\/)sites-(available|enabled)\//;
  const reachedSites = new Set<string>();
  roots.sort((a, b) => Number(SITES.test(a.path)) - Number(SITES.test(b.path)));
  for (const r of roots) {
    if (SITES.test(r.path) && reachedSites.has(norm(r.text))) {
      reached.add(r.path);
      continue;
    }
    runTree(r);
    for (const f of reached) {
      // The copies were set aside unanalysed: their twins in sites-available are still to run.
      if (!SITES.test(f) || copies.has(f)) continue;
      const lf = loadFile(host, f);
      if (lf) reachedSites.add(norm(lf.text));
    }
  }
  // Files in include cycles that no root reaches.
  for (const lf of loaded.values()) if (!reached.has(lf.path)) runTree(lf);
  return result;
}

export const nginxExtractor: Extractor = {
  name: 'nginx',
  kinds: ['nginx'],
  accepts: acceptsNginx,
  mayAccept: mayAcceptNginx,
  prefilter: nginxPrefilter,
  extract: extractNginx,
  link: linkNginx,
};

/**
 * A `location @name` that no directive of its configuration names: only `error_page`, `try_files` and the like
 * reach a named location, so it answers nothing. Decided on the text of the configuration's files (a mention in a
 * comment keeps it); never for a server body or snippet analysed on its own, whose includer may name it.
 */
function unreferencedNamedLocation(tree: Tree, l: Level, textOf: (file: string) => string | undefined): boolean {
  const name = l.kind === 'location' ? l.d?.args[0]?.value : undefined;
  // Named locations belong to a server: only a tree that holds its server block holds every mention.
  if (!name?.startsWith('@') || name.length < 2 || (tree.root.kind !== 'main' && tree.root.kind !== 'http')) return false;
  const mention = new RegExp(`${escapeRegex(name)}(?![\\w-])`, 'g');
  let mentions = 0;
  for (const f of tree.files) mentions += textOf(f)?.match(mention)?.length ?? 0;
  return mentions <= 1;
}

/** The URI pattern of a regex location (`location ~ re` / `location ~* re`) as a PCRE search. */
function locationPattern(l: Level): OriginEntry | undefined {
  const [mod, re] = l.kind === 'location' ? (l.d?.args ?? []) : [];
  if (!l.d || !re || (mod?.value !== '~' && mod?.value !== '~*')) return undefined;
  return { type: 'regex', pattern: re.value, flags: mod.value === '~*' ? 'i' : '', flavor: 'pcre', mode: 'search', span: dSpan(l.d) };
}

/**
 * nginx checks the regex locations of a level in the order they appear and takes the first that matches (the
 * `location` directive's documentation; checked on nginx 1.22, audit 15): one whose every URI an earlier sibling
 * matches too is never chosen. A pattern that cannot be analysed shadows nothing.
 */
function shadowedRegexLocation(l: Level): boolean {
  const mine = locationPattern(l);
  const siblings = l.parent?.locations ?? [];
  if (!mine) return false;
  for (const s of siblings) {
    if (s === l) return false;
    const theirs = locationPattern(s);
    if (theirs && patternIncludes(theirs, mine) === true) return true;
  }
  return false;
}

/**
 * A plain prefix location (`location /data/`, neither `=` nor `^~`) is used only when no regex location of its level
 * matches the URI: nginx looks for the longest prefix first, then runs the regex locations in order, and the first
 * that matches wins (the `location` directive's documentation, ngx_http_core_find_location; checked on nginx 1.22,
 * audit 36 nginx D2: `location /data/` next to `location ~ ^/(css|js|data)/` answered no request, the regex location
 * answered them all). When one regex sibling matches every URI that starts with the prefix, the prefix location's own
 * configuration never answers a request. Its nested locations are not judged here (a nested regex location is tried
 * before its parent's level's regexes). The URI is compared case-sensitively, as nginx does on Linux; a pattern that
 * cannot be analysed shadows nothing.
 */
function shadowedPrefixLocation(l: Level): boolean {
  const a = l.kind === 'location' && l.d ? l.d.args.map((x) => x.value) : [];
  const prefix = a.length === 1 ? a[0] : undefined;
  if (!l.d || prefix === undefined || !prefix.startsWith('/')) return false;
  const mine: OriginEntry = { type: 'regex', pattern: `^${escapeRegex(prefix)}`, flags: '', flavor: 'pcre', mode: 'search', span: dSpan(l.d) };
  return (l.parent?.locations ?? []).some((s) => {
    const theirs = s === l ? undefined : locationPattern(s);
    return !!theirs && patternIncludes(theirs, mine) === true;
  });
}
