/**
 * Exact origin analysis: every origin entry becomes a finite automaton of the framed origins it accepts
 * (see regex.ts), and questions about it are language intersections with small automata that describe
 * web origins an attacker can own, the intended sites, shared-hosting suffixes and plain-http variants.
 * Counterexamples are words of those intersections, so every one is accepted by construction.
 */
import type * as R from 'refa';
import { refa } from './refa.js';

type Char = R.Char;
type DFA = R.DFA;
import type { OriginEntry, StringTest } from '../model/index.js';
import { intendedKey, intendedOf, type Intended } from './intended.js';
import { validateLiteralOrigin } from './validate.js';
import { BudgetExceeded, Deadline, LIMITS, compile, frame, framedWords, translate, unframe, type Compiled } from './regex.js';

// ─── Languages of entries ─────────────────────────────────────────────────────────────────────────

export function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, (c) => '\\' + c);
}

const languageCache = new Map<string, Compiled>();
const CACHE_LIMIT = 2000;

function remember<V>(cache: Map<string, V>, key: string, compute: () => V): V {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const v = compute();
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, v);
  return v;
}

const keys = new WeakMap<OriginEntry, string>();

/** A span-free identity of an entry, for memoisation (kept per entry object: each is keyed once per sibling). */
export function entryKey(entry: OriginEntry): string {
  let k = keys.get(entry);
  if (k === undefined) keys.set(entry, (k = keyOf(entry)));
  return k;
}

function keyOf(entry: OriginEntry): string {
  switch (entry.type) {
    case 'literal':
      return JSON.stringify(['l', entry.value, entry.caseInsensitive]);
    case 'regex':
      return JSON.stringify(['r', entry.pattern, entry.flags, entry.flavor, entry.mode]);
    case 'tests':
      return JSON.stringify(['t', entry.all.map((t) => [t.op, t.on, t.value, t.caseInsensitive])]);
    case 'substring':
      return JSON.stringify(['s', entry.haystack]);
  }
}

/** The regex (JS syntax, fullmatch over the origin) that one string test describes. */
function testRegex(t: StringTest): string {
  const v = escapeRegex(t.value);
  if (t.on === 'origin') {
    switch (t.op) {
      case 'equals':
        return `^${v}$`;
      case 'startsWith':
        return `^${v}[^]*$`;
      case 'endsWith':
        return `^[^]*${v}$`;
      case 'includes':
        return `^[^]*${v}[^]*$`;
    }
  }
  // `new URL(origin).protocol`: the scheme and its colon, before `//`.
  if (t.on === 'protocol') {
    const p = t.op === 'equals' ? v : t.op === 'startsWith' ? `${v}[^/]*` : t.op === 'endsWith' ? `[^/]*${v}` : `[^/]*${v}[^/]*`;
    return `^${p}\\/\\/[^]*$`;
  }
  // `new URL(origin).hostname` / `.host` of a serialized origin `scheme://host[:port]`.
  const part = t.on === 'hostname' ? '[^/:]' : '[^/]';
  const body = t.op === 'equals' ? v : t.op === 'startsWith' ? `${v}${part}*` : t.op === 'endsWith' ? `${part}*${v}` : `${part}*${v}${part}*`;
  return t.on === 'hostname' ? `^[a-zA-Z][a-zA-Z0-9+.-]*:\\/\\/${body}(?::\\d+)?$` : `^[a-zA-Z][a-zA-Z0-9+.-]*:\\/\\/${body}$`;
}

/** The framed language of an entry (memoised per run). */
export function entryLanguage(entry: OriginEntry): Compiled {
  return remember(languageCache, entryKey(entry), () => buildLanguage(entry));
}

function buildLanguage(entry: OriginEntry): Compiled {
  switch (entry.type) {
    case 'literal':
      return compile({ source: `^${escapeRegex(entry.value)}$`, flags: entry.caseInsensitive ? 'i' : '' }, 'fullmatch');
    case 'regex': {
      const t = translate(entry.pattern, entry.flags, entry.flavor);
      if (!t.ok) return t;
      return compile(t, entry.mode);
    }
    case 'tests': {
      if (entry.all.length === 0) return { ok: false, reason: 'no test' };
      let acc: Compiled | undefined;
      for (const t of entry.all) {
        // `new URL(origin).hostname` is lower-case whatever the Origin's case, so a lower-case value matches any case.
        const ci = t.caseInsensitive || (t.on !== 'origin' && t.value === t.value.toLowerCase());
        const c = compile({ source: testRegex(t), flags: ci ? 'i' : '' }, 'fullmatch');
        if (!c.ok) return c;
        if (!acc) acc = c;
        else if (acc.ok) {
          try {
            const d = refa().DFA.fromIntersection(acc.dfa, c.dfa, new (refa().DFA.LimitedNodeFactory)(LIMITS.productNodes));
            d.minimize();
            acc = { ok: true, dfa: d, maxCharacter: acc.maxCharacter };
          } catch {
            return { ok: false, reason: 'the tests are too large to analyse within the budget' };
          }
        }
      }
      return acc!;
    }
    case 'substring': {
      const h = entry.haystack;
      if (h.length > 400) return { ok: false, reason: 'the string is too long to analyse' };
      const words = new Set<string>();
      for (let i = 0; i <= h.length; i++) for (let j = i; j <= h.length; j++) words.add(h.slice(i, j));
      const dfa = refa().DFA.fromWords([...words].map((w) => frame(w) as Char[]), { maxCharacter: 0xffff as Char });
      return { ok: true, dfa, maxCharacter: 0xffff as Char };
    }
  }
}

/**
 * Whether the entry accepts this exact Origin value, computed on the automaton (never with a backtracking
 * engine). Undefined when the entry cannot be analysed.
 */
export function entryMatches(entry: OriginEntry, origin: string): boolean | undefined {
  if (entry.type === 'literal') return entry.caseInsensitive ? entry.value.toLowerCase() === origin.toLowerCase() : entry.value === origin;
  if (entry.type === 'substring') return entry.haystack.includes(origin);
  const lang = entryLanguage(entry);
  if (!lang.ok) return undefined;
  if (origin.length > 4096) return false;
  return lang.dfa.test(frame(origin) as Char[]);
}

