// Roster import through an upload form (multipart/form-data): the same importer as
// POST /api/imports/elders, limited to the officer's area. A file with any bad row writes
// nothing and shows the first rows' errors, with the full report as a CSV download.
import * as z from 'zod/mini';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { ImportOutcome } from '@tmc/core/elders/roster/import';
import { CSV_MAX_BYTES, defineRoute, type RouteDef } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { T } from '../kit/layout';
import { ELDER_OFFICERS } from '../kit/principal';
import { ErrorBox, expected, msgOfError, type Msg } from '../kit/ui';
import { chinaTime, staffPage } from './kit';

/** Errors listed on the page; the downloadable report has them all. */
export const IMPORT_ERRORS_SHOWN = 50;
// The upload form takes the same 10 MB as POST /api/imports/elders (about 60,000 roster rows).
const FORM_LIMIT_TEXT = `${Math.floor(CSV_MAX_BYTES / 1024 / 1024)} MB`;

const UploadForm = (props: { error?: Msg | undefined }) => (
  <div class="panel">
    <ErrorBox msg={props.error} />
    <form method="post" action="/staff/import" enctype="multipart/form-data">
      <div class="field">
        <label for="f-file">
          <T zh="选择 CSV 文件（UTF-8 或 GBK）" en="CSV file (UTF-8 or GBK)" />
        </label>
        <input id="f-file" name="file" type="file" accept=".csv,text/csv" required />
      </div>
      <button class="btn" type="submit">
        <T zh="上传并导入" en="Upload and import" />
      </button>
    </form>
    <p class="muted">
      列：姓名、性别、身份证号、出生日期、联系电话、街道、社区、住址、经度、纬度、护理等级、特殊类别、紧急联系人、紧急联系电话。
      先检查每一行，有任何错误则不写入任何数据；同一文件重复导入不会重复登记。文件不超过 {FORM_LIMIT_TEXT}
      ，更大的名单请按街道拆分。
    </p>
    <p class="muted" lang="en">
      Every row is checked first; one bad row and nothing is written. Importing the same file again changes nothing. Up
      to {FORM_LIMIT_TEXT} per file.
    </p>
  </div>
);

const Outcome = (props: { out: ImportOutcome; repeat: boolean }) => {
  const m = props.out.meta;
  if (m.status === 'completed' && props.repeat) {
    // The importer answers a file it has completed before with that earlier outcome.
    return (
      <div class="panel" role="status">
        <p class="notice">
          此文件已于 {chinaTime(m.finished_at ?? m.started_at)} 导入过（新增 {m.created}{' '}
          人），本次没有改变任何数据。This file was imported before; nothing changed.
        </p>
      </div>
    );
  }
  if (m.status === 'completed') {
    return (
      <div class="panel" role="status">
        <p class="notice">导入完成 Import complete：{m.file_name}</p>
        <dl class="kv">
          <dt>新增 Created</dt>
          <dd class="secret" id="created">
            {m.created}
          </dd>
          <dt>未变化 Unchanged</dt>
          <dd class="secret" id="unchanged">
            {m.unchanged}
          </dd>
          <dt>总行数 Rows</dt>
          <dd>{m.total_rows}</dd>
          <dt>编码 Encoding</dt>
          <dd>{m.encoding}</dd>
        </dl>
      </div>
    );
  }
  const shown = props.out.errors.slice(0, IMPORT_ERRORS_SHOWN);
  return (
    <div class="panel">
      <p class="err">
        文件有 {m.error_count} 处错误，未写入任何数据。The file has {m.error_count} errors; nothing was written.
      </p>
      <p class="links">
        <a href={`/api/imports/${m.import_id}/errors.csv`}>
          <T zh="下载完整错误报告 (CSV)" en="Download the full error report" />
        </a>
      </p>
      <table>
        <caption>
          前 {shown.length} 处错误 First {shown.length} errors
        </caption>
        <thead>
          <tr>
            <th>行号 Row</th>
            <th>列 Column</th>
            <th>错误代码 Code</th>
            <th>说明 Description</th>
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
    </div>
  );
};

export const staffImportPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/import',
    access: { roles: ELDER_OFFICERS },
    tags: ['pages'],
    page: true,
    summary: 'Upload form for the elder roster (CSV)',
    async handler(c, { principal }) {
      return staffPage(c, deps, principal, '导入老人名单', 'Import the roster', <UploadForm />);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/import',
    access: { roles: ELDER_OFFICERS },
    tags: ['pages'],
    page: true,
    summary: 'Import the uploaded roster within my area; shows counts or the first row errors',
    bodyKind: 'form',
    maxBytes: CSV_MAX_BYTES,
    body: z.object({ file: z.optional(z.union([z.instanceof(File), z.string()])) }),
    async handler(c, { body, principal: p }) {
      const page = (content: JSX.Element, status = 200) =>
        staffPage(c, deps, p, '导入老人名单', 'Import the roster', content, { status });
      const file = body.file;
      if (!(file instanceof File) || file.size === 0) {
        return page(<UploadForm error={{ zh: '请选择一个 CSV 文件', en: 'Choose a CSV file' }} />, 400);
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      const startedAt = deps.clock.now().toISOString();
      // Loaded on use: the importer (csv-parse, GBK tables) is most of the bundle; see routes/imports.ts.
      const { importEldersCsv } = await import('@tmc/core/elders/roster/import');
      const r = await expected(
        [
          'CSV_ENCODING_UNSUPPORTED',
          'CSV_HEADER_INVALID',
          'CSV_TOO_MANY_ROWS',
          'PAYLOAD_TOO_LARGE',
          'VALIDATION_FAILED',
        ],
        () => importEldersCsv(deps, { bytes, file_name: file.name || 'upload.csv', actor: p.sub, scope: p.scope }),
      );
      if (!r.ok) return page(<UploadForm error={msgOfError(r.error)} />, r.error.status);
      return page(
        <>
          <Outcome out={r.value} repeat={r.value.meta.started_at < startedAt} />
          <UploadForm />
        </>,
        r.value.meta.status === 'rejected' ? 422 : 200,
      );
    },
  }),
];
