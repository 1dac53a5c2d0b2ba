import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listArtifactFiles, resolveArtifactPath } from '../src/index.js';
import { call, rawRequest, useServer } from './helpers.js';

describe('mlflow-artifacts service', () => {
  const h = useServer();
  const base = '/api/2.0/mlflow-artifacts/artifacts';
  const put = (path: string, body: Uint8Array | string, type?: string) =>
    fetch(`${h.env.server.url}${base}/${path}`, { method: 'PUT', body, ...(type ? { headers: { 'content-type': type } } : {}) });

  it('stores uploads of any content type under the destination and serves them back byte for byte', async () => {
    const bytes = new Uint8Array(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    expect((await put('1/run/artifacts/model/model.pkl', bytes, 'application/octet-stream')).status).toBe(200);
    expect((await put('1/run/artifacts/MLmodel', 'flavors: {}\n', 'text/x-yaml')).status).toBe(200);
    expect((await put('1/run/artifacts/notes.json', '{"not": "parsed"}', 'application/json')).status).toBe(200);
    expect((await put('1/run/artifacts/raw', 'no content type')).status).toBe(200);
    expect(readFileSync(join(h.env.artifacts, '1/run/artifacts/notes.json'), 'utf8')).toBe('{"not": "parsed"}');
    const download = await fetch(`${h.env.server.url}${base}/1/run/artifacts/model/model.pkl`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="model.pkl"');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
    const missing = await call(h.env.server.url, 'GET', `${base}/1/run/artifacts/nope.txt`);
    expect(missing).toMatchObject({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
  });

  it('lists one directory level with entry names, sizes for files, {} for files and missing paths', async () => {
    await put('2/r/artifacts/a.txt', 'aaa');
    await put('2/r/artifacts/plots/p.png', 'png');
    const root = await call(h.env.server.url, 'GET', `${base}?path=2%2Fr%2Fartifacts`);
    expect(root.json).toEqual({ files: [{ path: 'a.txt', is_dir: false, file_size: 3 }, { path: 'plots', is_dir: true }] });
    const sub = await call(h.env.server.url, 'GET', `${base}?path=2/r/artifacts/plots`);
    expect(sub.json).toEqual({ files: [{ path: 'p.png', is_dir: false, file_size: 3 }] });
    const file = await call(h.env.server.url, 'GET', `${base}?path=2/r/artifacts/a.txt`);
    expect(file.json).toEqual({});
    expect((await call(h.env.server.url, 'GET', `${base}?path=2/none`)).json).toEqual({});
    expect((await call(h.env.server.url, 'DELETE', `${base}/2/r/artifacts/plots`)).status).toBe(200);
    expect(existsSync(join(h.env.artifacts, '2/r/artifacts/plots'))).toBe(false);
  });

  it('refuses path escapes with 400 INVALID_PARAMETER_VALUE and writes nothing outside', async () => {
    for (const path of ['1/../../escape.txt', '1/%2e%2e/%2e%2e/escape.txt', '1/..%252f..%252fescape.txt', '1/a%5Cb.txt', '1/x%23y', '/etc/passwd']) {
      const answer = await rawRequest(h.env.server.url, 'PUT', `${base}/${path}`, 'x');
      expect(answer.status, path).toBe(400);
      expect(answer.json, path).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
    const listUp = await call(h.env.server.url, 'GET', `${base}?path=..`);
    expect(listUp.status).toBe(400);
    expect(existsSync(join(h.env.dir, 'escape.txt'))).toBe(false);
  });

  it('answers multipart requests with the message that makes the client fall back to a single PUT', async () => {
    const answer = await call(h.env.server.url, 'POST', '/api/2.0/mlflow-artifacts/mpu/create/1/run/big.bin', { path: 'big.bin', num_parts: 3 });
    expect(answer.status).toBe(501);
    expect(answer.json.error_code).toBe('NOT_IMPLEMENTED');
    expect(answer.json.message.startsWith('Multipart upload is not supported for the current artifact repository')).toBe(true);
  });

  it('lists a run\'s artifacts for the UI relative to the run root', async () => {
    const run = await h.env.store.createRun({ experimentId: '0', userId: 'u', startTime: 1, tags: [] });
    const rel = run.info.artifactUri.replace('mlflow-artifacts:/', '');
    await put(`${rel}/plots/a.png`, 'a');
    const answer = await call(h.env.server.url, 'GET', `/ajax-api/2.0/mlflow/artifacts/list?run_id=${run.info.runId}&path=plots`);
    expect(answer.json).toEqual({ root_uri: run.info.artifactUri, files: [{ path: 'plots/a.png', is_dir: false, file_size: 1 }] });
  });
});

describe('resolveArtifactPath and listArtifactFiles', () => {
  it('maps mlflow-artifacts URIs under the destination and local URIs to themselves', () => {
    expect(resolveArtifactPath('/srv/art', 'mlflow-artifacts:/1/abc/artifacts')).toBe('/srv/art/1/abc/artifacts');
    expect(resolveArtifactPath('/srv/art', 'mlflow-artifacts://localhost:5000/1/x')).toBe('/srv/art/1/x');
    expect(resolveArtifactPath('/srv/art', 'mlflow-artifacts:/')).toBe('/srv/art');
    expect(resolveArtifactPath('/srv/art', pathToFileURL('/data/run 1').href)).toBe('/data/run 1');
    expect(resolveArtifactPath('/srv/art', '/abs/path')).toBe('/abs/path');
  });

  it('refuses escapes and remote URIs', () => {
    expect(() => resolveArtifactPath('/srv/art', 'mlflow-artifacts:/1/../../etc')).toThrow(/Invalid path/);
    expect(() => resolveArtifactPath('/srv/art', 'mlflow-artifacts:/1/a\\b')).toThrow(/Invalid path/);
    expect(() => resolveArtifactPath('/srv/art', 's3://bucket/x')).toThrow(/not local/);
  });

  it('lists files recursively with relative paths and sizes; missing is empty', async () => {
    const dest = mkdtempSync(join(tmpdir(), 'mlproject-list-'));
    try {
      mkdirSync(join(dest, '3/run/artifacts/model'), { recursive: true });
      writeFileSync(join(dest, '3/run/artifacts/model/MLmodel'), 'abc');
      writeFileSync(join(dest, '3/run/artifacts/stdout.log'), 'hello');
      expect(await listArtifactFiles(dest, 'mlflow-artifacts:/3/run/artifacts')).toEqual([
        { path: 'model/MLmodel', size: 3 },
        { path: 'stdout.log', size: 5 },
      ]);
      expect(await listArtifactFiles(dest, 'mlflow-artifacts:/3/none')).toEqual([]);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });
});

describe('closing the server', () => {
  it('returns at once after an upload then a download on one keep-alive connection', async () => {
    const { mkdtempSync: mk, rmSync: rm } = await import('node:fs');
    const { openSqliteStore } = await import('@mlproject/tracking-sqlite');
    const { createTrackingServer } = await import('../src/index.js');
    const dir = mk(join(tmpdir(), 'mlproject-close-'));
    const store = openSqliteStore(join(dir, 'db.sqlite'));
    const server = await createTrackingServer({ store, artifactsDestination: join(dir, 'art') });
    const url = `${server.url}/api/2.0/mlflow-artifacts/artifacts/0/r/a.txt`;
    await (await fetch(url, { method: 'PUT', body: 'abc' })).text();
    expect(await (await fetch(url)).text()).toBe('abc');
    const started = Date.now();
    await server.close();
    const closedInMs = Date.now() - started;
    await store.close();
    rm(dir, { recursive: true, force: true });
    // Fastify's keep-alive timeout is 72 s; a close that waited for it would take that long.
    expect(closedInMs).toBeLessThan(10_000);
  });
});
