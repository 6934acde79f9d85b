// Issuance runs (issuanceRun): the place a monthly issuance has reached, for progress and resume;
// and stored previews (issuancePreview), written by the preview job and read by key.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/kernel/errors';
import type { IssuanceRun, PreviewRecord } from '@tmc/core/policy/issuance';
import type { IssuanceRunStore, PreviewStore } from '@tmc/core/policy/ports';
import { keys } from '../keys';
import { isConditionFailed } from '../tx';
import type { Db } from '../table';

export const createIssuanceRunStore = (db: Db): IssuanceRunStore => ({
  async get(month) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.issuanceRun(month), ConsistentRead: true }));
    if (!r.Item) return null;
    const { pk: _p, sk: _s, type: _t, ...stored } = r.Item;
    const run = stored as Omit<IssuanceRun, 'pass' | 'newcomers' | 'pass_started_at'> & Partial<IssuanceRun>;
    // Runs stored before newcomer passes existed read as their first pass.
    return { ...run, pass: run.pass ?? 1, newcomers: run.newcomers ?? 0, pass_started_at: run.pass_started_at ?? run.started_at };
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

export const createIssuancePreviewStore = (db: Db): PreviewStore => ({
  async get(month, scope) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.issuancePreview(month, scope), ConsistentRead: true }));
    if (!r.Item) return null;
    const { pk: _p, sk: _s, type: _t, ...rec } = r.Item;
    return rec as PreviewRecord;
  },
  async put(rec, expect_version) {
    try {
      await db.doc.send(new PutCommand({
        TableName: db.table, Item: { ...keys.issuancePreview(rec.month, rec.scope), type: 'issuance_preview', ...rec },
        ConditionExpression: expect_version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
        ...(expect_version === 0 ? {} : { ExpressionAttributeValues: { ':v': expect_version } }),
      }));
      return true;
    } catch (e) {
      if (isConditionFailed(e)) return false;
      throw e;
    }
  },
});
