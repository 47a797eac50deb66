/**
 * V8 flags the language server runs with (bin/cors-lint.js restarts `--lsp` with them; the bench measures
 * editor latency under them).
 *
 * The server re-parses the edited file on every change. V8's default young generation (16 MB semi-spaces) is
 * smaller than the syntax tree of a large file, so each re-lint copied that tree through several scavenges;
 * 64 MB semi-spaces let it die young (2,000-line file: about 60 ms → 39 ms per re-lint when measured). Such
 * flags can only be set at startup. The one-shot CLI does not use them: measured, it gained nothing and used
 * about 90 MB more memory.
 */
export const LSP_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
