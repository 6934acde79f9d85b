// Points policy in the staff console (issue 12 §1): every version with the one in force today
// marked, one version's fields as a table, and any two side by side with the changed fields marked.
// Read by the API's POLICY_READERS; the editor (policy-edit.tsx) is POLICY_WRITERS'.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import type { Policy } from '@tmc/core/policy/model';
import { defineRoute, policyNow, POLICY_READERS, POLICY_WRITERS, type Ctx, type Deps } from '@tmc/app/public';
import type { RouteDef } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { Notice } from '../kit/ui';
import { chinaTime, staffPage } from './kit';
import { LastChangeLine, lastChangeOf } from './last-change';
import { diffRows, policyRows } from './policy-fields';

const VersionNo = z.string().check(z.regex(/^\d{1,6}$/));
const actorLabel = (a: string) => a.replace(/^staff:/, '');

/** Every stored version (newest first, the store's POLICY_VERSIONS_READ_MAX at most) and the one in force. */
export const policyVersions = async (deps: Deps): Promise<{ list: Policy[]; current: number | null }> => {
  const [list, now] = await Promise.all([deps.policies.versions(), policyNow(deps).catch(() => null)]);
  return { list, current: now?.version ?? null };
};

const versionOf = (list: readonly Policy[], v: string | number): Policy => {
  const p = list.find((x) => x.version === Number(v));
  if (!p) throw new AppError('POLICY_NOT_FOUND');
  return p;
};

/** A field's name in both languages: Chinese first, the English under it (the bureau's terms). */
const FieldName = (props: { zh: string; en: string }) => (
  <th scope="row">
    {props.zh}
    <br />
    <span lang="en" class="muted">
      {props.en}
    </span>
  </th>
);

const InForce = (props: { on: boolean }) => (props.on ? <strong> · 现行 In force</strong> : null);

const VersionOptions = (props: { list: readonly Policy[]; selected: number | undefined; current: number | null }) => (
  <>
    {props.list.map((p) => (
      <option value={String(p.version)} selected={p.version === props.selected}>
        {`第 ${p.version} 版 v${p.version} · ${p.effective_from}${p.version === props.current ? ' · 现行' : ''}`}
      </option>
    ))}
  </>
);

/** The GET form that picks two versions to compare. */
const ComparePicker = (props: { list: readonly Policy[]; a?: number; b?: number; current: number | null }) => (
  <form method="get" action="/staff/policies/diff">
    <div class="cols">
      <div class="field">
        <label for="cmp-a">
          <T zh="版本甲" en="Version A" />
        </label>
        <select id="cmp-a" name="a">
          <VersionOptions list={props.list} selected={props.a} current={props.current} />
        </select>
      </div>
      <div class="field">
        <label for="cmp-b">
          <T zh="版本乙" en="Version B" />
        </label>
        <select id="cmp-b" name="b">
          <VersionOptions list={props.list} selected={props.b} current={props.current} />
        </select>
      </div>
    </div>
    <button type="submit" class="btn btn-2">
      <T zh="比较" en="Compare" />
    </button>
  </form>
);

