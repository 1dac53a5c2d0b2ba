import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  EnvError,
  buildLogPath,
  buildOnce,
  envKey,
  type EnvironmentBackend,
  type PrepareRequest,
  type PreparedEnvironment,
} from '@mlproject/env';
import { parseCondaEnv } from '@mlproject/spec';
import { buildCondaEnv, type CondaSource } from './build.js';
import { condaSubdir } from './channels.js';
import { condaChildEnv } from './child-env.js';
import { isCondaDeclaration } from './declaration.js';
import { describeEngine, engineMode, findEngine, type CondaEngine, type EngineMode } from './engine.js';
import { note, type StepContext } from '@mlproject/env';
import { toolEnv } from './tool-env.js';
import { frozenPlan } from './frozen.js';
import { LOCK_FILE } from './lock.js';

export interface CondaBackendOptions {
  /** Engine choice (see `EngineMode`); default `MLPROJECT_CONDA_ENGINE` from the request's env, else `auto`. */
  engine?: EngineMode;
}

/**
 * MLflow's env name for a conda.yaml: `mlflow-` + sha1 (hex) of its raw text, comments included
 * (`mlflow/utils/conda.py::_get_conda_env_name`, without an env-root suffix). Recorded in the ready
 * marker; our envs are keyed by {@link condaKey} instead. Pure.
 */
export function condaEnvName(text: string): string {
  return `mlflow-${createHash('sha1').update(text).digest('hex')}`;
}

/**
 * The env key: the conda.yaml's raw text (as MLflow's name covers it), the engine kind (a conda-
 * and a rattler-built env are not interchangeable; rattler's version included), and the platform
 * subdir. Not the file's path: two projects with the same conda.yaml share one env, as in MLflow.
 */
export function condaKey(text: string, engine: CondaEngine, subdir: string = condaSubdir()): string {
  return envKey({ schema: 1, condaYaml: text, engine: engine.kind === 'rattler' ? `rattler-${engine.version}` : engine.kind, subdir });
}

/**
 * The key of an env rebuilt from a recorded lock (`--frozen-from`): the lock's text, the engine kind
 * and the platform subdir. Pure.
 */
export function frozenKey(lock: string, engine: CondaEngine, subdir: string = condaSubdir()): string {
  return envKey({ schema: 1, frozenLock: lock, engine: engine.kind === 'rattler' ? `rattler-${engine.version}` : engine.kind, subdir });
}

/**
 * The `conda` backend (name `conda`), configured. Envs live in `<cacheDir>/envs/conda/<key>/`,
 * build logs in `<cacheDir>/logs/conda/`.
 */
export function createCondaBackend(options: CondaBackendOptions = {}): EnvironmentBackend {
  return {
    names: ['conda'],
    prepare: (request, manager) => prepareConda(request, manager, options),
  };
}

/** The `conda` backend with default options. */
export const condaBackend: EnvironmentBackend = createCondaBackend();

/**
 * Builds or reuses the conda env for `request.declaration` (a `CondaEnvDeclaration`). Mirrors
 * `mlflow/utils/conda.py::get_or_create_conda_env` with a content key, a build lock and a ready
 * marker; the env is created by path in the cache rather than by name in conda's envs dir.
 * @throws EnvError ERR_MLPROJECT_ENV_TOOL_MISSING (engine missing, py-rattler not installable),
 *   ERR_MLPROJECT_ENV_PYTHON_NOT_FOUND (rattler engine without python3 >= 3.10),
 *   ERR_MLPROJECT_ENV_BUILD_FAILED (unreadable conda.yaml, unsolvable spec, unreachable channel,
 *   failed install, a `frozenLock` that is not a conda lock or gives another env; with `logFile`);
 *   SpecError from `parseCondaEnv` for a malformed conda.yaml. With `request.frozenLock` the
 *   conda.yaml is not read: the lock's exact packages (and pip lines) are installed instead.
 */
