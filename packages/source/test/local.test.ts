import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchProject, SourceError } from '../src/index.js';
import { commit, git, gitEnv, makeRepo, tempDir, write } from './helpers.js';

const env = gitEnv;

describe('local directories', () => {
  it('are used in place; outside a repo the source name is the absolute path', async () => {
    const dir = tempDir();
    write(dir, { MLproject: 'name: x\n' });
    const result = await fetchProject(dir, { cacheDir: tempDir(), env });
    expect(result).toEqual({ dir, kind: 'local', provenance: { sourceName: dir } });
  });

  it('resolve relative paths against cwd and take #subdir (MLflow joins it for local paths too)', async () => {
    const dir = tempDir();
    write(dir, { 'proj/MLproject': 'name: x\n' });
    const result = await fetchProject('./#proj/', { cwd: dir, cacheDir: tempDir(), env });
    expect(result.dir).toBe(path.join(dir, 'proj'));
    expect(result.provenance.sourceName).toBe(`${dir}#proj`);
  });

  it('inside a clean work tree: file://<root>#<subdir>, HEAD, the first remote without credentials, not dirty', async () => {
    const repo = makeRepo({ 'proj/MLproject': 'name: x\n' });
    git(repo, 'remote', 'add', 'upstream', 'https://user:s3cret@example.com/org/repo.git');
    git(repo, 'remote', 'add', 'another', 'https://example.com/other.git');
    const result = await fetchProject(path.join(repo, 'proj'), { cacheDir: tempDir(), env });
    expect(result.provenance).toEqual({
      sourceName: `file://${repo}#proj`,
      gitCommit: git(repo, 'rev-parse', 'HEAD'),
      gitRepoUrl: 'https://example.com/org/repo.git',
      dirty: false,
    });
  });

  it('a dirty tree: dirty=true and the diff holds the edit and the untracked file, not ignored ones', async () => {
    const repo = makeRepo({ 'train.py': 'alpha = 1\n', '.gitignore': 'data/\n' });
    write(repo, { 'train.py': 'alpha = 2\n', 'new_helper.py': 'print("new")\n', 'data/big.csv': 'ignored\n' });
    const result = await fetchProject(repo, { cacheDir: tempDir(), env });
    expect(result.provenance.dirty).toBe(true);
    const diff = result.provenance.diff ?? '';
    expect(diff).toContain('-alpha = 1');
    expect(diff).toContain('+alpha = 2');
    expect(diff).toContain('+++ b/new_helper.py');
    expect(diff).toContain('+print("new")');
    expect(diff).not.toContain('big.csv');
    // the diff applies cleanly to the commit it was taken against
    const patch = path.join(tempDir(), 'run.diff');
    writeFileSync(patch, diff);
    git(repo, 'stash', '-u', '-q');
    git(repo, 'apply', '--check', patch);
  });

  it('caps the diff and says so', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    write(repo, { 'a.txt': 'x'.repeat(5000) + '\n' });
    const result = await fetchProject(repo, { cacheDir: tempDir(), env, maxDiffBytes: 1000 });
    expect(result.provenance.diffTruncated).toBe(true);
    expect(result.provenance.diff).toMatch(/diff truncated at 1000 bytes/);
    expect(Buffer.byteLength(result.provenance.diff ?? '')).toBeLessThan(1100);
  });

  it('a truncated diff sets provenance.diffTruncated and still names the untracked files it left out', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    write(repo, { 'a.txt': 'changed\n', 'big.txt': 'x'.repeat(5000) + '\n', 'zz-after.txt': 'small\n', 'zz-last.txt': 'small\n' });
    const result = await fetchProject(repo, { cacheDir: tempDir(), env, maxDiffBytes: 1000 });
    expect(result.provenance.dirty).toBe(true);
    expect(result.provenance.diffTruncated).toBe(true);
    const diff = result.provenance.diff ?? '';
    expect(diff).toContain('+changed');
    expect(diff.endsWith('[mlproject: diff truncated at 1000 bytes]\n[mlproject: untracked files not (fully) in this diff:]\n  big.txt\n  zz-after.txt\n  zz-last.txt\n')).toBe(true);
  });

  it('only changes under the project dir make it dirty', async () => {
    const repo = makeRepo({ 'proj/MLproject': 'name: x\n', 'other/file.txt': '1\n' });
    write(repo, { 'other/file.txt': '2\n' });
    const result = await fetchProject(path.join(repo, 'proj'), { cacheDir: tempDir(), env });
    expect(result.provenance.dirty).toBe(false);
  });

  it('with a version: fetched from the repo into the cache; the work tree is untouched', async () => {
    const repo = makeRepo({ 'proj/MLproject': 'name: old\n' });
    const old = git(repo, 'rev-parse', 'HEAD');
    commit(repo, { 'proj/MLproject': 'name: new\n' }, 'new');
    const result = await fetchProject(path.join(repo, 'proj'), { version: old.slice(0, 9), cacheDir: tempDir(), env });
    expect(result.kind).toBe('git');
    expect(readFileSync(path.join(result.dir, 'MLproject'), 'utf8')).toBe('name: old\n');
    expect(result.provenance).toMatchObject({ sourceName: `file://${repo}#proj`, gitCommit: old });
    expect(readFileSync(path.join(repo, 'proj/MLproject'), 'utf8')).toBe('name: new\n');
  });
});

describe('local errors', () => {
  it('a missing path says so (not "git failed")', async () => {
    const missing = path.join(tempDir(), 'no-such-project');
    const error = (await fetchProject(missing, { cacheDir: tempDir(), env }).catch((e: unknown) => e)) as SourceError;
    expect(error).toBeInstanceOf(SourceError);
    expect(error.code).toBe('ERR_MLPROJECT_SOURCE_NOT_FOUND');
    expect(error.message).toBe(`project directory ${missing} does not exist`);
  });

  it('a missing #subdir names it and the top level', async () => {
    const dir = tempDir();
    write(dir, { 'a/x': '', 'b/y': '' });
    await expect(fetchProject(`${dir}#c`, { cacheDir: tempDir(), env })).rejects.toThrow(`subdirectory 'c' not found in ${dir}; its top level holds: a, b`);
  });

  it('a version for a directory that is not in a git repo', async () => {
    const dir = tempDir();
    await expect(fetchProject(dir, { version: 'main', cacheDir: tempDir(), env })).rejects.toMatchObject({ code: 'ERR_MLPROJECT_SOURCE_VERSION_UNSUPPORTED' });
  });

  it('a plain file that is not an archive', async () => {
    const dir = tempDir();
    write(dir, { 'MLproject': 'name: x\n' });
    await expect(fetchProject(path.join(dir, 'MLproject'), { cacheDir: tempDir(), env })).rejects.toMatchObject({ code: 'ERR_MLPROJECT_SOURCE_BAD_URI' });
  });
});
