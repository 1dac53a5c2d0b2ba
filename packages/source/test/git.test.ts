import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchProject, SourceError } from '../src/index.js';
import { commit, fileSubmoduleEnv, fileUrl, git, gitEnv, makeRepo, tempDir } from './helpers.js';

const env = gitEnv;

describe('git sources', () => {
  it('fetches the default branch (not necessarily master) with provenance', async () => {
    const repo = makeRepo({ MLproject: 'name: demo\n' });
    const head = git(repo, 'rev-parse', 'HEAD');
    const result = await fetchProject(fileUrl(repo), { cacheDir: tempDir(), env });
    expect(result.kind).toBe('git');
    expect(readFileSync(path.join(result.dir, 'MLproject'), 'utf8')).toBe('name: demo\n');
    expect(result.provenance).toEqual({ sourceName: fileUrl(repo), gitCommit: head, gitRepoUrl: fileUrl(repo) });
  });

  it('fetches a branch, records it as the branch, and checks it out', async () => {
    const repo = makeRepo();
    git(repo, 'checkout', '-q', '-b', 'feature');
    const featureSha = commit(repo, { 'train.py': 'feature\n' }, 'feature work');
    git(repo, 'checkout', '-q', 'trunk');
    const result = await fetchProject(fileUrl(repo), { version: 'feature', cacheDir: tempDir(), env });
    expect(result.provenance.gitCommit).toBe(featureSha);
    expect(result.provenance.gitBranch).toBe('feature');
    expect(readFileSync(path.join(result.dir, 'train.py'), 'utf8')).toBe('feature\n');
    expect(git(result.dir, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('feature');
  });

  it('fetches an annotated tag (no branch recorded)', async () => {
    const repo = makeRepo();
    const tagged = commit(repo, { 'v.txt': '1\n' }, 'one');
    git(repo, 'tag', '-a', 'v1.0.0', '-m', 'release');
    commit(repo, { 'v.txt': '2\n' }, 'two');
    const result = await fetchProject(fileUrl(repo), { version: 'v1.0.0', cacheDir: tempDir(), env });
    expect(result.provenance.gitCommit).toBe(tagged);
    expect(result.provenance.gitBranch).toBeUndefined();
    expect(readFileSync(path.join(result.dir, 'v.txt'), 'utf8')).toBe('1\n');
  });

  it('fetches a short SHA and an old commit far beyond depth 1', async () => {
    const repo = makeRepo();
    const shas: string[] = [];
    for (let i = 1; i <= 50; i++) shas.push(commit(repo, { 'n.txt': `${i}\n` }, `commit ${i}`));
    const third = shas[2] as string;
    const cacheDir = tempDir();
    const byShort = await fetchProject(fileUrl(repo), { version: third.slice(0, 8), cacheDir, env });
    expect(byShort.provenance.gitCommit).toBe(third);
    expect(readFileSync(path.join(byShort.dir, 'n.txt'), 'utf8')).toBe('3\n');
    const fifth = shas[4] as string;
    // Protocol v0 servers refuse an unadvertised SHA in a shallow fetch: the full fetch must take over.
    const v0 = { ...env, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'protocol.version', GIT_CONFIG_VALUE_0: '0' };
    const byFull = await fetchProject(fileUrl(repo), { version: fifth, cacheDir, env: v0 });
    expect(byFull.provenance.gitCommit).toBe(fifth);
    expect(readFileSync(path.join(byFull.dir, 'n.txt'), 'utf8')).toBe('5\n');
  });

  it('applies #sub/dir (slashes normalised) and keeps it in the source name', async () => {
    const repo = makeRepo({ 'sub/dir/MLproject': 'name: inner\n', 'README.md': 'top\n' });
    const uri = `${fileUrl(repo)}#/sub//dir/`;
    const result = await fetchProject(uri, { cacheDir: tempDir(), env });
    expect(readFileSync(path.join(result.dir, 'MLproject'), 'utf8')).toBe('name: inner\n');
    expect(result.dir.endsWith(path.join('sub', 'dir'))).toBe(true);
    expect(result.provenance.sourceName).toBe(uri);
  });

  it('understands a GitHub browser link (fetched from a local mirror via rewriteUrl)', async () => {
    const repo = makeRepo({ 'examples/train/MLproject': 'name: t\n' });
    git(repo, 'branch', 'release');
    const link = 'https://github.com/acme/models/tree/release/examples/train';
    const seen: string[] = [];
    const result = await fetchProject(link, {
      cacheDir: tempDir(),
      env,
      rewriteUrl: (url) => {
        seen.push(url);
        return fileUrl(repo);
      },
    });
    expect(seen).toEqual(['https://github.com/acme/models']);
    expect(readFileSync(path.join(result.dir, 'MLproject'), 'utf8')).toBe('name: t\n');
    expect(result.provenance).toMatchObject({ sourceName: link, gitRepoUrl: 'https://github.com/acme/models', gitBranch: 'release' });
  });

  it('initialises submodules recursively', async () => {
    const inner = makeRepo({ 'lib.py': 'X = 1\n' });
    const outer = makeRepo({ MLproject: 'name: outer\n' });
    git(outer, 'submodule', 'add', '-q', fileUrl(inner), 'vendor/inner');
    git(outer, 'commit', '-q', '-m', 'add submodule');
    const result = await fetchProject(fileUrl(outer), { cacheDir: tempDir(), env: fileSubmoduleEnv });
    expect(readFileSync(path.join(result.dir, 'vendor/inner/lib.py'), 'utf8')).toBe('X = 1\n');
  });

  it('a file:// submodule blocked by git (protocol.file.allow) gets a hint saying how to allow it; it is not allowed for you', async () => {
    const inner = makeRepo({ 'lib.py': 'X = 1\n' });
    const outer = makeRepo({ MLproject: 'name: outer\n' });
    git(outer, 'submodule', 'add', '-q', fileUrl(inner), 'vendor/inner');
    git(outer, 'commit', '-q', '-m', 'add submodule');
    const error = (await fetchProject(fileUrl(outer), { cacheDir: tempDir(), env }).catch((e: unknown) => e)) as SourceError;
    expect(error.code).toBe('ERR_MLPROJECT_SOURCE_GIT_FAILED');
    expect(error.message).toMatch(/^fetching the submodules of file:\/\/.* failed: .*transport 'file' not allowed/);
    expect(error.hint).toBe('git refuses file:// submodules by default (protocol.file.allow); if you trust the repository, allow them with: git config --global protocol.file.allow always');
  });

  it('reuses the cached clone of a commit without touching the origin', async () => {
    const repo = makeRepo();
    const cacheDir = tempDir();
    const first = await fetchProject(fileUrl(repo), { version: 'trunk', cacheDir, env });
    const sha = first.provenance.gitCommit as string;
    const gone = `${repo}-moved`;
    renameSync(repo, gone); // the origin is now unavailable: any git fetch or ls-remote would fail
    const again = await fetchProject(fileUrl(repo), { version: sha, cacheDir, env });
    expect(again.dir).toBe(first.dir);
    const short = await fetchProject(fileUrl(repo), { version: sha.slice(0, 10), cacheDir, env });
    expect(short.dir).toBe(first.dir);
    await expect(fetchProject(fileUrl(repo), { version: 'trunk', cacheDir, env })).rejects.toMatchObject({ code: 'ERR_MLPROJECT_SOURCE_GIT_REPO' });
    renameSync(gone, repo);
  });

  it('builds in a temp dir: a failed fetch leaves nothing in the cache', async () => {
    const repo = makeRepo();
    const cacheDir = tempDir();
    await expect(fetchProject(fileUrl(repo), { version: 'deadbeef', cacheDir, env })).rejects.toThrow(SourceError);
    const gitCache = path.join(cacheDir, 'git');
    expect(existsSync(gitCache) ? readdirSync(gitCache) : []).toEqual([]);
  });
});

describe('git errors, one line each', () => {
  const oneLine = (e: SourceError): void => {
    expect(e.message).not.toContain('\n');
    expect(e.hint).toBeTruthy();
  };

  it('a repository that does not exist', async () => {
    const missing = path.join(tempDir(), 'nope.git');
    const error = (await fetchProject(fileUrl(missing), { cacheDir: tempDir(), env }).catch((e: unknown) => e)) as SourceError;
    expect(error.code).toBe('ERR_MLPROJECT_SOURCE_GIT_REPO');
    expect(error.message).toContain(`cannot read git repository ${fileUrl(missing)}`);
    expect(error.hint).toBe(`the path ${missing} does not exist: check the file:// URL`);
    oneLine(error);
  });

  it('an ssh URL keeps its user name in messages and provenance', async () => {
    const error = (await fetchProject('ssh://git@localhost:1/x.git', { cacheDir: tempDir(), env }).catch((e: unknown) => e)) as SourceError;
    expect(error.code).toBe('ERR_MLPROJECT_SOURCE_GIT_REPO');
    expect(error.message.startsWith('cannot read git repository ssh://git@localhost:1/x.git: ')).toBe(true);
    const repo = makeRepo();
    const result = await fetchProject('ssh://git:pw@example.com/org/x.git', { cacheDir: tempDir(), env, rewriteUrl: () => fileUrl(repo) });
    expect(result.provenance).toMatchObject({ sourceName: 'ssh://git@example.com/org/x.git', gitRepoUrl: 'ssh://git@example.com/org/x.git' });
  });

  it('a file:// directory that is no repository says so', async () => {
    const plain = tempDir();
    const error = (await fetchProject(fileUrl(plain), { cacheDir: tempDir(), env }).catch((e: unknown) => e)) as SourceError;
    expect(error.code).toBe('ERR_MLPROJECT_SOURCE_GIT_REPO');
    expect(error.hint?.startsWith(`${plain} is not a git repository`)).toBe(true);
  });

  it('a host that does not resolve (.invalid never does) gets a host / network hint', async () => {
    for (const url of ['https://no-such-host.invalid/org/repo.git', 'ssh://git@no-such-host.invalid/org/repo.git']) {
      const error = (await fetchProject(url, { cacheDir: tempDir(), env }).catch((e: unknown) => e)) as SourceError;
      expect(error.code).toBe('ERR_MLPROJECT_SOURCE_GIT_REPO');
      expect(error.hint).toBe("host 'no-such-host.invalid' was not found: check the host name in the URL and your network (DNS, proxy)");
      oneLine(error);
    }
  });

  it('a version that does not exist, named, with a git ls-remote hint', async () => {
    const repo = makeRepo();
    for (const version of ['no-such-branch', 'abcdef1']) {
      const error = (await fetchProject(fileUrl(repo), { version, cacheDir: tempDir(), env }).catch((e: unknown) => e)) as SourceError;
      expect(error.code).toBe('ERR_MLPROJECT_SOURCE_VERSION_NOT_FOUND');
      expect(error.message).toBe(`version '${version}' not found in git repository ${fileUrl(repo)}`);
      expect(error.hint).toBe(`list its branches and tags with: git ls-remote ${fileUrl(repo)}`);
    }
  });

  it('a #subdir that is a file says so', async () => {
    const repo = makeRepo({ MLproject: 'name: x\n', 'version.txt': '1\n', 'sub/MLproject': 'name: y\n' });
    const error = (await fetchProject(`${fileUrl(repo)}#version.txt`, { cacheDir: tempDir(), env }).catch((e: unknown) => e)) as SourceError;
    expect(error.code).toBe('ERR_MLPROJECT_SOURCE_SUBDIR_NOT_FOUND');
    expect(error.message).toBe(`'version.txt' in ${fileUrl(repo)} is a file, not a directory`);
    expect(error.hint).toBe('the part after # names the directory holding the MLproject file; drop it to use the top level');
    const nested = (await fetchProject(`${fileUrl(repo)}#sub/MLproject`, { cacheDir: tempDir(), env }).catch((e: unknown) => e)) as SourceError;
    expect(nested.message).toBe(`'sub/MLproject' in ${fileUrl(repo)} is a file, not a directory`);
    expect(nested.hint).toBe('the part after # names the directory holding the MLproject file, e.g. #sub');
  });

  it('a missing subdirectory, naming it and the top level', async () => {
    const repo = makeRepo({ MLproject: 'name: x\n', 'examples/a.txt': 'a\n' });
    const error = (await fetchProject(`${fileUrl(repo)}#exmples`, { cacheDir: tempDir(), env }).catch((e: unknown) => e)) as SourceError;
    expect(error.code).toBe('ERR_MLPROJECT_SOURCE_SUBDIR_NOT_FOUND');
    expect(error.message).toBe(`subdirectory 'exmples' not found in ${fileUrl(repo)}; its top level holds: MLproject, examples`);
    oneLine(error);
  });

  it('a link whose ref contradicts --version', async () => {
    await expect(fetchProject('https://github.com/o/r/tree/main/x', { version: 'dev', cacheDir: tempDir(), env })).rejects.toMatchObject({
      code: 'ERR_MLPROJECT_SOURCE_BAD_URI',
    });
  });
});
