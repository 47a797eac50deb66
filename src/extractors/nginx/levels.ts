/**
 * Builds the configuration levels of one nginx configuration tree (http → server → location → if),
 * with includes expanded in place, the way nginx merges them.
 */
import type { ProjectHost } from '../../engine/host.js';
import type { ParseProblem, Span } from '../../model/index.js';
import { loadFile, resolveInclude, type LoadedFile } from './load.js';
import type { Arg, Directive } from './parser.js';
import { splitVariables } from './values.js';

export type LevelKind = 'main' | 'http' | 'server' | 'location' | 'if' | 'snippet' | 'limit_except';

export interface HeaderDirective {
  d: Directive;
  /** Lower-case header name. */
  name: string;
  /** The value argument (absent for a clearing `more_set_headers 'Name:'`). */
  value?: Arg;
  /** For `more_set_headers`: the value text after `Name:`. */
  moreValue?: string;
  statuses: 'all' | 'success';
  /** For `more_set_headers -s '200 204'`: the statuses listed (the header goes on those responses only). */
  codes?: string[];
  op: 'append' | 'set' | 'clear';
  source: 'add_header' | 'more_set_headers' | 'more_clear_headers';
}

export interface Level {
  kind: LevelKind;
  d?: Directive;
  label: string;
  parent?: Level;
  addHeaders: HeaderDirective[];
  more: HeaderDirective[];
  /** `proxy_hide_header`, `uwsgi_hide_header`, ... of this level (each module keeps its own list). */
  hide: Directive[];
  /** `proxy_pass_header`, `uwsgi_pass_header`, ... of this level. */
  passHeader: Directive[];
  inherit?: { mode: 'on' | 'off' | 'merge'; d: Directive };
  /** Rewrite-phase directives in order: `set`, `if` (as its Level), `return`, `rewrite`, `break`. */
  steps: (Directive | Level)[];
  locations: Level[];
  servers: Level[];
  ifs: Level[];
  /** proxy_pass / fastcgi_pass / uwsgi_pass / grpc_pass / scgi_pass / memcached_pass. */
  pass?: Directive;
  /** Unresolved includes at this level: its own directives are not fully known. */
  opaque: Directive[];
  /** Directives that hand the request to other handling (`try_files ... @named`, `error_page`, `limit_except`). */
  handoff: Directive[];
  /** The level's own `try_files` (the last one read, as nginx keeps it), includes expanded. */
  tryFiles?: Directive;
  /** The file the level's block is in (for env-template handling of its values). */
  envTemplate: boolean;
}

export interface MapDef {
  d: Directive;
  source: Arg;
  output: string;
  /** Entries in nginx's order: exact strings first, then regexes in order of appearance. */
  /** `d`: the entry itself, in the map's file or in a file the map includes (positions are that file's). */
  entries: { d: Directive; key: Arg; value: Arg; kind: 'string' | 'regex'; caseInsensitive: boolean; pattern: string }[];
  dflt?: Arg;
  /** The `default` entry (its file may be an included one). */
  dfltD?: Directive;
  hostnames: boolean;
  /** Something in the map could not be followed (unresolved include). */
  incomplete: boolean;
  envTemplate: boolean;
}

export interface Tree {
  root: Level;
  maps: Map<string, MapDef>;
  /** `upstream <name> { server ...; }` blocks by name (a name defined twice is ambiguous: null). */
  upstreams: Map<string, Directive | null>;
  files: Set<string>;
  problems: ParseProblem[];
}

const PASS = /^(proxy_pass|fastcgi_pass|uwsgi_pass|grpc_pass|scgi_pass|memcached_pass)$/;
/** Directives that run a script in the request's handling: `access_by_lua_block`, `content_by_lua_file`, `js_content`, `perl`. */
const SCRIPTED = /^((rewrite|access|content)_by_lua(_block|_file)?|js_content|perl)$/;
const SUCCESS_CODES = new Set(['200', '201', '204', '206', '301', '302', '303', '304', '307', '308']);

export function spanOf(file: string, start: number, end: number): Span {
  return { file, start, end };
}

export function dSpan(d: Directive): Span {
  return spanOf(d.file, d.start, d.end);
}

export function argSpan(d: Directive, a: Arg): Span {
  return spanOf(d.file, a.start, a.end);
}

function newLevel(kind: LevelKind, label: string, parent: Level | undefined, d: Directive | undefined, envTemplate: boolean): Level {
  return { kind, label, parent, d, addHeaders: [], more: [], hide: [], passHeader: [], steps: [], locations: [], servers: [], ifs: [], opaque: [], handoff: [], envTemplate };
}

