/**
 * The ESLint plugin: `import cors from 'cors-lint/eslint-plugin'` (flat config, ESLint 9 and 10).
 *
 *   export default [...cors.configs.recommended];
 *
 * Every ESLint rule `cors/<id>` reports exactly what the engine reports for that rule on the file ESLint is
 * linting, with the CLI's messages, positions and fixes. The engine runs once per project and file text (not
 * once per rule): see ../project.ts, which also explains why the whole project is linted (a finding in
 * config.ts can come from a `cors()` call in server.ts). For the current JS/TS file, ESLint's own AST (espree
 * or typescript-eslint) is handed to the Express extractor instead of parsing the text again.
 * Python and nginx files are linted through the `cors/python` and `cors/nginx` languages (./language.ts).
 *
 * Settings (`settings: { 'cors-lint': { ... } }`):
 *   root     the project root findings are computed over (default: ESLint's cwd)
 *   project  false to lint each file on its own with only the modules it imports (default: true)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules } from '../../../rules/index.js';
import type { ResolvedConfig } from '../../engine/config.js';
import type { Diagnostic } from '../../engine/diagnostic.js';
import { docsUrl, PARSE_ERROR_ID } from '../../engine/docs.js';
import { initEngine } from '../../engine/lint.js';
import type { Fix, Rule, RuleMeta } from '../../engine/rule.js';
import type { AstNode } from '../../extractors/express/ast.js';
import { buildModule, isJsPath } from '../../extractors/express/modules.js';
import { allRulesOn, isCandidate, isFresh, readProjectConfig, relativeTo, runProject, type ProjectRun } from '../project.js';
import { nginxLanguage, pythonLanguage } from './language.js';

// The WASM grammars load asynchronously; ESLint's parse() and rules are synchronous, so load them here, once.
await initEngine();

function packageVersion(): string {
  for (const rel of ['../../../package.json', '../../../../package.json']) {
    try {
      const pkg = JSON.parse(fs.readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cors-lint') return pkg.version ?? '0.0.0';
    } catch {
      // try the next layout (source vs dist)
    }
  }
  return '0.0.0';
}

// ─── Minimal ESLint types (the plugin must not depend on ESLint's own type packages at run time) ────────

interface Loc {
  line: number;
  column: number;
}
interface Fixer {
  replaceTextRange(range: [number, number], text: string): unknown;
}
interface ReportDescriptor {
  loc: { start: Loc; end: Loc };
  messageId: string;
  data: Record<string, string>;
  fix?: (fixer: Fixer) => unknown[];
  suggest?: { messageId: string; data: Record<string, string>; fix: (fixer: Fixer) => unknown[] }[];
}
interface RuleContextLike {
  id: string;
  filename: string;
  physicalFilename?: string;
  cwd: string;
  options: unknown[];
  settings?: Record<string, unknown>;
  sourceCode: { text: string; ast: unknown; getLocFromIndex(index: number): Loc };
  report(d: ReportDescriptor): void;
}
export interface EslintRule {
  meta: {
    type: 'problem' | 'suggestion';
    docs: { description: string; recommended: boolean; url: string };
    messages: Record<string, string>;
    schema: unknown[];
    fixable?: 'code';
    hasSuggestions?: boolean;
  };
  create(context: RuleContextLike): Record<string, () => void>;
}

// ─── One engine run per project and file text ────────────────────────────────────────────────────────

interface PluginSettings {
  root?: string;
  project?: boolean;
}

function settingsOf(context: RuleContextLike): PluginSettings {
  const s = context.settings?.['cors-lint'];
  return s && typeof s === 'object' ? (s as PluginSettings) : {};
}

const runs = new Map<string, ProjectRun>();
/**
 * The answer for one file text, shared by the ~20 rules ESLint runs on it one after another (so the freshness
 * check of the project run happens once per file, not once per rule). Short-lived: a long-running ESLint
 * (an editor integration) sees edits made on disk since.
 */
const fileMemo = new Map<string, { at: number; diags: Diagnostic[] }>();
const FILE_MEMO_MS = 1000;
const configCache = new Map<string, ResolvedConfig>();

function engineConfig(root: string, ruleOptions: Record<string, Record<string, unknown>>): ResolvedConfig {
  const key = `${root}\0${JSON.stringify(ruleOptions)}`;
  let c = configCache.get(key);
  if (!c) {
    // Severities come from ESLint; cors-lint.config.json still provides ignores and project settings.
    const { config } = readProjectConfig(root);
    c = allRulesOn({ ignores: config.ignores, settings: config.settings }, ruleOptions);
    configCache.set(key, c);
  }
  return c;
}

