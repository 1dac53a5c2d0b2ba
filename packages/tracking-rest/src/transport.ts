import { Buffer } from 'node:buffer';
import type { Dispatcher } from 'undici';

/**
 * A `fetch` made of undici's `request` rather than its `fetch`: the fetch standard refuses "bad
 * ports" (6000, 5060, 6665-6669, ...: `undici/lib/web/fetch/constants.js`) whatever the dispatcher,
 * while an MLflow server may listen on any port and Python's requests reaches it. Redirects are
 * followed (up to 20, as fetch); the body is read whole before the `Response` is returned, so a
 * body cut short fails the attempt (and is retried like a dropped connection).
 * @param insecureTls accept any certificate from an `https://` server (MLFLOW_TRACKING_INSECURE_TLS).
 */
export function requestFetch(insecureTls: boolean): Promise<typeof fetch> {
  // One per kind per process, as the global dispatcher: clients share their keep-alive connections.
  return (made[insecureTls ? 1 : 0] ??= makeRequestFetch(insecureTls));
}

const made: [Promise<typeof fetch>?, Promise<typeof fetch>?] = [];

async function makeRequestFetch(insecureTls: boolean): Promise<typeof fetch> {
  const undici = await import('undici');
  const agent = new undici.Agent(insecureTls ? { connect: { rejectUnauthorized: false } } : {});
  const dispatcher = agent.compose(undici.interceptors.redirect({ maxRedirections: 20 }));
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const method = (init.method ?? 'GET') as Dispatcher.HttpMethod;
    const answer = await undici.request(String(input), {
      method,
      headers: init.headers as Record<string, string>,
      body: (init.body ?? null) as string | Buffer | null,
      signal: init.signal ?? null,
      dispatcher,
    });
    const body = Buffer.from(await answer.body.arrayBuffer());
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const item of Array.isArray(value) ? value : [value ?? '']) headers.append(name, item);
    }
    const empty = answer.statusCode === 204 || answer.statusCode === 205 || answer.statusCode === 304 || method === 'HEAD';
    return new Response(empty ? null : body, { status: answer.statusCode, headers });
  }) as typeof fetch;
}
