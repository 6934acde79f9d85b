// Audit log (auditByDay, auditBySubject on gsi1, auditByActor on gsi2). Append-only: each record is a
// new item, never updated (the one exception is the offline migration that adds the actor index and
// the role to records written before they existed: local/src/migrate-audit-actor-index.ts).
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { roleOfActor, scrubDetail, type AuditEvent, type AuditLog } from '@tmc/core/kernel/audit';
import type { Clock } from '@tmc/core/kernel/clock';
import { queryIndexPage } from '../page-query';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';
import { listAudit } from './audit-list';
import { auditKeys } from './audit-keys';

export { auditKeys };

export const auditPatterns = (): AccessPattern[] => [
  {
    name: 'auditByDay',
    index: 'table',
    operation: ['Query'],
    pk: 'AUDIT#{yyyy-mm-dd}',
    sk: '{at}#{id}',
    used_by: 'audit (AuditLog.list: the log by date range)',
    about:
      'UTC day of `at`; newest first, sk BETWEEN the range; a page visits at most 31 days and reads at most ' +
      '300 records (filters on action/role/entity apply to that read), the cursor names the day to go on from',
  },
  {
    name: 'auditBySubject',
    index: 'gsi1',
    operation: ['Query'],
    pk: 'AUDIT_SUBJECT#{subject}',
    sk: '{at}#{id}',
    used_by: 'audit (AuditLog.listBySubject, AuditLog.list by entity)',
    about: 'newest first; sk BETWEEN the date range; same read bound as auditByDay',
  },
  {
    name: 'auditByActor',
    index: 'gsi2',
    operation: ['Query'],
    pk: 'AUDIT_ACTOR#{actor}',
    sk: '{at}#{id}',
    used_by: 'audit (AuditLog.list by person)',
    about:
      'newest first; sk BETWEEN the date range; same read bound as auditByDay. Records written before this index ' +
      'get it from the offline migration (local migrate-audit-actor-index)',
  },
];
const keys = auditKeys; // this entity's own keys, by their short names

/** One audit record as stored, for writers that put it inside their own transaction: it gets its
 * time and id from that change, so it exists exactly when (and as often as) the change does. */
export const auditItem = (e: AuditEvent, at: string, id: string) => ({
  ...keys.audit(at.slice(0, 10), at, id),
  ...keys.auditSubjectIndex(e.subject, at, id),
  ...keys.auditActorIndex(e.actor, at, id),
  type: 'audit',
  at,
  ...e,
  ...(e.detail ? { detail: scrubDetail(e.detail) } : {}),
  role: e.role ?? roleOfActor(e.actor),
});

export const createAuditLog = (db: Db, clock: Clock): AuditLog => ({
  async write(e) {
    const at = clock.now().toISOString();
    const id = randomBytes(6).toString('hex');
    await db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: auditItem(e, at, id),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },
  async listBySubject(subject, limit, cursor) {
    const pk = keys.auditSubjectPk(subject);
    const r = await queryIndexPage(db, { index: 'gsi1', pk, newest_first: true, limit, cursor });
    return {
      items: r.items.map((it) => ({
        at: String(it.at),
        actor: String(it.actor),
        action: String(it.action),
        subject: String(it.subject),
        ...(it.detail ? { detail: it.detail as Record<string, string> } : {}),
        ...(it.request_id ? { request_id: String(it.request_id) } : {}),
      })),
      cursor: r.cursor,
    };
  },
  list: (q) => listAudit(db, q),
});