// ─── Query automata ───────────────────────────────────────────────────────────────────────────────

/** TLDs the counterexample search may put at the end of an attacker host (plus those of the intended hosts). */
const COMMON_TLDS = ['net', 'com', 'org', 'io', 'dev', 'app', 'co', 'me', 'ai', 'xyz', 'info', 'biz', 'us', 'uk', 'de', 'fr', 'nl', 'eu', 'jp', 'cn', 'ru', 'br', 'in', 'au', 'ca', 'site', 'online', 'tech', 'cloud', 'page', 'sh', 'gg', 'tv', 'so', 'to', 'ly', 'cc', 'ws', 'es', 'it', 'pl', 'ch', 'se', 'no', 'fi', 'dk', 'be', 'at', 'cz', 'kr', 'tw', 'hk', 'sg', 'nz', 'za', 'mx', 'ar', 'cl', 'id', 'vn', 'th', 'my', 'ph', 'tr', 'ir', 'ua', 'gr', 'pt', 'ro', 'hu', 'ie', 'il'];

/**
 * Top-level domains preloaded as HSTS-only in Chromium, Firefox and Safari (the whole TLD, by its registry: Google
 * Registry's and a few others), so `http://<anything>.<tld>` is never an origin a browser sends.
 */
const HSTS_PRELOADED_TLDS: ReadonlySet<string> = new Set(['app', 'dev', 'page', 'new', 'day', 'foo', 'ing', 'meme', 'mov', 'zip', 'phd', 'prof', 'esq', 'nexus', 'rsvp', 'channel', 'dad', 'boo', 'gle', 'google', 'youtube']);

const LABEL = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const PORT = '(?::[1-9][0-9]{0,4})?';
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
// 0.0.0.0 is the local machine too: a page at http://0.0.0.0:3000 is served by this machine, as on 127.0.0.1.
const LOOPBACK_HOST = `(?:[a-z0-9-]+\\.)*localhost|127(?:\\.[0-9]{1,3}){3}|\\[::1\\]|0\\.0\\.0\\.0`;
// Private (RFC 1918) and other addresses nobody can serve a public page from: shared CGNAT space (100.64/10),
// link-local (169.254/16), IETF protocol assignments (192.0.0/24), benchmarking (198.18/15) and the documentation
// ranges. A pattern that accepts them is not one an attacker can register a host under (audit 21: 192.0.0.x).
const PRIVATE_HOST = [
  `10(?:\\.[0-9]{1,3}){3}`,
  `192\\.168(?:\\.[0-9]{1,3}){2}`,
  `172\\.(?:1[6-9]|2[0-9]|3[01])(?:\\.[0-9]{1,3}){2}`,
  `100\\.(?:6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])(?:\\.[0-9]{1,3}){2}`,
  `169\\.254(?:\\.[0-9]{1,3}){2}`,
  `192\\.0\\.[02](?:\\.[0-9]{1,3})`,
  `198\\.1[89](?:\\.[0-9]{1,3}){2}`,
  `198\\.51\\.100(?:\\.[0-9]{1,3})`,
  `203\\.0\\.113(?:\\.[0-9]{1,3})`,
].join('|');

/** Every http(s) origin whose host is dot-separated non-empty labels: a superset of `web()`, far smaller. */
const PLAIN_WEB = `^https?:\\/\\/(?:[a-z0-9-]+\\.)*[a-z0-9-]+(?::[0-9]+)?$`;
const ANY_ORIGIN = `^(?:[a-z][a-z0-9+.-]*:\\/\\/(?:[a-z0-9_.-]+|\\[[0-9a-f:.]+\\])(?::[1-9][0-9]{0,4})?|null)$`;

/**
 * The query languages for one set of intended sites. Each is built on first use: a literal entry needs none
 * of them, and most patterns need only a few. Questions are intersections with the entry's language first
 * (`lang ∩ web ∩ ¬intended`): the entry's language is small, so they stay small, where building
 * `web ∩ ¬trusted` on its own would be large (every TLD times every intended domain). Whether one is empty is
 * decided by `emptyIntersection` without building anything; the products are built only for a counterexample.
 * The parts that do not depend on the intended sites (attacker-ownable web origins minus loopback and private
 * hosts) are built once per run.
 */
export class Queries {
  private readonly tlds: string[];
  private readonly domains: string[];
  private readonly suffixes: string[];
  private notIntendedD?: DFA;
  private notSuffixesD?: DFA;
  private notExactSuffixD?: DFA;
  private suffixD?: DFA;
  private insecureD?: DFA | null;
  private intendedD?: DFA;

  constructor(
    intended: Intended,
    readonly maxCharacter: Char,
  ) {
    const tlds = new Set(COMMON_TLDS);
    for (const t of intended.tlds) tlds.add(t);
    this.tlds = [...tlds];
    this.domains = [...intended.domains];
    this.suffixes = [...intended.suffixes];
  }

  /** `https?://` + any host of the intended domains (or their subdomains) + any port. */
  private domainsRe(): string {
    return `^https?:\\/\\/(?:[a-z0-9-]+\\.)*(?:${alt(this.domains)})(?::[0-9]+)?$`;
  }

  /**
   * Plain-http origins a network attacker can impersonate: a host under a real TLD (not an HSTS-preloaded one,
   * whose http origins browsers never send) or an IPv4 address, private ones included, but not loopback.
   */
  plainHttp(): DFA {
    return remember(webCache, `${this.maxCharacter}|plain-http|${this.tlds.join(',')}`, () => {
      const tlds = this.tlds.filter((t) => !HSTS_PRELOADED_TLDS.has(t));
      const http = dfaOf(`^http:\\/\\/(?:(?:${LABEL}\\.)+(?:${alt(tlds)})|${OCTET}(?:\\.${OCTET}){3})${PORT}$`, this.maxCharacter);
      const loopback = dfaOf(`^http:\\/\\/(?:${LOOPBACK_HOST})(?::[0-9]+)?$`, this.maxCharacter);
      loopback.complement();
      const d = refa().DFA.fromIntersection(http, loopback);
      d.minimize();
      return d;
    });
  }

