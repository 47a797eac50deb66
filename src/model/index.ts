/**
 * The shared model of cors-lint: the CORS policy a browser observes, independent of the framework that
 * produced it. Extractors (src/extractors/*) fill it in; rules (rules/*) read it; nothing else.
 *
 * Principles (see shared design.md):
 * - Every fact carries the span of the code that set it, so a diagnostic can point at the cause.
 * - Unknown is explicit (`Valued` with `known: false`). Rules never fire on unknown values.
 * - Framework semantics live in the extractor: a Starlette `allow_origins=["*"]` with credentials is
 *   modelled as `reflect-any` here, not as a wildcard, because that is what Starlette sends.
 */

export type SourceKind = 'express' | 'fastapi' | 'flask' | 'nginx';

/** A half-open range of UTF-16 offsets in one file. `file` is the path relative to the lint root (POSIX). */
export interface Span {
  file: string;
  start: number;
  end: number;
}

export type Valued<T> =
  | { known: true; value: T; span: Span; /** how the value was obtained, e.g. "default of $ORIGIN when unset" */ via?: string }
  | { known: false; reason: string; span: Span };

/**
 * The `via` of a `varyOrigin` that is false because Vary: Origin goes out only with the allowed origins' headers
 * (inside the branch that checks the Origin): the responses without them lack it.
 */
export const VARY_ONLY_WHEN_ALLOWED = 'sent only on the responses to allowed origins';

/**
 * The `via` of a `varyOrigin` that is false for one static origin (flask-cors `vary_header=False` with one origin,
 * possibly listed twice): what is sent is that of a single-origin configuration, which the library sends without
 * Vary whatever vary_header says (cors-semantics §3.3, §5.7).
 */
export const VARY_SINGLE_STATIC_ORIGIN = 'not sent for a single static origin';

/** Whether a Vary header value keys caches on the Origin (`Origin` among its names, or `*`). */
export function varyNamesOrigin(value: string): boolean {
  return /(^|,)\s*(origin|\*)\s*(,|$)/i.test(value);
}

export function known<T>(value: T, span: Span, via?: string): Valued<T> {
  return via === undefined ? { known: true, value, span } : { known: true, value, span, via };
}

export function unknown<T>(reason: string, span: Span): Valued<T> {
  return { known: false, reason, span };
}

// ─── Origins ──────────────────────────────────────────────────────────────────────────────────────

/** The regex dialect a pattern is written in. */
export type RegexFlavor = 'js' | 'python' | 'pcre' | 'go';

/**
 * How the engine applies a pattern to the Origin string.
 * - `search`: anywhere in the string (JS `test()`, PCRE `~`, Go `MatchString`)
 * - `match`: anchored at the start only (Python `re.match`)
 * - `fullmatch`: the whole string (Python `re.fullmatch`)
 */
export type MatchMode = 'search' | 'match' | 'fullmatch';

/** One string test applied to the request origin (or a part of it) by hand-written code. */
export interface StringTest {
  op: 'equals' | 'startsWith' | 'endsWith' | 'includes';
  /** What is tested: the full serialized origin, or the hostname / host (hostname:port) parsed from it. */
  on: 'origin' | 'hostname' | 'host' | 'protocol';
  value: string;
  caseInsensitive: boolean;
  span: Span;
}

export type OriginEntry =
  /**
   * Compared for equality with the serialized request origin. `textSpan`, when present, is exactly the source
   * characters of `value` (written verbatim, no escapes), so a fix can edit the value in place.
   */
  | {
      type: 'literal';
      value: string;
      caseInsensitive: boolean;
      span: Span;
      textSpan?: Span;
      /** How the value sent differs from the text written (`pydantic 2 URL type: str() adds a trailing slash`). */
      changedBy?: string;
      /** Its own provenance, as a regex entry's `via` (`default of $EXTRA_ORIGIN when unset` in a list of literals). */
      via?: string;
    }
  /** A regular expression with its dialect and matching mode. */
  /** `textSpan`, when present, is exactly the source characters of `pattern` (for suggestions that edit it). */
  /**
   * `via`, when present, is this entry's own provenance where it does not come from the value the policy's origin
   * `via` describes ('' when written literally): Starlette's `allow_origin_regex` beside an `allow_origins` read from
   * the environment; a flask-cors `origins` item with its own note in a list whose items do not share one. Where the
   * entry accepts every origin, normalizeOrigins describes the reflection with it.
   */
  | { type: 'regex'; pattern: string; flags: string; flavor: RegexFlavor; mode: MatchMode; span: Span; textSpan?: Span; via?: string }
  /**
   * A conjunction of string tests (all must hold), from origin callbacks and hand-written middleware. `via`: the
   * provenance of a compared value, as a regex entry's (`origin.startsWith(process.env.X || 'https://a.example')`).
   */
  | { type: 'tests'; all: StringTest[]; span: Span; via?: string }
  /** `origin in "<haystack>"`: a string used where a list was meant (Starlette `allow_origins="..."`). */
  | { type: 'substring'; haystack: string; span: Span };