/**
 * Parses `more_set_headers [-s codes] [-t types] [-a] 'Name: value' ...`. Undefined when the headers go on responses
 * the model cannot describe (audit 29, checked with headers-more on nginx 1.22): `-t` (only responses of those
 * content types; a preflight's depends on default_type), or `-s` naming no success status (error responses only).
 * Repeated `-s` options add up.
 */
function moreHeaders(d: Directive): HeaderDirective[] | undefined {
  const out: HeaderDirective[] = [];
  const codes: string[] = [];
  let append = false;
  for (let i = 0; i < d.args.length; i++) {
    const a = d.args[i] as Arg;
    if (a.value === '-t') return undefined;
    if (a.value === '-s') {
      codes.push(...(d.args[i + 1]?.value.split(/\s+/).filter(Boolean) ?? []));
      i++;
      continue;
    }
    if (a.value === '-a') {
      append = true;
      continue;
    }
    if (codes.length && !codes.some((c) => SUCCESS_CODES.has(c))) return undefined;
    const statuses: 'all' | 'success' = codes.length ? 'success' : 'all';
    const listed = codes.length ? { codes: [...codes] } : {};
    if (d.name === 'more_clear_headers') {
      out.push({ d, name: a.value.toLowerCase(), value: a, statuses, ...listed, op: 'clear', source: 'more_clear_headers' });
      continue;
    }
    const colon = a.value.indexOf(':');
    if (colon < 0) {
      out.push({ d, name: a.value.trim().toLowerCase(), value: a, statuses, ...listed, op: 'clear', source: 'more_set_headers' });
      continue;
    }
    const name = a.value.slice(0, colon).trim().toLowerCase();
    const val = a.value.slice(colon + 1).trim();
    out.push({ d, name, value: a, moreValue: val, statuses, ...listed, op: val === '' ? 'clear' : append ? 'append' : 'set', source: 'more_set_headers' });
  }
  return out;
}

function locationLabel(d: Directive): string {
  return `${d.name} ${d.args.map((a) => a.value).join(' ')}`.trim();
}

function ifLabel(d: Directive, text: string | undefined): string {
  const raw = text && d.args.length ? text.slice((d.args[0] as Arg).start, (d.args[d.args.length - 1] as Arg).end) : d.args.map((a) => a.value).join(' ');
  return `if ${raw.replace(/\s+/g, ' ')}`;
}

export interface BuildContext {
  host: ProjectHost;
  rootFile: string;
  /** Files whose directives are being expanded (include cycle detection). */
  stack: string[];
  tree: Tree;
  texts: Map<string, LoadedFile>;
}

/** Expands `include` directives of a directive list (recursively), reporting cycles and unresolved paths. */
function* expand(list: Directive[], ctx: BuildContext, owner: Level | undefined, onUnresolved: (d: Directive, dyn: boolean) => void): Generator<Directive> {
  for (const d of list) {
    if (d.name !== 'include' || d.block || d.args.length !== 1) {
      yield d;
      continue;
    }
    const arg = d.args[0] as Arg;
    const r = resolveInclude(ctx.host, arg.value, d.file, ctx.rootFile);
    if (r.files.length === 0) {
      if (r.unresolved) onUnresolved(d, r.dynamic);
      continue;
    }
    for (const f of r.files) {
      if (ctx.stack.includes(f)) {
        ctx.tree.problems.push({ file: d.file, start: arg.start, end: arg.end, message: `include cycle: ${[...ctx.stack, f].join(' → ')}` });
        continue;
      }
      if (ctx.stack.length > 24) {
        ctx.tree.problems.push({ file: d.file, start: arg.start, end: arg.end, message: 'includes nested too deeply (more than 24 levels)' });
        continue;
      }
      const lf = loadFile(ctx.host, f);
      if (!lf) {
        onUnresolved(d, false);
        continue;
      }
      if (!ctx.texts.has(f)) {
        ctx.texts.set(f, lf);
        for (const e of lf.errors) ctx.tree.problems.push({ file: f, start: e.start, end: e.end, message: e.message });
      }
      ctx.tree.files.add(f);
      ctx.stack.push(f);
      yield* expand(lf.directives, ctx, owner, onUnresolved);
      ctx.stack.pop();
    }
  }
}

function isEnvTemplate(ctx: BuildContext, file: string): boolean {
  return ctx.texts.get(file)?.envTemplate ?? false;
}

