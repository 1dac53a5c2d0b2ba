import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readlink, realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';
import { isDirectory, makeTempBeside, publish } from './cache.js';
import { SourceError } from './errors.js';
import { extractZip } from './zip.js';
import { isSafeEntryName, linkProblem, unsafeEntry } from './entries.js';
import { redact } from './git-exec.js';
import { archiveKind, stripCredentials } from './uri.js';

export interface ArchiveResult {
  /** The project root inside the extracted archive (its single top-level directory, if it has one). */
  root: string;
  /** sha256 hex of the archive's bytes (the cache key). */
  sha256: string;
  reused: boolean;
}

/**
 * Makes the archive at `location` (a local path, `file://` or http(s) URL) available extracted in
 * `<cacheDir>/archive/<sha256>/`, built in a temp dir and renamed into place. `.zip` through yauzl,
 * `.tar.gz`/`.tgz` through node-tar. Entries that are absolute, contain `..`, or are links pointing
 * outside the directory fail the whole extraction (MLflow's `zipfile.extractall` just sanitises
 * names silently; MLflow reads only `.zip`).
 * @throws SourceError ERR_MLPROJECT_SOURCE_NOT_FOUND (local file missing),
 *   ERR_MLPROJECT_SOURCE_DOWNLOAD, ERR_MLPROJECT_SOURCE_ARCHIVE (corrupt or unsafe).
 */
export async function fetchArchive(location: string, cacheDir: string, cwd: string): Promise<ArchiveResult> {
  const kind = archiveKind(location);
  const shown = stripCredentials(location);
  let file: string;
  let downloaded = false;
  if (/^https?:\/\//i.test(location)) {
    file = await download(location, shown, cacheDir);
    downloaded = true;
  } else {
    file = location.startsWith('file://') ? fileURLToPath(location) : path.resolve(cwd, location);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new SourceError('ERR_MLPROJECT_SOURCE_NOT_FOUND', `archive ${file} does not exist`, { hint: 'check the path' });
  }
  try {
    const sha256 = await hashFile(file);
    const final = path.join(cacheDir, 'archive', sha256);
    const reused = await isDirectory(final);
    if (!reused) {
      const temp = await makeTempBeside(final);
      try {
        await (kind === 'zip' ? extractZip(file, temp, shown) : extractTar(file, temp, shown));
        await checkLinksInside(temp, shown);
        await publish(temp, final);
      } finally {
        await rm(temp, { recursive: true, force: true });
      }
    }
    return { root: await projectRoot(final), sha256, reused };
  } finally {
    if (downloaded) await rm(file, { force: true });
  }
}

async function download(url: string, shown: string, cacheDir: string): Promise<string> {
  const fail = (reason: string, cause?: unknown): SourceError =>
    new SourceError('ERR_MLPROJECT_SOURCE_DOWNLOAD', `downloading ${shown} failed: ${reason}`, { hint: 'check the URL and your network', ...(cause === undefined ? {} : { cause }) });
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    throw fail(redact(cause?.message ?? (error as Error).message, []));
  }
  if (!response.ok || response.body === null) throw fail(`HTTP ${response.status} ${response.statusText}`.trim());
  const dir = path.join(cacheDir, 'downloads');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2)}`);
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(file));
  } catch (error) {
    await rm(file, { force: true });
    throw fail(`the connection broke (${(error as Error).message})`);
  }
  return file;
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

async function extractTar(file: string, dest: string, shown: string): Promise<void> {
  let refused: SourceError | undefined;
  try {
    await tar.x({
      file,
      cwd: dest,
      strict: true,
      filter: (entryPath, entry) => {
        const rel = entryPath.replace(/^\.\//, '');
        const why = !isSafeEntryName(rel) ? 'has an absolute or ".." path' : 'type' in entry ? linkProblem(rel, entry.type, entry.linkpath) : null;
        if (why !== null) refused ??= unsafeEntry(shown, entryPath, why);
        return why === null;
      },
    });
  } catch (error) {
    if (refused) throw refused;
    // node-tar refuses to write an entry through a symlink extracted before it (a chain like
    // `p/a -> .`, `p/a/b -> ..`): that is an escape attempt, not corruption.
    const tarError = error as { code?: string; tarCode?: string; entry?: { path?: string }; path?: string; symlink?: string };
    if (tarError.code === 'TAR_SYMLINK_ERROR' || tarError.tarCode === 'TAR_SYMLINK_ERROR') {
      const rel = (p: string | undefined): string => (p === undefined ? '?' : path.relative(dest, p).split(path.sep).join('/'));
      const entry = tarError.entry?.path ?? rel(tarError.path);
      throw unsafeEntry(shown, entry, `is written through a link that leaves the archive ('${rel(tarError.symlink)}')`);
    }
    throw new SourceError('ERR_MLPROJECT_SOURCE_ARCHIVE', `archive ${shown} is corrupt: ${(error as Error).message}`, { hint: 'download it again or check it with: tar tzf <file>' });
  }
  if (refused) throw refused;
}

/** Every symlink under `root`, followed, must stay inside it (catches chains no single entry shows). */
async function checkLinksInside(root: string, shown: string): Promise<void> {
  const realRoot = await realpath(root);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isSymbolicLink()) continue;
    const at = path.join(entry.parentPath, entry.name);
    const target = await realpath(at).catch(async () => path.resolve(path.dirname(at), await readlink(at)));
    if (target !== realRoot && !target.startsWith(realRoot + path.sep)) throw unsafeEntry(shown, path.relative(root, at), 'links outside the archive');
  }
}

/** The single top-level directory of an extracted archive (as in GitHub archives), else the directory itself. */
async function projectRoot(dir: string): Promise<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  const only = entries.length === 1 ? entries[0] : undefined;
  return only?.isDirectory() ? path.join(dir, only.name) : dir;
}
