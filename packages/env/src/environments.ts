import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { READY_MARKER, readMarker } from './build-once.js';
import { EnvError } from './errors.js';
import { LOCK_SUFFIX, tempOwner, tempPathFor, tryLock } from './lock.js';

/** One cached environment, as `listEnvironments` sees it. */
export interface EnvInfo {
  /** The backend family that built it: the directory under `<cacheDir>/envs/` (`virtualenv`, `conda`). */
  manager: string;
  /** Its content key (64 hex chars), the directory name. */
  key: string;
  /** Absolute path, `<cacheDir>/envs/<manager>/<key>`. */
  path: string;
  /** When its build finished, ms since the epoch. */
  createdMs: number;
  /** When a prepare last built or reused it, ms since the epoch (the ready marker's mtime). */
  lastUsedMs: number;
  /** Apparent size of its files in bytes (hard links counted once; files shared with a tool's cache count). */
  sizeBytes: number;
  /** Full Python version inside, when recorded. */
  pythonVersion: string | null;
  /** Absolute path of its lock, or null when it records none. */
  lockFile: string | null;
  /** sha256 hex of the lock, or null. */
  lockDigest: string | null;
  /** Number of packages in the lock (see `countLockedPackages`); 0 without a lock. */
  packages: number;
}

/** sha256 hex of a lock's text (UTF-8), as recorded in `PreparedEnvironment.lockDigest`. */
export function lockDigest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Packages in a lock: its lines that are not blank, `#` comments, `@EXPLICIT` or `--option` lines.
 * Works for `pip freeze` locks and `conda list --explicit` ones. Pure.
 */
export function countLockedPackages(text: string): number {
  return text.split(/\r?\n/).filter((line) => {
    const trimmed = line.trim();
    return trimmed !== '' && !/^(#|@EXPLICIT|--)/.test(trimmed);
  }).length;
}

/**
 * Every complete environment in the cache (`<cacheDir>/envs/<manager>/<key>/` with a ready marker),
 * of every backend, oldest use first. Temp dirs, locks and half-built directories are not listed.
 * Reads each env's marker and lock and walks its files for `sizeBytes`.
 * @returns [] when the cache does not exist.
 */
export async function listEnvironments(cacheDir: string): Promise<EnvInfo[]> {
  const infos: EnvInfo[] = [];
  for (const entry of await envDirs(cacheDir)) {
    const info = await envInfo(entry.manager, entry.dir);
    if (info !== null) infos.push(info);
  }
  return infos.sort((a, b) => a.lastUsedMs - b.lastUsedMs);
}

/**
 * Removes the environment whose key starts with `keyPrefix` (at least one character; like a git
 * abbreviated hash). Takes its lock, so it never removes an env a run is building; the directory is
 * first renamed aside, so a crash mid-removal leaves only a temp dir `gcEnvironments` cleans. A run
 * that is using the env right now (not building it) is not detected.
 * @returns what was removed.
 * @throws EnvError ERR_MLPROJECT_ENV_NOT_FOUND (no key starts with it), ERR_MLPROJECT_ENV_AMBIGUOUS
 *   (several do; the message lists them), ERR_MLPROJECT_ENV_BUSY (a build holds its lock).
 */
export async function removeEnvironment(cacheDir: string, keyPrefix: string): Promise<EnvInfo> {
  const wanted = keyPrefix.trim().toLowerCase();
  const matches = wanted === '' ? [] : (await envDirs(cacheDir)).filter((e) => path.basename(e.dir).startsWith(wanted));
  const complete = [];
  for (const match of matches) if ((await readMarker(match.dir)) !== null) complete.push(match);
  if (complete.length === 0) {
    throw new EnvError('ERR_MLPROJECT_ENV_NOT_FOUND', `no cached environment has a key starting with '${keyPrefix}' in ${path.join(cacheDir, 'envs')}`, {
      hint: 'run `mlproject env list` to see the keys',
    });
  }
  if (complete.length > 1) {
    const shown = complete.map((e) => `${e.manager}/${path.basename(e.dir).slice(0, 12)}`).join(', ');
    throw new EnvError('ERR_MLPROJECT_ENV_AMBIGUOUS', `'${keyPrefix}' matches ${complete.length} environments: ${shown}`, {
      hint: 'give more characters of the key',
    });
  }
  const [only] = complete;
  if (only === undefined) throw new Error('unreachable');
  const removed = await removeLocked(only.manager, only.dir);
  if (removed === 'busy') {
    throw new EnvError('ERR_MLPROJECT_ENV_BUSY', `${only.dir} is being built by another process`, { hint: 'wait for that run to finish building, then retry' });
  }
  if (removed === null) throw new EnvError('ERR_MLPROJECT_ENV_NOT_FOUND', `${only.dir} was removed meanwhile`);
  return removed;
}

export interface GcOptions {
  /** Remove envs not used (built or reused) for longer than this, in ms; also build logs older than it. */
  olderThanMs: number;
  /** "Now", ms since the epoch (default `Date.now()`). */
  now?: number;
  /** One line per removed temp dir, lock or log count. */
  log?: (line: string) => void;
}

/**
 * Garbage-collects the cache: removes environments whose `lastUsedMs` is older than `olderThanMs`
 * (skipping any a run is building), temp dirs left by crashed or interrupted builds (`*.tmp-*` whose
 * owner's lock nobody holds; in `envs/*` and `tools/`), locks left by dead processes, and build logs
 * (`<cacheDir>/logs/**`) last written before the cut-off. Provisioned tools are kept.
 * @returns the environments removed.
 */
export async function gcEnvironments(cacheDir: string, options: GcOptions): Promise<EnvInfo[]> {
  const cutoff = (options.now ?? Date.now()) - options.olderThanMs;
  const removed: EnvInfo[] = [];
  for (const entry of await envDirs(cacheDir)) {
    const used = await lastUsedMs(entry.dir);
    if (used === null || used >= cutoff) continue;
    const gone = await removeLocked(entry.manager, entry.dir);
    if (gone !== null && gone !== 'busy') removed.push(gone);
  }
  const parents = [...(await subdirs(path.join(cacheDir, 'envs'))), path.join(cacheDir, 'tools')];
  for (const parent of parents) await sweepLeftovers(parent, options.log);
  const logs = await removeOldFiles(path.join(cacheDir, 'logs'), cutoff);
  if (logs > 0) options.log?.(`removed ${logs} build log${logs === 1 ? '' : 's'} older than the cut-off`);
  return removed;
}

/** Removes `dir` under its lock; null when it vanished, 'busy' when its lock is held. */
async function removeLocked(manager: string, dir: string): Promise<EnvInfo | null | 'busy'> {
  const lock = await tryLock(dir);
  if (lock === null) return 'busy';
  try {
    const info = await envInfo(manager, dir);
    if (info === null) return null;
    const aside = tempPathFor(dir);
    await rename(dir, aside);
    await rm(aside, { recursive: true, force: true });
    return info;
  } finally {
    await lock.release();
  }
}

/** In `parent`, removes temp dirs whose owner is not locked, and stale locks (taking them over releases them). */
async function sweepLeftovers(parent: string, log: ((line: string) => void) | undefined): Promise<void> {
  const names = await readdir(parent).catch(() => [] as string[]);
  const owners = new Set<string>();
  for (const name of names) {
    const owner = tempOwner(name) ?? (name.endsWith(LOCK_SUFFIX) ? name.slice(0, -LOCK_SUFFIX.length) : null);
    if (owner !== null) owners.add(owner);
  }
  for (const owner of owners) {
    const lock = await tryLock(path.join(parent, owner));
    if (lock === null) continue;
    try {
      for (const name of names.filter((n) => tempOwner(n) === owner)) {
        await rm(path.join(parent, name), { recursive: true, force: true });
        log?.(`removed leftover ${path.join(parent, name)}`);
      }
    } finally {
      await lock.release();
    }
  }
}

interface EnvDir {
  manager: string;
  dir: string;
}

/** `<cacheDir>/envs/<manager>/<key>` candidates: not temp dirs, not locks. */
async function envDirs(cacheDir: string): Promise<EnvDir[]> {
  const found: EnvDir[] = [];
  for (const managerDir of await subdirs(path.join(cacheDir, 'envs'))) {
    for (const dir of await subdirs(managerDir)) {
      const name = path.basename(dir);
      if (tempOwner(name) === null && !name.endsWith(LOCK_SUFFIX)) found.push({ manager: path.basename(managerDir), dir });
    }
  }
  return found;
}

async function subdirs(parent: string): Promise<string[]> {
  const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => path.join(parent, e.name)).sort();
}

