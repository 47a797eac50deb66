/**
 * Links nginx proxy policies to the apps they forward to, when those apps are in the same repository
 * (issue "nginx extractor", point 5): `proxy_pass http://api:8000` + a docker-compose service `api` built
 * from `./backend` → the app whose source is under `backend/`. `proxy_pass http://127.0.0.1:8000` → the
 * only app known to listen on port 8000. Anything ambiguous stays unlinked (no guess), and so does an app whose
 * known ports do not include the proxied port. The compose service decides what its app binds: the port its
 * `command:` starts the server on, the value its `environment:` (else its Dockerfile's `ENV`) gives a port variable,
 * and for a host nginx the host ports `ports:` publishes (portsInService).
 */
import * as path from 'node:path';
import type * as Yaml from 'yaml';
import { requireCjs } from '../../engine/cjs.js';
import type { ProjectHost } from '../../engine/host.js';
import type { AppModel, ExtractResult } from '../../model/index.js';

/**
 * Compose files: the default names and their variants per environment (`docker-compose.override.yml`,
 * `docker-compose.dev.yml`, `docker-compose-prod.yaml`, `compose.staging.yml`: audit 53 proxy c01). Services of the same
 * name in several files are all kept; a name whose services run different code links nothing (see linkNginx).
 */
const COMPOSE_FILE = /^(?:docker-)?compose(?:[.-][A-Za-z0-9_]+)*\.ya?ml$/;

interface Service {
  names: Set<string>;
  /** Root-relative directory of the build context, when the service is built from the repository. */
  dir?: string;
  ports: number[];
  /** Bind mounts of files of the repository: root-relative source, container path. */
  mounts: { source: string; target: string }[];
  /** `ports:` entries that publish a container port on a host port (`"8000:8000"`, `127.0.0.1:8080:80`). */
  published: { host: number; container: number }[];
  /** `environment:` values; undefined = set, to a value not known here (`${VAR}`, `- PORT` passing the host's). */
  env: Map<string, string | undefined>;
  /** The service reads an `env_file`: any variable `environment:` does not set may be set there. */
  envFile: boolean;
  /** Root-relative path of the Dockerfile its build context is built from (`build.dockerfile`, else `Dockerfile`). */
  dockerfile?: string;
  /** What `command:` tells about the server it starts, when it starts a Python server (ServerCommand). */
  command?: ServerCommand;
}

/**
 * The port of an ASGI/WSGI server started by a compose `command:` (`uvicorn app.main:app --port 8000`,
 * `gunicorn -b 0.0.0.0:8000 wsgi:app`, `flask run --port 5000`). `ports` empty: the command gives none it is sure of (no
 * option, so the server's own default or its environment, or a `${PORT}`). The app module runs under the server, so
 * the code's `if __name__ == "__main__": uvicorn.run(app, port=...)` does not.
 */
interface ServerCommand {
  server: string;
  /** `app.main` of `app.main:app`, when named. */
  module?: string;
  ports: number[];
}

const SERVER = /^(?:.*\/)?(uvicorn|gunicorn|hypercorn|daphne|flask)$/;

function parseCommand(raw: unknown): ServerCommand | undefined {
  const text = Array.isArray(raw) ? raw.map(String).join(' ') : typeof raw === 'string' ? raw : undefined;
  if (!text) return undefined;
  const tokens = text.replace(/["']/g, ' ').split(/\s+/).filter(Boolean);
  const at = tokens.findIndex((t) => SERVER.test(t));
  if (at < 0) return undefined;
  const server = SERVER.exec(tokens[at] as string)?.[1] as string;
  const out: ServerCommand = { server, ports: [] };
  let unsure = false;
  const portOf = (v: string | undefined, bind: boolean) => {
    const m = bind ? /^(?:[\w.-]*|\[[^\]]*\]):(\d+)$/.exec(v ?? '') : /^(\d+)$/.exec(v ?? '');
    if (m) out.ports.push(Number(m[1]));
    else unsure = true;
  };
  for (let i = at + 1; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (/^(&&|;|\|\||\|)$/.test(t)) break;
    const [opt, inline] = t.startsWith('--') && t.includes('=') ? [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)] : [t, undefined];
    const value = () => inline ?? tokens[++i];
    if (opt === '--port' || (opt === '-p' && (server === 'flask' || server === 'daphne'))) portOf(value(), false);
    else if ((opt === '-b' || opt === '--bind') && server !== 'flask') portOf(value(), true);
    else if (/^-b./.test(opt) && server !== 'flask') portOf(opt.slice(2), true);
    else if (opt === '--app' && server === 'flask') out.module = value()?.split(':')[0];
    else if (/^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$/.test(t) && !out.module) out.module = t.split(':')[0];
  }
  if (unsure) out.ports = [];
  return out;
}

