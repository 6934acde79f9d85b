// Shared parts of the staff-account pages (issue 12): the area choices, status and time words, the
// form body and the one-time password panel. The pages are account-pages.tsx (list, create) and
// account-edit.tsx (one account and its moves).
import * as z from 'zod/mini';
import type { Area } from '@tmc/core/areas/model';
import { STAFF_ROLES, type StaffRole } from '@tmc/core/auth/service';
import { DISPLAY_NAME_MAX, PASSWORD_MAX, type StaffView } from '@tmc/core/auth/staff-accounts';
import type { StaffStatus } from '@tmc/core/auth/service';
import type { Deps } from '@tmc/app/public';
import { T } from '../kit/layout';
import { ROLE_ZH } from '../kit/principal';
import { Field, SelectField, type Msg } from '../kit/ui';
import { chinaTime } from './kit';

export type AreaChoice = { value: string; label: string };

/** Districts and their streets, for the area select and the list filter (one Query per district). */
export const areaChoices = async (deps: Pick<Deps, 'areas'>): Promise<AreaChoice[]> => {
  const districts = await deps.areas.children(null);
  const streets = await Promise.all(districts.map((d) => deps.areas.children(d.code)));
  return districts.flatMap((d: Area, i) => [
    { value: d.code, label: `${d.name}（区）` },
    ...(streets[i] ?? []).map((s) => ({ value: s.code, label: `${d.name} ${s.name}（街道）` })),
  ]);
};

export const roleChoices = STAFF_ROLES.map((r) => ({ value: r, label: `${ROLE_ZH[r]} ${r}` }));

export const STATUS_MSG: Record<StaffStatus, Msg> = {
  active: { zh: '启用', en: 'Active' },
  disabled: { zh: '已停用', en: 'Disabled' },
};

export const StatusText = (props: { s: StaffStatus }) => <T zh={STATUS_MSG[props.s].zh} en={STATUS_MSG[props.s].en} />;

export const timeOrDash = (iso: string | null): string => (iso ? chinaTime(iso) : '—');

/** The area's name for a table: the choice's label, else the code (an area removed since). */
export const areaLabel = (choices: readonly AreaChoice[], scope: string | null): string =>
  scope === null ? '全市 City-wide' : (choices.find((c) => c.value === scope)?.label ?? scope);

/** What the create and edit forms post: strings, checked by core's schemas after. */
export const AccountForm = z.object({
  username: z.optional(z.string().check(z.maxLength(64))),
  display_name: z.optional(z.string().check(z.maxLength(DISPLAY_NAME_MAX * 4))),
  role: z.optional(z.string().check(z.maxLength(20))),
  scope: z.optional(z.string().check(z.maxLength(120))),
  version: z.optional(z.string().check(z.maxLength(12))),
});
export type AccountForm = z.infer<typeof AccountForm>;

export const PasswordForm = z.object({
  current_password: z.optional(z.string().check(z.maxLength(PASSWORD_MAX * 2))),
  new_password: z.optional(z.string().check(z.maxLength(PASSWORD_MAX * 2))),
  new_password2: z.optional(z.string().check(z.maxLength(PASSWORD_MAX * 2))),
  next: z.optional(z.string().check(z.maxLength(300))),
});

/** The fields an account's role and area take (create and edit). */
export const RoleAndArea = (props: {
  role?: string | undefined;
  scope?: string | undefined;
  choices: readonly AreaChoice[];
  errors: Record<string, Msg>;
}) => (
  <>
    <SelectField
      name="role"
      label={{ zh: '角色', en: 'Role' }}
      value={props.role}
      options={roleChoices}
      error={props.errors.role}
      required
    />
    <SelectField
      name="scope"
      label={{ zh: '管辖区域（区级干部选区，街道干部选街道）', en: 'Area (a district or a street for officers)' }}
      value={props.scope}
      blank="无 / 全市（市级管理员、财务）None (admin, finance)"
      options={props.choices}
      error={props.errors.scope}
    />
  </>
);

export const DisplayNameField = (props: { value?: string | undefined; error?: Msg | undefined }) => (
  <Field
    name="display_name"
    label={{ zh: '姓名', en: 'Display name' }}
    value={props.value}
    maxlength={DISPLAY_NAME_MAX}
    error={props.error}
    required
  />
);

/** The one-time password, on the response to the POST that made it only (never stored readable). */
export const OneTimePasswordPanel = (props: { account: StaffView; password: string }) => (
  <section class="panel" aria-labelledby="otp-h">
    <h2 id="otp-h">
      <T zh="一次性密码（只显示这一次）" en="One-time password (shown this once)" />
    </h2>
    <p>
      <T
        zh={`请把密码当面或电话告知 ${props.account.display_name}（${props.account.username}）。首次登录时须改为自己的密码。`}
        en="Give it to the person in person or by phone; they must replace it at the first sign-in."
      />
    </p>
    <p class="big num" data-one-time-password={props.password}>
      <code>{props.password}</code>
    </p>
    <p class="links">
      <a href={`/staff/accounts/${props.account.username}`}>
        <T zh="查看账号" en="View the account" />
      </a>
    </p>
  </section>
);

export const roleZh = (r: StaffRole) => ROLE_ZH[r];
