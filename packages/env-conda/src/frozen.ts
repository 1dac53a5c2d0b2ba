import { EnvError } from '@mlproject/env';

/** What a recorded lock asks for: exact packages from their channels, and pinned pip lines. */
export interface FrozenPlan {
  /** Channel URLs the packages came from, in order of first appearance (`<url>` minus `/<subdir>/<file>`). */
  channels: string[];
  /** One exact match spec per package: `name ==version build[md5=<md5>]` (no md5 pin when unknown). */
  specs: string[];
  /** `name==version` lines from `# pip ...` comments. */
  pip: string[];
  /** The package lines (`<url>#<md5>`) the rebuilt env's lock must list. */
  packageLines: string[];
}

const PACKAGE_FILE = /^(.+)-([^-]+)-([^-]+)\.(tar\.bz2|conda)$/;

/**
 * Reads a lock written by this backend (`conda list --explicit --md5` format, see
 * `formatExplicitLock`) into the exact specs that rebuild the same env with no free choice left:
 * every package pinned by name, version, build and md5 to the channel its URL names. Pure.
 * @throws EnvError ERR_MLPROJECT_ENV_BUILD_FAILED for a line that is not a package URL, or a lock with none.
 */
export function frozenPlan(lock: string): FrozenPlan {
  const plan: FrozenPlan = { channels: [], specs: [], pip: [], packageLines: [] };
  for (const raw of lock.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('# pip ')) plan.pip.push(line.slice('# pip '.length).trim());
    if (line === '' || line.startsWith('#') || line === '@EXPLICIT') continue;
    const [url = '', md5 = ''] = line.split('#');
    const parts = url.split('/');
    const match = PACKAGE_FILE.exec(parts.at(-1) ?? '');
    if (match === null || parts.length < 3) {
      throw new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', `the recorded lock has a line that is not a conda package URL: ${line}`, {
        hint: 'a conda lock lists one <channel>/<subdir>/<name>-<version>-<build>.tar.bz2#<md5> per line',
      });
    }
    const channel = parts.slice(0, -2).join('/');
    if (!plan.channels.includes(channel)) plan.channels.push(channel);
    plan.specs.push(`${match[1]} ==${match[2]} ${match[3]}${/^[0-9a-f]{32}$/i.test(md5) ? `[md5=${md5}]` : ''}`);
    plan.packageLines.push(line);
  }
  if (plan.specs.length === 0) {
    throw new EnvError('ERR_MLPROJECT_ENV_BUILD_FAILED', 'the recorded lock lists no conda packages', { hint: 'pass the lock of a run that used --env-manager conda' });
  }
  return plan;
}

/** The package lines (`<url>#<md5>`) of a lock, sorted: what two locks must share to describe the same env. Pure. */
export function lockPackageLines(lock: string): string[] {
  return lock
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && line !== '@EXPLICIT')
    .sort();
}
