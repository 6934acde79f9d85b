// A booking's reads in one request: the elder, the merchant's profile, the service and the merchant's
// sign-in account (the phone its new-order notice goes to), one consistent BatchGetItem over the items
// of four entities, each keyed and decoded by its own module (issue 13: one read of each thing it needs,
// batched where they are independent). The shop's three come from this function's copy when it read
// them within SHOP_STALE_MS (shop-copy.ts); then the batch is the elder's alone. The caller may add one
// more key of its own to the same request: the booking elder's session (app http/session-gate.ts).
import type { ElderRecord } from '@tmc/core/elders/model';
import type { Merchant, Service } from '@tmc/core/merchants/model';
import { batchGet } from '../batch-get';
import { fromItem } from '../item';
import type { Db } from '../table';
import { accountKeys, type PhoneAccount } from './accounts';
import { elderKeys } from './elders';
import { merchantKeys } from './merchants';
import { shopCopyOf } from './shop-copy';

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
    const copy = shopCopyOf(db);
    const known = copy.get(a.merchant_id, a.service_id);
    const keys = {
      elder: elderKeys.elder(a.elder_id),
      merchant: merchantKeys.merchant(a.merchant_id),
      service: merchantKeys.service(a.merchant_id, a.service_id),
      account: accountKeys.accountById(a.merchant_id),
    };
    const wanted = [keys.elder, ...(known ? [] : [keys.merchant, keys.service, keys.account])];
    const items = await batchGet(db, [...wanted, ...(extraKey ? [extraKey] : [])], true);
    const find = (k: Record<string, string>) => items.find((it) => same(k, it));
    const elder = find(keys.elder);
    let shop = known;
    if (!shop) {
      const merchant = find(keys.merchant);
      const service = find(keys.service);
      const account = find(keys.account);
      shop = {
        merchant: merchant ? fromItem<Omit<Merchant, 'rating_sum' | 'rating_count'>>(merchant) : null,
        service: service ? fromItem<Service>(service) : null,
        merchantAccount: account
          ? { account_id: String(account.account_id), phone_cipher: String(account.phone_cipher) }
          : null,
      };
      copy.put(a.merchant_id, a.service_id, shop);
    }
    return {
      elder: elder ? fromItem<ElderRecord>(elder) : null,
      ...shop,
      extra: extraKey ? find(extraKey) : undefined,
    };
  };
