// The points-policy editor (issue 12 §1), POLICY_WRITERS only as in the API: every field of the
// newest version prefilled, a new effective date, saved through the API's savePolicy (checked by the
// API's PolicyInput, audited in the version's transaction) and then 303 to the difference page.
// The form carries the version it was edited from (after_version): of a double submit or two admins
// at once, one save lands; a repeat of that same save is answered as the first, others see CONFLICT.
import * as z from 'zod/mini';
import type { FieldIssue } from '@tmc/core/kernel/errors';
import { chinaMonth } from '@tmc/core/kernel/time';
import { DEFAULT_POLICY, PolicyInput, type Policy } from '@tmc/core/policy/model';
import { savePolicy } from '@tmc/core/policy/versions';
import { defineRoute, POLICY_WRITERS, zodFields, type Ctx, type Deps, type RouteDef } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { ErrorBox, Field, SelectField, expected, fieldErrors, msgOfError, type Msg } from '../kit/ui';
import { staffPage } from './kit';
import { CHOICES, diffRows, formOfPolicy, labelOf, policyOfForm, type PolicyForm } from './policy-fields';

const FORM_KEYS_MAX = 200; // the editor has ~60 inputs; anything far beyond is not our form
const GROUPS: { zh: string; en: string; test: RegExp }[] = [
  { zh: '基本信息', en: 'Basics', test: /^(effective_from|note)$/ },
  { zh: '每月积分', en: 'Monthly allowance', test: /^allowance\./ },
  { zh: '有效期', en: 'Expiry', test: /^expiry\./ },
  { zh: '结算与充值', en: 'Settlement and top-ups', test: /fen/ },
  { zh: '使用限制', en: 'Spending limits', test: /^(subsidy_categories|per_|category_month|cancel_fee)/ },
  { zh: '活动奖励', en: 'Activity awards', test: /^awards\./ },
  { zh: '服务圈与订单', en: 'Service circle and orders', test: /^(circle\.|hold_ttl|offer_|answer_)/ },
  { zh: '发放与结算周期', en: 'Issuance and settlement', test: /^(newcomer_allowance|settlement_cadence)$/ },
  { zh: '异常提示', en: 'Anomaly flags', test: /^anomaly\./ },
];
const HINTS: Record<string, Msg> = {
  effective_from: { zh: '每月1日，格式 YYYY-MM-01，不早于本月1日', en: 'The 1st of a month, YYYY-MM-01' },
  subsidy_categories: { zh: '类别代码，用逗号分开', en: 'Category codes, comma-separated' },
  category_month_max_points: { zh: '如 canteen=200, barber=50；空 = 都不设', en: 'e.g. canteen=200; blank = none' },
  'expiry.months': { zh: '仅“按月数”时填写', en: 'Only for “after N months”' },
};

/** Where a schema issue is shown: its own input, or the input that holds its list or map. */
const inputOf = (path: string): string => {
  if (/^subsidy_categories\./.test(path)) return 'subsidy_categories';
  if (/^category_month_max_points\./.test(path)) return 'category_month_max_points';
  if (path === 'allowance.age_bands') return 'allowance.age_bands.0.min_age';
  if (path === 'expiry') return 'expiry.rule';
  return path;
};

type State = { values: PolicyForm; after: number; fields?: Record<string, Msg>; error?: Msg; others?: Msg[] };

const firstOfNextMonth = (now: Date): string => {
  const [y, m] = chinaMonth(now).split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
};

const PolicyFields = (props: { values: PolicyForm; fields: Record<string, Msg> }) => (
  <>
    {GROUPS.map((g) => {
      const names = Object.keys(props.values).filter((k) => GROUPS.find((x) => x.test.test(k)) === g);
      return (
        <fieldset>
          <legend>
            <T zh={g.zh} en={g.en} />
          </legend>
          <div class="cols">
            {names.map((name) => {
              const choices = CHOICES[name];
              return choices ? (
                <SelectField
                  name={name}
                  label={labelOf(name)}
                  value={props.values[name]}
                  error={props.fields[name]}
                  options={Object.entries(choices).map(([value, label]) => ({ value, label }))}
                />
              ) : (
                <Field
                  name={name}
                  label={labelOf(name)}
                  hint={HINTS[name]}
                  value={props.values[name]}
                  error={props.fields[name]}
                  maxlength={name === 'note' || name.endsWith('categories') || name.startsWith('category_') ? 400 : 40}
                />
              );
            })}
          </div>
        </fieldset>
      );
    })}
  </>
);

