// The reading half of the streaming ledger verifier: a parallel Scan (each segment hands its pages on
// and keeps nothing) and a queue of by-key checks answered with bounded BatchGetItem calls.
import { BatchGetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './table';

export const SCAN_SEGMENTS_DEFAULT = 4; // DynamoDB Local and a 2-core box gain little past 4
const BATCH_GET_MAX = 100; // DynamoDB's limit per BatchGetItem
const BATCH_GET_RETRIES = 8;

export type Item = Record<string, unknown>;

/** Scans the table in `segments` parallel segments, consistent reads, calling `onItem` for every item. */
export const scanParallel = async (db: Db, segments: number, onItem: (it: Item) => void | Promise<void>) => {
  const segment = async (n: number) => {
    let start: Item | undefined;
    do {
      const r = await db.doc.send(
        new ScanCommand({
          TableName: db.table,
          ExclusiveStartKey: start,
          ConsistentRead: true,
          Segment: n,
          TotalSegments: segments,
        }),
      );
      for (const it of r.Items ?? []) await onItem(it);
      start = r.LastEvaluatedKey;
    } while (start);
  };
  await Promise.all(Array.from({ length: segments }, (_, n) => segment(n)));
};

type Key = { pk: string; sk: string };
type Waiter = (it: Item | undefined) => void;

/**
 * By-key checks in bounded batches: `check(key, then)` queues a key; once 100 distinct keys wait, one
 * BatchGetItem answers them all and each `then` runs with the item (undefined: absent). Memory: at most
 * one batch of keys and callbacks. `drain()` answers what is left.
 */
export class KeyChecks {
  private pending = new Map<string, { key: Key; waiters: Waiter[] }>();
  private flushing: Promise<void>[] = [];
  requests = 0;

  constructor(
    private readonly db: Db,
    private readonly projection = 'pk, sk, by_entry',
  ) {}

  async check(key: Key, then: Waiter): Promise<void> {
    const id = `${key.pk}\u0000${key.sk}`;
    const slot = this.pending.get(id);
    if (slot) slot.waiters.push(then);
    else this.pending.set(id, { key, waiters: [then] });
    if (this.pending.size >= BATCH_GET_MAX) await this.flush();
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await this.flush();
    await Promise.all(this.flushing);
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    const run = this.answer(batch);
    this.flushing.push(run);
    await run;
    this.flushing = this.flushing.filter((p) => p !== run);
  }

  private async answer(batch: Map<string, { key: Key; waiters: Waiter[] }>): Promise<void> {
    const found = new Map<string, Item>();
    let keys: Item[] | undefined = [...batch.values()].map((b) => b.key);
    for (let attempt = 0; keys && keys.length > 0; attempt++) {
      if (attempt > BATCH_GET_RETRIES) throw new Error('BatchGet: unprocessed keys after retries');
      if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      this.requests++;
      const r = await this.db.doc.send(
        new BatchGetCommand({
          RequestItems: {
            [this.db.table]: {
              Keys: keys,
              ConsistentRead: true,
              ProjectionExpression: this.projection,
            },
          },
        }),
      );
      for (const it of r.Responses?.[this.db.table] ?? []) found.set(`${String(it.pk)}\u0000${String(it.sk)}`, it);
      keys = r.UnprocessedKeys?.[this.db.table]?.Keys as Item[] | undefined;
    }
    for (const [id, b] of batch) for (const w of b.waiters) w(found.get(id));
  }
}
