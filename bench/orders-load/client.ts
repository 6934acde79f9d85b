// The orders-load bench's HTTP client: every request through fetch to the local server, its latency
// kept per endpoint, and phone sign-in as a person does it (code from the dev outbox).
import http from 'node:http';
import { ATTEMPT_RULES } from '@tmc/core/auth/attempts';
import { isRecord } from '../fixtures/values';

// Long enough that a slow answer on 2 shared cores is still an answer; a request that takes longer
// than this is counted as the box choking, not as a slow request.
export const REQUEST_TIMEOUT_MS = 120_000;
export const BODY_SNIPPET_CHARS = 300;

export const str = (v: unknown, key: string): string | null =>
  isRecord(v) && typeof v[key] === 'string' ? v[key] : null;
/** The stable code of the app's error shape `{ error: { code } }`, if that is what came back. */
export const errorCode = (body: unknown): string | null => (isRecord(body) ? str(body.error, 'code') : null);

export type Reply = { status: number; text: string; body: unknown };

/** A request that got no HTTP answer (refused, reset, timed out): what "the box chokes" means here. */
export class NoAnswer extends Error {}

export const createClient = (baseUrl: string) => {
  const latencies = new Map<string, number[]>();
  const send = async (
    endpoint: string,
    method: 'GET' | 'POST',
    path: string,
    opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply> => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const t0 = performance.now();
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      });
      text = await res.text();
    } catch (e) {
      const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
      throw new NoAnswer(`${method} ${path}: ${e instanceof Error ? `${e.name} ${e.message}` : String(e)}${cause}`);
    }
    const samples = latencies.get(endpoint) ?? [];
    samples.push(performance.now() - t0);
    latencies.set(endpoint, samples);
    let body: unknown = null;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = null; // not JSON (an HTML error page, say): the text is kept for the report
    }
    return { status: res.status, text, body };
  };
  /** A POST from a chosen loopback source address, which fetch cannot set (see signIn); not timed. */
  const postFrom = (path: string, localAddress: string, body: unknown): Promise<Reply> =>
    new Promise((resolve, reject) => {
      http
        .request(
          `${baseUrl}${path}`,
          { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } },
          (res) => {
            let text = '';
            res
              .setEncoding('utf8')
              .on('data', (d: string) => {
                text += d;
              })
              .on('end', () => resolve({ status: res.statusCode ?? 0, text, body: null }));
          },
        )
        .on('error', reject)
        .end(JSON.stringify(body));
    });
  return { send, postFrom, latencies, reset: () => latencies.clear() };
};
export type Client = ReturnType<typeof createClient>;

export const expectOk = (what: string, r: Reply, status: number): unknown => {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.text.slice(0, BODY_SNIPPET_CHARS)}`);
  return r.body;
};

/** Phone sign-in as a person does it: ask for a code, read it from the dev outbox, exchange it. One at a time: the
 * outbox shows only its latest messages. The server sends 20 codes an hour per client address (otp_send_per_address),
 * and 76 phones are not one network: every 20 code requests come from the next loopback address (127.0.0.N). */
let codesAsked = 0;
export const signIn = async (
  client: Client,
  outbox: { latestFor: (phone: string) => Promise<{ text_zh: string } | null> },
  phone: string,
  role: 'elder' | 'merchant',
) => {
  const from = `127.0.0.${1 + Math.floor(codesAsked++ / ATTEMPT_RULES.otp_send_per_address.max)}`;
  expectOk(`otp ${role} ${phone} from ${from}`, await client.postFrom('/api/auth/otp', from, { phone, role }), 202);
  const code = (await outbox.latestFor(phone))?.text_zh.match(/(\d{6})/)?.[1];
  if (!code) throw new Error(`no sign-in code in the outbox for ${phone}`);
  const tokens = expectOk(
    `verify ${role} ${phone}`,
    await client.send('POST /api/auth/otp/verify', 'POST', '/api/auth/otp/verify', { body: { phone, role, code } }),
    200,
  );
  const token = str(tokens, 'access_token');
  if (!token) throw new Error(`verify ${role} ${phone}: no access_token`);
  // `sub` is `elder:<elder_id>` or `merchant:<merchant_id>`: the id the rest of the bench needs.
  const sub = str(expectOk(`me ${phone}`, await client.send('GET /api/me', 'GET', '/api/me', { token }), 200), 'sub');
  if (!sub?.startsWith(`${role}:`)) throw new Error(`me ${phone}: unexpected sub ${sub ?? 'none'}`);
  return { token, id: sub.slice(role.length + 1) };
};

/** How many loopback addresses the sign-ins so far asked for codes from. */
export const addressesUsed = (): number => Math.ceil(codesAsked / ATTEMPT_RULES.otp_send_per_address.max);
