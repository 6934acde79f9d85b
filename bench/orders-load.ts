// Orders under load, end to end over HTTP: the local server (`startLocal`: DynamoDB Local, the full
// app, the demo seed) on a free port, 40 demo elders and all 36 demo merchants signed in, then 200
// order flows at once, each search -> book -> accept -> complete by code -> rate, through real
// sockets. Counts what finished, what was refused for a business reason, and anything else (the
// goal: nothing else), then proves the ledger with verifyLedger while the server is still up.
// Results go to docs/BENCHMARKS.md (`bench:orders-load`).
//
// The server runs in this process (startLocal is how `npm start` runs it), so client and server
// share one event loop, and DynamoDB Local's JVM shares the same cores: the latencies are this
// machine's, an upper bound on the code's own cost, not what Lambda + DynamoDB would show.
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { ATTEMPT_RULES } from '@tmc/core/auth/attempts';
import { demoElders } from '@tmc/local/demo/district';
import { demoMerchants } from '@tmc/local/demo/merchants';
import { walletAccount } from '@tmc/core/ledger/accounts';
import { NEVER_EXPIRES } from '@tmc/core/ledger/lots';
import { credit } from '@tmc/core/ledger/service';
import { DEFAULT_CATEGORIES, DEFAULT_POLICY } from '@tmc/core/policy/model';
import { isMatchable, serviceCard } from '@tmc/core/merchants/model';
import { freePort } from '@tmc/local/dynamo-local';
import { startLocal } from '@tmc/local/start';
import { verifyLedger, type VerifyReport } from '@tmc/store/ledger-verify';
import { indexKeysOf } from '@tmc/store/entities/merchants';
import { TRANSACT_MAX_ITEMS } from '@tmc/store/tx';
import { provenance, writeSection } from './fixtures/report';

const SECTION = 'bench:orders-load';
const ELDERS = 40;
const FLOWS = 200;
const CONCURRENCY = 200; // every flow at once: the brief's load
// If the box chokes at 200 (a request that never gets an answer: socket error or timeout), the
// flows are run again with this many in flight, and the report says so.
const FALLBACK_CONCURRENCY = 50;
const SEARCH_MINUTES = 30; // wider than the policy's 10-minute circle, so every elder finds every category
const RATING = { stars: 5, tags: ['准时'] } as const;
// Long enough that a slow answer on 2 shared cores is still an answer; a request that takes longer
// than this is counted as the box choking, not as a slow request.
const REQUEST_TIMEOUT_MS = 120_000;
const FIRST_BODIES = 5; // unexpected answers quoted in the report: enough to see their shape
const TOP_MERCHANTS = 3; // the busiest merchants named in the report
const BODY_SNIPPET_CHARS = 300;
const ACTOR = 'system:bench';
const US_PER_MS = 1000;
const MS_PER_S = 1000;

/** Refusals that are the system working as designed: out of points, slot taken, over a cap, or an
 * order that moved on meanwhile (e.g. its 3-minute offer expired before the merchant's accept). */
const EXPECTED_CODES: ReadonlySet<string> = new Set(['INSUFFICIENT_POINTS', 'SLOT_FULL', 'CAP_EXCEEDED', 'ORDER_STATE']);

const STEPS = ['search', 'book', 'accept', 'complete', 'rate'] as const;
type Step = (typeof STEPS)[number];
const ENDPOINT: Record<Step, string> = {
  search: 'GET /api/search',
  book: 'POST /api/orders',
  accept: 'POST /api/orders/:id/accept',
  complete: 'POST /api/orders/:id/complete',
  rate: 'POST /api/orders/:id/rate',
};

// ---------------------------------------------------------------------------------------------
// Helpers

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const v = s[Math.min(s.length - 1, Math.floor(q * s.length))];
  if (v === undefined) throw new Error('quantile of no samples');
  return v;
};
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const fmtMs = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 100 ? 1 : 0)} ms`);
const load1 = (): number => os.loadavg()[0] ?? 0; // 1-minute load average: how busy the shared cores were
const log = (msg: string): void => { console.error(`[orders-load] ${msg}`); }; // progress on stderr; the report on stdout
const fmtCounts = (m: ReadonlyMap<string, number>): string =>
  m.size === 0 ? 'none' : [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${int(n)} ${k}`).join(', ');
