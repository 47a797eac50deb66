/**
 * `npm run bench`: times the compiled CLI (`bin/cors-lint.js`, built by `npm run build`) against
 *  - the floor: `git grep -l -i -E` and `grep -rliE` of the extractors' prefilter patterns over the same files,
 *  - the peer: `eslint` with only `eslint-plugin-sonarjs`'s `sonarjs/cors` rule on the JS/TS part,
 * on a generated monorepo (bench/gen.ts) and on real trees on the machine (the Python standard library, and a
 * copy of this repository's node_modules). Runs are interleaved and the medians reported, with the ratios,
 * files/s and peak RSS (GNU time). It also measures `--cache` (cold and warm) and editor latency (re-linting a
 * 2,000-line file after an edit the way the language server does, alone and inside the monorepo: bench/editor.ts).
 *
 * Options: --files N (50000) --nm N (20000) --runs N (5) --peer-runs N (3) --no-peer --no-real --seed N
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LSP_NODE_FLAGS } from '../src/cli/lsp-flags.js';
import { generate } from './gen.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const WORK = path.join(HERE, '.work');
const CLI = path.join(REPO, 'bin', 'cors-lint.js');
const ESLINT = path.join(REPO, 'node_modules', 'eslint', 'bin', 'eslint.js');
/** The union of the extractors' prefilters (express, python: /cors|access-control-/i; nginx: add_header, ...). */
const PATTERN = 'cors|access-control|add_header|more_set_headers|include[[:space:]]|express[[:space:]]*\\([[:space:]]*\\)|after_(app_)?request\\([[:space:]]*[A-Za-z_]';

const { values: opt } = parseArgs({
  options: {
    files: { type: 'string', default: '50000' },
    nm: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '5' },
    'peer-runs': { type: 'string', default: '3' },
    seed: { type: 'string', default: '42' },
    'no-peer': { type: 'boolean', default: false },
    'no-real': { type: 'boolean', default: false },
  },
});

interface Sample {
  seconds: number;
  rssMB: number | undefined;
  status: number | null;
}

const HAS_GNU_TIME = spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;

/** Runs a command once; wall time from here, peak RSS from GNU time (maximum resident set of the process). */
function timeOnce(cmd: string, args: string[], cwd: string): Sample {
  const rssFile = path.join(os.tmpdir(), `cors-lint-bench-rss-${process.pid}`);
  const [c, a] = HAS_GNU_TIME ? ['/usr/bin/time', ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c as string, a as string[], { cwd, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  let rssMB: number | undefined;
  if (HAS_GNU_TIME) {
    const kb = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    rssMB = Number.isFinite(kb) ? kb / 1024 : undefined;
  }
  if (r.status !== 0 && r.status !== 1) process.stderr.write(`  ! ${path.basename(cmd)} ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 400)}\n`);
  return { seconds, rssMB, status: r.status };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

interface Contender {
  name: string;
  cmd: string;
  args: string[];
  runs: number;
  /** Runs once before timing (a cache to fill). */
  prepare?: () => void;
}

interface Result {
  name: string;
  median: number;
  min: number;
  /** Seconds per run, in round order (rounds are interleaved: run i of every contender ran back to back). */
  seconds: number[];
  rssMB: number | undefined;
  runs: number;
}

/** Interleaves the contenders run by run (the machine is shared and noisy; interleaving spreads the noise). */
function race(cwd: string, contenders: Contender[], runs: number): Map<string, Result> {
  const samples = new Map<string, Sample[]>(contenders.map((c) => [c.name, []]));
  for (const c of contenders) c.prepare?.();
  // One untimed warm-up each, so every contender starts with the same page cache.
  for (const c of contenders) if (c.runs > 1) timeOnce(c.cmd, c.args, cwd);
  for (let i = 0; i < runs; i++) {
    for (const c of contenders) {
      if (i >= c.runs) continue;
      const s = timeOnce(c.cmd, c.args, cwd);
      (samples.get(c.name) as Sample[]).push(s);
      process.stderr.write(`  ${c.name.padEnd(28)} run ${i + 1}: ${s.seconds.toFixed(2)} s${s.rssMB ? `, ${s.rssMB.toFixed(0)} MB` : ''}\n`);
    }
  }
  const out = new Map<string, Result>();
  for (const [name, ss] of samples) {
    const secs = ss.map((s) => s.seconds);
    const rss = ss.map((s) => s.rssMB).filter((x): x is number => x !== undefined);
    out.set(name, { name, median: median(secs), min: Math.min(...secs), seconds: secs, rssMB: rss.length ? Math.max(...rss) : undefined, runs: ss.length });
  }
  return out;
}

function isGitTree(dir: string): boolean {
  const r = spawnSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' });
  return r.status === 0 && path.resolve(r.stdout.trim()) === fs.realpathSync(dir);
}

function countFiles(dir: string): { all: number; jsTs: number } {
  let all = 0;
  let jsTs = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git' || e.name === 'node_modules') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        all++;
        if (/\.(m?[jt]sx?|c[jt]s)$/.test(e.name)) jsTs++;
      }
    }
  };
  walk(dir);
  return { all, jsTs };
}

