// The floor a booking is measured against: a spend-shaped transaction of six items sent straight
// to DynamoDB (the entry, the wallet's balance under a version and floor condition, its posting, the
// hold account's balance, its posting, the idempotency record), with no reads before it. It is what a
// booking cannot avoid writing; the ratio booking/raw says what the rest of the path costs.
import { randomBytes } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '@tmc/store/table';

const AMOUNT = 10;

/** One raw spend on `wallet` (its balance item is created on first use with plenty of points). */
export const rawSpend = async (db: Db, wallet: string): Promise<void> => {
  const id = randomBytes(8).toString('hex');
  const now = new Date().toISOString();
  const T = db.table;
  await db.doc.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: T,
            Item: { pk: `RAW#E#${id}`, sk: 'ENTRY', at: now },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName: T,
            Key: { pk: `RAW#ACCT#${wallet}`, sk: 'BAL' },
            UpdateExpression: 'SET balance = if_not_exists(balance, :start) - :a ADD version :one',
            ConditionExpression: 'attribute_not_exists(balance) OR balance >= :a',
            ExpressionAttributeValues: { ':a': AMOUNT, ':start': 1_000_000_000, ':one': 1 },
          },
        },
        { Put: { TableName: T, Item: { pk: `RAW#ACCT#${wallet}`, sk: `P#${now}#${id}`, amount: -AMOUNT } } },
        {
          Update: {
            TableName: T,
            Key: { pk: `RAW#ACCT#hold:${id}`, sk: 'BAL' },
            UpdateExpression: 'SET balance = :a, version = :one',
            ConditionExpression: 'attribute_not_exists(pk)',
            ExpressionAttributeValues: { ':a': AMOUNT, ':one': 1 },
          },
        },
        { Put: { TableName: T, Item: { pk: `RAW#ACCT#hold:${id}`, sk: `P#${now}#${id}`, amount: AMOUNT } } },
        {
          Put: {
            TableName: T,
            Item: { pk: `RAW#IDEM#${id}`, sk: 'IDEM', result: id },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    }),
  );
};
