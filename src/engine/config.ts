/**
 * cors-lint.config.json: rule severities and options, ignores, per-directory overrides and project settings.
 * The config is JSON on purpose: linting a repository never executes code from it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Picomatch from 'picomatch';
import { requireCjs } from './cjs.js';
import type { Severity } from './rule.js';

const picomatch = requireCjs('picomatch') as typeof Picomatch;

export const CONFIG_FILE_NAME = 'cors-lint.config.json';

export type SeveritySetting = 'off' | 'warn' | 'warning' | 'error' | 0 | 1 | 2;
export type RuleSetting = SeveritySetting | [SeveritySetting] | [SeveritySetting, Record<string, unknown>];

export interface ConfigFile {
  rules?: Record<string, RuleSetting>;
  ignores?: string[];
  overrides?: { files: string[]; rules: Record<string, RuleSetting> }[];
  settings?: ProjectSettings;
}

export interface ProjectSettings {
  /** The nginx version in production, when it cannot be read from the repository (e.g. "1.29.3"). */
  nginxVersion?: string;
}

export interface RuleConfig {
  severity: Severity | 'off';
  /** The user set the severity (so a rule's per-finding severity does not apply). */
  explicit: boolean;
  options: Record<string, unknown>;
}

export class ConfigError extends Error {}

export interface ResolvedConfig {
  ruleConfig(ruleId: string, file: string, defaults: { severity: Severity; recommended: boolean }): RuleConfig;
  isIgnored(file: string): boolean;
  settings: ProjectSettings;
  /** Stable text that changes whenever the configuration changes (cache key). */
  fingerprint: string;
}

function normalizeSeverity(s: unknown, where: string): Severity | 'off' {
  switch (s) {
    case 'off':
    case 0:
      return 'off';
    case 'warn':
    case 'warning':
    case 1:
      return 'warning';
    case 'error':
    case 2:
      return 'error';
    default:
      throw new ConfigError(`${where}: severity must be "off", "warn" or "error" (got ${JSON.stringify(s)})`);
  }
}

function parseSetting(setting: unknown, where: string): { severity: Severity | 'off'; options?: Record<string, unknown> } {
  if (Array.isArray(setting)) {
    if (setting.length === 0 || setting.length > 2) throw new ConfigError(`${where}: expected [severity] or [severity, options]`);
    const opts = setting[1] as unknown;
    if (opts !== undefined && (typeof opts !== 'object' || opts === null || Array.isArray(opts))) {
      throw new ConfigError(`${where}: rule options must be an object`);
    }
    return { severity: normalizeSeverity(setting[0], where), options: opts as Record<string, unknown> | undefined };
  }
  return { severity: normalizeSeverity(setting, where) };
}

function stripPrefix(id: string): string {
  return id.startsWith('cors/') ? id.slice(5) : id;
}

/**
 * Builds a resolved configuration.
 * @param knownRules rule ids (without prefix) to validate against
 * @param cliRules `--rule id:severity` overrides, applied last
 */
export function resolveConfig(
  file: ConfigFile,
  knownRules: ReadonlySet<string>,
  cliRules: Record<string, RuleSetting> = {},
  cliIgnores: string[] = [],
  source = CONFIG_FILE_NAME,
): ResolvedConfig {
  const checkRules = (rules: Record<string, RuleSetting> | undefined, where: string) => {
    const out = new Map<string, { severity: Severity | 'off'; options?: Record<string, unknown> }>();
    if (rules === undefined) return out;
    if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) throw new ConfigError(`${where}: "rules" must be an object`);
    for (const [rawId, setting] of Object.entries(rules)) {
      const id = stripPrefix(rawId);
      if (!knownRules.has(id)) throw new ConfigError(`${where}: unknown rule "${rawId}"`);
      out.set(id, parseSetting(setting, `${where}: rule "${rawId}"`));
    }
    return out;
  };
  const base = checkRules(file.rules, source);
  const overrides = (file.overrides ?? []).map((o, i) => {
    const where = `${source}: overrides[${i}]`;
    if (!o || !Array.isArray(o.files) || o.files.some((f) => typeof f !== 'string')) {
      throw new ConfigError(`${where}: "files" must be an array of glob strings`);
    }
    return { match: picomatch(o.files, { dot: true }), rules: checkRules(o.rules, where) };
  });
  const cli = checkRules(cliRules, '--rule');
  const ignoreGlobs = [...(file.ignores ?? []), ...cliIgnores];
  if (ignoreGlobs.some((g) => typeof g !== 'string')) throw new ConfigError(`${source}: "ignores" must be an array of glob strings`);
  const ignoreMatch = ignoreGlobs.length ? picomatch(ignoreGlobs, { dot: true }) : () => false;
  if (file.settings !== undefined && (typeof file.settings !== 'object' || file.settings === null)) {
    throw new ConfigError(`${source}: "settings" must be an object`);
  }
  if (file.settings?.nginxVersion !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(file.settings.nginxVersion)) {
    throw new ConfigError(`${source}: settings.nginxVersion must look like "1.29.3"`);
  }
  return {
    settings: file.settings ?? {},
    fingerprint: JSON.stringify([file, cliRules, cliIgnores]),
    isIgnored: ignoreGlobs.length ? (f) => ignoreMatch(f) || ignoreMatch(f + '/') : () => false,
    ruleConfig(ruleId, f, defaults) {
      let severity: Severity | 'off' = defaults.recommended ? defaults.severity : 'off';
      let explicit = false;
      let options: Record<string, unknown> = {};
      const apply = (m: Map<string, { severity: Severity | 'off'; options?: Record<string, unknown> }>) => {
        const s = m.get(ruleId);
        if (!s) return;
        severity = s.severity;
        explicit = true;
        if (s.options) options = s.options;
      };
      apply(base);
      for (const o of overrides) if (o.match(f)) apply(o.rules);
      apply(cli);
      return { severity, explicit, options };
    },
  };
}

/** Reads cors-lint.config.json (or an explicit path). Missing default file = empty config. */
export function loadConfigFile(cwd: string, explicitPath?: string): { config: ConfigFile; source: string } {
  const file = explicitPath ? path.resolve(cwd, explicitPath) : path.join(cwd, CONFIG_FILE_NAME);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (!explicitPath && (e as NodeJS.ErrnoException).code === 'ENOENT') return { config: {}, source: CONFIG_FILE_NAME };
    throw new ConfigError(`cannot read config file ${explicitPath ?? CONFIG_FILE_NAME}: ${(e as Error).message}`);
  }
  const source = path.relative(cwd, file) || CONFIG_FILE_NAME;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${source}: invalid JSON: ${(e as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError(`${source}: the config must be a JSON object`);
  const allowed = new Set(['$schema', 'rules', 'ignores', 'overrides', 'settings']);
  for (const k of Object.keys(json)) if (!allowed.has(k)) throw new ConfigError(`${source}: unknown key "${k}"`);
  return { config: json as ConfigFile, source };
}
