import path from 'node:path';
import * as v from 'valibot';
import { SpecError } from './errors.js';
import { readText } from './read.js';
import type { CondaEnv, PythonEnv, SpecWarning } from './types.js';
import { collectEnvFile, expected, mapping, mlflowMessage, orDefault } from './validate.js';
import { specWarning } from './warnings.js';
import { describeValue } from './values.js';

const INVALID_DEPENDENCY = 'Invalid conda dependency. Must be str or dict in the form of {"pip": [...]}';
const PIP_LIST = 'a list of pip requirement lines (strings) under pip';

const isPipList = (x: unknown): x is string[] => Array.isArray(x) && x.every((item) => typeof item === 'string');

// MLflow (`_is_pip_deps`): a dict with a "pip" key; other keys of that dict are ignored.
function isDependency(x: unknown): x is string | Map<unknown, unknown> {
  return typeof x === 'string' || (x instanceof Map && x.has('pip') && isPipList(x.get('pip')));
}

function dependencyMessage(issue: v.BaseIssue<unknown>): string {
  const input = issue.input;
  if (input instanceof Map && input.has('pip')) return `expected ${PIP_LIST}, found ${describeValue(input.get('pip'))}`;
  return mlflowMessage(INVALID_DEPENDENCY)(issue);
}

/** One `dependencies` item: a conda package spec, or `{pip: [...]}`. */
const CondaDependency = v.pipe(
  v.custom<string | Map<unknown, unknown>>(isDependency, dependencyMessage),
  v.transform((x): string | { pip: string[] } => (typeof x === 'string' ? x : { pip: x.get('pip') as string[] })),
  // For the JSON Schema generator (scripts/generate-schemas.mjs): the shapes the check above accepts.
  v.metadata({
    inputShapes: [
      v.pipe(v.string(), v.description('A conda package spec, e.g. python=3.10, pip or numpy=1.26.')),
      v.pipe(v.object({ pip: v.array(v.string()) }), v.description('pip requirement lines, e.g. [mlflow, "-r requirements.txt"].')),
    ],
  }),
);

/** The structure of a conda.yaml; `prefix` and `variables` are conda keys MLflow ignores. */
export const CondaEnvSpec = v.pipe(
  mapping(
    {
      name: v.pipe(orDefault(v.string(expected('an environment name (a string)')), null), v.description('The conda environment name (MLflow names the env itself).')),
      channels: v.pipe(
        orDefault(v.array(v.string(expected('a channel name (a string)')), expected('a list of channel names such as [conda-forge]')), [] as string[]),
        v.description('Conda channels, e.g. [conda-forge, defaults].'),
      ),
      dependencies: v.pipe(
        orDefault(v.array(CondaDependency, expected('a list of conda package specs and one {pip: [...]} list')), [] as (string | { pip: string[] })[]),
        v.description('Conda packages, and a {pip: [...]} list. A virtualenv build keeps only python (pinned), pip, setuptools, wheel and the pip list.'),
      ),
      prefix: v.pipe(v.unknown(), v.description('Ignored by MLflow.')),
      variables: v.pipe(v.unknown(), v.description('Ignored by MLflow.')),
    },
    'a mapping with name, channels and dependencies',
  ),
  v.title('conda.yaml'),
  v.description('A conda environment file, as `mlflow run` reads it (conda_env in MLproject).'),
);

/**
 * Parse the text of a conda environment file (`conda.yaml`, `environment.yml`).
 *
 * Mirrors what MLflow reads of it (`mlflow/utils/environment.py::_PythonEnv.get_dependencies_from_conda_yaml`,
 * `_is_pip_deps`): `dependencies` items are strings or a mapping with a `pip` list; any other item is
 * "Invalid conda dependency". A missing or null list is `[]`; other keys are ignored.
 *
 * @param file - absolute path of the file, used in error messages
 * @returns `{ name?, channels, dependencies }`
 * @throws {@link SpecError} the first problem: `ERR_MLPROJECT_SPEC_YAML` or `ERR_MLPROJECT_SPEC_INVALID`
 */
export function parseCondaEnv(text: string, file: string): CondaEnv {
  const { env, errors } = analyzeCondaEnv(text, file);
  if (errors[0] !== undefined) throw errors[0];
  return env!;
}

/** Like {@link parseCondaEnv}, but returns every problem instead of throwing the first; `env` is null when there is any. */
export function analyzeCondaEnv(text: string, file: string): { env: CondaEnv | null; errors: SpecError[] } {
  const result = collectEnvFile(text, file, CondaEnvSpec, 'a mapping with name, channels and dependencies', (raw) =>
    raw instanceof Map && (raw.has('python') || raw.has('build_dependencies'))
      ? 'This looks like a python_env file: point python_env (not conda_env) at it.'
      : 'A conda file has name, channels and dependencies: conda package strings and one {pip: [...]} list.');
  if (!result.ok) return { env: null, errors: result.errors };
  const { name, channels, dependencies } = result.output;
  return { env: name === null ? { channels, dependencies } : { name, channels, dependencies }, errors: [] };
}

