import type { SearchComparison } from './filter.js';

const likeCache = new Map<string, RegExp>();

/**
 * Turns an SQL LIKE pattern into an anchored RegExp: `%` is any run of characters, `_` one
 * character, no escape syntax (as MLflow). LIKE is case-sensitive, ILIKE is not.
 */
export function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const cacheKey = `${caseInsensitive ? 'i' : 's'}:${pattern}`;
  let re = likeCache.get(cacheKey);
  if (re === undefined) {
    const body = [...pattern]
      .map((ch) => (ch === '%' ? '[\\s\\S]*' : ch === '_' ? '[\\s\\S]' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`, caseInsensitive ? 'iu' : 'u');
    if (likeCache.size > 1000) likeCache.clear();
    likeCache.set(cacheKey, re);
  }
  return re;
}

/**
 * Evaluates one comparison against the actual value of its identifier, for stores that filter in
 * memory. `actual` is undefined or null when the run (experiment, model) lacks the key: that never
 * matches, not even `!=`, except `IS NULL`. A NaN metric value matches `!=` and nothing else
 * (`mlflow/store/tracking/sqlalchemy_store.py::_get_sqlalchemy_filter_clauses`, MLflow 3.17).
 */
export function matchesComparison(comparison: SearchComparison, actual: string | number | null | undefined): boolean {
  const { comparator, value } = comparison;
  if (comparator === 'IS NULL') return actual === undefined || actual === null;
  if (comparator === 'IS NOT NULL') return actual !== undefined && actual !== null;
  if (actual === undefined || actual === null) return false;
  if (Array.isArray(value)) {
    const inList = value.includes(String(actual));
    return comparator === 'IN' ? inList : !inList;
  }
  if (comparator === 'LIKE' || comparator === 'ILIKE') {
    return likeToRegExp(String(value), comparator === 'ILIKE').test(String(actual));
  }
  // NaN compares false with everything, so only `!=` holds (IEEE 754; MLflow 3.17's SQL store too).
  if (typeof actual === 'number' && Number.isNaN(actual)) return comparator === '!=';
  const a = actual;
  const b = typeof actual === 'number' ? Number(value) : String(value);
  switch (comparator) {
    case '=': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    default: return false;
  }
}
