import { lstat, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Rewrites a venv built at `from` so it works at `to` once renamed there: in every text file of
 * `bin/` (the `#!<from>/bin/python` shebangs pip writes into console scripts, including its
 * `#!/bin/sh` + `exec "<from>/bin/python"` form for long paths, and the activate scripts) and in
 * `pyvenv.cfg`, each occurrence of `from` becomes `to`. Binary files and symlinks (`bin/python`)
 * are left alone.
 *
 * Needed for the `venv + pip` fallback only: `python -m venv` and pip embed the absolute path the
 * env was created at (`venv/__init__.py`, pip's `distlib` script maker). uv envs are made with
 * `uv venv --relocatable`, whose scripts find their interpreter relative to themselves; the rewrite
 * is then a no-op. Because `to` is shorter than `from` (`<dir>` vs `<dir>.tmp-...`), a shebang that
 * fit the kernel's limit still fits. Site-packages needs nothing: `RECORD` paths are relative, and
 * Python fixes `co_filename` of cached bytecode when it loads it.
 * @returns the rewritten files, relative to `to`.
 */
export async function relocateVenv(from: string, to: string): Promise<string[]> {
  const bin = path.join(from, 'bin');
  const candidates = [...(await readdir(bin).catch(() => [] as string[])).map((name) => path.join('bin', name)), 'pyvenv.cfg'];
  const rewritten: string[] = [];
  for (const relative of candidates) {
    const file = path.join(from, relative);
    const info = await lstat(file).catch(() => null);
    if (info === null || !info.isFile()) continue;
    const bytes = await readFile(file);
    if (bytes.subarray(0, 8192).includes(0)) continue;
    const text = bytes.toString('utf8');
    if (!text.includes(from)) continue;
    await writeFile(file, text.split(from).join(to));
    rewritten.push(relative);
  }
  return rewritten.sort();
}
