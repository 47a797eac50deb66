/** FastAPI/Starlette extraction, checked at the model level (cors-semantics.md §2). */
import { describe, expect, it } from 'vitest';
import { lintMemory } from '../support/lint.js';
import { extractPy, only, originOf, val } from './helpers.js';

const HEAD = `from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\napp = FastAPI()\n`;

describe('CORSMiddleware options', () => {
  it('["*"] with credentials reflects any origin, pointing at the "*" (§2.2)', async () => {
    const r = await extractPy({ 'main.py': HEAD + `app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n` });
    const p = only(r);
    expect(p.kind).toBe('fastapi');
    expect(p.mechanism).toBe('starlette-middleware');
    expect(originOf(p)).toEqual({ kind: 'reflect-any' });
    expect(r.text(p.origin.span)).toBe('"*"');
    expect(r.text(p.credentials.span)).toBe('allow_credentials=True');
    expect(val(p.credentials)).toBe(true);
  });

  it('["*"] without credentials is a literal wildcard; defaults: GET only, safelisted headers, max-age 600', async () => {
    const r = await extractPy({ 'main.py': HEAD + `app.add_middleware(CORSMiddleware, allow_origins=["*"])\n` });
    const p = only(r);
    expect(originOf(p)).toEqual({ kind: 'wildcard' });
    const methods = val(p.allowMethods);
    expect(methods.kind === 'list' && methods.items.map((t) => t.value)).toEqual(['GET']);
    expect(p.allowMethods.known && p.allowMethods.via).toBe('default');
    const headers = val(p.allowHeaders);
    expect(headers.kind === 'list' && headers.items.map((t) => t.value)).toEqual(['Accept', 'Accept-Language', 'Content-Language', 'Content-Type']);
    expect(val(p.maxAge)).toBe('600');
    expect(val(p.varyOrigin)).toBe(true);
    expect(val(p.preflight).handled).toBe('automatic');
    expect(val(p.errorCoverage).covers).toBe('not-unhandled');
  });

  it('["*"] methods expand to ALL_METHODS and ["*"] headers echo (§2.1, §2.2)', async () => {
    const r = await extractPy({ 'main.py': HEAD + `app.add_middleware(CORSMiddleware, allow_origins=["https://a.com"], allow_methods=["*"], allow_headers=["*"], expose_headers=["X-Total"])\n` });
    const p = only(r);
    const m = val(p.allowMethods);
    expect(m.kind === 'list' && m.items.map((t) => t.value)).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
    expect(val(p.allowHeaders)).toEqual({ kind: 'echo' });
    const e = val(p.exposeHeaders);
    expect(e.kind === 'list' && e.items.map((t) => t.value)).toEqual(['X-Total']);
    expect(originOf(p)).toMatchObject({ kind: 'allow-list', entries: [{ type: 'literal', value: 'https://a.com', caseInsensitive: false }] });
  });

  it('a string allow_origins is a substring test; a "*" inside it allows everything (§2.1)', async () => {
    const r = await extractPy({ 'main.py': HEAD + `app.add_middleware(CORSMiddleware, allow_origins="https://a.com")\nb = CORSMiddleware(app, allow_origins="https://*.a.com")\n` });
    expect(originOf(r.policies[0]!)).toMatchObject({ kind: 'allow-list', entries: [{ type: 'substring', haystack: 'https://a.com' }] });
    expect(originOf(r.policies[1]!)).toEqual({ kind: 'wildcard' });
  });

  it('allow_origin_regex is fullmatch, or match before Starlette 0.13.1 (§2.1)', async () => {
    const src = HEAD + `app.add_middleware(CORSMiddleware, allow_origin_regex=r"https://.*\\.a\\.com")\n`;
    const now = await extractPy({ 'main.py': src });
    expect(originOf(only(now))).toMatchObject({ kind: 'allow-list', entries: [{ type: 'regex', pattern: 'https://.*\\.a\\.com', flavor: 'python', mode: 'fullmatch' }] });
    const old = await extractPy({ 'main.py': src, 'requirements.txt': 'fastapi==0.45.0\nuvicorn\n' });
    expect(originOf(only(old))).toMatchObject({ kind: 'allow-list', entries: [{ type: 'regex', mode: 'match' }] });
    const pinned = await extractPy({ 'main.py': src, 'requirements.txt': 'starlette==0.13.0\n' });
    expect(originOf(only(pinned))).toMatchObject({ entries: [{ mode: 'match' }] });
  });

  it('the three forms: add_middleware, middleware=[Middleware(...)], and the wrapping form', async () => {
    const r = await extractPy({
      'main.py':
        `from fastapi import FastAPI\nfrom starlette.middleware import Middleware\nfrom starlette.middleware.cors import CORSMiddleware\n` +
        `a = FastAPI(middleware=[Middleware(CORSMiddleware, allow_origins=["https://a.com"])])\n` +
        `b = FastAPI()\nb = CORSMiddleware(app=b, allow_origins=["https://b.com"])\n`,
    });
    expect(r.policies).toHaveLength(2);
    const [a, b] = r.policies as [typeof r.policies[0], typeof r.policies[0]];
    expect(val(a.errorCoverage).covers).toBe('not-unhandled');
    expect(val(b.errorCoverage).covers).toBe('all');
    expect(a.appId).toBe('main.py#' + r.text({ file: 'main.py', start: 0, end: 10_000 }).indexOf('FastAPI(middleware'));
    expect(b.appId).toBe('main.py#' + r.text({ file: 'main.py', start: 0, end: 10_000 }).indexOf('FastAPI()'));
  });

  it('unknown values stay unknown: env var without default, **options, a list with an unknown element', async () => {
    const r = await extractPy({
      'main.py':
        HEAD +
        `import os\nopts = load()\n` +
        `app.add_middleware(CORSMiddleware, allow_origins=os.environ["ORIGINS"].split(","), allow_credentials=True)\n` +
        `app.add_middleware(CORSMiddleware, **opts)\n` +
        `app.add_middleware(CORSMiddleware, allow_origins=["https://a.com", os.getenv("EXTRA")])\n`,
    });
    const [a, b, c] = r.policies;
    expect(a!.origin.known).toBe(false);
    expect(b!.origin.known).toBe(false);
    expect(b!.credentials.known).toBe(false);
    expect(originOf(c!)).toMatchObject({ kind: 'allow-list', entries: [{ value: 'https://a.com' }] });
    expect((originOf(c!) as { unknownEntries: unknown[] }).unknownEntries).toHaveLength(1);
  });

  it('env defaults are known, with exact spans for each part of a split literal', async () => {
    const r = await extractPy({ 'main.py': HEAD + `import os\norigins = os.getenv("ORIGINS", "https://a.com, https://b.com").split(",")\napp.add_middleware(CORSMiddleware, allow_origins=[o.strip() for o in origins])\n` });
    const o = originOf(only(r));
    expect(o.kind).toBe('allow-list');
    const entries = (o as { entries: { type: string; value: string; span: { file: string; start: number; end: number } }[] }).entries;
    expect(entries.map((e) => e.value)).toEqual(['https://a.com', 'https://b.com']);
    expect(entries.map((e) => r.text(e.span))).toEqual(['https://a.com', 'https://b.com']);
  });

  it('allow_private_network counts only when every origin gets it', async () => {
    const r = await extractPy({ 'main.py': HEAD + `app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_private_network=True)\napp.add_middleware(CORSMiddleware, allow_origins=["https://a.com"], allow_private_network=True)\n` });
    expect(val(r.policies[0]!.privateNetwork)).toBe(true);
    expect(val(r.policies[1]!.privateNetwork)).toBe(false);
  });
});

