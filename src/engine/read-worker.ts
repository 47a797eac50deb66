/**
 * The reading worker thread (see parallel-read.ts): takes chunks of the file list from the shared counter,
 * reads them with the same code as the main thread (read.ts) and posts each chunk's candidates. It loads the
 * file selectors only, never a parser.
 */
import { workerData } from 'node:worker_threads';
import { allSelectors } from '../extractors/detect.js';
import { FsProjectHost } from './host.js';
import { NEXT_CHUNK, POSTED, type ChunkResult, type ReadWorkerData } from './parallel-read.js';
import { readCandidates, type ReadCounts } from './read.js';

const data = workerData as ReadWorkerData;
const host = new FsProjectHost(data.root, data.allowed);
const selectors = data.selectors.flatMap((name) => allSelectors.filter((s) => s.name === name));
const ctl = new Int32Array(data.control);
const chunks = Math.ceil(data.rels.length / data.chunk);

for (let delivered = 0; ; delivered++) {
  if (data.crashAfter !== undefined && delivered >= data.crashAfter) throw new Error('read worker: injected fault');
  const index = Atomics.add(ctl, NEXT_CHUNK, 1);
  if (index >= chunks) break;
  const counts: ReadCounts = { candidates: 0, skipped: 0 };
  const notices: string[] = [];
  const rels = data.rels.slice(index * data.chunk, (index + 1) * data.chunk);
  const files = readCandidates(rels, host, selectors, counts, notices, undefined, false);
  const result: ChunkResult = { index, files, ...counts, notices };
  data.port.postMessage(result);
  Atomics.add(ctl, POSTED, 1);
  Atomics.notify(ctl, POSTED);
}
data.port.close();
