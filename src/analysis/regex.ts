/**
 * Regular expressions of every flavour → one finite automaton over "framed" origin strings.
 *
 * The automaton never runs a backtracking engine: patterns are parsed (regexpp through refa), translated
 * from Python / PCRE / Go syntax where JS syntax differs, and compiled to an NFA with a node budget. A
 * pattern that cannot be translated exactly, or that is too large, yields an `unknown` result with a reason.
 *
 * Anchors. The languages are built over the framed word `START origin END` (two Unicode noncharacters).
 * `^` / `\A` become the character START and `$` / `\Z` / `\z` the character END, every other character
 * class loses both markers, and the matching mode decides what may surround the pattern:
 * - `search` (JS `RegExp.test`, PCRE `~`, Go `MatchString`): `[^]* P [^]*`
 * - `match` (Python `re.match`): `START? P [^]*`
 * - `fullmatch` (Python `re.fullmatch`): `START? P END?`
 * Origins never contain line terminators, so `^`/`$` under a multiline flag and Python's "`$` before a final
 * newline" behave like plain start/end here (cors-semantics.md §1.2, §2.1, §3.2, §4.3).
 */
import type * as R from 'refa';
import type { Char, Concatenation, Element, Expression, NoParent } from 'refa';
import { refa } from './refa.js';

type CharSet = R.CharSet;
type DFA = R.DFA;
import type { MatchMode, RegexFlavor } from '../model/index.js';

/** Automata with more states than this are minimised after construction (see compile). */
const MINIMIZE_ABOVE = 100;

export const START = 0xfdd0;
export const END = 0xfdd1;

/** Limits that bound the work on one pattern (the "budget"). */
export const LIMITS = {
  maxPatternLength: 4000,
  parserNodes: 20_000,
  nfaNodes: 4_000,
  dfaNodes: 10_000,
  productNodes: 20_000,
  /**
   * CPU-time budget for the queries on one entry (ms): a backstop behind the node limits. It counts the CPU time
   * of this process, not the wall clock, so a loaded machine (parallel CI jobs) does not change the findings.
   */
  timeMs: 1500,
};

export class BudgetExceeded extends Error {}

/** Milliseconds of CPU time this process has used (user + system). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * How many check() calls read a clock once: the loops that check run a few microseconds per step.
 */
const CLOCK_EVERY = 32;

/**
 * Wall-clock milliseconds an entry may run before its CPU clock is read at all. Reading the CPU clock
 * (`process.cpuUsage`, getrusage) took 0.3-0.5 ms a call during a monorepo run, with V8's compiler and GC threads
 * busy: one reading per entry cost 30-60 ms over the 116 patterns of the bench monorepo (profiled). Almost every
 * entry is decided within this time, so it never reads the CPU clock; a slow one starts counting its CPU time
 * here, with these milliseconds counted as spent.
 */
const CPU_CLOCK_AFTER_MS = 10;

/**
 * The time budget of one entry (LIMITS.timeMs of CPU time). The first CPU_CLOCK_AFTER_MS are measured on the
 * monotonic wall clock, which costs no system call; after them the CPU clock decides, so a loaded machine (parallel
 * CI jobs) changes at most those few milliseconds of the budget, not the findings of a pattern near the limit.
 */
export class Deadline {
  private readonly startWall = performance.now();
  /** CPU time when the wall clock passed CPU_CLOCK_AFTER_MS (unset until then). */
  private cpuFrom: number | undefined;
  private calls = 0;
  /** @param graceMs CPU_CLOCK_AFTER_MS (tests change it) */
  constructor(
    private readonly ms: number = LIMITS.timeMs,
    private readonly graceMs: number = CPU_CLOCK_AFTER_MS,
  ) {}
  check(): void {
    if (++this.calls % CLOCK_EVERY !== 0) return;
    if (this.cpuFrom === undefined) {
      if (performance.now() - this.startWall < this.graceMs) return;
      this.cpuFrom = cpuMs();
    }
    if (this.graceMs + cpuMs() - this.cpuFrom > this.ms) throw new BudgetExceeded('time budget exceeded');
  }
}

