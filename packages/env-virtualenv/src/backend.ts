import { access } from 'node:fs/promises';
import path from 'node:path';
import {
  EnvError,
  buildLogPath,
  buildOnce,
  envKey,
  lockDigest,
  type EnvironmentBackend,
  type PrepareRequest,
  type PreparedEnvironment,
  type PythonEnvDeclaration,
} from '@mlproject/env';
import { LOCK_FILE, buildVenv, venvPython } from './build.js';
import { managedInterpreter } from './managed-python.js';
import { venvChildEnv } from './child-env.js';
import { note } from '@mlproject/env';
import { findInterpreter, type Interpreter } from './interpreter.js';
import { localPaths, readRequirementFiles, type RequirementFile } from './requirements.js';
import { UV_VERSION, describeTool, resolveTool, toolEnv, type ToolMode } from './tool.js';
import { isExecutable } from '@mlproject/env';

export interface VirtualenvBackendOptions {
  /**
   * Installer choice (see `ToolMode`). Default: `uv` for `--env-manager uv`, `auto` for `virtualenv`
   * (uv from PATH, else uv provisioned from PyPI, else `python -m venv` + pip).
   */
  tool?: ToolMode;
  /** uv release provisioned when uv is not on PATH (default `UV_VERSION`, "0.13.9"). */
  uvVersion?: string;
}

/**
 * What the env key covers: the interpreter (full version and real path, since a venv links to its
 * base interpreter), the requirement lines as written, the text of every `-r`/`-c` file they
 * reference (recursively) and the absolute paths of local packages (`-e .`). Not the installer:
 * uv and pip build interchangeable envs, and MLflow also shares one dir between `uv` and `virtualenv`.
 * Schema 2: envs built in a temp dir and renamed, with the lock digest in the marker.
 */
export function virtualenvKey(
  interpreter: Interpreter,
  declaration: PythonEnvDeclaration,
  files: readonly RequirementFile[],
  locals: readonly string[],
): string {
  return envKey({
    schema: 2,
    python: interpreter.version,
    interpreter: interpreter.executable,
    buildDependencies: declaration.buildDependencies,
    dependencies: declaration.dependencies,
    requirementFiles: files,
    localPaths: locals,
  });
}

/**
 * The key of an env built from a recorded lock (`PrepareRequest.frozenLock`): the interpreter and
 * the sha256 of the lock's text. The declaration's packages play no part.
 */
export function frozenKey(interpreter: Interpreter, lock: string): string {
  return envKey({ schema: 2, python: interpreter.version, interpreter: interpreter.executable, frozenLock: lockDigest(lock) });
}

/**
 * The `virtualenv` backend (names `virtualenv`, `uv`), configured. Envs live in
 * `<cacheDir>/envs/virtualenv/<key>/`, build logs in `<cacheDir>/logs/virtualenv/`.
 */
export function createVirtualenvBackend(options: VirtualenvBackendOptions = {}): EnvironmentBackend {
  return {
    names: ['virtualenv', 'uv'],
    prepare: (request, manager) => prepareVirtualenv(request, manager, options),
  };
}

/** The `virtualenv` backend with default options. */
export const virtualenvBackend: EnvironmentBackend = createVirtualenvBackend();

/**
 * Builds or reuses the venv for `request.declaration` (or `request.frozenLock`). Mirrors
 * `mlflow/projects/backend/local.py` (virtualenv branch) and
 * `mlflow/utils/virtualenv.py::_get_or_create_virtualenv`, with a content key, a build lock, a
 * temp dir renamed into place when healthy, and a lock of what is installed.
 * @throws EnvError ERR_MLPROJECT_ENV_PYTHON_NOT_FOUND, ERR_MLPROJECT_ENV_TOOL_MISSING,
 *   ERR_MLPROJECT_ENV_BUILD_FAILED (with `logFile`; also for an unreadable `-r`/`-c` file).
 */
