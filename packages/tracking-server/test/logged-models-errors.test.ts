import { describe, expect, it } from 'vitest';
import { call, useServer } from './helpers.js';

describe('tracking server: logged models, outputs, errors and service endpoints', () => {
  const h = useServer();
  const api = (method: string, path: string, body?: unknown) => call(h.env.server.url, method, `/api/2.0/mlflow${path}`, body);

  it('runs the MLflow 3 Model.log sequence: create, outputs, re-logged metrics, finalize', async () => {
    const runId = (await api('POST', '/runs/create', { experiment_id: '0', start_time: 1 })).json.run.info.run_id as string;
    await api('POST', '/runs/log-metric', { run_id: runId, key: 'rmse', value: 0.79, timestamp: 1000, step: 0 });
    const created = await api('POST', '/logged-models', {
      experiment_id: '0', name: 'model', source_run_id: runId,
      params: [{ key: 'alpha', value: '0.5' }], tags: [{ key: 'mlflow.source.type', value: 'LOCAL' }],
    });
    const info = created.json.model.info;
    expect(info.model_id).toMatch(/^m-[0-9a-f]{32}$/);
    expect(info).toMatchObject({
      experiment_id: '0', name: 'model', status: 'LOGGED_MODEL_PENDING', source_run_id: runId,
      artifact_uri: `mlflow-artifacts:/0/models/${info.model_id}/artifacts`, tags: [{ key: 'mlflow.source.type', value: 'LOCAL' }],
    });
    expect(created.json.model.data.params).toEqual([{ key: 'alpha', value: '0.5' }]);
    expect((await api('POST', '/runs/outputs', { run_id: runId, models: [{ model_id: info.model_id, step: 0 }] })).status).toBe(200);
    const relog = await api('POST', '/runs/log-batch', { run_id: runId, metrics: [{ key: 'rmse', value: 0.79, timestamp: 1000, step: 0, model_id: info.model_id }] });
    expect(relog.status).toBe(200);
    const patched = await api('PATCH', `/logged-models/${info.model_id}`, { model_id: info.model_id, status: 'LOGGED_MODEL_READY' });
    expect(patched.json.model.info.status).toBe('LOGGED_MODEL_READY');
    const got = (await api('GET', `/logged-models/${info.model_id}`)).json.model;
    expect(got.data.metrics).toEqual([{ key: 'rmse', value: 0.79, timestamp: 1000, step: 0, model_id: info.model_id, run_id: runId }]);
    const run = (await api('GET', `/runs/get?run_id=${runId}`)).json.run;
    expect(run.outputs).toEqual({ model_outputs: [{ model_id: info.model_id, step: 0 }] });
    expect((await api('GET', `/metrics/get-history?run_id=${runId}&metric_key=rmse`)).json.metrics).toHaveLength(1);
  });

  it('tags, params, searches and deletes logged models', async () => {
    const id = (await api('POST', '/logged-models', { experiment_id: '0', name: 'm1' })).json.model.info.model_id as string;
    await api('POST', '/logged-models', { experiment_id: '0', name: 'm2' });
    expect((await api('PATCH', `/logged-models/${id}/tags`, { tags: [{ key: 'stage', value: 'prod' }, { key: 'x', value: '1' }] })).json).toEqual({});
    expect((await api('DELETE', `/logged-models/${id}/tags/x`)).status).toBe(200);
    expect((await api('POST', `/logged-models/${id}/params`, { model_id: id, params: [{ key: 'p', value: '1' }] })).status).toBe(200);
    const search = await api('POST', '/logged-models/search', {
      experiment_ids: ['0'], filter: "tags.stage = 'prod'", order_by: [{ field_name: 'name', ascending: true }], max_results: 10,
    });
    expect(search.json.models.map((m: { info: { model_id: string } }) => m.info.model_id)).toEqual([id]);
    expect(search.json.models[0].data.params).toEqual([{ key: 'p', value: '1' }]);
    expect((await api('DELETE', `/logged-models/${id}`, { model_id: id })).status).toBe(200);
    expect((await api('GET', `/logged-models/${id}`)).status).toBe(404);
    expect((await api('GET', `/logged-models/${id}?allow_deleted=TRUE`)).json.model.info.model_id).toBe(id);
    expect((await api('GET', `/logged-models/${id}?allow_deleted=maybe`)).status).toBe(400);
  });

  it('answers unknown routes with JSON 404 ENDPOINT_NOT_FOUND and wrong methods with 405', async () => {
    const unknown = await call(h.env.server.url, 'POST', '/api/2.0/mlflow/registered-models/create', { name: 'x' });
    expect(unknown).toMatchObject({ status: 404, json: { error_code: 'ENDPOINT_NOT_FOUND' } });
    expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);
    const wrongMethod = await call(h.env.server.url, 'GET', '/api/2.0/mlflow/runs/create');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.json.error_code).toBe('BAD_REQUEST');
  });

  it('never answers a client mistake with 5xx', async () => {
    const mistakes: [string, string, unknown][] = [
      ['POST', '/runs/create', { experiment_id: 'not-a-number' }],
      ['POST', '/runs/create', { experiment_id: '0', start_time: 'yesterday' }],
      ['POST', '/runs/create', { experiment_id: '0', tags: 'nope' }],
      ['POST', '/runs/log-metric', { run_id: 'x', key: 'm', value: 'abc', timestamp: 1 }],
      ['POST', '/runs/log-batch', { run_id: 'x', metrics: [1, 2] }],
      ['POST', '/runs/search', { experiment_ids: ['0'], page_token: 'garbage' }],
      ['POST', '/runs/search', { experiment_ids: ['0'], order_by: ['metrics.a', 'metrics.a'] }],
      ['POST', '/runs/search', { experiment_ids: ['0'], max_results: 50001 }],
      ['POST', '/experiments/search', { max_results: 0 }],
      ['POST', '/experiments/create', '{not json'],
      ['POST', '/runs/update', { run_id: 'x', status: 'DANCING' }],
      ['PATCH', '/logged-models/m-x', { status: 'LOGGED_MODEL_READY' }],
      ['POST', '/logged-models', { experiment_id: '0', name: 'a/b' }],
      ['GET', '/runs/get?run_id=', undefined],
      ['GET', '/metrics/get-history?run_id=x&metric_key=m&max_results=many', undefined],
    ];
    for (const [method, path, body] of mistakes) {
      const answer = await api(method, path, body);
      expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `${method} ${path} ${JSON.stringify(body)}: ${answer.text}`).toBeLessThan(500);
      expect(typeof answer.json?.error_code).toBe('string');
      expect(typeof answer.json?.message).toBe('string');
    }
  });

  it('serves server-info, health and version', async () => {
    const info = await call(h.env.server.url, 'GET', '/api/3.0/mlflow/server-info');
    expect(info.json).toMatchObject({ store_type: 'SqlStore', workspaces_enabled: false, multipart_uploads_enabled: false });
    expect((await call(h.env.server.url, 'GET', '/health')).text).toBe('OK');
    expect((await call(h.env.server.url, 'GET', '/version')).text).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