describe('middleware order (§2.3)', () => {
  it('middleware added after CORSMiddleware that can answer first shadows it; benign ones do not', async () => {
    const r = await extractPy({
      'main.py':
        HEAD +
        `from starlette.middleware.trustedhost import TrustedHostMiddleware\nfrom fastapi.middleware.gzip import GZipMiddleware\nfrom fastapi.responses import JSONResponse\n` +
        `app.add_middleware(TrustedHostMiddleware, allowed_hosts=["a"])\n` +
        `app.add_middleware(CORSMiddleware, allow_origins=["https://a.com"])\n` +
        `app.add_middleware(GZipMiddleware)\n` +
        `@app.middleware("http")\nasync def timing(request, call_next):\n    response = await call_next(request)\n    return response\n` +
        `@app.middleware("http")\nasync def auth(request, call_next):\n    if not request.headers.get("x-key"):\n        return JSONResponse({}, status_code=401)\n    return await call_next(request)\n`,
    });
    const p = only(r);
    expect(p.shadowedBy.map((s) => s.label)).toEqual(['auth']);
  });

  it('for the constructor list, entries before CORS are outer', async () => {
    const r = await extractPy({
      'main.py':
        `from fastapi import FastAPI\nfrom starlette.middleware import Middleware\nfrom starlette.middleware.cors import CORSMiddleware\nfrom starlette.middleware.httpsredirect import HTTPSRedirectMiddleware\n` +
        `app = FastAPI(middleware=[Middleware(HTTPSRedirectMiddleware), Middleware(CORSMiddleware, allow_origins=["https://a.com"])])\n`,
    });
    expect(only(r).shadowedBy.map((s) => s.label)).toEqual(['HTTPSRedirectMiddleware']);
  });

  it('a middleware that writes its headers on every response: the preflight gets the 405 with them, not an OK status (audit 34 case 09)', async () => {
    const out = await lintMemory({
      'main.py':
        `from fastapi import FastAPI\nfrom starlette.middleware.base import BaseHTTPMiddleware\n` +
        `class Headers(BaseHTTPMiddleware):\n    async def dispatch(self, request, call_next):\n        response = await call_next(request)\n` +
        `        response.headers["Access-Control-Allow-Origin"] = "*"\n        return response\n` +
        `app = FastAPI()\napp.add_middleware(Headers)\n@app.put("/items")\ndef put():\n    return {}\n`,
    });
    const m = out.diagnostics.find((x) => x.ruleId === 'cors/missing-preflight-handler')?.message ?? '';
    expect(m).toContain("The browser's OPTIONS preflight gets no OK status");
    expect(m).not.toContain('with CORS headers');
  });

  it('the response quoted in the message is on one line (audit 34 case 20)', async () => {
    const out = await lintMemory({
      'main.py':
        HEAD +
        `from fastapi.responses import JSONResponse\n` +
        `app.add_middleware(CORSMiddleware, allow_origins=["https://a.com"])\n` +
        `@app.middleware("http")\nasync def auth(request, call_next):\n    if not request.headers.get("x-key"):\n        return JSONResponse(\n            status_code=401,\n            content={},\n        )\n    return await call_next(request)\n`,
    });
    const d = out.diagnostics.find((x) => x.ruleId === 'cors/cors-middleware-order');
    expect(d?.message).toContain('JSONResponse(status_code=401, content={}');
    for (const m of [d?.message ?? '', ...(d?.related ?? []).map((x) => x.message)]) expect(m).not.toMatch(/\n/);
  });
  it('claims the preflight answer too only when the middleware does not look at the method (audit 37 py c02)', async () => {
    const mw = (guard: string) =>
      `@app.middleware("http")\nasync def auth(request, call_next):\n    if ${guard}not request.headers.get("x-key"):\n        return JSONResponse(status_code=401, content={})\n    return await call_next(request)\n`;
    const msg = async (guard: string) => {
      const out = await lintMemory({ 'main.py': HEAD + `from fastapi.responses import JSONResponse\napp.add_middleware(CORSMiddleware, allow_origins=["https://a.com"])\n` + mw(guard) });
      return out.diagnostics.find((x) => x.ruleId === 'cors/cors-middleware-order')?.message ?? '';
    };
    expect(await msg('')).toContain("that response (a preflight's too) has no CORS headers");
    const skipsOptions = await msg('request.method != "OPTIONS" and ');
    expect(skipsOptions).toContain('that response has no CORS headers');
    expect(skipsOptions).not.toContain("a preflight's too");
  });
});

