/**
 * Starting the oracle apps for real: loopback only, a free port each, killed in afterAll. Express runs on
 * this Node; FastAPI/Starlette (uvicorn), Flask and nginx come from Debian packages (.ci/oracle-deps.sh).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export type AppKind = 'express' | 'fastapi' | 'flask' | 'nginx';

/** The Debian python3: the pyenv one first on PATH does not see the Debian packages. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export function kindOfApp(dirName: string): AppKind | undefined {
  const k = dirName.split('-')[0];
  return k === 'express' || k === 'fastapi' || k === 'flask' || k === 'nginx' ? k : undefined;
}

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : undefined;
}

function pythonHas(modules: string[]): boolean {
  if (!fs.existsSync(SYSTEM_PYTHON)) return false;
  const r = spawnSync(SYSTEM_PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')], { encoding: 'utf8' });
  return r.status === 0;
}

export function nginxBinary(): string | undefined {
  for (const p of ['/usr/sbin/nginx', '/usr/local/sbin/nginx']) if (fs.existsSync(p)) return p;
  return which('nginx');
}

/** Why a kind cannot run here (undefined = it can). */
export function missingDependency(kind: AppKind): string | undefined {
  switch (kind) {
    case 'express':
      return undefined;
    case 'fastapi':
      return pythonHas(['fastapi', 'starlette', 'uvicorn']) ? undefined : 'python3-fastapi / python3-starlette / uvicorn not installed';
    case 'flask':
      return pythonHas(['flask', 'flask_cors']) ? undefined : 'python3-flask / python3-flask-cors not installed';
    case 'nginx':
      return nginxBinary() ? undefined : 'nginx not installed';
  }
}

/** Whether a port can be listened on now (undefined: the OS's choice for port 0). */
function tryPort(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(undefined));
    srv.listen(port, '127.0.0.1', () => {
      const addr = srv.address() as net.AddressInfo;
      srv.close(() => resolve(addr.port));
    });
  });
}

let portTurn = 0;

/**
 * A port for a test server. Ports the OS hands out for port 0 come from its ephemeral range, where the port can be
 * handed again to another vitest worker's server (or an outgoing connection) before the app binds it: under load a
 * Flask app once lost its port that way, the readiness check reached the other server, and every request then got
 * ECONNREFUSED. So each worker takes ports from a block of its own below Linux's ephemeral range (32768 and up).
 */
export async function freePort(): Promise<number> {
  const worker = Number(process.env.VITEST_POOL_ID ?? 0) % 8;
  for (let i = 0; i < 200; i++) {
    const port = await tryPort(20000 + worker * 1500 + (portTurn++ % 1500));
    if (port !== undefined) return port;
  }
  const any = await tryPort(0);
  if (any === undefined) throw new Error('no free port');
  return any;
}

function waitForPort(port: number, child: ChildProcess, log: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        reject(new Error(`server exited (${child.exitCode ?? child.signalCode}) before listening:\n${log()}`));
        return;
      }
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`server did not listen on ${port} within ${timeoutMs} ms:\n${log()}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export interface RunningServer {
  port: number;
  origin: string;
  stop(): Promise<void>;
  log(): string;
}

/**
 * Rewrites an oracle nginx.conf for this run: every `listen` goes to 127.0.0.1:<port>, and the temp
 * paths, logs and pid go to the run's own directory (the linted file keeps its fixed port).
 */
export function prepareNginxConf(text: string, port: number, dir: string): string {
  let out = text.replace(/^(\s*)listen\s+[^;]+;/gm, `$1listen 127.0.0.1:${port};`);
  const tmp = (n: string) => path.join(dir, n);
  const inject = [
    `client_body_temp_path ${tmp('client_body')};`,
    `proxy_temp_path ${tmp('proxy')};`,
    `fastcgi_temp_path ${tmp('fastcgi')};`,
    `uwsgi_temp_path ${tmp('uwsgi')};`,
    `scgi_temp_path ${tmp('scgi')};`,
    `access_log off;`,
    `error_log ${tmp('error.log')} warn;`,
  ].join(' ');
  out = out.replace(/\bhttp\s*\{/, (m) => `${m} ${inject}`);
  if (!/^\s*events\s*\{/m.test(out)) out = `events { worker_connections 64; }\n${out}`;
  return out;
}

export async function startApp(kind: AppKind, appDir: string, opts: { script?: boolean } = {}): Promise<RunningServer> {
  const port = await freePort();
  let output = '';
  let child: ChildProcess;
  let cleanupDir: string | undefined;
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'test', PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' };
  switch (kind) {
    case 'express':
      child = spawn(process.execPath, ['server.js'], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      break;
    case 'fastapi':
      const args = opts.script ? ['main.py'] : ['-m', 'uvicorn', 'main:app', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warning'];
      child = spawn(SYSTEM_PYTHON, args, {
        cwd: appDir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      break;
    case 'flask':
      child = spawn(SYSTEM_PYTHON, ['app.py'], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      break;
    case 'nginx': {
      const bin = nginxBinary();
      if (!bin) throw new Error('nginx not installed');
      cleanupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-oracle-nginx-'));
      const conf = path.join(cleanupDir, 'nginx.conf');
      fs.writeFileSync(conf, prepareNginxConf(fs.readFileSync(path.join(appDir, 'nginx.conf'), 'utf8'), port, cleanupDir));
      child = spawn(bin, ['-p', cleanupDir, '-c', conf, '-e', path.join(cleanupDir, 'startup-error.log'), '-g', `daemon off; pid ${path.join(cleanupDir, 'nginx.pid')};`], {
        cwd: cleanupDir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      break;
    }
  }
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const log = () => {
    let extra = '';
    if (cleanupDir) {
      for (const f of ['startup-error.log', 'error.log']) {
        try {
          extra += fs.readFileSync(path.join(cleanupDir, f), 'utf8');
        } catch {
          /* not written */
        }
      }
    }
    return (output + extra).slice(-4000);
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    }
    if (cleanupDir) fs.rmSync(cleanupDir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, log);
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, origin: `http://127.0.0.1:${port}`, stop, log };
}
