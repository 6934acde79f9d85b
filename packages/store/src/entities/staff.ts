// Staff accounts (staffByUsername).
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/kernel/errors';
import type { StaffAccount } from '@tmc/core/auth/service';
import type { StaffStore } from '@tmc/core/auth/ports';
import { keys } from '../keys';
import { isConditionFailed } from '../tx';
import type { Db } from '../table';

export const createStaffStore = (db: Db): StaffStore => ({
  async get(username) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.staff(username), ConsistentRead: true }));
    if (!r.Item) return null;
    const { pk: _p, sk: _s, type: _t, ...a } = r.Item;
    return a as StaffAccount;
  },
  async put(a, opts = {}) {
    try {
      await db.doc.send(new PutCommand({
        TableName: db.table, Item: { ...keys.staff(a.username), type: 'staff', ...a },
        ...(opts.expectVersion === undefined
          ? {}
          : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': opts.expectVersion } }),
      }));
    } catch (e) {
      if (isConditionFailed(e)) throw new AppError('CONFLICT', { cause: e });
      throw e;
    }
  },
});
