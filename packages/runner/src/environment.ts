import { EnvironmentRegistry, type EnvDeclaration, type EnvironmentBackend } from '@mlproject/env';
import { localBackend } from '@mlproject/env-local';
import { virtualenvBackend } from '@mlproject/env-virtualenv';
import { condaToPythonEnv, readCondaEnv, readPythonEnv, type Project, type SpecWarning } from '@mlproject/spec';
import { RunnerError } from './errors.js';

/** The conda backend, loaded on first use: most runs never need it, and loading it costs start-up time. */
const lazyCondaBackend: EnvironmentBackend = {
  names: ['conda'],
  prepare: async (request, manager) => (await import('@mlproject/env-conda')).condaBackend.prepare(request, manager),
};

/** The backends this build ships, by `--env-manager` name. */
export function defaultRegistry(): EnvironmentRegistry {
  const registry = new EnvironmentRegistry();
  registry.register(localBackend);
  registry.register(virtualenvBackend);
  registry.register(lazyCondaBackend);
  return registry;
}

/**
 * Picks the env manager as `mlflow/projects/backend/local.py::LocalBackend.run` does: when none is
 * given, python_env (and a project with no env file) -> `virtualenv`, conda_env -> `conda`.
 * A docker_env project gives `docker` (MLflow ignores --env-manager for it); `run()` refuses it for now.
 * @throws RunnerError ERR_MLPROJECT_RUN_BAD_OPTION for conda on a project without a conda.yaml (MLflow's message).
 */
export function chooseEnvManager(project: Project, requested: string | undefined): string {
  // MLflow: a docker_env project always runs in its image, whatever --env-manager says.
  if (project.env.type === 'docker_env') return 'docker';
  const manager = requested ?? (project.env.type === 'conda_env' ? 'conda' : 'virtualenv');
  if (manager === 'conda') {
    if (project.env.type !== 'conda_env') {
      throw new RunnerError(
        'ERR_MLPROJECT_RUN_BAD_OPTION',
        "python_env project cannot be executed using conda. Set `--env-manager` to 'virtualenv' or 'local' to execute this project.",
        { hint: 'drop --env-manager conda: python_env.yaml projects are built with --env-manager virtualenv (the default)' },
      );
    }
  }
  return manager;
}

/**
 * What to build for a Python env manager (`virtualenv`, `uv`): the project's python_env.yaml; its
 * conda.yaml translated as MLflow does (`mlflow/utils/environment.py::_PythonEnv.from_conda_yaml`: the
 * python pin and the pip section; other conda packages are dropped, with a warning); or, with no env
 * file, the bare declaration (the current Python, no packages).
 * @throws SpecError for an unreadable or invalid env file, or a conda python spec MLflow refuses.
 */
export async function pythonDeclaration(project: Project): Promise<{ declaration: EnvDeclaration; warnings: SpecWarning[] }> {
  if (project.env.type === 'conda_env') {
    const { env, warnings } = condaToPythonEnv(await readCondaEnv(project.env.file), project.env.file);
    return { declaration: { kind: 'python', ...env }, warnings };
  }
  if (project.env.type !== 'python_env' || project.env.file === null) {
    return { declaration: { kind: 'python', python: null, buildDependencies: [], dependencies: [] }, warnings: [] };
  }
  const env = await readPythonEnv(project.env.file);
  return { declaration: { kind: 'python', python: env.python, buildDependencies: env.buildDependencies, dependencies: env.dependencies }, warnings: [] };
}

/**
 * @throws RunnerError ERR_MLPROJECT_RUN_UNSUPPORTED for a docker_env project: there is no Docker
 *   backend yet (`--dry-run` still shows its command).
 */
export function assertRunnable(project: Project, manager: string): void {
  if (manager !== 'docker') return;
  throw new RunnerError('ERR_MLPROJECT_RUN_UNSUPPORTED', `${project.file ?? project.dir}: docker_env projects are not supported yet`, {
    hint: 'run it with mlflow run, or replace docker_env with a python_env.yaml',
  });
}

/**
 * What the chosen env manager builds: the conda.yaml itself for `conda`, else the Python declaration
 * (see {@link pythonDeclaration}); nothing is read for `local` and `docker`.
 */
export async function envDeclaration(project: Project, manager: string): Promise<{ declaration: EnvDeclaration; warnings: SpecWarning[] }> {
  if (manager === 'conda' && project.env.type === 'conda_env') return { declaration: { kind: 'conda', file: project.env.file }, warnings: [] };
  if (manager === 'local' || manager === 'docker') {
    return { declaration: { kind: 'python', python: null, buildDependencies: [], dependencies: [] }, warnings: [] };
  }
  return pythonDeclaration(project);
}
