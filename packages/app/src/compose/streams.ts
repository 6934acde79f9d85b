// The streams function's reactors, built from what they need: the table the counters live in (and the
// elders are read from). Shared by the Lambda (streams-lambda.ts), the local poller and the backfill.
import type { ChangeReactor, SourceChange } from '@tmc/core/analytics/model';
import { countersReactor, runBatch } from '@tmc/core/analytics/stream';
import { createCounterStore, createElderDims } from '@tmc/store/entities/counters';
import type { Db } from '@tmc/store/table';

export type StreamParts = { db: Db };

export const streamReactors = (parts: StreamParts): ChangeReactor[] => [
  countersReactor({ counters: createCounterStore(parts.db), elders: createElderDims(parts.db) }),
  // INTEGRATOR: the coverage trigger and the anomaly-flag reactors are added here (issue 11, parts 3
  // and 4); each must be idempotent and order-insensitive, like the counters.
];

/** One batch of one shard through the reactors: the index of the first change to deliver again, or null. */
export const processChanges = (
  changes: SourceChange[],
  reactors: ChangeReactor[],
  log?: (e: unknown, i: number) => void,
): Promise<number | null> => runBatch(changes, reactors, { onError: log });