describe('resolution across modules', () => {
  it('settings from a pydantic BaseSettings class in another module, via a property and an lru_cache getter', async () => {
    const r = await extractPy({
      'app/__init__.py': '',
      'app/core/__init__.py': '',
      'app/core/config.py':
        `from functools import lru_cache\nfrom pydantic_settings import BaseSettings\n` +
        `class Settings(BaseSettings):\n    FRONTEND: str = "https://app.example.com"\n    EXTRA: list[str] = ["https://admin.example.com"]\n` +
        `    @property\n    def origins(self) -> list[str]:\n        return [self.FRONTEND] + self.EXTRA\n` +
        `@lru_cache\ndef get_settings():\n    return Settings()\n`,
      'app/main.py': HEAD + `from app.core.config import get_settings\nsettings = get_settings()\napp.add_middleware(CORSMiddleware, allow_origins=settings.origins)\n`,
    });
    const o = originOf(only(r)) as { entries: { value: string; span: { file: string } }[] };
    expect(o.entries.map((e) => e.value)).toEqual(['https://app.example.com', 'https://admin.example.com']);
    expect(o.entries[0]!.span.file).toBe('app/core/config.py');
  });

  it('pydantic 2 URL types add a trailing slash to validated settings defaults; pydantic 1 does not', async () => {
    const config = (imp: string) => `${imp}\nfrom pydantic import AnyHttpUrl\nclass Settings(BaseSettings):\n    ORIGINS: list[AnyHttpUrl] = ["https://a.com"]\nsettings = Settings()\n`;
    const main = HEAD + `from config import settings\napp.add_middleware(CORSMiddleware, allow_origins=[str(o) for o in settings.ORIGINS])\n`;
    const v2 = await extractPy({ 'config.py': config('from pydantic_settings import BaseSettings'), 'main.py': main });
    expect((originOf(only(v2)) as { entries: { value: string }[] }).entries[0]!.value).toBe('https://a.com/');
    const v1 = await extractPy({ 'config.py': config('from pydantic import BaseSettings'), 'main.py': main });
    expect((originOf(only(v1)) as { entries: { value: string }[] }).entries[0]!.value).toBe('https://a.com');
    // The finding says the type added the slash, not to write what is already written (audit 30 case 12).
    const out = await lintMemory({ 'config.py': config('from pydantic_settings import BaseSettings'), 'main.py': HEAD + `from config import settings\napp.add_middleware(CORSMiddleware, allow_origins=settings.ORIGINS)\n` });
    const msg = out.diagnostics.find((d) => d.ruleId === 'cors/invalid-origin')?.message ?? '';
    expect(msg).toContain('(pydantic 2 URL type: str() adds a trailing slash)');
    expect(msg).not.toContain('Use "https://a.com"');
  });

  it('a literal allow_origin_regex is not labelled with the provenance of allow_origins (audit 32 case 17)', async () => {
    const src = (rx: string) => HEAD + `import os\nORIGINS = os.getenv("CORS_ORIGINS", "http://localhost:3000").split(",")\napp.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_origin_regex=${rx}, allow_credentials=True)\n`;
    const lit = await lintMemory({ 'main.py': src(String.raw`r"https://.*.vercel\.app"`) });
    const msgs = lit.diagnostics.filter((d) => d.ruleId === 'cors/permissive-origin-pattern' || d.ruleId === 'cors/untrusted-origin-suffix').map((d) => d.message);
    expect(msgs).toHaveLength(2);
    for (const m of msgs) expect(m).not.toContain('CORS_ORIGINS');
    // A regex read from the environment carries its own default note.
    const env = await lintMemory({ 'main.py': src(String.raw`os.getenv("CORS_REGEX", r"https://.*.vercel\.app")`) });
    const m = env.diagnostics.find((d) => d.ruleId === 'cors/permissive-origin-pattern')?.message ?? '';
    expect(m).toContain('CORS_REGEX');
    expect(m).not.toContain('CORS_ORIGINS');
  });

  it('an accept-all allow_origin_regex from a settings default is described by its own provenance (audit 38 py D1)', async () => {
    const settings = `from pydantic import BaseSettings\nclass Settings(BaseSettings):\n    cors_origins: str = "http://localhost:5174"\n    cors_allow_origin_regex: str = r".*"\n` +
      `    @property\n    def cors_origins_list(self):\n        return [o.strip() for o in self.cors_origins.split(",")]\nsettings = Settings()\n`;
    for (const origins of ['allow_origins=settings.cors_origins_list, ', '', 'allow_origins=["https://a.example.com"], ']) {
      const out = await lintMemory({ 'main.py': HEAD + settings + `app.add_middleware(CORSMiddleware, ${origins}allow_origin_regex=settings.cors_allow_origin_regex, allow_credentials=True)\n` });
      const m = out.diagnostics.find((d) => d.ruleId === 'cors/reflected-origin-with-credentials')?.message ?? '';
      expect(m).toContain('CORS_ALLOW_ORIGIN_REGEX');
      expect(m).not.toContain('CORS_ORIGINS');
    }
  });

  it('a literal entry read from the environment beside written ones keeps its own note, also through an f-string (audit 48 c10)', async () => {
    const code =
      `import os\nDOMAIN = os.getenv("APP_DOMAIN", "app.example.com")\n` +
      `app.add_middleware(CORSMiddleware, allow_origins=["https://ok.example.com", os.getenv("EXTRA_ORIGIN", "http://localhost:*"), f"https://{DOMAIN}:*", "http://127.0.0.1:*"])\n`;
    const out = await lintMemory({ 'main.py': HEAD + code });
    const msgs = out.diagnostics.filter((d) => d.ruleId === 'cors/invalid-origin').map((d) => d.message);
    expect(msgs).toHaveLength(3);
    expect(msgs.find((m) => m.includes('"http://localhost:*"'))).toContain('(default of $EXTRA_ORIGIN when unset)');
    expect(msgs.find((m) => m.includes('"https://app.example.com:*"'))).toContain('(default of $APP_DOMAIN when unset)');
    expect(msgs.find((m) => m.includes('"http://127.0.0.1:*"'))).not.toContain('when unset');
  });

  it('settings picked by an if/elif/else chain in a function are the ones the environment default picks, and the message says so (audit 38 py D4)', async () => {
    const src = `import os\nfrom pydantic import BaseSettings\nclass Settings(BaseSettings):\n    ALLOW_ORIGIN_REGEX: str = r".*"\n` +
      `class Prod(Settings):\n    ALLOW_ORIGIN_REGEX: str = r"https://a\\.example\\.com"\nenv = (os.environ.get("API_ENV") or "local").lower()\n` +
      `def get_settings():\n    if env == "prod":\n        return Prod()\n    elif env == "local":\n        return Settings()\n    else:\n        return Prod()\n` +
      `s = get_settings()\napp.add_middleware(CORSMiddleware, allow_origin_regex=s.ALLOW_ORIGIN_REGEX, allow_credentials=True)\n`;
    const out = await lintMemory({ 'main.py': HEAD + src });
    const m = out.diagnostics.find((d) => d.ruleId === 'cors/reflected-origin-with-credentials')?.message ?? '';
    expect(m).toContain('$API_ENV when unset');
  });

  it('relative imports, package __init__ re-exports and a validator that splits a string default', async () => {
    const r = await extractPy({
      'svc/__init__.py': '',
      'svc/settings/__init__.py': 'from .base import settings\n',
      'svc/settings/base.py':
        `from pydantic import BaseSettings, validator\nclass S(BaseSettings):\n    CORS: str = "https://a.com,https://b.com"\n` +
        `    @validator("CORS", pre=True)\n    def split(cls, v):\n        return [x.strip() for x in v.split(",")]\nsettings = S()\n`,
      'svc/api/__init__.py': '',
      'svc/api/app.py': HEAD + `from ..settings import settings\napp.add_middleware(CORSMiddleware, allow_origins=settings.CORS)\n`,
    });
    const o = originOf(only(r)) as { entries: { value: string }[] };
    expect(o.entries.map((e) => e.value)).toEqual(['https://a.com', 'https://b.com']);
  });
});

