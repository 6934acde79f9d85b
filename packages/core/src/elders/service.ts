// Use cases of the elder information database: register, edit, look up, reveal (audited), leave.
// Sensitive fields are encrypted before they reach the store and masked in every view.
import { AppError } from '../kernel/errors';
import { makeCardNumber } from './points-card';
import { maskIdNumber, maskPhone } from './id-card';
import { ELDER_MIN_AGE, elderDateIssues, type ElderInput, type ElderPatch, type ElderRecord } from './model';
import { randomDigits, randomId, type BlindIndex, type FieldCipher } from '../kernel/secrets';
import type { AreaStore } from '../areas/ports';
import type { AuditLog } from '../kernel/audit';
import type { Clock } from '../kernel/clock';
import type { ElderStore } from './ports';
import type { Page } from '../kernel/page';
import type { BindingPort } from './family/bindings';
import type { Order } from '../orders/state';
import type { TopupDeps } from '../topups/ports';
import { debitLot } from '../ledger/refund';
import { setWalletFrozen } from '../ledger/service';
import { walletAccount } from '../ledger/accounts';
import { aad } from '../kernel/aad';

export const CARD_ALLOCATION_TRIES = 5; // 10^10 card space: a collision twice in a row means a bug
export const PIN_DIGITS = 6;

export type ElderDeps = {
  elders: ElderStore;
  areas: AreaStore;
  cipher: FieldCipher;
  blindIndex: BlindIndex;
  clock: Clock;
  audit: AuditLog;
  /** WeChat notice links by phone hash: dropped when an elder leaves (their phone leaves with them). */
  wechatLinks: { unlink: (phone_hash: string) => Promise<boolean> };
};

/** AAD ties each cipher text to its elder and field. */

export const pinHash = (bi: BlindIndex, elder_id: string, pin: string): string => bi('pin', `${elder_id}:${pin}`);

/** Canonical form of an import row: same person, same data -> same hash. */
export const inputHash = (bi: BlindIndex, input: ElderInput): string =>
  bi(
    'row',
    JSON.stringify([
      input.name,
      input.gender,
      input.birth_date,
      input.id_number,
      input.phone,
      input.community_code,
      input.address,
      input.location,
      input.care_level,
      [...input.special_categories].sort(),
      input.emergency_contact,
    ]),
  );

export const buildElderRecord = async (
  deps: Pick<ElderDeps, 'cipher' | 'clock' | 'blindIndex'>,
  input: ElderInput,
  opts: { elder_id?: string; card_number?: string; pin?: string } = {},
): Promise<{ record: ElderRecord; pin: string }> => {
  const elder_id = opts.elder_id ?? randomId('e');
  const now = deps.clock.now().toISOString();
  const pin = opts.pin ?? randomDigits(PIN_DIGITS);
  const record: ElderRecord = {
    elder_id,
    name: input.name,
    gender: input.gender,
    birth_date: input.birth_date,
    id_cipher: deps.cipher.encrypt(input.id_number, aad.elderField(elder_id, 'id')),
    id_masked: maskIdNumber(input.id_number),
    phone_cipher: input.phone ? deps.cipher.encrypt(input.phone, aad.elderField(elder_id, 'phone')) : null,
    phone_masked: input.phone ? maskPhone(input.phone) : null,
    community_code: input.community_code,
    address: input.address,
    location: input.location,
    care_level: input.care_level,
    special_categories: input.special_categories,
    emergency_contact_cipher: input.emergency_contact
      ? deps.cipher.encrypt(input.emergency_contact.phone, aad.elderField(elder_id, 'emergency'))
      : null,
    emergency_contact_name: input.emergency_contact?.name ?? null,
    card_number: opts.card_number ?? makeCardNumber(randomDigits(10)),
    pin_hash: pinHash(deps.blindIndex, elder_id, pin),
    pin_printed_at: null,
    input_hash: inputHash(deps.blindIndex, input),
    status: 'active',
    version: 1,
    created_at: now,
    updated_at: now,
  };
  return { record, pin };
};

const requireCommunity = async (deps: ElderDeps, code: string) => {
  const area = await deps.areas.get(code);
  if (!area || area.level !== 'community') {
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'community_code', code: 'COMMUNITY_UNKNOWN', message: 'unknown community' }],
    });
  }
  return area;
};

export const registerElder = async (
  deps: ElderDeps,
  input: ElderInput,
  actor: string,
): Promise<{ record: ElderRecord; pin: string }> => {
  // the importer's date rules, one function for both (elders.ts)
  const dated = elderDateIssues(input, deps.clock.now());
  if (dated.length > 0) {
    throw new AppError('VALIDATION_FAILED', {
      fields: dated.map((i) => ({
        path: `body.${i.path}`,
        code: i.code,
        message: `must be at least ${ELDER_MIN_AGE} years old`,
      })),
    });
  }
  await requireCommunity(deps, input.community_code);
  const id_hash = deps.blindIndex('id', input.id_number);
  if (await deps.elders.findIdByIdHash(id_hash)) throw new AppError('ELDER_EXISTS');
  const phone_hash = input.phone ? deps.blindIndex('phone', input.phone) : null;
  for (let attempt = 1; ; attempt++) {
    const built = await buildElderRecord(deps, input);
    try {
      await deps.elders.create({ record: built.record, id_hash, phone_hash });
      await deps.audit.write({ actor, action: 'elder.create', subject: `elder:${built.record.elder_id}` });
      return built;
    } catch (e) {
      // CONFLICT here can only be a card-number collision (the ID guard maps to ELDER_EXISTS)
      if (e instanceof AppError && e.code === 'CONFLICT' && attempt < CARD_ALLOCATION_TRIES) continue;
      throw e;
    }
  }
};

