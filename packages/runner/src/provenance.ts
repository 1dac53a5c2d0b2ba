import path from 'node:path';
import { execa } from 'execa';

/** What the runner records about where a project's code came from. */
export interface Provenance {
  /** `mlflow.source.name`: `file://<repo root>#<subdir>` inside a git repo, else the absolute dir. */
  sourceName: string;
  /** `mlflow.source.git.commit`: HEAD of the repo containing the dir, when there is one. */
  gitCommit: string | null;
  /** `mlflow.source.git.repoURL`: URL of the repo's first remote, when there is one. */
  gitRepoUrl: string | null;
}

async function git(dir: string, args: string[]): Promise<string | null> {
  const result = await execa('git', args, { cwd: dir, reject: false, env: { GIT_TERMINAL_PROMPT: '0' } });
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

/**
 * Provenance of a local project directory. Mirrors MLflow's
 * `mlflow/projects/utils.py::_get_git_url_if_present` and `mlflow/utils/git_utils.py::get_git_commit`:
 * no repo (or no git installed, or a path git ignores) simply gives no git tags.
 */
export async function localProvenance(dir: string): Promise<Provenance> {
  const root = await git(dir, ['rev-parse', '--show-toplevel']);
  if (root === null) return { sourceName: dir, gitCommit: null, gitRepoUrl: null };
  const [commit, remotes] = await Promise.all([git(dir, ['rev-parse', 'HEAD']), git(dir, ['remote'])]);
  const firstRemote = remotes?.split('\n').find((r) => r !== '');
  const repoUrl = firstRemote ? await git(dir, ['remote', 'get-url', firstRemote]) : null;
  const sub = path.relative(root, dir);
  return {
    sourceName: sub === '' ? `file://${root}` : `file://${root}#${sub}`,
    gitCommit: commit,
    gitRepoUrl: repoUrl,
  };
}
