// Printable points cards for one community: 85.6 x 54 mm, ten to an A4 page. Pressing
// "generate PINs" issues a PIN to each active elder whose PIN was never printed (a bounded batch)
// and prints those cards with their PINs, once: the PIN is stored hashed and never shown again.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { AreaCode, type Area } from '@tmc/core/areas/model';
import { resetPin } from '@tmc/core/elders/service';
import type { ElderRecord } from '@tmc/core/elders/model';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import { assertAreaInScope } from '@tmc/core/elders/access';
import type { Deps } from '@tmc/app/public';
import { T, SITE_NAME } from '../kit/layout';
import { ELDER_OFFICERS, type StaffP } from '../kit/principal';
import { CardNumber, PostButton } from '../kit/ui';
import { staffPage } from './kit';
import { HOTLINE } from '../kit/contacts';

/** PINs issued per press: a sheet of ten pages, and a request that stays well inside the API
 * Gateway timeout (each PIN is one conditional write plus its audit record). */
export const PIN_BATCH_MAX = 100;
/** Elders read while looking for unprinted ones: a large community, read in pages of 100. Bounded
 * so one press never walks an unbounded list on a request path. */
export const PIN_SCAN_MAX = 5_000;
const SCAN_PAGE = 100;
const SHEET_PAGE = 100; // cards per screen of the printable sheet (ten A4 pages)
const PIN_WRITE_CONCURRENCY = 8;

const CodeP = z.object({ code: AreaCode });

const Card = (props: { e: ElderRecord; community: string; pin?: string | undefined }) => (
  <div class="pcard">
    <div class="t">{SITE_NAME} · 积分卡 Points card</div>
    <div class="n">{props.e.name}</div>
    <div>{props.community}</div>
    {props.pin ? (
      <div class="p">PIN：{props.pin}（请妥善保管，勿告诉他人）</div>
    ) : (
      <div class="p">PIN：另行发放 issued separately</div>
    )}
    <CardNumber value={props.e.card_number} cls="c" />
    <div class="h">服务热线 {HOTLINE.number}</div>
  </div>
);

const loadCommunity = async (deps: Deps, p: StaffP, code: string): Promise<Area> => {
  assertAreaInScope(p, code);
  const area = await deps.areas.get(code);
  if (!area || area.level !== 'community') throw new AppError('AREA_NOT_FOUND');
  return area;
};

/** Active elders of the community whose PIN was never printed, at most PIN_BATCH_MAX of them. */
const unprinted = async (deps: Deps, code: string): Promise<{ elders: ElderRecord[]; more: boolean }> => {
  const found: ElderRecord[] = [];
  let cursor: string | undefined;
  for (let read = 0; read < PIN_SCAN_MAX;) {
    const page = await deps.elders.listByCommunity(code, SCAN_PAGE, cursor);
    read += page.items.length;
    for (const e of page.items) {
      if (e.status !== 'active' || e.pin_printed_at !== null) continue;
      if (found.length === PIN_BATCH_MAX) return { elders: found, more: true };
      found.push(e);
    }
    if (!page.cursor) break;
    cursor = page.cursor;
  }
  return { elders: found, more: false };
};

export const cardSheetPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/communities/:code/cards',
    access: { roles: ELDER_OFFICERS },
    tags: ['pages'],
    page: true,
    summary: 'Printable points-card sheet of a community',
    params: CodeP,
    query: z.object({ cursor: z.optional(z.string().check(z.maxLength(500))) }),
    async handler(c, { params, query, principal: p }) {
      const area = await loadCommunity(deps, p, params.code);
      const page = await deps.elders.listByCommunity(params.code, SHEET_PAGE, query.cursor);
      const active = page.items.filter((e) => e.status === 'active');
      const waiting = active.filter((e) => e.pin_printed_at === null).length;
      return staffPage(
        c,
        deps,
        p,
        `积分卡打印：${area.name}`,
        'Card sheet',
        <>
          <div class="panel noprint">
            <p>
              本页 {active.length} 张卡，其中 {waiting} 位老人的 PIN 还没有打印。{active.length} cards on this page;{' '}
              {waiting} without a printed PIN.
            </p>
            <p class="muted">
              按下按钮为未打印 PIN 的老人（每次最多 {PIN_BATCH_MAX} 位）生成新 PIN，并打印带 PIN 的卡片。PIN
              只显示这一次。Generates PINs for up to {PIN_BATCH_MAX} elders whose PIN was never printed; shown once.
            </p>
            <PostButton
              action={`/staff/communities/${params.code}/cards`}
              label={{ zh: '为未打印的老人生成 PIN', en: 'Generate PINs for unprinted cards' }}
            />
            {page.cursor && (
              <p class="links">
                <a href={`/staff/communities/${params.code}/cards?cursor=${encodeURIComponent(page.cursor)}`}>
                  <T zh="下一页" en="Next" />
                </a>
              </p>
            )}
          </div>
          <div class="sheet">
            {active.map((e) => (
              <Card e={e} community={area.name} />
            ))}
          </div>
        </>,
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/communities/:code/cards',
    access: { roles: ELDER_OFFICERS },
    tags: ['pages'],
    page: true,
    summary: `Issue PINs to up to ${PIN_BATCH_MAX} elders whose PIN was never printed and show their cards once`,
    params: CodeP,
    bodyKind: 'form',
    body: z.object({}),
    async handler(c, { params, principal: p }) {
      const area = await loadCommunity(deps, p, params.code);
      const { elders, more } = await unprinted(deps, params.code);
      const issued: { e: ElderRecord; pin: string }[] = [];
      for (let i = 0; i < elders.length; i += PIN_WRITE_CONCURRENCY) {
        const batch = elders.slice(i, i + PIN_WRITE_CONCURRENCY);
        const results = await Promise.all(
          batch.map(async (e) => {
            try {
              const r = await resetPin(deps, e, p.sub);
              return { e: r.record, pin: r.pin };
            } catch (err) {
              // Another officer pressed at the same moment and issued this PIN: theirs stands.
              if (err instanceof AppError && (err.code === 'CONFLICT' || err.code === 'ELDER_INACTIVE')) return null;
              throw err;
            }
          }),
        );
        for (const r of results) if (r) issued.push(r);
      }
      return staffPage(
        c,
        deps,
        p,
        `积分卡打印：${area.name}`,
        'Card sheet',
        <>
          <div class="panel noprint" role="status">
            <p class="notice">
              已为 {issued.length} 位老人生成 PIN。请现在打印（Ctrl+P）：离开本页后 PIN 不会再显示。PINs issued for{' '}
              {issued.length}; print now, they are not shown again.
            </p>
            {more && <p>还有更多老人未打印，打印后请再按一次。More remain: print, then press again.</p>}
            <p class="links">
              <a href={`/staff/communities/${params.code}/cards`}>
                <T zh="返回卡片列表" en="Back to the sheet" />
              </a>
            </p>
          </div>
          <div class="sheet">
            {issued.map((x) => (
              <Card e={x.e} community={area.name} pin={x.pin} />
            ))}
          </div>
        </>,
      );
    },
  }),
];
