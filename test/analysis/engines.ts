/**
 * The real matching engines, used to prove the analysis' claims: JS `RegExp`, Python `re` (the Debian
 * `/usr/bin/python3`, not a pyenv one), and PCRE2 through `pcre2grep` (Debian package `pcre2-utils`).
 * Inputs in these tests are short, fixed origins, so running the user's regex here cannot hang.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { MatchMode, OriginEntry } from '../../src/model/index.js';

export const PYTHON = '/usr/bin/python3';
export const PCRE2GREP = '/usr/bin/pcre2grep';

export function haveEngine(path: string): boolean {
  return fs.existsSync(path);
}

export interface PyJob {
  pattern: string;
  ignoreCase: boolean;
  verbose: boolean;
  mode: MatchMode;
  inputs: string[];
}

const PY_SCRIPT = String.raw`
import json, re, sys
jobs = json.load(sys.stdin)
out = []
for j in jobs:
    flags = (re.IGNORECASE if j["ignoreCase"] else 0) | (re.VERBOSE if j["verbose"] else 0)
    try:
        rx = re.compile(j["pattern"], flags)
    except re.error as e:
        out.append({"error": str(e)})
        continue
    f = {"search": rx.search, "match": rx.match, "fullmatch": rx.fullmatch}[j["mode"]]
    out.append({"results": [f(s) is not None for s in j["inputs"]]})
json.dump(out, sys.stdout)
`;

/** Runs all jobs in one Python process. Each result is a boolean per input, or the compile error. */
export function runPython(jobs: PyJob[]): Array<{ results?: boolean[]; error?: string }> {
  const r = spawnSync(PYTHON, ['-c', PY_SCRIPT], { input: JSON.stringify(jobs), encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Array<{ results?: boolean[]; error?: string }>;
}

/** PCRE2 unanchored search (nginx `~` / `~*`): which of the inputs match. */
export function runPcre(pattern: string, ignoreCase: boolean, inputs: string[]): boolean[] {
  const args = [...(ignoreCase ? ['-i'] : []), '-e', pattern];
  const r = spawnSync(PCRE2GREP, args, { input: inputs.join('\n') + '\n', encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`pcre2grep failed (${r.status}): ${r.stderr}`);
  const matched = new Set(r.stdout.split('\n'));
  return inputs.map((s) => matched.has(s));
}

/** JS semantics of an entry, computed with the real RegExp / String methods / URL parser. */
export function jsMatches(entry: OriginEntry, origin: string): boolean {
  switch (entry.type) {
    case 'literal':
      return entry.caseInsensitive ? entry.value.toLowerCase() === origin.toLowerCase() : entry.value === origin;
    case 'substring':
      return entry.haystack.includes(origin);
    case 'regex':
      return new RegExp(entry.pattern, entry.flags.replace(/[gy]/g, '')).test(origin);
    case 'tests':
      return entry.all.every((t) => {
        let subject: string;
        if (t.on === 'origin') subject = origin;
        else {
          try {
            const u = new URL(origin);
            subject = t.on === 'hostname' ? u.hostname : u.host;
          } catch {
            return false;
          }
        }
        const a = t.caseInsensitive ? subject.toLowerCase() : subject;
        const v = t.caseInsensitive ? t.value.toLowerCase() : t.value;
        return t.op === 'equals' ? a === v : t.op === 'startsWith' ? a.startsWith(v) : t.op === 'endsWith' ? a.endsWith(v) : a.includes(v);
      });
  }
}