/** What `Access-Control-Allow-Origin` the policy sends, as a function of the request's Origin. */
export type OriginPolicy =
  /** No ACAO is ever sent (CORS disabled, e.g. cors `origin: false` / `origin: undefined`). */
  | { kind: 'none' }
  /**
   * A literal `*`. `onlyWithOrigin`: sent only to requests that carry an Origin; a request without one gets no
   * Access-Control-Allow-Origin (an nginx map whose value is empty for an empty `$http_origin` and `*` otherwise).
   * The responses then differ with the Origin, and a cache needs Vary: Origin (cors-semantics.md §5.7).
   */
  | { kind: 'wildcard'; onlyWithOrigin?: true }
  /** The request Origin is echoed back whatever it is (including `null`). */
  | {
      kind: 'reflect-any';
      /**
       * Set when the echoed value is a request parameter the requester chooses (query string, body) rather than
       * the Origin header (every site can still name itself), but the response varies with the URL, not the Origin.
       */
      from?: 'request-parameter';
      /** Other places that echo it, when several do (each branch of a hand-written middleware): fixing one leaves the rest. */
      sites?: Span[];
      /**
       * Set when an allow-list entry (a pattern) accepts every origin (`allow_origin_regex=".*"`): the server still
       * compares each origin, so what a framework does for a literal `*` setting (Starlette's allow_all_origins,
       * cors-semantics.md §2) does not apply.
       */
      byPattern?: true;
    }
  /** The same string whatever the request Origin (cors `origin: 'https://a.com'`, nginx literal). */
  | { kind: 'fixed'; value: string }
  /**
   * The request Origin is echoed back when it matches one entry. `unknownEntries` are entries whose value
   * cannot be known statically: the known entries can still be judged on their own.
   */
  | {
      kind: 'allow-list';
      entries: OriginEntry[];
      unknownEntries: Span[];
      /** As for reflect-any: the value checked and echoed is a request parameter (`req.query.origin`), not the Origin. */
      from?: 'request-parameter';
      /**
       * What a refused origin gets, when the framework differs from "no ACAO, other CORS headers still sent":
       * `no-cors` = no CORS header at all and the request goes on as if CORS were off (cors origin callback
       * answering false, flask-cors). `error` = the request fails there (a cors origin callback that answers
       * `callback(new Error(...))`: Express's error handler sends a 500 without CORS headers, and the middleware and
       * routes after it never see a refused origin). `wildcard` = a refused origin (and a request without one)
       * gets `*` (an nginx map whose default is "*"): every site reads what needs no credentials. Absent: the
       * framework's usual behaviour.
       */
      onRefused?: 'omit-acao' | 'no-cors' | 'error' | 'wildcard';
      /**
       * A fixed value sent instead of the Origin when the check fails (`allowed ? origin : 'null'`), to refused
       * origins and to requests without one. The origin equal to it can read too, so it is also among `entries`.
       */
      refusedValue?: string;
      /**
       * Some unknown entries are checks of hand-written code the analysis could not read (`PATTERNS.some((p) =>
       * p.test(origin))`), not list items: such a check may give the known entries a meaning of its own (a `*`
       * entry turned into a pattern).
       */
      opaqueChecks?: boolean;
    };

// ─── Methods and headers ──────────────────────────────────────────────────────────────────────────

export interface Token {
  value: string;
  span: Span;
}

