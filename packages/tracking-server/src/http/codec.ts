import type {
  DatasetInput, Experiment, LoggedModel, Metric, Param, Run, RunInfo, Tag,
} from '@mlproject/tracking';
import type { Message } from './message.js';

/**
 * Entities to and from MLflow's JSON (`mlflow/protos/service.proto` field names, `mlflow-rest-api.md`
 * §3): snake_case, times as numbers, enum names, empty lists and unset fields left out, IDs never null.
 */

type Json = Record<string, unknown>;

/** Leaves out undefined fields and empty arrays, as protobuf's JSON printer does. */
function compact(object: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out;
}

const tagsJson = (tags: Tag[]): Json[] => tags.map((t) => ({ key: t.key, value: t.value }));

export function experimentJson(e: Experiment): Json {
  return compact({
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: e.artifactLocation,
    lifecycle_stage: e.lifecycleStage,
    last_update_time: e.lastUpdateTime,
    creation_time: e.creationTime,
    tags: tagsJson(e.tags),
  });
}

export function metricJson(m: Metric): Json {
  return compact({
    key: m.key, value: m.value, timestamp: m.timestamp, step: m.step,
    model_id: m.modelId, dataset_name: m.datasetName, dataset_digest: m.datasetDigest, run_id: m.runId,
  });
}

/** RunInfo; `run_uuid` repeats `run_id` (the real server still sends it); `end_time` only when set. */
export function runInfoJson(i: RunInfo): Json {
  return compact({
    run_id: i.runId, run_uuid: i.runId, run_name: i.runName || undefined, experiment_id: i.experimentId,
    user_id: i.userId, status: i.status, start_time: i.startTime, end_time: i.endTime ?? undefined,
    artifact_uri: i.artifactUri, lifecycle_stage: i.lifecycleStage,
  });
}

function datasetInputJson(d: DatasetInput): Json {
  const ds = d.dataset;
  return compact({
    tags: tagsJson(d.tags),
    dataset: compact({ name: ds.name, digest: ds.digest, source_type: ds.sourceType, source: ds.source, schema: ds.schema, profile: ds.profile }),
  });
}

export function runJson(r: Run): Json {
  return {
    info: runInfoJson(r.info),
    data: compact({ metrics: r.data.metrics.map(metricJson), params: tagsJson(r.data.params), tags: tagsJson(r.data.tags) }),
    inputs: compact({
      dataset_inputs: r.inputs.datasetInputs.map(datasetInputJson),
      model_inputs: r.inputs.modelInputs.map((m) => ({ model_id: m.modelId })),
    }),
    outputs: compact({ model_outputs: r.outputs.modelOutputs.map((m) => ({ model_id: m.modelId, step: m.step })) }),
  };
}

export function loggedModelJson(m: LoggedModel): Json {
  return {
    info: compact({
      model_id: m.modelId, experiment_id: m.experimentId, name: m.name,
      creation_timestamp_ms: m.creationTimestampMs, last_updated_timestamp_ms: m.lastUpdatedTimestampMs,
      artifact_uri: m.artifactUri, status: m.status, model_type: m.modelType, source_run_id: m.sourceRunId,
      tags: tagsJson(m.tags),
    }),
    data: compact({ params: tagsJson(m.params), metrics: m.metrics.map(metricJson) }),
  };
}

/** `{key, value}` with a required key; an absent value is `''`. */
export function readTag(msg: Message): Tag {
  return { key: msg.requiredString('key'), value: msg.string('value') ?? '' };
}

export const readParam: (msg: Message) => Param = readTag;

/** A metric: key, value and timestamp required; step defaults to 0; MLflow 3 model/dataset fields optional. */
export function readMetric(msg: Message): Metric {
  const value = msg.double('value');
  if (value === undefined) msg.requiredString('value');
  const metric: Metric = {
    key: msg.requiredString('key'),
    value: value ?? Number.NaN,
    timestamp: msg.requiredInt('timestamp'),
    step: msg.int('step') ?? 0,
  };
  const modelId = msg.string('model_id');
  const datasetName = msg.string('dataset_name');
  const datasetDigest = msg.string('dataset_digest');
  if (modelId) metric.modelId = modelId;
  if (datasetName) metric.datasetName = datasetName;
  if (datasetDigest) metric.datasetDigest = datasetDigest;
  return metric;
}

export function readDatasetInput(msg: Message): DatasetInput {
  const d = msg.message('dataset');
  const dataset: DatasetInput['dataset'] = {
    name: d.requiredString('name'),
    digest: d.requiredString('digest'),
    sourceType: d.requiredString('source_type'),
    source: d.requiredString('source'),
  };
  const schema = d.string('schema');
  const profile = d.string('profile');
  if (schema !== undefined) dataset.schema = schema;
  if (profile !== undefined) dataset.profile = profile;
  return { tags: msg.messages('tags').map(readTag), dataset };
}