export type Translation = { ok: true; source: string; flags: string } | { ok: false; reason: string; invalid?: boolean };

/** Reasons the translation or compilation gave up; `invalid` means the engine itself rejects the pattern. */
export type Compiled =
  | { ok: true; dfa: DFA; maxCharacter: Char }
  | { ok: false; reason: string; invalid?: boolean };

const FLAG_LETTERS = new Set(['i', 'm', 's', 'x']);

/**
 * Translates a Python / PCRE / Go pattern to JS syntax (non-unicode mode, Annex B), or says why it cannot.
 * `flags` are the model's flags (letters: i, m, s, x, plus JS-only g, y, u, v, d).
 */
export function translate(pattern: string, flags: string, flavor: RegexFlavor): Translation {
  if (pattern.length > LIMITS.maxPatternLength) return { ok: false, reason: `the pattern is longer than ${LIMITS.maxPatternLength} characters` };
  if (flavor === 'js') {
    const jsFlags = [...new Set(flags.replace(/[gy]/g, ''))].filter((f) => 'imsuvd'.includes(f)).join('');
    return { ok: true, source: pattern, flags: jsFlags };
  }
  let src = pattern;
  const fl = new Set([...flags].filter((f) => FLAG_LETTERS.has(f)));
  // Leading global inline flags: Python `(?aiLmsux)`, PCRE `(?i)`, Go `(?i)`; possibly repeated.
  for (;;) {
    const m = /^\(\?([a-zA-Z]+)\)/.exec(src);
    if (!m) break;
    for (const c of m[1]!) {
      if (FLAG_LETTERS.has(c)) fl.add(c);
      else if (!'aLuU'.includes(c) || (c === 'U' && flavor !== 'go')) return { ok: false, reason: `inline flag "${c}" is not supported` };
      else if (c === 'U') return { ok: false, reason: 'ungreedy flag (?U) is not supported' };
    }
    src = src.slice(m[0].length);
  }
  if (fl.has('x')) {
    const stripped = stripVerbose(src);
    src = stripped;
    fl.delete('x');
  }
  let out = '';
  let inClass = false;
  let classStart = -1;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    const rest = src.slice(i);
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) return { ok: false, reason: 'trailing backslash', invalid: true };
      if (!inClass && (n === 'A' || (n === 'Z' && flavor !== 'pcre') || n === 'z')) {
        out += n === 'A' ? '^' : '$';
        i++;
        continue;
      }
      if (n === 'Z' && flavor === 'pcre') {
        out += '$';
        i++;
        continue;
      }
      if (n === 'Q') {
        const endQ = src.indexOf('\\E', i + 2);
        const lit = endQ < 0 ? src.slice(i + 2) : src.slice(i + 2, endQ);
        out += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, (ch) => '\\' + ch);
        i = endQ < 0 ? src.length : endQ + 1;
        continue;
      }
      if ('GKhHRXCEpPNgkLlU'.includes(n) || (n === 'x' && src[i + 2] === '{')) {
        return { ok: false, reason: `escape \\${n} is not supported in ${flavor} patterns` };
      }
      if (/[1-9]/.test(n)) return { ok: false, reason: 'backreferences are not supported' };
      out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']' && i > classStart) inClass = false;
      if (c === '[' && src[i + 1] === ':') return { ok: false, reason: 'POSIX character classes are not supported' };
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += '[';
      let j = i + 1;
      if (src[j] === '^') {
        out += '^';
        j++;
      }
      // Python/PCRE/Go: a `]` right after `[` or `[^` is a literal; in JS `[]` is the empty class.
      if (src[j] === ']') {
        out += '\\]';
        j++;
      }
      classStart = j;
      i = j - 1;
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      if (rest.startsWith('(?P<')) {
        out += '(?<';
        i += 3;
        continue;
      }
      if (rest.startsWith('(?P=') || rest.startsWith('(?P>') || rest.startsWith('(?&') || /^\(\?[R0-9+-]/.test(rest)) {
        return { ok: false, reason: 'backreferences and recursion are not supported' };
      }
      if (rest.startsWith('(?#')) {
        const close = src.indexOf(')', i);
        if (close < 0) return { ok: false, reason: 'unterminated comment', invalid: true };
        i = close;
        continue;
      }
      if (rest.startsWith('(?>') || rest.startsWith('(?(') || rest.startsWith('(?|')) {
        return { ok: false, reason: 'atomic groups and conditionals are not supported' };
      }
      if (/^\(\?[a-zA-Z-]+[:)]/.test(rest)) return { ok: false, reason: 'scoped inline flags are not supported' };
      out += c;
      continue;
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && src[i + 1] === '+' && flavor !== 'go') {
      return { ok: false, reason: 'possessive quantifiers are not supported' };
    }
    if (c === '{') {
      // Python `{,n}` means `{0,n}`; JS would read it as literal text.
      const m = /^\{,(\d+)\}/.exec(rest);
      if (m && flavor === 'python') {
        out += `{0,${m[1]}}`;
        i += m[0].length - 1;
        continue;
      }
    }
    if (c === '/') {
      out += '\\/';
      continue;
    }
    out += c;
  }
  if (inClass) return { ok: false, reason: 'unterminated character set', invalid: true };
  return { ok: true, source: out, flags: [...fl].join('') };
}

