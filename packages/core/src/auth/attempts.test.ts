// The attempt rules: one table, and the sign-in constants are read from it rather than repeated.
import { describe, expect, it } from 'vitest';
import { ATTEMPT_RULES, describeRule, wrongGuess } from './attempts';
import { OTP_MAX_TRIES, OTP_TTL_MS, STAFF_LOCK_MS, STAFF_MAX_FAILURES } from './service';
import { CODE_TRIES_MAX } from '../orders/state';

describe('attempt rules', () => {
  it('a code cannot outlive the window its tries are counted in', () => {
    expect(ATTEMPT_RULES.otp_code.window_ms).toBeGreaterThanOrEqual(OTP_TTL_MS);
    expect(ATTEMPT_RULES.binding_code.window_ms).toBeGreaterThanOrEqual(OTP_TTL_MS);
  });

  it('the older constants are the rules, not copies', () => {
    expect(OTP_MAX_TRIES).toBe(ATTEMPT_RULES.otp_code.max);
    expect(STAFF_MAX_FAILURES).toBe(ATTEMPT_RULES.staff_password.max);
    expect(STAFF_LOCK_MS).toBe(ATTEMPT_RULES.staff_password.window_ms);
    expect(CODE_TRIES_MAX).toBe(ATTEMPT_RULES.order_code.max);
  });

  it('describes a rule with its numbers and lock code', () => {
    expect(describeRule('staff_password', 'ACCOUNT_LOCKED')).toContain(
      'at most 5 wrong passwords per staff account per 15 minutes',
    );
    expect(describeRule('order_code', 'CODE_LOCKED')).toContain('per 7 days');
    expect(describeRule('order_code', 'CODE_LOCKED')).toContain('`CODE_LOCKED`');
  });

  it('the wrong guess that used the last try is the lock, with how long it lasts', () => {
    const base = { admitted: true as const, window_ends_ms: 0, retry_after_s: 600 };
    expect(wrongGuess({ ...base, tries: 4, tries_left: 1 }, 'OTP_INVALID', 'OTP_LOCKED')).toMatchObject({
      code: 'OTP_INVALID',
      details: { tries_left: 1 },
    });
    expect(wrongGuess({ ...base, tries: 5, tries_left: 0 }, 'OTP_INVALID', 'OTP_LOCKED')).toMatchObject({
      code: 'OTP_LOCKED',
      details: { tries_left: 0, retry_after_s: 600 },
    });
  });
});
