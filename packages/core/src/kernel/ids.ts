// The shapes of ids, codes and calendar strings, written once and used by the domain, the routes
// (and so the OpenAPI document) and the pages. Ids are opaque: a prefix names the kind.
import * as z from 'zod/mini';

export const ELDER_ID_RE = /^e_[A-Za-z0-9]{8,40}$/;
export const FAMILY_ID_RE = /^f_[A-Za-z0-9]{8,40}$/;
export const ORDER_ID_RE = /^o_[A-Za-z0-9]{8,40}$/;
export const MERCHANT_ID_RE = /^m_[A-Za-z0-9]{4,40}$/;
export const SERVICE_ID_RE = /^s_[A-Za-z0-9_]{4,40}$/;
export const TOPUP_ID_RE = /^t_[0-9a-f]{32}$/;
export const IMPORT_ID_RE = /^imp_[A-Za-z0-9_-]{10,40}$/;
/** Lower-case segments joined by dots: city, district, street (e.g. zengdu.xihe.shengli). */
export const AREA_CODE_RE = /^[a-z0-9-]{2,32}(\.[a-z0-9-]{2,32}){0,2}$/;
/** Service categories and subsidy categories. */
export const CATEGORY_CODE_RE = /^[a-z_]{2,30}$/;
/** A calendar month 'YYYY-MM' (policy months, issuance runs). */
export const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
/** A calendar date 'YYYY-MM-DD'. */
export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
/** A calendar date that exists (2026-02-30 does not): a shape check alone lets Date throw later. */
export const CalendarDate = z.string().check(
  z.regex(DATE_RE, 'date as YYYY-MM-DD'),
  z.refine((d) => {
    const ms = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(d);
  }, 'no such date'),
);
/** Mainland mobile numbers: 11 digits starting with 1[3-9]. */
export const PHONE_RE = /^1[3-9]\d{9}$/;
/** A points card number as printed (the check digit is points-card.ts's business). */
export const CARD_NUMBER_RE = /^\d{12}$/;
/** A one-time code, an order's redemption code or a card PIN. */
export const SIX_DIGITS_RE = /^\d{6}$/;

export const ElderId = z.string().check(z.regex(ELDER_ID_RE));
export const FamilyId = z.string().check(z.regex(FAMILY_ID_RE));
export const OrderId = z.string().check(z.regex(ORDER_ID_RE));
export const MerchantId = z.string().check(z.regex(MERCHANT_ID_RE));
export const ServiceId = z.string().check(z.regex(SERVICE_ID_RE));
export const ImportId = z.string().check(z.regex(IMPORT_ID_RE));
export const Month = z.string().check(z.regex(MONTH_RE));
export const CardNumber = z.string().check(z.regex(CARD_NUMBER_RE));
export const SixDigits = z.string().check(z.regex(SIX_DIGITS_RE));
