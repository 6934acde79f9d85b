// Wires the order use cases to this process's stores, notifier and scheduler.
import { decryptPhone } from '@tmc/core/elders/service';
import type { OrderDeps } from '@tmc/core/orders/ports';
import { createDisputeQueue } from '@tmc/store/entities/disputes';
import { markNoticeSent } from '@tmc/store/entities/notices';
import type { Deps } from './deps-type';
import { accountPhone, boundFamilyPhones } from './account-phone';
import { createBookingReads } from '@tmc/store/entities/booking-reads';
import { aad } from '@tmc/core/kernel/aad';
import type { SessionGate } from '../http/session-gate';

/** `session`: the caller's session, read with the booking's BatchGet (http/session-gate.ts). */
export const orderDeps = (
  deps: Deps,
  session: SessionGate | null = null,
): OrderDeps & { addRating: (merchant_id: string, stars: number) => Promise<void> } => ({
  ...deps,
  // with a session read in the booking's batch, the ledger writes nothing before it is known live
  ledger: session
    ? {
        ...deps.ledger,
        commit: async (plan) => {
          await session.ensure();
          return deps.ledger.commit(plan);
        },
      }
    : deps.ledger,
  orders: deps.orders,
  scheduler: deps.scheduler,
  disputes: createDisputeQueue(deps.db),
  addRating: (m, s) => deps.merchants.addRating(m, s),
  familyPhones: async (elder_id) => (await boundFamilyPhones(deps, elder_id)).map((f) => f.phone),
  // New orders are announced to the phone the shop signs in with (verified by a code, and the one
  // that can accept them; its WeChat link, if any, is on this number), not to the contact phone
  // typed on the application, which elders call and nobody has verified.
  // one marker per (order, version, notice) for senders that cannot tell they won (jobs, disputes)
  noticeOnce: (key) => markNoticeSent(deps.db, 'order', key, 'once', deps.clock.now().getTime()),
  bookingReads: async (a) => {
    const r = await createBookingReads(deps.db)(a, session?.key);
    session?.admit(r.extra); // an ended session stops here, before anything is decrypted or written
    const acct = r.merchantAccount;
    // the same phone merchantPhone finds: the sign-in account's, else the application's contact phone
    // a phone that will not open must not stop the booking (undefined: the notice step reads it again)
    let merchantPhone: string | null | undefined;
    try {
      merchantPhone = acct
        ? deps.cipher.decrypt(acct.phone_cipher, aad.accountPhone(acct.account_id))
        : (r.merchant?.contact_phone ?? null);
    } catch {
      merchantPhone = undefined;
    }
    return { elder: r.elder, merchant: r.merchant, service: r.service, merchantPhone };
  },
  merchantPhone: async (merchant_id) =>
    (await accountPhone(deps, merchant_id)) ?? (await deps.merchants.getMerchant(merchant_id))?.contact_phone ?? null,
});

export { decryptPhone };
