// The month's captures written straight into a fresh table: running the order flow per capture
// (hold, accept, complete, capture) would take hours here and settlement reads none of it but the
// postings on the merchant's receivable. So, per merchant, with BatchWriteItem:
// - its capture postings, in the shape ledger-commit.ts writes them (ACCT#merchant:<id> /
//   P#<created_at>#capture:o_<...>), spread over the month;
// - its receivable's balance item (BAL, balance and version as after those captures);
// - its profile, approved, with the merchantsByStatus (gsi1) keys the run walks.
// The hold side of each capture (hold account, entry item) is not written: this is not a complete
// ledger, so the bench checks its own sums instead of running verifyLedger.
import { merchantAccount } from '@tmc/core/ledger/accounts';
import { usccCheckChar } from '@tmc/core/merchants/model';
import { DEMO_COMMUNITIES } from '@tmc/local/demo/district';
import { ledgerKeys } from '@tmc/store/entities/ledger';
import { merchantKeys } from '@tmc/store/entities/merchants';
import type { Db } from '@tmc/store/table';
import { BATCH_WRITE_MAX, batchWriteAll } from '../fixtures/dynamo';
import { chunks, inFlight } from '../fixtures/pool';
import { BOUNDS, ORDERS_PER_MERCHANT } from './config';

const BATCH_WRITE_CONCURRENCY = 8; // as the other benches' bulk loads: keeps the JVM busy, not starved
const MERCHANTS_PER_GROUP = 40; // items built per group, so a million postings are never all in memory
const CAPTURE_REASON = '订单完成';
const MERCHANT_CREATED_AT = '2026-01-05T02:00:00.000Z';

export const merchantIdOf = (i: number): string => `m_s${String(i).padStart(6, '0')}`;
const orderIdOf = (i: number, j: number): string => `o_s${String(i).padStart(6, '0')}n${String(j).padStart(3, '0')}`;

/** A meal to a home repair: 10-50 points, varied by merchant and order. */
const amountOf = (i: number, j: number): number => 10 + ((i * 31 + j * 17) % 41);

const START_MS = Date.parse(BOUNDS.start);
const SPAN_MS = Date.parse(BOUNDS.end) - START_MS;

/** Order j of merchant i: evenly over the month, each merchant's orders shifted a little. */
const capturedAt = (i: number, j: number): string =>
  new Date(START_MS + Math.floor(((j + ((i * 37) % 100) / 100) * SPAN_MS) / ORDERS_PER_MERCHANT)).toISOString();

const uscc = (i: number): string => {
  const first17 = `91421303MA${String(i).padStart(7, '0')}`;
  return `${first17}${usccCheckChar(first17) ?? '0'}`;
};

/** The profile item as store/merchants.ts `merchantItem` writes it (not exported there). */
const profileItem = (i: number) => {
  const merchant_id = merchantIdOf(i);
  const community = DEMO_COMMUNITIES[i % DEMO_COMMUNITIES.length];
  if (!community) throw new Error('no demo community');
  return {
    ...merchantKeys.merchant(merchant_id),
    ...merchantKeys.merchantStatusIndex('approved', MERCHANT_CREATED_AT, merchant_id),
    type: 'merchant',
    merchant_id,
    business_name: `结算测试商户${i}`,
    uscc: uscc(i),
    licence_number: `LIC${i}`,
    licence_expires_on: null,
    contact_name: '张三',
    contact_phone: `139${String(i).padStart(8, '0')}`,
    address: `${community.name}${i}号`,
    location: community.centroid,
    community_code: community.code,
    categories: ['canteen'],
    status: 'approved',
    decision_reason: null,
    version: 2,
    created_at: MERCHANT_CREATED_AT,
    updated_at: MERCHANT_CREATED_AT,
  };
};

/** Merchant i's items: profile, receivable balance, postings. Returns them and their points. */
const merchantItems = (i: number): { items: Record<string, unknown>[]; points: number } => {
  const account = merchantAccount(merchantIdOf(i));
  const items: Record<string, unknown>[] = [profileItem(i)];
  let balance = 0;
  for (let j = 0; j < ORDERS_PER_MERCHANT; j++) {
    const amount_points = amountOf(i, j);
    balance += amount_points;
    const created_at = capturedAt(i, j);
    const entry_id = `capture:${orderIdOf(i, j)}`;
    items.push({
      ...ledgerKeys.posting(account, created_at, entry_id),
      type: 'posting',
      account,
      entry_id,
      kind: 'capture',
      reason: CAPTURE_REASON,
      amount_points,
      balance_after: balance,
      created_at,
    });
  }
  items.push({ ...ledgerKeys.balance(account), balance, version: ORDERS_PER_MERCHANT, frozen: false, account });
  return { items, points: balance };
};

export type Seeded = { merchants: number; captures: number; items: number; points: number; ms: number };

/** Writes `merchants` merchants with their month of captures. */
export const seed = async (db: Db, merchants: number): Promise<Seeded> => {
  const t0 = performance.now();
  let items = 0;
  let points = 0;
  const ids = Array.from({ length: merchants }, (_, i) => i + 1);
  for (const group of chunks(ids, MERCHANTS_PER_GROUP)) {
    const built = group.map(merchantItems);
    const all = built.flatMap((b) => b.items);
    items += all.length;
    points += built.reduce((s, b) => s + b.points, 0);
    await inFlight(chunks(all, BATCH_WRITE_MAX), BATCH_WRITE_CONCURRENCY, (batch) =>
      batchWriteAll(
        db,
        batch.map((Item) => ({ PutRequest: { Item } })),
      ),
    );
  }
  return { merchants, captures: merchants * ORDERS_PER_MERCHANT, items, points, ms: performance.now() - t0 };
};
