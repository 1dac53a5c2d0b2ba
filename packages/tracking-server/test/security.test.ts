import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authorized, unauthenticatedMessage } from '../src/http/security.js';
import { call, rawRequest, useServer } from './helpers.js';

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const SEARCH = '/api/2.0/mlflow/experiments/search?max_results=5';

describe('auth', () => {
  const h = useServer({ auth: { token: 'tok-123', users: [{ username: 'ana', password: 'p:w' }] } });

  it('refuses calls without valid credentials with 401 UNAUTHENTICATED and says how to authenticate, or what was wrong', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /^Authentication required: set MLFLOW_TRACKING_TOKEN/],
      [{ authorization: 'Bearer wrong' }, /^Credentials refused: wrong token$/],
      [{ authorization: basic('ana', 'nope') }, /^Credentials refused: wrong user name or password$/],
      [{ authorization: basic('bob', 'p:w') }, /^Credentials refused: wrong user name or password$/],
      [{ authorization: 'Basic !!!' }, /^Credentials refused: wrong user name or password$/],
      [{ authorization: 'Digest x' }, /^Credentials refused: this server takes a token \(Bearer\) or a user name and password \(Basic\)$/],
    ];
    for (const [headers, message] of cases) {
      const answer = await call(h.env.server.url, 'GET', SEARCH, undefined, headers);
      expect(answer.status, JSON.stringify(headers)).toBe(401);
      expect(answer.json).toMatchObject({ error_code: 'UNAUTHENTICATED', message: expect.stringMatching(message) });
      expect(answer.headers.get('www-authenticate')).toBe('Basic realm="mlproject", Bearer');
    }
    const create = await call(h.env.server.url, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'sneaky' });
    expect(create.status).toBe(401);
    expect(await h.env.store.getExperimentByName('sneaky')).toBeNull();
    const upload = await fetch(`${h.env.server.url}/api/2.0/mlflow-artifacts/artifacts/0/x.txt`, { method: 'PUT', body: 'x' });
    expect(upload.status).toBe(401);
    expect(existsSync(join(h.env.artifacts, '0', 'x.txt'))).toBe(false);
  });

  it('accepts the bearer token and Basic users (a password may hold a colon); /health stays open', async () => {
    expect((await call(h.env.server.url, 'GET', SEARCH, undefined, { authorization: 'Bearer tok-123' })).status).toBe(200);
    expect((await call(h.env.server.url, 'GET', SEARCH, undefined, { authorization: basic('ana', 'p:w') })).status).toBe(200);
    expect((await call(h.env.server.url, 'GET', '/health')).text).toBe('OK');
  });
});

describe('unauthenticatedMessage()', () => {
  it('names the one scheme a single-scheme server takes', () => {
    expect(unauthenticatedMessage('Basic YTpi', { token: 't' })).toBe('Credentials refused: this server takes only a token (Bearer)');
    expect(unauthenticatedMessage('Bearer t', { users: [{ username: 'a', password: 'b' }] })).toBe('Credentials refused: this server takes only a user name and password (Basic)');
    expect(unauthenticatedMessage('  ', { token: 't' })).toMatch(/^Authentication required/);
  });
});

describe('authorized()', () => {
  it('matches schemes case-insensitively and only the configured ones', () => {
    expect(authorized('bearer t', { token: 't' })).toBe(true);
    expect(authorized('Bearer t', { users: [{ username: 'a', password: 't' }] })).toBe(false);
    expect(authorized(basic('a', 'b'), { token: 'a:b' })).toBe(false);
    expect(authorized(undefined, { token: 't' })).toBe(false);
  });
});

describe('browser protections on a loopback server', () => {
  const h = useServer();

  it('refuses a Host header that is not a loopback name (DNS rebinding)', async () => {
    const url = new URL(h.env.server.url);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: url.hostname, port: url.port, path: SEARCH, headers: { host: 'attacker.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject).end();
    });
    expect(status).toBe(403);
    expect((await call(h.env.server.url, 'GET', SEARCH, undefined, { host: `localhost:${url.port}` })).status).toBe(200);
  });

  it('refuses a state-changing request from another origin, allows the same origin', async () => {
    const evil = await call(h.env.server.url, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'csrf' }, { origin: 'http://attacker.example', 'content-type': 'text/plain' });
    expect(evil).toMatchObject({ status: 403, json: { error_code: 'PERMISSION_DENIED' } });
    expect(await h.env.store.getExperimentByName('csrf')).toBeNull();
    const same = await call(h.env.server.url, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'ui' }, { origin: h.env.server.url });
    expect(same.status).toBe(200);
  });
});

