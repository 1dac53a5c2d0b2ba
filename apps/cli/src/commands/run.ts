import type { Command } from 'commander';
import { parseParamArgs } from '@mlproject/params';
import { run, type RunOutcome } from '@mlproject/runner';

export interface RunFlags {
  entryPoint: string;
  envManager?: string;
  experimentName?: string;
  experimentId?: string;
  runName?: string;
  trackingUri?: string;
}

/** Exit code for a finished child: its own code, or 128 + the signal number. */
export function exitCodeOf(outcome: RunOutcome): number {
  if (outcome.exitCode !== null) return outcome.exitCode;
  const signals: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return 128 + (signals[outcome.signal ?? ''] ?? 15);
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
      });
      // The child shares our terminal: Ctrl-C reaches it directly; we stay alive to record how it ended.
      const ignore = (): void => {};
      process.on('SIGINT', ignore);
      process.on('SIGTERM', () => void submitted.cancel());
      const outcome = await submitted.wait();
      process.off('SIGINT', ignore);
      const metrics = outcome.run.data.metrics.map((m) => `  ${m.key}: ${m.value}`);
      io.out([`Run ID: ${outcome.runId}`, `Status: ${outcome.status}`, ...(metrics.length ? ['Metrics:', ...metrics] : [])].join('\n'));
      if (outcome.status !== 'FINISHED') io.err(`=== Run (ID '${outcome.runId}') failed ===`);
      io.setExitCode(exitCodeOf(outcome));
    });
}
