// What analytics needs from storage: counter items read by key (the dashboard) and applied once per fact
// (the streams function, the backfill), the active-elder tracker, and elders' dimensions for orders that
// carry no snapshot of them (booked before snapshots were written).
import type { ActiveTouch, CounterRow, ElderCount, Fact, Period, Scope } from './model';
import type { ElderDims } from './facts';

export type CounterStore = {
  /** One BatchGetItem-shaped read of the given scope x period items; missing items are absent. */
  read: (wanted: { scope: Scope; period: Period }[]) => Promise<CounterRow[]>;
  /** Applies a fact exactly once (its marker and its deltas in one transaction); false if it was already applied. */
  apply: (fact: Fact) => Promise<boolean>;
  /** Moves the elder's active bucket to `t.day` if that is later than the day kept (a conditional update of
   * the elder's tracker and the bucket counters in one transaction); false when nothing moved. */
  touchActive: (t: ActiveTouch) => Promise<boolean>;
  /** Leaving the scheme (PIPL art. 47): the elder's tracker forgets care level and special categories, and
   * its active buckets move from those dims to none (one transaction, conditional on the tracker read), so
   * the counters equal what the erased orders imply. The age band stays. False when there was nothing to erase. */
  eraseActiveDims: (elder_id: string) => Promise<boolean>;
  /** Moves the elder's registered stock from what was last counted to `e` if `e.version` is newer (the
   * elder's "as counted" item, conditional on the version read, and the counter deltas in one transaction);
   * false when an equal or newer version was already counted. */
  countElder: (e: ElderCount) => Promise<boolean>;
};

/** Elders' current dimensions by id (one BatchGet for many); absent ids are unknown elders. */
export type ElderDimsPort = { dimsOf: (elder_ids: string[]) => Promise<Map<string, ElderDims>> };
