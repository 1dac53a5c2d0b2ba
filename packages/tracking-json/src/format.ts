import * as v from 'valibot';
import {
  TrackingError, joinArtifactUri,
  type DatasetInput, type LifecycleStage, type LoggedModelStatus, type RunStatus, type Tag,
} from '@mlproject/tracking';
import { describeIssue, storeSchema } from './schema.js';

/** The value of the `format` field that marks a file as an mlproject JSON tracking store. */
export const FORMAT = 'mlproject-tracking-json';
/** The format version this code writes; a file with a higher `version` is refused. */
export const FORMAT_VERSION = 1;

/**
 * A metric value as stored: JSON has no NaN or ±Infinity, so those are the strings `"NaN"`,
 * `"Infinity"` and `"-Infinity"`; every other value is a JSON number.
 */
export type StoredValue = number | 'NaN' | 'Infinity' | '-Infinity';

/** One metric point. Optional fields are absent rather than empty. Times are epoch ms. */
export interface StoredPoint {
  value: StoredValue;
  timestamp: number;
  step: number;
  modelId?: string;
  datasetName?: string;
  datasetDigest?: string;
}

/** Every point of one metric key of a run, in arrival order, and the latest by (step, timestamp, value). */
export interface StoredHistory {
  key: string;
  latest: StoredPoint;
  points: StoredPoint[];
}

export interface StoredExperiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  creationTime: number;
  lastUpdateTime: number;
  tags: Tag[];
}

export interface StoredRun {
  runId: string;
  experimentId: string;
  runName: string;
  userId: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  artifactUri: string;
  lifecycleStage: LifecycleStage;
  deletedTime: number | null;
  params: Tag[];
  tags: Tag[];
  metrics: StoredHistory[];
  datasetInputs: DatasetInput[];
  modelInputs: { modelId: string }[];
  modelOutputs: { modelId: string; step: number }[];
}

/** A metric point of a logged model; `runId`, `datasetName`, `datasetDigest` are `''` when unknown. */
export interface StoredModelMetric {
  key: string;
  value: StoredValue;
  timestamp: number;
  step: number;
  runId: string;
  datasetName: string;
  datasetDigest: string;
}

export interface StoredLoggedModel {
  modelId: string;
  experimentId: string;
  name: string;
  artifactUri: string;
  status: LoggedModelStatus;
  creationTimestampMs: number;
  lastUpdatedTimestampMs: number;
  modelType: string | null;
  sourceRunId: string | null;
  lifecycleStage: LifecycleStage;
  tags: Tag[];
  params: Tag[];
  metrics: StoredModelMetric[];
}

/**
 * The whole store, as it is in the file. Experiments, runs and models are keyed by their IDs;
 * experiment IDs are increasing integers, never reused (`nextExperimentId`).
 */
export interface StoreData {
  format: typeof FORMAT;
  version: number;
  nextExperimentId: number;
  experiments: Record<string, StoredExperiment>;
  runs: Record<string, StoredRun>;
  loggedModels: Record<string, StoredLoggedModel>;
}

/** `value` as stored: NaN and ±Infinity become strings. */
export function encodeValue(value: number): StoredValue {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/** A stored value back as a number. */
export function decodeValue(value: StoredValue): number {
  return typeof value === 'number' ? value : Number(value);
}

/** A new store holding experiment "0" named "Default" at `<root>/0`. */
export function emptyData(defaultArtifactRoot: string, now: number): StoreData {
  return {
    format: FORMAT,
    version: FORMAT_VERSION,
    nextExperimentId: 1,
    experiments: {
      0: {
        experimentId: '0', name: 'Default', artifactLocation: joinArtifactUri(defaultArtifactRoot, '0'),
        lifecycleStage: 'active', creationTime: now, lastUpdateTime: now, tags: [],
      },
    },
    runs: {},
    loggedModels: {},
  };
}

/** The record entry for `id`, only when it is the record's own (so `__proto__` is never found). */
export function own<T>(record: Record<string, T>, id: string): T | undefined {
  return Object.hasOwn(record, id) ? record[id] : undefined;
}

function refuse(path: string, what: string, hint: string): TrackingError {
  return new TrackingError('INVALID_PARAMETER_VALUE', `Cannot use '${path}' as an mlproject JSON tracking store: ${what}. ${hint}`);
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Checks that `parsed` (the file's JSON) is a store this code can use: the `format` mark, a
 * `version` no newer than {@link FORMAT_VERSION}, then the shape of every experiment, run and
 * logged model ({@link storeSchema}). `parsed` itself is returned, unchanged.
 * @throws TrackingError INVALID_PARAMETER_VALUE naming the file and what is wrong: for a damaged
 *   file, the first bad key path (`runs.<id>.params is not a list (found null)`).
 */
export function checkData(parsed: unknown, path: string): StoreData {
  if (!isRecord(parsed) || parsed['format'] !== FORMAT) {
    throw refuse(path, `it is JSON but not an mlproject JSON store (no "format": "${FORMAT}" field)`,
      'Point the tracking URI at a new file or an existing mlproject JSON store.');
  }
  const version = parsed['version'];
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw refuse(path, `its "version" is ${JSON.stringify(version)}, not a positive integer`, 'The file is damaged; restore it from a copy.');
  }
  if (version > FORMAT_VERSION) {
    throw refuse(path, `its format version ${version} is newer than this mlproject understands (${FORMAT_VERSION})`, 'Upgrade mlproject.');
  }
  const checked = v.safeParse(storeSchema, parsed);
  if (!checked.success) {
    throw refuse(path, `it is damaged: ${describeIssue(checked.issues[0])}`, 'Restore it from a copy.');
  }
  return parsed as unknown as StoreData;
}
