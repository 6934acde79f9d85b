// Who may sign in and what sign-in stores: the roles, the principal a session carries, a one-time
// code record and a staff account. Apart from the sign-in rules (service.ts) so that the store
// ports (ports.ts) and the rules both depend on these shapes and not on each other.

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

/** `id` names this issue of the code: its tries are counted under it, so a new code starts afresh. */
export type OtpRecord = { id: string; code_hash: string; expires_at_ms: number };

export type StaffAccount = {
  username: string;
  display_name: string;
  role: StaffRole;
  scope: string | null;
  password_hash: string;
  /** No longer read or written by sign-in (the attempt limiter counts wrong passwords); kept so
   * stored accounts keep their shape. */
  failures: number;
  locked_until_ms: number;
  version: number;
  /** Absent on accounts stored before staff accounts were managed (issue 12): read as active. */
  status?: StaffStatus;
  /** Set by create and reset-password: the one-time password must be replaced at the next sign-in. */
  must_change_password?: boolean;
  /** The latest successful sign-in and the one before it (shown to the user, so a sign-in that was
   * not theirs stands out). Written by sign-in without touching `version`. */
  last_login_at?: string | null;
  prev_login_at?: string | null;
  created_at?: string;
  updated_at?: string;
};

export const STAFF_STATUSES = ['active', 'disabled'] as const;
export type StaffStatus = (typeof STAFF_STATUSES)[number];

/** Accounts stored before issue 12 have no status: they are active. */
export const staffStatusOf = (a: Pick<StaffAccount, 'status'>): StaffStatus => a.status ?? 'active';
