// A warm function's copy of the shops it books (issue 13: the service read once per warm function, with a
// short, stated staleness): a merchant's profile, one of its services and its sign-in account, as one
// booking read them, kept for SHOP_STALE_MS. A booking that finds its shop here reads only the elder and
// the session. Saving a merchant (merchants.ts `save`) forgets that merchant's copies in this process at
// once; other warm functions see the change within SHOP_STALE_MS. What that allows, and only for that
// long: a shop just suspended, or a service just paused, takes a booking; a price just changed is
// charged at the old price (the order keeps the price it was booked at); a slot's capacity just lowered
// admits up to the old number. The slot itself, the elder, the wallet and the session are read every time.
import type { Merchant, Service } from '@tmc/core/merchants/model';
import type { Db } from '../table';
import type { PhoneAccount } from './accounts';

/** How old a copy a booking may use: also how long a save takes to reach every other warm function. */
export const SHOP_STALE_MS = 30_000;
/** Shops kept per process; the oldest copy goes first (a function books a few neighbourhoods' shops). */
export const SHOP_COPY_MAX = 500;

export type ShopRead = {
  merchant: Omit<Merchant, 'rating_sum' | 'rating_count'> | null;
  service: Service | null;
  merchantAccount: Pick<PhoneAccount, 'account_id' | 'phone_cipher'> | null;
};

export type ShopCopy = {
  /** The shop as read at most SHOP_STALE_MS ago, or undefined. */
  get(merchant_id: string, service_id: string): ShopRead | undefined;
  put(merchant_id: string, service_id: string, read: ShopRead): void;
  /** Every copy of this merchant's services (a save, in this process). */
  forget(merchant_id: string): void;
  readonly size: number;
};

/** `now`: milliseconds of a monotonic clock (performance.now), not the business clock: staleness is real time. */
export const createShopCopy = (now: () => number = () => performance.now()): ShopCopy => {
  const copies = new Map<string, { read_at: number; read: ShopRead }>();
  const keyOf = (merchant_id: string, service_id: string) => `${merchant_id}|${service_id}`;
  return {
    get(merchant_id, service_id) {
      const k = keyOf(merchant_id, service_id);
      const c = copies.get(k);
      if (!c) return undefined;
      if (now() - c.read_at <= SHOP_STALE_MS) return c.read;
      copies.delete(k);
      return undefined;
    },
    put(merchant_id, service_id, read) {
      const k = keyOf(merchant_id, service_id);
      copies.delete(k); // re-inserted last: the map's order is the order copies were read in
      copies.set(k, { read_at: now(), read });
      while (copies.size > SHOP_COPY_MAX) copies.delete(copies.keys().next().value as string);
    },
    forget(merchant_id) {
      for (const k of copies.keys()) if (k.startsWith(`${merchant_id}|`)) copies.delete(k);
    },
    get size() {
      return copies.size;
    },
  };
};

/** One copy per table client: the booking reads fill it, the merchant store's saves clear it. */
const byDb = new WeakMap<Db, ShopCopy>();
export const shopCopyOf = (db: Db): ShopCopy => {
  let c = byDb.get(db);
  if (!c) byDb.set(db, (c = createShopCopy()));
  return c;
};
