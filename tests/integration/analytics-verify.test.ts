// analytics:verify after the flows: the stream (through the local poller's reader, the same reactors as
// the streams Lambda) builds the counters in the table itself, verify recomputes them from orders,
// entries and elders and agrees, including points.outstanding against the ledger. A backfill on top
// changes nothing (markers), and a tampered counter is reported.
import { beforeAll, describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { backfillCounters, verifyAnalytics } from '@tmc/store/analytics-verify';
import { counterKeys, createCounterStore } from '@tmc/store/entities/counters';
import { streamReactors } from '@tmc/app/compose/streams';
import { createStreamReader, pollOnce } from '@tmc/local/stream-poller';
import { makeFlowWorld, runFlows, type FlowWorld } from '../support/analytics-flows';

let t: FlowWorld;
beforeAll(async () => {
  t = await makeFlowWorld();
  await runFlows(t);
}, 600_000);

describe('analytics:verify after the flows', () => {
  it('the stream builds counters that verify recomputes exactly; a backfill after it changes nothing', async () => {
    const reader = createStreamReader(t.db);
    const first = await pollOnce(reader, streamReactors({ db: t.db }));
    expect(first.failedShards).toBe(0);
    expect(first.processed).toBeGreaterThan(100);
    // the counters' own writes come back on the stream: they are not sources, nothing more is counted
    await pollOnce(reader, streamReactors({ db: t.db }));
    const r = await verifyAnalytics(t.db);
    expect(r.problems).toEqual([]);
    const [all] = await createCounterStore(t.db).read([{ scope: 'all', period: 'T' }]);
    expect(all?.counters['elders.registered']).toBe(12);
    const [month] = await createCounterStore(t.db).read([{ scope: 'all', period: 'M#2026-11' }]);
    const c = month?.counters ?? {};
    expect(c['orders.requested']).toBe(9);
    expect(c['orders.completed']).toBeGreaterThanOrEqual(3);
    expect(c['orders.cancelled']).toBe(2);
    expect(c['orders.rejected']).toBe(1);
    expect(c['orders.no_show']).toBe(1);
    expect(c['disputes.upheld']).toBe(1);
    expect(c['disputes.dismissed']).toBe(1);
    expect(c['ratings.count']).toBe(2);
    expect(c['ratings.sum']).toBe(7);
    expect(c['find.matched_first']).toBeGreaterThanOrEqual(1);
    expect(c['points.issued']).toBeGreaterThan(0);
    expect(c['points.adjusted']).toBe(50);
    await backfillCounters(t.db, createCounterStore(t.db));
    expect((await verifyAnalytics(t.db)).problems).toEqual([]);
  });

  it('reports a counter that differs, and exits non-zero through ok=false', async () => {
    await t.db.doc.send(
      new UpdateCommand({
        TableName: t.db.table,
        Key: counterKeys.counterItem('all', 'M#2026-11'),
        UpdateExpression: 'ADD #c :one',
        ExpressionAttributeNames: { '#c': 'orders.completed' },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    const r = await verifyAnalytics(t.db);
    expect(r.ok).toBe(false);
    expect(r.problems.join('\n')).toMatch(/STAT#all\|M#2026-11 orders\.completed/);
  });
});
