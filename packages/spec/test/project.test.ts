import { describe, expect, it } from 'vitest';
import { PyFloat, SpecError, parseProject, type ParseProjectOptions, type Project } from '../src/index.js';

const DIR = '/proj';
const FILE = '/proj/MLproject';
const parse = (text: string, options: Partial<ParseProjectOptions> = {}): Project =>
  parseProject(text, { dir: DIR, file: FILE, ...options });
const fail = (text: string, options: Partial<ParseProjectOptions> = {}): SpecError => {
  try {
    parse(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return error as SpecError;
  }
  throw new Error('expected parseProject to throw');
};

// MLflow's tests/resources/example_project/MLproject (entry points re-typed from the behaviour reference).
const EXAMPLE = `
conda_env: conda.yaml

entry_points:
  main:
    command: "echo 'Main entry point'"
  greeter:
    parameters:
      greeting: {type: string, default: "hi"}
      name: string
    command: "python greeter.py {greeting} {name}"
  line_count:
    parameters:
      path: path
    command: "cat {path} | wc -l"
  test_tracking:
    parameters:
      use_start_run: bool
    command: "python tracking_test.py {use_start_run}"
`;

describe('parseProject: MLflow example project', () => {
  it('reads entry points, parameter types and defaults in file order', () => {
    const project = parse(EXAMPLE, { exists: () => true });
    expect(project.name).toBeNull();
    expect(project.entryPoints.map((ep) => ep.name)).toEqual(['main', 'greeter', 'line_count', 'test_tracking']);
    expect(project.entryPoints[1]).toEqual({
      name: 'greeter',
      parameters: [
        { name: 'greeting', type: 'string', default: 'hi' },
        { name: 'name', type: 'string', default: null },
      ],
      command: 'python greeter.py {greeting} {name}',
    });
    expect(project.entryPoints[3]?.parameters).toEqual([{ name: 'use_start_run', type: 'bool', default: null }]);
    expect(project.env).toEqual({ type: 'conda_env', file: '/proj/conda.yaml' });
  });
  it('keeps YAML-typed defaults: floats as PyFloat, 1e-3 as a string, default: null as required', () => {
    const project = parse(`entry_points:
  main:
    parameters:
      a: {type: float, default: 1.0}
      b: {type: float, default: 1e-3}
      c: {type: int, default: 010}
      d: {default: true}
      e: {type: str, default: null}
      f: {type: "list[int]", default: [64, 32]}
      g: {type:int, default:10}
    command: python train.py`);
    const [a, b, c, d, e, f, g] = project.entryPoints[0]!.parameters;
    expect(a?.default).toEqual(new PyFloat(1, '1.0'));
    expect(b?.default).toBe('1e-3');
    expect(c?.default).toBe(8);
    expect(d).toEqual({ name: 'd', type: 'string', default: true });
    expect(e?.default).toBeNull();
    expect(f).toEqual({ name: 'f', type: 'list[int]', default: [64, 32] });
    // MLflow's own typo: `{type:int, default:10}` has keys "type:int" and "default:10", so it is a required string.
    expect(g).toEqual({ name: 'g', type: 'string', default: null });
  });
  it('keeps command text byte for byte, including the newline of a | block', () => {
    const project = parse('entry_points:\n  main:\n    command: |\n      python fit.py \\\n        --rate {rate}\n');
    expect(project.entryPoints[0]?.command).toBe('python fit.py \\\n  --rate {rate}\n');
  });
  it('ignores unknown keys and reads name', () => {
    const project = parse('name: Weekly sales\nkey: value\nentry_points: {main: {command: x, description: y}}');
    expect(project.name).toBe('Weekly sales');
    expect(project.entryPoints).toEqual([{ name: 'main', parameters: [], command: 'x' }]);
  });
  it('treats empty text with no file as "no MLproject": no entry points, name null, bare env', () => {
    expect(parseProject('', { dir: DIR, file: null })).toEqual({
      name: null, dir: DIR, file: null, entryPoints: [], env: { type: 'python_env', file: null }, warnings: [],
    });
  });
});

describe('parseProject: environment selection (MLflow order)', () => {
  const has = (...names: string[]) => (p: string) => names.some((n) => p === `${DIR}/${n}`);
  it('auto-detects python_env.yaml before conda.yaml, else a bare python env', () => {
    expect(parse('entry_points: {}', { exists: has('python_env.yaml', 'conda.yaml') }).env).toEqual({ type: 'python_env', file: '/proj/python_env.yaml' });
    expect(parse('entry_points: {}', { exists: has('conda.yaml') }).env).toEqual({ type: 'conda_env', file: '/proj/conda.yaml' });
    expect(parse('entry_points: {}', { exists: has() }).env).toEqual({ type: 'python_env', file: null });
  });
  it('uses a declared env file, resolved against the project dir', () => {
    expect(parse('python_env: envs/py.yaml', { exists: () => true }).env).toEqual({ type: 'python_env', file: '/proj/envs/py.yaml' });
    expect(parse('conda_env: ../environment.yml', { exists: () => true }).env).toEqual({ type: 'conda_env', file: '/environment.yml' });
  });
  it('ignores a falsy env key and auto-detects instead', () => {
    expect(parse('conda_env: ~', { exists: has('conda.yaml') }).env).toEqual({ type: 'conda_env', file: '/proj/conda.yaml' });
    expect(parse('docker_env: {}', { exists: has() }).env).toEqual({ type: 'python_env', file: null });
  });
  it('reads docker_env with volumes and environment', () => {
    const project = parse('docker_env:\n  image: repo/img:2.1\n  volumes: ["/a:/b"]\n  environment: [TOKEN, [PORT, 5000], [DEBUG, yes], [K, v]]');
    expect(project.env).toEqual({
      type: 'docker_env', image: 'repo/img:2.1', volumes: ['/a:/b'],
      environment: ['TOKEN', ['PORT', '5000'], ['DEBUG', 'True'], ['K', 'v']],
    });
  });
  it('gives MLflow messages for missing env files', () => {
    let e = fail('python_env: python_env.yaml', { exists: () => false });
    expect(e.code).toBe('ERR_MLPROJECT_SPEC_FILE_NOT_FOUND');
    expect(e.message).toBe('/proj/MLproject: python_env: Project specified python_env file /proj/python_env.yaml, but no such file was found.');
    e = fail('conda_env: env.yml', { exists: () => false });
    expect(e.detail).toBe('Project specified conda environment file /proj/env.yml, but no such file was found.');
  });
  it('rejects more than one env key, even an empty one', () => {
    const e = fail('conda_env: a.yaml\npython_env: ~');
    expect(e.code).toBe('ERR_MLPROJECT_SPEC_INVALID');
    expect(e.message).toBe("/proj/MLproject: Project cannot contain multiple environment fields: {'conda_env', 'python_env'}");
  });
  it('checks env fields before entry points, as MLflow does', () => {
    expect(fail('conda_env: a\ndocker_env: b\nentry_points: 5').detail).toContain('multiple environment fields');
  });
});

describe('parseProject: docker_env errors (MLflow wording)', () => {
  it('requires an image', () => {
    const e = fail('docker_env:\n  volumes: [a]');
    expect(e.keyPath).toBe('docker_env.image');
    expect(e.detail).toBe(
      'Project configuration (MLproject file) was invalid: Docker environment specified but no image attribute found. Found: nothing (the key is missing).',
    );
  });
  it('requires volumes to be a list of strings', () => {
    const e = fail('docker_env: {image: img, volumes: ["/a:/a", 1]}');
    expect(e.keyPath).toBe('docker_env.volumes[1]');
    expect(e.detail).toContain('Docker volumes must be a list of strings');
  });
  it('requires environment items to be names or pairs', () => {
    expect(fail('docker_env: {image: img, environment: [A, 5]}').detail).toContain(
      'environment must be a list containing either strings (to copy environment variables from host system) or lists of string pairs (to define new environment variables).E.g.:',
    );
    expect(fail('docker_env: {image: img, environment: [[A]]}').detail).toBe(
      'expected a [NAME, VALUE] pair: a name string and a string, integer or boolean value, found a list',
    );
  });
  it('rejects a bare string instead of a mapping', () => {
    expect(fail('docker_env: trainer_app').message).toBe(
      '/proj/MLproject: docker_env: expected a mapping with image, volumes and environment, found the string "trainer_app"',
    );
  });
});

describe('parseProject: clean errors where MLflow crashes', () => {
  const cases: [string, string, string, string][] = [
    ['empty file', '', '', 'expected a mapping of MLproject keys (name, entry_points, ...), found an empty file'],
    ['a list', '- a', '', 'expected a mapping of MLproject keys (name, entry_points, conda_env, python_env, docker_env), found a list'],
    ['entry_points: null', 'entry_points:', 'entry_points', 'expected a mapping of entry point names to {parameters, command}, found null (an empty value)'],
    ['parameters: null', 'entry_points:\n  main:\n    parameters:\n    command: x', 'entry_points.main.parameters', 'expected a mapping of parameter names to their specs, found null (an empty value)'],
    ['alpha: 5', 'entry_points:\n  main:\n    parameters:\n      alpha: 5\n    command: x', 'entry_points.main.parameters.alpha', 'expected a type name such as float, or a mapping such as {type: float, default: 0.1}, found the integer 5'],
    ['type: 5', 'entry_points: {main: {parameters: {a: {type: 5}}, command: x}}', 'entry_points.main.parameters.a.type', 'expected a type name such as string, float, int, path or uri, found the integer 5'],
    ['command missing', 'entry_points:\n  main:\n    parameters: {a: int}', 'entry_points.main.command', 'expected a command string, e.g. "python train.py --alpha {alpha}", found nothing (the key is missing)'],
    ['command list', 'entry_points: {main: {command: [a, b]}}', 'entry_points.main.command', 'expected a command string, e.g. "python train.py --alpha {alpha}", found a list'],
    ['dedented command', 'entry_points:\n  main:\n    command: a\n  command: "python score.py"', 'entry_points.command', 'expected a mapping with parameters and command, found the string "python score.py"'],
    ['boolean name', 'entry_points:\n  on:\n    command: x', 'entry_points.true', 'expected an entry point name (a string; quote names such as yes, no, on, off or 1), found the boolean true'],
    ['env path', 'python_env: 5', 'python_env', 'expected the path of an environment YAML file, relative to the project directory, found the integer 5'],
  ];
  for (const [what, text, keyPath, detail] of cases) {
    it(`${what}: one line with file, key path, expected and found`, () => {
      const e = fail(text);
      expect(e.code).toBe('ERR_MLPROJECT_SPEC_INVALID');
      expect([e.file, e.keyPath ?? '', e.detail]).toEqual([FILE, keyPath, detail]);
      expect(e.message).toBe([FILE, keyPath, detail].filter(Boolean).join(': '));
      expect(e.message).not.toContain('\n');
      expect(e.hint).toBeTruthy();
    });
  }
  it('marks databricks_spark_job as unsupported', () => {
    expect(fail('databricks_spark_job: {python_file: x.py}').code).toBe('ERR_MLPROJECT_SPEC_UNSUPPORTED');
  });
});
