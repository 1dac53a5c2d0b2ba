/**
 * The environment conda-like tools run in: `base` without `PYTHONHOME`, `PYTHONPATH` and
 * `VIRTUAL_ENV`, plus `CONDA_ALWAYS_YES=true` and `MAMBA_ALWAYS_YES=true` (no prompt can hang a
 * build whose stdin is closed) and `PIP_NO_INPUT=1`, `PIP_DISABLE_PIP_VERSION_CHECK=1` unless set.
 */
export function toolEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  delete env['PYTHONHOME'];
  delete env['PYTHONPATH'];
  delete env['VIRTUAL_ENV'];
  const defaults = { CONDA_ALWAYS_YES: 'true', MAMBA_ALWAYS_YES: 'true', PIP_NO_INPUT: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  for (const [name, value] of Object.entries(defaults)) env[name] ??= value;
  return env;
}