/** `environment:` as a map, or as a list of `NAME=value` / `NAME` (the host's value). */
function readEnv(raw: unknown): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  const put = (k: string, v: unknown) => env.set(k, typeof v === 'string' || typeof v === 'number' ? (/\$/.test(String(v)) ? undefined : String(v)) : undefined);
  if (Array.isArray(raw)) {
    for (const e of raw) {
      const [k, ...rest] = String(e).split('=');
      if (k) put(k, rest.length ? rest.join('=') : undefined);
    }
  } else for (const [k, v] of Object.entries(asRecord(raw) ?? {})) put(k, v);
  return env;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Services of the compose files found next to `from` and in its ancestors. */
function composeServices(host: ProjectHost, from: string): Service[] {
  return composeServicesOfDir(host, path.posix.dirname(from));
}

/**
 * The services of the compose files in `dir` and its ancestors (nearest first), memoised per directory: the linker
 * asks for every app once per proxied location, and walking the ancestors each time cost seconds on the bench
 * monorepo.
 */
function composeServicesOfDir(host: ProjectHost, dir: string): Service[] {
  return host.memo(`nginx:compose-dir:${dir}`, () => {
    const base = dir === '.' ? '' : dir;
    const out: Service[] = [];
    for (const name of host.listDir(base).filter((n) => COMPOSE_FILE.test(n)).sort()) {
      const rel = base ? `${base}/${name}` : name;
      out.push(...host.memo(`nginx:compose:${rel}`, () => readCompose(host, rel, base)));
    }
    if (dir === '.' || dir === '/' || dir === '') return out;
    const parent = composeServicesOfDir(host, path.posix.dirname(dir));
    return parent.length ? [...out, ...parent] : out;
  });
}

