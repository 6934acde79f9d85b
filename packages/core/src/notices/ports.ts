// Ports for sending notices. Adapters live in packages/notify (outbox, SMS, WeChat) and
// packages/store (the WeChat directory); the domain only sees these shapes.
import type { NoticeKind, NoticeParams } from './model';

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

/**
 * Once-only claims for notices: `notice_id` names the change (kind, subject and the version or
 * day that made it) and the recipient, so a retried request, a re-delivered webhook or a rerun
 * job that reaches the same change again sends nothing more. The first claimer sends.
 */
export type NoticeMarks = {
  claim: (notice_id: { kind: NoticeKind; subject: string; change: string; to: string }) => Promise<boolean>;
};