describe('request limits', () => {
  const h = useServer({ maxRequestBytes: 4096, maxArtifactBytes: 1000 });

  it('answers 413 to a JSON body over the limit and writes nothing', async () => {
    const { runId } = (await h.env.store.createRun({ experimentId: '0', userId: 'u', startTime: 1, tags: [] })).info;
    const params = Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, value: 'v'.repeat(60) }));
    const answer = await call(h.env.server.url, 'POST', '/api/2.0/mlflow/runs/log-batch', { run_id: runId, params });
    expect(answer.status).toBe(413);
    expect(answer.json).toMatchObject({ error_code: 'BAD_REQUEST' });
    expect((await h.env.store.getRun(runId)).data.params).toEqual([]);
  });

  it('answers 413 to an artifact over the limit, declared or streamed, and keeps no file', async () => {
    const url = `${h.env.server.url}/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/big.bin`;
    expect((await fetch(url, { method: 'PUT', body: new Uint8Array(1001) })).status).toBe(413);
    // Chunked: no Content-Length, so the limit is found while streaming.
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 5; i += 1) controller.enqueue(new Uint8Array(400));
        controller.close();
      },
    });
    const streamed = await fetch(url, { method: 'PUT', body: chunks, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    const dir = join(h.env.artifacts, '0', 'r', 'artifacts');
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    expect((await fetch(url, { method: 'PUT', body: new Uint8Array(1000) })).status).toBe(200);
  });
});

describe('artifact paths that escape the root', () => {
  const h = useServer();

  it('refuses .. and encoded .. in every artifact endpoint', async () => {
    for (const path of ['/api/2.0/mlflow-artifacts/artifacts/../../etc/passwd', '/api/2.0/mlflow-artifacts/artifacts/a/%2e%2e/%2e%2e/x', '/api/2.0/mlflow-artifacts/artifacts?path=..%2F..']) {
      const answer = await rawRequest(h.env.server.url, 'GET', path);
      expect([400, 404], path).toContain(answer.status);
      expect(answer.json, path).toMatchObject({ error_code: expect.stringMatching(/INVALID_PARAMETER_VALUE|ENDPOINT_NOT_FOUND/) });
    }
  });

  it('does not serve a file reached through a symlink that points outside the root', async () => {
    mkdirSync(join(h.env.artifacts, '0'), { recursive: true });
    writeFileSync(join(h.env.dir, 'secret.txt'), 'secret');
    symlinkSync(join(h.env.dir, 'secret.txt'), join(h.env.artifacts, '0', 'link.txt'));
    const answer = await call(h.env.server.url, 'GET', '/api/2.0/mlflow-artifacts/artifacts/0/link.txt');
    expect(answer.status).toBe(404);
    expect(answer.text).not.toContain('secret"');
  });
});

describe('GET /get-artifact', () => {
  const h = useServer();

  it('serves one file of a run by run_id (or run_uuid) and path; 404 for a missing one', async () => {
    const run = await h.env.store.createRun({ experimentId: '0', userId: 'u', startTime: 1, tags: [] });
    const rel = run.info.artifactUri.replace('mlflow-artifacts:/', '');
    await fetch(`${h.env.server.url}/api/2.0/mlflow-artifacts/artifacts/${rel}/logs/out.txt`, { method: 'PUT', body: 'hello\n' });
    const byId = await call(h.env.server.url, 'GET', `/get-artifact?run_id=${run.info.runId}&path=logs/out.txt`);
    expect(byId).toMatchObject({ status: 200, text: 'hello\n' });
    const byUuid = await call(h.env.server.url, 'GET', `/get-artifact?run_uuid=${run.info.runId}&path=logs%2Fout.txt`);
    expect(byUuid.text).toBe('hello\n');
    expect((await call(h.env.server.url, 'GET', `/get-artifact?run_id=${run.info.runId}&path=nope.txt`)).status).toBe(404);
    expect((await call(h.env.server.url, 'GET', `/get-artifact?run_id=${run.info.runId}&path=../../x`)).status).toBe(400);
  });
});

