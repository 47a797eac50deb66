/**
 * Links nginx proxy policies to the apps they forward to, when those apps are in the same repository
 * (issue "nginx extractor", point 5): `proxy_pass http://api:8000` + a docker-compose service `api` built
 * from `./backend` → the app whose source is under `backend/`. `proxy_pass http://127.0.0.1:8000` → the
 * only app known to listen on port 8000. Anything ambiguous stays unlinked (no guess), and so does an app whose
 * known ports do not include the proxied port.
 */
import * as path from 'node:path';
import type * as Yaml from 'yaml';
import { requireCjs } from '../../engine/cjs.js';
import type { ProjectHost } from '../../engine/host.js';
import type { AppModel, ExtractResult } from '../../model/index.js';

const COMPOSE_NAMES = ['docker-compose.yml', 'docker-compose.yaml', 'compose.yml', 'compose.yaml', 'docker-compose.override.yml'];

interface Service {
  names: Set<string>;
  /** Root-relative directory of the build context, when the service is built from the repository. */
  dir?: string;
  ports: number[];
  /** Bind mounts of files of the repository: root-relative source, container path. */
  mounts: { source: string; target: string }[];
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Services of the compose files found next to `from` and in its ancestors. */
function composeServices(host: ProjectHost, from: string): Service[] {
  const out: Service[] = [];
  for (let dir = path.posix.dirname(from); ; dir = path.posix.dirname(dir)) {
    const base = dir === '.' ? '' : dir;
    for (const name of COMPOSE_NAMES) {
      const rel = base ? `${base}/${name}` : name;
      const services = host.memo(`nginx:compose:${rel}`, () => readCompose(host, rel, base));
      out.push(...services);
    }
    if (dir === '.' || dir === '/' || dir === '') break;
  }
  return out;
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
    out.push({ names, ...(dir !== undefined ? { dir } : {}), ports, mounts });
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

export function linkNginx(model: ExtractResult, host: ProjectHost): void {
  const apps = model.apps.filter((a) => a.kind !== 'nginx');
  if (apps.length === 0) return;
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
        candidates = apps.filter((a) => a.ports?.includes(target.port as number));
        const only = candidates.length === 1 ? (candidates[0] as AppModel) : undefined;
        if (only && apps.some((a) => !a.ports?.length && sharedDepth(a.span.file, p.span.file) > sharedDepth(only.span.file, p.span.file))) candidates = [];
      }
    } else {
      const services = composeServices(host, p.span.file).filter((s) => s.names.has(target.host) && s.dir !== undefined);
      const dirs = new Set(services.map((s) => s.dir as string));
      if (dirs.size === 1) {
        const dir = [...dirs][0] as string;
        candidates = apps.filter((a) => inDir(a, dir));
        if (target.port !== undefined) {
          const port = target.port;
          // An app known to bind other ports is not what answers on this one (a mock dev server next to the real
          // API, audit 32 mix c18): with both ports known and different, no link.
          candidates = candidates.filter((a) => !a.ports?.length || a.ports.includes(port));
          const byPort = candidates.filter((a) => a.ports?.includes(port));
          if (candidates.length > 1 && byPort.length) candidates = byPort;
        }
      }
    }
    if (candidates.length === 1) p.upstream.appId = (candidates[0] as AppModel).id;
  }
}
