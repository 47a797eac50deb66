/**
 * `cors-lint simulate`: what a browser observes for one cross-origin request, predicted from the shared
 * model without starting anything. The answer composes the layers (an nginx proxy in front of an app),
 * follows the Fetch rules of cors-semantics.md §5 and names the config lines responsible.
 */
import type { AppModel, CorsPolicy, ProjectModel, Span } from '../model/index.js';
import { lineTableFor } from '../engine/source.js';
import { chromiumPreflightCache, corsCheck, needsPreflight, normalizeMethod, preflightCheck, preflightChecks, unsafeHeaderNames } from './browser.js';
import { covered, emitCorsPackage, emitFlaskCors, emitYoga, emitStarlette, emitWrites, type Exchange } from './emit.js';
import { ResponseBuilder } from './headers.js';
import { lookupRoutes, parseNginxLocation, pathOnly, policyCovers, selectNginxLocation, type NginxLocation } from './scope.js';
import type { Note, PolicyRef, PreflightResult, SimRequest, SimResponse, SimResult, Verdict } from './types.js';

export type { SimRequest, SimResult } from './types.js';

export interface SimulateOptions {
  /** Reads a file's text (root-relative), to turn spans into line numbers. */
  readText?: (file: string) => string | undefined;
  /** Restrict to one app (AppModel.id) when the project holds several. */
  appId?: string;
}

interface LayerResult {
  res: ResponseBuilder;
  used: CorsPolicy[];
}

function orderBySpan(a: CorsPolicy, b: CorsPolicy): number {
  if (a.runOrder !== undefined && b.runOrder !== undefined && a.appId === b.appId) return a.runOrder - b.runOrder;
  return a.span.file === b.span.file ? a.span.start - b.span.start : a.span.file < b.span.file ? -1 : 1;
}

/** Whether a request path is under a path prefix that ends with `/` (engine.io compares the raw URL's start). */
function underPrefix(path: string, prefix: string): boolean {
  return path.startsWith(prefix);
}

/** The status the app answers with before any CORS code intervenes. */
function frameworkStatus(app: AppModel | undefined, kind: string, ex: Exchange, path: string, res: ResponseBuilder): number | null {
  if (ex.throws) return 500;
  if (ex.method !== 'OPTIONS' && ex.req.status !== undefined) return ex.req.status;
  if (app?.interceptsPath !== undefined) {
    // A library endpoint (Socket.IO's engine.io): its status follows its protocol (transport, session id,
    // allowRequest), and a path outside it is answered by whatever shares the server.
    res.markUnknown(
      underPrefix(path, app.interceptsPath)
        ? `the status on ${app.interceptsPath} depends on the library's protocol (transport, session id, allowRequest)`
        : `${path} is outside ${app.interceptsPath}: whatever shares the server answers it`,
    );
    return null;
  }
  const look = lookupRoutes(app, path);
  if (!app || (app.routes.length === 0 && kind !== 'express')) {
    // No routes in the model: which status the app gives is not known (the CORS headers may still be).
    if (ex.method !== 'OPTIONS' && ex.req.status === undefined) res.markUnknown('the routes of the app are not known, so neither is the status');
    return ex.method === 'OPTIONS' ? null : (ex.req.status ?? null);
  }
  if (look.pathMatched === undefined) {
    res.markUnknown(`cannot tell whether a route answers ${path}`);
    return null;
  }
  const methods = look.methods;
  const has = (m: string) => methods.includes(m) || methods.includes('ALL') || (m === 'HEAD' && methods.includes('GET'));
  if (!look.pathMatched) return 404;
  // A middleware that answers every request of the path (json-server's router) where no route of the method is known.
  if (look.answersAll !== undefined && !has(ex.method)) {
    if (ex.method === 'OPTIONS' || ex.req.status === undefined) res.markUnknown(`${look.answersAll} answers ${path}, with a status the model does not know`);
    return ex.method === 'OPTIONS' ? null : (ex.req.status ?? null);
  }
  if (ex.method === 'OPTIONS') {
    if (has('OPTIONS')) return ex.req.status ?? 200;
    // Express router and Flask answer OPTIONS automatically (§1.4, §3.4); Starlette's router says 405 (§2.3). NestJS's
    // catch-all not-found handler runs before the Express router's automatic answer (checked with NestJS 10.4): 404.
    return kind === 'fastapi' ? 405 : app.framework?.name === 'nestjs' ? 404 : 200;
  }
  if (has(ex.method)) return 200;
  return kind === 'express' ? 404 : 405;
}