describe('app model', () => {
  it('routes through APIRouter + include_router with prefixes, JSON bodies, headers read', async () => {
    const r = await extractPy({
      'requirements.txt': 'fastapi==0.110.0\n',
      'routers/items.py':
        `from typing import Annotated\nfrom fastapi import APIRouter, Header, Depends\nfrom fastapi.security import APIKeyHeader\nfrom pydantic import BaseModel\n` +
        `router = APIRouter(prefix="/items")\nkey = APIKeyHeader(name="X-API-Key")\nclass Item(BaseModel):\n    name: str\n` +
        `@router.post("/")\ndef create(item: Item, x_trace_id: Annotated[str | None, Header()] = None):\n    return item\n` +
        `@router.api_route("/{id}", methods=["PUT", "PATCH"])\ndef put(id: int):\n    return {}\n`,
      'main.py': HEAD + `from routers import items\napp.include_router(items.router, prefix="/v1")\napp.add_middleware(CORSMiddleware, allow_origins=["https://a.com"])\n@app.get("/health")\ndef health():\n    return {}\n`,
    });
    const app = r.apps[0]!;
    expect(app.framework).toMatchObject({ name: 'fastapi', version: '0.110.0' });
    expect(app.routes.map((x) => `${x.methods.join('|')} ${x.path} ${x.jsonBody ?? false}`).sort()).toEqual([
      'GET /health false',
      'POST /v1/items/ true',
      'PUT|PATCH /v1/items/{id} false',
    ]);
    expect(app.readsHeaders.map((h) => h.name).sort()).toEqual(['x-api-key', 'x-trace-id']);
  });
});

