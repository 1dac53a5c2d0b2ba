import { mkdir, open, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isExecutable } from '@mlproject/env';

/** What a probe learned about one interpreter binary. */
export interface ProbeResult {
  executable: string;
  version: string;
}

function pyenvRoot(env: NodeJS.ProcessEnv): string {
  const home = env['HOME'] !== undefined && env['HOME'] !== '' ? env['HOME'] : os.homedir();
  return env['PYENV_ROOT'] !== undefined && env['PYENV_ROOT'] !== '' ? env['PYENV_ROOT'] : path.join(home, '.pyenv');
}

async function versionFileLines(file: string): Promise<string[] | null> {
  try {
    const text = await readFile(file, 'utf8');
    return text.split(/\s+/).filter((word) => word !== '' && !word.startsWith('#'));
  } catch {
    return null;
  }
}

/** The versions pyenv selects, as `pyenv version-name` does: PYENV_VERSION, `.python-version` up from the directory, the global file. */
async function pyenvVersions(root: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const fromEnv = env['PYENV_VERSION'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv.split(':');
  for (let dir = path.resolve(env['PYENV_DIR'] ?? process.cwd()); ; dir = path.dirname(dir)) {
    const lines = await versionFileLines(path.join(dir, '.python-version'));
    if (lines !== null && lines.length > 0) return lines;
    if (path.dirname(dir) === dir) break;
  }
  return (await versionFileLines(path.join(root, 'version'))) ?? ['system'];
}

/**
 * The binary a pyenv shim would run, worked out the way pyenv does it but without starting bash
 * (a shim costs ~70 ms per start): the selected versions' `bin/<name>` under `$PYENV_ROOT/versions`.
 * null when `file` is not a shim, or the answer is not plain (a `system` version, a prefix pyenv
 * would expand): the caller then runs the shim itself.
 */
export async function pyenvShimTarget(file: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const root = pyenvRoot(env);
  if (path.dirname(file) !== path.join(root, 'shims')) return null;
  for (const version of await pyenvVersions(root, env)) {
    if (version === 'system') return null;
    const target = path.join(root, 'versions', version, 'bin', path.basename(file));
    if (await isExecutable(target)) return target;
  }
  return null;
}

async function isScript(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    return head.toString('latin1') === '#!';
  } finally {
    await handle.close();
  }
}

/**
 * Identity of an interpreter binary for the probe cache: real path, size and mtime. null for scripts
 * (a wrapper's answer can depend on more than its own bytes) and for files that cannot be read.
 */
export async function binaryIdentity(file: string): Promise<string | null> {
  try {
    const real = await realpath(file);
    if (await isScript(real)) return null;
    const info = await stat(real);
    return `${real}\0${info.size}\0${info.mtimeMs}`;
  } catch {
    return null;
  }
}

/** A small JSON map, identity -> probe result, kept in the env cache so warm runs start no Python. */
export class ProbeCache {
  private entries: Record<string, ProbeResult> | null = null;
  constructor(private readonly file: string) {}

  async get(identity: string): Promise<ProbeResult | undefined> {
    this.entries ??= await readFile(this.file, 'utf8').then((text) => JSON.parse(text) as Record<string, ProbeResult>, () => ({}));
    return this.entries[identity];
  }

  /** Records a result; written atomically (temp file + rename), last writer wins. Failures are ignored: it is only a cache. */
  async set(identity: string, result: ProbeResult): Promise<void> {
    this.entries = { ...(this.entries ?? {}), [identity]: result };
    const temp = `${this.file}.tmp-${process.pid}`;
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      await writeFile(temp, JSON.stringify(this.entries));
      await rename(temp, this.file);
    } catch {
      // A read-only cache dir only costs a probe next time.
    }
  }
}
