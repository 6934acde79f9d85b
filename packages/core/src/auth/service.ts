// Sign-in rules: one-time codes by phone (elders, family, merchants) and passwords for staff.
// A code lives 5 minutes, at most 5 sends per phone per hour (sliding window). Every guess (a code,
// a password) is admitted by the one attempt limiter before it is compared (attempts.ts holds
// the limits: 5 tries per code, 5 wrong passwords per account per 15 minutes, and per client
// address: codes sent and failed staff sign-ins).
import { AppError, type ErrorCode } from '../kernel/errors';
import type { AuditEvent, AuditLog } from '../kernel/audit';
import { admitOrThrow, ATTEMPT_RULES, wrongGuess, type AttemptLimiter, type AttemptRule } from './attempts';
import { randomDigits, randomId, sha256, verifySecret } from '../kernel/secrets';
import type { Clock } from '../kernel/clock';
import type { Notice, Notifier } from '../notices/ports';
import type { OtpStore, StaffStore } from './ports';
import { PHONE_ROLES, STAFF_ROLES, staffStatusOf, type StaffAccount } from './model';

export { PHONE_ROLES, STAFF_ROLES };
export type {
  OtpRecord,
  PhoneRole,
  Principal,
  PrincipalInit,
  Role,
  StaffAccount,
  StaffRole,
  StaffStatus,
} from './model';

export const OTP_TTL_MS = 5 * 60_000;
export const OTP_SENDS_PER_HOUR = 5;
export const OTP_MAX_TRIES = ATTEMPT_RULES.otp_code.max;
export const OTP_DIGITS = 6;
export const STAFF_MAX_FAILURES = ATTEMPT_RULES.staff_password.max;
export const STAFF_LOCK_MS = ATTEMPT_RULES.staff_password.window_ms;

const codeHash = (phone_hash: string, code: string) => sha256(`${phone_hash}:${code}`);

/** Client address as a blind-index key (never the address itself), or null when the request
 * did not come through a connection we can attribute (in-process tests); see app/src/http/client-address.ts. */
export type ClientKey = string | null;

export const sendOtp = async (
  deps: { otp: OtpStore; notifier: Notifier; clock: Clock; limiter: AttemptLimiter },
  args: {
    purpose: string;
    phone: string;
    phone_hash: string;
    deliver: boolean;
    /** The message carrying the code: a login code by default; a binding request names its own template. */
    notice: (code: string) => Notice;
    /** Counts this send against the client address (SMS costs money, whichever phones it goes to). */
    client?: ClientKey;
  },
): Promise<void> => {
  if (args.client) await admitOrThrow(deps.limiter, 'otp_send_per_address', args.client, 'ADDRESS_RATE_LIMITED');
  const now = deps.clock.now().getTime();
  const allowed = await deps.otp.recordSend(args.phone_hash, now, now - 3_600_000, OTP_SENDS_PER_HOUR);
  if (!allowed) throw new AppError('OTP_RATE_LIMITED');
  const code = randomDigits(OTP_DIGITS);
  await deps.otp.putCode(args.purpose, args.phone_hash, {
    id: randomId('otp'),
    code_hash: codeHash(args.phone_hash, code),
    expires_at_ms: now + OTP_TTL_MS,
  });
  // `deliver` is false when the phone is unknown for this role: the caller still answers
  // "sent" so the endpoint does not reveal who is registered, but no message goes out.
  if (args.deliver) await deps.notifier.send(args.notice(code));
};

/** Checks a one-time code. The try is counted (under this issue of the code) before the code is
 * compared, so parallel guesses cannot exceed the rule's limit; after it even the right code is
 * refused with OTP_LOCKED. A right code is deleted on use (once, by a conditional delete). */