function emitPolicy(p: CorsPolicy, res: ResponseBuilder, ex: Exchange): boolean {
  switch (p.mechanism) {
    case 'cors-package':
      return emitCorsPackage(p, res, ex).ends;
    case 'graphql-yoga':
      return emitYoga(p, res, ex).ends;
    case 'starlette-middleware':
      // Overwritten by an outer middleware: it still answers with its configured origins first.
      return emitStarlette(p.preemptedOrigin ? { ...p, origin: p.preemptedOrigin } : p, res, ex).ends;
    case 'flask-cors':
      return emitFlaskCors(p, res, ex).ends;
    default: {
      // Its writes go out as written; a later layer that replaces the origin (preemptedOrigin) writes its own after.
      const q = p.preemptedOrigin ? { ...p, origin: p.preemptedOrigin } : p;
      const cov = covered(q, res, ex);
      if (cov === false) return false;
      // Preflights answered with a response of their own that has none of these headers (a Next.js middleware's
      // `return new Response(null, { status: 204 })`): that status, and nothing written here.
      if (ex.method === 'OPTIONS' && p.preflight.known && p.preflight.value.handled === 'missing' && p.preflight.value.status !== undefined) {
        res.status = p.preflight.value.status;
        return true;
      }
      emitWrites(q, res, ex);
      // An explicit answer: an OPTIONS route, or a middleware that ends OPTIONS requests itself.
      if (ex.method === 'OPTIONS' && p.preflight.known && p.preflight.value.handled === 'explicit') {
        res.status = p.preflight.value.status ?? (p.kind === 'express' ? 204 : 200);
        return true;
      }
      return false;
    }
  }
}

/**
 * Werkzeug tries a rule without converters before any rule with one (its matcher takes static path parts first), so
 * a Flask view's rule with a converter (`/<path:path>` of a catch-all OPTIONS view) never answers a path that a
 * static rule of another view serves for that method, OPTIONS included, which Flask answers automatically for every
 * rule (audit 53 flask c17, Flask 2.2: `OPTIONS /student/profile` got the automatic answer of that route, not the
 * catch-all OPTIONS view's).
 */
function staticRuleFirst(app: AppModel | undefined, p: CorsPolicy, path: string, method: string): boolean {
  if (app?.kind !== 'flask' || p.mechanism !== 'flask-manual' || p.scope.level !== 'route' || !p.scope.exact) return false;
  const own = p.scope.paths ?? [];
  if (own.includes(path)) return false;
  return app.routes.some((r) => r.path === path && !r.path.includes('<') && !own.includes(r.path) && (method === 'OPTIONS' || r.methods.includes(method) || (method === 'HEAD' && r.methods.includes('GET'))));
}

