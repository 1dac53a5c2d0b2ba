import { describe, expect, it } from 'vitest';
import { SpecError, parsePythonEnv } from '../src/index.js';

const FILE = '/proj/python_env.yaml';
const fail = (text: string): SpecError => {
  try {
    parsePythonEnv(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return error as SpecError;
  }
  throw new Error('expected parsePythonEnv to throw');
};

describe('parsePythonEnv', () => {
  it('reads MLflow example python_env.yaml', () => {
    expect(parsePythonEnv('python: "3.10.19"\nbuild_dependencies:\n  - pip\ndependencies:\n  - -r requirements.txt\n', FILE)).toEqual({
      python: '3.10.19', buildDependencies: ['pip'], dependencies: ['-r requirements.txt'],
    });
  });
  it('defaults a missing python to null (current interpreter) and missing or null lists to []', () => {
    expect(parsePythonEnv('build_dependencies: [pip]', FILE)).toEqual({ python: null, buildDependencies: ['pip'], dependencies: [] });
    expect(parsePythonEnv('python: ""\ndependencies: ~', FILE)).toEqual({ python: null, buildDependencies: [], dependencies: [] });
  });
  it('rejects an unquoted version (3.10 is the float 3.1) and says to quote it', () => {
    const e = fail('python: 3.10');
    expect(e.code).toBe('ERR_MLPROJECT_SPEC_INVALID');
    expect(e.keyPath).toBe('python');
    expect(e.message).toBe(
      '/proj/python_env.yaml: python: expected a Python version string such as "3.10", found the float 3.10; YAML reads an unquoted version as a number (3.10 is 3.1), so quote it: python: "3.10"',
    );
    expect(e.hint).toBe('Write the version as a quoted string, e.g. python: "3.10".');
  });
  it('rejects unknown keys (MLflow: TypeError), pointing conda files to conda_env', () => {
    const e = fail('name: x\nchannels: [conda-forge]\ndependencies: [python=3.10]');
    expect(e.message).toBe('/proj/python_env.yaml: name: unknown key "name"; expected only python, build_dependencies, dependencies');
    expect(e.hint).toBe('This looks like a conda environment file: point conda_env (not python_env) at it.');
    expect(fail('python_env:\n  python: "3.12"').keyPath).toBe('python_env');
  });
  it('rejects an empty file, a string instead of a list, and non-string requirements', () => {
    expect(fail('').detail).toBe('expected a mapping with python, build_dependencies and dependencies, found an empty file');
    expect(fail('dependencies: "-r requirements.txt"').detail).toBe(
      'expected a list of pip requirements such as ["-r requirements.txt"], found the string "-r requirements.txt"',
    );
    expect(fail('dependencies: [1]').keyPath).toBe('dependencies[0]');
  });
});
