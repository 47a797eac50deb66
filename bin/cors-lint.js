#!/usr/bin/env node
// The compiled CLI (built by `npm run build`, which `npm ci` runs through `prepare`).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { LSP_NODE_FLAGS } from '../dist/src/cli/lsp-flags.js';

const args = process.argv.slice(2);
// The language server needs V8 flags that can only be set at startup (see src/cli/lsp-flags.ts): it restarts
// itself once with them.
if (args.includes('--lsp') && !LSP_NODE_FLAGS.every((f) => process.execArgv.includes(f))) {
  const child = spawn(process.execPath, [...process.execArgv, ...LSP_NODE_FLAGS, fileURLToPath(import.meta.url), ...args], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
} else {
  const { run } = await import('../dist/src/cli/main.js');
  run();
}
