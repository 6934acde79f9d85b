// The audit log page (操作日志): a GET filter form (no script), the records newest first in China
// time with the action in words where the console has them, subjects linked to their page where the
// reader has one, the next page, and the same filter as CSV (UTF-8 with BOM or GBK, from the API).
// Readers and filter are the API's (app api/audit.ts): admin and district officers.
import * as z from 'zod/mini';
import { AUDIT_ENTITY_TYPES, AUDIT_ROLES, detailText, type AuditRecord } from '@tmc/core/kernel/audit';
import { AUDIT_READERS, AuditFilter, auditQueryOf, defineRoute, withoutBlanks } from '@tmc/app/public';
import { FINANCE, SETTLEMENT_READERS, type Deps, type RouteDef } from '@tmc/app/public';
import { T } from '../kit/layout';
import { ROLE_ZH, type StaffP } from '../kit/principal';
import { ErrorBox, Field, SelectField } from '../kit/ui';
import { ACTION_ZH, chinaTime, staffPage } from './kit';

const ROLE_WORDS: Record<string, string> = {
  ...ROLE_ZH,
  staff: '工作人员',
  elder: '老人',
  family: '家属',
  merchant: '商户',
  system: '系统',
};
const ENTITY_ZH: Record<string, string> = {
  elder: '老人',
  merchant: '商户',
  order: '订单',
  policy: '积分政策',
  entry: '积分记录',
  statement: '结算单',
  staff: '工作人员',
  area: '区域',
  category: '服务类别',
  batch: '银行批次',
  import: '名单导入',
  issuance: '积分发放',
  payee: '收款账户',
  topup: '充值',
  binding: '家属绑定',
  audit: '操作日志',
};
const FILTER_KEYS = ['actor', 'subject', 'entity_type', 'action', 'role', 'from', 'to'] as const;

const has = (roles: readonly string[], p: StaffP) => roles.includes(p.role);

/** The subject's page, when there is one this reader may open. */
const subjectHref = (subject: string, p: StaffP): string | null => {
  const [kind, id] = [subject.slice(0, subject.indexOf(':')), subject.slice(subject.indexOf(':') + 1)];
  if (!id) return null;
  if (kind === 'elder') return `/staff/elders/${encodeURIComponent(id)}`;
  if (kind === 'merchant' && has(FINANCE, p)) return `/staff/merchants/${encodeURIComponent(id)}/payee`;
  if (kind === 'statement' && has(SETTLEMENT_READERS, p))
    return `/staff/settlement/statements/${encodeURIComponent(id)}`;
  return null;
};

const qs = (params: Record<string, string | undefined>) =>
  new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1]))).toString();

type Shown = Record<(typeof FILTER_KEYS)[number], string | undefined>;

const FilterForm = (props: { f: Shown }) => (
  <form method="get" action="/staff/audit" class="panel filters">
    <Field
      name="actor"
      label={{ zh: '操作人', en: 'Actor' }}
      value={props.f.actor}
      maxlength={80}
      hint={{ zh: '如 staff:zengdu', en: 'e.g. staff:zengdu' }}
    />
    <Field
      name="subject"
      label={{ zh: '对象', en: 'Subject' }}
      value={props.f.subject}
      maxlength={120}
      hint={{ zh: '如 elder:e_…', en: 'e.g. elder:e_…' }}
    />
    <SelectField
      name="entity_type"
      label={{ zh: '对象类型', en: 'Entity' }}
      blank="全部 All"
      value={props.f.entity_type}
      options={AUDIT_ENTITY_TYPES.map((v) => ({ value: v, label: `${ENTITY_ZH[v] ?? v} ${v}` }))}
    />
    <Field
      name="action"
      label={{ zh: '操作', en: 'Action' }}
      value={props.f.action}
      maxlength={60}
      hint={{
        zh: '如 staff.login 或 order.（以点结尾：一类操作）',
        en: 'e.g. staff.login, or order. for all order actions',
      }}
    />
    <SelectField
      name="role"
      label={{ zh: '角色', en: 'Role' }}
      blank="全部 All"
      value={props.f.role}
      options={AUDIT_ROLES.map((v) => ({ value: v, label: `${ROLE_WORDS[v] ?? v} ${v}` }))}
    />
    <Field name="from" type="date" label={{ zh: '起始日期', en: 'From' }} value={props.f.from} />
    <Field name="to" type="date" label={{ zh: '截止日期', en: 'To' }} value={props.f.to} />
    <button type="submit" class="btn">
      <T zh="查询" en="Search" />
    </button>
  </form>
);

