import path from 'node:path';
import { SpecError } from './errors.js';
import { DockerEnvSpec, EnvFilePath, MLprojectSpec } from './mlproject-schema.js';
import type { EntryPoint, EnvSpec, Project, SpecWarning } from './types.js';
import { collect } from './validate.js';
import { pyTruthy } from './values.js';
import { projectWarnings, specWarning } from './warnings.js';
import { parseYaml, type DuplicateKey } from './yaml11.js';

/** Options of {@link parseProject}. */
export interface ParseProjectOptions {
  /** The project directory; made absolute with `path.resolve` (so a relative one depends on the cwd). */
  dir: string;
  /** Absolute path of the MLproject file the text came from, or null when the project has no MLproject. */
  file: string | null;
  /**
   * Whether an absolute path exists (file or directory, like Python's `os.path.exists`). Used to
   * check declared env files and to auto-detect `python_env.yaml` / `conda.yaml`. Without it the
   * function stays pure: declared env files are not checked and nothing is auto-detected.
   */
  exists?: (absPath: string) => boolean;
}

const ENV_KEYS: readonly unknown[] = ['docker_env', 'python_env', 'conda_env'];

/** Everything known about an MLproject's text: the project (null when there are errors), every error, every warning. */
export interface ProjectAnalysis {
  project: Project | null;
  /** The environment, when the env keys are valid (even if entry points are not), else null. */
  env: EnvSpec | null;
  errors: SpecError[];
  warnings: SpecWarning[];
}

/**
 * Parse the text of an MLproject file into a {@link Project}: entry points with typed parameters, and
 * the environment chosen in MLflow's order: a truthy `docker_env`, then `python_env`, then `conda_env`,
 * then an existing `python_env.yaml`, then an existing `conda.yaml`, else a bare `python_env`.
 * With `file: null` and empty `text` the project has no MLproject (MLflow's `{}` spec: no entry
 * points, name null). Non-fatal problems (typo keys such as `defualt` or `type:int`, unknown type
 * names, unknown keys) are returned in `project.warnings`, not thrown.
 *
 * Mirrors `mlflow/projects/_project_spec.py::load_project`. Where MLflow crashes (an empty file,
 * `entry_points:` or `parameters:` left empty, `alpha: 5` as a parameter, an entry point without
 * `command`) this throws a clean SpecError at load time instead, whatever entry point is run.
 * Use {@link analyzeProject} to get every error instead of the first.
 *
 * @throws {@link SpecError} the first problem: `ERR_MLPROJECT_SPEC_YAML` (bad YAML), `ERR_MLPROJECT_SPEC_INVALID`
 *   (structure; "Project cannot contain multiple environment fields: {...}"; docker_env messages),
 *   `ERR_MLPROJECT_SPEC_FILE_NOT_FOUND` ("Project specified python_env file X, but no such file was
 *   found." and the conda one), `ERR_MLPROJECT_SPEC_UNSUPPORTED` (`databricks_spark_job`)
 */
export function parseProject(text: string, options: ParseProjectOptions): Project {
  const { project, errors } = analyzeProject(text, options);
  if (errors[0] !== undefined) throw errors[0];
  return project!;
}

/**
 * Like {@link parseProject}, but returns every problem instead of throwing the first: each entry
 * point and parameter is checked on its own, so a file with three bad parameters gives three errors.
 * Errors come in the order {@link parseProject} would meet them; `project` is null when there is any.
 * Warnings are given whenever the file is valid YAML, even with errors.
 *
 * @throws only unexpected (non-{@link SpecError}) errors, e.g. from `options.exists`
 */
export function analyzeProject(text: string, options: ParseProjectOptions): ProjectAnalysis {
  const dir = path.resolve(options.dir);
  const file = options.file === null ? null : path.resolve(dir, options.file);
  const errors: SpecError[] = [];
  let raw: unknown;
  const duplicates: DuplicateKey[] = [];
  try {
    raw = file === null && text.trim() === '' ? new Map() : parseYaml(text, file, (d) => duplicates.push(d));
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    return { project: null, env: null, errors: [error], warnings: [] };
  }
  const warnings = file === null ? [] : [...duplicates.map((d) => duplicateKeyWarning(d, file)), ...projectWarnings(raw, file)];
  if (raw === null) {
    errors.push(new SpecError('ERR_MLPROJECT_SPEC_INVALID', 'expected a mapping of MLproject keys (name, entry_points, ...), found an empty file', {
      file,
      hint: 'Add entry_points to the MLproject, or delete it to run scripts with -e script.py.',
    }));
    return { project: null, env: null, errors, warnings };
  }
  const singleEnv = raw instanceof Map ? checkSingleEnv(raw, file) : null;
  if (singleEnv) errors.push(singleEnv);
  const spec = collect(MLprojectSpec, raw, { file, hint: hintFor });
  if (!spec.ok) errors.push(...spec.errors);
  const get = (key: string): unknown => (raw instanceof Map ? raw.get(key) : undefined);
  const sparkJob = get('databricks_spark_job');
  if (sparkJob !== undefined && sparkJob !== null) {
    errors.push(new SpecError('ERR_MLPROJECT_SPEC_UNSUPPORTED', 'databricks_spark_job projects are not supported', {
      file,
      keyPath: 'databricks_spark_job',
      hint: 'Run this project with `mlflow run -b databricks`.',
    }));
  }
  const env = raw instanceof Map && singleEnv === null ? selectEnv(get, dir, file, options.exists, errors) : null;
  if (!spec.ok || env === null || errors.length > 0) return { project: null, env, errors, warnings };
  const entryPoints: EntryPoint[] = [...spec.output.entry_points].map(([name, ep]) => ({
    name,
    parameters: [...ep.parameters].map(([param, p]) => ({ name: param, type: p.type, default: p.default })),
    command: ep.command,
  }));
  return { project: { name: spec.output.name, dir, file, entryPoints, env, warnings }, env, errors, warnings };
}

