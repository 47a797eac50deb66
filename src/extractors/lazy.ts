/**
 * The built-in extractors by name, loaded on demand: the worker thread (src/engine/read-worker.ts) loads only
 * the one it is asked to run, after it has finished reading.
 */
import type { Extractor } from '../engine/extractor.js';

export const loadExtractor: Readonly<Record<string, () => Promise<Extractor>>> = {
  express: async () => (await import('./express/index.js')).expressExtractor,
  nginx: async () => (await import('./nginx/index.js')).nginxExtractor,
  python: async () => (await import('./python/index.js')).pythonExtractor,
};