  /** Attacker-ownable web origins (a host under a real TLD, or an IPv4 address) that are not loopback or private. */
  private web(): DFA {
    return remember(webCache, `${this.maxCharacter}|${this.tlds.join(',')}`, () => {
      // IPv4 hosts as browsers serialize them: decimal octets without leading zeros (`0.127.0.00` is never sent).
      const web = dfaOf(`^https?:\\/\\/(?:(?:${LABEL}\\.)+(?:${alt(this.tlds)})|${OCTET}(?:\\.${OCTET}){3})${PORT}$`, this.maxCharacter);
      const local = dfaOf(`^https?:\\/\\/(?:${LOOPBACK_HOST}|${PRIVATE_HOST})(?::[0-9]+)?$`, this.maxCharacter);
      local.complement();
      const d = refa().DFA.fromIntersection(web, local);
      d.minimize();
      return d;
    });
  }

  private notIntended(): DFA {
    this.notIntendedD ??= complemented(this.intendedSites().copy());
    return this.notIntendedD;
  }

  /** Attacker-ownable web origins the entry accepts outside the intended sites and the named shared suffixes. */
  foreign(lang: DFA): Meet | undefined {
    const parts = [lang, remember(webCache, `${this.maxCharacter}|plain-web`, () => dfaOf(PLAIN_WEB, this.maxCharacter))];
    if (this.domains.length) parts.push(this.notIntended());
    if (this.suffixes.length) {
      // The suffixes themselves and every host under them.
      this.notSuffixesD ??= complemented(dfaOf(`^https?:\\/\\/(?:[a-z0-9-]+\\.)*(?:${alt(this.suffixes)})(?::[0-9]+)?$`, this.maxCharacter));
      parts.push(this.notSuffixesD);
    }
    // The TLD-exact web language is the largest automaton here: it comes last, and only when what is left of the
    // entry once the intended sites are removed is not already empty (the answer for a pattern that is not permissive).
    if (emptyIntersection(parts) === true) return undefined;
    parts.push(this.web());
    return productOf(parts);
  }

  /** Subdomains of the named public/shared suffixes that the entry accepts and that are not intended sites. */
  suffixed(lang: DFA): Meet | undefined {
    if (!this.suffixes.length) return undefined;
    this.suffixD ??= dfaOf(`^https?:\\/\\/(?:[a-z0-9-]+\\.)+(?:${alt(this.suffixes)})(?::[0-9]+)?$`, this.maxCharacter);
    const parts = [lang, this.suffixD, this.web()];
    // Under an HSTS-preloaded TLD (vercel.app, pages.dev) a browser only ever sends the https origin.
    if (this.suffixes.every((x) => HSTS_PRELOADED_TLDS.has(x.slice(x.lastIndexOf('.') + 1)))) {
      parts.push(remember(webCache, `${this.maxCharacter}|https`, () => dfaOf('^https:\\/\\/[^/]*$', this.maxCharacter)));
    }
    if (this.domains.length) parts.push(this.notIntended());
    // A named suffix is itself trusted; it can lie under another named suffix only when there are several.
    if (this.suffixes.length > 1) {
      this.notExactSuffixD ??= complemented(dfaOf(`^https?:\\/\\/(?:${alt(this.suffixes)})(?::[0-9]+)?$`, this.maxCharacter));
      parts.push(this.notExactSuffixD);
    }
    return productOf(parts);
  }

  /** The intended non-loopback hosts, whose plain-http origins are reported. */
  private insecureDomains(): string[] {
    // Loopback is exempt: it never leaves the machine. So are hosts under a TLD on the browsers' HSTS preload list
    // (.app, .dev, ...): a browser upgrades them to https before any request, so no page has such an http origin.
    return this.domains.filter((d) => !/^127\.|^0\.0\.0\.0$|(?:^|\.)localhost$/.test(d) && !HSTS_PRELOADED_TLDS.has(d.slice(d.lastIndexOf('.') + 1)));
  }

  /** The regex of plain-http origins of the intended non-loopback hosts; undefined when there are none. */
  insecureSource(): string | undefined {
    const hosts = this.insecureDomains();
    return hosts.length ? `^http:\\/\\/(?:[a-z0-9-]+\\.)*(?:${alt(hosts)})${PORT}$` : undefined;
  }

  /** Plain-http origins of the intended non-loopback hosts that the entry accepts; undefined when there are none. */
  insecure(lang: DFA): Meet | undefined {
    const hosts = this.insecureDomains();
    if (!hosts.length) return undefined;
    if (hosts.length === this.domains.length) {
      // The intended sites over plain http with a valid port: no automaton of its own to build.
      const http = remember(webCache, `${this.maxCharacter}|http`, () => dfaOf(`^http:\\/\\/[^/:]*${PORT}$`, this.maxCharacter));
      return productOf([lang, http, this.intendedSites()]);
    }
    if (this.insecureD === undefined) {
      const src = this.insecureSource();
      this.insecureD = src ? dfaOf(src, this.maxCharacter) : null;
    }
    return this.insecureD ? productOf([lang, this.insecureD]) : undefined;
  }

  /** Origins on the intended sites (any port); with no intended domain, loopback, private and suffix hosts. */
  intendedSites(): DFA {
    if (!this.intendedD) {
      if (this.domains.length) this.intendedD = dfaOf(this.domainsRe(), this.maxCharacter);
      else {
        const hosts = [LOOPBACK_HOST, PRIVATE_HOST];
        if (this.suffixes.length) hosts.push(`(?:${alt(this.suffixes)})`);
        this.intendedD = dfaOf(`^https?:\\/\\/(?:${hosts.join('|')})(?::[0-9]+)?$`, this.maxCharacter);
      }
    }
    return this.intendedD;
  }

