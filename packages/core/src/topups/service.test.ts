// Pure rules of the top-up: whole points only, ids derived from payer + key, the China calendar
// day of the daily limit, and who sees the payment link.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../kernel/errors';
import { topupIdFor, topupPoints, toTopupView, TopupId, type Topup } from './service';
import { chinaDate as chinaDay } from '../kernel/time';

const codeOf = (f: () => unknown): string => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return e instanceof AppError ? e.code : `crash:${String(e)}`;
  }
};

describe('topupPoints', () => {
  it.each([
    [100, 100, 1],
    [100, 10_000, 100],
    [1, 7, 7],
    [250, 1_000, 4],
  ])('rate %i fen/point, %i fen -> %i points', (rate, fen, points) => expect(topupPoints(rate, fen)).toBe(points));

  it.each([
    [100, 150],
    [100, 99],
    [100, 0],
    [100, -100],
    [100, 100.5],
    [250, 1_100],
  ])('rate %i refuses %d fen (a remainder or less than a point)', (rate, fen) =>
    expect(codeOf(() => topupPoints(rate, fen))).toBe('TOPUP_AMOUNT_INVALID'),
  );

  it('property: accepted exactly when a positive multiple, and never makes or loses a fen', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: -1_000, max: 10_000_000 }), (rate, fen) => {
        const ok = fen >= rate && fen % rate === 0;
        if (!ok) return codeOf(() => topupPoints(rate, fen)) === 'TOPUP_AMOUNT_INVALID';
        return topupPoints(rate, fen) * rate === fen;
      }),
    );
  });
});

describe('ids and days', () => {
  it('the same payer and key give the same top-up; another payer or key another one', () => {
    const a = topupIdFor('family:f_1', 'key-0001');
    expect(topupIdFor('family:f_1', 'key-0001')).toBe(a);
    expect(topupIdFor('family:f_2', 'key-0001')).not.toBe(a);
    expect(topupIdFor('family:f_1', 'key-0002')).not.toBe(a);
    expect(TopupId.safeParse(a).success).toBe(true);
  });

  it('the daily limit follows the China calendar day (UTC+8)', () => {
    expect(chinaDay(new Date('2026-11-23T15:59:59Z'))).toBe('2026-11-23');
    expect(chinaDay(new Date('2026-11-23T16:00:00Z'))).toBe('2026-11-24');
    expect(chinaDay(new Date('2026-12-31T16:30:00Z'))).toBe('2027-01-01');
  });
});

describe('toTopupView', () => {
  const t: Topup = {
    topup_id: topupIdFor('family:f_1', 'k-00000001'),
    elder_id: 'e_x',
    payer: 'family:f_1',
    family_id: 'f_1',
    amount_fen: 10_000,
    amount_points: 100,
    fen_per_point: 100,
    policy_version: 1,
    method: null,
    day: '2026-11-23',
    request_hash: 'h',
    status: 'pending',
    provider: 'fake',
    checkout_ref: 'cs_1',
    redirect_url: 'https://pay.example/cs_1',
    payment_ref: null,
    created_at: '2026-11-23T08:00:00.000Z',
    paid_at: null,
    failed_at: null,
    refund: null,
    version: 2,
  };

  it('shows the payment link only to the payer, and only while pending', () => {
    expect(toTopupView(t, 'family:f_1').redirect_url).toBe('https://pay.example/cs_1');
    expect(toTopupView(t, 'family:f_2').redirect_url).toBeNull();
    expect(toTopupView(t, 'staff:admin').redirect_url).toBeNull();
    expect(toTopupView({ ...t, status: 'paid' }, 'family:f_1').redirect_url).toBeNull();
  });

  it('reports refunds', () => {
    const v = toTopupView(
      {
        ...t,
        status: 'refunded',
        refund: {
          points: 70,
          fen: 7_000,
          refund_ref: 're_1',
          reason: '家属申请',
          by: 'staff:finance',
          at: 'x',
          confirmed_at: null,
        },
      },
      null,
    );
    expect(v).toMatchObject({ refunded_points: 70, refunded_fen: 7_000, refund_confirmed: false });
  });
});
