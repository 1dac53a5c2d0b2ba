import path from 'node:path';
import type { EnvDeclaration } from '@mlproject/env';
import { fetchProject, type Provenance } from '@mlproject/source';
import { computeCommand, paramsToLog, pathWarnings } from '@mlproject/params';
import { getEntryPoint, loadProject, type Project } from '@mlproject/spec';
import type { Param } from '@mlproject/tracking';
import { chooseEnvManager, defaultRegistry, envDeclaration } from './environment.js';
import { RunnerError } from './errors.js';
import type { RunOptions } from './options.js';
import { resolveTrackingUri, storeTarget, type StoreTarget } from './tracking-uri.js';

/** Everything `run()` decides before it touches the store, the environment cache or a process. */
export interface RunPlan {
  /** Absolute project directory (a local directory in place, or a fetched git or archive project in the cache). */
  dir: string;
  /** Where the code came from: `mlflow.source.*` tags, and whether a local git tree has uncommitted changes. */
  provenance: Provenance;
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

/**
 * Resolves a run without side effects (`mlproject run --dry-run`): the project and its entry point,
 * the parameters (checked, as MLflow's `fetch_and_validate_project` does before a run exists), the
 * command string, the env manager and the tracking store. Reads files; writes nothing, except that a
 * git or archive project is fetched into the source cache (it must be read to be planned).
 * @throws SpecError, ParamsError, EnvError (unknown env manager), RunnerError (each with a stable `code`).
 */
export async function planRun(options: RunOptions): Promise<RunPlan> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const entryPointName = options.entryPoint ?? 'main';
  const userParams = options.params ?? {};
  const fetched = await fetchProject(options.uri, {
    cwd, env,
    ...(options.version === undefined ? {} : { version: options.version }),
    ...(options.cacheDir === undefined ? {} : { cacheDir: path.join(options.cacheDir, 'sources') }),
  });
  const { dir, provenance } = fetched;
  if (options.requireClean && provenance.dirty) {
    throw new RunnerError('ERR_MLPROJECT_RUN_DIRTY', `--require-clean: ${dir} has uncommitted changes or untracked files`, {
      hint: 'commit or stash them (see `git status`), or run without --require-clean to record them with the run as source/uncommitted.diff',
    });
  }
  const project = await loadProject(dir);
  const entryPoint = getEntryPoint(project, entryPointName);
  const command = computeCommand(entryPoint, userParams, { cwd, file: project.file });
  const params = paramsToLog(entryPoint, userParams);
  // Inside a run's step, the parent's env manager is the default (`MLPROJECT_ENV_MANAGER`, set by the runner).
  const manager = chooseEnvManager(project, options.envManager ?? (env['MLPROJECT_ENV_MANAGER'] || undefined));
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
    dir, provenance, project, entryPointName, command, params, manager, declaration, trackingUri,
    store: storeTarget(trackingUri, cwd), warnings,
  };
}
