/** Flask / flask-cors extraction, checked at the model level (cors-semantics.md §3). */
import { describe, expect, it } from 'vitest';
import { lintMemory } from '../support/lint.js';
import { extractPy, only, originOf, val } from './helpers.js';

const HEAD = `from flask import Flask, request\nfrom flask_cors import CORS, cross_origin\napp = Flask(__name__)\n`;

describe('flask-cors options', () => {
  it("default origins '*' reflects (not *), with Vary; send_wildcard sends * (§3.3)", async () => {
    const r = await extractPy({ 'app.py': HEAD + `CORS(app)\nother = Flask("o")\nCORS(other, send_wildcard=True)\n` });
    const [a, b] = r.policies;
    expect(a!.kind).toBe('flask');
    expect(a!.mechanism).toBe('flask-cors');
    expect(originOf(a!)).toEqual({ kind: 'reflect-any' });
    expect(val(a!.varyOrigin)).toBe(true);
    expect(val(a!.allowHeaders)).toEqual({ kind: 'echo' });
    const m = val(a!.allowMethods);
    expect(m.kind === 'list' && m.items.map((t) => t.value)).toEqual(['GET', 'HEAD', 'POST', 'OPTIONS', 'PUT', 'PATCH', 'DELETE']);
    expect(val(a!.maxAge)).toBeNull();
    expect(val(a!.errorCoverage).covers).toBe('all');
    expect(val(a!.preflight).handled).toBe('automatic');
    expect(originOf(b!)).toEqual({ kind: 'wildcard' });
  });

  it('an accept-all origins item with its own environment default is described by it (audit 38 py D1)', async () => {
    const out = await lintMemory({ 'app.py': HEAD + `import os\nA = os.getenv("APP_ORIGIN", "https://a.example.com")\nB = os.getenv("APP_ORIGIN_RE", r"^.+$")\nCORS(app, origins=[A, B], supports_credentials=True)\n` });
    const m = out.diagnostics.find((d) => d.ruleId === 'cors/reflected-origin-with-credentials')?.message ?? '';
    expect(m).toContain('APP_ORIGIN_RE');
    // A list read whole from one default keeps the list's note.
    const whole = await lintMemory({ 'app.py': HEAD + `import os\nCORS(app, origins=os.getenv("APP_ORIGINS", "https://a.example.com,^.+$").split(","), supports_credentials=True)\n` });
    expect(whole.diagnostics.find((d) => d.ruleId === 'cors/reflected-origin-with-credentials')?.message ?? '').toContain('APP_ORIGINS');
  });

  it('regex strings are start-anchored and case-insensitive; literals casefold; "." and "+" are not regex triggers (§3.2)', async () => {
    const r = await extractPy({ 'app.py': HEAD + `import re\nCORS(app, origins=[r"https://.*\\.a\\.com", "https://b.com", "https://c+d.com", re.compile(r"https://e\\.com$")], supports_credentials=True)\n` });
    const o = originOf(only(r));
    expect(o).toMatchObject({
      kind: 'allow-list',
      entries: [
        { type: 'regex', pattern: 'https://.*\\.a\\.com', flags: 'i', flavor: 'python', mode: 'match' },
        { type: 'literal', value: 'https://b.com', caseInsensitive: true },
        { type: 'literal', value: 'https://c+d.com', caseInsensitive: true },
        { type: 'regex', pattern: 'https://e\\.com$', flags: '', mode: 'match' },
      ],
    });
    expect(val(only(r).credentials)).toBe(true);
  });

  it('app.config CORS_* keys and from_object, overridden by CORS() kwargs (§3.1)', async () => {
    const r = await extractPy({
      'settings.py': `class Base:\n    CORS_ORIGINS = ["https://a.com"]\n    CORS_SUPPORTS_CREDENTIALS = True\nclass Prod(Base):\n    DEBUG = False\n`,
      'app.py': HEAD + `app.config.from_object("settings.Prod")\napp.config["CORS_MAX_AGE"] = 600\nCORS(app, supports_credentials=False)\n`,
    });
    const p = only(r);
    expect(originOf(p)).toMatchObject({ entries: [{ value: 'https://a.com' }] });
    expect(r.line(p.origin.span)).toBe(2);
    expect(val(p.credentials)).toBe(false);
    expect(val(p.maxAge)).toBe('600');
  });

  it('config from a file that cannot be read makes options that are not passed explicitly unknown', async () => {
    const r = await extractPy({ 'app.py': HEAD + `app.config.from_envvar("APP_SETTINGS")\nCORS(app, supports_credentials=True)\n` });
    const p = only(r);
    expect(p.origin.known).toBe(false);
    expect(val(p.credentials)).toBe(true);
  });

  it('CORS() in extensions.py + init_app in an app factory; Blueprint routes with url_prefix', async () => {
    const r = await extractPy({
      'proj/ext.py': `from flask_cors import CORS\ncors = CORS()\n`,
      'proj/__init__.py':
        `from flask import Flask\nfrom .ext import cors\nfrom .views import bp\n` +
        `def create_app():\n    app = Flask(__name__)\n    cors.init_app(app, origins=["https://a.com"])\n    app.register_blueprint(bp, url_prefix="/api")\n    return app\n`,
      'proj/views.py': `from flask import Blueprint, request\nbp = Blueprint("v", __name__)\n@bp.route("/x", methods=["PUT"])\ndef x():\n    return request.get_json()\n@bp.post("/y")\ndef y():\n    return request.json\n`,
    });
    const p = only(r);
    expect(originOf(p)).toMatchObject({ entries: [{ value: 'https://a.com' }] });
    expect(r.apps[0]!.routes.map((x) => `${x.methods} ${x.path} ${x.jsonBody}`)).toEqual(['PUT /api/x true', 'POST /api/y true']);
  });

  it('resources: one policy per pattern with its own options (§3.4)', async () => {
    const r = await extractPy({ 'app.py': HEAD + `CORS(app, resources={r"/api/*": {"origins": "https://a.com"}, "/public": {}}, supports_credentials=True)\n` });
    expect(r.policies).toHaveLength(2);
    expect(r.policies[0]!.scope).toMatchObject({ level: 'route', paths: ['/api/*'] });
    expect(originOf(r.policies[0]!)).toMatchObject({ entries: [{ value: 'https://a.com' }] });
    expect(originOf(r.policies[1]!)).toEqual({ kind: 'reflect-any' });
    expect(val(r.policies[1]!.credentials)).toBe(true);
  });

  it('@cross_origin below @app.route is a route policy; above it nothing is registered (§3.5)', async () => {
    const r = await extractPy({
      'app.py': HEAD + `@app.route("/a", methods=["POST"])\n@cross_origin(origins="https://a.com")\ndef a():\n    return ""\n@cross_origin()\n@app.route("/b")\ndef b():\n    return ""\n`,
    });
    const p = only(r);
    expect(p.scope).toMatchObject({ level: 'route', paths: ['/a'] });
    expect(val(p.errorCoverage).covers).toBe('not-unhandled');
  });

  it("'*' with send_wildcard and supports_credentials is refused by flask-cors: no headers, a config error (§3.3, audit 32 case 31)", async () => {
    const r = await extractPy({ 'app.py': HEAD + `CORS(app, resources={r"/*": {"origins": "*"}}, send_wildcard=True, supports_credentials=True)\n` });
    const p = only(r);
    expect(originOf(p)).toEqual({ kind: 'none' });
    expect(p.configError?.detail).toContain('the app does not start');
    expect(r.text(p.configError!.span)).toBe('send_wildcard=True');
    const out = await lintMemory({ 'app.py': HEAD + `CORS(app, send_wildcard=True, supports_credentials=True)\n` });
    const msg = out.diagnostics.find((d) => d.ruleId === 'cors/wildcard-origin-with-credentials')?.message ?? '';
    expect(msg).toContain('raises ValueError');
    expect(msg).not.toContain('browsers reject');
  });

  it('allow_private_network by flask-cors version (§3.6, CVE-2024-6221)', async () => {
    const src = HEAD + `CORS(app)\n`;
    const v3 = await extractPy({ 'app.py': src, 'requirements.txt': 'flask-cors==3.0.10\n' });
    expect(val(only(v3).privateNetwork)).toBe(false);
    const v4 = await extractPy({ 'app.py': src, 'requirements.txt': 'flask-cors==4.0.0\n' });
    expect(val(only(v4).privateNetwork)).toBe(true);
    expect(only(v4).privateNetwork.span.file).toBe('requirements.txt');
    const v402 = await extractPy({ 'app.py': src, 'poetry.lock': '[[package]]\nname = "flask-cors"\nversion = "4.0.2"\n' });
    expect(val(only(v402).privateNetwork)).toBe(true);
    const v5 = await extractPy({ 'app.py': src, 'requirements.txt': 'Flask-Cors>=5.0\n' });
    expect(val(only(v5).privateNetwork)).toBe(false);
  });
});

