import path from 'node:path';
import * as v from 'valibot';
import { SpecError } from './errors.js';
import { readText } from './read.js';
import type { PythonEnv } from './types.js';
import { collectEnvFile, expected, mapping, orDefault } from './validate.js';
import { PyFloat } from './values.js';

function pythonMessage(issue: v.BaseIssue<unknown>): string {
  const base = expected('a Python version string such as "3.10"')(issue);
  if (issue.input instanceof PyFloat || typeof issue.input === 'number') {
    return `${base}; YAML reads an unquoted version as a number (3.10 is 3.1), so quote it: python: "${String(
      issue.input instanceof PyFloat ? issue.input.source : issue.input,
    )}"`;
  }
  return base;
}

const requirements = (what: string) =>
  orDefault(v.array(v.string(expected('a pip requirement line (a string)')), expected(what)), [] as string[]);

/** The structure of a python_env.yaml (unknown keys are errors, as in MLflow's `_PythonEnv(**yaml)`). */
export const PythonEnvSpec = v.pipe(
  mapping(
    {
      // MLflow: `python` must be a str; an empty one means "the current interpreter's version".
      python: v.pipe(
        orDefault(
          v.pipe(
            v.string(pythonMessage),
            v.transform((p) => (p === '' ? null : p)),
          ),
          null,
        ),
        v.metadata({ description: 'The Python version, quoted ("3.10"; unquoted 3.10 is the number 3.1). Default: the current interpreter.', examples: ['3.10'] }),
      ),
      build_dependencies: v.pipe(
        requirements('a list of pip requirements such as [pip, wheel]'),
        v.description('pip requirements installed first, e.g. [pip, setuptools, wheel].'),
      ),
      dependencies: v.pipe(
        requirements('a list of pip requirements such as ["-r requirements.txt"]'),
        v.description('pip requirement lines: names with versions, -r requirements.txt (relative to the project), -e ., URLs.'),
      ),
    },
    'a mapping with python, build_dependencies and dependencies',
    true,
  ),
  v.title('python_env.yaml'),
  v.description('A Python environment for virtualenv / uv builds, as `mlflow run` reads it (python_env in MLproject).'),
);

/**
 * Parse the text of a `python_env.yaml` file.
 *
 * Mirrors `mlflow/utils/environment.py::_PythonEnv.from_yaml` (`_PythonEnv(**yaml.safe_load(f))`):
 * only the keys `python`, `build_dependencies` and `dependencies`; `python` must be a string (an
 * unquoted `3.10` is the float 3.1 and is rejected with a hint to quote it); a missing or null list
 * is `[]`. Where MLflow raises a raw TypeError (empty file, unknown key) this throws a SpecError.
 *
 * @param file - absolute path of the file, used in error messages
 * @throws {@link SpecError} the first problem: `ERR_MLPROJECT_SPEC_YAML` or `ERR_MLPROJECT_SPEC_INVALID`
 */
export function parsePythonEnv(text: string, file: string): PythonEnv {
  const { env, errors } = analyzePythonEnv(text, file);
  if (errors[0] !== undefined) throw errors[0];
  return env!;
}

/**
 * Like {@link parsePythonEnv}, but returns every problem (e.g. each unknown key) instead of throwing
 * the first; `env` is null when there is any.
 */
export function analyzePythonEnv(text: string, file: string): { env: PythonEnv | null; errors: SpecError[] } {
  const result = collectEnvFile(text, file, PythonEnvSpec, 'a mapping with python, build_dependencies and dependencies', (raw, keyPath) =>
    raw instanceof Map && (raw.has('channels') || raw.has('name'))
      ? 'This looks like a conda environment file: point conda_env (not python_env) at it.'
      : keyPath === 'python'
        ? 'Write the version as a quoted string, e.g. python: "3.10".'
        : 'A python_env file has only python (a quoted version), build_dependencies and dependencies (lists of pip requirements).');
  if (!result.ok) return { env: null, errors: result.errors };
  const env = result.output;
  return { env: { python: env.python, buildDependencies: env.build_dependencies, dependencies: env.dependencies }, errors: [] };
}

/**
 * Read and parse a `python_env.yaml` file (UTF-8, as MLflow opens it).
 *
 * @throws {@link SpecError} `ERR_MLPROJECT_SPEC_FILE_NOT_FOUND` if the file does not exist, and the
 *   errors of {@link parsePythonEnv}
 */
export async function readPythonEnv(file: string): Promise<PythonEnv> {
  const abs = path.resolve(file);
  return parsePythonEnv(await readText(abs), abs);
}
