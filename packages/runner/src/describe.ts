import type { LoggedModel, Run, TrackingStore } from '@mlproject/tracking';
import { listArtifactFiles, resolveArtifactPath } from '@mlproject/tracking-server';

/** A run with the files it holds: its own artifacts and those of the models it logged. */
export interface RunDetails {
  run: Run;
  /** The local directory holding the run's artifacts. */
  artifactDir: string;
  /** Paths relative to the run's artifact root, with sizes in bytes. */
  artifacts: { path: string; size: number }[];
  /** MLflow 3 logged models linked to the run as outputs, with their files. */
  models: { model: LoggedModel; dir: string; files: { path: string; size: number }[] }[];
}

/**
 * Gathers what `mlproject runs show` prints.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST for an unknown run ID.
 */
export async function describeRun(store: TrackingStore, artifactsDestination: string, runId: string): Promise<RunDetails> {
  const run = await store.getRun(runId);
  const artifacts = await listArtifactFiles(artifactsDestination, run.info.artifactUri);
  const models = [];
  for (const output of run.outputs.modelOutputs) {
    const model = await store.getLoggedModel(output.modelId, { allowDeleted: true });
    models.push({ model, dir: resolveArtifactPath(artifactsDestination, model.artifactUri), files: await listArtifactFiles(artifactsDestination, model.artifactUri) });
  }
  return { run, artifactDir: resolveArtifactPath(artifactsDestination, run.info.artifactUri), artifacts, models };
}
