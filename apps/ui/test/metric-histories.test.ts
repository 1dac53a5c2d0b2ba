// Extending a held metric history from its last point (page token of MLflow's SQL store).
import { describe, expect, it } from 'vitest';
import type { Metric } from '../src/api.js';
import { extendHistory, offsetToken, samePoint } from '../src/metric-histories.js';

const point = (step: number, value = 1 / (step + 1)): Metric => ({ key: 'loss', value, step, timestamp: 1000 + step });

describe('extendHistory', () => {
  const held = [point(0), point(1), point(2)];

  it('reads from the last point held and appends what follows it', async () => {
    const asked: number[] = [];
    const out = await extendHistory(held, async (offset) => {
      asked.push(offset);
      return [point(2), point(3), point(4)];
    });
    expect(asked).toEqual([2]);
    expect(out).toEqual([point(0), point(1), point(2), point(3), point(4)]);
  });

  it('returns null (read it whole) when the first point read is not the last one held', async () => {
    expect(await extendHistory(held, async () => [point(1), point(2)])).toBeNull();
    expect(await extendHistory(held, async () => [])).toBeNull();
  });

  it('reads an empty history whole, and keeps a history that gained nothing', async () => {
    expect(await extendHistory([], async (offset) => (offset === 0 ? [point(0)] : []))).toEqual([point(0)]);
    expect(await extendHistory(held, async () => [point(2)])).toBe(held);
  });

  it('matches NaN points and makes MLflow\'s offset token', () => {
    expect(samePoint(point(0, Number.NaN), point(0, Number.NaN))).toBe(true);
    expect(samePoint(point(0, 1), point(0, 2))).toBe(false);
    expect(JSON.parse(atob(offsetToken(19_999)))).toEqual({ offset: 19_999 });
  });
});