function appLayer(app: AppModel | undefined, policies: CorsPolicy[], ex: Exchange, path: string): LayerResult {
  const res = new ResponseBuilder(null);
  const kind = app?.kind ?? policies[0]?.kind ?? 'express';
  res.status = frameworkStatus(app, kind, ex, path, res);
  let ps: CorsPolicy[] = [];
  for (const p of policies) {
    // An exception handler's headers go out on the errors it answers only.
    if (p.scope.errorsOnly && !ex.throws) continue;
    const c = policyCovers(p, path, ex.method) && !staticRuleFirst(app, p, path, ex.method);
    if (c === undefined) res.markUnknown(`cannot tell whether ${p.scope.label} covers ${path}`);
    if (c && p.condition) res.markUnknown(`the CORS policy at ${p.span.file} ${p.condition.onRequest ? 'runs only for the requests for which' : 'is registered only when'} ${p.condition.text}${p.condition.onRequest ? ' holds' : ''}`);
    if (c) ps.push(p);
  }
  ps = ps.sort(orderBySpan);
  // Flask runs after_request hooks in reverse registration order (§3.4).
  if (kind === 'flask') {
    // A view's own headers are on its response before any after_request hook runs on it (§3.4).
    const isView = (p: CorsPolicy) => p.mechanism === 'flask-manual' && p.scope.level === 'route';
    ps = [...ps.filter(isView), ...ps.reverse().filter((p) => !isView(p))];
    // An HTTP error raised while dispatching (routing's 404/405) is answered by handle_user_exception, which
    // flask-cors wraps (intercept_exceptions, the default): its headers go on before any after_request hook
    // runs, with the configured origins even where a hook pre-empts it otherwise (§3.4). An unhandled exception
    // is not: handle_exception runs the hooks itself before the wrapper sees its 500 (checked on Flask 3.1 with flask-cors 6.0).
    if (!ex.throws && (res.status === 404 || res.status === 405)) {
      const wrapped = ps.filter((p) => p.mechanism === 'flask-cors' && p.errorCoverage.known && p.errorCoverage.value.covers === 'all');
      ps = [...wrapped.map((p) => (p.preemptedOrigin ? { ...p, origin: p.preemptedOrigin } : p)), ...ps.filter((p) => !wrapped.includes(p))];
    }
  }
  const used: CorsPolicy[] = [];
  const exApp: Exchange = app ? { ...ex, app } : ex;
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i] as CorsPolicy;
    used.push(p);
    if (!emitPolicy(p, res, exApp)) continue;
    // A Flask view that answers the preflight itself: the after_request hooks still run on its answer (§3.4).
    if (kind === 'flask' && p.mechanism === 'flask-manual' && p.scope.level === 'route') continue;
    // Starlette: CORSMiddleware answered (a preflight); HTTP middleware added after it runs outside it and still
    // writes its headers on that answer on the way out (§2.3).
    if (kind === 'fastapi' && p.mechanism === 'starlette-middleware') {
      for (const q of ps.slice(i + 1)) {
        if (q.mechanism !== 'fastapi-manual' || (q.preflight.known && q.preflight.value.handled === 'explicit') || covered(q, res, exApp) === false) continue;
        used.push(q);
        emitWrites(q, res, exApp);
      }
    }
    break;
  }
  return { res, used };
}

