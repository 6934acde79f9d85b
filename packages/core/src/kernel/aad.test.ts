import { describe, expect, it } from 'vitest';
import { aad } from './aad';

// Stored ciphertexts were sealed with these exact strings: a change here loses data.
describe('aad', () => {
  it('builds the strings existing data was encrypted under', () => {
    expect(aad.elderField('e_1', 'id')).toBe('elder:e_1:id');
    expect(aad.elderField('e_1', 'phone')).toBe('elder:e_1:phone');
    expect(aad.elderField('e_1', 'emergency')).toBe('elder:e_1:emergency');
    expect(aad.accountPhone('a_1')).toBe('account:a_1:phone');
    expect(aad.orderCode('o_1')).toBe('order:o_1:code');
    expect(aad.wechatOpenid('h')).toBe('wechat_link:h:openid');
  });
});
