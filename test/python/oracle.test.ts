/**
 * Oracle: the model's claims checked against the real libraries (Debian python3-starlette/-fastapi,
 * python3-flask-cors, python3-httpx for the test client). Each app below is linted, then run under the
 * system python3 with the framework's test client; the headers must match what the model predicts.
 * Skipped when the packages are not installed (CI: apt-get install -y python3-fastapi python3-starlette
 * python3-flask python3-flask-cors python3-httpx).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CorsPolicy } from '../../src/model/index.js';
import { extractPy } from './helpers.js';

// Debian's system interpreter is where apt puts python3-starlette & co. (a pyenv python3 may come first on PATH).
const PY = process.env.CORS_LINT_PYTHON ?? (fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const has = (mods: string) => spawnSync(PY, ['-c', `import ${mods}`]).status === 0;
const STARLETTE = has('starlette.testclient, httpx, fastapi');
const FLASK = has('flask, flask_cors');

const EVIL = 'https://evil.example';
const GOOD = 'https://app.example.com';

interface Observed {
  status: number;
  headers: Record<string, string>;
}

/**
 * Runs requests against `app` from app.py; returns [preflight evil, preflight good, get evil] responses.
 * With credentials the GET carries a cookie, as a credentialed browser request does (Starlette < 1.0
 * reflects only then, §2.2); without credentials a browser sends none (a cookie-carrying request would
 * fail without Access-Control-Allow-Credentials anyway).
 */
function run(source: string, kind: 'starlette' | 'flask', cookie: boolean, method = 'PUT'): Observed[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-oracle-'));
  try {
    fs.writeFileSync(path.join(dir, 'app.py'), source);
    const harness =
      kind === 'starlette'
        ? `from starlette.testclient import TestClient\nfrom app import app\nc = TestClient(app, raise_server_exceptions=False)\n` +
          `def req(m, o, pre):\n    h = {"Origin": o}\n    if pre: h["Access-Control-Request-Method"] = "${method}"\n    elif ${cookie ? 'True' : 'False'}: h["Cookie"] = "session=1"\n    r = c.request(m, "/x", headers=h)\n    return {"status": r.status_code, "headers": {k.lower(): v for k, v in r.headers.items()}}\n`
        : `from app import app\nc = app.test_client()\n` +
          `def req(m, o, pre):\n    h = {"Origin": o}\n    if pre: h["Access-Control-Request-Method"] = "${method}"\n    r = c.open("/x", method=m, headers=h)\n    return {"status": r.status_code, "headers": {k.lower(): v for k, v in r.headers.items()}}\n`;
    const script = harness + `import json\nprint(json.dumps([req("OPTIONS", "${EVIL}", True), req("OPTIONS", "${GOOD}", True), req("GET", "${EVIL}", False)]))\n`;
    const res = spawnSync(PY, ['-c', script], { cwd: dir, encoding: 'utf8' });
    if (res.status !== 0) throw new Error(res.stderr);
    return JSON.parse(res.stdout.trim().split('\n').pop() as string) as Observed[];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What the model says the ACAO of a response to `origin` is (undefined: none). */
function predictedAcao(p: CorsPolicy, origin: string): string | undefined {
  if (!p.origin.known) throw new Error('unknown origin');
  const o = p.origin.value;
  switch (o.kind) {
    case 'wildcard':
      return '*';
    case 'reflect-any':
      return origin;
    case 'fixed':
      return o.value;
    case 'none':
      return undefined;
    case 'allow-list':
      return o.entries.some((e) => e.type === 'literal' && (e.caseInsensitive ? e.value.toLowerCase() === origin.toLowerCase() : e.value === origin)) ? origin : undefined;
  }
}

function check(p: CorsPolicy, obs: Observed[], method: string): void {
  const [preEvil, preGood, getEvil] = obs as [Observed, Observed, Observed];
  expect(preEvil.headers['access-control-allow-origin']).toBe(predictedAcao(p, EVIL));
  expect(getEvil.headers['access-control-allow-origin']).toBe(predictedAcao(p, EVIL));
  const cred = p.credentials.known && p.credentials.value;
  if (predictedAcao(p, GOOD)) expect(preGood.headers['access-control-allow-credentials']).toBe(cred ? 'true' : undefined);
  // Preflight success for the good origin: 2xx and the method allowed, exactly when the model lists it.
  if (p.allowMethods.known && p.allowMethods.value.kind === 'list' && predictedAcao(p, GOOD)) {
    const listed = p.allowMethods.value.items.some((t) => t.value === method);
    const ok = preGood.status >= 200 && preGood.status < 300 && (preGood.headers['access-control-allow-methods'] ?? '').toUpperCase().split(/\s*,\s*/).includes(method);
    expect(ok).toBe(listed);
  }
  if (p.maxAge.known) expect(preGood.headers['access-control-max-age'] ?? null).toBe(predictedAcao(p, GOOD) ? p.maxAge.value : (preGood.headers['access-control-max-age'] ?? null));
}

const STARLETTE_CASES: [string, string][] = [
  ['star + credentials', `allow_origins=["*"], allow_credentials=True, allow_methods=["*"]`],
  ['star', `allow_origins=["*"]`],
  ['list + default methods', `allow_origins=["${GOOD}"]`],
  ['list + methods', `allow_origins=["${GOOD}"], allow_methods=["GET", "PUT"], max_age=100, allow_credentials=True`],
  ['env default list', `allow_origins=os.getenv("NO_SUCH_VAR_CORS_LINT", "${GOOD},https://b.example").split(",")`],
];

describe.skipIf(!STARLETTE)('oracle: Starlette (system python3)', () => {
  for (const [name, kwargs] of STARLETTE_CASES) {
    it(name, async () => {
      const src = `import os\nfrom starlette.applications import Starlette\nfrom starlette.middleware.cors import CORSMiddleware\nfrom starlette.responses import PlainTextResponse\nfrom starlette.routing import Route\nasync def x(request):\n    return PlainTextResponse("x")\napp = Starlette(routes=[Route("/x", x, methods=["GET", "PUT"])])\napp.add_middleware(CORSMiddleware, ${kwargs})\n`;
      const r = await extractPy({ 'app.py': src });
      const p = r.policies[0] as CorsPolicy;
      check(p, run(src, 'starlette', p.credentials.known && p.credentials.value), 'PUT');
    }, 60_000);
  }
});

const FLASK_CASES: [string, string][] = [
  ['default', ``],
  ['credentials', `, supports_credentials=True`],
  ['send_wildcard', `, send_wildcard=True`],
  ['list casefold', `, origins=["HTTPS://APP.EXAMPLE.COM"], methods=["get", "put"], max_age=50`],
  ['methods without PUT', `, origins="${GOOD}", methods=["GET", "POST"]`],
];

describe.skipIf(!FLASK)('oracle: flask-cors (system python3)', () => {
  for (const [name, kwargs] of FLASK_CASES) {
    it(name, async () => {
      const src = `from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n@app.route("/x", methods=["GET", "PUT"])\ndef x():\n    return "x"\nCORS(app${kwargs})\n`;
      const r = await extractPy({ 'app.py': src });
      const p = r.policies[0] as CorsPolicy;
      check(p, run(src, 'flask', p.credentials.known && p.credentials.value), 'PUT');
    }, 60_000);
  }
});
