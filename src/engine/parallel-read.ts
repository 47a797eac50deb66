/**
 * Reading a large tree on two threads (issue 7: "worker threads where the tree is large enough to pay for
 * them"). Opening and sniffing tens of thousands of files is system-call work; parsing the few CORS
 * candidates among them is JavaScript work. Here a worker thread (read-worker.ts) reads while this thread
 * parses what has been found so far, and reads too whenever it has nothing to parse, so neither waits:
 *
 *  - the files to open are cut into chunks; both threads take the next chunk from a shared counter
 *    (Atomics), so the split adapts to how fast each one is;
 *  - the worker posts each chunk's candidates (path + text, a few KiB per chunk) and its counters;
 *  - this thread hands candidates to `onCandidates` (the extractors' prewarm) as soon as it has them;
 *  - the result is assembled in chunk order: the same files, counters and notices, in the same order, as
 *    `readCandidates` over the whole list.
 *
 * The worker loads only the file selectors (no parser) to read. When it is done reading it can extract one
 * extractor's group too (`offload`): while this thread extracts the others, the worker parses and extracts
 * that group with the same code (extract.ts) and posts the result as plain data (the data --cache stores).
 *
 * If the worker cannot start, or dies, this thread reads the chunks it did not deliver and extracts what it
 * did not return: a worker can make a run faster, never change or lose its result.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { ExtractResult } from '../model/index.js';
import type { ProjectSettings } from './config.js';
import type { FileSelector } from './extractor.js';
import type { FsProjectHost } from './host.js';
import { mayBeOpened, readCandidates, type ReadCounts } from './read.js';
import type { SourceFile } from './source.js';

/** Files to open (after the path filter) below which one thread reads alone: the worker would not pay for itself. */
export const PARALLEL_READ_MIN_FILES = 4000;
/**
 * Cores below which one thread reads alone. Measured on two cores (the 50,000-file bench monorepo, 8
 * interleaved runs each): 3.94-4.16 s with the worker, 3.97-4.22 s without, for 1 s more CPU. There the second
 * core is already busy with V8's garbage collector and compiler threads and git's listing of untracked
 * files, and a second isolate pays its own module loading, JIT warm-up and WASM compilation.
 */
export const PARALLEL_READ_MIN_CORES = 3;
/** Files per chunk: small enough to balance the threads, large enough that messages stay few. */
export const CHUNK_FILES = 128;

/** Slots of the shared control array. */
export const NEXT_CHUNK = 0;
export const POSTED = 1;

export interface ReadWorkerData {
  root: string;
  allowed: string[];
  /** Names of the selectors to apply (the worker loads src/extractors/detect.ts). */
  selectors: string[];
  rels: string[];
  chunk: number;
  control: SharedArrayBuffer;
  port: MessagePort;
  /** Extractors whose groups the worker may be asked to extract once it has read (by name). */
  offload: string[];
  settings: ProjectSettings;
  /** Fault injection for tests: the worker throws after delivering this many chunks. */
  crashAfter?: number;
}

/** Main thread → worker, after the reading. */
export interface ExtractRequest {
  t: 'extract';
  extractor: string;
  files: SourceFile[];
}

/** Worker → main thread. */
export type WorkerMessage = ({ t: 'chunk' } & ChunkResult) | { t: 'result'; extractor: string; result: ExtractResult; notices: string[] } | { t: 'failed'; extractor: string; message: string };

export interface ChunkResult {
  index: number;
  files: SourceFile[];
  candidates: number;
  skipped: number;
  notices: string[];
}

export interface ParallelReadOptions {
  host: FsProjectHost;
  selectors: readonly FileSelector[];
  counts: ReadCounts;
  notices: string[];
  /** Candidates as soon as they are known (any order), already seeded into the host. */
  onCandidates?: (files: SourceFile[]) => void;
  /** Chunk size (tests use small ones). */
  chunk?: number;
  /** See ReadWorkerData.crashAfter. */
  crashAfter?: number;
  /** Tests: this thread reads only what the worker did not deliver (so the worker's share is known). */
  workerOnly?: boolean;
  /** Built-in extractors whose groups the worker should be ready to extract after the reading. */
  offload?: string[];
  settings?: ProjectSettings;
}

export interface RemoteResult {
  result: ExtractResult;
  notices: string[];
}

/** The worker after the reading: it extracts the offloaded groups on request. */
export interface ExtractionHelper {
  readonly extractors: ReadonlySet<string>;
  /** The worker's extraction of `group` (in this order), or undefined when it cannot give it (extract it here). */
  extract(extractor: string, group: SourceFile[]): Promise<RemoteResult | undefined>;
  /** Stops the worker. */
  close(): void;
}

export interface ReadOutcome {
  files: SourceFile[];
  /** Chunks the worker read. */
  workerChunks: number;
  /** Present when extractors were offloaded and the worker is alive: close it when the run is done with it. */
  helper?: ExtractionHelper;
}

/** Reads chunk `index` of the list (both threads do it this way); the files are not seeded into the host. */
export function readChunk(rels: readonly string[], index: number, chunk: number, host: FsProjectHost, selectors: readonly FileSelector[]): ChunkResult {
  const counts: ReadCounts = { candidates: 0, skipped: 0 };
  const notices: string[] = [];
  const files = readCandidates(rels.slice(index * chunk, (index + 1) * chunk), host, selectors, counts, notices, undefined, false);
  return { index, files, ...counts, notices };
}

