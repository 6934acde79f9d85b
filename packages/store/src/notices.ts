// Once-only markers for notices sent by jobs (noticeSent), so a rerun never texts an elder twice.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys';
import { isConditionFailed } from './tx';
import type { Db } from './table';

const NOTICE_TTL_S = 90 * 24 * 3600;

export const markNoticeSent = async (db: Db, kind: string, subject: string, day: string, now_ms: number): Promise<boolean> => {
  try {
    await db.doc.send(new PutCommand({
      TableName: db.table, Item: { ...keys.noticeSent(kind, subject, day), ttl: Math.floor(now_ms / 1000) + NOTICE_TTL_S },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
    return true;
  } catch (e) {
    if (isConditionFailed(e)) return false;
    throw e;
  }
};
