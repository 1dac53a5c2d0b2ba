import path from 'node:path';
import { EnvError } from '@mlproject/env';
import { isExecutable, which } from '@mlproject/env';

/** The py-rattler release provisioned from PyPI for the `rattler` engine. */
export const RATTLER_VERSION = '0.28.0';

/** An installed conda-compatible executable that creates envs from a conda.yaml. */
export interface NativeEngine {
  kind: 'conda' | 'mamba' | 'micromamba';
  /** Absolute path of the executable. */
  executable: string;
  /** Which rule found it (see {@link findEngine}). */
  source: 'MLFLOW_CONDA_HOME' | 'CONDA_EXE' | 'MLFLOW_CONDA_CREATE_ENV_CMD' | 'PATH';
}

/** py-rattler, provisioned into the cache and driven by `python/rattler_env.py`. */
export interface RattlerEngine {
  kind: 'rattler';
  /** py-rattler version, e.g. "0.28.0". */
  version: string;
}

export type CondaEngine = NativeEngine | RattlerEngine;

/**
 * Which engine builds the env. `auto`: an installed conda / mamba / micromamba, else `rattler`.
 * `native`: an installed one or fail, as MLflow does. `rattler`: always py-rattler.
 */
export type EngineMode = 'auto' | 'native' | 'rattler';

/** Shown in logs and recorded in the ready marker: "conda (/opt/conda/bin/conda)" or "rattler 0.28.0". */
export function describeEngine(engine: CondaEngine): string {
  return engine.kind === 'rattler' ? `py-rattler ${engine.version}` : `${engine.kind} (${engine.executable})`;
}

/** The engine kind an executable's file name implies: micromamba, mamba, else conda. Pure. */
export function engineKind(executable: string): NativeEngine['kind'] {
  const base = path.basename(executable).toLowerCase();
  if (base.includes('micromamba')) return 'micromamba';
  if (base.includes('mamba')) return 'mamba';
  return 'conda';
}

/**
 * The engine mode asked for: `mode` when given, else `MLPROJECT_CONDA_ENGINE` (auto | native |
 * rattler) from `env`, else `auto`.
 * @throws EnvError ERR_MLPROJECT_ENV_TOOL_MISSING for another value of the variable.
 */
export function engineMode(mode: EngineMode | undefined, env: NodeJS.ProcessEnv): EngineMode {
  if (mode !== undefined) return mode;
  const value = env['MLPROJECT_CONDA_ENGINE'];
  if (value === undefined || value === '') return 'auto';
  if (value === 'auto' || value === 'native' || value === 'rattler') return value;
  throw new EnvError('ERR_MLPROJECT_ENV_TOOL_MISSING', `MLPROJECT_CONDA_ENGINE is '${value}', expected auto, native or rattler`, {
    hint: 'unset MLPROJECT_CONDA_ENGINE or set it to auto, native or rattler',
  });
}

/**
 * Finds the engine the way MLflow finds conda (`mlflow/utils/conda.py::get_conda_bin_executable`,
 * `_get_conda_executable_for_create_env`), then falls back to py-rattler:
 * 1. `MLFLOW_CONDA_HOME` set: `$MLFLOW_CONDA_HOME/bin/<cmd>`, where `<cmd>` is
 *    `MLFLOW_CONDA_CREATE_ENV_CMD` or `conda`;
 * 2. `CONDA_EXE` set: `dirname($CONDA_EXE)/<cmd>` (so `mamba` next to the active conda);
 * 3. `MLFLOW_CONDA_CREATE_ENV_CMD` set: that command on PATH (or that path);
 * 4. `conda`, `mamba`, `micromamba` on PATH, the first found;
 * 5. else, in `auto` mode, the `rattler` engine.
 * Rules 1-3 are explicit configuration: a missing executable there is an error, never a fallback.
 * Only file metadata is read (no process is run), so this is cheap enough for every warm start.
 * @throws EnvError ERR_MLPROJECT_ENV_TOOL_MISSING with MLflow's wording for rules 1-3, and when
 *   `mode` is `native` and nothing is found.
 */
export async function findEngine(mode: EngineMode, env: NodeJS.ProcessEnv): Promise<CondaEngine> {
  if (mode === 'rattler') return { kind: 'rattler', version: RATTLER_VERSION };
  const createCmd = nonEmpty(env['MLFLOW_CONDA_CREATE_ENV_CMD']);
  const cmd = createCmd ?? 'conda';
  const home = nonEmpty(env['MLFLOW_CONDA_HOME']);
  const condaExe = nonEmpty(env['CONDA_EXE']);
  if (home !== undefined) return explicit(path.resolve(home, 'bin', cmd), 'MLFLOW_CONDA_HOME', createCmd);
  if (condaExe !== undefined) return explicit(path.resolve(path.dirname(condaExe), cmd), 'CONDA_EXE', createCmd);
  if (createCmd !== undefined) {
    const found = await which(createCmd, env);
    if (found === null) throw createCmdMissing(createCmd);
    return { kind: engineKind(found), executable: found, source: 'MLFLOW_CONDA_CREATE_ENV_CMD' };
  }
  for (const name of ['conda', 'mamba', 'micromamba']) {
    const found = await which(name, env);
    if (found !== null) return { kind: engineKind(found), executable: found, source: 'PATH' };
  }
  if (mode === 'auto') return { kind: 'rattler', version: RATTLER_VERSION };
  throw new EnvError('ERR_MLPROJECT_ENV_TOOL_MISSING', 'Could not find Conda executable: none of conda, mamba, micromamba is on PATH', {
    hint: 'install micromamba or conda, set MLFLOW_CONDA_HOME, or let mlproject use py-rattler (MLPROJECT_CONDA_ENGINE=auto)',
  });
}

async function explicit(executable: string, source: 'MLFLOW_CONDA_HOME' | 'CONDA_EXE', createCmd: string | undefined): Promise<NativeEngine> {
  if (await isExecutable(executable)) return { kind: engineKind(executable), executable, source };
  if (createCmd !== undefined) throw createCmdMissing(executable);
  throw new EnvError('ERR_MLPROJECT_ENV_TOOL_MISSING', `Could not find Conda executable at ${executable} (from ${source})`, {
    hint: `fix or unset ${source}; it must point at a conda installation`,
  });
}

function createCmdMissing(executable: string): EnvError {
  return new EnvError(
    'ERR_MLPROJECT_ENV_TOOL_MISSING',
    `You have set the env variable MLFLOW_CONDA_CREATE_ENV_CMD, but ${executable} does not exist or it is not working properly`,
    { hint: 'point MLFLOW_CONDA_CREATE_ENV_CMD at an installed mamba or micromamba, or unset it' },
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
