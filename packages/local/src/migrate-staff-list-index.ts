// Offline, once after the deploy that added the staff-account list (issue 12): gives accounts written
// before then their list keys (staffList, and staffListInArea for officers), so the administrator's
// list shows them. A Scan, so it lives here with the other offline tools and never on a request path;
// safe to run twice (an account that has its keys is skipped by the Scan's filter).
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '@tmc/store/keys';
import type { Db } from '@tmc/store/table';

export const migrateStaffListIndex = async (db: Db): Promise<{ accounts: number; updated: number }> => {
  let start: Record<string, unknown> | undefined;
  let accounts = 0;
  let updated = 0;
  do {
    const r = await db.doc.send(
      new ScanCommand({
        TableName: db.table,
        ExclusiveStartKey: start,
        FilterExpression: '#t = :staff AND attribute_not_exists(gsi1pk)',
        ExpressionAttributeNames: { '#t': 'type' },
        ExpressionAttributeValues: { ':staff': 'staff' },
      }),
    );
    for (const it of r.Items ?? []) {
      accounts++;
      const scope = typeof it.scope === 'string' ? it.scope : null;
      const index = keys.staffListIndex({ username: String(it.username), scope });
      const names = Object.keys(index);
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: { pk: it.pk, sk: it.sk },
          ConditionExpression: 'attribute_exists(pk)',
          UpdateExpression: `SET ${names.map((n) => `${n} = :${n}`).join(', ')}`,
          ExpressionAttributeValues: Object.fromEntries(Object.entries(index).map(([k, v]) => [`:${k}`, v])),
        }),
      );
      updated++;
    }
    start = r.LastEvaluatedKey;
  } while (start);
  return { accounts, updated };
};
