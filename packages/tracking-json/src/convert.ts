import type { Experiment, LoggedModel, Metric, Run, RunInfo, Tag } from '@mlproject/tracking';
import { decodeValue, type StoredExperiment, type StoredLoggedModel, type StoredPoint, type StoredRun } from './format.js';

/** Stored data as entities: copies, sorted as the SQLite store returns them, values decoded. */

const byKey = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** A sorted copy of a key/value list. */
export function sortedTags(list: Tag[]): Tag[] {
  return list.map(({ key, value }) => ({ key, value })).sort(byKey);
}

/** A stored point of metric `key` as a Metric; absent optional fields stay absent. */
export function toMetric(key: string, point: StoredPoint): Metric {
  const metric: Metric = { key, value: decodeValue(point.value), timestamp: point.timestamp, step: point.step };
  if (point.modelId) metric.modelId = point.modelId;
  if (point.datasetName) metric.datasetName = point.datasetName;
  if (point.datasetDigest) metric.datasetDigest = point.datasetDigest;
  return metric;
}

export function toExperiment(e: StoredExperiment): Experiment {
  return {
    experimentId: e.experimentId,
    name: e.name,
    artifactLocation: e.artifactLocation,
    lifecycleStage: e.lifecycleStage,
    creationTime: e.creationTime,
    lastUpdateTime: e.lastUpdateTime,
    tags: sortedTags(e.tags),
  };
}

export function toRunInfo(r: StoredRun): RunInfo {
  return {
    runId: r.runId,
    runName: r.runName,
    experimentId: r.experimentId,
    userId: r.userId,
    status: r.status,
    startTime: r.startTime,
    endTime: r.endTime,
    artifactUri: r.artifactUri,
    lifecycleStage: r.lifecycleStage,
  };
}

/** A run with its latest metric per key (only key, value, timestamp, step, as MLflow's RunData). */
export function toRun(r: StoredRun): Run {
  const metrics = r.metrics
    .map((h) => ({ key: h.key, value: decodeValue(h.latest.value), timestamp: h.latest.timestamp, step: h.latest.step }))
    .sort(byKey);
  return {
    info: toRunInfo(r),
    data: { metrics, params: sortedTags(r.params), tags: sortedTags(r.tags) },
    inputs: {
      datasetInputs: r.datasetInputs.map((d) => ({ tags: d.tags.map((t) => ({ ...t })), dataset: { ...d.dataset } })),
      modelInputs: r.modelInputs.map((m) => ({ modelId: m.modelId })),
    },
    outputs: { modelOutputs: r.modelOutputs.map((m) => ({ modelId: m.modelId, step: m.step })) },
  };
}

/** A logged model; its metrics ordered by (key, step, timestamp), each carrying the model and run IDs. */
export function toLoggedModel(m: StoredLoggedModel): LoggedModel {
  const metrics = [...m.metrics]
    .sort((a, b) => byKey(a, b) || a.step - b.step || a.timestamp - b.timestamp)
    .map((x) => {
      const metric: Metric = { key: x.key, value: decodeValue(x.value), timestamp: x.timestamp, step: x.step, modelId: m.modelId };
      if (x.datasetName) metric.datasetName = x.datasetName;
      if (x.datasetDigest) metric.datasetDigest = x.datasetDigest;
      if (x.runId) metric.runId = x.runId;
      return metric;
    });
  const model: LoggedModel = {
    modelId: m.modelId,
    experimentId: m.experimentId,
    name: m.name,
    artifactUri: m.artifactUri,
    status: m.status,
    creationTimestampMs: m.creationTimestampMs,
    lastUpdatedTimestampMs: m.lastUpdatedTimestampMs,
    tags: sortedTags(m.tags),
    params: sortedTags(m.params),
    metrics,
    lifecycleStage: m.lifecycleStage,
  };
  if (m.modelType !== null) model.modelType = m.modelType;
  if (m.sourceRunId !== null) model.sourceRunId = m.sourceRunId;
  return model;
}
