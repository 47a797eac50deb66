/** Every rule has docs, is registered, and has positive and clean fixtures for each source kind it claims. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';

const ROOT = path.resolve(import.meta.dirname, '..');

function fixtureTexts(kind: string): string {
  const dir = path.join(ROOT, 'fixtures', kind);
  if (!fs.existsSync(dir)) return '';
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop() as string;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else out.push(fs.readFileSync(p, 'utf8'));
    }
  }
  return out.join('\n');
}

describe('rule registry', () => {
  const folders = fs
    .readdirSync(path.join(ROOT, 'rules'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

  it('registers every rule folder exactly once', () => {
    const ids = allRules.map((r) => r.meta.id).sort();
    expect(ids).toEqual(folders);
    expect(new Set(ids).size).toBe(ids.length);
  });

  for (const rule of allRules) {
    const id = rule.meta.id;
    it(`${id}: has rule.ts and a README with examples`, () => {
      expect(fs.existsSync(path.join(ROOT, 'rules', id, 'rule.ts'))).toBe(true);
      const readme = fs.readFileSync(path.join(ROOT, 'rules', id, 'README.md'), 'utf8');
      expect(readme).toMatch(new RegExp(`^# cors/${id}`));
      expect(readme).toMatch(/```/);
      expect(rule.meta.summary.length).toBeGreaterThan(10);
      expect(rule.meta.kinds.length).toBeGreaterThan(0);
    });
    for (const kind of rule.meta.kinds) {
      it(`${id}: has positive and clean ${kind} fixtures`, () => {
        const texts = fixtureTexts(kind);
        expect(texts, `no "expect: cors/${id}" in fixtures/${kind}`).toMatch(new RegExp(`expect:[^\\n]*cors/${id}\\b`));
        expect(texts, `no "ok: cors/${id}" in fixtures/${kind}`).toMatch(new RegExp(`ok:[^\\n]*cors/${id}\\b`));
      });
    }
  }
});

describe('README', () => {
  it('lists every rule in the rules table', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const r of allRules) expect(readme, r.meta.id).toContain(`[\`cors/${r.meta.id}\`](rules/${r.meta.id}/README.md)`);
  });
});
