import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { EnvError } from './errors.js';

/** Name of the ready marker inside a built directory. Written last; its presence means "complete". */
export const READY_MARKER = '.mlproject-env.json';

/** Content of the ready marker (`<dir>/.mlproject-env.json`). */
export interface ReadyMarker {
  /** The key the directory was built for (see `envKey`). */
  key: string;
  /** When the build finished, ISO 8601 UTC. */
  createdAt: string;
  /** Full Python version inside, e.g. "3.11.7", when the directory holds one. */
  pythonVersion: string | null;
  /** Backend-specific facts (tool and version used, lock file name, ...). */
  extra: Record<string, unknown>;
}

export interface BuildOnceOptions {
  /** The content key; a marker with another key means the directory is stale and is rebuilt. */
  key: string;
  /** Recorded in the marker. */
  pythonVersion?: string | null;
  /** Recorded in the marker; a function is called after a successful build. */
  extra?: Record<string, unknown> | (() => Record<string, unknown>);
  /** Extra check on a directory that has a valid marker (e.g. its interpreter still exists); false = rebuild. */
  isHealthy?: (dir: string, marker: ReadyMarker) => Promise<boolean>;
  /** Longest wait for another process's build, in ms (default 30 min). */
  waitTimeoutMs?: number;
  /** Poll interval while waiting, in ms (default 200). */
  pollMs?: number;
  /** A lock not refreshed for this long (ms, >= 2000, default 10 000) belongs to a dead process and is taken over. */
  staleMs?: number;
  /** Progress lines ("waiting for ...", "removing half-built ..."). */
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
 * 1. A directory with a ready marker of the same key (and `isHealthy`) is reused without locking.
 * 2. Otherwise a lock `<dir>.lock` is taken (proper-lockfile: an atomic mkdir refreshed every
 *    `staleMs / 2`, released on exit and on signals). Concurrent callers, in this process or others,
 *    wait for it and then reuse what the winner built.
 * 3. Under the lock, a directory without a valid marker is half-built (crash, Ctrl-C, failed build):
 *    it is removed, never reused. Then `build(dir)` runs at the final path, and the marker is written
 *    last, atomically (temp file, fsync, rename). A failed build removes the directory.
 *
 * Building at the final path under the lock (rather than in a temp dir renamed into place) is a
 * deliberate choice: virtualenvs are not relocatable (their scripts and `pyvenv.cfg` embed absolute
 * paths), and `uv venv --relocatable` would not cover pip's fallback. The marker carries atomicity.
 *
 * @param build creates the content of `dir` (which does not exist when it is called; its parent does).
 * @throws whatever `build` throws (after removing `dir`); EnvError ERR_MLPROJECT_ENV_BUILD_FAILED when
 *   waiting for another builder exceeds `waitTimeoutMs` or the lock is lost mid-build.
 */
export async function buildOnce(
  dir: string,
  build: (dir: string) => Promise<void>,
  options: BuildOnceOptions,
): Promise<BuildOnceResult> {
  const ready = await readyMarker(dir, options);
  if (ready !== null) return { dir, marker: ready, reused: true };

  await mkdir(path.dirname(dir), { recursive: true });
  const lock = await acquire(dir, options);
  if (lock.marker !== null) return { dir, marker: lock.marker, reused: true };
  try {
    const again = await readyMarker(dir, options);
    if (again !== null) return { dir, marker: again, reused: true };
    if (await removeIfPresent(dir)) options.log?.(`removed half-built ${dir}`);
    try {
      await build(dir);
      if (lock.compromised !== null) throw lostLock(dir, lock.compromised);
      const extra = typeof options.extra === 'function' ? options.extra() : (options.extra ?? {});
      const marker: ReadyMarker = { key: options.key, createdAt: new Date().toISOString(), pythonVersion: options.pythonVersion ?? null, extra };
      await writeMarker(dir, marker);
      return { dir, marker, reused: false };
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  } finally {
    await lock.release();
  }
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
    return { key: data.key, createdAt: data.createdAt, pythonVersion: data.pythonVersion ?? null, extra: data.extra ?? {} };
  } catch {
    return null;
  }
}

async function readyMarker(dir: string, options: BuildOnceOptions): Promise<ReadyMarker | null> {
  const marker = await readMarker(dir);
  if (marker === null || marker.key !== options.key) return null;
  if (options.isHealthy !== undefined && !(await options.isHealthy(dir, marker))) return null;
  return marker;
}

interface Held {
  /** Set instead of a lock when another process finished the build while we waited. */
  marker: ReadyMarker | null;
  compromised: Error | null;
  release: () => Promise<void>;
}

async function acquire(dir: string, options: BuildOnceOptions): Promise<Held> {
  const deadline = Date.now() + (options.waitTimeoutMs ?? 30 * 60_000);
  const held: Held = { marker: null, compromised: null, release: async () => {} };
  let announced = false;
  for (;;) {
    try {
      const release = await lockfile.lock(dir, {
        realpath: false,
        lockfilePath: `${dir}.lock`,
        stale: Math.max(2000, options.staleMs ?? 10_000),
        onCompromised: (error) => { held.compromised = error; },
      });
      held.release = () => release().catch(() => {});
      return held;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    }
    if (!announced) options.log?.(`waiting for another process to finish building ${dir}`);
    announced = true;
    held.marker = await readyMarker(dir, options);
    if (held.marker !== null) return held;
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

function lostLock(dir: string, cause: Error): EnvError {
  return new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `lost the build lock on ${dir} (${cause.message})`, {
    hint: 'another process may have taken the lock over; run again',
    cause,
  });
}
