// Activity awards by CSV (the community's sign-in sheet): every row is checked first, including
// the monthly caps summed over the file; one bad row and nothing is awarded. Rows are then
// awarded one by one with entry ids derived from the file and row, so a re-upload awards nothing twice.
import { parse } from 'csv-parse/sync';
import { AppError } from '../kernel/errors';
import { chinaMonth } from '../kernel/time';
import { decodeCsv } from '../csv/decode';
import { isValidCardNumber } from '../elders/points-card';
import { isWithin } from '../areas/model';
import { awardPoints } from './awards';
import { sha256 } from '../kernel/secrets';
import { AWARD_KINDS, type AwardKind, type Policy } from './model';
import type { LedgerDeps } from '../ledger/service';
import type { ElderStore } from '../elders/ports';

export const AWARD_CSV_ROWS_MAX = 2_000; // a community's events for a month, with room

const KIND_BY_NAME: Record<string, AwardKind> = {
  健康体检: 'health_checkup',
  体检: 'health_checkup',
  health_checkup: 'health_checkup',
  社区活动: 'community_event',
  community_event: 'community_event',
  志愿服务: 'volunteer_hour',
  志愿时长: 'volunteer_hour',
  volunteer_hour: 'volunteer_hour',
};

export type AwardRowError = { row: number; column: string; code: string; message: string; message_en: string };

const csvAwardId = (file_id: string, row: number) => `csv:${file_id}:${row}`;

/** A row that passed every check, caps included, ready to award. */
export type AwardRow = {
  row: number;
  elder_id: string;
  kind: AwardKind;
  quantity: number;
  reason: string;
  points: number;
};

export type AwardCheck = {
  rows: AwardRow[]; // the good rows (with errors elsewhere, none is awarded)
  row_count: number; // data rows in the file
  errors: AwardRowError[];
  /** The file's id (hash of its bytes): award ids derive from it and the row, so a file awards once. */
  file_id: string;
  elders: number;
  points: number;
};

type CsvDeps = LedgerDeps & { elders: ElderStore };

/** Checks every row of the file, caps included (summed over the file and what the month has already
 * awarded), and writes nothing: the staff page shows this before the officer confirms. */
