/**
 * `--fix` writes atomically (temporary file + rename): a run killed in the middle of writing leaves every
 * file either as it was or completely fixed, never half-written. It writes only to files it reports on, keeps
 * the file mode and the line endings, and is idempotent.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const N = 24;
// A large file that is cheap to analyse (comment lines), so writing it takes a while.
const BLOB = `// ${'x'.repeat(60)}\r\n`.repeat(16_000);
const original = (i: number) => `const express = require('express');\r\nconst cors = require('cors');\r\nconst app = express();\r\napp.options('*', cors());\r\n// file ${i}\r\n${BLOB}`;
const fixed = (i: number) => original(i).replace("app.options('*'", "app.options('/{*splat}'");

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-fix-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ dependencies: { express: '^5.1.0', cors: '^2.8.5' } }));
  for (let i = 0; i < N; i++) {
    const f = path.join(dir, `s${i}.js`);
    fs.writeFileSync(f, original(i));
    fs.chmodSync(f, 0o754);
  }
  fs.writeFileSync(path.join(dir, 'clean.js'), "const cors = require('cors');\napp.options('/{*splat}', cors());\n");
  return dir;
}

/** Runs `cors-lint --fix .` in a child process and SIGKILLs it as soon as the first file has been replaced. */
function killMidWrite(dir: string): Promise<{ killed: boolean }> {
  return new Promise((resolve, reject) => {
    const script = `import { main } from ${JSON.stringify(path.join(REPO, 'src/cli/main.ts'))};\nprocess.exitCode = await main(['--fix', '--format', 'json', '.'], ${JSON.stringify(dir)});\n`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, stdio: 'ignore' });
    const before = fs.statSync(path.join(dir, 's0.js')).ino;
    let done = false;
    const timer = setInterval(() => {
      for (let i = 0; i < N; i++) {
        let ino: number;
        try {
          ino = fs.statSync(path.join(dir, `s${i}.js`)).ino;
        } catch {
          continue;
        }
        if (i === 0 ? ino !== before : false) {
          clearInterval(timer);
          child.kill('SIGKILL');
          return;
        }
      }
    }, 1);
    child.on('exit', (_code, signal) => {
      clearInterval(timer);
      if (!done) {
        done = true;
        resolve({ killed: signal === 'SIGKILL' });
      }
    });
    child.on('error', reject);
  });
}

describe('--fix', () => {
  it('killed mid-write, leaves every file whole (original or fixed); then fixes, keeps mode and CRLF, and is idempotent', { timeout: 180_000 }, async () => {
    const dir = project();
    const cleanStat = fs.statSync(path.join(dir, 'clean.js'));
    const { killed } = await killMidWrite(dir);
    let fixedCount = 0;
    for (let i = 0; i < N; i++) {
      const text = fs.readFileSync(path.join(dir, `s${i}.js`), 'utf8');
      const whole = text === original(i) || text === fixed(i);
      expect(whole, `s${i}.js is half-written (${text.length} chars)`).toBe(true);
      if (text === fixed(i)) fixedCount++;
    }
    // The kill landed after the first rename and (almost always) before the last one.
    if (killed) expect(fixedCount).toBeGreaterThan(0);
    // A kill between write and rename may leave the run's temporary file next to the target; never a target.
    for (const name of fs.readdirSync(dir)) if (!/^(s\d+\.js|clean\.js|package\.json)$/.test(name)) expect(name).toMatch(/^\.s\d+\.js\.cors-lint-\d+\.tmp$/);

    // A complete run fixes the rest, keeping mode and line endings; clean.js (no finding) is not touched.
    const quiet = { write: process.stdout.write, ewrite: process.stderr.write };
    process.stdout.write = () => true;
    process.stderr.write = () => true;
    try {
      await main(['--fix', '.'], dir);
      const mtimes = Array.from({ length: N }, (_, i) => fs.statSync(path.join(dir, `s${i}.js`)).mtimeMs);
      for (let i = 0; i < N; i++) {
        const f = path.join(dir, `s${i}.js`);
        const now = fs.readFileSync(f, 'utf8');
        expect(now === fixed(i), `s${i}.js not fixed: ${now.slice(0, 140)} (${now.length} chars, original ${now === original(i)})`).toBe(true);
        expect(fs.statSync(f).mode & 0o777).toBe(0o754);
      }
      expect(fs.statSync(path.join(dir, 'clean.js')).mtimeMs).toBe(cleanStat.mtimeMs);
      // Idempotent: a second run has nothing left to fix and writes nothing.
      await main(['--fix', '.'], dir);
      expect(Array.from({ length: N }, (_, i) => fs.statSync(path.join(dir, `s${i}.js`)).mtimeMs)).toEqual(mtimes);
    } finally {
      process.stdout.write = quiet.write;
      process.stderr.write = quiet.ewrite;
    }
  });
});
