/**
 * The contract between the engine and a rule module (rules/<id>/rule.ts).
 *
 * A rule reads the shared model only (never an AST) and reports findings on spans the model gives it.
 * Its metadata is the single source for the CLI, the ESLint `meta`, the LSP and the README rules table.
 */
import type { AppModel, CorsPolicy, ProjectModel, SourceKind, Span } from '../model/index.js';

export type Severity = 'error' | 'warning';

export interface RuleMeta {
  /** Without the `cors/` prefix. */
  id: string;
  /** One line, shown in the rules table and in `--help`. */
  summary: string;
  severity: Severity;
  recommended: boolean;
  /** The source kinds the rule can fire on. */
  kinds: SourceKind[];
  /** Whether the rule offers safe fixes (applied by --fix). */
  fixable: boolean;
  /** Whether the rule offers suggestions (not applied automatically). */
  hasSuggestions?: boolean;
}

/** Replace the text of `span` with `text`. */
export interface Edit {
  span: Span;
  text: string;
}

export interface Fix {
  description: string;
  edits: Edit[];
}

export interface RelatedLocation {
  span: Span;
  message: string;
}

export interface Finding {
  message: string;
  /** The cause: the config value that is wrong. */
  span: Span;
  /** Sites that contribute to the problem (e.g. the `credentials: true` that makes reflection exploitable). */
  related?: RelatedLocation[];
  /** A safe fix, applied by `--fix`. */
  fix?: Fix;
  /** Suggested changes that need a human to confirm. */
  suggestions?: Fix[];
  /**
   * Severity for this finding when the user has not configured the rule's severity explicitly
   * (e.g. `null-origin-allowed` is an error with credentials, a warning without).
   */
  severity?: Severity;
  /**
   * The problem's identity where several policies share the faulty value (two nginx `if` blocks behind one Origin
   * check): findings of a rule with the same span and key are one problem, reported once, at its most severe.
   */
  key?: string;
}

export interface RuleContext {
  /** The whole project model, for rules that compose policies (proxy + app). */
  project: ProjectModel;
  /** Options for this rule from the config file (validated by the rule). */
  options: Record<string, unknown>;
  report(finding: Finding): void;
  appOf(policy: CorsPolicy): AppModel | undefined;
}

export interface Rule {
  meta: RuleMeta;
  /** Called once per policy. */
  checkPolicy?(policy: CorsPolicy, context: RuleContext): void;
  /** Called once per app (route-level facts). */
  checkApp?(app: AppModel, context: RuleContext): void;
  /** Called once per project (cross-policy facts). */
  checkProject?(context: RuleContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
