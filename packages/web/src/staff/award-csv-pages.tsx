// Activity awards from a sign-in sheet (CSV, UTF-8 or GBK) in two steps: "check" parses and checks
// every row, caps included, writes no points, keeps the file as a pending upload keyed by the hash of
// the officer's area and the bytes, and shows a preview (rows, elders, points) with per-row errors
// (downloadable as CSV); "confirm" checks the kept file again and awards it. Award ids derive from the
// file and row (core award-csv.ts), so the same file confirmed twice awards nothing twice.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { sha256 } from '@tmc/core/kernel/secrets';
import { AWARD_CSV_ROWS_MAX, type AwardCheck } from '@tmc/core/policy/award-csv';
import {
  AWARD_UPLOAD_ERRORS_KEPT,
  AWARD_UPLOAD_MAX_BYTES,
  createAwardUploadStore,
  type AwardUpload,
} from '@tmc/store/entities/award-uploads';
import { AWARD_OFFICERS, defineRoute, policyNow, type Ctx, type Deps, type RouteDef } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { ErrorBox, Notice, expected, msgOfError, type Msg } from '../kit/ui';
import { CsvEncodingQ, csvDownload, csvLinks } from '../kit/csv-download';
import { chinaTime, staffPage } from './kit';
import { LastChangeLine, lastChangeOf } from './last-change';

/** Errors listed on the page; the download has every error kept with the file. */
const ERRORS_SHOWN = 50;
const MAX_TEXT = `${Math.floor(AWARD_UPLOAD_MAX_BYTES / 1024)} KB`;
const UPLOAD_ID_RE = /^[A-Za-z0-9_-]{32}$/; // base64url of a sha256

export const CsvUploadForm = (props: { error?: Msg | undefined }) => (
  <section class="panel narrow" aria-labelledby="csv-h">
    <h2 id="csv-h">
      <T zh="按签到表批量奖励 (CSV)" en="Award from a sign-in sheet (CSV)" />
    </h2>
    <ErrorBox msg={props.error} />
    <form method="post" action="/staff/awards/csv" enctype="multipart/form-data">
      <div class="field">
        <label for="f-file">
          <T zh="选择 CSV 文件（UTF-8 或 GBK）" en="CSV file (UTF-8 or GBK)" />
        </label>
        <input id="f-file" name="file" type="file" accept=".csv,text/csv" required />
      </div>
      <button class="btn" type="submit">
        <T zh="上传并检查" en="Upload and check" />
      </button>
    </form>
    <p class="muted">
      列：卡号、类型（健康体检、社区活动、志愿服务）、数量、说明。先检查每一行（含每月上限），不发放；核对预览后再确认。
      同一文件重复确认不会重复奖励。最多 {AWARD_CSV_ROWS_MAX} 行、{MAX_TEXT}。
    </p>
    <p class="muted" lang="en">
      Columns: card number, kind, quantity, reason. Every row is checked first (caps included) and nothing is awarded
      until you confirm. The same file never awards twice.
    </p>
  </section>
);

const uploadIdOf = (scope: string | null, bytes: Uint8Array): string =>
  sha256(`${scope ?? '*'}\n${sha256(Buffer.from(bytes))}`).slice(0, 32);

/** The officer's own area's upload only: another area's is not found. */
const uploadFor = async (deps: Deps, p: StaffP, upload_id: string): Promise<AwardUpload> => {
  const u = UPLOAD_ID_RE.test(upload_id) ? await createAwardUploadStore(deps.db).get(upload_id) : null;
  if (!u || u.scope !== p.scope) throw new AppError('IMPORT_NOT_FOUND');
  return u;
};

const check = async (deps: Deps, p: StaffP, bytes: Uint8Array): Promise<AwardCheck> => {
  const { checkAwardCsv } = await import('@tmc/core/policy/award-csv'); // CSV code loads on use
  return checkAwardCsv(deps, await policyNow(deps), { bytes, scope: p.scope });
};

