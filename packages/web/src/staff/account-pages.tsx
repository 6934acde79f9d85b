// Staff accounts in the console (issue 12), for administrators: the list (role, area, status, last
// sign-in; filtered by role and area; paged by key; CSV in UTF-8 with BOM or GBK) and a new account
// (its one-time password shown once on the answer to the POST). The same core calls and declared roles
// as the API (app api/staff.ts); one account and its changes are in account-edit.tsx.
import * as z from 'zod/mini';
import { STAFF_ROLES } from '@tmc/core/auth/service';
import { createStaffAccount, listStaff, StaffCreate, staffView } from '@tmc/core/auth/staff-accounts';
import type { ErrorCode } from '@tmc/core/kernel/errors';
import { AREA_CODE_RE } from '@tmc/core/kernel/ids';
import { defineRoute, zodFields, type Ctx, type Deps, type RouteDef } from '@tmc/app/public';
import { STAFF_ADMINS, staffActorOf } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { CsvEncodingQ, csvDownload, csvLinks } from '../kit/csv-download';
import { ErrorBox, Field, SelectField, expected, fieldErrors, msgOfError, type Msg } from '../kit/ui';
import { staffPage } from './kit';
import {
  AccountForm,
  areaChoices,
  areaLabel,
  DisplayNameField,
  OneTimePasswordPanel,
  RoleAndArea,
  roleChoices,
  roleZh,
  STATUS_MSG,
  StatusText,
  timeOrDash,
  type AreaChoice,
} from './account-kit';
import { chinaTime } from './kit';

/** A CSV of the list reads at most this many pages (50 each): the bureau has a few hundred staff. */
export const STAFF_EXPORT_PAGES_MAX = 20;
const CREATE_ERRORS: readonly ErrorCode[] = ['STAFF_EXISTS', 'STAFF_SCOPE_INVALID'];
/** Which form field an error code belongs next to. */
const FIELD_OF: Partial<Record<ErrorCode, string>> = { STAFF_EXISTS: 'username', STAFF_SCOPE_INVALID: 'scope' };
const FIX: Msg = { zh: '请按提示改正', en: 'Please fix the marked fields' };

const ListQ = z.object({
  role: z.optional(z.union([z.enum(STAFF_ROLES), z.literal('')])),
  scope: z.optional(z.union([z.string().check(z.regex(AREA_CODE_RE)), z.literal('')])),
  cursor: z.optional(z.string().check(z.maxLength(800))),
  encoding: CsvEncodingQ,
});
type ListQ = z.infer<typeof ListQ>;
const filterOf = (q: ListQ) => ({ role: q.role || undefined, scope: q.scope || undefined });
const filterParams = (q: ListQ) =>
  new URLSearchParams({ ...(q.role ? { role: q.role } : {}), ...(q.scope ? { scope: q.scope } : {}) }).toString();

const listPage = async (c: Ctx, deps: Deps, p: StaffP, q: ListQ) => {
  const [page, choices] = await Promise.all([listStaff(deps, { ...filterOf(q), cursor: q.cursor }), areaChoices(deps)]);
  const f = filterParams(q);
  const csv = csvLinks(`/staff/accounts.csv${f ? `?${f}` : ''}`);
  return staffPage(
    c,
    deps,
    p,
    '工作人员账号',
    'Staff accounts',
    <>
      <p class="links">
        <a href="/staff/accounts/new" class="btn">
          <T zh="新建账号" en="New account" />
        </a>
      </p>
      <form method="get" action="/staff/accounts" class="panel filters">
        <SelectField
          name="role"
          label={{ zh: '角色', en: 'Role' }}
          value={q.role}
          blank="全部 All"
          options={roleChoices}
        />
        <SelectField
          name="scope"
          label={{ zh: '区域', en: 'Area' }}
          value={q.scope}
          blank="全部 All"
          options={choices}
        />
        <button type="submit" class="btn">
          <T zh="筛选" en="Filter" />
        </button>
      </form>
      <section class="panel" aria-labelledby="accounts-h">
        <h2 id="accounts-h">
          <T zh="账号列表" en="Accounts" />
        </h2>
        {page.items.length === 0 ? (
          <p>
            <T zh="没有符合条件的账号。" en="No accounts here." />
          </p>
        ) : (
          <AccountRows accounts={page.items.map(staffView)} choices={choices} />
        )}
        <p class="pager links">
          {page.cursor && (
            <a href={`/staff/accounts?${f ? `${f}&` : ''}cursor=${encodeURIComponent(page.cursor)}`} rel="next">
              <T zh="下一页" en="Next" />
            </a>
          )}
          <a href={csv.utf8}>
            <T zh="导出 CSV（UTF-8）" en="Export CSV (UTF-8)" />
          </a>
          <a href={csv.gbk}>
            <T zh="导出 CSV（GBK，旧版 Excel）" en="Export CSV (GBK)" />
          </a>
        </p>
      </section>
    </>,
  );
};

