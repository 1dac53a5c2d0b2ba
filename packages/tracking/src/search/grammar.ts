/**
 * The vocabulary of MLflow's search grammar per searched thing: which entity words exist, which
 * attribute keys, and their types. Mirrors `mlflow/utils/search_utils.py` (`SearchUtils`,
 * `SearchExperimentsUtils`, `SearchLoggedModelsUtils`).
 */

/** What is being searched. */
export type SearchKind = 'runs' | 'experiments' | 'logged_models';

/** The entity a search identifier names. */
export type SearchEntity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

export type SearchComparator =
  | '=' | '!=' | '<' | '<=' | '>' | '>='
  | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN' | 'IS NULL' | 'IS NOT NULL';

export const NUMERIC_COMPARATORS: readonly SearchComparator[] = ['=', '!=', '<', '<=', '>', '>='];
export const STRING_COMPARATORS: readonly SearchComparator[] = ['=', '!=', 'LIKE', 'ILIKE'];

const RUN_ENTITIES: Record<string, SearchEntity> = {
  metric: 'metric', metrics: 'metric',
  param: 'param', params: 'param', parameter: 'param', parameters: 'param',
  tag: 'tag', tags: 'tag',
  attribute: 'attribute', attributes: 'attribute', attr: 'attribute', run: 'attribute',
  dataset: 'dataset', datasets: 'dataset',
};

const ENTITY_WORDS: Record<SearchKind, Record<string, SearchEntity>> = {
  runs: RUN_ENTITIES,
  // `attributes` (with an s) is rejected for experiments, as in MLflow.
  experiments: { attribute: 'attribute', tag: 'tag', tags: 'tag' },
  logged_models: {
    metric: 'metric', metrics: 'metric', param: 'param', params: 'param',
    tag: 'tag', tags: 'tag', attribute: 'attribute', attributes: 'attribute',
  },
};

interface AttributeSpec {
  /** Canonical key. */
  key: string;
  type: 'string' | 'number';
  /** Accepts IN / NOT IN with a list (runs: only `run_id`). */
  list?: boolean;
  /** Usable in order_by only (e.g. experiment_id of experiments). */
  orderOnly?: boolean;
}

function specs(entries: [string[], AttributeSpec][]): Map<string, AttributeSpec> {
  const map = new Map<string, AttributeSpec>();
  for (const [names, spec] of entries) for (const name of names) map.set(name, spec);
  return map;
}

const ATTRIBUTES: Record<SearchKind, Map<string, AttributeSpec>> = {
  runs: specs([
    [['run_id'], { key: 'run_id', type: 'string', list: true }],
    [['run_name', 'run name', 'Run name', 'Run Name'], { key: 'run_name', type: 'string' }],
    [['status'], { key: 'status', type: 'string' }],
    [['user_id'], { key: 'user_id', type: 'string' }],
    [['artifact_uri'], { key: 'artifact_uri', type: 'string' }],
    [['start_time', 'created', 'Created'], { key: 'start_time', type: 'number' }],
    [['end_time'], { key: 'end_time', type: 'number' }],
  ]),
  experiments: specs([
    [['name'], { key: 'name', type: 'string' }],
    [['creation_time'], { key: 'creation_time', type: 'number' }],
    [['last_update_time'], { key: 'last_update_time', type: 'number' }],
    [['experiment_id'], { key: 'experiment_id', type: 'number', orderOnly: true }],
  ]),
  logged_models: specs([
    [['name'], { key: 'name', type: 'string' }],
    [['model_id'], { key: 'model_id', type: 'string' }],
    [['model_type'], { key: 'model_type', type: 'string' }],
    [['status'], { key: 'status', type: 'string' }],
    [['source_run_id'], { key: 'source_run_id', type: 'string' }],
    [['creation_timestamp', 'creation_time'], { key: 'creation_timestamp', type: 'number' }],
    [['last_updated_timestamp', 'last_updated_time'], { key: 'last_updated_timestamp', type: 'number' }],
  ]),
};

const DATASET_KEYS = new Set(['name', 'digest', 'context']);

/** The entity an entity word names for this kind of search, or undefined if the word is not allowed. */
export function entityOf(kind: SearchKind, word: string): SearchEntity | undefined {
  return ENTITY_WORDS[kind][word.toLowerCase()];
}

/** The attribute spec for a key (any alias), or undefined if it is not searchable for this kind. */
export function attributeOf(kind: SearchKind, key: string): AttributeSpec | undefined {
  return ATTRIBUTES[kind].get(key);
}

/** Attribute keys accepted for this kind, for error messages. */
export function attributeNames(kind: SearchKind, forOrderBy: boolean): string[] {
  const names = new Set<string>();
  for (const spec of ATTRIBUTES[kind].values()) if (forOrderBy || !spec.orderOnly) names.add(spec.key);
  return [...names];
}

/** Whether `key` is a searchable dataset field (`name`, `digest`, `context`). */
export function isDatasetKey(key: string): boolean {
  return DATASET_KEYS.has(key);
}
