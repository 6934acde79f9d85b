// Ports of sign-in: the stores for one-time codes and staff accounts (packages/store) and WeChat
// web sign-in (packages/notify).
import type { AuditEvent } from '../kernel/audit';
import type { Page } from '../kernel/page';
import type { OtpRecord, StaffAccount, StaffRole } from './model';

/** WeChat web sign-in (snsapi_base) used only to learn a signed-in person's openid. */
export type WechatOAuth = {
  /** Where to send the browser; WeChat comes back to `redirect_uri` with `code` and `state`. */
  authorizeUrl: (redirect_uri: string, state: string) => string;
  /** Exchanges a one-time code; WECHAT_CODE_INVALID for a bad or used code, WECHAT_UNAVAILABLE otherwise. */
  openidForCode: (code: string) => Promise<string>;
};

export type OtpStore = {
  /** Appends a send to the phone's log unless `limit` sends already happened after `since_ms`. */
  recordSend: (phone_hash: string, now_ms: number, since_ms: number, limit: number) => Promise<boolean>;
  putCode: (purpose: string, phone_hash: string, rec: OtpRecord) => Promise<void>;
  getCode: (purpose: string, phone_hash: string) => Promise<OtpRecord | null>;
  /** Conditional delete of the exact record (same hash): a code is used once. */
  consume: (purpose: string, phone_hash: string, code_hash: string) => Promise<boolean>;
};

/** Which accounts a list reads: all, or the officers of one area (a street's or a district's own
 * officers), optionally of one role. */
export type StaffListQuery = { role?: StaffRole | undefined; scope?: string | undefined };

export type StaffStore = {
  get: (username: string) => Promise<StaffAccount | null>;
  /** Seeding and tests: writes the account whole (with its list keys); no audit record. */
  put: (a: StaffAccount, opts?: { expectVersion?: number }) => Promise<void>;
  /** Creates the account (attribute_not_exists: STAFF_EXISTS) with its audit record in one transaction. */
  create: (a: StaffAccount, audit: { event: AuditEvent; at: string }) => Promise<void>;
  /** The versioned move from `prev` to `next` (every managed field, not the sign-in times) with its audit
   * record in one transaction; false when a rival changed the account first (nothing written). */
  update: (prev: StaffAccount, next: StaffAccount, audit: { event: AuditEvent; at: string }) => Promise<boolean>;
  /** One page of accounts by username (a Query by key; a role narrows it on the server). */
  list: (q: StaffListQuery, limit: number, cursor?: string) => Promise<Page<StaffAccount>>;
  /** A successful sign-in: the latest sign-in time moves to `prev_login_at`, `at` becomes the latest.
   * Answers the account as it is after. */
  recordLogin: (username: string, at: string) => Promise<StaffAccount | null>;
};

/** Ending a person's sessions (packages/store sessions.ts implements it): a disabled account, a
 * changed role or a reset password takes effect at the next request, not when a token runs out. */
export type SessionEnder = { revokeAllOf: (sub: string) => Promise<number> };