export const verifyOtp = async (
  deps: { otp: OtpStore; clock: Clock; limiter: AttemptLimiter },
  args: { purpose: string; phone_hash: string; code: string; rule?: Extract<AttemptRule, 'otp_code' | 'binding_code'> },
): Promise<void> => {
  const rec = await deps.otp.getCode(args.purpose, args.phone_hash);
  const now = deps.clock.now().getTime();
  if (!rec || rec.expires_at_ms < now) throw new AppError('OTP_EXPIRED');
  const a = await admitOrThrow(
    deps.limiter,
    args.rule ?? 'otp_code',
    `${args.purpose}:${args.phone_hash}:${rec.id}`,
    'OTP_LOCKED',
  );
  if (rec.code_hash !== codeHash(args.phone_hash, args.code)) throw wrongGuess(a, 'OTP_INVALID', 'OTP_LOCKED');
  if (!(await deps.otp.consume(args.purpose, args.phone_hash, rec.code_hash))) throw new AppError('OTP_EXPIRED');
};

// A fixed dummy hash so an unknown username costs the same time as a wrong password.
const DUMMY_HASH = 'scrypt.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** Staff sign-in. The try is counted against the client address and the username (known or not,
 * so a lock does not reveal which usernames exist) before the password is compared; a right
 * password gives both tries back, so only wrong ones add up to a lock.
 *
 * Every attempt that fails is audited under the username tried (never the password): a wrong
 * password or unknown username (`staff.login_failed`, the same record either way, so the log does
 * not tell which usernames exist either), the wrong try that used the last one
 * (`staff.login_locked`), and a try the limiter refused before comparing (`staff.login_refused`).
 * A refused try costs the limiter's conditional write already; its record is one more write, so the
 * log grows at most as fast as the attempts the API lets through its throttle. The successful
 * sign-in is audited where its session starts (app compose/staff-session.ts); it moves the account's
 * last sign-in time to `prev_login_at` (shown to the user). A disabled account is refused with
 * ACCOUNT_DISABLED, but only after the right password. */
export const staffLogin = async (
  deps: { staff: StaffStore; clock: Clock; limiter: AttemptLimiter; audit: AuditLog },
  username: string,
  password: string,
  client: ClientKey = null,
  request_id?: string,
): Promise<StaffAccount> => {
  const actor = `staff:${username}`;
  const failed = async (e: AppError, action: string, detail: AuditEvent['detail']): Promise<AppError> => {
    // role 'staff', not the account's: a failure for a known username must look like one for an unknown one
    await deps.audit.write({
      actor,
      role: 'staff',
      action,
      subject: actor,
      detail,
      ...(request_id ? { request_id } : {}),
    });
    return e;
  };
  const refused = async (rule: AttemptRule, subject: string, lockCode: ErrorCode, reason: string) => {
    try {
      return await admitOrThrow(deps.limiter, rule, subject, lockCode);
    } catch (e) {
      if (!(e instanceof AppError && e.code === lockCode)) throw e;
      throw await failed(e, 'staff.login_refused', { reason, retry_after_s: Number(e.details?.retry_after_s ?? 0) });
    }
  };
  const byAddress = client
    ? await refused('staff_login_per_address', client, 'ADDRESS_RATE_LIMITED', 'address_limited')
    : null;
  const subject = sha256(`staff:${username}`);
  const a = await refused('staff_password', subject, 'ACCOUNT_LOCKED', 'account_locked');
  const acct = await deps.staff.get(username);
  const ok = acct
    ? await verifySecret(password, acct.password_hash)
    : await verifySecret(password, DUMMY_HASH).then(() => false);
  if (!acct || !ok) {
    const e = wrongGuess(a, 'LOGIN_FAILED', 'ACCOUNT_LOCKED');
    throw await (a.tries_left > 0
      ? failed(e, 'staff.login_failed', { tries_left: a.tries_left })
      : failed(e, 'staff.login_locked', { retry_after_s: a.retry_after_s }));
  }
  await deps.limiter.refund('staff_password', subject, a);
  if (client && byAddress) await deps.limiter.refund('staff_login_per_address', client, byAddress);
  // told only to whoever knows the password: a disabled account is not a secret from its owner
  if (staffStatusOf(acct) === 'disabled')
    throw await failed(new AppError('ACCOUNT_DISABLED'), 'staff.login_refused', { reason: 'disabled' });
  return (await deps.staff.recordLogin(username, deps.clock.now().toISOString())) ?? acct;
};