/** nginx: choose the location (and `if` block) that handles the request, then its add_header lines (§4.1–4.3). */
function proxyLayer(model: ProjectModel, proxies: CorsPolicy[], ex: Exchange, path: string, appsById: Map<string, AppModel>): LayerResult {
  const locs: { spec: NginxLocation; key: string }[] = [];
  const keyOf = (p: CorsPolicy) => (p.scope.paths?.[0] ?? '').trim();
  for (const p of proxies) {
    if (p.scope.level !== 'location') continue;
    const spec = parseNginxLocation(keyOf(p));
    if (spec && !locs.some((l) => l.key === keyOf(p))) locs.push({ spec, key: keyOf(p) });
  }
  for (const a of model.apps) {
    if (a.kind !== 'nginx') continue;
    for (const r of a.routes) {
      const spec = parseNginxLocation(r.path);
      if (spec && !locs.some((l) => l.key === r.path.trim())) locs.push({ spec, key: r.path.trim() });
    }
  }
  const res = new ResponseBuilder(null);
  const idx = selectNginxLocation(
    locs.map((l) => l.spec),
    path,
  );
  if (idx === undefined) {
    res.markUnknown(`cannot tell which nginx location handles ${path}`);
    return { res, used: [] };
  }
  const chosenKey = idx >= 0 ? (locs[idx] as { key: string }).key : undefined;
  let level = proxies.filter((p) => p.scope.level === 'location' && keyOf(p) === chosenKey);
  if (level.length === 0) level = proxies.filter((p) => p.scope.level === 'server');
  if (level.length === 0) level = proxies.filter((p) => p.scope.level === 'http');
  if (level.length === 0) {
    // No nginx level with CORS headers handles the path: what answers it (and with which headers) is not in the model.
    res.markUnknown(`no nginx location with CORS headers handles ${path}`);
    res.status = ex.throws ? 500 : ex.method === 'OPTIONS' ? null : (ex.req.status ?? null);
    res.append('access-control-allow-origin', undefined, undefined, 'not in the model');
    return { res, used: [] };
  }
  if (new Set(level.map((p) => p.span.file)).size > 1 || (ex.req.host === undefined && new Set(proxies.map((p) => p.span.file)).size > 1)) {
    res.markUnknown('several nginx configurations could answer; the server is chosen by Host, which the model does not resolve');
  }
  // An `if` block whose condition holds replaces the location's headers (§4.3); the model scopes it by method.
  const conditional = level.filter((p) => p.scope.methods && p.scope.methods.length > 0);
  const plain = level.filter((p) => !p.scope.methods || p.scope.methods.length === 0);
  const ifHit = conditional.filter((p) => (p.scope.methods ?? []).map((m) => m.toUpperCase()).includes(ex.method));
  const active = ifHit.length ? [ifHit[ifHit.length - 1] as CorsPolicy] : plain;
  // (An OPTIONS branch that refuses every preflight, `return 403`, is a preflight answer with its status too.)
  const answering = active.find((p) => p.preflight.known && ex.method === 'OPTIONS' && (p.preflight.value.handled === 'explicit' || (p.preflight.value.handled === 'missing' && p.preflight.value.status !== undefined)));
  let used: CorsPolicy[] = [...active];
  const upstream = active.find((p) => p.upstream)?.upstream;
  if (answering) {
    res.status = answering.preflight.known ? (answering.preflight.value.status ?? null) : null;
    if (res.status === null) res.markUnknown('the status nginx answers the preflight with is not in the model');
  } else if (upstream) {
    const app = upstream.appId ? appsById.get(upstream.appId) : undefined;
    if (!app) {
      res.markUnknown(`the upstream ${upstream.label} is not part of the project`);
      res.status = ex.throws ? 500 : ex.method === 'OPTIONS' ? null : (ex.req.status ?? 200);
      // The upstream may send its own CORS headers (and so a second ACAO) unless nginx hides them.
      if (!upstream.hidesOrigin) res.append('access-control-allow-origin', undefined, upstream.span, `the upstream ${upstream.label} may send its own`);
    } else {
      const inner = appLayer(
        app,
        model.policies.filter((p) => p.layer === 'app' && p.appId === app.id),
        ex,
        path,
      );
      res.lines = inner.res.lines;
      res.status = inner.res.status;
      for (const u of inner.res.unknown) res.markUnknown(u);
      used = [...inner.used, ...used];
      if (upstream.hidesOrigin) res.remove('access-control-allow-origin');
      if (upstream.hidesCredentials) res.remove('access-control-allow-credentials');
    }
  } else {
    res.status = ex.throws ? 500 : ex.req.status ?? 200;
  }
  for (const p of active) {
    // error_page answers these statuses from another location: none of this level's headers (§4.1).
    if (p.errorCoverage.known && p.errorCoverage.value.covers === 'except-statuses' && covered(p, res, ex) === false) continue;
    emitWrites(p, res, ex);
  }
  return { res, used };
}

function exchange(model: ProjectModel, ex: Exchange, path: string, opts: SimulateOptions): LayerResult {
  const appsById = new Map(model.apps.map((a) => [a.id, a]));
  const proxies = model.policies.filter((p) => p.layer === 'proxy');
  if (proxies.length > 0) return proxyLayer(model, proxies, ex, path, appsById);
  const appPolicies = model.policies.filter((p) => p.layer === 'app' && (opts.appId === undefined || p.appId === opts.appId));
  const appIds = [...new Set(appPolicies.map((p) => p.appId ?? ''))];
  let app: AppModel | undefined;
  let policies = appPolicies;
  if (opts.appId !== undefined) app = appsById.get(opts.appId);
  else if (appIds.length === 1) app = appsById.get(appIds[0] as string);
  else if (appIds.length === 0 && model.apps.length === 1) app = model.apps[0];
  else if (appIds.length > 1) {
    // Several apps: take the one whose policies cover the path; ambiguous → unknown.
    // A mounted router is also modelled on the app that mounts it (with the mount path), so prefer the
    // app whose routes answer the path, then a top-level app over a router, then the larger one.
    const hits = appIds.filter((id) => appPolicies.some((p) => (p.appId ?? '') === id && policyCovers(p, path, ex.method) !== false));
    const rank = (id: string): number[] => {
      const a = appsById.get(id);
      // A library endpoint on the server (Socket.IO) answers its path before the app sharing the server.
      const intercepts = a?.interceptsPath !== undefined && underPrefix(path, a.interceptsPath) ? 1 : 0;
      return [intercepts, lookupRoutes(a, path).pathMatched === true ? 1 : 0, a && !/^router\b/.test(a.label) ? 1 : 0, a?.routes.length ?? 0];
    };
    const ranked = hits.map((id) => ({ id, r: rank(id) })).sort((x, y) => y.r[0]! - x.r[0]! || y.r[1]! - x.r[1]! || y.r[2]! - x.r[2]! || y.r[3]! - x.r[3]!);
    const top = ranked[0];
    const second = ranked[1];
    if (top && (!second || top.r.some((v, i) => v !== second.r[i]))) {
      app = appsById.get(top.id);
      policies = appPolicies.filter((p) => (p.appId ?? '') === top.id);
    } else {
      const r = appLayer(undefined, [], ex, path);
      r.res.markUnknown('several apps in the project could answer; choose one with --app');
      return r;
    }
  }
  if (app) policies = policies.filter((p) => (p.appId ?? '') === app.id || p.appId === undefined);
  return appLayer(app, policies, ex, path);
}

