import { describe, expect, it } from 'vitest';
import { SpecError, getEntryPoint, parseProject, type Project } from '../src/index.js';

const project = parseProject('entry_points:\n  main: {command: "echo main"}\n  train.py: {command: "python other.py"}\n  "it\'s": {command: x}', {
  dir: '/proj',
  file: '/proj/MLproject',
});
const none: Project = parseProject('', { dir: '/proj', file: null });
const fail = (p: Project, name: string): SpecError => {
  try {
    getEntryPoint(p, name);
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return error as SpecError;
  }
  throw new Error('expected getEntryPoint to throw');
};

describe('getEntryPoint', () => {
  it('returns a declared entry point, even one whose name ends in .py', () => {
    expect(getEntryPoint(project, 'main')).toEqual({ name: 'main', parameters: [], command: 'echo main' });
    expect(getEntryPoint(project, 'train.py').command).toBe('python other.py');
  });
  it('runs undeclared .py with python and .sh with bash, shell-quoted', () => {
    expect(getEntryPoint(project, 'my_script.py')).toEqual({ name: 'my_script.py', parameters: [], command: 'python my_script.py' });
    expect(getEntryPoint(project, 'my_script.sh').command).toBe('bash my_script.sh');
    expect(getEntryPoint(project, 'dir/my script.py').command).toBe("python 'dir/my script.py'");
    expect(getEntryPoint(project, "it's.sh").command).toBe(`bash 'it'"'"'s.sh'`);
    expect(getEntryPoint(none, 'a.b.py').command).toBe('python a.b.py');
  });
  it('runs undeclared .R scripts as MLflow does', () => {
    expect(getEntryPoint(project, 'train.R').command).toBe(`Rscript -e "mlflow::mlflow_source('train.R')" --args`);
  });
  it('fails with MLflow message for other names, listing entry points like a Python list', () => {
    const e = fail(project, 'my_program.scala');
    expect(e.code).toBe('ERR_MLPROJECT_SPEC_ENTRY_POINT_NOT_FOUND');
    expect(e.detail).toBe(
      `Could not find my_program.scala among entry points ['main', 'train.py', "it's"] or interpret my_program.scala as a runnable script. Supported script file extensions: ['.py', '.sh']`,
    );
    expect(e.message).toBe(`/proj/MLproject: entry_points: ${e.detail}`);
  });
  it('matches extensions like os.path.splitext: case-sensitive, leading dots are not an extension', () => {
    for (const name of ['.py', 'dir/..py', 'TRAIN.PY', 'train.py.bak', 'train']) expect(fail(project, name).code).toBe('ERR_MLPROJECT_SPEC_ENTRY_POINT_NOT_FOUND');
    expect(getEntryPoint(project, '.hidden.py').command).toBe('python .hidden.py');
  });
  it('explains the default entry point of a project with no MLproject', () => {
    const e = fail(none, 'main');
    expect(e.message).toBe("Could not find main among entry points [] or interpret main as a runnable script. Supported script file extensions: ['.py', '.sh']");
    expect(e.hint).toBe('/proj has no MLproject file; name a script to run, e.g. -e train.py.');
  });
  it('does not point at entry_points in an MLproject that has none ({})', () => {
    const empty = parseProject('{}\n', { dir: '/proj', file: '/proj/MLproject' });
    const e = fail(empty, 'main');
    expect(e.keyPath).toBeNull();
    expect(e.message).toBe(`/proj/MLproject: ${e.detail}`);
    expect(e.hint).toBe('The MLproject declares no entry points; add some, or name a script to run, e.g. -e train.py.');
  });
});

describe('errors stay one line whatever they quote', () => {
  it('escapes line breaks in an entry point name', () => {
    const project = parseProject('entry_points:\n  main: {command: x}\n', { dir: '/p', file: '/p/MLproject' });
    for (const name of ['a\nb', 'a\u2028b', 'a\rb', 'a\u0085b']) {
      try {
        getEntryPoint(project, name);
        throw new Error('expected a SpecError');
      } catch (error) {
        expect((error as Error).message).not.toMatch(/[\n\r\v\f\u0085\u2028\u2029]/);
        expect((error as Error).message).toContain('Could not find a');
      }
    }
  });
});
