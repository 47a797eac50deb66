/**
 * The fixture suite: every file under fixtures/ is linted and the set of (file, line, rule) findings must
 * equal the set of `expect:` annotations exactly; `ok:` lines must stay silent.
 * A fixture is either a single file in fixtures/<kind>/ (linted alone) or a directory
 * fixtures/<kind>/<case>/ (linted as one project, for cross-file cases).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAnnotations, type Annotation } from './support/annotations.js';
import { lintDir } from './support/lint.js';

const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures');

function walk(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p, base);
    return [path.relative(base, p).split(path.sep).join('/')];
  });
}

export interface FixtureCase {
  name: string;
  cwd: string;
  paths: string[];
  annotations: Annotation[];
}

export function fixtureCases(): FixtureCase[] {
  const cases: FixtureCase[] = [];
  if (!fs.existsSync(FIXTURES)) return cases;
  for (const kind of fs.readdirSync(FIXTURES).sort()) {
    const kindDir = path.join(FIXTURES, kind);
    if (!fs.statSync(kindDir).isDirectory()) continue;
    for (const entry of fs.readdirSync(kindDir).sort()) {
      const p = path.join(kindDir, entry);
      if (fs.statSync(p).isDirectory()) {
        const files = walk(p);
        cases.push({
          name: `${kind}/${entry}/`,
          cwd: p,
          paths: ['.'],
          annotations: files.flatMap((f) => parseAnnotations(f, fs.readFileSync(path.join(p, f), 'utf8'))),
        });
      } else {
        cases.push({ name: `${kind}/${entry}`, cwd: kindDir, paths: [entry], annotations: parseAnnotations(entry, fs.readFileSync(p, 'utf8')) });
      }
    }
  }
  return cases;
}

describe('fixtures', () => {
  const cases = fixtureCases();
  it('exist', () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  for (const c of cases) {
    it(c.name, async () => {
      const diags = await lintDir(c.cwd, c.paths);
      const actual = [...new Set(diags.map((d) => `${d.file}:${d.line} ${d.ruleId}`))].sort();
      const expected = [...new Set(c.annotations.filter((a) => a.kind === 'expect').map((a) => `${a.file}:${a.line} ${a.ruleId}`))].sort();
      const detail = diags.map((d) => `  ${d.file}:${d.line}:${d.column} ${d.ruleId}: ${d.message}`).join('\n');
      expect(actual, `findings:\n${detail}`).toEqual(expected);
      const okViolations = c.annotations
        .filter((a) => a.kind === 'ok')
        .filter((a) => diags.some((d) => d.file === a.file && d.line === a.line && d.ruleId === a.ruleId));
      expect(okViolations).toEqual([]);
    });
  }
});
