// The streams Lambda: DynamoDB Streams batches (one shard each) through the reactors. A failure answers
// the sequence number of the first change that failed as a partial batch failure: Lambda retries from
// there (bisecting on error), so later records never overtake it; after its retries the batch's
// description goes to the dead-letter queue (infra/lib/streams.ts).
import type { ChangeReactor } from '@tmc/core/analytics/model';
import { changeOfRecord, type StreamRecordLike } from '@tmc/store/stream-change';
import { processChanges } from './streams';
import { createLogger, type LogLevel } from '../http/logger';

type StreamEvent = { Records?: StreamRecordLike[] };
export type BatchResponse = { batchItemFailures: { itemIdentifier: string }[] };

export const streamsHandler = (reactors: ChangeReactor[]) => {
  const logger = createLogger((process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info');
  return async (event: StreamEvent): Promise<BatchResponse> => {
    const records = event.Records ?? [];
    let failed: number | null;
    try {
      failed = await processChanges(records.map(changeOfRecord), reactors, (e, i) =>
        logger.log('error', 'stream change failed', { index: i, message: (e as Error)?.message }),
      );
    } catch (e) {
      logger.log('error', 'stream batch failed', { message: (e as Error).message });
      failed = 0; // a reactor's batch preparation failed: the whole batch again
    }
    if (failed === null) return { batchItemFailures: [] };
    const seq = records[failed]?.dynamodb?.SequenceNumber;
    return { batchItemFailures: seq ? [{ itemIdentifier: seq }] : [] };
  };
};