/**
 * Directives nginx refuses inside an `if` block (checked with `nginx -t` on nginx 1.22 + headers-more: `[emerg] "add_header"
 * directive is not allowed here`), so the whole configuration never runs. In a server-level `if` only rewrite-module
 * directives (`return`, `set`, `rewrite`, `break`) are allowed: these are the ones that matter for CORS or were
 * checked. In any `if` (a location's too): the upstream header lists and a nested `if`.
 */
const REFUSED_IN_SERVER_IF: ReadonlySet<string> = new Set(['add_header', 'more_set_headers', 'more_clear_headers', 'expires', 'error_page', 'root', 'try_files', 'auth_basic', 'proxy_pass', 'uwsgi_pass']);
const REFUSED_IN_ANY_IF = /^((proxy|fastcgi|uwsgi)_(hide|pass)_header|if)$/;
/** Directives that put, hide or let through response headers. */
const HEADER_DIRECTIVE = /^(add_header|more_set_headers|more_clear_headers|(proxy|fastcgi|uwsgi|scgi|grpc)_(hide|pass)_header)$/;

/**
 * Where nginx accepts the block directives that make the levels and the variables (checked with `nginx -t` on nginx
 * 1.22: `[emerg] "map" directive is not allowed here` for a `map` in a `server`, a `location`, an `if`, a
 * `limit_except` or at main level; the same for `geo` and `upstream`; `server` anywhere but in `http`; `location`
 * anywhere but in a `server` or a `location`; `if` at http or main level; `http` anywhere but at main level).
 */
const ACCEPTED_IN: Readonly<Record<string, readonly LevelKind[]>> = {
  http: ['main'],
  map: ['http'],
  geo: ['http'],
  upstream: ['http'],
  server: ['http'],
  location: ['server', 'location'],
  if: ['server', 'location'],
};

/**
 * Whether the level's context is known for sure: a block of the configuration, or a file that holds main-only
 * directives. The context of a root guessed from its contents (a conf.d file, a snippet) is where its includer puts it,
 * which the repository may not show: its own top-level directives are not judged.
 */
function contextKnown(level: Level): boolean {
  return level.d !== undefined || level.kind === 'main';
}

/** The nginx message for a block directive placed where nginx does not accept it, or undefined. */
function refusedContext(level: Level, d: Directive): string | undefined {
  const accepted = Object.hasOwn(ACCEPTED_IN, d.name) ? ACCEPTED_IN[d.name] : undefined;
  // `server` without a block is an upstream's server entry, and a server name inside an upstream block is not read.
  if (!accepted || !d.block || !contextKnown(level) || accepted.includes(level.kind)) return undefined;
  const where = level.kind === 'main' ? 'at main level, outside http' : `in ${level.kind === 'if' || level.kind === 'http' ? 'an' : 'a'} ${level.kind} block`;
  return `"${d.name}" directive is not allowed here (${where}): nginx refuses the whole configuration`;
}

/** The nginx message for a directive nginx does not accept in this level, or undefined. */
export function refusedHere(level: Level, d: Directive): string | undefined {
  const context = refusedContext(level, d);
  if (context) return context;
  if (level.kind !== 'if') return undefined;
  if (!REFUSED_IN_ANY_IF.test(d.name) && !(level.parent?.kind === 'server' && REFUSED_IN_SERVER_IF.has(d.name))) return undefined;
  const where = level.parent?.kind === 'server' && !REFUSED_IN_ANY_IF.test(d.name) ? 'an if block at server level' : 'an if block';
  return `"${d.name}" directive is not allowed here (in ${where}): nginx refuses the whole configuration`;
}