describe('hand-written after_request headers (§3.4)', () => {
  it('headers[...] = replaces, headers.add appends, Python True is sent as "True"', async () => {
    const r = await extractPy({
      'app.py':
        HEAD.replace('from flask_cors import CORS, cross_origin\n', '') +
        `@app.after_request\ndef cors(resp):\n    resp.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin")\n` +
        `    resp.headers.add("Access-Control-Allow-Origin", "https://b.com")\n    resp.headers["Access-Control-Allow-Credentials"] = True\n    return resp\n`,
    });
    const p = only(r);
    expect(p.mechanism).toBe('flask-manual');
    expect(p.headerWrites.map((w) => `${w.name} ${w.op} ${w.value.known ? w.value.value : '?'}`)).toEqual([
      'access-control-allow-origin set ?',
      'access-control-allow-origin append https://b.com',
      'access-control-allow-credentials set True',
    ]);
    expect(val(p.credentials)).toBe(false);
    expect(val(p.preflight).handled).toBe('router-auto');
  });

  it('a guard `if origin in ALLOWED` turns reflection into an allow-list', async () => {
    const r = await extractPy({
      'app.py': `from flask import Flask, request\nALLOWED = ["https://a.com"]\napp = Flask(__name__)\n@app.after_request\ndef cors(resp):\n    origin = request.headers.get("Origin")\n    if origin in ALLOWED:\n        resp.headers["Access-Control-Allow-Origin"] = origin\n    return resp\n`,
    });
    expect(originOf(only(r))).toMatchObject({ kind: 'allow-list', entries: [{ value: 'https://a.com' }] });
  });

  it('a hook registered before CORS(app) shadows flask-cors, and one that appends duplicates its ACAO', async () => {
    const r = await extractPy({
      'app.py': HEAD + `@app.after_request\ndef extra(resp):\n    resp.headers.add("Access-Control-Allow-Origin", "https://b.com")\n    return resp\nCORS(app, origins=["https://a.com"])\n`,
    });
    const ext = r.policies.find((p) => p.mechanism === 'flask-cors')!;
    const manual = r.policies.find((p) => p.mechanism === 'flask-manual')!;
    expect(ext.shadowedBy.map((s) => s.kind)).toEqual(['after-request']);
    expect(manual.headerWrites.filter((w) => w.name === 'access-control-allow-origin').map((w) => w.op)).toEqual(['set', 'append']);
  });
});

