// Staff accounts (staffByUsername).
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/kernel/errors';
import type { StaffAccount } from '@tmc/core/auth/service';
import type { StaffStore } from '@tmc/core/auth/ports';
import { isConditionFailed } from '../tx';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';
import { fromItem } from '../item';

export const staffKeys = {
  staff: (username: string) => ({ pk: `STAFF#${username}`, sk: 'STAFF' }),
} as const;

export const staffPatterns = (): AccessPattern[] => [
  {
    name: 'staffByUsername',
    index: 'table',
    operation: ['GetItem'],
    pk: 'STAFF#{username}',
    sk: 'STAFF',
    used_by: 'auth (StaffStore)',
    about: '',
  },
];
const keys = staffKeys; // this entity's own keys, by their short names

export const createStaffStore = (db: Db): StaffStore => ({
  async get(username) {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.staff(username), ConsistentRead: true }),
    );
    return r.Item ? fromItem<StaffAccount>(r.Item) : null;
  },
  async put(a, opts = {}) {
    try {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...keys.staff(a.username), type: 'staff', ...a },
          ...(opts.expectVersion === undefined
            ? {}
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': opts.expectVersion } }),
        }),
      );
    } catch (e) {
      if (isConditionFailed(e)) throw new AppError('CONFLICT', { cause: e });
      throw e;
    }
  },
});
