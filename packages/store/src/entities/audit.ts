// Audit log (auditByDay, auditBySubject). Append-only: each record is a new item, never updated.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import type { AuditEvent, AuditLog } from '@tmc/core/kernel/audit';
import type { Clock } from '@tmc/core/kernel/clock';
import { queryIndexPage } from '../page-query';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';

export const auditKeys = {
  audit: (day: string, at: string, id: string) => ({ pk: `AUDIT#${day}`, sk: `${at}#${id}` }),
  auditDayPk: (day: string) => `AUDIT#${day}`,
  /** Whether a pk is an audit day partition (every audit record has one). */
  isAuditDay: (pk: string) => pk.startsWith('AUDIT#'),
  auditSubjectIndex: (subject: string, at: string, id: string) => ({
    gsi1pk: `AUDIT_SUBJECT#${subject}`,
    gsi1sk: `${at}#${id}`,
  }),
  auditSubjectPk: (subject: string) => `AUDIT_SUBJECT#${subject}`,
} as const;

export const auditPatterns = (): AccessPattern[] => [
  {
    name: 'auditByDay',
    index: 'table',
    operation: ['Query'],
    pk: 'AUDIT#{yyyy-mm-dd}',
    sk: '{at}#{id}',
    used_by: 'audit (operators)',
    about: '',
  },
  {
    name: 'auditBySubject',
    index: 'gsi1',
    operation: ['Query'],
    pk: 'AUDIT_SUBJECT#{subject}',
    sk: '{at}#{id}',
    used_by: 'audit (AuditLog.listBySubject)',
    about: 'newest first',
  },
];
const keys = auditKeys; // this entity's own keys, by their short names

/** One audit record as stored, for writers that put it inside their own transaction: it gets its
 * time and id from that change, so it exists exactly when (and as often as) the change does. */
export const auditItem = (e: AuditEvent, at: string, id: string) => ({
  ...keys.audit(at.slice(0, 10), at, id),
  ...keys.auditSubjectIndex(e.subject, at, id),
  type: 'audit',
  at,
  ...e,
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
});
