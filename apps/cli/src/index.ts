import { Command, CommanderError } from 'commander';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerEnv } from './commands/env.js';
import { registerValidate } from './commands/validate.js';
import { registerServer, registerUi } from './commands/server.js';
import { asExpected, exitCodeForError, formatError } from './errors.js';

/**
 * Runs the `mlproject` command line with `argv` (without `node` and the script) and returns the
 * exit code: the run's child exit code for `run`, 1 for an expected error (one line on stderr),
 * 2 for a usage error. The only place that prints.
 */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const io = {
    out: (s: string) => process.stdout.write(`${s}\n`),
    err: (s: string) => process.stderr.write(`${s}\n`),
    setExitCode: (n: number) => { exitCode = n; },
  };
  const program = new Command('mlproject')
    .description('Run MLflow projects reproducibly, and record every run')
    .version('0.1.0')
    // Options after a command name are that command's: `run --version v1` is the git version, not ours.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(`mlproject: ${s}`),
    });
  registerRun(program, io);
  registerRuns(program, io);
  registerEnv(program, io);
  registerValidate(program, io);
  registerServer(program, io);
  registerUi(program, io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const reported = asExpected(error);
    process.stderr.write(`${formatError(reported)}\n`);
    return exitCodeForError(reported);
  }
}
