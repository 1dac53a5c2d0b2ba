import { describe, expect, it } from 'vitest';
import { analyzeProject, parseProject, type SpecWarning } from '../src/index.js';

const FILE = '/proj/MLproject';
const warn = (text: string): SpecWarning[] => parseProject(text, { dir: '/proj', file: FILE }).warnings;
const brief = (ws: SpecWarning[]) => ws.map((w) => [w.code, w.keyPath]);

describe('parseProject warnings', () => {
  it('warns about duplicate keys (PyYAML keeps the last), naming both lines', () => {
    const ws = warn('name: a\nentry_points:\n  main:\n    parameters:\n      n: {default: 1}\n      n: {default: 2}\n    command: echo {n}\n    command: echo 2\n  main:\n    command: echo 3\n');
    expect(ws.map((w) => [w.code, w.keyPath, w.detail])).toEqual([
      ['WARN_MLPROJECT_SPEC_DUPLICATE_KEY', 'entry_points.main.parameters.n', 'duplicate key "n" at line 6 (first at line 5); MLflow keeps only the last one'],
      ['WARN_MLPROJECT_SPEC_DUPLICATE_KEY', 'entry_points.main.command', 'duplicate key "command" at line 8 (first at line 7); MLflow keeps only the last one'],
      ['WARN_MLPROJECT_SPEC_DUPLICATE_KEY', 'entry_points.main', 'duplicate key "main" at line 9 (first at line 3); MLflow keeps only the last one'],
    ]);
    expect(ws[0]?.hint).toBe('Remove one of the two; the value at line 5 is ignored.');
    expect(warn('entry_points: {main: {command: a}}\n')).toEqual([]);
  });
  it('says a typo key is simply ignored when the intended key is set too', () => {
    const ws = warn(`entry_points:
  main:
    parameters:
      a: {type: int, default: 1, defualt: 2}
      b: {type: int, type:float}
    command: echo {a}
    comand: x`);
    expect(ws.map((w) => [w.keyPath, w.hint])).toEqual([
      ['entry_points.main.comand', 'Did you mean "command"? "command" is set too, so this key is simply ignored.'],
      ['entry_points.main.parameters.a.defualt', 'Did you mean "default"? "default" is set too, so this key is simply ignored.'],
      ['entry_points.main.parameters.b.type:float', 'Write "type: float" with a space after the colon; YAML reads "type:float" as one key ("type" is set too, so this key is simply ignored).'],
    ]);
  });
  it('flags the typo keys found in real projects and suggests the intended key', () => {
    const ws = warn(`entry_points:
  main:
    parameters:
      n_classes: {type:int, default:10}
      batches: {type: int, defualt: 5}
      lanes: {tpye: str, default: auto}
      leaves: {int: int, default: 3}
    command: python train.py`);
    expect(brief(ws)).toEqual([
      ['WARN_MLPROJECT_SPEC_UNKNOWN_KEY', 'entry_points.main.parameters.n_classes.type:int'],
      ['WARN_MLPROJECT_SPEC_UNKNOWN_KEY', 'entry_points.main.parameters.n_classes.default:10'],
      ['WARN_MLPROJECT_SPEC_UNKNOWN_KEY', 'entry_points.main.parameters.batches.defualt'],
      ['WARN_MLPROJECT_SPEC_UNKNOWN_KEY', 'entry_points.main.parameters.lanes.tpye'],
      ['WARN_MLPROJECT_SPEC_UNKNOWN_KEY', 'entry_points.main.parameters.leaves.int'],
    ]);
    expect(ws[0]?.hint).toMatch(/^Write "type: int" with a space after the colon.*parameter is a string/);
    expect(ws[1]?.hint).toMatch(/^Write "default: 10".*required/);
    expect(ws[2]?.hint).toBe('Did you mean "default"? As written the parameter has no default, so it is required.');
    expect(ws[3]?.hint).toMatch(/^Did you mean "type"\?/);
    expect(ws[4]?.hint).toBe('Did you mean "type: int"?');
    expect(ws[2]?.message).toBe(`${FILE}: entry_points.main.parameters.batches.defualt: unknown key "defualt", which MLflow ignores`);
    for (const w of ws) expect(w.message).not.toContain('\n');
  });
  it('flags unknown type names (MLflow treats them as string), in both declaration forms', () => {
    const ws = warn(`entry_points:
  main:
    parameters:
      a: str
      b: {type: boolean, default: false}
      c: {type: "list[int]", default: [1]}
      d: {type: float, default: 0.1}
      e: path
      f: integr
    command: python train.py`);
    expect(brief(ws)).toEqual([
      ['WARN_MLPROJECT_SPEC_UNKNOWN_TYPE', 'entry_points.main.parameters.a'],
      ['WARN_MLPROJECT_SPEC_UNKNOWN_TYPE', 'entry_points.main.parameters.b.type'],
      ['WARN_MLPROJECT_SPEC_UNKNOWN_TYPE', 'entry_points.main.parameters.c.type'],
      ['WARN_MLPROJECT_SPEC_UNKNOWN_TYPE', 'entry_points.main.parameters.f'],
    ]);
    expect(ws[0]?.detail).toBe('unknown parameter type "str"; MLflow treats it as string');
    expect(ws[0]?.hint).toMatch(/^Did you mean "string"\?/);
    expect(ws[1]?.hint).toMatch(/^Known types: string, float, int, path, uri; use string/);
    expect(ws[3]?.hint).toMatch(/^Did you mean "int"\?/);
  });
  it('flags unknown top-level, entry point and docker_env keys', () => {
    const ws = warn(`name: demo
conda env: conda.yaml
docker_env: {image: python:3.10, volume: ["/a:/a"]}
entry_points:
  main:
    paramters: {alpha: float}
    command: python train.py`);
    expect(brief(ws)).toEqual([
      ['WARN_MLPROJECT_SPEC_UNKNOWN_KEY', 'conda env'],
      ['WARN_MLPROJECT_SPEC_UNKNOWN_KEY', 'docker_env.volume'],
      ['WARN_MLPROJECT_SPEC_UNKNOWN_KEY', 'entry_points.main.paramters'],
    ]);
    expect(ws[0]?.hint).toMatch(/^Did you mean "conda_env"\?/);
    expect(ws[1]?.hint).toBe('Did you mean "volumes"?');
    expect(ws[2]?.hint).toBe('Did you mean "parameters"? As written the entry point declares no parameters.');
  });
  it('gives no warnings for a clean file, and accepts description as documentation', () => {
    expect(warn(`name: demo
python_env: python_env.yaml
entry_points:
  main:
    parameters:
      alpha: {type: float, default: 0.1, description: learning rate}
      data: path
    command: python train.py {alpha} {data}`)).toEqual([]);
  });
  it('names far-off keys without a guess', () => {
    const [w] = warn('entry_points:\n  main:\n    command: x\n    author: me\n');
    expect(w?.hint).toBe('Known keys here: parameters, command. Remove the key or fix its indentation.');
  });
});

