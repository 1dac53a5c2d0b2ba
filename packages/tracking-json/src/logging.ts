import {
  RUN_NAME_TAG, TrackingError, decodePageToken, invalidParameter, isLaterPoint, pageOf,
  paramChangedError, validateDatasetInputs,
  type DatasetInput, type LogBatchRequest, type Metric, type Page, type Param, type ParamConflict,
} from '@mlproject/tracking';
import { toMetric } from './convert.js';
import { decodeValue, encodeValue, type StoreData, type StoredPoint, type StoredRun } from './format.js';
import { activeRunOf, loggedModelOf, remove, runOf, upsert } from './lookup.js';
import { renameRun } from './runs.js';

/** Whether `p` is later than `cur` by (step, timestamp, value), the latest-point rule of MLflow; NaN compares false. */
export function isLater(p: StoredPoint, cur: StoredPoint): boolean {
  return isLaterPoint({ ...p, value: decodeValue(p.value) }, { ...cur, value: decodeValue(cur.value) });
}

/** Identity of a point: a second point with the same (timestamp, step, value) is dropped. */
const pointId = (p: { timestamp: number; step: number; value: StoredPoint['value'] }): string => `${p.timestamp}|${p.step}|${p.value}`;

function addParams(run: StoredRun, params: Param[]): void {
  const conflicts: ParamConflict[] = [];
  for (const p of params) {
    const old = run.params.find((x) => x.key === p.key);
    if (old === undefined) run.params.push({ key: p.key, value: p.value });
    else if (old.value !== p.value) conflicts.push({ key: p.key, old: old.value, value: p.value });
  }
  if (conflicts.length > 0) throw paramChangedError(`run ID='${run.runId}'`, conflicts);
}

function addMetrics(data: StoreData, run: StoredRun, metrics: Metric[]): void {
  const seen = new Map<string, Set<string>>();
  const histories = new Map(run.metrics.map((h) => [h.key, h]));
  const modelSeen = new Map<string, Set<string>>();
  for (const m of metrics) {
    const point: StoredPoint = { value: encodeValue(m.value), timestamp: m.timestamp, step: m.step };
    if (m.modelId) point.modelId = m.modelId;
    if (m.datasetName) point.datasetName = m.datasetName;
    if (m.datasetDigest) point.datasetDigest = m.datasetDigest;
    let history = histories.get(m.key);
    if (history === undefined) {
      history = { key: m.key, latest: { ...point }, points: [] };
      run.metrics.push(history);
      histories.set(m.key, history);
    }
    let ids = seen.get(m.key);
    if (ids === undefined) seen.set(m.key, (ids = new Set(history.points.map(pointId))));
    if (!ids.has(pointId(point))) {
      ids.add(pointId(point));
      history.points.push(point);
      if (history.points.length === 1 || isLater(point, history.latest)) {
        history.latest = { value: point.value, timestamp: point.timestamp, step: point.step };
      }
    }
    if (m.modelId) addModelMetric(data, run.runId, m, point, modelSeen);
  }
}

/** Identity of a logged model's metric row: a second row equal in all of these is dropped. */
const modelMetricId = (x: { key: string; runId: string; datasetName: string; datasetDigest: string } & Parameters<typeof pointId>[0]): string =>
  JSON.stringify([x.key, pointId(x), x.runId, x.datasetName, x.datasetDigest]);

/** `seen` holds, per model ID, the identities of its rows, built once per batch rather than scanned per point. */
function addModelMetric(data: StoreData, runId: string, m: Metric, point: StoredPoint, seen: Map<string, Set<string>>): void {
  const model = loggedModelOf(data, m.modelId ?? '', true);
  const row = {
    key: m.key, value: point.value, timestamp: m.timestamp, step: m.step,
    runId, datasetName: m.datasetName ?? '', datasetDigest: m.datasetDigest ?? '',
  };
  let ids = seen.get(model.modelId);
  if (ids === undefined) seen.set(model.modelId, (ids = new Set(model.metrics.map(modelMetricId))));
  const id = modelMetricId(row);
  if (!ids.has(id)) {
    ids.add(id);
    model.metrics.push(row);
  }
}

/**
 * Logs a checked batch, all or nothing (the caller drops the data on a throw), as
 * `SqlAlchemyStore.log_batch`: params write-once (same value is a no-op), duplicate metric points
 * dropped, tags upserted (last wins; `mlflow.runName` renames the run), metrics with a `modelId`
 * also recorded as that logged model's metrics.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST (run or model), INVALID_PARAMETER_VALUE (deleted run, changed param).
 */
