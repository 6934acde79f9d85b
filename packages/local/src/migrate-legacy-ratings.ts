// Offline, once after the deploy that moved ratings off the merchant profile: copies the totals
// that profiles saved before then still carry into the merchant's RATING item. A Scan, so it lives
// here with the other offline tools and never on a request path; safe to run twice.
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '@tmc/store/keys';
import type { Db } from '@tmc/store/table';

/**
 * Offline migration (Scan is allowed there, never on a request path): moves rating totals that
 * profile items carried before ratings got their own item into that item, once per merchant (the
 * `legacy_copied` marker makes a second run a no-op), adding to ratings made since. Run it right
 * after deploying: a profile saved before it no longer carries its old totals.
 */
export const migrateLegacyRatings = async (db: Db): Promise<{ merchants: number; copied: number }> => {
  let start: Record<string, unknown> | undefined;
  let merchants = 0;
  let copied = 0;
  do {
    const r = await db.doc.send(
      new ScanCommand({
        TableName: db.table,
        ExclusiveStartKey: start,
        FilterExpression: '#t = :m AND rating_count > :z',
        ExpressionAttributeNames: { '#t': 'type' },
        ExpressionAttributeValues: { ':m': 'merchant', ':z': 0 },
      }),
    );
    for (const it of r.Items ?? []) {
      merchants++;
      const merchant_id = String(it.merchant_id);
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: keys.merchantRating(merchant_id),
            ConditionExpression: 'attribute_not_exists(legacy_copied)',
            UpdateExpression:
              'SET #t = :type, merchant_id = :id, legacy_copied = :yes ADD rating_sum :s, rating_count :c',
            ExpressionAttributeNames: { '#t': 'type' },
            ExpressionAttributeValues: {
              ':type': 'merchant_rating',
              ':id': merchant_id,
              ':yes': true,
              ':s': Number(it.rating_sum ?? 0),
              ':c': Number(it.rating_count ?? 0),
            },
          }),
        );
        copied++;
      } catch (e) {
        if (!(e instanceof Error && e.name === 'ConditionalCheckFailedException')) throw e; // copied by an earlier run
      }
    }
    start = r.LastEvaluatedKey;
  } while (start);
  return { merchants, copied };
};
