import path from 'node:path';
import { EnvError, buildLogPath, lastMeaningfulLine, runTool, type StepContext } from '@mlproject/env';
import { findInterpreter, probeInterpreter, type Interpreter } from './interpreter.js';
import { resolveTool, toolEnv, type ToolMode } from './tool.js';

export interface ManagedPythonRequest {
  requested: string;
  mode: ToolMode;
  cacheDir: string;
  uvVersion: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal | undefined;
  log: (line: string) => void;
}

/**
 * When no installed interpreter matches `requested`, asks uv for a managed Python of that version
 * (`uv python install`, into `<cacheDir>/pythons`), as `uv venv --python` would. MLflow compiles one
 * with pyenv instead (`mlflow/utils/virtualenv.py::_install_python`). Not tried with `pip` mode or
 * when the user set `UV_PYTHON_DOWNLOADS=never`.
 * @throws EnvError ERR_MLPROJECT_ENV_PYTHON_NOT_FOUND: `notFound` itself when uv is not an option, or
 *   its message plus uv's reason when the download fails (the log keeps uv's output).
 */
export async function managedInterpreter(request: ManagedPythonRequest, notFound: EnvError): Promise<Interpreter> {
  if (request.mode === 'pip' || request.env['UV_PYTHON_DOWNLOADS'] === 'never') throw notFound;
  const current = await findInterpreter(null, request.env, { cacheDir: request.cacheDir }).catch(() => null);
  if (current === null) throw notFound;
  const logFile = buildLogPath(request.cacheDir, 'python', request.requested.replace(/[^\w.-]/g, '_'));
  const ctx: StepContext = {
    logFile,
    env: { ...toolEnv(request.env), UV_PYTHON_DOWNLOADS: 'automatic', UV_PYTHON_INSTALL_DIR: path.join(request.cacheDir, 'pythons') },
    signal: request.signal,
  };
  const tool = await resolveTool({ mode: 'uv', cacheDir: request.cacheDir, python: current, uvVersion: request.uvVersion, ctx, log: request.log }).catch(() => null);
  if (tool === null || tool.kind !== 'uv') throw notFound;
  request.log(`no installed Python matches ${request.requested}; asking uv for a managed one`);
  const install = await runTool(ctx, `downloading Python ${request.requested} with uv`, tool.executable, ['python', 'install', request.requested], request.cacheDir);
  const find = install.exitCode === 0
    ? await runTool(ctx, `locating Python ${request.requested}`, tool.executable, ['python', 'find', '--managed-python', request.requested], request.cacheDir)
    : null;
  const found = find !== null && find.exitCode === 0 ? await probeInterpreter(find.stdout.trim(), request.env) : null;
  if (found !== null) return found;
  const reason = lastMeaningfulLine((find ?? install).all);
  throw new EnvError('ERR_MLPROJECT_ENV_PYTHON_NOT_FOUND', `${notFound.message}; uv could not download it either${reason === '' ? '' : `: ${reason}`}`, {
    ...(notFound.hint === undefined ? {} : { hint: notFound.hint }),
    logFile,
  });
}
