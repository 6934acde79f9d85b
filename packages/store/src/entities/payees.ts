// How merchants are paid (payeeOfMerchant, payeeByStripeAccount) and the bank batch files finance
// downloads (payoutBatch). The account number is stored sealed by the caller (core/settlement/payee.ts);
// this entity never sees it in the clear.
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/kernel/errors';
import type { BatchStore, Payee, PayeeStore, PayoutBatch } from '@tmc/core/settlement/ports';
import { atVersion, transact } from '../tx';
import { fromItem } from '../item';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';
import { auditItem } from './audit';

export const BATCHES_READ_MAX = 50;

export const payeeKeys = {
  payee: (merchant_id: string) => ({ pk: `MERCHANT#${merchant_id}`, sk: 'PAYEE' }),
  payeeStripeIndex: (account_ref: string) => ({ gsi1pk: `STRIPE_ACCOUNT#${account_ref}`, gsi1sk: 'PAYEE' }),
  payoutBatch: (batch_id: string) => ({ pk: 'PAYOUT_BATCHES', sk: `B#${batch_id}` }),
} as const;

export const payeePatterns = (): AccessPattern[] => [
  {
    name: 'payeeOfMerchant',
    index: 'table',
    operation: ['GetItem', 'TransactWriteItems'],
    pk: 'MERCHANT#{merchant_id}',
    sk: 'PAYEE',
    used_by: 'settlement (payout, merchant and finance pages)',
    about: 'bank account sealed; versioned; its audit record in the same transaction',
  },
  {
    name: 'payeeByStripeAccount',
    index: 'gsi1',
    operation: ['Query'],
    pk: 'STRIPE_ACCOUNT#{account_ref}',
    sk: 'PAYEE',
    used_by: 'settlement (Stripe account.updated webhook)',
    about: 'one item',
  },
  {
    name: 'payoutBatch',
    index: 'table',
    operation: ['GetItem', 'PutItem', 'Query'],
    pk: 'PAYOUT_BATCHES',
    sk: 'B#{batch_id}',
    used_by: 'settlement (bank batch files)',
    about: `batch ids sort by time; the page reads the newest ${BATCHES_READ_MAX}`,
  },
];

export const createPayeeStore = (db: Db): PayeeStore => ({
  async get(merchant_id) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: payeeKeys.payee(merchant_id) }));
    return r.Item ? fromItem<Payee>(r.Item) : null;
  },
  async put(next, expect_version, audit) {
    try {
      await transact(
        db,
        [
          {
            Put: {
              TableName: db.table,
              Item: {
                ...payeeKeys.payee(next.merchant_id),
                ...(next.stripe_account ? payeeKeys.payeeStripeIndex(next.stripe_account) : {}),
                type: 'payee',
                ...next,
              },
              ...atVersion(expect_version),
            },
          },
          {
            Put: {
              TableName: db.table,
              Item: auditItem(audit.event, audit.at, `payee:${next.merchant_id}:v${next.version}`),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
        () => 'CONFLICT',
      );
      return true;
    } catch (e) {
      if (e instanceof AppError && e.code === 'CONFLICT') return false;
      throw e;
    }
  },
  async byStripeAccount(account_ref) {
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': payeeKeys.payeeStripeIndex(account_ref).gsi1pk },
        Limit: 1,
      }),
    );
    const it = r.Items?.[0];
    return it ? String(it.merchant_id) : null;
  },
});

export const createBatchStore = (db: Db): BatchStore => ({
  async put(b: PayoutBatch) {
    await db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: { ...payeeKeys.payoutBatch(b.batch_id), type: 'payout_batch', ...b },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },
  async update(b: PayoutBatch) {
    await db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: { ...payeeKeys.payoutBatch(b.batch_id), type: 'payout_batch', ...b },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  },
  async get(batch_id) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: payeeKeys.payoutBatch(batch_id) }));
    return r.Item ? fromItem<PayoutBatch>(r.Item) : null;
  },
  async recent(limit) {
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': 'PAYOUT_BATCHES' },
        ScanIndexForward: false,
        Limit: Math.max(1, Math.min(BATCHES_READ_MAX, limit)),
      }),
    );
    return (r.Items ?? []).map((it) => fromItem<PayoutBatch>(it));
  },
});
