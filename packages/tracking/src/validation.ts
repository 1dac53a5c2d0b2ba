import { posix } from 'node:path';
import type { DatasetInput, Metric, Param, Tag } from './entities.js';
import { TrackingError } from './errors.js';
import type { LogBatchRequest } from './store.js';

/**
 * Limits enforced by every store, MLflow 3.x values (`mlflow/utils/validation.py`).
 * Lengths are in characters (UTF-16 code units here, Python `len` there; equal outside the astral planes).
 */
export const LIMITS = {
  keyLength: 250,
  paramValueLength: 6000,
  runTagValueLength: 8000,
  experimentTagKeyLength: 250,
  experimentTagValueLength: 5000,
  experimentNameLength: 500,
  batchMetrics: 1000,
  batchParams: 100,
  batchTags: 100,
  batchTotal: 1000,
  datasetsPerRequest: 1000,
  datasetNameLength: 500,
  datasetDigestLength: 36,
  datasetSourceLength: 65535,
  datasetSchemaLength: 1048575,
  datasetProfileLength: 16777215,
  inputTagKeyLength: 255,
  inputTagValueLength: 500,
  searchMaxResults: 50000,
} as const;

/** Shorthand for an INVALID_PARAMETER_VALUE error. */
export function invalidParameter(message: string): TrackingError {
  return new TrackingError('INVALID_PARAMETER_VALUE', message);
}

const KEY_CHARS = /^[/\p{L}\p{N}\p{M}\p{Pc}.\- :]*$/u;

/**
 * Checks a metric, param or tag key as `mlflow/utils/validation.py::_validate_param_and_metric_name`
 * and `path_not_unique`: non-empty, at most 250 characters, letters/digits/`_` plus `/ . - space :`,
 * and no name that a file path would resolve elsewhere (`a//b`, `a/./b`, trailing `/`, `.`, `..x`, `/x`).
 * @throws TrackingError INVALID_PARAMETER_VALUE
 */
export function validateKey(kind: 'metric' | 'param' | 'tag', key: string): void {
  if (typeof key !== 'string' || key === '') {
    throw invalidParameter(`Missing value for required parameter 'key' of the ${kind}.`);
  }
  if (key.length > LIMITS.keyLength) {
    throw invalidParameter(`${capitalize(kind)} name '${key.slice(0, 40)}...' had length ${key.length}, which exceeds the limit of ${LIMITS.keyLength}.`);
  }
  if (!KEY_CHARS.test(key)) {
    throw invalidParameter(
      `Invalid ${kind} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).`,
    );
  }
  let normalized = posix.normalize(key);
  if (normalized.length > 1 && normalized.endsWith('/')) normalized = normalized.slice(0, -1);
  if (normalized !== key || key === '.' || key.startsWith('..') || key.startsWith('/')) {
    throw invalidParameter(
      `Invalid ${kind} name: '${key}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${normalized}'.`,
    );
  }
}

/** Checks a metric point: valid key, numeric value (NaN and ±Infinity allowed), integer timestamp ≥ 0 (ms), integer step. */
export function validateMetric(metric: Metric): void {
  validateKey('metric', metric.key);
  if (typeof metric.value !== 'number') {
    throw invalidParameter(`Got invalid value ${String(metric.value)} for metric '${metric.key}' (timestamp=${metric.timestamp}). Please specify value as a valid double (64-bit floating point).`);
  }
  if (!Number.isSafeInteger(metric.timestamp) || metric.timestamp < 0) {
    throw invalidParameter(`Got invalid timestamp ${String(metric.timestamp)} for metric '${metric.key}' (value=${metric.value}). Timestamp must be a nonnegative long (64-bit integer).`);
  }
  if (!Number.isSafeInteger(metric.step)) {
    throw invalidParameter(`Got invalid step ${String(metric.step)} for metric '${metric.key}' (value=${metric.value}). Step must be a valid long (64-bit integer).`);
  }
}

/** Validates a param and returns it with its value truncated to 6000 characters (MLflow's default, `MLFLOW_TRUNCATE_LONG_VALUES`). */
export function normalizeParam(param: Param): Param {
  validateKey('param', param.key);
  const value = String(param.value ?? '');
  return { key: param.key, value: value.slice(0, LIMITS.paramValueLength) };
}

/** Validates a run tag and returns it with its value truncated to 8000 characters. */
export function normalizeRunTag(tag: Tag): Tag {
  validateKey('tag', tag.key);
  const value = String(tag.value ?? '');
  return { key: tag.key, value: value.slice(0, LIMITS.runTagValueLength) };
}

/** Checks an experiment tag: key as a run-tag key (≤ 250), value ≤ 5000; never truncated. */
export function validateExperimentTag(tag: Tag): void {
  validateKey('tag', tag.key);
  if (String(tag.value ?? '').length > LIMITS.experimentTagValueLength) {
    throw invalidParameter(`Experiment tag '${tag.key}' has a value of ${tag.value.length} characters, more than the limit of ${LIMITS.experimentTagValueLength}.`);
  }
}

/** Checks an experiment name: a non-empty string of at most 500 characters. */
export function validateExperimentName(name: string): void {
  if (typeof name !== 'string' || name.trim() === '') {
    throw invalidParameter("Invalid experiment name: ''. An experiment name must be a non-empty string.");
  }
  if (name.length > LIMITS.experimentNameLength) {
    throw invalidParameter(`Experiment name is ${name.length} characters long, more than the limit of ${LIMITS.experimentNameLength}.`);
  }
}

/**
 * Checks the size of a `log-batch` request, as `_validate_batch_log_limits`:
 * ≤ 1000 metrics, ≤ 100 params, ≤ 100 tags, ≤ 1000 entities in total; and no param key twice.
 */
