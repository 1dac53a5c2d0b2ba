import { describe, expect, it } from 'vitest';
import { SpecError, analyzeCondaEnv, condaToPythonEnv, parseCondaEnv } from '../src/index.js';

const FILE = '/proj/conda.yaml';
// MLflow's tests/resources/example_virtualenv_conda_project/conda.yaml
const EXAMPLE = `name: example
channels:
  - conda-forge
dependencies:
  - python=3.10.19
  - numpy
  - pip
  - pip:
      - mlflow
      - scikit-learn==1.4.2
`;

describe('parseCondaEnv', () => {
  it('reads name, channels and dependencies with the pip list as {pip}', () => {
    expect(parseCondaEnv(EXAMPLE, FILE)).toEqual({
      name: 'example',
      channels: ['conda-forge'],
      dependencies: ['python=3.10.19', 'numpy', 'pip', { pip: ['mlflow', 'scikit-learn==1.4.2'] }],
    });
  });
  it('defaults missing lists to [] and leaves out a missing name', () => {
    expect(parseCondaEnv('dependencies:\n  - python=3.9\nprefix: /opt/conda/envs/x\n', FILE)).toEqual({ channels: [], dependencies: ['python=3.9'] });
  });
  it('reports every bad dependency, with MLflow wording for non-pip mappings', () => {
    const { env, errors } = analyzeCondaEnv('dependencies:\n  - 5\n  - {conda: [x]}\n  - pip: [mlflow, 3]\n', FILE);
    expect(env).toBeNull();
    expect(errors.map((e) => e.keyPath)).toEqual(['dependencies[0]', 'dependencies[1]', 'dependencies[2]']);
    expect(errors[0]?.detail).toBe('Invalid conda dependency. Must be str or dict in the form of {"pip": [...]} Found: the integer 5.');
    expect(errors[2]?.detail).toBe('expected a list of pip requirement lines (strings) under pip, found a list');
  });
  it('says so when a python_env file is given as a conda file', () => {
    const { errors } = analyzeCondaEnv('python: "3.10"\ndependencies: 3\n', FILE);
    expect(errors[0]?.hint).toBe('This looks like a python_env file: point python_env (not conda_env) at it.');
  });
});

describe('condaToPythonEnv (what virtualenv and uv make of conda.yaml)', () => {
  it('keeps pinned python, pip/setuptools/wheel as build deps (= becomes ==), the pip list; warns about the rest', () => {
    const { env, warnings } = condaToPythonEnv(parseCondaEnv(`${EXAMPLE}  - setuptools=69.0\n  - libgomp\n`, FILE), FILE);
    expect(env).toEqual({ python: '3.10.19', buildDependencies: ['pip', 'setuptools==69.0'], dependencies: ['mlflow', 'scikit-learn==1.4.2'] });
    expect(warnings.map((w) => w.detail)).toEqual(['a virtualenv build does not install these conda packages: numpy, libgomp']);
  });
  it('warns when python is not pinned at all (the current Python is used)', () => {
    const { env, warnings } = condaToPythonEnv({ channels: [], dependencies: ['numpy'] }, FILE);
    expect(env.python).toBeNull();
    expect(warnings.map((w) => w.code)).toEqual(['WARN_MLPROJECT_SPEC_CONDA_VIRTUALENV', 'WARN_MLPROJECT_SPEC_CONDA_VIRTUALENV']);
    expect(warnings[0]?.detail).toBe('no python version; a virtualenv build uses the current Python');
  });
  it('says to drop the build string of python=3.10.12=h955ad1f_0 (or the .* of python=3.10.*), not to move python under pip', () => {
    const { env, warnings } = condaToPythonEnv({ channels: [], dependencies: ['python=3.10.12=h955ad1f_0', 'numpy'] }, FILE);
    expect(env.python).toBeNull();
    expect(warnings.map((w) => [w.keyPath, w.detail, w.hint])).toEqual([
      ['dependencies[0]', 'a virtualenv build cannot read the python version of python=3.10.12=h955ad1f_0, and uses the current Python', 'Write python=3.10.12 (drop the build string "=h955ad1f_0"); conda reads it the same way.'],
      ['dependencies', 'a virtualenv build does not install these conda packages: numpy', expect.stringMatching(/^List them under pip/)],
    ]);
    const [star] = condaToPythonEnv({ channels: [], dependencies: ['python=3.10.*'] }, FILE).warnings;
    expect(star?.hint).toBe('Write python=3.10 (drop ".*"); conda reads it the same way.');
  });
  it("refuses an unpinned python and < > != with MLflow's messages", () => {
    const refuse = (dep: string): SpecError => {
      try {
        condaToPythonEnv({ channels: [], dependencies: ['pip', dep] }, FILE);
      } catch (error) {
        expect(error).toBeInstanceOf(SpecError);
        return error as SpecError;
      }
      throw new Error('expected a SpecError');
    };
    expect(refuse('python').detail).toBe('Invalid dependency for python: python. It must be pinned (e.g. python=3.8.13).');
    expect(refuse('python<3.11').detail).toBe("Invalid version comparator for python: '<'. Must be one of ['<=', '>=', '=', '=='].");
    expect(refuse('python!=3.8').keyPath).toBe('dependencies[1]');
    expect(condaToPythonEnv({ channels: [], dependencies: ['python>=3.9'] }, FILE).env.python).toBe('3.9');
  });
});
