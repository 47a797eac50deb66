/**
 * The cors-lint command line: `cors-lint [paths...]`, `cors-lint simulate ...`.
 * Exit codes: 0 no errors, 1 errors (or warnings over --max-warnings), 2 usage, config or internal failure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { allRules, ruleIds } from '../../rules/index.js';
import { ConfigError, loadConfigFile, resolveConfig, type RuleSetting } from '../engine/config.js';
import type { Diagnostic } from '../engine/diagnostic.js';
import { DEFAULT_CACHE_DIR, LintCache } from '../engine/cache.js';
import { lintProject } from '../engine/lint.js';
import { allExtractors } from '../extractors/index.js';
import { applyFixes } from './fix.js';
import { colors, formatJson, formatStylish } from './format.js';
import { formatGithub } from '../frontends/formats/github.js';
import { formatSarif } from '../frontends/formats/sarif.js';

const HELP = `Usage: cors-lint [options] [paths...]
       cors-lint simulate [path] --path /api/x --origin https://a.example --method PUT [--header H] [--credentials]

Lints the CORS setup of Express, FastAPI/Starlette, Flask and nginx sources (default path: .).

Options:
  -f, --format <name>           output format: stylish (default), json, sarif (SARIF 2.1.0), github (workflow annotations)
      --max-warnings <n>        exit 1 when there are more than n warnings
      --quiet                   report errors only
      --rule <id:severity>      set a rule's severity (off|warn|error); repeatable
      --ignore-pattern <glob>   ignore files matching the glob; repeatable
  -c, --config <file>           config file (default: ./cors-lint.config.json when present)
      --fix                     apply safe fixes to the files
      --cache                   reuse results of unchanged files from the previous run
      --cache-location <path>   cache file or directory (default: .cors-lint-cache/)
      --no-code-frame           stylish output without source excerpts
      --list-rules              print the rules and exit
      --lsp                     run the language server on stdin/stdout (for editors)
  -v, --version                 print the version
  -h, --help                    print this help

Environment: NO_COLOR disables colours.
`;

function version(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  }
}

export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  if (argv[0] === 'simulate') {
    const { runSimulateCommand } = await import('./simulate.js');
    return runSimulateCommand(argv.slice(1), cwd);
  }
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'stylish' },
        'max-warnings': { type: 'string' },
        quiet: { type: 'boolean', default: false },
        rule: { type: 'string', multiple: true, default: [] },
        'ignore-pattern': { type: 'string', multiple: true, default: [] },
        config: { type: 'string', short: 'c' },
        fix: { type: 'boolean', default: false },
        cache: { type: 'boolean', default: false },
        'cache-location': { type: 'string' },
        'no-code-frame': { type: 'boolean', default: false },
        'list-rules': { type: 'boolean', default: false },
        version: { type: 'boolean', short: 'v', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        lsp: { type: 'boolean', default: false },
        stdio: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    process.stderr.write(`cors-lint: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (values.lsp) {
    const { startLanguageServer } = await import('../frontends/lsp/server.js');
    return startLanguageServer();
  }
  if (values['list-rules']) {
    for (const r of allRules) process.stdout.write(`cors/${r.meta.id}\t${r.meta.severity}${r.meta.recommended ? '' : ' (off by default)'}\t${r.meta.summary}\n`);
    return 0;
  }
  if (!['stylish', 'json', 'sarif', 'github'].includes(values.format ?? '')) {
    process.stderr.write(`cors-lint: unknown format "${values.format}" (use stylish, json, sarif or github)\n`);
    return 2;
  }
  let maxWarnings = -1;
  if (values['max-warnings'] !== undefined) {
    maxWarnings = Number(values['max-warnings']);
    if (!Number.isInteger(maxWarnings) || maxWarnings < 0) {
      process.stderr.write('cors-lint: --max-warnings takes a whole number\n');
      return 2;
    }
  }
  const cliRules: Record<string, RuleSetting> = {};
  for (const r of values.rule ?? []) {
    const m = /^(?:cors\/)?([a-z0-9-]+):(off|warn|warning|error|0|1|2)$/.exec(r);
    if (!m) {
      process.stderr.write(`cors-lint: --rule takes id:severity, e.g. reflected-origin:off (got "${r}")\n`);
      return 2;
    }
    cliRules[m[1] as string] = (/^\d$/.test(m[2] as string) ? Number(m[2]) : m[2]) as RuleSetting;
  }
  let config;
  try {
    const { config: file, source } = loadConfigFile(cwd, values.config);
    config = resolveConfig(file, ruleIds, cliRules, values['ignore-pattern'] ?? [], source);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`cors-lint: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  let cache: LintCache | undefined;
  if (values.cache) {
    // Keyed by the lint root (cwd + paths), the tool's own version and the config; a foreign cache is ignored.
    const raw = values['cache-location'] ?? DEFAULT_CACHE_DIR + '/';
    const location = path.resolve(cwd, raw) + (/[\\/]$/.test(raw) ? path.sep : '');
    cache = LintCache.open(location, JSON.stringify([path.resolve(cwd), positionals]), config.fingerprint, allExtractors);
  }
  const result = await lintProject({ cwd, paths: positionals, config, cache });
  for (const n of result.notices) process.stderr.write(`cors-lint: ${n}\n`);
  let diags: Diagnostic[] = result.diagnostics;
  if (values.fix) {
    const fixed = applyFixes(result.root, diags, (f) => result.host.readFile(f)?.text);
    for (const f of fixed.files) process.stderr.write(`cors-lint: fixed ${f}\n`);
    for (const e of fixed.errors) process.stderr.write(`cors-lint: ${e}\n`);
    diags = diags.filter((d) => !fixed.applied.has(d));
  }
  if (values.quiet) diags = diags.filter((d) => d.severity === 'error');
  const textOf = (f: string) => result.host.readFile(f)?.text;
  const useColor = !process.env.NO_COLOR && process.stdout.isTTY === true && values.format === 'stylish';
  const out =
    values.format === 'json'
      ? formatJson(diags, result.root, textOf)
      : values.format === 'sarif'
        ? formatSarif(diags, textOf, { root: result.root, toolVersion: version() })
        : values.format === 'github'
          ? formatGithub(diags, result.root, cwd)
          : formatStylish(diags, textOf, colors(useColor), !values['no-code-frame']);
  process.stdout.write(out);
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.length - errors;
  if (errors > 0) return 1;
  if (maxWarnings >= 0 && warnings > maxWarnings) {
    process.stderr.write(`cors-lint: too many warnings (${warnings}; maximum allowed is ${maxWarnings})\n`);
    return 1;
  }
  return 0;
}

export function run(): void {
  let cwd: string;
  try {
    cwd = process.cwd();
  } catch (e) {
    process.stderr.write(`cors-lint: the working directory cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}: it may have been deleted); run cors-lint from an existing directory\n`);
    process.exitCode = 2;
    return;
  }
  main(process.argv.slice(2), cwd).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`cors-lint: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}