/** The value of a token-list header (Allow-Methods, Allow-Headers, Expose-Headers). */
export type TokenList =
  /** Exactly these tokens are sent (and, for server-side checking frameworks, accepted). */
  | {
      kind: 'list';
      items: Token[];
      /**
       * The server itself rejects a preflight whose requested method (or header) is not in the list, comparing
       * case-sensitively (Starlette answers 400, §2.2), so the list matters for every preflighted request.
       */
      serverChecked?: boolean;
    }
  /** A literal `*` is sent. */
  | { kind: 'wildcard' }
  /** The requested values are echoed back (cors unset `allowedHeaders`, Starlette/flask-cors `["*"]`). */
  | { kind: 'echo' }
  /** The header is not sent. */
  | { kind: 'none' };

// ─── Raw header writes ────────────────────────────────────────────────────────────────────────────

/**
 * One place that writes a response header by hand (Express `res.set`, Flask `headers[...] =`, nginx
 * `add_header`). Framework middleware that builds headers itself has none: its semantics are in the fields.
 */
export interface HeaderWrite {
  /** Lower-case header name. */
  name: string;
  /** The header value when it is a known string; unknown for request-dependent values. */
  value: Valued<string>;
  /** `set` replaces an earlier value; `append` adds a second header line. */
  op: 'set' | 'append';
  /** `success`: only 2xx/3xx responses (nginx without `always`); `all`: every status. */
  statuses: 'all' | 'success';
  /** The whole statement. */
  span: Span;
  /** True when the value is a list that becomes several header lines (Express `res.set(name, [a, b])`). */
  multiple?: boolean;
  /**
   * For a write limited to successful responses: the edit, in the source's own syntax, that makes it apply to
   * every status (nginx: insert ` always` after the value). The extractor knows the syntax; a rule may offer it.
   */
  allStatusesEdit?: { span: Span; text: string };
  /**
   * Written under the same origin checks as Access-Control-Allow-Origin (`if origin in ALLOWED:` around both, or
   * after `if origin not in ALLOWED: return`): sent exactly when Access-Control-Allow-Origin is.
   */
  whenOriginAllowed?: boolean;
  /**
   * Written only for requests without an Origin header (`else:` of `if origin:`): never on a CORS response, so it
   * says nothing about the policy; a simulated request without an Origin gets it.
   */
  onlyWithoutOrigin?: boolean;
  /** Written only for requests that carry an Origin header (`if (req.headers.origin) { … }`). */
  onlyWithOrigin?: boolean;
  /** Written only when the request is an OPTIONS one (`if request.method == "OPTIONS":`): on preflight answers only. */
  onlyOnPreflight?: boolean;
  /**
   * Never made for an OPTIONS request (`if request.method != "OPTIONS":`, or after `if request.method == "OPTIONS":
   * return ...`): not on preflight answers, so Allow-Methods / Allow-Headers / Max-Age written so never decide one.
   */
  notOnPreflight?: boolean;
  /**
   * The write's conditions on the Origin, when they are all exact comparisons with known origins (`if (origin ===
   * 'https://a.example') { … } else { … }`): made only when the Origin is one of `in` (when given) and none of `notIn`.
   */
  origins?: { in?: string[]; notIn: string[] };
}

// ─── Scope, preflight, coverage ───────────────────────────────────────────────────────────────────

export interface Scope {
  /** `app`: every request of the app; `router`: a mounted router; `route`: listed paths/methods; `location`: an nginx location or `if`. */
  level: 'app' | 'router' | 'route' | 'location' | 'server' | 'http';
  /** Paths (framework syntax) this policy applies to, when restricted. */
  paths?: string[];
  /** HTTP methods this policy applies to, when restricted (upper-case). */
  methods?: string[];
  /** Human label: "app", "route GET /api/x", "location /api". */
  label: string;
  /** The policy's headers reach error responses only (an exception handler's), never successful ones. */
  errorsOnly?: boolean;
  /** `paths` are exactly the routes covered (a decorated view's own routes), not prefixes of them. */
  exact?: boolean;
  /**
   * Routes left out of the scope (NestJS `consumer.apply(X).exclude(...)`): the policy never runs for a request whose
   * path matches one of these exactly (framework syntax), with one of `methods` (every method when absent).
   */
  except?: { path: string; methods?: string[] }[];
  /**
   * The paths match no route of the app, and the app's routes are all known (a flask-cors resource keyed by a
   * literal path that no route serves): the policy's headers only ever go on that path's 404 page, which carries
   * no data. The policy stays in the model (what is sent is still predicted) but is not judged by the rules.
   */
  reachesNoRoute?: boolean;
  /**
   * A flask-cors `resources` entry (§3.4): `paths` (when present) are its keys, matched against the request path
   * as flask-cors does (re.match for a key with regex characters, equality otherwise), and `before` are the keys
   * of the same call that flask-cors tries first (its sort: literal keys first, then more `/` and longer first);
   * the first key that matches a path gives its options. null: a key that is not known (it may match any path).
   */
  flaskResource?: { before: (string | null)[] };
}