const bump = (m: Map<string, number>, k: string): void => { m.set(k, (m.get(k) ?? 0) + 1); };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, key: string): string | null => (isRecord(v) && typeof v[key] === 'string' ? v[key] : null);
/** The stable code of the app's error shape `{ error: { code } }`, if that is what came back. */
const errorCode = (body: unknown): string | null => (isRecord(body) ? str(body.error, 'code') : null);

/** `limit` workers take items in order until none are left: at most `limit` in flight. */
const inFlight = async <T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> => {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) {
      const item = items[i];
      if (item !== undefined) out[i] = await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
};

// ---------------------------------------------------------------------------------------------
// HTTP: every request through fetch to the local server, its latency kept per endpoint.

type Reply = { status: number; text: string; body: unknown };

/** A request that got no HTTP answer (refused, reset, timed out): what "the box chokes" means here. */
class NoAnswer extends Error {}

const createClient = (baseUrl: string) => {
  const latencies = new Map<string, number[]>();
  const send = async (endpoint: string, method: 'GET' | 'POST', path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const t0 = performance.now();
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${baseUrl}${path}`, {
        method, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
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
  const postFrom = (path: string, localAddress: string, body: unknown): Promise<Reply> => new Promise((resolve, reject) => {
    http.request(`${baseUrl}${path}`, { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => { text += d; }).on('end', () => resolve({ status: res.statusCode ?? 0, text, body: null }));
    }).on('error', reject).end(JSON.stringify(body));
  });
  return { send, postFrom, latencies, reset: () => latencies.clear() };
};
type Client = ReturnType<typeof createClient>;

const expectOk = (what: string, r: Reply, status: number): unknown => {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.text.slice(0, BODY_SNIPPET_CHARS)}`);
  return r.body;
};

/** Phone sign-in as a person does it: ask for a code, read it from the dev outbox, exchange it. One at a time: the
 * outbox shows only its latest messages. The server sends 20 codes an hour per client address (otp_send_per_address),
 * and 76 phones are not one network: every 20 code requests come from the next loopback address (127.0.0.N). */
let codesAsked = 0;
const signIn = async (client: Client, outbox: { latestFor: (phone: string) => Promise<{ text_zh: string } | null> }, phone: string, role: 'elder' | 'merchant') => {
  const from = `127.0.0.${1 + Math.floor(codesAsked++ / ATTEMPT_RULES.otp_send_per_address.max)}`;
  expectOk(`otp ${role} ${phone} from ${from}`, await client.postFrom('/api/auth/otp', from, { phone, role }), 202);
  const code = (await outbox.latestFor(phone))?.text_zh.match(/(\d{6})/)?.[1];
  if (!code) throw new Error(`no sign-in code in the outbox for ${phone}`);
  const tokens = expectOk(`verify ${role} ${phone}`, await client.send('POST /api/auth/otp/verify', 'POST', '/api/auth/otp/verify', { body: { phone, role, code } }), 200);
  const token = str(tokens, 'access_token');
  if (!token) throw new Error(`verify ${role} ${phone}: no access_token`);
  // `sub` is `elder:<elder_id>` or `merchant:<merchant_id>`: the id the rest of the bench needs.
  const sub = str(expectOk(`me ${phone}`, await client.send('GET /api/me', 'GET', '/api/me', { token }), 200), 'sub');
  if (!sub?.startsWith(`${role}:`)) throw new Error(`me ${phone}: unexpected sub ${sub ?? 'none'}`);
  return { token, id: sub.slice(role.length + 1) };
};

// ---------------------------------------------------------------------------------------------
// One order flow

