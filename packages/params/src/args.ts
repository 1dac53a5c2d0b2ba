import { ParamsError } from './errors.js';

/**
 * Parse `-P name=value` arguments (without the `-P`) into a record in argument order. Each argument
 * is split on its first `=`, so `name=friend=you` gives `{ name: 'friend=you' }`; values stay strings.
 * The record has no prototype, so a name such as `__proto__` or `constructor` is an ordinary key.
 *
 * Mirrors `mlflow/cli/__init__.py::_user_args_to_dict` (argument_type "P").
 *
 * @throws {@link ParamsError} `ERR_MLPROJECT_PARAMS_INVALID_FORMAT` "Invalid format for -P parameter:
 *   '<arg>'. Use -P name=value." and `ERR_MLPROJECT_PARAMS_REPEATED` "Repeated parameter: '<name>'"
 */
export function parseParamArgs(args: string[]): Record<string, string> {
  const params = Object.create(null) as Record<string, string>;
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq === -1) {
      throw new ParamsError('ERR_MLPROJECT_PARAMS_INVALID_FORMAT', `Invalid format for -P parameter: '${arg}'. Use -P name=value.`, {
        hint: `Write -P ${arg}=<value>.`,
        param: arg,
      });
    }
    const name = arg.slice(0, eq);
    if (Object.hasOwn(params, name)) {
      throw new ParamsError('ERR_MLPROJECT_PARAMS_REPEATED', `Repeated parameter: '${name}'`, {
        hint: `Give -P ${name}=... only once.`,
        param: name,
      });
    }
    params[name] = arg.slice(eq + 1);
  }
  return params;
}