/** Removes whitespace and `#` comments outside character classes (Python `re.VERBOSE`, PCRE `(?x)`). */
function stripVerbose(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      out += c + (src[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += src[++i];
      continue;
    }
    if (/\s/.test(c)) continue;
    if (c === '#') {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? src.length : nl;
      continue;
    }
    out += c;
  }
  return out;
}

/** Messages of syntax errors that every flavour rejects too (the pattern can never work). */
const UNIVERSAL_SYNTAX_ERRORS = /Nothing to repeat|Unterminated group|Unmatched '\)'|Unterminated character class|Lone quantifier|numbers out of order|Range out of order|Unterminated/;

/** Parses a translated JS pattern and builds the NFA of its framed language in the given mode. */
export function compile(t: { source: string; flags: string }, mode: MatchMode): Compiled {
  let parser: R.JS.Parser;
  try {
    parser = refa().JS.Parser.fromLiteral({ source: t.source, flags: t.flags });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: `invalid regular expression: ${msg.replace(/^Invalid regular expression: /, '')}`, invalid: UNIVERSAL_SYNTAX_ERRORS.test(msg) };
  }
  try {
    const { expression, maxCharacter } = parser.parse({
      assertions: 'unknown',
      backreferences: 'unknown',
      maxNodes: LIMITS.parserNodes,
      maxBackreferenceWords: 20,
    });
    const markers = refa().CharSet.fromCharacters(maxCharacter, [START as Char, END as Char]);
    const startSet = refa().CharSet.fromCharacter(maxCharacter, START as Char);
    const endSet = refa().CharSet.fromCharacter(maxCharacter, END as Char);
    const unsupported: string[] = [];
    const body = rewrite(expression, markers, startSet, endSet, unsupported);
    if (unsupported.length > 0) return { ok: false, reason: `unsupported construct ${unsupported[0]}` };
    const any = refa().CharSet.all(maxCharacter);
    const star = (cs: CharSet): NoParent<Element> => ({ type: 'Quantifier', min: 0, max: Infinity, lazy: false, alternatives: [{ type: 'Concatenation', elements: [{ type: 'CharacterClass', characters: cs }] }] });
    const opt = (cs: CharSet): NoParent<Element> => ({ type: 'Quantifier', min: 0, max: 1, lazy: false, alternatives: [{ type: 'Concatenation', elements: [{ type: 'CharacterClass', characters: cs }] }] });
    const group: NoParent<Element> = { type: 'Alternation', alternatives: body.alternatives };
    const elements: NoParent<Element>[] =
      mode === 'search' ? [star(any), group, star(any)] : mode === 'match' ? [opt(startSet), group, star(any)] : [opt(startSet), group, opt(endSet)];
    const wrapped: NoParent<Expression> = { type: 'Expression', alternatives: [{ type: 'Concatenation', elements }] };
    const nfa = refa().NFA.fromRegex(wrapped, { maxCharacter }, { assertions: 'throw', unknowns: 'throw' }, new (refa().NFA.LimitedNodeFactory)(LIMITS.nfaNodes));
    const dfa = refa().DFA.fromFA(nfa, new (refa().DFA.LimitedNodeFactory)(LIMITS.dfaNodes));
    // Minimised only when large: the entry and query automata are a few dozen states, which minimising shrinks by a
    // third at a cost (refa's partition refinement over character ranges) greater than what the smaller products
    // then save; a large automaton is minimised, so the products built from it stay within the budget.
    if (dfa.countNodes() > MINIMIZE_ABOVE) dfa.minimize();
    return { ok: true, dfa, maxCharacter };
  } catch (e) {
    if (e instanceof refa().TooManyNodesError) return { ok: false, reason: 'the pattern is too large to analyse within the budget' };
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: `cannot analyse the pattern: ${msg}` };
  }
}

