import { TrackingError, type TrackingStore } from '@mlproject/tracking';
import { RunnerError } from './errors.js';

/**
 * Resolves the experiment a run goes to, as `mlflow/projects/__init__.py::_resolve_experiment_id`:
 * an ID is checked to exist, a name is looked up and created when missing, neither means
 * `MLFLOW_EXPERIMENT_ID`, then `MLFLOW_EXPERIMENT_NAME`, then the Default experiment "0".
 * A name that another process creates between the lookup and the create (RESOURCE_ALREADY_EXISTS)
 * is looked up again, so concurrent runs into one new experiment all land in it.
 * @throws RunnerError ERR_MLPROJECT_RUN_USAGE when both are given, ERR_MLPROJECT_RUN_BAD_OPTION when the experiment is deleted;
 *   TrackingError RESOURCE_DOES_NOT_EXIST for an unknown ID.
 */
export async function resolveExperimentId(
  store: TrackingStore,
  name: string | undefined,
  id: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  if (name !== undefined && id !== undefined) {
    throw new RunnerError('ERR_MLPROJECT_RUN_USAGE', "Specify only one of 'experiment_name' or 'experiment_id'.", {
      hint: 'drop --experiment-name or --experiment-id (or MLFLOW_EXPERIMENT_NAME / MLFLOW_EXPERIMENT_ID)',
    });
  }
  if (id !== undefined) return (await store.getExperiment(id)).experimentId;
  if (name !== undefined) return experimentIdByName(store, name);
  const envId = env['MLFLOW_EXPERIMENT_ID'];
  if (envId) return (await store.getExperiment(envId)).experimentId;
  const envName = env['MLFLOW_EXPERIMENT_NAME'];
  if (envName) return experimentIdByName(store, envName);
  return '0';
}

async function experimentIdByName(store: TrackingStore, name: string): Promise<string> {
  const found = await store.getExperimentByName(name);
  if (found === null) return createOrFind(store, name);
  return activeExperimentId(name, found);
}

/** Creates the experiment; if another process created it first, takes that one. */
async function createOrFind(store: TrackingStore, name: string): Promise<string> {
  try {
    return await store.createExperiment(name);
  } catch (error) {
    if (!(error instanceof TrackingError) || error.errorCode !== 'RESOURCE_ALREADY_EXISTS') throw error;
    const raced = await store.getExperimentByName(name);
    if (raced === null) throw error;
    return activeExperimentId(name, raced);
  }
}

function activeExperimentId(name: string, found: { experimentId: string; lifecycleStage: string }): string {
  if (found.lifecycleStage === 'deleted') {
    throw new RunnerError('ERR_MLPROJECT_RUN_BAD_OPTION', `Experiment '${name}' is deleted`, {
      hint: 'restore it, or pick another --experiment-name',
    });
  }
  return found.experimentId;
}
