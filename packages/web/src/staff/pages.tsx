// Staff console: the area tree under the officer's scope, a community's elders page by page,
// and the search box (exactly one of name, phone or 12-digit card, like GET /api/elders/search).
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { AreaCode, isWithin } from '@tmc/core/areas/model';
import { isValidCardNumber } from '@tmc/core/elders/points-card';
import { CARE_LEVEL_ZH, GENDER_ZH, SPECIAL_CATEGORY_ZH, type ElderRecord } from '@tmc/core/elders/model';
import { ageOn } from '@tmc/core/elders/id-card';
import { PHONE_RE } from '@tmc/core/kernel/ids';
import { defineRoute, type RouteDef, type Deps } from '@tmc/app/public';
import { assertAreaInScope } from '@tmc/core/elders/access';
import { T } from '../kit/layout';
import { ALL_STAFF, ELDER_OFFICERS, isOfficer, type StaffP } from '../kit/principal';
import { communitiesOf, loadAreaTree, type AreaNode } from '../kit/areas';
import { chinaTime, staffPage } from './kit';
import { ConsoleMenu } from './console-menu';
import { Notice } from '../kit/ui';

export const COMMUNITY_PAGE_SIZE = 20; // one screen of a desktop table
export const SEARCH_RESULTS_MAX = 50; // an exact name rarely matches more people in one district

const Tree = (props: { nodes: AreaNode[]; links: boolean }) => (
  <ul>
    {props.nodes.map((n) => (
      <li>
        {n.level === 'community' && props.links ? (
          <>
            <a href={`/staff/communities/${n.code}`}>{n.name}</a> ·{' '}
            <a href={`/staff/communities/${n.code}/cards`}>积分卡 Cards</a>
          </>
        ) : (
          <b>{n.name}</b>
        )}
        {n.children.length > 0 && <Tree nodes={n.children} links={props.links} />}
      </li>
    ))}
  </ul>
);

export const SearchBox = (props: { q?: string }) => (
  <form method="get" action="/staff/search" class="search" role="search">
    <div class="field">
      <label for="f-q">
        <T zh="查找老人：姓名、手机号或12位积分卡号" en="Find: name, phone or 12-digit card" />
      </label>
      <input id="f-q" name="q" type="search" maxlength={30} value={props.q ?? ''} />
    </div>
    <button class="btn" type="submit">
      <T zh="查找" en="Search" />
    </button>
  </form>
);