/** The engine's diagnostics for the file being linted. */
function diagnosticsFor(context: RuleContextLike, rule?: Rule, options?: Record<string, unknown>): Diagnostic[] {
  const settings = settingsOf(context);
  const filename = context.physicalFilename ?? context.filename;
  const abs = path.resolve(context.cwd, filename);
  let root = path.resolve(context.cwd, settings.root ?? '.');
  let rel = relativeTo(root, abs);
  let project = settings.project !== false;
  if (rel === undefined) {
    root = path.dirname(abs);
    rel = path.basename(abs);
    project = false;
  }
  const text = context.sourceCode.text;
  if (!isCandidate(rel, text) && !project) return [];
  const ruleOptions = rule && options ? { [rule.meta.id]: options } : {};
  const config = engineConfig(root, ruleOptions);
  const key = `${root}\0${project}\0${rule && options ? `${rule.meta.id}:${JSON.stringify(options)}` : ''}\0${project ? '' : rel}`;
  const memoKey = `${key}\0${rel}\0${text}`;
  const memo = fileMemo.get(memoKey);
  if (memo && Date.now() - memo.at < FILE_MEMO_MS) return memo.diags;
  const remember = (diags: Diagnostic[]): Diagnostic[] => {
    if (fileMemo.size > 64) fileMemo.clear();
    fileMemo.set(memoKey, { at: Date.now(), diags });
    return diags;
  };
  const cached = runs.get(key);
  if (cached && isFresh(cached)) {
    const seen = cached.texts.get(rel);
    if (seen === text) return remember(cached.byFile.get(rel) ?? []);
    // A file the run never needed (no CORS content, imported by nobody) has nothing to report.
    if (seen === undefined && !isCandidate(rel, text)) return remember(cached.byFile.get(rel) ?? []);
  }
  const ast = context.sourceCode.ast as AstNode | undefined;
  const relPath = rel;
  const run = runProject({
    root,
    config,
    overlay: new Map([[rel, text]]),
    discover: project,
    rules: rule && options ? [rule] : undefined,
    seed: (host) => {
      // Reuse ESLint's AST (espree or typescript-eslint, both with `range`) for the current JS/TS file.
      if (isJsPath(relPath) && ast && ast.type === 'Program' && Array.isArray(ast.range)) {
        host.memo(`js:module:${relPath}`, () => buildModule({ path: relPath, text, program: withoutParents(ast), errors: [] }));
      }
    },
  });
  if (runs.size > 32) runs.clear();
  runs.set(key, run);
  return remember(run.byFile.get(rel) ?? []);
}

/**
 * A copy of ESLint's AST without the `parent` links ESLint adds: the extractor keeps its own parent map, and a
 * generic child walk that followed `parent` would go round in circles. One linear pass, far cheaper than a parse.
 */
function withoutParents(root: AstNode): AstNode {
  const copies = new Map<AstNode, AstNode>();
  const copyOf = (n: AstNode): AstNode => {
    let c = copies.get(n);
    if (!c) {
      c = { type: n.type };
      copies.set(n, c);
    }
    return c;
  };
  const stack: AstNode[] = [root];
  while (stack.length) {
    const n = stack.pop() as AstNode;
    const c = copyOf(n);
    for (const key of Object.keys(n)) {
      if (key === 'parent' || key === 'tokens' || key === 'comments') continue;
      const v = n[key];
      if (Array.isArray(v)) {
        c[key] = v.map((x: unknown) => {
          if (isAstNode(x)) {
            if (!copies.has(x)) stack.push(x);
            return copyOf(x);
          }
          return x;
        });
      } else if (isAstNode(v) && key !== 'loc') {
        if (!copies.has(v)) stack.push(v);
        c[key] = copyOf(v);
      } else c[key] = v;
    }
  }
  return copyOf(root);
}

function isAstNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

function fixFn(fix: Fix, file: string): ((fixer: Fixer) => unknown[]) | undefined {
  if (fix.edits.length === 0 || fix.edits.some((e) => e.span.file !== file)) return undefined;
  return (fixer) => fix.edits.map((e) => fixer.replaceTextRange([e.span.start, e.span.end], e.text));
}