/** How to start the worker: a module URL, or (from the sources) a bootstrap that loads it through tsx. */
function startWorker(data: ReadWorkerData): Worker {
  const self = import.meta.url;
  // From the compiled package: the compiled worker, without the parent's Node options (a flag that is valid
  // for the main thread can be refused in a worker).
  const options = { workerData: data, transferList: [data.port], execArgv: [] as string[] };
  if (!self.endsWith('.ts')) return new Worker(new URL('./read-worker.js', self), options);
  // From the sources (tests, `tsx` scripts): a bootstrap that registers tsx in the worker first.
  return new Worker(new URL('./read-worker-dev.mjs', self), options);
}

/** Outcome of the worker as seen from this thread. */
interface WorkerState {
  dead: boolean;
}

/**
 * Reads `rels` like `readCandidates` (same result, same order), with a worker thread when the machine has the
 * cores and the tree is large enough, or when `force` is set. Undefined when no worker was started (the
 * caller then reads alone).
 */
export async function readInParallel(
  rels: readonly string[],
  opts: ParallelReadOptions,
  force = false,
): Promise<ReadOutcome | undefined> {
  if (!force && availableParallelism() < PARALLEL_READ_MIN_CORES) return undefined;
  const toOpen = rels.filter((r) => mayBeOpened(r, opts.selectors));
  if (!force && toOpen.length < PARALLEL_READ_MIN_FILES) return undefined;
  const chunk = Math.max(1, opts.chunk ?? CHUNK_FILES);
  const chunks = Math.ceil(toOpen.length / chunk);
  const control = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  const ctl = new Int32Array(control);
  const { port1, port2 } = new MessageChannel();
  const data: ReadWorkerData = {
    root: opts.host.root,
    allowed: opts.host.allowedRoots,
    selectors: opts.selectors.map((s) => s.name),
    rels: toOpen,
    chunk,
    control,
    port: port2,
    offload: opts.offload ?? [],
    settings: opts.settings ?? {},
    ...(opts.crashAfter !== undefined ? { crashAfter: opts.crashAfter } : {}),
  };
  let worker: Worker;
  try {
    worker = startWorker(data);
  } catch {
    port1.close();
    return undefined;
  }
  const state: WorkerState = { dead: false };
  const died = () => {
    state.dead = true;
    // Wake a wait on the control array (the worker will post nothing more).
    Atomics.add(ctl, POSTED, 1);
    Atomics.notify(ctl, POSTED);
  };
  worker.on('error', died);
  worker.on('exit', died);

  const results: (ChunkResult | undefined)[] = new Array<ChunkResult | undefined>(chunks);
  let have = 0;
  let workerChunks = 0;
  const store = (r: ChunkResult, fromWorker: boolean) => {
    if (results[r.index] !== undefined) return;
    results[r.index] = r;
    have++;
    if (fromWorker) workerChunks++;
    for (const f of r.files) opts.host.seed(f);
    if (r.files.length > 0) opts.onCandidates?.(r.files);
  };
  const readHere = (index: number): ChunkResult => readChunk(toOpen, index, chunk, opts.host, opts.selectors);
  // Extraction answers that arrive (they come after every chunk).
  const answers = new Map<string, RemoteResult | undefined>();
  const drain = () => {
    for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) {
      const msg = m.message as WorkerMessage;
      if (msg.t === 'chunk') store(msg, true);
      else answers.set(msg.extractor, msg.t === 'result' ? { result: msg.result, notices: msg.notices } : undefined);
    }
  };
  /** Waits (without blocking the event loop, so that 'exit' can arrive) for the worker's next post. */
  const nextPost = async (seen: number) => {
    const w = Atomics.waitAsync(ctl, POSTED, seen, 200);
    if (w.async) await w.value;
  };
  const stop = () => {
    port1.close();
    void worker.terminate();
  };

  try {
    for (;;) {
      drain();
      if (have === chunks) break;
      const index = opts.workerOnly && !state.dead ? chunks : Atomics.add(ctl, NEXT_CHUNK, 1);
      if (index < chunks) {
        store(readHere(index), false);
        continue;
      }
      // Every chunk is taken; the worker's last ones are still coming, unless it died.
      if (state.dead) {
        drain();
        for (let i = 0; i < chunks; i++) if (results[i] === undefined) store(readHere(i), false);
        break;
      }
      const seen = Atomics.load(ctl, POSTED);
      drain();
      if (have === chunks) break;
      await nextPost(seen);
    }
  } catch (e) {
    stop();
    throw e;
  }

  const extractors = new Set(data.offload);
  let helper: ExtractionHelper | undefined;
  if (extractors.size > 0 && !state.dead) {
    helper = {
      extractors,
      async extract(extractor, group) {
        if (!extractors.has(extractor) || state.dead) return undefined;
        answers.delete(extractor);
        try {
          const request: ExtractRequest = { t: 'extract', extractor, files: group };
          port1.postMessage(request);
        } catch {
          return undefined;
        }
        for (;;) {
          const seen = Atomics.load(ctl, POSTED);
          drain();
          if (answers.has(extractor)) return answers.get(extractor);
          if (state.dead) return undefined;
          await nextPost(seen);
        }
      },
      close: stop,
    };
  } else {
    stop();
  }

  const files: SourceFile[] = [];
  for (const r of results as ChunkResult[]) {
    files.push(...r.files);
    opts.counts.candidates += r.candidates;
    opts.counts.skipped += r.skipped;
    opts.notices.push(...r.notices);
  }
  return helper ? { files, workerChunks, helper } : { files, workerChunks };
}
