import { InvalidArgumentError, type Command } from 'commander';
import { TrackingError, type Run } from '@mlproject/tracking';
import {
  RunnerError, cancelRun, describeRun, followRunLogs, openStore, reapLostRuns, reapNotice, resolveTrackingUri, waitForRun,
  type LogStream, type OpenedStore,
} from '@mlproject/runner';
import { formatRunDetails, formatRunList } from '../format.js';

interface StoreFlags {
  trackingUri?: string;
  json?: boolean;
}

interface Io {
  out: (s: string) => void;
  setExitCode?: (n: number) => void;
  err?: (s: string) => void;
  /** Raw bytes to our stdout / stderr (logs are printed as they were written). */
  write?: (stream: LogStream, chunk: Buffer) => void;
}

/**
 * Opens the store read-only commands look at (a missing store is an error, never a new file),
 * then marks FAILED the runs whose runner died (see `reapLostRuns`), with a note on stderr each.
 */
export async function openAndReap(trackingUri: string | undefined, err: (s: string) => void): Promise<OpenedStore> {
  const opened = await openStore(resolveTrackingUri(trackingUri, process.env, process.cwd()), process.cwd(), { create: false });
  await reapAndReport(opened, err);
  return opened;
}

/** Best effort: a store this user cannot write is still readable; the reaper tries again next time. */
export async function reapAndReport(opened: OpenedStore, err: (s: string) => void): Promise<void> {
  for (const reaped of await reapLostRuns(opened.store, { artifacts: opened.artifacts }).catch(() => [])) err(reapNotice(reaped));
}

function notFound(runId: string, uri: string) {
  return (error: unknown): never => {
    if (!(error instanceof TrackingError) || error.errorCode !== 'RESOURCE_DOES_NOT_EXIST') throw error;
    throw new RunnerError('ERR_MLPROJECT_RUN_NOT_FOUND', `Run '${runId}' not found in ${uri}`, {
      hint: 'list the runs of this store with `mlproject runs list`, or pass --tracking-uri for another store',
    });
  };
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number of seconds above 0.');
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 50000) throw new InvalidArgumentError('expected a whole number from 1 to 50000.');
  return n;
}