/** Fills a level from a directive list. */
export function fillLevel(level: Level, list: Directive[], ctx: BuildContext): void {
  const unresolved = (d: Directive, dynamic: boolean) => {
    // Unresolved includes of server lists at http/main level do not hide headers of the levels we see.
    if ((level.kind === 'http' || level.kind === 'main') && !dynamic) return;
    level.opaque.push(d);
  };
  let refusedReported = false;
  for (const d of expand(list, ctx, level, unresolved)) {
    const text = ctx.texts.get(d.file)?.text;
    // A directive nginx refuses is reported where it is (the first of its block, as nginx stops at the first), and
    // not modelled: its headers are never sent (no server runs this configuration), and the rest of the file is still
    // analysed, as after other configuration errors.
    const refused = refusedHere(level, d);
    if (refused) {
      if (!refusedReported) ctx.tree.problems.push({ file: d.file, start: d.nameStart, end: d.nameEnd, message: refused });
      refusedReported = true;
      // What the author meant this level to send is then not known (audit 45 case 38: the OPTIONS branch adds
      // Access-Control-Allow-Origin inside a nested `if`): a refused block, or a refused header directive, leaves
      // the level's headers unknown, like an include that cannot be read, so no rule judges them.
      // A refused map, geo, upstream, server or location is not modelled either (the variables it would define are
      // unknown), but the level's own headers stay known: its body never belonged to this level.
      if ((d.block && !Object.hasOwn(ACCEPTED_IN, d.name)) || d.name === 'if' || HEADER_DIRECTIVE.test(d.name)) level.opaque.push(d);
      continue;
    }
    switch (d.name) {
      case 'http': {
        if (!d.block) break;
        const l = newLevel('http', 'http', level, d, isEnvTemplate(ctx, d.file));
        fillLevel(l, d.block, ctx);
        level.servers.push(l);
        break;
      }
      case 'server': {
        if (!d.block || level.kind === 'location' || level.kind === 'if') break; // `server` inside `upstream` has no block
        const names = d.block.filter((c) => c.name === 'server_name').flatMap((c) => c.args.map((a) => a.value));
        const l = newLevel('server', names.length ? `server ${names[0]}` : 'server', level, d, isEnvTemplate(ctx, d.file));
        fillLevel(l, d.block, ctx);
        level.servers.push(l);
        break;
      }
      case 'location': {
        if (!d.block) break;
        const l = newLevel('location', locationLabel(d), level, d, isEnvTemplate(ctx, d.file));
        fillLevel(l, d.block, ctx);
        level.locations.push(l);
        break;
      }
      case 'limit_except': {
        if (!d.block) break;
        // limit_except is an implicit location for the other methods; its own add_headers would apply there.
        const l = newLevel('limit_except', `${level.label}, limit_except ${d.args.map((a) => a.value).join(' ')}`, level, d, isEnvTemplate(ctx, d.file));
        fillLevel(l, d.block, ctx);
        level.ifs.push(l);
        break;
      }
      case 'if': {
        if (!d.block) break;
        const label = level.kind === 'location' || level.kind === 'server' ? `${level.label}, ${ifLabel(d, text)}` : ifLabel(d, text);
        const l = newLevel('if', label, level, d, isEnvTemplate(ctx, d.file));
        fillLevel(l, d.block, ctx);
        level.ifs.push(l);
        level.steps.push(l);
        break;
      }
      case 'set':
      case 'return':
      case 'rewrite':
      case 'break':
        level.steps.push(d);
        break;
      case 'add_header': {
        const name = d.args[0];
        if (!name) break;
        const always = d.args.length >= 3 && (d.args[2] as Arg).value === 'always';
        level.addHeaders.push({ d, name: name.value.toLowerCase(), value: d.args[1], statuses: always ? 'all' : 'success', op: 'append', source: 'add_header' });
        break;
      }
      case 'more_set_headers':
      case 'more_clear_headers':
      {
        const more = moreHeaders(d);
        // Headers on responses the model cannot describe: this level's headers are not fully known.
        if (more) level.more.push(...more);
        else level.opaque.push(d);
        break;
      }
      case 'proxy_hide_header':
      case 'fastcgi_hide_header':
      case 'uwsgi_hide_header':
      case 'scgi_hide_header':
      case 'grpc_hide_header':
        level.hide.push(d);
        break;
      case 'proxy_pass_header':
      case 'fastcgi_pass_header':
      case 'uwsgi_pass_header':
      case 'scgi_pass_header':
      case 'grpc_pass_header':
        level.passHeader.push(d);
        break;
      case 'add_header_inherit': {
        const v = d.args[0]?.value;
        if (v === 'on' || v === 'off' || v === 'merge') level.inherit = { mode: v, d };
        break;
      }
      case 'upstream': {
        const name = d.args[0]?.value;
        if (name && d.block) ctx.tree.upstreams.set(name, ctx.tree.upstreams.has(name) ? null : d);
        break;
      }
      case 'map': {
        if (!d.block || d.args.length < 2) break;
        const def = buildMap(d, ctx);
        ctx.tree.maps.set(def.output, def);
        break;
      }
      case 'geo': {
        if (!d.block || d.args.length < 1 || d.args.length > 2) break;
        const def = buildGeo(d, ctx);
        ctx.tree.maps.set(def.output, def);
        break;
      }
      case 'error_page':
        level.handoff.push(d);
        break;
      case 'try_files': {
        level.tryFiles = d;
        // The last argument is where a request for a missing file goes: a named location or a script URI
        // (Laravel's `/index.php?$query_string`) hands it to other handling, which may answer OPTIONS. `=404`
        // ends it here, and a single-page app's `/index.html` is served by the static module (405 to OPTIONS).
        const last = d.args[d.args.length - 1]?.value ?? '';
        if (d.args.length >= 2 && !/^=\d+$/.test(last) && !/\.html?$/i.test(last.split('?')[0] ?? '')) level.handoff.push(d);
        break;
      }
      default:
        if (PASS.test(d.name)) level.pass = d;
        // A script (Lua, njs, Perl) can answer any request itself, OPTIONS included.
        else if (SCRIPTED.test(d.name)) level.handoff.push(d);
        break;
    }
  }
}

