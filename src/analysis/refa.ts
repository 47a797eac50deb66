/**
 * refa, loaded through `require`: it is a 1 MB CommonJS bundle, and Node's ESM loader first scans a CommonJS
 * file's source for its export names, which doubled its load time (about 105 ms instead of 215 ms for refa and
 * tldts together at startup, measured here).
 */
import { createRequire } from 'node:module';
import type * as Refa from 'refa';

export const refa = createRequire(import.meta.url)('refa') as typeof Refa;