function readCompose(host: ProjectHost, rel: string, base: string): Service[] {
  const f = host.readFile(rel);
  if (!f) return [];
  let doc: unknown;
  try {
    // Loaded on the first compose file (its loading costs about 60 ms; most trees have none next to nginx).
    const { parse } = requireCjs('yaml') as typeof Yaml;
    doc = parse(f.text, { uniqueKeys: false, maxAliasCount: 100 });
  } catch {
    return [];
  }
  const services = asRecord(asRecord(doc)?.services);
  if (!services) return [];
  const out: Service[] = [];
  for (const [name, raw] of Object.entries(services)) {
    const s = asRecord(raw) ?? {};
    const names = new Set([name]);
    if (typeof s.container_name === 'string') names.add(s.container_name);
    if (typeof s.hostname === 'string') names.add(s.hostname);
    // `networks: { back: { aliases: [api] } }`: more names of the service on that network (audit 39 mix c12).
    for (const net of Object.values(asRecord(s.networks) ?? {})) {
      const aliases = asRecord(net)?.aliases;
      for (const a of Array.isArray(aliases) ? aliases : []) if (typeof a === 'string') names.add(a);
    }
    const build = s.build;
    const context = typeof build === 'string' ? build : typeof asRecord(build)?.context === 'string' ? (asRecord(build)?.context as string) : undefined;
    let dir: string | undefined;
    if (context !== undefined && !/^[a-z]+:\/\//i.test(context)) {
      const joined = path.posix.normalize(path.posix.join(base || '.', context));
      if (!joined.startsWith('..')) dir = joined === '.' ? '' : joined.replace(/\/$/, '');
    }
    const ports: number[] = [];
    for (const p of Array.isArray(s.ports) ? s.ports : []) {
      const m = /(?:^|:)(\d+)(?:\/\w+)?$/.exec(String(typeof p === 'object' && p ? ((p as Record<string, unknown>).target ?? '') : p));
      if (m) ports.push(Number(m[1]));
    }
    const published: Service['published'] = [];
    for (const p of Array.isArray(s.ports) ? s.ports : []) {
      const long = asRecord(p);
      const [hostPort, target] = long ? [String(long.published ?? ''), String(long.target ?? '')] : (/(?:^|:)(\d+):(\d+)(?:\/\w+)?$/.exec(String(p))?.slice(1) ?? []);
      if (hostPort && target && /^\d+$/.test(hostPort) && /^\d+$/.test(target)) published.push({ host: Number(hostPort), container: Number(target) });
    }
    if (Array.isArray(s.expose)) for (const p of s.expose) if (/^\d+$/.test(String(p))) ports.push(Number(p));
    const mounts: Service['mounts'] = [];
    for (const v of Array.isArray(s.volumes) ? s.volumes : []) {
      // `./nginx/cors.conf:/etc/nginx/conf.d/cors.conf:ro`, or `{ type: bind, source, target }`.
      const long = asRecord(v);
      const [source, target] = long ? [long.source, long.target] : typeof v === 'string' ? v.split(':') : [];
      if (typeof source !== 'string' || typeof target !== 'string' || !/^\.\.?(\/|$)/.test(source) || !target.startsWith('/')) continue;
      const joined = path.posix.normalize(path.posix.join(base || '.', source));
      if (!joined.startsWith('..')) mounts.push({ source: joined === '.' ? '' : joined.replace(/\/$/, ''), target: target.replace(/\/$/, '') });
    }
    const command = parseCommand(s.command);
    const named = asRecord(build)?.dockerfile;
    const dockerfile = dir === undefined ? undefined : typeof named === 'string' ? path.posix.normalize(path.posix.join(dir || '.', named)) : path.posix.join(dir || '.', 'Dockerfile');
    out.push({ names, ...(dir !== undefined ? { dir } : {}), ...(dockerfile && !dockerfile.startsWith('..') && !path.posix.isAbsolute(dockerfile) ? { dockerfile } : {}), ports, mounts, published, env: readEnv(s.environment), envFile: s.env_file !== undefined, ...(command ? { command } : {}) });
  }
  // `links: ["backend:api"]` on another service: `api` is a name of the service `backend` for it (audit 39 mix c12).
  const byKey = new Map(Object.keys(services).map((k, i) => [k, out[i] as Service]));
  for (const raw of Object.values(services)) {
    const links = asRecord(raw)?.links;
    for (const l of Array.isArray(links) ? links : []) {
      const m = typeof l === 'string' ? /^([^:\s]+):([^:\s]+)$/.exec(l.trim()) : null;
      if (m) byKey.get(m[1] as string)?.names.add(m[2] as string);
    }
  }
  return out;
}

/**
 * Where an absolute path of the container is in the repository, through the bind mounts of the compose files
 * next to `from` and in its ancestors (`./nginx/cors.conf:/etc/nginx/conf.d/cors.conf`): root-relative paths.
 */
export function composeMountedPaths(host: ProjectHost, from: string, absolute: string): string[] {
  const out: string[] = [];
  for (const s of composeServices(host, from)) {
    for (const m of s.mounts) {
      if (absolute === m.target) out.push(m.source);
      else if (absolute.startsWith(`${m.target}/`)) out.push(path.posix.join(m.source, absolute.slice(m.target.length + 1)));
    }
  }
  return out;
}

