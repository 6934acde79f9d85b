// One search's numbers (a Sample) and a table row of them (a Row: one city size, origin set and
// index), with the summary the report and the progress lines read.
import { mean, quantile, sum } from '../fixtures/stats';
import type { SetName } from './config';

/** One search by one index. `onsite_*` leave home visits out: the peer has no notion of them. */
export type Sample = {
  queries: number;
  read: number;
  returned: number;
  onsite_read: number;
  onsite_returned: number;
  ms: number;
  onsite_ids: string[];
};

export type Row = { size: number; set: SetName; index: string; samples: Sample[] };

export const summary = (samples: readonly Sample[]) => {
  const read = sum(samples.map((s) => s.read));
  const returned = sum(samples.map((s) => s.returned));
  return {
    queriesMean: mean(samples.map((s) => s.queries)),
    queriesMax: Math.max(...samples.map((s) => s.queries)),
    read: read / samples.length,
    returned: returned / samples.length,
    readPerReturned: returned > 0 ? read / returned : Number.POSITIVE_INFINITY,
    onsiteRead: sum(samples.map((s) => s.onsite_read)),
    onsiteReturned: sum(samples.map((s) => s.onsite_returned)),
    p50: quantile(
      samples.map((s) => s.ms),
      0.5,
    ),
    p95: quantile(
      samples.map((s) => s.ms),
      0.95,
    ),
  };
};