describe('robustness', () => {
  it('a broken file gives a positioned parse error and is still analysed', async () => {
    const src = HEAD + `def f(:\n    pass\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n`;
    const r = await extractPy({ 'main.py': src });
    expect(r.parseErrors).toHaveLength(1);
    expect(r.line({ file: 'main.py', start: r.parseErrors[0]!.start, end: 0 })).toBe(4);
    expect(originOf(only(r))).toEqual({ kind: 'reflect-any' });
  });

  it('odd input never throws', async () => {
    const inputs = ['', '\u0000\u0001 cors', 'cors = (((((' + '['.repeat(5000), '\ufeffimport cors\n' + 'x = 1 +\n'.repeat(200), '"""unterminated cors'];
    for (const text of inputs) {
      const r = await extractPy({ 'x.py': text });
      expect(r.policies).toEqual([]);
    }
  });
});

describe('configuration helpers', () => {
  it('starlette.config.Config with CommaSeparatedStrings and a default', async () => {
    const r = await extractPy({
      'main.py':
        HEAD +
        `from starlette.config import Config\nfrom starlette.datastructures import CommaSeparatedStrings\nconfig = Config(".env")\n` +
        `ORIGINS = config("ORIGINS", cast=CommaSeparatedStrings, default="https://a.com, https://b.com")\n` +
        `DEBUG = config("DEBUG", cast=bool, default=False)\n` +
        `app.add_middleware(CORSMiddleware, allow_origins=list(ORIGINS), allow_credentials=DEBUG)\n`,
    });
    const p = only(r);
    expect((originOf(p) as { entries: { value: string }[] }).entries.map((e) => e.value)).toEqual(['https://a.com', 'https://b.com']);
    expect(val(p.credentials)).toBe(false);
  });

  it('json.loads of an env default, conditional expressions, module constants with append', async () => {
    const r = await extractPy({
      'main.py':
        HEAD +
        `import json, os\nDEBUG = False\nORIGINS = json.loads(os.getenv("ORIGINS", '["https://a.com"]'))\nORIGINS.append("https://b.com")\n` +
        `app.add_middleware(CORSMiddleware, allow_origins=["*"] if DEBUG else ORIGINS)\n`,
    });
    expect((originOf(only(r)) as { entries: { value: string }[] }).entries.map((e) => e.value)).toEqual(['https://a.com', 'https://b.com']);
  });
});