const Rows = (props: { items: AuditRecord[]; p: StaffP }) => (
  <table>
    <thead>
      <tr>
        <th>时间 Time</th>
        <th>操作人 Actor</th>
        <th>角色 Role</th>
        <th>操作 Action</th>
        <th>对象 Subject</th>
        <th>说明 Detail</th>
      </tr>
    </thead>
    <tbody>
      {props.items.map((r) => {
        const href = subjectHref(r.subject, props.p);
        const words = ACTION_ZH[r.action];
        return (
          <tr>
            <td class="num">{chinaTime(r.at)}</td>
            <td>{r.actor}</td>
            <td>{ROLE_WORDS[r.role] ?? r.role}</td>
            <td>{words ? <span title={r.action}>{words}</span> : r.action}</td>
            <td>{href ? <a href={href}>{r.subject}</a> : r.subject}</td>
            <td>{detailText(r.detail)}</td>
          </tr>
        );
      })}
    </tbody>
  </table>
);

export const staffAuditPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/audit',
    access: { roles: AUDIT_READERS },
    tags: ['pages'],
    page: true,
    summary: 'The audit log: filter by person, entity, action, role and dates; next page; CSV',
    query: z.record(z.string(), z.string().check(z.maxLength(800))),
    async handler(c, { query, principal: p }) {
      const parsed = AuditFilter.safeParse(withoutBlanks(query));
      const shown = Object.fromEntries(FILTER_KEYS.map((k) => [k, query[k]])) as Shown;
      if (!parsed.success) {
        const msg = { zh: '查询条件有误，请检查后重试', en: 'Check the filter and try again' };
        const body = (
          <>
            <ErrorBox msg={msg} />
            <FilterForm f={shown} />
          </>
        );
        return staffPage(c, deps, p, '操作日志', 'Audit log', body, { status: 400 });
      }
      const q = auditQueryOf(parsed.data, deps.clock.now());
      const r = await deps.audit.list(q).then(
        (page) => ({ ok: true as const, page }),
        (e: unknown) => ({ ok: false as const, e }),
      );
      if (!r.ok) {
        // a range too long or a cursor that does not fit the filter: the form again, the error inline
        if ((r.e as { code?: string }).code !== 'VALIDATION_FAILED') throw r.e;
        const msg = { zh: '日期范围最长366天，且起始不晚于截止', en: 'At most 366 days, from not after to' };
        const body = (
          <>
            <ErrorBox msg={msg} />
            <FilterForm f={shown} />
          </>
        );
        return staffPage(c, deps, p, '操作日志', 'Audit log', body, { status: 400 });
      }
      const filter = { ...Object.fromEntries(FILTER_KEYS.map((k) => [k, parsed.data[k]])), from: q.from, to: q.to };
      const next = r.page.cursor ? `/staff/audit?${qs({ ...filter, cursor: r.page.cursor })}` : null;
      const csv = `/api/audit.csv?${qs(filter)}`;
      return staffPage(
        c,
        deps,
        p,
        '操作日志',
        'Audit log',
        <>
          <FilterForm f={{ ...shown, from: q.from, to: q.to }} />
          <div class="panel">
            <p class="links">
              <a href={csv}>
                <T zh="导出 CSV (UTF-8)" en="CSV (UTF-8)" />
              </a>
              <a href={`${csv}&encoding=gbk`}>
                <T zh="导出 CSV (GBK, 旧版 Excel)" en="CSV (GBK, older Excel)" />
              </a>
            </p>
            {r.page.items.length === 0 ? (
              <p>
                <T zh="这一页没有符合条件的记录" en="No matching records on this page" />
              </p>
            ) : (
              <Rows items={r.page.items} p={p} />
            )}
            <p class="pager links">
              {parsed.data.cursor && (
                <a href={`/staff/audit?${qs(filter)}`}>
                  <T zh="最新记录" en="Newest" />
                </a>
              )}
              {next && (
                <a href={next}>
                  <T zh="更早的记录" en="Older" />
                </a>
              )}
            </p>
          </div>
        </>,
      );
    },
  }),
];
