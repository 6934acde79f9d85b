// Turns a hold into one made before holds moved into their account's balance item (store ledger-holds.ts):
// its own `HOLD#{id}` item, and the balance item without the `hold` map or the expiry index's keys. What
// the tables of a deployment older than that hold, for the tests of the fallback.
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { holdAccount } from '@tmc/core/ledger/accounts';
import { HOLD_ATTR, holdOfItem, ledgerKeys, legacyHoldItem } from '@tmc/store/entities/ledger';
import type { Db } from '@tmc/store/table';

export const makeLegacyHold = async (db: Db, hold_id: string): Promise<void> => {
  const key = ledgerKeys.balance(holdAccount(hold_id));
  const bal = (await db.doc.send(new GetCommand({ TableName: db.table, Key: key, ConsistentRead: true }))).Item;
  const h = holdOfItem(bal);
  if (!bal || !h || !bal[HOLD_ATTR]) throw new Error(`hold ${hold_id} is not in its balance item`);
  const { [HOLD_ATTR]: _hold, gsi1pk: _g1, gsi1sk: _g2, ...rest } = bal;
  await db.doc.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: db.table, Item: legacyHoldItem(h), ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            TableName: db.table,
            Item: rest,
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': bal.version },
          },
        },
      ],
    }),
  );
};
