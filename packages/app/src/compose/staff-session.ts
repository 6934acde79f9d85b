// Staff sign-in once the password is checked: start the staff session and write the audit line.
// Shared by the sign-in API (api/auth.ts) and the staff sign-in page (packages/web).
import type { StaffAccount } from '@tmc/core/auth/service';
import { startSession, type Tokens } from '../http/session';
import type { Deps } from './deps-type';

export const startStaffSession = async (
  deps: Deps,
  a: StaffAccount,
  request_id: string,
): Promise<Tokens & { refresh_ttl_s: number }> => {
  const s = await startSession(deps, {
    kind: 'staff',
    role: a.role,
    sub: `staff:${a.username}`,
    username: a.username,
    scope: a.scope,
  });
  await deps.audit.write({
    actor: `staff:${a.username}`,
    role: a.role,
    action: 'staff.login',
    subject: `staff:${a.username}`,
    request_id,
  });
  return s;
};
