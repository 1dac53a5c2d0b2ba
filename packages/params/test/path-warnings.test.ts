import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EntryPoint } from '../../spec/src/index.js';
import { pathWarnings } from '../src/index.js';

// A real tree: <root>/data/train.csv next to the user, the project in <root>/project, which has its own conf/.
const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'params-pathwarn-')));
const projectDir = path.join(root, 'project');
mkdirSync(path.join(root, 'data'));
mkdirSync(path.join(projectDir, 'conf'), { recursive: true });
writeFileSync(path.join(root, 'data', 'train.csv'), 'x\n');
writeFileSync(path.join(root, 'conf'), 'cwd has a file called conf too\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ep: EntryPoint = {
  name: 'main',
  command: 'python train.py {data} {conf} {model} {input} {source} {n}',
  parameters: [
    { name: 'data', type: 'string', default: null },
    { name: 'conf', type: 'str', default: 'conf' },
    { name: 'model', type: 'str', default: 'data/train.csv' },
    { name: 'input', type: 'path', default: 'data/train.csv' },
    { name: 'source', type: 'uri', default: 'file:data/train.csv' },
    { name: 'n', type: 'int', default: 3 },
  ],
};

describe('pathWarnings', () => {
  it('warns for a user value and a default that exist from the cwd only, then for extras', () => {
    const warnings = pathWarnings(ep, { data: 'data/train.csv', extra_file: './data/train.csv' }, { cwd: root, projectDir });
    expect(warnings.map((w) => w.param)).toEqual(['data', 'model', 'extra_file']);
    const [data, , extra] = warnings;
    expect(data?.code).toBe('WARN_MLPROJECT_PARAMS_RELATIVE_PATH');
    expect(data?.message).toBe(
      `Parameter data is the relative path 'data/train.csv', which exists in the current directory (${root}) but not in the ` +
        `project directory (${projectDir}); the command runs in the project directory, so the path will not resolve there`,
    );
    expect(data?.hint).toBe(
      `Declare data with type: path in the MLproject (its value is then made absolute against the current directory), ` +
        `or pass an absolute path: -P data=${root}/data/train.csv.`,
    );
    expect(extra?.hint).toContain('Declare extra_file under entry_points.main.parameters with type: path');
  });
  it('is silent when the path also exists in the project, is absolute, a URI, empty, or cwd is the project', () => {
    expect(pathWarnings(ep, { data: 'conf', model: '' }, { cwd: root, projectDir })).toEqual([]);
    expect(pathWarnings(ep, { data: `${root}/data/train.csv`, model: 'file:data/train.csv' }, { cwd: root, projectDir })).toEqual([]);
    expect(pathWarnings(ep, { data: 'data/train.csv' }, { cwd: projectDir, projectDir })).toEqual([]);
    expect(pathWarnings(ep, { data: 'nope.csv', model: 'x' }, { cwd: root, projectDir })).toEqual([]);
  });
  it('uses the exists function it is given', () => {
    const exists = (p: string): boolean => p === '/home/u/in.txt';
    const warnings = pathWarnings(ep, { data: 'in.txt', model: 'x' }, { cwd: '/home/u', projectDir: '/home/u/proj', exists });
    expect(warnings.map((w) => w.param)).toEqual(['data']);
  });
  it('quotes the suggested -P argument when the path has spaces', () => {
    writeFileSync(path.join(root, 'my data.csv'), '');
    const [w] = pathWarnings(ep, { data: 'my data.csv', model: 'x' }, { cwd: root, projectDir });
    expect(w?.hint).toContain(`-P 'data=${root}/my data.csv'.`);
  });
});
