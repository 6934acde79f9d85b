// Anomaly flags in the staff console (issue 11): the list (by status, and by street for district and
// city staff), one flag (its rule in words, the numbers that tripped it, its orders linked to the elder
// pages) and the decision: dismiss or escalate with a reason, a plain form post that redirects back,
// with errors inline. The same services, roles and scope as the API (app api/flags.ts).
import * as z from 'zod/mini';
import type { ErrorCode } from '@tmc/core/kernel/errors';
import { FreeText } from '@tmc/core/kernel/text';
import {
  FLAG_ID_RE,
  FLAG_REASON_MAX,
  FLAG_REASON_MIN,
  FLAG_STATUSES,
  flagRuleWords,
  type Flag,
  type FlagDecision,
  type FlagStatus,
} from '@tmc/core/analytics/flags';
import { decideFlagAudited, flagInScope } from '@tmc/core/analytics/flag-review';
import type { Area } from '@tmc/core/areas/model';
import { defineRoute, zodFields, type Ctx, type Deps, type RouteDef } from '@tmc/app/public';
import { FLAG_READERS, flagDeciderOf, FlagListQuery, listFlagsFor, ordersOfFlag } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { ErrorBox, Field, Notice, SelectField, expected, fieldMsg, msgOfError, type Msg } from '../kit/ui';
import { chinaTime, staffPage } from './kit';

const FlagP = z.object({ flag_id: z.string().check(z.regex(FLAG_ID_RE)) });
const DECIDE_ERRORS: readonly ErrorCode[] = ['FLAG_STATE_CONFLICT'];

const STATUS_MSG: Record<FlagStatus, Msg> = {
  open: { zh: '待处理', en: 'Open' },
  dismissed: { zh: '已排除', en: 'Dismissed' },
  escalated: { zh: '已上报', en: 'Escalated' },
};
const DONE: Record<FlagDecision, Msg> = {
  dismissed: { zh: '已排除该提示', en: 'Flag dismissed' },
  escalated: { zh: '已上报，等待调查', en: 'Flag escalated for investigation' },
};
const DoneQ = z.object({ done: z.optional(z.enum(['dismissed', 'escalated'])) });

const StatusText = (props: { s: FlagStatus }) => <T zh={STATUS_MSG[props.s].zh} en={STATUS_MSG[props.s].en} />;

/** The streets a caller may filter by: none for a street officer (theirs is the only one). */
const streetOptions = async (deps: Deps, p: StaffP): Promise<Area[]> => {
  if (p.scope !== null && p.scope.split('.').length >= 2) return [];
  const districts = p.scope === null ? await deps.areas.children(null) : [{ code: p.scope }];
  return (await Promise.all(districts.map((d) => deps.areas.children(d.code)))).flat();
};

const FlagRows = (props: { flags: Flag[] }) => (
  <table>
    <thead>
      <tr>
        <th>规则 Rule</th>
        <th>商户 Merchant</th>
        <th>时段 Window</th>
        <th>数值 Numbers</th>
        <th>状态 Status</th>
        <th>发现时间 Raised</th>
      </tr>
    </thead>
    <tbody>
      {props.flags.map((f) => {
        const w = flagRuleWords(f);
        return (
          <tr>
            <td>
              <a href={`/staff/flags/${f.flag_id}`}>
                <T zh={w.zh} en={w.en} />
              </a>
            </td>
            <td>{f.merchant_name}</td>
            <td class="num">{f.window}</td>
            <td class="num">
              {f.observed} / {f.threshold}
            </td>
            <td>
              <StatusText s={f.status} />
            </td>
            <td class="num">{chinaTime(f.raised_at)}</td>
          </tr>
        );
      })}
    </tbody>
  </table>
);

