// Reversing one entry of an elder's points (issue 12), admin only as in the API: the entry shown, a
// reason, and a hidden idempotency key written when the form renders, so a double submit of one form
// reverses once. The same function as POST /api/ledger/entries/:id/reverse (reverseEntryAudited: the
// capture refusal, the audit record in the reversal's transaction).
import * as z from 'zod/mini';
import { AppError, type ErrorCode } from '@tmc/core/kernel/errors';
import { ElderId } from '@tmc/core/kernel/ids';
import { walletAccount } from '@tmc/core/ledger/accounts';
import { reversalEntryId } from '@tmc/core/ledger/service';
import type { JournalEntry } from '@tmc/core/ledger/entry';
import type { ElderRecord } from '@tmc/core/elders/model';
import { defineRoute, type Ctx, type Deps, type RouteDef } from '@tmc/app/public';
import { EntryIdParam, idempotencyOfForm, REVERSERS, reverseEntryAudited } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { ErrorBox, Field, expected, msgOfError, type Msg } from '../kit/ui';
import { chinaTime, loadElderInScope, staffPage } from './kit';
import { LastChangeLine, lastChangeOf } from './last-change';
import { ElderNav } from './elder-nav';
import { kindZh, reversibleHere } from './elder-points';
import { FIX_REASON, ReasonForm, formKey, reasonIssue } from './reason';

const EntryP = z.object({ elder_id: ElderId, entry_id: EntryIdParam });
export const REVERSE_REASON_MIN = 2; // the API's FreeText(2, 200)
export const REVERSE_REASON_MAX = 200;
const REVERSE_ERRORS: readonly ErrorCode[] = [
  'ENTRY_NOT_REVERSIBLE',
  'ALREADY_REVERSED',
  'INSUFFICIENT_POINTS',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_REQUIRED',
  'VALIDATION_FAILED',
  'CONFLICT',
];

/** The entry, only if it moved this elder's wallet: an entry id in another elder's path is not found. */
const entryOfElder = async (deps: Deps, e: ElderRecord, entry_id: string): Promise<JournalEntry> => {
  const entry = await deps.ledger.entry(entry_id);
  const w = walletAccount(e.elder_id);
  if (!entry || !entry.postings.some((x) => x.account === w)) throw new AppError('ENTRY_NOT_FOUND');
  return entry;
};

type State = { error?: Msg; reasonError?: Msg; reason?: string };

const reversePage = async (
  c: Ctx,
  deps: Deps,
  p: StaffP,
  e: ElderRecord,
  entry: JournalEntry,
  state: State,
  status = 200,
) => {
  const [reversed, last] = await Promise.all([
    deps.ledger.isReversed(entry.entry_id),
    lastChangeOf(deps, `entry:${entry.entry_id}`),
  ]);
  const mine = entry.postings.find((x) => x.account === walletAccount(e.elder_id))?.amount_points ?? 0;
  const action = `/staff/elders/${e.elder_id}/points/entries/${encodeURIComponent(entry.entry_id)}/reverse`;
  return staffPage(
    c,
    deps,
    p,
    `冲正积分记录：${e.name}`,
    'Reverse an entry',
    <>
      <ElderNav elder_id={e.elder_id} current="points" name={e.name} role={p.role} />
      <section class="panel" aria-labelledby="entry-h">
        <h2 id="entry-h">
          <T zh="积分记录" en="The entry" />
        </h2>
        <dl class="kv">
          <dt>记录号 Entry</dt>
          <dd class="num">{entry.entry_id}</dd>
          <dt>类型 Kind</dt>
          <dd>{kindZh(entry.kind)}</dd>
          <dt>积分 Points</dt>
          <dd class="num">{mine > 0 ? `+${mine}` : mine}</dd>
          <dt>原因 Reason</dt>
          <dd>{entry.reason || '—'}</dd>
          <dt>时间 Time</dt>
          <dd class="num">{chinaTime(entry.created_at)}</dd>
          <dt>状态 Status</dt>
          <dd>{reversed ? `已冲正 Reversed（${reversalEntryId(entry.entry_id)}）` : '未冲正 Not reversed'}</dd>
        </dl>
        <LastChangeLine last={last} />
      </section>
      {!reversed && reversibleHere(entry.kind) ? (
        <section class="panel" aria-labelledby="rev-h">
          <h2 id="rev-h">
            <T zh="冲正" en="Reverse" />
          </h2>
          <p class="muted">
            冲正会新增一条相反的记录，把这笔积分收回；每条记录只能冲正一次，余额不会变成负数。A reversal adds the
            opposite entry, once.
          </p>
          <ErrorBox msg={state.error} />
          <form method="post" action={action} class="narrow">
            <input type="hidden" name="idempotency_key" value={formKey()} />
            <Field
              name="reason"
              id="reverse-reason"
              label={{ zh: '冲正原因', en: 'Reason' }}
              hint={{
                zh: `${REVERSE_REASON_MIN}–${REVERSE_REASON_MAX} 字`,
                en: `${REVERSE_REASON_MIN}–${REVERSE_REASON_MAX} characters`,
              }}
              error={state.reasonError}
              value={state.reason}
              maxlength={REVERSE_REASON_MAX}
              required
            />
            <button type="submit" class="btn btn-warn">
              <T zh="确认冲正" en="Reverse this entry" />
            </button>
          </form>
        </section>
      ) : (
        <ErrorBox msg={state.error} />
      )}
      <p class="links">
        <a href={`/staff/elders/${e.elder_id}/points`}>
          <T zh="返回积分页" en="Back to points" />
        </a>
      </p>
    </>,
    { status },
  );
};

export const staffReversePageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/elders/:elder_id/points/entries/:entry_id/reverse',
    access: { roles: REVERSERS },
    tags: ['pages'],
    page: true,
    summary: 'One entry of an elder and the form to reverse it with a reason',
    params: EntryP,
    async handler(c, { params, principal: p }) {
      const e = await loadElderInScope(deps, p, params.elder_id);
      return reversePage(c, deps, p, e, await entryOfElder(deps, e, params.entry_id), {});
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/elders/:elder_id/points/entries/:entry_id/reverse',
    access: { roles: REVERSERS },
    tags: ['pages'],
    page: true,
    summary: 'Reverse an entry with a reason (audited; once per entry; one per form however often sent)',
    params: EntryP,
    bodyKind: 'form',
    body: ReasonForm,
    async handler(c, { params, body, principal: p }) {
      const e = await loadElderInScope(deps, p, params.elder_id);
      const entry = await entryOfElder(deps, e, params.entry_id);
      const reason = (body.reason ?? '').trim();
      const bad = reasonIssue(reason, REVERSE_REASON_MIN, REVERSE_REASON_MAX);
      if (bad) return reversePage(c, deps, p, e, entry, { error: FIX_REASON, reasonError: bad, reason }, 400);
      const r = await expected(REVERSE_ERRORS, async () =>
        reverseEntryAudited(
          deps,
          { entry_id: entry.entry_id, reason, actor: p.sub, request_id: c.get('requestId') },
          idempotencyOfForm(c, body.idempotency_key, { entry_id: entry.entry_id, reason }),
        ),
      );
      if (!r.ok) return reversePage(c, deps, p, e, entry, { error: msgOfError(r.error), reason }, r.error.status);
      return c.redirect(`/staff/elders/${e.elder_id}/points?done=reversed`, 303);
    },
  }),
];
