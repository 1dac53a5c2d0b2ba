import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { RunnerError, openStore, resolveTrackingUri, storeTarget } from '@mlproject/runner';
import { createTrackingServer, isLoopbackHost, type ServerAuth } from '@mlproject/tracking-server';
import { reapAndReport } from './runs.js';
import { findUiDirectory } from './ui-directory.js';

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

interface ServerFlags {
  host: string;
  port: number;
  backendStoreUri?: string;
  artifactsDestination?: string;
  tokenFile?: string;
  usersFile?: string;
  maxRequestSize?: number;
  maxArtifactSize?: number;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535.');
  return n;
}

/** `10m`, `2g`, `512k` or a plain number of bytes. */
function bytes(value: string): number {
  const match = /^(\d+)\s*([kmg]?)i?b?$/i.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a size in bytes, e.g. 16m, 2g or 1048576.');
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(match[1]) * unit;
}

function readSecretFile(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new RunnerError('ERR_MLPROJECT_RUN_USAGE', `${flag}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
      hint: `pass a file that holds the ${flag === '--token-file' ? 'token' : 'user:password lines'}`,
    });
  }
}

/**
 * Who may call the server: a token (`MLPROJECT_SERVER_TOKEN` or `--token-file`) and/or users from
 * `--users-file` (one `name:password` per line; `#` comments). Secrets never come from the
 * command line, where other users of the machine could read them in the process list.
 * @throws RunnerError ERR_MLPROJECT_RUN_USAGE for an unreadable or malformed file.
 */
export function serverAuth(flags: Pick<ServerFlags, 'tokenFile' | 'usersFile'>, env: NodeJS.ProcessEnv): ServerAuth | undefined {
  const auth: ServerAuth = {};
  const token = flags.tokenFile !== undefined ? readSecretFile(flags.tokenFile, '--token-file').trim() : env['MLPROJECT_SERVER_TOKEN']?.trim();
  // An empty secret must never mean "no auth": the user asked for auth and would not notice.
  if (token === '') {
    throw new RunnerError('ERR_MLPROJECT_RUN_USAGE', flags.tokenFile !== undefined ? `--token-file: ${flags.tokenFile} is empty` : 'MLPROJECT_SERVER_TOKEN is set but empty', {
      hint: 'put the token in it (any long random string, e.g. from `openssl rand -hex 32`), or unset it to serve without auth',
    });
  }
  if (token !== undefined) auth.token = token;
  if (flags.usersFile !== undefined) {
    const lines = readSecretFile(flags.usersFile, '--users-file').split(/\r?\n/);
    auth.users = [];
    lines.forEach((line, index) => {
      if (line.trim() === '' || line.trim().startsWith('#')) return;
      const colon = line.indexOf(':');
      if (colon <= 0 || colon === line.length - 1) {
        throw new RunnerError('ERR_MLPROJECT_RUN_USAGE', `--users-file: ${flags.usersFile}:${index + 1}: expected name:password`, {
          hint: 'write one user per line as name:password',
        });
      }
      auth.users?.push({ username: line.slice(0, colon), password: line.slice(colon + 1) });
    });
    if (auth.users.length === 0) {
      throw new RunnerError('ERR_MLPROJECT_RUN_USAGE', `--users-file: ${flags.usersFile} names no user`, { hint: 'write one user per line as name:password' });
    }
  }
  return auth.token === undefined && (auth.users?.length ?? 0) === 0 ? undefined : auth;
}

/**
 * Serves until SIGINT or SIGTERM, then closes the store. With `uiDirectory`, the built web UI is
 * served at `/` as well (`mlproject ui`).
 */
async function serve(command: 'server' | 'ui', flags: ServerFlags, io: Io, uiDirectory?: string): Promise<void> {
  const env = process.env;
  const cwd = process.cwd();
  const auth = serverAuth(flags, env);
  const uri = resolveTrackingUri(flags.backendStoreUri ?? env['MLFLOW_BACKEND_STORE_URI'], {}, cwd);
  const artifactsDir = flags.artifactsDestination ?? env['MLFLOW_ARTIFACTS_DESTINATION'];
  const target = storeTarget(uri, cwd);
  const newFile = (target.kind === 'sqlite' || target.kind === 'json') && !existsSync(target.file) ? target.file : null;
  const opened = await openStore(uri, cwd, { env, ...(artifactsDir === undefined ? {} : { artifactsDestination: path.resolve(cwd, artifactsDir) }) });
  const artifactsDestination = opened.artifactsDestination;
  if (artifactsDestination === null) {
    await opened.store.close();
    throw new RunnerError('ERR_MLPROJECT_RUN_TRACKING_URI', `--backend-store-uri ${opened.uri} is a remote server: \`mlproject ${command}\` serves a store of its own`, {
      hint: 'pass sqlite:///file.db, json:///file.json or postgresql://user@host/db',
    });
  }
  let server;
  try {
    server = await createTrackingServer({
      store: opened.store, artifactsDestination, host: flags.host, port: flags.port,
      ...(uiDirectory === undefined ? {} : { uiDirectory }),
      // A server bug answers 500 to the client; the server's default reporter puts the trace on stderr.
      ...(auth ? { auth } : {}),
      ...(flags.maxRequestSize === undefined ? {} : { maxRequestBytes: flags.maxRequestSize }),
      ...(flags.maxArtifactSize === undefined ? {} : { maxArtifactBytes: flags.maxArtifactSize }),
    });
  } catch (error) {
    await opened.store.close();
    // A store file made just now for a server that never started is not the user's: remove it.
    if (newFile !== null) for (const suffix of ['', '-wal', '-shm', '.lock']) rmSync(`${newFile}${suffix}`, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new RunnerError('ERR_MLPROJECT_RUN_BAD_OPTION', `Cannot listen on ${flags.host}: no such host name (${code})`, {
        hint: 'pass an address of this machine: 127.0.0.1 (the default), 0.0.0.0 for every interface, or a name that resolves to one',
      });
    }
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new RunnerError('ERR_MLPROJECT_RUN_BAD_OPTION', `Cannot listen on ${flags.host}:${flags.port} (${code})`, {
        hint: code === 'EADDRINUSE' ? 'another program uses that port: pick another with --port' : 'pick another --host or --port',
      });
    }
    throw error;
  }
  if (!isLoopbackHost(flags.host) && auth === undefined) {
    io.err(`mlproject: warning: listening on ${flags.host} without auth: anyone who can reach port ${server.port} can read and change every run`);
    io.err('  hint: set MLPROJECT_SERVER_TOKEN (clients set MLFLOW_TRACKING_TOKEN), or pass --users-file');
  }
  // Runs whose `mlproject run` died are marked FAILED before anyone looks at them.
  await reapAndReport(opened, io.err);
  io.out(`mlproject ${command}: serving ${opened.uri} at ${server.url} (artifacts in ${artifactsDestination}${auth ? ', auth required' : ''})`);
  if (uiDirectory !== undefined) io.out(`  UI: ${server.url}/`);
  io.out(`  clients: export MLFLOW_TRACKING_URI=${server.url}`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  await opened.store.close();
}

/** The options `server` and `ui` share, as `mlflow server` and `mlflow ui` do (`mlflow/cli.py`). */
function serverOptions(command: Command): Command {
  return command
    .option('--host <host>', 'address to listen on; anything but loopback lets other machines in', '127.0.0.1')
    .option('-p, --port <port>', 'port to listen on (0: any free port)', port, 5000)
    .option('--backend-store-uri <uri>', 'tracking store (default: MLFLOW_BACKEND_STORE_URI, else sqlite:///mlproject.db)')
    .option('--artifacts-destination <dir>', 'directory for artifacts (default: MLFLOW_ARTIFACTS_DESTINATION, else mlartifacts/ beside the store)')
    .option('--token-file <file>', 'require this bearer token (default: MLPROJECT_SERVER_TOKEN when set)')
    .option('--users-file <file>', 'require Basic auth with one of these name:password lines')
    .option('--max-request-size <bytes>', 'largest JSON request, e.g. 16m', bytes)
    .option('--max-artifact-size <bytes>', 'largest artifact upload, e.g. 2g', bytes);
}

/**
 * `mlproject server`: the tracking server for a team, as `mlflow server` (`mlflow/server/__init__.py`)
 * with `--serve-artifacts`. Serves until SIGINT or SIGTERM, then closes the store and exits 0.
 */
export function registerServer(program: Command, io: Io): void {
  serverOptions(program.command('server'))
    .description('Serve a tracking store over MLflow\'s REST API, with artifacts, for the `mlflow` client and `mlproject run`')
    .action(async (flags: ServerFlags) => serve('server', flags, io));
}

/**
 * `mlproject ui`: the same server with the web UI at `/` on the same port, as `mlflow ui`.
 * @throws RunnerError ERR_MLPROJECT_RUN_USAGE when the UI's bundle cannot be found.
 */
export function registerUi(program: Command, io: Io): void {
  serverOptions(program.command('ui'))
    .description('Serve the web UI (runs table, run pages, charts) with the tracking server on the same port')
    .action(async (flags: ServerFlags) => serve('ui', flags, io, findUiDirectory()));
}
