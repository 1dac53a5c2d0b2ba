import { open, realpath } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EnvError } from '@mlproject/env';
import { execa } from 'execa';
import { newestFirst, plausible, versionMatches } from './python-version.js';
import { ProbeCache, binaryIdentity, pyenvShimTarget } from './probe-cache.js';
import { isExecutable, listMatching, pathDirs, which } from '@mlproject/env';

/** An installed Python, resolved once. */
export interface Interpreter {
  /**
   * The real interpreter (`sys.executable` with symlinks resolved), exec'd directly afterwards, never
   * through a pyenv shim (which costs ~100 ms per start).
   */
  executable: string;
  /** Full version, e.g. "3.11.7". */
  version: string;
  /** Where it was found (a PATH entry or a pyenv version dir); equals `executable` unless a shim or link. */
  foundAt: string;
}

/** A place to look, in priority order, with the version its name implies (if any). */
export interface Candidate {
  file: string;
  hint: string | null;
}

// Prints the real executable and X.Y.Z; valid in Python 2 and 3. -E -S: no PYTHON* vars, no site (~10 ms).
const PROBE = "import sys;print(sys.executable);print('.'.join(map(str, sys.version_info[:3])))";
const probes = new Map<string, Promise<Interpreter | null>>();

/**
 * Runs `file` once to learn its real executable and version; memoized per process (per file, cwd
 * and PYENV_VERSION, the inputs a pyenv shim depends on). null when it does not run (e.g. a shim
 * for a version pyenv has not selected).
 */
export function probeInterpreter(file: string, env: NodeJS.ProcessEnv, cache?: ProbeCache): Promise<Interpreter | null> {
  const memo = `${file}\0${process.cwd()}\0${env['PYENV_VERSION'] ?? ''}`;
  let probe = probes.get(memo);
  if (probe === undefined) {
    probe = cachedProbe(file, env, cache);
    probes.set(memo, probe);
  }
  return probe;
}

/**
 * A pyenv shim is resolved to the binary it would run without starting it; a binary's answer is
 * taken from the on-disk probe cache when its path, size and mtime are unchanged. Only what is left
 * runs the interpreter.
 */
async function cachedProbe(file: string, env: NodeJS.ProcessEnv, cache: ProbeCache | undefined): Promise<Interpreter | null> {
  if (cache === undefined) return runProbe(file, env);
  const target = (await pyenvShimTarget(file, env)) ?? file;
  const identity = await binaryIdentity(target);
  if (identity === null) return runProbe(file, env);
  const known = await cache.get(identity);
  if (known !== undefined) return { ...known, foundAt: file };
  const probed = await runProbe(target, env);
  if (probed !== null) await cache.set(identity, { executable: probed.executable, version: probed.version });
  return probed === null ? null : { ...probed, foundAt: file };
}

function runProbe(file: string, env: NodeJS.ProcessEnv): Promise<Interpreter | null> {
  return execa(file, ['-E', '-S', '-c', PROBE], { env, extendEnv: false, reject: false, stdin: 'ignore', timeout: 20_000 }).then(
      (result) => {
        const [executable, version] = result.stdout.split('\n').map((line) => line.trim());
        if (result.exitCode !== 0 || version === undefined || !/^\d+\.\d+\.\d+$/.test(version)) return null;
        const reported = executable !== undefined && executable !== '' ? executable : file;
        return realpath(reported).then((real) => ({ executable: real, version, foundAt: file }), () => null);
      },
      () => null,
  );
}

/**
 * Where Pythons may be, in priority order: on PATH (per directory `python3.X`, then `python3`, then
 * `python`), then pyenv's `$PYENV_ROOT/versions/<v>/bin/python` (default `~/.pyenv`), newest first.
 */
export async function interpreterCandidates(env: NodeJS.ProcessEnv): Promise<Candidate[]> {
  const found: Candidate[] = [];
  for (const dir of pathDirs(env)) {
    const names = await listMatching(dir, /^python(\d(\.\d+)?)?$/);
    names.sort((a, b) => b.length - a.length || newestFirst(a.replace('python', ''), b.replace('python', '')));
    for (const name of names) found.push({ file: path.join(dir, name), hint: name === 'python' ? null : name.slice('python'.length) });
  }
  const home = env['HOME'] !== undefined && env['HOME'] !== '' ? env['HOME'] : os.homedir();
  const pyenvRoot = env['PYENV_ROOT'] !== undefined && env['PYENV_ROOT'] !== '' ? env['PYENV_ROOT'] : path.join(home, '.pyenv');
  const versions = (await listMatching(path.join(pyenvRoot, 'versions'), /^[^.]/)).sort(newestFirst);
  for (const name of versions) {
    const file = path.join(pyenvRoot, 'versions', name, 'bin', 'python');
    if (await isExecutable(file)) found.push({ file, hint: /^\d+(\.\d+)*$/.test(name) ? name : null });
  }
  return dedupe(found);
}