type Elder = { phone: string; token: string; elder_id: string };
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
    return { kind: 'unexpected', step, detail: `${r.status} ${r.text.slice(0, BODY_SNIPPET_CHARS)}`, noAnswer: false, merchant_id };
  };
  try {
    const found = await client.send(ENDPOINT.search, 'GET', `/api/search?category=${f.category}&minutes=${SEARCH_MINUTES}`, { token: f.elder.token });
    const searchFailed = check(found, 200);
    if (searchFailed) return searchFailed;
    const items = isRecord(found.body) && Array.isArray(found.body.items) ? found.body.items : [];
    const hit = items.filter(isRecord).find((h) => h.home_visit === false);
    merchant_id = str(hit, 'merchant_id');
    const service_id = str(hit, 'service_id');
    if (!merchant_id || !service_id) return { kind: 'no_hit', category: f.category };
    const merchantToken = merchants.get(merchant_id);
    if (!merchantToken) return { kind: 'unexpected', step, detail: `hit of a merchant not signed in: ${merchant_id}`, noAnswer: false, merchant_id };

    step = 'book';
    // A walk-in booking (no slot): the ten-minute circle's "now" case, which the slot counter does not cap.
    const booked = await client.send(ENDPOINT.book, 'POST', '/api/orders', {
      token: f.elder.token, headers: { 'idempotency-key': `${f.keyPrefix}-${f.n}` }, body: { merchant_id, service_id, slot_start: null },
    });
    const bookFailed = check(booked, 201);
    if (bookFailed) return bookFailed;
    const order_id = str(booked.body, 'order_id');
    const code = str(booked.body, 'code');
    if (!order_id || !code) return { kind: 'unexpected', step, detail: `201 without order_id or code: ${booked.text.slice(0, BODY_SNIPPET_CHARS)}`, noAnswer: false, merchant_id };

    step = 'accept';
    const accepted = check(await client.send(ENDPOINT.accept, 'POST', `/api/orders/${order_id}/accept`, { token: merchantToken, body: {} }), 200);
    if (accepted) return accepted;
    step = 'complete';
    const completed = check(await client.send(ENDPOINT.complete, 'POST', `/api/orders/${order_id}/complete`, { token: merchantToken, body: { code } }), 200);
    if (completed) return completed;
    step = 'rate';
    const r0 = performance.now();
    const rated = check(await client.send(ENDPOINT.rate, 'POST', `/api/orders/${order_id}/rate`, { token: f.elder.token, body: RATING }), 200);
    return rated ?? { kind: 'completed', merchant_id, rateMs: performance.now() - r0 };
  } catch (e) {
    if (e instanceof NoAnswer) return { kind: 'unexpected', step, detail: `no answer: ${e.message}`, noAnswer: true, merchant_id };
    return { kind: 'unexpected', step, detail: `bench error: ${e instanceof Error ? e.message : String(e)}`, noAnswer: false, merchant_id };
  }
};

/** `409 {"error":{"code":"CONFLICT",...}}` -> ` CONFLICT`, so unexpected answers group by code. */
const errorCodeOfDetail = (detail: string): string => {
  const m = detail.match(/"code":"([A-Z_]+)"/);
  return m?.[1] ? ` ${m[1]}` : '';
};

type Round = {
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

const runRound = async (client: Client, elders: readonly Elder[], merchants: ReadonlyMap<string, string>, concurrency: number, keyPrefix: string): Promise<Round> => {
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
    concurrency, wallMs, completed: 0, noHit: new Map(), expected: new Map(), unexpected: new Map(), noAnswer: 0, firstBodies: [], perMerchant: new Map(), rateMs: new Map(),
    latencies: new Map(client.latencies), requests: [...client.latencies.values()].reduce((s, xs) => s + xs.length, 0), load1Before, load1After: load1(),
  };
  for (const o of outcomes) {
    if (o.kind !== 'no_hit' && o.merchant_id !== null) bump(r.perMerchant, o.merchant_id);
    if (o.kind === 'completed') {
      r.completed++;
      r.rateMs.set(o.merchant_id, [...(r.rateMs.get(o.merchant_id) ?? []), o.rateMs]);
    }
    else if (o.kind === 'no_hit') bump(r.noHit, o.category);
    else if (o.kind === 'expected') bump(r.expected, `${o.code} at ${o.step}`);
    else {
      bump(r.unexpected, `${o.noAnswer ? 'no answer' : o.detail.split(' ')[0] ?? '?'}${errorCodeOfDetail(o.detail)} at ${o.step}`);
      if (o.noAnswer) r.noAnswer++;
      if (r.firstBodies.length < FIRST_BODIES) r.firstBodies.push(`${o.step}: ${o.detail}`);
    }
  }
  return r;
};