/** Runs a check on the response, or on each of its alternatives: a verdict shared by all of them is known. */
function judge<T extends { ok: boolean | null }>(resp: SimResponse, check: (r: SimResponse) => T): T {
  if (!resp.alternatives) return check(resp);
  const results = resp.alternatives.map((headers) => check({ ...resp, headers, alternatives: undefined }));
  const first = results[0] as T;
  if (results.every((r) => r.ok === first.ok)) return first;
  return check(resp);
}

function lineOf(span: Span, opts: SimulateOptions): number {
  const text = opts.readText?.(span.file);
  return text === undefined ? 0 : lineTableFor(text).position(span.start).line;
}

function noteFor(reason: string, lines: SimResponse, used: CorsPolicy[], opts: SimulateOptions): Note {
  if (/preflight response has status/.test(reason)) {
    const p = used[used.length - 1];
    const span = p ? (p.preflight.span ?? p.span) : undefined;
    if (span) return { message: reason, span, file: span.file, line: lineOf(span, opts) };
  }
  const header = /Allow-Methods|method/i.test(reason)
    ? 'access-control-allow-methods'
    : /Allow-Headers|request header/i.test(reason)
      ? 'access-control-allow-headers'
      : /Credentials/i.test(reason)
        ? 'access-control-allow-credentials'
        : /Origin/i.test(reason)
          ? 'access-control-allow-origin'
          : undefined;
  let span: Span | undefined = header ? lines.lines.find((l) => l.name === header && l.span)?.span : undefined;
  let via: string | undefined;
  const p = used[used.length - 1];
  if (p && header) {
    const field =
      header === 'access-control-allow-methods'
        ? p.allowMethods
        : header === 'access-control-allow-headers'
          ? p.allowHeaders
          : header === 'access-control-allow-credentials'
            ? p.credentials
            : p.origin;
    span ??= field.span;
    if (field.known && field.via && field.span.start === span.start && field.span.end === span.end) via = field.via;
  }
  if (!span && used.length) span = (used[used.length - 1] as CorsPolicy).span;
  return span ? { message: reason, span, file: span.file, line: lineOf(span, opts), ...(via ? { via } : {}) } : { message: reason };
}

