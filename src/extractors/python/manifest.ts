/**
 * Python dependency versions from the project's manifests (cors-semantics.md: "the extractor reads the version
 * from the project ... where it cannot, it models the current release"): lock files (poetry.lock, uv.lock,
 * Pipfile.lock) give exact versions; requirements*.txt and pyproject.toml give `==` pins or lower bounds.
 * The nearest manifest directory from the source file upwards wins.
 */
import * as path from 'node:path';
import type { ProjectHost } from '../../engine/host.js';
import type { Span } from '../../model/index.js';

export interface DepVersion {
  /** Exact version (a lock file or an `==` pin). */
  exact?: string;
  /** A lower bound (`>=`, `^`, `~=`): the installed version is this or newer. */
  min?: string;
  /** Where it was read. */
  span: Span;
}

export type Versions = Map<string, DepVersion>;

const PACKAGES = ['fastapi', 'starlette', 'flask', 'flask-cors', 'pydantic', 'pydantic-settings'];

function norm(name: string): string {
  return name.toLowerCase().replace(/[_.]+/g, '-');
}

function record(out: Versions, name: string, spec: string, file: string, start: number, end: number, exactOnly = false): void {
  const n = norm(name);
  if (!PACKAGES.includes(n)) return;
  const span = { file, start, end };
  const prev = out.get(n);
  const exact = /^\s*(?:===?)\s*v?(\d+(?:\.\d+)*)/.exec(spec)?.[1] ?? (exactOnly ? /(\d+(?:\.\d+)*)/.exec(spec)?.[1] : undefined);
  if (exact) {
    if (!prev?.exact) out.set(n, { exact, span });
    return;
  }
  const min = /(?:>=|\^|~=|~|>)\s*v?(\d+(?:\.\d+)*)/.exec(spec)?.[1];
  if (min && !prev) out.set(n, { min, span });
}

function parseRequirements(text: string, file: string, out: Versions): void {
  const re = /^[ \t]*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?[ \t]*((?:[=<>!~^]=?|===)[^;#\r\n]*)?/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    record(out, m[1] as string, m[2] ?? '', file, m.index, m.index + m[0].length);
  }
}

function parsePyproject(text: string, file: string, out: Versions): void {
  // PEP 621 / PEP 508 strings: "fastapi[standard]>=0.114.2,<1.0.0"
  const pep = /["']([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*((?:[=<>!~]=?|===)[^"';]*)?\s*(?:;[^"']*)?["']/g;
  let m: RegExpExecArray | null;
  while ((m = pep.exec(text))) record(out, m[1] as string, m[2] ?? '', file, m.index, m.index + m[0].length);
  // Poetry: fastapi = "^0.68.0" / fastapi = {version = "^0.68", extras = [...]}
  const poetry = /^[ \t]*([A-Za-z0-9][A-Za-z0-9._-]*)[ \t]*=[ \t]*(?:\{[^}\n]*version[ \t]*=[ \t]*)?["']([^"']+)["']/gm;
  while ((m = poetry.exec(text))) {
    const spec = (m[2] as string).trim();
    record(out, m[1] as string, /^\d/.test(spec) ? `==${spec}` : spec, file, m.index, m.index + m[0].length);
  }
}

function parseTomlLock(text: string, file: string, out: Versions): void {
  const re = /\[\[package\]\]\s*\r?\nname\s*=\s*"([^"]+)"\s*\r?\nversion\s*=\s*"([^"]+)"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) record(out, m[1] as string, `==${m[2]}`, file, m.index, m.index + m[0].length);
}

function parsePipfileLock(text: string, file: string, out: Versions): void {
  const re = /"([A-Za-z0-9][A-Za-z0-9._-]*)"\s*:\s*\{[^{}]*?"version"\s*:\s*"==([^"]+)"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) record(out, m[1] as string, `==${m[2]}`, file, m.index, m.index + m[0].length);
}

function manifestsIn(host: ProjectHost, dir: string): Versions {
  return host.memo(`python:manifests:${dir}`, () => {
    const out: Versions = new Map();
    const entries = host.listDir(dir);
    const join = (f: string) => (dir === '' ? f : `${dir}/${f}`);
    const ordered = [
      ...entries.filter((e) => e === 'poetry.lock' || e === 'uv.lock' || e === 'pdm.lock'),
      ...entries.filter((e) => e === 'Pipfile.lock'),
      ...entries.filter((e) => /^requirements.*\.(txt|in)$/i.test(e)),
      ...entries.filter((e) => e === 'pyproject.toml' || e === 'Pipfile'),
    ];
    if (entries.includes('requirements')) {
      for (const e of host.listDir(join('requirements'))) if (/\.(txt|in)$/.test(e)) ordered.push(`requirements/${e}`);
    }
    for (const e of ordered) {
      const f = host.readFile(join(e));
      if (!f) continue;
      if (e.endsWith('.lock') && e !== 'Pipfile.lock') parseTomlLock(f.text, f.path, out);
      else if (e === 'Pipfile.lock') parsePipfileLock(f.text, f.path, out);
      else if (e === 'pyproject.toml' || e === 'Pipfile') parsePyproject(f.text, f.path, out);
      else parseRequirements(f.text, f.path, out);
    }
    return out;
  });
}

/** Versions that apply to a source file: the nearest directory (upwards) that declares each package. */
export function versionsFor(host: ProjectHost, file: string): Versions {
  let dir = path.posix.dirname(file);
  if (dir === '.') dir = '';
  return host.memo(`python:versions:${dir}`, () => {
    const out: Versions = new Map();
    for (;;) {
      for (const [k, v] of manifestsIn(host, dir)) if (!out.has(k)) out.set(k, v);
      if (dir === '') break;
      dir = path.posix.dirname(dir);
      if (dir === '.') dir = '';
    }
    return out;
  });
}

/** Compares dotted versions numerically: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Whether the installed version is known to be below `v`: true for an exact pin below it, false for an
 * exact pin or lower bound at or above it, undefined otherwise (then model the current release).
 */
export function isBelow(dep: DepVersion | undefined, v: string): boolean | undefined {
  if (!dep) return undefined;
  if (dep.exact) return compareVersions(dep.exact, v) < 0;
  if (dep.min && compareVersions(dep.min, v) >= 0) return false;
  return undefined;
}

/**
 * The Starlette version range from the project: a pinned starlette, else what the pinned FastAPI release
 * required (FastAPI < 0.47 pinned starlette 0.12.x, before the 0.13.1 fullmatch fix; FastAPI < 0.70
 * pinned starlette 0.14.x, before 0.15).
 */
export function starletteVersion(vs: Versions): DepVersion | undefined {
  const s = vs.get('starlette');
  if (s) return s;
  const f = vs.get('fastapi');
  if (f?.exact) {
    if (compareVersions(f.exact, '0.47.0') < 0) return { exact: '0.12.9', span: f.span };
    if (compareVersions(f.exact, '0.70.0') < 0) return { exact: '0.14.2', span: f.span };
    return { min: '0.16.0', span: f.span };
  }
  return undefined;
}
