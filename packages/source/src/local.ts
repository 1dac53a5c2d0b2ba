import path from 'node:path';
import { git, gitContext, type GitContext } from './git-exec.js';
import { stripCredentials } from './uri.js';
import type { Provenance } from './types.js';

/** Default cap on the recorded diff, in bytes (10 MiB). */
export const DEFAULT_MAX_DIFF_BYTES = 10 * 1024 * 1024;

async function out(ctx: GitContext, args: string[], cwd: string): Promise<string | null> {
  const result = await git(ctx, args, cwd);
  return result.exitCode === 0 ? result.stdout : null;
}

/**
 * The git facts of a local project directory: HEAD (`mlflow.source.git.commit`, left out when git
 * ignores the directory, as `mlflow/utils/git_utils.py::get_git_commit` does), the first remote's
 * URL without credentials (`get_git_repo_url`), and, beyond MLflow, whether the tree under `dir`
 * has uncommitted changes or untracked (not ignored) files, with their diff.
 * No repository, or no git installed, gives `{}`.
 */
export async function localGitFacts(dir: string, env: NodeJS.ProcessEnv, maxDiffBytes: number): Promise<{ root?: string } & Omit<Provenance, 'sourceName'>> {
  const ctx = gitContext('', env);
  const root = await out(ctx, ['rev-parse', '--show-toplevel'], dir).catch(() => null);
  if (root === null) return {};
  const facts: { root?: string } & Omit<Provenance, 'sourceName'> = { root: root.trim() };
  const remotes = await out(ctx, ['config', '--get-regexp', '^remote\\..*\\.url$'], dir);
  const firstUrl = remotes?.split('\n')[0]?.split(' ').slice(1).join(' ');
  if (firstUrl) facts.gitRepoUrl = stripCredentials(firstUrl);
  const ignored = (await git(ctx, ['check-ignore', '-q', '.'], dir)).exitCode === 0;
  const head = ignored ? null : await out(ctx, ['rev-parse', '--verify', '-q', 'HEAD'], dir);
  if (head === null) return facts;
  facts.gitCommit = head.trim();
  const status = (await out(ctx, ['status', '--porcelain', '--untracked-files=all', '--', '.'], dir)) ?? '';
  facts.dirty = status.trim() !== '';
  if (facts.dirty) Object.assign(facts, await workTreeDiff(ctx, dir, facts.root as string, maxDiffBytes));
  return facts;
}

/** At most this many names of untracked files left out of a truncated diff are listed. */
const MAX_LISTED_UNTRACKED = 1000;

/**
 * `git diff HEAD` under `dir` plus every untracked, not ignored file as an added file, cut at
 * `maxBytes` with a closing note saying so, followed by the names of the untracked files whose
 * content is not (fully) in the cut diff (those lines come after the cap; at most
 * {@link MAX_LISTED_UNTRACKED} names).
 */
async function workTreeDiff(ctx: GitContext, dir: string, root: string, maxBytes: number): Promise<{ diff: string; diffTruncated?: boolean }> {
  const rel = path.relative(root, dir) || '.';
  const pieces: { file?: string; text: string }[] = [{ text: (await out(ctx, ['diff', 'HEAD', '--', rel], root)) ?? '' }];
  let size = Buffer.byteLength(pieces[0]?.text ?? '');
  const untracked = ((await out(ctx, ['ls-files', '--others', '--exclude-standard', '-z', '--', rel], root)) ?? '').split('\0').filter((f) => f !== '');
  for (const file of untracked) {
    if (size > maxBytes) {
      pieces.push({ file, text: '' }); // not read: it cannot fit any more
      continue;
    }
    const added = await git(ctx, ['diff', '--no-index', '--', '/dev/null', file], root);
    pieces.push({ file, text: added.stdout });
    size += Buffer.byteLength(added.stdout) + 1;
  }
  const kept = pieces.filter((p) => p.text !== '');
  const diff = kept.map((p) => p.text).join('\n') + '\n';
  if (Buffer.byteLength(diff) <= maxBytes) return { diff };
  // Which untracked files end beyond the cut (or were never read)?
  const left: string[] = [];
  let offset = 0;
  for (const piece of pieces) {
    if (piece.text === '') {
      if (piece.file !== undefined) left.push(piece.file);
      continue;
    }
    offset += Buffer.byteLength(piece.text) + 1;
    if (piece.file !== undefined && offset > maxBytes) left.push(piece.file);
  }
  const cut = Buffer.from(diff).subarray(0, maxBytes).toString('utf8');
  let tail = `\n[mlproject: diff truncated at ${maxBytes} bytes]\n`;
  if (left.length > 0) {
    tail += '[mlproject: untracked files not (fully) in this diff:]\n' + left.slice(0, MAX_LISTED_UNTRACKED).map((f) => `  ${f}\n`).join('');
    if (left.length > MAX_LISTED_UNTRACKED) tail += `  ... and ${left.length - MAX_LISTED_UNTRACKED} more\n`;
  }
  return { diff: cut + tail, diffTruncated: true };
}
