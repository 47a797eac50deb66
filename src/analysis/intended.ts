/**
 * Which sites a matcher was meant to accept: the registrable domains (Public Suffix List, private section
 * included, via tldts) named by the literal parts of the matcher and of its sibling entries.
 */
import { RegExpParser, type AST } from '@eslint-community/regexpp';
import type * as Tldts from 'tldts';
import { requireCjs } from '../engine/cjs.js';
import type { OriginEntry } from '../model/index.js';
import { translate } from './regex.js';

/** tldts, loaded on the first host name (its suffix list costs 30-70 ms to load; literal-only projects never need it). */
let tldts: typeof Tldts | undefined;
const loadTldts = (): typeof Tldts => (tldts ??= requireCjs('tldts') as typeof Tldts);
const parseHost: typeof Tldts.parse = (host, options) => loadTldts().parse(host, options);

/** Loads the public suffix list now (the engine does it while git lists a large repository). */
export function preloadSuffixes(): void {
  loadTldts();
}

/**
 * Shared-hosting domains where anyone can get a subdomain but that the Public Suffix List does not list
 * (checked against tldts 7: the others, e.g. github.io, vercel.app, netlify.app, pages.dev, herokuapp.com,
 * ngrok.io, web.app, firebaseapp.com, azurewebsites.net, onrender.com, fly.dev, are in its private section).
 */
export const EXTRA_SHARED_SUFFIXES: readonly string[] = [
  'codepen.io',
  'cdpn.io',
  'jsfiddle.net',
  'codesandbox.io',
  'stackblitz.io',
  'glitch.me',
  'railway.app',
  'loca.lt',
  // Cloud development environments and tunnels: anyone can open one and serve a page under it
  // (GitHub Codespaces forwarded ports `<name>-3000.app.github.dev`, Gitpod workspaces, Azure dev tunnels).
  'app.github.dev',
  'gitpod.io',
  'devtunnels.ms',
];

export interface Intended {
  /** Registrable domains (and non-public hosts such as `corp.internal`) whose subdomains are trusted. */
  domains: Set<string>;
  /** Public or shared-hosting suffixes named by the matcher (`github.io`, `co.uk`, `codepen.io`). */
  suffixes: Set<string>;
  /** Last labels of every host seen (real TLDs the counterexample search may use). */
  tlds: Set<string>;
}

