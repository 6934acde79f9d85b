// Ports the domain needs from the outside world. Adapters live in packages/store (DynamoDB),
// packages/notify (outbox, SMS, WeChat) and the test fakes; the domain only sees these shapes.
import type { Area, AreaInput } from '../areas/model';
import type { ElderRecord } from '../elders/model';
import type { NoticeKind, NoticeParams } from '../notices/model';

export type Clock = { now: () => Date };
export const systemClock: Clock = { now: () => new Date() };

export type Page<T> = { items: T[]; cursor: string | null };

/** One message: `template` names its kind (see notices.ts), `params` fill that kind's template
 * slots, `text_zh` is the full text (the dev outbox shows it; a gateway without templates sends it). */
export type Notice = {
  [K in NoticeKind]: {
    channel_hint?: 'sms' | 'wechat';
    to_phone: string; // recipient; adapters must never log it in clear
    template: K;
    params: NoticeParams<K>;
    text_zh: string;
  };
}[NoticeKind];

export type Notifier = { send: (n: Notice) => Promise<void> };

/** WeChat openids linked to phones (by blind index), for WeChat template messages. */
export type WechatDirectory = { openidFor: (phone_hash: string) => Promise<string | null> };

/** WeChat web sign-in (snsapi_base) used only to learn a signed-in person's openid. */
export type WechatOAuth = {
  /** Where to send the browser; WeChat comes back to `redirect_uri` with `code` and `state`. */
  authorizeUrl: (redirect_uri: string, state: string) => string;
  /** Exchanges a one-time code; WECHAT_CODE_INVALID for a bad or used code, WECHAT_UNAVAILABLE otherwise. */
  openidForCode: (code: string) => Promise<string>;
};

export type AuditEvent = {
  actor: string; // 'staff:alice', 'elder:e_x', 'family:f_x', 'system'
  action: string; // 'elder.read_sensitive', 'elder.create', ...
  subject: string; // 'elder:e_x'
  detail?: Record<string, string | number | boolean | null>;
  request_id?: string;
};

export type AuditLog = {
  write: (e: AuditEvent) => Promise<void>;
  listBySubject: (subject: string, limit: number, cursor?: string) => Promise<Page<AuditEvent & { at: string }>>;
};

export type ElderWrite = {
  record: ElderRecord;
  id_hash: string;
  phone_hash: string | null;
};

export type ElderStore = {
  create: (w: ElderWrite) => Promise<void>; // ELDER_EXISTS when the ID hash is taken; CARD_TAKEN internally retried by caller
  get: (elder_id: string) => Promise<ElderRecord | null>;
  getMany: (elder_ids: string[]) => Promise<ElderRecord[]>;
  update: (next: ElderRecord, prev: ElderRecord, phone_hash_prev: string | null, phone_hash_next: string | null) => Promise<void>;
  findIdByIdHash: (id_hash: string) => Promise<string | null>;
  findIdsByIdHashes: (id_hashes: string[]) => Promise<Map<string, string>>;
  findIdByCard: (card: string) => Promise<string | null>;
  findIdsByPhoneHash: (phone_hash: string) => Promise<string[]>;
  listByCommunity: (community_code: string, limit: number, cursor?: string) => Promise<Page<ElderRecord>>;
  findByName: (name: string, scope_prefix: string | null, limit: number) => Promise<ElderRecord[]>;
  erase: (next: ElderRecord, prev: ElderRecord, id_hash: string, phone_hash: string | null) => Promise<void>;
};

export type AreaStore = {
  get: (code: string) => Promise<Area | null>;
  put: (a: AreaInput, opts?: { allowExisting?: boolean }) => Promise<Area>;
  children: (parent: string | null) => Promise<Area[]>;
};
