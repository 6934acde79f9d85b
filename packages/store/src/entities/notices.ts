// Once-only markers for notices (noticeSent): a job's rerun, a retried request or a re-delivered
// webhook that reaches the same change again never texts anyone twice.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '@tmc/core/kernel/clock';
import type { NoticeMarks } from '@tmc/core/notices/ports';
import { isConditionFailed } from '../tx';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';

export const noticeKeys = {
  noticeSent: (kind: string, subject: string, day: string) => ({ pk: `NOTICE#${kind}#${subject}`, sk: day }),
} as const;

export const noticePatterns = (): AccessPattern[] => [
  {
    name: 'noticeSent',
    index: 'table',
    operation: ['PutItem'],
    pk: 'NOTICE#{kind}#{subject}',
    sk: '{day}',
    used_by: 'notices (NoticeMarks, expiry warnings job)',
    about:
      'once-only, conditional Put; sk `{day}` (expiry warnings; `{day}#{family_id}` for family) or ' +
      '`{change}#{recipient}` (state-change notices); TTL',
  },
];
const keys = noticeKeys; // this entity's own keys, by their short names

const NOTICE_TTL_S = 90 * 24 * 3600;

export const markNoticeSent = async (
  db: Db,
  kind: string,
  subject: string,
  day: string,
  now_ms: number,
): Promise<boolean> => {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: { ...keys.noticeSent(kind, subject, day), ttl: Math.floor(now_ms / 1000) + NOTICE_TTL_S },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (e) {
    if (isConditionFailed(e)) return false;
    throw e;
  }
};

/** One marker per (kind, subject, change, recipient): `NOTICE#{kind}#{subject}` / `{change}#{to}`. */
export const createNoticeMarks = (db: Db, clock: Clock): NoticeMarks => ({
  claim: ({ kind, subject, change, to }) => markNoticeSent(db, kind, subject, `${change}#${to}`, clock.now().getTime()),
});
