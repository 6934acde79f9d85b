// Paying statements by bank (finance and admin only, as the API's payout routes): make a batch of
// every bank-payable approved statement (or put one failed payout in a new batch), download each
// batch's file for the bank portal (GBK or UTF-8 with BOM, from the API's file route: reading the
// accounts is audited there), upload the bank's result file, and the failed payouts to retry.
import * as z from 'zod/mini';
import { STATEMENT_ID_RE } from '@tmc/core/settlement/model';
import type { PayoutBatch } from '@tmc/core/settlement/ports';
import type { ResultLine } from '@tmc/core/settlement/bank';
import { CSV_MAX_BYTES, defineRoute, type Ctx, type Deps, type RouteDef } from '@tmc/app/public';
import { FINANCE, reviewerOf, settlementDeps } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { ErrorBox, Notice, expected, msgOfError, type Msg } from '../kit/ui';
import { Yuan } from '../kit/settlement-ui';
import { chinaTime, staffPage } from './kit';
import { queuePage, SETTLE_DONE, SettleDoneQ, StatementTable } from './settlement-kit';

const BATCHES_SHOWN = 50;
const FAILED_SHOWN = 50;

type BankResult = { lines: ResultLine[]; errors: { line: number; code: string; message: string }[] };
type BatchState = { done?: Msg | undefined; error?: Msg; result?: BankResult; batch?: string | undefined };

const RESULT_ZH = { paid: '已付款', failed: '付款失败', error: '未处理' } as const;

