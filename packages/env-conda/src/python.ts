import { EnvError } from '@mlproject/env';
import { execa } from 'execa';
import { which } from '@mlproject/env';

/** A Python interpreter that can run py-rattler (CPython >= 3.10, its wheels' `abi3` floor). */
export interface HostPython {
  /** `sys.executable`: the real interpreter, past any pyenv shim. */
  executable: string;
  /** e.g. "3.11.7". */
  version: string;
}

const PROBE = 'import sys; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3])';
const found = new Map<string, Promise<HostPython>>();

/**
 * The interpreter that runs py-rattler: `python3`, else `python`, on `env.PATH`, asked once per
 * process (per PATH) for its real executable and version.
 * @throws EnvError ERR_MLPROJECT_ENV_PYTHON_NOT_FOUND when there is none, or it is older than 3.10.
 */
export function findHostPython(env: NodeJS.ProcessEnv): Promise<HostPython> {
  const key = env['PATH'] ?? '';
  let pending = found.get(key);
  if (pending === undefined) {
    pending = probe(env);
    found.set(key, pending);
    pending.catch(() => found.delete(key));
  }
  return pending;
}

async function probe(env: NodeJS.ProcessEnv): Promise<HostPython> {
  const hint = 'the rattler engine runs py-rattler on Python >= 3.10: put python3 on PATH, or install micromamba or conda';
  const candidate = (await which('python3', env)) ?? (await which('python', env));
  if (candidate === null) {
    throw new EnvError('ERR_MLPROJECT_ENV_PYTHON_NOT_FOUND', 'no conda, mamba or micromamba is installed, and no python3 on PATH to run py-rattler', { hint });
  }
  const result = await execa(candidate, ['-c', PROBE], { env, extendEnv: false, reject: false, stdin: 'ignore' });
  const [executable, version] = result.stdout.trim().split(/\r?\n/);
  const [major, minor] = (version ?? '').split('.').map(Number);
  if (result.exitCode !== 0 || executable === undefined || version === undefined) {
    throw new EnvError('ERR_MLPROJECT_ENV_PYTHON_NOT_FOUND', `${candidate} does not run (${result.stderr.trim().split('\n').pop() ?? `exit code ${result.exitCode}`})`, { hint });
  }
  if (major !== 3 || (minor ?? 0) < 10) {
    throw new EnvError('ERR_MLPROJECT_ENV_PYTHON_NOT_FOUND', `${candidate} is Python ${version}; py-rattler needs Python >= 3.10`, { hint });
  }
  return { executable, version };
}
