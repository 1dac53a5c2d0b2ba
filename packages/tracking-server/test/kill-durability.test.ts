import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '@mlproject/tracking-sqlite';
import { killAll, startServerProcess, type ServerProcess } from './server-process.js';

// A tracking server process over a SQLite file is SIGKILLed while 8 clients write to it; the restarted
// server must have every write it acknowledged, and each unacknowledged request applied whole or not
// at all. Five kills, each after a random number of acknowledged requests; the ledger accumulates, so
// each restart also re-checks the writes of all earlier rounds.
const ROUNDS = 5;
const CLIENTS = 8;
const T0 = 1_700_000_000_000;

interface Point { key: string; step: number; value: number }
interface KV { key: string; value: string }
interface Write {
  label: string;
  runId: string;
  metrics: Point[];
  params: KV[];
  tags: KV[];
  /** ok: answered 200; refused: answered otherwise; unanswered: the connection died first. */
  outcome?: 'ok' | 'refused' | 'unanswered';
  answer?: string;
}

let dir: string;
let db: string;
let artifacts: string;
const ledger: Write[] = [];

async function post(url: string, path: string, body: object): Promise<Response> {
  return fetch(`${url}/api/2.0/mlflow/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function json(url: string, path: string, body?: object): Promise<any> {
  const response = body === undefined ? await fetch(`${url}/api/2.0/mlflow/${path}`) : await post(url, path, body);
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

/** The `seq`-th request of one client: a log-batch (200 points, 20 params, 20 tags), log-metric, log-parameter or set-tag. */
function nextWrite(name: string, runId: string, seq: number): { write: Write; path: string; body: object } {
  const write: Write = { label: `${name}#${seq}`, runId, metrics: [], params: [], tags: [] };
  const kind = seq % 4;
  if (kind === 0) {
    write.metrics = Array.from({ length: 200 }, (_, j) => ({ key: `${name}.batch`, step: seq * 1000 + j, value: seq + j / 1000 }));
    write.params = Array.from({ length: 20 }, (_, j) => ({ key: `${name}.b${seq}.p${j}`, value: `${seq}.${j}` }));
    write.tags = Array.from({ length: 20 }, (_, j) => ({ key: `${name}.b${seq}.t${j}`, value: `${seq}.${j}` }));
    const metrics = write.metrics.map((m) => ({ ...m, timestamp: T0 + m.step }));
    return { write, path: 'runs/log-batch', body: { run_id: runId, metrics, params: write.params, tags: write.tags } };
  }
  if (kind === 1) {
    const point = { key: name, step: seq, value: seq * 2 };
    write.metrics = [point];
    return { write, path: 'runs/log-metric', body: { run_id: runId, ...point, timestamp: T0 + seq } };
  }
  const kv = { key: `${name}.s${seq}`, value: `v${seq}` };
  if (kind === 2) write.params = [kv];
  else write.tags = [kv];
  return { write, path: kind === 2 ? 'runs/log-parameter' : 'runs/set-tag', body: { run_id: runId, ...kv } };
}

/** One round: 8 clients write until the server is SIGKILLed on the `killAt`-th acknowledgement. */
async function ingestAndKill(server: ServerProcess, round: number, runIds: string[], killAt: number): Promise<void> {
  let acks = 0;
  let killed = false;
  const client = async (c: number): Promise<void> => {
    for (let seq = 0; !killed; seq += 1) {
      const { write, path, body } = nextWrite(`r${round}c${c}`, runIds[c % runIds.length]!, seq);
      ledger.push(write);
      try {
        const response = await post(server.url, path, body);
        write.answer = await response.text();
        write.outcome = response.status === 200 ? 'ok' : 'refused';
      } catch {
        write.outcome = 'unanswered';
      }
      if (write.outcome === 'ok' && (acks += 1) === killAt) {
        killed = true;
        server.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  expect(await server.exited).toBe('SIGKILL');
}

/** What the server holds for the runs written to: params, tags, every metric point and the latest per key. */
async function holdings(url: string, runIds: string[]) {
  const params = new Map<string, string>();
  const tags = new Map<string, string>();
  const points = new Map<string, number>();
  const latest = new Map<string, { step: number; value: number }>();
  for (const runId of runIds) {
    const { run } = await json(url, `runs/get?run_id=${runId}`);
    for (const p of run.data.params ?? []) params.set(`${runId}/${p.key}`, p.value);
    for (const t of run.data.tags ?? []) tags.set(`${runId}/${t.key}`, t.value);
    for (const m of run.data.metrics ?? []) {
      latest.set(`${runId}/${m.key}`, { step: Number(m.step), value: m.value });
      const { metrics } = await json(url, `metrics/get-history?run_id=${runId}&metric_key=${encodeURIComponent(m.key)}`);
      for (const p of metrics ?? []) points.set(`${runId}/${p.key}@${p.step}`, p.value);
    }
  }
  return { params, tags, points, latest };
}

/**
 * Checks the whole ledger against the server at `url`; returns how many acknowledged items it checked
 * and how many unanswered requests had nevertheless been applied (committed, then killed before the answer).
 */
async function verify(url: string, runIds: string[]): Promise<{ checked: number; landed: number }> {
  const held = await holdings(url, runIds);
  const problems: string[] = [];
  let checked = 0;
  let landed = 0;
  const accounted = { params: 0, tags: 0, points: 0 };
  for (const w of ledger) {
    const present = [
      ...w.metrics.map((m) => held.points.get(`${w.runId}/${m.key}@${m.step}`) === m.value),
      ...w.params.map((p) => held.params.get(`${w.runId}/${p.key}`) === p.value),
      ...w.tags.map((t) => held.tags.get(`${w.runId}/${t.key}`) === t.value),
    ];
    const count = present.filter(Boolean).length;
    if (w.outcome === 'ok' && count !== present.length) problems.push(`${w.label}: acknowledged, ${count} of ${present.length} items present`);
    if (w.outcome !== 'ok' && count !== 0 && count !== present.length) problems.push(`${w.label}: ${w.outcome}, half applied (${count} of ${present.length})`);
    if (w.outcome === 'ok') checked += present.length;
    if (w.outcome === 'unanswered' && count > 0) landed += 1;
    if (count === present.length) {
      accounted.points += w.metrics.length;
      accounted.params += w.params.length;
      accounted.tags += w.tags.length;
    }
  }
  expect(problems).toEqual([]);
  // Nothing the clients did not send (the runs' own system tags aside).
  expect({ params: held.params.size, points: held.points.size }).toEqual({ params: accounted.params, points: accounted.points });
  expect([...held.tags.keys()].filter((k) => !k.includes('/mlflow.')).length).toBe(accounted.tags);
  // The latest value of each key is its point with the largest step: metrics and latest_metrics committed together.
  for (const [key, last] of held.latest) {
    const steps = [...held.points.keys()].filter((k) => k.startsWith(`${key}@`)).map((k) => Number(k.slice(key.length + 1)));
    const top = Math.max(...steps);
    expect({ key, ...last }).toEqual({ key, step: top, value: held.points.get(`${key}@${top}`) });
  }
  return { checked, landed };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlproject-kill-'));
  db = join(dir, 'mlproject.db');
  artifacts = join(dir, 'artifacts');
});
afterAll(() => {
  killAll();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('a tracking server SIGKILLed mid-ingest', () => {
  it('restarts with every acknowledged write, and no request half applied (5 kills)', async () => {
    let server = await startServerProcess(db, artifacts);
    const { experiment_id: experimentId } = await json(server.url, 'experiments/create', { name: 'kill' });
    const runIds: string[] = [];
    for (let i = 0; i < 2; i += 1) runIds.push((await json(server.url, 'runs/create', { experiment_id: experimentId, start_time: T0 })).run.info.run_id);

    const summary: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const killAt = 50 + Math.floor(Math.random() * 350);
      const before = ledger.length;
      await ingestAndKill(server, round, runIds, killAt);
      const sent = ledger.slice(before);
      expect(sent.filter((w) => w.outcome === 'refused').map((w) => `${w.label}: ${w.answer}`)).toEqual([]);
      expect(server.stderr()).toBe('');
      server = await startServerProcess(db, artifacts);
      const { checked, landed } = await verify(server.url, runIds);
      const unanswered = sent.filter((w) => w.outcome === 'unanswered').length;
      const acked = ledger.filter((w) => w.outcome === 'ok').length;
      summary.push(`kill ${round + 1} after ${killAt} acks: ${sent.length} requests, ${unanswered} unanswered; after restart all ${acked} acknowledged requests so far (${checked} items) present, ${landed} unanswered ones applied whole`);
    }
    console.log(`[kill] ${summary.join('\n[kill] ')}`);
    // Killed mid-ingest: requests were in flight when the process died. In one round the other
    // clients' answers may all have arrived before the kill (a loaded machine), so count over all.
    expect(ledger.filter((w) => w.outcome === 'unanswered').length).toBeGreaterThan(0);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const store = openSqliteStore(db);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    await store.close();
  });
});
