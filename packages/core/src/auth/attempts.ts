// The one attempt limiter behind every secret a caller can guess (sign-in code, family-binding
// code, order redemption code, card PIN, staff password) and behind the per-address limits on
// sign-in. Its limits live here and nowhere else; the OpenAPI descriptions are built from them.
//
// Why a port with "admit before compare": a limit checked by reading a counter and writing it
// back lets N parallel guesses all read "0 tries" and all be compared. Here a guess is compared
// only after the store has counted it with one conditional write that refuses once `max` are
// counted in the window, so at most `max` guesses per window are ever compared, however many
// arrive at once, and the guess after the limit is refused even when it is right.
import { AppError, type ErrorCode } from '../kernel/errors';

const MINUTE = 60_000;

export const ATTEMPT_RULES = {
  /** Tries per issued sign-in code. The window outlives the code's 5 minutes, so the count of a
   * living code never starts over; a new code (at most 5 sends per phone per hour) gets its own. */
  otp_code: { max: 5, window_ms: 10 * MINUTE, what: 'tries per sign-in code' },
  /** Tries per issued family-binding code (sent to the elder's phone), as for sign-in codes. */
  binding_code: { max: 5, window_ms: 10 * MINUTE, what: 'tries per binding code' },
  /** Tries at an order's 6-digit redemption code. The order stays locked for the rest of its
   * life in practice (an accepted order is completed, cancelled or expired well within a week). */
  order_code: { max: 5, window_ms: 7 * 24 * 60 * MINUTE, what: 'tries per order at the 6-digit code' },
  /** Wrong tries at one elder's card PIN, across every shop and order: the PIN belongs to the
   * card, so a shop cannot get 5 more guesses by trying it on another order. */
  card_pin: { max: 5, window_ms: 30 * MINUTE, what: 'wrong tries per card PIN' },
  /** Wrong passwords per staff account (a right one gives its try back). */
  staff_password: { max: 5, window_ms: 15 * MINUTE, what: 'wrong passwords per staff account' },
  /** Sign-in and binding codes sent from one client address, whatever the phones (SMS costs money). */
  otp_send_per_address: { max: 20, window_ms: 60 * MINUTE, what: 'codes sent from one client address' },
  /** Failed staff sign-ins from one client address, across all usernames. */
  staff_login_per_address: { max: 20, window_ms: 15 * MINUTE, what: 'failed staff sign-ins from one client address' },
} as const satisfies Record<string, { max: number; window_ms: number; what: string }>;

export type AttemptRule = keyof typeof ATTEMPT_RULES;

/** An admitted attempt: `tries` counted in this window including this one; `retry_after_s` is
 * how long until the window ends (how long a lock taken now would last). */
export type Admitted = {
  admitted: true;
  tries: number;
  tries_left: number;
  window_ends_ms: number;
  retry_after_s: number;
};
export type Admission = Admitted | { admitted: false; retry_after_s: number };

export type AttemptLimiter = {
  /** Counts one attempt at `subject` under `rule` unless `max` are already counted in its window
   * (one conditional write; the window starts at the first attempt and ends `window_ms` later). */
  admit: (rule: AttemptRule, subject: string) => Promise<Admission>;
  /** Gives back the try of an attempt that turned out right, so only wrong tries add up to a lock.
   * Only within the window it was counted in. */
  refund: (rule: AttemptRule, subject: string, a: Admitted) => Promise<void>;
};

/** Admits or throws `lockCode` with how long to wait (the API sends it as Retry-After). */
export const admitOrThrow = async (
  limiter: AttemptLimiter,
  rule: AttemptRule,
  subject: string,
  lockCode: ErrorCode,
): Promise<Admitted> => {
  const a = await limiter.admit(rule, subject);
  if (!a.admitted) throw new AppError(lockCode, { details: { retry_after_s: a.retry_after_s } });
  return a;
};

/** The wrong-guess error for an admitted try: the lock code when it used the last one. */
export const wrongGuess = (a: Admitted, wrongCode: ErrorCode, lockCode: ErrorCode): AppError =>
  a.tries_left > 0
    ? new AppError(wrongCode, { details: { tries_left: a.tries_left } })
    : new AppError(lockCode, { details: { tries_left: 0, retry_after_s: a.retry_after_s } });

const minutes = (ms: number) =>
  ms % (24 * 60 * MINUTE) === 0 ? `${ms / (24 * 60 * MINUTE)} days` : `${ms / MINUTE} minutes`;

/** One sentence per rule for the OpenAPI descriptions of the routes that use it. */
export const describeRule = (rule: AttemptRule, lockCode: ErrorCode): string => {
  const r = ATTEMPT_RULES[rule];
  return (
    `Limit: at most ${r.max} ${r.what} per ${minutes(r.window_ms)}` +
    ` (from the first). Each attempt is counted by the database before the secret is compared, ` +
    `so parallel requests cannot exceed it; once reached, attempts are refused with \`` +
    `${lockCode}\` (even a right one) and a Retry-After header.`
  );
};
