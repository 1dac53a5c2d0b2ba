import {
  RUN_STATUSES, type DatasetInput, type Experiment, type LifecycleStage, type LoggedModel, type LoggedModelStatus,
  type Metric, type Run, type RunInfo, type RunStatus, type Tag,
} from '@mlproject/tracking';

/**
 * MLflow's JSON (`mlflow/protos/service.proto`, `mlflow-rest-api.md` §1.3 and §3) to and from our
 * entities. Reading is as lenient as the Python client's `ParseDict`: snake_case or lowerCamelCase
 * names, `null` as absent, int64 as number or numeric string, doubles also as `"NaN"`/`"Infinity"`,
 * enums as name or number, absent repeated fields as empty.
 */

type Json = Record<string, unknown>;

const camel = (snake: string): string => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const NON_FINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity, inf: Infinity, '-inf': -Infinity, nan: Number.NaN };

/** A field of a response object, by its proto name or its lowerCamelCase name. */
function field(o: Json, name: string): unknown {
  const value = o[name] ?? o[camel(name)];
  return value === null ? undefined : value;
}

export function str(o: Json, name: string): string | undefined {
  const value = field(o, name);
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

export function int(o: Json, name: string): number | undefined {
  const value = field(o, name);
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^[-+]?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

function double(o: Json, name: string): number | undefined {
  const value = field(o, name);
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return NON_FINITE[value.trim()] ?? (value.trim() === '' ? undefined : Number(value));
  return undefined;
}

export function obj(o: Json, name: string): Json {
  const value = field(o, name);
  return typeof value === 'object' && value !== undefined && !Array.isArray(value) ? (value as Json) : {};
}

export function list(o: Json, name: string): Json[] {
  const value = field(o, name);
  return Array.isArray(value) ? value.filter((v): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)) : [];
}

function enumOf<T extends string>(o: Json, name: string, numbering: readonly (T | undefined)[], fallback: T): T {
  const value = field(o, name);
  if (typeof value === 'number') return numbering[value] ?? fallback;
  if (typeof value === 'string' && (numbering as readonly unknown[]).includes(value)) return value as T;
  return fallback;
}

const stage = (o: Json): LifecycleStage => (str(o, 'lifecycle_stage') === 'deleted' ? 'deleted' : 'active');
const tags = (o: Json, name = 'tags'): Tag[] => list(o, name).map((t) => ({ key: str(t, 'key') ?? '', value: str(t, 'value') ?? '' }));

const STATUS_NUMBERS: readonly (RunStatus | undefined)[] = [undefined, ...RUN_STATUSES];
/** Proto numbering of LoggedModelStatus. */
export const MODEL_STATUSES: readonly LoggedModelStatus[] = [
  'LOGGED_MODEL_STATUS_UNSPECIFIED', 'LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED',
];

export function readExperiment(o: Json): Experiment {
  return {
    experimentId: str(o, 'experiment_id') ?? '',
    name: str(o, 'name') ?? '',
    artifactLocation: str(o, 'artifact_location') ?? '',
    lifecycleStage: stage(o),
    creationTime: int(o, 'creation_time') ?? 0,
    lastUpdateTime: int(o, 'last_update_time') ?? 0,
    tags: tags(o),
  };
}

export function readMetric(o: Json): Metric {
  const metric: Metric = {
    key: str(o, 'key') ?? '',
    value: double(o, 'value') ?? 0,
    timestamp: int(o, 'timestamp') ?? 0,
    step: int(o, 'step') ?? 0,
  };
  const optional = { modelId: 'model_id', datasetName: 'dataset_name', datasetDigest: 'dataset_digest', runId: 'run_id' } as const;
  for (const [key, name] of Object.entries(optional) as [keyof typeof optional, string][]) {
    const value = str(o, name);
    if (value) metric[key] = value;
  }
  return metric;
}

/** RunInfo; `run_uuid` stands in for an absent `run_id` (old servers); an unset end time (absent or 0) is null. */
export function readRunInfo(o: Json): RunInfo {
  const endTime = int(o, 'end_time');
  return {
    runId: str(o, 'run_id') || (str(o, 'run_uuid') ?? ''),
    runName: str(o, 'run_name') ?? '',
    experimentId: str(o, 'experiment_id') ?? '',
    userId: str(o, 'user_id') ?? '',
    status: enumOf(o, 'status', STATUS_NUMBERS, 'RUNNING'),
    startTime: int(o, 'start_time') ?? 0,
    endTime: endTime === undefined || endTime === 0 ? null : endTime,
    artifactUri: str(o, 'artifact_uri') ?? '',
    lifecycleStage: stage(o),
  };
}

function readDatasetInput(o: Json): DatasetInput {
  const d = obj(o, 'dataset');
  const dataset: DatasetInput['dataset'] = {
    name: str(d, 'name') ?? '', digest: str(d, 'digest') ?? '', sourceType: str(d, 'source_type') ?? '', source: str(d, 'source') ?? '',
  };
  const schema = str(d, 'schema');
  const profile = str(d, 'profile');
  if (schema !== undefined) dataset.schema = schema;
  if (profile !== undefined) dataset.profile = profile;
  return { tags: tags(o), dataset };
}

export function readRun(o: Json): Run {
  const data = obj(o, 'data');
  const inputs = obj(o, 'inputs');
  const outputs = obj(o, 'outputs');
  return {
    info: readRunInfo(obj(o, 'info')),
    data: { metrics: list(data, 'metrics').map(readMetric), params: tags(data, 'params'), tags: tags(data) },
    inputs: {
      datasetInputs: list(inputs, 'dataset_inputs').map(readDatasetInput),
      modelInputs: list(inputs, 'model_inputs').map((m) => ({ modelId: str(m, 'model_id') ?? '' })),
    },
    outputs: { modelOutputs: list(outputs, 'model_outputs').map((m) => ({ modelId: str(m, 'model_id') ?? '', step: int(m, 'step') ?? 0 })) },
  };
}

/**
 * A LoggedModel. The wire format has no lifecycle stage (`LoggedModelInfo` in service.proto), so it
 * reads as `lifecycleStage` (default active); the store knows when a model came back only through `allow_deleted`.
 */
export function readLoggedModel(o: Json, lifecycleStage: LifecycleStage = 'active'): LoggedModel {
  const info = obj(o, 'info');
  const data = obj(o, 'data');
  const model: LoggedModel = {
    modelId: str(info, 'model_id') ?? '',
    experimentId: str(info, 'experiment_id') ?? '',
    name: str(info, 'name') ?? '',
    artifactUri: str(info, 'artifact_uri') ?? '',
    status: enumOf(info, 'status', MODEL_STATUSES, 'LOGGED_MODEL_STATUS_UNSPECIFIED'),
    creationTimestampMs: int(info, 'creation_timestamp_ms') ?? 0,
    lastUpdatedTimestampMs: int(info, 'last_updated_timestamp_ms') ?? 0,
    tags: tags(info),
    params: tags(data, 'params'),
    metrics: list(data, 'metrics').map(readMetric),
    lifecycleStage,
  };
  const modelType = str(info, 'model_type');
  const sourceRunId = str(info, 'source_run_id');
  if (modelType) model.modelType = modelType;
  if (sourceRunId) model.sourceRunId = sourceRunId;
  return model;
}

/** Request JSON: `{key, value}` pairs. */
export const tagsJson = (items: readonly Tag[]): Json[] => items.map((t) => ({ key: t.key, value: t.value }));

/** A metric as a request message (the value may be non-finite: `stringifyRequest` writes it as MLflow does). */
export function metricJson(m: Metric): Json {
  const out: Json = { key: m.key, value: m.value, timestamp: m.timestamp, step: m.step };
  if (m.modelId !== undefined) out.model_id = m.modelId;
  if (m.datasetName !== undefined) out.dataset_name = m.datasetName;
  if (m.datasetDigest !== undefined) out.dataset_digest = m.datasetDigest;
  return out;
}

export function datasetInputJson(d: DatasetInput): Json {
  const ds = d.dataset;
  const dataset: Json = { name: ds.name, digest: ds.digest, source_type: ds.sourceType, source: ds.source };
  if (ds.schema !== undefined) dataset.schema = ds.schema;
  if (ds.profile !== undefined) dataset.profile = ds.profile;
  return { tags: tagsJson(d.tags), dataset };
}
