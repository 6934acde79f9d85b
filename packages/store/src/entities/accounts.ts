// Phone accounts of family members and merchants (accountByPhoneHash). Created on the first
// verified sign-in; the phone itself is kept encrypted, the key is its blind index.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '@tmc/core/kernel/clock';
import { randomId } from '@tmc/core/kernel/secrets';
import { transact } from '../tx';
import { AppError } from '@tmc/core/kernel/errors';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';

export const accountKeys = {
  phoneAccount: (role: string, phoneHash: string) => ({ pk: `ACCOUNT#${role}#${phoneHash}`, sk: 'ACCOUNT' }),
  accountById: (accountId: string) => ({ pk: `ACCOUNT_ID#${accountId}`, sk: 'ACCOUNT' }),
} as const;

export const accountPatterns = (): AccessPattern[] => [
  {
    name: 'accountByPhoneHash',
    index: 'table',
    operation: ['GetItem'],
    pk: 'ACCOUNT#{role}#{hmac(phone)}',
    sk: 'ACCOUNT',
    used_by: 'auth (family and merchant sign-in)',
    about: 'family, merchant; unique guard',
  },
  {
    name: 'accountById',
    index: 'table',
    operation: ['GetItem', 'BatchGetItem'],
    pk: 'ACCOUNT_ID#{account_id}',
    sk: 'ACCOUNT',
    used_by: "auth (session lookups); booking (the shop's phone, in entities/booking-reads.ts)",
    about: '',
  },
];
const keys = accountKeys; // this entity's own keys, by their short names

export type PhoneAccount = {
  account_id: string;
  role: 'family' | 'merchant';
  phone_cipher: string;
  phone_masked: string;
  created_at: string;
};

export type AccountStore = {
  get: (role: PhoneAccount['role'], phone_hash: string) => Promise<PhoneAccount | null>;
  byId: (account_id: string) => Promise<PhoneAccount | null>;
  /** Returns the existing account when two first sign-ins race. */
  getOrCreate: (
    role: PhoneAccount['role'],
    phone_hash: string,
    make: (account_id: string) => Omit<PhoneAccount, 'created_at'>,
  ) => Promise<PhoneAccount>;
};

export const createAccountStore = (db: Db, clock: Clock): AccountStore => {
  const read = async (key: Record<string, string>): Promise<PhoneAccount | null> => {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: key, ConsistentRead: true }));
    if (!r.Item) return null;
    return {
      account_id: String(r.Item.account_id),
      role: r.Item.role as PhoneAccount['role'],
      phone_cipher: String(r.Item.phone_cipher),
      phone_masked: String(r.Item.phone_masked),
      created_at: String(r.Item.created_at),
    };
  };
  const get: AccountStore['get'] = (role, phone_hash) => read(keys.phoneAccount(role, phone_hash));
  return {
    get,
    byId: (account_id) => read(keys.accountById(account_id)),
    async getOrCreate(role, phone_hash, make) {
      const existing = await get(role, phone_hash);
      if (existing) return existing;
      const acct: PhoneAccount = {
        ...make(randomId(role === 'family' ? 'f' : 'm')),
        created_at: clock.now().toISOString(),
      };
      try {
        // the phone item is the uniqueness guard; the id item serves lookups from a session
        await transact(
          db,
          [
            {
              Put: {
                TableName: db.table,
                Item: { ...keys.phoneAccount(role, phone_hash), type: 'account', ...acct },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: db.table,
                Item: { ...keys.accountById(acct.account_id), type: 'account', ...acct },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
          () => 'CONFLICT',
        );
        return acct;
      } catch (e) {
        if (!(e instanceof AppError && e.code === 'CONFLICT')) throw e;
        const won = await get(role, phone_hash);
        if (!won) throw e;
        return won;
      }
    },
  };
};
