// The role on a staff member's audit records: the writers (core services) know only the actor string,
// the request knows the principal. Records a staff member writes as themselves carry their role at
// the time; anything else keeps what the writer said (or the store derives it from the actor).
import type { AuditLog } from '@tmc/core/kernel/audit';
import type { Principal } from '@tmc/core/auth/service';

export const auditWithRole = (audit: AuditLog, p: Principal | null): AuditLog =>
  p?.kind === 'staff'
    ? { ...audit, write: (e) => audit.write(e.role || e.actor !== p.sub ? e : { ...e, role: p.role }) }
    : audit;
