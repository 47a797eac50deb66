/**
 * Python modules of the project: loading (parse once per run through `host.memo`), import resolution
 * (absolute imports from every ancestor directory, so `src/` layouts and monorepos work; relative imports;
 * packages via `__init__.py`) and the bindings of a block (module body, class body, function body).
 */
import * as path from 'node:path';
import { perFile, walkTree, type ProjectHost } from '../../engine/host.js';
import { parsePython, type PyNode } from './parser.js';

export interface PyModule {
  path: string;
  text: string;
  root: PyNode;
  errors: { message: string; start: number; end: number }[];
}

export function loadModule(host: ProjectHost, relPath: string): PyModule | undefined {
  return host.memo(`python:module:${relPath}`, () => {
    const f = host.readFile(relPath);
    if (!f) return undefined;
    return parsedModule(host, f);
  });
}

/** Adopts an already-read file (a lint candidate) as a module. */
export function moduleOf(host: ProjectHost, file: { path: string; text: string }): PyModule {
  return host.memo(`python:module:${file.path}`, () => parsedModule(host, file));
}

/** The syntax tree depends on the file's text only: kept across runs by long-lived front ends. */
function parsedModule(host: ProjectHost, file: { path: string; text: string }): PyModule {
  return perFile(host, 'python:module', file, () => {
    const parsed = parsePython(file.text);
    return { path: file.path, text: file.text, root: parsed.root, errors: parsed.errors };
  });
}

function tryModuleFile(host: ProjectHost, base: string): string | undefined {
  const file = base + '.py';
  if (host.fileExists(file)) return file;
  const init = base === '' ? '__init__.py' : base + '/__init__.py';
  if (host.fileExists(init)) return init;
  return undefined;
}

/**
 * Resolves `import a.b` / `from ..a import b` to a project file. `level` is the number of leading dots.
 * Returns undefined for modules outside the project (stdlib, site-packages).
 */
export function resolveModulePath(host: ProjectHost, fromPath: string, dotted: string, level: number): string | undefined {
  return host.memo(`python:resolve:${fromPath}|${level}|${dotted}`, () => {
    const parts = dotted === '' ? [] : dotted.split('.');
    let dir = path.posix.dirname(fromPath);
    if (dir === '.') dir = '';
    if (level > 0) {
      for (let i = 1; i < level; i++) {
        if (dir === '') return undefined;
        dir = path.posix.dirname(dir);
        if (dir === '.') dir = '';
      }
      const base = [dir, ...parts].filter((s) => s !== '').join('/');
      return tryModuleFile(host, base);
    }
    // Absolute import: try each ancestor directory as a source root (nearest first).
    for (;;) {
      const base = [dir, ...parts].filter((s) => s !== '').join('/');
      if (parts.length > 0) {
        const found = tryModuleFile(host, base);
        if (found) return found;
      }
      if (dir === '') return undefined;
      dir = path.posix.dirname(dir);
      if (dir === '.') dir = '';
    }
  });
}

export type Binding =
  | { kind: 'assign'; target: PyNode; value: PyNode; type?: PyNode; stmt: PyNode; conditional: boolean }
  | { kind: 'annotated'; target: PyNode; type: PyNode; stmt: PyNode; conditional: boolean }
  | { kind: 'import-from'; module: string; level: number; name: string; stmt: PyNode; conditional: boolean }
  | { kind: 'import'; module: string; /** `import a.b` binds `a`; `import a.b as c` binds c = a.b */ bindsTop: boolean; stmt: PyNode; conditional: boolean }
  | { kind: 'class'; node: PyNode; decorators: PyNode[]; stmt: PyNode; conditional: boolean }
  | { kind: 'def'; node: PyNode; decorators: PyNode[]; stmt: PyNode; conditional: boolean }
  | { kind: 'other'; stmt: PyNode; conditional: boolean; reason: string };