/** `mlproject runs list`, `runs show ID`, `runs logs ID`, `runs wait ID` and `runs cancel ID`. */
export function registerRuns(program: Command, io: Io): void {
  const err = io.err ?? ((s: string) => process.stderr.write(`${s}\n`));
  const write = io.write ?? ((stream: LogStream, chunk: Buffer) => (stream === 'stdout' ? process.stdout : process.stderr).write(chunk));
  const open = (flags: StoreFlags) => openAndReap(flags.trackingUri, err);
  const runs = program.command('runs').description('Inspect recorded runs');
  runs
    .command('list')
    .description('List runs, newest first')
    .option('--experiment-id <id>', 'only this experiment (default: all)')
    .option('--max-results <n>', 'at most this many runs (1 to 50000)', positiveInt, 1000)
    .option('--tracking-uri <uri>', 'tracking store (default: MLFLOW_TRACKING_URI, else sqlite:///mlproject.db)')
    .option('--json', 'print JSON for scripts')
    .action(async (flags: StoreFlags & { experimentId?: string; maxResults: number }) => {
      const { store } = await open(flags);
      try {
        const experimentIds = flags.experimentId !== undefined
          ? [flags.experimentId]
          : (await store.searchExperiments({ viewType: 'ALL', maxResults: 50000 })).items.map((e) => e.experimentId);
        const found: Run[] = (await store.searchRuns({ experimentIds, maxResults: flags.maxResults })).items;
        io.out(flags.json ? JSON.stringify(found, null, 2) : formatRunList(found));
      } finally {
        await store.close();
      }
    });
  runs
    .command('show')
    .description('Show one run: params, metrics, tags, status and files')
    .argument('<run-id>')
    .option('--tracking-uri <uri>', 'tracking store (default: MLFLOW_TRACKING_URI, else sqlite:///mlproject.db)')
    .option('--json', 'print JSON for scripts')
    .action(async (runId: string, flags: StoreFlags) => {
      const { store, artifacts, uri } = await open(flags);
      try {
        const details = await describeRun(store, artifacts, runId).catch(notFound(runId, uri));
        io.out(flags.json ? JSON.stringify(details, null, 2) : formatRunDetails(details));
      } finally {
        await store.close();
      }
    });
  runs
    .command('logs')
    .description('Print the stdout (or stderr) a run\'s command wrote, kept as its logs/*.txt artifacts')
    .argument('<run-id>')
    .option('--stderr', 'print the stderr log instead of stdout')
    .option('--both', 'print both: stdout to stdout, stderr to stderr')
    .option('-f, --follow', 'keep printing what is appended until the run is no longer RUNNING')
    .option('--tracking-uri <uri>', 'tracking store (default: MLFLOW_TRACKING_URI, else sqlite:///mlproject.db)')
    .action(async (runId: string, flags: StoreFlags & { stderr?: boolean; both?: boolean; follow?: boolean }) => {
      if (flags.stderr && flags.both) {
        throw new RunnerError('ERR_MLPROJECT_RUN_USAGE', '--stderr and --both cannot be used together', { hint: 'pass one of them (--both prints both logs)' });
      }
      const streams: LogStream[] = flags.both ? ['stdout', 'stderr'] : flags.stderr ? ['stderr'] : ['stdout'];
      const { store, artifacts, uri } = await open(flags);
      // Ctrl-C ends a --follow quietly; the run itself goes on.
      const stop = new AbortController();
      const onInt = (): void => stop.abort();
      process.once('SIGINT', onInt);
      try {
        await followRunLogs(store, artifacts, runId, {
          streams, follow: flags.follow === true, signal: stop.signal,
          // One stream alone goes to stdout, so that `runs logs ID --stderr | grep` works.
          write: (stream, chunk) => write(flags.both ? stream : 'stdout', chunk),
        }).catch(notFound(runId, uri));
      } finally {
        process.off('SIGINT', onInt);
        await store.close();
      }
    });
  runs
    .command('wait')
    .description('Wait until a run has ended (e.g. one started with `run --detach`); exit 0 when it FINISHED, 1 otherwise')
    .argument('<run-id>')
    .option('--timeout <seconds>', 'give up after this many seconds (exit 1)', seconds)
    .option('--tracking-uri <uri>', 'tracking store (default: MLFLOW_TRACKING_URI, else sqlite:///mlproject.db)')
    .action(async (runId: string, flags: StoreFlags & { timeout?: number }) => {
      const { store, artifacts, uri } = await open(flags);
      try {
        const run = await waitForRun(store, runId, { artifacts, ...(flags.timeout === undefined ? {} : { timeoutMs: flags.timeout * 1000 }) })
          .catch(notFound(runId, uri));
        io.out(`Run ${runId}: ${run.info.status}`);
        if (run.info.status !== 'FINISHED') io.setExitCode?.(1);
      } finally {
        await store.close();
      }
    });
  runs
    .command('cancel')
    .description('Stop a RUNNING run started by `mlproject run` on this machine: its processes get SIGTERM, then SIGKILL; it ends KILLED')
    .argument('<run-id>')
    .option('--tracking-uri <uri>', 'tracking store (default: MLFLOW_TRACKING_URI, else sqlite:///mlproject.db)')
    .action(async (runId: string, flags: StoreFlags) => {
      const { store, artifacts, uri } = await open(flags);
      try {
        const outcome = await cancelRun(store, runId, { artifacts }).catch(notFound(runId, uri));
        const status = outcome.run.info.status;
        io.out(outcome.kind === 'already-ended' ? `Run ${runId} had already ended: ${status}`
          : outcome.kind === 'reaped' ? `Run ${runId}: its runner was gone; marked ${status}`
            : `Run ${runId}: ${status}`);
      } finally {
        await store.close();
      }
    });
}
