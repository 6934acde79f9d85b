// The caller's session read in a batch the handler sends anyway, instead of by the mount's own GetItem
// (issue 13: a booking reads its elder, shop, service and shop account in one BatchGet, and the session
// rides in it: one request fewer). The rule stays whole at the mount (route.ts): a route opts in by name
// (RouteDef.sessionInHandler) for the principals it names, and whatever its handler does, the answer
// leaves only when the session was found live. A handler that never read it gets it read by the mount
// after it (and fails its tests); an ended session answers what it would have at the door, even when
// the handler had already found something to answer with (a replay of the same key, say).
import { AppError } from '@tmc/core/kernel/errors';
import { sessionKeys, sessionOfItem } from '@tmc/store/entities/sessions';
import type { Ctx } from './context';
import { clearSessionCookies, confirmSession, settleSession } from './session';

export type SessionGate = {
  /** The session item's key, to add to the handler's batch. */
  readonly key: { pk: string; sk: string };
  /** The item the batch found at `key` (undefined: none). Throws the door's answer when the session has
   * ended, so nothing after the read runs for it; a second call changes nothing. */
  admit(item: Record<string, unknown> | undefined): void;
  /** Before a write: settles the session by its own read if no batch has, and throws the door's answer
   * when it has ended. No write of the handler may come before the session is known live. */
  ensure(): Promise<void>;
};

type State = 'pending' | 'live' | 'ended';

/** The door's answer to an ended session: SESSION_EXPIRED for a bearer token, else signed out. */
const refusal = (c: Ctx): AppError => c.get('authError') ?? new AppError('UNAUTHENTICATED');

/**
 * Runs `handler` with a gate on the pending session of `c`, and lets its answer (or its error) out only
 * when the session is live. `strict` (tests): a handler that answered without reading the session is a bug.
 */
export const withSessionGate = async (
  c: Ctx,
  handler: (gate: SessionGate) => Response | Promise<Response>,
  strict: boolean,
): Promise<Response> => {
  const pending = c.get('sessionPending');
  if (!pending) throw new Error('withSessionGate: no pending session');
  let state: State = 'pending';
  const gate: SessionGate = {
    key: sessionKeys.session(pending.sid),
    admit(item) {
      if (state === 'pending')
        state = settleSession(c, item ? sessionOfItem(pending.sid, item) : null) ? 'live' : 'ended';
      if (state === 'ended') throw refusal(c);
    },
    async ensure() {
      if (state === 'pending') {
        await confirmSession(c);
        state = c.get('principal') ? 'live' : 'ended';
      }
      if (state === 'ended') throw refusal(c);
    },
  };
  // what the handler adds to the answer's headers (Idempotent-Replayed, say) must not reach a refusal
  const headersBefore = new Set(c.res.headers.keys());
  const refuse = (): AppError => {
    for (const name of [...c.res.headers.keys()]) if (!headersBefore.has(name)) c.header(name, undefined);
    if (!pending.fromHeader) clearSessionCookies(c); // as the door does for a page's ended session
    return refusal(c);
  };
  let out: { ok: true; res: Response } | { ok: false; e: unknown };
  try {
    out = { ok: true, res: await handler(gate) };
  } catch (e) {
    out = { ok: false, e };
  }
  if (state === 'pending') {
    if (out.ok && strict) throw new Error(`${c.req.method} ${c.req.path}: answered without reading its session`);
    await confirmSession(c);
    state = c.get('principal') ? 'live' : 'ended';
  }
  if (state === 'ended') throw refuse();
  if (!out.ok) throw out.e;
  return out.res;
};
