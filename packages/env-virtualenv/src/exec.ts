import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { EnvError, lastMeaningfulLine } from '@mlproject/env';
import { execa } from 'execa';

/** Where one build's tools run and what they write to. */
export interface StepContext {
  /** Every step's command line and full output (stdout and stderr) is appended here. */
  logFile: string;
  /** The complete environment of each tool process (nothing else is inherited). */
  env: NodeJS.ProcessEnv;
  /** Aborting it kills the running tool; the step then fails as interrupted. */
  signal?: AbortSignal | undefined;
}

export interface StepResult {
  stdout: string;
  /** stdout and stderr interleaved, as written to the log. */
  all: string;
  durationMs: number;
}

/**
 * Runs one build step (`file args...` in `cwd`) with its output captured to `ctx.logFile`, never to
 * the terminal. MLflow streams pip's output to the console instead and fails with a bare
 * `ShellCommandException` (`mlflow/utils/process.py::_exec_cmd`).
 * @param step what the step does, in words ("installing 3 dependencies with uv"); used in errors.
 * @throws EnvError ERR_MLPROJECT_ENV_TOOL_MISSING when `file` cannot be spawned;
 *   ERR_MLPROJECT_ENV_BUILD_FAILED when it exits non-zero or is killed: one line with the step, the
 *   exit code and the tool's last meaningful output line, plus `logFile`.
 */
export async function runStep(ctx: StepContext, step: string, file: string, args: readonly string[], cwd: string): Promise<StepResult> {
  await mkdir(path.dirname(ctx.logFile), { recursive: true });
  await appendFile(ctx.logFile, `\n=== ${step}\n$ ${[file, ...args].map(quote).join(' ')}\n  (cwd ${cwd})\n`);
  const started = performance.now();
  const target = { file: ctx.logFile, append: true } as const;
  const result = await execa(file, args, {
    cwd,
    env: ctx.env,
    extendEnv: false,
    stdin: 'ignore',
    stdout: ['pipe', target],
    stderr: ['pipe', target],
    all: true,
    reject: false,
    ...(ctx.signal ? { cancelSignal: ctx.signal } : {}),
  });
  const durationMs = performance.now() - started;
  const spawnError = (result.cause as NodeJS.ErrnoException | undefined)?.code;
  if (spawnError === 'ENOENT' || spawnError === 'EACCES') {
    await appendFile(ctx.logFile, `--- cannot run ${file}: ${spawnError}\n`);
    throw new EnvError('ERR_MLPROJECT_ENV_TOOL_MISSING', `cannot run ${file} (${spawnError}) while ${step}`, {
      logFile: ctx.logFile,
      cause: result.cause,
    });
  }
  const how = result.signal !== undefined ? `killed by ${result.signal}` : `exit code ${result.exitCode ?? '?'}`;
  await appendFile(ctx.logFile, `--- ${how}, ${Math.round(durationMs)} ms\n`);
  if (ctx.signal?.aborted) {
    throw new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `${step} was interrupted`, { logFile: ctx.logFile });
  }
  if (result.failed) {
    const reason = lastMeaningfulLine(result.all ?? '');
    throw new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `${step} failed (${how})${reason === '' ? '' : `: ${reason}`}`, {
      hint: `full output in ${ctx.logFile}`,
      logFile: ctx.logFile,
    });
  }
  return { stdout: result.stdout, all: result.all ?? '', durationMs };
}

/** Appends a free-form note (a decision, a fallback) to the build log. */
export async function note(ctx: StepContext, line: string): Promise<void> {
  await mkdir(path.dirname(ctx.logFile), { recursive: true });
  await appendFile(ctx.logFile, `# ${line}\n`);
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
