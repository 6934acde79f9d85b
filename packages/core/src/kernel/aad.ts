// The encryption context (AAD) of every encrypted field, built in one place: a ciphertext only
// decrypts under the exact string it was sealed with, so these must never change (stored data
// would no longer decrypt) and must not be spelled by hand anywhere else.
export const aad = {
  /** An elder's ID number, phone or emergency-contact phone. */
  elderField: (elder_id: string, field: 'id' | 'phone' | 'emergency') => `elder:${elder_id}:${field}`,
  /** The phone of a sign-in account (family, merchant). */
  accountPhone: (account_id: string) => `account:${account_id}:phone`,
  /** An order's redemption code. */
  orderCode: (order_id: string) => `order:${order_id}:code`,
  /** A WeChat openid linked to a phone (by its blind index). */
  wechatOpenid: (phone_hash: string) => `wechat_link:${phone_hash}:openid`,
  /** A merchant's bank account number (settlement payee). */
  payeeAccount: (merchant_id: string) => `payee:${merchant_id}:account`,
};
