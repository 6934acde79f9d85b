// Timers that survive a restart: a 帮我找 offer's timer is kept in the table, so a new server (a
// new app and poller on the same DynamoDB) fires it and the cascade moves on; many pollers at
// once run it once; a poller that died after claiming only delays it.
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, json, makeTestApp, phoneToken } from '../../../tests/support/app';
import { buildDeps } from '@tmc/app/compose/deps';
import { createApp } from '@tmc/app/compose/app';
import { captureLogger } from '@tmc/app/http/logger';
import { runJob } from '@tmc/app/compose/jobs';
import { createTimerStore, TIMER_LEASE_MS, timerName } from '@tmc/store/entities/timers';
import { createTimerPoller } from './scheduler';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let elder: string;
beforeAll(async () => {
  t = await makeTestApp({ seedElders: 4, merchants: true });
  t.clock.set('2026-11-23T02:00:00Z'); // Monday 10:00 in Suizhou: shops are open
  await runJob(t.deps, { job: 'issuance', month: '2026-11' });
  elder = await phoneToken(t.app, t.deps, t.seed?.elderPhones[0] ?? '', 'elder');
}, 180_000);

/** A restarted server: new deps, app and poller built from the same configuration and table. */
const restart = () => {
  const deps = buildDeps(t.env, { db: t.db, clock: t.clock, logger: captureLogger() });
  return { deps, app: createApp(deps).app, poller: createTimerPoller(deps) };
};

let keyN = 0;
const offerTimer = (order_id: string, offer_index: number) => timerName({ job: 'offer-expiry', order_id, offer_index });
const find = async () => {
  const res = await t.app.request(
    '/api/orders/find',
    bearer(elder, json({ category: 'barber' }, { 'idempotency-key': `timer-test-${keyN++}` })),
  );
  expect(res.status).toBe(201);
  return (await res.json()) as {
    order_id: string;
    merchant_id: string;
    offers: { merchant_id: string; offered_at: string; outcome: string }[];
  };
};

describe('offer timers kept in the table', () => {
  it('start 帮我找, restart the server: the new poller fires the offer timer and the cascade moves on', async () => {
    const o = await find();
    expect(o.offers.length).toBeGreaterThan(1);
    const store = createTimerStore(t.db);
    const pending = await store.due(new Date(t.clock.now().getTime() + 3_600_000));
    expect(pending.map((x) => x.name)).toContain(offerTimer(o.order_id, 0));

    const s = restart(); // the first instance is gone; nothing of it is used below
    expect((await s.poller.pollOnce()).fired).not.toContain(offerTimer(o.order_id, 0)); // not due yet
    expect((await s.deps.orders.get(o.order_id))?.merchant_id).toBe(o.merchant_id);

    t.clock.advance(3 * 60_000 + 1);
    expect((await s.poller.pollOnce()).fired).toContain(offerTimer(o.order_id, 0));
    const moved = await s.deps.orders.get(o.order_id);
    expect(moved?.status).toBe('requested');
    expect(moved?.offers[0]?.outcome).toBe('expired');
    expect(moved?.offers[1]?.offered_at).not.toBe('');
    expect(moved?.merchant_id).toBe(o.offers[1]?.merchant_id);
    expect((await s.poller.pollOnce()).fired).toEqual([]); // fired once, then gone

    // The next offer's timer was kept by the restarted instance and fires after another restart.
    const s2 = restart();
    t.clock.advance(3 * 60_000 + 1);
    expect((await s2.poller.pollOnce()).fired).toEqual([offerTimer(o.order_id, 1)]);
    const after = await s2.deps.orders.get(o.order_id);
    expect(after?.offers[1]?.outcome).toBe('expired');
    // on to the third shop, or (with only two) unmatched and the points back
    expect(o.offers[2] ? after?.merchant_id : after?.status).toBe(o.offers[2]?.merchant_id ?? 'unmatched');
    await s2.app.request(`/api/orders/${o.order_id}/cancel`, bearer(elder, { method: 'POST' }));
  });

  it('30 pollers polling at once fire a due timer once: the cascade moves one step, not several', async () => {
    const o = await find();
    t.clock.advance(3 * 60_000 + 1);
    const pollers = Array.from({ length: 30 }, () => restart().poller);
    const results = await Promise.all(pollers.map((p) => p.pollOnce()));
    expect(results.flatMap((r) => r.fired).filter((n) => n === offerTimer(o.order_id, 0))).toHaveLength(1);
    const now = await t.deps.orders.get(o.order_id);
    expect(now?.offers.map((x) => x.outcome)).toEqual(['expired', ...o.offers.slice(1).map(() => 'pending')]);
    expect(now?.offers.filter((x) => x.offered_at !== '')).toHaveLength(2);
    await t.app.request(`/api/orders/${o.order_id}/cancel`, bearer(elder, { method: 'POST' }));
  });

  it(
    'scheduling the same timer twice keeps one; a poller that died after ' + 'its claim only delays the timer',
    async () => {
      const store = createTimerStore(t.db);
      const o = await find();
      const job = { job: 'offer-expiry' as const, order_id: o.order_id, offer_index: 0 };
      const at = new Date(t.clock.now().getTime() + 3 * 60_000);
      await Promise.all(Array.from({ length: 20 }, () => store.scheduler.at(at, job)));
      t.clock.advance(3 * 60_000 + 1);
      const due = (await store.due(t.clock.now())).filter((x) => x.name === timerName(job));
      expect(due).toHaveLength(1);
      const dead = due[0];
      if (!dead) throw new Error('timer missing');
      expect(await store.claim(dead, t.clock.now())).not.toBeNull(); // claimed, then the process died
      const { poller } = restart();
      expect((await poller.pollOnce()).fired).not.toContain(timerName(job)); // the lease still holds
      expect((await t.deps.orders.get(o.order_id))?.offers[0]?.outcome).toBe('pending');
      t.clock.advance(TIMER_LEASE_MS + 1);
      expect((await poller.pollOnce()).fired).toContain(timerName(job));
      expect((await t.deps.orders.get(o.order_id))?.offers[0]?.outcome).toBe('expired');
      await t.app.request(`/api/orders/${o.order_id}/cancel`, bearer(elder, { method: 'POST' }));
    },
  );
});