const Results = (props: { r: BankResult }) => (
  <section class="panel" aria-labelledby="res-h">
    <h2 id="res-h">
      <T zh="银行结果文件处理结果" en="Bank result file" />
    </h2>
    <table>
      <thead>
        <tr>
          <th>行 Line</th>
          <th>结算单号 No.</th>
          <th>结果 Result</th>
        </tr>
      </thead>
      <tbody>
        {props.r.lines.map((l) => (
          <tr>
            <td class="num">{l.line}</td>
            <td class="num">{l.statement_no}</td>
            <td>
              {RESULT_ZH[l.result]} {l.code && <code>{l.code}</code>}
            </td>
          </tr>
        ))}
        {props.r.errors.map((e) => (
          <tr>
            <td class="num">{e.line}</td>
            <td>—</td>
            <td class="err">
              <code>{e.code}</code> {e.message}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </section>
);

const Batches = (props: { items: PayoutBatch[]; fresh?: string | undefined }) => (
  <table>
    <thead>
      <tr>
        <th>批次 Batch</th>
        <th>生成 Made</th>
        <th>笔数 Count</th>
        <th>金额 Total</th>
        <th>下载 Download</th>
      </tr>
    </thead>
    <tbody>
      {props.items.map((b) => (
        <tr aria-current={b.batch_id === props.fresh ? 'true' : undefined}>
          <td class="num">{b.batch_id}</td>
          <td class="num">
            {chinaTime(b.created_at)} · {b.created_by}
          </td>
          <td class="num">{b.statement_ids.length}</td>
          <td>
            <Yuan fen={b.total_fen} />
          </td>
          <td class="links">
            <a href={`/api/settlement/batches/${b.batch_id}/file?encoding=gbk`} download>
              GBK
            </a>
            <a href={`/api/settlement/batches/${b.batch_id}/file?encoding=utf8-bom`} download>
              UTF-8
            </a>
          </td>
        </tr>
      ))}
    </tbody>
  </table>
);

const batchesPage = async (c: Ctx, deps: Deps, p: StaffP, state: BatchState, status = 200) => {
  const [batches, failed] = await Promise.all([
    deps.batches.recent(BATCHES_SHOWN),
    queuePage(deps, p, 'payout_failed', FAILED_SHOWN),
  ]);
  return staffPage(
    c,
    deps,
    p,
    '银行付款批次',
    'Bank batches',
    <>
      <Notice msg={state.done} />
      <ErrorBox msg={state.error} />
      {state.result && <Results r={state.result} />}
      <section class="panel" aria-labelledby="make-h">
        <h2 id="make-h">
          <T zh="生成付款批次" en="Make a batch" />
        </h2>
        <p>
          <T
            zh="把所有已审核、以银行转账收款的结算单放进一个批次（最多500笔），再下载文件到网银办理。"
            en="All approved statements of bank-paid merchants (up to 500) go into one batch file for the bank portal."
          />
        </p>
        <form method="post" action="/staff/settlement/batches">
          <button type="submit" class="btn">
            <T zh="生成批次" en="Make the batch" />
          </button>
        </form>
      </section>
      <section class="panel" aria-labelledby="list-h">
        <h2 id="list-h">
          <T zh="批次" en="Batches" />
        </h2>
        {batches.length === 0 ? <p>还没有批次 No batches yet.</p> : <Batches items={batches} fresh={state.batch} />}
        <p class="links">
          <T zh="导出付款记录" en="Export payouts" />
          {': '}
          <a href="/api/settlement/payouts.csv?encoding=gbk" download>
            CSV (GBK)
          </a>{' '}
          <a href="/api/settlement/payouts.csv?encoding=utf8-bom" download>
            CSV (UTF-8)
          </a>
        </p>
      </section>
      <section class="panel" aria-labelledby="up-h">
        <h2 id="up-h">
          <T zh="上传银行结果文件" en="Upload the bank's result file" />
        </h2>
        <form method="post" action="/staff/settlement/bank-results" enctype="multipart/form-data">
          <div class="field">
            <label for="f-batch">
              <T zh="付款批次" en="Batch" />
            </label>
            <select id="f-batch" name="batch_id" required>
              {batches.map((b) => (
                <option value={b.batch_id} selected={b.batch_id === state.batch}>
                  {b.batch_id}（{b.statement_ids.length} 笔）
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="f-file">
              <T zh="CSV 文件（GBK 或 UTF-8）" en="CSV file (GBK or UTF-8)" />
            </label>
            <input id="f-file" name="file" type="file" accept=".csv,text/csv" required />
          </div>
          <button type="submit" class="btn">
            <T zh="上传并处理" en="Upload" />
          </button>
        </form>
      </section>
      <section class="panel" aria-labelledby="failed-h">
        <h2 id="failed-h">
          <T zh="付款失败（可重新付款）" en="Failed payouts (retry from the statement)" />
        </h2>
        {failed.items.length === 0 ? (
          <p>
            <T zh="没有付款失败的结算单。" en="No failed payouts." />
          </p>
        ) : (
          <StatementTable items={failed.items} now={deps.clock.now()} />
        )}
      </section>
    </>,
    { status },
  );
};

export const staffPayoutRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/settlement/batches',
    access: { roles: FINANCE },
    tags: ['pages'],
    page: true,
    summary: 'Bank batches: make one, download files, upload the result file; failed payouts',
    query: z.object({ ...SettleDoneQ.shape, batch: z.optional(z.string().check(z.maxLength(40))) }),
    handler(c, { query, principal: p }) {
      return batchesPage(c, deps, p, { done: query.done ? SETTLE_DONE[query.done] : undefined, batch: query.batch });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/settlement/batches',
    access: { roles: FINANCE },
    tags: ['pages'],
    page: true,
    summary: 'Make a bank batch of all bank-payable approved statements (or of one failed payout)',
    bodyKind: 'form',
    body: z.object({ statement_id: z.optional(z.string().check(z.regex(STATEMENT_ID_RE))) }),
    async handler(c, { body, principal: p }) {
      const { createBankBatch } = await import('@tmc/core/settlement/bank');
      const ids = body.statement_id ? [body.statement_id] : undefined;
      const r = await expected(['STATEMENT_STATE_CONFLICT', 'STATEMENT_NOT_FOUND'], () =>
        createBankBatch(settlementDeps(deps), reviewerOf(p), ids),
      );
      if (!r.ok) return batchesPage(c, deps, p, { error: msgOfError(r.error) }, r.error.status);
      return c.redirect(`/staff/settlement/batches?done=batch&batch=${r.value.batch.batch_id}`, 303);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/settlement/bank-results',
    access: { roles: FINANCE },
    tags: ['pages'],
    page: true,
    summary: "Apply the bank's result file: each row marks its statement paid or failed; shows each row's result",
    bodyKind: 'form',
    maxBytes: CSV_MAX_BYTES,
    body: z.object({
      batch_id: z.string().check(z.regex(/^b_\d{14}_[0-9a-f]{6}$/)),
      file: z.optional(z.union([z.instanceof(File), z.string()])),
    }),
    async handler(c, { body, principal: p }) {
      const file = body.file;
      if (!(file instanceof File) || file.size === 0)
        return batchesPage(c, deps, p, { error: { zh: '请选择一个 CSV 文件', en: 'Choose a CSV file' } }, 400);
      const bytes = new Uint8Array(await file.arrayBuffer());
      const { applyBankResult } = await import('@tmc/core/settlement/bank');
      const r = await expected(
        ['BATCH_NOT_FOUND', 'CSV_ENCODING_UNSUPPORTED', 'CSV_HEADER_INVALID', 'CSV_TOO_MANY_ROWS', 'PAYLOAD_TOO_LARGE'],
        () => applyBankResult(settlementDeps(deps), body.batch_id, bytes, reviewerOf(p)),
      );
      if (!r.ok) return batchesPage(c, deps, p, { error: msgOfError(r.error) }, r.error.status);
      return batchesPage(c, deps, p, { result: r.value });
    },
  }),
];
