// The streams function's reactors, built from what they need: the table the counters live in (and the
// elders are read from), and, for the anomaly flags and the coverage trigger, the dependency bag. Shared
// by the Lambda (functions/streams.ts), the local poller and the backfill (counters only: flags and
// coverage need no history replayed).
import type { ChangeReactor, SourceChange } from '@tmc/core/analytics/model';
import { countersReactor, runBatch } from '@tmc/core/analytics/stream';
import { createCounterStore, createElderDims } from '@tmc/store/entities/counters';
import type { Db } from '@tmc/store/table';
import { coverageReactor } from '@tmc/core/analytics/coverage-reactor';
import type { Deps } from './deps-type';
import { flagReactor } from './flag-reactor';

export type StreamParts = {
  db: Db;
  deps?: Pick<Deps, 'flags' | 'policies' | 'merchants' | 'clock' | 'scheduler'>;
};

export const streamReactors = (parts: StreamParts): ChangeReactor[] => [
  countersReactor({ counters: createCounterStore(parts.db), elders: createElderDims(parts.db) }),
  ...(parts.deps
    ? [flagReactor(parts.deps), coverageReactor({ scheduler: parts.deps.scheduler, clock: parts.deps.clock })]
    : []),
];

/** One batch of one shard through the reactors: the index of the first change to deliver again, or null. */
export const processChanges = (
  changes: SourceChange[],
  reactors: ChangeReactor[],
  log?: (e: unknown, i: number) => void,
): Promise<number | null> => runBatch(changes, reactors, { onError: log });
