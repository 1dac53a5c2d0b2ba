import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { EnvError } from './errors.js';
import { lastMeaningfulLine } from './cache.js';
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

export interface StepOutcome {
  /** Exit code; null when the tool was killed. */
  exitCode: number | null;
  stdout: string;
  /** stdout and stderr interleaved, as written to the log. */
  all: string;
  /** "exit code 3" or "killed by SIGTERM". */
  how: string;
  durationMs: number;
}

/**
 * Runs `file args...` in `cwd` with its output appended to `ctx.logFile` (never the terminal) and
 * returns how it ended, whatever the exit code. The one way every backend runs its tools.
 * @param step what the step does, in words; used in the log and in errors.
 * @throws EnvError ERR_MLPROJECT_ENV_TOOL_MISSING when `file` cannot be spawned;
 *   ERR_MLPROJECT_ENV_BUILD_FAILED when `ctx.signal` aborted it.
 */
export async function runTool(ctx: StepContext, step: string, file: string, args: readonly string[], cwd: string): Promise<StepOutcome> {
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
    throw new EnvError('ERR_MLPROJECT_ENV_TOOL_MISSING', `cannot run ${file} (${spawnError}) while ${step}`, { logFile: ctx.logFile, cause: result.cause });
  }
  const how = result.signal !== undefined ? `killed by ${result.signal}` : `exit code ${result.exitCode ?? '?'}`;
  await appendFile(ctx.logFile, `--- ${how}, ${Math.round(durationMs)} ms\n`);
  if (ctx.signal?.aborted) throw new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `${step} was interrupted`, { logFile: ctx.logFile });
  return { exitCode: result.exitCode ?? null, stdout: result.stdout, all: result.all ?? '', how, durationMs };
}

/**
 * {@link runTool}, failing on a non-zero exit.
 * @throws EnvError ERR_MLPROJECT_ENV_BUILD_FAILED: one line with the step, the exit code and the
 *   tool's last meaningful output line, plus `logFile`; and what `runTool` throws.
 */
export async function runStep(ctx: StepContext, step: string, file: string, args: readonly string[], cwd: string): Promise<StepOutcome> {
  const outcome = await runTool(ctx, step, file, args, cwd);
  if (outcome.exitCode === 0) return outcome;
  const reason = lastMeaningfulLine(outcome.all);
  throw new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `${step} failed (${outcome.how})${reason === '' ? '' : `: ${reason}`}`, {
    hint: `full output in ${ctx.logFile}`,
    logFile: ctx.logFile,
  });
}

/** Appends a free-form note (a decision, a fallback) to the build log. */
export async function note(ctx: StepContext, line: string): Promise<void> {
  await mkdir(path.dirname(ctx.logFile), { recursive: true });
  await appendFile(ctx.logFile, `# ${line}\n`);
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
