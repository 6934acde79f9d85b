// The audit log as the console browses it: by subject (gsi1), by actor (gsi2) or by day partition,
// newest first, always by key. Filters (action, role, entity type, actor on the subject index) are
// applied by DynamoDB to a bounded read, so a page costs at most AUDIT_READ_BUDGET records read and
// AUDIT_QUERIES_MAX queries however rare the matches are; a page may then hold fewer than `limit`
// records and still carry a cursor (the reader follows it for more).
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/kernel/errors';
import { roleOfActor, type AuditQuery, type AuditRecord } from '@tmc/core/kernel/audit';
import type { Page } from '@tmc/core/kernel/page';
import { clampLimit, decodeCursor, encodeCursor } from '../tx';
import type { Db } from '../table';
import { auditKeys as keys } from './audit-keys';

/** Records read (before filters) per page: a filtered page over a busy month costs this, not the month. */
export const AUDIT_READ_BUDGET = 300;
/** Queries per page: an empty day costs one query, so a long, quiet range is walked a month of days
 * per page at most. */
export const AUDIT_QUERIES_MAX = 31;
/** The longest date range one listing may name (a year and a day: "this year" in any calendar). */
export const AUDIT_RANGE_DAYS_MAX = 366;

const DAY_MS = 86_400_000;
const badCursor = () =>
  new AppError('VALIDATION_FAILED', {
    fields: [{ path: 'cursor', code: 'CURSOR_INVALID', message: 'invalid cursor' }],
  });

type Way = { index: 'table' | 'gsi1' | 'gsi2'; pkName: string; skName: string };
const TABLE: Way = { index: 'table', pkName: 'pk', skName: 'sk' };
const BY_SUBJECT: Way = { index: 'gsi1', pkName: 'gsi1pk', skName: 'gsi1sk' };
const BY_ACTOR: Way = { index: 'gsi2', pkName: 'gsi2pk', skName: 'gsi2sk' };

/** The key DynamoDB would give as LastEvaluatedKey after `it` (table keys plus the index's). */
const keyOf = (way: Way, it: Record<string, unknown>): Record<string, string> => {
  const k: Record<string, string> = { pk: String(it.pk), sk: String(it.sk) };
  if (way.index !== 'table') {
    k[way.pkName] = String(it[way.pkName]);
    k[way.skName] = String(it[way.skName]);
  }
  return k;
};

const filterOf = (q: AuditQuery, way: Way) => {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, string> = {};
  const add = (attr: string, op: 'eq' | 'prefix', value: string) => {
    names[`#${attr}`] = attr;
    values[`:f_${attr}`] = value;
    parts.push(op === 'eq' ? `#${attr} = :f_${attr}` : `begins_with(#${attr}, :f_${attr})`);
  };
  if (q.action) add('action', q.action.endsWith('.') ? 'prefix' : 'eq', q.action);
  if (q.role) add('role', 'eq', q.role);
  if (q.entity_type && way !== BY_SUBJECT) add('subject', 'prefix', `${q.entity_type}:`);
  if (q.actor && way === BY_SUBJECT) add('actor', 'eq', q.actor);
  return { parts, names, values };
};

const toRecord = (it: Record<string, unknown>): AuditRecord => ({
  at: String(it.at),
  actor: String(it.actor),
  role: it.role ? String(it.role) : roleOfActor(String(it.actor)),
  action: String(it.action),
  subject: String(it.subject),
  ...(it.detail ? { detail: it.detail as AuditRecord['detail'] } : {}),
  ...(it.request_id ? { request_id: String(it.request_id) } : {}),
});

