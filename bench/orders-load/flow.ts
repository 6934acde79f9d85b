// One order flow of the orders-load bench (search -> book -> accept -> complete by code -> rate, as
// the elder and the merchant), and a round of FLOWS of them with at most `concurrency` in flight.
import { DEFAULT_CATEGORIES } from '@tmc/core/policy/model';
import { inFlight } from '../fixtures/pool';
import { bump, load1 } from '../fixtures/stats';
import { isRecord } from '../fixtures/values';
import { BODY_SNIPPET_CHARS, errorCode, NoAnswer, str, type Client, type Reply } from './client';

export const ELDERS = 40;
export const FLOWS = 200;
export const CONCURRENCY = 200; // every flow at once: the brief's load
// If the box chokes at 200 (a request that never gets an answer: socket error or timeout), the
// flows are run again with this many in flight, and the report says so.
export const FALLBACK_CONCURRENCY = 50;
export const SEARCH_MINUTES = 30; // wider than the policy's 10-minute circle, so every elder finds every category
export const RATING = { stars: 5, tags: ['准时'] } as const;
export const FIRST_BODIES = 5; // unexpected answers quoted in the report: enough to see their shape

/** Refusals that are the system working as designed: out of points, slot taken, over a cap, or an
 * order that moved on meanwhile (e.g. its 3-minute offer expired before the merchant's accept). */
export const EXPECTED_CODES: ReadonlySet<string> = new Set([
  'INSUFFICIENT_POINTS',
  'SLOT_FULL',
  'CAP_EXCEEDED',
  'ORDER_STATE',
]);

export const STEPS = ['search', 'book', 'accept', 'complete', 'rate'] as const;
export type Step = (typeof STEPS)[number];
export const ENDPOINT: Record<Step, string> = {
  search: 'GET /api/search',
  book: 'POST /api/orders',
  accept: 'POST /api/orders/:id/accept',
  complete: 'POST /api/orders/:id/complete',
  rate: 'POST /api/orders/:id/rate',
};

export type Elder = { phone: string; token: string; elder_id: string };
type FlowSpec = { n: number; elder: Elder; category: string; keyPrefix: string };
type Outcome =
  | { kind: 'completed'; merchant_id: string; rateMs: number }
  | { kind: 'no_hit'; category: string }
  | { kind: 'expected'; step: Step; code: string; merchant_id: string | null }
  | { kind: 'unexpected'; step: Step; detail: string; noAnswer: boolean; merchant_id: string | null };

const runFlow = async (client: Client, merchants: ReadonlyMap<string, string>, f: FlowSpec): Promise<Outcome> => {
  let step: Step = 'search';
  let merchant_id: string | null = null; // once chosen: which merchant the flow loaded
  /** Anything but `status` ends the flow: an expected refusal or an unexpected answer. */
  const check = (r: Reply, status: number): Outcome | null => {
    if (r.status === status) return null;
    const code = errorCode(r.body);
    if (code !== null && EXPECTED_CODES.has(code)) return { kind: 'expected', step, code, merchant_id };
    return {
      kind: 'unexpected',
      step,
      detail: `${r.status} ${r.text.slice(0, BODY_SNIPPET_CHARS)}`,
      noAnswer: false,
      merchant_id,
    };
  };
  try {
    const found = await client.send(
      ENDPOINT.search,
      'GET',
      `/api/search?category=${f.category}&minutes=${SEARCH_MINUTES}`,
      { token: f.elder.token },
    );
    const searchFailed = check(found, 200);
    if (searchFailed) return searchFailed;
    const items = isRecord(found.body) && Array.isArray(found.body.items) ? found.body.items : [];
    const hit = items.filter(isRecord).find((h) => h.home_visit === false);
    merchant_id = str(hit, 'merchant_id');
    const service_id = str(hit, 'service_id');
    if (!merchant_id || !service_id) return { kind: 'no_hit', category: f.category };
    const merchantToken = merchants.get(merchant_id);
    if (!merchantToken)
      return {
        kind: 'unexpected',
        step,
        detail: `hit of a merchant not signed in: ${merchant_id}`,
        noAnswer: false,
        merchant_id,
      };

    step = 'book';
    // A walk-in booking (no slot): the ten-minute circle's "now" case, which the slot counter does not cap.
    const booked = await client.send(ENDPOINT.book, 'POST', '/api/orders', {
      token: f.elder.token,
      headers: { 'idempotency-key': `${f.keyPrefix}-${f.n}` },
      body: { merchant_id, service_id, slot_start: null },
    });
    const bookFailed = check(booked, 201);
    if (bookFailed) return bookFailed;
    const order_id = str(booked.body, 'order_id');
    const code = str(booked.body, 'code');
    if (!order_id || !code)
      return {
        kind: 'unexpected',
        step,
        detail: `201 without order_id or code: ${booked.text.slice(0, BODY_SNIPPET_CHARS)}`,
        noAnswer: false,
        merchant_id,
      };

    step = 'accept';
    const accepted = check(
      await client.send(ENDPOINT.accept, 'POST', `/api/orders/${order_id}/accept`, { token: merchantToken, body: {} }),
      200,
    );
    if (accepted) return accepted;
    step = 'complete';
    const completed = check(
      await client.send(ENDPOINT.complete, 'POST', `/api/orders/${order_id}/complete`, {
        token: merchantToken,
        body: { code },
      }),
      200,
    );
    if (completed) return completed;
    step = 'rate';
    const r0 = performance.now();
    const rated = check(
      await client.send(ENDPOINT.rate, 'POST', `/api/orders/${order_id}/rate`, { token: f.elder.token, body: RATING }),
      200,
    );
    return rated ?? { kind: 'completed', merchant_id, rateMs: performance.now() - r0 };
  } catch (e) {
    if (e instanceof NoAnswer)
      return { kind: 'unexpected', step, detail: `no answer: ${e.message}`, noAnswer: true, merchant_id };
    return {
      kind: 'unexpected',
      step,
      detail: `bench error: ${e instanceof Error ? e.message : String(e)}`,
      noAnswer: false,
      merchant_id,
    };
  }
};