function makeRule(id: string, meta: Pick<RuleMeta, 'summary' | 'severity' | 'recommended' | 'fixable' | 'hasSuggestions'>, rule?: Rule): EslintRule {
  const hasSuggestions = meta.hasSuggestions === true || meta.fixable;
  return {
    meta: {
      type: meta.severity === 'error' ? 'problem' : 'suggestion',
      docs: { description: meta.summary, recommended: meta.recommended, url: docsUrl(id) },
      messages: { finding: '{{ message }}', suggestion: '{{ description }}' },
      schema: rule ? [{ type: 'object' }] : [],
      ...(meta.fixable ? { fixable: 'code' as const } : {}),
      ...(hasSuggestions ? { hasSuggestions: true } : {}),
    },
    create(context) {
      const run = () => {
        const opts = context.options[0];
        const options = opts && typeof opts === 'object' && Object.keys(opts).length > 0 ? (opts as Record<string, unknown>) : undefined;
        let diags: Diagnostic[];
        try {
          diags = diagnosticsFor(context, rule, options);
        } catch (e) {
          // Never crash ESLint's run on odd input: the problem is shown on the file instead.
          if (id !== PARSE_ERROR_ID) return;
          context.report({ loc: { start: context.sourceCode.getLocFromIndex(0), end: context.sourceCode.getLocFromIndex(0) }, messageId: 'finding', data: { message: `cors-lint could not analyse this file: ${(e as Error).message}` } });
          return;
        }
        const sc = context.sourceCode;
        const len = sc.text.length;
        const at = (i: number) => sc.getLocFromIndex(Math.max(0, Math.min(i, len)));
        for (const d of diags) {
          if (d.ruleId !== `cors/${id}`) continue;
          const fix = meta.fixable && d.fix ? fixFn(d.fix, d.file) : undefined;
          const suggest = hasSuggestions
            ? (d.suggestions ?? []).flatMap((s) => {
                const f = fixFn(s, d.file);
                return f ? [{ messageId: 'suggestion', data: { description: s.description }, fix: f }] : [];
              })
            : [];
          context.report({
            loc: { start: at(d.span.start), end: at(Math.max(d.span.start, d.span.end)) },
            messageId: 'finding',
            data: { message: d.message },
            ...(fix ? { fix } : {}),
            ...(suggest.length ? { suggest } : {}),
          });
        }
      };
      return { Program: run, Document: run };
    },
  };
}

const rules: Record<string, EslintRule> = {};
for (const r of allRules) rules[r.meta.id] = makeRule(r.meta.id, r.meta, r);
rules[PARSE_ERROR_ID] = makeRule(PARSE_ERROR_ID, {
  summary: 'A Python or nginx file cors-lint could not parse completely (JavaScript parse errors come from ESLint itself)',
  severity: 'error',
  recommended: true,
  fixable: false,
});

/** File patterns of nginx configuration (ESLint picks a language by pattern; the CLI also detects by content). */
export const NGINX_FILES = [
  '**/nginx*.conf',
  '**/*.nginx',
  '**/nginx*/**/*.conf',
  '**/conf.d/**/*.conf',
  '**/sites-available/**/*',
  '**/sites-enabled/**/*',
  '**/snippets/**/*.conf',
  '**/*.conf.template',
];
export const PYTHON_FILES = ['**/*.py'];

function recommendedRules(): Record<string, 'error' | 'warn'> {
  const out: Record<string, 'error' | 'warn'> = {};
  for (const r of allRules) if (r.meta.recommended) out[`cors/${r.meta.id}`] = r.meta.severity === 'error' ? 'error' : 'warn';
  out[`cors/${PARSE_ERROR_ID}`] = 'error';
  return out;
}

interface FlatConfig {
  name: string;
  files?: string[];
  plugins?: Record<string, unknown>;
  language?: string;
  rules?: Record<string, 'error' | 'warn'>;
}

const plugin: {
  meta: { name: string; version: string; namespace: string };
  rules: Record<string, EslintRule>;
  languages: { python: typeof pythonLanguage; nginx: typeof nginxLanguage };
  configs: { recommended: FlatConfig[]; all: FlatConfig[] };
} = {
  meta: { name: 'cors-lint', version: packageVersion(), namespace: 'cors' },
  rules,
  languages: { python: pythonLanguage, nginx: nginxLanguage },
  configs: { recommended: [], all: [] },
};

function configSet(prefix: string, ruleSet: Record<string, 'error' | 'warn'>): FlatConfig[] {
  return [
    // No `files`: the rules apply to every JavaScript/TypeScript file ESLint lints (TypeScript needs
    // typescript-eslint's parser, configured as usual).
    { name: `cors-lint/${prefix}`, plugins: { cors: plugin }, rules: ruleSet },
    { name: `cors-lint/${prefix}/python`, files: PYTHON_FILES, plugins: { cors: plugin }, language: 'cors/python', rules: ruleSet },
    { name: `cors-lint/${prefix}/nginx`, files: NGINX_FILES, plugins: { cors: plugin }, language: 'cors/nginx', rules: ruleSet },
  ];
}

plugin.configs.recommended = configSet('recommended', recommendedRules());
plugin.configs.all = configSet(
  'all',
  Object.fromEntries([...allRules.map((r) => [`cors/${r.meta.id}`, r.meta.severity === 'error' ? 'error' : 'warn'] as const), [`cors/${PARSE_ERROR_ID}`, 'error' as const]]),
);

export default plugin;
