// Test helpers shared by the gateway tests (never imported by production code): how a call ended,
// as one string a table of cases can compare, and a Stripe client whose HTTP layer is a fake fetch.
import Stripe from 'stripe';
import { AppError } from '@tmc/core/kernel/errors';

/** 'ok', the AppError's code, or `crash:` and what else was thrown. */
export const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof AppError ? e.code : `crash:${String(e)}`;
  }
};

export type Sent = { url: string; method: string; headers: Headers; body: URLSearchParams };
/** What the fake Stripe answers: a JSON response, 'lost' (the connection drops, no answer at all), or
 * 'hang' (no answer until the client's own timeout aborts the request). */
export type Reply = { status: number; json: unknown; headers?: Record<string, string> } | 'lost' | 'hang';

/** A Stripe client whose HTTP layer is a fake fetch: every request is recorded and answered with `reply`. */
export const fakeStripe = (
  reply: (s: Sent, i: number) => Reply,
  opts: { maxNetworkRetries?: number; timeout_ms?: number } = {},
) => {
  const sent: Sent[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const s: Sent = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: new URLSearchParams(typeof init?.body === 'string' ? init.body : ''),
    };
    sent.push(s);
    const r = reply(s, sent.length - 1);
    if (r === 'lost') throw new TypeError('fetch failed: socket hang up');
    if (r === 'hang')
      return new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      );
    return new Response(JSON.stringify(r.json), {
      status: r.status,
      headers: { 'content-type': 'application/json', 'request-id': 'req_test', ...r.headers },
    });
  };
  const client = new Stripe('sk_test_fake', {
    httpClient: Stripe.createFetchHttpClient(fetchFn),
    maxNetworkRetries: opts.maxNetworkRetries ?? 0,
    ...(opts.timeout_ms === undefined ? {} : { timeout: opts.timeout_ms }),
    telemetry: false,
  });
  return { client, sent };
};