async function prepareConda(request: PrepareRequest, manager: string, options: CondaBackendOptions): Promise<PreparedEnvironment> {
  const started = performance.now();
  const log = request.log ?? (() => {});
  const base = request.env ?? process.env;
  const declaration: unknown = request.declaration;
  if (!isCondaDeclaration(declaration)) {
    throw new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `the conda env manager needs a conda.yaml, got a '${String((declaration as { kind?: unknown }).kind)}' declaration`, {
      hint: 'point conda_env in MLproject at a conda.yaml, or pick another --env-manager',
    });
  }
  const file = path.resolve(request.projectDir, declaration.file);
  const engine = await findEngine(engineMode(options.engine, base), base);
  const subdir = condaSubdir();
  const source = await readSource(file, request.frozenLock);
  const key = source.kind === 'yaml' ? condaKey(source.text, engine, subdir) : frozenKey(source.lock, engine, subdir);
  const prefix = path.join(request.cacheDir, 'envs', 'conda', key);
  const logFile = buildLogPath(request.cacheDir, 'conda', key);
  let extra: Record<string, unknown> = {};

  const result = await buildOnce(
    prefix,
    async (dir) => {
      const what = source.kind === 'yaml' ? file : 'a recorded lock';
      log(`building a conda env from ${what} with ${describeEngine(engine)}; log: ${logFile}`);
      const ctx: StepContext = { logFile, env: toolEnv(base), signal: request.signal };
      const name = source.kind === 'yaml' ? ` (${condaEnvName(source.text)})` : '';
      await note(ctx, `mlproject ${manager} build of ${dir} from ${what}${name} with ${describeEngine(engine)}`);
      const packages = await buildCondaEnv(dir, { source, engine, subdir, cacheDir: request.cacheDir, base, ctx, log });
      extra = {
        engine: describeEngine(engine),
        condaYaml: file,
        ...(source.kind === 'yaml' ? { envName: condaEnvName(source.text) } : { frozen: true }),
        packages: packages.length,
        pythonVersion: packages.find((p) => p.name === 'python')?.version ?? null,
      };
    },
    {
      key,
      // conda envs embed their prefix in scripts and text files: built where they will live.
      inPlace: true,
      lockFile: LOCK_FILE,
      buildLogFile: logFile,
      extra: () => extra,
      isHealthy: (dir) => isDirectory(path.join(dir, 'conda-meta')),
      log,
      ...(request.rebuild === true ? { rebuild: true } : {}),
    },
  );

  const durationMs = performance.now() - started;
  log(`${result.reused ? 'reused' : 'built'} conda environment ${prefix} in ${(durationMs / 1000).toFixed(1)} s`);
  const { marker } = result;
  const pythonVersion = marker.extra['pythonVersion'];
  return {
    manager,
    key,
    prefix,
    pythonVersion: typeof pythonVersion === 'string' ? pythonVersion : null,
    reused: result.reused,
    durationMs,
    lockFile: marker.lockFile === null ? null : path.join(prefix, marker.lockFile),
    lockDigest: marker.lockDigest,
    buildLogFile: result.reused ? await existing(marker.buildLogFile) : logFile,
    childEnv: (childBase) => condaChildEnv(prefix, childBase),
  };
}

type Source = (CondaSource & { kind: 'frozen' }) | (CondaSource & { kind: 'yaml'; text: string });

async function readSource(file: string, frozenLock: string | undefined): Promise<Source> {
  if (frozenLock !== undefined) return { kind: 'frozen', file, lock: frozenLock, plan: frozenPlan(frozenLock) };
  const text = await readConda(file);
  return { kind: 'yaml', file, text, env: parseCondaEnv(text, file) };
}

async function readConda(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `cannot read the conda environment file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      hint: 'conda_env in MLproject is relative to the project directory',
      cause: error,
    });
  }
}

async function existing(file: string | null): Promise<string | null> {
  if (file === null) return null;
  try {
    await stat(file);
    return file;
  } catch {
    return null;
  }
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
