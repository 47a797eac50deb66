/**
 * How each extractor selects its files (path, first bytes, text prefilter), without loading the extractors:
 * what the reading stage needs, on the main thread or on its worker (src/engine/read-worker.ts).
 */
import type { FileSelector } from '../engine/extractor.js';
import { acceptsJsPath, expressPrefilter } from './express/detect.js';
import { acceptsNginx, mayAcceptNginx, nginxPrefilter } from './nginx/detect.js';
import { acceptsPython, pythonPrefilter } from './python/detect.js';

/** Same names and order as `allExtractors`. */
export const allSelectors: FileSelector[] = [
  { name: 'express', accepts: acceptsJsPath, mayAccept: acceptsJsPath, prefilter: expressPrefilter },
  { name: 'nginx', accepts: acceptsNginx, mayAccept: mayAcceptNginx, prefilter: nginxPrefilter },
  { name: 'python', accepts: acceptsPython, mayAccept: acceptsPython, prefilter: pythonPrefilter },
];