function writeEslintConfig(): string {
  const file = path.join(WORK, 'eslint.peer.config.mjs');
  fs.mkdirSync(WORK, { recursive: true });
  fs.writeFileSync(
    file,
    `// The peer: ESLint with only sonarjs/cors, on the JS/TS part of the tree (generated by bench/run.ts).
import sonarjs from 'eslint-plugin-sonarjs';
import tseslint from 'typescript-eslint';
export default [
  { ignores: ['**/node_modules/**', '**/.git/**'] },
  {
    files: ['**/*.{js,mjs,cjs,jsx,ts,tsx,mts,cts}'],
    plugins: { sonarjs },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
    rules: { 'sonarjs/cors': 'error' },
  },
];
`,
  );
  return file;
}

interface TreeReport {
  tree: string;
  files: number;
  jsTsFiles: number;
  results: Result[];
}

function benchTree(label: string, dir: string, withPeer: boolean, runs: number, peerRuns: number, withCache: boolean): TreeReport {
  const { all, jsTs } = countFiles(dir);
  process.stderr.write(`\n== ${label}: ${dir} (${all} files, ${jsTs} JS/TS, node_modules and .git not counted)\n`);
  const git = isGitTree(dir);
  const contenders: Contender[] = [{ name: 'cors-lint', cmd: process.execPath, args: [CLI, '.', '--format', 'json'], runs }];
  if (withCache) {
    const loc = path.join(os.tmpdir(), `cors-lint-bench-cache-${process.pid}`);
    contenders.push({
      name: 'cors-lint --cache (warm)',
      cmd: process.execPath,
      args: [CLI, '.', '--format', 'json', '--cache', '--cache-location', loc],
      runs,
      prepare: () => fs.rmSync(loc, { recursive: true, force: true }),
    });
  }
  if (git) contenders.push({ name: 'floor: git grep', cmd: 'git', args: ['grep', '-l', '-i', '-E', PATTERN], runs });
  contenders.push({ name: 'floor: grep -r', cmd: 'grep', args: ['-r', '-l', '-i', '-E', '--exclude-dir=node_modules', '--exclude-dir=.git', PATTERN, '.'], runs });
  if (withPeer) {
    const cfg = writeEslintConfig();
    contenders.push({ name: 'peer: eslint sonarjs/cors', cmd: process.execPath, args: [ESLINT, '-c', cfg, '--no-warn-ignored', '.'], runs: peerRuns });
  }
  const res = race(dir, contenders, runs);
  return { tree: label, files: all, jsTsFiles: jsTs, results: [...res.values()] };
}

interface EditorResult {
  lines: number;
  firstMs: number;
  medianMs: number;
  minMs: number;
  diagnostics: number;
  rssMB: number;
}

/**
 * Editor latency: bench/editor.ts re-lints a 2,000-line file after edits through the language server's path
 * (runProject with a ProjectIndex), in a child process started with the server's V8 flags. Once with the file
 * as the whole project, once as an open buffer inside the synthetic monorepo.
 */