const HOST_RE = /[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+/g;
const IPV4_RE = /^\d{1,3}(?:\.\d{1,3}){3}$/;

export function emptyIntended(): Intended {
  return { domains: new Set(), suffixes: new Set(), tlds: new Set() };
}

/**
 * Adds the hosts named in a piece of literal text. `floating` says the text follows a variable part of the
 * pattern (so its first label may be the tail of a longer label, as `-team.vercel.app` in
 * `myapp-[a-z0-9]+-team\.vercel\.app`).
 */
export function addHostsFromText(text: string, into: Intended, floating = false): void {
  const lower = text.toLowerCase();
  for (const m of lower.matchAll(HOST_RE)) {
    const host = m[0];
    if (IPV4_RE.test(host)) {
      into.domains.add(host);
      continue;
    }
    // Part of an IP address (`192\.168\.\d+`): not a host name.
    if (/^[0-9.]+$/.test(host)) continue;
    const tld = host.slice(host.lastIndexOf('.') + 1);
    // Only a top-level domain anyone can register under: not `.local`, `.internal`, `.test`, `.lan` (audit 30 case
    // 01, `https://attackerexample.local` was named as an origin an attacker can register).
    if (/^[a-z]{2,63}$/.test(tld) && parseHost(`x.${tld}`).isIcann) into.tlds.add(tld);
    const before = m.index === 0 ? (floating ? 'x' : '') : lower[m.index - 1]!;
    const partial = /[a-z0-9-]/.test(before);
    if (partial) {
      // The first label continues a variable part: the site is a label under the rest, when the rest is a
      // shared-hosting suffix; otherwise (`.*example\.com`) the author still meant the whole host.
      const rest = host.slice(host.indexOf('.') + 1);
      const suffix = sharedSuffix(rest);
      if (suffix === rest) {
        into.suffixes.add(rest);
        continue;
      }
    }
    addHost(host, into);
  }
}

/** The host itself when it is a public/shared suffix with a registrable level below it. */
function sharedSuffix(host: string): string | undefined {
  if (EXTRA_SHARED_SUFFIXES.includes(host)) return host;
  const info = parseHost(host, { allowPrivateDomains: true });
  if (info.isPrivate && info.publicSuffix === host) return host;
  return undefined;
}

function addHost(host: string, into: Intended): void {
  if (EXTRA_SHARED_SUFFIXES.includes(host)) {
    into.suffixes.add(host);
    return;
  }
  const info = parseHost(host, { allowPrivateDomains: true });
  if (info.domain) {
    // Also a suffix longer than the registrable domain (`app.github.dev` under `github.dev`).
    const extra = EXTRA_SHARED_SUFFIXES.find((s) => info.domain === s || host.endsWith('.' + s));
    if (extra) into.suffixes.add(extra);
    else into.domains.add(info.domain);
  } else if (info.publicSuffix && (info.isIcann || info.isPrivate)) {
    into.suffixes.add(info.publicSuffix);
  } else if (info.publicSuffix) {
    into.domains.add(host);
  }
}

export interface Fragment {
  text: string;
  /** The text follows a variable part of the pattern. */
  floating: boolean;
}

const MAX_VARIANTS = 64;

/**
 * Literal text fragments of a JS-syntax pattern: maximal runs of single characters (`.` read as a dot), with
 * small alternations and optional groups expanded (`(www|app)\.(a|b)\.com` gives four hosts).
 */
export function literalFragments(source: string, flags: string): Fragment[] {
  const frags: Fragment[] = [];
  let ast: AST.Pattern;
  try {
    ast = new RegExpParser({ ecmaVersion: 2025 }).parsePattern(source, undefined, undefined, { unicode: flags.includes('u'), unicodeSets: flags.includes('v') });
  } catch {
    return [];
  }
  const walkAlts = (alts: AST.Alternative[], floating: boolean): void => {
    for (const alt of alts) walkElements(alt.elements, floating);
  };
  const walkElements = (elements: AST.Element[], floatingStart: boolean): void => {
    let variants: string[] = [''];
    let floating = floatingStart;
    const flush = (): void => {
      for (const v of variants) if (v) frags.push({ text: v, floating });
      variants = [''];
      floating = true;
    };
    for (const e of elements) {
      const ch = singleChar(e);
      if (ch !== undefined) {
        variants = variants.map((v) => v + ch);
        continue;
      }
      if (e.type === 'Assertion' && (e.kind === 'start' || e.kind === 'end')) continue;
      const expanded = expand(e);
      if (expanded && expanded.length * variants.length <= MAX_VARIANTS) {
        variants = variants.flatMap((v) => expanded.map((x) => v + x));
        continue;
      }
      flush();
      if (e.type === 'Group' || e.type === 'CapturingGroup') walkAlts(e.alternatives, true);
      else if (e.type === 'Quantifier') {
        const inner = e.element;
        if (inner.type === 'Group' || inner.type === 'CapturingGroup') walkAlts(inner.alternatives, true);
      }
    }
    flush();
  };
  walkAlts(ast.alternatives, false);
  return frags;
}

/** The finite set of strings a purely literal element matches (groups of literal alternatives, `?`), if small. */
function expand(e: AST.Element): string[] | undefined {
  const ch = singleChar(e);
  if (ch !== undefined) return [ch];
  if (e.type === 'Group' || e.type === 'CapturingGroup') {
    const out: string[] = [];
    for (const alt of e.alternatives) {
      let vs: string[] = [''];
      for (const x of alt.elements) {
        const sub = expand(x);
        if (!sub || sub.length * vs.length > MAX_VARIANTS) return undefined;
        vs = vs.flatMap((v) => sub.map((s) => v + s));
      }
      out.push(...vs);
    }
    return out.length <= MAX_VARIANTS ? out : undefined;
  }
  if (e.type === 'Quantifier' && e.min === 0 && e.max === 1) {
    const sub = expand(e.element);
    return sub ? ['', ...sub] : undefined;
  }
  return undefined;
}

function singleChar(e: AST.Element): string | undefined {
  if (e.type === 'Character') return String.fromCodePoint(e.value);
  if (e.type === 'CharacterSet' && e.kind === 'any') return '.';
  if (e.type === 'CharacterClass' && !e.negate && e.elements.length === 1 && e.elements[0]!.type === 'Character') {
    return String.fromCodePoint(e.elements[0]!.value);
  }
  return undefined;
}

/**
 * What each entry names, kept per entry object: every entry of a policy is analysed with all its siblings as
 * context, so without it a list of n origins parsed n² host names.
 */
const named = new WeakMap<OriginEntry, Intended>();

/** Adds what one entry names. */
export function addEntry(entry: OriginEntry, into: Intended): void {
  let own = named.get(entry);
  if (!own) {
    own = emptyIntended();
    collect(entry, own);
    named.set(entry, own);
  }
  for (const d of own.domains) into.domains.add(d);
  for (const x of own.suffixes) into.suffixes.add(x);
  for (const t of own.tlds) into.tlds.add(t);
}

function collect(entry: OriginEntry, into: Intended): void {
  switch (entry.type) {
    case 'literal':
      addHostsFromText(entry.value, into);
      break;
    case 'substring':
      addHostsFromText(entry.haystack, into);
      break;
    case 'tests':
      for (const t of entry.all) addHostsFromText(t.value, into, t.op === 'endsWith' || t.op === 'includes');
      break;
    case 'regex': {
      const t = translate(entry.pattern, entry.flags, entry.flavor);
      if (!t.ok) {
        addHostsFromText(entry.pattern.replace(/\\\./g, '.'), into);
        break;
      }
      for (const f of literalFragments(t.source, t.flags)) addHostsFromText(f.text, into, f.floating);
      break;
    }
  }
}

export function intendedOf(entry: OriginEntry, siblings: readonly OriginEntry[]): Intended {
  const into = emptyIntended();
  addEntry(entry, into);
  for (const s of siblings) if (s !== entry) addEntry(s, into);
  return into;
}

export function intendedKey(i: Intended): string {
  return [[...i.domains].sort().join(','), [...i.suffixes].sort().join(','), [...i.tlds].sort().join(',')].join('|');
}
