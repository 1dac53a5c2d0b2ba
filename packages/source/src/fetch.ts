import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fetchArchive } from './archive.js';
import { defaultSourceCacheDir, isDirectory } from './cache.js';
import { SourceError } from './errors.js';
import { git, gitContext } from './git-exec.js';
import { fetchGit } from './git.js';
import { DEFAULT_MAX_DIFF_BYTES, localGitFacts } from './local.js';
import type { FetchedProject, FetchOptions, Provenance } from './types.js';
import { parseProjectUri, stripCredentials, type ParsedUri } from './uri.js';

/**
 * Turns a project URI, as `mlflow run URI` takes it, into a local project directory plus
 * provenance. Mirrors `mlflow/projects/utils.py::_fetch_project` / `_create_run` (source tags) with
 * the improvements listed in this package's README.
 *
 * - a local directory is used in place, never copied; `#subdir` applies;
 * - a git URL (https, http, ssh, `git@host:org/repo`, `git://`, `file://`) or a GitHub/GitLab
 *   `/tree/<ref>/<path>` (or `/blob/<ref>/<file>`) link is fetched at `options.version` (branch, tag, full or short SHA;
 *   default: the remote's default branch) into the clone cache;
 * - a `.zip`, `.tar.gz` or `.tgz` (path, `file://` or http(s) URL) is extracted into the cache.
 *
 * @param uri the project URI; `#subdir` selects a directory inside it.
 * @returns `{ dir, kind, provenance }`; `dir` is absolute. Cached directories are shared between
 *   runs: treat them as read-only.
 * @throws SourceError (one line, never a token): ERR_MLPROJECT_SOURCE_NOT_FOUND, _BAD_URI,
 *   _VERSION_UNSUPPORTED, _GIT_REPO, _VERSION_NOT_FOUND, _GIT_FAILED, _SUBDIR_NOT_FOUND, _DOWNLOAD,
 *   _ARCHIVE (see {@link SourceErrorCode}).
 */
export async function fetchProject(uri: string, options: FetchOptions = {}): Promise<FetchedProject> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const cacheDir = options.cacheDir ?? defaultSourceCacheDir(env);
  const parsed = parseProjectUri(uri);
  const version = options.version === '' ? undefined : options.version;
  if (parsed.linkRef !== undefined && version !== undefined && version !== parsed.linkRef) {
    throw new SourceError('ERR_MLPROJECT_SOURCE_BAD_URI', `the link ${parsed.original} names ref '${parsed.linkRef}' but the version given is '${version}'`, {
      hint: 'drop --version, or link to the repository itself',
    });
  }
  if (parsed.form === 'git') return fetchGitProject(parsed, version ?? parsed.linkRef, cacheDir, env, options.rewriteUrl);
  if (parsed.form === 'archive') {
    if (version !== undefined) throw versionUnsupported(parsed.base);
    const archive = await fetchArchive(parsed.base, cacheDir, cwd);
    const dir = await withSubdir(archive.root, parsed.subdir, parsed.base);
    const sourceName = /^https?:/i.test(parsed.base) ? stripCredentials(parsed.original) : await localSourceName(path.resolve(cwd, parsed.base), parsed.subdir, env);
    return { dir, kind: 'archive', provenance: { sourceName } };
  }
  return fetchLocal(parsed, version, cwd, cacheDir, env, options.maxDiffBytes ?? DEFAULT_MAX_DIFF_BYTES);
}

async function fetchGitProject(parsed: ParsedUri, version: string | undefined, cacheDir: string, env: NodeJS.ProcessEnv, rewriteUrl: FetchOptions['rewriteUrl']): Promise<FetchedProject> {
  const url = rewriteUrl ? rewriteUrl(parsed.base) : parsed.base;
  const fetched = await fetchGit({ url, version, cacheDir, env });
  const dir = await withSubdir(fetched.root, parsed.subdir, stripCredentials(parsed.base));
  const provenance: Provenance = { sourceName: stripCredentials(parsed.original), gitCommit: fetched.commit, gitRepoUrl: stripCredentials(parsed.base) };
  if (fetched.branch !== undefined) provenance.gitBranch = fetched.branch;
  return { dir, kind: 'git', provenance };
}

