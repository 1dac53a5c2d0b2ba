import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PyFloat, type EntryPoint } from '../../spec/src/index.js';
import { ParamsError, computeParameters, type ComputeParametersOptions } from '../src/index.js';

const fail = (ep: EntryPoint, params: Record<string, string>, options?: ComputeParametersOptions): ParamsError => {
  try {
    computeParameters(ep, params, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ParamsError);
    return error as ParamsError;
  }
  throw new Error('expected computeParameters to throw');
};

// MLflow tests/projects/test_entry_point.py::test_params, with the defaults as PyYAML types.
const TEST_PARAMS: EntryPoint = {
  name: 'entry_point_name',
  command: 'command_name script.py',
  parameters: [
    { name: 'alpha', type: 'float', default: null },
    { name: 'l1_ratio', type: 'float', default: new PyFloat(0.1) },
    { name: 'l2_ratio', type: 'float', default: new PyFloat(0.0003) },
    { name: 'random_str', type: 'string', default: 'hello' },
  ],
};

describe('computeParameters (MLflow test_params)', () => {
  it('requires parameters without a default, whatever else is given', () => {
    expect(fail(TEST_PARAMS, {}).message).toBe("No value given for missing parameters: 'alpha'");
    expect(fail(TEST_PARAMS, { beta: '0.004' }).code).toBe('ERR_MLPROJECT_PARAMS_MISSING');
  });
  it('keeps float strings as given and renders float defaults with str()', () => {
    const r = computeParameters(TEST_PARAMS, { alpha: '0.004', gamma: '0.89' });
    expect(r.declared).toEqual({ alpha: '0.004', l1_ratio: '0.1', l2_ratio: '0.0003', random_str: 'hello' });
    expect(r.extra).toEqual({ gamma: '0.89' });
    expect(computeParameters(TEST_PARAMS, { alpha: '-0.99', random_str: 'hi' }).declared).toEqual({
      alpha: '-0.99', l1_ratio: '0.1', l2_ratio: '0.0003', random_str: 'hi',
    });
  });
  it('matches names case-sensitively: ALPHA is an extra', () => {
    const r = computeParameters(TEST_PARAMS, { alpha: '0.77', ALPHA: '0.89' });
    expect(r.declared.alpha).toBe('0.77');
    expect(r.extra).toEqual({ ALPHA: '0.89' });
  });
  it('lists all missing parameters in declaration order', () => {
    const ep: EntryPoint = { name: 'm', command: 'x', parameters: ['b', 'a', 'c'].map((n) => ({ name: n, type: 'string', default: n === 'a' ? 'd' : null })) };
    const e = fail(ep, { z: '1' });
    expect(e.message).toBe("No value given for missing parameters: 'b', 'c'");
    expect(e.hint).toBe('Pass -P b=<string> -P c=<string>.');
  });
  it('shell-quotes every value, declared and extra, and str()s defaults', () => {
    const ep: EntryPoint = {
      name: 'm', command: 'x',
      parameters: [
        { name: 'greeting', type: 'string', default: 'hi there' },
        { name: 'flag', type: 'bool', default: true },
        { name: 'sizes', type: 'list[int]', default: [64, 32] },
        { name: 'empty', type: 'str', default: '' },
        { name: 'lr', type: 'float', default: new PyFloat(1e-6) },
      ],
    };
    expect(computeParameters(ep, { extra: "it's" })).toEqual({
      declared: { greeting: "'hi there'", flag: 'True', sizes: "'[64, 32]'", empty: "''", lr: '1e-06' },
      extra: { extra: `'it'"'"'s'` },
    });
  });
  it('refuses extra names that are unsafe as --flags (MLflow passes them unquoted)', () => {
    for (const name of ['a b', 'x;rm -rf ~', '-x', '1st', '']) {
      const e = fail(TEST_PARAMS, { alpha: '1', [name]: 'v' });
      expect(e.code).toBe('ERR_MLPROJECT_PARAMS_INVALID_NAME');
      expect(e.message).toBe(`Invalid parameter name '${name}': entry point 'entry_point_name' does not declare it, so it would be passed on as the flag --${name}`);
    }
    expect(computeParameters(TEST_PARAMS, { alpha: '1', 'batch-size': '2', 'a.b_c': '3' }).extra).toEqual({ 'batch-size': '2', 'a.b_c': '3' });
  });
});

