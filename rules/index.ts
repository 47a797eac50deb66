/** The registry of rules. Every folder under rules/ has a rule.ts registered here and a README.md. */
import type { Rule } from '../src/engine/rule.js';

export const allRules: Rule[] = [];

export const ruleIds: ReadonlySet<string> = new Set(allRules.map((r) => r.meta.id));
