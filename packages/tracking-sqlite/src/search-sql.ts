import type Database from 'better-sqlite3';
import { likeToRegExp, type SearchComparison, type SearchOrder } from '@mlproject/tracking';

/** A piece of SQL with its positional arguments. */
export interface Sql {
  sql: string;
  args: unknown[];
}

/** Registers `mlp_like(value, pattern, ci)`: MLflow LIKE semantics (case-sensitive; ILIKE when ci = 1). */
export function registerFunctions(db: Database.Database): void {
  db.function('mlp_like', { deterministic: true }, (value: unknown, pattern: unknown, ci: unknown) => {
    if (value === null || value === undefined) return null;
    return likeToRegExp(String(pattern), ci === 1 || ci === 1n).test(String(value)) ? 1 : 0;
  });
}

/** Where the keyed values of a searched entity live: a table with (fk, key, value). */
export interface KeyedTable {
  table: string;
  /** Column of that table matching the searched row, e.g. `run_id`. */
  fk: string;
  /** The searched row's ID expression, e.g. `r.run_id`. */
  owner: string;
}

/** `expr <comparator> value` for an attribute-like expression. NULL never matches (SQL semantics). */
export function compareExpr(expr: string, cmp: SearchComparison): Sql {
  const { comparator, value } = cmp;
  switch (comparator) {
    case 'LIKE':
    case 'ILIKE':
      return { sql: `mlp_like(${expr}, ?, ${comparator === 'ILIKE' ? 1 : 0}) = 1`, args: [value] };
    case 'IN':
    case 'NOT IN': {
      const list = Array.isArray(value) ? value : [];
      if (list.length === 0) return { sql: comparator === 'IN' ? '0' : `${expr} IS NOT NULL`, args: [] };
      return { sql: `${expr} ${comparator} (${list.map(() => '?').join(', ')})`, args: list };
    }
    case 'IS NULL':
      return { sql: `${expr} IS NULL`, args: [] };
    case 'IS NOT NULL':
      return { sql: `${expr} IS NOT NULL`, args: [] };
    default:
      return { sql: `${expr} ${comparator} ?`, args: [value] };
  }
}

/**
 * A metric comparison over a stored (value, is_nan) pair, NaN being stored as (0, 1): a NaN metric
 * satisfies `!=` and nothing else, as MLflow 3.17's SQL store (`_get_sqlalchemy_filter_clauses`).
 * `isNan` is the is_nan expression; it comes first in the SQL, so its arguments come first.
 */
export function nanAware(isNan: string, compared: Sql, cmp: SearchComparison): Sql {
  const sql = cmp.comparator === '!=' ? `(${isNan} = 1 OR ${compared.sql})` : `${isNan} = 0 AND ${compared.sql}`;
  return { sql, args: compared.args };
}

/** A param/tag condition: EXISTS a row with the key whose value compares; IS [NOT] NULL tests the key's presence. */
export function keyedCondition(t: KeyedTable, cmp: SearchComparison): Sql {
  const base = `SELECT 1 FROM ${t.table} kv WHERE kv.${t.fk} = ${t.owner} AND kv.key = ?`;
  if (cmp.comparator === 'IS NULL') return { sql: `NOT EXISTS (${base})`, args: [cmp.key] };
  if (cmp.comparator === 'IS NOT NULL') return { sql: `EXISTS (${base})`, args: [cmp.key] };
  const inner = compareExpr('kv.value', cmp);
  return { sql: `EXISTS (${base} AND ${inner.sql})`, args: [cmp.key, ...inner.args] };
}

/** ORDER BY terms for a keyed value (param/tag): rows without the key last, whatever the direction. */
export function keyedOrder(t: KeyedTable, order: SearchOrder): Sql {
  const value = `(SELECT kv.value FROM ${t.table} kv WHERE kv.${t.fk} = ${t.owner} AND kv.key = ?)`;
  return { sql: `${value} IS NULL, ${value} ${order.ascending ? 'ASC' : 'DESC'}`, args: [order.key, order.key] };
}

/**
 * ORDER BY terms for a metric, given a subquery template `latest(col)` selecting one column of the
 * latest point for key `?`: real values first, then NaN, then rows without the metric.
 */
export function metricOrder(latest: (column: string) => string, order: SearchOrder): Sql {
  return {
    sql: `COALESCE(${latest('is_nan')}, 2), ${latest('value')} ${order.ascending ? 'ASC' : 'DESC'}`,
    args: [order.key, order.key],
  };
}

/** ORDER BY terms for a column: NULLs last, whatever the direction. */
export function columnOrder(column: string, ascending: boolean): string {
  return `${column} IS NULL, ${column} ${ascending ? 'ASC' : 'DESC'}`;
}

/** Joins conditions with AND (`1` when there are none) and concatenates their arguments. */
export function and(parts: Sql[]): Sql {
  if (parts.length === 0) return { sql: '1', args: [] };
  return { sql: parts.map((p) => `(${p.sql})`).join(' AND '), args: parts.flatMap((p) => p.args) };
}

/** Joins ORDER BY terms with commas. */
export function orderList(parts: Sql[]): Sql {
  return { sql: parts.map((p) => p.sql).join(', '), args: parts.flatMap((p) => p.args) };
}
