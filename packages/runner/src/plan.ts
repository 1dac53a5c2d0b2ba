import path from 'node:path';
import { statSync } from 'node:fs';
import type { EnvDeclaration } from '@mlproject/env';
import { computeCommand, paramsToLog, pathWarnings } from '@mlproject/params';
import { getEntryPoint, loadProject, type Project } from '@mlproject/spec';
import type { Param } from '@mlproject/tracking';
import { chooseEnvManager, defaultRegistry, envDeclaration } from './environment.js';
import { RunnerError } from './errors.js';
import type { RunOptions } from './options.js';
import { resolveTrackingUri, storeTarget, type StoreTarget } from './tracking-uri.js';

/** Everything `run()` decides before it touches the store, the environment cache or a process. */
export interface RunPlan {
  /** Absolute project directory. */
  dir: string;
  project: Project;
  entryPointName: string;
  /** The exact string given to `bash -c`, in `dir`. */
  command: string;
  /** The params the run records, in MLflow's order and quoted form. */
  params: Param[];
  /** `local`, `virtualenv` or `uv`. */
  manager: string;
  declaration: EnvDeclaration;
  /** The tracking URI as chosen (option, MLFLOW_TRACKING_URI, or the default). */
  trackingUri: string;
  /** The store it names, with absolute paths and masked passwords. */
  store: StoreTarget;
  /** Problems that do not stop the run (typo keys, unknown types, relative paths that will not resolve), one line each. */
  warnings: { code: string; message: string; hint?: string | undefined }[];
}

function projectDir(uri: string, cwd: string): string {
  const dir = path.resolve(cwd, uri.replace(/^file:\/\//, ''));
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) {
    throw new RunnerError('ERR_MLPROJECT_RUN_PROJECT_NOT_FOUND', `Project URI ${dir} is a file, not a directory`, {
      hint: `pass the directory that holds the MLproject file (to run a single script: mlproject run ${path.dirname(dir)} -e ${path.basename(dir)})`,
    });
  }
  if (!stat) {
    const remote = /^(https?|ssh|git):\/\/|^git@/.test(uri);
    throw new RunnerError('ERR_MLPROJECT_RUN_PROJECT_NOT_FOUND', remote
      ? `Project URI ${uri}: git projects are not supported yet`
      : `Project directory ${dir} does not exist`, { hint: 'pass the path of a directory that holds an MLproject file' });
  }
  return dir;
}

/**
 * Resolves a run without side effects (`mlproject run --dry-run`): the project and its entry point,
 * the parameters (checked, as MLflow's `fetch_and_validate_project` does before a run exists), the
 * command string, the env manager and the tracking store. Reads files; writes nothing.
 * @throws SpecError, ParamsError, EnvError (unknown env manager), RunnerError (each with a stable `code`).
 */
export async function planRun(options: RunOptions): Promise<RunPlan> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const entryPointName = options.entryPoint ?? 'main';
  const userParams = options.params ?? {};
  const dir = projectDir(options.uri, cwd);
  const project = await loadProject(dir);
  const entryPoint = getEntryPoint(project, entryPointName);
  const command = computeCommand(entryPoint, userParams, { cwd, file: project.file });
  const params = paramsToLog(entryPoint, userParams);
  const manager = chooseEnvManager(project, options.envManager);
  if (options.frozenFrom !== undefined && (manager === 'local' || manager === 'docker')) {
    throw new RunnerError('ERR_MLPROJECT_RUN_USAGE', `--frozen-from rebuilds an environment, but --env-manager ${manager} builds none`, {
      hint: 'drop --frozen-from, or use --env-manager virtualenv, uv or conda',
    });
  }
  if (manager !== 'docker') defaultRegistry().get(manager);
  // `local` builds nothing and `docker` uses its image, so no env file is read (as in MLflow).
  const { declaration, warnings: envWarnings } = await envDeclaration(project, manager);
  const trackingUri = resolveTrackingUri(options.trackingUri, env, cwd);
  const warnings = [...project.warnings, ...envWarnings, ...pathWarnings(entryPoint, userParams, { cwd, projectDir: dir })];
  return {
    dir, project, entryPointName, command, params, manager, declaration, trackingUri,
    store: storeTarget(trackingUri, cwd), warnings,
  };
}
