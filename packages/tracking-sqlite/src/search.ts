import {
  decodePageToken, experimentIdOf, pageOf, parseOrderBy, parseSearchFilter, validateMaxResults,
  type Experiment, type LoggedModel, type Page, type Run, type SearchComparison, type SearchExperimentsRequest,
  type SearchLoggedModelsRequest, type SearchOrder, type SearchRunsRequest, type ViewType,
} from '@mlproject/tracking';
import type { Ctx } from './context.js';
import { toExperiment, toLoggedModel, toRun, type ExperimentRow, type LoggedModelRow, type RunRow } from './rows.js';
import {
  and, columnOrder, compareExpr, keyedCondition, keyedOrder, metricOrder, nanAware, orderList, type KeyedTable, type Sql,
} from './search-sql.js';

function stageCondition(alias: string, viewType: ViewType | undefined): Sql {
  if (viewType === 'ALL') return { sql: '1', args: [] };
  return { sql: `${alias}.lifecycle_stage = ?`, args: [viewType === 'DELETED_ONLY' ? 'deleted' : 'active'] };
}

function idList(column: string, ids: string[]): Sql {
  if (ids.length === 0) return { sql: '0', args: [] };
  return { sql: `${column} IN (${ids.map(() => '?').join(', ')})`, args: ids.map(experimentIdOf) };
}

function runPage<R, T>(ctx: Ctx, from: string, where: Sql, order: Sql, offset: number, max: number, map: (row: R) => T): Page<T> {
  const sql = `SELECT * FROM ${from} WHERE ${where.sql} ORDER BY ${order.sql} LIMIT ? OFFSET ?`;
  const rows = ctx.db.prepare(sql).all(...where.args, ...order.args, max + 1, offset) as R[];
  return pageOf(rows.map(map), offset, max);
}

const RUN_COLUMNS: Record<string, string> = {
  run_id: 'r.run_id', run_name: 'r.name', status: 'r.status', user_id: 'r.user_id',
  artifact_uri: 'r.artifact_uri', start_time: 'r.start_time', end_time: 'r.end_time',
};
const RUN_PARAMS: KeyedTable = { table: 'params', fk: 'run_id', owner: 'r.run_id' };
const RUN_TAGS: KeyedTable = { table: 'tags', fk: 'run_id', owner: 'r.run_id' };
const runLatest = (col: string): string => `(SELECT lm.${col} FROM latest_metrics lm WHERE lm.run_id = r.run_id AND lm.key = ?)`;

function runCondition(cmp: SearchComparison): Sql {
  switch (cmp.entity) {
    case 'metric': {
      const inner = nanAware('lm.is_nan', compareExpr('lm.value', cmp), cmp);
      return { sql: `EXISTS (SELECT 1 FROM latest_metrics lm WHERE lm.run_id = r.run_id AND lm.key = ? AND ${inner.sql})`, args: [cmp.key, ...inner.args] };
    }
    case 'param': return keyedCondition(RUN_PARAMS, cmp);
    case 'tag': return keyedCondition(RUN_TAGS, cmp);
    case 'dataset': {
      const inner = compareExpr(`d.${cmp.key}`, cmp);
      return { sql: `EXISTS (SELECT 1 FROM run_dataset_inputs d WHERE d.run_id = r.run_id AND ${inner.sql})`, args: inner.args };
    }
    case 'attribute': return compareExpr(RUN_COLUMNS[cmp.key] ?? 'NULL', cmp);
  }
}

function runOrder(order: SearchOrder): Sql {
  switch (order.entity) {
    case 'metric': return metricOrder(runLatest, order);
    case 'param': return keyedOrder(RUN_PARAMS, order);
    case 'tag': return keyedOrder(RUN_TAGS, order);
    default: return { sql: columnOrder(RUN_COLUMNS[order.key] ?? 'NULL', order.ascending), args: [] };
  }
}

/**
 * As `SqlAlchemyStore._search_runs`: filter (AND-only grammar), order_by (missing values last),
 * then `start_time DESC` unless ordered by it, then `run_id ASC`; offset page tokens.
 * @throws TrackingError INVALID_PARAMETER_VALUE for a bad filter, order_by, token or max_results (1..50000).
 */
export function searchRuns(ctx: Ctx, request: SearchRunsRequest): Page<Run> {
  const max = request.maxResults ?? 1000;
  validateMaxResults(max);
  const offset = decodePageToken(request.pageToken);
  const comparisons = parseSearchFilter(request.filter, 'runs');
  const orders = parseOrderBy(request.orderBy, 'runs');
  const where = and([idList('r.experiment_id', request.experimentIds), stageCondition('r', request.viewType), ...comparisons.map(runCondition)]);
  const terms = orders.map(runOrder);
  if (!orders.some((o) => o.entity === 'attribute' && o.key === 'start_time')) terms.push({ sql: 'r.start_time DESC', args: [] });
  terms.push({ sql: 'r.run_id ASC', args: [] });
  return runPage<RunRow, Run>(ctx, 'runs r', where, orderList(terms), offset, max, (row) => toRun(ctx.db, row));
}