async function fetchLocal(parsed: ParsedUri, version: string | undefined, cwd: string, cacheDir: string, env: NodeJS.ProcessEnv, maxDiffBytes: number): Promise<FetchedProject> {
  const base = path.resolve(cwd, parsed.base);
  const info = await stat(base).catch(() => null);
  if (info === null) {
    throw new SourceError('ERR_MLPROJECT_SOURCE_NOT_FOUND', `project directory ${base} does not exist`, {
      hint: 'check the path; a git URL needs a scheme (https://, ssh://, file://) or the form git@host:org/repo.git',
    });
  }
  if (!info.isDirectory()) throw new SourceError('ERR_MLPROJECT_SOURCE_BAD_URI', `${base} is a file, not a project directory or an archive (.zip, .tar.gz, .tgz)`, { hint: 'pass the directory that holds the MLproject file' });
  if (version !== undefined) {
    // MLflow checks `version` out in the user's own work tree; we fetch it into the cache instead.
    const facts = await localGitFacts(base, env, 0);
    if (facts.root === undefined) throw versionUnsupported(base);
    const inRepo = path.posix.join(path.relative(facts.root, await realDir(base)).split(path.sep).join('/'), parsed.subdir);
    const fetched = await fetchGitProject({ ...parsed, base: pathToFileURL(facts.root).href, subdir: inRepo === '.' ? '' : inRepo }, version, cacheDir, env, undefined);
    const provenance: Provenance = { ...fetched.provenance, sourceName: await localSourceName(base, parsed.subdir, env) };
    if (facts.gitRepoUrl !== undefined) provenance.gitRepoUrl = facts.gitRepoUrl;
    else delete provenance.gitRepoUrl;
    return { ...fetched, provenance };
  }
  const dir = await withSubdir(base, parsed.subdir, base);
  const { root, ...facts } = await localGitFacts(dir, env, maxDiffBytes);
  const sourceName = parsed.subdir !== '' ? `${base}#${parsed.subdir}` : root !== undefined ? fileRepoName(root, await realDir(dir)) : dir;
  return { dir, kind: 'local', provenance: { sourceName, ...facts } };
}

/** `file://<repo root>` or `file://<repo root>#<relative path>` (MLflow's `_get_git_url_if_present`). */
function fileRepoName(root: string, target: string): string {
  const rel = path.relative(root, target).split(path.sep).join('/');
  return rel === '' ? `file://${root}` : `file://${root}#${rel}`;
}

/** `mlflow.source.name` of a local path (directory or archive file). */
async function localSourceName(abs: string, subdir: string, env: NodeJS.ProcessEnv): Promise<string> {
  if (subdir !== '') return `${abs}#${subdir}`;
  const isDir = await isDirectory(abs);
  const result = await git(gitContext('', env), ['rev-parse', '--show-toplevel'], isDir ? abs : path.dirname(abs)).catch(() => null);
  if (result === null || result.exitCode !== 0) return abs;
  return fileRepoName(result.stdout.trim(), isDir ? await realDir(abs) : path.join(await realDir(path.dirname(abs)), path.basename(abs)));
}

function realDir(p: string): Promise<string> {
  return realpath(p);
}

/**
 * `root/subdir`, which must be a directory.
 * @throws SourceError ERR_MLPROJECT_SOURCE_SUBDIR_NOT_FOUND naming the subdirectory and what the top level holds,
 *   or saying that it is a file.
 */
async function withSubdir(root: string, subdir: string, shown: string): Promise<string> {
  const dir = subdir === '' ? root : path.join(root, subdir);
  if (await isDirectory(dir)) return dir;
  if ((await stat(dir).catch(() => null)) !== null) {
    const parent = path.posix.dirname(subdir);
    throw new SourceError('ERR_MLPROJECT_SOURCE_SUBDIR_NOT_FOUND', `'${subdir}' in ${shown} is a file, not a directory`, {
      hint: `the part after # names the directory holding the MLproject file${parent === '.' ? '; drop it to use the top level' : `, e.g. #${parent}`}`,
    });
  }
  const names = (await readdir(root).catch(() => [] as string[])).filter((n) => n !== '.git').sort();
  const listed = names.length === 0 ? 'nothing' : names.slice(0, 20).join(', ') + (names.length > 20 ? `, ... (${names.length} entries)` : '');
  throw new SourceError('ERR_MLPROJECT_SOURCE_SUBDIR_NOT_FOUND', `subdirectory '${subdir}' not found in ${shown}; its top level holds: ${listed}`, {
    hint: 'fix the part after # in the URI (it is relative to the top of the repository or archive)',
  });
}

function versionUnsupported(what: string): SourceError {
  return new SourceError('ERR_MLPROJECT_SOURCE_VERSION_UNSUPPORTED', `a version is only supported for git projects, and ${what} is not a git repository`, {
    hint: 'drop --version, or point at a git URL',
  });
}
