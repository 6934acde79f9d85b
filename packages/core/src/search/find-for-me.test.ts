// 帮我找 keeps to what the elder asked for: the same kind of service, at no more points.
import { describe, expect, it } from 'vitest';
import { findOffers, sameKindWithin, serviceKind } from './find-for-me';
import { toHit, type SearchHit } from './search';
import type { ServiceCard } from '../merchants/model';

const MON_9 = new Date('2026-11-23T01:00:00Z'); // Monday 09:00 in China
const card = (service_id: string, merchant_id: string, name: string, price_points: number): ServiceCard => ({
  service_id,
  merchant_id,
  merchant_name: `店${merchant_id}`,
  merchant_phone: '13800000000',
  name,
  category: 'barber',
  price_points,
  ref_price_fen: 2000,
  duration_min: 30,
  mode: 'onsite',
  radius_m: null,
  location: { lat: 31.7, lng: 113.37 },
  address: '',
  hours: { mon: [['08:00', '12:00']] },
  closed_dates: [],
  slot_minutes: 60,
  capacity_per_slot: 2,
});
const hit = (c: ServiceCard, walking_minutes: number): SearchHit =>
  toHit(c, walking_minutes * 48, { walking_m_per_min: 48, detour_factor: 1 }, MON_9);

describe('findOffers', () => {
  it(
    'a haircut request is offered to later shops only as a haircut, never ' +
      'dearer; a shop whose shave ranks first still offers its haircut',
    () => {
      const items = [
        hit(card('s_a_cut', 'm_a', '老人理发', 15), 2),
        hit(card('s_b_shave', 'm_b', '修面剃须', 8), 3), // ranks above m_b's haircut
        hit(card('s_b_cut', 'm_b', '老人 理发', 15), 4), // spaces do not make another kind
        hit(card('s_c_cut', 'm_c', '老人理发', 20), 5), // dearer than the elder's price
        hit(card('s_d_shave', 'm_d', '修面剃须', 8), 6),
        hit(card('s_e_cut', 'm_e', '老人理发', 12), 7), // cheaper: fine
      ];
      expect(findOffers(items, 5).map((h) => h.service_id)).toEqual(['s_a_cut', 's_b_cut', 's_e_cut']);
    },
  );

  it('a named service is what is offered, even where another kind ranks first', () => {
    const items = [
      hit(card('s_a_cut', 'm_a', '老人理发', 15), 2),
      hit(card('s_b_shave', 'm_b', '修面剃须', 8), 3),
      hit(card('s_a_shave', 'm_a', '修面剃须', 8), 4),
      hit(card('s_c_shave', 'm_c', '修面剃须', 10), 5), // dearer than the first shave: not offered
    ];
    expect(findOffers(items, 5, { service_name: '修面 剃须' }).map((h) => h.service_id)).toEqual([
      's_b_shave',
      's_a_shave',
    ]);
    expect(findOffers(items, 5, { service_name: '染发' })).toEqual([]);
  });

  it('the kind is category and name; the price is a ceiling', () => {
    const cut = { category: 'barber', name: '老人理发', price_points: 15 };
    expect(serviceKind(cut)).toBe(serviceKind({ category: 'barber', name: ' 老人理发 ' }));
    expect(sameKindWithin(cut, { ...cut, price_points: 15 })).toBe(true);
    expect(sameKindWithin(cut, { ...cut, price_points: 16 })).toBe(false);
    expect(sameKindWithin(cut, { ...cut, name: '修面剃须', price_points: 8 })).toBe(false);
    expect(sameKindWithin(cut, { ...cut, category: 'domestic' })).toBe(false);
  });

  it('nothing open: no offers', () => {
    expect(findOffers([{ ...hit(card('s_x', 'm_x', '老人理发', 15), 1), open_now: false }], 5)).toEqual([]);
  });
});
