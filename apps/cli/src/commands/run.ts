import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { defaultCacheDir } from '@mlproject/env';
import { parseParamArgs } from '@mlproject/params';
import { planRun, run, type RunOptions, type RunOutcome, type RunPlan } from '@mlproject/runner';
import { formatError, formatWarning } from '../errors.js';
import { formatRetry } from '../format.js';

export interface RunFlags {
  entryPoint: string;
  envManager?: string;
  experimentName?: string;
  experimentId?: string;
  runName?: string;
  trackingUri?: string;
  dryRun?: boolean;
  rebuildEnv?: boolean;
  frozenFrom?: string;
  version?: string;
  requireClean?: boolean;
  detach?: boolean;
}

/** 128 + the signal's number, as shells report a process killed by a signal. */
export function signalExitCode(signal: string): number {
  return 128 + (os.constants.signals[signal as NodeJS.Signals] ?? os.constants.signals.SIGTERM);
}

/** Exit code for a finished child: its own code, or 128 + the signal number. */
export function exitCodeOf(outcome: RunOutcome): number {
  return outcome.exitCode ?? signalExitCode(outcome.signal ?? 'SIGTERM');
}

/** `mlproject run URI ...`, the flags of `mlflow run` (`mlflow/cli/__init__.py::run`). */
export function registerRun(program: Command, io: { out: (s: string) => void; err: (s: string) => void; setExitCode: (n: number) => void }): void {
  // -P, --param-list and --param all feed one list, in command-line order (extras keep that order).
  const paramArgs: string[] = [];
  const collect = (value: string): string[] => {
    paramArgs.push(value);
    return paramArgs;
  };
  program
    .command('run')
    .description('Run an MLflow project: a local directory, a git URL or a .zip / .tar.gz archive')
    .argument('<uri>', 'project: a directory, a git URL (https, ssh, file://, a GitHub/GitLab tree link) or an archive, each with optional #subdir')
    .option('-v, --version <version>', 'git branch, tag or commit SHA (full or short) to run')
    .option('--require-clean', 'refuse to run a local git tree with uncommitted changes or untracked files')
    .option('-e, --entry-point <name>', 'entry point to run', 'main')
    .option('-P, --param-list <name=value>', 'a parameter for the entry point (repeatable)', collect)
    .option('--param <name=value>', 'same as -P', collect)
    .option('--env-manager <name>', 'local, virtualenv, uv or conda (default: from the project\'s env file)')
    .option('--experiment-name <name>', 'experiment to log to (created if missing)')
    .option('--experiment-id <id>', 'ID of the experiment to log to')
    .option('--run-name <name>', 'name of the run')
    .option('--tracking-uri <uri>', 'tracking store (default: MLFLOW_TRACKING_URI, else sqlite:///mlproject.db)')
    .option('--dry-run', 'print the entry point, parameters and exact command that would run; create no run, build nothing, start nothing (a git or archive project is still fetched into the cache, to be read)')
    .option('--rebuild-env', 'build the environment again even if a cached one matches')
    .option('--frozen-from <run-id>', 'build the environment from the lock recorded with that run (same packages, no resolution)')
    .option('--detach', 'print the run ID once the command has started and return; the run goes on (see runs logs/wait/cancel)')
    .action(async (uri: string, flags: RunFlags) => {
      if (flags.dryRun) {
        const plan = await planRun(runOptions(uri, flags, paramArgs));
        for (const warning of plan.warnings) io.err(formatWarning(warning));
        io.out(formatPlan(plan));
        return;
      }
      if (flags.detach) {
        await detach(io);
        return;
      }
      // The child runs in a process group of its own, so a Ctrl-C (SIGINT to the terminal's
      // foreground group), a SIGTERM or a hang-up reaches only us: stay alive, forward it to the
      // child's whole group (SIGKILL after MLPROJECT_KILL_GRACE_MS), and record how it ended.
      const controller = new AbortController();
      const stop = (signal: NodeJS.Signals) => () => controller.abort(signal);
      const onInt = stop('SIGINT');
      const onTerm = stop('SIGTERM');
      const onHup = stop('SIGHUP');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      process.on('SIGHUP', onHup);
      try {
        await runAndReport(uri, flags, paramArgs, controller.signal, io);
      } catch (error) {
        if ((error as { code?: string }).code !== 'ERR_MLPROJECT_RUN_INTERRUPTED') throw error;
        io.err(formatError(error));
        io.setExitCode(signalExitCode(String(controller.signal.reason)));
      } finally {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        process.off('SIGHUP', onHup);
      }
    });
}

function runOptions(uri: string, flags: RunFlags, paramArgs: string[]): RunOptions {
  return {
    uri,
    entryPoint: flags.entryPoint,
    params: parseParamArgs(paramArgs),
    ...(flags.envManager === undefined ? {} : { envManager: flags.envManager }),
    ...(flags.experimentName === undefined ? {} : { experimentName: flags.experimentName }),
    ...(flags.experimentId === undefined ? {} : { experimentId: flags.experimentId }),
    ...(flags.runName === undefined ? {} : { runName: flags.runName }),
    ...(flags.trackingUri === undefined ? {} : { trackingUri: flags.trackingUri }),
    ...(flags.rebuildEnv ? { rebuildEnv: true } : {}),
    ...(flags.frozenFrom === undefined ? {} : { frozenFrom: flags.frozenFrom }),
    ...(flags.version === undefined ? {} : { version: flags.version }),
    ...(flags.requireClean ? { requireClean: true } : {}),
  };
}

