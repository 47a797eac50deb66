/** A response under construction: header lines with set / append / Vary semantics, unknown values kept explicit. */
import type { Span } from '../model/index.js';
import type { HeaderLine, SimResponse } from './types.js';

/**
 * A header value as every HTTP client reads it: without the spaces and tabs around it (Fetch's header value
 * normalization; Node, Werkzeug and nginx send them as written).
 */
function normalized(value: string | undefined): string | undefined {
  return value?.replace(/^[ \t]+|[ \t]+$/g, '');
}

export class ResponseBuilder {
  lines: HeaderLine[] = [];
  status: number | null;
  /** Reasons why something about this response is unknown. */
  unknown: string[] = [];

  constructor(status: number | null) {
    this.status = status;
  }

  has(name: string): boolean {
    const n = name.toLowerCase();
    return this.lines.some((l) => l.name === n);
  }

  get(name: string): HeaderLine[] {
    const n = name.toLowerCase();
    return this.lines.filter((l) => l.name === n);
  }

  /** Replaces every line of `name` (Node `setHeader`, Werkzeug `headers[...] =`, Starlette `headers[...] =`). */
  set(name: string, value: string | undefined, span?: Span, reason?: string): void {
    const n = name.toLowerCase();
    const i = this.lines.findIndex((l) => l.name === n);
    const line: HeaderLine = { name: n, value: normalized(value), ...(span ? { span } : {}), ...(reason ? { reason } : {}) };
    this.lines = this.lines.filter((l) => l.name !== n);
    if (i >= 0) this.lines.splice(Math.min(i, this.lines.length), 0, line);
    else this.lines.push(line);
  }

  /** Adds one more line (nginx `add_header`, `res.append`, Werkzeug `headers.add`). */
  append(name: string, value: string | undefined, span?: Span, reason?: string, maybe = false): void {
    this.lines.push({ name: name.toLowerCase(), value: normalized(value), ...(span ? { span } : {}), ...(reason ? { reason } : {}), ...(maybe ? { maybe } : {}) });
  }

  remove(name: string): void {
    const n = name.toLowerCase();
    this.lines = this.lines.filter((l) => l.name !== n);
  }

  /**
   * Adds a token to Vary the way the `vary` npm module and Starlette's `add_vary_header` do: one line,
   * token appended when missing (case-insensitive).
   */
  addVary(token: string, span?: Span): void {
    const cur = this.get('vary');
    if (cur.length === 0) {
      this.append('vary', token, span);
      return;
    }
    const last = cur[cur.length - 1] as HeaderLine;
    if (last.value === undefined) return;
    const tokens = last.value.split(',').map((t) => t.trim().toLowerCase());
    if (tokens.includes('*') || tokens.includes(token.toLowerCase())) return;
    last.value = `${last.value}, ${token}`;
  }

  markUnknown(reason: string): void {
    if (!this.unknown.includes(reason)) this.unknown.push(reason);
  }

  toResponse(): SimResponse {
    const lines = this.lines.map((l) => ({ ...l }));
    if (!lines.some((l) => l.maybe)) return { status: this.status, headers: joinHeaders(lines), lines };
    const headers = joinHeaders(lines.map((l) => (l.maybe ? { ...l, value: undefined } : l)));
    const alternatives = [joinHeaders(lines.map(({ maybe: _m, ...l }) => l)), joinHeaders(lines.filter((l) => !l.maybe))];
    return { status: this.status, headers, lines, alternatives };
  }
}

/** The browser's view of header lines: lower-case names, values joined with ", " (Fetch "get"); unknown → null. */
export function joinHeaders(lines: HeaderLine[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const unknownNames = new Set<string>();
  for (const l of lines) {
    if (l.value === undefined) {
      unknownNames.add(l.name);
      continue;
    }
    const prev = out[l.name];
    out[l.name] = prev === undefined || prev === null ? l.value : `${prev}, ${l.value}`;
  }
  for (const n of unknownNames) out[n] = null;
  return out;
}

/** Splits a token-list header value (`a, b,c`) into trimmed non-empty tokens. */
export function tokens(value: string): string[] {
  return value
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}
