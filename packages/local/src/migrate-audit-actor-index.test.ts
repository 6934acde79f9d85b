// The audit migration on DynamoDB Local: records written before the actor index are found by actor
// and by role afterwards; a record that already had a role keeps it; a second run changes nothing.
import { describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem, createAuditLog } from '@tmc/store/entities/audit';
import { makeTestDb } from '../../../tests/support/db';
import { migrateAuditActorIndex } from './migrate-audit-actor-index';

const RANGE = { from_at: '2026-11-01T00:00:00.000Z', to_at: '2026-11-02T00:00:00.000Z', limit: 50 };

describe('migrateAuditActorIndex', () => {
  it('indexes old records by actor, derives their role, and is a no-op the second time', async () => {
    const db = await makeTestDb('audit-mig');
    // As the old writer stored them: no gsi2 keys, no role.
    const old = (actor: string, at: string, id: string) => {
      const {
        gsi2pk: _a,
        gsi2sk: _b,
        role: _r,
        ...item
      } = auditItem({ actor, action: 'elder.update', subject: 'elder:e_1' }, at, id);
      return item;
    };
    const items = [
      old('staff:zengdu', '2026-11-01T01:00:00.000Z', 'a'),
      old('staff:zengdu', '2026-11-01T02:00:00.000Z', 'b'),
      old('merchant:m_1', '2026-11-01T03:00:00.000Z', 'c'),
      { ...old('staff:admin', '2026-11-01T04:00:00.000Z', 'd'), role: 'admin' }, // a role but no index
      auditItem(
        { actor: 'staff:zengdu', action: 'staff.login', subject: 'staff:zengdu', role: 'district' },
        '2026-11-01T05:00:00.000Z',
        'e',
      ),
    ];
    for (const Item of items) await db.doc.send(new PutCommand({ TableName: db.table, Item }));
    const log = createAuditLog(db, { now: () => new Date('2026-11-02T00:00:00Z') });
    expect((await log.list({ ...RANGE, actor: 'staff:zengdu' })).items).toHaveLength(1); // only the new one

    expect(await migrateAuditActorIndex(db)).toEqual({ records: 4, updated: 4 });

    const zengdu = await log.list({ ...RANGE, actor: 'staff:zengdu' });
    expect(zengdu.items.map((r) => [r.at.slice(11, 13), r.role])).toEqual([
      ['05', 'district'],
      ['02', 'staff'],
      ['01', 'staff'],
    ]);
    expect((await log.list({ ...RANGE, actor: 'staff:admin' })).items.map((r) => r.role)).toEqual(['admin']);
    expect((await log.list({ ...RANGE, role: 'merchant' })).items.map((r) => r.actor)).toEqual(['merchant:m_1']);
    expect(await migrateAuditActorIndex(db)).toEqual({ records: 0, updated: 0 });
  });
});
