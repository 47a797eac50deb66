/**
 * Matching one concrete Origin against the model's origin policy. `entryMatches` is the single place that
 * decides whether an allow-list entry accepts an origin; it is meant to be replaced by the shared automaton
 * matcher of src/analysis once that lands (same signature: true / false / undefined = cannot tell).
 */
import type { OriginEntry, OriginPolicy, StringTest } from '../model/index.js';

/** Whether `entry` accepts `origin`; undefined when this matcher cannot decide it safely. */
export function entryMatches(entry: OriginEntry, origin: string): boolean | undefined {
  switch (entry.type) {
    case 'literal':
      return entry.caseInsensitive ? entry.value.toLowerCase() === origin.toLowerCase() : entry.value === origin;
    case 'substring':
      // Python `origin in "<haystack>"`.
      return entry.haystack.includes(origin);
    case 'tests':
      return entry.all.every((t) => stringTest(t, origin) === true) ? true : entry.all.some((t) => stringTest(t, origin) === undefined) ? undefined : false;
    case 'regex':
      return regexMatches(entry.pattern, entry.flags, entry.flavor, entry.mode, origin);
  }
}

function stringTest(t: StringTest, origin: string): boolean | undefined {
  let subject: string;
  if (t.on === 'origin') subject = origin;
  else {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    subject = t.on === 'hostname' ? url.hostname : t.on === 'protocol' ? url.protocol : url.host;
  }
  const a = t.caseInsensitive ? subject.toLowerCase() : subject;
  const b = t.caseInsensitive ? t.value.toLowerCase() : t.value;
  switch (t.op) {
    case 'equals':
      return a === b;
    case 'startsWith':
      return a.startsWith(b);
    case 'endsWith':
      return a.endsWith(b);
    case 'includes':
      return a.includes(b);
  }
}

/**
 * Runs a pattern only when it is simple enough to be safe and to mean the same in JS: no backreferences,
 * no lookaround, no nested quantifiers, bounded length. Python/PCRE inline flags other than a leading
 * `(?i)` are refused. Origins are short (≤ 300 chars here), which bounds the cost further.
 */
function regexMatches(pattern: string, flags: string, flavor: string, mode: string, origin: string): boolean | undefined {
  if (pattern.length > 500 || origin.length > 300) return undefined;
  let p = pattern;
  let f = '';
  if (flavor === 'js') {
    // `g`/`y` make `test()` stateful: the answer depends on the previous request.
    if (/[gy]/.test(flags)) return undefined;
    if (/[^imsu]/.test(flags)) return undefined;
    f = flags.replace(/[^imsu]/g, '');
  } else {
    if (/i/i.test(flags)) f += 'i';
    const inline = /^\(\?([aiLmsux]+)\)/.exec(p);
    if (inline) {
      if (/[^i]/.test(inline[1] as string)) return undefined;
      f += 'i';
      p = p.slice(inline[0].length);
    }
    // Python-only syntax (named groups `(?P<`, `\A`, `\Z`, possessive/atomic) or inline flags inside.
    if (/\(\?P|\\[AZz]|\(\?[a-zA-Z]|\(\?>|[*+?}]\+/.test(p)) return undefined;
  }
  if (/\\[1-9]|\(\?<?[=!]/.test(p)) return undefined;
  // Nested quantifiers such as (a+)+ can backtrack exponentially: refuse them.
  if (/\([^()]*[+*][^()]*\)[+*{]/.test(p)) return undefined;
  let re: RegExp;
  try {
    re = new RegExp(p, f);
  } catch {
    // An invalid pattern: flask-cors catches re.error and never matches; others fail at start-up.
    return flavor === 'python' ? false : undefined;
  }
  if (mode === 'search') return re.test(origin);
  if (mode === 'match') {
    // Anchored at the start only. A JS exec finds the leftmost match; require it to start at 0.
    const anchored = new RegExp(`^(?:${p})`, f);
    return anchored.test(origin);
  }
  // fullmatch
  const full = new RegExp(`^(?:${p})$`, f);
  return full.test(origin);
}

export type OriginDecision =
  /** ACAO is sent with this value. */
  | { send: true; value: string; reflected: boolean }
  /** ACAO is not sent (origin refused, or no Origin to reflect). */
  | { send: false; refused: boolean }
  | { unknown: string };

/**
 * What ACAO a policy's origin decision gives for a request Origin, leaving framework quirks (what is sent
 * for a refused origin) to the emitters.
 */
export function decideOrigin(policy: OriginPolicy, origin: string | undefined): OriginDecision {
  switch (policy.kind) {
    case 'none':
      return { send: false, refused: true };
    case 'wildcard':
      if (origin === undefined && policy.onlyWithOrigin) return { send: false, refused: false };
      return { send: true, value: '*', reflected: false };
    case 'fixed':
      return { send: true, value: policy.value, reflected: false };
    case 'reflect-any':
      return origin === undefined ? { send: false, refused: false } : { send: true, value: origin, reflected: true };
    case 'allow-list': {
      const star = policy.onRefused === 'wildcard';
      const instead = star ? '*' : policy.refusedValue;
      if (origin === undefined) return instead !== undefined ? { send: true, value: instead, reflected: false } : { send: false, refused: false };
      let undecided = false;
      for (const e of policy.entries) {
        const m = entryMatches(e, origin);
        if (m === true) return { send: true, value: origin, reflected: true };
        if (m === undefined) undecided = true;
      }
      if (undecided) return { unknown: `cannot decide whether an origin pattern accepts ${origin}` };
      if (policy.unknownEntries.length > 0) return { unknown: `the allow-list has entries whose value is not known statically` };
      return instead !== undefined ? { send: true, value: instead, reflected: false } : { send: false, refused: true };
    }
  }
}
