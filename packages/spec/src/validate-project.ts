// `mlproject validate`: every problem of a project directory at once (I/O edge, like read.ts).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { analyzeCondaEnv, condaToPythonEnv } from './conda-env.js';
import { SpecError } from './errors.js';
import { analyzeProject } from './project.js';
import { analyzePythonEnv } from './python-env.js';
import { findProjectFile, readText } from './read.js';
import type { EnvSpec, Project, SpecWarning } from './types.js';
import { specWarning } from './warnings.js';

/** The result of {@link validateProject}. */
export interface ProjectValidation {
  /** The project, or null when its MLproject has errors (errors in the env file alone keep it). */
  project: Project | null;
  /** Every error, MLproject first (in {@link parseProject}'s order), then the env file's. */
  errors: SpecError[];
  /** Every warning, MLproject first, then the env file's. */
  warnings: SpecWarning[];
}

/**
 * Check a project directory and report every problem at once, where {@link loadProject} throws the
 * first: the MLproject (each entry point and parameter on its own, see {@link analyzeProject}) and the
 * environment file it selects (python_env.yaml, or conda.yaml including what a virtualenv build of it
 * would drop or refuse, as warnings). Never throws a {@link SpecError}: they are returned.
 *
 * Mirrors what `mlflow run` checks before running (`mlflow/projects/_project_spec.py::load_project`,
 * `mlflow/utils/environment.py::_PythonEnv.from_yaml` / `from_conda_yaml`), all of it up front.
 *
 * @param dir - the project directory (relative to the cwd)
 * @throws only unexpected errors (e.g. EACCES reading a file)
 */
export async function validateProject(dir: string): Promise<ProjectValidation> {
  const abs = path.resolve(dir);
  try {
    const file = await findProjectFile(abs);
    const text = file === null ? '' : await readText(file);
    const analysis = analyzeProject(text, { dir: abs, file, exists: existsSync });
    const envFile = analysis.env === null ? { errors: [], warnings: [] } : await validateEnvFile(analysis.env);
    const noEntryPoints = analysis.project !== null && analysis.project.entryPoints.length === 0 ? [noEntryPointsWarning(abs, file)] : [];
    return {
      project: analysis.project,
      errors: [...analysis.errors, ...envFile.errors],
      warnings: [...noEntryPoints, ...analysis.warnings, ...envFile.warnings],
    };
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    return { project: null, errors: [error], warnings: [] };
  }
}

// Not an error (MLflow runs `-e script.py` without an MLproject), but `validate` should not stay silent.
function noEntryPointsWarning(dir: string, file: string | null): SpecWarning {
  if (file === null) {
    return specWarning('WARN_MLPROJECT_SPEC_NO_ENTRY_POINTS', 'no MLproject file; `run` only accepts a script entry point such as -e train.py', {
      file: dir,
      keyPath: null,
      hint: 'Add an MLproject with entry_points, or run a script with -e script.py (or .sh).',
    });
  }
  return specWarning('WARN_MLPROJECT_SPEC_NO_ENTRY_POINTS', 'no entry points; `run` only accepts a script entry point such as -e train.py', {
    file,
    keyPath: 'entry_points',
    hint: 'Declare entry points, e.g. entry_points: {main: {command: python train.py}}.',
  });
}

async function validateEnvFile(env: EnvSpec): Promise<{ errors: SpecError[]; warnings: SpecWarning[] }> {
  if (env.type === 'docker_env' || env.file === null) return { errors: [], warnings: [] };
  let text: string;
  try {
    text = await readText(env.file);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    return { errors: [error], warnings: [] };
  }
  if (env.type === 'python_env') return { ...analyzePythonEnv(text, env.file), warnings: [] };
  const conda = analyzeCondaEnv(text, env.file);
  if (conda.env === null) return { errors: conda.errors, warnings: [] };
  try {
    return { errors: [], warnings: condaToPythonEnv(conda.env, env.file).warnings };
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    const where = error.hint === undefined ? { file: env.file, keyPath: error.keyPath } : { file: env.file, keyPath: error.keyPath, hint: error.hint };
    return { errors: [], warnings: [specWarning('WARN_MLPROJECT_SPEC_CONDA_VIRTUALENV', `a virtualenv build would fail: ${error.detail}`, where)] };
  }
}
