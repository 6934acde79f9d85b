// Finance reviews a statement: approve it, or send it back with a reason (and resubmit it after).
// Each move is a versioned write with its audit record in the same transaction: of two reviewers
// clicking at once one wins, the other gets 409 with the state the winner left.
import { AppError } from '../kernel/errors';
import type { Clock } from '../kernel/clock';
import { isWithin } from '../areas/model';
import { moveStatement, type Statement, type StatementMove } from './model';
import type { SettlementStore } from './ports';

export type Reviewer = { actor: string; scope: string | null };
export type ReviewDeps = {
  settlement: SettlementStore;
  clock: Clock;
  tell?: (s: Statement, what: 'issued' | 'approved' | 'paid' | 'returned' | 'payout_failed') => Promise<void>;
};

/** The statement if the caller may see it; another street's is not found (its existence is not told). */
export const statementInScope = async (
  deps: Pick<ReviewDeps, 'settlement'>,
  statement_id: string,
  scope: string | null,
): Promise<Statement> => {
  const s = await deps.settlement.statement(statement_id);
  if (!s || (scope !== null && !isWithin(s.community_code, scope))) throw new AppError('STATEMENT_NOT_FOUND');
  return s;
};

/** Moves `s` by `move`; the loser of a race gets 409 with the current status. */
export const moveAudited = async (
  deps: ReviewDeps,
  s: Statement,
  move: StatementMove,
  by: Reviewer,
  patch: Partial<Statement>,
  detail: Record<string, string | number | boolean | null> = {},
): Promise<Statement> => {
  const at = deps.clock.now().toISOString();
  const next = moveStatement(s, move, at, patch);
  // A TransactionConflict (two writes to the statement in the same instant) is a lost race too:
  // answered like a failed condition, with the state the winner left.
  const ok = await deps.settlement
    .transition(s, next, {
      event: { actor: by.actor, action: `statement.${move}`, subject: `statement:${s.statement_id}`, detail },
      at,
    })
    .catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'CONFLICT') return false;
      throw e;
    });
  if (!ok) {
    const now = await deps.settlement.statement(s.statement_id);
    throw new AppError('STATEMENT_STATE_CONFLICT', { details: { status: now?.status ?? null, move } });
  }
  return next;
};

export const approveStatement = async (deps: ReviewDeps, statement_id: string, by: Reviewer): Promise<Statement> => {
  const s = await statementInScope(deps, statement_id, by.scope);
  const at = deps.clock.now().toISOString();
  const next = await moveAudited(deps, s, 'approve', by, {
    reviewed_by: by.actor,
    approved_at: at,
    returned_reason: null,
  });
  await deps.tell?.(next, 'approved');
  return next;
};

export const returnStatement = async (
  deps: ReviewDeps,
  statement_id: string,
  reason: string,
  by: Reviewer,
): Promise<Statement> => {
  const s = await statementInScope(deps, statement_id, by.scope);
  return moveAudited(deps, s, 'return', by, { reviewed_by: by.actor, returned_reason: reason }, { reason });
};

export const resubmitStatement = async (deps: ReviewDeps, statement_id: string, by: Reviewer): Promise<Statement> => {
  const s = await statementInScope(deps, statement_id, by.scope);
  return moveAudited(deps, s, 'resubmit', by, {});
};
