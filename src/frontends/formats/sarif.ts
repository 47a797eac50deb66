/**
 * SARIF 2.1.0 output (`cors-lint --format sarif`), for GitHub code scanning and other SARIF consumers.
 *
 * - Rule metadata (summary, docs URL, default level) comes from each rule's `meta`, the single source.
 * - Locations are relative to `%SRCROOT%` (the lint root), so uploads from CI map onto the repository.
 * - `partialFingerprints.primaryLocationLineHash` is computed from the rule, the file and the reported code
 *   itself (not its line number), plus an occurrence counter, so a finding keeps its identity when lines
 *   above it move (code scanning then tracks one alert across commits instead of closing and reopening it).
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { allRules } from '../../../rules/index.js';
import type { Diagnostic } from '../../engine/diagnostic.js';
import { docsUrl, PARSE_ERROR_ID, REPOSITORY_URL } from '../../engine/docs.js';
import type { Fix } from '../../engine/rule.js';
import { lineTableFor } from '../../engine/source.js';

export const SARIF_SCHEMA_URL = 'https://json.schemastore.org/sarif-2.1.0.json';

export interface SarifOptions {
  /** Absolute lint root; becomes the `%SRCROOT%` base. Omit it to leave the base unresolved (the consumer knows it). */
  root?: string;
  toolVersion: string;
}

function level(sev: 'error' | 'warning'): Sarif.ReportingConfiguration.level {
  return sev === 'error' ? 'error' : 'warning';
}

function ruleDescriptors(): Sarif.ReportingDescriptor[] {
  const rules: Sarif.ReportingDescriptor[] = allRules.map((r) => ({
    id: `cors/${r.meta.id}`,
    name: r.meta.id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/^./, (c) => c.toUpperCase()),
    shortDescription: { text: r.meta.summary },
    fullDescription: { text: r.meta.summary },
    helpUri: docsUrl(r.meta.id),
    help: { text: `${r.meta.summary}\nDocumentation: ${docsUrl(r.meta.id)}`, markdown: `${r.meta.summary}\n\n[Documentation](${docsUrl(r.meta.id)})` },
    defaultConfiguration: { level: level(r.meta.severity), enabled: r.meta.recommended },
    properties: {
      tags: ['cors', 'security', ...r.meta.kinds],
      precision: 'high',
      // GitHub code scanning shows this as the alert's security severity.
      ...(r.meta.severity === 'error' ? { 'security-severity': '7.5' } : { 'security-severity': '4.0' }),
    },
  }));
  rules.push({
    id: `cors/${PARSE_ERROR_ID}`,
    name: 'ParseError',
    shortDescription: { text: 'A file cors-lint could not parse completely' },
    helpUri: docsUrl(PARSE_ERROR_ID),
    defaultConfiguration: { level: 'error', enabled: true },
    properties: { tags: ['cors'], precision: 'very-high' },
  });
  return rules;
}

function region(d: { line: number; column: number; endLine: number; endColumn: number }, text: string | undefined, span: { start: number; end: number }): Sarif.Region {
  const r: Sarif.Region = { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn };
  if (d.endLine === d.line && d.endColumn <= d.column) r.endColumn = d.column + 1;
  if (text !== undefined) {
    const snippet = text.slice(span.start, Math.max(span.end, span.start));
    if (snippet.length > 0 && snippet.length <= 500) r.snippet = { text: snippet };
  }
  return r;
}

function location(file: string, reg: Sarif.Region, message?: string, id?: number): Sarif.Location {
  return {
    ...(id !== undefined ? { id } : {}),
    physicalLocation: { artifactLocation: { uri: encodeURI(file), uriBaseId: '%SRCROOT%' }, region: reg },
    ...(message !== undefined ? { message: { text: message } } : {}),
  };
}

function sarifFix(fix: Fix, textOf: (file: string) => string | undefined): Sarif.Fix | undefined {
  const byFile = new Map<string, Sarif.Replacement[]>();
  for (const e of fix.edits) {
    const text = textOf(e.span.file);
    if (text === undefined) return undefined;
    const table = lineTableFor(text);
    const a = table.position(e.span.start);
    const b = table.position(e.span.end);
    const rep: Sarif.Replacement = {
      deletedRegion: { startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column },
      insertedContent: { text: e.text },
    };
    byFile.set(e.span.file, [...(byFile.get(e.span.file) ?? []), rep]);
  }
  return {
    description: { text: fix.description },
    artifactChanges: [...byFile].map(([file, replacements]) => ({ artifactLocation: { uri: encodeURI(file), uriBaseId: '%SRCROOT%' }, replacements })),
  };
}

/** A fingerprint that survives line moves: rule, file, the reported code (whitespace-normalised), occurrence. */
function fingerprints(diags: Diagnostic[], textOf: (file: string) => string | undefined): string[] {
  const seen = new Map<string, number>();
  return diags.map((d) => {
    const text = textOf(d.file) ?? '';
    const code = text.slice(d.span.start, d.span.end).replace(/\s+/g, ' ').trim();
    const base = createHash('sha256').update(`${d.ruleId}\0${d.file}\0${code}`).digest('hex').slice(0, 32);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return `${base}:${n}`;
  });
}

export function buildSarif(diags: Diagnostic[], textOf: (file: string) => string | undefined, opts: SarifOptions): Sarif.Log {
  const rules = ruleDescriptors();
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const prints = fingerprints(diags, textOf);
  const results: Sarif.Result[] = diags.map((d, i) => {
    const text = textOf(d.file);
    const related = d.related.map((r, j) => location(r.file, region(r, textOf(r.file), r.span), r.message, j + 1));
    const fixes = [d.fix, ...(d.suggestions ?? [])].flatMap((f) => {
      const s = f ? sarifFix(f, textOf) : undefined;
      return s ? [s] : [];
    });
    const ruleIndex = index.get(d.ruleId);
    return {
      ruleId: d.ruleId,
      ...(ruleIndex !== undefined ? { ruleIndex } : {}),
      level: level(d.severity),
      message: { text: related.length ? `${d.message} ${related.map((r) => `[${r.message?.text ?? 'related'}](${r.id})`).join(' ')}` : d.message },
      locations: [location(d.file, region(d, text, d.span))],
      ...(related.length ? { relatedLocations: related } : {}),
      partialFingerprints: { primaryLocationLineHash: prints[i] as string },
      ...(fixes.length ? { fixes } : {}),
      properties: { docsUrl: d.docsUrl },
    };
  });
  const run: Sarif.Run = {
    tool: {
      driver: {
        name: 'cors-lint',
        informationUri: REPOSITORY_URL,
        version: opts.toolVersion,
        semanticVersion: opts.toolVersion,
        rules,
      },
    },
    ...(opts.root ? { originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(opts.root.endsWith('/') ? opts.root : opts.root + '/').href } } } : {}),
    columnKind: 'utf16CodeUnits',
    results,
  };
  return { $schema: SARIF_SCHEMA_URL, version: '2.1.0', runs: [run] };
}

export function formatSarif(diags: Diagnostic[], textOf: (file: string) => string | undefined, opts: SarifOptions): string {
  return JSON.stringify(buildSarif(diags, textOf, opts), null, 2) + '\n';
}