/** `409 {"error":{"code":"CONFLICT",...}}` -> ` CONFLICT`, so unexpected answers group by code. */
const errorCodeOfDetail = (detail: string): string => {
  const m = detail.match(/"code":"([A-Z_]+)"/);
  return m?.[1] ? ` ${m[1]}` : '';
};

export type Round = {
  concurrency: number;
  wallMs: number;
  completed: number;
  noHit: Map<string, number>;
  expected: Map<string, number>; // `CODE at step`
  unexpected: Map<string, number>; // `status or "no answer" at step`
  noAnswer: number;
  firstBodies: string[];
  perMerchant: Map<string, number>; // flows that chose each merchant: how concentrated the load was
  rateMs: Map<string, number[]>; // latency of successful ratings, by merchant
  latencies: Map<string, number[]>;
  requests: number;
  load1Before: number;
  load1After: number;
};

export const runRound = async (
  client: Client,
  elders: readonly Elder[],
  merchants: ReadonlyMap<string, string>,
  concurrency: number,
  keyPrefix: string,
): Promise<Round> => {
  // Elder k's j-th flow asks for category (k + j) mod 5: every elder tries every category once,
  // and at any moment all five categories are being booked.
  const specs: FlowSpec[] = Array.from({ length: FLOWS }, (_, n) => {
    const k = n % elders.length;
    const j = Math.floor(n / elders.length);
    const elder = elders[k];
    const category = DEFAULT_CATEGORIES[(k + j) % DEFAULT_CATEGORIES.length];
    if (!elder || !category) throw new Error('flow without an elder or a category');
    return { n, elder, category, keyPrefix };
  });
  client.reset();
  const load1Before = load1();
  const t0 = performance.now();
  const outcomes = await inFlight(specs, concurrency, (f) => runFlow(client, merchants, f));
  const wallMs = performance.now() - t0;
  const r: Round = {
    concurrency,
    wallMs,
    completed: 0,
    noHit: new Map(),
    expected: new Map(),
    unexpected: new Map(),
    noAnswer: 0,
    firstBodies: [],
    perMerchant: new Map(),
    rateMs: new Map(),
    latencies: new Map(client.latencies),
    requests: [...client.latencies.values()].reduce((s, xs) => s + xs.length, 0),
    load1Before,
    load1After: load1(),
  };
  for (const o of outcomes) {
    if (o.kind !== 'no_hit' && o.merchant_id !== null) bump(r.perMerchant, o.merchant_id);
    if (o.kind === 'completed') {
      r.completed++;
      r.rateMs.set(o.merchant_id, [...(r.rateMs.get(o.merchant_id) ?? []), o.rateMs]);
    } else if (o.kind === 'no_hit') bump(r.noHit, o.category);
    else if (o.kind === 'expected') bump(r.expected, `${o.code} at ${o.step}`);
    else {
      bump(
        r.unexpected,
        `${o.noAnswer ? 'no answer' : (o.detail.split(' ')[0] ?? '?')}${errorCodeOfDetail(o.detail)} at ${o.step}`,
      );
      if (o.noAnswer) r.noAnswer++;
      if (r.firstBodies.length < FIRST_BODIES) r.firstBodies.push(`${o.step}: ${o.detail}`);
    }
  }
  return r;
};
