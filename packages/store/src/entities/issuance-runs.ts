// Issuance runs (issuanceRun): the place a monthly issuance has reached, for progress and resume;
// and stored previews (issuancePreview), written by the preview job and read by key.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/kernel/errors';
import type { IssuanceRun, PreviewRecord } from '@tmc/core/policy/issuance';
import type { IssuanceRunStore, PreviewStore } from '@tmc/core/policy/ports';
import { atVersion, isConditionFailed } from '../tx';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';
import { fromItem } from '../item';

export const issuanceKeys = {
  issuanceRun: (month: string) => ({ pk: `ISSUANCE#${month}`, sk: 'RUN' }),
  // stored issuance previews (computed by a job), one per month and staff scope ('*' = whole city)
  issuancePreview: (month: string, scope: string | null) => ({
    pk: `ISSUANCE#${month}`,
    sk: `PREVIEW#${scope ?? '*'}`,
  }),
  /** Whether a pk is a month's issuance partition (its run and previews). */
  isIssuance: (pk: string) => pk.startsWith('ISSUANCE#'),
} as const;

export const issuancePatterns = (): AccessPattern[] => [
  {
    name: 'issuanceRun',
    index: 'table',
    operation: ['GetItem'],
    pk: 'ISSUANCE#{month}',
    sk: 'RUN',
    used_by: 'policy (issuance job)',
    about: '',
  },
  {
    name: 'issuancePreview',
    index: 'table',
    operation: ['GetItem', 'PutItem'],
    pk: 'ISSUANCE#{month}',
    sk: 'PREVIEW#{scope or *}',
    used_by: 'policy (preview job, issuance page)',
    about: 'stored by the preview job, per staff scope; GetItem / conditional Put',
  },
];
const keys = issuanceKeys; // this entity's own keys, by their short names

export const createIssuanceRunStore = (db: Db): IssuanceRunStore => ({
  async get(month) {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.issuanceRun(month), ConsistentRead: true }),
    );
    if (!r.Item) return null;
    const run = fromItem<Omit<IssuanceRun, 'pass' | 'newcomers' | 'pass_started_at'> & Partial<IssuanceRun>>(r.Item);
    // Runs stored before newcomer passes existed read as their first pass.
    return {
      ...run,
      pass: run.pass ?? 1,
      newcomers: run.newcomers ?? 0,
      pass_started_at: run.pass_started_at ?? run.started_at,
    };
  },
  async put(run, expect_version) {
    try {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...keys.issuanceRun(run.month), type: 'issuance_run', ...run },
          ...atVersion(expect_version),
        }),
      );
    } catch (e) {
      if (isConditionFailed(e)) throw new AppError('ISSUANCE_RUNNING', { cause: e });
      throw e;
    }
  },
});

export const createIssuancePreviewStore = (db: Db): PreviewStore => ({
  async get(month, scope) {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.issuancePreview(month, scope), ConsistentRead: true }),
    );
    return r.Item ? fromItem<PreviewRecord>(r.Item) : null;
  },
  async put(rec, expect_version) {
    try {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...keys.issuancePreview(rec.month, rec.scope), type: 'issuance_preview', ...rec },
          ...atVersion(expect_version),
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailed(e)) return false;
      throw e;
    }
  },
});
