// The staff-list migration on DynamoDB Local: accounts stored before the list keys appear in the
// list (and an officer in their area's list) afterwards; a second run changes nothing.
import { describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createStaffStore, staffKeys } from '@tmc/store/entities/staff';
import { makeTestDb } from '../../../tests/support/db';
import { migrateStaffListIndex } from './migrate-staff-list-index';

const old = (username: string, role: string, scope: string | null) => ({
  ...staffKeys.staff(username),
  type: 'staff',
  username,
  display_name: username,
  role,
  scope,
  password_hash: 'scrypt.x.y',
  failures: 0,
  locked_until_ms: 0,
  version: 1,
});

describe('migrateStaffListIndex', () => {
  it('lists accounts stored before the list keys, and is a no-op the second time', async () => {
    const db = await makeTestDb('staff-mig');
    for (const Item of [old('admin', 'admin', null), old('xicheng', 'street', 'zengdu.xicheng')])
      await db.doc.send(new PutCommand({ TableName: db.table, Item }));
    const store = createStaffStore(db);
    expect((await store.list({}, 50)).items).toHaveLength(0);
    expect(await migrateStaffListIndex(db)).toEqual({ accounts: 2, updated: 2 });
    expect((await store.list({}, 50)).items.map((a) => a.username)).toEqual(['admin', 'xicheng']);
    expect((await store.list({ scope: 'zengdu.xicheng' }, 50)).items.map((a) => a.username)).toEqual(['xicheng']);
    expect(await migrateStaffListIndex(db)).toEqual({ accounts: 0, updated: 0 });
  });
});