describe('the environment variable a settings default stands for (audit 36 py D5)', () => {
  const settings = (config: string, field: string) =>
    `from pydantic_settings import BaseSettings, SettingsConfigDict\nfrom pydantic import Field\n` +
    `class Settings(BaseSettings):\n${config}    ${field}\nsettings = Settings()\n` +
    HEAD +
    `app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_credentials=True)\n`;
  const via = async (config: string, field: string) => {
    const p = only(await extractPy({ 'main.py': settings(config, field) }));
    return p.origin.known ? (p.origin.via ?? '') : '';
  };
  it('the field name, upper-cased (pydantic-settings matches case-insensitively)', async () => {
    expect(await via('', 'cors_origins: list[str] = ["*"]')).toContain('environment variable CORS_ORIGINS when unset');
  });
  it('with env_prefix, in model_config or class Config', async () => {
    expect(await via('    model_config = SettingsConfigDict(env_prefix="myapp_")\n', 'cors_origins: list[str] = ["*"]')).toContain('environment variable MYAPP_CORS_ORIGINS when unset');
    expect(await via('    class Config:\n        env_prefix = "API_"\n', 'cors_origins: list[str] = ["*"]')).toContain('environment variable API_CORS_ORIGINS when unset');
  });
  it('a field alias names the variable itself', async () => {
    expect(await via('    model_config = SettingsConfigDict(env_prefix="myapp_")\n', 'cors_origins: list[str] = Field(default=["*"], validation_alias="WEB_API_CORS_ALLOW_ORIGINS")')).toContain(
      'environment variable WEB_API_CORS_ALLOW_ORIGINS when unset',
    );
  });
});