function buildMap(d: Directive, ctx: BuildContext): MapDef {
  const source = d.args[0] as Arg;
  // Variable names are case-insensitive in nginx.
  const output = (d.args[1] as Arg).value.replace(/^\$\{?|\}$/g, '').toLowerCase();
  const def: MapDef = { d, source, output, entries: [], hostnames: false, incomplete: false, envTemplate: isEnvTemplate(ctx, d.file) };
  const strings: MapDef['entries'] = [];
  const regexes: MapDef['entries'] = [];
  for (const e of expand(d.block ?? [], ctx, undefined, () => (def.incomplete = true))) {
    if (e.block) {
      def.incomplete = true;
      continue;
    }
    const key = e.name;
    if (key === 'hostnames' && e.args.length === 0) {
      def.hostnames = true;
      continue;
    }
    if (key === 'volatile' && e.args.length === 0) continue;
    const value = e.args[0];
    if (!value || e.args.length !== 1) {
      def.incomplete = true;
      continue;
    }
    // The name token of a map entry is its key.
    // A key holding a template placeholder (`"~^https://{{ .Values.domain }}$"`, `${DOMAIN}` in an envsubst template)
    // is only known once rendered.
    const keyArg: Arg = { value: key, start: e.nameStart, end: e.nameEnd, quote: '', placeholder: splitVariables(key, def.envTemplate).placeholder };
    const raw = ctx.texts.get(e.file)?.text.slice(e.nameStart, e.nameEnd) ?? key;
    if (raw.startsWith('"') || raw.startsWith("'")) keyArg.quote = raw[0] as '"' | "'";
    if (key === 'default' && keyArg.quote === '') {
      def.dflt = value;
      def.dfltD = e;
      continue;
    }
    if (key.startsWith('~')) {
      const ci = key.startsWith('~*');
      regexes.push({ d: e, key: keyArg, value, kind: 'regex', caseInsensitive: ci, pattern: key.slice(ci ? 2 : 1) });
    } else {
      const lit = key.startsWith('\\') ? key.slice(1) : key;
      strings.push({ d: e, key: keyArg, value, kind: 'string', caseInsensitive: true, pattern: lit });
    }
  }
  def.entries = [...strings, ...regexes];
  return def;
}

/**
 * `geo [$address] $var { default V; 10.0.0.0/8 W; ... }`: a value chosen by the client's address, which the
 * configuration cannot know. Kept as a map on the address with no entries the Origin can select: with only a
 * `default` the value is that constant; with address entries it is not known (incomplete).
 */
function buildGeo(d: Directive, ctx: BuildContext): MapDef {
  const outArg = d.args[d.args.length - 1] as Arg;
  const source: Arg = d.args.length === 2 ? (d.args[0] as Arg) : { value: '$remote_addr', start: outArg.start, end: outArg.start, quote: '', placeholder: false };
  const output = outArg.value.replace(/^\$\{?|\}$/g, '').toLowerCase();
  const def: MapDef = { d, source, output, entries: [], hostnames: false, incomplete: false, envTemplate: isEnvTemplate(ctx, d.file) };
  for (const e of expand(d.block ?? [], ctx, undefined, () => (def.incomplete = true))) {
    // Flags of the block itself, not address entries.
    if (['ranges', 'proxy_recursive'].includes(e.name) && e.args.length === 0) continue;
    if (e.name === 'default' && e.args.length === 1) {
      def.dflt = e.args[0] as Arg;
      def.dfltD = e;
      continue;
    }
    def.incomplete = true;
  }
  return def;
}