  /** Every Origin value a browser can send (any scheme, any host, `null`). */
  anyOrigin(): DFA {
    return anyOriginDfa(this.maxCharacter);
  }
}

const queryCache = new Map<string, Queries>();
const everyOriginCache = new Map<string, boolean | undefined>();
/** Serialized origins of different shapes (scheme, name, address, port, opaque) that browsers send. */
const EVERY_ORIGIN_PROBES = ['https://attacker.example', 'http://10.0.0.1:8080', 'null', 'https://xn--80ak6aa92e.com', 'chrome-extension://abcdefghijklmnop'];
const webCache = new Map<string, DFA>();
/** The plain-http regex of each intended set, for literal entries (tested on the string, no automaton). */
const insecureReCache = new Map<string, RegExp | null>();

/** A query automaton of its own (compile builds a new one on every call, so callers may change it). */
function dfaOf(regex: string, maxCharacter: Char): DFA {
  const c = compile({ source: regex, flags: maxCharacter > 0xffff ? 'u' : '' }, 'fullmatch');
  if (!c.ok) throw new Error(`internal query regex failed: ${c.reason}`);
  return c.dfa;
}

function alt(items: Iterable<string>): string {
  return [...items].map(escapeRegex).join('|');
}

/** Every Origin value a browser can send (any scheme, any host, `null`), framed like entry languages. */
function anyOriginDfa(maxCharacter: Char): DFA {
  return remember(webCache, `${maxCharacter}|any`, () => {
    // Browsers omit the scheme's default port (cors-semantics.md §5.8).
    const defaults = dfaOf(`^(?:https:\\/\\/[^/]*:443|http:\\/\\/[^/]*:80)$`, maxCharacter);
    defaults.complement();
    const d = refa().DFA.fromIntersection(dfaOf(ANY_ORIGIN, maxCharacter), defaults);
    d.minimize();
    return d;
  });
}

/**
 * Whether a pattern or string test accepts every Origin a browser can send (a JS `.*` regex, `allow_origin_regex=".*"`):
 * such an allow-list is reflection of any origin, not a weak pattern. Undefined when it cannot be decided.
 */
export function acceptsEveryOrigin(entry: OriginEntry): boolean | undefined {
  if (entry.type === 'literal' || entry.type === 'substring') return false;
  const key = entryKey(entry);
  if (everyOriginCache.has(key)) return everyOriginCache.get(key);
  let verdict: boolean | undefined;
  const lang = entryLanguage(entry);
  // Origins a browser can send: a matcher that rejects one of them does not accept every origin (the common
  // case, decided without the complement automaton below).
  if (lang.ok && EVERY_ORIGIN_PROBES.some((o) => !lang.dfa.test(frame(o) as Char[]))) verdict = false;
  else if (lang.ok) {
    try {
      const rest = lang.dfa.copy();
      rest.complement();
      // Only properly framed words count: the entry is only ever tested on `START origin END`.
      const framedAny = remember(webCache, `${lang.maxCharacter}|framed-any`, () => refa().DFA.fromIntersection(anyOriginDfa(lang.maxCharacter), framedWords(lang.maxCharacter)));
      verdict = product(rest, framedAny).isEmpty;
    } catch {
      verdict = undefined;
    }
  }
  if (everyOriginCache.size >= CACHE_LIMIT) everyOriginCache.clear();
  everyOriginCache.set(key, verdict);
  return verdict;
}

/**
 * Whether some Origin a browser can send matches both entries (two `if ($http_origin ~ ...)` blocks of one
 * location can then both apply). Undefined when either cannot be analysed.
 */
export function entriesOverlap(a: OriginEntry, b: OriginEntry): boolean | undefined {
  const la = entryLanguage(a);
  const lb = entryLanguage(b);
  if (!la.ok || !lb.ok || la.maxCharacter !== lb.maxCharacter) return undefined;
  try {
    const framedAny = remember(webCache, `${la.maxCharacter}|framed-any`, () => refa().DFA.fromIntersection(anyOriginDfa(la.maxCharacter), framedWords(la.maxCharacter)));
    const empty = emptyIntersection([la.dfa, lb.dfa, framedAny]);
    return empty === undefined ? undefined : !empty;
  } catch {
    return undefined;
  }
}

/**
 * Whether every string `inner` matches is matched by `outer` too (both patterns, applied to any string: an nginx
 * regex location on the URI). Undefined when either cannot be analysed.
 */
export function patternIncludes(outer: OriginEntry, inner: OriginEntry): boolean | undefined {
  const lo = entryLanguage(outer);
  const li = entryLanguage(inner);
  if (!lo.ok || !li.ok || lo.maxCharacter !== li.maxCharacter) return undefined;
  try {
    const framed = remember(webCache, `${lo.maxCharacter}|framed`, () => framedWords(lo.maxCharacter));
    const empty = emptyIntersection([li.dfa, complemented(lo.dfa.copy()), framed]);
    return empty;
  } catch {
    return undefined;
  }
}

export function queriesFor(intended: Intended, maxCharacter: Char): Queries {
  return remember(queryCache, `${maxCharacter}|${intendedKey(intended)}`, () => new Queries(intended, maxCharacter));
}

// ─── Counterexamples ──────────────────────────────────────────────────────────────────────────────

/** The shortest word of a DFA, choosing the most readable character on each step; undefined when empty. */
export function shortestWord(d: DFA, deadline?: Deadline): string | undefined {
  const parent = new Map<R.DFA.ReadonlyNode, { from: R.DFA.ReadonlyNode; ch: number } | null>([[d.initial, null]]);
  let frontier: R.DFA.ReadonlyNode[] = [d.initial];
  while (frontier.length) {
    deadline?.check();
    const next: R.DFA.ReadonlyNode[] = [];
    for (const s of frontier) {
      if (d.finals.has(s as R.DFA.Node)) {
        const word: number[] = [];
        for (let cur: R.DFA.ReadonlyNode = s; ; ) {
          const p = parent.get(cur);
          if (!p) break;
          word.push(p.ch);
          cur = p.from;
        }
        return unframe(word.reverse());
      }
      // Prefer transitions with readable characters (letters, then digits, then the rest).
      const outs = [...s.out].map(([range, to]) => ({ to, ch: refa().Words.pickMostReadableCharacter(refa().CharSet.fromRange(d.maxCharacter, range)) ?? range.min }));
      outs.sort((a, b) => rank(a.ch) - rank(b.ch));
      for (const { to, ch } of outs) {
        if (!parent.has(to)) {
          parent.set(to, { from: s, ch });
          next.push(to);
        }
      }
    }
    frontier = next;
  }
  return undefined;
}

