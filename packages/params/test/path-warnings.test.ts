import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EntryPoint } from '../../spec/src/index.js';
import { pathWarnings } from '../src/index.js';
import { looksLikePath } from '../src/path-warnings.js';

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
  it('ignores plain words, numbers and dotted names that are not file names, even when they exist from the cwd', () => {
    mkdirSync(path.join(root, 'test'), { recursive: true });
    writeFileSync(path.join(root, '0.5'), '');
    writeFileSync(path.join(root, 'v1.2'), '');
    expect(pathWarnings(ep, { data: 'test', model: 'x', split: 'test', lr: '0.5' }, { cwd: root, projectDir })).toEqual([]);
    expect(pathWarnings(ep, { data: './test', model: 'x', lr: 'test/' }, { cwd: root, projectDir }).map((w) => w.param)).toEqual(['data', 'lr']);
    for (const p of ['a/b', './x', '../x', 'train.csv', 'conf.json', '.env/x', 'model.pt', 'x.tar.gz']) expect(looksLikePath(p), p).toBe(true);
    for (const p of ['test', '0.5', '1e-3', '.', '..', '.hidden', 'v1.2', 'auto', '3.10']) expect(looksLikePath(p), p).toBe(false);
  });
  it('never warns for a default that exists in the project directory', () => {
    writeFileSync(path.join(projectDir, 'conf', 'a.yaml'), '');
    mkdirSync(path.join(root, 'conf2'), { recursive: true });
    const withDefault: EntryPoint = { name: 'main', command: 'x {c}', parameters: [{ name: 'c', type: 'string', default: 'conf/a.yaml' }] };
    expect(pathWarnings(withDefault, {}, { cwd: root, projectDir, exists: () => true })).toEqual([]);
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
