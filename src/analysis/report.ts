/** Glue between the origin analysis and the five origin rules: which entries of a policy have which problem. */
import type { CorsPolicy, OriginEntry, Span } from '../model/index.js';
import type { RelatedLocation } from '../engine/rule.js';
import { analyzeOriginPolicy } from './index.js';
import { entryKey, type OriginProblem, type ProblemKind } from './origins.js';

export interface EntryProblem {
  entry: OriginEntry;
  /** Where to report: the entry, or the whole origin value for a `fixed` policy. */
  span: Span;
  problem: OriginProblem;
  /** The entry comes from a `fixed` policy (one value sent whatever the request Origin). */
  fixed: boolean;
  /** The problem's identity, the same for every policy that shares the entry (Finding.key). */
  key: string;
}

/** The problems of one kind among the known origin entries of a policy (allow-list entries, or the fixed value). */
export function originProblems(policy: CorsPolicy, kind: ProblemKind): EntryProblem[] {
  const origin = policy.origin;
  if (!origin.known) return [];
  const value = origin.value;
  if (value.kind !== 'allow-list' && value.kind !== 'fixed') return [];
  // Every other origin gets `*`: without credentials each site reads these responses anyway, so what an entry
  // lets in adds nothing. With credentials (or maybe) the entries are the only origins that read with the user's
  // cookies.
  if (value.kind === 'allow-list' && value.onRefused === 'wildcard' && policy.credentials.known && !policy.credentials.value) return [];
  const out: EntryProblem[] = [];
  // A `*` entry beside a check the analysis could not follow (`ALLOWED.includes(o) || PATTERNS.some((p) =>
  // p.test(o))`, PATTERNS made from the `*` entries): that check may be what reads it as a wildcard (audit 16).
  const globsElsewhere = value.kind === 'allow-list' && value.opaqueChecks === true;
  for (const v of analyzeOriginPolicy(value, origin.span)) {
    for (const p of v.problems) {
      if (p.kind !== kind) continue;
      if (globsElsewhere && (p.code === 'glob' || p.code === 'wildcard-in-list')) continue;
      const key = JSON.stringify([entryKey(v.entry), p.kind, p.code ?? '', p.example ?? '', p.detail]);
      out.push({ entry: v.entry, span: value.kind === 'fixed' ? origin.span : v.entry.span, problem: p, fixed: value.kind === 'fixed', key });
    }
  }
  return out;
}

/** True when the policy is known to send `Access-Control-Allow-Credentials: true`. */
export function withCredentials(policy: CorsPolicy): boolean {
  return policy.credentials.known && policy.credentials.value === true;
}

/** The credentials site as a related location, when credentials are on. */
export function credentialsRelated(policy: CorsPolicy, why: string): RelatedLocation[] {
  return withCredentials(policy) ? [{ span: policy.credentials.span, message: why }] : [];
}

/** "Origin pattern /x/" or "Allowed origin "x"", for the start of messages. */
export function entryLabel(entry: OriginEntry, describe: (e: OriginEntry) => string): string {
  switch (entry.type) {
    case 'literal':
      return `Allowed origin ${describe(entry)}`;
    case 'regex':
      return `Origin pattern ${describe(entry)}`;
    case 'tests':
      return `Origin check ${describe(entry)}`;
    case 'substring':
      return `Allowed origins ${describe(entry)}`;
  }
}
