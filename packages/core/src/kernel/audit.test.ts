// The audit record's derived parts: the role an actor stands for, and numbers masked in detail.
import { describe, expect, it } from 'vitest';
import { PERSONAL_NUMBER_MASK as M, detailText, roleOfActor, scrubDetail } from './audit';

describe('roleOfActor', () => {
  it.each([
    ['staff:alice', 'staff'],
    ['elder:e_x', 'elder'],
    ['family:f_x', 'family'],
    ['merchant:m_x', 'merchant'],
    ['system', 'system'],
    ['system:payments', 'system'],
    ['something-else', 'system'],
  ])('%s -> %s', (actor, role) => expect(roleOfActor(actor)).toBe(role));
});

describe('scrubDetail', () => {
  it('masks phone- and ID-shaped numbers in strings, leaves ids, amounts and last-four alone', () => {
    const d = scrubDetail({
      reason: '电话13800138000，身份证42130319450312001X，订单o_13800138000',
      points: 13800138000,
      account_last4: '0123',
      order_id: 'o_AbC123',
      none: null,
    });
    expect(d).toEqual({
      reason: `电话${M}，身份证${M}，订单o_13800138000`,
      points: 13800138000,
      account_last4: '0123',
      order_id: 'o_AbC123',
      none: null,
    });
  });

  it('writes detail as key=value pairs', () => {
    expect(detailText({ a: 1, b: 'x', c: null, d: true })).toBe('a=1; b=x; c=; d=true');
    expect(detailText(undefined)).toBe('');
  });
});
