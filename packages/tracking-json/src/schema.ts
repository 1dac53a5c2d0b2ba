// The shape of a JSON store file (format.ts's StoreData) as valibot schemas, so a file damaged by
// hand or by another tool is refused when it is read, naming the first bad key path, instead of
// failing later inside a store method. Objects are loose: keys this version does not know are kept.
import * as v from 'valibot';
import { RUN_STATUSES, type LoggedModelStatus } from '@mlproject/tracking';

const LOGGED_MODEL_STATUSES: readonly LoggedModelStatus[] = [
  'LOGGED_MODEL_STATUS_UNSPECIFIED', 'LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED',
];
const int = v.pipe(v.number(), v.safeInteger());
const nullableInt = v.nullable(int);
const lifecycleStage = v.picklist(['active', 'deleted']);
const tags = v.array(v.looseObject({ key: v.string(), value: v.string() }));
const storedValue = v.union([v.number(), v.picklist(['NaN', 'Infinity', '-Infinity'])]);

const point = v.looseObject({
  value: storedValue,
  timestamp: int,
  step: int,
  modelId: v.optional(v.string()),
  datasetName: v.optional(v.string()),
  datasetDigest: v.optional(v.string()),
});

const experiment = v.looseObject({
  experimentId: v.string(),
  name: v.string(),
  artifactLocation: v.string(),
  lifecycleStage,
  creationTime: int,
  lastUpdateTime: int,
  tags,
});

const datasetInput = v.looseObject({
  tags,
  dataset: v.looseObject({
    name: v.string(), digest: v.string(), sourceType: v.string(), source: v.string(),
    schema: v.optional(v.string()), profile: v.optional(v.string()),
  }),
});

const run = v.looseObject({
  runId: v.string(),
  experimentId: v.string(),
  runName: v.string(),
  userId: v.string(),
  status: v.picklist(RUN_STATUSES),
  startTime: int,
  endTime: nullableInt,
  artifactUri: v.string(),
  lifecycleStage,
  deletedTime: nullableInt,
  params: tags,
  tags,
  metrics: v.array(v.looseObject({ key: v.string(), latest: point, points: v.array(point) })),
  datasetInputs: v.array(datasetInput),
  modelInputs: v.array(v.looseObject({ modelId: v.string() })),
  modelOutputs: v.array(v.looseObject({ modelId: v.string(), step: int })),
});

const loggedModel = v.looseObject({
  modelId: v.string(),
  experimentId: v.string(),
  name: v.string(),
  artifactUri: v.string(),
  status: v.picklist(LOGGED_MODEL_STATUSES),
  creationTimestampMs: int,
  lastUpdatedTimestampMs: int,
  modelType: v.nullable(v.string()),
  sourceRunId: v.nullable(v.string()),
  lifecycleStage,
  tags,
  params: tags,
  metrics: v.array(v.looseObject({
    key: v.string(), value: storedValue, timestamp: int, step: int,
    runId: v.string(), datasetName: v.string(), datasetDigest: v.string(),
  })),
});

/** An object keyed by ID (valibot's `record` alone takes an array too). */
function recordOf<T extends v.GenericSchema>(item: T) {
  const plain = v.custom<Record<string, unknown>>((x) => typeof x === 'object' && x !== null && !Array.isArray(x));
  return v.pipe(plain, v.record(v.string(), item));
}

/** A whole store file of format version 1 (the `format` and `version` marks are checked before). */
export const storeSchema = v.looseObject({
  nextExperimentId: int,
  experiments: recordOf(experiment),
  runs: recordOf(run),
  loggedModels: recordOf(loggedModel),
});

const WHAT: Record<string, string> = {
  array: 'a list', custom: 'an object', object: 'an object', loose_object: 'an object', record: 'an object', string: 'a string',
  number: 'a number', safe_integer: 'an integer', nullable: 'an integer or null', picklist: 'one of',
  union: 'a number or "NaN", "Infinity", "-Infinity"',
};

/**
 * The first problem valibot found, as `<key path> <what is wrong>`:
 * `runs.<id>.params is not a list (found null)`, `runs.<id>.startTime is missing`.
 */
export function describeIssue(issue: v.BaseIssue<unknown>): string {
  const where = (issue.path ?? []).map((item) => String(item.key)).join('.') || '(top level)';
  if (issue.received === 'undefined') return `${where} is missing`;
  const what = WHAT[issue.type];
  if (issue.type === 'picklist') return `${where} is not one of ${issue.expected ?? ''} (found ${issue.received})`;
  return `${where} is not ${what ?? issue.expected ?? issue.type} (found ${issue.received})`;
}
