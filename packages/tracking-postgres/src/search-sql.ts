import type { SearchComparison, SearchOrder } from '@mlproject/tracking';
import type { Args } from './db.js';

/**
 * Parsed search filters and orders as PostgreSQL. Identifiers come from fixed tables here, values
 * always travel as parameters (`Args`), never inside the SQL text.
 */

/** Where the keyed values of a searched entity live: a table with (fk, key, value). */
export interface KeyedTable {
  table: string;
  /** Column of that table matching the searched row, e.g. `run_id`. */
  fk: string;
  /** The searched row's ID expression, e.g. `r.run_id`. */
  owner: string;
}

/**
 * `expr <comparator> value`. `type` is the SQL type of the value (`float8` for metrics and numeric
 * attributes, `text` otherwise). LIKE is case-sensitive with no escape character, as MLflow's
 * pattern (`likeToRegExp`); ILIKE folds case by the database's locale. NULL never matches.
 */
export function compareExpr(args: Args, expr: string, cmp: SearchComparison, type: 'text' | 'float8' = 'text'): string {
  const { comparator, value } = cmp;
  switch (comparator) {
    case 'LIKE':
      return `${expr} LIKE ${args.add(value, 'text')} ESCAPE ''`;
    case 'ILIKE':
      // COLLATE "default": text columns are COLLATE "C", whose ILIKE would fold ASCII letters only.
      return `${expr} COLLATE "default" ILIKE ${args.add(value, 'text')} ESCAPE ''`;
    case 'IN':
      return `${expr} = ANY(${args.add(Array.isArray(value) ? value : [], 'text[]')})`;
    case 'NOT IN':
      return `(${expr} IS NOT NULL AND ${expr} <> ALL(${args.add(Array.isArray(value) ? value : [], 'text[]')}))`;
    case 'IS NULL':
      return `${expr} IS NULL`;
    case 'IS NOT NULL':
      return `${expr} IS NOT NULL`;
    default:
      return `${expr} ${comparator} ${args.add(value, type)}`;
  }
}

/** A param/tag condition: EXISTS a row with the key whose value compares; IS [NOT] NULL tests the key's presence. */
export function keyedCondition(args: Args, t: KeyedTable, cmp: SearchComparison): string {
  const base = `SELECT 1 FROM ${t.table} kv WHERE kv.${t.fk} = ${t.owner} AND kv.key = ${args.add(cmp.key, 'text')}`;
  if (cmp.comparator === 'IS NULL') return `NOT EXISTS (${base})`;
  if (cmp.comparator === 'IS NOT NULL') return `EXISTS (${base})`;
  return `EXISTS (${base} AND ${compareExpr(args, 'kv.value', cmp)})`;
}

/**
 * A metric condition on an expression for the latest value: a NaN value satisfies `!=` and nothing
 * else, as MLflow 3.17's SQL store (PostgreSQL itself takes NaN as equal to NaN and above all numbers,
 * so `<>` already holds for it and every other comparison needs the guard). No metric (NULL) never matches.
 */
export function metricCondition(args: Args, latestValue: string, cmp: SearchComparison): string {
  if (cmp.comparator === '!=') return compareExpr(args, latestValue, cmp, 'float8');
  return `${latestValue} <> 'NaN'::float8 AND ${compareExpr(args, latestValue, cmp, 'float8')}`;
}

/** ORDER BY term for a column or expression: NULLs last, whatever the direction. */
export function columnOrder(expr: string, ascending: boolean): string {
  return `${expr} ${ascending ? 'ASC' : 'DESC'} NULLS LAST`;
}

/** ORDER BY term for a keyed value (param/tag): rows without the key last, whatever the direction. */
export function keyedOrder(args: Args, t: KeyedTable, order: SearchOrder): string {
  const value = `(SELECT kv.value FROM ${t.table} kv WHERE kv.${t.fk} = ${t.owner} AND kv.key = ${args.add(order.key, 'text')})`;
  return columnOrder(value, order.ascending);
}

/**
 * ORDER BY terms for a metric, given `latest(key)`, an expression for the latest value of `key`:
 * real values first (in the direction asked), then NaN, then rows without the metric.
 */
export function metricOrder(args: Args, latest: (keyPlaceholder: string) => string, order: SearchOrder): string {
  const value = latest(args.add(order.key, 'text'));
  return `(CASE WHEN ${value} IS NULL THEN 2 WHEN ${value} = 'NaN'::float8 THEN 1 ELSE 0 END), ${value} ${order.ascending ? 'ASC' : 'DESC'}`;
}

/** Joins conditions with AND (`true` when there are none). */
export function and(parts: string[]): string {
  return parts.length === 0 ? 'true' : parts.map((p) => `(${p})`).join(' AND ');
}