export interface Mutation {
  /** `x += [...]`, `x.append(v)`, `x.extend([...])`, `x["k"] = v`. */
  op: 'iadd' | 'append' | 'extend' | 'setitem' | 'other';
  value?: PyNode;
  /** For `setitem`: the subscript. */
  key?: PyNode;
  stmt: PyNode;
  /** Made inside an `if`, a loop or another compound statement of the block. */
  conditional?: boolean;
}

export interface BlockIndex {
  bindings: Map<string, Binding[]>;
  mutations: Map<string, Mutation[]>;
  /** Statements in source order, flattened through if/try/with blocks (for scanning calls). */
  statements: PyNode[];
  /** `from m import *`: modules whose public names this block binds too (looked up when no binding has the name). */
  starImports: { module: string; level: number }[];
}

const COMPOUND_BODIES: Record<string, boolean> = {
  if_statement: true,
  try_statement: true,
  with_statement: true,
  for_statement: true,
  while_statement: true,
  elif_clause: true,
  else_clause: true,
  except_clause: true,
  finally_clause: true,
  block: true,
  match_statement: true,
  case_clause: true,
};

function dottedText(n: PyNode | undefined): string {
  if (!n) return '';
  if (n.type === 'identifier') return n.text ?? '';
  if (n.type === 'dotted_name') return n.children.map((c) => c.text ?? '').join('.');
  return '';
}