const listPage = async (c: Ctx, deps: Deps, p: StaffP, saved: boolean) => {
  const { list, current } = await policyVersions(deps);
  const newest = list[0];
  const last = newest ? await lastChangeOf(deps, `policy:${newest.version}`) : null;
  const writer = (POLICY_WRITERS as readonly string[]).includes(p.role);
  return staffPage(
    c,
    deps,
    p,
    '积分政策',
    'Points policy',
    <>
      <Notice msg={saved ? { zh: '已保存新版本', en: 'New version saved' } : undefined} />
      <section class="panel" aria-labelledby="ver-h">
        <h2 id="ver-h">
          <T zh="全部版本（最新在前）" en="All versions, newest first" />
        </h2>
        <p>
          {current === null ? (
            <T zh="今天没有生效的政策" en="No version is in force today" />
          ) : (
            <>
              <T zh="今天执行" en="In force today" />：
              <a href={`/staff/policies/${current}`}>
                第 {current} 版 v{current}
              </a>
            </>
          )}
        </p>
        <LastChangeLine last={last} />
        {writer && (
          <p class="links">
            <a href="/staff/policies/new" class="btn">
              <T zh="新建版本" en="New version" />
            </a>
          </p>
        )}
        <table>
          <thead>
            <tr>
              <th scope="col">版本 Version</th>
              <th scope="col">生效日期 Effective from</th>
              <th scope="col">说明 Note</th>
              <th scope="col">保存人 Saved by</th>
              <th scope="col">保存时间 Saved at</th>
            </tr>
          </thead>
          <tbody>
            {list.map((v) => (
              <tr data-current={v.version === current ? 'yes' : 'no'}>
                <td class="num">
                  <a href={`/staff/policies/${v.version}`}>第 {v.version} 版</a>
                  <InForce on={v.version === current} />
                </td>
                <td class="num">{v.effective_from}</td>
                <td>{v.note || '—'}</td>
                <td>{actorLabel(v.created_by)}</td>
                <td class="num">{chinaTime(v.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {list.length >= 2 && (
        <section class="panel" aria-labelledby="cmp-h">
          <h2 id="cmp-h">
            <T zh="比较两个版本" en="Compare two versions" />
          </h2>
          <ComparePicker list={list} a={list[1]?.version} b={list[0]?.version} current={current} />
        </section>
      )}
    </>,
  );
};

const VersionLinks = () => (
  <p class="links">
    <a href="/staff/policies">
      <T zh="返回全部版本" en="All versions" />
    </a>
  </p>
);

const DiffQ = z.object({ a: z.optional(VersionNo), b: z.optional(VersionNo) });

export const staffPolicyPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/policies',
    access: { roles: POLICY_READERS },
    tags: ['pages'],
    page: true,
    summary: 'Points policy versions, newest first, the one in force marked, who saved each; pick two to compare',
    query: z.object({ done: z.optional(z.literal('saved')) }),
    handler(c, { query, principal: p }) {
      return listPage(c, deps, p, query.done === 'saved');
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/policies/diff',
    access: { roles: POLICY_READERS },
    tags: ['pages'],
    page: true,
    summary: 'Two policy versions side by side, every field, the changed ones marked',
    query: DiffQ,
    async handler(c, { query, principal: p }) {
      const { list, current } = await policyVersions(deps);
      const a = versionOf(list, query.a ?? list[1]?.version ?? list[0]?.version ?? 0);
      const b = versionOf(list, query.b ?? list[0]?.version ?? 0);
      const rows = diffRows(a, b);
      const changed = rows.filter((r) => r.changed).length;
      return staffPage(
        c,
        deps,
        p,
        `积分政策比较：第 ${a.version} 版 与 第 ${b.version} 版`,
        `Policy v${a.version} and v${b.version}`,
        <>
          <section class="panel" aria-labelledby="diff-h">
            <h2 id="diff-h">
              <T zh={`${changed} 项不同`} en={`${changed} field(s) differ`} />
            </h2>
            <ComparePicker list={list} a={a.version} b={b.version} current={current} />
            <table>
              <thead>
                <tr>
                  <th scope="col">项目 Field</th>
                  <th scope="col">
                    第 {a.version} 版 v{a.version}
                    <InForce on={a.version === current} />
                  </th>
                  <th scope="col">
                    第 {b.version} 版 v{b.version}
                    <InForce on={b.version === current} />
                  </th>
                  <th scope="col">比较 Change</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr data-changed={r.changed ? 'yes' : 'no'} data-path={r.path}>
                    <FieldName zh={r.zh} en={r.en} />
                    <td>{r.value}</td>
                    <td>{r.other}</td>
                    <td>{r.changed ? '已修改 changed' : '相同 same'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <VersionLinks />
        </>,
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/policies/:version',
    access: { roles: POLICY_READERS },
    tags: ['pages'],
    page: true,
    summary: "One policy version's fields, Chinese labels first, with who saved it and when",
    params: z.object({ version: VersionNo }),
    async handler(c, { params, principal: p }) {
      const { list, current } = await policyVersions(deps);
      const v = versionOf(list, params.version);
      const last = await lastChangeOf(deps, `policy:${v.version}`);
      return staffPage(
        c,
        deps,
        p,
        `积分政策第 ${v.version} 版`,
        `Points policy v${v.version}`,
        <>
          <section class="panel" aria-labelledby="v-h">
            <h2 id="v-h">
              <T zh={`生效日期 ${v.effective_from}`} en={`Effective from ${v.effective_from}`} />
              <InForce on={v.version === current} />
            </h2>
            <p class="muted">
              <T zh="保存" en="Saved by" />：{actorLabel(v.created_by)} · {chinaTime(v.created_at)}
            </p>
            <LastChangeLine last={last} />
            <table>
              <thead>
                <tr>
                  <th scope="col">项目 Field</th>
                  <th scope="col">值 Value</th>
                </tr>
              </thead>
              <tbody>
                {policyRows(v).map((r) => (
                  <tr data-path={r.path}>
                    <FieldName zh={r.zh} en={r.en} />
                    <td>{r.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {v.version > 1 && list.some((x) => x.version === v.version - 1) && (
              <p class="links">
                <a href={`/staff/policies/diff?a=${v.version - 1}&b=${v.version}`}>
                  <T zh="与上一版比较" en="Compare with the version before" />
                </a>
              </p>
            )}
          </section>
          <VersionLinks />
        </>,
      );
    },
  }),
];