describe('analyzeProject: every error at once', () => {
  it('reports each bad entry point and parameter, in file order, with warnings alongside', () => {
    const { project, errors, warnings } = analyzeProject(`entry_points:
  main:
    parameters:
      alpha: 5
      beta: {type: [x]}
      gamma: {type: float, defualt: 1}
    command: python train.py
  eval:
    parameters: {}
  ok:
    command: echo ok
docker_env: {volumes: 3}`, { dir: '/proj', file: FILE });
    expect(project).toBeNull();
    expect(errors.map((e) => [e.code, e.keyPath])).toEqual([
      ['ERR_MLPROJECT_SPEC_INVALID', 'entry_points.main.parameters.alpha'],
      ['ERR_MLPROJECT_SPEC_INVALID', 'entry_points.main.parameters.beta.type'],
      ['ERR_MLPROJECT_SPEC_INVALID', 'entry_points.eval.command'],
      ['ERR_MLPROJECT_SPEC_INVALID', 'docker_env.image'],
      ['ERR_MLPROJECT_SPEC_INVALID', 'docker_env.volumes'],
    ]);
    expect(brief(warnings)).toEqual([['WARN_MLPROJECT_SPEC_UNKNOWN_KEY', 'entry_points.main.parameters.gamma.defualt']]);
  });
  it('throws from parseProject the first of those errors', () => {
    expect(() => parseProject('entry_points:\n  a: {command: 1}\n  b: {command: 2}\n', { dir: '/proj', file: FILE })).toThrow(
      /entry_points\.a\.command: expected a command string/,
    );
    const { errors } = analyzeProject('entry_points:\n  a: {command: 1}\n  b: {command: 2}\n', { dir: '/proj', file: FILE });
    expect(errors.map((e) => e.keyPath)).toEqual(['entry_points.a.command', 'entry_points.b.command']);
  });
});
