/**
 * The contract of an extractor (src/extractors/<kind>): it knows one framework family, reads source files
 * and produces the shared model. It never decides what is wrong (that is the rules' job).
 */
import type { ExtractResult, SourceKind } from '../model/index.js';
import type { ProjectHost } from './host.js';
import type { SourceFile } from './source.js';

/** How an extractor selects its files: all the reading stage needs (src/extractors/detect.ts). */
export interface FileSelector {
  /** Name used in notices and timings ("express", "python", "nginx"). */
  name: string;
  /** Whether the file (root-relative path, first bytes of its text) is this extractor's language. */
  accepts(path: string, head: string): boolean;
  /**
   * Optional: false when no content could make the file this extractor's language, decided on the path alone
   * (an image, JSON, Markdown), so the engine does not even open it. Must be true whenever `accepts` can be.
   * Without it, every file is opened and its first bytes passed to `accepts`.
   */
  mayAccept?(path: string): boolean;
  /**
   * A cheap test on the whole text: false means the file cannot contain CORS content and is never parsed.
   * It may be loose (a false "true" only costs a parse), never strict (a false "false" is a miss).
   */
  prefilter(text: string): boolean;
}

export interface Extractor extends FileSelector {
  /** The source kinds it can produce. */
  kinds: SourceKind[];
  /** One-time asynchronous setup (loading a WASM grammar). Everything after it is synchronous. */
  init?(): Promise<void>;
  /**
   * Optional: loads now what parsing will load on first use (the engine calls it while git lists a large
   * repository, when this thread would otherwise wait). No effect but an earlier load.
   */
  preload?(): void;
  /**
   * Extracts policies and apps from the candidate files (those that passed the prefilter). Other files
   * (imports, includes, manifests) are read lazily through the host. Must not throw on bad input:
   * problems become `parseErrors`.
   */
  extract(files: SourceFile[], host: ProjectHost): ExtractResult;
  /**
   * Optional: parse the candidate files into the host's caches ahead of `extract` (the engine calls it while it
   * waits for slower I/O, such as git listing untracked files). Must have no effect but warmer caches.
   */
  prewarm?(files: SourceFile[], host: ProjectHost): void;
  /**
   * Optional, runs once after every extractor has run, on the merged model: connects this extractor's
   * policies to facts other extractors produced (an nginx `proxy_pass` to an app of the same repository
   * sets `upstream.appId`). May only add to the model. Must not throw.
   */
  link?(model: ExtractResult, host: ProjectHost): void;
}
