// One booking, many copies of the same request at once (a double tap, a retrying client): every
// copy gets the one order (201, the winner's replay), never a 409 from the ledger's own guard;
// points are held once and the shop is told once. The ledger verifies after.
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
});
