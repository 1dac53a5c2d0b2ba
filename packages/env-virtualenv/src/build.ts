import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EnvError } from '@mlproject/env';
import type { Interpreter } from './interpreter.js';
import { note, runStep, type StepContext } from '@mlproject/env';
import { diffLocks, lockEntries } from './lock-text.js';
import { relocateVenv } from './relocate.js';
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
  /** A recorded lock to install exactly, instead of `buildDependencies` and `dependencies`. */
  frozenLock?: string | undefined;
  projectDir: string;
  ctx: StepContext;
  log: (line: string) => void;
}

/**
 * Builds the venv in `temp` (which does not exist yet) so that it works once renamed to `prefix`:
 * create it from the chosen interpreter (`uv venv --relocatable`, or `python -m venv`), install
 * build dependencies, then dependencies (each list skipped when empty) or, with `frozenLock`,
 * exactly the locked set; record the lock; rewrite the paths pip embedded (see `relocateVenv`).
 * Follows `mlflow/utils/virtualenv.py::_create_virtualenv`, except that the tools are exec'd
 * directly (no `bash -c "source activate && ..."`), their output goes to the build log, and the
 * requirements file lives in a temp dir with `-r`/`-c`/`-e` paths made absolute instead of a temp
 * dir of symlinks to the project (the tools still run with cwd = the project dir).
 * @throws EnvError ERR_MLPROJECT_ENV_BUILD_FAILED / ERR_MLPROJECT_ENV_TOOL_MISSING from `runStep`;
 *   ERR_MLPROJECT_ENV_BUILD_FAILED when a frozen build's lock differs from the requested one.
 */
export async function buildVenv(temp: string, prefix: string, plan: BuildPlan): Promise<void> {
  const { tool, interpreter, ctx } = plan;
  plan.log(`creating the virtualenv with ${describeTool(tool)} and Python ${interpreter.version}`);
  if (tool.kind === 'pip') await checkVenvModule(interpreter, ctx);
  // The prompt the activate scripts show defaults to the directory name, which would be the temp one.
  const prompt = ['--prompt', path.basename(prefix)];
  const create =
    tool.kind === 'uv'
      ? [tool.executable, ['venv', '--no-project', '--relocatable', ...prompt, '--python', interpreter.executable, temp]] as const
      : [interpreter.executable, ['-m', 'venv', ...prompt, temp]] as const;
  await runStep(ctx, `creating the virtualenv with ${describeTool(tool)}`, create[0], create[1], path.dirname(temp));

  const requirements = await mkdtemp(path.join(os.tmpdir(), 'mlproject-requirements-'));
  try {
    if (plan.frozenLock !== undefined) {
      await installFrozen(temp, plan, plan.frozenLock, requirements);
    } else {
      await install(temp, plan, plan.buildDependencies, 'build dependencies', requirements);
      await install(temp, plan, plan.dependencies, 'dependencies', requirements);
    }
  } finally {
    await rm(requirements, { recursive: true, force: true });
  }
  plan.log(`recording what is installed in ${LOCK_FILE}`);
  let lock = await freeze(temp, plan);
  if (plan.frozenLock !== undefined) lock = await matchFrozen(temp, plan, plan.frozenLock, lock);
  await writeFile(path.join(temp, LOCK_FILE), lock);
  const moved = await relocateVenv(temp, prefix);
  if (moved.length > 0) plan.log(`rewrote the env path in ${moved.length} script${moved.length === 1 ? '' : 's'} (${moved.join(', ')})`);
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

/**
 * Installs exactly the packages of a recorded lock, resolving nothing: `uv pip sync` (which also
 * removes anything else), or `pip install --no-deps -r`.
 */
async function installFrozen(prefix: string, plan: BuildPlan, lock: string, temp: string): Promise<void> {
  const file = path.join(temp, 'frozen-lock.txt');
  await writeFile(file, lock);
  const count = lockEntries(lock).length;
  const step = `installing ${count} locked package${count === 1 ? '' : 's'} with ${describeTool(plan.tool)} (no resolution)`;
  plan.log(step);
  const { tool } = plan;
  const [exe, args] =
    tool.kind === 'uv'
      ? [tool.executable, ['pip', 'sync', '--python', venvPython(prefix), file]]
      : [venvPython(prefix), ['-m', 'pip', 'install', '--no-deps', '-r', file]];
  await runStep(plan.ctx, step, exe, args, plan.projectDir);
}

/** Every installed distribution, pinned: `uv pip freeze`, or `pip freeze --all` (pip, setuptools included). */
async function freeze(prefix: string, plan: BuildPlan): Promise<string> {
  const { tool } = plan;
  const [exe, args] =
    tool.kind === 'uv'
      ? [tool.executable, ['pip', 'freeze', '--python', venvPython(prefix)]]
      : [venvPython(prefix), ['-m', 'pip', 'freeze', '--all']];
  const { stdout } = await runStep(plan.ctx, 'recording what is installed', exe, args, plan.projectDir);
  return stdout.endsWith('\n') || stdout === '' ? stdout : `${stdout}\n`;
}

/**
 * Makes a frozen build's lock equal the requested one. With pip, `python -m venv` seeds pip (and
 * setuptools before Python 3.12); when the recorded lock does not list them (it came from a uv env),
 * they are uninstalled, so the env holds exactly the locked set, as a uv-built one does.
 * @returns the env's lock.
 * @throws EnvError ERR_MLPROJECT_ENV_BUILD_FAILED naming what is missing or extra.
 */
async function matchFrozen(prefix: string, plan: BuildPlan, wanted: string, lock: string): Promise<string> {
  let actual = lock;
  const locked = new Set(lockEntries(wanted).map((e) => e.name));
  const seeded = lockEntries(actual).filter((e) => !locked.has(e.name) && ['pip', 'setuptools', 'wheel'].includes(e.name));
  if (plan.tool.kind === 'pip' && seeded.length > 0) {
    const names = seeded.map((e) => e.name);
    plan.log(`removing ${names.join(', ')} (seeded by venv, not in the lock)`);
    await runStep(plan.ctx, `removing ${names.join(', ')}`, venvPython(prefix), ['-m', 'pip', 'uninstall', '--yes', ...names], plan.projectDir);
    const drop = new Set(names);
    actual = actual.split('\n').filter((line) => !lockEntries(line).some((e) => drop.has(e.name))).join('\n');
  }
  const { missing, extra } = diffLocks(wanted, actual);
  if (missing.length > 0 || extra.length > 0) {
    const parts = [missing.length > 0 ? `missing ${missing.join(', ')}` : '', extra.length > 0 ? `extra ${extra.join(', ')}` : ''].filter((p) => p !== '');
    throw new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `the environment built from the lock differs from it: ${parts.join('; ')}`, {
      hint: 'the lock may have been recorded on another platform or Python version',
      logFile: plan.ctx.logFile,
    });
  }
  return actual;
}
