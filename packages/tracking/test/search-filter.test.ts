import { describe, expect, it } from 'vitest';
import { likeToRegExp, matchesComparison, parseOrderBy, parseSearchFilter } from '../src/index.js';

describe('parseSearchFilter', () => {
  it('parses comparisons of every entity joined by AND, any keyword case', () => {
    const parsed = parseSearchFilter(
      "metrics.rmse < 0.8 and params.alpha = '0.5' AND tags.\"user-name\" ILIKE \"%ann%\" and attributes.run_id IN ('a', \"b\") AND datasets.context = 'training'",
      'runs',
    );
    expect(parsed).toEqual([
      { entity: 'metric', key: 'rmse', comparator: '<', value: 0.8 },
      { entity: 'param', key: 'alpha', comparator: '=', value: '0.5' },
      { entity: 'tag', key: 'user-name', comparator: 'ILIKE', value: '%ann%' },
      { entity: 'attribute', key: 'run_id', comparator: 'IN', value: ['a', 'b'] },
      { entity: 'dataset', key: 'context', comparator: '=', value: 'training' },
    ]);
  });

  it('splits the key at the first dot, accepts quoted keys and entity aliases', () => {
    expect(parseSearchFilter("tags.mlflow.runName = 'x'", 'runs')[0]).toMatchObject({ entity: 'tag', key: 'mlflow.runName' });
    expect(parseSearchFilter('metric.`my metric` >= -1e3', 'runs')[0]).toMatchObject({ entity: 'metric', key: 'my metric', value: -1000 });
    expect(parseSearchFilter("`parameters`.lr != '1'", 'runs')[0]).toMatchObject({ entity: 'param', key: 'lr' });
    expect(parseSearchFilter("run.status = 'RUNNING'", 'runs')[0]).toMatchObject({ entity: 'attribute', key: 'status' });
  });

  it('maps attribute aliases to their canonical keys', () => {
    expect(parseSearchFilter('created > 5', 'runs')[0]).toMatchObject({ key: 'start_time' });
    expect(parseSearchFilter("\"run name\" = 'x'", 'runs')[0]).toMatchObject({ key: 'run_name' });
    expect(parseSearchFilter('creation_time > 5', 'logged_models')[0]).toMatchObject({ key: 'creation_timestamp' });
  });

  it('parses IS NULL / IS NOT NULL for params and tags only', () => {
    expect(parseSearchFilter('params.a IS NULL and tags.b is not null', 'runs')).toEqual([
      { entity: 'param', key: 'a', comparator: 'IS NULL', value: null },
      { entity: 'tag', key: 'b', comparator: 'IS NOT NULL', value: null },
    ]);
    expect(() => parseSearchFilter('metrics.a IS NULL', 'runs')).toThrow(/only for params and tags/);
  });

  it('accepts a trailing AND and keeps doubled or backslashed quotes in values, as mlflow server 3.17.2', () => {
    expect(parseSearchFilter("params.a = 'x' AND", 'runs')).toEqual([{ entity: 'param', key: 'a', comparator: '=', value: 'x' }]);
    expect(parseSearchFilter("params.a = 'x' and  ", 'runs')).toHaveLength(1);
    expect(parseSearchFilter("params.q = 'it''s' and params.r = 'a\\'b'", 'runs').map((c) => c.value)).toEqual(["it''s", "a\\'b"]);
    expect(parseSearchFilter('tags."say ""hi""" = \'\'', 'runs')[0]).toMatchObject({ key: 'say ""hi""', value: '' });
  });

  it('treats an empty or blank filter as no condition', () => {
    expect(parseSearchFilter(undefined, 'runs')).toEqual([]);
    expect(parseSearchFilter('   ', 'experiments')).toEqual([]);
  });

  it.each([
    ["params.a = 'x' OR params.a = 'y'", /only comparisons joined by AND/],
    ["params.a = 'x' AND AND params.b = 'y'", /expected a comparator/],
    ['metrics.a = "1"', /numeric value/],
    ['params.a > 1', /invalid comparator/],
    ['start_time = 1abc', /expected a value/],
    ["status IN ('x')", /invalid comparator 'IN'/],
    ["run_id = ('a')", /a single quoted string/],
    ['bogus.a = 1', /invalid entity type 'bogus'/],
    ["experiment_id = '0'", /invalid attribute key 'experiment_id'/],
    ["params.a = 'x';", /only comparisons joined by AND/],
  ])('refuses %s', (filter, message) => {
    expect(() => parseSearchFilter(filter, 'runs')).toThrow(message);
    try {
      parseSearchFilter(filter, 'runs');
    } catch (error) {
      expect(error).toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE' });
    }
  });

  it('uses the experiments vocabulary: attribute (singular) and tags only', () => {
    expect(parseSearchFilter("attribute.name LIKE 'a%' and tags.k = 'v'", 'experiments')).toHaveLength(2);
    expect(() => parseSearchFilter("attributes.name = 'a'", 'experiments')).toThrow(/invalid entity type/);
    expect(() => parseSearchFilter('metrics.a > 1', 'experiments')).toThrow(/invalid entity type/);
  });
});

