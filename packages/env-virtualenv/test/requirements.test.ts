import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PythonEnvDeclaration } from '@mlproject/env';
import { absolutize, localPaths, logicalLines, parseReference, readRequirementFiles, virtualenvKey, type Interpreter } from '../src/index.js';

describe('parseReference', () => {
  it('reads every spelling of -r and -c', () => {
    expect(parseReference('-r requirements.txt')).toEqual({ option: '-r', target: 'requirements.txt' });
    expect(parseReference('-rreqs/base.txt')).toEqual({ option: '-r', target: 'reqs/base.txt' });
    expect(parseReference('--requirement=a.txt  # comment')).toEqual({ option: '-r', target: 'a.txt' });
    expect(parseReference('--constraint c.txt')).toEqual({ option: '-c', target: 'c.txt' });
    expect(parseReference('-c  c.txt')).toEqual({ option: '-c', target: 'c.txt' });
  });
  it('ignores ordinary requirements', () => {
    expect(parseReference('requests==2.0')).toBeNull();
    expect(parseReference('-e .')).toBeNull();
    expect(parseReference('# -r commented.txt')).toBeNull();
  });
});

describe('logicalLines', () => {
  it('joins continuations and drops comments and blank lines', () => {
    expect(logicalLines('# top\nsix==1.16.0  # pinned\n\nnumpy \\\n  >=1.0\n-r other.txt\n')).toEqual(['six==1.16.0', 'numpy   >=1.0', '-r other.txt']);
  });
});

describe('absolutize', () => {
  it('makes -r, -c, -e and local paths absolute against the project dir', () => {
    expect(absolutize('-r reqs.txt', '/p')).toBe('-r /p/reqs.txt');
    expect(absolutize('--constraint=../c.txt', '/p/sub')).toBe('-c /p/c.txt');
    expect(absolutize('-e .', '/p')).toBe('-e /p');
    expect(absolutize('--editable ./pkg', '/p')).toBe('-e /p/pkg');
    expect(absolutize('./wheel.whl', '/p')).toBe('/p/wheel.whl');
  });
  it('leaves package names, URLs and VCS links alone', () => {
    expect(absolutize('six==1.16.0', '/p')).toBe('six==1.16.0');
    expect(absolutize('-r https://example.com/r.txt', '/p')).toBe('-r https://example.com/r.txt');
    expect(absolutize('-e git+https://github.com/x/y.git#egg=y', '/p')).toBe('-e git+https://github.com/x/y.git#egg=y');
  });
});

describe('requirement files and the env key', () => {
  let project: string;
  beforeEach(async () => {
    project = await mkdtemp(path.join(os.tmpdir(), 'mlproject-reqs-'));
  });
  afterEach(async () => {
    await rm(project, { recursive: true, force: true });
  });

  const interpreter: Interpreter = { executable: '/py/bin/python3.11', version: '3.11.7', foundAt: '/py/bin/python3.11' };
  const declaration: PythonEnvDeclaration = { kind: 'python', python: '3.11', buildDependencies: ['pip'], dependencies: ['-r requirements.txt', '-c constraints.txt'] };

  async function key(): Promise<string> {
    const lines = [...declaration.buildDependencies, ...declaration.dependencies];
    const files = await readRequirementFiles(lines, project);
    return virtualenvKey(interpreter, declaration, files, localPaths(lines, files, project));
  }

  it('reads referenced files recursively, nested paths relative to the file that holds them', async () => {
    await mkdir(path.join(project, 'reqs'));
    await writeFile(path.join(project, 'requirements.txt'), 'six==1.16.0\n-r reqs/base.txt\n-e .\n');
    await writeFile(path.join(project, 'reqs', 'base.txt'), 'packaging==24.1\n-r ../requirements.txt\n');
    await writeFile(path.join(project, 'constraints.txt'), 'six<2\n');
    const files = await readRequirementFiles(declaration.dependencies, project);
    expect(files.map((f) => [f.option, f.path])).toEqual([['-r', 'requirements.txt'], ['-r', 'reqs/base.txt'], ['-c', 'constraints.txt']]);
    expect(localPaths(declaration.dependencies, files, project)).toEqual([project]);
  });

  it('changes the key when a referenced file changes, even in a nested file', async () => {
    await writeFile(path.join(project, 'requirements.txt'), 'six==1.16.0\n-r nested.txt\n');
    await writeFile(path.join(project, 'nested.txt'), 'packaging==24.1\n');
    await writeFile(path.join(project, 'constraints.txt'), '');
    const before = await key();
    expect(await key()).toBe(before);
    await writeFile(path.join(project, 'nested.txt'), 'packaging==24.2\n');
    const afterNested = await key();
    expect(afterNested).not.toBe(before);
    await writeFile(path.join(project, 'constraints.txt'), 'six<2\n');
    expect(await key()).not.toBe(afterNested);
  });

  it('changes the key with the interpreter, not with the project directory alone', async () => {
    await writeFile(path.join(project, 'requirements.txt'), 'six\n');
    await writeFile(path.join(project, 'constraints.txt'), '');
    const files = await readRequirementFiles(declaration.dependencies, project);
    const a = virtualenvKey(interpreter, declaration, files, []);
    expect(virtualenvKey({ ...interpreter, version: '3.11.8' }, declaration, files, [])).not.toBe(a);
    expect(virtualenvKey({ ...interpreter, executable: '/other/python3.11' }, declaration, files, [])).not.toBe(a);
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'mlproject-reqs-copy-'));
    await writeFile(path.join(elsewhere, 'requirements.txt'), 'six\n');
    await writeFile(path.join(elsewhere, 'constraints.txt'), '');
    expect(virtualenvKey(interpreter, declaration, await readRequirementFiles(declaration.dependencies, elsewhere), [])).toBe(a);
    await rm(elsewhere, { recursive: true, force: true });
  });

  it('fails cleanly on a missing file, naming it and the line that references it', async () => {
    await expect(readRequirementFiles(['-r missing.txt'], project)).rejects.toMatchObject({
      code: 'ERR_MLPROJECT_ENV_BUILD_FAILED',
      message: `cannot read requirements file ${path.join(project, 'missing.txt')} (\`-r missing.txt\` in python_env.yaml)`,
    });
  });
});