/** `http://api:8000/x` → { host: 'api', port: 8000 }. */
export function proxyTarget(label: string): { host: string; port?: number } | undefined {
  const m = /^(?:[a-z]+:\/\/)?(\[[^\]]+\]|[^:/$]+)(?::(\d+))?(?:\/|$)/i.exec(label);
  if (!m) return undefined;
  return { host: (m[1] as string).toLowerCase(), ...(m[2] ? { port: Number(m[2]) } : {}) };
}

/** How many leading directories two root-relative file paths share. */
function sharedDepth(a: string, b: string): number {
  const da = a.split('/').slice(0, -1);
  const db = b.split('/').slice(0, -1);
  let i = 0;
  while (i < da.length && i < db.length && da[i] === db[i]) i++;
  return i;
}

function inDir(app: AppModel, dir: string): boolean {
  return dir === '' || app.span.file === dir || app.span.file.startsWith(dir + '/');
}

/** Whether an app's file is the Python module `dotted` of a build context (`app.main` → `<dir>/…/app/main.py`). */
function isModule(app: AppModel, dir: string, dotted: string): boolean {
  const rel = dir === '' ? app.span.file : app.span.file.slice(dir.length + 1);
  const base = dotted.replace(/\./g, '/');
  return [`${base}.py`, `${base}/__init__.py`].some((m) => rel === m || rel.endsWith(`/${m}`));
}

/**
 * The ports an app of the service's build context binds in that service's container: the port its `command:` starts
 * the server on (for the app that command runs), the value the service's `environment:` gives the variable a port
 * defaults from (`process.env.PORT || 3000` with `PORT=5000`), else the one the `ENV` of its Dockerfile gives it,
 * else the ports its code binds. Undefined: not known (a variable set to an unknown value or possibly by an env_file,
 * a server started without an explicit port), which
 * neither links nor vetoes a link. [] : the service runs another program of the context, not this app.
 */
function portsInService(host: ProjectHost, s: Service, app: AppModel, inContext: AppModel[]): number[] | undefined {
  const cmd = s.command;
  if (cmd && (app.kind === 'fastapi' || app.kind === 'flask')) {
    const runs = cmd.module !== undefined ? inContext.filter((a) => isModule(a, s.dir ?? '', cmd.module as string)) : inContext.length === 1 ? inContext : [];
    if (runs.length !== 1) return undefined;
    if (runs[0] !== app) return [];
    return cmd.ports.length ? cmd.ports : undefined;
  }
  const ports = app.ports;
  if (!ports?.length || !app.portDefaults?.length) return ports;
  const out: number[] = [];
  for (const p of ports) {
    const envs = app.portDefaults.filter((d) => d.port === p).map((d) => d.env);
    if (!envs.length) {
      out.push(p);
      continue;
    }
    const env = envs[0] as string;
    if (envs.some((e) => e !== env)) return undefined;
    // `environment:` and `env_file` override the image's `ENV` (compose file reference, "environment").
    const image = s.dockerfile !== undefined ? dockerfileEnv(host, s.dockerfile) : undefined;
    if (s.env.has(env)) {
      const v = s.env.get(env);
      if (v === undefined || !/^\d+$/.test(v)) return undefined;
      out.push(Number(v));
    } else if (s.envFile) return undefined;
    else if (image?.has(env)) {
      const v = image.get(env);
      if (v === undefined || !/^\d+$/.test(v)) return undefined;
      out.push(Number(v));
    } else out.push(p);
  }
  return [...new Set(out)];
}

/**
 * The `ENV` variables of the final stage of a Dockerfile (the image a compose service runs when built from it, audit
 * 40 nginx c17: `ENV PORT=8080` with `process.env.PORT || 3000`), including those of an earlier stage it is built
 * `FROM`. Values are literal text; a value that refers to a variable or build argument (`ENV PORT=$PORT`,
 * `${APP_PORT}`) is undefined: set, to a value not known here. Undefined when the file is not in the repository.
 * (A base image pulled from a registry may set variables too: not known here, as before.)
 */
