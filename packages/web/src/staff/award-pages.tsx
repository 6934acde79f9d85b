// Activity awards in the staff console (issue 12): one elder's award (by elder id or card number,
// looked up by key) with a hidden idempotency key written at render, so a double submit awards once;
// and the CSV upload form (its check, preview and confirm are award-csv-pages.tsx). The same function
// and roles as POST /api/elders/:elder_id/awards (awardToElder, AWARD_OFFICERS); officers award only
// elders of their area.
import * as z from 'zod/mini';
import { AppError, type ErrorCode } from '@tmc/core/kernel/errors';
import { ELDER_ID_RE } from '@tmc/core/kernel/ids';
import { isValidCardNumber } from '@tmc/core/elders/points-card';
import { AWARD_KINDS, type AwardKind } from '@tmc/core/policy/model';
import type { ElderRecord } from '@tmc/core/elders/model';
import { AWARD_OFFICERS, awardToElder, defineRoute, idempotencyOfForm, type Ctx, type Deps } from '@tmc/app/public';
import type { RouteDef } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { ErrorBox, Field, Notice, SelectField, expected, msgOfError, type Msg } from '../kit/ui';
import { loadElderInScope, staffPage } from './kit';
import { formKey } from './reason';
import { CsvUploadForm } from './award-csv-pages';

export const AWARD_KIND_ZH: Record<AwardKind, string> = {
  health_checkup: '健康体检',
  community_event: '社区活动',
  volunteer_hour: '志愿服务（小时）',
};
const REASON_MIN = 2; // the API's FreeText(2, 100)
const REASON_MAX = 100;
const QUANTITY_MAX = 40; // the API's quantity limit (volunteer hours in one award line)

/** Codes shown next to a field; any other expected code is shown above the form. */
const FIELD_OF: Partial<Record<ErrorCode, string>> = {
  ELDER_NOT_FOUND: 'elder',
  OUT_OF_SCOPE: 'elder',
  ELDER_INACTIVE: 'elder',
  CAP_EXCEEDED: 'quantity',
};
const AWARD_ERRORS: readonly ErrorCode[] = [
  'ELDER_NOT_FOUND',
  'OUT_OF_SCOPE',
  'ELDER_INACTIVE',
  'CAP_EXCEEDED',
  'POLICY_MISSING',
  'IDEMPOTENCY_KEY_REQUIRED',
  'IDEMPOTENCY_KEY_REUSED',
  'VALIDATION_FAILED',
  'CONFLICT',
];

type State = {
  done?: { elder: ElderRecord; entry_id: string; kind: AwardKind; quantity: number };
  error?: Msg | undefined;
  fields?: Record<string, Msg>;
  values?: Record<string, string>;
};

const awardsPage = async (c: Ctx, deps: Deps, p: StaffP, state: State, status = 200) => {
  const v = state.values ?? {};
  const f = state.fields ?? {};
  const d = state.done;
  return staffPage(
    c,
    deps,
    p,
    '活动奖励积分',
    'Activity awards',
    <>
      {d && (
        <section class="panel" aria-labelledby="done-h" id="award-done">
          <Notice msg={{ zh: `已给 ${d.elder.name} 奖励积分`, en: 'Points awarded' }} />
          <h2 id="done-h">
            <T zh="奖励记录" en="The award" />
          </h2>
          <dl class="kv">
            <dt>记录号 Entry</dt>
            <dd class="num">{d.entry_id}</dd>
            <dt>类型 Kind</dt>
            <dd>{AWARD_KIND_ZH[d.kind]}</dd>
            <dt>数量 Quantity</dt>
            <dd class="num">{d.quantity}</dd>
          </dl>
          <p class="links">
            <a href={`/staff/elders/${d.elder.elder_id}/points`}>
              <T zh={`查看 ${d.elder.name} 的积分`} en="See the elder's points" />
            </a>
          </p>
        </section>
      )}
      <section class="panel narrow" aria-labelledby="one-h">
        <h2 id="one-h">
          <T zh="给一位老人奖励" en="Award one elder" />
        </h2>
        <ErrorBox msg={state.error} />
        <form method="post" action="/staff/awards">
          <input type="hidden" name="idempotency_key" value={formKey()} />
          <Field
            name="elder"
            label={{ zh: '老人编号或积分卡号', en: 'Elder id or card number' }}
            hint={{ zh: '12位卡号，或 e_ 开头的编号', en: '12-digit card number, or an id starting e_' }}
            value={v.elder}
            error={f.elder}
            maxlength={60}
            required
          />
          <SelectField
            name="kind"
            label={{ zh: '奖励类型', en: 'Kind' }}
            options={AWARD_KINDS.map((k) => ({ value: k, label: AWARD_KIND_ZH[k] }))}
            value={v.kind}
            error={f.kind}
            required
          />
          <Field
            name="quantity"
            type="number"
            label={{ zh: '数量（次数或小时）', en: 'Quantity (times or hours)' }}
            value={v.quantity ?? '1'}
            error={f.quantity}
            inputmode="numeric"
            step="1"
            required
          />
          <Field
            name="reason"
            label={{ zh: '说明', en: 'Reason' }}
            hint={{ zh: `${REASON_MIN}–${REASON_MAX} 字`, en: `${REASON_MIN}–${REASON_MAX} characters` }}
            value={v.reason}
            error={f.reason}
            maxlength={REASON_MAX}
            required
          />
          <button type="submit" class="btn">
            <T zh="确认奖励" en="Award" />
          </button>
        </form>
      </section>
      <CsvUploadForm />
    </>,
    { status },
  );
};

