import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvError, buildLogPath, buildOnce, envKey } from '@mlproject/env';
import { note, runStep, runTool, type StepContext } from '@mlproject/env';
import type { HostPython } from './python.js';

/** The driver script shipped with this package (`python/rattler_env.py`), next to `src/` and `dist/`. */
export const RATTLER_SCRIPT = fileURLToPath(new URL('../python/rattler_env.py', import.meta.url));

/**
 * Installs py-rattler `version` from PyPI into `<cacheDir>/tools/py-rattler-<version>/` once
 * (`pip install --target`, under `buildOnce`, so concurrent runs provision it once) and returns
 * that directory, to be put on `PYTHONPATH`. py-rattler is one `abi3` wheel with no dependencies
 * (~25 MB; ~2 s to install).
 * @throws EnvError ERR_MLPROJECT_ENV_TOOL_MISSING when pip cannot install it (offline, no index), with its log.
 */
export async function provisionRattler(cacheDir: string, python: HostPython, version: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<string> {
  const name = `py-rattler-${version}`;
  const dir = path.join(cacheDir, 'tools', name);
  const ctx: StepContext = { logFile: buildLogPath(cacheDir, 'tools', name), env };
  const isHealthy = async (target: string): Promise<boolean> => {
    const probe = await runTool({ ...ctx, env: { ...env, PYTHONPATH: target } }, 'checking py-rattler', python.executable, ['-c', 'import rattler'], cacheDir).catch(() => null);
    return probe?.exitCode === 0;
  };
  try {
    await buildOnce(
      dir,
      async (target) => {
        log(`provisioning py-rattler ${version} into ${dir}`);
        await runStep(ctx, `installing py-rattler ${version} from PyPI`, python.executable, ['-m', 'pip', 'install', '--target', target, `py-rattler==${version}`], cacheDir);
        if (!(await isHealthy(target))) throw new Error(`pip installed py-rattler but \`import rattler\` fails with ${python.executable}`);
      },
      { key: envKey({ tool: 'py-rattler', version }), log },
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EnvError('ERR_MLPROJECT_ENV_TOOL_MISSING', `no conda is installed and py-rattler ${version} could not be installed from PyPI: ${reason}`, {
      hint: 'install micromamba or conda, or make PyPI reachable for pip',
      logFile: ctx.logFile,
      cause: error,
    });
  }
  return dir;
}

export interface RattlerCreate {
  prefix: string;
  /** Channel URLs in priority order (see `channelUrls`). */
  channels: readonly string[];
  /** conda match specs, e.g. `python=3.11`, `numpy >=1.26`. */
  specs: readonly string[];
  /** The conda.yaml, for messages. */
  file: string;
  cacheDir: string;
  python: HostPython;
  /** From `provisionRattler`. */
  toolDir: string;
  ctx: StepContext;
}

/**
 * Solves `specs` against `channels` (for this platform and `noarch`, with the detected virtual
 * packages, strict channel priority) and installs the result into `prefix`, by running
 * `python/rattler_env.py` with py-rattler. Package files are cached in `<cacheDir>/conda/pkgs`,
 * repodata in `<cacheDir>/conda/repodata`. Link scripts are not run.
 * @throws EnvError ERR_MLPROJECT_ENV_BUILD_FAILED, one line each, with the log: "cannot solve ..."
 *   naming the spec with no candidates, "cannot read a conda channel ..." (unreachable or missing
 *   repodata), "invalid conda package spec ...", "installing ... failed".
 */
export async function createWithRattler(plan: RattlerCreate): Promise<void> {
  const temp = await mkdtemp(path.join(os.tmpdir(), 'mlproject-rattler-'));
  try {
    const request = path.join(temp, 'request.json');
    const body = {
      prefix: plan.prefix,
      channels: plan.channels,
      specs: plan.specs,
      packageCacheDir: path.join(plan.cacheDir, 'conda', 'pkgs'),
      repodataCacheDir: path.join(plan.cacheDir, 'conda', 'repodata'),
    };
    await writeFile(request, `${JSON.stringify(body, null, 2)}\n`);
    await note(plan.ctx, `rattler request: ${JSON.stringify(body)}`);
    const env = { ...plan.ctx.env, PYTHONPATH: plan.toolDir, PYTHONNOUSERSITE: '1' };
    const step = `solving and installing ${plan.specs.length} conda package spec(s) with py-rattler`;
    const outcome = await runTool({ ...plan.ctx, env }, step, plan.python.executable, [RATTLER_SCRIPT, request], path.dirname(plan.file));
    if (outcome.exitCode === 0) return;
    throw rattlerError(outcome.exitCode, outcome.all, outcome.how, plan);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** The EnvError for a failed `rattler_env.py` run, from its `mlproject-error: <kind>: <message>` line. Pure. */
export function rattlerError(exitCode: number | null, output: string, how: string, plan: Pick<RattlerCreate, 'file' | 'prefix' | 'channels' | 'ctx'>): EnvError {
  const match = /^mlproject-error: (\w+): (.*)$/m.exec(output);
  const kind = match?.[1];
  const message = match?.[2] ?? `py-rattler failed (${how}): ${output.trim().split(/\r?\n/).pop() ?? ''}`;
  const logFile = plan.ctx.logFile;
  const full = `full output in ${logFile}`;
  if (kind === 'solve' || exitCode === 3) {
    return new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `cannot solve the dependencies of ${plan.file}: ${message}`, {
      hint: `check the package names and versions in its dependencies, and that its channels (${plan.channels.join(', ')}) carry them; ${full}`,
      logFile,
    });
  }
  if (kind === 'channel' || exitCode === 4) {
    return new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `cannot read a conda channel of ${plan.file}: ${message}`, {
      hint: `check the channel URLs and your network (add nodefaults to channels to skip repo.anaconda.com); ${full}`,
      logFile,
    });
  }
  if (kind === 'spec' || exitCode === 6) {
    return new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `invalid conda package spec in ${plan.file}: ${message}`, { hint: full, logFile });
  }
  return new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `installing conda packages into ${plan.prefix} failed: ${message}`, { hint: full, logFile });
}