export interface PreflightHandling {
  /**
   * - `automatic`: the middleware answers OPTIONS preflights itself (app-wide cors(), CORSMiddleware, flask-cors).
   * - `explicit`: an OPTIONS route / nginx `if ($request_method = OPTIONS)` answers with CORS headers.
   * - `router-auto`: the framework answers OPTIONS automatically and keeps headers already set (Express hand-written
   *   middleware before the router's OPTIONS responder; Flask automatic OPTIONS + after_request).
   * - `missing`: nothing answers a preflight with CORS headers.
   */
  handled: 'automatic' | 'explicit' | 'router-auto' | 'missing';
  /** Where the preflight answer comes from, or why it is missing. */
  detail?: string;
  span?: Span;
  /**
   * The status of the preflight answer when the policy answers it itself and the code says which
   * (cors `optionsSuccessStatus`, nginx `return 204`, `res.sendStatus(200)`). Absent: the framework default.
   */
  status?: number;
  /**
   * Another policy answers the preflights this one would see, before its headers are set (a hand-written
   * middleware after an app-wide cors()): its Allow-Methods/Allow-Headers never reach a preflight.
   */
  elsewhere?: boolean;
  /**
   * With `missing`: the answer the preflight gets (the router's 405) does carry this policy's headers (a middleware
   * that writes them on every response); it fails for its status, not for missing headers (§5.4).
   */
  headersOnAnswer?: boolean;
}

/** Which responses carry the CORS headers. */
export interface ErrorCoverage {
  /**
   * - `all`: every status, unhandled errors included.
   * - `success-only`: only 2xx/3xx (nginx without `always`).
   * - `not-unhandled`: handled responses yes, unhandled exceptions (500) no (Starlette add_middleware).
   * - `except-statuses`: every status but `statuses` (nginx `error_page` answering them from a location that
   *   sends no CORS headers).
   */
  covers: 'all' | 'success-only' | 'not-unhandled' | 'except-statuses';
  /** With `except-statuses`: the statuses answered without the headers. */
  statuses?: number[];
  detail?: string;
}

/** Something that runs before the CORS code and can answer the request first. */
export interface ShadowingStep {
  kind: 'route' | 'auth' | 'middleware' | 'after-request';
  span: Span;
  label: string;
  /** What happens to CORS because of it. */
  effect: string;
  /** How to make CORS run first here, when the mechanism's usual advice does not apply. */
  fix?: string;
}

// ─── Policy and app ───────────────────────────────────────────────────────────────────────────────

export type Mechanism =
  | 'cors-package'
  /** graphql-yoga's own CORS plugin (`createYoga({ cors })`), mounted on Express or served by node:http. */
  | 'graphql-yoga'
  | 'express-manual'
  | 'starlette-middleware'
  | 'fastapi-manual'
  | 'flask-cors'
  | 'flask-manual'
  | 'nginx';

export interface CorsPolicy {
  /** Stable within one lint run: `<file>#<offset>`. */
  id: string;
  kind: SourceKind;
  mechanism: Mechanism;
  /** `app`: the application itself; `proxy`: a reverse proxy in front of it. */
  layer: 'app' | 'proxy';
  /** The construct that creates the policy (the `cors()` call, the `add_middleware` call, the nginx block). */
  span: Span;
  scope: Scope;
  /** The app this policy belongs to (see ProjectModel.apps). */
  appId?: string;
  /**
   * Where the policy runs among the policies of its app that also carry one, when the source order does not say it
   * (NestJS: GraphQLModule's cors is added at init(), after main.ts's enableCors, from another file).
   */
  runOrder?: number;