/** The UTC days (day partitions) of [from_at, to_at), newest first. */
export const auditDays = (from_at: string, to_at: string): string[] => {
  const days: string[] = [];
  const first = from_at.slice(0, 10);
  let d = new Date(Date.parse(to_at) - 1).toISOString().slice(0, 10);
  while (d >= first) {
    days.push(d);
    d = new Date(Date.parse(`${d}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
  }
  return days;
};

export const checkAuditRange = (from_at: string, to_at: string): void => {
  const from = Date.parse(from_at);
  const to = Date.parse(to_at);
  if (!(from < to) || to - from > AUDIT_RANGE_DAYS_MAX * DAY_MS)
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'to', code: 'RANGE_INVALID', message: `from before to, at most ${AUDIT_RANGE_DAYS_MAX} days` }],
    });
};

export const listAudit = async (db: Db, q: AuditQuery): Promise<Page<AuditRecord>> => {
  checkAuditRange(q.from_at, q.to_at);
  const limit = clampLimit(q.limit);
  // The partitions to walk, newest first, and where the cursor says to go on.
  let way: Way;
  let partitions: string[];
  let start: Record<string, string> | undefined;
  if (q.subject || q.actor) {
    way = q.subject ? BY_SUBJECT : BY_ACTOR;
    const pk = q.subject ? keys.auditSubjectPk(q.subject) : keys.auditActorPk(q.actor ?? '');
    partitions = [pk];
    start = decodeCursor(q.cursor, { [way.pkName]: pk });
  } else {
    way = TABLE;
    partitions = auditDays(q.from_at, q.to_at).map(keys.auditDayPk);
    const c = decodeCursor(q.cursor, {});
    if (c) {
      const at = partitions.indexOf(c.pk ?? '');
      if (at < 0) throw badCursor();
      partitions = partitions.slice(at);
      start = c.sk === undefined ? undefined : c; // a bare { pk }: that day from its newest record
    }
  }
  // A start key missing a part, or outside the sort-key range, would be refused by DynamoDB as a
  // 500: check it here.
  if (start) {
    const sk = start[way.skName];
    const whole = [way.pkName, way.skName, 'pk', 'sk'].every((k) => typeof start?.[k] === 'string');
    if (!whole || sk === undefined || sk < q.from_at || sk > q.to_at) throw badCursor();
  }
  const f = filterOf(q, way);
  const out: AuditRecord[] = [];
  let budget = AUDIT_READ_BUDGET;
  let queries = 0;
  for (let i = 0; i < partitions.length; i++) {
    const pk = partitions[i] ?? '';
    let from = i === 0 ? start : undefined;
    for (;;) {
      // Without filters every record read is kept, so read only what the page still needs.
      const want = f.parts.length ? budget : Math.min(budget, limit - out.length);
      const r = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          ...(way.index === 'table' ? {} : { IndexName: way.index }),
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
          ...(f.parts.length ? { FilterExpression: f.parts.join(' AND ') } : {}),
          ExpressionAttributeNames: { '#pk': way.pkName, '#sk': way.skName, ...f.names },
          ExpressionAttributeValues: { ':pk': pk, ':lo': q.from_at, ':hi': q.to_at, ...f.values },
          ScanIndexForward: false,
          Limit: want,
          ExclusiveStartKey: from,
        }),
      );
      queries++;
      budget -= r.ScannedCount ?? 0;
      const items = r.Items ?? [];
      for (let j = 0; j < items.length; j++) {
        const it = items[j] ?? {};
        out.push(toRecord(it));
        // The page is full before this read's end: go on right after the last record kept.
        if (out.length === limit && (j < items.length - 1 || r.LastEvaluatedKey))
          return { items: out, cursor: encodeCursor(keyOf(way, it)) };
      }
      const next = r.LastEvaluatedKey as Record<string, string> | undefined;
      if (next && (out.length >= limit || budget <= 0 || queries >= AUDIT_QUERIES_MAX))
        return { items: out, cursor: encodeCursor(next) };
      if (!next) break;
      from = next;
    }
    const more = partitions[i + 1];
    if (more === undefined) break;
    // This partition is done; the next starts from its newest record.
    if (out.length >= limit || budget <= 0 || queries >= AUDIT_QUERIES_MAX)
      return { items: out, cursor: encodeCursor({ pk: more }) };
  }
  return { items: out, cursor: null };
};
