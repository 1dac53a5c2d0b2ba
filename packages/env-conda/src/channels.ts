import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CondaEnv } from '@mlproject/spec';

/** Where a channel name such as `conda-forge` lives (conda's default `channel_alias`). */
export const CHANNEL_ALIAS = 'https://conda.anaconda.org';

/** What conda's `defaults` channel stands for on Linux and macOS (conda's `default_channels`). */
export const DEFAULT_CHANNELS = ['https://repo.anaconda.com/pkgs/main', 'https://repo.anaconda.com/pkgs/r'];

/**
 * The channel URLs the `rattler` engine solves against, in priority order, as conda would read the
 * conda.yaml's `channels`: a URL is kept; an absolute or `./`, `../`, `~/` path becomes a `file://`
 * URL (relative paths against `baseDir`, the conda.yaml's directory); a name becomes
 * `https://conda.anaconda.org/<name>`; `defaults` expands to {@link DEFAULT_CHANNELS}; `nodefaults`
 * is dropped, and without it `defaults` is appended when absent, as `conda env create` does.
 * Duplicates are dropped. No `.condarc` is read. Pure.
 */
export function channelUrls(channels: readonly string[], baseDir: string, home = process.env['HOME'] ?? '/'): string[] {
  const named = channels.map((c) => c.trim()).filter((c) => c !== '');
  const noDefaults = named.includes('nodefaults');
  const list = named.filter((c) => c !== 'nodefaults');
  if (!noDefaults && !list.includes('defaults')) list.push('defaults');
  const urls = list.flatMap((channel) => channelUrl(channel, baseDir, home));
  return [...new Set(urls.map((url) => url.replace(/\/+$/, '')))];
}

function channelUrl(channel: string, baseDir: string, home: string): string[] {
  if (channel === 'defaults') return DEFAULT_CHANNELS;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(channel)) return [channel];
  if (channel.startsWith('~/')) return [pathToFileURL(path.join(home, channel.slice(2))).href];
  if (path.isAbsolute(channel) || /^\.{1,2}(\/|$)/.test(channel)) return [pathToFileURL(path.resolve(baseDir, channel)).href];
  return [`${CHANNEL_ALIAS}/${channel}`];
}

/** The conda package specs and the pip requirement lines of a conda.yaml (the last `{pip: [...]}` wins, as in MLflow). Pure. */
export function splitDependencies(env: CondaEnv): { conda: string[]; pip: string[] } {
  const conda: string[] = [];
  let pip: string[] = [];
  for (const dep of env.dependencies) {
    if (typeof dep === 'string') conda.push(dep);
    else pip = dep.pip;
  }
  return { conda, pip };
}

/**
 * The conda subdir of a Node platform and architecture (`linux-64`, `osx-arm64`, `win-64`, ...);
 * `unknown` for one conda has no packages for. Pure.
 */
export function condaSubdir(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = platform === 'darwin' ? 'osx' : platform === 'win32' ? 'win' : platform === 'linux' ? 'linux' : null;
  const cpu: Record<string, string> = { x64: '64', arm64: os === 'linux' ? 'aarch64' : 'arm64', ppc64: 'ppc64le', s390x: 's390x', ia32: '32' };
  const suffix = cpu[arch];
  return os === null || suffix === undefined ? 'unknown' : `${os}-${suffix}`;
}
