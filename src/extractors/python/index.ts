/**
 * The Python extractor: FastAPI/Starlette (cors-semantics.md §2) and Flask + flask-cors (§3).
 * `init()` loads the tree-sitter-python WASM grammar once; `extract()` is synchronous.
 */
import type { Extractor } from '../../engine/extractor.js';
import type { ProjectHost } from '../../engine/host.js';
import type { SourceFile } from '../../engine/source.js';
import { known, unknown, type AppModel, type CorsPolicy, type ExtractResult } from '../../model/index.js';
import { Evaluator, type PyVal } from './evaluate.js';
import { callArgs, importStringTarget, scopeAt, walk } from './common.js';
import type { PyModule } from './project.js';
import { extractFlask, finishFlaskHooks, finishHookDuplicates, finishViewPreflights, type FlaskShared, finishViewScopes, isMatchAll, mentionsFlask } from './flask.js';
import { compareVersions, versionsFor } from './manifest.js';
import { acceptsPython, pythonPrefilter } from './detect.js';
import { initPythonParser } from './parser.js';
import { moduleOf } from './project.js';
import { flaskCorsResourceMatches } from '../../simulate/scope.js';
import { dropDiscardedApps, extractStarlette, finishRoutes, finishVary, mentionsStarletteCors, registersHeaderMiddleware } from './starlette.js';


