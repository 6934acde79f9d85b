// Service categories in the staff console (issue 12 §1): every category with its icon and both
// names, retired ones marked; an admin adds, renames and retires (POST and 303, errors inline with
// what was typed). The same core functions and role lists as the API (app api/categories.ts).
import * as z from 'zod/mini';
import { CATEGORY_CODE_RE } from '@tmc/core/kernel/ids';
import { CategoryInput, type Category } from '@tmc/core/merchants/model';
import { putCategory, retireCategory } from '@tmc/core/merchants/categories';
import { CATEGORY_ADMINS, CATEGORY_READERS, defineRoute, zodFields, type Ctx, type Deps } from '@tmc/app/public';
import type { RouteDef } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { ErrorBox, Field, Notice, PostButton, expected, fieldErrors, msgOfError, type Msg } from '../kit/ui';
import { staffPage } from './kit';
import { LastChangeLine, lastChangeOf } from './last-change';

const DONE: Record<'saved' | 'retired', Msg> = {
  saved: { zh: '已保存服务类别', en: 'Category saved' },
  retired: { zh: '已停用该类别：新申请和新服务不再可选，老人页面不再显示', en: 'Category retired' },
};
type FormState = { done?: Msg | undefined; error?: Msg; fields?: Record<string, Msg>; values?: Record<string, string> };

const CategoryRow = (props: { k: Category; admin: boolean }) => (
  <tr>
    <td aria-hidden="true">{props.k.icon}</td>
    <td class="num">{props.k.code}</td>
    <td>{props.k.name_zh}</td>
    <td>{props.k.name_en}</td>
    <td data-retired={props.k.retired ? 'yes' : 'no'}>{props.k.retired ? '已停用 Retired' : '在用 In use'}</td>
    {props.admin && (
      <td>
        {!props.k.retired && (
          <PostButton
            action={`/staff/categories/${props.k.code}/retire`}
            label={{ zh: `停用“${props.k.name_zh}”`, en: `Retire ${props.k.name_en}` }}
            cls="btn-warn"
          />
        )}
      </td>
    )}
  </tr>
);

const categoriesPage = async (c: Ctx, deps: Deps, p: StaffP, state: FormState, status = 200) => {
  const list = await deps.merchants.categories();
  const admin = (CATEGORY_ADMINS as readonly string[]).includes(p.role);
  const lasts = await Promise.all(list.map((k) => lastChangeOf(deps, `category:${k.code}`)));
  const newest = lasts.filter((l) => l !== null).sort((a, b) => b.at.localeCompare(a.at))[0] ?? null;
  const v = state.values ?? {};
  const f = state.fields ?? {};
  return staffPage(
    c,
    deps,
    p,
    '服务类别',
    'Service categories',
    <>
      <Notice msg={state.done} />
      <ErrorBox msg={state.error} />
      <section class="panel" aria-labelledby="cats-h">
        <h2 id="cats-h">
          <T zh="全部类别" en="All categories" />
        </h2>
        <LastChangeLine last={newest} />
        <table>
          <thead>
            <tr>
              <th scope="col">图标 Icon</th>
              <th scope="col">代码 Code</th>
              <th scope="col">中文名 Chinese</th>
              <th scope="col">英文名 English</th>
              <th scope="col">状态 State</th>
              {admin && <th scope="col">操作 Action</th>}
            </tr>
          </thead>
          <tbody>
            {list.map((k) => (
              <CategoryRow k={k} admin={admin} />
            ))}
          </tbody>
        </table>
      </section>
      {admin && (
        <section class="panel narrow" aria-labelledby="add-h">
          <h2 id="add-h">
            <T zh="新增或改名" en="Add or rename" />
          </h2>
          <p class="muted">
            <T
              zh="填已有的代码即改名（已停用的类别仍保持停用）。"
              en="An existing code renames that category (a retired one stays retired)."
            />
          </p>
          <form method="post" action="/staff/categories">
            <Field
              name="code"
              label={{ zh: '代码（小写英文字母）', en: 'Code (lower-case letters)' }}
              value={v.code}
              error={f.code}
              maxlength={30}
              required
            />
            <Field
              name="name_zh"
              label={{ zh: '中文名', en: 'Chinese name' }}
              value={v.name_zh}
              error={f.name_zh}
              maxlength={20}
              required
            />
            <Field
              name="name_en"
              label={{ zh: '英文名', en: 'English name' }}
              value={v.name_en}
              error={f.name_en}
              maxlength={40}
              required
            />
            <Field
              name="icon"
              label={{ zh: '图标（一个符号）', en: 'Icon (one symbol)' }}
              value={v.icon}
              error={f.icon}
              maxlength={8}
            />
            <button type="submit" class="btn">
              <T zh="保存" en="Save" />
            </button>
          </form>
        </section>
      )}
    </>,
    { status },
  );
};

const FormBody = z.object({
  code: z.optional(z.string().check(z.maxLength(200))),
  name_zh: z.optional(z.string().check(z.maxLength(200))),
  name_en: z.optional(z.string().check(z.maxLength(200))),
  icon: z.optional(z.string().check(z.maxLength(200))),
});
const DoneQ = z.object({ done: z.optional(z.enum(['saved', 'retired'])) });
const CodeP = z.object({ code: z.string().check(z.regex(CATEGORY_CODE_RE)) });

export const staffCategoryPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/categories',
    access: { roles: CATEGORY_READERS },
    tags: ['pages'],
    page: true,
    summary: 'Service categories with icon and both names, retired ones marked; admin adds, renames, retires',
    query: DoneQ,
    handler(c, { query, principal: p }) {
      return categoriesPage(c, deps, p, { done: query.done ? DONE[query.done] : undefined });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/categories',
    access: { roles: CATEGORY_ADMINS },
    tags: ['pages'],
    page: true,
    summary: 'Add or rename a category (audited)',
    bodyKind: 'form',
    body: FormBody,
    async handler(c, { body, principal: p }) {
      const values = {
        code: (body.code ?? '').trim(),
        name_zh: body.name_zh ?? '',
        name_en: body.name_en ?? '',
        icon: body.icon ?? '',
      };
      const parsed = CategoryInput.safeParse(values);
      if (!parsed.success)
        return categoriesPage(
          c,
          deps,
          p,
          {
            error: { zh: '请按提示改正', en: 'Please fix the marked fields' },
            fields: fieldErrors(zodFields(parsed.error)),
            values,
          },
          400,
        );
      await putCategory(deps, parsed.data, p.sub);
      return c.redirect('/staff/categories?done=saved', 303);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/categories/:code/retire',
    access: { roles: CATEGORY_ADMINS },
    tags: ['pages'],
    page: true,
    summary: 'Retire a category (audited): offered to no new application or service, gone from elder pages',
    params: CodeP,
    async handler(c, { params, principal: p }) {
      const r = await expected(['CATEGORY_RETIRED', 'CATEGORY_NOT_FOUND'], () =>
        retireCategory(deps, params.code, p.sub),
      );
      if (!r.ok) return categoriesPage(c, deps, p, { error: msgOfError(r.error) }, r.error.status);
      return c.redirect('/staff/categories?done=retired', 303);
    },
  }),
];
