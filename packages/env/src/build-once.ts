import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import { EnvError } from './errors.js';
import { tempOwner, tempPathFor, tryLock, type HeldLock } from './lock.js';

/** Name of the ready marker inside a built directory. Written last; its presence means "complete". */
export const READY_MARKER = '.mlproject-env.json';

/** Content of the ready marker (`<dir>/.mlproject-env.json`). Its mtime is when the entry was last used. */
export interface ReadyMarker {
  /** The key the directory was built for (see `envKey`). */
  key: string;
  /** When the build finished, ISO 8601 UTC. */
  createdAt: string;
  /** Full Python version inside, e.g. "3.11.7", when the directory holds one. */
  pythonVersion: string | null;
  /** The lock of what is installed, relative to the directory (e.g. `.mlproject-lock.txt`); null if none. */
  lockFile: string | null;
  /** sha256 hex of the lock file's bytes; null if no lock. */
  lockDigest: string | null;
  /** Absolute path of the build's log (it may since have been removed by `gcEnvironments`). */
  buildLogFile: string | null;
  /** Backend-specific facts (tool and version used, interpreter, ...). */
  extra: Record<string, unknown>;
}

export interface BuildOnceOptions {
  /** The content key; a marker with another key means the directory is stale and is rebuilt. */
  key: string;
  /** Recorded in the marker. */
  pythonVersion?: string | null;
  /** Name, relative to the directory, of the lock the build writes; required to exist; its digest is recorded. */
  lockFile?: string;
  /** Recorded in the marker. */
  buildLogFile?: string;
  /** Recorded in the marker; a function is called after a successful build. */
  extra?: Record<string, unknown> | (() => Record<string, unknown>);
  /**
   * Check of a directory: a reused one (with a valid marker), and a new one before it is renamed into
   * place (`marker` is then the marker about to be written). false = rebuild / fail the build.
   */
  isHealthy?: (dir: string, marker: ReadyMarker) => Promise<boolean>;
  /** Build again even when a valid directory exists; a directory built by a concurrent rebuild after this call started is reused. */
  rebuild?: boolean;
  /**
   * Build at the final path instead of in a temp dir renamed into place, for content that cannot be
   * moved (e.g. conda envs, whose files embed their prefix). The marker, written last, then carries
   * atomicity, and a directory without one is removed before building.
   */
  inPlace?: boolean;
  /** Longest wait for another process's build, in ms (default 30 min). */
  waitTimeoutMs?: number;
  /** Poll interval while waiting, in ms (default 200). */
  pollMs?: number;
  /** A lock not refreshed for this long (ms, >= 2000, default 10 000) belongs to a dead process and is taken over. */
  staleMs?: number;
  /** Progress lines ("waiting for ...", "removed half-built ..."). */
  log?: (line: string) => void;
}

export interface BuildOnceResult {
  dir: string;
  marker: ReadyMarker;
  /** true when the directory was already built (by an earlier run or a concurrent one). */
  reused: boolean;
}

/**
 * Makes `dir` exist, built exactly once, and returns its ready marker. Mirrors pre-commit's store
 * (`pre_commit/store.py`) rather than MLflow, which reuses any existing env dir unchecked and, on a
 * crash, leaves a half-built one that every later run then reuses (`mlflow/utils/virtualenv.py`).
 *
 * Protocol:
 * 1. A directory with a ready marker of the same key (and `isHealthy`) is reused without locking;
 *    its marker's mtime is set to now (the "last used" time `listEnvironments` reports).
 * 2. Otherwise a lock `<dir>.lock` is taken (see `tryLock`). Concurrent callers, in this process or
 *    others, wait for it and then reuse what the winner built.
 * 3. Under the lock, leftover temp dirs `<dir>.tmp-*` (a crash, SIGKILL or Ctrl-C mid-build) are
 *    removed, never reused. `build(temp, dir)` fills a fresh `<dir>.tmp-<pid>-<rand>`; the lock file
 *    must exist, `isHealthy(temp)` must hold; the marker is written (temp file, fsync, rename) and the
 *    temp dir is renamed to `dir`, replacing any previous one. A failed build removes its temp dir and
 *    leaves a previous `dir` alone.
 *
 * The content must therefore survive being moved from `temp` to `dir` (relocatable virtualenvs, or
 * paths rewritten by `build`, which gets the final path for that); otherwise use `inPlace`.
 *
 * @param build creates the content of its first argument (which does not exist yet; its parent does);
 *   the second is the final path.
 * @throws whatever `build` throws; EnvError ERR_MLPROJECT_ENV_BUILD_FAILED when the lock file is
 *   missing, the health check fails, waiting for another builder exceeds `waitTimeoutMs`, or the lock
 *   is lost mid-build.
 */
export async function buildOnce(
  dir: string,
  build: (temp: string, dir: string) => Promise<void>,
  options: BuildOnceOptions,
): Promise<BuildOnceResult> {
  const freshSince = options.rebuild === true ? Date.now() : null;
  const ready = await readyMarker(dir, options, freshSince);
  if (ready !== null) return reuse(dir, ready);

  await mkdir(path.dirname(dir), { recursive: true });
  const lock = await acquire(dir, options, freshSince);
  if ('marker' in lock) return reuse(dir, lock.marker);
  try {
    const again = await readyMarker(dir, options, freshSince);
    if (again !== null) return reuse(dir, again);
    await removeLeftovers(dir, options.log);
    const marker = options.inPlace === true ? await buildInPlace(dir, build, options, lock) : await buildInTemp(dir, build, options, lock);
    return { dir, marker, reused: false };
  } finally {
    await lock.release();
  }
}