function dockerfileEnv(host: ProjectHost, rel: string): Map<string, string | undefined> | undefined {
  return host.memo(`nginx:dockerfile-env:${rel}`, () => {
    const f = host.readFile(rel);
    if (!f) return undefined;
    // Instructions, with `\` line continuations joined and comment lines dropped.
    const lines: string[] = [];
    let cur = '';
    for (const raw of f.text.split(/\r?\n/)) {
      if (/^\s*#/.test(raw) && cur === '') continue;
      const cont = /\\\s*$/.test(raw);
      cur += cont ? raw.replace(/\\\s*$/, ' ') : raw;
      if (!cont) {
        if (cur.trim()) lines.push(cur.trim());
        cur = '';
      }
    }
    if (cur.trim()) lines.push(cur.trim());
    const stages = new Map<string, Map<string, string | undefined>>();
    let env = new Map<string, string | undefined>();
    for (const line of lines) {
      const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
      const kw = keyword.toUpperCase();
      if (kw === 'FROM') {
        // `FROM base AS final`: a stage built from an earlier stage starts with its variables.
        const m = /^(?:--\S+\s+)*(\S+)(?:\s+as\s+(\S+))?/i.exec(rest);
        env = new Map(stages.get((m?.[1] ?? '').toLowerCase()) ?? []);
        if (m?.[2]) stages.set(m[2].toLowerCase(), env);
      } else if (kw === 'ENV') {
        const value = (v: string) => {
          const q = /^(["'])(.*)\1$/.exec(v);
          const text = q ? (q[2] as string) : v;
          return text.includes('$') ? undefined : text;
        };
        if (/^[A-Za-z_][\w]*=/.test(rest)) {
          // `ENV A=1 B="two words"`
          for (const m of rest.matchAll(/(?:^|\s)([A-Za-z_]\w*)=("[^"]*"|'[^']*'|\S*)/g)) env.set(m[1] as string, value(m[2] as string));
        } else {
          // `ENV NAME value`: the rest of the line is the value.
          const m = /^([A-Za-z_]\w*)\s+(.*)$/.exec(rest);
          if (m) env.set(m[1] as string, value((m[2] as string).trim()));
        }
      }
    }
    return env;
  });
}

/** Whether the nginx file is run inside a container of a compose service (mounted into it, or in its build context). */
function containerized(services: Service[], file: string): boolean {
  const under = (d: string) => d === '' || file === d || file.startsWith(`${d}/`);
  return services.some((s) => (s.dir !== undefined && under(s.dir)) || s.mounts.some((m) => under(m.source)));
}

/**
 * Among apps that may answer one proxied port, a library endpoint that shares the HTTP server of an app (Socket.IO's
 * engine.io, AppModel.interceptsPath, bound to the port of the server it is attached to) answers only the requests
 * whose path starts with its prefix, before the app; the app answers every other one. So a location whose proxied
 * paths are all under the endpoint's prefix reaches the endpoint, and any other location (`/`, `/api/`, or paths not
 * known) the app, which also keeps the link an app had before its endpoint got the port. A location `/socket.io`
 * counts as under `/socket.io/`: its other paths (`/socket.io`, `/socket.iox`) are not what a client sends.
 */
function pickSharedServer(candidates: AppModel[], proxied: { value: string; exact: boolean } | undefined): AppModel[] {
  if (candidates.length < 2) return candidates;
  const endpoints = candidates.filter((a) => a.interceptsPath !== undefined);
  const others = candidates.filter((a) => a.interceptsPath === undefined);
  if (!endpoints.length || !others.length) return candidates;
  const under = (prefix: string) => !!proxied && (proxied.value.startsWith(prefix) || (prefix.endsWith('/') && proxied.value === prefix.slice(0, -1)));
  const reached = endpoints.filter((a) => under(a.interceptsPath as string));
  return reached.length ? reached : others;
}

export function linkNginx(model: ExtractResult, host: ProjectHost): void {
  const apps = model.apps.filter((a) => a.kind !== 'nginx');
  if (apps.length === 0) return;
  // The compose services whose build context holds each app, computed once per app (most apps have none).
  const contexts = new Map<AppModel, Service[]>();
  const contextServices = (a: AppModel): Service[] => {
    let found = contexts.get(a);
    if (!found) contexts.set(a, (found = composeServices(host, a.span.file).filter((s) => s.dir !== undefined && inDir(a, s.dir))));
    return found;
  };
  for (const p of model.policies) {
    if (p.kind !== 'nginx' || !p.upstream || p.upstream.appId) continue;
    const target = proxyTarget(p.upstream.label);
    if (!target) continue;
    let candidates: AppModel[] = [];
    if (/^(localhost|127\.0\.0\.1|\[::1\])$/.test(target.host)) {
      // The one app known to bind the port, unless an app whose port is not known sits closer to the configuration
      // (the nginx file of one service of a monorepo, another service's app binding the same port): then either may
      // be what listens there.
      if (target.port !== undefined) {
        const port = target.port;
        // A host nginx in front of a compose service that publishes the port the app binds in its container
        // (`ports: ["8000:8000"]` + `command: uvicorn app.main:app --port 8000`, audit 39 mix c01).
        const published = (a: AppModel): boolean => {
          const services = contextServices(a).filter((s) => s.published.some((x) => x.host === port));
          if (services.length !== 1) return false;
          if (containerized(composeServices(host, p.span.file), p.span.file)) return false;
          const s = services[0] as Service;
          if (containerized([s], p.span.file)) return false;
          const bound = portsInService(host, s, a, apps.filter((b) => inDir(b, s.dir as string)));
          return !!bound?.some((c) => s.published.some((x) => x.host === port && x.container === c));
        };
        candidates = pickSharedServer(
          apps.filter((a) => a.ports?.includes(port) || published(a)),
          p.upstream.path,
        );
        const only = candidates.length === 1 ? (candidates[0] as AppModel) : undefined;
        if (only && apps.some((a) => !a.ports?.length && sharedDepth(a.span.file, p.span.file) > sharedDepth(only.span.file, p.span.file))) candidates = [];
      }
    } else {
      // A service built from the repository runs its build context; one that runs an image with the repository's code
      // bind-mounted (`image: fast_ocr` + `./app:/code`, audit 53 proxy c01) runs the one mounted directory that holds
      // an app (with several, which one answers is not known).
      const codeDir = (s: Service): string | undefined => {
        if (s.dir !== undefined) return s.dir;
        const held = new Set(s.mounts.map((m) => m.source).filter((src) => apps.some((a) => inDir(a, src))));
        return held.size === 1 ? ([...held][0] as string) : undefined;
      };
      const services = composeServices(host, p.span.file)
        .filter((s) => s.names.has(target.host))
        .flatMap((s) => {
          const dir = codeDir(s);
          return dir === undefined ? [] : [{ ...s, dir }];
        });
      const dirs = new Set(services.map((s) => s.dir));
      if (dirs.size === 1) {
        const dir = [...dirs][0] as string;
        candidates = apps.filter((a) => inDir(a, dir));
        if (target.port !== undefined) {
          const port = target.port;
          // What the app binds in this service's container (its command, its environment: audit 39 mix c01/c06),
          // from the one service of that name.
          const inContext = candidates;
          const bound = (a: AppModel) => (services.length === 1 ? portsInService(host, services[0] as Service, a, inContext) : a.ports);
          // An app known to bind other ports is not what answers on this one (a mock dev server next to the real
          // API, audit 32 mix c18): with both ports known and different, no link.
          // Unknown keeps the app (it may be what answers); [] from the command is another program of the context.
          candidates = candidates.filter((a) => {
            const b = bound(a);
            if (b === undefined || (b.length === 0 && b === a.ports)) return true;
            return b.includes(port);
          });
          const byPort = candidates.filter((a) => bound(a)?.includes(port));
          if (candidates.length > 1 && byPort.length) candidates = byPort;
          candidates = pickSharedServer(candidates, p.upstream.path);
        }
      }
    }
    if (candidates.length === 1) p.upstream.appId = (candidates[0] as AppModel).id;
  }
}
