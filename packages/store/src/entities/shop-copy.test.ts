// The shop copy's bounds, with a clock the test moves: a copy is used for SHOP_STALE_MS and no longer,
// a merchant's save forgets all its services, and the copy never holds more than SHOP_COPY_MAX shops.
import { describe, expect, it } from 'vitest';
import { createShopCopy, SHOP_COPY_MAX, SHOP_STALE_MS, type ShopRead } from './shop-copy';

const read = (name: string): ShopRead => ({
  merchant: { business_name: name } as ShopRead['merchant'],
  service: null,
  merchantAccount: null,
});

describe('shop copy', () => {
  it('is used for SHOP_STALE_MS after the read, then read again', () => {
    let now = 1_000;
    const copy = createShopCopy(() => now);
    copy.put('m_1', 's_1', read('A'));
    now += SHOP_STALE_MS;
    expect(copy.get('m_1', 's_1')?.merchant?.business_name).toBe('A');
    now += 1;
    expect(copy.get('m_1', 's_1')).toBeUndefined();
    expect(copy.size).toBe(0); // a stale copy is dropped when met
  });

  it("forgets every service of a merchant on its save, and only that merchant's", () => {
    const copy = createShopCopy(() => 0);
    copy.put('m_1', 's_1', read('A'));
    copy.put('m_1', 's_2', read('A'));
    copy.put('m_10', 's_1', read('B')); // an id with m_1 as its prefix stays
    copy.forget('m_1');
    expect(copy.get('m_1', 's_1')).toBeUndefined();
    expect(copy.get('m_1', 's_2')).toBeUndefined();
    expect(copy.get('m_10', 's_1')?.merchant?.business_name).toBe('B');
  });

  it('holds at most SHOP_COPY_MAX shops, the oldest read going first', () => {
    const copy = createShopCopy(() => 0);
    for (let i = 0; i <= SHOP_COPY_MAX; i++) copy.put(`m_${i}`, 's', read(String(i)));
    expect(copy.size).toBe(SHOP_COPY_MAX);
    expect(copy.get('m_0', 's')).toBeUndefined();
    expect(copy.get(`m_${SHOP_COPY_MAX}`, 's')?.merchant?.business_name).toBe(String(SHOP_COPY_MAX));
  });
});
