// WeChat links (wechatLinkByPhoneHash): one item per phone blind index holding the Official
// Account openid of whoever linked WeChat while signed in with that phone. The openid is personal
// data tied to a real person (PIPL), so it is sealed with the field cipher, bound to the item.
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '@tmc/core/kernel/clock';
import type { WechatDirectory } from '@tmc/core/notices/ports';
import type { FieldCipher } from '@tmc/core/kernel/secrets';
import type { Db } from '../table';
import { aad } from '@tmc/core/kernel/aad';
import type { AccessPattern } from '../access-pattern';

export const wechatLinkKeys = {
  wechatLink: (phoneHash: string) => ({ pk: `WECHAT_LINK#${phoneHash}`, sk: 'LINK' }),
} as const;

export const wechatLinkPatterns = (): AccessPattern[] => [
  {
    name: 'wechatLinkByPhoneHash',
    index: 'table',
    operation: ['GetItem', 'PutItem', 'DeleteItem'],
    pk: 'WECHAT_LINK#{hmac(phone)}',
    sk: 'LINK',
    used_by: 'notices (WechatDirectory), wechat linking',
    about: 'openid sealed, AAD `wechat_link:{hash}:openid`; Put / Delete to link, unlink',
  },
];
const keys = wechatLinkKeys; // this entity's own keys, by their short names

export type WechatLinkStore = WechatDirectory & {
  /** Links (or relinks: the last one wins) the phone to an openid. `by` is the principal's sub. */
  link: (phone_hash: string, openid: string, by: string) => Promise<void>;
  /** False when there was nothing to unlink. */
  unlink: (phone_hash: string) => Promise<boolean>;
};

export const createWechatLinkStore = (db: Db, cipher: FieldCipher, clock: Clock): WechatLinkStore => ({
  async openidFor(phone_hash) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.wechatLink(phone_hash) }));
    return r.Item ? cipher.decrypt(String(r.Item.openid_cipher), aad.wechatOpenid(phone_hash)) : null;
  },
  async link(phone_hash, openid, by) {
    await db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: {
          ...keys.wechatLink(phone_hash),
          type: 'wechat_link',
          openid_cipher: cipher.encrypt(openid, aad.wechatOpenid(phone_hash)),
          linked_by: by,
          linked_at: clock.now().toISOString(),
        },
      }),
    );
  },
  async unlink(phone_hash) {
    const r = await db.doc.send(
      new DeleteCommand({ TableName: db.table, Key: keys.wechatLink(phone_hash), ReturnValues: 'ALL_OLD' }),
    );
    return Boolean(r.Attributes);
  },
});
