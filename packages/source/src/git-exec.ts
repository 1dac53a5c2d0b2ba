import { execa } from 'execa';
import { SourceError } from './errors.js';
import { safeUserinfo } from './uri.js';

/** How every git process of one fetch runs: its full environment and the secrets to mask. */
export interface GitContext {
  env: NodeJS.ProcessEnv;
  /** Strings that must never appear in a message (the token and its encoded forms). */
  secrets: string[];
}

export interface GitOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The token for an https URL: `MLPROJECT_GIT_TOKEN`, else `GITHUB_TOKEN` (github.com), else `GITLAB_TOKEN` (gitlab hosts). */
export function tokenFor(url: string, env: NodeJS.ProcessEnv): string | undefined {
  let host: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:') return undefined;
    host = parsed.hostname;
  } catch {
    return undefined;
  }
  const pick = (name: string): string | undefined => (env[name] !== undefined && env[name] !== '' ? env[name] : undefined);
  if (pick('MLPROJECT_GIT_TOKEN')) return pick('MLPROJECT_GIT_TOKEN');
  if (host === 'github.com' || host.endsWith('.github.com')) return pick('GITHUB_TOKEN');
  if (host.includes('gitlab')) return pick('GITLAB_TOKEN');
  return undefined;
}

/**
 * The environment for git that can never prompt: `GIT_TERMINAL_PROMPT=0`, `GIT_ASKPASS=false` and
 * `SSH_ASKPASS=false` (a command that fails, so git gives up instead of sending any answer as a
 * user name or password: `echo` would answer with the prompt text itself, which git then sent as
 * Basic credentials), `GCM_INTERACTIVE=never`, ssh with `-o BatchMode=yes`,
 * `LC_ALL=C` so messages can be matched. With a token for `url`, an
 * `http.<scheme://host/>.extraHeader` is added through `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/
 * `GIT_CONFIG_VALUE_n` (git >= 2.31; the same as `-c`, but kept out of the process's argv so that
 * `ps` does not show it); it applies to that host only and is never written to any file.
 */
export function gitContext(url: string, baseEnv: NodeJS.ProcessEnv): GitContext {
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'false',
    SSH_ASKPASS: 'false',
    GCM_INTERACTIVE: 'never',
    GIT_SSH_COMMAND: `${baseEnv['GIT_SSH_COMMAND'] ?? 'ssh'} -o BatchMode=yes`,
    LC_ALL: 'C',
  };
  const secrets: string[] = [];
  const token = tokenFor(url, baseEnv);
  if (token !== undefined) {
    const host = new URL(url).host;
    const user = host === 'github.com' ? 'x-access-token' : 'oauth2';
    const basic = Buffer.from(`${user}:${token}`).toString('base64');
    const n = Number.parseInt(baseEnv['GIT_CONFIG_COUNT'] ?? '0', 10) || 0;
    env[`GIT_CONFIG_KEY_${n}`] = `http.https://${host}/.extraHeader`;
    env[`GIT_CONFIG_VALUE_${n}`] = `Authorization: Basic ${basic}`;
    env['GIT_CONFIG_COUNT'] = String(n + 1);
    secrets.push(token, basic);
  }
  return { env, secrets };
}

/** `text` with every secret replaced by `***` and the credentials in URLs removed (as `stripCredentials` does: an ssh user name stays). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== '') out = out.split(secret).join('***');
  return out.replace(/([a-z][a-z0-9+.-]*:\/\/)([^/@\s]*)@/gi, (_, scheme: string, userinfo: string) => `${scheme}${safeUserinfo(scheme, userinfo)}`);
}

/** The first `fatal:` line of git's stderr (else its first `error:` line, else its last line), redacted. */
export function gitReason(outcome: GitOutcome, ctx: GitContext): string {
  const lines = outcome.stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('hint:'));
  // `fatal:` first: an `error:` line before it is usually a step on the way (e.g. the askpass failing).
  const fatal = [...lines.filter((l) => l.startsWith('fatal:')), ...lines.filter((l) => l.startsWith('error:'))];
  return redact((fatal[0] ?? lines.at(-1) ?? `exit code ${outcome.exitCode}`).replace(/^(fatal|error):\s*/, ''), ctx.secrets);
}

/**
 * Runs the system `git` with `args` in `cwd`; never throws for a non-zero exit.
 * @throws SourceError ERR_MLPROJECT_SOURCE_GIT_FAILED when git cannot be started.
 */
export async function git(ctx: GitContext, args: readonly string[], cwd: string): Promise<GitOutcome> {
  const result = await execa('git', args, { cwd, env: ctx.env, extendEnv: false, stdin: 'ignore', reject: false, stripFinalNewline: true });
  const spawnError = (result.cause as NodeJS.ErrnoException | undefined)?.code;
  if (spawnError === 'ENOENT' || spawnError === 'EACCES') {
    throw new SourceError('ERR_MLPROJECT_SOURCE_GIT_FAILED', `cannot run git (${spawnError})`, { hint: 'install git and put it on PATH' });
  }
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/**
 * {@link git}, failing on a non-zero exit with one line naming `what` and git's reason.
 * @throws SourceError ERR_MLPROJECT_SOURCE_GIT_FAILED
 */
export async function gitOk(ctx: GitContext, args: readonly string[], cwd: string, what: string): Promise<string> {
  const outcome = await git(ctx, args, cwd);
  if (outcome.exitCode !== 0) throw new SourceError('ERR_MLPROJECT_SOURCE_GIT_FAILED', `${what} failed: ${gitReason(outcome, ctx)}`);
  return outcome.stdout;
}
