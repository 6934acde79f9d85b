// Leaving the scheme: the wallet settled (paid points refunded, subsidy points returned), bindings
// and sessions ended, personal fields erased. Split out of service.ts, which re-exports it.
import { AppError } from '../kernel/errors';
import type { ElderRecord } from './model';
import type { Page } from '../kernel/page';
import type { BindingPort } from './family/bindings';
import type { Order, OrderElderDims } from '../orders/state';
import type { CounterStore } from '../analytics/ports';
import { erasedOrderDims } from '../analytics/facts';
import type { TopupDeps } from '../topups/ports';
import { debitLot } from '../ledger/refund';
import { setWalletFrozen } from '../ledger/service';
import { walletAccount } from '../ledger/accounts';
import { aad } from '../kernel/aad';
import { decryptPhone, type ElderDeps } from './record';

/** What leaving needs beyond the elder store: the wallet and the payment port to settle the
 * balance, bindings and sessions to end, orders to see that nothing is still open. */
export type LeaveDeps = ElderDeps &
  TopupDeps & {
    bindings: Pick<BindingPort, 'ofElder' | 'put'>;
    sessions: { revokeAllOf: (sub: string) => Promise<number> };
    orders: {
      ofElder: (elder_id: string, limit: number, cursor?: string) => Promise<Page<Order>>;
      get: (order_id: string) => Promise<Order | null>;
      eraseElderDims: (order_id: string, dims: OrderElderDims, expect_version: number) => Promise<boolean>;
    };
    counters: Pick<CounterStore, 'eraseActiveDims'>;
  };

/** Orders whose points can still move back into the wallet: a hold that is open, or a dispute. */
const OPEN_ORDER_STATES: ReadonlySet<Order['status']> = new Set(['requested', 'accepted', 'disputed']);
const ORDER_PAGES_MAX = 20; // newest first: open orders are recent; 20 x 100 is years of orders

const openOrders = async (deps: LeaveDeps, elder_id: string): Promise<string[]> => {
  const open: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < ORDER_PAGES_MAX; page++) {
    const r = await deps.orders.ofElder(elder_id, 100, cursor);
    for (const o of r.items) if (OPEN_ORDER_STATES.has(o.status)) open.push(o.order_id);
    if (!r.cursor) break;
    cursor = r.cursor;
  }
  return open;
};

const ERASE_TRIES_MAX = 5; // an order rewritten under us (a late settlement step) is read again this often

/**
 * The analytics snapshot on the elder's orders loses care level and special categories (health data), and
 * the birth date of orders booked before snapshots were derived (review H3). The same bounded walk as
 * openOrders: ORDER_PAGES_MAX pages of 100, newest first, so at most 2,000 orders; answers how many were
 * erased and whether the walk reached the oldest order (false: more than 2,000 orders, noted in the audit
 * record). Idempotent: an erased snapshot is skipped, so a leave tried again finishes the walk.
 */
const eraseOrderDims = async (deps: LeaveDeps, elder_id: string) => {
  let erased = 0;
  let cursor: string | undefined;
  for (let page = 0; page < ORDER_PAGES_MAX; page++) {
    const r = await deps.orders.ofElder(elder_id, 100, cursor);
    for (const listed of r.items) {
      let o: Order | null = listed;
      for (let attempt = 0; o && attempt < ERASE_TRIES_MAX; attempt++) {
        const dims = erasedOrderDims(o);
        if (!dims) break;
        if (await deps.orders.eraseElderDims(o.order_id, dims, o.version)) {
          erased++;
          break;
        }
        o = await deps.orders.get(o.order_id);
      }
    }
    if (!r.cursor) return { erased, complete: true };
    cursor = r.cursor;
  }
  return { erased, complete: false };
};

const TOPUP_LOT_PREFIX = 'topup:'; // a paid lot's id is its top-up entry id (topup.ts topupEntryId)

/**
 * Empties the wallet: paid points go back to whoever paid, through the payment port (the top-up
 * refund, once per top-up whoever else refunds it); allowance and award points go back to the
 * bureau's accounts, one entry per lot with its audit record in the same transaction. Every step
 * has a deterministic id, so a leave that failed half way (the provider down) is finished by
 * trying again, and nothing is paid or returned twice.
 */
