import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrackingError, invalidParameter } from '@mlproject/tracking';

const SCHEME = 'mlflow-artifacts:';

/** Decodes percent-escapes until stable (at most 10 rounds), as `mlflow/utils/uri.py::_decode`. */
function fullyDecoded(path: string): string {
  let current = path;
  for (let i = 0; i < 10; i += 1) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

const RENAME = "rename the file (MLflow's server refuses such names too)";

/** Why MLflow's server refuses a path it is asked to write, or null when it does not. */
function unsafeToWrite(decoded: string): string | null {
  if (decoded.includes('#')) return `contains '#', where a URL ends its path: ${RENAME}`;
  if (decoded.includes('\\')) return `contains a backslash, a path separator on Windows: ${RENAME}`;
  const control = /[\u0000-\u001f\u007f]/.exec(decoded);
  if (control) return `contains the control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}: rename the file`;
  if (decoded.toLowerCase().startsWith('file:')) return 'is a file: URI';
  if (/^[A-Za-z]:/.test(decoded)) return 'starts with a drive letter';
  return unsafeToRead(decoded);
}

/** Why a path to read could lead out of the directory it is joined to, or null when it cannot. */
function unsafeToRead(decoded: string): string | null {
  if (decoded.startsWith('/')) return 'is absolute';
  if (decoded.includes('\u0000')) return 'contains a NUL character';
  if (decoded.split('/').includes('..')) return "has a '..' segment";
  if (sep === '\\' && (decoded.includes('\\') || /^[A-Za-z]:/.test(decoded))) return 'is not a relative path with / separators';
  return null;
}

/**
 * Checks an artifact path from a request and returns it without empty segments.
 *
 * To write (the default): refuses what `mlflow/utils/uri.py::validate_path_is_safe` refuses, after
 * full URL-decoding: `..` segments, absolute paths, backslashes, drive letters, `#`, `file:` URIs;
 * control characters too (MLflow instead escapes them, storing a literal `%0a` in the name).
 *
 * To read (`reading: true`: a download or a listing): refuses only what could lead out of the
 * directory the path is joined to (`..`, absolute paths, NUL; on Windows backslashes and drive letters
 * too), so that every name a listing shows can be opened, whoever wrote the file; the path is never
 * parsed as a URI.
 * @throws TrackingError INVALID_PARAMETER_VALUE `Invalid path "...": it <reason>.`, one line (the path
 *   is quoted as JSON, so a newline in it shows as `\n`).
 */
export function safeArtifactPath(path: string, options: { allowEmpty?: boolean; reading?: boolean } = {}): string {
  const decoded = fullyDecoded(path);
  const reason = options.reading === true ? unsafeToRead(decoded) : unsafeToWrite(decoded);
  if (reason !== null) throw invalidParameter(`Invalid path ${JSON.stringify(path)}: it ${reason}.`);
  const clean = path.split('/').filter((s) => s !== '' && s !== '.').join('/');
  if (clean === '' && !options.allowEmpty) throw invalidParameter(`Invalid path ${JSON.stringify(path)}: it names no file.`);
  return clean;
}

/** Joins a checked relative path under `root`, re-checking that the result stays inside it. */
export function underRoot(root: string, relativePath: string): string {
  const base = resolve(root);
  const target = resolve(base, relativePath);
  const rel = relative(base, target);
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) throw invalidParameter(`Invalid path: '${relativePath}'.`);
  return target;
}

/**
 * Maps an artifact URI to a local path. `mlflow-artifacts:/a/b` (also `mlflow-artifacts://host:port/a/b`)
 * maps to `<artifactsDestination>/a/b`, as the server's `--artifacts-destination`; `file://` URIs and
 * absolute local paths map to themselves.
 * @param artifactsDestination absolute local directory that `mlflow-artifacts:/` maps to.
 * @throws TrackingError INVALID_PARAMETER_VALUE for an unsafe path (`..`, backslashes, ...) or a URI
 *   that is not local (`s3://...`).
 */
export function resolveArtifactPath(artifactsDestination: string, artifactUri: string): string {
  if (artifactUri.startsWith(SCHEME)) {
    let rest = artifactUri.slice(SCHEME.length);
    if (rest.startsWith('//')) rest = rest.replace(/^\/\/[^/]*/, '');
    return underRoot(artifactsDestination, safeArtifactPath(rest.replace(/^\/+/, ''), { allowEmpty: true }));
  }
  if (artifactUri.startsWith('file:')) return fileURLToPath(artifactUri);
  if (isAbsolute(artifactUri)) return artifactUri;
  throw invalidParameter(`Artifact URI '${artifactUri}' is not local: expected mlflow-artifacts:/..., file://... or an absolute path.`);
}

/**
 * The local directory of a run's (or logged model's) artifacts when this server serves them: the
 * artifact URI must map under `artifactsDestination` (`mlflow-artifacts:/...`, or a local path inside
 * it). A run created with another artifact location (`file:///etc`, a path elsewhere, `s3://`) is not
 * served: its files belong to whoever wrote them, not to this server's clients.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST for artifacts this server does not serve.
 */
export function servedArtifactDir(artifactsDestination: string, artifactUri: string): string {
  let dir: string | undefined;
  try {
    dir = resolveArtifactPath(artifactsDestination, artifactUri);
  } catch {
    dir = undefined;
  }
  const root = resolve(artifactsDestination);
  if (dir === undefined || (dir !== root && !dir.startsWith(`${root}${sep}`)) || /[#?]/.test(artifactUri.replace(/^[a-z-]+:/, ''))) {
    throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `Artifacts at '${artifactUri}' are not served by this server (it serves ${SCHEME}/ under its --artifacts-destination).`);
  }
  return dir;
}

/**
 * Checks an experiment's `artifact_location` from a request: a URI or path without a query, a
 * fragment, `..` segments or control characters (MLflow's server refuses these too, since
 * `file:///etc#` style locations let a run's artifact root escape where it looks to be).
 * @throws TrackingError INVALID_PARAMETER_VALUE.
 */
export function checkArtifactLocation(location: string): void {
  const decoded = fullyDecoded(location);
  if (/[#?\u0000-\u001f]/.test(decoded) || decoded.split(/[\\/]/).includes('..')) {
    throw invalidParameter(`Invalid artifact_location '${location}': expected a URI or path without '?', '#', '..' or control characters.`);
  }
}

/**
 * Lists every file under an artifact URI, recursively: paths relative to it (with `/`), sizes in
 * bytes, sorted by path. A missing directory lists as empty.
 * @throws TrackingError as {@link resolveArtifactPath}.
 */
export async function listArtifactFiles(artifactsDestination: string, artifactUri: string): Promise<{ path: string; size: number }[]> {
  const root = resolveArtifactPath(artifactsDestination, artifactUri);
  const out: { path: string; size: number }[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw error;
    }
    for (const entry of entries) {
      const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await walk(join(dir, entry.name), rel);
      else if (entry.isFile()) out.push({ path: rel, size: (await stat(join(dir, entry.name))).size });
    }
  };
  await walk(root, '');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
