// Offline, once after the deploy that added the audit log's actor index (gsi2) and the role on each
// record: gives records written before then both, so the console finds them by person and by role.
// A Scan, so it lives here with the other offline tools and never on a request path; safe to run twice.
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { roleOfActor } from '@tmc/core/kernel/audit';
import { keys } from '@tmc/store/keys';
import type { Db } from '@tmc/store/table';

/**
 * Adds `gsi2pk`/`gsi2sk` (auditByActor) and `role` to every audit record that lacks them. The role of
 * an old record is derived from its actor ('staff:alice' -> 'staff'): which role a staff member held
 * then is not known, and the current account's role could say something false about the past. The
 * record's sort key is already `{at}#{id}`, the index's sort key. A record that has both is left alone
 * (the Scan's filter skips it), so a second run changes nothing; the update's condition keeps a
 * record that has a role (a newer writer's) from losing it.
 */
export const migrateAuditActorIndex = async (db: Db): Promise<{ records: number; updated: number }> => {
  let start: Record<string, unknown> | undefined;
  let records = 0;
  let updated = 0;
  do {
    const r = await db.doc.send(
      new ScanCommand({
        TableName: db.table,
        ExclusiveStartKey: start,
        FilterExpression: '#t = :audit AND (attribute_not_exists(gsi2pk) OR attribute_not_exists(#role))',
        ExpressionAttributeNames: { '#t': 'type', '#role': 'role' },
        ExpressionAttributeValues: { ':audit': 'audit' },
      }),
    );
    for (const it of r.Items ?? []) {
      records++;
      const actor = String(it.actor);
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: { pk: it.pk, sk: it.sk },
          ConditionExpression: 'attribute_exists(pk)',
          UpdateExpression: 'SET gsi2pk = :gpk, gsi2sk = :gsk, #role = if_not_exists(#role, :role)',
          ExpressionAttributeNames: { '#role': 'role' },
          ExpressionAttributeValues: {
            ':gpk': keys.auditActorPk(actor),
            ':gsk': String(it.sk),
            ':role': roleOfActor(actor),
          },
        }),
      );
      updated++;
    }
    start = r.LastEvaluatedKey;
  } while (start);
  return { records, updated };
};
