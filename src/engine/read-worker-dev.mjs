// Starts the reading worker from the TypeScript sources (tests, `tsx` scripts): worker threads do not inherit
// `--import tsx`, so the worker registers tsx itself before it loads read-worker.ts. The compiled package
// starts dist/src/engine/read-worker.js directly and never uses this file.
import { register } from 'tsx/esm/api';

register();
await import('./read-worker.ts');
