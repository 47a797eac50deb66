/**
 * `cors-lint simulate [path] --path P --origin O [--method M] [--header H]... [--credentials]
 *  [--status N] [--throws] [--no-cookie] [--app ID] [--format text|json]`
 * Predicts the preflight, the response and the browser's verdict for one request (src/simulate).
 * Exit codes: 0 allowed, 1 blocked or unknown, 2 usage or internal failure.
 */
import { ConfigError } from '../engine/config.js';
import { lineTableFor } from '../engine/source.js';
import { simulate } from '../simulate/index.js';
import { loadProjectModel } from '../simulate/project.js';
import type { SimRequest, SimResponse, SimResult } from '../simulate/types.js';

export const SIMULATE_USAGE = `Usage: cors-lint simulate [dir] --path <path> --origin <origin> [options]

Predicts what a browser sees for one cross-origin request, without starting the server.

Options:
  --path <path>        request path (default /)
  --origin <origin>    the page's origin, e.g. https://app.example.com (or null)
  --method <method>    request method (default GET)
  --header <h>         request header the page sets, repeatable: Authorization, "Content-Type: application/json"
  --json               shorthand for --header "Content-Type: application/json"
  --credentials        fetch with credentials: 'include'
  --no-cookie          the browser holds no cookie for the target (default: a cookie is sent with --credentials)
  --status <n>         status the handler answers with (default: 200, or 404/405 from the routes)
  --throws             the handler throws an unhandled exception
  --app <id>           the app to simulate when the project holds several
  --format text|json   output format (default text)
  -h, --help           this help
`;

export interface SimulateArgs {
  dir: string;
  request: SimRequest;
  format: 'text' | 'json';
  appId?: string;
}

export class UsageError extends Error {}

export function parseSimulateArgs(argv: string[]): SimulateArgs | 'help' {
  const req: SimRequest = { path: '/', method: 'GET', headers: [], credentials: false };
  let dir: string | undefined;
  let format: 'text' | 'json' = 'text';
  let appId: string | undefined;
  let noCookie = false;
  const need = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i] as string;
    let inline: string | undefined;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = (flag: string): string => {
      if (inline !== undefined) return inline;
      const v = need(i, flag);
      i++;
      return v;
    };
    switch (a) {
      case '-h':
      case '--help':
        return 'help';
      case '--path':
        req.path = value(a);
        if (!req.path.startsWith('/')) req.path = `/${req.path}`;
        break;
      case '--origin':
        req.origin = value(a);
        break;
      case '--method':
      case '-X':
        req.method = value(a);
        break;
      case '--header':
      case '-H':
        req.headers.push(value(a));
        break;
      case '--json':
        req.headers.push('Content-Type: application/json');
        break;
      case '--credentials':
        req.credentials = true;
        break;
      case '--no-cookie':
        noCookie = true;
        break;
      case '--status': {
        const n = Number(value(a));
        if (!Number.isInteger(n) || n < 100 || n > 599) throw new UsageError('--status must be an HTTP status (100-599)');
        req.status = n;
        break;
      }
      case '--throws':
        req.throws = true;
        break;
      case '--app':
        appId = value(a);
        break;
      case '--format': {
        const f = value(a);
        if (f !== 'text' && f !== 'json') throw new UsageError('--format must be text or json');
        format = f;
        break;
      }
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        if (dir !== undefined) throw new UsageError(`only one directory can be simulated (got ${dir} and ${a})`);
        dir = a;
    }
  }
  if (req.origin === undefined) throw new UsageError('--origin is required');
  if (req.origin !== 'null') {
    let u: URL;
    try {
      u = new URL(req.origin);
    } catch {
      throw new UsageError(`--origin must be a serialized origin like https://app.example.com (got ${req.origin})`);
    }
    if (u.origin !== req.origin) throw new UsageError(`--origin must be a serialized origin: a browser sends ${u.origin}, not ${req.origin}`);
  }
  if (req.credentials) req.cookie = !noCookie;
  return { dir: dir ?? '.', request: req, format, ...(appId !== undefined ? { appId } : {}) };
}

function snippet(readText: (f: string) => string | undefined, file: string, start: number, end: number): string {
  const text = readText(file);
  if (text === undefined) return '';
  const s = text.slice(start, Math.min(end, start + 200)).replace(/\s+/g, ' ').trim();
  const line = lineTableFor(text).position(start).line;
  return `${file}:${line}${s ? ` ${s.length > 60 ? `${s.slice(0, 57)}...` : s}` : ''}`;
}

