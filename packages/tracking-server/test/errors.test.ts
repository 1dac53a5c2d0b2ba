import { describe, expect, it } from 'vitest';
import { call, useServer } from './helpers.js';

describe('the 413 answer to a JSON body over the limit', () => {
  const h = useServer({ maxRequestBytes: 4096 });

  it('states the limit in bytes and the option that sets it', async () => {
    const params = Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, value: 'v'.repeat(60) }));
    const answer = await call(h.env.server.url, 'POST', '/api/2.0/mlflow/runs/log-batch', { run_id: 'r', params });
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({
      error_code: 'BAD_REQUEST',
      message: "Request body is larger than this server's limit of 4096 bytes (--max-request-size)",
    });
  });
});
