// Issuance runs (issuanceRun): the place a monthly issuance has reached, for progress and resume.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/errors';
import type { IssuanceRun, IssuanceRunStore } from '@tmc/core/issuance';
import { keys } from './keys';
import { isConditionFailed } from './tx';
import type { Db } from './table';

export const createIssuanceRunStore = (db: Db): IssuanceRunStore => ({
  async get(month) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.issuanceRun(month), ConsistentRead: true }));
    if (!r.Item) return null;
    const { pk: _p, sk: _s, type: _t, ...run } = r.Item;
    return run as IssuanceRun;
  },
  async put(run, expect_version) {
    try {
      await db.doc.send(new PutCommand({
        TableName: db.table, Item: { ...keys.issuanceRun(run.month), type: 'issuance_run', ...run },
        ConditionExpression: expect_version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
        ...(expect_version === 0 ? {} : { ExpressionAttributeValues: { ':v': expect_version } }),
      }));
    } catch (e) {
      if (isConditionFailed(e)) throw new AppError('ISSUANCE_RUNNING', { cause: e });
      throw e;
    }
  },
});
