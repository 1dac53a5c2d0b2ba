import type { LoggedModelStatus } from '@mlproject/tracking';
import { loggedModelJson, readParam, readTag } from '../http/codec.js';
import type { ApiRoute } from './types.js';

/** Proto numbering of LoggedModelStatus. */
const MODEL_STATUSES: readonly LoggedModelStatus[] = [
  'LOGGED_MODEL_STATUS_UNSPECIFIED', 'LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED',
];

/** MLflow 3 logged models (L1-L8 of `mlflow-rest-api.md`), as `mlflow/server/handlers.py`. */
export const loggedModelRoutes: ApiRoute[] = [
  {
    method: 'POST', path: '/mlflow/logged-models',
    handler: async (msg, { store }) => {
      const name = msg.string('name');
      const modelType = msg.string('model_type');
      const sourceRunId = msg.string('source_run_id');
      const model = await store.createLoggedModel({
        experimentId: msg.requiredString('experiment_id'),
        params: msg.messages('params').map(readParam),
        tags: msg.messages('tags').map(readTag),
        ...(name === undefined ? {} : { name }),
        ...(modelType ? { modelType } : {}),
        ...(sourceRunId ? { sourceRunId } : {}),
      });
      return { model: loggedModelJson(model) };
    },
  },
  {
    method: 'POST', path: '/mlflow/logged-models/search',
    handler: async (msg, { store }) => {
      const filter = msg.string('filter');
      const pageToken = msg.string('page_token');
      const maxResults = msg.int('max_results');
      const page = await store.searchLoggedModels({
        experimentIds: msg.strings('experiment_ids'),
        orderBy: msg.messages('order_by').map((o) => {
          const ascending = o.bool('ascending');
          return { fieldName: o.requiredString('field_name'), ...(ascending === undefined ? {} : { ascending }) };
        }),
        ...(filter ? { filter } : {}),
        ...(pageToken ? { pageToken } : {}),
        ...(maxResults ? { maxResults } : {}),
      });
      return { models: page.items.map(loggedModelJson), next_page_token: page.nextPageToken };
    },
  },
  {
    method: 'GET', path: '/mlflow/logged-models/:model_id',
    handler: async (msg, { store }) => {
      const model = await store.getLoggedModel(msg.requiredString('model_id'), { allowDeleted: msg.bool('allow_deleted') ?? false });
      return { model: loggedModelJson(model) };
    },
  },
  {
    method: 'PATCH', path: '/mlflow/logged-models/:model_id',
    handler: async (msg, { store }) => {
      const status = msg.enumValue('status', MODEL_STATUSES);
      if (status === undefined) msg.requiredString('status');
      const model = await store.finalizeLoggedModel(msg.requiredString('model_id'), status ?? 'LOGGED_MODEL_STATUS_UNSPECIFIED');
      return { model: loggedModelJson(model) };
    },
  },
  {
    method: 'DELETE', path: '/mlflow/logged-models/:model_id',
    handler: async (msg, { store }) => (await store.deleteLoggedModel(msg.requiredString('model_id')), {}),
  },
  {
    method: 'PATCH', path: '/mlflow/logged-models/:model_id/tags',
    handler: async (msg, { store }) => (await store.setLoggedModelTags(msg.requiredString('model_id'), msg.messages('tags').map(readTag)), {}),
  },
  {
    method: 'DELETE', path: '/mlflow/logged-models/:model_id/tags/:tag_key',
    handler: async (msg, { store }) => (await store.deleteLoggedModelTag(msg.requiredString('model_id'), msg.requiredString('tag_key')), {}),
  },
  {
    method: 'POST', path: '/mlflow/logged-models/:model_id/params',
    handler: async (msg, { store }) => (await store.logLoggedModelParams(msg.requiredString('model_id'), msg.messages('params').map(readParam)), {}),
  },
];
