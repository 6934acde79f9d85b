// BatchGetItem over any number of keys: chunks of 100, unprocessed keys retried with backoff.
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './table';

const BATCH_GET_MAX = 100; // DynamoDB's limit per BatchGetItem
const BATCH_GET_RETRIES = 8; // unprocessed keys are retried with backoff, then we give up loudly

export const batchGet = async (
  db: Db,
  keyList: Record<string, string>[],
  consistent = false,
): Promise<Record<string, unknown>[]> => {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < keyList.length; i += BATCH_GET_MAX) {
    let pending: Record<string, unknown>[] | undefined = keyList.slice(i, i + BATCH_GET_MAX);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > BATCH_GET_RETRIES) throw new Error('BatchGet: unprocessed keys after retries');
      if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      const r = await db.doc.send(
        new BatchGetCommand({
          RequestItems: { [db.table]: { Keys: pending, ...(consistent ? { ConsistentRead: true } : {}) } },
        }),
      );
      out.push(...(r.Responses?.[db.table] ?? []));
      pending = r.UnprocessedKeys?.[db.table]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return out;
};
