import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import ms from 'ms';
import { EnvError, defaultCacheDir, gcEnvironments, listEnvironments, removeEnvironment, type EnvInfo } from '@mlproject/env';
import { table } from '../format.js';

function size(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

const when = (msSinceEpoch: number): string => new Date(msSinceEpoch).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');

/** A duration such as `30d`, `12h` or `90m` (parsed by `ms`), in ms. */
function duration(value: string): number {
  const parsed = ms(value as ms.StringValue);
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < 0) {
    throw new InvalidArgumentError('expected a duration such as 30d, 12h or 90m.');
  }
  return parsed;
}

/** The one environment whose key starts with `keyPrefix` (like a git abbreviated hash). */
async function findOne(cacheDir: string, keyPrefix: string): Promise<EnvInfo> {
  const wanted = keyPrefix.trim().toLowerCase();
  const matches = wanted === '' ? [] : (await listEnvironments(cacheDir)).filter((e) => e.key.startsWith(wanted));
  const [only, ...others] = matches;
  if (only === undefined) {
    throw new EnvError('ERR_MLPROJECT_ENV_NOT_FOUND', `no cached environment has a key starting with '${keyPrefix}' in ${cacheDir}`, {
      hint: 'run `mlproject env list` to see the keys',
    });
  }
  if (others.length > 0) {
    throw new EnvError('ERR_MLPROJECT_ENV_AMBIGUOUS', `'${keyPrefix}' matches ${matches.length} environments`, { hint: 'give more characters of the key' });
  }
  return only;
}

/** `mlproject env list | show KEY | rm KEY | gc --older-than D`: the environment cache. */
export function registerEnv(program: Command, io: { out: (s: string) => void }): void {
  const cacheDir = () => defaultCacheDir(process.env);
  const env = program.command('env').description('Inspect and clean the environment cache (MLPROJECT_CACHE_DIR)');
  env.command('list').description('List cached environments, least recently used first').option('--json', 'print JSON for scripts')
    .action(async (flags: { json?: boolean }) => {
      const all = await listEnvironments(cacheDir());
      if (flags.json) return io.out(JSON.stringify(all, null, 2));
      if (all.length === 0) return io.out(`No environments in ${cacheDir()}.`);
      io.out(table(['KEY', 'MANAGER', 'PYTHON', 'PACKAGES', 'SIZE', 'LAST USED'],
        all.map((e) => [e.key.slice(0, 12), e.manager, e.pythonVersion ?? '', String(e.packages), size(e.sizeBytes), when(e.lastUsedMs)])));
    });
  env.command('show').description('Show one environment and its lock').argument('<key>', 'the key, or a unique prefix of it')
    .option('--json', 'print JSON for scripts')
    .action(async (key: string, flags: { json?: boolean }) => {
      const found = await findOne(cacheDir(), key);
      const lock = found.lockFile === null ? '' : await readFile(found.lockFile, 'utf8');
      if (flags.json) return io.out(JSON.stringify({ ...found, lock }, null, 2));
      io.out(table([], [
        ['key', found.key], ['manager', found.manager], ['path', found.path], ['python', found.pythonVersion ?? ''],
        ['packages', String(found.packages)], ['size', size(found.sizeBytes)], ['created', when(found.createdMs)],
        ['last used', when(found.lastUsedMs)], ['lock digest', found.lockDigest ?? ''],
      ]));
      if (lock !== '') io.out(`\n${lock.trimEnd()}`);
    });
  env.command('rm').description('Remove one environment').argument('<key>', 'the key, or a unique prefix of it')
    .action(async (key: string) => {
      const removed = await removeEnvironment(cacheDir(), key);
      io.out(`removed ${removed.manager}/${removed.key} (${size(removed.sizeBytes)})`);
    });
  env.command('gc').description('Remove environments not used for a while, and leftovers of interrupted builds')
    .option('--older-than <duration>', 'remove environments not used for this long, e.g. 30d, 12h (default: 30d)', duration)
    .action(async (flags: { olderThan?: number }) => {
      const removed = await gcEnvironments(cacheDir(), { olderThanMs: flags.olderThan ?? ms('30d'), log: io.out });
      const freed = removed.reduce((sum, e) => sum + e.sizeBytes, 0);
      io.out(`removed ${removed.length} environment${removed.length === 1 ? '' : 's'} (${size(freed)})`);
    });
}
