/**
 * Which files the Express extractor takes, decided without loading it (the reading stage and its worker
 * thread use this alone): JavaScript/TypeScript sources by path, minus bundles, and a text prefilter.
 */

export const JS_EXTENSIONS = ['.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx'];

// Files that mention CORS, and the files that create Express apps (their routes and mounts give the prefixes).
const PREFILTER = /cors|access-control-|\bexpress\s*\(\s*\)/i;

export function isJsPath(path: string): boolean {
  const lower = path.toLowerCase();
  return JS_EXTENSIONS.some((e) => lower.endsWith(e)) && !lower.endsWith('.d.ts');
}

/** JS/TS sources, minus bundles: decided on the path alone. */
export function acceptsJsPath(path: string): boolean {
  return isJsPath(path) && !/\.(min|bundle|chunk)\.[cm]?js$/i.test(path);
}

/** A file whose first lines are thousands of characters long is a bundle, not hand-written server code. */
function looksMinified(text: string): boolean {
  if (text.length < 20_000) return false;
  const head = text.slice(0, 20_000);
  const lines = head.split('\n');
  return lines.length < 10 && lines.some((l) => l.length > 2000);
}

export function expressPrefilter(text: string): boolean {
  return PREFILTER.test(text) && !looksMinified(text);
}