const listPage = async (c: Ctx, deps: Deps, p: StaffP, q: z.infer<typeof FlagListQuery>) => {
  const [page, streets] = await Promise.all([listFlagsFor(deps, p.scope, q), streetOptions(deps, p)]);
  const next = new URLSearchParams({ status: q.status, ...(q.street ? { street: q.street } : {}) });
  return staffPage(
    c,
    deps,
    p,
    '异常提示',
    'Anomaly flags',
    <>
      <form method="get" action="/staff/flags" class="panel filters">
        <SelectField
          name="status"
          label={{ zh: '状态', en: 'Status' }}
          value={q.status}
          options={FLAG_STATUSES.map((s) => ({ value: s, label: `${STATUS_MSG[s].zh} ${STATUS_MSG[s].en}` }))}
        />
        {streets.length > 0 && (
          <SelectField
            name="street"
            label={{ zh: '街道', en: 'Street' }}
            value={q.street}
            blank="全部 All"
            options={streets.map((a) => ({ value: a.code, label: a.name }))}
          />
        )}
        <button type="submit" class="btn">
          <T zh="筛选" en="Filter" />
        </button>
      </form>
      <section class="panel" aria-labelledby="flags-h">
        <h2 id="flags-h">
          <StatusText s={q.status} />
        </h2>
        {page.items.length === 0 ? (
          <p>
            <T zh="没有符合条件的异常提示。" en="No flags here." />
          </p>
        ) : (
          <FlagRows flags={page.items} />
        )}
        {page.cursor && (
          <p class="pager links">
            <a href={`/staff/flags?${next.toString()}&cursor=${encodeURIComponent(page.cursor)}`} rel="next">
              <T zh="下一页" en="Next" />
            </a>
          </p>
        )}
      </section>
    </>,
  );
};

type DecideState = { done?: Msg | undefined; error?: Msg; reasonError?: Msg; reason?: string };

const DecideForm = (props: { f: Flag; state: DecideState }) => {
  const base = `/staff/flags/${props.f.flag_id}`;
  return (
    <section class="panel" aria-labelledby="decide-h">
      <h2 id="decide-h">
        <T zh="处理" en="Decide" />
      </h2>
      {/* one reason, two buttons: formaction picks the move, no script needed */}
      <form method="post" action={`${base}/dismiss`} class="narrow">
        <Field
          name="reason"
          label={{ zh: '处理理由', en: 'Reason' }}
          hint={{
            zh: `${FLAG_REASON_MIN}–${FLAG_REASON_MAX} 字`,
            en: `${FLAG_REASON_MIN}–${FLAG_REASON_MAX} characters`,
          }}
          error={props.state.reasonError}
          value={props.state.reason}
          maxlength={FLAG_REASON_MAX}
          required
        />
        <button type="submit" class="btn">
          <T zh="排除（误报）" en="Dismiss (false alarm)" />
        </button>
        <button type="submit" class="btn btn-warn" formaction={`${base}/escalate`}>
          <T zh="上报调查" en="Escalate" />
        </button>
      </form>
    </section>
  );
};