function headerBlock(res: SimResponse, indent: string): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(res.headers)) out.push(`${indent}${k}: ${v === null ? '(unknown)' : v}`);
  if (out.length === 0) out.push(`${indent}(no CORS headers)`);
  return out;
}

export function formatText(r: SimResult, readText: (f: string) => string | undefined): string {
  const pad = '           ';
  const lines: string[] = [];
  const req = r.request;
  const hdrs = req.headers.length ? `, headers: ${req.headers.join('; ')}` : '';
  lines.push(`request    ${req.method} ${req.path} from ${req.origin ?? '(no Origin)'}${req.credentials ? ', credentials' : ''}${hdrs}`);
  if (r.preflight) {
    const p = r.preflight;
    const acao = p.headers['access-control-allow-origin'];
    lines.push(`preflight  OPTIONS ${req.path}  → ${p.status ?? '?'}${acao !== undefined ? `, Access-Control-Allow-Origin: ${acao ?? '(unknown)'}` : ''}`);
    lines.push(...headerBlock(p, pad).filter((l) => !l.includes('access-control-allow-origin:')));
  } else {
    lines.push('preflight  none needed');
  }
  const notSent = r.preflight !== null && r.preflight.ok === false;
  lines.push(`response   ${req.method} ${req.path}  → ${r.response.status ?? '?'}${notSent ? '  (not sent by the browser: the preflight failed)' : ''}`);
  lines.push(...headerBlock(r.response, pad));
  for (const n of r.notes) {
    const where = n.span ? ` (${snippet(readText, n.span.file, n.span.start, n.span.end)}${n.via ? ` ${n.via}` : ''})` : '';
    lines.push(`${pad}✗ ${n.message}${where}`);
  }
  const verdict = r.browser.allowed === true ? r.browser.reason || 'allowed' : r.browser.reason;
  lines.push(`browser    ${verdict}`);
  if (r.browser.preflightCacheSeconds !== undefined && r.preflight) lines.push(`${pad}preflight cached ${r.browser.preflightCacheSeconds}s (Chromium)`);
  if (r.policies.length) lines.push(`policies   ${r.policies.map((p) => `${p.file}:${p.line} ${p.mechanism} (${p.scope})`).join('\n' + pad)}`);
  if (r.browser.standard) lines.push(`firefox,   ${r.browser.standard.reason}\nsafari`);
  if (r.unknown) lines.push(`unknown    ${r.unknownReasons.join('\n' + pad)}`);
  return lines.join('\n') + '\n';
}

/** The CLI entry, wired into src/cli/main.ts. Writes to stdout/stderr and returns the exit code. */
export async function runSimulateCommand(argv: string[], cwd: string): Promise<number> {
  let args: SimulateArgs | 'help';
  try {
    args = parseSimulateArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`cors-lint simulate: ${e.message}\n\n${SIMULATE_USAGE}`);
      return 2;
    }
    throw e;
  }
  if (args === 'help') {
    process.stdout.write(SIMULATE_USAGE);
    return 0;
  }
  try {
    const { resolve } = await import('node:path');
    const project = await loadProjectModel(resolve(cwd, args.dir));
    const result = simulate(project.model, args.request, { readText: project.readText, ...(args.appId ? { appId: args.appId } : {}) });
    if (args.format === 'json') {
      const { notes, unknownReasons, ...rest } = result;
      const json = {
        ...rest,
        preflight: rest.preflight ? { status: rest.preflight.status, headers: rest.preflight.headers, ok: rest.preflight.ok } : null,
        response: { status: rest.response.status, headers: rest.response.headers },
        notes: notes.map((n) => ({ message: n.message, ...(n.file ? { file: n.file, line: n.line } : {}), ...(n.via ? { via: n.via } : {}) })),
        unknownReasons,
      };
      process.stdout.write(JSON.stringify(json, null, 2) + '\n');
    } else {
      for (const n of project.notices) process.stderr.write(`note: ${n}\n`);
      process.stdout.write(formatText(result, project.readText));
    }
    return result.browser.allowed === true ? 0 : 1;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`cors-lint simulate: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`cors-lint simulate: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}
