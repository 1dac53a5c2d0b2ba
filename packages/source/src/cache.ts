import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Where fetched projects are kept: `<cache root>/sources`, the cache root being `MLPROJECT_CACHE_DIR`,
 * else `$XDG_CACHE_HOME/mlproject` (absolute only), else `~/.cache/mlproject` (the same root as
 * `@mlproject/env`'s `defaultCacheDir`). Empty variables count as unset.
 * @returns an absolute directory path (not created).
 */
export function defaultSourceCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['MLPROJECT_CACHE_DIR'];
  if (explicit !== undefined && explicit !== '') return path.join(path.resolve(explicit), 'sources');
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && path.isAbsolute(xdg)) return path.join(xdg, 'mlproject', 'sources');
  const home = env['HOME'] !== undefined && env['HOME'] !== '' ? env['HOME'] : os.homedir();
  return path.join(home, '.cache', 'mlproject', 'sources');
}

export async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** A fresh, empty temp directory beside `final` (same file system, so it can be renamed into place). */
export async function makeTempBeside(final: string): Promise<string> {
  await mkdir(path.dirname(final), { recursive: true });
  const temp = `${final}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(temp);
  return temp;
}

/**
 * Renames a completed `temp` directory to `final`. When another process got there first, its
 * directory is kept and `temp` is removed. Only complete directories ever bear a final name, so an
 * interrupted fetch (a leftover `*.tmp-*`) is never reused.
 */
export async function publish(temp: string, final: string): Promise<void> {
  try {
    await rename(temp, final);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await isDirectory(final))) {
      await rm(temp, { recursive: true, force: true });
      return;
    }
    throw error;
  }
}
