/**
 * Loading nginx files through the project host: parsing (memoised per run), embedded blocks in YAML files,
 * and `include` resolution.
 *
 * nginx resolves a relative `include` against the configuration prefix (the directory of the main
 * nginx.conf), and production paths are absolute (`/etc/nginx/snippets/cors.conf`). A repository holds
 * the same files somewhere else (`deploy/nginx/snippets/cors.conf`), so a path is tried, in order:
 * relative to the including file's directory and its ancestors, relative to the root file's directory,
 * then relative to the repository root; an absolute path is tried by its trailing segments
 * (`/etc/nginx/snippets/cors.conf` → `snippets/cors.conf`) against the same bases. Globs are matched with
 * picomatch against directory listings. An include that matches nothing in the repository is reported
 * back as unresolved, so the caller can treat the level as not fully known.
 */
import * as path from 'node:path';
import type Picomatch from 'picomatch';
import { requireCjs } from '../../engine/cjs.js';
import type { ProjectHost } from '../../engine/host.js';
import type { SourceFile } from '../../engine/source.js';
import { isComposePath, isTemplatePath, isYamlPath } from './detect.js';
import { composeMountedPaths } from './link.js';
import { isTemplateText, parseNginx, type Directive, type ParseError } from './parser.js';

const picomatch = requireCjs('picomatch') as typeof Picomatch;

export interface LoadedFile {
  path: string;
  text: string;
  directives: Directive[];
  errors: ParseError[];
  /** `${VAR}` is an envsubst placeholder (a `*.template` file), not an nginx variable. */
  envTemplate: boolean;
}

/** Parses a file's text (or the nginx blocks embedded in a YAML file). */
export function loadText(file: SourceFile): LoadedFile {
  let text = file.text;
  if (isYamlPath(file.path)) text = maskYaml(text);
  const template = isTemplatePath(file.path) || isYamlPath(file.path) || isTemplateText(file.path, text);
  const r = parseNginx(text, { template, file: file.path });
  return {
    path: file.path,
    text: file.text,
    directives: r.directives,
    // Blocks embedded in YAML may be fragments or templates: their syntax errors are not reported.
    errors: isYamlPath(file.path) ? [] : r.errors,
    envTemplate: isTemplatePath(file.path) || isComposePath(file.path),
  };
}

export function loadFile(host: ProjectHost, rel: string, given?: SourceFile): LoadedFile | undefined {
  return host.memo(`nginx:file:${rel}`, () => {
    const f = given ?? host.readFile(rel);
    return f ? loadText(f) : undefined;
  });
}

/**
 * Keeps only the YAML block scalars (`key: |` ...) that look like nginx, replacing every other character
 * with a space (newlines kept), so the nginx parser sees the embedded config at its real offsets.
 */