const EXPERIMENT_TAGS: KeyedTable = { table: 'experiment_tags', fk: 'experiment_id', owner: 'e.experiment_id' };

/**
 * As `SqlAlchemyStore.search_experiments`: default order `creation_time DESC, experiment_id ASC`;
 * with an order_by that does not name experiment_id, `experiment_id DESC` breaks ties.
 * @throws TrackingError INVALID_PARAMETER_VALUE for a bad filter, order_by, token or max_results.
 */
export function searchExperiments(ctx: Ctx, request: SearchExperimentsRequest): Page<Experiment> {
  const max = request.maxResults ?? 1000;
  validateMaxResults(max);
  const offset = decodePageToken(request.pageToken);
  const conditions = parseSearchFilter(request.filter, 'experiments').map((cmp) =>
    cmp.entity === 'tag' ? keyedCondition(EXPERIMENT_TAGS, cmp) : compareExpr(`e.${cmp.key}`, cmp));
  const orders = parseOrderBy(request.orderBy, 'experiments');
  const terms = orders.map((o) => ({ sql: columnOrder(`e.${o.key}`, o.ascending), args: [] }));
  if (orders.length === 0) terms.push({ sql: 'e.creation_time DESC, e.experiment_id ASC', args: [] });
  else if (!orders.some((o) => o.key === 'experiment_id')) terms.push({ sql: 'e.experiment_id DESC', args: [] });
  const where = and([stageCondition('e', request.viewType), ...conditions]);
  return runPage<ExperimentRow, Experiment>(ctx, 'experiments e', where, orderList(terms), offset, max, (row) => toExperiment(ctx.db, row));
}

const MODEL_PARAMS: KeyedTable = { table: 'logged_model_params', fk: 'model_id', owner: 'm.model_id' };
const MODEL_TAGS: KeyedTable = { table: 'logged_model_tags', fk: 'model_id', owner: 'm.model_id' };
const modelLatest = (col: string): string =>
  `(SELECT x.${col} FROM logged_model_metrics x WHERE x.model_id = m.model_id AND x.key = ? ORDER BY x.step DESC, x.timestamp DESC, x.value DESC LIMIT 1)`;

function modelCondition(cmp: SearchComparison): Sql {
  switch (cmp.entity) {
    case 'metric': {
      const inner = nanAware(modelLatest('is_nan'), compareExpr(modelLatest('value'), cmp), cmp);
      return { sql: inner.sql, args: [cmp.key, cmp.key, ...inner.args] };
    }
    case 'param': return keyedCondition(MODEL_PARAMS, cmp);
    case 'tag': return keyedCondition(MODEL_TAGS, cmp);
    default: return compareExpr(`m.${cmp.key}`, cmp);
  }
}

/**
 * As `SqlAlchemyStore.search_logged_models` (active models only): default order
 * `creation_timestamp DESC, model_id ASC`, default page size 100.
 * @throws TrackingError INVALID_PARAMETER_VALUE for a bad filter, order_by field, token or max_results.
 */
export function searchLoggedModels(ctx: Ctx, request: SearchLoggedModelsRequest): Page<LoggedModel> {
  const max = request.maxResults ?? 100;
  validateMaxResults(max);
  const offset = decodePageToken(request.pageToken);
  const conditions = parseSearchFilter(request.filter, 'logged_models').map(modelCondition);
  const terms: Sql[] = [];
  for (const field of request.orderBy ?? []) {
    const [order] = parseOrderBy([field.fieldName], 'logged_models');
    if (order === undefined) continue;
    const o = { ...order, ascending: field.ascending ?? true };
    if (o.entity === 'metric') terms.push(metricOrder(modelLatest, o));
    else if (o.entity === 'param') terms.push(keyedOrder(MODEL_PARAMS, o));
    else if (o.entity === 'tag') terms.push(keyedOrder(MODEL_TAGS, o));
    else terms.push({ sql: columnOrder(`m.${o.key}`, o.ascending), args: [] });
  }
  terms.push({ sql: 'm.creation_timestamp DESC, m.model_id ASC', args: [] });
  const where = and([idList('m.experiment_id', request.experimentIds), { sql: "m.lifecycle_stage = 'active'", args: [] }, ...conditions]);
  return runPage<LoggedModelRow, LoggedModel>(ctx, 'logged_models m', where, orderList(terms), offset, max, (row) => toLoggedModel(ctx.db, row));
}
