// One elder's points in the staff console (issue 12): balance, frozen or not, what expires when (by
// lot), the history paged by key with its CSV, freeze and unfreeze with a reason, and a link to
// reverse an entry (elder-reverse.tsx). The same functions and role lists as the API routes
// (app api/points.ts): GET /api/elders/:id/points, .../points/history, POST .../wallet/{freeze,unfreeze}.
import * as z from 'zod/mini';
import type { ErrorCode } from '@tmc/core/kernel/errors';
import { ElderId } from '@tmc/core/kernel/ids';
import { ENTRY_KIND_ZH, REVERSED_BY_FLOW, isReversible, type EntryKind } from '@tmc/core/ledger/entry';
import { setWalletFrozen } from '@tmc/core/ledger/service';
import type { ElderRecord } from '@tmc/core/elders/model';
import { defineRoute, type Ctx, type Deps, type RouteDef } from '@tmc/app/public';
import { HISTORY_PAGE_DEFAULT, historyOf, pointsOf, REVERSERS, STAFF_POINTS_READERS } from '@tmc/app/public';
import { WALLET_FREEZERS } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { ErrorBox, Field, Notice, expected, msgOfError, type Msg } from '../kit/ui';
import { CsvEncodingQ, csvDownload, csvLinks } from '../kit/csv-download';
import { chinaTime, loadElderInScope, staffPage } from './kit';
import { LastChangeLine } from './last-change';
import { ElderNav, lastChangeAmong } from './elder-nav';
import { FIX_REASON, ReasonForm, reasonIssue } from './reason';

const ElderIdP = z.object({ elder_id: ElderId });
export const WALLET_REASON_MIN = 2; // the API's FreeText(2, 200)
export const WALLET_REASON_MAX = 200;
/** Rows one CSV download may hold: years of an elder's history (a few entries a month), bounded so
 * one request stays a handful of Queries. */
export const HISTORY_CSV_MAX_ROWS = 2000;
const CSV_PAGE = 100; // the history read's own page limit

const DONE = {
  frozen: { zh: '已冻结积分账户：不能再消费，补贴照常到账', en: 'Wallet frozen' },
  unfrozen: { zh: '已解冻积分账户', en: 'Wallet unfrozen' },
  reversed: { zh: '已冲正该记录', en: 'Entry reversed' },
} as const satisfies Record<string, Msg>;
const PointsQ = z.object({
  cursor: z.optional(z.string().check(z.maxLength(500))),
  done: z.optional(z.enum(['frozen', 'unfrozen', 'reversed'])),
});
const FREEZE_ERRORS: readonly ErrorCode[] = ['CONFLICT'];

const has = (roles: readonly string[], p: StaffP) => roles.includes(p.role);
export const kindZh = (k: string): string => ENTRY_KIND_ZH[k as EntryKind] ?? k;
/** Reversible here: the ledger allows it and no flow owns it (a capture goes back with its dispute). */
export const reversibleHere = (k: string): boolean =>
  k in ENTRY_KIND_ZH && isReversible(k as EntryKind) && !REVERSED_BY_FLOW[k as EntryKind];

type FreezeState = { error?: Msg; reasonError?: Msg; reason?: string };

const FreezeForm = (props: { e: ElderRecord; frozen: boolean; state: FreezeState }) => {
  const move = props.frozen ? 'unfreeze' : 'freeze';
  return (
    <form method="post" action={`/staff/elders/${props.e.elder_id}/wallet/${move}`} class="narrow">
      <ErrorBox msg={props.state.error} />
      <Field
        name="reason"
        id="wallet-reason"
        label={props.frozen ? { zh: '解冻原因', en: 'Reason to unfreeze' } : { zh: '冻结原因', en: 'Reason to freeze' }}
        hint={{
          zh: `${WALLET_REASON_MIN}–${WALLET_REASON_MAX} 字`,
          en: `${WALLET_REASON_MIN}–${WALLET_REASON_MAX} characters`,
        }}
        error={props.state.reasonError}
        value={props.state.reason}
        maxlength={WALLET_REASON_MAX}
        required
      />
      <button type="submit" class={props.frozen ? 'btn' : 'btn btn-warn'}>
        {props.frozen ? (
          <T zh="解冻积分账户" en="Unfreeze the wallet" />
        ) : (
          <T zh="冻结积分账户" en="Freeze the wallet" />
        )}
      </button>
    </form>
  );
};

