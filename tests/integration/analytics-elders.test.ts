// Review of issue 11, H1 and H2. H2: an elder's registered stock is state kept per elder and moved to newer
// versions only, so the backfill first and the whole stream after it (or the reverse, or the stream twice
// and reversed) leave the same counters, and verify agrees, with an elder who moves and one who leaves.
// H1: per-merchant counters live in bucket items, so a month with 3,000 active merchants still applies.
import { describe, expect, it } from 'vitest';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { counterName, itemPeriodOf, type Period, type SourceChange } from '@tmc/core/analytics/model';
import { countersReactor, runBatch } from '@tmc/core/analytics/stream';
import { counterKeys, createCounterStore, createElderDims } from '@tmc/store/entities/counters';
import { elderKeys } from '@tmc/store/entities/elders';
import { backfillCounters, counterRows, scanAll, verifyAnalytics } from '@tmc/store/analytics-verify';
import type { Db } from '@tmc/store/table';
import { makeTestDb } from '../support/db';

const elder = (id: string, version: number, more: Record<string, unknown> = {}) => ({
  ...elderKeys.elder(id),
  type: 'elder',
  elder_id: id,
  status: 'active',
  version,
  community_code: 'zd.xc.sl',
  birth_date: '1950-03-01',
  care_level: 'light',
  special_categories: ['living_alone'],
  created_at: '2026-11-01T02:00:00.000Z',
  updated_at: `2026-11-0${version}T02:00:00.000Z`,
  ...more,
});
const x1 = elder('x', 1);
const x2 = elder('x', 2, { community_code: 'zd.dc.qn' }); // moves
const x3 = elder('x', 3, { community_code: 'zd.dc.qn', care_level: 'heavy' }); // care changes
const y1 = elder('y', 1);
const y2 = elder('y', 2, { status: 'left', care_level: null, special_categories: [], birth_date: '1950-01-01' });
const ch = (old: Record<string, unknown> | null, now: Record<string, unknown>): SourceChange => ({
  event: old ? 'MODIFY' : 'INSERT',
  keys: { pk: String(now.pk), sk: String(now.sk) },
  old,
  new: now,
});
const stream = [ch(null, x1), ch(null, y1), ch(x1, x2), ch(y1, y2), ch(x2, x3)];

const sorted = async (db: Db) => {
  const items: Record<string, unknown>[] = [];
  await scanAll(db, async (p) => void items.push(...p));
  return [...counterRows(items).entries()]
    .map(([k, v]) => [k, Object.fromEntries(Object.entries(v).filter(([n, c]) => c !== 0 && n !== 'type'))] as const)
    .filter(([, v]) => Object.keys(v).length > 0)
    .sort(([a], [b]) => a.localeCompare(b));
};

describe('elders: backfill and stream in any order', () => {
  it('a move, a care change and a leave: backfill first, stream first, twice and reversed agree', async () => {
    const A = await makeTestDb('elA'); // the source table: the elders as they are now
    for (const it of [x3, y2]) await A.doc.send(new PutCommand({ TableName: A.table, Item: it }));
    const run = async (into: Db, changes: SourceChange[]) => {
      const reactor = countersReactor({ counters: createCounterStore(into), elders: createElderDims(A) });
      expect(await runBatch(changes, [reactor])).toBeNull();
    };
    const B = await makeTestDb('elB'); // backfill first, then the whole stream
    await backfillCounters(A, createCounterStore(B));
    await run(B, stream);
    const C = await makeTestDb('elC'); // stream first, then the backfill
    await run(C, stream);
    await backfillCounters(A, createCounterStore(C));
    const D = await makeTestDb('elD'); // the stream twice, the second time reversed
    await run(D, [...stream, ...[...stream].reverse()]);
    const b = await sorted(B);
    expect(await sorted(C)).toEqual(b);
    expect(await sorted(D)).toEqual(b);
    const T = Object.fromEntries(b);
    expect(T['STAT#all|T']).toEqual({
      'elders.registered': 1,
      'elders.registered|age=70-79': 1,
      'elders.registered|care=heavy': 1,
      'elders.registered|special=living_alone': 1,
    });
    expect(T['STAT#community:zd.dc.qn|T']).toEqual(T['STAT#all|T']);
    expect(T['STAT#community:zd.xc.sl|T']).toBeUndefined(); // the mover's -1 and the leaver's -1: nothing left
    expect(T['STAT#all|M#2026-11']).toEqual({ 'elders.joined': 2 });
    for (const db of [B, C, D]) expect((await verifyAnalytics(A, db)).problems).toEqual([]);
  });
});

describe('merchants: bucket items', () => {
  it('a month with 3,000 active merchants still takes an order fact through apply', async () => {
    const db = await makeTestDb('mb');
    const id = (i: number) => `m_${createHash('sha256').update(String(i)).digest('hex').slice(0, 16)}`;
    const METRICS = ['orders.requested', 'orders.accepted', 'orders.completed', 'orders.cancelled'] as const;
    const more = ['orders.points', 'ratings.count', 'ratings.sum', 'disputes.opened'] as const;
    // setup written directly: every merchant with 8 metrics in the city's month and one day, bucketed
    const items = new Map<Period, Record<string, number>>();
    for (let i = 0; i < 3_000; i++)
      for (const metric of [...METRICS, ...more])
        for (const p of ['M#2026-11', 'D#2026-11-15'] as Period[]) {
          const name = counterName(metric, 'm', id(i));
          const ip = itemPeriodOf(name, p);
          (items.get(ip) ?? items.set(ip, {}).get(ip)!)[name] = 3;
        }
    const puts = [...items.entries()].map(([p, c]) => ({
      PutRequest: { Item: { ...counterKeys.counterItem('all', p), ...c } },
    }));
    for (let i = 0; i < puts.length; i += 25)
      await db.doc.send(new BatchWriteCommand({ RequestItems: { [db.table]: puts.slice(i, i + 25) } }));
    const largest = Math.max(...[...items.values()].map((c) => JSON.stringify(c).length));
    expect(largest).toBeLessThan(100_000); // ~47 merchants a bucket; one item of all of them would be ~1.3 MB
    const m = id(3_000);
    const add: Record<string, number> = { 'orders.requested': 1, 'orders.requested|cat=barber': 1 };
    for (const metric of [...METRICS, ...more]) add[counterName(metric, 'm', m)] = 1;
    const store = createCounterStore(db);
    expect(await store.apply({ id: 'order:o1:requested', day: '2026-11-15', community_code: 'zd.xc.sl', add })).toBe(
      true,
    );
    const [main] = await store.read([{ scope: 'all', period: 'M#2026-11' }]);
    expect(main?.counters).toEqual({ 'orders.requested': 1, 'orders.requested|cat=barber': 1 });
    const [bucket] = await store.read([
      { scope: 'all', period: itemPeriodOf(counterName('orders.requested', 'm', m), 'M#2026-11') },
    ]);
    expect(bucket?.counters[counterName('orders.requested', 'm', m)]).toBe(1);
  });
});
