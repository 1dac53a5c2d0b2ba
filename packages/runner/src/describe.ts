import type { LoggedModel, Run, TrackingStore } from '@mlproject/tracking';
import type { ArtifactAccess, ArtifactFile } from './artifacts.js';

/** A run with the files it holds: its own artifacts and those of the models it logged. */
export interface RunDetails {
  run: Run;
  /** The local directory holding the run's artifacts; null when a remote server keeps them. */
  artifactDir: string | null;
  /** Paths relative to the run's artifact root, with sizes in bytes. */
  artifacts: ArtifactFile[];
  /** MLflow 3 logged models linked to the run as outputs, with their files. */
  models: { model: LoggedModel; dir: string | null; files: ArtifactFile[] }[];
}

/**
 * Gathers what `mlproject runs show` prints.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST for an unknown run ID.
 */
export async function describeRun(store: TrackingStore, artifacts: ArtifactAccess, runId: string): Promise<RunDetails> {
  const run = await store.getRun(runId);
  const files = await artifacts.list(run.info.artifactUri);
  const models = [];
  for (const output of run.outputs.modelOutputs) {
    const model = await store.getLoggedModel(output.modelId, { allowDeleted: true });
    models.push({ model, dir: artifacts.localDir(model.artifactUri), files: await artifacts.list(model.artifactUri) });
  }
  return { run, artifactDir: artifacts.localDir(run.info.artifactUri), artifacts: files, models };
}