export function simulate(model: ProjectModel, request: SimRequest, opts: SimulateOptions = {}): SimResult {
  const path = pathOnly(request.path);
  const method = normalizeMethod(request.method);
  const req: SimRequest = { ...request, method };
  const cookie = request.cookie ?? request.credentials;
  const unknownReasons: string[] = [];
  const notes: Note[] = [];
  const used = new Set<CorsPolicy>();
  let preflight: PreflightResult | null = null;
  let verdict: Verdict | undefined;
  let standard: Verdict['standard'];

  if (needsPreflight(req)) {
    const acrh = unsafeHeaderNames(req).join(',');
    // The preflight carries no credentials and no cookies (§5.3).
    const ex: Exchange = { req, method: 'OPTIONS', acrm: method, ...(acrh ? { acrh } : {}), cookie: false, throws: false };
    const r = exchange(model, ex, path, opts);
    r.used.forEach((p) => used.add(p));
    unknownReasons.push(...r.res.unknown);
    const resp = r.res.toResponse();
    const check = judge(resp, (x) => preflightCheck(x, req, 'chromium'));
    const strict = judge(resp, (x) => preflightCheck(x, req, 'standard'));
    if (strict.ok !== check.ok) {
      standard = { allowed: strict.ok, reason: strict.ok === true ? 'allowed' : `${strict.ok === false ? 'blocked' : 'unknown'}: ${strict.reason}` };
    }
    preflight = { ...resp, ok: check.ok, request: { method, headers: acrh || null } };
    if (check.ok !== true) {
      // When nothing answered the preflight with CORS headers, the policy of the actual request is the cause
      // (e.g. a per-route cors() without a matching OPTIONS route).
      const pathOnlyScope = (p: CorsPolicy): CorsPolicy => ({ ...p, scope: { level: p.scope.level, label: p.scope.label, ...(p.scope.paths ? { paths: p.scope.paths } : {}) } });
      const blame = r.used.length ? r.used : model.policies.filter((p) => policyCovers(pathOnlyScope(p), path, method) === true);
      if (!r.used.length && blame.length) {
        const p = blame[0] as CorsPolicy;
        const span = p.preflight.span ?? p.span;
        notes.push({ message: `${check.reason}: nothing answers the preflight with CORS headers (${p.scope.label})`, span, file: span.file, line: lineOf(span, opts) });
      } else {
        for (const c of preflightChecks(resp, req, 'chromium')) if (c.ok === false) notes.push(noteFor(c.reason, resp, blame, opts));
        if (notes.length === 0) notes.push(noteFor(check.reason, resp, blame, opts));
      }
      verdict = { allowed: check.ok, reason: `${check.ok === false ? 'blocked' : 'unknown'}: ${check.reason}` };
    } else {
      const cache = chromiumPreflightCache(resp);
      if (cache !== undefined) verdict = { allowed: true, reason: '', preflightCacheSeconds: cache };
    }
  }

  const ex: Exchange = { req, method, cookie, throws: request.throws === true };
  const r = exchange(model, ex, path, opts);
  r.used.forEach((p) => used.add(p));
  for (const u of r.res.unknown) if (!unknownReasons.includes(u)) unknownReasons.push(u);
  const response = r.res.toResponse();
  // Without an Origin the request is not a CORS request: nothing to judge.
  if (req.origin === undefined) {
    verdict = { allowed: true, reason: 'no Origin header: not a cross-origin request' };
  } else if (!verdict || verdict.allowed === true) {
    const cache = verdict?.preflightCacheSeconds;
    const origin = req.origin;
    const check = judge(response, (x) => corsCheck(x, origin, req.credentials));
    const status = response.status;
    if (check.ok === true) {
      if (status !== null && status >= 300 && status < 400) {
        verdict = { allowed: null, reason: `unknown: the response is a ${status} redirect; the browser follows it with Origin: null (§5.5)` };
      } else verdict = { allowed: true, reason: status !== null && status >= 400 ? `allowed: the page can read the ${status} response` : 'allowed' };
    } else {
      notes.push(noteFor(check.reason, response, r.used, opts));
      verdict = { allowed: check.ok, reason: `${check.ok === false ? 'blocked' : 'unknown'}: ${check.reason}${status !== null && status >= 400 ? ` (on a ${status} response)` : ''}` };
    }
    if (cache !== undefined) verdict.preflightCacheSeconds = cache;
  }
  if (standard && verdict) {
    // The rest of the exchange (the actual response) is judged the same way by every browser.
    verdict.standard = standard.allowed === false ? standard : { allowed: verdict.allowed, reason: verdict.reason };
    if (verdict.standard.allowed === verdict.allowed) delete verdict.standard;
    else notes.push({ message: `Firefox and Safari differ: ${verdict.standard.reason}` });
  }
  const policies: PolicyRef[] = [...used].sort(orderBySpan).map((p) => ({ file: p.span.file, line: lineOf(p.span, opts), mechanism: p.mechanism, scope: p.scope.label, layer: p.layer }));
  if (used.size === 0 && req.origin !== undefined) notes.push({ message: `no CORS configuration covers ${method} ${path}` });
  // Unknown when any predicted header, status or the verdict depends on a value the model does not know.
  return { request: { ...request }, preflight, response, browser: verdict as Verdict, policies, notes, unknown: unknownReasons.length > 0, unknownReasons };
}