const flagPage = async (
  c: Ctx,
  deps: Deps,
  p: StaffP,
  flag_id: string,
  state: DecideState,
  opts: { status?: number } = {},
) => {
  const f = await flagInScope(deps, flag_id, p.scope);
  const orders = await ordersOfFlag(deps, f);
  const w = flagRuleWords(f);
  return staffPage(
    c,
    deps,
    p,
    `异常提示：${f.merchant_name}`,
    `Flag: ${f.merchant_name}`,
    <>
      <Notice msg={state.done} />
      <ErrorBox msg={state.error} />
      <section class="panel">
        <h2>
          <T zh={w.zh} en={w.en} />
        </h2>
        <dl>
          <dt>商户 Merchant</dt>
          <dd>{f.merchant_name}</dd>
          <dt>时段 Window</dt>
          <dd class="num">{f.window}</dd>
          <dt>实际 Observed</dt>
          <dd class="num">{f.observed}</dd>
          <dt>阈值 Threshold</dt>
          <dd class="num">{f.threshold}</dd>
          <dt>状态 Status</dt>
          <dd>
            <StatusText s={f.status} />
          </dd>
          <dt>发现时间 Raised</dt>
          <dd class="num">{chinaTime(f.raised_at)}</dd>
          {f.decided_at && (
            <>
              <dt>处理 Decided</dt>
              <dd>
                {f.decided_by} · {chinaTime(f.decided_at)} · {f.reason}
              </dd>
            </>
          )}
        </dl>
      </section>
      <section class="panel" aria-labelledby="orders-h">
        <h2 id="orders-h">
          <T zh="相关订单" en="Its orders" />
        </h2>
        {orders.length === 0 ? (
          <p>
            <T zh="订单暂时读不到。" en="No orders to show." />
          </p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>订单 Order</th>
                <th>服务 Service</th>
                <th>积分 Points</th>
                <th>接单 Accepted</th>
                <th>完成 Completed</th>
                <th>核销 Proof</th>
                <th>老人 Elder</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <tr>
                  <td class="num">{o.order_id}</td>
                  <td>{o.service_name}</td>
                  <td class="num">{o.price_points}</td>
                  <td class="num">{o.accepted_at ? chinaTime(o.accepted_at) : '—'}</td>
                  <td class="num">{o.completed_at ? chinaTime(o.completed_at) : '—'}</td>
                  <td>{o.completed_with === 'card_pin' ? '卡 + PIN' : o.completed_with === 'code' ? '订单码' : '—'}</td>
                  <td>
                    <a href={`/staff/elders/${o.elder_id}`}>
                      <T zh="老人档案" en="Elder" />
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {f.status === 'open' && <DecideForm f={f} state={state} />}
      <p class="links">
        <a href={`/staff/flags?status=${f.status}`}>
          <T zh="返回列表" en="Back to the list" />
        </a>
      </p>
    </>,
    { status: opts.status ?? 200 },
  );
};

const ReasonBody = z.object({ reason: z.optional(z.string().check(z.maxLength(FLAG_REASON_MAX * 4))) });

/** The reason's first issue, worded by the message table, or null. */
const reasonIssue = (reason: string): Msg | null => {
  const r = FreeText(FLAG_REASON_MIN, FLAG_REASON_MAX).safeParse(reason);
  if (r.success) return null;
  const [i] = zodFields(r.error);
  return fieldMsg(i ?? { path: '', code: 'INVALID_FORMAT', message: '' });
};

const decideRoute = (deps: Deps, move: 'dismiss' | 'escalate') =>
  defineRoute({
    method: 'post',
    path: `/staff/flags/:flag_id/${move}`,
    access: { roles: FLAG_READERS },
    tags: ['pages'],
    page: true,
    summary: move === 'dismiss' ? 'Dismiss a flag with a reason (audited)' : 'Escalate a flag with a reason (audited)',
    params: FlagP,
    bodyKind: 'form',
    body: ReasonBody,
    async handler(c, { params, body, principal: p }) {
      const id = params.flag_id;
      const reason = (body.reason ?? '').trim();
      const bad = reasonIssue(reason);
      if (bad)
        return flagPage(
          c,
          deps,
          p,
          id,
          { error: { zh: '请按提示改正', en: 'Please fix the marked field' }, reasonError: bad, reason },
          { status: 400 },
        );
      const to = move === 'dismiss' ? 'dismissed' : 'escalated';
      const r = await expected(DECIDE_ERRORS, () => decideFlagAudited(deps, id, to, reason, flagDeciderOf(p)));
      if (!r.ok) return flagPage(c, deps, p, id, { error: msgOfError(r.error) }, { status: r.error.status });
      return c.redirect(`/staff/flags/${id}?done=${to}`, 303);
    },
  });

export const staffFlagPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/flags',
    access: { roles: FLAG_READERS },
    tags: ['pages'],
    page: true,
    summary: 'Anomaly flags in my area, by status and street, newest first',
    query: FlagListQuery,
    handler(c, { query, principal: p }) {
      return listPage(c, deps, p, query);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/flags/:flag_id',
    access: { roles: FLAG_READERS },
    tags: ['pages'],
    page: true,
    summary: 'One anomaly flag: its rule in words, the numbers, its orders, and the decision form',
    params: FlagP,
    query: DoneQ,
    handler(c, { params, query, principal: p }) {
      return flagPage(c, deps, p, params.flag_id, { done: query.done ? DONE[query.done] : undefined });
    },
  }),
  decideRoute(deps, 'dismiss'),
  decideRoute(deps, 'escalate'),
];
