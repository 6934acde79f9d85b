// CSV import of the elder roster: upload (raw CSV body), status, and the per-row error report.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
// The CSV importer (csv-parse, iconv-lite's GBK tables) loads on first use: it is most of the
// bundle's weight and only staff uploads need it, so cold starts of every other request skip it.
const csvModule = () => import('@tmc/core/elders/roster/report');
const importModule = () => import('@tmc/core/elders/roster/import');
import type { ImportMeta } from '@tmc/core/elders/roster/import';
import type { Principal } from '@tmc/core/auth/service';
import { isWithin } from '@tmc/core/areas/model';
import { defineRoute } from '../http/route';
import { ELDER_OFFICERS } from './elders';
import { IMPORT_ID_RE } from '@tmc/core/kernel/ids';

export const IMPORT_ERRORS_IN_RESPONSE = 50; // the full list is in the downloadable report

const ImportMetaOut = z.object({
  import_id: z.string(),
  file_name: z.string(),
  encoding: z.string(),
  status: z.enum(['rejected', 'writing', 'completed']),
  total_rows: z.number(),
  error_count: z.number(),
  created: z.number(),
  unchanged: z.number(),
  by: z.string(),
  started_at: z.string(),
  finished_at: z.nullable(z.string()),
});
const RowErrorOut = z.object({
  row: z.number(),
  column: z.string(),
  code: z.string(),
  message: z.string(),
  message_en: z.string(),
});
const ImportId = z.object({ import_id: z.string().check(z.regex(IMPORT_ID_RE)) });

/** Staff see imports made within their area (city-wide staff see all; an import kept before its
 * scope was recorded counts as city-wide). Another street's import (its rows, its error report
 * with birth dates) is not found. Here, not in elder-import.ts: that module loads the CSV code. */
const importVisibleTo = (meta: Pick<ImportMeta, 'scope'>, viewer: string | null): boolean =>
  viewer === null || (meta.scope != null && isWithin(meta.scope, viewer));

const loadVisible = async (
  deps: { imports: { get: (id: string) => Promise<ImportMeta | null> } },
  p: Principal | null,
  import_id: string,
): Promise<ImportMeta> => {
  const meta = await deps.imports.get(import_id);
  if (!meta || p?.kind !== 'staff' || !importVisibleTo(meta, p.scope)) throw new AppError('IMPORT_NOT_FOUND');
  return meta;
};

export const importRoutes = () => [
  defineRoute({
    method: 'post',
    path: '/api/imports/elders',
    access: { roles: ELDER_OFFICERS },
    tags: ['elders', 'import'],
    summary:
      'Import elders from a CSV (UTF-8, UTF-8 with BOM or GBK, up to 10 MB). ' +
      'All rows are checked first; one bad row and nothing is written (422 ' +
      'with the errors). The same file again changes nothing.',
    bodyKind: 'csv',
    query: z.object({ file_name: z.optional(z.string().check(z.maxLength(120))) }),
    response: z.object({ import: ImportMetaOut }),
    errors: [
      'IMPORT_INVALID',
      'CSV_ENCODING_UNSUPPORTED',
      'CSV_HEADER_INVALID',
      'CSV_TOO_MANY_ROWS',
      'PAYLOAD_TOO_LARGE',
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    async handler(c, { raw, query, principal }) {
      if (!raw || raw.length === 0)
        throw new AppError('VALIDATION_FAILED', {
          fields: [{ path: 'body', code: 'EMPTY_FILE', message: 'empty file' }],
        });
      const { importEldersCsv } = await importModule();
      const out = await importEldersCsv(c.get('deps'), {
        bytes: raw,
        file_name: query.file_name ?? 'upload.csv',
        actor: principal.sub,
        scope: principal.scope,
      });
      if (out.meta.status === 'rejected') {
        throw new AppError('IMPORT_INVALID', {
          details: {
            import_id: out.meta.import_id,
            error_count: out.errors.length,
            report_url: `/api/imports/${out.meta.import_id}/errors.csv`,
            errors: out.errors.slice(0, IMPORT_ERRORS_IN_RESPONSE),
          },
        });
      }
      return c.json({ import: out.meta });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/imports/:import_id',
    access: { roles: ELDER_OFFICERS },
    tags: ['import'],
    summary: 'Status and counts of an import',
    params: ImportId,
    response: z.object({ import: ImportMetaOut, errors: z.array(RowErrorOut) }),
    errors: ['IMPORT_NOT_FOUND'],
    async handler(c, { params, principal }) {
      const deps = c.get('deps');
      const meta = await loadVisible(deps, principal, params.import_id);
      return c.json({ import: meta, errors: await deps.imports.errors(params.import_id, IMPORT_ERRORS_IN_RESPONSE) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/imports/:import_id/errors.csv',
    access: { roles: ELDER_OFFICERS },
    tags: ['import'],
    summary: 'The per-row error report as CSV (opens in Excel: UTF-8 with BOM)',
    params: ImportId,
    errors: ['IMPORT_NOT_FOUND'],
    async handler(c, { params, principal }) {
      const deps = c.get('deps');
      await loadVisible(deps, principal, params.import_id);
      const errors = await deps.imports.errors(params.import_id, 5_000);
      const { errorReportCsv } = await csvModule();
      return c.body(errorReportCsv(errors as Parameters<typeof errorReportCsv>[0]), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="import-errors-${params.import_id}.csv"`,
      });
    },
  }),
];
