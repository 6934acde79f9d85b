// The local stand-in for DynamoDB Streams -> Lambda: DynamoDB Local serves the Streams API, so this
// polls every shard of the table's stream (from the trim horizon the first time, then after the last
// sequence number processed), unmarshalls the images and runs the same reactors as the streams Lambda.
// A failed change stops its shard there; the next poll starts again from it (as Lambda would).
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ChangeReactor } from '@tmc/core/analytics/model';
import { changeOfRecord } from '@tmc/store/stream-change';
import { streamArnOf, type Db } from '@tmc/store/table';
import { processChanges } from '@tmc/app/compose/streams';

export const STREAM_POLL_MS = 1_000; // DynamoDB Local's stream is in-process: a second keeps the dashboard current
const RECORDS_PER_CALL = 1_000; // GetRecords' maximum

export type StreamReader = {
  /** New records of every shard since the last `commit`ted positions (shard id -> records, in order). */
  read: () => Promise<Map<string, _Record[]>>;
  /** Marks `shard` processed up to and including sequence `seq`. */
  commit: (shard: string, seq: string) => void;
  positions: () => Record<string, string>;
};

/** A reader of `db`'s stream: DynamoDB Local's Streams API at the table client's endpoint. */
export const createStreamReader = (db: Db, start: Record<string, string> = {}): StreamReader => {
  if (!db.endpoint) throw new Error('the stream poller reads DynamoDB Local only (db.endpoint unset)');
  const streams = new DynamoDBStreamsClient({
    endpoint: db.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const done = new Map(Object.entries(start));
  let arn: string | null = null;
  const streamArn = async () => {
    arn ??= await streamArnOf(db);
    return arn;
  };
  return {
    async read() {
      const StreamArn = await streamArn();
      const out = new Map<string, _Record[]>();
      const shards = [];
      let from: string | undefined;
      do {
        const d = await streams.send(new DescribeStreamCommand({ StreamArn, ExclusiveStartShardId: from }));
        shards.push(...(d.StreamDescription?.Shards ?? []));
        from = d.StreamDescription?.LastEvaluatedShardId;
      } while (from);
      for (const s of shards) {
        const ShardId = s.ShardId ?? '';
        const after = done.get(ShardId);
        const fromStart = () =>
          streams.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
        // a saved position the stream no longer knows (trimmed, or a recreated table): from the start
        // again, the markers make the repeat harmless
        const it = after
          ? await streams
              .send(
                new GetShardIteratorCommand({
                  StreamArn,
                  ShardId,
                  ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
                  SequenceNumber: after,
                }),
              )
              .catch(fromStart)
          : await fromStart();
        const records: _Record[] = [];
        let iterator = it.ShardIterator;
        while (iterator) {
          const r = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: RECORDS_PER_CALL }));
          const got = r.Records ?? [];
          records.push(...got);
          if (got.length === 0) break; // caught up (an open shard always answers a next iterator)
          iterator = r.NextShardIterator;
        }
        if (records.length) out.set(ShardId, records);
      }
      return out;
    },
    commit: (shard, seq) => void done.set(shard, seq),
    positions: () => Object.fromEntries(done),
  };
};

/** Reads and processes once: every shard's new records through the reactors. Answers how many were
 * processed and how many shards stopped at a failure. */
export const pollOnce = async (reader: StreamReader, reactors: ChangeReactor[], log?: (e: unknown) => void) => {
  let processed = 0;
  let failedShards = 0;
  for (const [shard, records] of await reader.read()) {
    const failed = await processChanges(records.map(changeOfRecord), reactors, log);
    const upTo = failed === null ? records.length : failed;
    const last = records[upTo - 1]?.dynamodb?.SequenceNumber;
    if (last) reader.commit(shard, last);
    processed += upTo;
    if (failed !== null) failedShards++;
  }
  return { processed, failedShards };
};

/** `npm start`'s poller: every STREAM_POLL_MS, positions kept in `positionsFile` across restarts (the
 * markers make a repeat harmless, the file only saves the work). Answers its stop function. */
export const startStreamPoller = (opts: {
  db: Db;
  reactors: ChangeReactor[];
  positionsFile?: string;
  log?: (msg: string) => void;
}): (() => Promise<void>) => {
  const saved =
    opts.positionsFile && existsSync(opts.positionsFile)
      ? (JSON.parse(readFileSync(opts.positionsFile, 'utf8')) as Record<string, string>)
      : {};
  const reader = createStreamReader(opts.db, saved);
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = pollOnce(reader, opts.reactors, (e) => opts.log?.(`stream change failed: ${(e as Error)?.message}`))
      .then(() => {
        if (opts.positionsFile) writeFileSync(opts.positionsFile, JSON.stringify(reader.positions()));
      })
      .catch((e: unknown) => opts.log?.(`stream poll failed: ${(e as Error).message}`))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, STREAM_POLL_MS);
  tick();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
};