export function maskYaml(text: string): string {
  const out = text.split('');
  const keep = new Uint8Array(text.length);
  const lines = text.split('\n');
  let offset = 0;
  const starts: number[] = [];
  for (const l of lines) {
    starts.push(offset);
    offset += l.length + 1;
  }
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)(?:-\s+)?(?:[^#\s][^:#]*:|-)\s*[|>][-+0-9]*\s*(#.*)?$/.exec(lines[i] as string);
    if (!m) continue;
    const keyIndent = (m[1] as string).length;
    let j = i + 1;
    let blockIndent = -1;
    while (j < lines.length) {
      const l = lines[j] as string;
      if (l.trim() === '') {
        j++;
        continue;
      }
      const ind = l.length - l.trimStart().length;
      if (ind <= keyIndent) break;
      if (blockIndent < 0) blockIndent = ind;
      if (ind < blockIndent) break;
      j++;
    }
    const body = lines.slice(i + 1, j).join('\n');
    if (!/(^|\s)(server|location|http)\b[^;{]*\{|add_header\s|more_set_headers\s/.test(body)) continue;
    // A shell script that writes an nginx file (CI `run: |` steps) is not nginx configuration itself.
    if (/^\s*(cat|echo|printf|sudo|apt(-get)?|yum|apk|npm|cd|docker|curl|wget|export|set -|if \[|sed|tee|mkdir|cp|mv|rm)\b/m.test(body)) continue;
    for (let k = i + 1; k < j; k++) {
      const s = starts[k] as number;
      const len = (lines[k] as string).length;
      for (let c = s; c < s + len; c++) keep[c] = 1;
    }
    i = j - 1;
  }
  for (let c = 0; c < text.length; c++) {
    if (!keep[c] && text[c] !== '\n' && text[c] !== '\r') out[c] = ' ';
  }
  return out.join('');
}

/** Includes that never contain header directives (nginx's stock parameter and type files). */
const STOCK_INCLUDE = /(^|\/)(mime\.types|fastcgi_params|fastcgi\.conf|uwsgi_params|scgi_params|proxy_params|koi-utf|koi-win|win-utf|modules-enabled\/.*|letsencrypt\/options-ssl-nginx\.conf|snippets\/fastcgi-php\.conf)$/;

export interface IncludeResolution {
  files: string[];
  /** Nothing in the repository matched (and it is not a stock nginx file). */
  unresolved: boolean;
  /** The path could not be known statically (a template placeholder or variable). */
  dynamic: boolean;
}

function isGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

/** Lists files matching a root-relative glob (one directory level per segment). */
function globFiles(host: ProjectHost, pattern: string): string[] {
  const segs = pattern.split('/').filter((s) => s !== '' && s !== '.');
  let dirs = [''];
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i] as string;
    const last = i === segs.length - 1;
    const next: string[] = [];
    for (const d of dirs) {
      if (!isGlob(seg)) {
        const p = d ? `${d}/${seg}` : seg;
        if (last ? host.fileExists(p) : true) next.push(p);
        continue;
      }
      const match = picomatch(seg, { dot: false });
      for (const name of host.listDir(d)) {
        if (!match(name)) continue;
        const p = d ? `${d}/${name}` : name;
        if (last ? host.fileExists(p) : host.listDir(p).length > 0) next.push(p);
      }
    }
    dirs = next;
    if (dirs.length === 0) break;
  }
  return dirs.sort();
}

function candidatesFor(host: ProjectHost, rel: string): string[] {
  const norm = path.posix.normalize(rel);
  if (norm.startsWith('../') || norm === '..') return [];
  if (isGlob(norm)) return globFiles(host, norm);
  return host.fileExists(norm) ? [norm] : [];
}

/**
 * Resolves the argument of an `include` directive.
 * @param from the including file (root-relative)
 * @param rootFile the root configuration file of this tree (its directory is nginx's config prefix)
 */
export function resolveInclude(host: ProjectHost, arg: string, from: string, rootFile: string): IncludeResolution {
  if (/\$|\{\{/.test(arg)) return { files: [], unresolved: true, dynamic: true };
  const stock = STOCK_INCLUDE.test(arg);
  const fromDir = path.posix.dirname(from);
  const bases: string[] = [];
  for (let d = fromDir; ; d = path.posix.dirname(d)) {
    bases.push(d === '.' ? '' : d);
    if (d === '.' || d === '/' || d === '') break;
  }
  const rootDir = path.posix.dirname(rootFile);
  if (!bases.includes(rootDir === '.' ? '' : rootDir)) bases.splice(1, 0, rootDir === '.' ? '' : rootDir);
  const tails: string[] = [];
  if (arg.startsWith('/')) {
    const segs = arg.split('/').filter(Boolean);
    // `/etc/nginx/snippets/cors.conf` → `etc/nginx/snippets/cors.conf`, `nginx/snippets/cors.conf`, `snippets/cors.conf`;
    // never a bare file name, which could match an unrelated file.
    for (let i = 0; i < segs.length - 1; i++) tails.push(segs.slice(i).join('/'));
  } else {
    tails.push(arg);
  }
  for (const tail of tails) {
    for (const b of bases) {
      const files = candidatesFor(host, b ? `${b}/${tail}` : tail);
      if (files.length) return { files, unresolved: false, dynamic: false };
    }
  }
  // A file docker-compose mounts at that path (`./nginx/cors.conf:/etc/nginx/conf.d/cors.conf`, audit 14 case 01).
  if (arg.startsWith('/')) {
    for (const p of composeMountedPaths(host, from, arg)) {
      const files = candidatesFor(host, p);
      if (files.length) return { files, unresolved: false, dynamic: false };
    }
  }
  // Directories filled when the server is deployed, from files the repository keeps elsewhere: the official
  // docker image renders templates/*.template into conf.d/ when it starts (envsubst), and Debian's sites-enabled/
  // holds links to sites-available/ made at deploy time. An include that matches nothing reads those files.
  for (const tail of tails) {
    const m = /^(.*?)(?:^|\/)(conf\.d|sites-enabled)\/([^/]+)$/.exec(tail);
    if (!m) continue;
    const dir = m[1] ? `${m[1]}/` : '';
    const source = m[2] === 'conf.d' ? `${dir}templates/${m[3]}.template` : `${dir}sites-available/${m[3]}`;
    for (const b of bases) {
      const files = candidatesFor(host, b ? `${b}/${source}` : source);
      if (files.length) return { files, unresolved: false, dynamic: false };
    }
  }
  // A glob that matches nothing is not an error in nginx; a stock file is known to hold no headers.
  return { files: [], unresolved: !stock, dynamic: false };
}