const editPage = async (c: Ctx, deps: Deps, p: StaffP, s: State, status = 200) => {
  const f = s.fields ?? {};
  return staffPage(
    c,
    deps,
    p,
    '新建积分政策版本',
    'New policy version',
    <>
      <section class="panel" aria-labelledby="edit-h">
        <h2 id="edit-h">
          {s.after > 0 ? (
            <T zh={`在第 ${s.after} 版基础上修改`} en={`Edited from version ${s.after}`} />
          ) : (
            <T zh="第一个版本" en="The first version" />
          )}
        </h2>
        <p class="muted">
          <T
            zh="保存后成为新的版本，从生效日期起执行；已有的积分记录仍按当时的版本解释。"
            en="Saving adds a version in force from its date; past entries keep the version that made them."
          />
        </p>
        <ErrorBox msg={s.error}>
          {s.others && s.others.length > 0 && (
            <ul>
              {s.others.map((m) => (
                <li>
                  <T zh={m.zh} en={m.en} />
                </li>
              ))}
            </ul>
          )}
        </ErrorBox>
        <form method="post" action="/staff/policies/new">
          <input type="hidden" name="after_version" value={String(s.after)} />
          <PolicyFields values={s.values} fields={f} />
          <button type="submit" class="btn">
            <T zh="保存新版本" en="Save the new version" />
          </button>
        </form>
      </section>
      <p class="links">
        <a href="/staff/policies">
          <T zh="返回全部版本" en="All versions" />
        </a>
      </p>
    </>,
    { status },
  );
};

const FIX: Msg = { zh: '请按提示改正', en: 'Please fix the marked fields' };

/** Splits schema issues into those shown next to an input and the rest (shown above the form). */
const placeIssues = (issues: readonly FieldIssue[], values: PolicyForm) => {
  const fields = fieldErrors(issues, inputOf);
  const others = Object.entries(fields)
    .filter(([k]) => !(k in values))
    .map(([k, m]) => ({ zh: `${labelOf(k).zh}：${m.zh}`, en: `${labelOf(k).en}: ${m.en}` }));
  return { fields, others };
};

/** The same save arriving again (a double submit): the version after `after` is this actor's and
 * holds exactly these values. */
const sameSave = (saved: Policy | undefined, by: string, input: PolicyInput): saved is Policy =>
  saved !== undefined && saved.created_by === by && diffRows(saved, input).every((r) => !r.changed);

export const staffPolicyEditRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/policies/new',
    access: { roles: POLICY_WRITERS },
    tags: ['pages'],
    page: true,
    summary: 'The policy editor, prefilled from the newest version, with a new effective date',
    async handler(c, { principal: p }) {
      const newest = (await deps.policies.versions())[0];
      const base: PolicyInput = newest ?? DEFAULT_POLICY;
      const values = { ...formOfPolicy(base), effective_from: firstOfNextMonth(deps.clock.now()) };
      return editPage(c, deps, p, { values, after: newest?.version ?? 0 });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/policies/new',
    access: { roles: POLICY_WRITERS },
    tags: ['pages'],
    page: true,
    summary: 'Save a new policy version (audited in the same write; one save per edited version)',
    bodyKind: 'form',
    body: z.record(z.string().check(z.maxLength(80)), z.string().check(z.maxLength(2000))),
    async handler(c, { body, principal: p }) {
      const after = Number(/^\d{1,6}$/.test(body.after_version ?? '') ? body.after_version : 0);
      const list = await deps.policies.versions();
      const template: PolicyInput = list.find((v) => v.version === after) ?? list[0] ?? DEFAULT_POLICY;
      // the inputs this form has, as posted (an input left out of the post is blank, never the old value)
      const values = Object.fromEntries(Object.keys(formOfPolicy(template)).map((k) => [k, body[k] ?? '']));
      if (Object.keys(body).length > FORM_KEYS_MAX) return editPage(c, deps, p, { values, after, error: FIX }, 400);
      const parsed = PolicyInput.safeParse(policyOfForm(values, template));
      if (!parsed.success)
        return editPage(
          c,
          deps,
          p,
          { values, after, error: FIX, ...placeIssues(zodFields(parsed.error), values) },
          400,
        );
      const r = await expected(['CONFLICT', 'POLICY_EFFECTIVE_PAST'], () =>
        savePolicy(deps, parsed.data, { actor: p.sub, after, request_id: c.get('requestId') }),
      );
      if (r.ok)
        return c.redirect(
          r.value.version > 1 ? `/staff/policies/diff?a=${after}&b=${r.value.version}` : '/staff/policies',
          303,
        );
      if (r.error.code === 'POLICY_EFFECTIVE_PAST')
        return editPage(c, deps, p, { values, after, error: FIX, ...placeIssues(r.error.fields ?? [], values) }, 422);
      const now = await deps.policies.versions();
      const mine = now.find((v) => v.version === after + 1);
      if (sameSave(mine, p.sub, parsed.data))
        return c.redirect(`/staff/policies/diff?a=${after}&b=${mine.version}`, 303);
      const newest = now[0]?.version ?? after;
      const error: Msg = {
        zh: `${msgOfError(r.error).zh}：已有人保存了第 ${newest} 版。请先查看它；再次保存将以第 ${newest} 版为基础。`,
        en: `Version ${newest} was saved meanwhile; look at it first. Saving again builds on it.`,
      };
      return editPage(c, deps, p, { values, after: newest, error }, 409);
    },
  }),
];
