// One booking, many copies of the same request at once (a double tap, a retrying client): every
// copy gets the one order (201, the winner's replay), never a 409 from the ledger's own guard;
// points are held once and the shop is told once. The ledger verifies after. The order is its own
// idempotency record (book.ts): the same key on another request is refused, at once or later, and
// orders booked before they carried the request's fingerprint still answer by the ledger's record.
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, json, makeTestApp, phoneToken } from '../../../../tests/support/app';
import { verifyLedger } from '@tmc/store/ledger-verify';
import type { Notice } from '@tmc/core/notices/ports';
import { runJob } from '../compose/jobs';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let elder: string;
let elderId: string;
beforeAll(async () => {
  t = await makeTestApp({ seedElders: 4, merchants: true });
  t.clock.set('2026-11-23T02:00:00Z'); // Monday 10:00 in Suizhou: shops are open
  t.deps.scheduler = { at: async () => undefined };
  await runJob(t.deps, { job: 'issuance', month: '2026-11' });
  elder = await phoneToken(t.app, t.deps, t.seed?.elderPhones[0] ?? '', 'elder');
  elderId = (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', t.seed?.elderPhones[0] ?? '')))[0] ?? '';
}, 180_000);

type Hit = { merchant_id: string; service_id: string; price_points: number; home_visit: boolean };

const barbers = async (): Promise<[Hit, Hit]> => {
  const res = await t.app.request('/api/search?category=barber&minutes=60', bearer(elder));
  const hits = ((await res.json()) as { items: Hit[] }).items.filter((h) => !h.home_visit);
  if (!hits[0] || !hits[1]) throw new Error('fewer than two barbers near the demo elder');
  return [hits[0], hits[1]];
};
const book = (h: Hit, key: string, token = elder) =>
  t.app.request(
    '/api/orders',
    bearer(
      token,
      json({ merchant_id: h.merchant_id, service_id: h.service_id, slot_start: null }, { 'idempotency-key': key }),
    ),
  );
/** The demo shops' phones are 1700002xxxx (local/demo/merchants.ts). */
const shopToken = async (merchant_id: string): Promise<string> => {
  for (let i = 0; i < 36; i++) {
    const phone = `1700002${String(i).padStart(4, '0')}`;
    const acct = await t.deps.accounts.get('merchant', t.deps.blindIndex('phone', phone));
    if (acct?.account_id === merchant_id) return phoneToken(t.app, t.deps, phone, 'merchant');
  }
  throw new Error(`no demo phone for ${merchant_id}`);
};
const wallet = async () => (await t.deps.ledger.account(`wallet:${elderId}`)).balance_points;
const codeOf = async (r: Response) => ((await r.json()) as { error?: { code: string } }).error?.code;

describe('POST /api/orders raced with one Idempotency-Key', () => {
  it(
    "30 copies at once: all 201 with the same order (the winner's, " +
      'replayed); points held once; one notice to the shop',
    async () => {
      const hits = (
        (await (await t.app.request('/api/search?category=barber&minutes=60', bearer(elder))).json()) as {
          items: Hit[];
        }
      ).items.filter((h) => !h.home_visit);
      const h = hits[0];
      if (!h) throw new Error('no barber near the demo elder');
      const sent: Notice[] = [];
      const real = t.deps.notifier;
      t.deps.notifier = {
        send: async (n) => {
          sent.push(n);
          await real.send(n);
        },
      };
      const before = (await t.deps.ledger.account(`wallet:${elderId}`)).balance_points;
      const body = { merchant_id: h.merchant_id, service_id: h.service_id, slot_start: null };
      const answers = await Promise.all(
        Array.from({ length: 30 }, () =>
          t.app.request('/api/orders', bearer(elder, json(body, { 'idempotency-key': 'one-booking-key-0001' }))),
        ),
      );
      const out = await Promise.all(
        answers.map(async (r) => ({
          status: r.status,
          body: (await r.json()) as { order_id?: string; error?: { code: string } },
        })),
      );
      expect(out.filter((o) => o.status !== 201).map((o) => `${o.status} ${o.body.error?.code}`)).toEqual([]);
      const ids = new Set(out.map((o) => o.body.order_id));
      expect(ids.size).toBe(1);
      const order_id = [...ids][0] ?? '';
      expect((await t.deps.ledger.account(`wallet:${elderId}`)).balance_points).toBe(before - h.price_points);
      expect((await t.deps.ledger.hold(order_id))?.status).toBe('open');
      expect(sent.filter((n) => n.template === 'order_new')).toHaveLength(1);
      t.deps.notifier = real;
      expect((await verifyLedger(t.db)).problems).toEqual([]);
    },
    120_000,
  );

  it('the same key on another booking is refused (409 IDEMPOTENCY_KEY_REUSED) and changes nothing', async () => {
    const [a, b] = await barbers();
    const first = await book(a, 'reused-key-0000001');
    expect(first.status).toBe(201);
    const order = (await first.json()) as { order_id: string };
    const before = await wallet();
    const other = await book(b, 'reused-key-0000001');
    expect([other.status, await codeOf(other)]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await wallet()).toBe(before);
    const again = await book(a, 'reused-key-0000001');
    expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
    expect(((await again.json()) as { order_id: string }).order_id).toBe(order.order_id);
    expect(await wallet()).toBe(before);
  });

  it('30 requests with one key and two bodies at once: one order, its twins replayed, the others refused', async () => {
    const [a, b] = await barbers();
    const before = await wallet();
    const out = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const r = await book(i % 2 ? a : b, 'two-bodies-key-0001');
        return { body: i % 2 ? 'a' : 'b', status: r.status, code: r.status === 201 ? null : await codeOf(r) };
      }),
    );
    const won = out.filter((o) => o.status === 201);
    expect(new Set(won.map((o) => o.body)).size).toBe(1); // every 201 asked for the winner's booking
    expect(won).toHaveLength(15);
    expect(out.filter((o) => o.status !== 201).map((o) => `${o.status} ${o.code}`)).toEqual(
      Array.from({ length: 15 }, () => '409 IDEMPOTENCY_KEY_REUSED'),
    );
    const price = won[0]?.body === 'a' ? a.price_points : b.price_points;
    expect(await wallet()).toBe(before - price);
    expect((await verifyLedger(t.db)).problems).toEqual([]);
  }, 120_000);

  it('a replay after the shop answered gets the order as it is now, also one from before the fingerprint', async () => {
    const [a, b] = await barbers();
    const first = (await (await book(a, 'answered-key-000001')).json()) as { order_id: string };
    const shop = await shopToken(a.merchant_id);
    const accepted = await t.app.request(
      `/api/orders/${first.order_id}/accept`,
      bearer(shop, json({}, { 'idempotency-key': 'accept-key-0000001' })),
    );
    expect(accepted.status).toBe(200);
    const replay = await book(a, 'answered-key-000001');
    expect(replay.status).toBe(201);
    expect(((await replay.json()) as { status: string }).status).toBe('accepted');
    // An order from before the fingerprint: none on the order, the ledger's idempotency record instead.
    const stored = await t.deps.orders.get(first.order_id);
    await t.db.doc.send(
      new UpdateCommand({
        TableName: t.db.table,
        Key: { pk: `ORDER#${first.order_id}`, sk: 'ORDER' },
        UpdateExpression: 'REMOVE request_hash',
      }),
    );
    await t.db.doc.send(
      new PutCommand({
        TableName: t.db.table,
        Item: {
          pk: `IDEM#elder:${elderId}#answered-key-000001`,
          sk: 'IDEM',
          type: 'idempotency',
          request_hash: stored?.request_hash,
          result: JSON.stringify({ entry_id: `hold:${first.order_id}` }),
        },
      }),
    );
    expect((await book(a, 'answered-key-000001')).status).toBe(201);
    const other = await book(b, 'answered-key-000001');
    expect([other.status, await codeOf(other)]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    // and once that record expired too: what the order says was asked
    await t.db.doc.send(
      new DeleteCommand({
        TableName: t.db.table,
        Key: { pk: `IDEM#elder:${elderId}#answered-key-000001`, sk: 'IDEM' },
      }),
    );
    expect((await book(a, 'answered-key-000001')).status).toBe(201);
    const third = await book(b, 'answered-key-000001');
    expect([third.status, await codeOf(third)]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
  });

  it('a replay gets its order even when a new booking would now be refused (a cap lowered since)', async () => {
    const [a] = await barbers();
    // an elder of its own: the earlier tests' bookings (whose prices depend on which racer won) leave
    // the first elder's monthly room varying
    const own = await phoneToken(t.app, t.deps, t.seed?.elderPhones[1] ?? '', 'elder');
    const booked = await book(a, 'capped-later-key-01', own);
    expect(booked.status).toBe(201);
    const first = (await booked.json()) as { order_id: string };
    const was = (await t.deps.policies.versions())[0];
    if (!was) throw new Error('no policy');
    const { version: _v, created_by: _b, created_at: _a, ...input } = was;
    const at = '2026-11-23T02:00:00.000Z';
    await t.deps.policies.append({ ...input, per_order_max_points: 1 }, 'staff:test', at);
    try {
      const fresh = await book(a, 'capped-later-key-02', own);
      expect([fresh.status, await codeOf(fresh)]).toEqual([422, 'CAP_EXCEEDED']);
      const replay = await book(a, 'capped-later-key-01', own);
      expect([replay.status, ((await replay.json()) as { order_id: string }).order_id]).toEqual([201, first.order_id]);
    } finally {
      await t.deps.policies.append(input, 'staff:test', at);
    }
  });
});
