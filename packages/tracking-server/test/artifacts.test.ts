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

  it('answers one byte range with 206 and just those bytes, a range past the end with 416, anything else whole', async () => {
    expect((await put('9/run/artifacts/logs/stdout.txt', 'line 1\nline 2\n')).status).toBe(200);
    const url = `${h.env.server.url}${base}/9/run/artifacts/logs/stdout.txt`;
    const tail = await fetch(url, { headers: { range: 'bytes=7-' } });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe('bytes 7-13/14');
    expect(await tail.text()).toBe('line 2\n');
    const middle = await fetch(url, { headers: { range: 'bytes=0-3' } });
    expect([middle.status, await middle.text()]).toEqual([206, 'line']);
    const suffix = await fetch(url, { headers: { range: 'bytes=-2' } });
    expect([suffix.status, await suffix.text()]).toEqual([206, '2\n']);
    const past = await fetch(url, { headers: { range: 'bytes=14-' } });
    expect([past.status, past.headers.get('content-range')]).toEqual([416, 'bytes */14']);
    const several = await fetch(url, { headers: { range: 'bytes=0-1, 3-4' } });
    expect([several.status, await several.text()]).toEqual([200, 'line 1\nline 2\n']);
    expect(several.headers.get('accept-ranges')).toBe('bytes');
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

describe('artifact names (tester findings: non-Latin-1 names gave 500, names with # could be listed but not opened)', () => {
  const h = useServer();
  const base = '/api/2.0/mlflow-artifacts/artifacts';
  const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

  async function run(): Promise<{ runId: string; rel: string; dir: string }> {
    const created = await h.env.store.createRun({ experimentId: '0', userId: 'u', startTime: 1, tags: [] });
    const rel = created.info.artifactUri.replace('mlflow-artifacts:/', '');
    return { runId: created.info.runId, rel, dir: join(h.env.artifacts, rel) };
  }

  /** The name a browser saves the download under: `filename*` when there is one. */
  function savedName(disposition: string | null): string | undefined {
    const star = /filename\*=UTF-8''([^;]+)/.exec(disposition ?? '');
    return star ? decodeURIComponent(star[1]!) : /filename="([^"]*)"/.exec(disposition ?? '')?.[1];
  }

  it('serves names outside Latin-1 through both download routes, with an RFC 6266 Content-Disposition', async () => {
    const { runId, rel } = await run();
    const names = ['数据.txt', 'отчёт.txt', '🎉 party.txt', 'say "hi" (1).txt', 'naïve.txt'];
    for (const name of names) expect((await fetch(`${h.env.server.url}${base}/${rel}/${encodeURIComponent(name)}`, { method: 'PUT', body: name })).status, name).toBe(200);
    for (const name of names) {
      for (const path of [`${base}/${rel}/${encodeURIComponent(name)}`, `/get-artifact?run_id=${runId}&path=${encodeURIComponent(name)}`]) {
        const answer = await call(h.env.server.url, 'GET', path);
        expect(answer.status, path).toBe(200);
        expect(answer.text, path).toBe(name);
        expect(savedName(answer.headers.get('content-disposition')), path).toBe(name);
      }
    }
    const chinese = await fetch(`${h.env.server.url}/get-artifact?run_id=${runId}&path=${encodeURIComponent('数据.txt')}`);
    expect(chinese.headers.get('content-disposition')).toBe("attachment; filename=\"__.txt\"; filename*=UTF-8''%E6%95%B0%E6%8D%AE.txt");
    const accented = await fetch(`${h.env.server.url}/get-artifact?run_id=${runId}&path=na%C3%AFve.txt`);
    expect(accented.headers.get('content-disposition')).toBe("attachment; filename=\"naive.txt\"; filename*=UTF-8''na%C3%AFve.txt");
  });

  it('answers every download as an attachment no browser runs as a page of this origin', async () => {
    const { runId, rel } = await run();
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/ajax-api/2.0/mlflow/experiments/search")</script></svg>';
    for (const name of ['plot.svg', 'report.html', 'data.xml', 'notes.txt', 'img.png']) {
      await fetch(`${h.env.server.url}${base}/${rel}/${name}`, { method: 'PUT', body: svg });
      for (const path of [`${base}/${rel}/${name}`, `/get-artifact?run_id=${runId}&path=${name}`]) {
        const answer = await fetch(`${h.env.server.url}${path}`);
        expect(answer.status, path).toBe(200);
        expect(answer.headers.get('content-type'), path).toBe('application/octet-stream');
        expect(answer.headers.get('x-content-type-options'), path).toBe('nosniff');
        expect(answer.headers.get('content-disposition'), path).toBe(`attachment; filename="${name}"`);
        expect(answer.headers.get('content-security-policy'), path).toMatch(/^sandbox; default-src 'none'/);
      }
    }
  });

  it('lists and serves any name a listing shows (a file written by another tool), but refuses such names on upload in one line', async () => {
    const { runId, rel, dir } = await run();
    const odd = ['a#b.txt', 'back\\slash.txt', 'line\nbreak.txt', 'tab\there.txt', '#dir/x.txt', '50%.txt', '%41.txt'];
    for (const name of odd) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), `bytes of ${name}`);
    }
    const listed = await call(h.env.server.url, 'GET', `/ajax-api/2.0/mlflow/artifacts/list?run_id=${runId}`);
    expect(listed.json.files.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['#dir', 'a#b.txt', 'back\\slash.txt', 'line\nbreak.txt']));
    const sub = await call(h.env.server.url, 'GET', `/ajax-api/2.0/mlflow/artifacts/list?run_id=${runId}&path=${encodeURIComponent('#dir')}`);
    expect(sub.json.files).toEqual([{ path: '#dir/x.txt', is_dir: false, file_size: 19 }]);
    const service = await call(h.env.server.url, 'GET', `${base}?path=${encodeURIComponent(`${rel}/#dir`)}`);
    expect(service.json).toEqual({ files: [{ path: 'x.txt', is_dir: false, file_size: 19 }] });
    for (const name of odd) {
      for (const path of [`/get-artifact?run_id=${runId}&path=${encodeURIComponent(name)}`, `${base}/${rel}/${encodePath(name)}`]) {
        const answer = await call(h.env.server.url, 'GET', path);
        expect([answer.status, answer.text], path).toEqual([200, `bytes of ${name}`]);
        expect(answer.headers.get('content-disposition'), path).toMatch(/^attachment; filename="[\x20-\x7e]+"/);
      }
    }
    for (const [name, reason] of [['new#name.txt', "contains '#'"], ['new\\name.txt', 'contains a backslash'], ['new\nname.txt', 'contains the control character U+000A']]) {
      const answer = await call(h.env.server.url, 'PUT', `${base}/${rel}/${encodeURIComponent(name!)}`, 'x');
      expect(answer.status, name).toBe(400);
      expect(answer.json.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(answer.json.message).toContain(`: it ${reason}`);
      expect(answer.json.message).toContain('rename the file');
      expect(answer.json.message).not.toContain('\n');
    }
    // What the mlflow client sends for `#dir/x.txt`: it cuts the URL at '#', so the PUT names the run's directory.
    const cut = await call(h.env.server.url, 'PUT', `${base}/${rel}/`, 'x');
    expect(cut).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect(cut.json.message).toMatch(/names a directory, not a file .*'#'/);
    // Reading still refuses what leads out of the run's directory.
    for (const path of ['..%2F..%2Fx', '%2Fetc%2Fpasswd', '%252e%252e%2Fx']) {
      expect((await call(h.env.server.url, 'GET', `/get-artifact?run_id=${runId}&path=${path}`)).status, path).toBe(400);
    }
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
