/**
 * The language server under a real editor client: Neovim's built-in LSP client, headless (Debian `neovim`;
 * 0.7 has `vim.lsp.start_client` + `buf_attach_client`). Skipped where nvim is not installed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_ARGS, REPO } from './support/lsp-client.js';

const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const hasNvim = nvim.status === 0;
const SAMPLE = path.join(REPO, 'examples', 'eslint');

interface NvimDiag {
  lnum: number;
  col: number;
  code?: string;
  message: string;
  severity: number;
  source?: string;
}

describe.skipIf(!hasNvim)('neovim (headless) as the LSP client', () => {
  it('shows cors-lint diagnostics for a TypeScript and a Python buffer', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lint-nvim-'));
    const out = path.join(dir, 'diagnostics.json');
    const script = path.join(dir, 'client.lua');
    const lua = (v: string) => JSON.stringify(v);
    fs.writeFileSync(
      script,
      `
local cmd = { ${[process.execPath, ...CLI_ARGS, '--lsp'].map(lua).join(', ')} }
local client_id = vim.lsp.start_client({ name = 'cors-lint', cmd = cmd, root_dir = ${lua(SAMPLE)} })
local results = {}
for _, rel in ipairs({ 'api/config.ts', 'backend/main.py' }) do
  vim.cmd('edit ' .. vim.fn.fnameescape(${lua(SAMPLE)} .. '/' .. rel))
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, client_id)
  vim.wait(60000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(list, { lnum = d.lnum, col = d.col, code = d.user_data and d.user_data.lsp and d.user_data.lsp.code or vim.NIL, message = d.message, severity = d.severity, source = d.source })
  end
  results[rel] = list
end
local f = io.open(${lua(out)}, 'w')
f:write(vim.fn.json_encode(results))
f:close()
vim.lsp.stop_client(client_id)
vim.wait(5000, function() return vim.lsp.client_is_stopped(client_id) end, 50)
vim.cmd('qall!')
`,
    );
    const res = spawnSync('nvim', ['--headless', '--clean', '-n', '-c', `luafile ${script}`], { encoding: 'utf8', timeout: 150_000, cwd: SAMPLE });
    expect(res.error).toBeUndefined();
    const got = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, NvimDiag[]>;
    fs.rmSync(dir, { recursive: true, force: true });
    const keys = (rel: string) => (got[rel] ?? []).map((d) => `${d.lnum + 1}:${d.col + 1} ${d.code}`).sort();
    expect(keys('api/config.ts')).toEqual(['3:44 cors/invalid-origin', '4:12 cors/preflight-methods-incomplete']);
    expect(keys('backend/main.py')).toEqual(['5:1 cors/cors-missing-on-error-responses', '5:1 cors/preflight-methods-incomplete', '7:20 cors/reflected-origin-with-credentials']);
    const d = (got['backend/main.py'] ?? []).find((x) => x.code === 'cors/reflected-origin-with-credentials')!;
    expect(d.severity).toBe(1); // vim.diagnostic.severity.ERROR
    expect(d.source).toBe('cors-lint');
    expect(d.message).toMatch(/Starlette reflects the request Origin/);
  }, 180_000);
});
