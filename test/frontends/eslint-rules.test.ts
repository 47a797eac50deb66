/**
 * The ESLint plugin under ESLint's own RuleTester: espree for JavaScript, typescript-eslint's parser for
 * TypeScript, and the plugin's cors/python and cors/nginx languages (with ESLint's disable comments working in
 * those files). Messages and positions are the engine's; fixes and suggestions are checked by RuleTester's
 * `output` (it also re-lints the output, so a fix that does not clear its finding fails).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Linter, RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import plugin from '../../src/frontends/eslint/index.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-eslint-')));
fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', dependencies: { express: '^5.1.0' } }));
fs.writeFileSync(path.join(dir, 'config.ts'), 'export const ALLOW_CREDENTIALS = true;\nexport const ORIGINS = ["https://app.example.com"];\n');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const settings = { 'cors-lint': { root: dir, project: false } };
const file = (name: string) => path.join(dir, name);
// ESLint's `plugins` type wants its own Plugin type (the plugin declares minimal structural types of its own).
const cors = plugin as never;

const js = new RuleTester({ plugins: { cors }, settings, languageOptions: { ecmaVersion: 'latest', sourceType: 'module' } });
const ts = new RuleTester({ plugins: { cors }, settings, languageOptions: { parser: tseslint.parser } });
const python = new RuleTester({ plugins: { cors }, settings, language: 'cors/python' });
const nginx = new RuleTester({ plugins: { cors }, settings, language: 'cors/nginx' });

describe('plugin shape', () => {
  it('has meta, every rule with docs url, messages, schema, and the recommended config', () => {
    expect(plugin.meta.name).toBe('cors-lint');
    expect(plugin.meta.version).toMatch(/^\d+\.\d+\.\d+/);
    for (const r of allRules) {
      const er = plugin.rules[r.meta.id]!;
      expect(er.meta.docs.url).toMatch(new RegExp(`rules/${r.meta.id}/README\\.md$`));
      expect(er.meta.messages.finding).toBe('{{ message }}');
      expect(Array.isArray(er.meta.schema)).toBe(true);
      expect(er.meta.fixable).toBe(r.meta.fixable ? 'code' : undefined);
    }
    const rec = plugin.configs.recommended;
    expect(rec.map((c) => c.language)).toEqual([undefined, 'cors/python', 'cors/nginx']);
    expect(rec[0]!.rules!['cors/reflected-origin-with-credentials']).toBe('error');
    expect(rec[0]!.rules!['cors/excessive-max-age']).toBeUndefined();
    expect(Object.keys(plugin.languages)).toEqual(['python', 'nginx']);
  });
});

js.run('reflected-origin-with-credentials', plugin.rules['reflected-origin-with-credentials'] as never, {
  valid: [
    { filename: file('a.js'), code: "import cors from 'cors';\nimport express from 'express';\nconst app = express();\napp.use(cors({ origin: ['https://app.example.com'], credentials: true }));\n" },
    // Unknown values never fire.
    { filename: file('b.js'), code: "import cors from 'cors';\nimport express from 'express';\nconst app = express();\napp.use(cors({ origin: process.env.ORIGIN, credentials: true }));\n" },
  ],
  invalid: [
    {
      filename: file('c.js'),
      code: "import cors from 'cors';\nimport express from 'express';\nconst app = express();\napp.use(cors({ origin: true, credentials: true }));\n",
      errors: [{ message: /reflects any request Origin and allows credentials/, line: 4, column: 24, endLine: 4, endColumn: 28 }],
    },
  ],
});

ts.run('reflected-origin-with-credentials', plugin.rules['reflected-origin-with-credentials'] as never, {
  valid: [
    {
      filename: file('ok.ts'),
      code: "import cors from 'cors';\nimport express, { type Express } from 'express';\nimport { ORIGINS, ALLOW_CREDENTIALS } from './config';\nconst app: Express = express();\napp.use(cors({ origin: ORIGINS as string[], credentials: ALLOW_CREDENTIALS }));\n",
    },
  ],
  invalid: [
    {
      filename: file('server.ts'),
      code: "import cors from 'cors';\nimport express, { type Express } from 'express';\nimport { ALLOW_CREDENTIALS } from './config';\nconst app: Express = express();\napp.use(cors({ origin: true as boolean, credentials: ALLOW_CREDENTIALS }));\n",
      errors: [{ message: /allows credentials/, line: 5, column: 24 }],
    },
  ],
});

js.run('invalid-preflight-route', plugin.rules['invalid-preflight-route'] as never, {
  valid: [{ filename: file('ok.js'), code: "import express from 'express';\nconst app = express();\napp.options('/{*splat}', (req, res) => res.end());\n" }],
  invalid: [
    {
      filename: file('routes.js'),
      code: "import express from 'express';\nconst app = express();\napp.options('*', (req, res) => res.end());\n",
      output: "import express from 'express';\nconst app = express();\napp.options('/{*splat}', (req, res) => res.end());\n",
      errors: [{ message: /Express 5 \(path-to-regexp 8\) throws/, line: 3, column: 13 }],
    },
  ],
});

js.run('invalid-header-value', plugin.rules['invalid-header-value'] as never, {
  valid: [{ filename: file('ok.js'), code: "import express from 'express';\nconst app = express();\napp.use((req, res, next) => { res.header('Access-Control-Allow-Credentials', 'true'); next(); });\n" }],
  invalid: [
    {
      filename: file('h.js'),
      code: "import express from 'express';\nconst app = express();\napp.use((req, res, next) => { res.header('Access-Control-Allow-Origin', 'https://a.example.com'); res.header('Access-Control-Allow-Credentials', 'True'); next(); });\n",
      errors: [
        {
          message: 'Access-Control-Allow-Credentials is "True", but browsers accept only the exact value "true": credentialed requests fail.',
          suggestions: [
            {
              messageId: 'suggestion',
              data: { description: 'Send exactly "true"' },
              output: "import express from 'express';\nconst app = express();\napp.use((req, res, next) => { res.header('Access-Control-Allow-Origin', 'https://a.example.com'); res.header('Access-Control-Allow-Credentials', 'true'); next(); });\n",
            },
          ],
        },
      ],
    },
  ],
});

const FASTAPI = (comment = '') => `from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
${comment}app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"])
`;

// RuleTester registers the rule as `rule-to-test/<name>`, so directives here name no rule; the directives that
// name `cors/<id>` are tested with the Linter below.
python.run('reflected-origin-with-credentials', plugin.rules['reflected-origin-with-credentials'] as never, {
  valid: [
    { filename: file('ok.py'), code: FASTAPI().replace('["*"], allow_credentials', '["https://app.example.com"], allow_credentials') },
    { filename: file('d1.py'), code: FASTAPI('# eslint-disable-next-line -- reviewed\n') },
    { filename: file('d2.py'), code: '# eslint-disable\n' + FASTAPI() },
    { filename: file('d3.py'), code: FASTAPI().replace('\n', '  # eslint-disable-line\n').replace('allow_methods=["*"])', 'allow_methods=["*"])  # eslint-disable-line') },
  ],
  invalid: [
    { filename: file('main.py'), code: FASTAPI(), errors: [{ message: /Starlette reflects the request Origin/, line: 5, column: 51, endLine: 5, endColumn: 54 }] },
    // A `#` inside a string is not a comment.
    { filename: file('s.py'), code: FASTAPI('s = """\n# eslint-disable-next-line\n"""\n'), errors: [{ message: /allows credentials/, line: 8, column: 51 }] },
    { filename: file('e.py'), code: '# eslint-disable\n# eslint-enable\n' + FASTAPI(), errors: [{ message: /allows credentials/, line: 7 }] },
  ],
});

python.run('parse-error', plugin.rules['parse-error'] as never, {
  valid: [{ filename: file('fine.py'), code: FASTAPI() }],
  invalid: [{ filename: file('broken.py'), code: FASTAPI() + 'def broken(:\n    pass\n', errors: [{ message: /\(the rest of the file is still analysed\)/, line: 6 }] }],
});

const NGINX = (comment = '') => `http {
    server {
        add_header Access-Control-Allow-Origin https://app.example.com;
        location /api/ {
            ${comment}add_header Cache-Control no-store;
        }
    }
}
`;

nginx.run('dropped-cors-headers', plugin.rules['dropped-cors-headers'] as never, {
  valid: [
    { filename: file('nginx/ok.conf'), code: NGINX().replace('add_header Cache-Control no-store;', 'proxy_pass http://127.0.0.1:3000;') },
    { filename: file('nginx/d.conf'), code: NGINX('# eslint-disable-next-line\n            ') },
  ],
  invalid: [
    { filename: file('nginx/site.conf'), code: NGINX(), errors: [{ message: /drop every add_header inherited/, line: 5, column: 13 }] },
    { filename: file('nginx/q.conf'), code: NGINX('add_header X-Note "# eslint-disable-next-line";\n            '), errors: [{ message: /drop every add_header inherited/, line: 5 }] },
  ],
});

describe('ESLint directives in Python and nginx files', () => {
  const linter = new Linter({ cwd: dir });
  const pyConfig = (rules: Record<string, 'error'>, extra: object = {}) => [{ files: ['**/*.py'], plugins: { cors }, language: 'cors/python', settings, rules, ...extra }];
  const ngConfig = (rules: Record<string, 'error'>) => [{ files: ['**/*.conf'], plugins: { cors }, language: 'cors/nginx', settings, rules }];
  const R = 'cors/reflected-origin-with-credentials';

  it('honours disable comments that name cors/<id>, and only that rule', () => {
    expect(linter.verify(FASTAPI(`# eslint-disable-next-line ${R} -- reviewed\n`), pyConfig({ [R]: 'error' }), file('a.py'))).toEqual([]);
    expect(linter.verify(`# eslint-disable ${R}\n` + FASTAPI(), pyConfig({ [R]: 'error' }), file('b.py'))).toEqual([]);
    expect(linter.verify(`# eslint ${R}: off\n` + FASTAPI(), pyConfig({ [R]: 'error' }), file('c.py'))).toEqual([]);
    const other = linter.verify(FASTAPI('# eslint-disable-next-line cors/reflected-origin\n'), pyConfig({ [R]: 'error' }), file('d.py'));
    expect(other.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.ruleId ? '' : m.message}`)).toEqual([
      // ESLint (9 and later) warns about a directive that suppressed nothing by default.
      "5:1 null Unused eslint-disable directive (no problems were reported from 'cors/reflected-origin').",
      `6:51 ${R} `,
    ]);
    const D = 'cors/dropped-cors-headers';
    expect(linter.verify(NGINX(`# eslint-disable-next-line ${D}\n            `), ngConfig({ [D]: 'error' }), file('n/a.conf'))).toEqual([]);
    expect(linter.verify(NGINX(), ngConfig({ [D]: 'error' }), file('n/b.conf')).map((m) => `${m.line}:${m.column} ${m.ruleId}`)).toEqual([`5:13 ${D}`]);
  });

  it('reports unused disable directives, and --fix removes them', () => {
    const config = pyConfig({ [R]: 'error' }, { linterOptions: { reportUnusedDisableDirectives: 'error' } });
    const msgs = linter.verify(`# eslint-disable-next-line ${R}\nx = 1\n`, config, file('u.py'));
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.message).toMatch(/Unused eslint-disable directive/);
    expect(msgs[0]!.line).toBe(1);
    const fixed = linter.verifyAndFix(`# eslint-disable-next-line ${R}\nx = 1\n`, config, file('u.py'));
    // ESLint replaces a removed directive comment with one space, as it does in JavaScript.
    expect(fixed.output).toBe(' \nx = 1\n');
  });
});

js.run('excessive-max-age (rule options reach the engine)', plugin.rules['excessive-max-age'] as never, {
  valid: [{ filename: file('m1.js'), code: "import cors from 'cors';\nimport express from 'express';\nexpress().use(cors({ origin: 'https://a.example.com', maxAge: 3600 }));\n" }],
  invalid: [
    {
      filename: file('m2.js'),
      code: "import cors from 'cors';\nimport express from 'express';\nexpress().use(cors({ origin: 'https://a.example.com', maxAge: 3600 }));\n",
      options: [{ max: 600 }],
      errors: [{ message: /3600/, line: 3 }],
    },
  ],
});

nginx.run('parse-error', plugin.rules['parse-error'] as never, {
  valid: [{ filename: file('nginx/fine.conf'), code: NGINX() }],
  invalid: [
    {
      filename: file('nginx/broken.conf'),
      code: 'http {\n    server {\n        add_header Access-Control-Allow-Origin https://a.example.com;\n',
      errors: [
        { message: 'unexpected end of file: the "http" block opened here is not closed with "}"', line: 1, column: 6 },
        { message: 'unexpected end of file: the "server" block opened here is not closed with "}"', line: 2, column: 12 },
      ],
    },
  ],
});