describe('computeParameters: uri and path types', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mlproject-params-'));
    await mkdir(path.join(dir, 'data dir'));
    await writeFile(path.join(dir, 'data dir', 'train.csv'), 'a,b\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const uri: EntryPoint = { name: 'download_uri', command: 'curl {uri} | wc -l', parameters: [{ name: 'uri', type: 'uri', default: null }] };
  const line: EntryPoint = { name: 'line_count', command: 'cat {path} | wc -l', parameters: [{ name: 'path', type: 'path', default: null }] };

  it('accepts any URI with a scheme and passes it unchanged', () => {
    for (const v of ['s3://b/k', `file://${dir}`, 'runs:/abc/model', 'C:\\data']) expect(computeParameters(uri, { uri: v }).declared.uri).toBe(v.includes('\\') ? `'${v}'` : v);
  });
  it("rejects a plain path for a uri parameter with MLflow's message", () => {
    const e = fail(uri, { uri: dir });
    expect(e.code).toBe('ERR_MLPROJECT_PARAMS_INVALID_URI');
    expect(e.message).toBe(`Expected URI for parameter uri but got ${dir}`);
  });
  it('checks uri defaults too', () => {
    const ep: EntryPoint = { ...uri, parameters: [{ name: 'uri', type: 'uri', default: 'data/x' }] };
    expect(fail(ep, {}).message).toBe('Expected URI for parameter uri but got data/x');
  });
  it('makes existing local paths absolute against cwd, decoding file: URIs and %XX', () => {
    const abs = path.join(dir, 'data dir', 'train.csv');
    const quoted = `'${abs}'`;
    expect(computeParameters(line, { path: 'data dir/train.csv' }, { cwd: dir }).declared.path).toBe(quoted);
    expect(computeParameters(line, { path: 'data%20dir/train.csv' }, { cwd: dir }).declared.path).toBe(quoted);
    expect(computeParameters(line, { path: `file://${abs.replace(' ', '%20')}` }).declared.path).toBe(quoted);
    expect(computeParameters(line, { path: `${dir}/data dir/` }).declared.path).toBe(`'${path.join(dir, 'data dir')}'`);
  });
  it("rejects a missing local path with MLflow's message, defaults included", () => {
    const e = fail(line, { path: 'nope.csv' }, { cwd: dir });
    expect(e.code).toBe('ERR_MLPROJECT_PARAMS_PATH_NOT_FOUND');
    expect(e.message).toBe('Got value nope.csv for parameter path, but no such file or directory was found.');
    expect(e.hint).toContain(`current directory (${dir})`);
    const withDefault: EntryPoint = { ...line, parameters: [{ name: 'path', type: 'path', default: 'data/missing' }] };
    expect(fail(withDefault, {}, { cwd: dir }).code).toBe('ERR_MLPROJECT_PARAMS_PATH_NOT_FOUND');
  });
  it('reports missing parameters before bad paths', () => {
    const ep: EntryPoint = { ...line, parameters: [{ name: 'path', type: 'path', default: 'missing' }, { name: 'n', type: 'int', default: null }] };
    expect(fail(ep, {}).code).toBe('ERR_MLPROJECT_PARAMS_MISSING');
  });
  it('refuses remote path values: downloading is not supported yet', () => {
    for (const v of ['s3://bucket/images.tgz', 'dbfs:/images.tgz', 'gs://b/x', 'file://host/x']) {
      const e = fail(line, { path: v });
      expect(e.code).toBe('ERR_MLPROJECT_PARAMS_REMOTE_PATH_UNSUPPORTED');
      expect(e.message).toBe(`Got value ${v} for parameter path, a remote URI; downloading remote values of path parameters is not supported yet`);
    }
  });
  it('leaves path values raw when resolvePaths is false (what MLflow logs)', () => {
    expect(computeParameters(line, { path: 's3://bucket/x' }, { resolvePaths: false }).declared.path).toBe('s3://bucket/x');
    expect(computeParameters(line, { path: 'nope.csv' }, { resolvePaths: false }).declared.path).toBe('nope.csv');
  });
});
