import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDirectory, makeTempBeside, publish } from './cache.js';
import { SourceError } from './errors.js';
import { git, gitContext, gitOk, gitReason, tokenFor, type GitContext, type GitOutcome } from './git-exec.js';
import { stripCredentials } from './uri.js';

export interface GitFetchRequest {
  /** The URL git fetches from (after any `rewriteUrl`); may carry credentials, which are never stored. */
  url: string;
  /** Branch, tag, full or short commit SHA; undefined = the remote's default branch. */
  version: string | undefined;
  /** `<cache>/sources`; clones live in its `git/` folder. */
  cacheDir: string;
  env: NodeJS.ProcessEnv;
}

export interface GitFetchResult {
  /** Absolute path of the checked-out clone in the cache. */
  root: string;
  /** The full SHA checked out. */
  commit: string;
  /** `version`, when the remote has a branch of that name (MLflow's `_is_valid_branch_name`). */
  branch?: string;
  /** true when the clone was already in the cache and no fetch ran. */
  reused: boolean;
}

const FULL_SHA = /^[0-9a-f]{40}$/i;
const SHORT_SHA = /^[0-9a-f]{4,40}$/i;

interface Resolved {
  /** The full SHA, when the remote (or the version itself) tells it. */
  commit?: string;
  /** What to fetch shallowly: a full ref name, or the commit. */
  fetchTarget?: string;
  branch?: string;
}

/**
 * Fetches `url` at `version` into the clone cache and returns the checked-out clone. Mirrors
 * `mlflow/projects/utils.py::_fetch_git_repo` (init, fetch of just the wanted ref with depth 1,
 * checkout, `git submodule update --init --recursive`) and adds: a fallback to a full fetch when the
 * shallow one fails (a short SHA, or an old commit a server will not serve by SHA); a cache keyed by
 * URL and commit, built in a temp dir and renamed into place; no prompts ever.
 * A commit SHA (full, or short and matching one cached clone) that is already cached needs no
 * network at all; anything else is resolved with one `git ls-remote` first.
 * @throws SourceError ERR_MLPROJECT_SOURCE_GIT_REPO (repository missing, unreachable or needing
 *   credentials), ERR_MLPROJECT_SOURCE_VERSION_NOT_FOUND, ERR_MLPROJECT_SOURCE_GIT_FAILED.
 */