/** Indexes the names bound in a block (module/class/function body); nested defs are not entered. */
export function indexBlock(block: PyNode): BlockIndex {
  const idx: BlockIndex = { bindings: new Map(), mutations: new Map(), statements: [], starImports: [] };
  const bind = (name: string, b: Binding) => {
    let list = idx.bindings.get(name);
    if (!list) idx.bindings.set(name, (list = []));
    list.push(b);
  };
  const mutate = (name: string, m: Mutation) => {
    let list = idx.mutations.get(name);
    if (!list) idx.mutations.set(name, (list = []));
    list.push(m);
  };
  const visit = (stmt: PyNode, conditional: boolean) => {
    idx.statements.push(stmt);
    switch (stmt.type) {
      case 'expression_statement': {
        for (const e of stmt.children) {
          if (e.type === 'assignment') {
            let cur: PyNode | undefined = e;
            const targets: PyNode[] = [];
            // a = b = value: the grammar nests assignments in `right`.
            while (cur && cur.type === 'assignment') {
              if (cur.fields.left) targets.push(cur.fields.left);
              if (cur.fields.right?.type === 'assignment') cur = cur.fields.right;
              else break;
            }
            const value = cur?.fields.right;
            for (const t of targets) {
              if (t.type === 'identifier' && t.text) {
                if (value) bind(t.text, { kind: 'assign', target: t, value, type: cur?.fields.type, stmt, conditional });
                else if (cur?.fields.type) bind(t.text, { kind: 'annotated', target: t, type: cur.fields.type, stmt, conditional });
              } else if (t.type === 'subscript' && t.fields.value?.type === 'identifier' && t.fields.value.text) {
                // `kwargs["allow_origins"] = [...]`: the dict bound to the name changes.
                mutate(t.fields.value.text, { op: 'setitem', key: t.fields.subscript, value, stmt, conditional });
              } else if (t.type === 'pattern_list' || t.type === 'tuple_pattern' || t.type === 'list_pattern') {
                for (const c of t.children) if (c.type === 'identifier' && c.text) bind(c.text, { kind: 'other', stmt, conditional, reason: 'assigned by unpacking' });
              }
            }
          } else if (e.type === 'augmented_assignment') {
            const l = e.fields.left;
            if (l?.type === 'identifier' && l.text) mutate(l.text, { op: e.op === '+=' ? 'iadd' : 'other', value: e.fields.right, stmt, conditional });
          } else if (e.type === 'call') {
            const fn = e.fields.function;
            if (fn?.type === 'attribute' && fn.fields.object?.type === 'identifier') {
              const name = fn.fields.object.text ?? '';
              const meth = fn.fields.attribute?.text ?? '';
              const arg = e.fields.arguments?.children[0];
              if (meth === 'append' || meth === 'extend') mutate(name, { op: meth, value: arg, stmt, conditional });
              else if (meth === 'insert' || meth === 'remove' || meth === 'clear' || meth === 'pop' || meth === 'update' || meth === 'add') mutate(name, { op: 'other', stmt, conditional });
            }
          }
        }
        return;
      }
      case 'import_from_statement': {
        const modNode = stmt.fields.module_name;
        let level = 0;
        let module = '';
        if (modNode?.type === 'relative_import') {
          for (const c of modNode.children) {
            if (c.type === 'import_prefix') level = c.end - c.start;
            else if (c.type === 'dotted_name') module = dottedText(c);
          }
        } else module = dottedText(modNode);
        for (const c of stmt.children) {
          if (c === modNode) continue;
          if (c.type === 'wildcard_import') idx.starImports.push({ module, level });
          if (c.type === 'dotted_name') {
            const n = dottedText(c);
            bind(n, { kind: 'import-from', module, level, name: n, stmt, conditional });
          } else if (c.type === 'aliased_import') {
            const n = dottedText(c.fields.name);
            const alias = c.fields.alias?.text;
            if (alias) bind(alias, { kind: 'import-from', module, level, name: n, stmt, conditional });
          }
        }
        return;
      }
      case 'import_statement': {
        for (const c of stmt.children) {
          if (c.type === 'dotted_name') {
            const full = dottedText(c);
            const top = full.split('.')[0] as string;
            bind(top, { kind: 'import', module: full.split('.')[0] as string, bindsTop: true, stmt, conditional });
          } else if (c.type === 'aliased_import') {
            const full = dottedText(c.fields.name);
            const alias = c.fields.alias?.text;
            if (alias) bind(alias, { kind: 'import', module: full, bindsTop: false, stmt, conditional });
          }
        }
        return;
      }
      case 'class_definition': {
        const n = stmt.fields.name?.text;
        if (n) bind(n, { kind: 'class', node: stmt, decorators: [], stmt, conditional });
        return;
      }
      case 'function_definition': {
        const n = stmt.fields.name?.text;
        if (n) bind(n, { kind: 'def', node: stmt, decorators: [], stmt, conditional });
        return;
      }
      case 'decorated_definition': {
        const def = stmt.fields.definition;
        const decorators = stmt.children.filter((c) => c.type === 'decorator');
        const n = def?.fields.name?.text;
        if (def && n) bind(n, { kind: def.type === 'class_definition' ? 'class' : 'def', node: def, decorators, stmt, conditional });
        return;
      }
      default:
        if (COMPOUND_BODIES[stmt.type]) {
          for (const c of stmt.children) {
            if (c.type === 'block') for (const s of c.children) visit(s, true);
            else if (COMPOUND_BODIES[c.type] && c.type !== 'block') visit(c, true);
          }
          if (stmt.type === 'for_statement' && stmt.fields.left?.type === 'identifier' && stmt.fields.left.text) {
            bind(stmt.fields.left.text, { kind: 'other', stmt, conditional: true, reason: 'loop variable' });
          }
        }
    }
  };
  const body = block.type === 'module' || block.type === 'block' ? block.children : [];
  for (const s of body) visit(s, false);
  return idx;
}

export function moduleIndex(host: ProjectHost, mod: PyModule): BlockIndex {
  return host.memo(`python:index:${mod.path}`, () => indexBlock(mod.root));
}

/** The body block of a class/function definition. */
export function bodyOf(def: PyNode): PyNode | undefined {
  return def.fields.body;
}