/** What `run --dry-run` prints: one field a line, parameters as MLflow logs them. */
export function formatPlan(plan: RunPlan): string {
  const label = (name: string) => `${name}:`.padEnd(14);
  const params = plan.params.map((p) => `${p.key}=${p.value}`);
  const env = plan.manager === 'local'
    ? 'local (the current environment; nothing is installed)'
    : plan.manager === 'docker'
      ? 'docker (docker_env; not supported by this build yet: `run` will refuse it)'
      : plan.declaration.kind === 'conda'
        ? `${plan.manager} (${plan.declaration.file})`
        : `${plan.manager} (Python ${plan.declaration.python ?? 'of the current interpreter'}, ${plan.declaration.dependencies.length} dependency lines)`;
  return [
    `${label('Project')}${plan.dir}`,
    `${label('Entry point')}${plan.entryPointName}`,
    `${label('Parameters')}${params.length === 0 ? '(none)' : params.join(`\n${' '.repeat(14)}`)}`,
    `${label('Env manager')}${env}`,
    `${label('Tracking URI')}${plan.store.uri}`,
    `${label('Command')}${plan.command}`,
  ].join('\n');
}

async function runAndReport(
  uri: string,
  flags: RunFlags,
  paramArgs: string[],
  signal: AbortSignal,
  io: { out: (s: string) => void; err: (s: string) => void; setExitCode: (n: number) => void },
): Promise<void> {
  // A detached run's supervisor (see `detach`): tell the waiting parent the run ID, then go on alone.
  const detached = process.env['MLPROJECT_DETACHED'] === '1';
  delete process.env['MLPROJECT_DETACHED'];
  const submitted = await run({
    ...runOptions(uri, flags, paramArgs), log: io.err, signal, onWarning: (w) => io.err(formatWarning(w)),
    onRetry: (info) => io.err(formatRetry(info)),
    // One line per environment build step on a terminal; quiet in logs and pipes.
    ...(process.stderr.isTTY ? { progress: (line: string) => io.err(`  ${line}`) } : {}),
  });
  if (detached && process.send) {
    process.send({ runId: submitted.runId });
    process.disconnect?.();
  }
  const outcome = await submitted.wait();
  const metrics = outcome.run.data.metrics.map((m) => `  ${m.key}: ${m.value}`);
  io.out([`Run ID: ${outcome.runId}`, `Status: ${outcome.status}`, ...(metrics.length ? ['Metrics:', ...metrics] : [])].join('\n'));
  if (outcome.status === 'FINISHED') io.err(`=== Run (ID '${outcome.runId}') succeeded ===`);
  if (outcome.status === 'FAILED') io.err(`=== Run (ID '${outcome.runId}') failed ===`);
  // Stopped by a signal we were sent (Ctrl-C, SIGTERM, SIGHUP): exit as a shell reports that signal
  // (130, 143, 129), however the command went down (it may have needed the SIGKILL after the grace).
  const stoppedBy = signal.aborted && outcome.status === 'KILLED' ? String(signal.reason) : null;
  if (outcome.status === 'KILLED') io.err(`=== Run (ID '${outcome.runId}') ${stoppedBy ? `stopped by ${stoppedBy}` : `killed by ${outcome.signal ?? 'a signal'}`} ===`);
  io.setExitCode(stoppedBy ? signalExitCode(stoppedBy) : exitCodeOf(outcome));
}

/**
 * `run --detach`: starts this same command again (without `--detach`) as a supervisor in a session
 * of its own, waits until it has created the run and started the command (or failed before), prints
 * the run ID and returns. The supervisor serves the tracking endpoint, keeps the logs and records
 * the final status as a foreground run does; its own messages go to a log file in the cache. MLflow's
 * `synchronous=False` starts a second `mlflow run` the same way (`mlflow/projects/__init__.py`).
 */
async function detach(io: { out: (s: string) => void; err: (s: string) => void; setExitCode: (n: number) => void }): Promise<void> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--detach');
  const script = process.argv[1] ?? '';
  const logDir = path.join(defaultCacheDir(process.env), 'detached');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [script, ...args], {
    detached: true, stdio: ['ignore', 'ignore', fd, 'ipc'], env: { ...process.env, MLPROJECT_DETACHED: '1' },
  });
  closeSync(fd);
  const result = await new Promise<{ runId?: string; code?: number }>((resolve) => {
    child.once('message', (message) => resolve(message as { runId?: string }));
    child.once('exit', (code, signal) => resolve({ code: code ?? (signal ? signalExitCode(signal) : 1) }));
    child.once('error', () => resolve({ code: 1 }));
  });
  if (result.runId !== undefined) {
    io.out(`Run ID: ${result.runId}`);
    io.err(`mlproject: running detached (supervisor pid ${child.pid ?? '?'}, its log ${logFile})`);
    io.err(`  follow: mlproject runs logs ${result.runId} --follow; wait: mlproject runs wait ${result.runId}; stop: mlproject runs cancel ${result.runId}`);
    if (child.connected) child.disconnect();
    child.unref();
    return;
  }
  // It ended before the command started (a bad parameter, a failed build): show what it said.
  process.stderr.write(readFileSync(logFile));
  io.setExitCode(result.code ?? 1);
}