export const checkAwardCsv = async (
  deps: CsvDeps,
  policy: Policy,
  args: { bytes: Uint8Array; scope: string | null },
): Promise<AwardCheck> => {
  const { text } = decodeCsv(args.bytes);
  const records = parse(text, {
    bom: true,
    skip_empty_lines: true,
    trim: true,
    relax_column_count: true,
  }) as string[][];
  const [header, ...rows] = records;
  if (!header) throw new AppError('CSV_HEADER_INVALID', { details: { missing: ['卡号', '类型', '数量', '说明'] } });
  if (rows.length > AWARD_CSV_ROWS_MAX)
    throw new AppError('CSV_TOO_MANY_ROWS', { details: { max_rows: AWARD_CSV_ROWS_MAX } });
  const col = (names: string[]) => header.findIndex((h) => names.includes(h.replace(/\s/g, '')));
  const ci = {
    card: col(['卡号', '积分卡号', 'card_number']),
    kind: col(['类型', '活动类型', 'kind']),
    qty: col(['数量', '时长', 'quantity']),
    note: col(['说明', '备注', 'reason']),
  };
  const missing = Object.entries(ci)
    .filter(([k, i]) => i < 0 && k !== 'qty')
    .map(([k]) => k);
  if (missing.length) throw new AppError('CSV_HEADER_INVALID', { details: { missing } });

  const errors: AwardRowError[] = [];
  const err = (row: number, column: string, code: string, message: string, message_en: string) =>
    errors.push({ row, column, code, message, message_en });
  const good: AwardRow[] = [];
  const monthTotals = new Map<string, number>();
  const month = chinaMonth(deps.clock.now());
  const file_id = sha256(Buffer.from(args.bytes)).slice(0, 16);
  for (const [i, r] of rows.entries()) {
    const row = i + 2; // header is line 1
    const card = (r[ci.card] ?? '').trim();
    const kind = KIND_BY_NAME[(r[ci.kind] ?? '').trim()];
    const quantity = ci.qty >= 0 && (r[ci.qty] ?? '').trim() !== '' ? Number(r[ci.qty]) : 1;
    const reason = (r[ci.note] ?? '').trim() || '活动奖励';
    const before = errors.length;
    if (!isValidCardNumber(card)) err(row, '卡号', 'CARD_INVALID', '卡号无效', 'Invalid card number');
    if (!kind)
      err(
        row,
        '类型',
        'AWARD_KIND_UNKNOWN',
        `类型应为：${Object.keys(KIND_BY_NAME)
          .filter((k) => /[\u4e00-\u9fff]/.test(k))
          .join('、')}`,
        `Kind must be one of ${AWARD_KINDS.join(', ')}`,
      );
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 40)
      err(row, '数量', 'QUANTITY_INVALID', '数量应为 1-40 的整数', 'Quantity must be a whole number 1-40');
    if (errors.length > before || !kind) continue;
    const elder_id = await deps.elders.findIdByCard(card);
    const elder = elder_id ? await deps.elders.get(elder_id) : null;
    if (!elder || elder.status !== 'active' || (args.scope && !isWithin(elder.community_code, args.scope))) {
      err(
        row,
        '卡号',
        'ELDER_NOT_FOUND',
        '找不到该卡号的老人（或不在您的辖区）',
        'No elder with this card in your area',
      );
      continue;
    }
    const rule = policy.awards[kind];
    // a row of this file awarded before is not awarded again, so it does not count against the cap twice
    if (await deps.ledger.entry(`award:${csvAwardId(file_id, row)}`)) {
      good.push({ row, elder_id: elder.elder_id, kind, quantity, reason, points: rule.points * quantity });
      continue;
    }
    const key = `${elder.elder_id}|${kind}`;
    const sum = (monthTotals.get(key) ?? 0) + rule.points * quantity;
    monthTotals.set(key, sum);
    const already = await deps.ledger.counter({
      kind: 'award_month',
      elder_id: elder.elder_id,
      month,
      award_kind: kind,
    });
    if (sum + already > rule.monthly_cap_points)
      err(
        row,
        '数量',
        'CAP_EXCEEDED',
        `超过本月上限 ${rule.monthly_cap_points} 积分`,
        `Over the monthly cap of ${rule.monthly_cap_points} points`,
      );
    else good.push({ row, elder_id: elder.elder_id, kind, quantity, reason, points: rule.points * quantity });
  }
  return {
    rows: good,
    row_count: rows.length,
    errors,
    file_id,
    elders: new Set(good.map((g) => g.elder_id)).size,
    points: good.reduce((s, g) => s + g.points, 0),
  };
};

/** Awards the checked rows one by one (entry ids from the file and row: a second time awards nothing). */
export const awardCheckedRows = async (
  deps: LedgerDeps,
  policy: Policy,
  check: AwardCheck,
  actor: string,
): Promise<{ awarded: number; already: number }> => {
  if (check.errors.length) throw new AppError('IMPORT_INVALID', { details: { error_count: check.errors.length } });
  let awarded = 0;
  let already = 0;
  for (const g of check.rows) {
    const r = await awardPoints(deps, policy, {
      award_id: csvAwardId(check.file_id, g.row),
      elder_id: g.elder_id,
      kind: g.kind,
      quantity: g.quantity,
      reason: g.reason,
      actor,
    });
    if (r.replayed) already++;
    else awarded++;
  }
  return { awarded, already };
};

/** Check, then award if no row is bad: one bad row and nothing is awarded. */
export const awardCsv = async (
  deps: CsvDeps,
  policy: Policy,
  args: { bytes: Uint8Array; actor: string; scope: string | null },
): Promise<{ awarded: number; already: number; errors: AwardRowError[] }> => {
  const check = await checkAwardCsv(deps, policy, args);
  if (check.errors.length) return { awarded: 0, already: 0, errors: check.errors };
  return { ...(await awardCheckedRows(deps, policy, check, args.actor)), errors: [] };
};