describe('artifact roots that escape the destination (tester finding: file:///etc#)', () => {
  const h = useServer();

  it('refuses experiment artifact locations with a fragment, a query or ..', async () => {
    for (const location of ['file:///etc#', 'file:///etc?x=', 'file://localhost/etc#', '/tmp/a/../../etc', 'file:///etc/%2e%2e/x']) {
      const answer = await call(h.env.server.url, 'POST', '/api/2.0/mlflow/experiments/create', { name: `x-${location}`, artifact_location: location });
      expect(answer.status, location).toBe(400);
      expect(answer.json).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
  });

  it('serves no file of a run whose artifact root lies outside the destination', async () => {
    writeFileSync(join(h.env.dir, 'secret.txt'), 'secret');
    const exp = await h.env.store.createExperiment('outside', h.env.dir);
    const run = await h.env.store.createRun({ experimentId: exp, userId: 'u', startTime: 1, tags: [] });
    expect(run.info.artifactUri.startsWith(h.env.dir)).toBe(true);
    mkdirSync(run.info.artifactUri, { recursive: true });
    writeFileSync(join(run.info.artifactUri, 'x.txt'), 'x');
    const got = await call(h.env.server.url, 'GET', `/get-artifact?run_id=${run.info.runId}&path=x.txt`);
    expect(got).toMatchObject({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    const listed = await call(h.env.server.url, 'GET', `/api/2.0/mlflow/artifacts/list?run_id=${run.info.runId}`);
    expect(listed.status).toBe(404);
  });
});

describe('Host names that only start with 127. (tester finding)', () => {
  const h = useServer();

  it('are refused on a loopback server; 127.x literals, localhost and [::1] are not', async () => {
    const url = new URL(h.env.server.url);
    const { request } = await import('node:http');
    const statusFor = (host: string) => new Promise<number>((resolve, reject) => {
      request({ host: url.hostname, port: url.port, path: SEARCH, headers: { host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject).end();
    });
    for (const host of ['127.evil.com', `127.0.0.1.evil.com:${url.port}`, '127.0.0.1@evil.com', 'localhost.evil.com']) {
      expect(await statusFor(host), host).toBe(403);
    }
    for (const host of [`127.0.0.1:${url.port}`, '127.1.2.3', `localhost:${url.port}`, `[::1]:${url.port}`]) {
      expect(await statusFor(host), host).toBe(200);
    }
  });
});

describe('symbolic links inside the artifact root (tester finding)', () => {
  const h = useServer();

  it('are not written through, listed through, or deleted through', async () => {
    const outside = join(h.env.dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'keep.txt'), 'keep');
    mkdirSync(join(h.env.artifacts, '0'), { recursive: true });
    symlinkSync(outside, join(h.env.artifacts, '0', 'linkdir'));
    symlinkSync(join(outside, 'keep.txt'), join(h.env.artifacts, '0', 'link.txt'));
    const base = `${h.env.server.url}/api/2.0/mlflow-artifacts/artifacts`;
    const put = await fetch(`${base}/0/linkdir/written.txt`, { method: 'PUT', body: 'X' });
    expect(put.status).toBe(400);
    expect(existsSync(join(outside, 'written.txt'))).toBe(false);
    expect((await call(h.env.server.url, 'GET', '/api/2.0/mlflow-artifacts/artifacts?path=0/linkdir')).json).toEqual({});
    expect((await call(h.env.server.url, 'GET', '/api/2.0/mlflow-artifacts/artifacts?path=0')).json).toEqual({});
    expect((await fetch(`${base}/0/linkdir/keep.txt`, { method: 'DELETE' })).status).toBe(400);
    expect(existsSync(join(outside, 'keep.txt'))).toBe(true);
  });
});
