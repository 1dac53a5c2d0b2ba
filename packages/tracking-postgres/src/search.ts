import {
  decodePageToken, experimentIdOf, pageOf, parseOrderBy, parseSearchFilter, validateMaxResults,
  type Experiment, type LoggedModel, type Page, type Run, type SearchComparison, type SearchExperimentsRequest,
  type SearchLoggedModelsRequest, type SearchOrder, type SearchRunsRequest, type ViewType,
} from '@mlproject/tracking';
import { Args, type Ctx } from './db.js';
import { loadExperiments, loadLoggedModels, loadRuns, type ExperimentRow, type LoggedModelRow, type RunRow } from './rows.js';
import { and, columnOrder, compareExpr, keyedCondition, keyedOrder, metricCondition, metricOrder, type KeyedTable } from './search-sql.js';

function stageCondition(args: Args, alias: string, viewType: ViewType | undefined): string {
  if (viewType === 'ALL') return 'true';
  return `${alias}.lifecycle_stage = ${args.add(viewType === 'DELETED_ONLY' ? 'deleted' : 'active', 'text')}`;
}

/** One page of `SELECT * FROM <from> WHERE <where> ORDER BY <order>`, fetching one extra row to know whether another page follows. */
async function page<R extends object, T>(ctx: Ctx, from: string, where: string, order: string[], args: Args, offset: number, max: number,
  load: (rows: R[]) => Promise<T[]>): Promise<Page<T>> {
  const sql = `SELECT * FROM ${from} WHERE ${where} ORDER BY ${order.join(', ')} LIMIT ${args.add(max + 1, 'int8')} OFFSET ${args.add(offset, 'int8')}`;
  const { rows } = await ctx.pool.query<R & Record<string, unknown>>(sql, args.values);
  return pageOf(await load(rows), offset, max);
}

const RUN_COLUMNS: Record<string, [string, 'text' | 'float8']> = {
  run_id: ['r.run_id', 'text'], run_name: ['r.name', 'text'], status: ['r.status', 'text'], user_id: ['r.user_id', 'text'],
  artifact_uri: ['r.artifact_uri', 'text'], start_time: ['r.start_time', 'float8'], end_time: ['r.end_time', 'float8'],
};
const DATASET_COLUMNS: Record<string, string> = { name: 'd.name', digest: 'd.digest', context: 'd.context' };
const RUN_PARAMS: KeyedTable = { table: 'params', fk: 'run_id', owner: 'r.run_id' };
const RUN_TAGS: KeyedTable = { table: 'tags', fk: 'run_id', owner: 'r.run_id' };
const runLatest = (key: string): string => `(SELECT lm.value FROM latest_metrics lm WHERE lm.run_id = r.run_id AND lm.key = ${key})`;

function runCondition(args: Args, cmp: SearchComparison): string {
  switch (cmp.entity) {
    case 'metric': return metricCondition(args, runLatest(args.add(cmp.key, 'text')), cmp);
    case 'param': return keyedCondition(args, RUN_PARAMS, cmp);
    case 'tag': return keyedCondition(args, RUN_TAGS, cmp);
    case 'dataset':
      return `EXISTS (SELECT 1 FROM run_dataset_inputs d WHERE d.run_id = r.run_id AND ${compareExpr(args, DATASET_COLUMNS[cmp.key] ?? 'NULL', cmp)})`;
    case 'attribute': {
      const [column, type] = RUN_COLUMNS[cmp.key] ?? ['NULL', 'text'];
      return compareExpr(args, column, cmp, type);
    }
  }
}

function runOrder(args: Args, order: SearchOrder): string {
  switch (order.entity) {
    case 'metric': return metricOrder(args, runLatest, order);
    case 'param': return keyedOrder(args, RUN_PARAMS, order);
    case 'tag': return keyedOrder(args, RUN_TAGS, order);
    default: return columnOrder(RUN_COLUMNS[order.key]?.[0] ?? 'NULL', order.ascending);
  }
}

/**
 * As `SqlAlchemyStore._search_runs`: filter (AND-only grammar), order_by (missing values last),
 * then `start_time DESC` unless ordered by it, then `run_id ASC`; offset page tokens; 1000 per page by default.
 * @throws TrackingError INVALID_PARAMETER_VALUE for a bad filter, order_by, token, experiment ID or max_results (1..50000).
 */
export async function searchRuns(ctx: Ctx, request: SearchRunsRequest): Promise<Page<Run>> {
  const max = request.maxResults ?? 1000;
  validateMaxResults(max);
  const offset = decodePageToken(request.pageToken);
  const comparisons = parseSearchFilter(request.filter, 'runs');
  const orders = parseOrderBy(request.orderBy, 'runs');
  const args = new Args();
  const experimentIds = request.experimentIds.map(experimentIdOf);
  const where = and([`r.experiment_id = ANY(${args.add(experimentIds, 'int[]')})`, stageCondition(args, 'r', request.viewType),
    ...comparisons.map((c) => runCondition(args, c))]);
  const terms = orders.map((o) => runOrder(args, o));
  if (!orders.some((o) => o.entity === 'attribute' && o.key === 'start_time')) terms.push('r.start_time DESC');
  terms.push('r.run_id ASC');
  return page<RunRow, Run>(ctx, 'runs r', where, terms, args, offset, max, (rows) => loadRuns(ctx.pool, rows));
}

