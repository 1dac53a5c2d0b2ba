import { RUN_STATUSES, type RunStatus, type UpdateRunRequest } from '@mlproject/tracking';
import { readTag, runInfoJson, runJson } from '../http/codec.js';
import { VIEW_TYPES, type ApiRoute } from './types.js';

/** Proto numbering of RunStatus (`RUNNING` = 1). */
const STATUS_NUMBERS: readonly (RunStatus | undefined)[] = [undefined, ...RUN_STATUSES];

/** The run ID of a run-addressed request: `run_id`, else the deprecated `run_uuid`. */
const RUN_ID = ['run_id', 'run_uuid'] as const;

/** `/mlflow/runs/{create,get,update,delete,restore,search}` (R1-R6), as `mlflow/server/handlers.py`. */
export const runRoutes: ApiRoute[] = [
  {
    method: 'POST', path: '/mlflow/runs/create',
    handler: async (msg, { store }) => {
      const runName = msg.string('run_name');
      const run = await store.createRun({
        experimentId: msg.string('experiment_id') || '0',
        userId: msg.string('user_id') ?? '',
        startTime: msg.int('start_time') ?? Date.now(),
        tags: msg.messages('tags').map(readTag),
        ...(runName ? { runName } : {}),
      });
      return { run: runJson(run) };
    },
  },
  {
    method: 'GET', path: '/mlflow/runs/get',
    handler: async (msg, { store }) => ({ run: runJson(await store.getRun(msg.requiredOneOf(...RUN_ID))) }),
  },
  {
    method: 'POST', path: '/mlflow/runs/update',
    handler: async (msg, { store }) => {
      const request: UpdateRunRequest = {};
      const status = msg.enumValue('status', STATUS_NUMBERS);
      const endTime = msg.int('end_time');
      const runName = msg.string('run_name');
      if (status !== undefined) request.status = status;
      if (endTime !== undefined) request.endTime = endTime;
      if (runName) request.runName = runName;
      return { run_info: runInfoJson(await store.updateRun(msg.requiredOneOf(...RUN_ID), request)) };
    },
  },
  {
    method: 'POST', path: '/mlflow/runs/delete',
    handler: async (msg, { store }) => (await store.deleteRun(msg.requiredOneOf(...RUN_ID)), {}),
  },
  {
    method: 'POST', path: '/mlflow/runs/restore',
    handler: async (msg, { store }) => (await store.restoreRun(msg.requiredOneOf(...RUN_ID)), {}),
  },
  ...(['POST', 'GET'] as const).map((method): ApiRoute => ({
    method, path: '/mlflow/runs/search',
    handler: async (msg, { store }) => {
      const viewType = msg.enumValue('run_view_type', VIEW_TYPES);
      const filter = msg.string('filter');
      const pageToken = msg.string('page_token');
      const page = await store.searchRuns({
        experimentIds: msg.strings('experiment_ids'),
        maxResults: msg.int('max_results') ?? 1000,
        orderBy: msg.strings('order_by'),
        ...(viewType === undefined ? {} : { viewType }),
        ...(filter === undefined ? {} : { filter }),
        ...(pageToken === undefined ? {} : { pageToken }),
      });
      return { runs: page.items.map(runJson), next_page_token: page.nextPageToken };
    },
  })),
];

export { RUN_ID };
