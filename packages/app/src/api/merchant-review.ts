// What staff read of merchants, shared by the API (api/merchants.ts) and the staff pages (web
// staff/merchant-pages.tsx): the list by status in the caller's area (or a street / community of it),
// one merchant with its services, its orders page by page, and the one scope rule for all of them and
// for the decisions. Exported through public.ts so a page never keeps a second copy.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { isWithin } from '@tmc/core/areas/model';
import { AREA_CODE_RE } from '@tmc/core/kernel/ids';
import { assertAreaInScope } from '@tmc/core/elders/access';
import { MERCHANT_STATUSES, type Merchant, type MerchantStatus, type Service } from '@tmc/core/merchants/model';
import type { Order } from '@tmc/core/orders/state';
import type { Principal } from '@tmc/core/auth/service';
import type { Deps } from '../compose/deps-type';

/** Who reviews, lists and decides merchants: the officers (finance pays them, it does not admit them). */
export const MERCHANT_STAFF = ['admin', 'district', 'street'] as const;
export const MERCHANT_DECISIONS = ['approve', 'reject', 'suspend', 'reinstate'] as const;
export type MerchantDecision = (typeof MERCHANT_DECISIONS)[number];

/** Merchants a list page shows at most. */
export const MERCHANT_PAGE = 50;
/** Status index pages read for one list page at most: the index is by status, not by area, so a
 * street's merchants are picked out of the city's; this bounds the reads of one request (a short
 * page then still carries a cursor, and "next" goes on). */
export const MERCHANT_LIST_READS_MAX = 4;
export const MERCHANT_ORDERS_PAGE = 20;

export const MerchantListQuery = z.object({
  status: z._default(z.enum(MERCHANT_STATUSES), 'pending'),
  // a street or community within the caller's area (a street officer's own street is the default)
  area: z.optional(z.string().check(z.regex(AREA_CODE_RE), z.maxLength(100))),
  cursor: z.optional(z.string().check(z.maxLength(500))),
});
export type MerchantListQuery = z.infer<typeof MerchantListQuery>;
export const MerchantOrdersQuery = z.object({ cursor: z.optional(z.string().check(z.maxLength(500))) });

/** A page of merchants in a status, in the caller's scope and the asked area (OUT_OF_SCOPE when the
 * area is outside the caller's). Oldest change first: the review queue is worked from its head. */
export const merchantsFor = async (
  deps: Pick<Deps, 'merchants'>,
  p: Principal,
  q: { status: MerchantStatus; area?: string | undefined; cursor?: string | undefined },
): Promise<{ items: Merchant[]; cursor: string | null }> => {
  if (p.kind !== 'staff') throw new AppError('FORBIDDEN');
  if (q.area) assertAreaInScope(p, q.area);
  const within = q.area ?? p.scope;
  const items: Merchant[] = [];
  let cursor: string | null = q.cursor ?? null;
  for (let read = 0; read < MERCHANT_LIST_READS_MAX && items.length < MERCHANT_PAGE; read++) {
    const page = await deps.merchants.byStatus(q.status, MERCHANT_PAGE - items.length, cursor ?? undefined);
    items.push(...page.items.filter((m) => within === null || isWithin(m.community_code, within)));
    cursor = page.cursor;
    if (!cursor) break;
  }
  return { items, cursor };
};

/** A merchant this staff member may see and decide: MERCHANT_NOT_FOUND, else OUT_OF_SCOPE outside their area. */
export const merchantForStaff = async (
  deps: Pick<Deps, 'merchants'>,
  p: Principal,
  merchant_id: string,
): Promise<Merchant> => {
  const m = await deps.merchants.getMerchant(merchant_id);
  if (!m) throw new AppError('MERCHANT_NOT_FOUND');
  assertAreaInScope(p, m.community_code);
  return m;
};

/** One merchant for staff: the application as stored, its services (withdrawn ones too) and its rating. */
export const merchantDetail = async (
  deps: Pick<Deps, 'merchants'>,
  p: Principal,
  merchant_id: string,
): Promise<{ merchant: Merchant; services: Service[]; rating_avg: number | null }> => {
  const merchant = await merchantForStaff(deps, p, merchant_id);
  const services = await deps.merchants.services(merchant_id);
  const rating_avg = merchant.rating_count ? merchant.rating_sum / merchant.rating_count : null;
  return { merchant, services, rating_avg };
};

/** An order as staff see it in a merchant's list: its terms, state, rating and dispute (no code). */
export type MerchantOrderRow = Pick<
  Order,
  | 'order_id'
  | 'elder_id'
  | 'service_name'
  | 'category'
  | 'price_points'
  | 'status'
  | 'slot_start'
  | 'completed_at'
  | 'rating'
  | 'dispute'
  | 'created_at'
>;

/** A merchant's orders, newest first, by key (ordersOfMerchant). Call after `merchantForStaff`. */
export const merchantOrders = async (
  deps: Pick<Deps, 'orders'>,
  merchant_id: string,
  cursor?: string,
): Promise<{ items: MerchantOrderRow[]; cursor: string | null }> => {
  const page = await deps.orders.ofMerchant(merchant_id, MERCHANT_ORDERS_PAGE, cursor);
  return {
    items: page.items.map((o) => ({
      order_id: o.order_id,
      elder_id: o.elder_id,
      service_name: o.service_name,
      category: o.category,
      price_points: o.price_points,
      status: o.status,
      slot_start: o.slot_start,
      completed_at: o.completed_at,
      rating: o.rating,
      dispute: o.dispute,
      created_at: o.created_at,
    })),
    cursor: page.cursor ?? null,
  };
};
