// The audit log as a CSV file for Excel (UTF-8 with BOM, or GBK): China time, every cell through
// the formula guard (csv/write.ts). Apart from audit.ts so that only the export loads the CSV writer.
import { csvFile, csvGbk, csvLine } from '../csv/write';
import { chinaWallClock } from './time';
import { detailText, type AuditRecord } from './audit';

const chinaTime = (iso: string): string => chinaWallClock(iso).toISOString().slice(0, 19).replace('T', ' ');

export const auditCsv = (rows: readonly AuditRecord[], encoding: 'gbk' | 'utf8-bom'): Uint8Array => {
  const lines = [csvLine(['时间(北京时间)', '操作人', '角色', '操作', '对象', '详情', '请求号'])];
  for (const r of rows)
    lines.push(
      csvLine([chinaTime(r.at), r.actor, r.role, r.action, r.subject, detailText(r.detail), r.request_id ?? '']),
    );
  const text = csvFile(lines);
  return encoding === 'gbk' ? csvGbk(text) : new TextEncoder().encode(text);
};
