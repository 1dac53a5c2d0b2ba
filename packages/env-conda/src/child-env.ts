import path from 'node:path';

/**
 * The child environment inside the conda env at `prefix`: `base` plus what `conda activate <prefix>`
 * sets, without running an activate script: `CONDA_PREFIX`, `CONDA_DEFAULT_ENV` (the prefix, as
 * conda sets it for an env activated by path), `CONDA_SHLVL=1`, and `<prefix>/bin` first on PATH.
 * A conda env that was active in `base` is replaced: its `bin` leaves PATH. `PYTHONHOME` and
 * `VIRTUAL_ENV` are dropped. Packages' `etc/conda/activate.d` scripts are not run (MLflow runs them
 * through `conda activate`: `mlflow/utils/conda.py::get_conda_command`). `base` is not modified.
 * POSIX layout (`bin/`).
 */
export function condaChildEnv(prefix: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  delete env['PYTHONHOME'];
  delete env['VIRTUAL_ENV'];
  const bin = path.join(prefix, 'bin');
  const previous = base['CONDA_PREFIX'];
  const stale = previous !== undefined && previous !== '' ? path.join(previous, 'bin') : null;
  const rest = (base['PATH'] ?? '').split(path.delimiter).filter((dir) => dir !== '' && dir !== stale && dir !== bin);
  env['PATH'] = [bin, ...rest].join(path.delimiter);
  env['CONDA_PREFIX'] = prefix;
  env['CONDA_DEFAULT_ENV'] = prefix;
  env['CONDA_SHLVL'] = '1';
  return env;
}
