// Staff issuance page: the month's stored preview for the officer's area by street and by rule
// (computed by a job, never on this request: it reads every elder in the area) with when it was
// computed, a button to compute it again, the month's run (progress, result), and for an admin the
// start / resume form: the same startIssuance as POST /api/issuance/:month/commit. GetItems only.
import * as z from 'zod/mini';
import { chinaMonth } from '@tmc/core/kernel/time';
import { isStalled } from '@tmc/core/policy/issuance-records';
import { createIssuancePreviewStore, createIssuanceRunStore } from '@tmc/store/entities/issuance-runs';
import { defineRoute, type Ctx, type RouteDef } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { ISSUANCE_COMMITTERS, ISSUANCE_READERS, policyNow, startIssuance } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { expected, msgOfError, Notice, type Msg } from '../kit/ui';
import { staffPage } from './kit';
import { MONTH_RE } from '@tmc/core/kernel/ids';
import { CommitPanel, PreviewPanel, RunPanel, runStateOf, type CommitState } from './issuance-panels';
import { LastChangeLine, lastChangeOf } from './last-change';

const MonthQ = z.object({
  month: z.optional(z.string().check(z.regex(MONTH_RE))),
  done: z.optional(z.enum(['started'])),
});
const MonthBody = z.object({ month: z.string().check(z.regex(MONTH_RE)) });
const CommitBody = z.object({
  month: z.string().check(z.regex(MONTH_RE)),
  resume: z.optional(z.enum(['0', '1'])),
  confirm: z.optional(z.string().check(z.maxLength(20))),
});
const STARTED: Msg = { zh: '已开始发放，进度见下方', en: 'Started; progress below' };
const CONFIRM_NEEDED: Msg = {
  zh: '请勾选确认发放的月份、人数和积分',
  en: 'Tick the box to confirm the month and figures',
};
const NO_PREVIEW: Msg = { zh: '请先计算本月预览，核对后再发放', en: 'Compute the preview first' };

const issuancePage = async (
  c: Ctx,
  deps: Deps,
  p: StaffP,
  month: string,
  opts: { done?: Msg | undefined; form?: CommitState; status?: number } = {},
) => {
  const [rec, run, policy, last] = await Promise.all([
    createIssuancePreviewStore(deps.db).get(month, p.scope),
    createIssuanceRunStore(deps.db).get(month),
    policyNow(deps, `${month}-01`).catch(() => null),
    lastChangeOf(deps, `issuance:${month}`),
  ]);
  // a city has a handful of streets: one GetItem each for their names
  const names = new Map(
    (await Promise.all(Object.keys(rec?.preview?.by_street ?? {}).map((code) => deps.areas.get(code)))).flatMap((a) =>
      a ? [[a.code, a.name] as const] : [],
    ),
  );
  const state = runStateOf(run, run !== null && isStalled(run, deps.clock.now()));
  const committer = (ISSUANCE_COMMITTERS as readonly string[]).includes(p.role);
  return staffPage(
    c,
    deps,
    p,
    '积分发放',
    'Issuance',
    <>
      <form method="get" action="/staff/issuance" class="panel">
        <label for="f-month">
          <T zh="月份" en="Month" />
        </label>{' '}
        <input id="f-month" name="month" type="month" value={month} pattern="\d{4}-\d{2}" />{' '}
        <button class="btn btn-2" type="submit">
          <T zh="查看" en="Show" />
        </button>
      </form>
      <Notice msg={opts.done} />
      <PreviewPanel month={month} rec={rec} policyMissing={policy === null} names={names} />
      <RunPanel month={month} run={run} state={state} />
      {committer && (
        <CommitPanel month={month} state={state} rec={rec} policyMissing={policy === null} form={opts.form ?? {}} />
      )}
      <section class="panel">
        <LastChangeLine last={last} />
      </section>
    </>,
    { status: opts.status },
  );
};

export const staffIssuancePageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/issuance',
    access: { roles: ISSUANCE_READERS },
    tags: ['pages'],
    page: true,
    summary: "The month's stored issuance preview for my area by street and rule, the run, and (admin) start or resume",
    query: MonthQ,
    async handler(c, { query, principal: p }) {
      const month = query.month ?? chinaMonth(deps.clock.now());
      return issuancePage(c, deps, p, month, { done: query.done ? STARTED : undefined });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/issuance/preview',
    access: { roles: ISSUANCE_READERS },
    tags: ['pages'],
    page: true,
    summary: "Compute the month's preview for my area in the background, then back to the page",
    bodyKind: 'form',
    body: MonthBody,
    async handler(c, { body, principal: p }) {
      await policyNow(deps, `${body.month}-01`);
      // a few times a month: not in every cold start
      const { requestPreview } = await import('@tmc/core/policy/issuance');
      const r = await requestPreview({ ...deps, previews: createIssuancePreviewStore(deps.db) }, body.month, p.scope);
      if (r.start) await deps.jobs.start({ job: 'issuance-preview', month: body.month, scope: p.scope });
      return c.redirect(`/staff/issuance?month=${body.month}`, 303);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/issuance/commit',
    access: { roles: ISSUANCE_COMMITTERS },
    tags: ['pages'],
    page: true,
    summary: "Start or resume the month's issuance after confirming its figures (audited; one of simultaneous wins)",
    bodyKind: 'form',
    body: CommitBody,
    async handler(c, { body, principal: p }) {
      const month = body.month;
      if (body.confirm !== month)
        return issuancePage(c, deps, p, month, { form: { confirmError: CONFIRM_NEEDED }, status: 400 });
      // the figures the admin confirmed are the stored preview's: without one there is nothing confirmed
      if (!(await createIssuancePreviewStore(deps.db).get(month, p.scope))?.preview)
        return issuancePage(c, deps, p, month, { form: { error: NO_PREVIEW }, status: 409 });
      const r = await expected(['POLICY_MISSING', 'ISSUANCE_RUNNING', 'ISSUANCE_COMPLETED'], () =>
        startIssuance(deps, { month, resume: body.resume === '1', actor: p.sub, request_id: c.get('requestId') }),
      );
      if (!r.ok)
        return issuancePage(c, deps, p, month, { form: { error: msgOfError(r.error) }, status: r.error.status });
      return c.redirect(`/staff/issuance?month=${month}&done=started`, 303);
    },
  }),
];
