/** Counting what the oracle really compared (only real comparisons count toward the numbers). */
export async function registeredKinds(): Promise<Set<string>> {
  try {
    const mod = (await import('../../../src/extractors/index.js')) as { allExtractors: { kinds: string[] }[] };
    return new Set(mod.allExtractors.flatMap((e) => e.kinds));
  } catch {
    return new Set();
  }
}

interface AppTally {
  kind: string;
  compared: number;
  unknown: string[];
  mismatches: string[];
  knownGaps: string[];
  state: 'run' | 'skipped';
  reason?: string;
}

class Tally {
  apps = new Map<string, AppTally>();
  private get(app: string, kind: string): AppTally {
    let a = this.apps.get(app);
    if (!a) this.apps.set(app, (a = { kind, compared: 0, unknown: [], mismatches: [], knownGaps: [], state: 'run' }));
    return a;
  }
  compared(app: string, kind: string): void {
    this.get(app, kind).compared++;
  }
  unknown(app: string, kind: string, what: string): void {
    this.get(app, kind).unknown.push(what);
  }
  mismatch(app: string, kind: string, what: string): void {
    this.get(app, kind).mismatches.push(what);
  }
  knownGap(app: string, kind: string, what: string): void {
    this.get(app, kind).knownGaps.push(what);
  }
  skipped(app: string, kind: string, reason: string): void {
    const a = this.get(app, kind);
    a.state = 'skipped';
    a.reason = reason;
  }
  json() {
    const run = [...this.apps.entries()].filter(([, a]) => a.state === 'run' && a.compared > 0);
    return {
      apps: run.length,
      comparisons: run.reduce((n, [, a]) => n + a.compared, 0),
      mismatches: run.reduce((n, [, a]) => n + a.mismatches.length, 0),
      knownGaps: run.reduce((n, [, a]) => n + a.knownGaps.length, 0),
      kinds: [...new Set(run.map(([, a]) => a.kind))].sort(),
      perApp: Object.fromEntries([...this.apps.entries()].map(([k, a]) => [k, a])),
    };
  }
  summary(): string {
    const j = this.json();
    const skipped = [...this.apps.entries()].filter(([, a]) => a.state === 'skipped').map(([k, a]) => `${k} (${a.reason})`);
    const unknown = [...this.apps.values()].reduce((n, a) => n + a.unknown.length, 0);
    return [
      `oracle: ${j.apps} apps, ${j.comparisons} request comparisons, kinds: ${j.kinds.join(', ') || '-'}, ${j.mismatches} mismatches, ${j.knownGaps} known model gaps (not counted), ${unknown} exchanges not compared (unknown prediction)`,
      skipped.length ? `oracle: skipped: ${skipped.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('\n');
  }
}

export const tally = new Tally();
