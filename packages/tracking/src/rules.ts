import { randomName } from './ids.js';
import { invalidParameter } from './validation.js';

/**
 * The name of a new run, as `SqlAlchemyStore.create_run` (`mlflow/store/tracking/sqlalchemy_store.py`)
 * chooses it: `runName` when non-empty, else the `mlflow.runName` tag's value, else a random
 * `adjective-noun-N` name. Every store stores the `mlflow.runName` tag equal to the result.
 * @throws TrackingError INVALID_PARAMETER_VALUE when both are given and differ.
 */
export function chooseRunName(runName: string | undefined, tagName: string | undefined): string {
  const argName = runName === '' ? undefined : runName;
  if (argName !== undefined && tagName !== undefined && argName !== tagName) {
    throw invalidParameter(
      `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${argName}', mlflow.runName='${tagName}').`,
    );
  }
  return argName ?? tagName ?? randomName();
}

/**
 * Whether metric point `point` replaces `current` as the latest value of its key, as
 * `SqlAlchemyStore._update_latest_metric_if_necessary`: larger step, then larger timestamp (ms), then
 * larger value; any comparison with NaN is false, as in Python.
 */
export function isLaterPoint(
  point: { step: number; timestamp: number; value: number },
  current: { step: number; timestamp: number; value: number },
): boolean {
  if (point.step !== current.step) return point.step > current.step;
  if (point.timestamp !== current.timestamp) return point.timestamp > current.timestamp;
  return point.value > current.value;
}