/** pydantic major version: manifests first, then the import style (`from pydantic import BaseSettings` is 1.x). */
function pydanticMajor(host: ProjectHost, file: string, text: string): number | undefined {
  const vs = versionsFor(host, file);
  const p = vs.get('pydantic');
  const v = p?.exact ?? p?.min;
  if (v) return compareVersions(v, '2') < 0 ? 1 : 2;
  if (vs.has('pydantic-settings')) return 2;
  if (/from\s+pydantic_settings\s+import|field_validator|model_config\s*=/.test(text)) return 2;
  if (/from\s+pydantic\s+import\s+[^\n]*\bBaseSettings\b|@validator\(/.test(text)) return 1;
  return undefined;
}

/**
 * Route-level hand-written headers do not reach preflights by themselves, but an app-wide policy of the
 * same app (CORSMiddleware §2.2, flask-cors or an after_request hook §3.4) answers them. So does a
 * CORSMiddleware for an HTTP middleware that writes headers and passes OPTIONS on: wherever it sits in the
 * stack, CORSMiddleware answers the preflight before the router's 405 (§2.2).
 */
function coverRoutePreflights(policies: CorsPolicy[]): void {
  for (const p of policies) {
    if (!p.preflight.known || p.preflight.value.handled !== 'missing' || !p.appId) continue;
    if (p.scope.level !== 'route') {
      if (p.mechanism !== 'fastapi-manual') continue;
      const answers = (q: CorsPolicy) => {
        const o = q.preemptedOrigin ?? q.origin;
        return o.known && o.value.kind !== 'none';
      };
      const cors = policies.find((q) => q.appId === p.appId && q.mechanism === 'starlette-middleware' && answers(q));
      // Not 'explicit': the middleware does not end the preflight itself, CORSMiddleware answers it and the
      // middleware's writes then go on that answer (simulation runs both).
      if (cors) p.preflight = known({ handled: 'router-auto', detail: `preflights are answered by ${cors.scope.label}`, span: cors.span }, cors.span);
      continue;
    }
    const other = policies.find((q) => q !== p && q.appId === p.appId && q.scope.level !== 'route' && q.preflight.known && q.preflight.value.handled !== 'missing' && q.origin.known && q.origin.value.kind !== 'none');
    if (other) p.preflight = known({ handled: other.preflight.known ? other.preflight.value.handled : 'automatic', detail: `preflights are answered by ${other.scope.label}`, span: other.span }, other.span);
  }
}

/**
 * A Starlette route that answers OPTIONS only (`@app.options("/{path:path}")` writing CORS headers) behind an
 * app's CORSMiddleware never answers a browser: CORSMiddleware answers every preflight itself, before routing
 * (§2.2), and a script's own OPTIONS request is preflighted first, so it reaches the route only from an origin
 * CORSMiddleware allows, whose Access-Control-Allow-Origin CORSMiddleware then sets. Checked on Starlette: a
 * preflight from a foreign origin gets 400 without the route's headers.
 */
function dropPreemptedOptionsRoutes(policies: CorsPolicy[]): void {
  const corsApps = new Set(policies.filter((q) => q.mechanism === 'starlette-middleware' && q.scope.level === 'app' && q.appId).map((q) => q.appId));
  for (let i = policies.length - 1; i >= 0; i--) {
    const p = policies[i] as CorsPolicy;
    const methods = p.scope.methods ?? [];
    if (p.mechanism === 'fastapi-manual' && p.scope.level === 'route' && methods.length > 0 && methods.every((m) => m === 'OPTIONS') && corsApps.has(p.appId)) policies.splice(i, 1);
  }
}

/**
 * A route's own CORS headers do not reach its error responses, but an app-wide policy whose headers do (flask-cors
 * adds them in after_request, which also runs for 500s, §3.4) still answers those errors with CORS headers.
 */
/** Whether an app-level policy applies to every path of its app (no flask-cors `resources`, or a catch-all one). */
function wholeApp(q: CorsPolicy): boolean {
  return q.scope.paths === undefined || q.scope.paths.some(isMatchAll);
}

function coverRouteErrors(policies: CorsPolicy[], apps: Map<string, AppModel>): void {
  for (const p of policies) {
    if (p.scope.level !== 'route' || !p.errorCoverage.known || p.errorCoverage.value.covers === 'all' || !p.appId) continue;
    const appId = p.appId;
    // The Flask apps that register this blueprint: their whole-app hooks run on the blueprint's responses too.
    const parents = new Set([...apps.values()].filter((a) => a.kind === 'flask' && a.mounts?.includes(appId)).map((a) => a.id));
    // flask-cors `resources`: the resource patterns must cover the route's paths (`<id>` taken as a sample value).
    const routePaths = (p.scope.paths ?? []).map((x) => x.replace(/<[^>]*>/g, 'x'));
    const resourcesCover = (q: CorsPolicy) =>
      q.mechanism === 'flask-cors' && routePaths.length > 0 && routePaths.every((rp) => (q.scope.paths ?? []).some((pat) => flaskCorsResourceMatches(pat, rp) === true));
    const other = policies.find(
      (q) =>
        q !== p &&
        ((q.appId === p.appId &&
          ((q.scope.level === 'app' && wholeApp(q)) || (q.scope.level === 'route' && resourcesCover(q)))) ||
          // (A blueprint's route paths lack the registration's url_prefix: only a whole-app policy is matched.)
          (q.appId !== undefined && parents.has(q.appId) && q.scope.level === 'app' && wholeApp(q))) &&
        (!q.errorCoverage.known || q.errorCoverage.value.covers === 'all') &&
        q.origin.known &&
        q.origin.value.kind !== 'none',
    );
    if (!other) continue;
    // When whether that policy covers errors is not known (configuration that cannot be read), neither is this.
    p.errorCoverage = other.errorCoverage.known
      ? known({ covers: 'all', detail: `error responses get the headers of ${other.scope.label}` }, other.span)
      : unknown(`error responses may get the headers of ${other.scope.label} (${other.errorCoverage.reason})`, other.span);
  }
}

/**
 * The ports the apps bind when the code runs them itself, for linking an nginx `proxy_pass http://127.0.0.1:5001`
 * to its app (audit 28: nginx's `*` on top of flask-cors reached the browser twice): `app.run(port=5001)` (Flask,
 * also `app.run("0.0.0.0", 5001)`) and `uvicorn.run(app, port=8000)`. Only explicit ports: the defaults are often
 * replaced by a process manager's.
 */
function assignPorts(host: ProjectHost, ev: Evaluator, modules: PyModule[], apps: Map<string, AppModel>): void {
  for (const mod of modules) {
    if (!/\.run\s*\(/.test(mod.text)) continue;
    walk(mod.root, (n, fns) => {
      const fn = n.type === 'call' ? n.fields.function : undefined;
      if (fn?.type !== 'attribute' || fn.fields.attribute?.text !== 'run' || !fn.fields.object) return;
      const s = scopeAt(host, mod, fns);
      const a = callArgs(n);
      const recv = ev.eval(fn.fields.object, s);
      const server = recv.t === 'ext' && recv.qname === 'uvicorn';
      let target = server ? (a.positional[0] ? ev.eval(a.positional[0], s) : undefined) : recv;
      // `uvicorn.run("main:app", reload=True)`: the import string names the attribute `app` of the module `main`, which
      // uvicorn imports (importlib) from sys.path, whose first entry is the running script's directory: resolved as
      // the file's own absolute imports are (audit 39 mix c02). A module or attribute not found stays unresolved.
      if (server && target?.t === 'str') target = importStringTarget(ev, mod, target.v, target.span);
      if (target?.t !== 'call') return;
      const app = apps.get(`${target.mod.path}#${target.node.start}`);
      const portNode = a.keywords.get('port')?.fields.value ?? (server ? undefined : a.positional[1]);
      const port = portNode ? ev.eval(portNode, s) : undefined;
      if (!app || port?.t !== 'num' || !Number.isInteger(port.v)) return;
      if (!(app.ports ??= []).includes(port.v)) app.ports.push(port.v);
      // `int(os.getenv("PORT", 5000))`: only where PORT is unset (a compose service may set it).
      const env = port.via ? /^default of \$(\w+) when unset$/.exec(port.via)?.[1] : undefined;
      if (env) (app.portDefaults ??= []).push({ port: port.v, env });
    });
  }
}

export const pythonExtractor: Extractor = {
  name: 'python',
  kinds: ['fastapi', 'flask'],
  accepts: acceptsPython,
  mayAccept: acceptsPython,
  prefilter: pythonPrefilter,
  init(): Promise<void> {
    return initPythonParser();
  },
  prewarm(files: SourceFile[], host: ProjectHost): void {
    for (const file of files) moduleOf(host, file);
  },
  extract(files: SourceFile[], host: ProjectHost): ExtractResult {
    const result: ExtractResult = { policies: [], apps: [], parseErrors: [] };
    const apps = new Map<string, AppModel>();
    // Decided per settings module (where pydantic is imported), from its manifests and imports.
    const ev = new Evaluator(host, (modPath, modText) => pydanticMajor(host, modPath, modText));
    const modules = files.map((f) => moduleOf(host, f));
    const shared: FlaskShared = { cors: [], hooks: [] };
    for (const file of files) {
      const mod = moduleOf(host, file);
      if (mod.errors.length > 0) {
        const e = mod.errors[0] as { message: string; start: number; end: number };
        result.parseErrors.push({ file: file.path, message: `${e.message} (the rest of the file is still analysed)`, start: e.start, end: e.end });
      }
      if (mentionsStarletteCors(file.text) || registersHeaderMiddleware(ev, host, mod)) extractStarlette({ host, ev, policies: result.policies, apps, modules }, mod);
      if (mentionsFlask(file.text)) extractFlask({ host, ev, policies: result.policies, apps, modules, shared }, mod);
    }
    dropDiscardedApps(result.policies, apps);
    finishFlaskHooks({ host, ev, policies: result.policies, apps, modules, shared });
    dropPreemptedOptionsRoutes(result.policies);
    finishViewPreflights(result.policies, apps);
    coverRoutePreflights(result.policies);
    coverRouteErrors(result.policies, apps);
    finishViewScopes(result.policies, apps);
    finishHookDuplicates({ host, ev, policies: result.policies, apps, modules, shared });
    finishRoutes(apps);
    finishVary(result.policies);
    assignPorts(host, ev, modules, apps);
    result.apps.push(...apps.values());
    return result;
  },
};