/** The elder typed in: a card number (looked up by key) or an elder id; one in this officer's area. */
const elderOf = async (deps: Deps, p: StaffP, typed: string): Promise<ElderRecord> => {
  const id = isValidCardNumber(typed) ? await deps.elders.findIdByCard(typed) : typed;
  if (!id || !ELDER_ID_RE.test(id)) throw new AppError('ELDER_NOT_FOUND');
  return loadElderInScope(deps, p, id);
};

/** The award just made, for the page after the redirect: only an award entry of an elder in scope. */
const awardDone = async (deps: Deps, p: StaffP, entry_id: string): Promise<State['done']> => {
  const entry = entry_id.startsWith('award:') ? await deps.ledger.entry(entry_id) : null;
  const kind = AWARD_KINDS.find((k) => k === entry?.ref?.award_kind);
  const elder_id = entry?.ref?.elder_id;
  if (!entry || !kind || !elder_id) return undefined;
  const elder = await loadElderInScope(deps, p, elder_id);
  return { elder, entry_id, kind, quantity: Number(entry.ref?.quantity ?? 1) };
};

const AwardForm = z.object({
  idempotency_key: z.optional(z.string().check(z.maxLength(200))),
  elder: z.optional(z.string().check(z.maxLength(200))),
  kind: z.optional(z.string().check(z.maxLength(40))),
  quantity: z.optional(z.string().check(z.maxLength(20))),
  reason: z.optional(z.string().check(z.maxLength(400))),
});
const Q = z.object({
  elder: z.optional(z.string().check(z.maxLength(60))),
  done: z.optional(z.string().check(z.maxLength(200))),
});
const REQUIRED: Msg = { zh: '必填', en: 'Required' };
const FIX: Msg = { zh: '请按提示改正', en: 'Please fix the marked fields' };

export const staffAwardPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/awards',
    access: { roles: AWARD_OFFICERS },
    tags: ['pages'],
    page: true,
    summary: 'Award activity points to one elder (?elder= prefills), or upload a sign-in sheet (CSV)',
    query: Q,
    async handler(c, { query, principal: p }) {
      const done = query.done ? await awardDone(deps, p, query.done) : undefined;
      return awardsPage(c, deps, p, { values: { elder: query.elder ?? '' }, ...(done ? { done } : {}) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/awards',
    access: { roles: AWARD_OFFICERS },
    tags: ['pages'],
    page: true,
    summary: 'Award activity points to one elder of my area (audited; once per form however often sent)',
    bodyKind: 'form',
    body: AwardForm,
    async handler(c, { body, principal: p }) {
      const values = {
        elder: (body.elder ?? '').trim(),
        kind: body.kind ?? '',
        quantity: (body.quantity ?? '').trim(),
        reason: (body.reason ?? '').trim(),
      };
      const fields: Record<string, Msg> = {};
      if (!values.elder) fields.elder = REQUIRED;
      const kind = AWARD_KINDS.find((k) => k === values.kind);
      if (!kind) fields.kind = { zh: '请从列表中选择', en: 'Choose from the list' };
      const quantity = Number(values.quantity);
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > QUANTITY_MAX)
        fields.quantity = { zh: `请填 1–${QUANTITY_MAX} 的整数`, en: `A whole number 1–${QUANTITY_MAX}` };
      if (values.reason.length < REASON_MIN || values.reason.length > REASON_MAX)
        fields.reason = { zh: `说明为 ${REASON_MIN}–${REASON_MAX} 字`, en: `${REASON_MIN}–${REASON_MAX} characters` };
      if (Object.keys(fields).length || !kind) return awardsPage(c, deps, p, { error: FIX, fields, values }, 400);
      const r = await expected(AWARD_ERRORS, async () => {
        const elder = await elderOf(deps, p, values.elder);
        const award = { kind, quantity, reason: values.reason };
        const idem = idempotencyOfForm(c, body.idempotency_key, { elder_id: elder.elder_id, ...award });
        const out = await awardToElder(deps, { elder, ...award, actor: p.sub, request_id: c.get('requestId') }, idem);
        return { elder, entry_id: out.entry_id, kind, quantity };
      });
      if (!r.ok) {
        const msg = msgOfError(r.error);
        const field = FIELD_OF[r.error.code];
        const state = field ? { error: FIX, fields: { [field]: msg }, values } : { error: msg, values };
        return awardsPage(c, deps, p, state, r.error.status);
      }
      return c.redirect(`/staff/awards?done=${encodeURIComponent(r.value.entry_id)}`, 303);
    },
  }),
];