describe('hooks and flask-cors together (§3.4)', () => {
  it('a hook registered after CORS(app) that always sets ACAO makes flask-cors send nothing', async () => {
    const r = await extractPy({
      'app.py': HEAD + `CORS(app)\ndef add(resp):\n    resp.headers["Access-Control-Allow-Origin"] = "https://a.com"\n    return resp\napp.after_request(add)\n`,
    });
    const ext = r.policies.find((p) => p.mechanism === 'flask-cors')!;
    const manual = r.policies.find((p) => p.mechanism === 'flask-manual')!;
    expect(originOf(ext)).toEqual({ kind: 'none' });
    expect(originOf(manual)).toEqual({ kind: 'fixed', value: 'https://a.com' });
    expect(ext.shadowedBy).toEqual([]);
  });
});

describe('values decided by an environment default keep the note (audit 35 py D1, D2, D4)', () => {
  const ENV = `import os\n` + HEAD;
  const via = (p: { origin: { known: boolean } & ({ via?: string } | object) }) => (p.origin.known && 'via' in p.origin ? p.origin.via : undefined);

  it('`if not origins: origins = "*"` after os.getenv without a default is "*" when unset', async () => {
    const r = await extractPy({ 'app.py': ENV + `origins = os.getenv("X")\nif not origins:\n    origins = "*"\nCORS(app, origins=origins, supports_credentials=True)\n` });
    expect(originOf(only(r))).toEqual({ kind: 'reflect-any' });
    expect(via(only(r))).toContain('default of $X when unset');
  });

  it('`origins or "*"` and a comprehension over an empty default keep "when unset"', async () => {
    const r = await extractPy({ 'app.py': ENV + `raw = os.getenv("X", "")\norigins = [u.strip() for u in raw.split(",") if u.strip()]\nCORS(app, origins=origins or "*", supports_credentials=True)\n` });
    expect(originOf(only(r))).toEqual({ kind: 'reflect-any' });
    expect(via(only(r))).toContain('default of $X when unset');
  });

  it('an empty default is no entry at all; a list of one default keeps its note', async () => {
    const r = await extractPy({ 'app.py': ENV + `CORS(app, origins=[os.getenv("X", "")])\nb = Flask("b")\nCORS(b, origins=[os.getenv("Y", "localhost:3000")])\n` });
    const [a, b] = r.policies;
    expect(originOf(a!)).toMatchObject({ kind: 'allow-list', entries: [] });
    expect(via(b!)).toBe('default of $Y when unset');
  });

  it('an append decided by a default says so; a registration under `if os.getenv("X"):` does not use X\'s default', async () => {
    const r = await extractPy({
      'app.py':
        ENV +
        `MODE = os.getenv("MODE", "dev")\norigins = ["https://a.example"]\nif MODE == "dev":\n    origins.append("*")\nCORS(app, origins=origins, supports_credentials=True)\n` +
        `b = Flask("b")\nif os.getenv("B"):\n    CORS(b, origins=os.getenv("B", "*"), supports_credentials=True)\n`,
    });
    const [a, b] = r.policies;
    expect(via(a!)).toContain('default of $MODE when unset');
    expect(b!.origin.known).toBe(false);
    expect(b!.condition?.text).toBe('os.getenv("B")');
  });

  it('an if/elif/else chain decided by a default keeps the note, in an assignment and in an append (audit 41 py D2)', async () => {
    const r = await extractPy({
      'app.py':
        ENV +
        `env = os.getenv("PY_ENV", "production")\norigin = "https://a.example"\nif env == "staging":\n    origin = "https://b.example"\nelif env == "production":\n    origin = "*"\nelse:\n    origin = "https://c.example"\nCORS(app, origins=origin, supports_credentials=True)\n` +
        `b = Flask("b")\norigins = ["https://a.example"]\nif env == "dev":\n    origins.append("https://d.example")\nelif env == "production":\n    origins.append("*")\nCORS(b, origins=origins, supports_credentials=True)\n` +
        `c = Flask("c")\nmode = os.environ["MODE"]\no = "https://a.example"\nif mode == "x":\n    o = "https://x.example"\nelif env == "production":\n    o = "*"\nCORS(c, origins=o, supports_credentials=True)\n`,
    });
    const [a, b, c] = r.policies;
    expect(originOf(a!)).toEqual({ kind: 'reflect-any' });
    expect(via(a!)).toContain('default of $PY_ENV when unset');
    expect(originOf(b!)).toEqual({ kind: 'reflect-any' });
    expect(via(b!)).toContain('default of $PY_ENV when unset');
    // An earlier test that is not known leaves the value unknown, whatever the later ones give.
    expect(c!.origin.known).toBe(false);
  });
});

describe('bool() of an environment value keeps its note', () => {
  it('`DISABLED = bool(os.environ.get("X", ""))` then `if not DISABLED: CORS(app)` says it is the default when unset (audit 37 py c07, moto)', async () => {
    const r = await extractPy({ 'app.py': `import os\n` + HEAD + `DISABLED = bool(os.environ.get("MOTO_DISABLE_GLOBAL_CORS", ""))\nif not DISABLED:\n    CORS(app)\n` });
    const [a] = r.policies;
    expect(originOf(a!)).toEqual({ kind: 'reflect-any' });
    expect(a!.origin.known && a!.origin.via).toContain('default of $MOTO_DISABLE_GLOBAL_CORS when unset');
  });
});
