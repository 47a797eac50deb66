/**
 * Comparing a real response with simulate's prediction, header by header, the way the browser reads them:
 * exact values for Allow-Origin / Allow-Credentials / Max-Age, token sets for the list headers, and the
 * CORS-relevant tokens of Vary.
 */
import type { SimResponse } from '../../../src/simulate/types.js';
import { joined, type RawResponse } from './http.js';

const TOKEN_HEADERS: Record<string, 'case' | 'nocase'> = {
  'access-control-allow-methods': 'case',
  'access-control-allow-headers': 'nocase',
  'access-control-expose-headers': 'nocase',
};

function tokenSet(v: string, mode: 'case' | 'nocase'): string {
  const t = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (mode === 'nocase' ? s.toLowerCase() : s));
  return [...new Set(t)].sort().join(',');
}

/** Vary tokens that CORS depends on. */
function varyTokens(v: string | undefined): string {
  if (v === undefined) return '';
  return [...new Set(v.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s === 'origin' || s === '*' || s.startsWith('access-control-request-')))]
    .sort()
    .join(',');
}

export interface Diff {
  what: string;
  predicted: string;
  real: string;
}

export interface Comparison {
  diffs: Diff[];
  /** Headers skipped because the prediction is unknown. */
  skipped: string[];
}

export function compareResponse(pred: SimResponse, real: RawResponse): Comparison {
  const diffs: Diff[] = [];
  const skipped: string[] = [];
  if (pred.status !== null && pred.status !== real.status) diffs.push({ what: 'status', predicted: String(pred.status), real: String(real.status) });
  if (pred.status === null) skipped.push('status');
  const r = joined(real.lines);
  const names = new Set<string>();
  for (const k of Object.keys(r)) if (k.startsWith('access-control-')) names.add(k);
  for (const k of Object.keys(pred.headers)) if (k.startsWith('access-control-')) names.add(k);
  for (const name of [...names].sort()) {
    const p = pred.headers[name];
    const v = r[name];
    if (p === null) {
      skipped.push(name);
      continue;
    }
    const mode = TOKEN_HEADERS[name];
    const same = p === undefined || v === undefined ? p === v : mode ? tokenSet(p, mode) === tokenSet(v, mode) : p === v;
    if (!same) diffs.push({ what: name, predicted: p ?? '(absent)', real: v ?? '(absent)' });
  }
  if (pred.headers['vary'] === null) skipped.push('vary');
  else {
    const pv = varyTokens(pred.headers['vary']);
    const rv = varyTokens(r['vary']);
    if (pv !== rv) diffs.push({ what: 'vary (CORS tokens)', predicted: pv || '(none)', real: rv || '(none)' });
  }
  return { diffs, skipped };
}

export function formatDiffs(title: string, diffs: Diff[]): string {
  const w = Math.max(...diffs.map((d) => d.what.length), 6);
  return [title, ...diffs.map((d) => `  ${d.what.padEnd(w)}  predicted: ${d.predicted}\n  ${''.padEnd(w)}  real:      ${d.real}`)].join('\n');
}