const EXPERIMENT_COLUMNS: Record<string, [string, 'text' | 'float8']> = {
  name: ['e.name', 'text'], creation_time: ['e.creation_time', 'float8'], last_update_time: ['e.last_update_time', 'float8'],
  experiment_id: ['e.experiment_id', 'float8'],
};
const EXPERIMENT_TAGS: KeyedTable = { table: 'experiment_tags', fk: 'experiment_id', owner: 'e.experiment_id' };

/**
 * As `SqlAlchemyStore.search_experiments`: default order `creation_time DESC, experiment_id ASC`;
 * with an order_by that does not name experiment_id, `experiment_id DESC` breaks ties.
 * @throws TrackingError INVALID_PARAMETER_VALUE for a bad filter, order_by, token or max_results.
 */
export async function searchExperiments(ctx: Ctx, request: SearchExperimentsRequest): Promise<Page<Experiment>> {
  const max = request.maxResults ?? 1000;
  validateMaxResults(max);
  const offset = decodePageToken(request.pageToken);
  const comparisons = parseSearchFilter(request.filter, 'experiments');
  const orders = parseOrderBy(request.orderBy, 'experiments');
  const args = new Args();
  const conditions = comparisons.map((cmp) => {
    if (cmp.entity === 'tag') return keyedCondition(args, EXPERIMENT_TAGS, cmp);
    const [column, type] = EXPERIMENT_COLUMNS[cmp.key] ?? ['NULL', 'text'];
    return compareExpr(args, column, cmp, type);
  });
  const terms = orders.map((o) => columnOrder(EXPERIMENT_COLUMNS[o.key]?.[0] ?? 'NULL', o.ascending));
  if (orders.length === 0) terms.push('e.creation_time DESC', 'e.experiment_id ASC');
  else if (!orders.some((o) => o.key === 'experiment_id')) terms.push('e.experiment_id DESC');
  const where = and([stageCondition(args, 'e', request.viewType), ...conditions]);
  return page<ExperimentRow, Experiment>(ctx, 'experiments e', where, terms, args, offset, max, (rows) => loadExperiments(ctx.pool, rows));
}

const MODEL_COLUMNS: Record<string, [string, 'text' | 'float8']> = {
  name: ['m.name', 'text'], model_id: ['m.model_id', 'text'], model_type: ['m.model_type', 'text'], status: ['m.status', 'text'],
  source_run_id: ['m.source_run_id', 'text'], creation_timestamp: ['m.creation_timestamp', 'float8'],
  last_updated_timestamp: ['m.last_updated_timestamp', 'float8'],
};
const MODEL_PARAMS: KeyedTable = { table: 'logged_model_params', fk: 'model_id', owner: 'm.model_id' };
const MODEL_TAGS: KeyedTable = { table: 'logged_model_tags', fk: 'model_id', owner: 'm.model_id' };
// The model's latest point of a metric: largest step, then timestamp, then value (a number before NaN).
const modelLatest = (key: string): string =>
  `(SELECT x.value FROM logged_model_metrics x WHERE x.model_id = m.model_id AND x.key = ${key}
    ORDER BY x.step DESC, x.timestamp DESC, x.value = 'NaN'::float8, x.value DESC LIMIT 1)`;

function modelCondition(args: Args, cmp: SearchComparison): string {
  switch (cmp.entity) {
    case 'metric': return metricCondition(args, modelLatest(args.add(cmp.key, 'text')), cmp);
    case 'param': return keyedCondition(args, MODEL_PARAMS, cmp);
    case 'tag': return keyedCondition(args, MODEL_TAGS, cmp);
    default: {
      const [column, type] = MODEL_COLUMNS[cmp.key] ?? ['NULL', 'text'];
      return compareExpr(args, column, cmp, type);
    }
  }
}

function modelOrder(args: Args, field: { fieldName: string; ascending?: boolean }): string | undefined {
  const [parsed] = parseOrderBy([field.fieldName], 'logged_models');
  if (parsed === undefined) return undefined;
  const o = { ...parsed, ascending: field.ascending ?? true };
  if (o.entity === 'metric') return metricOrder(args, modelLatest, o);
  if (o.entity === 'param') return keyedOrder(args, MODEL_PARAMS, o);
  if (o.entity === 'tag') return keyedOrder(args, MODEL_TAGS, o);
  return columnOrder(MODEL_COLUMNS[o.key]?.[0] ?? 'NULL', o.ascending);
}

/**
 * As `SqlAlchemyStore.search_logged_models` (active models only): default order
 * `creation_timestamp DESC, model_id ASC`, default page size 100.
 * @throws TrackingError INVALID_PARAMETER_VALUE for a bad filter, order_by field, token or max_results.
 */
export async function searchLoggedModels(ctx: Ctx, request: SearchLoggedModelsRequest): Promise<Page<LoggedModel>> {
  const max = request.maxResults ?? 100;
  validateMaxResults(max);
  const offset = decodePageToken(request.pageToken);
  const comparisons = parseSearchFilter(request.filter, 'logged_models');
  const args = new Args();
  const experimentIds = request.experimentIds.map(experimentIdOf);
  const conditions = comparisons.map((c) => modelCondition(args, c));
  const terms = (request.orderBy ?? []).flatMap((field) => modelOrder(args, field) ?? []);
  terms.push('m.creation_timestamp DESC', 'm.model_id ASC');
  const where = and([`m.experiment_id = ANY(${args.add(experimentIds, 'int[]')})`, "m.lifecycle_stage = 'active'", ...conditions]);
  return page<LoggedModelRow, LoggedModel>(ctx, 'logged_models m', where, terms, args, offset, max, (rows) => loadLoggedModels(ctx.pool, rows));
}
