// The small navigation of one elder's staff pages: the profile, points, orders and top-ups, each a
// page of its own (the profile page is near its size limit), and the "who did it last" line of a
// page that shows only some of an elder's audited actions.
import { AWARD_OFFICERS, type Deps } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { LastChange } from './last-change';

export type ElderTab = 'profile' | 'points' | 'orders' | 'topups';
const TABS: readonly { tab: ElderTab; path: string; zh: string; en: string }[] = [
  { tab: 'profile', path: '', zh: '资料', en: 'Profile' },
  { tab: 'points', path: '/points', zh: '积分', en: 'Points' },
  { tab: 'orders', path: '/orders', zh: '订单', en: 'Orders' },
  { tab: 'topups', path: '/topups', zh: '充值', en: 'Top-ups' },
];

/** With `role`, the award link shows for those who may award (the awards API's roles). */
export const ElderNav = (props: { elder_id: string; current: ElderTab; name?: string; role?: string }) => (
  <nav class="links panel" aria-label={`老人页面 Elder pages${props.name ? `：${props.name}` : ''}`}>
    {TABS.map((t) =>
      t.tab === props.current ? (
        <a href={`/staff/elders/${props.elder_id}${t.path}`} aria-current="page">
          <strong>
            <T zh={t.zh} en={t.en} />
          </strong>
        </a>
      ) : (
        <a href={`/staff/elders/${props.elder_id}${t.path}`}>
          <T zh={t.zh} en={t.en} />
        </a>
      ),
    )}
    {props.role && (AWARD_OFFICERS as readonly string[]).includes(props.role) && (
      <a href={`/staff/awards?elder=${props.elder_id}`}>
        <T zh="奖励积分" en="Award points" />
      </a>
    )}
  </nav>
);

/** How far back the line looks for one of `actions` among an elder's records: the page's own actions
 * are among the last few in practice, and a bounded read keeps the page one small Query. */
export const LAST_CHANGE_LOOKBACK = 50;

/** The newest audit record about `subject` whose action is one of `actions`, or null. */
export const lastChangeAmong = async (deps: Deps, subject: string, actions: readonly string[]): Promise<LastChange> =>
  (await deps.audit.listBySubject(subject, LAST_CHANGE_LOOKBACK)).items.find((a) => actions.includes(a.action)) ?? null;
