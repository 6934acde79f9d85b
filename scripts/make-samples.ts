// Writes the sample roster files in docs/samples from the demo district, so staff and testers
// have files to import. Run: npx tsx scripts/make-samples.ts (deterministic: same bytes each run).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { demoAreaNames, demoElders, demoResolveCommunity } from '../packages/local/src/demo/district';
import { elderCsvCells, elderCsvHeader, elderRosterCsv } from '../packages/local/src/demo/roster';
import { ELDER_CSV_COLUMNS } from '../packages/core/src/elders/roster/columns';
import { parseElderCsv } from '../packages/core/src/elders/roster/parse';
import { errorReportCsv } from '../packages/core/src/elders/roster/report';
import { csvGbk, csvLine } from '../packages/core/src/csv/write';
import { idCheckChar } from '../packages/core/src/elders/id-card';

/** Not DEMO_SEED (42): the sample must be 50 people the demo district does not have yet
 * (elder-csv.test.ts checks that no ID number or phone is shared). */
const SAMPLE_SEED = 2024;
const ERRORS_SEED = 2025;
/** Fixed so the committed error report never changes with the calendar. */
const TODAY = new Date('2026-11-23T00:00:00Z');

const dir = fileURLToPath(new URL('../docs/samples/', import.meta.url));
mkdirSync(dir, { recursive: true });
const write = (name: string, data: string | Uint8Array) => {
  writeFileSync(`${dir}${name}`, data);
  console.log(`wrote docs/samples/${name}`);
};

// 1. 50 clean elders, as Excel's "CSV UTF-8" saves them, and as GBK (Excel's plain "CSV" on Chinese Windows).
const roster = elderRosterCsv(demoElders(50, SAMPLE_SEED), demoAreaNames);
write('elders-50.csv', roster);
write('elders-50-gbk.csv', csvGbk(roster));

// 2. Ten rows, seven deliberately broken, to show the per-row error report.
const col = (zh: string): number => {
  const i = ELDER_CSV_COLUMNS.findIndex((c) => c.zh === zh);
  if (i < 0) throw new Error(`no column ${zh}`);
  return i;
};
const base = demoElders(10, ERRORS_SEED).map((e) => elderCsvCells(e, demoAreaNames(e.community_code)));
const edit = (row: number, changes: Record<string, string>): string[] => {
  const cells = [...(base[row] ?? [])];
  for (const [zh, v] of Object.entries(changes)) cells[col(zh)] = v;
  return cells;
};
const idOf = (row: number): string => base[row]?.[col('身份证号')] ?? '';
const wrongCheck = (id: string): string => `${id.slice(0, 17)}${idCheckChar(id.slice(0, 17)) === '0' ? '1' : '0'}`;
const dayAfter = (iso: string): string =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const birthOf = (row: number): string => base[row]?.[col('出生日期')] ?? '';
const flipGender = (row: number): string => (base[row]?.[col('性别')] === '男' ? '女' : '男');
const [y, m, d] = birthOf(9).split('-').map(Number);

const rows: string[][] = [
  edit(0, {}),
  edit(1, {}),
  edit(2, { 身份证号: wrongCheck(idOf(2)) }),
  edit(3, { 出生日期: dayAfter(birthOf(3)), 性别: flipGender(3) }),
  edit(4, { 社区: '幸福社区', 联系电话: '0722-3312345' }),
  edit(5, { 护理等级: '良好', 特殊类别: '高龄、残疾' }),
  edit(6, { 经度: '113.36', 纬度: '', 紧急联系人: '张伟', 紧急联系电话: '' }),
  edit(7, { 姓名: '<script>alert(1)</script>', 出生日期: '1945-02-30' }),
  edit(0, { 住址: '' }), // the first elder again: duplicate ID, and the address left out
  edit(9, { 出生日期: `${String(y)}年${String(m)}月${String(d)}日` }), // valid: Excel's Chinese date format
];
const withErrors = `\uFEFF${[elderCsvHeader, ...rows.map(csvLine)].join('\r\n')}\r\n`;
write('elders-with-errors.csv', withErrors);

const { errors } = parseElderCsv(withErrors, { resolveCommunity: demoResolveCommunity, today: TODAY });
write('elders-with-errors-report.csv', errorReportCsv(errors));