function rank(ch: number): number {
  if (ch >= 0x61 && ch <= 0x7a) return ch - 0x61;
  if (ch >= 0x30 && ch <= 0x39) return 100 + ch;
  return 1000 + ch;
}

function product(l: DFA, q: DFA): DFA {
  const d = refa().DFA.fromIntersection(l, q, new (refa().DFA.LimitedNodeFactory)(LIMITS.productNodes));
  d.removeUnreachable();
  return d;
}

function complemented(d: DFA): DFA {
  d.complement();
  return d;
}

/**
 * The intersection of automata, known to be non-empty, whose product is built only when asked: a word is tested
 * on each member (what the product would answer), so a counterexample found among the readable templates costs no
 * product at all.
 */
class Meet {
  private built?: DFA;
  constructor(
    private readonly parts: readonly DFA[],
    built?: DFA,
  ) {
    this.built = built;
  }
  test(word: Char[]): boolean {
    return this.built ? this.built.test(word) : this.parts.every((d) => d.test(word));
  }
  /** The product automaton (left to right, as `productOf` built it before). */
  product(): DFA {
    if (!this.built) {
      let p = this.parts[0] as DFA;
      for (const d of this.parts.slice(1)) p = product(p, d);
      this.built = p;
    }
    return this.built;
  }
}

/** The intersection of the automata, or undefined when it is empty. */
function productOf(dfas: readonly DFA[]): Meet | undefined {
  const empty = emptyIntersection(dfas);
  if (empty === true) return undefined;
  if (empty === false) return new Meet(dfas);
  // Over the walk's budget: the products are built now (they report the budget themselves).
  let p = dfas[0] as DFA;
  for (const d of dfas.slice(1)) {
    p = product(p, d);
    if (p.isEmpty) return undefined;
  }
  return new Meet(dfas, p);
}

/**
 * Whether no word is accepted by all the automata (same alphabet). A breadth-first walk over tuples of their
 * states, whose transitions are the intersections of the members' character ranges: nothing is built, and the
 * walk stops at the first tuple where all accept. Most questions have the answer "empty" (a pattern that is not
 * permissive), and this answers them several times faster than building the product automata. Undefined when the
 * walk exceeds the product budget (the caller then builds the products, which report the budget themselves).
 */
function emptyIntersection(dfas: readonly DFA[]): boolean | undefined {
  type Node = R.DFA.ReadonlyNode;
  const ids = new Map<Node, number>();
  const keyOf = (t: readonly Node[]) => {
    let k = '';
    for (const n of t) {
      let id = ids.get(n);
      if (id === undefined) ids.set(n, (id = ids.size));
      k += id + ',';
    }
    return k;
  };
  const accepts = (t: readonly Node[]) => t.every((n, i) => (dfas[i] as DFA).finals.has(n as R.DFA.Node));
  const start = dfas.map((d) => d.initial as Node);
  const seen = new Set<string>([keyOf(start)]);
  let frontier: Node[][] = [start];
  while (frontier.length) {
    const next: Node[][] = [];
    for (const t of frontier) {
      if (accepts(t)) return false;
      let segs: { min: number; max: number; to: Node[] }[] = [];
      for (const [r, to] of (t[0] as Node).out) segs.push({ min: r.min, max: r.max, to: [to] });
      for (let i = 1; i < t.length && segs.length; i++) {
        const refined: typeof segs = [];
        for (const [r, to] of (t[i] as Node).out) {
          for (const seg of segs) {
            const lo = Math.max(seg.min, r.min);
            const hi = Math.min(seg.max, r.max);
            if (lo <= hi) refined.push({ min: lo, max: hi, to: [...seg.to, to] });
          }
        }
        segs = refined;
      }
      for (const seg of segs) {
        const k = keyOf(seg.to);
        if (seen.has(k)) continue;
        if (seen.size >= LIMITS.productNodes) return undefined;
        seen.add(k);
        next.push(seg.to);
      }
    }
    frontier = next;
  }
  return true;
}

interface Parsed {
  scheme: string;
  host: string;
  port: string;
}

function splitOrigin(o: string): Parsed | undefined {
  const m = /^(https?):\/\/([^/:]+|\[[^\]]+\])(:\d+)?$/.exec(o);
  return m ? { scheme: m[1]!, host: m[2]!, port: m[3] ?? '' } : undefined;
}

