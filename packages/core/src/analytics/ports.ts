// What analytics needs from storage: counter items read by key (the dashboard) and applied once per fact
// (the streams function, the backfill).
import type { CounterRow, Fact, Period, Scope } from './model';

export type CounterStore = {
  /** One BatchGetItem-shaped read of the given scope x period items; missing items are absent. */
  read: (wanted: { scope: Scope; period: Period }[]) => Promise<CounterRow[]>;
  /** Applies a fact exactly once (its marker and its deltas in one transaction); false if it was already applied. */
  apply: (fact: Fact) => Promise<boolean>;
};
