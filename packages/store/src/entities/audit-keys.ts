// The audit log's keys, apart from audit.ts so that its listing (audit-list.ts) and the entity both
// build them from here without importing each other.
export const auditKeys = {
  audit: (day: string, at: string, id: string) => ({ pk: `AUDIT#${day}`, sk: `${at}#${id}` }),
  auditDayPk: (day: string) => `AUDIT#${day}`,
  /** Whether a pk is an audit day partition (every audit record has one). */
  isAuditDay: (pk: string) => pk.startsWith('AUDIT#'),
  /** The day of an audit day partition's pk ('AUDIT#2026-11-23' -> '2026-11-23'). */
  auditDayOf: (pk: string) => pk.slice('AUDIT#'.length),
  auditSubjectIndex: (subject: string, at: string, id: string) => ({
    gsi1pk: `AUDIT_SUBJECT#${subject}`,
    gsi1sk: `${at}#${id}`,
  }),
  auditSubjectPk: (subject: string) => `AUDIT_SUBJECT#${subject}`,
  auditActorIndex: (actor: string, at: string, id: string) => ({
    gsi2pk: `AUDIT_ACTOR#${actor}`,
    gsi2sk: `${at}#${id}`,
  }),
  auditActorPk: (actor: string) => `AUDIT_ACTOR#${actor}`,
} as const;
