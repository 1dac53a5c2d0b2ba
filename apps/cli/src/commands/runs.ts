import type { Command } from 'commander';
import type { Run } from '@mlproject/tracking';
import { describeRun, openStore, resolveTrackingUri } from '@mlproject/runner';
import { formatRunDetails, formatRunList } from '../format.js';

interface StoreFlags {
  trackingUri?: string;
  json?: boolean;
}

function open(flags: StoreFlags) {
  return openStore(resolveTrackingUri(flags.trackingUri, process.env, process.cwd()), process.cwd());
}

/** `mlproject runs list` and `mlproject runs show ID`. */
export function registerRuns(program: Command, io: { out: (s: string) => void }): void {
  const runs = program.command('runs').description('Inspect recorded runs');
  runs
    .command('list')
    .description('List runs, newest first')
    .option('--experiment-id <id>', 'only this experiment (default: all)')
    .option('--max-results <n>', 'at most this many runs', '1000')
    .option('--tracking-uri <uri>', 'tracking store (default: MLFLOW_TRACKING_URI, else sqlite:///mlproject.db)')
    .option('--json', 'print JSON for scripts')
    .action(async (flags: StoreFlags & { experimentId?: string; maxResults: string }) => {
      const { store } = open(flags);
      try {
        const experimentIds = flags.experimentId !== undefined
          ? [flags.experimentId]
          : (await store.searchExperiments({ viewType: 'ALL', maxResults: 50000 })).items.map((e) => e.experimentId);
        const found: Run[] = (await store.searchRuns({ experimentIds, maxResults: Number(flags.maxResults) })).items;
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
      const { store, artifactsDestination } = open(flags);
      try {
        const details = await describeRun(store, artifactsDestination, runId);
        io.out(flags.json ? JSON.stringify(details, null, 2) : formatRunDetails(details));
      } finally {
        await store.close();
      }
    });
}
