import type { EntryPoint } from '@mlproject/spec';
import { formatTemplate } from './format.js';
import { computeParameters, type ComputeParametersOptions } from './parameters.js';

/** Options of {@link computeCommand}. */
export type ComputeCommandOptions = Omit<ComputeParametersOptions, 'resolvePaths'>;

/**
 * Build the shell command of an entry point, byte for byte as MLflow does: the command template
 * filled by Python `str.format` with the shell-quoted declared values, then ` --<name> <quoted value>`
 * for each extra parameter in user order. Text such as a trailing newline of a `|` block is kept, so
 * extras land after it, as in MLflow. `path` parameters are resolved (see {@link computeParameters}).
 *
 * Example: template `python greeter.py {greeting} {name}` (greeting defaults to `hi`) with
 * `{ name: 'friend', excitement: '10' }` gives `python greeter.py hi friend --excitement 10`.
 *
 * Mirrors `mlflow/projects/_project_spec.py::EntryPoint.compute_command`.
 *
 * @throws {@link ParamsError} the errors of {@link computeParameters}, and
 *   `ERR_MLPROJECT_PARAMS_COMMAND_TEMPLATE` where Python's `str.format` would raise (a field that is not
 *   a declared parameter, a single `{` or `}`, positional fields, attribute access, format specs)
 */
export function computeCommand(entryPoint: EntryPoint, userParams: Record<string, string>, options: ComputeCommandOptions = {}): string {
  const { declared, extra } = computeParameters(entryPoint, userParams, { ...options, resolvePaths: true });
  const command = formatTemplate(entryPoint.command, declared, entryPoint.name);
  return [command, ...Object.entries(extra).map(([name, value]) => `--${name} ${value}`)].join(' ');
}

/**
 * The run params MLflow logs when it creates the run: every declared parameter (defaults included)
 * in declaration order, then the extras in user order, all in their shell-quoted form (e.g. the value
 * `'hi there'` keeps its quotes). `path` values are logged as given, not resolved; `uri` values are
 * still checked.
 *
 * Mirrors `mlflow/projects/utils.py::_create_run` (`compute_parameters(parameters, storage_dir=None)`).
 *
 * @throws {@link ParamsError} the errors of {@link computeParameters}
 */
export function paramsToLog(entryPoint: EntryPoint, userParams: Record<string, string>): { key: string; value: string }[] {
  const { declared, extra } = computeParameters(entryPoint, userParams, { resolvePaths: false });
  return [
    ...entryPoint.parameters.map((p) => ({ key: p.name, value: declared[p.name] as string })),
    ...Object.entries(extra).map(([key, value]) => ({ key, value })),
  ];
}