/** Builds the level tree of a root file, in the context its top-level directives imply. */
/** `shared`: maps defined by other files of the same http context (they are global to it); the root's own win. */
export function buildTree(host: ProjectHost, root: LoadedFile, shared?: ReadonlyMap<string, MapDef>): Tree {
  const tree: Tree = { root: newLevel('main', 'main', undefined, undefined, root.envTemplate), maps: new Map(shared ?? []), upstreams: new Map(), files: new Set([root.path]), problems: [] };
  const ctx: BuildContext = { host, rootFile: root.path, stack: [root.path], tree, texts: new Map([[root.path, root]]) };
  const top = new Set(root.directives.map((d) => d.name));
  let kind: LevelKind = 'snippet';
  if (top.has('http') || top.has('events') || top.has('worker_processes') || top.has('user')) kind = 'main';
  else if (top.has('server') || top.has('map') || top.has('upstream')) kind = 'http';
  else if (top.has('location') || top.has('listen') || top.has('server_name')) kind = 'server';
  const label = kind === 'snippet' ? `snippet ${root.path}` : kind === 'server' ? `server (${root.path})` : kind;
  tree.root = newLevel(kind, label, undefined, undefined, root.envTemplate);
  fillLevel(tree.root, root.directives, ctx);
  return tree;
}

/**
 * Whether a server answers every request in its own rewrite phase, before any location is chosen: a `return` at
 * server level that every request reaches (no `break`, no `rewrite ... last|break` before it, in an `if` or not).
 * Its locations then answer nothing (audit 20, checked with nginx 1.22: `return 301 https://$host$request_uri;`
 * beside `location /` gives a bare 301 to every request, OPTIONS included).
 */
export function serverEndsEveryRequest(server: Level): boolean {
  if (server.opaque.length) return false;
  const movesOn = (d: Directive) => d.name === 'break' || (d.name === 'rewrite' && (d.args[2]?.value === 'last' || d.args[2]?.value === 'break'));
  for (const s of server.steps) {
    if ((s as Level).kind) {
      const branch = s as Level;
      if (branch.opaque.length || branch.steps.some((x) => !(x as Level).kind && movesOn(x as Directive))) return false;
      continue;
    }
    const d = s as Directive;
    if (d.name === 'return') return true;
    if (movesOn(d)) return false;
  }
  return false;
}

/**
 * Whether a server serves requests with its own configuration: it has no locations, or it has content of its own (a
 * `root`) and some request URIs match none of its locations: only exact (`=`), named and prefix locations other than
 * `/` (audit 52 ngx c06: `root` and a server-level add_header beside `location = / { return 301 ...; }`; nginx 1.22
 * answered /missing.json 404 and OPTIONS 405 from the server, without the CORS headers). Without a `root`, what the
 * other URIs reach is nginx's default page, where no CORS request goes. A regex location may match every other URI,
 * and a location in an include that was not read may be `location /`: then the server is not counted.
 */
export function servesUnmatchedUris(s: Level): boolean {
  if (s.locations.length === 0) return true;
  if (s.opaque.length || !s.d?.block?.some((d) => d.name === 'root')) return false;
  for (const l of s.locations) {
    const a = l.d?.args.map((x) => x.value) ?? [];
    if (a[0] === '=' || a[0]?.startsWith('@')) continue;
    const prefix = a.length === 1 ? a[0] : a.length === 2 && a[0] === '^~' ? a[1] : undefined;
    if (prefix === undefined || prefix === '/' || !prefix.startsWith('/')) return false;
  }
  return true;
}

/**
 * Every level that can serve a request: locations (and nested ones), servers some URIs reach without a location, snippets. A server
 * that answers every request itself serves them all: its locations serve none.
 */
export function servingLevels(root: Level): Level[] {
  const out: Level[] = [];
  const visitLocation = (l: Level) => {
    out.push(l);
    for (const n of l.locations) visitLocation(n);
  };
  const visitServer = (s: Level) => {
    const ends = serverEndsEveryRequest(s);
    if (ends || servesUnmatchedUris(s)) out.push(s);
    if (!ends) for (const l of s.locations) visitLocation(l);
  };
  const visit = (l: Level) => {
    if (l.kind === 'server') visitServer(l);
    else if (l.kind === 'location') visitLocation(l);
    else {
      for (const s of l.servers) visit(s);
      for (const loc of l.locations) visitLocation(loc);
      if (l.kind === 'snippet' && l.locations.length === 0) out.push(l);
    }
  };
  visit(root);
  return out;
}
