// Ports of sign-in: the stores for one-time codes and staff accounts (packages/store) and WeChat
// web sign-in (packages/notify).
import type { OtpRecord, StaffAccount } from './model';

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

export type StaffStore = {
  get: (username: string) => Promise<StaffAccount | null>;
  put: (a: StaffAccount, opts?: { expectVersion?: number }) => Promise<void>;
};
