import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EnvError } from '@mlproject/env';
import type { Interpreter } from './interpreter.js';
import { note, runStep, type StepContext } from './exec.js';
import { absolutize } from './requirements.js';
import { describeTool, type Tool } from './tool.js';

/** The lock of what is installed, inside the env (`pip freeze` format). */
export const LOCK_FILE = '.mlproject-lock.txt';

/** `<prefix>/bin/python`, the env's interpreter. */
export function venvPython(prefix: string): string {
  return path.join(prefix, 'bin', 'python');
}

export interface BuildPlan {
  tool: Tool;
  interpreter: Interpreter;
  buildDependencies: readonly string[];
  dependencies: readonly string[];
  projectDir: string;
  ctx: StepContext;
  log: (line: string) => void;
}

/**
 * Builds the venv at `prefix` (which does not exist yet): create it from the chosen interpreter,
 * install build dependencies, then dependencies (each list skipped when empty), then record the lock.
 * Follows `mlflow/utils/virtualenv.py::_create_virtualenv`, except that the tools are exec'd
 * directly (no `bash -c "source activate && ..."`), their output goes to the build log, and the
 * requirements file lives in a temp dir with `-r`/`-c`/`-e` paths made absolute instead of a temp
 * dir of symlinks to the project (the tools still run with cwd = the project dir).
 * @throws EnvError ERR_MLPROJECT_ENV_BUILD_FAILED / ERR_MLPROJECT_ENV_TOOL_MISSING from `runStep`.
 */
export async function buildVenv(prefix: string, plan: BuildPlan): Promise<void> {
  const { tool, interpreter, ctx } = plan;
  plan.log(`creating ${prefix} with ${describeTool(tool)} and Python ${interpreter.version}`);
  if (tool.kind === 'pip') await checkVenvModule(interpreter, ctx);
  const create =
    tool.kind === 'uv'
      ? [tool.executable, ['venv', '--no-project', '--python', interpreter.executable, prefix]] as const
      : [interpreter.executable, ['-m', 'venv', prefix]] as const;
  await runStep(ctx, `creating the virtualenv with ${describeTool(tool)}`, create[0], create[1], path.dirname(prefix));

  const temp = await mkdtemp(path.join(os.tmpdir(), 'mlproject-requirements-'));
  try {
    await install(prefix, plan, plan.buildDependencies, 'build dependencies', temp);
    await install(prefix, plan, plan.dependencies, 'dependencies', temp);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  await writeLock(prefix, plan);
}

/**
 * Debian and Ubuntu ship Python without `ensurepip` unless `python3.X-venv` is installed, and
 * `python -m venv` then fails after half-creating the env. Checked first, to say what to install.
 * @throws EnvError ERR_MLPROJECT_ENV_TOOL_MISSING
 */
async function checkVenvModule(interpreter: Interpreter, ctx: StepContext): Promise<void> {
  try {
    await runStep(ctx, 'checking for the venv and ensurepip modules', interpreter.executable, ['-c', 'import venv, ensurepip'], path.dirname(ctx.logFile));
  } catch (error) {
    if (!(error instanceof EnvError) || error.code !== 'ERR_MLPROJECT_ENV_BUILD_FAILED') throw error;
    const minor = interpreter.version.split('.').slice(0, 2).join('.');
    throw new EnvError('ERR_MLPROJECT_ENV_TOOL_MISSING', `Python ${interpreter.version} at ${interpreter.executable} cannot create virtualenvs (no venv or ensurepip module)`, {
      hint: `install python${minor}-venv (Debian/Ubuntu), or put uv on PATH`,
      logFile: ctx.logFile,
      cause: error,
    });
  }
}

async function install(prefix: string, plan: BuildPlan, lines: readonly string[], what: string, temp: string): Promise<void> {
  if (lines.length === 0) return;
  const file = path.join(temp, `requirements.${what.replace(/\s+/g, '-')}.txt`);
  const content = `${lines.map((line) => absolutize(line, plan.projectDir)).join('\n')}\n`;
  await writeFile(file, content);
  await note(plan.ctx, `${file}:\n${content.trimEnd().replace(/^/gm, '#   ')}`);
  const count = `${lines.length} requirement line${lines.length === 1 ? '' : 's'}`;
  const step = `installing ${what} (${count}) with ${describeTool(plan.tool)}`;
  plan.log(step);
  const { tool } = plan;
  const [exe, args] =
    tool.kind === 'uv'
      ? [tool.executable, ['pip', 'install', '--python', venvPython(prefix), '-r', file]]
      : [venvPython(prefix), ['-m', 'pip', 'install', '-r', file]];
  await runStep(plan.ctx, step, exe, args, plan.projectDir);
}

/** Writes `<prefix>/.mlproject-lock.txt`: every installed distribution, pinned. */
async function writeLock(prefix: string, plan: BuildPlan): Promise<void> {
  const { tool } = plan;
  const [exe, args] =
    tool.kind === 'uv'
      ? [tool.executable, ['pip', 'freeze', '--python', venvPython(prefix)]]
      : [venvPython(prefix), ['-m', 'pip', 'freeze', '--all']];
  const { stdout } = await runStep(plan.ctx, 'recording what is installed', exe, args, plan.projectDir);
  await writeFile(path.join(prefix, LOCK_FILE), stdout.endsWith('\n') || stdout === '' ? stdout : `${stdout}\n`);
}
