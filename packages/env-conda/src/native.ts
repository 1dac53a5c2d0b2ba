import path from 'node:path';
import type { NativeEngine } from './engine.js';
import { runStep, type StepContext } from '@mlproject/env';

/**
 * The command that creates the env at `prefix` from `file` with an installed engine: MLflow's
 * `<create-cmd> env create -n <name> --file <file>` (`mlflow/utils/conda.py::_create_conda_env`)
 * with `-p <prefix>` instead of a name, so the env lives in our cache; micromamba's spelling is
 * `create --yes -p <prefix> --file <file>`. Pure.
 */
export function nativeCreateArgs(engine: NativeEngine, prefix: string, file: string): string[] {
  return engine.kind === 'micromamba'
    ? ['create', '--yes', '--prefix', prefix, '--file', file]
    : ['env', 'create', '--prefix', prefix, '--file', file];
}

/**
 * Creates the env at `prefix` with conda / mamba / micromamba (which also installs the conda.yaml's
 * pip section), cwd = the conda.yaml's directory, output to the build log.
 * @throws EnvError ERR_MLPROJECT_ENV_BUILD_FAILED with the tool's last line and the log;
 *   ERR_MLPROJECT_ENV_TOOL_MISSING when the engine cannot be run.
 */
export async function createWithNative(engine: NativeEngine, prefix: string, file: string, ctx: StepContext): Promise<void> {
  await runStep(ctx, `creating the conda env from ${file} with ${engine.kind}`, engine.executable, nativeCreateArgs(engine, prefix, file), path.dirname(file));
}
