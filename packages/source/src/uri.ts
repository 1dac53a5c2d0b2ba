import { SourceError } from './errors.js';

/** A project URI taken apart; pure data, no file system access. */
export interface ParsedUri {
  /** The URI as given, surrounding quotes stripped (MLflow's `_strip_quotes`). */
  original: string;
  /** Everything before the first `#`, or the repository URL of a browser link. */
  base: string;
  /** The normalised subdirectory (`a/b`), `''` for none. */
  subdir: string;
  /**
   * `git`: a URL git fetches (https, http, ssh, scp-like `git@host:org/repo`, `git://`, `file://`).
   * `archive`: a `.zip`, `.tar.gz` or `.tgz` path or URL. `path`: anything else, a local path.
   */
  form: 'git' | 'archive' | 'path';
  /** The ref named by a GitHub/GitLab browser link (`/tree/<ref>/...`), when there is one. */
  linkRef?: string;
}

const ARCHIVE_SUFFIX = /\.(zip|tar\.gz|tgz)$/i;
const SCP_LIKE = /^[^/@:]+@[^/:]+:/;
const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * Normalises a `#subdir`: slashes collapsed and trimmed (`/a//b/` -> `a/b`), `.` segments dropped.
 * MLflow (`mlflow/projects/utils.py::_parse_subdirectory`) refuses any `.` at all, which also
 * refuses `dir.v2`; here only a `..` segment is refused, since only that can leave the project.
 * @throws SourceError ERR_MLPROJECT_SOURCE_BAD_URI for a `..` segment.
 */
export function normaliseSubdir(raw: string): string {
  const segments = raw.split(/[/\\]+/).filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) {
    throw new SourceError('ERR_MLPROJECT_SOURCE_BAD_URI', `project subdirectory '${raw}' contains '..'`, {
      hint: 'name a directory inside the project, e.g. #examples/train',
    });
  }
  return segments.join('/');
}

/** The archive kind a path or URL names by its suffix (query string ignored), or null. */
export function archiveKind(base: string): 'zip' | 'tar.gz' | null {
  const pathPart = base.replace(/[?].*$/, '');
  const match = ARCHIVE_SUFFIX.exec(pathPart);
  if (!match) return null;
  return match[1]?.toLowerCase() === 'zip' ? 'zip' : 'tar.gz';
}

/**
 * Turns a GitHub (`https://github.com/org/repo/tree/<ref>/<path>`) or GitLab
 * (`https://<gitlab host>/group/repo/-/tree/<ref>/<path>`) browser link into repository URL, ref and
 * path; null for anything else. A `/blob/<ref>/<path to a file>` link (a link to a file, e.g. the
 * MLproject file) gives the directory holding that file as the path. A ref containing `/` cannot be told apart from the path: the first
 * segment is taken as the ref.
 */
export function parseBrowserLink(url: string): { repoUrl: string; ref: string; path: string } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  const parts = parsed.pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  const origin = `${parsed.protocol}//${parsed.host}`;
  // A `/blob/<ref>/<file>` link names a file: the project is the directory holding it.
  const inLink = (kind: string | undefined, rest: string[]): string | null =>
    kind === 'tree' ? rest.join('/') : kind === 'blob' && rest.length > 0 ? rest.slice(0, -1).join('/') : null;
  if (parsed.hostname === 'github.com' || parsed.hostname === 'www.github.com') {
    if (parts.length < 4) return null;
    const [org, repo, kind, ref, ...rest] = parts as [string, string, string, string, ...string[]];
    const sub = inLink(kind, rest);
    if (sub === null) return null;
    return { repoUrl: `https://github.com/${org}/${repo.replace(/\.git$/, '')}`, ref, path: sub };
  }
  if (parsed.hostname.includes('gitlab')) {
    const dash = parts.indexOf('-');
    if (dash < 2 || parts.length < dash + 3) return null;
    const sub = inLink(parts[dash + 1], parts.slice(dash + 3));
    if (sub === null) return null;
    const ref = parts[dash + 2] as string;
    return { repoUrl: `${origin}/${parts.slice(0, dash).join('/')}`, ref, path: sub };
  }
  return null;
}

/**
 * Parses a project URI as `mlflow run` takes it: quotes stripped, split at the first `#`.
 * Decides the form from the text alone; whether a `path` exists is for the caller to check.
 * @throws SourceError ERR_MLPROJECT_SOURCE_BAD_URI for an empty URI or a `..` subdirectory.
 */
export function parseProjectUri(uri: string): ParsedUri {
  const original = uri.trim().replace(/^['"]+|['"]+$/g, '');
  if (original === '') throw new SourceError('ERR_MLPROJECT_SOURCE_BAD_URI', 'the project URI is empty', { hint: 'pass a directory, a git URL or an archive' });
  const hash = original.indexOf('#');
  const base = hash === -1 ? original : original.slice(0, hash);
  const fragment = hash === -1 ? '' : original.slice(hash + 1);
  const link = parseBrowserLink(base);
  if (link) {
    const subdir = normaliseSubdir(`${link.path}/${fragment}`);
    return { original, base: link.repoUrl, subdir, form: 'git', linkRef: link.ref };
  }
  const subdir = normaliseSubdir(fragment);
  if (archiveKind(base) !== null) return { original, base, subdir, form: 'archive' };
  const scheme = URL_SCHEME.exec(base)?.[1]?.toLowerCase();
  if (scheme !== undefined || SCP_LIKE.test(base)) return { original, base, subdir, form: 'git' };
  return { original, base, subdir, form: 'path' };
}

/** Schemes whose user name is never a secret (ssh authenticates by key): `ssh://git@host` keeps `git@`. */
const SSH_SCHEME = /^(ssh|git\+ssh|ssh\+git):\/\/$/i;

/**
 * What of a URL's `userinfo` (the part before `@`) may be shown: for ssh schemes the user name (a
 * password after `:` dropped), for any other scheme nothing, since http(s) URLs often carry a
 * token in the user name slot (`https://<token>@github.com/...`).
 */
export function safeUserinfo(scheme: string, userinfo: string): string {
  if (!SSH_SCHEME.test(scheme)) return '';
  const user = userinfo.split(':')[0] ?? '';
  return user === '' ? '' : `${user}@`;
}

/**
 * A URL without credentials, safe to record as a tag. Mirrors
 * `mlflow/utils/git_utils.py::_strip_credentials_from_url`, except that an ssh URL keeps its user
 * name (`ssh://git@host/x.git`; only a password is dropped): scp-like and scheme-less URLs are
 * returned unchanged.
 */
export function stripCredentials(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)(?:([^/@]*)@)?(.*)$/is.exec(url);
  if (!match || match[2] === undefined) return url;
  const scheme = match[1] ?? '';
  return `${scheme}${safeUserinfo(scheme, match[2])}${match[3] ?? ''}`;
}
