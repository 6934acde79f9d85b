// The audit listing on DynamoDB Local: each way in (day range, actor, subject) returns every record
// of the range once, newest first, when its cursor is followed, whatever the page size and filters;
// a filtered page never reads more than the budget; forged cursors are a 400, not a 500.
import { beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent, AuditQuery, AuditRecord } from '@tmc/core/kernel/audit';
import { AppError } from '@tmc/core/kernel/errors';
import { makeTestDb } from '../../../../tests/support/db';
import { auditItem, createAuditLog } from './audit';
import { AUDIT_READ_BUDGET, auditDays } from './audit-list';
import type { Db } from '../table';

let db: Db;
const written: (AuditEvent & { at: string })[] = [];
const clock = { now: () => new Date('2026-11-23T00:00:00Z') };

const ACTORS = ['staff:admin', 'staff:zengdu', 'elder:e_1', 'merchant:m_1', 'system'];
const ACTIONS = ['elder.update', 'order.complete', 'staff.login', 'statement.approve'];
const SUBJECTS = ['elder:e_1', 'order:o_1', 'merchant:m_1', 'statement:s_1'];

beforeAll(async () => {
  db = await makeTestDb('audit');
  // 5 days x 13 records, deterministic spread over actors, actions and subjects (some days empty).
  let n = 0;
  for (const day of ['2026-11-01', '2026-11-02', '2026-11-04', '2026-11-07', '2026-11-08']) {
    for (let i = 0; i < 13; i++, n++) {
      const at = `${day}T${String(i).padStart(2, '0')}:00:00.000Z`;
      const e: AuditEvent = {
        actor: ACTORS[n % ACTORS.length] ?? '',
        action: ACTIONS[n % ACTIONS.length] ?? '',
        subject: SUBJECTS[(n * 7) % SUBJECTS.length] ?? '',
        ...(n % 10 === 0 ? { role: 'admin' } : {}),
      };
      await db.doc.send(new PutCommand({ TableName: db.table, Item: auditItem(e, at, `r${n}`) }));
      written.push({ ...e, at });
    }
  }
});

const all = async (q: Omit<AuditQuery, 'limit' | 'cursor'>, limit: number): Promise<AuditRecord[]> => {
  const log = createAuditLog(db, clock);
  const out: AuditRecord[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 200; pages++) {
    const p = await log.list({ ...q, limit, ...(cursor ? { cursor } : {}) });
    expect(p.items.length).toBeLessThanOrEqual(limit);
    out.push(...p.items);
    if (!p.cursor) return out;
    cursor = p.cursor;
  }
  throw new Error('cursor never ended');
};

const RANGE = { from_at: '2026-11-01T00:00:00.000Z', to_at: '2026-11-09T00:00:00.000Z' };
const expected = (keep: (e: AuditEvent & { at: string }) => boolean, from = RANGE.from_at, to = RANGE.to_at) =>
  written
    .filter((e) => e.at >= from && e.at < to && keep(e))
    .map((e) => `${e.at} ${e.actor} ${e.action}`)
    .sort()
    .reverse();
const seen = (xs: AuditRecord[]) => xs.map((e) => `${e.at} ${e.actor} ${e.action}`);

describe('audit listing', () => {
  it.each([1, 4, 13, 100])('by day range, page size %i: every record once, newest first, across days', async (n) => {
    expect(seen(await all(RANGE, n))).toEqual(expected(() => true));
  });

  it('by day range with a part-day range: only the records inside', async () => {
    const from = '2026-11-02T05:00:00.000Z';
    const to = '2026-11-07T03:00:00.000Z';
    expect(seen(await all({ from_at: from, to_at: to }, 3))).toEqual(expected(() => true, from, to));
  });

  it.each([1, 5, 50])('by actor, page size %i, with an action filter', async (n) => {
    const q = { ...RANGE, actor: 'staff:zengdu', action: 'elder.update' };
    expect(seen(await all(q, n))).toEqual(expected((e) => e.actor === q.actor && e.action === q.action));
  });

  it('by subject with an actor filter; by entity type and role across days', async () => {
    const bySubject = await all({ ...RANGE, subject: 'order:o_1', actor: 'system' }, 2);
    expect(seen(bySubject)).toEqual(expected((e) => e.subject === 'order:o_1' && e.actor === 'system'));
    const byType = await all({ ...RANGE, entity_type: 'statement', role: 'staff' }, 3);
    expect(seen(byType)).toEqual(
      expected((e) => e.subject.startsWith('statement:') && e.actor.startsWith('staff:') && !e.role),
    );
    expect(byType.every((r) => r.role === 'staff')).toBe(true);
    const admins = await all({ ...RANGE, role: 'admin' }, 100);
    expect(seen(admins)).toEqual(expected((e) => e.role === 'admin'));
  });

  it('an action ending in "." matches the family of actions', async () => {
    expect(seen(await all({ ...RANGE, action: 'order.' }, 7))).toEqual(expected((e) => e.action.startsWith('order.')));
  });

  it('a filtered page reads at most the budget: a rare match gives short pages with cursors', async () => {
    const many = await makeTestDb('audit-many');
    const items = Array.from({ length: AUDIT_READ_BUDGET * 2 + 10 }, (_, i) =>
      auditItem(
        { actor: 'staff:admin', action: i === 5 ? 'rare.one' : 'common', subject: 'elder:e_1' },
        `2026-11-01T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z`,
        `x${i}`,
      ),
    );
    for (const Item of items) await many.doc.send(new PutCommand({ TableName: many.table, Item }));
    const log = createAuditLog(many, clock);
    const first = await log.list({ ...RANGE, action: 'rare.one', limit: 10 });
    expect(first.items).toHaveLength(0); // the newest 300 hold no match: the page is empty but says go on
    expect(first.cursor).not.toBeNull();
    const second = await log.list({ ...RANGE, action: 'rare.one', limit: 10, cursor: first.cursor ?? '' });
    const third = await log.list({ ...RANGE, action: 'rare.one', limit: 10, cursor: second.cursor ?? '' });
    expect([...second.items, ...third.items].map((r) => r.action)).toEqual(['rare.one']);
    expect(third.cursor).toBeNull();
  });

  it('refuses a forged or foreign cursor and a too-long range with VALIDATION_FAILED', async () => {
    const log = createAuditLog(db, clock);
    const page = await log.list({ ...RANGE, actor: 'staff:admin', limit: 1 });
    const bad = [
      log.list({ ...RANGE, actor: 'staff:zengdu', limit: 1, cursor: page.cursor ?? '' }),
      log.list({ ...RANGE, limit: 1, cursor: Buffer.from('{"pk":"AUDIT#2025-01-01"}').toString('base64url') }),
      log.list({ ...RANGE, limit: 1, cursor: 'not json' }),
      log.list({
        ...RANGE,
        actor: 'staff:admin',
        from_at: '2026-11-08T12:00:00.000Z',
        limit: 1,
        cursor: page.cursor ?? '',
      }),
      log.list({ from_at: '2025-01-01T00:00:00.000Z', to_at: '2026-11-09T00:00:00.000Z', limit: 1 }),
    ];
    for (const p of bad)
      await expect(p).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'VALIDATION_FAILED');
  });

  it('walks the UTC days of a range newest first', () => {
    expect(auditDays('2026-10-31T16:00:00.000Z', '2026-11-02T16:00:00.000Z')).toEqual([
      '2026-11-02',
      '2026-11-01',
      '2026-10-31',
    ]);
    expect(auditDays('2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z')).toEqual(['2026-11-01']);
  });
});
