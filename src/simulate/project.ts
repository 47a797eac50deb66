/** Building the model of a project on disk for `simulate` (the same extraction as `cors-lint`, no rules). */
import { loadConfigFile, resolveConfig } from '../engine/config.js';
import { lintProject } from '../engine/lint.js';
import type { ProjectModel } from '../model/index.js';
import { ruleIds } from '../../rules/index.js';

export interface ProjectForSimulation {
  model: ProjectModel;
  readText: (file: string) => string | undefined;
  notices: string[];
  parseErrors: { file: string; message: string }[];
}

export async function loadProjectModel(cwd: string, paths: string[] = ['.']): Promise<ProjectForSimulation> {
  const { config, source } = loadConfigFile(cwd);
  const resolved = resolveConfig(config, ruleIds, {}, [], source);
  const out = await lintProject({ cwd, paths, config: resolved, rules: [] });
  return {
    model: out.model,
    readText: (file) => out.host.readFile(file)?.text,
    notices: out.notices,
    parseErrors: (out.model as { parseErrors?: { file: string; message: string }[] }).parseErrors ?? [],
  };
}