describe('attributes __init__ sets from its parameters (audit 36 py D7, Langflow)', () => {
  it('SettingsService(Settings()).settings is the Settings instance given', async () => {
    const src =
      `from pydantic_settings import BaseSettings\n` +
      `class Settings(BaseSettings):\n    cors_origins: list[str] | str = "*"\n    cors_allow_credentials: bool = True\n` +
      `class SettingsService:\n    def __init__(self, settings: Settings):\n        self.settings = settings\n` +
      `def get_settings_service() -> SettingsService:\n    return SettingsService(Settings())\n` +
      `settings = get_settings_service().settings\n` +
      HEAD +
      `app = CORSMiddleware(app=app, allow_origins=settings.cors_origins, allow_credentials=settings.cors_allow_credentials)\n`;
    expect(originOf(only(await extractPy({ 'main.py': src })))).toEqual({ kind: 'reflect-any' });
  });
  it('an attribute assigned twice in the class stays unknown', async () => {
    const src =
      `class Holder:\n    def __init__(self, origins):\n        self.origins = origins\n    def reset(self):\n        self.origins = []\n` +
      HEAD +
      `h = Holder(["*"])\napp.add_middleware(CORSMiddleware, allow_origins=h.origins, allow_credentials=True)\n`;
    expect(only(await extractPy({ 'main.py': src })).origin.known).toBe(false);
  });
});

describe('a settings class imported under if/else (audit 35 py D6)', () => {
  it('the branch an environment default picks, with its note; an undecided one stays unknown', async () => {
    const files = (cond: string) => ({
      'settings/__init__.py': `import os\nif ${cond}:\n    from .development import Settings\nelse:\n    from .production import Settings\n`,
      'settings/development.py': `class Settings:\n    ALLOWED_ORIGINS = ["*"]\n`,
      'settings/production.py': `class Settings:\n    ALLOWED_ORIGINS = ["https://app.example.com"]\n`,
      'main.py': `from settings import Settings\n` + HEAD + `app.add_middleware(CORSMiddleware, allow_origins=Settings.ALLOWED_ORIGINS, allow_credentials=True)\n`,
    });
    const decided = only(await extractPy(files('os.getenv("APP_ENV", "development") == "development"')));
    expect(originOf(decided)).toEqual({ kind: 'reflect-any' });
    expect(decided.origin.known && decided.origin.via).toContain('default of $APP_ENV when unset');
    const production = only(await extractPy(files('os.getenv("APP_ENV", "production") == "development"')));
    expect(originOf(production)).toMatchObject({ kind: 'allow-list' });
    expect(only(await extractPy(files('os.environ["APP_ENV"] == "development"'))).origin.known).toBe(false);
  });

  it('a regex that accepts every origin, in the branch an environment default picks: the message says it holds only then (audit 40 py D4)', async () => {
    const out = await lintMemory({
      'main.py':
        `import os\n${HEAD}ALLOWED = os.getenv("ALLOWED_ORIGINS", "*")\n` +
        `if ALLOWED == "*":\n    app.add_middleware(CORSMiddleware, allow_origin_regex=r".*", allow_credentials=True)\n` +
        `else:\n    app.add_middleware(CORSMiddleware, allow_origins=ALLOWED.split(","), allow_credentials=True)\n`,
    });
    const m = out.diagnostics.find((x) => x.ruleId === 'cors/reflected-origin-with-credentials')?.message ?? '';
    expect(m).toContain('registered because `ALLOWED == "*"` holds: default of $ALLOWED_ORIGINS when unset');
    expect(m).toContain('r".*" accepts every origin');
  });
});
