// A booking's reads in one request: the elder, the merchant's profile, the service and the merchant's
// sign-in account (the phone its new-order notice goes to), one consistent BatchGetItem over the items
// of four entities, each keyed and decoded by its own module. The booking path's one read before the
// wallet (issue 13: one read of each thing it needs, batched where they are independent). The caller may
// add one more key of its own to the same request: the booking elder's session (app http/session-gate.ts).
import type { ElderRecord } from '@tmc/core/elders/model';
import type { Merchant, Service } from '@tmc/core/merchants/model';
import { batchGet } from '../batch-get';
import { fromItem } from '../item';
import type { Db } from '../table';
import { accountKeys, type PhoneAccount } from './accounts';
import { elderKeys } from './elders';
import { merchantKeys } from './merchants';

export type BookingReads = {
  elder: ElderRecord | null;
  merchant: Omit<Merchant, 'rating_sum' | 'rating_count'> | null;
  service: Service | null;
  merchantAccount: Pick<PhoneAccount, 'account_id' | 'phone_cipher'> | null;
  /** The item at the caller's extra key (undefined: absent, or no key given). */
  extra: Record<string, unknown> | undefined;
};

export type ItemKey = { pk: string; sk: string };

const same = (a: Record<string, string>, it: Record<string, unknown>) => a.pk === it.pk && a.sk === it.sk;

export const createBookingReads =
  (db: Db) =>
  async (
    a: { elder_id: string; merchant_id: string; service_id: string },
    extraKey?: ItemKey,
  ): Promise<BookingReads> => {
    const keys = {
      elder: elderKeys.elder(a.elder_id),
      merchant: merchantKeys.merchant(a.merchant_id),
      service: merchantKeys.service(a.merchant_id, a.service_id),
      account: accountKeys.accountById(a.merchant_id),
    };
    const items = await batchGet(db, [...Object.values(keys), ...(extraKey ? [extraKey] : [])], true);
    const find = (k: Record<string, string>) => items.find((it) => same(k, it));
    const elder = find(keys.elder);
    const merchant = find(keys.merchant);
    const service = find(keys.service);
    const account = find(keys.account);
    return {
      elder: elder ? fromItem<ElderRecord>(elder) : null,
      merchant: merchant ? fromItem<Omit<Merchant, 'rating_sum' | 'rating_count'>>(merchant) : null,
      service: service ? fromItem<Service>(service) : null,
      merchantAccount: account
        ? { account_id: String(account.account_id), phone_cipher: String(account.phone_cipher) }
        : null,
      extra: extraKey ? find(extraKey) : undefined,
    };
  };