export function logBatch(data: StoreData, runId: string, batch: Required<LogBatchRequest>): void {
  const run = activeRunOf(data, runId);
  addParams(run, batch.params);
  addMetrics(data, run, batch.metrics);
  for (const tag of batch.tags) {
    if (tag.key === RUN_NAME_TAG) renameRun(run, tag.value);
    else upsert(run.tags, tag.key, tag.value);
  }
}

/** @throws TrackingError INVALID_PARAMETER_VALUE (deleted run), RESOURCE_DOES_NOT_EXIST (run or tag). */
export function deleteTag(data: StoreData, runId: string, key: string): void {
  if (!remove(activeRunOf(data, runId).tags, String(key))) {
    throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${key} in run with id ${runId}`);
  }
}

/** History order: timestamp, step, then value with a NaN where 0 sorts (after a real 0), as MLflow. */
function historyOrder(a: Metric, b: Metric): number {
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  if (a.step !== b.step) return a.step - b.step;
  // MLflow stores a NaN as 0 (with a NaN flag) and orders by the stored value: a NaN sorts as 0 does,
  // after a real 0 (`SqlAlchemyStore.get_metric_history`).
  const an = Number.isNaN(a.value);
  const bn = Number.isNaN(b.value);
  const av = an ? 0 : a.value;
  const bv = bn ? 0 : b.value;
  if (av !== bv) return av < bv ? -1 : 1;
  return Number(an) - Number(bn);
}

/**
 * All points of one metric ordered by (timestamp, step, value), paged; `maxResults` absent or 0
 * means no limit. Unknown key: empty.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST for an unknown run, INVALID_PARAMETER_VALUE for a bad token or size.
 */
export function getMetricHistory(data: StoreData, runId: string, key: string, options: { maxResults?: number; pageToken?: string }): Page<Metric> {
  const run = runOf(data, runId);
  const offset = decodePageToken(options.pageToken);
  const max = options.maxResults ?? 0;
  if (!Number.isSafeInteger(max) || max < 0) throw invalidParameter(`Invalid max_results ${max}.`);
  const history = run.metrics.find((h) => h.key === String(key));
  const all = (history?.points ?? []).map((p) => toMetric(history?.key ?? '', p)).sort(historyOrder);
  if (max === 0) return { items: all.slice(offset) };
  return pageOf(all.slice(offset, offset + max + 1), offset, max);
}

/** Checks inputs before any lock is taken. @throws TrackingError INVALID_PARAMETER_VALUE */
export function checkInputs(inputs: { datasets?: DatasetInput[] }): void {
  validateDatasetInputs(inputs.datasets ?? []);
}

/** Records dataset inputs (one per name and digest) and model inputs, duplicates ignored (`log_inputs`). */
export function logInputs(data: StoreData, runId: string, inputs: { datasets?: DatasetInput[]; models?: { modelId: string }[] }): void {
  const run = activeRunOf(data, runId);
  for (const { dataset: d, tags } of inputs.datasets ?? []) {
    if (run.datasetInputs.some((x) => x.dataset.name === d.name && x.dataset.digest === d.digest)) continue;
    const dataset: DatasetInput['dataset'] = { name: d.name, digest: d.digest, sourceType: d.sourceType, source: d.source };
    if (d.schema !== undefined) dataset.schema = d.schema;
    if (d.profile !== undefined) dataset.profile = d.profile;
    run.datasetInputs.push({ tags: tags.map((t) => ({ key: t.key, value: t.value })), dataset });
  }
  for (const model of inputs.models ?? []) {
    const modelId = String(model.modelId);
    if (!run.modelInputs.some((x) => x.modelId === modelId)) run.modelInputs.push({ modelId });
  }
}

/** Checks outputs before any lock is taken. @throws TrackingError INVALID_PARAMETER_VALUE */
export function checkOutputs(models: { modelId: string; step: number }[]): void {
  for (const m of models) {
    if (typeof m.modelId !== 'string' || m.modelId === '') throw invalidParameter('Each model output needs a model_id.');
    if (!Number.isSafeInteger(m.step)) throw invalidParameter(`Invalid step ${String(m.step)} for model output ${m.modelId}.`);
  }
}

/** Appends model outputs `{modelId, step}`, duplicates ignored (`log_outputs`). */
export function logOutputs(data: StoreData, runId: string, models: { modelId: string; step: number }[]): void {
  const run = activeRunOf(data, runId);
  for (const m of models) {
    if (!run.modelOutputs.some((x) => x.modelId === m.modelId && x.step === m.step)) run.modelOutputs.push({ modelId: m.modelId, step: m.step });
  }
}
