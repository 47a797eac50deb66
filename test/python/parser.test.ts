/** The Python parser (web-tree-sitter + tree-sitter-python): current syntax, positions, error recovery. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initPythonParser, parsePython, type PyNode } from '../../src/extractors/python/parser.js';

beforeAll(() => initPythonParser());

function find(n: PyNode, type: string): PyNode | undefined {
  if (n.type === type) return n;
  for (const c of n.children) {
    const r = find(c, type);
    if (r) return r;
  }
  return undefined;
}

describe('python parser', () => {
  it('accepts 3.12 syntax without errors', () => {
    const src = [
      'type Point[T] = tuple[T, T]',
      'def first[T](xs: list[T]) -> T:',
      '    return xs[0]',
      'class Box[T]:',
      '    pass',
      'match cmd:',
      '    case {"origins": [*rest]} if (n := len(rest)) > 0:',
      '        pass',
      '    case _:',
      '        pass',
      'msg = f"{cfg["origins"]!r:>10} and {f\'{x}\'}"',
      'try:',
      '    pass',
      'except* ValueError as e:',
      '    pass',
      '@app.get("/x")',
      '@decorator',
      'async def h(): await x',
      'lambda *a, **k: (yield)',
    ].join('\n');
    const m = parsePython(src);
    expect(m.errors).toEqual([]);
  });

  it('positions are UTF-16 offsets (non-BMP characters before the node)', () => {
    const src = '# 😀 é\norigins = ["https://ü.example"]\n';
    const m = parsePython(src);
    const s = find(m.root, 'string') as PyNode;
    expect(src.slice(s.start, s.end)).toBe('"https://ü.example"');
  });

  it('recovers from syntax errors with positions and keeps later statements', () => {
    const src = 'def f(:\n    pass\nx = [1, 2\ny = 3\n';
    const m = parsePython(src);
    expect(m.errors.length).toBeGreaterThan(0);
    expect(m.errors[0]!.start).toBeGreaterThanOrEqual(src.indexOf('('));
    expect(m.errors[0]!.start).toBeLessThanOrEqual(src.indexOf(':'));
    expect(find(m.root, 'function_definition')).toBeDefined();
  });

  it('survives very deep nesting', () => {
    const src = 'x = ' + '('.repeat(3000) + '1' + ')'.repeat(3000) + '\n';
    expect(() => parsePython(src)).not.toThrow();
  });

  // Real-world syntax: a sample of the Debian python3 standard library parses without a single false error
  // (CORS_LINT_PY_BENCH=<dir> points it at another tree). Throughput is measured by the bench, not here.
  const stdlib =
    process.env.CORS_LINT_PY_BENCH ??
    (fs.existsSync('/usr/lib') ? fs.readdirSync('/usr/lib').filter((d) => /^python3\.\d+$/.test(d)).map((d) => path.join('/usr/lib', d))[0] : undefined);
  const haveStdlib = !!stdlib && fs.existsSync(stdlib);
  if (!haveStdlib && process.env.CI === 'true') throw new Error('no Debian python3 standard library under /usr/lib (install python3)');
  it.skipIf(!haveStdlib)('parses real standard-library modules without false errors', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory() && !['site-packages', 'dist-packages', 'test', 'tests', 'lib2to3'].includes(e.name)) walk(p);
        else if (e.isFile() && e.name.endsWith('.py')) files.push(p);
      }
    };
    walk(stdlib as string);
    const sample = files.sort().filter((_, i) => i % Math.max(1, Math.floor(files.length / 150)) === 0);
    const errorNames = sample.filter((f) => parsePython(fs.readFileSync(f, 'utf8')).errors.length > 0);
    expect(sample.length).toBeGreaterThan(100);
    expect(errorNames).toEqual([]);
  });
});