async function buildInTemp(dir: string, build: (temp: string, dir: string) => Promise<void>, options: BuildOnceOptions, lock: HeldLock): Promise<ReadyMarker> {
  const temp = tempPathFor(dir);
  try {
    await build(temp, dir);
    const marker = await finish(temp, dir, options, lock);
    await replace(dir, temp);
    return marker;
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

async function buildInPlace(dir: string, build: (temp: string, dir: string) => Promise<void>, options: BuildOnceOptions, lock: HeldLock): Promise<ReadyMarker> {
  if (await removeIfPresent(dir)) options.log?.(`removed half-built ${dir}`);
  try {
    await build(dir, dir);
    return await finish(dir, dir, options, lock);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Checks the built content in `built` and writes its marker. */
async function finish(built: string, dir: string, options: BuildOnceOptions, lock: HeldLock): Promise<ReadyMarker> {
  const lockDigest = options.lockFile === undefined ? null : await digestOf(path.join(built, options.lockFile), dir);
  const marker: ReadyMarker = {
    key: options.key,
    createdAt: new Date().toISOString(),
    pythonVersion: options.pythonVersion ?? null,
    lockFile: options.lockFile ?? null,
    lockDigest,
    buildLogFile: options.buildLogFile ?? null,
    extra: typeof options.extra === 'function' ? options.extra() : (options.extra ?? {}),
  };
  if (options.isHealthy !== undefined && !(await options.isHealthy(built, marker))) {
    throw new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `the new environment for ${dir} failed its health check`, withLog(options));
  }
  if (lock.compromised !== null) throw lostLock(dir, lock.compromised);
  await writeMarker(built, marker);
  return marker;
}

async function digestOf(file: string, dir: string): Promise<string> {
  try {
    return createHash('sha256').update(await readFile(file)).digest('hex');
  } catch (error) {
    throw new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `the build of ${dir} wrote no lock ${path.basename(file)}`, { cause: error });
  }
}

/** Renames `temp` to `dir`; a previous `dir` is first renamed aside, then deleted. */
async function replace(dir: string, temp: string): Promise<void> {
  const old = tempPathFor(dir);
  const hadOld = await rename(dir, old).then(() => true, (error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return false;
    throw error;
  });
  await rename(temp, dir);
  if (hadOld) await rm(old, { recursive: true, force: true });
}

/** Removes every `<dir>.tmp-*` (only called under the lock, so none is being written). */
async function removeLeftovers(dir: string, log: ((line: string) => void) | undefined): Promise<void> {
  const parent = path.dirname(dir);
  const name = path.basename(dir);
  for (const entry of await readdir(parent)) {
    if (tempOwner(entry) !== name) continue;
    await rm(path.join(parent, entry), { recursive: true, force: true });
    log?.(`removed half-built ${path.join(parent, entry)}`);
  }
}

async function reuse(dir: string, marker: ReadyMarker): Promise<BuildOnceResult> {
  const now = new Date();
  await utimes(path.join(dir, READY_MARKER), now, now).catch(() => {});
  return { dir, marker, reused: true };
}

/** Reads `<dir>/.mlproject-env.json`; null when missing, unreadable or malformed. */
export async function readMarker(dir: string): Promise<ReadyMarker | null> {
  let text: string;
  try {
    text = await readFile(path.join(dir, READY_MARKER), 'utf8');
  } catch {
    return null;
  }
  try {
    const data = JSON.parse(text) as Partial<ReadyMarker>;
    if (typeof data.key !== 'string' || typeof data.createdAt !== 'string') return null;
    return {
      key: data.key,
      createdAt: data.createdAt,
      pythonVersion: data.pythonVersion ?? null,
      lockFile: data.lockFile ?? null,
      lockDigest: data.lockDigest ?? null,
      buildLogFile: data.buildLogFile ?? null,
      extra: data.extra ?? {},
    };
  } catch {
    return null;
  }
}

async function readyMarker(dir: string, options: BuildOnceOptions, freshSince: number | null): Promise<ReadyMarker | null> {
  const marker = await readMarker(dir);
  if (marker === null || marker.key !== options.key) return null;
  if (freshSince !== null && !(Date.parse(marker.createdAt) >= freshSince)) return null;
  if (options.isHealthy !== undefined && !(await options.isHealthy(dir, marker))) return null;
  return marker;
}

/** Waits for the lock; returns instead the marker when another process finished the build meanwhile. */
async function acquire(dir: string, options: BuildOnceOptions, freshSince: number | null): Promise<HeldLock | { marker: ReadyMarker }> {
  const deadline = Date.now() + (options.waitTimeoutMs ?? 30 * 60_000);
  let announced = false;
  for (;;) {
    const held = await tryLock(dir, options.staleMs);
    if (held !== null) return held;
    if (!announced) options.log?.(`waiting for another process to finish building ${dir}`);
    announced = true;
    const marker = await readyMarker(dir, options, freshSince);
    if (marker !== null) return { marker };
    if (Date.now() > deadline) {
      throw new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `timed out waiting for another process building ${dir}`, {
        hint: `if no other mlproject is running, remove ${dir}.lock`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
  }
}

async function writeMarker(dir: string, marker: ReadyMarker): Promise<void> {
  const target = path.join(dir, READY_MARKER);
  const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(marker, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, target);
}

async function removeIfPresent(dir: string): Promise<boolean> {
  try {
    await rm(dir, { recursive: true });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

function withLog(options: BuildOnceOptions): { logFile?: string } {
  return options.buildLogFile === undefined ? {} : { logFile: options.buildLogFile };
}

function lostLock(dir: string, cause: Error): EnvError {
  return new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `lost the build lock on ${dir} (${cause.message})`, {
    hint: 'another process may have taken the lock over; run again',
    cause,
  });
}
