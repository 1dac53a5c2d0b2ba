import {
  decodePageToken, experimentIdOf, matchesComparison, pageOf, parseOrderBy, parseSearchFilter, validateMaxResults,
  type Experiment, type LoggedModel, type Page, type Run, type SearchComparison, type SearchEntity,
  type SearchExperimentsRequest, type SearchLoggedModelsRequest, type SearchRunsRequest, type Tag, type ViewType,
} from '@mlproject/tracking';
import { toExperiment, toLoggedModel, toRun } from './convert.js';
import { decodeValue, type StoreData, type StoredExperiment, type StoredLoggedModel, type StoredRun } from './format.js';
import { isLater } from './logging.js';

/**
 * Search in memory: the shared parser (`parseSearchFilter`, `parseOrderBy`) and comparison
 * (`matchesComparison`) of `@mlproject/tracking`, with the SQLite store's order rules: missing values
 * last whatever the direction, NaN metrics after numbers, then each kind's default order.
 */

type Value = string | number | null | undefined;
/** The value of `entity.key` for one searched item. */
type Lookup<T> = (item: T, entity: SearchEntity, key: string) => Value;
/** A sort term: negative when `a` comes first. */
type Term<T> = (a: T, b: T) => number;

const tagOf = (list: Tag[], key: string): string | undefined => list.find((t) => t.key === key)?.value;

function inStage(stage: string, viewType: ViewType | undefined): boolean {
  if (viewType === 'ALL') return true;
  return stage === (viewType === 'DELETED_ONLY' ? 'deleted' : 'active');
}

/** Missing (undefined/null) values last, then NaN, then the rest in the asked direction. */
function compareValues(a: Value, b: Value, ascending: boolean): number {
  const rank = (v: Value): number => (v === undefined || v === null ? 2 : typeof v === 'number' && Number.isNaN(v) ? 1 : 0);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb || ra !== 0) return ra - rb;
  const order = (a as string | number) < (b as string | number) ? -1 : (a as string | number) > (b as string | number) ? 1 : 0;
  return ascending ? order : -order;
}

function sortAndPage<T, R>(items: T[], terms: Term<T>[], request: { maxResults?: number; pageToken?: string }, defaultMax: number, map: (item: T) => R): Page<R> {
  const max = request.maxResults ?? defaultMax;
  validateMaxResults(max);
  const offset = decodePageToken(request.pageToken);
  items.sort((a, b) => {
    for (const term of terms) {
      const c = term(a, b);
      if (c !== 0) return c;
    }
    return 0;
  });
  return pageOf(items.slice(offset, offset + max + 1).map(map), offset, max);
}

const matchesAll = <T>(item: T, comparisons: SearchComparison[], lookup: Lookup<T>): boolean =>
  comparisons.every((c) => matchesComparison(c, lookup(item, c.entity, c.key)));

const RUN_ATTRIBUTES: Record<string, (r: StoredRun) => Value> = {
  run_id: (r) => r.runId, run_name: (r) => r.runName, status: (r) => r.status, user_id: (r) => r.userId,
  artifact_uri: (r) => r.artifactUri, start_time: (r) => r.startTime, end_time: (r) => r.endTime,
};

const runLookup: Lookup<StoredRun> = (run, entity, key) => {
  switch (entity) {
    case 'metric': {
      const latest = run.metrics.find((h) => h.key === key)?.latest;
      return latest === undefined ? undefined : decodeValue(latest.value);
    }
    case 'param': return tagOf(run.params, key);
    case 'tag': return tagOf(run.tags, key);
    default: return RUN_ATTRIBUTES[key]?.(run);
  }
};

/** A dataset comparison matches when any of the run's dataset inputs matches. */
function datasetMatches(run: StoredRun, c: SearchComparison): boolean {
  return run.datasetInputs.some(({ dataset, tags }) => {
    const actual = c.key === 'context' ? tagOf(tags, 'mlflow.data.context') : c.key === 'name' ? dataset.name : dataset.digest;
    return matchesComparison(c, actual);
  });
}

/**
 * As `SqlAlchemyStore._search_runs`: filter, order_by, then `start_time DESC` unless ordered by it,
 * then `run_id ASC`; offset page tokens; at most 1000 per page by default.
 * @throws TrackingError INVALID_PARAMETER_VALUE for a bad filter, order_by, token, experiment ID or max_results.
 */