  origin: Valued<OriginPolicy>;
  /** Whether `Access-Control-Allow-Credentials: true` is sent (exactly `true`). */
  credentials: Valued<boolean>;
  allowMethods: Valued<TokenList>;
  allowHeaders: Valued<TokenList>;
  exposeHeaders: Valued<TokenList>;
  /** The raw Access-Control-Max-Age value, or null when none is sent. */
  maxAge: Valued<string | null>;
  /** Whether `Vary: Origin` is sent on responses whose ACAO depends on the request Origin. */
  varyOrigin: Valued<boolean>;
  preflight: Valued<PreflightHandling>;
  errorCoverage: Valued<ErrorCoverage>;
  /** Whether `Access-Control-Allow-Private-Network: true` is sent to any origin that asks. */
  privateNetwork: Valued<boolean>;
  /** Hand-written header writes that make up this policy (empty for framework middleware). */
  headerWrites: HeaderWrite[];
  /** Steps that run before this policy and answer some requests without it. */
  shadowedBy: ShadowingStep[];
  /**
   * A policy whose `Access-Control-Allow-Origin` another layer always decides (`origin` is then `none`): the origins
   * it would send, which still decide the rest of its answer. flask-cors pre-empted by an after_request hook (its
   * exception wrapper still runs first on routing errors, cors-semantics.md §3.4); CORSMiddleware inside an HTTP
   * middleware that overwrites the header (§2.3); a hand-written middleware inside CORSMiddleware(allow_origins=["*"]),
   * or before an Express cors() that sets its own origin on every response (§1.2). For simulation and preflight
   * coverage only; rules judge `origin`. Also a Flask view whose every Access-Control-Allow-Origin gets a second line
   * from an after_request hook that adds one to every response (`appendsOnto` of the hook): the browser rejects each
   * of its answers, whatever origins the view would allow.
   */
  preemptedOrigin?: Valued<OriginPolicy>;
  /**
   * Responses on which this policy's Access-Control-Allow-Origin, added as one more header line (Werkzeug
   * `headers.add`) for every request, comes on top of a line another step of the same app has already put there: a
   * Flask view's own (the after_request hooks run on the response the view returns), flask-cors's on the routing
   * errors (404, 405) that its exception handling answers before the hooks run (cors-semantics.md §3.4). Those
   * responses carry two values, and the browser rejects them. `at`: this policy's write; `span`: the other one;
   * `label`: the responses that get both; `errorsOnly`: those are error responses only (no data is lost, but the
   * caller sees a CORS failure instead of the status).
   */
  appendsOnto?: { at: Span; span: Span; label: string; errorsOnly?: true }[];
  /**
   * The CORS library refuses this configuration, so none of its headers is ever sent (`origin` is then `none`):
   * flask-cors raises ValueError for a '*' origin with send_wildcard and supports_credentials (cors-semantics.md §3.3),
   * when `CORS(app)` runs (the app does not start) or, for `@cross_origin`, on every request to the view. `span` is
   * the setting that makes it fail; `detail` says what fails and when.
   */
  configError?: { span: Span; detail: string };
  /**
   * The policy is registered only when a condition the model cannot decide holds (`if (process.env.ENABLE_CORS)`,
   * `if settings.USE_CORS:`, `if (!isProd)`): it may be absent at run time. `span` is the condition, `text` its source.
   * Single-layer rules judge the policy as written (what it sends when it is on, said in their message); rules that
   * claim what the deployed whole sends (a second Access-Control-Allow-Origin behind a proxy) skip it, and the
   * simulator says the answer is not known. A condition known to be false removes the policy instead.
   * `onRequest`: the condition is tested on each request by the code that runs the CORS middleware (`if
   * (req.method === 'GET') return cors(opts)(req, res, next)`), so the policy is what the requests meeting it get.
   */
  condition?: { span: Span; text: string; onRequest?: true };
  /**
   * The policy is that of an HTTP endpoint a library serves on the app's server, not of the app's own routes
   * (Socket.IO's engine.io endpoint, which runs the cors package with the server's `cors` option): `label` names it,
   * `note` says where the headers come from, and every finding on the policy says so.
   */
  endpoint?: { label: string; note: string };
  /** For a proxy layer: the app it forwards to, when it is in the same repository. */
  upstream?: {
    appId?: string;
    span: Span;
    label: string;
    hidesOrigin: boolean;
    /**
     * Whether the upstream's Access-Control-Allow-Credentials is kept from the browser (`proxy_hide_header`, a
     * headers-more clear or set). Hiding only the upstream's ACAO while adding `*` lets the app's credentials through.
     */
    hidesCredentials?: boolean;
    /** The directive that hides an upstream header for this level's module (`proxy_hide_header`, `uwsgi_hide_header`). */
    hideDirective?: string;
    /** An outer `*_hide_header Access-Control-Allow-Origin` (hide) that this level's own hide list (by) replaces. */
    hideLost?: { hide: Span; by: Span };
    /** The path the app sees for the proxied requests starts with `value` (is exactly it when `exact`), when known. */
    path?: { value: string; exact: boolean };
  };
  /**
   * nginx: CORS headers set at an enclosing level (or in an earlier `if`) that do not reach the responses of
   * this policy's scope, because this level defines its own headers (`add_header` inheritance, cors-semantics.md
   * §4.2/§4.3). Absent or empty when nothing is dropped.
   */
  droppedInherited?: DroppedHeader[];
  /**
   * nginx: `try_files $uri /health.php` (or `... @backend`) hands a request for a missing file to another location
   * (an internal redirect), whose own headers then apply instead of this level's (§4.2: headers belong to the level
   * that answers). Set when the model cannot tell that every location a request may end in sends as many
   * Access-Control-Allow-Origin lines as this level: the header writes here reach only the responses for files that
   * exist, which cannot be known statically. `span` is the try_files, `label` where it leads.
   */
  fallback?: { span: Span; label: string };
}

