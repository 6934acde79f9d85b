// The dashboard's side of the counters (issue 11): counter items read by key (BatchGetItem, pattern
// countersOfScope in entities/counters.ts). The streams function's side (applying facts) is its own.
import type { CounterRow, Period, Scope } from '@tmc/core/analytics/model';
import type { CounterStore } from '@tmc/core/analytics/ports';
import { batchGet } from './batch-get';
import { counterKeys, eraseActiveDims } from './entities/counters';
import type { Db } from './table';

/** Counter attributes are numbers; the keys and any bookkeeping attribute are not counters. */
export const countersOfItem = (item: Record<string, unknown>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(item)) if (typeof v === 'number' && k !== 'version') out[k] = v;
  return out;
};

/** The API's side: reads, and the erasure when an elder leaves the scheme (elders/leave.ts). */
export const createCounterReader = (db: Db): Pick<CounterStore, 'read' | 'eraseActiveDims'> => ({
  eraseActiveDims: (elder_id: string) => eraseActiveDims(db, elder_id),
  async read(wanted: { scope: Scope; period: Period }[]): Promise<CounterRow[]> {
    const items = await batchGet(
      db,
      wanted.map((w) => counterKeys.counterItem(w.scope, w.period)),
    );
    return items.map((it) => ({
      scope: counterKeys.scopeOfCounterPk(String(it.pk)),
      period: String(it.sk) as Period,
      counters: countersOfItem(it),
    }));
  },
});
