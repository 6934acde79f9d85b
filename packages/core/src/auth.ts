// Sign-in rules: one-time codes by phone (elders, family, merchants) and passwords for staff.
// Limits come from the issue: a code lives 5 minutes, at most 5 sends per phone per hour
// (sliding window), 5 wrong tries lock the code; 5 wrong passwords lock a staff account 15 min.
import { AppError } from './errors';
import { randomDigits, sha256, verifySecret } from './secrets';
import type { Clock, Notice, Notifier } from './ports';

export const OTP_TTL_MS = 5 * 60_000;
export const OTP_SENDS_PER_HOUR = 5;
export const OTP_MAX_TRIES = 5;
export const OTP_DIGITS = 6;
export const STAFF_MAX_FAILURES = 5;
export const STAFF_LOCK_MS = 15 * 60_000;

export const PHONE_ROLES = ['elder', 'family', 'merchant'] as const;
export type PhoneRole = (typeof PHONE_ROLES)[number];
export const STAFF_ROLES = ['admin', 'district', 'street', 'finance'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export type Role = PhoneRole | StaffRole;

/** Who is calling. `scope` is the area code a district or street officer is limited to; null = city-wide. */
export type Principal =
  | { kind: 'elder'; role: 'elder'; sub: string; elder_id: string; sid: string }
  | { kind: 'family'; role: 'family'; sub: string; family_id: string; sid: string }
  | { kind: 'merchant'; role: 'merchant'; sub: string; merchant_id: string; sid: string }
  | { kind: 'staff'; role: StaffRole; sub: string; username: string; scope: string | null; sid: string };

/** A principal before its session exists (Omit distributed over the union). */
export type PrincipalInit = Principal extends infer P ? (P extends Principal ? Omit<P, 'sid'> : never) : never;

export type OtpRecord = { code_hash: string; expires_at_ms: number; tries: number };

export type OtpStore = {
  /** Appends a send to the phone's log unless `limit` sends already happened after `since_ms`. */
  recordSend: (phone_hash: string, now_ms: number, since_ms: number, limit: number) => Promise<boolean>;
  putCode: (purpose: string, phone_hash: string, rec: OtpRecord) => Promise<void>;
  getCode: (purpose: string, phone_hash: string) => Promise<OtpRecord | null>;
  /** Conditional increment from `tries`; false when someone else raced us. */
  bumpTries: (purpose: string, phone_hash: string, tries: number) => Promise<boolean>;
  /** Conditional delete of the exact record (same hash): a code is used once. */
  consume: (purpose: string, phone_hash: string, code_hash: string) => Promise<boolean>;
};

const codeHash = (phone_hash: string, code: string) => sha256(`${phone_hash}:${code}`);

export const sendOtp = async (
  deps: { otp: OtpStore; notifier: Notifier; clock: Clock },
  args: {
    purpose: string; phone: string; phone_hash: string; deliver: boolean;
    /** The message carrying the code: a login code by default; a binding request names its own template. */
    notice: (code: string) => Notice;
  },
): Promise<void> => {
  const now = deps.clock.now().getTime();
  const allowed = await deps.otp.recordSend(args.phone_hash, now, now - 3_600_000, OTP_SENDS_PER_HOUR);
  if (!allowed) throw new AppError('OTP_RATE_LIMITED');
  const code = randomDigits(OTP_DIGITS);
  await deps.otp.putCode(args.purpose, args.phone_hash, { code_hash: codeHash(args.phone_hash, code), expires_at_ms: now + OTP_TTL_MS, tries: 0 });
  // `deliver` is false when the phone is unknown for this role: the caller still answers
  // "sent" so the endpoint does not reveal who is registered, but no message goes out.
  if (args.deliver) await deps.notifier.send(args.notice(code));
};

export const verifyOtp = async (
  deps: { otp: OtpStore; clock: Clock },
  args: { purpose: string; phone_hash: string; code: string },
): Promise<void> => {
  const rec = await deps.otp.getCode(args.purpose, args.phone_hash);
  const now = deps.clock.now().getTime();
  if (!rec) throw new AppError('OTP_EXPIRED');
  if (rec.tries >= OTP_MAX_TRIES) throw new AppError('OTP_LOCKED');
  if (rec.expires_at_ms < now) throw new AppError('OTP_EXPIRED');
  if (rec.code_hash !== codeHash(args.phone_hash, args.code)) {
    await deps.otp.bumpTries(args.purpose, args.phone_hash, rec.tries);
    throw new AppError(rec.tries + 1 >= OTP_MAX_TRIES ? 'OTP_LOCKED' : 'OTP_INVALID', { details: { tries_left: Math.max(0, OTP_MAX_TRIES - rec.tries - 1) } });
  }
  if (!(await deps.otp.consume(args.purpose, args.phone_hash, rec.code_hash))) throw new AppError('OTP_EXPIRED');
};

export type StaffAccount = {
  username: string;
  display_name: string;
  role: StaffRole;
  scope: string | null;
  password_hash: string;
  failures: number;
  locked_until_ms: number;
  version: number;
};

export type StaffStore = {
  get: (username: string) => Promise<StaffAccount | null>;
  put: (a: StaffAccount, opts?: { expectVersion?: number }) => Promise<void>;
};

const ignoreConflict = (e: unknown) => {
  if (!(e instanceof AppError && e.code === 'CONFLICT')) throw e;
};

// A fixed dummy hash so an unknown username costs the same time as a wrong password.
const DUMMY_HASH = 'scrypt.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export const staffLogin = async (deps: { staff: StaffStore; clock: Clock }, username: string, password: string): Promise<StaffAccount> => {
  const acct = await deps.staff.get(username);
  const now = deps.clock.now().getTime();
  if (!acct) {
    await verifySecret(password, DUMMY_HASH);
    throw new AppError('LOGIN_FAILED');
  }
  if (acct.locked_until_ms > now) throw new AppError('ACCOUNT_LOCKED');
  if (!(await verifySecret(password, acct.password_hash))) {
    const failures = acct.failures + 1;
    const locked = failures >= STAFF_MAX_FAILURES;
    // A concurrent attempt may have bumped the version first; its own count stands in for ours.
    await deps.staff.put({ ...acct, failures: locked ? 0 : failures, locked_until_ms: locked ? now + STAFF_LOCK_MS : 0, version: acct.version + 1 }, { expectVersion: acct.version }).catch(ignoreConflict);
    throw new AppError(locked ? 'ACCOUNT_LOCKED' : 'LOGIN_FAILED');
  }
  if (acct.failures > 0) await deps.staff.put({ ...acct, failures: 0, locked_until_ms: 0, version: acct.version + 1 }, { expectVersion: acct.version }).catch(ignoreConflict);
  return acct;
};