function editorLatency(project?: string): EditorResult {
  const args = [...LSP_NODE_FLAGS, '--import', 'tsx', path.join(HERE, 'editor.ts'), ...(project ? ['--project', project, '--samples', '20'] : [])];
  const r = spawnSync(process.execPath, args, { cwd: REPO, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`bench/editor.ts failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as EditorResult;
}

function table(rep: TreeReport): string {
  const by = new Map(rep.results.map((r) => [r.name, r]));
  const cl = by.get('cors-lint') as Result;
  const floors = rep.results.filter((r) => r.name.startsWith('floor'));
  const floor = floors.reduce<Result | undefined>((b, r) => (!b || r.median < b.median ? r : b), undefined);
  const peer = by.get('peer: eslint sonarjs/cors');
  const lines = [`\n${rep.tree}: ${rep.files} files (${rep.jsTsFiles} JS/TS)`, `  ${'contender'.padEnd(28)} ${'median s'.padStart(9)} ${'min s'.padStart(8)} ${'files/s'.padStart(9)} ${'peak RSS MB'.padStart(12)}  runs`];
  for (const r of rep.results) {
    const n = r.name.startsWith('peer') ? rep.jsTsFiles : rep.files;
    lines.push(`  ${r.name.padEnd(28)} ${r.median.toFixed(2).padStart(9)} ${r.min.toFixed(2).padStart(8)} ${Math.round(n / r.median).toString().padStart(9)} ${(r.rssMB?.toFixed(0) ?? '?').padStart(12)}  ${r.runs}`);
  }
  if (floor) lines.push(`  cors-lint / floor (${floor.name.slice(7)}): ${(cl.median / floor.median).toFixed(2)}x   (target <= 2x)`);
  // The same ratios per round: the contenders of one round ran back to back, so a change in the other tenants'
  // load between rounds cancels out.
  for (const f of floors) {
    const paired = cl.seconds.slice(0, f.seconds.length).map((x, i) => x / (f.seconds[i] as number));
    if (paired.length > 1) lines.push(`  cors-lint / ${f.name.slice(7)}, per round: median ${median(paired).toFixed(2)}x (${Math.min(...paired).toFixed(2)}-${Math.max(...paired).toFixed(2)})`);
  }
  const warm = by.get('cors-lint --cache (warm)');
  if (warm && floor) lines.push(`  cors-lint --cache (warm) / floor: ${(warm.median / floor.median).toFixed(2)}x`);
  if (peer) lines.push(`  peer (JS/TS part) / cors-lint (whole tree): ${(peer.median / cl.median).toFixed(1)}x   (target >= 20x)`);
  lines.push(`  cors-lint peak RSS: ${cl.rssMB?.toFixed(0) ?? '?'} MB   (target < 300 MB)`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(REPO, 'dist', 'src', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm run bench does)');
  const runs = Number(opt.runs);
  const peerRuns = Number(opt['peer-runs']);
  const cpus = os.cpus();
  process.stderr.write(`machine: ${cpus.length} x ${cpus[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  const reports: TreeReport[] = [];
  const monoDir = path.join(WORK, 'mono');
  const t0 = Date.now();
  const sum = generate({ dir: monoDir, files: Number(opt.files), nodeModulesFiles: Number(opt.nm), seed: Number(opt.seed) });
  process.stderr.write(`generated monorepo: ${JSON.stringify(sum)} (${((Date.now() - t0) / 1000).toFixed(1)} s, reused when unchanged)\n`);
  // Each tree's table is printed as soon as it is measured (a long peer run must not hide the rest).
  const done = (r: TreeReport) => {
    reports.push(r);
    process.stdout.write(table(r) + '\n');
  };
  done(benchTree('synthetic monorepo', monoDir, !opt['no-peer'], runs, peerRuns, true));
  if (!opt['no-real']) {
    const py = fs.readdirSync('/usr/lib').filter((d) => /^python3\.\d+$/.test(d)).sort().pop();
    if (py) done(benchTree(`real: /usr/lib/${py}`, path.join('/usr/lib', py), false, runs, 0, false));
    // This repository's node_modules, copied under a name no walker skips (a plain directory, not git).
    const nm = path.join(os.tmpdir(), 'cors-lint-bench-real', 'deps');
    if (!fs.existsSync(nm)) {
      fs.mkdirSync(path.dirname(nm), { recursive: true });
      fs.cpSync(path.join(REPO, 'node_modules'), nm, { recursive: true, dereference: false, verbatimSymlinks: true });
    }
    done(benchTree("real: this repository's node_modules (copy)", nm, !opt['no-peer'], runs, peerRuns, false));
  }
  const single = editorLatency();
  const inMono = editorLatency(monoDir);
  const editor = { single, inMono };
  let text = `\nmachine: ${cpus.length} x ${cpus[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, load at end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`;
  text += `\n\neditor latency: a ${single.lines}-line file re-linted after an edit, the language server's path (${LSP_NODE_FLAGS.join(' ')}):`;
  text += `\n  the file alone:             median ${single.medianMs.toFixed(1)} ms, min ${single.minMs.toFixed(1)} ms (50 edits; first lint ${single.firstMs.toFixed(0)} ms)   (target < 30 ms)`;
  text += `\n  open in the monorepo above: median ${inMono.medianMs.toFixed(1)} ms, min ${inMono.minMs.toFixed(1)} ms (20 edits; first lint, which indexes the repository, ${(inMono.firstMs / 1000).toFixed(1)} s; ${inMono.rssMB.toFixed(0)} MB RSS)\n`;
  process.stdout.write(text);
  fs.mkdirSync(WORK, { recursive: true });
  fs.writeFileSync(path.join(WORK, 'results.json'), JSON.stringify({ at: new Date().toISOString(), reports, editor }, null, 2));
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
