import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cliBin, mlproject, tempDir } from './helpers.js';

const started: { kill: (signal?: NodeJS.Signals) => boolean }[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

/** Starts `mlproject server` (or `ui`) and resolves with its URL once it prints it. */
async function startServer(args: string[], cwd: string, env: Record<string, string> = {}, command: 'server' | 'ui' = 'server') {
  const child = execa('node', [cliBin, command, '--port', '0', ...args], { cwd, env, reject: false, all: true });
  started.push(child);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.all?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /at (http:\/\/\S+) /.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    void child.then(() => reject(new Error(`server exited: ${output}`)));
  });
  return { child, url, output: () => output };
}

describe('mlproject server', () => {
  it('serves the store named by --backend-store-uri on 127.0.0.1, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir('server');
    const { child, url } = await startServer(['--backend-store-uri', 'sqlite:///team.db', '--artifacts-destination', 'art'], dir);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const created = await fetch(`${url}/api/2.0/mlflow/experiments/create`, { method: 'POST', body: JSON.stringify({ name: 'team-exp' }) });
    expect(created.status).toBe(200);
    const put = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/1/a.txt`, { method: 'PUT', body: 'a' });
    expect(put.status).toBe(200);
    expect(existsSync(path.join(dir, 'art', '1', 'a.txt'))).toBe(true);
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(0);
    const listed = await mlproject(['runs', 'list', '--tracking-uri', 'sqlite:///team.db', '--json'], { cwd: dir });
    expect(listed.exitCode, listed.all).toBe(0);
  });

  it('requires the token from MLPROJECT_SERVER_TOKEN or users from --users-file', async () => {
    const dir = tempDir('server-auth');
    writeFileSync(path.join(dir, 'users'), '# team\nana:pa:ss\n\n');
    const { url } = await startServer(['--users-file', 'users'], dir, { MLPROJECT_SERVER_TOKEN: 't0k' });
    const search = `${url}/api/2.0/mlflow/experiments/search?max_results=1`;
    expect((await fetch(search)).status).toBe(401);
    expect((await fetch(search, { headers: { authorization: 'Bearer t0k' } })).status).toBe(200);
    const basic = `Basic ${Buffer.from('ana:pa:ss').toString('base64')}`;
    expect((await fetch(search, { headers: { authorization: basic } })).status).toBe(200);
  });

  it('warns when it listens beyond loopback without auth', async () => {
    const dir = tempDir('server-open');
    const server = await startServer(['--host', '0.0.0.0'], dir);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.output()).toMatch(/warning: listening on 0\.0\.0\.0 without auth/);
  });

  it('says in one line when the port is taken or a users file is malformed', async () => {
    const dir = tempDir('server-bad');
    const { url } = await startServer([], dir);
    const port = new URL(url).port;
    const taken = await mlproject(['server', '--port', port], { cwd: dir });
    expect(taken.exitCode).toBe(1);
    expect(taken.all).toMatch(/^mlproject: error: Cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)\n {2}hint: /);
    writeFileSync(path.join(dir, 'users'), 'no-colon-here\n');
    const bad = await mlproject(['server', '--port', '0', '--users-file', 'users'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
    expect(bad.all).toMatch(/--users-file: users:1: expected name:password/);
    expect(bad.all).not.toMatch(/\n\s+at /);
  });

  it('refuses an empty token or users file instead of serving without auth (tester finding)', async () => {
    const dir = tempDir('server-empty');
    writeFileSync(path.join(dir, 'token'), '  \n');
    writeFileSync(path.join(dir, 'users'), '# nobody\n\n');
    const token = await mlproject(['server', '--port', '0', '--token-file', 'token'], { cwd: dir });
    expect(token.exitCode).toBe(2);
    expect(token.all).toMatch(/^mlproject: error: --token-file: token is empty\n {2}hint: /);
    const users = await mlproject(['server', '--port', '0', '--users-file', 'users'], { cwd: dir });
    expect(users.exitCode).toBe(2);
    expect(users.all).toMatch(/--users-file: users names no user/);
    const envToken = await mlproject(['server', '--port', '0'], { cwd: dir, env: { MLPROJECT_SERVER_TOKEN: '' } });
    expect(envToken.exitCode).toBe(2);
    expect(envToken.all).toMatch(/MLPROJECT_SERVER_TOKEN is set but empty/);
    expect(existsSync(path.join(dir, 'mlproject.db'))).toBe(false);
  });

  it('leaves no new store file behind when it cannot listen', async () => {
    const dir = tempDir('server-nofile');
    const { url } = await startServer([], dir);
    const taken = await mlproject(['server', '--port', new URL(url).port, '--backend-store-uri', 'sqlite:///fresh.db'], { cwd: dir });
    expect(taken.exitCode).toBe(1);
    expect(existsSync(path.join(dir, 'fresh.db'))).toBe(false);
    expect(existsSync(path.join(dir, 'fresh.db-wal'))).toBe(false);
  });
});

describe('mlproject ui', () => {
  it('serves the web UI and the API on one port, and prints the URL', async () => {
    const dir = tempDir('ui');
    const { url, output } = await startServer(['--backend-store-uri', 'sqlite:///ui.db'], dir, {}, 'ui');
    expect(output()).toMatch(/^mlproject ui: serving .* at http:\/\/127\.0\.0\.1:\d+ /);
    await vi.waitFor(() => expect(output()).toContain(`UI: ${url}/`));
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<main id="app">');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const search = await fetch(`${url}/ajax-api/2.0/mlflow/experiments/search`, { method: 'POST', body: JSON.stringify({ max_results: 1 }) });
    expect(search.status).toBe(200);
  });

  it('names MLPROJECT_UI_DIR in one line when it holds no built UI (tester finding: the hint said to build)', async () => {
    const dir = tempDir('ui-missing');
    const result = await mlproject(['ui', '--port', '0'], { cwd: dir, env: { MLPROJECT_UI_DIR: 'nothing' } });
    expect(result.exitCode).toBe(2);
    expect(result.all).toBe(
      `mlproject: error: MLPROJECT_UI_DIR=nothing: no index.html in ${path.join(dir, 'nothing')}\n`
      + '  hint: point MLPROJECT_UI_DIR at a built web UI (e.g. apps/ui/dist after `pnpm run build`), or unset it to serve the one built with mlproject',
    );
  });
});