/** Copies the refa AST, turning `^`/`$` into marker characters and removing the markers from every class. */
function rewrite(expr: NoParent<Expression>, markers: CharSet, startSet: CharSet, endSet: CharSet, unsupported: string[]): NoParent<Expression> {
  const conc = (c: NoParent<Concatenation>): NoParent<Concatenation> => ({ type: 'Concatenation', elements: c.elements.map(el) });
  const el = (e: NoParent<Element>): NoParent<Element> => {
    switch (e.type) {
      case 'CharacterClass':
        return { type: 'CharacterClass', characters: e.characters.without(markers) };
      case 'Alternation':
        return { type: 'Alternation', alternatives: e.alternatives.map(conc) };
      case 'Quantifier':
        return { type: 'Quantifier', min: e.min, max: e.max, lazy: e.lazy, alternatives: e.alternatives.map(conc) };
      case 'Assertion':
        unsupported.push('lookaround');
        return { type: 'CharacterClass', characters: refa().CharSet.empty(markers.maximum) };
      case 'Unknown':
        if (e.id === '^') return { type: 'CharacterClass', characters: startSet };
        if (e.id === '$') return { type: 'CharacterClass', characters: endSet };
        unsupported.push(`"${e.id}"`);
        return { type: 'CharacterClass', characters: refa().CharSet.empty(markers.maximum) };
      default:
        return e;
    }
  };
  return { type: 'Expression', alternatives: expr.alternatives.map(conc) };
}

/** The words `START w END` where w holds no marker: exactly the framed strings an entry is tested on. */
export function framedWords(maxCharacter: Char): DFA {
  const markers = refa().CharSet.fromCharacters(maxCharacter, [START as Char, END as Char]);
  const cls = (cs: CharSet): NoParent<Element> => ({ type: 'CharacterClass', characters: cs });
  const body: NoParent<Element> = { type: 'Quantifier', min: 0, max: Infinity, lazy: false, alternatives: [{ type: 'Concatenation', elements: [cls(refa().CharSet.all(maxCharacter).without(markers))] }] };
  const expr: NoParent<Expression> = {
    type: 'Expression',
    alternatives: [{ type: 'Concatenation', elements: [cls(refa().CharSet.fromCharacter(maxCharacter, START as Char)), body, cls(refa().CharSet.fromCharacter(maxCharacter, END as Char))] }],
  };
  const dfa = refa().DFA.fromFA(refa().NFA.fromRegex(expr, { maxCharacter }));
  dfa.minimize();
  return dfa;
}

/** Frames an origin string as the word `START origin END`. */
export function frame(s: string): number[] {
  const w: number[] = [START];
  for (let i = 0; i < s.length; i++) w.push(s.charCodeAt(i));
  w.push(END);
  return w;
}

/** Removes the frame markers from a word. */
export function unframe(word: readonly number[]): string {
  return String.fromCharCode(...word.filter((c) => c !== START && c !== END));
}