export const ElderTable = (props: { elders: ElderRecord[]; areaNames?: Map<string, string>; today: Date }) => (
  <table>
    <thead>
      <tr>
        <th>姓名 Name</th>
        <th>性别</th>
        <th>出生日期（年龄） Born</th>
        <th>身份证 ID</th>
        <th>手机 Phone</th>
        {props.areaNames && <th>社区 Community</th>}
        <th>护理等级 Care</th>
        <th>类别 Category</th>
        <th>积分卡号 Card</th>
        <th>状态 Status</th>
      </tr>
    </thead>
    <tbody>
      {props.elders.map((e) => (
        <tr>
          <td>
            <a href={`/staff/elders/${e.elder_id}`}>{e.name}</a>
          </td>
          <td>{GENDER_ZH[e.gender]}</td>
          <td class="num">
            {e.birth_date}（{ageOn(e.birth_date, props.today)}岁）
          </td>
          <td class="num">{e.id_masked}</td>
          <td class="num">{e.phone_masked ?? '—'}</td>
          {props.areaNames && <td>{props.areaNames.get(e.community_code) ?? e.community_code}</td>}
          <td>{e.care_level ? CARE_LEVEL_ZH[e.care_level] : '—'}</td>
          <td>{e.special_categories.map((x) => SPECIAL_CATEGORY_ZH[x]).join('、') || '—'}</td>
          <td class="num">{e.card_number}</td>
          <td>{e.status === 'active' ? '在册' : '已退出'}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

type Query = { kind: 'name' | 'phone' | 'card'; value: string };

/** One box, three keys: 11 digits starting with 1 is a phone, 12 digits a card, else a name. */
export const classifyQuery = (raw: string): Query | null => {
  const q = raw.trim();
  const digits = q.replace(/[\s-]/g, '');
  if (/^\d+$/.test(digits)) {
    if (PHONE_RE.test(digits)) return { kind: 'phone', value: digits };
    if (/^\d{12}$/.test(digits)) return { kind: 'card', value: digits };
    return null;
  }
  if (q.length < 1 || q.length > 30 || /[<>"'`;\\]/.test(q)) return null;
  return { kind: 'name', value: q };
};

/** Same lookups as GET /api/elders/search: each a key lookup, then limited to the officer's area. */
export const searchElders = async (deps: Deps, p: StaffP, q: Query): Promise<ElderRecord[]> => {
  let found: ElderRecord[];
  if (q.kind === 'name')
    found = await deps.elders.findByName(q.value, p.scope ? `${p.scope}.` : null, SEARCH_RESULTS_MAX);
  else if (q.kind === 'phone')
    found = await deps.elders.getMany(await deps.elders.findIdsByPhoneHash(deps.blindIndex('phone', q.value)));
  else {
    const id = isValidCardNumber(q.value) ? await deps.elders.findIdByCard(q.value) : null;
    found = id ? await deps.elders.getMany([id]) : [];
  }
  return found.filter((e) => e.status === 'active' && (!p.scope || isWithin(e.community_code, p.scope)));
};

/** This sign-in and the one before it: a "before" the user does not remember was someone else. */
const LastSignIn = (props: { last: string | null; prev: string | null }) => (
  <p class="muted" data-last-sign-in={props.prev ?? ''}>
    <T zh="上次登录" en="Previous sign-in" />：{props.prev ? chinaTime(props.prev) : '—'} ·{' '}
    <T zh="最近一次登录" en="Latest sign-in" />：{props.last ? chinaTime(props.last) : '—'} ·{' '}
    <a href="/staff/password">
      <T zh="修改密码" en="Change password" />
    </a>
  </p>
);

export const staffPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff',
    access: { roles: ALL_STAFF },
    tags: ['pages'],
    page: true,
    summary: 'Staff console: the areas under my scope, and my last sign-ins',
    query: z.object({ done: z.optional(z.literal('password')) }),
    async handler(c, { query, principal: p }) {
      const [tree, me] = await Promise.all([loadAreaTree(deps, p.scope), deps.staff.get(p.username)]);
      const officer = isOfficer(p);
      return staffPage(
        c,
        deps,
        p,
        '工作台',
        'Console',
        <>
          {query.done === 'password' && <Notice msg={{ zh: '新密码已保存', en: 'New password saved' }} />}
          <LastSignIn last={me?.last_login_at ?? null} prev={me?.prev_login_at ?? null} />
          {officer && (
            <div class="panel">
              <SearchBox />
            </div>
          )}
          <ConsoleMenu p={p} />
          <div class="panel">
            <h2>
              <T zh="管辖区域" en="My areas" />
            </h2>
            {tree.length === 0 ? (
              <p>暂无区域 No areas yet.</p>
            ) : (
              <div class="tree">
                <Tree nodes={tree} links={officer} />
              </div>
            )}
          </div>
        </>,
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/search',
    access: { roles: ELDER_OFFICERS },
    tags: ['pages'],
    page: true,
    summary: 'Find elders by exact name, phone or card number within my area',
    query: z.object({ q: z.optional(z.string().check(z.maxLength(60))) }),
    async handler(c, { query, principal: p }) {
      const raw = query.q ?? '';
      const q = raw.trim() ? classifyQuery(raw) : null;
      const results = q ? await searchElders(deps, p, q) : [];
      const names = new Map(communitiesOf(await loadAreaTree(deps, p.scope)).map((x) => [x.code, x.label]));
      return staffPage(
        c,
        deps,
        p,
        '查找老人',
        'Find an elder',
        <>
          <div class="panel">
            <SearchBox q={raw} />
          </div>
          {raw.trim() && !q && (
            <p class="err">
              请输入完整姓名、11位手机号或12位积分卡号 Enter a full name, an 11-digit phone or a 12-digit card number
            </p>
          )}
          {q &&
            (results.length === 0 ? (
              <p class="notice">没有找到 No match in your area</p>
            ) : (
              <div class="panel">
                <p>
                  找到 {results.length} 人 Found {results.length}
                </p>
                <ElderTable elders={results} areaNames={names} today={deps.clock.now()} />
              </div>
            ))}
        </>,
        { status: raw.trim() && !q ? 400 : 200 },
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/communities/:code',
    access: { roles: ELDER_OFFICERS },
    tags: ['pages'],
    page: true,
    summary: 'Elders of one community, a page at a time',
    params: z.object({ code: AreaCode }),
    query: z.object({ cursor: z.optional(z.string().check(z.maxLength(500))) }),
    async handler(c, { params, query, principal: p }) {
      assertAreaInScope(p, params.code);
      const area = await deps.areas.get(params.code);
      if (!area || area.level !== 'community') throw new AppError('AREA_NOT_FOUND');
      const page = await deps.elders.listByCommunity(params.code, COMMUNITY_PAGE_SIZE, query.cursor);
      return staffPage(
        c,
        deps,
        p,
        area.name,
        'Community',
        <>
          <div class="panel">
            <SearchBox />
          </div>
          <div class="panel links noprint">
            <a href={`/staff/elders/new?community=${params.code}`}>
              <T zh="在本社区登记老人" en="Register here" />
            </a>
            <a href={`/staff/communities/${params.code}/cards`}>
              <T zh="打印积分卡" en="Print cards" />
            </a>
          </div>
          <div class="panel">
            {page.items.length === 0 ? (
              <p>本页没有老人 No elders on this page.</p>
            ) : (
              <ElderTable elders={page.items} today={deps.clock.now()} />
            )}
            <p class="pager links">
              {query.cursor && (
                <a href={`/staff/communities/${params.code}`}>
                  <T zh="第一页" en="First page" />
                </a>
              )}
              {page.cursor && (
                <a href={`/staff/communities/${params.code}?cursor=${encodeURIComponent(page.cursor)}`} rel="next">
                  <T zh="下一页" en="Next" />
                </a>
              )}
            </p>
          </div>
        </>,
      );
    },
  }),
];
