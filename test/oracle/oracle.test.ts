/**
 * The oracle: every app under test/oracle/apps/<kind>-<name>/ is linted by cors-lint AND started for real;
 * for each request of its matrix the real response headers must equal `simulate`'s prediction.
 * An app whose kind has no registered extractor fails; a missing Debian
 * package skips locally with the reason and fails when CI=true (install them with .ci/oracle-deps.sh).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate/index.js';
import { loadProjectModel, type ProjectForSimulation } from '../../src/simulate/project.js';
import { compareResponse, formatDiffs, type Diff } from './support/compare.js';
import { send } from './support/http.js';
import { buildMatrix, exchangesFor, loadOracleConfig } from './support/matrix.js';
import { kindOfApp, missingDependency, startApp, type AppKind, type RunningServer } from './support/servers.js';
import { registeredKinds, tally } from './support/tally.js';

const APPS = path.resolve(import.meta.dirname, 'apps');
const CI = process.env['CI'] === 'true';
const ONLY = process.env['ORACLE_ONLY'];

const appDirs = fs
  .readdirSync(APPS)
  .filter((d) => fs.statSync(path.join(APPS, d)).isDirectory() && kindOfApp(d))
  .filter((d) => !ONLY || d.includes(ONLY))
  .sort();

const kinds = await registeredKinds();

/**
 * Apps run one after the other, but the next app's server and model are prepared while the current one is
 * being tested (at most two servers alive). Every server started is stopped, also when a test fails.
 */
interface Prepared {
  server: RunningServer;
  project: ProjectForSimulation;
}
const prepared = new Map<string, Promise<Prepared>>();
const started = new Set<RunningServer>();
function prepare(dir: string): Promise<Prepared> {
  let p = prepared.get(dir);
  if (!p) {
    const appDir = path.join(APPS, dir);
    p = (async () => {
      const project = await loadProjectModel(appDir);
      const server = await startApp(kindOfApp(dir) as AppKind, appDir, { script: loadOracleConfig(appDir).script });
      started.add(server);
      return { server, project };
    })();
    p.catch(() => undefined); // surfaced when awaited by the app's own beforeAll
    prepared.set(dir, p);
  }
  return p;
}
async function stop(server: RunningServer | undefined): Promise<void> {
  if (!server || !started.has(server)) return;
  started.delete(server);
  await server.stop();
}
afterAll(async () => {
  for (const p of prepared.values()) await p.then((x) => stop(x.server)).catch(() => undefined);
});

afterAll(() => {
  const s = tally.summary();
  // The numbers the issue asks for, in the test output.
  console.log(s);
  fs.writeFileSync(path.join(os.tmpdir(), 'cors-lint-oracle-summary.json'), JSON.stringify(tally.json(), null, 2));
});

const runnableDirs = appDirs.filter((d) => {
  const k = kindOfApp(d) as AppKind;
  return kinds.has(k) && !missingDependency(k);
});

for (const dir of appDirs) {
  const kind = kindOfApp(dir) as AppKind;
  const appDir = path.join(APPS, dir);
  const cfg = loadOracleConfig(appDir);
  const cases = buildMatrix(cfg);
  const missing = missingDependency(kind);

  describe(`oracle ${dir}`, () => {
    if (!kinds.has(kind)) {
      it('has an extractor', () => {
        expect.fail(`${dir}: no extractor is registered for ${kind} in src/extractors/index.ts`);
      });
      return;
    }
    if (missing) {
      if (CI) {
        it(`dependencies for ${kind}`, () => {
          expect.fail(`${missing}: run .ci/oracle-deps.sh (CI never skips the oracle)`);
        });
      } else {
        tally.skipped(dir, kind, missing);
        it.skip(`skipped: ${missing} (install with .ci/oracle-deps.sh)`, () => {});
      }
      return;
    }
    let server: RunningServer | undefined;
    let project: ProjectForSimulation | undefined;
    beforeAll(async () => {
      const next = runnableDirs[runnableDirs.indexOf(dir) + 1];
      const mine = prepare(dir);
      if (next) void prepare(next);
      ({ server, project } = await mine);
    });
    afterAll(async () => {
      await stop(server);
    });
    it('cors-lint extracts a policy', () => {
      const p = project as ProjectForSimulation;
      expect(p.parseErrors, JSON.stringify(p.parseErrors)).toEqual([]);
      expect(p.model.policies.length).toBeGreaterThan(0);
    });
    for (const c of cases) {
      it(c.name, async () => {
        const p = project as ProjectForSimulation;
        const s = server as RunningServer;
        const pred = simulate(p.model, c.request, { readText: p.readText });
        const failures: string[] = [];
        let counted = 0;
        for (const x of exchangesFor(c.request)) {
          const predicted = x.kind === 'preflight' ? pred.preflight : pred.response;
          const real = await send(s.port, x.method, c.request.path, x.headers, x.body);
          if (!predicted) {
            failures.push(`${x.kind}: simulate predicted no ${x.kind}, the browser sends one`);
            continue;
          }
          const cmp = compareResponse(predicted, real);
          if (cmp.skipped.length) tally.unknown(dir, kind, `${c.name} ${x.kind}: ${cmp.skipped.join(', ')} (${pred.unknownReasons.join('; ')})`);
          else counted++;
          if (cmp.diffs.length) failures.push(formatDiffs(`${x.kind} ${x.method} ${c.request.path} (Origin: ${c.request.origin ?? '-'}):`, cmp.diffs as Diff[]));
        }
        const gap = cfg.knownGaps.find((g) => new RegExp(g.cases).test(c.name));
        if (failures.length && gap) {
          tally.knownGap(dir, kind, `${c.name}: ${gap.issue}`);
          console.log(`known model gap (not counted): ${dir}: ${c.name}: ${gap.issue}`);
          return;
        }
        if (!failures.length && gap) console.log(`known model gap no longer differs, remove it from ${dir}/oracle.json: ${c.name}`);
        if (failures.length) tally.mismatch(dir, kind, c.name);
        else for (let i = 0; i < counted; i++) tally.compared(dir, kind);
        if (failures.length) {
          const policies = pred.policies.map((q) => `${q.file}:${q.line} ${q.mechanism} (${q.scope})`).join(', ') || '(none)';
          expect.fail(`${dir}: ${c.name}\n${failures.join('\n')}\n  policies: ${policies}`);
        }
      });
    }
  });
}

// The bar: at least 30 apps and 600 real comparisons across the four kinds, checked once every
// kind's extractor is registered and its servers can run (always in CI).
describe('oracle totals', () => {
  const allKinds: AppKind[] = ['express', 'fastapi', 'flask', 'nginx'];
  const complete = !ONLY && allKinds.every((k) => kinds.has(k) && (CI || !missingDependency(k)));
  it.runIf(complete)('at least 30 apps and 600 request comparisons over the four kinds', () => {
    const j = tally.json();
    expect(j.kinds).toEqual(allKinds);
    expect(j.apps).toBeGreaterThanOrEqual(30);
    expect(j.comparisons).toBeGreaterThanOrEqual(600);
  });
});
