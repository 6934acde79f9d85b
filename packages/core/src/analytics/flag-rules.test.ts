// Which changes the anomaly rules see, and what each completed order counts, without storage: a
// completion counts; a rating of a completed order or a removal does not; a backfill's image (no old
// image) does; the accept time of orders from before accepted_at comes from the old image's change.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANOMALY } from '../policy/model';
import { completedOrderOf, countsOf, type CompletedOrder } from './flag-rules';
import type { SourceChange } from './model';

const order = (patch: Record<string, unknown> = {}) => ({
  type: 'order',
  order_id: 'o_unit00000001',
  elder_id: 'e_unit00000001',
  merchant_id: 'm_unit1',
  service_id: 's_unit1',
  status: 'completed',
  completed_at: '2026-11-10T02:15:00.000Z',
  accepted_at: '2026-11-10T02:00:00.000Z',
  completed_with: 'card_pin',
  ...patch,
});
const change = (old: Record<string, unknown> | null, now: Record<string, unknown> | null): SourceChange => ({
  event: now === null ? 'REMOVE' : old === null ? 'INSERT' : 'MODIFY',
  keys: { pk: 'ORDER#o_unit00000001', sk: 'ORDER' },
  old,
  new: now,
});

describe('completedOrderOf', () => {
  const accepted = order({ status: 'accepted', completed_at: null, completed_with: undefined });
  it('sees a completion and a backfilled completed order', () => {
    expect(completedOrderOf(change(accepted, order()))).toMatchObject({ order_id: 'o_unit00000001' });
    expect(completedOrderOf(change(null, order({ status: 'rated' })))).not.toBeNull();
  });
  it('ignores later changes of a completed order, removals, open orders and other items', () => {
    expect(completedOrderOf(change(order(), order({ status: 'rated' })))).toBeNull();
    expect(completedOrderOf(change(order(), null))).toBeNull();
    expect(completedOrderOf(change(null, accepted))).toBeNull();
    expect(completedOrderOf(change(null, { ...order(), type: 'entry' }))).toBeNull();
  });
  it('takes the accept time of an older order from the change its old image carries', () => {
    const legacy = { ...accepted, accepted_at: undefined, change: { event: 'accept', at: '2026-11-10T02:14:50.000Z' } };
    const o = completedOrderOf(change(legacy, order({ accepted_at: undefined, completed_with: undefined })));
    expect(o).toMatchObject({ accepted_at: '2026-11-10T02:14:50.000Z', completed_with: null });
    const viaRequest = { ...legacy, change: { event: 'request', at: '2026-11-10T02:00:00.000Z' } };
    expect(completedOrderOf(change(viaRequest, order({ accepted_at: undefined })))?.accepted_at).toBeNull();
  });
});

describe('countsOf', () => {
  const base: CompletedOrder = {
    order_id: 'o_unit00000001',
    elder_id: 'e_unit00000001',
    merchant_id: 'm_unit1',
    service_id: 's_unit1',
    completed_at: '2026-11-10T02:15:00.000Z', // 10:15 China time
    accepted_at: '2026-11-10T02:00:00.000Z',
    completed_with: 'code',
  };
  const rules = (o: Partial<CompletedOrder>) => countsOf({ ...base, ...o }, DEFAULT_ANOMALY, null).map((c) => c.rule);
  it('counts every completion for its pair, and the other rules only when they apply', () => {
    expect(rules({})).toEqual(['pair_often']);
    expect(rules({ completed_with: 'card_pin' })).toEqual(['pair_often', 'many_cards']);
    expect(rules({ accepted_at: '2026-11-10T02:14:01.000Z' })).toEqual(['pair_often', 'fast_complete']);
    expect(rules({ accepted_at: '2026-11-10T02:14:00.000Z' })).toEqual(['pair_often']); // 60 s is not under 60
    expect(rules({ accepted_at: null })).toEqual(['pair_often']);
  });
  it('windows in China time: the hour, and the first day of the month from its midnight', () => {
    const [, cards] = countsOf({ ...base, completed_with: 'card_pin' }, DEFAULT_ANOMALY, null);
    expect(cards?.window).toBe('2026-11-10T10');
    expect(rules({ completed_at: '2026-11-30T16:00:00.000Z', accepted_at: null })).toEqual([
      'pair_often',
      'after_issuance',
    ]); // 00:00 on 1 December
    expect(rules({ completed_at: '2026-11-30T15:59:59.000Z', accepted_at: null })).toEqual(['pair_often']);
    expect(rules({ completed_at: '2026-12-01T15:59:59.000Z', accepted_at: null })).toContain('after_issuance');
    expect(rules({ completed_at: '2026-12-01T16:00:00.000Z', accepted_at: null })).toEqual(['pair_often']);
  });
  it('closed hours: outside the hours and still outside them the grace earlier', () => {
    const svc = { hours: { tue: [['08:00', '20:00']] as [string, string][] }, closed_dates: [] };
    const at = (iso: string) => countsOf({ ...base, completed_at: iso, accepted_at: null }, DEFAULT_ANOMALY, svc);
    expect(at('2026-11-10T12:29:00.000Z').map((c) => c.rule)).toEqual(['pair_often']); // 20:29
    expect(at('2026-11-10T12:31:00.000Z').map((c) => c.rule)).toEqual(['pair_often', 'closed_hours']); // 20:31
    expect(at('2026-11-09T23:59:00.000Z').map((c) => c.rule)).toEqual(['pair_often', 'closed_hours']); // 07:59
  });
});