/** Readable attacker origins to try first, most telling first. */
function templates(samples: Parsed[], intended: Intended, kind: 'foreign' | 'suffixed' | 'insecure'): string[] {
  const out: string[] = [];
  const domains = [...intended.domains].filter((d) => !/^\d/.test(d));
  if (kind === 'suffixed') {
    for (const s of [...intended.suffixes]) {
      out.push(`https://attacker.${s}`);
      for (const p of samples) {
        out.push(`${p.scheme}://attacker.${s}${p.port}`);
        const label = p.host.endsWith('.' + s) ? p.host.slice(0, -s.length - 1) : undefined;
        if (label && !label.includes('.')) out.push(`${p.scheme}://${label}-attacker.${s}${p.port}`, `${p.scheme}://attacker-${label}.${s}${p.port}`);
      }
    }
    return out;
  }
  if (kind === 'insecure') {
    for (const d of domains) out.push(`http://${d}`, `http://www.${d}`);
    for (const p of samples) out.push(`http://${p.host}${p.port}`, `http://${p.host}`);
    for (const d of domains) out.push(`http://api.${d}`, `http://app.${d}`);
    return out;
  }
  // A plain attacker host first: `localhost.attacker.net` only for patterns that need it (`^https?://localhost`
  // unanchored), whose explanation then names localhost (audit 25: `^http://.*$` was said to continue after it).
  if (domains.length === 0) out.push('https://attacker.net', 'https://attacker.com', 'http://attacker.net', 'https://localhost.attacker.net', 'http://localhost.attacker.net');
  for (const p of samples) {
    out.push(`https://${p.host}.attacker.net`, `${p.scheme}://${p.host}.attacker.net${p.port}`);
  }
  for (const d of [...domains, ...intended.suffixes]) {
    out.push(`https://${d}.attacker.net`, `https://attacker${d}`, `https://attacker-${d}`, `https://evil${d}`);
    // A host under a named suffix, continued (`https://.*\.lovable\.app` without `$`).
    if (intended.suffixes.has(d)) out.push(`https://app.${d}.attacker.net`);
    for (const p of samples) out.push(`${p.scheme}://attacker${d}${p.port}`, `${p.scheme}://${d}.attacker.net${p.port}`);
  }
  for (const p of samples) {
    // Unescaped dots: replace one dot of the host by a letter.
    for (let i = 0; i < p.host.length; i++) {
      if (p.host[i] === '.') out.push(`${p.scheme}://${p.host.slice(0, i)}x${p.host.slice(i + 1)}${p.port}`);
    }
    out.push(`${p.scheme}://attacker${p.host}${p.port}`);
  }
  for (const p of samples) out.push(`${p.scheme}://attacker.net${p.port}`);
  out.push('https://attacker.net', 'https://attacker.com', 'http://attacker.net');
  return out;
}

/** A readable word of `p` (the entry's language intersected with a query), or undefined when it is empty. */
function findExample(meet: Meet | undefined, samples: Parsed[], intended: Intended, kind: 'foreign' | 'suffixed' | 'insecure', deadline: Deadline): string | undefined {
  deadline.check();
  if (!meet) return undefined;
  for (const t of templates(samples, intended, kind)) {
    if (meet.test(frame(t) as Char[])) return t;
  }
  const p = meet.product();
  if (p.isEmpty) return undefined;
  const w = shortestWord(p, deadline);
  // The shortest word can be the site the pattern was written for (`myapp.vercel.app` for `myapp.*\.vercel\.app`):
  // an attacker's variant of its first label shows the problem better when the pattern takes it too.
  const o = w !== undefined && kind !== 'insecure' ? splitOrigin(w) : undefined;
  if (o && !o.host.includes('attacker')) {
    const [first, ...rest] = o.host.split('.');
    for (const label of [`${first}-attacker`, `${first}attacker`, `attacker-${first}`]) {
      const c = `${o.scheme}://${[label, ...rest].join('.')}${o.port}`;
      if (p.test(frame(c) as Char[])) return c;
    }
    // A pattern that fixes the first label only (`^https://(cdn|static)\.`): that label on the attacker's domain.
    if (rest.length > 0) {
      const c = `${o.scheme}://${first}.attacker.net${o.port}`;
      if (p.test(frame(c) as Char[])) return c;
    }
  }
  return w;
}

// ─── Verdicts ─────────────────────────────────────────────────────────────────────────────────────

export type ProblemKind = 'permissive' | 'untrusted-suffix' | 'insecure' | 'null' | 'invalid';

export interface OriginProblem {
  kind: ProblemKind;
  /** A concrete Origin the entry accepts (for `invalid`: one it wrongly accepts, or the value meant). */
  example?: string;
  /** Why, in words (e.g. "nothing requires a dot before the domain"). */
  detail: string;
  /** For `invalid` literals: the class of problem (see LiteralProblem.code). */
  code?: string;
  /** `invalid`: no Origin a browser sends passes the entry, so it never lets one in. */
  neverMatches?: boolean;
}

export interface EntryVerdict {
  entry: OriginEntry;
  problems: OriginProblem[];
  /** Set when the entry's language could not be decided: problems that need it are not reported. */
  unknown?: string;
}

/**
 * Explains the bypass class of a foreign counterexample. `literalDots`: the entry is made of string tests
 * (`"onrender.com" in origin`, `origin.endswith(...)`), where a "." is only a dot, so the cause is never an
 * unescaped one: deleting the character before the domain to tell the two apart can also break another test of a
 * conjunction (`and "test" in origin`, audit 44 py D5).
 */
export function bypassClass(example: string, intended: Intended, accepts?: (origin: string) => boolean, literalDots = false): string {
  const p = splitOrigin(example);
  if (!p) return 'it accepts an origin outside the intended sites';
  if (/^(?:[a-z0-9-]+\.)*localhost\./.test(p.host)) return 'the host may continue after "localhost" (the pattern is not anchored at the end of the origin)';
  for (const d of [...intended.domains, ...intended.suffixes]) {
    if (p.host.startsWith(d + '.') || p.host.includes('.' + d + '.')) return `the host may continue after "${d}" (the pattern is not anchored at the end of the origin)`;
    if (p.host.endsWith(d) && p.host.length > d.length && p.host[p.host.length - d.length - 1] !== '.') {
      // `bento.example.org` unescaped accepts https://bentoxexample.org but not https://bentoexample.org: one
      // character, any, stands where the dot is; a missing dot (`.*example\.org`) accepts both (audit 30).
      const at = p.host.length - d.length - 1;
      const without = example.replace(p.host, p.host.slice(0, at) + p.host.slice(at + 1));
      if (!literalDots && accepts && !accepts(without)) return 'an unescaped "." matches any character';
      return `nothing requires a "." before "${d}", so any domain ending in "${d}" matches`;
    }
  }
  for (const d of literalDots ? [] : intended.domains) {
    const dx = d.replace(/\./g, '[.x]');
    if (new RegExp(`(^|\\.)${dx}$`).test(p.host) && !p.host.endsWith(d)) return 'an unescaped "." matches any character';
    if (p.host.replace(/x/g, '.').endsWith(d)) return 'an unescaped "." matches any character';
  }
  if (intended.domains.size === 0 && intended.suffixes.size === 0) return 'it names no specific domain, so hosts under any domain match';
  return 'it accepts origins outside the intended sites';
}

