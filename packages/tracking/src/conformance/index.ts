import { describe } from 'vitest';
import { describeExperiments } from './experiments.js';
import { describeLoggedModels } from './logged-models.js';
import { describeLogging } from './logging.js';
import { describeRuns } from './runs.js';
import { describeSearch } from './search.js';
import type { MakeStore } from './helpers.js';

export { expectTrackingError, newRun, tagValue, useStore, type MakeStore, type StoreHarness } from './helpers.js';

/**
 * The conformance suite every `TrackingStore` must pass: MLflow's tracking semantics as the real
 * `mlflow` client relies on them (see `mlflow-rest-api.md` §4 and §5). Call it at the top level of
 * a vitest test file; `makeStore` must return a fresh store holding only experiment "0" each time.
 *
 * ```ts
 * describeTrackingStore('sqlite', () => openSqliteStore(join(mkdtempSync(tmp), 'db.sqlite')));
 * ```
 */
export function describeTrackingStore(name: string, makeStore: MakeStore): void {
  describe(`TrackingStore conformance: ${name}`, () => {
    describeExperiments(makeStore);
    describeRuns(makeStore);
    describeLogging(makeStore);
    describeSearch(makeStore);
    describeLoggedModels(makeStore);
  });
}
