// The typed Hono context shared by every route file.
import type { Context } from 'hono';
import type { Principal } from '@tmc/core/auth/service';
import type { AppError } from '@tmc/core/kernel/errors';
import type { Deps } from '../compose/deps-type';
import type { ErrorBody } from './error-body';

/** What a valid access token claims before its session is known to be live. The mount settles it with
 * one GetItem before the route runs (route.ts); a route that says so settles it in a batch its handler
 * sends anyway (session-gate.ts). */
export type PendingSession = { sid: string; fromHeader: boolean };

export type AppEnv = {
  Variables: {
    requestId: string;
    deps: Deps;
    principal: Principal | null;
    authError: AppError | null; // a bad token: fatal only on routes that need a principal
    sessionPending: PendingSession | null; // the principal's session, not yet read (session.ts)
    isPage: boolean;
    renderErrorPage:
      ((c: Context<AppEnv>, body: ErrorBody, status: number) => Response | Promise<Response>) | undefined;
  };
};

export type Ctx = Context<AppEnv>;
