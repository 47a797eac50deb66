/**
 * End to end through the real extractors: source files of each kind → policies → the five origin rules.
 * Only this module's rule ids are asserted; other rules may report on the same files.
 */
import { describe, expect, it } from 'vitest';
import { lintMemory } from '../support/lint.js';

const MINE = new Set(['permissive-origin-pattern', 'untrusted-origin-suffix', 'insecure-origin', 'null-origin-allowed', 'invalid-origin'].map((id) => `cors/${id}`));

async function findings(files: Record<string, string>): Promise<string[]> {
  const out = await lintMemory(files);
  return out.diagnostics.filter((d) => MINE.has(d.ruleId)).map((d) => `${d.file}:${d.line} ${d.ruleId} ${d.severity}`).sort();
}

async function messages(files: Record<string, string>): Promise<string[]> {
  const out = await lintMemory(files);
  return out.diagnostics.filter((d) => MINE.has(d.ruleId)).map((d) => d.message);
}

describe('express (cors package)', () => {
  it('reports each bad entry of an origin array on its own line', async () => {
    const src = [
      "const express = require('express');",
      "const cors = require('cors');",
      'const app = express();',
      'app.use(cors({',
      '  origin: [',
      '    /example\\.com$/,',
      "    'https://example.com/',",
      "    'null',",
      "    'http://example.com',",
      '    /^https:\\/\\/[a-z]+\\.vercel\\.app$/,',
      "    'https://ok.example.com',",
      '    /^https:\\/\\/([a-z0-9-]+\\.)?example\\.com$/,',
      '  ],',
      '  credentials: true,',
      '}));',
    ].join('\n');
    expect(await findings({ 'app.js': src })).toEqual([
      'app.js:10 cors/untrusted-origin-suffix warning',
      'app.js:6 cors/insecure-origin error',
      'app.js:6 cors/permissive-origin-pattern error',
      'app.js:7 cors/invalid-origin error',
      'app.js:8 cors/null-origin-allowed error',
      'app.js:9 cors/insecure-origin error',
    ]);
    const msgs = await messages({ 'app.js': src });
    expect(msgs.join('\n')).toContain('also accepts https://attackerexample.com');
  });

  it('is silent on a clean configuration', async () => {
    const src = "const cors = require('cors');\nconst app = require('express')();\napp.use(cors({ origin: ['https://example.com', 'http://localhost:3000', /^https:\\/\\/([a-z0-9-]+\\.)?example\\.com$/], credentials: true }));\n";
    expect(await findings({ 'app.js': src })).toEqual([]);
  });

  it('warns (not errors) without credentials', async () => {
    const src = "const cors = require('cors');\nconst app = require('express')();\napp.use(cors({ origin: ['null', 'http://example.com'] }));\n";
    expect(await findings({ 'app.js': src })).toEqual(['app.js:3 cors/insecure-origin warning', 'app.js:3 cors/null-origin-allowed warning']);
  });
});

describe('express origin callbacks and hand-written checks', () => {
  it('origin.endsWith without a dot, and hostname.endsWith on a shared suffix', async () => {
    const files = {
      'a.js': "const cors = require('cors');\nconst app = require('express')();\napp.use(cors({ origin: (origin, cb) => { if (!origin || origin.endsWith('example.com')) return cb(null, true); cb(new Error('no')); }, credentials: true }));\n",
      'b.js': "const app = require('express')();\napp.use((req, res, next) => { const o = req.headers.origin; if (o && new URL(o).hostname.endsWith('.vercel.app')) { res.set('Access-Control-Allow-Origin', o); res.set('Vary', 'Origin'); } next(); });\n",
    };
    expect(await findings(files)).toEqual(['a.js:3 cors/insecure-origin error', 'a.js:3 cors/permissive-origin-pattern error', 'b.js:2 cors/untrusted-origin-suffix warning']);
    const msgs = (await messages(files)).join('\n');
    expect(msgs).toContain('origin.endsWith("example.com") also accepts https://attackerexample.com');
    expect(msgs).toContain('new URL(origin).hostname.endsWith(".vercel.app") accepts https://attacker.vercel.app');
  });
});