/**
 * Drops candidates that are the same binary (`/bin/python3` and `/usr/bin/python3.11` on a merged-/usr
 * system). Scripts (pyenv shims) are kept by their own path: what they run depends on their name.
 */
async function dedupe(candidates: Candidate[]): Promise<Candidate[]> {
  const seen = new Set<string>();
  const kept: Candidate[] = [];
  for (const candidate of candidates) {
    const key = await identity(candidate.file);
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(candidate);
  }
  return kept;
}

async function identity(file: string): Promise<string> {
  try {
    const real = await realpath(file);
    const handle = await open(real, 'r');
    try {
      const head = Buffer.alloc(2);
      await handle.read(head, 0, 2, 0);
      return head.toString('latin1') === '#!' ? file : real;
    } finally {
      await handle.close();
    }
  } catch {
    return file;
  }
}

/**
 * The installed interpreter for a `python_env.yaml` `python:` value.
 * - null: the interpreter `python3` (else `python`) on PATH resolves to; MLflow uses its own
 *   interpreter's version here (`mlflow/utils/environment.py::_PythonEnv.current`).
 * - "3.11": the first 3.11.x in candidate order; "3.11.7": exactly that release.
 * Candidates whose name rules them out (`python3.12` for "3.11") are not run unless nothing matches;
 * the others run in order until one matches (each resolved once per process, see `probeInterpreter`).
 * @throws EnvError ERR_MLPROJECT_ENV_PYTHON_NOT_FOUND naming the request and every version found.
 */
export async function findInterpreter(requested: string | null, env: NodeJS.ProcessEnv, options: { cacheDir?: string } = {}): Promise<Interpreter> {
  const cache = options.cacheDir === undefined ? undefined : new ProbeCache(path.join(options.cacheDir, 'interpreters.json'));
  if (requested === null) {
    const file = (await which('python3', env)) ?? (await which('python', env));
    const interpreter = file === null ? null : await probeInterpreter(file, env, cache);
    if (interpreter !== null) return interpreter;
    throw new EnvError('ERR_MLPROJECT_ENV_PYTHON_NOT_FOUND', file === null ? 'no python3 or python on PATH' : `${file} does not run`, {
      hint: 'install Python 3, or set `python:` in python_env.yaml to an installed version',
    });
  }
  const candidates = await interpreterCandidates(env);
  const likely = candidates.filter((c) => plausible(requested, c.hint));
  const first = await firstMatch(likely, requested, env, cache);
  if (first !== null) return first;

  const all = (await Promise.all(candidates.map((c) => probeInterpreter(c.file, env, cache)))).filter((i): i is Interpreter => i !== null);
  const versions = [...new Set(all.map((i) => i.version))].sort(newestFirst).reverse();
  throw new EnvError(
    'ERR_MLPROJECT_ENV_PYTHON_NOT_FOUND',
    `no installed Python matches ${requested} (found ${versions.length > 0 ? versions.join(', ') : 'none'})`,
    {
      hint: `install Python ${requested} (e.g. \`pyenv install ${requested}\`) or change \`python:\` in python_env.yaml; looked on PATH and in $PYENV_ROOT/versions`,
    },
  );
}

/**
 * Probes `candidates` in priority order and returns the first whose version matches, running at
 * most two probes at a time (the next one starts while the current one runs), so a match among the
 * first candidates costs one or two interpreter starts, not one per candidate.
 */
async function firstMatch(candidates: readonly Candidate[], requested: string, env: NodeJS.ProcessEnv, cache: ProbeCache | undefined): Promise<Interpreter | null> {
  for (let i = 0; i < candidates.length; i++) {
    const next = candidates[i + 1];
    if (next !== undefined) void probeInterpreter(next.file, env, cache);
    const current = candidates[i];
    const found = current === undefined ? null : await probeInterpreter(current.file, env, cache);
    if (found !== null && versionMatches(requested, found.version)) return found;
  }
  return null;
}

/** Forgets memoized probes (tests, or after installing a Python). */
export function clearInterpreterCache(): void {
  probes.clear();
}