export const getElderOrThrow = async (deps: Pick<ElderDeps, 'elders'>, elder_id: string): Promise<ElderRecord> => {
  const r = await deps.elders.get(elder_id);
  if (!r) throw new AppError('ELDER_NOT_FOUND');
  return r;
};

export const patchElder = async (
  deps: ElderDeps,
  prev: ElderRecord,
  patch: ElderPatch,
  actor: string,
): Promise<ElderRecord> => {
  if (prev.status !== 'active') throw new AppError('ELDER_INACTIVE');
  if (patch.version !== prev.version) throw new AppError('CONFLICT', { details: { current_version: prev.version } });
  if (patch.community_code) await requireCommunity(deps, patch.community_code);
  const next: ElderRecord = { ...prev, version: prev.version + 1, updated_at: deps.clock.now().toISOString() };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.community_code !== undefined) next.community_code = patch.community_code;
  if (patch.address !== undefined) next.address = patch.address;
  if (patch.location !== undefined) next.location = patch.location;
  if (patch.care_level !== undefined) next.care_level = patch.care_level;
  if (patch.special_categories !== undefined) next.special_categories = patch.special_categories;
  if (patch.emergency_contact !== undefined) {
    next.emergency_contact_name = patch.emergency_contact?.name ?? null;
    next.emergency_contact_cipher = patch.emergency_contact
      ? deps.cipher.encrypt(patch.emergency_contact.phone, aad.elderField(prev.elder_id, 'emergency'))
      : null;
  }
  // Both stay null when the phone is not touched: the store then leaves the phone index alone.
  let phone_prev: string | null = null;
  let phone_next: string | null = null;
  if (patch.phone !== undefined) {
    const old = decryptPhone(deps, prev);
    phone_prev = old ? deps.blindIndex('phone', old) : null;
    phone_next = patch.phone ? deps.blindIndex('phone', patch.phone) : null;
    next.phone_cipher = patch.phone ? deps.cipher.encrypt(patch.phone, aad.elderField(prev.elder_id, 'phone')) : null;
    next.phone_masked = patch.phone ? maskPhone(patch.phone) : null;
  }
  await deps.elders.update(next, prev, phone_prev, phone_next);
  await deps.audit.write({
    actor,
    action: 'elder.update',
    subject: `elder:${prev.elder_id}`,
    detail: {
      fields: Object.keys(patch)
        .filter((k) => k !== 'version')
        .join(','),
    },
  });
  return next;
};

export type SensitiveView = { id_number: string; phone: string | null; emergency_contact_phone: string | null };

/** The only way to the clear values; every call leaves an audit record (PIPL art. 28/51). */
export const revealSensitive = async (
  deps: ElderDeps,
  r: ElderRecord,
  actor: string,
  reason: string,
  request_id?: string,
): Promise<SensitiveView> => {
  if (r.status !== 'active') throw new AppError('ELDER_INACTIVE');
  await deps.audit.write({
    actor,
    action: 'elder.read_sensitive',
    subject: `elder:${r.elder_id}`,
    detail: { reason },
    ...(request_id ? { request_id } : {}),
  });
  return {
    id_number: deps.cipher.decrypt(r.id_cipher, aad.elderField(r.elder_id, 'id')),
    phone: r.phone_cipher ? deps.cipher.decrypt(r.phone_cipher, aad.elderField(r.elder_id, 'phone')) : null,
    emergency_contact_phone: r.emergency_contact_cipher
      ? deps.cipher.decrypt(r.emergency_contact_cipher, aad.elderField(r.elder_id, 'emergency'))
      : null,
  };
};

export const decryptPhone = (deps: Pick<ElderDeps, 'cipher'>, r: ElderRecord): string | null =>
  r.phone_cipher ? deps.cipher.decrypt(r.phone_cipher, aad.elderField(r.elder_id, 'phone')) : null;

export const resetPin = async (
  deps: ElderDeps,
  prev: ElderRecord,
  actor: string,
): Promise<{ record: ElderRecord; pin: string }> => {
  if (prev.status !== 'active') throw new AppError('ELDER_INACTIVE');
  const pin = randomDigits(PIN_DIGITS);
  const next: ElderRecord = {
    ...prev,
    pin_hash: pinHash(deps.blindIndex, prev.elder_id, pin),
    pin_printed_at: deps.clock.now().toISOString(),
    version: prev.version + 1,
    updated_at: deps.clock.now().toISOString(),
  };
  await deps.elders.update(next, prev, null, null);
  await deps.audit.write({ actor, action: 'elder.reset_pin', subject: `elder:${prev.elder_id}` });
  return { record: next, pin };
};

/** What leaving needs beyond the elder store: the wallet and the payment port to settle the
 * balance, bindings and sessions to end, orders to see that nothing is still open. */
export type LeaveDeps = ElderDeps &
  TopupDeps & {
    bindings: Pick<BindingPort, 'ofElder' | 'put'>;
    sessions: { revokeAllOf: (sub: string) => Promise<number> };
    orders: { ofElder: (elder_id: string, limit: number, cursor?: string) => Promise<Page<Order>> };
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
    pin_hash: '', // health data goes too
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
    },
  });
  return next;
};
