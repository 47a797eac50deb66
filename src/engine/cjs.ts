/**
 * `require` for the CommonJS dependencies (Babel's parser, picomatch, ignore, the visitor keys, refa, tldts, yaml).
 * Imported as ES modules, each one was first scanned by Node's loader for its export names, which cost as much
 * as loading it; start-up matters because small projects are linted in well under a second.
 */
import { createRequire } from 'node:module';

export const requireCjs = createRequire(import.meta.url);
