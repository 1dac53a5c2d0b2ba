import { Cursor } from './cursor.js';
import {
  attributeNames, attributeOf, entityOf, isDatasetKey, NUMERIC_COMPARATORS, STRING_COMPARATORS,
  type SearchComparator, type SearchEntity, type SearchKind,
} from './grammar.js';

/**
 * One comparison of a search filter. `key` is canonical for attributes (`created` → `start_time`).
 * `value` is a number for metrics and numeric attributes, a string for string comparisons,
 * a list for IN / NOT IN, and null for IS [NOT] NULL.
 */
export interface SearchComparison {
  entity: SearchEntity;
  key: string;
  comparator: SearchComparator;
  value: string | number | string[] | null;
}

/** One `order_by` clause, e.g. `metrics.rmse DESC` → `{entity: 'metric', key: 'rmse', ascending: false}`. */
export interface SearchOrder {
  entity: SearchEntity;
  key: string;
  ascending: boolean;
}

const SYMBOLS = ['!=', '<=', '>=', '=', '<', '>'] as const;

/** Reads `<entity>.<key>` or a bare attribute key; entity and key may be quoted with `"` or backticks. */
function readIdentifier(c: Cursor, kind: SearchKind): { entity: SearchEntity; key: string } {
  const first = c.quoted('"`') ?? c.word();
  if (first === undefined) throw c.error('expected an identifier such as metrics.<key>, params.<key>, tags.<key> or an attribute');
  if (c.peek() !== '.') return { entity: 'attribute', key: first };
  c.pos += 1;
  const entity = entityOf(kind, first);
  if (entity === undefined) throw c.error(`invalid entity type '${first}'`);
  const key = c.quoted('"`') ?? c.bareKey();
  if (key === undefined || key === '') throw c.error(`missing key after '${first}.'`);
  return { entity, key };
}

function readComparator(c: Cursor): SearchComparator {
  c.skipSpace();
  const symbol = c.symbol(SYMBOLS);
  if (symbol !== undefined) return symbol as SearchComparator;
  if (c.keyword('LIKE')) return 'LIKE';
  if (c.keyword('ILIKE')) return 'ILIKE';
  if (c.keyword('IN')) return 'IN';
  if (c.keyword('NOT')) {
    c.skipSpace();
    if (c.keyword('IN')) return 'NOT IN';
    throw c.error("expected IN after NOT");
  }
  if (c.keyword('IS')) {
    c.skipSpace();
    const not = c.keyword('NOT');
    c.skipSpace();
    if (c.keyword('NULL')) return not ? 'IS NOT NULL' : 'IS NULL';
    throw c.error('expected NULL after IS');
  }
  throw c.error('expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL)');
}

function readValue(c: Cursor): string | number | string[] {
  c.skipSpace();
  const str = c.quoted(`'"`);
  if (str !== undefined) return str;
  const num = c.number();
  if (num !== undefined) return num;
  if (c.peek() === '(') {
    c.pos += 1;
    const list: string[] = [];
    for (;;) {
      c.skipSpace();
      const item = c.quoted(`'"`);
      if (item === undefined) throw c.error('expected a quoted string in the list');
      list.push(item);
      c.skipSpace();
      if (c.symbol([','])) continue;
      if (c.symbol([')'])) return list;
      throw c.error("expected ',' or ')' in the list");
    }
  }
  throw c.error('expected a value: a quoted string, a number, or a list in parentheses');
}

