import os from 'node:os';
import type { Command } from 'commander';
import { parseParamArgs } from '@mlproject/params';
import { run, type RunOutcome } from '@mlproject/runner';
import { formatError } from '../errors.js';

export interface RunFlags {
  entryPoint: string;
  envManager?: string;
  experimentName?: string;
  experimentId?: string;
  runName?: string;
  trackingUri?: string;
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
    .description('Run an MLflow project from a local directory')
    .argument('<uri>', 'project directory')
    .option('-e, --entry-point <name>', 'entry point to run', 'main')
    .option('-P, --param-list <name=value>', 'a parameter for the entry point (repeatable)', collect)
    .option('--param <name=value>', 'same as -P', collect)
    .option('--env-manager <name>', 'local, virtualenv or uv (default: from the project\'s env file)')
    .option('--experiment-name <name>', 'experiment to log to (created if missing)')
    .option('--experiment-id <id>', 'ID of the experiment to log to')
    .option('--run-name <name>', 'name of the run')
    .option('--tracking-uri <uri>', 'tracking store (default: MLFLOW_TRACKING_URI, else sqlite:///mlproject.db)')
    .action(async (uri: string, flags: RunFlags) => {
      // Ctrl-C reaches the child (same terminal process group) and us: stay alive, stop the run,
      // and record how it ended. A SIGINT/SIGTERM sent to us alone is forwarded to the child.
      const controller = new AbortController();
      const stop = (signal: NodeJS.Signals) => () => controller.abort(signal);
      const onInt = stop('SIGINT');
      const onTerm = stop('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      try {
        await runAndReport(uri, flags, paramArgs, controller.signal, io);
      } catch (error) {
        if ((error as { code?: string }).code !== 'ERR_MLPROJECT_RUN_INTERRUPTED') throw error;
        io.err(formatError(error));
        io.setExitCode(signalExitCode(String(controller.signal.reason)));
      } finally {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      }
    });
}

async function runAndReport(
  uri: string,
  flags: RunFlags,
  paramArgs: string[],
  signal: AbortSignal,
  io: { out: (s: string) => void; err: (s: string) => void; setExitCode: (n: number) => void },
): Promise<void> {
  const submitted = await run({
    uri,
    entryPoint: flags.entryPoint,
    params: parseParamArgs(paramArgs),
    ...(flags.envManager === undefined ? {} : { envManager: flags.envManager }),
    ...(flags.experimentName === undefined ? {} : { experimentName: flags.experimentName }),
    ...(flags.experimentId === undefined ? {} : { experimentId: flags.experimentId }),
    ...(flags.runName === undefined ? {} : { runName: flags.runName }),
    ...(flags.trackingUri === undefined ? {} : { trackingUri: flags.trackingUri }),
    log: io.err,
    signal,
  });
  const outcome = await submitted.wait();
  const metrics = outcome.run.data.metrics.map((m) => `  ${m.key}: ${m.value}`);
  io.out([`Run ID: ${outcome.runId}`, `Status: ${outcome.status}`, ...(metrics.length ? ['Metrics:', ...metrics] : [])].join('\n'));
  if (outcome.status === 'FAILED') io.err(`=== Run (ID '${outcome.runId}') failed ===`);
  if (outcome.status === 'KILLED') io.err(`=== Run (ID '${outcome.runId}') killed by ${outcome.signal} ===`);
  io.setExitCode(exitCodeOf(outcome));
}