function duplicateKeyWarning(d: DuplicateKey, file: string): SpecWarning {
  const key = d.keyPath.slice(d.keyPath.lastIndexOf('.') + 1);
  return specWarning('WARN_MLPROJECT_SPEC_DUPLICATE_KEY', `duplicate key ${JSON.stringify(key)} at line ${d.line} (first at line ${d.firstLine}); MLflow keeps only the last one`, {
    file,
    keyPath: d.keyPath,
    hint: `Remove one of the two; the value at line ${d.firstLine} is ignored.`,
  });
}

// MLflow counts keys that are present, even with an empty value; the set is shown in file order.
function checkSingleEnv(raw: Map<unknown, unknown>, file: string | null): SpecError | null {
  const present = [...raw.keys()].filter((key) => ENV_KEYS.includes(key));
  if (present.length <= 1) return null;
  const set = `{${present.map((key) => `'${String(key)}'`).join(', ')}}`;
  return new SpecError('ERR_MLPROJECT_SPEC_INVALID', `Project cannot contain multiple environment fields: ${set}`, {
    file,
    hint: 'Keep exactly one of conda_env, python_env and docker_env (a key with an empty value counts too).',
  });
}

// Returns null (and adds to `errors`) when the env keys are invalid.
function selectEnv(
  get: (key: string) => unknown,
  dir: string,
  file: string | null,
  exists: ((p: string) => boolean) | undefined,
  errors: SpecError[],
): EnvSpec | null {
  if (pyTruthy(get('docker_env'))) {
    const docker = collect(DockerEnvSpec, get('docker_env'), { file, base: 'docker_env', hint: hintFor });
    if (!docker.ok) {
      errors.push(...docker.errors);
      return null;
    }
    return { type: 'docker_env', image: docker.output.image, volumes: docker.output.volumes, environment: docker.output.environment };
  }
  const declared = [
    ['python_env', 'python_env file'],
    ['conda_env', 'conda environment file'],
  ] as const;
  for (const [type, label] of declared) {
    const value = get(type);
    if (!pyTruthy(value)) continue;
    const envPath = collect(EnvFilePath, value, { file, base: type, hint: hintFor });
    if (!envPath.ok) {
      errors.push(...envPath.errors);
      return null;
    }
    const envFile = path.resolve(dir, envPath.output);
    if (exists !== undefined && !exists(envFile)) {
      errors.push(new SpecError('ERR_MLPROJECT_SPEC_FILE_NOT_FOUND', `Project specified ${label} ${envFile}, but no such file was found.`, {
        file,
        keyPath: type,
        hint: 'Create the file or fix the path; it is relative to the project directory.',
      }));
      return null;
    }
    return { type, file: envFile };
  }
  const pythonEnv = path.join(dir, 'python_env.yaml');
  if (exists?.(pythonEnv)) return { type: 'python_env', file: pythonEnv };
  const conda = path.join(dir, 'conda.yaml');
  if (exists?.(conda)) return { type: 'conda_env', file: conda };
  return { type: 'python_env', file: null };
}

function hintFor(keyPath: string | null): string {
  if (keyPath === null) return 'An MLproject is a YAML mapping with entry_points and at most one of conda_env, python_env, docker_env.';
  if (keyPath.startsWith('docker_env')) {
    return 'docker_env needs `image`, and optionally `volumes` (a list of strings) and `environment` (a list of names or [NAME, VALUE] pairs).';
  }
  if (keyPath === 'python_env' || keyPath === 'conda_env') return 'Give the environment file path as a string, relative to the project directory.';
  if (keyPath === 'name') return 'Quote the project name.';
  if (/^entry_points\.[^.]+\.parameters$/.test(keyPath)) return 'Remove the empty `parameters:` line, or declare parameters under it.';
  if (/^entry_points\.[^.]+\.parameters\./.test(keyPath)) return 'Declare a parameter as `name: type` (required) or `name: {type: T, default: D}`.';
  if (/^entry_points\.[^.]+\.command$/.test(keyPath)) return 'Give every entry point a command string (quote it if it contains ": ").';
  return 'entry_points maps each entry point name to a mapping with `parameters` (optional) and `command`; check the indentation.';
}