/** A CORS header that an enclosing level sets but that a nested level silently drops (nginx). */
export interface DroppedHeader {
  /** Lower-case header name. */
  header: string;
  /** The statement that sets the dropped header (at the enclosing level or in the earlier `if`). */
  span: Span;
  /**
   * The statement that causes the drop: the first header directive of the level that defines its own, or the
   * head of a later `if` block that has none (it then inherits the location's headers, not the earlier block's).
   */
  droppedBy: Span;
  /** `redefined`: the level defines its own headers; `later-if`: a later matching `if` block's headers replace these. */
  reason: 'redefined' | 'later-if';
  /** Human label of the level that drops, e.g. "location /api". */
  droppedAt: string;
}

export interface Route {
  methods: string[];
  path: string;
  span: Span;
  /** Why the path cannot work with this framework version (Express 5 `'*'`). */
  pathError?: string;
  /** The route reads a JSON body (so cross-origin callers send `Content-Type: application/json`). */
  jsonBody?: boolean;
  /**
   * A middleware mounted on `path` (methods `['USE']`) that answers every request under it, with a status the model
   * does not know (json-server's router: its resources, 404 for the rest). Names what answers.
   */
  answersAll?: string;
  /** The whole registration, handlers included (Express): what a request of this route runs. */
  range?: Span;
}

export interface HeaderRead {
  /** Lower-case header name the app requires from clients. */
  name: string;
  span: Span;
}

export interface AppModel {
  id: string;
  kind: SourceKind;
  /** The `express()` / `FastAPI()` / `Flask()` call, or the nginx `server` block. */
  span: Span;
  label: string;
  /** Framework and version as read from the project's manifests. */
  framework?: { name: string; version?: string; span?: Span };
  routes: Route[];
  /** Request headers the app requires (Authorization for bearer auth, custom API keys...). */
  readsHeaders: HeaderRead[];
  /** For nginx servers: the ports they listen on; for apps: the ports they bind, when known. */
  ports?: number[];
  /**
   * A library endpoint attached to an HTTP server (Socket.IO's engine.io): it answers every request whose path starts
   * with this prefix, before the app that shares the server sees it, and none other. Its statuses depend on the
   * library's protocol (query parameters, session ids), not on routes.
   */
  interceptsPath?: string;
  /**
   * Ports of `ports` that are the default of an environment variable (`app.listen(process.env.PORT || 3000)`,
   * `port=int(os.getenv("PORT", 5000))`): bound only where the variable is unset. A deployment that sets it (a
   * docker-compose service's `environment`) binds that value instead.
   */
  portDefaults?: { port: number; env: string }[];
  /**
   * Ids of the applications mounted inside this one: Starlette/FastAPI `mount` (their responses pass through its
   * middleware) and the blueprints a Flask app registers (its after_request hooks run on their responses).
   */
  mounts?: string[];
}

