import { InvalidArgumentError, type Command } from 'commander';
import { TrackingError, type Run } from '@mlproject/tracking';
import { RunnerError, describeRun, openStore, resolveTrackingUri } from '@mlproject/runner';
import { formatRunDetails, formatRunList } from '../format.js';

interface StoreFlags {
  trackingUri?: string;
  json?: boolean;
}

/** Opens the store read-only commands look at; a missing store is an error, never a new file. */
function open(flags: StoreFlags) {
  return openStore(resolveTrackingUri(flags.trackingUri, process.env, process.cwd()), process.cwd(), { create: false });
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 50000) throw new InvalidArgumentError('expected a whole number from 1 to 50000.');
  return n;
}

/** `mlproject runs list` and `mlproject runs show ID`. */
export function registerRuns(program: Command, io: { out: (s: string) => void }): void {
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
        const details = await describeRun(store, artifacts, runId).catch((error: unknown) => {
          if (!(error instanceof TrackingError) || error.errorCode !== 'RESOURCE_DOES_NOT_EXIST') throw error;
          throw new RunnerError('ERR_MLPROJECT_RUN_NOT_FOUND', `Run '${runId}' not found in ${uri}`, {
            hint: 'list the runs of this store with `mlproject runs list`, or pass --tracking-uri for another store',
          });
        });
        io.out(flags.json ? JSON.stringify(details, null, 2) : formatRunDetails(details));
      } finally {
        await store.close();
      }
    });
}