const settleWallet = async (deps: LeaveDeps, elder_id: string, actor: string, reason: string, request_id?: string) => {
  let refunded_points = 0;
  let returned_points = 0;
  const lots = (await deps.ledger.lots(walletAccount(elder_id))).filter((l) => l.remaining_points > 0);
  for (const lot of lots) {
    if (lot.source === 'top_up' && lot.lot_id.startsWith(TOPUP_LOT_PREFIX)) {
      const topup_id = lot.lot_id.slice(TOPUP_LOT_PREFIX.length);
      const { refundTopup } = await import('../topups/service'); // the payment flow loads only when needed
      try {
        const r = await refundTopup(deps, {
          topup_id,
          reason: `退出项目：${reason}`,
          actor,
          request_id,
          idem: { scope: `leave:${elder_id}`, key: topup_id, request_hash: 'elder.leave' },
        });
        refunded_points += r.topup.refund?.points ?? 0;
        continue;
      } catch (e) {
        // Refunded before (points that came back later from a cancelled order stay in the lot) or
        // meanwhile by staff (then the lot is empty and nothing is left below): what remains goes to
        // the adjustments account, audited as needing a manual refund, never left in a closed wallet.
        if (!(
          e instanceof AppError &&
          (e.code === 'TOPUP_NOTHING_TO_REFUND' || e.code === 'TOPUP_NOT_PAID' || e.code === 'TOPUP_NOT_FOUND')
        ))
          throw e;
      }
    }
    const paid = !lot.subsidy;
    const to = paid ? 'adjustments' : lot.source === 'award' ? 'awards' : 'issuance';
    const entry_id = `scheme_exit:${elder_id}:${lot.lot_id}`;
    const r = await debitLot(deps, {
      entry_id,
      kind: 'scheme_exit',
      elder_id,
      lot_id: lot.lot_id,
      to,
      reason: `退出项目：${reason}`,
      actor,
      ref: { lot_source: lot.source },
      audit: {
        actor,
        action: paid ? 'elder.leave.paid_points_unrefunded' : 'elder.leave.return_points',
        subject: `elder:${elder_id}`,
        ...(request_id ? { request_id } : {}),
        detail: { entry_id, lot_id: lot.lot_id, to, points: lot.remaining_points, needs_manual_refund: paid },
      },
    });
    returned_points += r?.amount_points ?? 0;
  }
  return { refunded_points, returned_points };
};

/** Ends every binding still pending or active: the family no longer sees or pays for the elder. */
const endBindings = async (deps: LeaveDeps, elder_id: string, actor: string): Promise<number> => {
  let ended = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    const live = (await deps.bindings.ofElder(elder_id)).filter((b) => b.status !== 'removed');
    if (live.length === 0) return ended;
    try {
      for (const b of live) {
        await deps.bindings.put(
          {
            ...b,
            status: 'removed',
            decided_at: deps.clock.now().toISOString(),
            decided_by: actor,
            version: b.version + 1,
          },
          b.version,
        );
        ended++;
      }
    } catch (e) {
      // a binding changed under us (confirmed, removed by the family): read again
      if (!(e instanceof AppError && e.code === 'CONFLICT')) throw e;
    }
  }
  throw new AppError('CONFLICT');
};

/**
 * Leaving the scheme (PIPL art. 47): the balance is settled (paid points refunded to the payer,
 * subsidy points back to the bureau), family bindings and the elder's sessions end, and personal
 * and health fields are erased; the pseudonymous elder_id and the community stay so ledger history
 * and area statistics remain consistent. Refused while an order or dispute is open, since its
 * points could still come back into the wallet. The wallet is frozen first, so nothing is booked
 * while the balance is settled.
 */
export const leaveScheme = async (
  deps: LeaveDeps,
  prev: ElderRecord,
  actor: string,
  reason: string,
  request_id?: string,
): Promise<ElderRecord> => {
  if (prev.status !== 'active') throw new AppError('ELDER_INACTIVE');
  const id = prev.elder_id;
  const refuseIfOpen = async () => {
    const open = await openOrders(deps, id);
    if (open.length > 0) throw new AppError('ELDER_HAS_OPEN_ORDERS', { details: { order_ids: open.slice(0, 10) } });
  };
  await refuseIfOpen();
  const wasFrozen = (await deps.ledger.account(walletAccount(id))).frozen;
  if (!wasFrozen) await setWalletFrozen(deps, id, true);
  try {
    await refuseIfOpen(); // an order booked between the first look and the freeze
  } catch (e) {
    if (!wasFrozen) await setWalletFrozen(deps, id, false);
    throw e;
  }
  const money = await settleWallet(deps, id, actor, reason, request_id);
  const bindings_ended = await endBindings(deps, id, actor);
  const sessions_ended = await deps.sessions.revokeAllOf(`elder:${id}`);
  // before the profile is erased: if this fails the elder is still active and leaving again finishes it
  const orderDims = await eraseOrderDims(deps, id);
  await deps.counters.eraseActiveDims(id);

  const id_number = deps.cipher.decrypt(prev.id_cipher, aad.elderField(id, 'id'));
  const phone = decryptPhone(deps, prev);
  const now = deps.clock.now().toISOString();
  const next: ElderRecord = {
    ...prev,
    name: '已退出',
    birth_date: `${prev.birth_date.slice(0, 4)}-01-01`, // year only: keeps age-band statistics, not a birthday
    id_cipher: '',
    id_masked: '',
    phone_cipher: null,
    phone_masked: null,
    address: '',
    location: null,
    emergency_contact_cipher: null,
    emergency_contact_name: null,
    care_level: null,
    special_categories: [],
    pin_hash: '', // health data goes too (and from the orders' snapshots and the active tracker, above)
    status: 'left',
    version: prev.version + 1,
    updated_at: now,
  };
  await deps.elders.erase(next, prev, deps.blindIndex('id', id_number), phone ? deps.blindIndex('phone', phone) : null);
  if (phone) await deps.wechatLinks.unlink(deps.blindIndex('phone', phone));
  await deps.audit.write({
    actor,
    action: 'elder.leave',
    subject: `elder:${id}`,
    ...(request_id ? { request_id } : {}),
    detail: {
      reason,
      refunded_points: money.refunded_points,
      returned_points: money.returned_points,
      bindings_ended,
      sessions_ended,
      order_snapshots_erased: orderDims.erased,
      ...(orderDims.complete ? {} : { order_snapshots_incomplete: true }),
    },
  });
  return next;
};
