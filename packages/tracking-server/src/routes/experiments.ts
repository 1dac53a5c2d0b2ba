import { TrackingError } from '@mlproject/tracking';
import { checkArtifactLocation } from '../artifacts.js';
import { experimentJson, readTag } from '../http/codec.js';
import { VIEW_TYPES, type ApiRoute } from './types.js';

/** `/mlflow/experiments/*` (E1-E9 of `mlflow-rest-api.md`), as `mlflow/server/handlers.py`. */
export const experimentRoutes: ApiRoute[] = [
  {
    method: 'POST', path: '/mlflow/experiments/create',
    handler: async (msg, { store }) => {
      const location = msg.string('artifact_location');
      if (location) checkArtifactLocation(location);
      const id = await store.createExperiment(msg.requiredString('name'), location || undefined, msg.messages('tags').map(readTag));
      return { experiment_id: id };
    },
  },
  {
    method: 'GET', path: '/mlflow/experiments/get',
    handler: async (msg, { store }) => ({ experiment: experimentJson(await store.getExperiment(msg.requiredString('experiment_id'))) }),
  },
  {
    method: 'GET', path: '/mlflow/experiments/get-by-name',
    handler: async (msg, { store }) => {
      const name = msg.requiredString('experiment_name');
      const experiment = await store.getExperimentByName(name);
      if (experiment === null) throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`);
      return { experiment: experimentJson(experiment) };
    },
  },
  ...(['POST', 'GET'] as const).map((method): ApiRoute => ({
    method, path: '/mlflow/experiments/search',
    handler: async (msg, { store }) => {
      const viewType = msg.enumValue('view_type', VIEW_TYPES);
      const filter = msg.string('filter');
      const pageToken = msg.string('page_token');
      const page = await store.searchExperiments({
        maxResults: msg.int('max_results') ?? 1000,
        orderBy: msg.strings('order_by'),
        ...(viewType === undefined ? {} : { viewType }),
        ...(filter === undefined ? {} : { filter }),
        ...(pageToken === undefined ? {} : { pageToken }),
      });
      return { experiments: page.items.map(experimentJson), next_page_token: page.nextPageToken };
    },
  })),
  {
    method: 'POST', path: '/mlflow/experiments/update',
    handler: async (msg, { store }) => {
      await store.renameExperiment(msg.requiredString('experiment_id'), msg.requiredString('new_name'));
      return {};
    },
  },
  {
    method: 'POST', path: '/mlflow/experiments/delete',
    handler: async (msg, { store }) => (await store.deleteExperiment(msg.requiredString('experiment_id')), {}),
  },
  {
    method: 'POST', path: '/mlflow/experiments/restore',
    handler: async (msg, { store }) => (await store.restoreExperiment(msg.requiredString('experiment_id')), {}),
  },
  {
    method: 'POST', path: '/mlflow/experiments/set-experiment-tag',
    handler: async (msg, { store }) => (await store.setExperimentTag(msg.requiredString('experiment_id'), readTag(msg)), {}),
  },
  {
    method: 'POST', path: '/mlflow/experiments/delete-experiment-tag',
    handler: async (msg, { store }) => (await store.deleteExperimentTag(msg.requiredString('experiment_id'), msg.requiredString('key')), {}),
  },
];
