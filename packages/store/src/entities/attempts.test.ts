// The attempt limiter on DynamoDB Local: parallel admissions never pass the limit, a window that
// ended restarts once however many race for it, and refunds give back only their own window's try.
import { beforeAll, describe, expect, it } from 'vitest';
import { ATTEMPT_RULES, type Admission, type Admitted } from '@tmc/core/auth/attempts';
import { makeTestDb } from '../../../../tests/support/db';
import { fakeClock } from '../../../../tests/support/app';
import { createAttemptLimiter } from './attempts';
import type { Db } from '../table';

let db: Db;
beforeAll(async () => {
  db = await makeTestDb('attempts');
});

const admittedOnly = (xs: Admission[]): Admitted[] => xs.filter((x): x is Admitted => x.admitted);

describe('attempt limiter', () => {
  it('admits exactly max of 40 parallel attempts, each with a distinct count; the rest say when to retry', async () => {
    const clock = fakeClock();
    const limiter = createAttemptLimiter(db, clock);
    const all = await Promise.all(Array.from({ length: 40 }, () => limiter.admit('otp_code', 'race-1')));
    const ok = admittedOnly(all);
    expect(ok).toHaveLength(ATTEMPT_RULES.otp_code.max);
    expect(ok.map((a) => a.tries).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(ok.filter((a) => a.tries_left === 0)).toHaveLength(1);
    for (const r of all) if (!r.admitted) expect(r.retry_after_s).toBe(ATTEMPT_RULES.otp_code.window_ms / 1000);
  });

  it('keeps subjects and rules apart', async () => {
    const limiter = createAttemptLimiter(db, fakeClock());
    for (let i = 0; i < 5; i++) await limiter.admit('card_pin', 'elder-a');
    expect((await limiter.admit('card_pin', 'elder-a')).admitted).toBe(false);
    expect((await limiter.admit('card_pin', 'elder-b')).admitted).toBe(true);
    expect((await limiter.admit('order_code', 'elder-a')).admitted).toBe(true);
  });

  it('starts a new window when the old one ended, once, even when 40 race for it', async () => {
    const clock = fakeClock();
    const limiter = createAttemptLimiter(db, clock);
    for (let i = 0; i < 5; i++) await limiter.admit('staff_password', 'race-2');
    clock.advance(ATTEMPT_RULES.staff_password.window_ms - 1000);
    const locked = await limiter.admit('staff_password', 'race-2');
    expect(locked).toEqual({ admitted: false, retry_after_s: 1 });
    clock.advance(1000);
    const all = await Promise.all(Array.from({ length: 40 }, () => limiter.admit('staff_password', 'race-2')));
    const ok = admittedOnly(all);
    expect(ok).toHaveLength(5);
    expect(ok.map((a) => a.tries).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('a refund gives one try back in the same window only', async () => {
    const clock = fakeClock();
    const limiter = createAttemptLimiter(db, clock);
    const first = await limiter.admit('card_pin', 'refund-1');
    if (!first.admitted) throw new Error('not admitted');
    for (let i = 0; i < 4; i++) await limiter.admit('card_pin', 'refund-1');
    expect((await limiter.admit('card_pin', 'refund-1')).admitted).toBe(false);
    await limiter.refund('card_pin', 'refund-1', first);
    expect((await limiter.admit('card_pin', 'refund-1')).admitted).toBe(true);
    expect((await limiter.admit('card_pin', 'refund-1')).admitted).toBe(false);
    // a refund from an ended window does not free a try in the new one
    clock.advance(ATTEMPT_RULES.card_pin.window_ms);
    for (let i = 0; i < 5; i++) expect((await limiter.admit('card_pin', 'refund-1')).admitted).toBe(true);
    await limiter.refund('card_pin', 'refund-1', first);
    expect((await limiter.admit('card_pin', 'refund-1')).admitted).toBe(false);
  });
});