describe('parseOrderBy', () => {
  it('parses identifiers with optional direction', () => {
    expect(parseOrderBy(['metrics.`my metric` DESC', 'params.a', 'Created asc'], 'runs')).toEqual([
      { entity: 'metric', key: 'my metric', ascending: false },
      { entity: 'param', key: 'a', ascending: true },
      { entity: 'attribute', key: 'start_time', ascending: true },
    ]);
  });

  it('refuses a field named twice, unknown keys and trailing text', () => {
    expect(() => parseOrderBy(['start_time', 'created DESC'], 'runs')).toThrow(/more than once/);
    expect(() => parseOrderBy(['lifecycle_stage'], 'runs')).toThrow(/invalid order_by attribute/);
    expect(() => parseOrderBy(['name DESC please'], 'experiments')).toThrow(/unexpected text/);
    expect(() => parseOrderBy(['tags.a'], 'experiments')).toThrow(/cannot order by tags/);
    expect(parseOrderBy(['experiment_id DESC'], 'experiments')).toEqual([{ entity: 'attribute', key: 'experiment_id', ascending: false }]);
  });
});

describe('matchesComparison and LIKE', () => {
  it('implements LIKE (case-sensitive) and ILIKE with % and _ and no other specials', () => {
    expect(likeToRegExp('a%c', false).test('abbbc')).toBe(true);
    expect(likeToRegExp('a_c', false).test('abc')).toBe(true);
    expect(likeToRegExp('a_c', false).test('abbc')).toBe(false);
    expect(likeToRegExp('A%', false).test('abc')).toBe(false);
    expect(likeToRegExp('A%', true).test('abc')).toBe(true);
    expect(likeToRegExp('a.c(', false).test('abc(')).toBe(false);
  });

  it('never matches a missing value, except IS NULL; NaN only under !=', () => {
    const ne = { entity: 'param' as const, key: 'a', comparator: '!=' as const, value: 'x' };
    expect(matchesComparison(ne, undefined)).toBe(false);
    expect(matchesComparison(ne, 'y')).toBe(true);
    expect(matchesComparison({ ...ne, comparator: 'IS NULL', value: null }, undefined)).toBe(true);
    const gt = { entity: 'metric' as const, key: 'm', comparator: '>' as const, value: 1 };
    expect(matchesComparison(gt, 2)).toBe(true);
    expect(matchesComparison(gt, Number.NaN)).toBe(false);
    // NaN compares false with everything, so != holds (as mlflow server 3.17.2).
    expect(matchesComparison({ ...gt, comparator: '!=' }, Number.NaN)).toBe(true);
    expect(matchesComparison({ ...gt, comparator: '=', value: 0 }, Number.NaN)).toBe(false);
  });
});
