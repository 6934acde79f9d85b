// The executable state machine: transition() is the gate, allowedEvents() the pages' buttons.
import { describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors';
import { allowedEvents, transition, type Order } from './state';

const NOW = new Date('2026-11-23T02:00:00Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();
const order = (patch: Partial<Order>): Order => ({
  order_id: 'o_test0001',
  elder_id: 'e_1',
  booked_by: 'elder:e_1',
  mode: 'direct',
  category: 'barber',
  service_id: 's_1',
  merchant_id: 'm_1',
  merchant_name: '店',
  service_name: '理发',
  price_points: 20,
  held_points: 20,
  home_visit: false,
  slot_start: null,
  status: 'requested',
  offers: [],
  offer_expires_at: at(3),
  code_cipher: '',
  code_tries: 0,
  rating: null,
  dispute: null,
  completed_at: null,
  created_at: NOW.toISOString(),
  updated_at: NOW.toISOString(),
  version: 1,
  hold_expires_at: at(72 * 60),
  ...patch,
});
const codeOf = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return e instanceof AppError ? `${e.code}:${String(e.details?.reason ?? '')}` : 'other';
  }
};

describe('transition: the one gate', () => {
  it('checks the actor, the state and the time rules', () => {
    expect(codeOf(() => transition(order({}), 'accept', 'merchant', NOW))).toBe('ok');
    expect(codeOf(() => transition(order({}), 'accept', 'elder', NOW))).toBe('FORBIDDEN:');
    expect(codeOf(() => transition(order({ status: 'completed' }), 'accept', 'merchant', NOW))).toBe('ORDER_STATE:');
    expect(codeOf(() => transition(order({ offer_expires_at: at(-1) }), 'accept', 'merchant', NOW))).toBe(
      'ORDER_STATE:OFFER_EXPIRED',
    );
    expect(
      codeOf(() => transition(order({ status: 'accepted', hold_expires_at: at(-1) }), 'complete', 'merchant', NOW)),
    ).toBe('ORDER_STATE:HOLD_EXPIRED');
    expect(
      codeOf(() => transition(order({ status: 'accepted', hold_expires_at: at(1) }), 'lapse', 'system', NOW)),
    ).toBe('ORDER_STATE:NOT_DUE');
    expect(
      codeOf(() => transition(order({ status: 'accepted', hold_expires_at: at(-1) }), 'lapse', 'system', NOW)),
    ).toBe('ok');
    expect(
      codeOf(() => transition(order({ status: 'completed', completed_at: at(-8 * 24 * 60) }), 'dispute', 'elder', NOW)),
    ).toBe('DISPUTE_WINDOW_CLOSED:');
    expect(transition(order({ status: 'accepted', hold_expires_at: at(-1) }), 'lapse', 'system', NOW).to).toBe(
      'expired',
    );
  });
});

describe('allowedEvents: what the pages offer', () => {
  it('is the table filtered by actor, state and time', () => {
    expect(allowedEvents(order({}), 'merchant', NOW)).toEqual(['accept', 'reject']);
    expect(allowedEvents(order({}), 'elder', NOW)).toEqual(['cancel']);
    expect(allowedEvents(order({ offer_expires_at: at(-1) }), 'merchant', NOW)).toEqual(['reject']);
    expect(allowedEvents(order({ status: 'accepted' }), 'merchant', NOW)).toEqual(['complete', 'no_show']);
    expect(allowedEvents(order({ status: 'accepted' }), 'family', NOW)).toEqual(['cancel']);
    // a hold that ran out leaves nothing to press: the order can only lapse
    expect(allowedEvents(order({ status: 'accepted', hold_expires_at: at(-1) }), 'merchant', NOW)).toEqual([]);
    expect(allowedEvents(order({ status: 'accepted', hold_expires_at: at(-1) }), 'elder', NOW)).toEqual([]);
    expect(allowedEvents(order({ status: 'accepted', hold_expires_at: at(-1) }), 'system', NOW)).toEqual(['lapse']);
    expect(allowedEvents(order({ status: 'completed', completed_at: at(-60) }), 'elder', NOW)).toEqual([
      'rate',
      'dispute',
    ]);
    expect(allowedEvents(order({ status: 'completed', completed_at: at(-8 * 24 * 60) }), 'elder', NOW)).toEqual([
      'rate',
    ]);
    expect(allowedEvents(order({ status: 'disputed' }), 'staff', NOW)).toEqual(['uphold', 'dismiss']);
    for (const s of ['cancelled', 'expired', 'refunded', 'no_show'] as const) {
      for (const a of ['elder', 'family', 'merchant', 'staff', 'system'] as const)
        expect(allowedEvents(order({ status: s }), a, NOW)).toEqual([]);
    }
  });
});
