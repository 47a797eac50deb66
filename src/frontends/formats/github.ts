/**
 * GitHub Actions workflow annotations (`cors-lint --format github`): one `::error`/`::warning` command per
 * finding, which the Actions runner shows on the pull request's changed lines.
 * Escaping follows the runner's rules: in the message `%`, CR and LF; in properties also `:` and `,`.
 */
import * as path from 'node:path';
import type { Diagnostic } from '../../engine/diagnostic.js';
import { toPosix } from '../../engine/host.js';

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * @param root absolute lint root
 * @param cwd the directory the workflow runs in (paths in annotations are relative to the repository checkout,
 *   which is the working directory of a normal `run:` step)
 */
export function formatGithub(diags: Diagnostic[], root: string, cwd: string = process.cwd()): string {
  const out: string[] = [];
  for (const d of diags) {
    const file = toPosix(path.relative(cwd, path.join(root, d.file)));
    const props = [`file=${escapeProperty(file)}`, `line=${d.line}`, `col=${d.column}`];
    if (d.endLine >= d.line) props.push(`endLine=${d.endLine}`);
    if (d.endLine === d.line && d.endColumn > d.column) props.push(`endColumn=${d.endColumn}`);
    props.push(`title=${escapeProperty(d.ruleId)}`);
    const related = d.related.map((r) => `\n↳ ${r.file}:${r.line}:${r.column} ${r.message}`).join('');
    out.push(`::${d.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${escapeData(`${d.message}${related}\ndocs: ${d.docsUrl}`)}`);
  }
  return out.length ? out.join('\n') + '\n' : '';
}
