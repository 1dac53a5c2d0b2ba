import { randomBytes, randomInt } from 'node:crypto';
import { invalidParameter } from './validation.js';

/**
 * A new run ID: 32 lowercase hex characters, as MLflow's `uuid.uuid4().hex`
 * (`mlflow/store/tracking/sqlalchemy_store.py::create_run`).
 */
export function newRunId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * A new logged-model ID: `m-` + 32 lowercase hex characters, as
 * `mlflow/entities/logged_model.py` / `SqlAlchemyStore.create_logged_model`.
 */
export function newLoggedModelId(): string {
  return `m-${randomBytes(16).toString('hex')}`;
}

// Short lowercase words so that `<adjective>-<noun>-<0..999>` stays within 20 characters,
// like MLflow's `mlflow/utils/name_utils.py::_generate_random_name`.
const ADJECTIVES = [
  'able', 'agile', 'amazing', 'bold', 'brave', 'bright', 'calm', 'casual', 'clean', 'clever',
  'crisp', 'dapper', 'defiant', 'eager', 'exotic', 'fair', 'fun', 'gentle', 'glad', 'grand',
  'handy', 'honest', 'humble', 'kind', 'lively', 'loud', 'lucky', 'merry', 'nimble', 'noble',
  'polite', 'proud', 'quick', 'quiet', 'rare', 'rich', 'royal', 'shy', 'silent', 'smooth',
  'sneaky', 'spry', 'stately', 'sunny', 'swift', 'tidy', 'vast', 'warm', 'wise', 'zesty',
] as const;
const NOUNS = [
  'ant', 'ape', 'bass', 'bat', 'bear', 'bee', 'bird', 'boar', 'cat', 'colt', 'crab', 'crow',
  'cub', 'deer', 'doe', 'dog', 'dove', 'duck', 'eel', 'elk', 'finch', 'fish', 'fly', 'foal',
  'fox', 'frog', 'goat', 'gull', 'hare', 'hawk', 'hen', 'horse', 'jay', 'koi', 'lamb', 'lark',
  'mole', 'moth', 'mule', 'newt', 'owl', 'ox', 'panda', 'pig', 'ram', 'seal', 'shrew', 'slug',
  'snail', 'squid', 'stag', 'swan', 'toad', 'trout', 'whale', 'wolf', 'worm', 'yak',
] as const;

/**
 * A random run or logged-model name `<adjective>-<noun>-<0..999>`, lowercase, at most 20
 * characters (e.g. `bold-owl-417`), as `mlflow/utils/name_utils.py::_generate_random_name`.
 */
export function randomName(): string {
  const adjective = ADJECTIVES[randomInt(ADJECTIVES.length)] ?? 'able';
  const noun = NOUNS[randomInt(NOUNS.length)] ?? 'ant';
  return `${adjective}-${noun}-${randomInt(1000)}`;
}

/** Joins an artifact location and a relative path with exactly one `/` between them. */
export function joinArtifactUri(base: string, ...parts: string[]): string {
  let out = base;
  for (const part of parts) {
    out = out.endsWith('/') ? out + part : `${out}/${part}`;
  }
  return out;
}

/**
 * Parses an experiment ID: a non-negative integer of at most 15 digits, as a string (MLflow's SQL
 * store uses integer IDs; so do the stores here).
 * @throws TrackingError INVALID_PARAMETER_VALUE otherwise.
 */
export function experimentIdOf(experimentId: string): number {
  if (!/^\d{1,15}$/.test(String(experimentId))) {
    throw invalidParameter(`Invalid experiment ID '${experimentId}': experiment IDs of this store are integers.`);
  }
  return Number(experimentId);
}
