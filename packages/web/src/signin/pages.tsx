// Sign-in pages. Elders, family and merchants (on the shop phone): phone -> 6-digit code by SMS
// -> signed in (post, redirect, get: the phone waits in a short-lived cookie scoped to the login
// path, never in a URL). Staff: username and password. Sign-out is a POST from a button on every
// signed-in page.
// Phone sign-in is in phone-login.tsx (its screens in phone-screens.tsx), staff sign-in in
// staff-login.tsx; this file holds sign-out and the order in which the routes are mounted.
import * as z from 'zod/mini';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import { clearSessionCookies } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { phoneLoginRoutes } from './phone-login';
import { staffLoginRoutes } from './staff-login';
import { staffPasswordRoutes } from './staff-password';

/** Sign-out is public so a half-expired session can still clear its cookies. */
const logoutRoutes = (deps: Deps): RouteDef[] =>
  (['elder', 'family', 'merchant', 'staff'] as const).map((portal) =>
    defineRoute({
      method: 'post',
      path: `/${portal}/logout`,
      access: { public: true },
      tags: ['pages'],
      page: true,
      summary: `Sign out (${portal}) and go back to the sign-in page`,
      bodyKind: 'form',
      body: z.object({}),
      async handler(c, { principal }) {
        if (principal) await deps.sessions.revoke(principal.sid);
        clearSessionCookies(c);
        return c.redirect(`/${portal}/login`, 303);
      },
    }),
  );

export const authPageRoutes = (deps: Deps): RouteDef[] => [
  ...phoneLoginRoutes(deps, 'elder'),
  ...phoneLoginRoutes(deps, 'family'),
  ...phoneLoginRoutes(deps, 'merchant'),
  ...staffLoginRoutes(deps),
  ...staffPasswordRoutes(deps),
  ...logoutRoutes(deps),
];
