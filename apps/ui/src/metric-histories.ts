// The metric histories a chart of one run draws, read once and then only extended: while a run is
// live, a history whose latest point changed is read again from the last point already held, not
// from its start (a 100,000-point history is ~8 MB per read).
//
// `metrics/get-history` has no "since" term, but it pages by offset: its page token is MLflow's SQL
// store token, base64 of `{"offset": N}` (`SearchUtils.create_page_token`, and ours in
// packages/tracking/src/page-token.ts). A live run's new points have the latest timestamps, so in
// the history's order (timestamp, step, value) they come after the points held. The read starts one
// point early: when that point is not the last one held (a point was logged with an older
// timestamp, or the server does not page so), or the server refuses the token, the whole history
// is read again.
import { ApiError, getMetricHistory, type Metric } from './api.js';

export { offsetToken } from './api.js';

/** The same point of a history (NaN equal to NaN). */
export function samePoint(a: Metric, b: Metric): boolean {
  return a.step === b.step && a.timestamp === b.timestamp && Object.is(Number(a.value), Number(b.value));
}

/**
 * `held` extended by the points `readFrom(held.length - 1)` returns (the last point held, then
 * the new ones); null when the first point read is not the last one held, so the caller reads the
 * whole history. An empty `held` is read whole.
 */
export async function extendHistory(held: Metric[], readFrom: (offset: number) => Promise<Metric[]>): Promise<Metric[] | null> {
  const last = held[held.length - 1];
  if (last === undefined) return readFrom(0);
  const read = await readFrom(held.length - 1);
  const first = read[0];
  if (first === undefined || !samePoint(first, last)) return null;
  return read.length === 1 ? held : [...held, ...read.slice(1)];
}

interface Held { points: Promise<Metric[]>; latest: Metric | undefined }

/** The histories of one run's metrics; see the file's head. */
export interface RunHistories {
  /**
   * The history of `key`. `latest` is the run's latest point of it as `runs/get` reports it: when it
   * differs from the one seen at the last call, the history is extended first. Without `latest`,
   * a history already held is returned as it is.
   * @throws ApiError when the server refuses the read.
   */
  get(key: string, latest?: Metric): Promise<Metric[]>;
}

export function runHistories(runId: string): RunHistories {
  const held = new Map<string, Held>();
  const get = (key: string, latest?: Metric): Promise<Metric[]> => {
    const entry = held.get(key);
    if (entry === undefined) {
      const points = getMetricHistory(runId, key);
      held.set(key, { points, latest });
      // A failed read is not kept: the next call tries again.
      points.catch(() => held.delete(key));
      return points;
    }
    // The first read and the run were fetched together: take the run's latest as that read's.
    if (entry.latest === undefined) entry.latest = latest;
    if (latest === undefined || samePoint(entry.latest ?? latest, latest)) return entry.points;
    entry.latest = latest;
    entry.points = entry.points
      .then((points) => extendHistory(points, (offset) => getMetricHistory(runId, key, offset)))
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 401) return null;
        throw error;
      })
      .then((points) => points ?? getMetricHistory(runId, key));
    entry.points.catch(() => held.delete(key));
    return entry.points;
  };
  return { get };
}
