import type { EntryPoint } from '@mlproject/spec';
import { ParamsError } from './errors.js';
import { formatTemplate } from './format.js';
import { computeParameters, type ComputeParametersOptions } from './parameters.js';

/** Options of {@link computeCommand}. */
export interface ComputeCommandOptions extends Omit<ComputeParametersOptions, 'resolvePaths'> {
  /**
   * Absolute path of the MLproject the entry point comes from. When given, a command template error
   * names it and the key path `entry_points.<name>.command`, like every spec error.
   */
  file?: string | null;
}

/** Where an entry point's command template is, for error messages: nothing without a file. */
function templateWhere(entryPoint: EntryPoint, file: string | null | undefined): { file: string | null; keyPath: string | null } {
  return file == null ? { file: null, keyPath: null } : { file, keyPath: `entry_points.${entryPoint.name}.command` };
}

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
  const { file, ...parameterOptions } = options;
  const { declared, extra } = computeParameters(entryPoint, userParams, { ...parameterOptions, resolvePaths: true });
  const command = formatTemplate(entryPoint.command, declared, entryPoint.name, templateWhere(entryPoint, file));
  return [command, ...Object.entries(extra).map(([name, value]) => `--${name} ${value}`)].join(' ');
}

/**
 * Check an entry point's command template without any values: every `{field}` must name a declared
 * parameter, and braces must be balanced as Python's `str.format` needs them. This is the check
 * {@link computeCommand} makes, so `mlproject validate` can report what `run` would fail on.
 *
 * @param options.file - the MLproject's path: the error then names it and `entry_points.<name>.command`
 * @returns the error {@link computeCommand} would throw for the template (`ERR_MLPROJECT_PARAMS_COMMAND_TEMPLATE`), or null
 */
export function checkCommandTemplate(entryPoint: EntryPoint, options: { file?: string | null } = {}): ParamsError | null {
  const values = Object.fromEntries(entryPoint.parameters.map((p) => [p.name, ''])) as Record<string, string>;
  try {
    formatTemplate(entryPoint.command, values, entryPoint.name, templateWhere(entryPoint, options.file));
    return null;
  } catch (error) {
    if (error instanceof ParamsError) return error;
    throw error;
  }
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