describe('fastapi / starlette', () => {
  it('fullmatch regex with an unescaped dot, and allow_origins passed as a string', async () => {
    const src = [
      'from fastapi import FastAPI',
      'from fastapi.middleware.cors import CORSMiddleware',
      'app = FastAPI()',
      'app.add_middleware(',
      '    CORSMiddleware,',
      '    allow_origin_regex=r"https://.*.example.com",',
      '    allow_origins="https://example.com",',
      '    allow_credentials=True,',
      ')',
    ].join('\n');
    expect(await findings({ 'main.py': src })).toEqual(['main.py:6 cors/permissive-origin-pattern error', 'main.py:7 cors/invalid-origin error']);
  });

  it('an escaped, fullmatched regex is clean', async () => {
    const src = 'from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origin_regex=r"https://[a-z0-9-]+\\.example\\.com", allow_origins=["https://example.com"], allow_credentials=True)\n';
    expect(await findings({ 'main.py': src })).toEqual([]);
  });
});

describe('flask-cors', () => {
  it('re.match is anchored at the start only; an invalid regex string never matches', async () => {
    const src = 'from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\nCORS(app, origins=[r"https://.*\\.example\\.com", "https://Example.com", "*.example.com"], supports_credentials=True)\n';
    const f = await findings({ 'app.py': src });
    expect(f).toContain('app.py:4 cors/permissive-origin-pattern error');
    expect(f).toContain('app.py:4 cors/invalid-origin error');
    expect(f).toHaveLength(2);
  });
});

describe('nginx', () => {
  it('an unanchored if regex', async () => {
    const conf = 'http {\n  server {\n    listen 80;\n    location / {\n      if ($http_origin ~* (example\\.com)) {\n        add_header Access-Control-Allow-Origin $http_origin always;\n        add_header Vary Origin always;\n      }\n    }\n  }\n}\n';
    const f = await findings({ 'nginx.conf': conf });
    expect(f).toContain('nginx.conf:5 cors/permissive-origin-pattern error');
    const msgs = await messages({ 'nginx.conf': conf });
    expect(msgs.join('\n')).toContain('https://example.com.attacker.net');
  });

  it('an anchored https-only if regex is clean', async () => {
    const conf = 'http {\n  server {\n    listen 80;\n    location / {\n      if ($http_origin ~* "^https://([a-z0-9-]+\\.)?example\\.com$") {\n        add_header Access-Control-Allow-Origin $http_origin always;\n        add_header Vary Origin always;\n      }\n    }\n  }\n}\n';
    expect(await findings({ 'nginx.conf': conf })).toEqual([]);
  });

  it('one Origin check shared by two if blocks is reported once, at its most severe (audit 28 case 23)', async () => {
    const conf = [
      'server {',
      '  listen 80;',
      '  location /api/ {',
      "    set $cors '';",
      "    if ($http_origin ~* 'https?://(www\\.my\\-cn\\.com|my\\-cn\\.com)') {",
      "      set $cors 'true';",
      '    }',
      "    if ($request_method = 'GET') {",
      '      set $cors "${cors}get";',
      '    }',
      '    if ($cors = "true") {',
      '      add_header Access-Control-Allow-Origin "$http_origin" always;',
      '      add_header Vary Origin always;',
      '    }',
      '    if ($cors = "trueget") {',
      '      add_header Access-Control-Allow-Origin "$http_origin" always;',
      '      add_header Access-Control-Allow-Credentials true always;',
      '      add_header Vary Origin always;',
      '    }',
      '    proxy_pass http://127.0.0.1:8000;',
      '  }',
      '}',
      '',
    ].join('\n');
    expect(await findings({ 'api.conf': conf })).toEqual(['api.conf:5 cors/insecure-origin error', 'api.conf:5 cors/permissive-origin-pattern error']);
    const msgs = await messages({ 'api.conf': conf });
    expect(msgs).toHaveLength(2);
    for (const m of msgs) expect(m).toContain("with the user's cookies");
  });
});
