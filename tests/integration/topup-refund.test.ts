// Family top-up refunds end to end on DynamoDB Local with the fake gateway, through app.request():
// a refund returns only unspent points, once, and calls the provider once. The ledger verifies
// after each. The webhook paths are in topup.test.ts.
import { describe, expect, it } from 'vitest';
import { release } from '@tmc/core/ledger/service';
import { bearer, json, staffToken, tableSnapshot } from '../support/app';
import {
  deliver,
  elder,
  errCode,
  family,
  finance,
  g,
  refund,
  spend,
  startTopup,
  t,
  useTopupApp,
  wallet,
  type TopupView,
} from './topup-setup';

useTopupApp();

describe('refunds', () => {
  it(
    'an untouched top-up: all points back, the provider called once, ' + 'retries replay, other keys find nothing left',
    async () => {
      const id = await startTopup(10_000, 'int-refund-0001');
      await deliver('payment.succeeded', id, 10_000);
      expect(await wallet()).toBe(100);
      const res = await refund(id, 'rf-key-000001');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        status: 'refunded',
        refunded_points: 100,
        refunded_fen: 10_000,
        refund_confirmed: false,
      });
      expect(await wallet()).toBe(0);
      expect(g.calls.refunds).toEqual([
        { idempotency_key: `refund_${id}`, provider_ref: `fake_pi_${id}`, amount_fen: 10_000, topup_id: id },
      ]);
      // the same request again: the first answer, marked as a replay; nothing new at the provider or in the ledger
      const before = await tableSnapshot(t.deps);
      const again = await refund(id, 'rf-key-000001');
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await again.json()).toMatchObject({ refunded_points: 100 });
      expect(await tableSnapshot(t.deps)).toEqual(before);
      expect(g.calls.refunds).toHaveLength(1);
      // a new key: nothing left; the old key with another body: refused
      expect(await errCode(await refund(id, 'rf-key-000002'))).toBe('TOPUP_NOTHING_TO_REFUND');
      expect(await errCode(await refund(id, 'rf-key-000001', 'another reason'))).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(g.calls.refunds).toHaveLength(1);
      // the provider confirms; the refund entry is in the ledger once
      expect((await deliver('refund.succeeded', id, 10_000)).body.outcome).toBe('refund_confirmed');
      expect(
        ((await (await t.app.request(`/api/topups/${id}`, bearer(finance))).json()) as TopupView).refund_confirmed,
      ).toBe(true);
      expect(
        (await t.deps.ledger.entry(`refund:${id}`))?.postings.find((p) => p.account.startsWith('refunds:'))
          ?.amount_points,
      ).toBe(100);
      // audited
      const audit = (await (
        await t.app.request(`/api/elders/${elder.elder_id}/audit`, bearer(await staffToken(t.app, 'admin')))
      ).json()) as { items: { action: string }[] };
      expect(audit.items.filter((a) => a.action === 'topup.refund')).toHaveLength(1);
    },
  );

  it(
    'after spending part: only the rest is refunded; spent points stay ' + 'spent; the wallet never goes negative',
    async () => {
      const id = await startTopup(10_000, 'int-refund-0002');
      await deliver('payment.succeeded', id, 10_000);
      await spend('h_part_0001', 30);
      expect(await wallet()).toBe(70);
      const res = await refund(id, 'rf-key-000003');
      expect(await res.json()).toMatchObject({ refunded_points: 70, refunded_fen: 7_000 });
      expect(await wallet()).toBe(0);
      expect(g.calls.refunds.map((r) => r.amount_fen)).toEqual([7_000]);
      // the order is later cancelled: its 30 points come back to the elder (they were not refunded)
      await release(t.deps, { hold_id: 'h_part_0001', why: 'cancelled', actor: 'test' });
      expect(await wallet()).toBe(30);
      expect(await errCode(await refund(id, 'rf-key-000004'))).toBe('TOPUP_NOTHING_TO_REFUND');
      expect(await wallet()).toBe(30);
    },
  );

  it('everything spent: TOPUP_NOTHING_TO_REFUND, no provider call, nothing written', async () => {
    const id = await startTopup(2_000, 'int-refund-0003');
    await deliver('payment.succeeded', id, 2_000);
    await spend('h_all_00001', 20);
    const before = await tableSnapshot(t.deps);
    const res = await refund(id, 'rf-key-000005');
    expect(res.status).toBe(409);
    expect(await errCode(res)).toBe('TOPUP_NOTHING_TO_REFUND');
    expect(g.calls.refunds).toHaveLength(0);
    expect(await tableSnapshot(t.deps)).toEqual(before);
  });

  it(
    'a provider failure after the points left: 502, and a retry finishes ' +
      'the same refund without taking points twice',
    async () => {
      const id = await startTopup(4_000, 'int-refund-0004');
      await deliver('payment.succeeded', id, 4_000);
      g.failNext.refund = 1;
      const first = await refund(id, 'rf-key-000006');
      expect(first.status).toBe(502);
      expect(await wallet()).toBe(0); // the ledger side is done and recorded under the key
      const retry = await refund(id, 'rf-key-000006');
      expect(retry.status).toBe(200);
      expect(await retry.json()).toMatchObject({ status: 'refunded', refunded_points: 40, refunded_fen: 4_000 });
      // the provider de-duplicates the two calls
      expect(new Set(g.calls.refunds.map((r) => r.idempotency_key))).toEqual(new Set([`refund_${id}`]));
      expect(await wallet()).toBe(0);
    },
  );

  it(
    '30 parallel refunds with different keys: one 200, every other 409 ' +
      'TOPUP_NOTHING_TO_REFUND; the provider called once; one audit record',
    async () => {
      const id = await startTopup(5_000, 'int-refund-par1');
      await deliver('payment.succeeded', id, 5_000);
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => refund(id, `rf-par-key-${String(i).padStart(4, '0')}`)),
      );
      const out = await Promise.all(
        answers.map(async (r) => ({
          status: r.status,
          body: (await r.json()) as { refunded_points?: number; error?: { code: string } },
        })),
      );
      expect(out.filter((o) => o.status === 200).map((o) => o.body.refunded_points)).toEqual([50]);
      expect(out.filter((o) => o.status !== 200).map((o) => `${o.status} ${o.body.error?.code}`)).toEqual(
        Array.from({ length: 29 }, () => '409 TOPUP_NOTHING_TO_REFUND'),
      );
      expect(g.calls.refunds).toHaveLength(1);
      expect(await wallet()).toBe(0);
      const audit = await t.deps.audit.listBySubject(`elder:${elder.elder_id}`, 100);
      expect(audit.items.filter((a) => a.action === 'topup.refund')).toHaveLength(1);
    },
  );

  it(
    '30 parallel refunds with one key: all 200 with the one refund, all but ' +
      'one marked as replays; one audit record',
    async () => {
      const id = await startTopup(5_000, 'int-refund-par2');
      await deliver('payment.succeeded', id, 5_000);
      const answers = await Promise.all(Array.from({ length: 30 }, () => refund(id, 'rf-one-key-0001')));
      expect(answers.map((r) => r.status)).toEqual(Array.from({ length: 30 }, () => 200));
      expect(answers.filter((r) => r.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
      const bodies = await Promise.all(answers.map(async (r) => (await r.json()) as { refunded_points: number }));
      expect(new Set(bodies.map((b) => b.refunded_points))).toEqual(new Set([50]));
      // any repeat is de-duplicated by the provider
      expect(new Set(g.calls.refunds.map((r) => r.idempotency_key))).toEqual(new Set([`refund_${id}`]));
      expect(await wallet()).toBe(0);
      const audit = await t.deps.audit.listBySubject(`elder:${elder.elder_id}`, 100);
      expect(audit.items.filter((a) => a.action === 'topup.refund')).toHaveLength(1);
    },
  );

  it(
    'the refund entry cannot be reversed: 422 ENTRY_NOT_REVERSIBLE, the ' +
      "refunded points stay gone (so do the top-up's)",
    async () => {
      const id = await startTopup(5_000, 'int-refund-rev1');
      await deliver('payment.succeeded', id, 5_000);
      expect((await refund(id, 'rf-rev-key-0001')).status).toBe(200);
      expect(await wallet()).toBe(0);
      const admin = await staffToken(t.app, 'admin');
      for (const entry of [`refund:${id}`, `topup:${id}`]) {
        const res = await t.app.request(
          `/api/ledger/entries/${encodeURIComponent(entry)}/reverse`,
          bearer(admin, json({ reason: '误操作' }, { 'idempotency-key': `rev-${entry.slice(0, 6)}-0001` })),
        );
        expect(res.status).toBe(422);
        expect(await errCode(res)).toBe('ENTRY_NOT_REVERSIBLE');
      }
      expect(await wallet()).toBe(0);
    },
  );

  it('refund needs a paid top-up, an Idempotency-Key, and an admin or finance officer', async () => {
    const id = await startTopup(1_000, 'int-refund-0005');
    expect(await errCode(await refund(id, 'rf-key-000007'))).toBe('TOPUP_NOT_PAID');
    await deliver('payment.succeeded', id, 1_000);
    expect(await errCode(await refund(id, null))).toBe('IDEMPOTENCY_KEY_REQUIRED');
    expect((await refund(id, 'rf-key-000008', '家属申请退款', family)).status).toBe(403);
    expect((await refund(id, 'rf-key-000009', '家属申请退款', await staffToken(t.app, 'zengdu'))).status).toBe(403);
    expect(await errCode(await refund(`t_${'f'.repeat(32)}`, 'rf-key-000010'))).toBe('TOPUP_NOT_FOUND');
    expect(await wallet()).toBe(10);
    expect((await refund(id, 'rf-key-000011', '家属申请退款', await staffToken(t.app, 'admin'))).status).toBe(200);
    expect(await wallet()).toBe(0);
  });
});
