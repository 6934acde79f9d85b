// Family top-up end to end on DynamoDB Local with the fake gateway, through app.request(): the
// webhook paths. Points are credited once however the webhook arrives (twice, as two different
// events, concurrently); unsigned, tampered or stale notifications change nothing. The ledger
// verifies after each. Refunds are in topup-refund.test.ts.
import { describe, expect, it } from 'vitest';
import { bearer, tableSnapshot } from '../support/app';
import {
  FAMILY_PHONE,
  deliver,
  elder,
  errCode,
  family,
  g,
  postWebhook,
  startTopup,
  t,
  useTopupApp,
  wallet,
  type TopupView,
} from './topup-setup';

useTopupApp();

describe('webhook credits exactly once', () => {
  it(
    'happy path: start -> paid webhook -> points credited, top-up paid, ' +
      'family and elder told (masked, no secrets)',
    async () => {
      const id = await startTopup(10_000, 'int-happy-0001');
      expect(await wallet()).toBe(0);
      const r = await deliver('payment.succeeded', id, 10_000);
      expect(r).toMatchObject({ status: 200, body: { duplicate: false, outcome: 'credited' } });
      expect(await wallet()).toBe(100);
      const lots = await t.deps.ledger.lots(`wallet:${elder.elder_id}`);
      expect(lots).toEqual([
        expect.objectContaining({
          lot_id: `topup:${id}`,
          source: 'top_up',
          subsidy: false,
          remaining_points: 100,
          expires_on: '9999-12-31',
        }),
      ]);
      const entry = await t.deps.ledger.entry(`topup:${id}`);
      expect(entry).toMatchObject({ kind: 'top_up', actor: expect.stringMatching(/^family:f_/) });
      expect(entry?.postings.find((p) => p.account.startsWith('topup_clearing:'))?.amount_points).toBe(-100);
      const view = (await (await t.app.request(`/api/topups/${id}`, bearer(family))).json()) as TopupView;
      expect(view).toMatchObject({ status: 'paid', amount_points: 100 });
      const toFamily = await t.deps.outbox?.latestFor(FAMILY_PHONE);
      expect(toFamily?.text_zh).toContain('¥100.00');
      expect(toFamily?.text_zh).toMatch(/充值 ¥100\.00 已到账，共 100 积分/);
      const toElder = await t.deps.outbox?.latestFor(elder.phone);
      expect(toElder?.text_zh).toContain('100 积分已到账');
      for (const m of [toFamily?.text_zh ?? '', toElder?.text_zh ?? ''])
        expect(m).not.toMatch(/fake_|secret|t_[0-9a-f]{32}/);
    },
  );

  it('the same webhook delivered twice: 200 both times, the second a duplicate that changes nothing', async () => {
    const id = await startTopup(5_000, 'int-twice-00001');
    const first = await deliver('payment.succeeded', id, 5_000);
    const before = await tableSnapshot(t.deps);
    const again = await postWebhook(first.signed.body, first.signed.header);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ received: true, duplicate: true });
    expect(await tableSnapshot(t.deps)).toEqual(before);
    expect(await wallet()).toBe(50);
  });

  it('two different events for the same payment credit once (the entry id is the top-up)', async () => {
    const id = await startTopup(5_000, 'int-twoevents-1');
    expect((await deliver('payment.succeeded', id, 5_000, { event_id: 'evt_completed' })).body.outcome).toBe(
      'credited',
    );
    const second = await deliver('payment.succeeded', id, 5_000, { event_id: 'evt_async_succeeded' });
    expect(second).toMatchObject({ status: 200, body: { duplicate: false, outcome: 'already_credited' } });
    expect(await wallet()).toBe(50);
    const history = await t.deps.ledger.history(`wallet:${elder.elder_id}`, 10);
    expect(history.items.filter((l) => l.kind === 'top_up')).toHaveLength(1);
  });

  it('concurrent deliveries (the same event and different events) still credit once', async () => {
    const id = await startTopup(8_000, 'int-concurrent1');
    const same = g.signEvent(
      { type: 'payment.succeeded', topup_id: id, amount_fen: 8_000, event_id: 'evt_same' },
      t.clock.now(),
    );
    const others = Array.from({ length: 4 }, (_, i) =>
      g.signEvent(
        { type: 'payment.succeeded', topup_id: id, amount_fen: 8_000, event_id: `evt_other_${i}` },
        t.clock.now(),
      ),
    );
    const all = await Promise.all([same, same, same, ...others].map((s) => postWebhook(s.body, s.header)));
    expect(all.map((r) => r.status)).toEqual(Array(7).fill(200));
    expect(await wallet()).toBe(80);
    expect((await t.deps.topups.get(id))?.status).toBe('paid');
  });

  it('a failed payment credits nothing; a late success for it still credits once', async () => {
    const id = await startTopup(3_000, 'int-failed-0001');
    expect((await deliver('payment.failed', id, 3_000)).body.outcome).toBe('marked_failed');
    expect(await wallet()).toBe(0);
    expect((await t.deps.topups.get(id))?.status).toBe('failed');
    expect(await t.deps.topups.startedOn(elder.elder_id, '2026-11-23')).toBe(0);
    expect((await deliver('payment.succeeded', id, 3_000)).body.outcome).toBe('credited');
    expect(await wallet()).toBe(30);
    expect(await t.deps.topups.startedOn(elder.elder_id, '2026-11-23')).toBe(3_000); // money that moved counts again
  });

  it('an amount that does not match, or an unknown top-up, is acknowledged and never credited', async () => {
    const id = await startTopup(3_000, 'int-mismatch-01');
    expect((await deliver('payment.succeeded', id, 300)).body.outcome).toBe('amount_mismatch');
    expect((await deliver('payment.succeeded', `t_${'0'.repeat(32)}`, 3_000)).body.outcome).toBe('unknown_topup');
    expect(await wallet()).toBe(0);
    expect((await t.deps.topups.get(id))?.status).toBe('pending');
  });
});

