// The counters are exactly once whatever the delivery: real flows on table A, ALL of A's stream read
// with the poller's reader, then applied to fresh counter tables: in order (B), twice (C), shuffled and
// split into random batches (D, fast-check). Every result is the same counter items, equal to the
// backfill of A's final state (E), and verify agrees with them.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SourceChange } from '@tmc/core/analytics/model';
import { countersReactor, runBatch } from '@tmc/core/analytics/stream';
import { changeOfRecord } from '@tmc/store/stream-change';
import { createCounterStore, createElderDims } from '@tmc/store/entities/counters';
import { backfillCounters, counterRows, diffCounters, scanAll, verifyAnalytics } from '@tmc/store/analytics-verify';
import type { Db } from '@tmc/store/table';
import { createStreamReader } from '@tmc/local/stream-poller';
import { makeTestDb } from '../support/db';
import { makeFlowWorld, runFlows, type FlowWorld } from '../support/analytics-flows';

let t: FlowWorld;
let changes: SourceChange[] = [];

beforeAll(async () => {
  t = await makeFlowWorld();
  await runFlows(t);
  const reader = createStreamReader(t.db);
  for (const records of (await reader.read()).values()) changes.push(...records.map(changeOfRecord));
}, 600_000);

const apply = async (into: Db, batches: SourceChange[][]) => {
  const reactor = countersReactor({ counters: createCounterStore(into), elders: createElderDims(t.db) });
  for (const b of batches)
    expect(await runBatch(b, [reactor], { onError: (e) => console.error('change failed', e) })).toBeNull();
};
const countersOf = async (db: Db) => {
  const items: Record<string, unknown>[] = [];
  await scanAll(db, async (p) => void items.push(...p));
  return counterRows(items);
};
const sorted = (rows: Map<string, Record<string, number>>) =>
  [...rows.entries()]
    .map(
      ([k, v]) =>
        [
          k,
          Object.fromEntries(
            Object.entries(v)
              .filter(([, n]) => n !== 0)
              .sort(),
          ),
        ] as const,
    )
    .filter(([, v]) => Object.keys(v).length > 0)
    .sort(([a], [b]) => a.localeCompare(b));

describe('analytics stream replay', () => {
  it('in order, twice, shuffled and re-split: the same counters, equal to the backfill', async () => {
    expect(changes.filter((c) => c.new?.type === 'order').length).toBeGreaterThan(20);
    const B = await makeTestDb('anB');
    await apply(B, [changes]);
    const once = sorted(await countersOf(B));
    expect(once.length).toBeGreaterThan(10);

    const C = await makeTestDb('anC');
    await apply(C, [changes, changes]);
    expect(sorted(await countersOf(C))).toEqual(once);

    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(
          changes.map((_, i) => i),
          { minLength: changes.length, maxLength: changes.length },
        ),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
        async (order, sizes) => {
          const D = await makeTestDb('anD');
          const shuffled = order.map((i) => changes[i] as SourceChange);
          const batches: SourceChange[][] = [];
          for (let at = 0, k = 0; at < shuffled.length; k++) {
            const size = sizes[k % sizes.length] ?? 1;
            batches.push(shuffled.slice(at, at + size));
            at += size;
          }
          await apply(D, batches);
          expect(sorted(await countersOf(D))).toEqual(once);
        },
      ),
      { numRuns: 2, seed: 11 },
    );

    const E = await makeTestDb('anE');
    await backfillCounters(t.db, createCounterStore(E));
    expect(diffCounters(await countersOf(E), await countersOf(B), true)).toEqual([]);
    expect((await verifyAnalytics(t.db, B)).problems).toEqual([]);
  }, 600_000);
});