/** Checks the comparator and value type for the identifier, as MLflow's `_validate_comparison`. */
function check(c: Cursor, kind: SearchKind, cmp: SearchComparison): SearchComparison {
  const { entity, comparator, value } = cmp;
  const allowed = (list: readonly SearchComparator[], label: string): void => {
    if (!list.includes(comparator)) throw c.error(`invalid comparator '${comparator}' for ${label}; allowed: ${list.join(', ')}`);
  };
  const expectString = (label: string): void => {
    if (typeof value !== 'string') throw c.error(`expected a quoted string value for ${label}`);
  };
  const withList = (label: string): void => {
    const isIn = comparator === 'IN' || comparator === 'NOT IN';
    if (isIn !== Array.isArray(value)) throw c.error(`${comparator} on ${label} needs ${isIn ? 'a parenthesised list of quoted strings' : 'a single quoted string'}`);
  };
  switch (entity) {
    case 'metric':
      allowed(NUMERIC_COMPARATORS, 'metrics');
      if (typeof value !== 'number') throw c.error(`expected a numeric value for metric '${cmp.key}'`);
      return cmp;
    case 'param':
    case 'tag':
      if (comparator === 'IS NULL' || comparator === 'IS NOT NULL') return cmp;
      allowed(STRING_COMPARATORS, `${entity}s`);
      expectString(`${entity} '${cmp.key}'`);
      return cmp;
    case 'dataset':
      if (!isDatasetKey(cmp.key)) throw c.error(`invalid dataset key '${cmp.key}'; allowed: name, digest, context`);
      allowed([...STRING_COMPARATORS, 'IN', 'NOT IN'], 'datasets');
      withList(`dataset ${cmp.key}`);
      return cmp;
    case 'attribute': {
      const spec = attributeOf(kind, cmp.key);
      if (spec === undefined || spec.orderOnly) {
        throw c.error(`invalid attribute key '${cmp.key}'; valid keys: ${attributeNames(kind, false).join(', ')}`);
      }
      const out = { ...cmp, key: spec.key };
      if (spec.type === 'number') {
        allowed(NUMERIC_COMPARATORS, `attribute '${spec.key}'`);
        if (typeof value !== 'number') throw c.error(`expected a numeric value for attribute '${spec.key}'`);
        return out;
      }
      allowed(spec.list ? [...STRING_COMPARATORS, 'IN', 'NOT IN'] : STRING_COMPARATORS, `attribute '${spec.key}'`);
      withList(`attribute '${spec.key}'`);
      return out;
    }
  }
}

/**
 * Parses an MLflow search filter: comparisons joined by AND (no OR, no parentheses; a trailing
 * AND is accepted, as MLflow's parser ignores AND tokens), as
 * `mlflow/utils/search_utils.py::SearchUtils.parse_search_filter` (runs),
 * `SearchExperimentsUtils` and `SearchLoggedModelsUtils`. Empty or blank means no condition.
 * @throws TrackingError INVALID_PARAMETER_VALUE naming the filter and the position of the problem.
 */
export function parseSearchFilter(filter: string | undefined, kind: SearchKind): SearchComparison[] {
  const c = new Cursor(filter ?? '', 'filter string');
  const out: SearchComparison[] = [];
  c.skipSpace();
  while (!c.eof()) {
    const { entity, key } = readIdentifier(c, kind);
    const comparator = readComparator(c);
    if ((comparator === 'IS NULL' || comparator === 'IS NOT NULL') && entity !== 'param' && entity !== 'tag') {
      throw c.error(`${comparator} works only for params and tags`);
    }
    const value = comparator.startsWith('IS ') ? null : readValue(c);
    out.push(check(c, kind, { entity, key, comparator, value }));
    const spaced = c.skipSpace();
    if (c.eof()) break;
    if (!spaced || !c.keyword('AND')) throw c.error('invalid clause(s) in filter string; only comparisons joined by AND are supported');
    // MLflow skips AND tokens rather than requiring one between comparisons: a trailing AND is accepted.
    if (!c.skipSpace() && !c.eof()) throw c.error('expected a space after AND');
  }
  return out;
}

/**
 * Parses `order_by` clauses `<identifier> [ASC|DESC]` (default ASC), as
 * `SearchUtils.parse_order_by_for_search_runs` / `SearchExperimentsUtils.parse_order_by_for_search_experiments`.
 * Experiments accept only attributes (`name`, `experiment_id`, `creation_time`, `last_update_time`).
 * @throws TrackingError INVALID_PARAMETER_VALUE for bad syntax, unknown keys or a field named twice.
 */
export function parseOrderBy(clauses: readonly string[] | undefined, kind: SearchKind): SearchOrder[] {
  const out: SearchOrder[] = [];
  const seen = new Set<string>();
  for (const clause of clauses ?? []) {
    const c = new Cursor(clause, 'order_by clause');
    c.skipSpace();
    const { entity, key } = readIdentifier(c, kind);
    let ascending = true;
    if (c.skipSpace() && !c.eof()) {
      if (c.keyword('DESC')) ascending = false;
      else if (!c.keyword('ASC')) throw c.error('expected ASC or DESC');
    }
    c.skipSpace();
    if (!c.eof()) throw c.error('unexpected text after the order direction');
    let canonical = key;
    if (entity === 'attribute') {
      const spec = attributeOf(kind, key);
      if (spec === undefined) throw c.error(`invalid order_by attribute '${key}'; valid keys: ${attributeNames(kind, true).join(', ')}`);
      canonical = spec.key;
    } else if (entity === 'dataset' || kind === 'experiments') {
      throw c.error(`cannot order by ${entity}s`);
    }
    const id = `${entity}.${canonical}`;
    if (seen.has(id)) throw c.error(`'${canonical}' is named more than once in order_by`);
    seen.add(id);
    out.push({ entity, key: canonical, ascending });
  }
  return out;
}