type Kept = Pick<AwardUpload, 'upload_id' | 'scope' | 'file_name' | 'bytes'>;
const keep = async (deps: Deps, p: StaffP, u: Kept, r: AwardCheck) =>
  createAwardUploadStore(deps.db).put({
    ...u,
    row_count: r.row_count,
    elders: r.elders,
    points: r.points,
    error_count: r.errors.length,
    errors: r.errors.slice(0, AWARD_UPLOAD_ERRORS_KEPT),
    actor: p.sub,
    checked_at: deps.clock.now().toISOString(),
  });

const ErrorTable = (props: { u: AwardUpload }) => {
  const shown = props.u.errors.slice(0, ERRORS_SHOWN);
  const links = csvLinks(`/staff/awards/csv/${props.u.upload_id}/errors.csv`);
  return (
    <>
      <p class="err" role="alert">
        文件有 {props.u.error_count} 处错误，不会发放任何积分；请改正后重新上传。The file has {props.u.error_count}{' '}
        errors; nothing will be awarded.
      </p>
      <p class="links">
        <a href={links.utf8}>
          <T zh="下载错误报告 (CSV, UTF-8)" en="Download the errors (UTF-8)" />
        </a>
        <a href={links.gbk}>
          <T zh="下载错误报告 (CSV, GBK)" en="Download the errors (GBK)" />
        </a>
      </p>
      <table id="award-errors">
        <caption>
          前 {shown.length} 处错误 First {shown.length} errors
        </caption>
        <thead>
          <tr>
            <th scope="col">行号 Row</th>
            <th scope="col">列 Column</th>
            <th scope="col">错误代码 Code</th>
            <th scope="col">说明 Description</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e) => (
            <tr>
              <td class="num">{e.row}</td>
              <td>{e.column}</td>
              <td>
                <code>{e.code}</code>
              </td>
              <td>
                {e.message}
                <br />
                <span lang="en">{e.message_en}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
};

type Outcome = { awarded: number; already: number };

const uploadPage = async (
  c: Ctx,
  deps: Deps,
  p: StaffP,
  u: AwardUpload,
  opts: { outcome?: Outcome; error?: Msg; status?: number } = {},
) => {
  const last = await lastChangeOf(deps, `award-upload:${u.upload_id}`);
  const o = opts.outcome;
  return staffPage(
    c,
    deps,
    p,
    '批量奖励：检查结果',
    'Award sheet: the check',
    <>
      {o && (
        <Notice
          msg={{
            zh: `已奖励 ${o.awarded} 行；此前已奖励 ${o.already} 行（不重复发放）`,
            en: `Awarded ${o.awarded} rows; ${o.already} were awarded before (not again)`,
          }}
        />
      )}
      <ErrorBox msg={opts.error} />
      <section class="panel" aria-labelledby="check-h">
        <h2 id="check-h">
          <T zh={`文件：${u.file_name}`} en={`File: ${u.file_name}`} />
        </h2>
        <dl class="kv" id="award-preview">
          <dt>行数 Rows</dt>
          <dd class="num">{u.row_count}</dd>
          <dt>老人 Elders</dt>
          <dd class="num">{u.elders}</dd>
          <dt>积分 Points</dt>
          <dd class="num">{u.points}</dd>
          <dt>检查于 Checked</dt>
          <dd class="num">{chinaTime(u.checked_at)}</dd>
        </dl>
        <LastChangeLine last={last} />
        {u.error_count > 0 ? (
          <ErrorTable u={u} />
        ) : (
          !o && (
            <form method="post" action={`/staff/awards/csv/${u.upload_id}/confirm`}>
              <button class="btn" type="submit">
                <T zh={`确认奖励：${u.elders} 位老人，共 ${u.points} 积分`} en="Confirm the awards" />
              </button>
            </form>
          )
        )}
      </section>
      <p class="links">
        <a href="/staff/awards">
          <T zh="返回活动奖励" en="Back to awards" />
        </a>
      </p>
    </>,
    { status: opts.status },
  );
};

const UploadP = z.object({ upload_id: z.string().check(z.regex(UPLOAD_ID_RE)) });
const DoneQ = z.object({
  awarded: z.optional(z.string().check(z.regex(/^\d{1,5}$/))),
  already: z.optional(z.string().check(z.regex(/^\d{1,5}$/))),
});
const CSV_ERRORS = ['CSV_ENCODING_UNSUPPORTED', 'CSV_HEADER_INVALID', 'CSV_TOO_MANY_ROWS', 'POLICY_MISSING'] as const;

export const staffAwardCsvPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'post',
    path: '/staff/awards/csv',
    access: { roles: AWARD_OFFICERS },
    tags: ['pages'],
    page: true,
    summary: 'Check an award sheet (CSV) without awarding; keeps it for the confirm step and shows the preview',
    bodyKind: 'form',
    maxBytes: AWARD_UPLOAD_MAX_BYTES,
    body: z.object({ file: z.optional(z.union([z.instanceof(File), z.string()])) }),
    async handler(c, { body, principal: p }) {
      const formPage = (error: Msg, status: number) =>
        staffPage(c, deps, p, '活动奖励积分', 'Activity awards', <CsvUploadForm error={error} />, { status });
      const file = body.file;
      if (!(file instanceof File) || file.size === 0)
        return formPage({ zh: '请选择一个 CSV 文件', en: 'Choose a CSV file' }, 400);
      const bytes = new Uint8Array(await file.arrayBuffer());
      const r = await expected(CSV_ERRORS, () => check(deps, p, bytes));
      if (!r.ok) return formPage(msgOfError(r.error), r.error.status);
      const upload_id = uploadIdOf(p.scope, bytes);
      await keep(deps, p, { upload_id, scope: p.scope, file_name: file.name || 'awards.csv', bytes }, r.value);
      return c.redirect(`/staff/awards/csv/${upload_id}`, 303);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/awards/csv/:upload_id',
    access: { roles: AWARD_OFFICERS },
    tags: ['pages'],
    page: true,
    summary: 'A checked award sheet: rows, elders, points and per-row errors; confirm when clean',
    params: UploadP,
    query: DoneQ,
    async handler(c, { params, query, principal: p }) {
      const u = await uploadFor(deps, p, params.upload_id);
      const outcome = query.awarded
        ? { awarded: Number(query.awarded), already: Number(query.already ?? 0) }
        : undefined;
      return uploadPage(c, deps, p, u, outcome ? { outcome } : {});
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/awards/csv/:upload_id/confirm',
    access: { roles: AWARD_OFFICERS },
    tags: ['pages'],
    page: true,
    summary: 'Award a checked sheet (checked again first; audited; a file awards each row once however often)',
    params: UploadP,
    async handler(c, { params, principal: p }) {
      const u = await uploadFor(deps, p, params.upload_id);
      const policy = await policyNow(deps);
      const r = await check(deps, p, u.bytes); // caps may have filled since the first check
      if (r.errors.length) {
        await keep(deps, p, u, r);
        const again = await uploadFor(deps, p, u.upload_id);
        const error = { zh: '再次检查时发现错误，未发放', en: 'The second check found errors; nothing awarded' };
        return uploadPage(c, deps, p, again, { error, status: 422 });
      }
      const { awardCheckedRows } = await import('@tmc/core/policy/award-csv');
      const out = await awardCheckedRows(deps, policy, r, p.sub);
      if (out.awarded > 0)
        await deps.audit.write({
          actor: p.sub,
          action: 'awards.csv',
          subject: `award-upload:${u.upload_id}`,
          detail: { file: u.file_name, awarded: out.awarded, already: out.already },
          request_id: c.get('requestId'),
        });
      return c.redirect(`/staff/awards/csv/${u.upload_id}?awarded=${out.awarded}&already=${out.already}`, 303);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/awards/csv/:upload_id/errors.csv',
    access: { roles: AWARD_OFFICERS },
    tags: ['pages'],
    page: true,
    summary: "A checked award sheet's row errors as CSV (UTF-8 with BOM, or GBK with encoding=gbk)",
    params: UploadP,
    query: z.object({ encoding: CsvEncodingQ }),
    async handler(_c, { params, query, principal: p }) {
      const u = await uploadFor(deps, p, params.upload_id);
      const rows = u.errors.map((e) => [String(e.row), e.column, e.code, e.message, e.message_en]);
      const header = ['行号 Row', '列 Column', '错误代码 Code', '说明', 'Description'];
      return csvDownload(`award-errors-${u.upload_id.slice(0, 8)}.csv`, header, rows, query.encoding);
    },
  }),
];
