import { describe, expect, it } from 'vitest';
import {
  decodePageToken, encodePageToken, newLoggedModelId, newRunId, normalizeParam, normalizeRunTag, randomName,
  validateBatch, validateKey, validateLoggedModelName,
} from '../src/index.js';

describe('IDs and names', () => {
  it('makes 32-hex run IDs, m- model IDs and short adjective-noun-N names', () => {
    expect(newRunId()).toMatch(/^[0-9a-f]{32}$/);
    expect(newRunId()).not.toBe(newRunId());
    expect(newLoggedModelId()).toMatch(/^m-[0-9a-f]{32}$/);
    for (let i = 0; i < 200; i += 1) {
      const name = randomName();
      expect(name).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/);
      expect(name.length).toBeLessThanOrEqual(20);
    }
  });
});

describe('validation', () => {
  it('accepts MLflow key names and refuses path-like or odd ones', () => {
    for (const key of ['a', 'train/loss', 'a.b', 'x-y z:w', 'é名']) expect(() => validateKey('metric', key)).not.toThrow();
    for (const key of ['', '.', '..', '../a', '/a', 'a//b', 'a/./b', 'a/', 'a*', 'a\\b', 'x'.repeat(251)]) {
      expect(() => validateKey('param', key), key).toThrow(/name|'key'/);
    }
  });

  it('truncates param values to 6000 and tag values to 8000 characters', () => {
    expect(normalizeParam({ key: 'p', value: 'x'.repeat(6001) }).value).toHaveLength(6000);
    expect(normalizeRunTag({ key: 't', value: 'x'.repeat(9000) }).value).toHaveLength(8000);
  });

  it('enforces batch limits and refuses duplicate param keys', () => {
    const metric = { key: 'm', value: 1, timestamp: 0, step: 0 };
    expect(() => validateBatch({ metrics: Array(1000).fill(metric) })).not.toThrow();
    expect(() => validateBatch({ metrics: Array(1001).fill(metric) })).toThrow(/at most 1000 metrics/);
    expect(() => validateBatch({ tags: Array(101).fill({ key: 't', value: '' }) })).toThrow(/at most 100 tags/);
    expect(() => validateBatch({ metrics: Array(950).fill(metric), params: Array.from({ length: 51 }, (_, i) => ({ key: `p${i}`, value: '' })) }))
      .toThrow(/in total/);
    expect(() => validateBatch({ params: [{ key: 'a', value: '1' }, { key: 'a', value: '1' }] })).toThrow(/Duplicate parameter keys/);
  });

  it('refuses logged-model names with / : . % " \'', () => {
    expect(() => validateLoggedModelName('model')).not.toThrow();
    for (const name of ['', 'a/b', 'a:b', 'a.b', 'a%b', 'a"b', "a'b"]) expect(() => validateLoggedModelName(name)).toThrow(/Invalid model name/);
  });
});

describe('page tokens', () => {
  it('round-trips offsets and refuses foreign tokens', () => {
    expect(decodePageToken(encodePageToken(1234))).toBe(1234);
    expect(decodePageToken(undefined)).toBe(0);
    expect(decodePageToken('')).toBe(0);
    expect(() => decodePageToken('garbage!')).toThrow(/Invalid page token/);
    expect(() => decodePageToken(Buffer.from('{"offset":-1}').toString('base64'))).toThrow(/Invalid page token/);
  });
});
