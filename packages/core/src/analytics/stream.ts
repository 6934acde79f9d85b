// The stream pipeline: each batch of table changes runs through the reactors (counters here; the
// coverage trigger and anomaly flags are added beside it). The same code runs in the streams Lambda,
// the local poller, the backfill (insertions of current images) and the tests.
import { activeTouchOf, elderCountOf, eldersWithoutSnapshot, factsOf, isSource, type ElderDims } from './facts';
import type { ChangeReactor, SourceChange } from './model';
import type { CounterStore, ElderDimsPort } from './ports';

export type CountersDeps = { counters: CounterStore; elders: ElderDimsPort };

/** Counters: each change's facts applied once, its elder's active bucket moved forward, and an elder's
 * registered stock moved to its newest version. */
export const countersReactor = (deps: CountersDeps): ChangeReactor => {
  // elder dims for orders without a snapshot, loaded once per batch (prepare) and kept for the batch's
  // changes; a miss (an order outside the prepared batch) is loaded on its own
  let dims = new Map<string, ElderDims>();
  const ensure = async (cs: SourceChange[]) => {
    const missing = eldersWithoutSnapshot(cs).filter((id) => !dims.has(id));
    if (missing.length) for (const [k, v] of await deps.elders.dimsOf(missing)) dims.set(k, v);
  };
  return {
    name: 'counters',
    wants: (c) => isSource(c.new) || isSource(c.old),
    prepare: async (cs) => {
      dims = new Map();
      await ensure(cs);
    },
    react: async (c) => {
      await ensure([c]);
      const lookup = (id: string) => dims.get(id) ?? null;
      for (const f of factsOf(c, lookup)) await deps.counters.apply(f);
      const touch = activeTouchOf(c, lookup);
      if (touch) await deps.counters.touchActive(touch);
      const elder = elderCountOf(c);
      if (elder) await deps.counters.countElder(elder);
    },
  };
};

// Changes in flight at once within a batch. One: every fact also updates its scope's month item (and the
// city's day item), so concurrent transactions conflict there and back off; on DynamoDB Local 8 in flight
// was several times slower than 1 (bench/analytics-stream.ts). Reactors are order-insensitive, so a
// caller may still raise it; a failure reports the first failed change, and what follows is redelivered.
export const STREAM_CONCURRENCY = 1;

/** Runs the reactors over a batch (in order, `concurrency` changes at a time). Answers the index of the
 * first change that failed (everything from it on must be delivered again), or null when all passed. */
export const runBatch = async (
  changes: SourceChange[],
  reactors: ChangeReactor[],
  opts: { concurrency?: number; onError?: (e: unknown, i: number) => void } = {},
): Promise<number | null> => {
  const concurrency = opts.concurrency ?? STREAM_CONCURRENCY;
  for (const r of reactors) if (r.prepare) await r.prepare(changes.filter(r.wants));
  for (let from = 0; from < changes.length; from += concurrency) {
    const window = changes.slice(from, from + concurrency);
    const results = await Promise.allSettled(
      window.map(async (c) => {
        for (const r of reactors) if (r.wants(c)) await r.react(c);
      }),
    );
    const bad = results.findIndex((x) => x.status === 'rejected');
    if (bad >= 0) {
      const failed = results[bad];
      opts.onError?.(failed?.status === 'rejected' ? failed.reason : null, from + bad);
      return from + bad;
    }
  }
  return null;
};
