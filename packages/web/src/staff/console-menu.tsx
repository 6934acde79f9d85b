// The console's home menu: the bureau's work grouped the way a week of it goes (elders, merchants,
// points, money, figures, administration), each link shown only to the roles its page admits, so the
// menu never offers a page that answers 403. Role lists come from the API modules where they exist.
import type { StaffRole } from '@tmc/core/auth/service';
import { ANALYTICS_READERS, AUDIT_READERS, AWARD_OFFICERS, COVERAGE_READERS, FLAG_READERS } from '@tmc/app/public';
import { ISSUANCE_READERS, POLICY_READERS, SETTLEMENT_READERS } from '@tmc/app/public';
import { T } from '../kit/layout';
import { ELDER_OFFICERS, type StaffP } from '../kit/principal';

type Link = { href: string; zh: string; en: string; roles: readonly StaffRole[] };
type Group = { zh: string; en: string; links: Link[] };

const ADMIN = ['admin'] as const;
const FINANCE = ['admin', 'finance'] as const;

export const CONSOLE_MENU: readonly Group[] = [
  {
    zh: '老人服务',
    en: 'Elders',
    links: [
      { href: '/staff/elders/new', zh: '登记老人', en: 'Register an elder', roles: ELDER_OFFICERS },
      { href: '/staff/import', zh: '导入老人名单 (CSV)', en: 'Import roster', roles: ELDER_OFFICERS },
      { href: '/staff/disputes', zh: '投诉处理', en: 'Disputes', roles: ELDER_OFFICERS },
    ],
  },
  {
    zh: '联盟商户',
    en: 'Merchants',
    links: [
      { href: '/staff/merchants?status=pending', zh: '入驻审核', en: 'Applications', roles: ELDER_OFFICERS },
      { href: '/staff/merchants?status=approved', zh: '商户名录', en: 'Merchants', roles: ELDER_OFFICERS },
      { href: '/staff/categories', zh: '服务类别', en: 'Categories', roles: ADMIN },
    ],
  },
  {
    zh: '积分',
    en: 'Points',
    links: [
      { href: '/staff/issuance', zh: '每月积分发放', en: 'Monthly issuance', roles: ISSUANCE_READERS },
      { href: '/staff/awards', zh: '活动奖励积分', en: 'Activity awards', roles: AWARD_OFFICERS },
      { href: '/staff/policies', zh: '积分政策', en: 'Points policy', roles: POLICY_READERS },
    ],
  },
  {
    zh: '结算',
    en: 'Settlement',
    links: [
      { href: '/staff/settlement', zh: '商户结算', en: 'Merchant settlement', roles: SETTLEMENT_READERS },
      {
        href: '/staff/settlement/statements?status=issued',
        zh: '待审核结算单',
        en: 'Statements to review',
        roles: FINANCE,
      },
      { href: '/staff/settlement/batches', zh: '银行付款批次', en: 'Bank batches', roles: FINANCE },
    ],
  },
  {
    zh: '数据与监督',
    en: 'Figures and oversight',
    links: [
      { href: '/staff/analytics', zh: '数据统计', en: 'Analytics', roles: ANALYTICS_READERS },
      { href: '/staff/coverage', zh: '服务覆盖', en: 'Coverage', roles: COVERAGE_READERS },
      { href: '/staff/flags', zh: '异常提示', en: 'Anomaly flags', roles: FLAG_READERS },
      { href: '/staff/audit', zh: '操作日志', en: 'Audit log', roles: AUDIT_READERS },
    ],
  },
  {
    zh: '系统管理',
    en: 'Administration',
    links: [{ href: '/staff/accounts', zh: '工作人员账号', en: 'Staff accounts', roles: ADMIN }],
  },
];

export const ConsoleMenu = (props: { p: StaffP }) => (
  <nav aria-label="工作菜单 Work menu" class="menu-groups">
    {CONSOLE_MENU.map((g) => {
      const links = g.links.filter((l) => l.roles.includes(props.p.role));
      return links.length === 0 ? null : (
        <section class="panel">
          <h2>
            <T zh={g.zh} en={g.en} />
          </h2>
          <ul class="links">
            {links.map((l) => (
              <li>
                <a href={l.href}>
                  <T zh={l.zh} en={l.en} />
                </a>
              </li>
            ))}
          </ul>
        </section>
      );
    })}
  </nav>
);
