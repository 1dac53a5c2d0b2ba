import path from 'node:path';
import { EnvError, buildLogPath, buildOnce, envKey } from '@mlproject/env';
import type { Interpreter } from './interpreter.js';
import { note, runStep, type StepContext } from '@mlproject/env';
import { isExecutable, which } from '@mlproject/env';

/** The uv release provisioned from PyPI when none is on PATH. */
export const UV_VERSION = '0.13.9';

/**
 * Which installer builds the env. `auto`: uv from PATH, else uv provisioned from PyPI, else
 * `python -m venv` + pip. `uv`: uv or fail. `pip`: `python -m venv` + pip only.
 */
export type ToolMode = 'auto' | 'uv' | 'pip';

export type Tool = { kind: 'uv'; executable: string; version: string } | { kind: 'pip' };

/** Shown in logs and recorded in the ready marker: "uv 0.13.9" or "venv + pip". */
export function describeTool(tool: Tool): string {
  return tool.kind === 'uv' ? `uv ${tool.version}` : 'venv + pip';
}

/**
 * The environment the install tools run in: `base` without `PYTHONHOME` and `VIRTUAL_ENV` (the
 * target is always explicit), plus, unless the user set them:
 * - `UV_PYTHON_DOWNLOADS=never`: the interpreter is chosen by us, never downloaded;
 * - `UV_SYSTEM_CERTS=1` and `UV_NATIVE_TLS=1` (its older name): uv trusts the system CA store, as
 *   pip does, so a TLS-intercepting proxy with a custom CA works (uv otherwise uses its bundled roots);
 * - `PIP_DISABLE_PIP_VERSION_CHECK=1`, `PIP_NO_INPUT=1`, `PIP_ROOT_USER_ACTION=ignore`: no prompts or nags.
 * uv ignores pip's config files (index, find-links, constraints); pip honours them.
 */
export function toolEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  delete env['PYTHONHOME'];
  delete env['VIRTUAL_ENV'];
  const defaults: Record<string, string> = {
    UV_PYTHON_DOWNLOADS: 'never',
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PIP_NO_INPUT: '1',
    PIP_ROOT_USER_ACTION: 'ignore',
  };
  if (env['UV_SYSTEM_CERTS'] === undefined && env['UV_NATIVE_TLS'] === undefined) {
    defaults['UV_SYSTEM_CERTS'] = '1';
    defaults['UV_NATIVE_TLS'] = '1';
  }
  for (const [name, value] of Object.entries(defaults)) env[name] ??= value;
  return env;
}

export interface ToolRequest {
  mode: ToolMode;
  cacheDir: string;
  /** Runs pip to provision uv. */
  python: Interpreter;
  uvVersion: string;
  ctx: StepContext;
  log: (line: string) => void;
}

/**
 * Finds or provisions the installer for `mode` (see `ToolMode`).
 * @throws EnvError ERR_MLPROJECT_ENV_TOOL_MISSING when mode is `uv` and uv can be neither found nor provisioned.
 */
export async function resolveTool(request: ToolRequest): Promise<Tool> {
  if (request.mode === 'pip') return { kind: 'pip' };
  const onPath = await which('uv', request.ctx.env);
  if (onPath !== null) {
    const { stdout } = await runStep(request.ctx, 'checking the uv version', onPath, ['--version'], request.cacheDir);
    return { kind: 'uv', executable: onPath, version: /\d+\.\d+\.\d+\S*/.exec(stdout)?.[0] ?? 'unknown' };
  }
  try {
    return { kind: 'uv', executable: await provisionUv(request), version: request.uvVersion };
  } catch (error) {
    if (request.ctx.signal?.aborted) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    await note(request.ctx, `uv is not on PATH and could not be provisioned: ${reason}`);
    if (request.mode === 'uv') {
      throw new EnvError('ERR_MLPROJECT_ENV_TOOL_MISSING', `uv is not on PATH and could not be installed from PyPI: ${reason}`, {
        hint: 'install uv (pip install uv) or use --env-manager virtualenv',
        ...(error instanceof EnvError && error.logFile !== undefined ? { logFile: error.logFile } : {}),
        cause: error,
      });
    }
    request.log(`uv unavailable (${reason}); falling back to venv + pip`);
    return { kind: 'pip' };
  }
}

/**
 * Installs uv `uvVersion` from PyPI into `<cacheDir>/tools/uv-<version>/` once (`pip install
 * --target` into a temp dir renamed into place by `buildOnce`, so concurrent runs provision it once) and returns `bin/uv`.
 * `--target` rather than a venv: uv is a standalone binary that needs no Python at run time, and
 * skipping venv creation and ensurepip makes provisioning take ~2 s instead of ~5 s.
 */
async function provisionUv(request: ToolRequest): Promise<string> {
  const name = `uv-${request.uvVersion}`;
  const dir = path.join(request.cacheDir, 'tools', name);
  const executable = path.join(dir, 'bin', 'uv');
  const ctx: StepContext = { logFile: buildLogPath(request.cacheDir, 'tools', name), env: request.ctx.env, signal: request.ctx.signal };
  const result = await buildOnce(
    dir,
    async (target) => {
      request.log(`provisioning uv ${request.uvVersion} into ${dir}`);
      const args = ['-m', 'pip', 'install', '--target', target, `uv==${request.uvVersion}`];
      await runStep(ctx, `installing uv ${request.uvVersion} from PyPI`, request.python.executable, args, request.cacheDir);
      const built = path.join(target, 'bin', 'uv');
      if (!(await isExecutable(built))) throw new Error(`pip installed uv but ${built} is missing`);
    },
    { key: envKey({ tool: 'uv', version: request.uvVersion }), isHealthy: (d) => isExecutable(path.join(d, 'bin', 'uv')), log: request.log },
  );
  if (!result.reused) await note(request.ctx, `provisioned uv ${request.uvVersion} (log ${ctx.logFile})`);
  return executable;
}