/**
 * Read and parse a conda environment file (UTF-8).
 *
 * @throws {@link SpecError} `ERR_MLPROJECT_SPEC_FILE_NOT_FOUND` and the errors of {@link parseCondaEnv}
 */
export async function readCondaEnv(file: string): Promise<CondaEnv> {
  const abs = path.resolve(file);
  return parseCondaEnv(await readText(abs), abs);
}

// mlflow/utils/environment.py::_CONDA_DEPENDENCY_REGEX (same alternation order, same backtracking).
const CONDA_DEPENDENCY = /^(python|pip|setuptools|wheel)(<|>|<=|>=|=|==|!=)?([\d.]+)?$/;
// A python pin MLflow's pattern misses because of what follows the version: `=h955ad1f_0`, `.*`, `*`.
const PYTHON_WITH_EXTRA = /^(python(?:<=|>=|==|=)\d+(?:\.\d+)*)((?:\.?\*|=).*)$/;

/**
 * What a virtualenv / uv build makes of a conda file: `python` from the first `python<op><version>`
 * item, `pip` / `setuptools` / `wheel` as build dependencies (`=` becomes `==`), the last `{pip: [...]}`
 * list as dependencies. Other conda packages are dropped, and a missing python means "the current
 * interpreter's version" (`python: null`): both are returned as warnings, as MLflow logs them.
 *
 * Mirrors `mlflow/utils/environment.py::_PythonEnv.get_dependencies_from_conda_yaml`.
 *
 * @throws {@link SpecError} `ERR_MLPROJECT_SPEC_INVALID` with MLflow's messages: "Invalid dependency for
 *   python: python. It must be pinned (e.g. python=3.8.13)." and "Invalid version comparator for python:
 *   '<'. Must be one of ['<=', '>=', '=', '==']."
 */
export function condaToPythonEnv(env: CondaEnv, file: string): { env: PythonEnv; warnings: SpecWarning[] } {
  let python: string | null = null;
  const buildDependencies: string[] = [];
  let dependencies: string[] = [];
  const dropped: string[] = [];
  env.dependencies.forEach((dep, index) => {
    if (typeof dep !== 'string') {
      dependencies = dep.pip;
      return;
    }
    const match = CONDA_DEPENDENCY.exec(dep);
    if (!match) {
      dropped.push(dep);
      return;
    }
    const [, pkg, op, version] = match;
    if (python === null && pkg === 'python') {
      const keyPath = `dependencies[${index}]`;
      const hint = 'Pin python with =, ==, <= or >=, e.g. python=3.10.';
      if (op === undefined) {
        throw new SpecError('ERR_MLPROJECT_SPEC_INVALID', `Invalid dependency for python: ${dep}. It must be pinned (e.g. python=3.8.13).`, { file, keyPath, hint });
      }
      if (op === '<' || op === '>' || op === '!=') {
        throw new SpecError('ERR_MLPROJECT_SPEC_INVALID', `Invalid version comparator for python: '${op}'. Must be one of ['<=', '>=', '=', '=='].`, { file, keyPath, hint });
      }
      python = version ?? null;
      return;
    }
    buildDependencies.push(`${pkg!}${op === '=' ? '==' : (op ?? '')}${version ?? ''}`);
  });
  const warnings: SpecWarning[] = [];
  // `python=3.10.12=h955ad1f_0` (a build string, as `conda env export` writes it) or `python=3.10.*`:
  // MLflow's pattern does not match, so the pin is silently lost.
  const unreadPython = python === null ? dropped.map((dep) => PYTHON_WITH_EXTRA.exec(dep)).find((m) => m !== null) : undefined;
  if (unreadPython) {
    const [dep, pin, rest] = unreadPython as unknown as [string, string, string];
    const what = rest.startsWith('=') ? `drop the build string ${JSON.stringify(rest)}` : `drop ${JSON.stringify(rest)}`;
    warnings.push(specWarning('WARN_MLPROJECT_SPEC_CONDA_VIRTUALENV', `a virtualenv build cannot read the python version of ${dep}, and uses the current Python`, {
      file,
      keyPath: `dependencies[${env.dependencies.indexOf(dep)}]`,
      hint: `Write ${pin} (${what}); conda reads it the same way.`,
    }));
    dropped.splice(dropped.indexOf(dep), 1);
  } else if (python === null) {
    warnings.push(specWarning('WARN_MLPROJECT_SPEC_CONDA_VIRTUALENV', 'no python version; a virtualenv build uses the current Python', {
      file,
      keyPath: 'dependencies',
      hint: 'Add a pinned python to dependencies, e.g. python=3.10.',
    }));
  }
  if (dropped.length > 0) {
    warnings.push(specWarning('WARN_MLPROJECT_SPEC_CONDA_VIRTUALENV', `a virtualenv build does not install these conda packages: ${dropped.join(', ')}`, {
      file,
      keyPath: 'dependencies',
      hint: 'List them under pip: (with == instead of =) so that virtualenv and uv builds install them too.',
    }));
  }
  return { env: { python, buildDependencies, dependencies }, warnings };
}
