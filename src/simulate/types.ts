/**
 * Types of `cors-lint simulate`: a browser request in, the predicted preflight and actual responses and the
 * browser's verdict out. The shapes of `SimResult` are the JSON output of the CLI (a public contract).
 */
import type { Span } from '../model/index.js';

export interface SimRequest {
  /** Request path, e.g. `/api/orders` (a query string is ignored for matching). */
  path: string;
  /**
   * The serialized Origin the browser sends (`https://app.example.com`, or the string `null` for an opaque
   * origin). `undefined` means no Origin header (a same-origin or non-browser request).
   */
  origin?: string;
  /** The method of the actual request (case kept: `fetch` upper-cases only the six standard names). */
  method: string;
  /**
   * Request headers the page sets: `Authorization`, or `Content-Type: application/json` (name only is
   * allowed; a `Content-Type` without value is taken as `application/json`, the common API case).
   */
  headers: string[];
  /** `credentials: 'include'`. */
  credentials: boolean;
  /**
   * Whether the browser holds a cookie for the target and so sends `Cookie` on the credentialed request
   * (Starlette < 1.0 changes its answer on that). Default: same as `credentials`.
   */
  cookie?: boolean;
  /** The status the application's handler answers the actual request with (default 200). */
  status?: number;
  /** The handler throws an unhandled exception (the framework then builds a 500). */
  throws?: boolean;
  /** `Host` header, for choosing an nginx server (optional). */
  host?: string;
}

/** One header line as it leaves the server. `value: undefined` = the value cannot be known statically. */
export interface HeaderLine {
  name: string;
  value: string | undefined;
  /** The config that produced the line. */
  span?: Span;
  /** Why the value is unknown. */
  reason?: string;
  /** The value is known but whether the line is sent is not (it depends on a status the model does not know). */
  maybe?: boolean;
}

export interface SimResponse {
  /** `null` when the status cannot be predicted. */
  status: number | null;
  /**
   * CORS-relevant headers as the browser sees them: lower-case name → values of all lines joined with
   * ", " (Fetch "get"). A header whose value is unknown maps to `null`.
   */
  headers: Record<string, string | null>;
  /** The individual lines, in order (for explaining and for duplicates). */
  lines: HeaderLine[];
  /**
   * When some lines are `maybe`: the header maps with all of them sent and with none of them sent. A verdict
   * that holds for both is known even though the headers are not.
   */
  alternatives?: Record<string, string | null>[];
}

export interface PreflightResult extends SimResponse {
  /** Whether the browser accepts the preflight; `null` when it depends on unknown values. */
  ok: boolean | null;
  /** Access-Control-Request-Method / -Headers the browser sends. */
  request: { method: string; headers: string | null };
}

export interface Verdict {
  /** The page can read the response; `null` when the answer depends on values the model does not know. */
  allowed: boolean | null;
  reason: string;
  /** For a preflighted request: how long Chromium caches the preflight (seconds). */
  preflightCacheSeconds?: number;
  /**
   * Present when browsers disagree: the verdict under the Fetch standard as Firefox and Safari apply it
   * (`allowed`/`reason` above are Chromium's, which the oracle checks for real).
   */
  standard?: { allowed: boolean | null; reason: string };
}

export interface PolicyRef {
  file: string;
  line: number;
  mechanism: string;
  scope: string;
  layer: 'app' | 'proxy';
}

/** A problem found while simulating, tied to the config line responsible. */
export interface Note {
  message: string;
  span?: Span;
  file?: string;
  line?: number;
  /** How the responsible value was obtained ("default", "default of $ORIGIN when unset"). */
  via?: string;
}

export interface SimResult {
  request: SimRequest;
  preflight: PreflightResult | null;
  response: SimResponse;
  browser: Verdict;
  policies: PolicyRef[];
  notes: Note[];
  unknown: boolean;
  /** Why the answer is unknown (empty when it is known). */
  unknownReasons: string[];
}
