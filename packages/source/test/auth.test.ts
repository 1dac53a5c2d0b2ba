import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitContext, tokenFor } from '../src/git-exec.js';
import { fetchProject, SourceError } from '../src/index.js';
import { fileUrl, gitEnv, makeRepo, tempDir } from './helpers.js';

const TOKEN = 'ghp_Sup3rS3cretT0ken';
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f, { throwIfNoEntry: false })?.isFile());
}

describe('tokens', () => {
  it('are chosen per host: MLPROJECT_GIT_TOKEN, else GITHUB_TOKEN / GITLAB_TOKEN; never for plain http', () => {
    expect(tokenFor('https://github.com/o/r', { GITHUB_TOKEN: 'gh' })).toBe('gh');
    expect(tokenFor('https://gitlab.example.org/o/r', { GITHUB_TOKEN: 'gh', GITLAB_TOKEN: 'gl' })).toBe('gl');
    expect(tokenFor('https://example.com/o/r', { GITHUB_TOKEN: 'gh' })).toBeUndefined();
    expect(tokenFor('https://example.com/o/r', { MLPROJECT_GIT_TOKEN: 'ml', GITHUB_TOKEN: 'gh' })).toBe('ml');
    expect(tokenFor('http://github.com/o/r', { GITHUB_TOKEN: 'gh' })).toBeUndefined();
  });

  it('reach git as an http.extraHeader for that host only, added to any GIT_CONFIG_COUNT already set', () => {
    const ctx = gitContext('https://github.com/o/r.git', { ...gitEnv, GITHUB_TOKEN: TOKEN, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.x', GIT_CONFIG_VALUE_0: 'y' });
    const seen = execFileSync('git', ['config', '--get-regexp', '^http\\.'], { env: ctx.env, encoding: 'utf8' });
    expect(seen.trim()).toBe(`http.https://github.com/.extraheader Authorization: Basic ${BASIC}`);
    expect(execFileSync('git', ['config', 'core.x'], { env: ctx.env, encoding: 'utf8' }).trim()).toBe('y');
    expect(ctx.env['GIT_TERMINAL_PROMPT']).toBe('0');
    expect(ctx.env['GIT_SSH_COMMAND']).toBe('ssh -o BatchMode=yes');
  });

  it('never appear in an error', async () => {
    const env = { ...gitEnv, MLPROJECT_GIT_TOKEN: TOKEN };
    const error = (await fetchProject('https://127.0.0.1:1/org/private.git', { cacheDir: tempDir(), env }).catch((e: unknown) => e)) as SourceError;
    expect(error.code).toBe('ERR_MLPROJECT_SOURCE_GIT_REPO');
    expect(error.message).toContain('cannot read git repository https://127.0.0.1:1/org/private.git');
    for (const text of [error.message, error.hint ?? '', String(error.stack)]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(Buffer.from(`oauth2:${TOKEN}`).toString('base64'));
    }
  });

  it('credentials in the URL never reach provenance or the cache', async () => {
    const repo = makeRepo({ 'sub/MLproject': 'name: x\n' });
    const cacheDir = tempDir();
    const uri = `https://me:${TOKEN}@github.com/org/repo.git#sub`;
    const result = await fetchProject(uri, { cacheDir, env: { ...gitEnv, GITHUB_TOKEN: TOKEN }, rewriteUrl: () => fileUrl(repo) });
    expect(result.provenance.sourceName).toBe('https://github.com/org/repo.git#sub');
    expect(result.provenance.gitRepoUrl).toBe('https://github.com/org/repo.git');
    for (const file of allFiles(cacheDir)) expect(readFileSync(file, 'latin1')).not.toContain(TOKEN);
  });
});

describe('a repository that needs credentials', () => {
  let server: Server;
  let tlsServer: HttpsServer;
  let port = 0;
  let tlsPort = 0;
  /** The Authorization headers of every request, all of them (node keeps only the first in req.headers), '|'-joined; undefined = none. */
  const auth: (string | undefined)[] = [];
  const answer401 = (req: IncomingMessage, res: ServerResponse): void => {
    const values = req.rawHeaders.filter((_, i) => i % 2 === 1 && req.rawHeaders[i - 1]?.toLowerCase() === 'authorization');
    auth.push(values.length === 0 ? undefined : values.join('|'));
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="private"' }).end();
  };
  beforeAll(async () => {
    server = createServer(answer401);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    const certDir = tempDir();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', '-subj', '/CN=127.0.0.1'], { cwd: certDir, stdio: 'ignore' });
    tlsServer = createHttpsServer({ key: readFileSync(path.join(certDir, 'key.pem')), cert: readFileSync(path.join(certDir, 'cert.pem')) }, answer401);
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    tlsPort = (tlsServer.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
  });

  it('fails at once with one line, without prompting and without the password', async () => {
    const uri = `http://me:${TOKEN}@127.0.0.1:${port}/org/private.git`;
    auth.length = 0;
    const error = (await fetchProject(uri, { cacheDir: tempDir(), env: gitEnv }).catch((e: unknown) => e)) as SourceError;
    expect(auth.length).toBeGreaterThan(0);
    expect(error.code).toBe('ERR_MLPROJECT_SOURCE_GIT_REPO');
    expect(error.message).toMatch(new RegExp(`^cannot read git repository http://127\\.0\\.0\\.1:${port}/org/private\\.git: `));
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain(TOKEN);
    expect(error.hint).toContain('MLPROJECT_GIT_TOKEN');
  });

  it('sends no Authorization header at all when no token is configured (no made-up credentials from askpass)', async () => {
    auth.length = 0;
    const error = (await fetchProject(`http://127.0.0.1:${port}/org/private.git`, { cacheDir: tempDir(), env: gitEnv }).catch((e: unknown) => e)) as SourceError;
    expect(error.code).toBe('ERR_MLPROJECT_SOURCE_GIT_REPO');
    expect(auth.length).toBeGreaterThan(0);
    expect(auth).toEqual(auth.map(() => undefined));
    expect(error.message).toMatch(/could not read Username/);
    expect(error.hint).toBe('check the URL; a private repository needs MLPROJECT_GIT_TOKEN (or GITHUB_TOKEN / GITLAB_TOKEN) for https, or an ssh key in your agent for ssh');
  });

  it('with MLPROJECT_GIT_TOKEN sends only the token', async () => {
    auth.length = 0;
    const env = { ...gitEnv, MLPROJECT_GIT_TOKEN: TOKEN, GIT_SSL_NO_VERIFY: '1' };
    const error = (await fetchProject(`https://127.0.0.1:${tlsPort}/org/private.git`, { cacheDir: tempDir(), env }).catch((e: unknown) => e)) as SourceError;
    expect(error.code).toBe('ERR_MLPROJECT_SOURCE_GIT_REPO');
    expect(auth.length).toBeGreaterThan(0);
    const expected = `Basic ${Buffer.from(`oauth2:${TOKEN}`).toString('base64')}`;
    expect(auth).toEqual(auth.map(() => expected));
    expect(error.hint).toBe('the server refused the token in MLPROJECT_GIT_TOKEN (or GITHUB_TOKEN/GITLAB_TOKEN): check it has read access to this repository');
  });
});
