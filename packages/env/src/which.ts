import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** The PATH entries of `env`, in order, without empty or relative ones. */
export function pathDirs(env: NodeJS.ProcessEnv): string[] {
  return (env['PATH'] ?? '').split(path.delimiter).filter((dir) => dir !== '' && path.isAbsolute(dir));
}

/** true when `file` is a regular file (after symlinks) that we may execute. */
export async function isExecutable(file: string): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first executable called `name` on `env.PATH` (absolute entries only), as an absolute path
 * with symlinks kept, or null. Like Python's `shutil.which` on POSIX (no PATHEXT). A `name` with a
 * `/` is checked as a path (relative to the current directory) instead.
 */
export async function which(name: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  if (name.includes('/')) {
    const file = path.resolve(name);
    return (await isExecutable(file)) ? file : null;
  }
  for (const dir of pathDirs(env)) {
    const file = path.join(dir, name);
    if (await isExecutable(file)) return file;
  }
  return null;
}

/** Names in `dir` matching `pattern`; [] when the directory cannot be read. */
export async function listMatching(dir: string, pattern: RegExp): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => pattern.test(name));
  } catch {
    return [];
  }
}
