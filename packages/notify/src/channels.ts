// Chooses the channel for each notice: a WeChat template message when WeChat is configured for
// the kind and the recipient's phone has a linked openid; SMS otherwise, and SMS again when WeChat
// says the person cannot receive from us. One-time codes always go by SMS: a sign-in code must
// reach the phone that is signing in, not whoever linked WeChat to it.
import { SMS_ONLY_KINDS } from '@tmc/core/notices/model';
import type { Notifier, WechatDirectory } from '@tmc/core/notices/ports';
import { WechatSendError, type NotifyLog, type WechatNotifier } from './wechat';

/** What the notifier needs from the running app: where openids live and how phones are hashed. */
export type NotifierWiring = {
  directory: WechatDirectory;
  /** The phone's blind index, as the links are stored (`deps.blindIndex('phone', phone)`). */
  phoneHash: (phone: string) => string;
  log?: NotifyLog;
};

export const createRoutedNotifier = (cfg: {
  sms: Notifier;
  wechat: WechatNotifier;
  wiring: NotifierWiring;
}): Notifier => {
  const log: NotifyLog = cfg.wiring.log ?? (() => undefined);
  const openidOf = async (phone: string, kind: string): Promise<string | null> => {
    try {
      return await cfg.wiring.directory.openidFor(cfg.wiring.phoneHash(phone));
    } catch (e) {
      // nothing was sent yet, so SMS cannot double up: the notice still arrives
      log('warn', 'wechat directory failed; sending by SMS', { kind, error: e instanceof Error ? e.name : 'error' });
      return null;
    }
  };
  return {
    async send(n) {
      if (SMS_ONLY_KINDS.includes(n.template) || n.channel_hint === 'sms' || !cfg.wechat.handles(n.template))
        return cfg.sms.send(n);
      const openid = await openidOf(n.to_phone, n.template);
      if (!openid) return cfg.sms.send(n);
      try {
        await cfg.wechat.sendTo(openid, n);
      } catch (e) {
        if (!(e instanceof WechatSendError && e.unreachable)) throw e;
        // the kind and the code only: never the openid or the phone
        log('info', 'wechat recipient unreachable; sending by SMS', { kind: n.template, errcode: e.errcode });
        await cfg.sms.send(n);
      }
    },
  };
};
