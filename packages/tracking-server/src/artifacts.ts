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

/**
 * Checks an artifact path from a request and returns it without empty segments. Refuses what
 * `mlflow/utils/uri.py::validate_path_is_safe` refuses, after full URL-decoding: `..` segments,
 * absolute paths, backslashes, drive letters, `#`, `file:` URIs and control characters.
 * @throws TrackingError INVALID_PARAMETER_VALUE "Invalid path".
 */
export function safeArtifactPath(path: string, options: { allowEmpty?: boolean } = {}): string {
  const decoded = fullyDecoded(path);
  const bad =
    decoded.includes('#') || decoded.includes('\\') || decoded.startsWith('/') || /^[A-Za-z]:/.test(decoded) ||
    decoded.toLowerCase().startsWith('file:') || /[\u0000-\u001f]/.test(decoded) || decoded.split('/').includes('..');
  if (bad) throw invalidParameter(`Invalid path: '${path}'.`);
  const clean = path.split('/').filter((s) => s !== '' && s !== '.').join('/');
  if (clean === '' && !options.allowEmpty) throw invalidParameter(`Invalid path: '${path}' names no file.`);
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
