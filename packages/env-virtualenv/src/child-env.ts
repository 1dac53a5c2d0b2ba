import path from 'node:path';

/**
 * The child environment inside the venv at `prefix`: `base` plus `VIRTUAL_ENV=<prefix>` and
 * `<prefix>/bin` first on PATH, without `PYTHONHOME` (which would point the venv's interpreter at
 * another stdlib). Exactly what `bin/activate` changes, minus the prompt, so the command runs the
 * env's `python` with no `source ... &&` shell prefix (MLflow: `mlflow/utils/virtualenv.py::
 * _get_virtualenv_activate_cmd`). `base` is not modified. POSIX layout (`bin/`).
 */
export function venvChildEnv(prefix: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  delete env['PYTHONHOME'];
  const bin = path.join(prefix, 'bin');
  const rest = base['PATH'];
  env['PATH'] = rest === undefined || rest === '' ? bin : `${bin}${path.delimiter}${rest}`;
  env['VIRTUAL_ENV'] = prefix;
  return env;
}