export function searchRuns(data: StoreData, request: SearchRunsRequest): Page<Run> {
  const experimentIds = new Set(request.experimentIds.map((id) => String(experimentIdOf(id))));
  const comparisons = parseSearchFilter(request.filter, 'runs');
  const orders = parseOrderBy(request.orderBy, 'runs');
  const runs = Object.values(data.runs).filter((run) => experimentIds.has(run.experimentId)
    && inStage(run.lifecycleStage, request.viewType)
    && comparisons.every((c) => (c.entity === 'dataset' ? datasetMatches(run, c) : matchesComparison(c, runLookup(run, c.entity, c.key)))));
  const terms: Term<StoredRun>[] = orders.map((o) => (a, b) => compareValues(runLookup(a, o.entity, o.key), runLookup(b, o.entity, o.key), o.ascending));
  if (!orders.some((o) => o.entity === 'attribute' && o.key === 'start_time')) terms.push((a, b) => b.startTime - a.startTime);
  terms.push((a, b) => compareValues(a.runId, b.runId, true));
  return sortAndPage(runs, terms, request, 1000, toRun);
}

const experimentLookup: Lookup<StoredExperiment> = (e, entity, key) => {
  if (entity === 'tag') return tagOf(e.tags, key);
  switch (key) {
    case 'name': return e.name;
    case 'creation_time': return e.creationTime;
    case 'last_update_time': return e.lastUpdateTime;
    case 'experiment_id': return Number(e.experimentId);
    default: return undefined;
  }
};

/**
 * As `SqlAlchemyStore.search_experiments`: default order `creation_time DESC, experiment_id ASC`;
 * with an order_by that does not name experiment_id, `experiment_id DESC` breaks ties.
 * @throws TrackingError INVALID_PARAMETER_VALUE for a bad filter, order_by, token or max_results.
 */
export function searchExperiments(data: StoreData, request: SearchExperimentsRequest): Page<Experiment> {
  const comparisons = parseSearchFilter(request.filter, 'experiments');
  const orders = parseOrderBy(request.orderBy, 'experiments');
  const experiments = Object.values(data.experiments)
    .filter((e) => inStage(e.lifecycleStage, request.viewType) && matchesAll(e, comparisons, experimentLookup));
  const terms: Term<StoredExperiment>[] = orders.map((o) => (a, b) => compareValues(experimentLookup(a, o.entity, o.key), experimentLookup(b, o.entity, o.key), o.ascending));
  const byId = (ascending: boolean): Term<StoredExperiment> => (a, b) => compareValues(Number(a.experimentId), Number(b.experimentId), ascending);
  if (orders.length === 0) terms.push((a, b) => b.creationTime - a.creationTime, byId(true));
  else if (!orders.some((o) => o.key === 'experiment_id')) terms.push(byId(false));
  return sortAndPage(experiments, terms, request, 1000, toExperiment);
}

const MODEL_ATTRIBUTES: Record<string, (m: StoredLoggedModel) => Value> = {
  name: (m) => m.name, model_id: (m) => m.modelId, model_type: (m) => m.modelType, status: (m) => m.status,
  source_run_id: (m) => m.sourceRunId, creation_timestamp: (m) => m.creationTimestampMs,
  last_updated_timestamp: (m) => m.lastUpdatedTimestampMs,
};

const modelLookup: Lookup<StoredLoggedModel> = (model, entity, key) => {
  switch (entity) {
    case 'metric': {
      let latest: StoredLoggedModel['metrics'][number] | undefined;
      for (const m of model.metrics) if (m.key === key && (latest === undefined || isLater(m, latest))) latest = m;
      return latest === undefined ? undefined : decodeValue(latest.value);
    }
    case 'param': return tagOf(model.params, key);
    case 'tag': return tagOf(model.tags, key);
    default: return MODEL_ATTRIBUTES[key]?.(model);
  }
};

/**
 * As `SqlAlchemyStore.search_logged_models` (active models only): order_by fields, then
 * `creation_timestamp DESC, model_id ASC`; 100 per page by default.
 * @throws TrackingError INVALID_PARAMETER_VALUE for a bad filter, order_by field, token, experiment ID or max_results.
 */
export function searchLoggedModels(data: StoreData, request: SearchLoggedModelsRequest): Page<LoggedModel> {
  const experimentIds = new Set(request.experimentIds.map((id) => String(experimentIdOf(id))));
  const comparisons = parseSearchFilter(request.filter, 'logged_models');
  const terms: Term<StoredLoggedModel>[] = [];
  for (const field of request.orderBy ?? []) {
    const [order] = parseOrderBy([field.fieldName], 'logged_models');
    if (order === undefined) continue;
    const ascending = field.ascending ?? true;
    terms.push((a, b) => compareValues(modelLookup(a, order.entity, order.key), modelLookup(b, order.entity, order.key), ascending));
  }
  terms.push((a, b) => b.creationTimestampMs - a.creationTimestampMs, (a, b) => compareValues(a.modelId, b.modelId, true));
  const models = Object.values(data.loggedModels).filter((m) => experimentIds.has(m.experimentId)
    && m.lifecycleStage === 'active' && matchesAll(m, comparisons, modelLookup));
  return sortAndPage(models, terms, request, 100, toLoggedModel);
}