const verdictCache = new Map<string, EntryVerdict>();

/**
 * Analyses one allow-list entry. `siblings` are the other entries of the same policy: the sites they name
 * count as intended too.
 */
export function analyzeEntry(entry: OriginEntry, siblings: readonly OriginEntry[] = []): EntryVerdict {
  const key = entryKey(entry) + '\u0000' + siblings.filter((s) => s !== entry).map(entryKey).sort().join('\u0000');
  const cached = verdictCache.get(key);
  if (cached) return { ...cached, entry };
  let v: EntryVerdict;
  try {
    v = computeVerdict(entry, siblings);
  } catch (e) {
    // Never crash the run on odd input: the entry becomes unknown.
    v = { entry, problems: [], unknown: `analysis failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (verdictCache.size >= CACHE_LIMIT) verdictCache.clear();
  verdictCache.set(key, v);
  return v;
}

function computeVerdict(entry: OriginEntry, siblings: readonly OriginEntry[]): EntryVerdict {
  const problems: OriginProblem[] = [];
  // Static problems first: they do not need the language.
  if (entry.type === 'regex' && entry.flavor === 'js' && /[gy]/.test(entry.flags)) {
    problems.push({ kind: 'invalid', detail: `the "${entry.flags.replace(/[^gy]/g, '')}" flag makes RegExp.test() stateful (lastIndex), so the same origin is accepted and rejected on alternate requests` });
  }
  if (entry.type === 'substring') {
    const ex = substringExample(entry.haystack);
    problems.push({ kind: 'invalid', detail: 'a string is used where a list was expected, so membership becomes a substring test', ...(ex ? { example: ex } : {}) });
    return { entry, problems };
  }
  if (entry.type === 'literal') {
    const bad = validateLiteralOrigin(entry.value, { caseInsensitive: entry.caseInsensitive });
    if (bad) {
      problems.push({ kind: 'invalid', code: bad.code, detail: bad.detail, neverMatches: true, ...(bad.suggestion ? { example: bad.suggestion } : {}) });
      return { entry, problems };
    }
    return literalVerdict(entry, siblings, problems);
  }
  if (entry.type === 'tests') {
    const never = entry.all.find(schemelessOriginPrefix);
    if (never) {
      problems.push({
        kind: 'invalid',
        // No suggestion: a prefix test of the origin with the scheme added would let https://domain.com.attacker.net in.
        detail: `an Origin starts with its scheme (https://...), so a check that it starts with "${never.value}" never passes for a website; compare the whole origin, or the parsed hostname`,
        neverMatches: true,
      });
      return { entry, problems };
    }
  }
  const lang = entryLanguage(entry);
  if (!lang.ok) {
    if (lang.invalid && entry.type === 'regex') {
      const why = lang.reason.replace(/^invalid regular expression: /, '').replace(/^\/.*\/[a-z]*: /s, '').toLowerCase();
      // JavaScript and Python compile it when the code runs (new RegExp / re.compile throw); engines that compile it
      // per request (flask-cors, nginx at start-up) never match or refuse the configuration.
      const effect = entry.flavor === 'js' ? 'so creating it throws a SyntaxError (at start-up when it is built there)' : 'so it never matches';
      problems.push({ kind: 'invalid', detail: `the pattern is not a valid regular expression (${why}), ${effect}` });
    }
    return { entry, problems, unknown: lang.reason };
  }
  try {
    const nfa = lang.dfa;
    if (nfa.test(frame('null') as Char[])) problems.push({ kind: 'null', example: 'null', detail: NULL_DETAIL });
    const intended = intendedOf(entry, siblings);
    const q = queriesFor(intended, lang.maxCharacter);
    const deadline = new Deadline();
    // A sample of the intended origins the matcher accepts, to build readable attacker variants from; when it
    // is an origin a browser can send, it also shows that the matcher accepts one.
    const sample = intended.domains.size ? shortestWord(product(nfa, q.intendedSites()), deadline) : undefined;
    const anyOrigin = q.anyOrigin();
    if (!(sample !== undefined && anyOrigin.test(frame(sample) as Char[])) && (emptyIntersection([nfa, anyOrigin]) ?? product(nfa, anyOrigin).isEmpty)) {
      problems.push({ kind: 'invalid', detail: 'it matches no Origin a browser can send (a serialized origin is lower-case scheme://host[:port], without the default port, a path or a trailing slash)', neverMatches: true });
      return { entry, problems };
    }
    const samples = [sample ? splitOrigin(sample) : undefined].filter((p): p is Parsed => p !== undefined);
    // The example and its explanation name the entry's own sites first: a sibling's host (`http://127.0.0.1:3000`
    // beside `https://.*\.vercel\.app`) says nothing about this pattern (audit 20).
    const own = intendedOf(entry, []);
    const naming: Intended = { domains: new Set([...own.domains, ...intended.domains]), suffixes: new Set([...own.suffixes, ...intended.suffixes]), tlds: intended.tlds };
    const ownHosts = [...own.domains, ...own.suffixes];
    const ownSamples = ownHosts.length ? samples.filter((p) => ownHosts.some((d) => p.host === d || p.host.endsWith('.' + d))) : samples;
    const foreign = findExample(q.foreign(nfa), ownSamples, naming, 'foreign', deadline);
    if (foreign) problems.push({ kind: 'permissive', example: foreign, detail: bypassClass(foreign, naming, (o) => nfa.test(frame(o) as Char[]), entry.type === 'tests') });
    // An entry that already accepts sites on any domain is not also reported for the shared suffixes only its
    // siblings name (`^https://app\.example\.com` beside `\.vercel\.app$`: its own bypass says more). A suffix it
    // names itself (`https://.*\.run\.app`, unanchored) is a second problem, which anchoring does not fix.
    const suffixed = foreign && own.suffixes.size === 0 ? undefined : q.suffixed(nfa);
    if (suffixed) {
      const sfx = findExample(suffixed, samples, intended, 'suffixed', deadline);
      if (sfx) {
        const host = splitOrigin(sfx)?.host ?? '';
        const suffix = [...intended.suffixes].find((s) => host.endsWith('.' + s)) ?? '';
        problems.push({ kind: 'untrusted-suffix', example: sfx, detail: `anyone can create a site under "${suffix}"` });
      }
    }
    const insecure = q.insecure(nfa);
    const ins = insecure ? findExample(insecure, samples, intended, 'insecure', deadline) : undefined;
    if (ins) problems.push({ kind: 'insecure', example: ins, detail: INSECURE_DETAIL });
    else if (!foreign && !suffixed && (q.insecureSource() === undefined || ownHosts.length === 0)) {
      // No intended host of its own to name (`http://192\.168\.\d+\.\d+:3000`, also beside entries that name
      // hosts, audit 20): any plain-http origin it accepts, except loopback and HSTS-preloaded TLDs, is one a
      // network attacker can impersonate.
      const plain = findExample(productOf([nfa, q.plainHttp()]), samples, intended, 'insecure', deadline);
      if (plain) problems.push({ kind: 'insecure', example: plain, detail: INSECURE_DETAIL });
    }
    return { entry, problems };
  } catch (e) {
    if (e instanceof BudgetExceeded || e instanceof refa().TooManyNodesError) return { entry, problems, unknown: 'the pattern is too complex to analyse within the budget' };
    return { entry, problems, unknown: `analysis failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * A `startsWith` test of the whole Origin with a value that no http(s) origin starts with (`"domain.com"`): it
 * fails for every website. (Only a custom-scheme WebView origin could start with it.)
 */
function schemelessOriginPrefix(t: StringTest): boolean {
  if (t.op !== 'startsWith' || t.on !== 'origin') return false;
  const v = t.caseInsensitive ? t.value.toLowerCase() : t.value;
  if (v === '' || v.includes('://') || 'https://'.startsWith(v) || 'http://'.startsWith(v) || 'null'.startsWith(v)) return false;
  // A scheme-like prefix (`chrome-extension:`, `capacitor:`) names an app origin on purpose.
  return !/^[a-z][a-z0-9+.-]*:/.test(v);
}

const NULL_DETAIL = 'it accepts the origin "null" that sandboxed iframes and redirected requests send';
const INSECURE_DETAIL = 'a plain-http origin can be impersonated by anyone on the network path';

/**
 * A valid literal accepts one origin (any case of it when compared case-insensitively), so its questions are
 * string tests: the same answers the automata give, without building them. Only `null` and plain-http apply:
 * a literal names its own site, so it is never permissive.
 */
function literalVerdict(entry: OriginEntry & { type: 'literal' }, siblings: readonly OriginEntry[], problems: OriginProblem[]): EntryVerdict {
  // The insecure query's hosts are lower-case, so of a case-insensitive literal's spellings only the lower-case one can match.
  const word = entry.caseInsensitive ? entry.value.toLowerCase() : entry.value;
  if (word === 'null') problems.push({ kind: 'null', example: 'null', detail: NULL_DETAIL });
  const intended = intendedOf(entry, siblings);
  const re = remember(insecureReCache, intendedKey(intended), () => {
    const src = new Queries(intended, 0xffff as Char).insecureSource();
    return src ? new RegExp(src) : null;
  });
  // A single-label host (`http://intranet`, resolved through the local DNS search list) names no domain for the
  // query above, yet its plain-http origin is as easy to impersonate on the network path. Loopback is exempt.
  const single = /^http:\/\/([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?::[0-9]{1,5})?$/.exec(word);
  if (re?.test(word) || (single && single[1] !== 'localhost')) problems.push({ kind: 'insecure', example: word, detail: INSECURE_DETAIL });
  return { entry, problems };
}

/** A short substring of a haystack that looks like an origin (what `origin in "..."` wrongly accepts). */
function substringExample(h: string): string | undefined {
  const m = /https?:\/\/[^\s,;'"]+/.exec(h);
  if (m && m[0].length > 9) return m[0].slice(0, -1);
  return h.length > 1 ? h.slice(0, -1) : undefined;
}

/** Describes an entry the way the user wrote it, for messages. */
export function describeEntry(entry: OriginEntry): string {
  switch (entry.type) {
    case 'literal':
      return JSON.stringify(entry.value);
    case 'substring':
      return JSON.stringify(entry.haystack);
    case 'regex':
      if (entry.flavor === 'js') return `/${entry.pattern}/${entry.flags}`;
      if (entry.flavor === 'python') return entry.pattern.includes('"') ? `r'${entry.pattern}'` : `r"${entry.pattern}"`;
      if (entry.flavor === 'go') return `\`${entry.pattern}\``;
      return `"${entry.pattern}"`;
    case 'tests':
      // Hand-written Python checks (after_request hooks, FastAPI middleware) are shown in Python.
      if (entry.span.file.endsWith('.py') && entry.all.every((t) => t.on === 'origin')) {
        return entry.all
          .map((t) => {
            const v = JSON.stringify(t.value);
            return t.op === 'equals' ? `origin == ${v}` : t.op === 'includes' ? `${v} in origin` : `origin.${t.op.toLowerCase()}(${v})`;
          })
          .join(' and ');
      }
      return entry.all
        .map((t) => {
          const subject = t.on === 'origin' ? 'origin' : `new URL(origin).${t.on}`;
          return t.op === 'equals' ? `${subject} === ${JSON.stringify(t.value)}` : `${subject}.${t.op}(${JSON.stringify(t.value)})`;
        })
        .join(' && ');
  }
}


/** Clears the memo caches (tests, long-running language server). */
export function clearAnalysisCaches(): void {
  languageCache.clear();
  queryCache.clear();
  webCache.clear();
  insecureReCache.clear();
  everyOriginCache.clear();
  verdictCache.clear();
}

