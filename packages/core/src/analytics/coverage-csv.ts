// The ranked coverage gaps as CSV (UTF-8 with BOM, or GBK for older Excel and WPS); every cell goes through
// the formula guard (csv/write.ts). Loaded on export only: the GBK encoder is not small.
import { csvFile, csvGbk, csvLine } from '../csv/write';
import { percentText, type CoverageView } from './coverage-view';

/** The ranked gaps as CSV (UTF-8 with BOM, or GBK), community names beside their codes. */
export const coverageGapsCsv = (
  v: CoverageView,
  names: (category: string) => string,
  encoding: 'gbk' | 'utf8-bom',
): Uint8Array => {
  const nameOf = new Map(v.rows.map((r) => [r.community_code, r.name]));
  const lines = [csvLine(['排名', '社区', '社区代码', '服务类别', '老人数', '未覆盖', '覆盖率'])];
  v.gaps.forEach((g, i) =>
    lines.push(
      csvLine([
        String(i + 1),
        nameOf.get(g.community_code) ?? g.community_code,
        g.community_code,
        names(g.category),
        String(g.elders),
        String(g.uncovered),
        percentText(g.share_permille),
      ]),
    ),
  );
  const text = csvFile(lines);
  return encoding === 'gbk' ? csvGbk(text) : new TextEncoder().encode(text);
};