/** Directories a project's own calls are not searched in: dependencies, build output, virtualenvs, tests. */
const SKIP_DIR = /^(node_modules|site-packages|__pycache__|venv|env|dist|build|tests?|\..*)$/;
/** Hidden directories that hold launch configurations (CI workflows, editor run configurations, dev containers). */
const LAUNCH_DIR = /^\.(github|gitlab|circleci|vscode|idea|devcontainer|run)$/;
/** Test modules: their calls build apps for the tests, not the served one. */
const TEST_FILE = /^(test_.*|.*_test|conftest)\.py$/;
/** Files that can start a Python app by naming a function (`gunicorn "app:create_app('prod')"`, `flask --app`). */
// Shell, PowerShell and batch scripts, CI and compose files, editor launch configurations (launch.json), app
// manifests (app.json, package.json scripts), and docs that give the launch command (audit 42 py c02: a run.ps1 with
// `$env:FLASK_APP = "app:create_app('default')"`).
const LAUNCHER_FILE = /^(Dockerfile.*|Containerfile|Procfile|Makefile|Jenkinsfile|[Jj]ustfile|Taskfile.*|\.flaskenv|\.env.*|.*\.(sh|bash|zsh|fish|ps1|psm1|bat|cmd|ya?ml|toml|ini|cfg|conf|service|json|mk|md|rst))$/;

/**
 * The project's Python source files and the files that may launch one of its functions, by a breadth-first walk of
 * the lint root that holds `file` (the highest of its directories the host lets us list: a CLI run on a subdirectory
 * reads only below it), SKIP_DIR directories and test modules left out (the LAUNCH_DIR ones walked), names without a dot taken for directories
 * except launcher names. Undefined when the tree has more than `budget` entries: a huge tree is not searched, and
 * what depends on the search stays unknown.
 */
export function projectPythonFiles(host: ProjectHost, file: string, budget = 4000): { py: string[]; launchers: string[] } | undefined {
  const parts = file.split('/').slice(0, -1);
  let top = '';
  for (let i = 0; i <= parts.length; i++) {
    top = parts.slice(0, i).join('/');
    if (host.listDir(top).length > 0) break;
  }
  return host.memo(`python:project-files:${budget}:${top}`, () => {
    const py: string[] = [];
    const launchers: string[] = [];
    const complete = walkTree(host, top, budget, (rel, name) => {
      if (LAUNCHER_FILE.test(name)) launchers.push(rel);
      else if (name.endsWith('.py')) {
        if (!TEST_FILE.test(name)) py.push(rel);
      } else return (!name.includes('.') && !SKIP_DIR.test(name)) || LAUNCH_DIR.test(name);
      return false;
    });
    if (!complete) return undefined;
    return { py, launchers };
  });
}

/** The name of a parameter node (`x`, `x: int`, `x=1`, `x: int = 1`, `*args`). */
export function paramName(p: PyNode): string | undefined {
  return p.type === 'identifier' ? p.text : (p.fields.name?.text ?? p.children.find((c) => c.type === 'identifier')?.text);
}

/** The parameter names of a function definition, in order (`self` included). */
export function paramNames(def: PyNode): (string | undefined)[] {
  return (def.fields.parameters?.children.filter((p) => p.type !== 'comment') ?? []).map(paramName);
}

/** The statements of a block that do something: no comments, `pass` or docstrings. */
export function bodyStatements(block: PyNode | undefined): PyNode[] {
  return (block?.children ?? []).filter((c) => c.type !== 'comment' && c.type !== 'pass_statement' && !(c.type === 'expression_statement' && c.children.length === 1 && c.children[0]?.type === 'string'));
}

/** The one `return` a block is made of (`if c: return x`), with its value; undefined for any other block. */
export function onlyReturn(block: PyNode | undefined): { value: PyNode | undefined } | undefined {
  const st = bodyStatements(block);
  return st.length === 1 && st[0]?.type === 'return_statement' ? { value: st[0].children[0] } : undefined;
}