/** The ready marker's mtime (its `createdAt` if that cannot be read); null for a dir without a marker. */
async function lastUsedMs(dir: string): Promise<number | null> {
  const marker = await readMarker(dir);
  if (marker === null) return null;
  const used = await stat(path.join(dir, READY_MARKER)).catch(() => null);
  return used?.mtimeMs ?? Date.parse(marker.createdAt);
}

async function envInfo(manager: string, dir: string): Promise<EnvInfo | null> {
  const marker = await readMarker(dir);
  if (marker === null) return null;
  const used = await stat(path.join(dir, READY_MARKER)).catch(() => null);
  const lockFile = marker.lockFile === null ? null : path.join(dir, marker.lockFile);
  const lockText = lockFile === null ? null : await readFile(lockFile, 'utf8').catch(() => null);
  return {
    manager,
    key: marker.key,
    path: dir,
    createdMs: Date.parse(marker.createdAt),
    lastUsedMs: used?.mtimeMs ?? Date.parse(marker.createdAt),
    sizeBytes: await diskUsage(dir),
    pythonVersion: marker.pythonVersion,
    lockFile: lockText === null ? null : lockFile,
    lockDigest: lockText === null ? null : (marker.lockDigest ?? lockDigest(lockText)),
    packages: lockText === null ? 0 : countLockedPackages(lockText),
  };
}

/** Sum of `lstat` sizes under `dir` (symlinks not followed; hard links counted once). */
async function diskUsage(dir: string): Promise<number> {
  const seen = new Set<string>();
  const walk = async (current: string): Promise<number> => {
    const entries = await readdir(current, { withFileTypes: true }).catch(() => []);
    let total = 0;
    for (const entry of entries) {
      const file = path.join(current, entry.name);
      if (entry.isDirectory()) {
        total += await walk(file);
        continue;
      }
      const info = await lstat(file).catch(() => null);
      if (info === null) continue;
      const id = `${info.dev}:${info.ino}`;
      if (info.nlink > 1 && seen.has(id)) continue;
      seen.add(id);
      total += info.size;
    }
    return total;
  };
  return walk(dir);
}

/** Deletes files under `dir` (recursively) last modified before `cutoff` (ms); returns how many. */
async function removeOldFiles(dir: string, cutoff: number): Promise<number> {
  let count = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      count += await removeOldFiles(file, cutoff);
    } else if (((await stat(file).catch(() => null))?.mtimeMs ?? Infinity) < cutoff) {
      await unlink(file).catch(() => {});
      count++;
    }
  }
  return count;
}