export interface ParseProblem {
  file: string;
  message: string;
  /** UTF-16 offset. */
  start: number;
  end: number;
}

/** Everything extracted from a project: the input of the rules. */
export interface ProjectModel {
  policies: CorsPolicy[];
  apps: AppModel[];
}

export interface ExtractResult extends ProjectModel {
  parseErrors: ParseProblem[];
}

export function emptyResult(): ExtractResult {
  return { policies: [], apps: [], parseErrors: [] };
}

// ─── Safelists from the Fetch standard (cors-semantics.md §5.3) ─────────────────────────────────

/**
 * Whether a header list value parses as comma-separated tokens (RFC 9110 §5.6.2), as Access-Control-Allow-Methods
 * (`#method`) and Access-Control-Allow-Headers (`#field-name`) must; empty items and spaces around commas are fine
 * (checked with Chromium). The item that is not a token, else undefined.
 */
export function nonTokenItem(value: string): string | undefined {
  return value
    .split(',')
    .map((t) => t.trim())
    .find((t) => t !== '' && !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(t));
}

export const SIMPLE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST']);
/**
 * Forbidden methods (Fetch "forbidden method": CONNECT, TRACE, TRACK, matched case-insensitively): `fetch()` and
 * `new Request()` throw a TypeError and XHR `open()` a SecurityError before anything is sent, so no browser request
 * uses them and none of them is ever preflighted, whatever a CORS policy allows (checked with Node's fetch, which
 * implements the same step: "'CONNECT' HTTP method is unsupported").
 */
export function isForbiddenMethod(method: string): boolean {
  return /^(connect|trace|track)$/i.test(method);
}
/**
 * Forbidden request-header names (Fetch "forbidden request-header"): a page cannot set them, the browser does,
 * so they never make a request preflighted.
 */
const FORBIDDEN_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
]);

export function isForbiddenRequestHeader(name: string): boolean {
  const n = name.toLowerCase();
  return FORBIDDEN_REQUEST_HEADERS.has(n) || n.startsWith('proxy-') || n.startsWith('sec-');
}

export const SAFELISTED_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'accept-language',
  'content-language',
  'content-type',
  'range',
]);

/**
 * Whether the policy lets no origin read anything: no ACAO at all (`none`), or an allow-list known to be empty
 * (Starlette's default `allow_origins=()`, cors `origin: []`) that sends nothing else to refused origins.
 */
export function allowsNoOrigin(o: OriginPolicy): boolean {
  if (o.kind === 'none') return true;
  return o.kind === 'allow-list' && o.entries.length === 0 && o.unknownEntries.length === 0 && o.onRefused !== 'wildcard';
}

/**
 * Access-Control-Allow-Private-Network only grants access together with a passing CORS check: `true` counts
 * when every origin passes (reflection or *), not when only the allowed origins get the CORS headers.
 */
export function forAnyOrigin(pn: Valued<boolean>, origin: Valued<OriginPolicy>): Valued<boolean> {
  if (!pn.known || !pn.value) return pn;
  if (!origin.known) return unknown(`depends on the allowed origins (${origin.reason})`, pn.span);
  if (origin.value.kind === 'reflect-any' || origin.value.kind === 'wildcard') return pn;
  return known(false, pn.span, 'only sent to the allowed origins');
}

/**
 * For a hand-written policy: Access-Control-Allow-Private-Network written only where the CORS check passes for
 * a fixed origin or a list of exact origins grants it to those only. Anything looser (a pattern, a suffix
 * test, reflection, or no Access-Control-Allow-Origin of its own, which another layer may send) keeps the value.
 */
export function forExactOrigins(pn: Valued<boolean>, origin: Valued<OriginPolicy>): Valued<boolean> {
  if (!pn.known || !pn.value || !origin.known) return pn;
  const o = origin.value;
  const exact = o.kind === 'fixed' || (o.kind === 'allow-list' && o.unknownEntries.length === 0 && o.entries.every((e) => e.type === 'literal'));
  return exact ? known(false, pn.span, 'only sent to the listed origins') : pn;
}
