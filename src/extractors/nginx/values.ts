/**
 * Symbolic values of nginx variables, as far as CORS needs them: what `Access-Control-Allow-Origin $x`
 * sends as a function of the request Origin.
 *
 * A value is an ordered list of cases (first matching guard wins) and a default, which is exactly the shape
 * of a `map` (cors-semantics.md §4.3: string keys case-insensitive, regex keys in order, default "") and of
 * a `set $x ...; if (cond) { set $x ...; }` sequence (a later matching `if` overrides an earlier one, so its
 * case comes first).
 */
import type { OriginEntry, Span } from '../../model/index.js';

export type Atom =
  /** A constant string (the empty string emits no header, §4.1). */
  | { t: 'lit'; v: string; span: Span }
  /** The request's Origin header, unvalidated. */
  | { t: 'origin'; span: Span }
  /**
   * A value the analysis cannot compute. `fromOrigin`: it is computed from the Origin in a way the analysis does
   * not follow (a map keyed on `"$request_method:$http_origin"`), so a condition on it may be an Origin check.
   */
  | { t: 'unknown'; reason: string; span: Span; fromOrigin?: boolean; /** Request data other than the Origin (`$host`, an upstream header). */ requestData?: boolean };

export type Guard =
  /** Holds when the Origin matches one of the entries (or, negated, none of them). */
  | {
      t: 'origin';
      entries: OriginEntry[];
      unknownSpans: Span[];
      negated: boolean;
      deny?: boolean;
      /** Also a method test (a flag set under both: `set $cors '1'` under an Origin test, `'${cors}o'` under OPTIONS). */
      method?: { op: string; value: string };
    }
  /**
   * A condition that does not depend on the Origin (method, host, file tests...). `originPresent`: it asks only
   * that the request has an Origin (`if ($http_origin)`, `!= ""`), which every browser origin passes.
   */
  | { t: 'other'; method?: { op: string; value: string }; originPresent?: true }
  /** A condition on the Origin that cannot be analysed. */
  | { t: 'unknown'; reason: string };

export interface Case {
  guard: Guard;
  atom: Atom;
}

export interface SymValue {
  cases: Case[];
  dflt: Atom;
}

export function constant(atom: Atom): SymValue {
  return { cases: [], dflt: atom };
}

/** nginx truthiness of `if ($var)`: false for "" and "0". */
export function truthy(v: string): boolean {
  return v !== '' && v !== '0';
}

/** True when the value involves the request Origin (so a condition on it is an Origin test). */
export function dependsOnOrigin(v: SymValue): boolean {
  return v.dflt.t === 'origin' || v.cases.some((c) => c.atom.t === 'origin' || c.guard.t !== 'other');
}

/** Splits `pre$var post${var}` into literal and variable parts. */
export type Part = { lit: string } | { name: string };

export function splitVariables(value: string, envTemplate: boolean): { parts: Part[]; placeholder: boolean } {
  const parts: Part[] = [];
  let lit = '';
  let placeholder = false;
  let i = 0;
  while (i < value.length) {
    const ch = value[i];
    if (ch === '$') {
      const braced = value[i + 1] === '{';
      const m = braced ? /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(value.slice(i)) : /^\$([A-Za-z_][A-Za-z0-9_]*|[0-9])/.exec(value.slice(i));
      if (m) {
        if (braced && envTemplate) {
          placeholder = true;
        } else {
          if (lit) parts.push({ lit });
          lit = '';
          // nginx variable names are case-insensitive ($HTTP_ORIGIN is $http_origin): kept lower-case.
          parts.push({ name: (m[1] as string).toLowerCase() });
        }
        if (!(braced && envTemplate)) {
          i += m[0].length;
          continue;
        }
      }
    }
    if (ch === '{' && value[i + 1] === '{') placeholder = true;
    // An ERB tag (`<%= @cors_origin %>`, Chef and Puppet templates) is filled in when the template is rendered.
    if (ch === '<' && value[i + 1] === '%' && value.includes('%>', i + 2)) placeholder = true;
    // A `{MEDIA_CORS_ORIGIN}` placeholder that a deploy script replaces (audit 36 nginx D5, Couchers): nginx would send
    // the braces as they are, a value no one means. Upper-case names only, so regex quantifiers (`{1,5}`) are untouched.
    if (ch === '{' && value[i + 1] !== '{' && value[i - 1] !== '{' && /^\{[A-Z_][A-Z0-9_]*\}/.test(value.slice(i, i + 200))) placeholder = true;
    lit += ch;
    i++;
  }
  if (lit) parts.push({ lit });
  return { parts, placeholder };
}