const AccountRows = (props: { accounts: ReturnType<typeof staffView>[]; choices: readonly AreaChoice[] }) => (
  <table>
    <thead>
      <tr>
        <th>用户名 Username</th>
        <th>姓名 Name</th>
        <th>角色 Role</th>
        <th>区域 Area</th>
        <th>状态 Status</th>
        <th>最近登录 Last sign-in</th>
      </tr>
    </thead>
    <tbody>
      {props.accounts.map((a) => (
        <tr>
          <td>
            <a href={`/staff/accounts/${a.username}`}>{a.username}</a>
          </td>
          <td>{a.display_name}</td>
          <td>{roleZh(a.role)}</td>
          <td>{areaLabel(props.choices, a.scope)}</td>
          <td>
            <StatusText s={a.status} />
          </td>
          <td class="num">{timeOrDash(a.last_login_at)}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

const exportCsv = async (deps: Deps, q: ListQ) => {
  const [choices, rows] = [await areaChoices(deps), [] as string[][]];
  let cursor: string | undefined;
  for (let i = 0; i < STAFF_EXPORT_PAGES_MAX; i++) {
    const page = await listStaff(deps, { ...filterOf(q), cursor });
    for (const a of page.items.map(staffView))
      rows.push([
        a.username,
        a.display_name,
        roleZh(a.role),
        areaLabel(choices, a.scope),
        STATUS_MSG[a.status].zh,
        a.last_login_at ? chinaTime(a.last_login_at) : '',
      ]);
    if (!page.cursor) break;
    cursor = page.cursor;
  }
  const header = ['用户名 Username', '姓名 Name', '角色 Role', '区域 Area', '状态 Status', '最近登录 Last sign-in'];
  return csvDownload('staff-accounts.csv', header, rows, q.encoding);
};

type NewState = { form?: AccountForm; errors?: Record<string, Msg>; error?: Msg | undefined };

const newPage = async (c: Ctx, deps: Deps, p: StaffP, state: NewState, status = 200) => {
  const choices = await areaChoices(deps);
  const v = state.form ?? {};
  const errors = state.errors ?? {};
  return staffPage(
    c,
    deps,
    p,
    '新建工作人员账号',
    'New staff account',
    <section class="panel narrow">
      <ErrorBox msg={state.error} />
      <form method="post" action="/staff/accounts">
        <Field
          name="username"
          label={{ zh: '用户名', en: 'Username' }}
          hint={{
            zh: '3–32位小写字母、数字或 . _ -，以字母开头',
            en: '3–32 lower-case letters, digits or . _ -, starting with a letter',
          }}
          value={v.username}
          maxlength={32}
          autocomplete="off"
          error={errors.username}
          required
        />
        <DisplayNameField value={v.display_name} error={errors.display_name} />
        <RoleAndArea role={v.role} scope={v.scope} choices={choices} errors={errors} />
        <button type="submit" class="btn">
          <T zh="创建账号" en="Create account" />
        </button>
      </form>
    </section>,
    { status },
  );
};

const create = async (c: Ctx, deps: Deps, p: StaffP, form: AccountForm) => {
  const parsed = StaffCreate.safeParse({
    username: form.username ?? '',
    display_name: form.display_name ?? '',
    role: form.role ?? '',
    scope: form.scope ? form.scope : null,
  });
  if (!parsed.success)
    return newPage(c, deps, p, { form, errors: fieldErrors(zodFields(parsed.error)), error: FIX }, 400);
  const r = await expected(CREATE_ERRORS, () => createStaffAccount(deps, parsed.data, staffActorOf(p)));
  if (!r.ok) {
    const field = FIELD_OF[r.error.code];
    const msg = msgOfError(r.error);
    return newPage(c, deps, p, { form, errors: field ? { [field]: msg } : {}, error: msg }, r.error.status);
  }
  return staffPage(
    c,
    deps,
    p,
    '账号已创建',
    'Account created',
    <OneTimePasswordPanel account={r.value.account} password={r.value.one_time_password} />,
    { status: 201 },
  );
};

export const staffAccountListRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/accounts',
    access: { roles: STAFF_ADMINS },
    tags: ['pages'],
    page: true,
    summary: 'Staff accounts: role, area, status, last sign-in; filter by role and area; paged',
    query: ListQ,
    handler(c, { query, principal: p }) {
      return listPage(c, deps, p, query);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/accounts.csv',
    access: { roles: STAFF_ADMINS },
    tags: ['pages'],
    page: true,
    summary: 'Staff accounts as CSV (UTF-8 with BOM, or GBK with ?encoding=gbk), with the list filters',
    query: ListQ,
    handler(_c, { query }) {
      return exportCsv(deps, query);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/accounts/new',
    access: { roles: STAFF_ADMINS },
    tags: ['pages'],
    page: true,
    summary: 'New staff account form',
    handler(c, { principal: p }) {
      return newPage(c, deps, p, {});
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/accounts',
    access: { roles: STAFF_ADMINS },
    tags: ['pages'],
    page: true,
    summary: 'Create a staff account; the answer shows its one-time password once',
    bodyKind: 'form',
    body: AccountForm,
    handler(c, { body, principal: p }) {
      return create(c, deps, p, body);
    },
  }),
];
