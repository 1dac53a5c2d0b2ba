import { randomBytes } from 'node:crypto';
import lockfile from 'proper-lockfile';

/**
 * Infix of a temporary directory next to a cache entry: `<dir>.tmp-<pid>-<random>`. A build writes
 * one and renames it to `<dir>` when healthy; a removal renames `<dir>` to one before deleting it.
 * Whoever holds `<dir>.lock` may delete every `<dir>.tmp-*`: it is garbage from a dead process.
 */
export const TEMP_INFIX = '.tmp-';

/** Suffix of the lock directory of a cache entry: `<dir>.lock`. */
export const LOCK_SUFFIX = '.lock';

/** A fresh temporary path next to `dir` (same file system, so it can be renamed into place). */
export function tempPathFor(dir: string): string {
  return `${dir}${TEMP_INFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** For a directory name, the entry it is a temporary for (`abc.tmp-1-ff` -> `abc`), or null. */
export function tempOwner(name: string): string | null {
  const at = name.indexOf(TEMP_INFIX);
  return at > 0 ? name.slice(0, at) : null;
}

/** A held `<dir>.lock`. */
export interface HeldLock {
  /** Set when the lock was taken over by another process while held (we were too slow to refresh it). */
  compromised: Error | null;
  /** Releases the lock; never throws. */
  release(): Promise<void>;
}

/**
 * Tries once to take the lock of the cache entry `dir` (a directory `<dir>.lock`, created with an
 * atomic mkdir and refreshed every `staleMs / 2` by proper-lockfile; released on exit and signals).
 * A lock not refreshed for `staleMs` belongs to a dead process and is taken over.
 * @param staleMs ms, at least 2000 (default 10 000).
 * @returns the held lock, or null when a live process holds it.
 * @throws the file system error when the lock cannot be created for another reason (e.g. EACCES).
 */
export async function tryLock(dir: string, staleMs = 10_000): Promise<HeldLock | null> {
  const held: HeldLock = { compromised: null, release: async () => {} };
  try {
    const release = await lockfile.lock(dir, {
      realpath: false,
      lockfilePath: `${dir}${LOCK_SUFFIX}`,
      stale: Math.max(2000, staleMs),
      onCompromised: (error) => {
        held.compromised = error;
      },
    });
    held.release = () => release().catch(() => {});
    return held;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') return null;
    throw error;
  }
}

