import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp dir (real path), removed after the file's tests. */
export function tempDir(prefix = 'mlproject-source-'): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/** A hermetic environment for git: no user or system config, a fixed identity. */
export const gitEnv: NodeJS.ProcessEnv = {
  PATH: process.env['PATH'],
  HOME: tempDir('mlproject-source-home-'),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

/** `gitEnv` plus `protocol.file.allow=always`, which file:// submodules need (git >= 2.38.1). */
export const fileSubmoduleEnv: NodeJS.ProcessEnv = {
  ...gitEnv,
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'protocol.file.allow',
  GIT_CONFIG_VALUE_0: 'always',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: fileSubmoduleEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function write(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
}

/** A repository with default branch `trunk` and the given files committed. */
export function makeRepo(files: Record<string, string> = { MLproject: 'name: demo\n' }): string {
  const dir = tempDir('mlproject-source-repo-');
  git(dir, 'init', '-q', '-b', 'trunk');
  write(dir, files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

export function commit(repo: string, files: Record<string, string>, message: string): string {
  write(repo, files);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
  return git(repo, 'rev-parse', 'HEAD');
}

export function fileUrl(dir: string): string {
  return `file://${dir}`;
}

/** Runs `python3 -c code args...` (to build archives with hostile entries). */
export function python(code: string, ...args: string[]): void {
  execFileSync('python3', ['-c', code, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}