describe('bad webhooks: 400 and nothing changes', () => {
  it.each([
    [
      'unsigned',
      (s: { body: string; header: string }) => ({ body: s.body, header: undefined }),
      'WEBHOOK_SIGNATURE_INVALID',
    ],
    [
      'tampered body',
      (s: { body: string; header: string }) => ({
        body: s.body.replace('"amount_fen":5000', '"amount_fen":500000'),
        header: s.header,
      }),
      'WEBHOOK_SIGNATURE_INVALID',
    ],
    [
      'forged signature',
      (s: { body: string; header: string }) => ({
        body: s.body,
        header: `${s.header.slice(0, -1)}${s.header.endsWith('0') ? '1' : '0'}`,
      }),
      'WEBHOOK_SIGNATURE_INVALID',
    ],
  ])('%s', async (_n, mutate, code) => {
    const id = await startTopup(5_000, 'int-badhook-001');
    const s = g.signEvent({ type: 'payment.succeeded', topup_id: id, amount_fen: 5_000 }, t.clock.now());
    const before = await tableSnapshot(t.deps);
    const bad = mutate(s);
    const res = await postWebhook(bad.body, bad.header);
    expect(res.status).toBe(400);
    expect(await errCode(res)).toBe(code);
    expect(await tableSnapshot(t.deps)).toEqual(before);
    expect(await wallet()).toBe(0);
  });

  it('stale: a genuine event signed 6 minutes ago (a replay) is refused', async () => {
    const id = await startTopup(5_000, 'int-stale-00001');
    const before = await tableSnapshot(t.deps);
    const s = g.signEvent(
      { type: 'payment.succeeded', topup_id: id, amount_fen: 5_000 },
      new Date(t.clock.now().getTime() - 6 * 60_000),
    );
    const res = await postWebhook(s.body, s.header);
    expect(res.status).toBe(400);
    expect(await errCode(res)).toBe('WEBHOOK_STALE');
    expect(await tableSnapshot(t.deps)).toEqual(before);
  });

  it('a processed event replayed later than the tolerance is refused as stale, not re-applied', async () => {
    const id = await startTopup(5_000, 'int-stale-00002');
    const first = await deliver('payment.succeeded', id, 5_000);
    t.clock.advance(10 * 60_000);
    const before = await tableSnapshot(t.deps);
    const res = await postWebhook(first.signed.body, first.signed.header);
    expect(await errCode(res)).toBe('WEBHOOK_STALE');
    expect(await tableSnapshot(t.deps)).toEqual(before);
    expect(await wallet()).toBe(50);
  });
});
