/**
 * The prefilters skip files that mention CORS only in comment lines (src/extractors/comments.ts), and must
 * never skip one whose code mentions it: anything unsure counts as code.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchesInCode } from '../../src/extractors/comments.js';
import { expressPrefilter } from '../../src/extractors/express/detect.js';
import { pythonPrefilter } from '../../src/extractors/python/detect.js';
import { lintProject } from '../../src/engine/lint.js';
import { resolveConfig } from '../../src/engine/config.js';
import { ruleIds } from '../../rules/index.js';

const CORS = /cors/gi;

describe('matchesInCode: JavaScript', () => {
  it.each([
    ['// TODO: CORS is handled by the gateway\nexport const x = 1;\n', 'a line comment'],
    ['  // cors\r\nexport const x = 1;\r\n', 'an indented line comment, CRLF'],
    ['/* CORS: see the gateway */\nexport const x = 1;\n', 'a one-line block comment'],
    ['/**\n * Configures nothing about CORS.\n *\n * @see cors\n */\nexport const x = 1;\n', 'a JSDoc block'],
  ])('skips %j (%s)', (text) => {
    expect(matchesInCode(text, CORS, 'js')).toBe(false);
  });

  it.each([
    ["const cors = require('cors');\n", 'code'],
    ["app.use(cors()); // CORS for everyone\n", 'code before a trailing comment'],
    ['// enable CORS\napp.use(cors());\n', 'a comment above the code'],
    ["const url = 'http://x'; cors();\n", 'a URL, not a comment'],
    ['const t = `\n// cors\n`;\n', 'a comment-like line inside a template literal'],
    ["const s = 'a\\\n// cors';\n", 'a comment-like line inside a continued string'],
    ['const x = a\n  * corsFactor;\n', 'a multiplication continued on the next line'],
    ['/* a */ const y = 1;\n  * corsFactor;\n', 'a `*` line after a closed block comment'],
    ['class A {\n  *corsHeaders() {}\n}\n', 'a generator method'],
    ['/* a */ cors();\n', 'code after a closed block comment on the same line'],
    ['// a\u2028cors();\n', 'code after a U+2028 line terminator'],
    ['// a\rcors();\n', 'code after a lone CR'],
    ['/*\n   cors\n*/\n', 'a block comment line without a leading `*` (unsure: counted as code)'],
  ])('keeps %j (%s)', (text) => {
    expect(matchesInCode(text, CORS, 'js')).toBe(true);
  });

  it('tries every match, not only the first', () => {
    expect(matchesInCode('// cors\n// CORS again\nconst c = cors();\n', CORS, 'js')).toBe(true);
    expect(matchesInCode('// cors\n// CORS again\n', CORS, 'js')).toBe(false);
  });

  it('works with a pattern without the global flag, and leaves no state behind', () => {
    expect(matchesInCode('// cors\ncors()', /cors/i, 'js')).toBe(true);
    expect(matchesInCode('x\n// cors', CORS, 'js')).toBe(false);
    expect(matchesInCode('cors', CORS, 'js')).toBe(true);
  });
});

describe('matchesInCode: Python', () => {
  it('skips comment lines', () => {
    expect(matchesInCode('# CORS is configured in nginx\nimport os\n', CORS, 'python')).toBe(false);
    expect(matchesInCode('def f():\n    # cors later\n    return 1\n', CORS, 'python')).toBe(false);
  });

  it('keeps code, strings and comment-like lines inside triple-quoted strings', () => {
    expect(matchesInCode('from flask_cors import CORS\n', CORS, 'python')).toBe(true);
    expect(matchesInCode('"""Set up CORS."""\n', CORS, 'python')).toBe(true);
    expect(matchesInCode('DOC = """\n# cors\n"""\n', CORS, 'python')).toBe(true);
    expect(matchesInCode("x = 1  # CORS\n", CORS, 'python')).toBe(true);
  });
});

describe('the extractors\' prefilters', () => {
  it('Express: a file that creates an app is kept even when CORS is only in a comment', () => {
    expect(expressPrefilter('// TODO CORS\nconst app = express();\n')).toBe(true);
    expect(expressPrefilter('// TODO CORS\nexport const x = 1;\n')).toBe(false);
    expect(expressPrefilter("// const app = express()\nres.setHeader('Access-Control-Allow-Origin', '*');\n")).toBe(true);
  });

  it('Python: an after_request hook registration is kept', () => {
    expect(pythonPrefilter('# cors\napp.after_request(add_headers)\n')).toBe(true);
    expect(pythonPrefilter('# cors\nimport os\n')).toBe(false);
  });
});

describe('a commented-out mention does not hide a module that is imported', () => {
  it('the imported module is still read when the app file resolves it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-comments-'));
    try {
      // origins.js mentions CORS only in a comment; the app imports its allow-list.
      fs.writeFileSync(path.join(dir, 'origins.js'), "// CORS allow-list\nexports.allowed = /example\\.com/;\n");
      fs.writeFileSync(
        path.join(dir, 'app.js'),
        "const express = require('express');\nconst cors = require('cors');\nconst { allowed } = require('./origins');\nconst app = express();\napp.use(cors({ origin: allowed, credentials: true }));\napp.get('/me', (req, res) => res.json({}));\napp.listen(3000);\n",
      );
      const r = await lintProject({ cwd: dir, config: resolveConfig({}, ruleIds), workers: 'never' });
      // Both findings sit in the file that mentions CORS only in a comment: it was read through the import.
      const found = r.diagnostics.map((d) => `${d.ruleId}@${d.file}`).sort();
      expect(found).toEqual(['cors/insecure-origin@origins.js', 'cors/permissive-origin-pattern@origins.js']);
      expect(r.stats.parsed).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
