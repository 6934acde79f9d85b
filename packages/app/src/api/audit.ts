// The audit log, browsable and exportable: by person (actor), entity (subject or its type), action,
// role and date range, newest first, always read by key (core kernel/audit.ts, store audit-list.ts).
//
// Who reads it: admin and district officers, the bureau's supervisors. Not street officers: records
// carry no area (a staff login, a policy, a statement, a bank batch has none), so scoping them would
// take a read per record's subject and still leave most records out, and street officers' own work
// is among what the log is for; their elders' histories stay on the elder page
// (GET /api/elders/:elder_id/audit, under the elder-access rule). Not finance either: payouts and
// statement moves are theirs, and the log is how others check them. A district officer sees the
// whole log, not only their district: a deployment serves one district (the area tree's root).
import * as z from 'zod/mini';
import { AUDIT_ENTITY_TYPES, AUDIT_ROLES, type AuditQuery, type AuditRecord } from '@tmc/core/kernel/audit';
import { chinaDate, chinaMidnightMs } from '@tmc/core/kernel/time';
import { CalendarDate } from '@tmc/core/kernel/ids';
import { defineRoute, queryInt } from '../http/route';
import { csvResponse } from './settlement';
import type { Deps } from '../compose/deps-type';

export const AUDIT_READERS = ['admin', 'district'] as const;

/** Default range when none is named: the last week, today included (China dates). */
export const AUDIT_DEFAULT_DAYS = 7;
/** Rows in one CSV export (then `x-next-cursor` says where to go on): a day's log in a busy month. */
export const AUDIT_EXPORT_ROWS_MAX = 5_000;
/** Pages one export reads: each page is bounded (300 records read, 31 queries), so is the export. */
export const AUDIT_EXPORT_PAGES_MAX = 50;

const DAY_MS = 86_400_000;
const optText = (max: number) =>
  z.optional(z.string().check(z.trim(), z.maxLength(max), z.regex(/^[^\s<>"']*$/, 'no spaces or markup')));

/** The filter both the API and the console page take, as a query string. */
export const AuditFilter = z.object({
  actor: optText(80),
  subject: optText(120),
  entity_type: z.optional(z.enum(AUDIT_ENTITY_TYPES)),
  action: z.optional(z.string().check(z.maxLength(60), z.regex(/^[a-z_.]+$/, 'a.b or a prefix ending in .'))),
  role: z.optional(z.enum(AUDIT_ROLES)),
  /** China dates, both included. */
  from: z.optional(CalendarDate),
  to: z.optional(CalendarDate),
  cursor: z.optional(z.string().check(z.maxLength(800))),
  limit: z.optional(queryInt(1, 100)),
  encoding: z.optional(z.enum(['gbk', 'utf8-bom'])),
});
/** A GET form sends every field, empty ones too: an empty field means "any". */
export const withoutBlanks = (q: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(q).filter(([, v]) => v.trim() !== ''));
export type AuditFilterInput = z.infer<typeof AuditFilter>;

/** The store's query for a filter: China dates to the UTC instants of their midnights. */
export const auditQueryOf = (f: AuditFilterInput, now: Date): AuditQuery & { from: string; to: string } => {
  const to = f.to ?? chinaDate(now);
  const from = f.from ?? chinaDate(new Date(chinaMidnightMs(to) - (AUDIT_DEFAULT_DAYS - 1) * DAY_MS));
  return {
    ...(f.actor ? { actor: f.actor } : {}),
    ...(f.subject ? { subject: f.subject } : {}),
    ...(f.entity_type ? { entity_type: f.entity_type } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(f.role ? { role: f.role } : {}),
    from,
    to,
    from_at: new Date(chinaMidnightMs(from)).toISOString(),
    to_at: new Date(chinaMidnightMs(to) + DAY_MS).toISOString(),
    limit: f.limit ?? 50,
    ...(f.cursor ? { cursor: f.cursor } : {}),
  };
};

/** Reads the filter's records for an export (bounded: rows and pages) and audits the export itself. */
export const exportAudit = async (
  deps: Pick<Deps, 'audit' | 'clock'>,
  f: AuditFilterInput,
  by: { actor: string; role: string; request_id: string },
): Promise<{ bytes: Uint8Array; name: string; next_cursor: string | null; encoding: 'gbk' | 'utf8-bom' }> => {
  const q = auditQueryOf({ ...f, limit: 100 }, deps.clock.now());
  const rows: AuditRecord[] = [];
  let cursor = q.cursor ?? null;
  let pages = 0;
  do {
    const page = await deps.audit.list({ ...q, ...(cursor ? { cursor } : {}) });
    rows.push(...page.items);
    cursor = page.cursor;
  } while (cursor && rows.length < AUDIT_EXPORT_ROWS_MAX && ++pages < AUDIT_EXPORT_PAGES_MAX);
  const encoding = f.encoding ?? 'utf8-bom';
  const filters = Object.fromEntries(
    (['actor', 'subject', 'entity_type', 'action', 'role'] as const).flatMap((k) => (q[k] ? [[k, q[k]]] : [])),
  );
  await deps.audit.write({
    actor: by.actor,
    role: by.role,
    action: 'audit.export',
    subject: 'audit:log',
    detail: { from: q.from, to: q.to, rows: rows.length, encoding, ...filters },
    request_id: by.request_id,
  });
  const { auditCsv } = await import('@tmc/core/kernel/audit-export'); // the CSV writer only when exporting
  return { bytes: auditCsv(rows, encoding), name: `audit-${q.from}-${q.to}.csv`, next_cursor: cursor, encoding };
};

const Record_ = z.object({
  at: z.string(),
  actor: z.string(),
  role: z.string(),
  action: z.string(),
  subject: z.string(),
  detail: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
  request_id: z.optional(z.string()),
});

const ABOUT =
  'Exactly one way in is read by key: `subject`, else `actor`, else the days of the range (China dates, ' +
  `both included, at most 366 days; default the last ${AUDIT_DEFAULT_DAYS}). The other fields filter a bounded ` +
  'read (at most 300 records and 31 queries per page), so a page may hold fewer than `limit` records and still ' +
  'have a cursor: follow it. `action` ending in "." matches every action it begins (e.g. `order.`).';

export const auditRoutes = () => [
  defineRoute({
    method: 'get',
    path: '/api/audit',
    access: { roles: AUDIT_READERS },
    tags: ['audit'],
    summary: 'The audit log by person, entity, action, role and date range, newest first (admin and district)',
    description: ABOUT,
    query: AuditFilter,
    response: z.object({ items: z.array(Record_), cursor: z.nullable(z.string()), from: z.string(), to: z.string() }),
    async handler(c, { query }) {
      const deps = c.get('deps');
      const q = auditQueryOf(query, deps.clock.now());
      const page = await deps.audit.list(q);
      return c.json({ ...page, from: q.from, to: q.to });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/audit.csv',
    access: { roles: AUDIT_READERS },
    tags: ['audit'],
    summary: `The same as CSV (UTF-8 with BOM, or ?encoding=gbk), at most ${AUDIT_EXPORT_ROWS_MAX} rows; audited`,
    description: `${ABOUT} When more rows match, the \`x-next-cursor\` header is the cursor to export the rest.`,
    query: AuditFilter,
    async handler(c, { query, principal }) {
      const deps = c.get('deps');
      const by = { actor: principal.sub, role: principal.role, request_id: c.get('requestId') };
      const r = await exportAudit(deps, query, by);
      const res = csvResponse(r.bytes, r.name, r.encoding);
      if (r.next_cursor) res.headers.set('x-next-cursor', r.next_cursor);
      return res;
    },
  }),
];