// ---------------------------------------------------------------------------------------------

const main = async (): Promise<void> => {
  const benchStart = performance.now();
  const loadAtStart = load1();
  const dataDir = await mkdtemp(join(os.tmpdir(), 'tmc-orders-load-'));
  let stop: (() => Promise<void>) | null = null;
  try {
    const port = await freePort();
    log(`starting the local server on port ${port}, DATA_DIR ${dataDir} (DynamoDB Local + demo seed)`);
    const started = performance.now();
    const local = await startLocal({ port, dataDir, quiet: true });
    stop = local.stop;
    const startMs = performance.now() - started;
    const { deps, url } = local;
    const outbox = deps.outbox;
    if (!outbox) throw new Error('no dev outbox: sign-in codes cannot be read');
    // Through 127.0.0.1 rather than `localhost`, which may resolve to ::1 first while the server listens on IPv4.
    const client = createClient(url.replace('localhost', '127.0.0.1'));

    // Sign-in, one person at a time (see signIn).
    const signInStart = performance.now();
    const phones = demoElders().flatMap((e) => (e.phone === null ? [] : [e.phone])).slice(0, ELDERS); // the seed's roster, same default seed
    if (phones.length < ELDERS) throw new Error(`only ${phones.length} demo elders have a phone`);
    const elders: Elder[] = [];
    for (const phone of phones) {
      const s = await signIn(client, outbox, phone, 'elder');
      elders.push({ phone, token: s.token, elder_id: s.id });
    }
    const merchantPhones = demoMerchants().map((m) => m.phone);
    const merchants = new Map<string, string>(); // merchant_id -> bearer token
    for (const phone of merchantPhones) {
      const s = await signIn(client, outbox, phone, 'merchant');
      merchants.set(s.id, s.token);
    }
    const signInMs = performance.now() - signInStart;
    // Index cards per merchant: what a rating rewrote before it became one item (one transaction if it
    // fitted, else BatchWriteItem), kept as the grouping key for rating latency. Setup, not load.
    const indexCards = new Map<string, number>();
    for (const id of merchants.keys()) {
      const m = await deps.merchants.getMerchant(id);
      if (!m) throw new Error(`signed-in merchant ${id} has no profile`);
      const cards = (await deps.merchants.services(id)).filter((sv) => isMatchable(m, sv)).reduce((n, sv) => n + indexKeysOf(serviceCard(m, sv)).length, 0);
      indexCards.set(id, cards);
    }
    const fitsOneTx = (id: string): boolean => 1 + (indexCards.get(id) ?? 0) <= TRANSACT_MAX_ITEMS;
    const signInLatencies = [...client.latencies.values()].flat();
    log(`signed in ${elders.length} elders and ${merchants.size} merchants in ${fmtMs(signInMs)}`);

    // Points. This month's allowance (30-200 points by the default policy) does not pay for five
    // flows that include home help (40-50) and repairs (30-40), so each elder gets a paid top-up
    // lot large enough for every flow of both rounds at the dearest on-site price: a refusal for
    // points would then say nothing about the load. Allowance lots expire first, so holds take them first.
    const allowance = await Promise.all(elders.map(async (e) => (await deps.ledger.account(walletAccount(e.elder_id))).balance_points));
    const dearest = Math.max(...demoMerchants().flatMap((m) => m.services.filter((s) => s.mode === 'onsite').map((s) => s.price_points)));
    const maxRounds = 2; // 200 in flight, then perhaps 50
    const topUpPoints = Math.ceil(FLOWS / ELDERS) * maxRounds * dearest;
    for (const e of elders) {
      await credit(deps, {
        entry_id: `topup:bench-orders-load:${e.elder_id}`, kind: 'top_up', elder_id: e.elder_id, amount_points: topUpPoints,
        from: 'topup_clearing', source: 'top_up', subsidy: false, expires_on: NEVER_EXPIRES, reason: '压测充值', actor: ACTOR, policy_version: null,
      });
    }
    log(`topped up ${elders.length} wallets with ${topUpPoints} points each`);

    // The flows: 200 at once; if any request got no answer, again with 50 in flight.
    const rounds: Round[] = [];
    const cpuBefore = process.cpuUsage();
    log(`running ${FLOWS} flows, ${CONCURRENCY} in flight`);
    rounds.push(await runRound(client, elders, merchants, CONCURRENCY, `bench-load-${CONCURRENCY}-${Date.now()}`));
    const first = rounds[0];
    if (first && first.noAnswer > 0) {
      log(`${first.noAnswer} requests got no answer at ${CONCURRENCY} in flight: running again with ${FALLBACK_CONCURRENCY}`);
      rounds.push(await runRound(client, elders, merchants, FALLBACK_CONCURRENCY, `bench-load-${FALLBACK_CONCURRENCY}-${Date.now()}`));
    }
    const cpu = process.cpuUsage(cpuBefore);
    const flowsCpuMs = (cpu.user + cpu.system) / US_PER_MS;
    const flowsWallMs = rounds.reduce((s, r) => s + r.wallMs, 0);

    // The ledger, with the server still up (and its offer-expiry timers still armed).
    log('verifying the ledger');
    const v0 = performance.now();
    const report: VerifyReport = await verifyLedger(deps.db);
    const verifyMs = performance.now() - v0;
    log('stopping the server');
    await local.stop();
    stop = null;

    const headline = rounds[rounds.length - 1];
    if (!headline) throw new Error('no round ran');
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    const row = (r: Round): string => {
      const unexpected = [...r.unexpected.values()].reduce((s, n) => s + n, 0);
      const expected = [...r.expected.values()].reduce((s, n) => s + n, 0);
      return `| ${r.concurrency} | ${r.completed} of ${FLOWS} | ${expected === 0 ? '0' : `${expected}: ${fmtCounts(r.expected)}`} | ` +
        `${unexpected === 0 ? '**0**' : `**${unexpected}**: ${fmtCounts(r.unexpected)}`} | ${fmtMs(r.wallMs)} | ` +
        `${((r.completed * MS_PER_S) / r.wallMs).toFixed(1)} | ${((r.requests * MS_PER_S) / r.wallMs).toFixed(1)} |`;
    };
    const latencyRows = (r: Round): string[] => STEPS.map((s) => {
      const xs = r.latencies.get(ENDPOINT[s]) ?? [];
      return xs.length === 0
        ? `| ${r.concurrency} | \`${ENDPOINT[s]}\` | 0 | — | — | — |`
        : `| ${r.concurrency} | \`${ENDPOINT[s]}\` | ${xs.length} | ${fmtMs(quantile(xs, 0.5))} | ${fmtMs(quantile(xs, 0.95))} | ${fmtMs(Math.max(...xs))} |`;
    });
    const unexpectedOf = (r: Round): number => [...r.unexpected.values()].reduce((s, n) => s + n, 0);
    const bodies = rounds.flatMap((r) => (r.firstBodies.length === 0 ? [] : [
      `First unexpected answers at ${r.concurrency} in flight (${r.firstBodies.length} of ${unexpectedOf(r)}):`, '',
      ...r.firstBodies.map((b) => `- \`${b.replaceAll('`', "'")}\``), '',
    ]));
    const cardRange = (ids: readonly string[]): string => {
      const ns = ids.map((id) => indexCards.get(id) ?? 0);
      return ns.length === 0 ? '—' : `${Math.min(...ns)}–${Math.max(...ns)}`;
    };
    const smallIds = [...merchants.keys()].filter(fitsOneTx);
    const bigIds = [...merchants.keys()].filter((id) => !fitsOneTx(id));
    const rateBy = (r: Round, ids: readonly string[]): string => {
      const xs = ids.flatMap((id) => r.rateMs.get(id) ?? []);
      return xs.length === 0 ? 'no ratings' : `${xs.length} ratings, p50 ${fmtMs(quantile(xs, 0.5))} / p95 ${fmtMs(quantile(xs, 0.95))}`;
    };
    const spread = (r: Round): string => {
      const counts = [...r.perMerchant.values()].sort((a, b) => b - a);
      return `${r.concurrency} in flight: ${r.perMerchant.size} distinct merchants, the busiest ${counts.slice(0, TOP_MERCHANTS).join(', ')} flows`;
    };
    const choked = rounds.length > 1;
    const noHits = [...headline.noHit.values()].reduce((s, n) => s + n, 0);

    const body = [
      '## Orders under load over HTTP',
      '',
      provenance('npm run bench', 'npx tsx bench/orders-load.ts'),
      '',
      `\`startLocal\` (DynamoDB Local with its data in a fresh temp DATA_DIR, the full app server, the demo seed: 200 elders, ` +
        `${merchantPhones.length} merchants, this month's allowance) on a free port; ${ELDERS} demo elders with a phone and all ` +
        `${merchants.size} demo merchants signed in by phone code (\`POST /api/auth/otp\` from 127.0.0.1–${Math.ceil(codesAsked / ATTEMPT_RULES.otp_send_per_address.max)}, ` +
        `${ATTEMPT_RULES.otp_send_per_address.max} per address, the server's hourly limit; code read from the dev outbox, ` +
        `\`POST /api/auth/otp/verify\`) for bearer tokens. Then ${FLOWS} order flows through \`fetch\` to the server: search ` +
        `(\`GET /api/search?category=…&minutes=${SEARCH_MINUTES}\` as the elder; each elder's flows rotate through the ` +
        `${DEFAULT_CATEGORIES.length} categories) → book the first on-site hit as a walk-in (\`slot_start: null\`, unique ` +
        'Idempotency-Key) → the merchant accepts → the merchant completes with the code from the booking response → the ' +
        `elder rates ${RATING.stars} stars. Expected rejections are the business refusals ${[...EXPECTED_CODES].join(', ')}; ` +
        'anything else (another code, a 5xx, no answer) is unexpected. The server runs in the bench process (one event loop ' +
        'for client and server) and DynamoDB Local on the same cores: latencies are this machine\'s, not Lambda\'s and DynamoDB\'s.',
      '',
      `Concurrency: **${headline.concurrency} in flight**` +
        (choked
          ? ` — at ${CONCURRENCY} in flight ${first?.noAnswer ?? 0} requests got no answer (socket error or over ${REQUEST_TIMEOUT_MS / MS_PER_S} s), so the flows ran again with ${FALLBACK_CONCURRENCY}; both rounds below.`
          : ` — the box did not choke: every request got an answer (none over ${REQUEST_TIMEOUT_MS / MS_PER_S} s).`),
      '',
      `Points: every elder was credited **${topUpPoints} points as a paid \`top_up\` lot** (\`credit()\`, never expires) before the ` +
        `flows — ${Math.ceil(FLOWS / ELDERS)} flows × ${maxRounds} possible rounds × ${dearest} (the dearest on-site service). ` +
        `Their allowance alone (${Math.min(...allowance)}–${Math.max(...allowance)} points this month under the default policy) ` +
        'would not pay for five flows that include home help and repairs, and a refusal for points would say nothing about the load. ' +
        `Caps unchanged: ${DEFAULT_POLICY.per_order_max_points} per order, ${DEFAULT_POLICY.per_month_max_points} per month.`,
      '',
      '| in flight | flows completed (rated) | expected rejections | unexpected | wall time | flows/s | requests/s |',
      '| ---: | ---: | --- | --- | ---: | ---: | ---: |',
      ...rounds.map(row),
      '',
      'Request latency per endpoint (every request that got an HTTP answer, whatever its status; requests with no answer are not in it):',
      '',
      '| in flight | endpoint | requests | p50 | p95 | max |',
      '| ---: | --- | ---: | ---: | ---: | ---: |',
      ...rounds.flatMap(latencyRows),
      '',
      ...bodies,
      `- Flows with no on-site hit in the circle: ${noHits === 0 ? 'none' : fmtCounts(headline.noHit)}.`,
      `- Where the load landed (first on-site hit of each flow): ${rounds.map(spread).join('; ')}.`,
      '- Rating: after the order\'s own versioned change to `rated`, one atomic ADD on the merchant\'s rating item (`MERCHANT#{id}`/`RATING`, ' +
        'store/merchants.ts `addRating`: 1 item, per the code; no write metering here); search reads the page\'s ratings in one BatchGet (`withRatings`). ' +
        'Successful ratings: ' + rounds.map((r) => `at ${r.concurrency} in flight, all ${rateBy(r, [...merchants.keys()])}; the ${bigIds.length} merchants ` +
          `with home visits on ${TRANSACT_MAX_ITEMS}+ cards ${rateBy(r, bigIds)}; the ${smallIds.length} others ${rateBy(r, smallIds)}`).join('; ') + `. Before this change, ` +
        `per rating the ${bigIds.length} rewrote ${cardRange(bigIds)} cards (BatchWriteItem), the others ${cardRange(smallIds)} (one transaction): at aec0525 ` +
        '(2026-11-23) p50 84.0 s / p95 101.8 s vs 9781 ms / 14.2 s. Now a rating writes 1 item.',
      `- verifyLedger with the server up, after the flows: **${report.ok ? 'ok' : 'FAILED'}**; ${int(report.counts.entries)} entries, ` +
        `${int(report.counts.postings)} postings, ${int(report.counts.accounts)} accounts, ${int(report.counts.lots)} lots, ` +
        `${int(report.counts.holds)} holds, ${int(report.counts.reversals)} reversals (Scan of the whole table: ${fmtMs(verifyMs)})` +
        (report.ok ? '.' : `; first problems: ${report.problems.slice(0, FIRST_BODIES).join('; ')}.`),
      `- Setup: server start with the demo seed ${fmtMs(startMs)}; ${elders.length + merchants.size} sign-ins one at a time ` +
        `${fmtMs(signInMs)} (verify and /api/me request p50 ${fmtMs(quantile(signInLatencies, 0.5))}).`,
      `- CPU of this process (client and server) during the flows: ${fmtMs(flowsCpuMs)} of ${fmtMs(flowsWallMs)} wall ` +
        `(${((100 * flowsCpuMs) / flowsWallMs).toFixed(0)}% of one core); the rest is DynamoDB Local's JVM and waiting for it. ` +
        `1-minute load average ${loadAtStart.toFixed(1)} at the start, ${headline.load1Before.toFixed(1)} before the flows and ` +
        `${headline.load1After.toFixed(1)} after, on ${os.cpus().length} cores: other work on this machine shared them, so every time above is an upper bound.`,
      `- Whole bench: ${fmtMs(performance.now() - benchStart)}. Peak RSS of the bench process: ${maxRssMb.toFixed(0)} MB.`,
    ].join('\n');

    await writeSection(SECTION, body);
    console.log(body);
  } finally {
    if (stop) await stop().catch((e: unknown) => { log(`stopping the server failed: ${e instanceof Error ? e.message : String(e)}`); });
    await rm(dataDir, { recursive: true, force: true });
  }
};

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
