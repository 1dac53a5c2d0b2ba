import { describe, expect, it } from 'vitest';
import { call, useServer } from './helpers.js';

describe('tracking server: experiments and runs over HTTP', () => {
  const h = useServer();
  const api = (method: string, path: string, body?: unknown) => call(h.env.server.url, method, `/api/2.0/mlflow${path}`, body);

  it('creates, gets and finds experiments; unknown names are JSON 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const missing = await api('GET', '/experiments/get-by-name?experiment_name=wine');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    const created = await api('POST', '/experiments/create', { name: 'wine', tags: [{ key: 'k', value: 'v' }] });
    expect(created).toMatchObject({ status: 200, json: { experiment_id: '1' } });
    const got = await api('GET', '/experiments/get?experiment_id=1');
    expect(got.json.experiment).toMatchObject({
      experiment_id: '1', name: 'wine', artifact_location: 'mlflow-artifacts:/1', lifecycle_stage: 'active', tags: [{ key: 'k', value: 'v' }],
    });
    expect(typeof got.json.experiment.creation_time).toBe('number');
    expect((await api('GET', '/experiments/get-by-name?experiment_name=wine')).json.experiment.experiment_id).toBe('1');
    const again = await api('POST', '/experiments/create', { name: 'wine' });
    expect(again.status).toBe(400);
    expect(again.json.error_code).toBe('RESOURCE_ALREADY_EXISTS');
  });

  it('searches experiments by POST and GET (repeated keys), renames, deletes and restores', async () => {
    await api('POST', '/experiments/create', { name: 'b-exp' });
    await api('POST', '/experiments/create', { name: 'a-exp' });
    const post = await api('POST', '/experiments/search', { max_results: 10, order_by: ['name ASC'], filter: "name LIKE '%-exp'" });
    expect(post.json.experiments.map((e: { name: string }) => e.name)).toEqual(['a-exp', 'b-exp']);
    const get = await call(h.env.server.url, 'GET', "/ajax-api/2.0/mlflow/experiments/search?max_results=1&order_by=name+DESC&view_type=ALL");
    expect(get.json.experiments.map((e: { name: string }) => e.name)).toEqual(['b-exp']);
    expect(typeof get.json.next_page_token).toBe('string');
    expect((await api('POST', '/experiments/update', { experiment_id: '1', new_name: 'renamed' })).json).toEqual({});
    expect((await api('POST', '/experiments/delete', { experimentId: '1' })).status).toBe(200);
    const deleted = await api('POST', '/experiments/search', { view_type: 2 });
    expect(deleted.json.experiments.map((e: { name: string }) => e.name)).toEqual(['renamed']);
    const renameDeleted = await api('POST', '/experiments/update', { experiment_id: '1', new_name: 'x' });
    expect(renameDeleted.status).toBe(400);
    expect((await api('POST', '/experiments/restore', { experiment_id: '1' })).status).toBe(200);
    expect((await api('POST', '/experiments/set-experiment-tag', { experiment_id: '1', key: 'note', value: '' })).status).toBe(200);
    expect((await api('POST', '/experiments/delete-experiment-tag', { experiment_id: '1', key: 'note' })).status).toBe(200);
    expect((await api('POST', '/experiments/delete-experiment-tag', { experiment_id: '1', key: 'note' })).status).toBe(404);
  });

  it('creates a run and answers it in MLflow JSON (run_uuid, no end_time, {} for empty inputs)', async () => {
    const { json } = await api('POST', '/runs/create', {
      experiment_id: '0', user_id: 'ann', start_time: '1700000000000', tags: [{ key: 'mlflow.user', value: 'ann' }],
    });
    const info = json.run.info;
    expect(info.run_id).toMatch(/^[0-9a-f]{32}$/);
    expect(info).toMatchObject({ run_uuid: info.run_id, experiment_id: '0', user_id: 'ann', status: 'RUNNING', start_time: 1700000000000, lifecycle_stage: 'active' });
    expect(info.artifact_uri).toBe(`mlflow-artifacts:/0/${info.run_id}/artifacts`);
    expect(info).not.toHaveProperty('end_time');
    expect(json.run.inputs).toEqual({});
    expect(json.run.outputs).toEqual({});
    expect(json.run.data.tags).toContainEqual({ key: 'mlflow.runName', value: info.run_name });
    const byUuid = await api('GET', `/runs/get?run_uuid=${info.run_id}`);
    expect(byUuid.json.run.info.run_id).toBe(info.run_id);
  });

  it('updates runs with enum names or numbers and logs metrics, params and tags', async () => {
    const id = (await api('POST', '/runs/create', { experiment_id: '0', start_time: 1 })).json.run.info.run_id as string;
    const updated = await api('POST', '/runs/update', { run_id: id, run_uuid: id, status: 3, end_time: 99, run_name: 'named' });
    expect(updated.json.run_info).toMatchObject({ status: 'FINISHED', end_time: 99, run_name: 'named' });
    expect((await api('POST', '/runs/update', { runId: id, status: 'RUNNING' })).json.run_info).toMatchObject({ status: 'RUNNING', end_time: 99 });
    expect((await api('POST', '/runs/log-metric', { run_id: id, key: 'loss', value: 'NaN', timestamp: 5, step: 0 })).status).toBe(200);
    expect((await api('POST', '/runs/log-metric', { run_id: id, key: 'loss', value: '-Infinity', timestamp: '6', step: '1' })).status).toBe(200);
    expect((await api('POST', '/runs/log-parameter', { run_id: id, key: 'alpha', value: '0.5' })).status).toBe(200);
    expect((await api('POST', '/runs/set-tag', { run_id: id, key: 'mlflow.runName', value: 'via-tag' })).status).toBe(200);
    const batch = await api('POST', '/runs/log-batch', {
      run_id: id, metrics: [{ key: 'acc', value: 0.5, timestamp: 7 }], params: [{ key: 'l1', value: '1' }], tags: [{ key: 't', value: 'v' }],
    });
    expect(batch).toMatchObject({ status: 200, json: {} });
    const history = await api('GET', `/metrics/get-history?run_id=${id}&metric_key=loss&max_results=25000`);
    expect(history.json.metrics).toEqual([
      { key: 'loss', value: 'NaN', timestamp: 5, step: 0 },
      { key: 'loss', value: '-Infinity', timestamp: 6, step: 1 },
    ]);
    const run = (await api('GET', `/runs/get?run_id=${id}`)).json.run;
    expect(run.info.run_name).toBe('via-tag');
    expect(run.data.params).toEqual([{ key: 'alpha', value: '0.5' }, { key: 'l1', value: '1' }]);
    expect(run.data.metrics).toContainEqual({ key: 'acc', value: 0.5, timestamp: 7, step: 0 });
    const conflict = await api('POST', '/runs/log-parameter', { run_id: id, key: 'alpha', value: '0.6' });
    expect(conflict.status).toBe(400);
    expect(conflict.json).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect(conflict.json.message).toMatch(/^Changing param values is not allowed/);
    expect((await api('POST', '/runs/delete-tag', { run_id: id, key: 't' })).status).toBe(200);
    expect((await api('POST', '/runs/delete-tag', { run_id: id, key: 't' })).json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('searches runs (POST, and GET with k[] arrays), refuses deleted-run writes and restores', async () => {
    const ids: string[] = [];
    for (const startTime of [1, 2, 3]) ids.push((await api('POST', '/runs/create', { experiment_id: '0', start_time: startTime })).json.run.info.run_id);
    await api('POST', '/runs/log-parameter', { run_id: ids[0], key: 'p', value: 'x' });
    const search = await api('POST', '/runs/search', { experiment_ids: ['0'], filter: "params.p = 'x'", max_results: 10 });
    expect(search.json.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([ids[0]]);
    const paged = await call(h.env.server.url, 'GET', '/api/2.0/mlflow/runs/search?experiment_ids[]=0&max_results=2');
    expect(paged.json.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([ids[2], ids[1]]);
    const rest = await api('POST', '/runs/search', { experiment_ids: ['0'], max_results: 2, page_token: paged.json.next_page_token });
    expect(rest.json.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([ids[0]]);
    expect(rest.json).not.toHaveProperty('next_page_token');
    await api('POST', '/runs/delete', { run_id: ids[1] });
    const refused = await api('POST', '/runs/log-metric', { run_id: ids[1], key: 'm', value: 1, timestamp: 1 });
    expect(refused).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect((await api('POST', '/runs/search', { experiment_ids: ['0'], run_view_type: 'DELETED_ONLY' })).json.runs).toHaveLength(1);
    await api('POST', '/runs/restore', { run_id: ids[1] });
    expect((await api('POST', '/runs/search', { experiment_ids: ['0'] })).json.runs).toHaveLength(3);
  });

  it('records 2.x log-model calls in the mlflow.log-model.history tag', async () => {
    const id = (await api('POST', '/runs/create', { experiment_id: '0', start_time: 1 })).json.run.info.run_id as string;
    const model = (path: string) => JSON.stringify({ artifact_path: path, flavors: { python_function: {} }, utc_time_created: '2024-01-01', run_id: id });
    expect((await api('POST', '/runs/log-model', { run_id: id, model_json: model('model') })).status).toBe(200);
    expect((await api('POST', '/runs/log-model', { run_id: id, model_json: model('other') })).status).toBe(200);
    const tags = (await api('GET', `/runs/get?run_id=${id}`)).json.run.data.tags as { key: string; value: string }[];
    const history = JSON.parse(tags.find((t) => t.key === 'mlflow.log-model.history')?.value ?? '[]') as { artifact_path: string }[];
    expect(history.map((m) => m.artifact_path)).toEqual(['model', 'other']);
    const bad = await api('POST', '/runs/log-model', { run_id: id, model_json: '{"flavors": {}}' });
    expect(bad).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE' } });
  });
});