export function validateBatch(batch: LogBatchRequest): void {
  const m = batch.metrics?.length ?? 0;
  const p = batch.params?.length ?? 0;
  const t = batch.tags?.length ?? 0;
  const over = (what: string, n: number, max: number): TrackingError =>
    invalidParameter(`A batch logging request can contain at most ${max} ${what}. Got ${n} ${what}. Please split up the request into smaller batches.`);
  if (m > LIMITS.batchMetrics) throw over('metrics', m, LIMITS.batchMetrics);
  if (p > LIMITS.batchParams) throw over('params', p, LIMITS.batchParams);
  if (t > LIMITS.batchTags) throw over('tags', t, LIMITS.batchTags);
  if (m + p + t > LIMITS.batchTotal) {
    throw invalidParameter(`A batch logging request can contain at most ${LIMITS.batchTotal} metrics, params, and tags in total. Got ${m + p + t}.`);
  }
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const param of batch.params ?? []) {
    if (seen.has(param.key)) duplicates.add(param.key);
    seen.add(param.key);
  }
  if (duplicates.size > 0) {
    throw invalidParameter(`Duplicate parameter keys have been submitted: [${[...duplicates].map((k) => `'${k}'`).join(', ')}]. Please ensure the request contains only one param value per param key.`);
  }
}

/**
 * Checks a `log-batch` request (`validateBatch`, then each metric) and normalizes it before any
 * lock is taken: lists default to empty, params and run tags are truncated as MLflow does.
 * @throws TrackingError INVALID_PARAMETER_VALUE for limits, bad keys or values.
 */
export function checkBatch(batch: LogBatchRequest): Required<LogBatchRequest> {
  validateBatch(batch);
  const metrics = batch.metrics ?? [];
  metrics.forEach(validateMetric);
  return { metrics, params: (batch.params ?? []).map(normalizeParam), tags: (batch.tags ?? []).map(normalizeRunTag) };
}

/** A param logged again with another value than the one kept. */
export interface ParamConflict {
  key: string;
  old: string;
  value: string;
}

/**
 * The refusal of changed param values, in MLflow's words (`SqlAlchemyStore._log_params`): one
 * conflict names key, old and new value; several are listed. `owner` is e.g. `run ID='<id>'` or
 * `model ID='<id>'`.
 */
export function paramChangedError(owner: string, conflicts: ParamConflict[]): TrackingError {
  const [first] = conflicts;
  if (first !== undefined && conflicts.length === 1) {
    return invalidParameter(
      `Changing param values is not allowed. Param with key='${first.key}' was already logged with value='${first.old}' for ${owner}. Attempted logging new value '${first.value}'.`,
    );
  }
  const list = conflicts.map((c) => `{'key': '${c.key}', 'old_value': '${c.old}', 'new_value': '${c.value}'}`).join(', ');
  return invalidParameter(`Changing param values is not allowed. Params were already logged='[${list}]' for ${owner}.`);
}

/** Checks dataset inputs against MLflow's length limits (name 500, digest 36, source 65535, ...). */
export function validateDatasetInputs(inputs: DatasetInput[]): void {
  if (inputs.length > LIMITS.datasetsPerRequest) {
    throw invalidParameter(`At most ${LIMITS.datasetsPerRequest} datasets can be logged in one request; got ${inputs.length}.`);
  }
  for (const { dataset, tags } of inputs) {
    const fields: [string, string | undefined, number][] = [
      ['name', dataset.name, LIMITS.datasetNameLength],
      ['digest', dataset.digest, LIMITS.datasetDigestLength],
      ['source_type', dataset.sourceType, LIMITS.datasetSourceLength],
      ['source', dataset.source, LIMITS.datasetSourceLength],
    ];
    for (const [field, value, max] of fields) {
      if (typeof value !== 'string' || value === '') throw invalidParameter(`Dataset ${field} must be a non-empty string.`);
      if (value.length > max) throw invalidParameter(`Dataset ${field} is longer than ${max} characters.`);
    }
    if ((dataset.schema?.length ?? 0) > LIMITS.datasetSchemaLength) throw invalidParameter(`Dataset schema is longer than ${LIMITS.datasetSchemaLength} characters.`);
    if ((dataset.profile?.length ?? 0) > LIMITS.datasetProfileLength) throw invalidParameter(`Dataset profile is longer than ${LIMITS.datasetProfileLength} characters.`);
    for (const tag of tags) {
      if (!tag.key || tag.key.length > LIMITS.inputTagKeyLength) throw invalidParameter(`Input tag key '${tag.key}' must be 1 to ${LIMITS.inputTagKeyLength} characters.`);
      if ((tag.value ?? '').length > LIMITS.inputTagValueLength) throw invalidParameter(`Input tag '${tag.key}' has a value longer than ${LIMITS.inputTagValueLength} characters.`);
    }
  }
}

/** Checks a logged-model name: non-empty, without any of `/ : . % " '` (`_validate_logged_model_name`). */
export function validateLoggedModelName(name: string): void {
  if (name === '' || /[/:.%"']/.test(name)) {
    throw invalidParameter(`Invalid model name ('${name}') provided. Model name must be a non-empty string and cannot contain the following prohibited characters: '/', ':', '.', '%', '"' and "'".`);
  }
}

/** Checks `max_results` of a search: an integer in 1..limit. */
export function validateMaxResults(maxResults: number, limit: number = LIMITS.searchMaxResults): void {
  if (!Number.isSafeInteger(maxResults) || maxResults < 1 || maxResults > limit) {
    throw invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer at most ${limit}.`);
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
