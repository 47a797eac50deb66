/**
 * The worker thread of parallel-read.ts. First it takes chunks of the file list from the shared counter,
 * reads them with the same code as the main thread (read.ts) and posts each chunk's candidates; for that it
 * loads the file selectors only, never a parser. Then, when extractors were offloaded to it, it loads them and
 * extracts their groups on request, with the same code as the main thread (extract.ts).
 */
import { workerData } from 'node:worker_threads';
import { allSelectors } from '../extractors/detect.js';
import { FsProjectHost } from './host.js';
import { NEXT_CHUNK, POSTED, readChunk, type ExtractRequest, type ReadWorkerData, type WorkerMessage } from './parallel-read.js';

const data = workerData as ReadWorkerData;
const host = new FsProjectHost(data.root, data.allowed, undefined, data.settings);
const selectors = data.selectors.flatMap((name) => allSelectors.filter((s) => s.name === name));
const ctl = new Int32Array(data.control);
const chunks = Math.ceil(data.rels.length / data.chunk);

function post(msg: WorkerMessage): void {
  data.port.postMessage(msg);
  Atomics.add(ctl, POSTED, 1);
  Atomics.notify(ctl, POSTED);
}

for (let delivered = 0; ; delivered++) {
  if (data.crashAfter !== undefined && delivered >= data.crashAfter) throw new Error('read worker: injected fault');
  const index = Atomics.add(ctl, NEXT_CHUNK, 1);
  if (index >= chunks) break;
  post({ t: 'chunk', ...readChunk(data.rels, index, data.chunk, host, selectors) });
}

if (data.offload.length === 0) {
  data.port.close();
} else {
  // Loaded now, while the main thread extracts its own groups: the modules, and the extractors' one-time setup
  // (the Python grammar).
  const ready = (async () => {
    const [{ loadExtractor }, { extractGroup }] = await Promise.all([import('../extractors/lazy.js'), import('./extract.js')]);
    const extractors = new Map(
      await Promise.all(
        data.offload.map(async (name) => {
          const load = loadExtractor[name];
          if (!load) throw new Error(`no built-in extractor named ${name}`);
          const ex = await load();
          await ex.init?.();
          return [name, ex] as const;
        }),
      ),
    );
    return { extractors, extractGroup };
  })();
  // Unhandled until a request comes: the request reports it.
  ready.catch(() => undefined);
  data.port.on('message', (msg: ExtractRequest) => {
    void (async () => {
      try {
        const { extractors, extractGroup } = await ready;
        const ex = extractors.get(msg.extractor);
        if (!ex) throw new Error(`${msg.extractor} was not offloaded`);
        for (const f of msg.files) host.seed(f);
        const notices: string[] = [];
        const result = extractGroup(ex, msg.files, host, notices);
        post({ t: 'result', extractor: msg.extractor, result, notices });
      } catch (e) {
        post({ t: 'failed', extractor: msg.extractor, message: (e as Error).message });
      }
    })();
  });
}
