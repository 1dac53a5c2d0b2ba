import { invalidParameter, type TrackingStore } from '@mlproject/tracking';
import { metricJson, readDatasetInput, readMetric, readParam, readTag } from '../http/codec.js';
import { RUN_ID } from './runs.js';
import type { ApiRoute } from './types.js';

const LOG_MODEL_HISTORY_TAG = 'mlflow.log-model.history';
const MODEL_JSON_FIELDS = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'];

/**
 * MLflow 2.x `runs/log-model`: appends the model's metadata to the JSON list in the run tag
 * `mlflow.log-model.history`, as `SqlAlchemyStore.record_logged_model`.
 * @throws TrackingError INVALID_PARAMETER_VALUE when `model_json` is not an object with the mandatory fields.
 */
async function recordLoggedModel(store: TrackingStore, runId: string, modelJson: string): Promise<void> {
  let model: unknown;
  try {
    model = JSON.parse(modelJson);
  } catch (cause) {
    throw Object.assign(invalidParameter(`Malformed model info. \n ${modelJson} \n is not a valid JSON.`), { cause });
  }
  if (typeof model !== 'object' || model === null || Array.isArray(model)) throw invalidParameter('Model json must be a JSON object.');
  const missing = MODEL_JSON_FIELDS.filter((field) => !(field in model));
  if (missing.length > 0) throw invalidParameter(`Model json is missing mandatory fields: [${missing.map((f) => `'${f}'`).join(', ')}]`);
  const run = await store.getRun(runId);
  const previous = run.data.tags.find((t) => t.key === LOG_MODEL_HISTORY_TAG)?.value;
  let history: unknown[] = [];
  try {
    const parsed: unknown = previous === undefined ? [] : JSON.parse(previous);
    if (Array.isArray(parsed)) history = parsed;
  } catch {
    history = [];
  }
  history.push(model);
  await store.setTag(runId, { key: LOG_MODEL_HISTORY_TAG, value: JSON.stringify(history) });
}

/** Run logging endpoints (R7-R14) and `metrics/get-history` (M1). */
export const loggingRoutes: ApiRoute[] = [
  {
    method: 'POST', path: '/mlflow/runs/log-metric',
    handler: async (msg, { store }) => (await store.logMetric(msg.requiredOneOf(...RUN_ID), readMetric(msg)), {}),
  },
  {
    method: 'POST', path: '/mlflow/runs/log-parameter',
    handler: async (msg, { store }) => (await store.logParam(msg.requiredOneOf(...RUN_ID), readParam(msg)), {}),
  },
  {
    method: 'POST', path: '/mlflow/runs/set-tag',
    handler: async (msg, { store }) => (await store.setTag(msg.requiredOneOf(...RUN_ID), readTag(msg)), {}),
  },
  {
    method: 'POST', path: '/mlflow/runs/delete-tag',
    handler: async (msg, { store }) => (await store.deleteTag(msg.requiredOneOf(...RUN_ID), msg.requiredString('key')), {}),
  },
  {
    method: 'POST', path: '/mlflow/runs/log-batch',
    handler: async (msg, { store }) => {
      const runId = msg.requiredOneOf(...RUN_ID);
      const metrics = msg.messages('metrics').map(readMetric);
      const params = msg.messages('params').map(readParam);
      const tags = msg.messages('tags').map(readTag);
      await store.logBatch(runId, { metrics, params, tags });
      return {};
    },
  },
  {
    method: 'POST', path: '/mlflow/runs/log-inputs',
    handler: async (msg, { store }) => {
      const datasets = msg.messages('datasets').map(readDatasetInput);
      const models = msg.messages('models').map((m) => ({ modelId: m.requiredString('model_id') }));
      await store.logInputs(msg.requiredOneOf(...RUN_ID), { datasets, models });
      return {};
    },
  },
  {
    method: 'POST', path: '/mlflow/runs/outputs',
    handler: async (msg, { store }) => {
      const models = msg.messages('models').map((m) => ({ modelId: m.requiredString('model_id'), step: m.int('step') ?? 0 }));
      await store.logOutputs(msg.requiredOneOf(...RUN_ID), models);
      return {};
    },
  },
  {
    method: 'POST', path: '/mlflow/runs/log-model',
    handler: async (msg, { store }) => (await recordLoggedModel(store, msg.requiredOneOf(...RUN_ID), msg.requiredString('model_json')), {}),
  },
  {
    method: 'GET', path: '/mlflow/metrics/get-history',
    handler: async (msg, { store }) => {
      const maxResults = msg.int('max_results');
      const pageToken = msg.string('page_token');
      const page = await store.getMetricHistory(msg.requiredOneOf(...RUN_ID), msg.requiredString('metric_key'), {
        ...(maxResults === undefined ? {} : { maxResults }),
        ...(pageToken === undefined ? {} : { pageToken }),
      });
      return { metrics: page.items.map(metricJson), next_page_token: page.nextPageToken };
    },
  },
];
