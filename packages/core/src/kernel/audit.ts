// The audit port: who did what to whom. Every capability writes audit events; packages/store keeps them
// and lists them by day, by actor and by subject (all reads by key, for the staff console's audit log).
import type { Page } from './page';

export type AuditEvent = {
  actor: string; // 'staff:alice', 'elder:e_x', 'family:f_x', 'merchant:m_x', 'system', 'system:payments'
  action: string; // 'elder.read_sensitive', 'elder.create', ...
  subject: string; // 'elder:e_x'
  detail?: Record<string, string | number | boolean | null>;
  request_id?: string;
  /** The actor's role when the writer knows it (a staff member's role at the time); else derived
   * from the actor (roleOfActor), so every record carries one and the log can be filtered by it. */
  role?: string;
};

/** A mainland mobile number or an 18-character ID number standing alone in text. */
const PERSONAL_NUMBER = /(?<![\w-])(?:1[3-9]\d{9}|\d{17}[0-9Xx])(?![\w-])/g; // not inside an id (base64url)
export const PERSONAL_NUMBER_MASK = '[已隐去]';

/** Detail as the log keeps it. No writer puts an ID number or a phone in a record on purpose (they
 * name the fields changed, ids, amounts, last four digits), but reasons are typed by people: a
 * number that looks like a phone or an ID number is masked on the way in (PIPL art. 28: the log is
 * read by more people, for longer, than the elder's record). */
export const scrubDetail = (d: AuditEvent['detail']): AuditEvent['detail'] =>
  d &&
  Object.fromEntries(
    Object.entries(d).map(([k, v]) => [
      k,
      typeof v === 'string' ? v.replace(PERSONAL_NUMBER, PERSONAL_NUMBER_MASK) : v,
    ]),
  );

/** What a record's role can be: the staff roles when the writer knew them, 'staff' when it did not
 * (a transaction that only had the actor string, a failed sign-in: we never reveal whether the
 * username exists), the phone roles, and 'system' for jobs and webhooks. */
export const AUDIT_ROLES = [
  'admin',
  'district',
  'street',
  'finance',
  'staff',
  'elder',
  'family',
  'merchant',
  'system',
] as const;
export type AuditRole = (typeof AUDIT_ROLES)[number];

/** The role an actor string stands for when the writer did not say ('staff:alice' -> 'staff'). */
export const roleOfActor = (actor: string): AuditRole => {
  const kind = actor.split(':', 1)[0] ?? '';
  switch (kind) {
    case 'staff':
    case 'elder':
    case 'family':
    case 'merchant':
    case 'system':
      return kind;
    default:
      return 'system';
  }
};

/** The kinds of thing a record is about: the prefix of its subject ('elder:e_x' -> 'elder'). The
 * first six are the ones the bureau asked for; the rest are what writers also use. */
export const AUDIT_ENTITY_TYPES = [
  'elder',
  'merchant',
  'order',
  'policy',
  'entry', // a ledger entry
  'statement',
  'staff',
  'area',
  'category',
  'batch',
  'import',
  'issuance',
  'payee',
  'topup',
  'binding',
  'audit', // the log itself: its exports
] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

export type AuditRecord = AuditEvent & { at: string; role: string };

/** Detail as 'key=value; key=value', in the record's order (values are never sensitive: see the
 * audit writers and app/src/api/audit.test.ts). */
export const detailText = (d: AuditRecord['detail']): string =>
  d
    ? Object.entries(d)
        .map(([k, v]) => `${k}=${v === null ? '' : String(v)}`)
        .join('; ')
    : '';

/** One listing of the log. Exactly one way in is used, by key: `subject` (its index), else `actor`
 * (its index), else the day partitions from `to_at` back to `from_at`; the rest are filters applied
 * to a bounded read (a page may hold fewer than `limit` records and still have a cursor). */
export type AuditQuery = {
  subject?: string;
  actor?: string;
  entity_type?: AuditEntityType;
  action?: string;
  role?: AuditRole;
  /** ISO instants, inclusive from, exclusive to. */
  from_at: string;
  to_at: string;
  limit: number;
  cursor?: string;
};

export type AuditLog = {
  write: (e: AuditEvent) => Promise<void>;
  listBySubject: (subject: string, limit: number, cursor?: string) => Promise<Page<AuditEvent & { at: string }>>;
  list: (q: AuditQuery) => Promise<Page<AuditRecord>>;
};