async function prepareVirtualenv(request: PrepareRequest, manager: string, options: VirtualenvBackendOptions): Promise<PreparedEnvironment> {
  const started = performance.now();
  const log = request.log ?? (() => {});
  const base = request.env ?? process.env;
  const declaration = request.declaration;
  if (declaration.kind !== 'python') {
    throw new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `the ${manager} env manager builds from python_env.yaml, got a '${declaration.kind}' declaration`, {
      hint: 'use --env-manager conda for a conda.yaml',
    });
  }
  const frozen = request.frozenLock;
  const mode = options.tool ?? (manager === 'uv' ? 'uv' : 'auto');
  const interpreter = await findInterpreter(declaration.python, base, { cacheDir: request.cacheDir }).catch((error: unknown) => {
    if (!(error instanceof EnvError) || error.code !== 'ERR_MLPROJECT_ENV_PYTHON_NOT_FOUND' || declaration.python === null) throw error;
    return managedInterpreter({
      requested: declaration.python, mode, cacheDir: request.cacheDir, uvVersion: options.uvVersion ?? UV_VERSION,
      env: base, signal: request.signal, log,
    }, error);
  });
  const key = frozen !== undefined ? frozenKey(interpreter, frozen) : await declarationKey(interpreter, declaration, request.projectDir);
  const prefix = path.join(request.cacheDir, 'envs', 'virtualenv', key);
  const logFile = buildLogPath(request.cacheDir, 'virtualenv', key);
  let extra: Record<string, unknown> = {};

  const result = await buildOnce(
    prefix,
    async (temp, final) => {
      const what = frozen !== undefined ? 'from a recorded lock' : `for Python ${interpreter.version}`;
      log(`building a virtualenv ${what} (${interpreter.executable}) in ${final}; log: ${logFile}`);
      const ctx = { logFile, env: toolEnv(base), signal: request.signal };
      await note(ctx, `mlproject ${manager} build of ${final} (in ${temp}) for ${request.projectDir}`);
      const tool = await resolveTool({ mode, cacheDir: request.cacheDir, python: interpreter, uvVersion: options.uvVersion ?? UV_VERSION, ctx, log });
      log(`using ${describeTool(tool)}${tool.kind === 'uv' ? ` (${tool.executable})` : ''}`);
      await buildVenv(temp, final, {
        tool, interpreter, buildDependencies: declaration.buildDependencies, dependencies: declaration.dependencies,
        frozenLock: frozen, projectDir: request.projectDir, ctx, log,
      });
      extra = { tool: describeTool(tool), interpreter: interpreter.executable, frozen: frozen !== undefined };
    },
    {
      key, pythonVersion: interpreter.version, lockFile: LOCK_FILE, buildLogFile: logFile, extra: () => extra,
      isHealthy: (dir) => isExecutable(venvPython(dir)), log, ...(request.rebuild === true ? { rebuild: true } : {}),
    },
  );

  const durationMs = performance.now() - started;
  log(`${result.reused ? 'reused' : 'built'} environment ${prefix} in ${(durationMs / 1000).toFixed(1)} s`);
  const { marker } = result;
  const buildLog = marker.buildLogFile !== null && (!result.reused || (await exists(marker.buildLogFile))) ? marker.buildLogFile : null;
  return {
    manager,
    key,
    prefix,
    pythonVersion: marker.pythonVersion ?? interpreter.version,
    reused: result.reused,
    durationMs,
    lockFile: marker.lockFile === null ? null : path.join(prefix, marker.lockFile),
    lockDigest: marker.lockDigest,
    buildLogFile: buildLog,
    childEnv: (childBase) => venvChildEnv(prefix, childBase),
  };
}

async function declarationKey(interpreter: Interpreter, declaration: PythonEnvDeclaration, projectDir: string): Promise<string> {
  const lines = [...declaration.buildDependencies, ...declaration.dependencies];
  const files = await readRequirementFiles(lines, projectDir);
  return virtualenvKey(interpreter, declaration, files, localPaths(lines, files, projectDir));
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}