export async function fetchGit(req: GitFetchRequest): Promise<GitFetchResult> {
  const ctx = gitContext(req.url, req.env);
  const shown = stripCredentials(req.url);
  const prefix = path.join(req.cacheDir, 'git', cacheKey(shown));
  // A commit already cached (full SHA, or a short one matching exactly one entry) needs no network.
  const offline = req.version !== undefined && SHORT_SHA.test(req.version) ? await findCached(prefix, req.version) : null;
  if (offline) return { root: offline.dir, commit: offline.commit, reused: true };
  const resolved = await resolveRemote(ctx, req.url, shown, req.version);
  const cached = await findCached(prefix, resolved.commit);
  if (cached) return { root: cached.dir, commit: cached.commit, ...branchOf(resolved), reused: true };

  const temp = await makeTempBeside(`${prefix}-${resolved.commit ?? req.version ?? 'head'}`);
  try {
    await gitOk(ctx, ['init', '-q'], temp, 'git init');
    await gitOk(ctx, ['remote', 'add', 'origin', stripCredentials(req.url)], temp, 'git remote add');
    const commit = await fetchCommit(ctx, temp, req.url, shown, req.version, resolved);
    await gitOk(ctx, ['-c', 'advice.detachedHead=false', 'checkout', '-q', ...(resolved.branch ? ['-B', resolved.branch] : ['--detach']), commit], temp, `checking out ${commit}`);
    await fetchSubmodules(ctx, temp, shown);
    const final = `${prefix}-${commit}`;
    await publish(temp, final);
    return { root: final, commit, ...branchOf(resolved), reused: false };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

function branchOf(resolved: Resolved): { branch?: string } {
  return resolved.branch === undefined ? {} : { branch: resolved.branch };
}

/** `<repo name>-<12 hex of sha256(url)>`: readable and unique per URL. */
function cacheKey(url: string): string {
  const name = (url.replace(/\/+$/, '').split(/[/:]/).at(-1) ?? 'repo').replace(/\.git$/, '').replace(/[^\w.-]/g, '_') || 'repo';
  return `${name}-${createHash('sha256').update(url).digest('hex').slice(0, 12)}`;
}

/** A complete cached clone for `commit` (a full or, if unambiguous, short SHA). */
async function findCached(prefix: string, commit: string | undefined): Promise<{ dir: string; commit: string } | null> {
  if (commit === undefined || !SHORT_SHA.test(commit)) return null;
  const want = `${path.basename(prefix)}-${commit.toLowerCase()}`;
  const names = await readdir(path.dirname(prefix)).catch(() => [] as string[]);
  const hits = names.filter((n) => n.startsWith(want) && /-[0-9a-f]{40}$/.test(n));
  if (hits.length !== 1) return null;
  const dir = path.join(path.dirname(prefix), hits[0] as string);
  return (await isDirectory(dir)) ? { dir, commit: dir.slice(-40) } : null;
}

/** Asks the remote (one `git ls-remote`) what `version` is; a full SHA is taken as is, offline. */
async function resolveRemote(ctx: GitContext, url: string, shown: string, version: string | undefined): Promise<Resolved> {
  if (version !== undefined && FULL_SHA.test(version)) return { commit: version.toLowerCase(), fetchTarget: version.toLowerCase() };
  const args = version === undefined ? ['ls-remote', '--symref', url, 'HEAD'] : ['ls-remote', url, version];
  const outcome = await git(ctx, args, process.cwd());
  if (outcome.exitCode !== 0) {
    throw new SourceError('ERR_MLPROJECT_SOURCE_GIT_REPO', `cannot read git repository ${shown}: ${gitReason(outcome, ctx)}`, { hint: repoHint(outcome, url, ctx) });
  }
  const refs = new Map<string, string>();
  let headRef: string | undefined;
  for (const line of outcome.stdout.split('\n')) {
    const symref = /^ref: (\S+)\tHEAD$/.exec(line);
    if (symref) headRef = symref[1];
    const [sha, name] = line.split('\t');
    if (sha !== undefined && name !== undefined && FULL_SHA.test(sha)) refs.set(name, sha);
  }
  if (version === undefined) {
    const commit = refs.get('HEAD');
    if (commit === undefined) throw new SourceError('ERR_MLPROJECT_SOURCE_VERSION_NOT_FOUND', `git repository ${shown} has no default branch (is it empty?)`, { hint: 'pass --version with a branch, tag or commit' });
    return { commit, fetchTarget: headRef ?? commit };
  }
  const asBranch = refs.get(`refs/heads/${version}`);
  if (asBranch) return { commit: asBranch, fetchTarget: `refs/heads/${version}`, branch: version };
  const asTag = refs.get(`refs/tags/${version}^{}`) ?? refs.get(`refs/tags/${version}`);
  if (asTag) return { commit: asTag, fetchTarget: `refs/tags/${version}` };
  const exact = refs.get(version);
  if (exact) return { commit: exact, fetchTarget: version };
  if (!SHORT_SHA.test(version)) throw versionNotFound(version, shown);
  return {};
}

/**
 * Fetches the wanted commit into `dir`: first exactly that ref with `--depth 1`, then, if that
 * fails, all branches and tags with full history, resolving `version` locally.
 * @returns the full SHA to check out.
 */
async function fetchCommit(ctx: GitContext, dir: string, url: string, shown: string, version: string | undefined, resolved: Resolved): Promise<string> {
  const target = resolved.fetchTarget ?? version;
  if (target !== undefined) {
    const shallow = await git(ctx, ['fetch', '-q', '--depth', '1', '--no-tags', url, target], dir);
    if (shallow.exitCode === 0) return gitOk(ctx, ['rev-parse', 'FETCH_HEAD^{commit}'], dir, 'reading FETCH_HEAD');
  }
  const full = await git(ctx, ['fetch', '-q', '--no-tags', url, '+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*'], dir);
  if (full.exitCode !== 0) {
    throw new SourceError('ERR_MLPROJECT_SOURCE_GIT_REPO', `cannot fetch git repository ${shown}: ${gitReason(full, ctx)}`, { hint: repoHint(full, url, ctx) });
  }
  const want = resolved.commit ?? version ?? 'refs/remotes/origin/HEAD';
  const local = await git(ctx, ['rev-parse', '--verify', '--quiet', `${want}^{commit}`], dir);
  if (local.exitCode !== 0 || !FULL_SHA.test(local.stdout.trim())) throw versionNotFound(version ?? want, shown);
  return local.stdout.trim();
}

function versionNotFound(version: string, shown: string): SourceError {
  return new SourceError('ERR_MLPROJECT_SOURCE_VERSION_NOT_FOUND', `version '${version}' not found in git repository ${shown}`, {
    hint: `list its branches and tags with: git ls-remote ${shown}`,
  });
}

const PRIVATE_HINT = 'check the URL; a private repository needs MLPROJECT_GIT_TOKEN (or GITHUB_TOKEN / GITLAB_TOKEN) for https, or an ssh key in your agent for ssh';

/**
 * The hint for a repository git could not read, fitted to git's stderr: a host that does not
 * resolve, a `file://` path that does not exist (or is no repository), credentials the server
 * refused (a token, or a user:password in the URL), else the generic "private repository" hint.
 */
function repoHint(outcome: GitOutcome, url: string, ctx: GitContext): string {
  const err = outcome.stderr;
  if (/could not resolve host(name)?/i.test(err)) {
    const host = hostOf(url);
    return `${host === undefined ? 'the host' : `host '${host}'`} was not found: check the host name in the URL and your network (DNS, proxy)`;
  }
  if (/^file:/i.test(url)) {
    let dir: string;
    try {
      dir = fileURLToPath(url);
    } catch {
      return 'check the file:// URL: it must be an absolute path (file:///path/to/repo)';
    }
    if (!existsSync(dir)) return `the path ${dir} does not exist: check the file:// URL`;
    if (/does not appear to be a git repository/i.test(err)) return `${dir} is not a git repository: point the file:// URL at a repository (the directory holding .git)`;
  }
  if (/authentication failed|returned error: 40[13]\b|could not read (username|password)/i.test(err)) {
    if (tokenFor(url, ctx.env) !== undefined) return 'the server refused the token in MLPROJECT_GIT_TOKEN (or GITHUB_TOKEN/GITLAB_TOKEN): check it has read access to this repository';
    if (/^https?:\/\/[^/@]*@/i.test(url)) return 'the server refused the credentials in the URL: check them, or use MLPROJECT_GIT_TOKEN instead';
  }
  return PRIVATE_HINT;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return /^[^/@:]+@([^/:]+):/.exec(url)?.[1];
  }
}

/**
 * `git submodule update --init --recursive`. git (>= 2.38.1, CVE-2022-39253) refuses submodules
 * over `file://` (and plain paths) unless `protocol.file.allow=always` is configured; we do not
 * lift that for anyone (not even for a `file://` superproject: a local clone of an untrusted
 * repository is exactly the attack), we only say how the user can.
 * @throws SourceError ERR_MLPROJECT_SOURCE_GIT_FAILED
 */
async function fetchSubmodules(ctx: GitContext, dir: string, shown: string): Promise<void> {
  const outcome = await git(ctx, ['submodule', 'update', '--init', '--recursive'], dir);
  if (outcome.exitCode === 0) return;
  const blocked = /transport 'file' not allowed/.test(outcome.stderr);
  throw new SourceError('ERR_MLPROJECT_SOURCE_GIT_FAILED', `fetching the submodules of ${shown} failed: ${gitReason(outcome, ctx)}`, {
    hint: blocked
      ? "git refuses file:// submodules by default (protocol.file.allow); if you trust the repository, allow them with: git config --global protocol.file.allow always"
      : 'check that the submodule URLs in .gitmodules are reachable (and credentials for them, if private)',
  });
}
