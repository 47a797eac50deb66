/**
 * Which files the Express extractor takes, decided without loading it (the reading stage and its worker
 * thread use this alone): JavaScript/TypeScript sources by path, minus bundles, and a text prefilter.
 */

export const JS_EXTENSIONS = ['.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx'];

import { matchesInCode } from '../comments.js';

// Files that mention CORS, the files that create Express apps (their routes and mounts give the prefixes), and
// the ones that create a graphql-yoga server, which answers CORS by default without naming it, or use json-server,
// whose defaults() adds cors without naming it.
// Global: every match is tried until one is outside a comment line.
const PREFILTER = /cors|access-control-|\bexpress\s*\(\s*\)|\bcreateYoga\b|json-server/gi;

const JS_EXTENSION_SET: ReadonlySet<string> = new Set(JS_EXTENSIONS);

/** The extension, lower-cased, with its dot ('' when none). Runs on every listed path: no regex, no copy of the path. */
function extensionOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot < 0 || path.indexOf('/', dot) >= 0 ? '' : path.slice(dot).toLowerCase();
}

/** Whether the path ends with `suffix` (lower-case), ignoring case. */
function endsWithIgnoringCase(path: string, suffix: string): boolean {
  return path.length >= suffix.length && path.slice(path.length - suffix.length).toLowerCase() === suffix;
}

export function isJsPath(path: string): boolean {
  return JS_EXTENSION_SET.has(extensionOf(path)) && !endsWithIgnoringCase(path, '.d.ts');
}

const BUNDLE_STEMS = ['.min', '.bundle', '.chunk'];

/** JS/TS sources, minus bundles (`x.min.js`, `x.bundle.mjs`, `x.chunk.cjs`): decided on the path alone. */
export function acceptsJsPath(path: string): boolean {
  const ext = extensionOf(path);
  if (!JS_EXTENSION_SET.has(ext)) return false;
  if (ext === '.ts' && endsWithIgnoringCase(path, '.d.ts')) return false;
  if (ext !== '.js' && ext !== '.cjs' && ext !== '.mjs') return true;
  const stem = path.slice(0, path.length - ext.length);
  return !BUNDLE_STEMS.some((b) => endsWithIgnoringCase(stem, b));
}

/** A file whose first lines are thousands of characters long is a bundle, not hand-written server code. */
function looksMinified(text: string): boolean {
  if (text.length < 20_000) return false;
  const head = text.slice(0, 20_000);
  const lines = head.split('\n');
  return lines.length < 10 && lines.some((l) => l.length > 2000);
}

export function expressPrefilter(text: string): boolean {
  return matchesInCode(text, PREFILTER, 'js') && !looksMinified(text);
}