export const pointsPage = async (
  c: Ctx,
  deps: Deps,
  p: StaffP,
  e: ElderRecord,
  x: { done?: Msg | undefined; freeze?: FreezeState; cursor?: string | undefined },
  opts: { status?: number } = {},
) => {
  const [pts, hist, last] = await Promise.all([
    pointsOf(deps, e.elder_id),
    historyOf(deps, e.elder_id, HISTORY_PAGE_DEFAULT, x.cursor),
    lastChangeAmong(deps, `elder:${e.elder_id}`, ['wallet.freeze', 'wallet.unfreeze']),
  ]);
  const base = `/staff/elders/${e.elder_id}/points`;
  const csv = csvLinks(`${base}/history.csv`);
  const canReverse = has(REVERSERS, p);
  return staffPage(
    c,
    deps,
    p,
    `老人积分：${e.name}`,
    'Elder points',
    <>
      <ElderNav elder_id={e.elder_id} current="points" name={e.name} role={p.role} />
      <Notice msg={x.done} />
      <section class="panel" aria-labelledby="bal-h">
        <h2 id="bal-h">
          <T zh="积分余额" en="Balance" />
        </h2>
        <dl class="kv">
          <dt>余额 Balance</dt>
          <dd class="num" data-balance={pts.balance_points}>
            {pts.balance_points} 分
          </dd>
          <dt>账户状态 Wallet</dt>
          <dd data-frozen={String(pts.frozen)}>
            {pts.frozen ? (
              <span class="tag">已冻结 Frozen（不能消费 no spending）</span>
            ) : (
              <span class="tag ok">正常 Active</span>
            )}
          </dd>
        </dl>
        <LastChangeLine last={last} />
        {has(WALLET_FREEZERS, p) && <FreezeForm e={e} frozen={pts.frozen} state={x.freeze ?? {}} />}
      </section>
      <section class="panel" aria-labelledby="lots-h">
        <h2 id="lots-h">
          <T zh="积分到期情况" en="What expires when" />
        </h2>
        {pts.expiring.length === 0 ? (
          <p>
            <T zh="暂无可用积分。" en="No points to spend." />
          </p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">到期日 Expires</th>
                <th scope="col">积分 Points</th>
                <th scope="col">类别 Kind</th>
              </tr>
            </thead>
            <tbody>
              {pts.expiring.map((l) => (
                <tr>
                  <td class="num">{l.expires_on ?? '长期有效 Never'}</td>
                  <td class="num">{l.points}</td>
                  <td>{l.subsidy ? '补贴 Subsidy' : '自费 Paid'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="panel" aria-labelledby="hist-h">
        <h2 id="hist-h">
          <T zh="积分记录" en="History" />
        </h2>
        <p class="links">
          <a href={csv.utf8}>
            <T zh="导出 CSV（UTF-8）" en="CSV (UTF-8)" />
          </a>
          <a href={csv.gbk}>
            <T zh="导出 CSV（GBK，Excel）" en="CSV (GBK, Excel)" />
          </a>
        </p>
        {hist.items.length === 0 ? (
          <p>
            <T zh="暂无记录。" en="Nothing yet." />
          </p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">时间 Time</th>
                <th scope="col">说明 What</th>
                <th scope="col">积分 Points</th>
                <th scope="col">余额 Balance after</th>
                {canReverse && <th scope="col">操作 Action</th>}
              </tr>
            </thead>
            <tbody>
              {hist.items.map((h) => (
                <tr data-entry={h.entry_id}>
                  <td class="num">{chinaTime(h.created_at)}</td>
                  <td>{h.description}</td>
                  <td class="num">{h.amount_points > 0 ? `+${h.amount_points}` : h.amount_points}</td>
                  <td class="num">{h.balance_after ?? '—'}</td>
                  {canReverse && (
                    <td>
                      {reversibleHere(h.kind) ? (
                        <a href={`${base}/entries/${encodeURIComponent(h.entry_id)}/reverse`}>
                          <T zh={`冲正（${kindZh(h.kind)}）`} en="Reverse" />
                        </a>
                      ) : (
                        '—'
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p class="pager links">
          {x.cursor && (
            <a href={base}>
              <T zh="最新记录" en="Newest" />
            </a>
          )}
          {hist.cursor && (
            <a href={`${base}?cursor=${encodeURIComponent(hist.cursor)}`} rel="next">
              <T zh="更早的记录" en="Older" />
            </a>
          )}
        </p>
      </section>
    </>,
    { status: opts.status ?? 200 },
  );
};

/** The whole history (bounded) as rows for the CSV: newest first, as on the page. */
const historyRows = async (deps: Deps, elder_id: string): Promise<string[][]> => {
  const rows: string[][] = [];
  let cursor: string | undefined;
  do {
    const h = await historyOf(deps, elder_id, CSV_PAGE, cursor);
    for (const l of h.items)
      rows.push([
        chinaTime(l.created_at),
        kindZh(l.kind),
        l.description,
        String(l.amount_points),
        l.balance_after === null ? '' : String(l.balance_after),
        l.entry_id,
      ]);
    cursor = h.cursor ?? undefined;
  } while (cursor && rows.length < HISTORY_CSV_MAX_ROWS);
  return rows.slice(0, HISTORY_CSV_MAX_ROWS);
};

const walletRoute = (deps: Deps, move: 'freeze' | 'unfreeze') =>
  defineRoute({
    method: 'post',
    path: `/staff/elders/:elder_id/wallet/${move}`,
    access: { roles: WALLET_FREEZERS },
    tags: ['pages'],
    page: true,
    summary: move === 'freeze' ? "Freeze an elder's wallet with a reason (audited)" : 'Unfreeze it (audited)',
    params: ElderIdP,
    bodyKind: 'form',
    body: ReasonForm,
    async handler(c, { params, body, principal: p }) {
      const e = await loadElderInScope(deps, p, params.elder_id);
      const reason = (body.reason ?? '').trim();
      const bad = reasonIssue(reason, WALLET_REASON_MIN, WALLET_REASON_MAX);
      if (bad)
        return pointsPage(c, deps, p, e, { freeze: { error: FIX_REASON, reasonError: bad, reason } }, { status: 400 });
      const r = await expected(FREEZE_ERRORS, () =>
        setWalletFrozen(deps, e.elder_id, move === 'freeze', { actor: p.sub, reason, request_id: c.get('requestId') }),
      );
      if (!r.ok)
        return pointsPage(
          c,
          deps,
          p,
          e,
          { freeze: { error: msgOfError(r.error), reason } },
          { status: r.error.status },
        );
      return c.redirect(`/staff/elders/${e.elder_id}/points?done=${move === 'freeze' ? 'frozen' : 'unfrozen'}`, 303);
    },
  });

export const staffPointsPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/elders/:elder_id/points',
    access: { roles: STAFF_POINTS_READERS },
    tags: ['pages'],
    page: true,
    summary: "An elder's balance, lots by expiry, history (paged), freeze and reversal links",
    params: ElderIdP,
    query: PointsQ,
    async handler(c, { params, query, principal: p }) {
      const e = await loadElderInScope(deps, p, params.elder_id);
      return pointsPage(c, deps, p, e, { done: query.done ? DONE[query.done] : undefined, cursor: query.cursor });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/elders/:elder_id/points/history.csv',
    access: { roles: STAFF_POINTS_READERS },
    tags: ['pages'],
    page: true,
    summary: "An elder's points history as CSV (UTF-8 with BOM, or GBK)",
    params: ElderIdP,
    query: z.object({ encoding: CsvEncodingQ }),
    async handler(c, { params, query, principal: p }) {
      const e = await loadElderInScope(deps, p, params.elder_id);
      return csvDownload(
        `points-${e.elder_id}.csv`,
        ['时间 Time', '类型 Kind', '说明 What', '积分 Points', '余额 Balance after', '记录号 Entry'],
        await historyRows(deps, e.elder_id),
        query.encoding,
      );
    },
  }),
  walletRoute(deps, 'freeze'),
  walletRoute(deps, 'unfreeze'),
];
