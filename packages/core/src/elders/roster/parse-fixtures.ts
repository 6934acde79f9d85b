// What the roster CSV parser tests share (parse.test.ts, parse-file.test.ts): a valid row with fake ID
// numbers, the context that resolves two demo communities, and the helpers that write a CSV and read
// its errors. Test-only: nothing in the package imports it.
import type { ElderCsvContext } from './parse';
import type { RowError } from './report';
import { idCheckChar } from '../id-card';

export const TODAY = new Date('2026-11-23T00:00:00Z');
// Two communities of the demo district (packages/local/src/demo/district.ts), by the names a roster uses.
export const COMMUNITIES: Record<string, string> = {
  '西城街道/胜利社区': 'zengdu.xicheng.shengli',
  '东城街道/青年社区': 'zengdu.dongcheng.qingnian',
};
export const resolveCommunity = (street: string, community: string): string | null =>
  COMMUNITIES[`${street}/${community}`] ?? null;
export const CTX: ElderCsvContext = { resolveCommunity, today: TODAY };

export const fakeId = (birth: string, seq: string): string => {
  const first17 = `421303${birth.replaceAll('-', '')}${seq}`;
  return first17 + idCheckChar(first17);
};

export const ID_M = fakeId('1945-03-12', '901'); // odd sequence: male
export const ID_F = fakeId('1950-07-01', '902'); // even sequence: female
export const ID_M2 = fakeId('1955-05-05', '905');

export type Row = Record<string, string>;

/** A row that imports cleanly; cases override single cells. */
export const VALID: Row = {
  姓名: '王建国',
  性别: '男',
  身份证号: ID_M,
  出生日期: '1945-03-12',
  联系电话: '17000000001',
  街道: '西城街道',
  社区: '胜利社区',
  住址: '西城街道胜利社区 3栋2单元401',
  经度: '113.35',
  纬度: '31.70',
  护理等级: '自理',
  特殊类别: '高龄',
  紧急联系人: '王伟',
  紧急联系电话: '17000010001',
};
export const HEADERS = Object.keys(VALID);

export const cell = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
export const csvOf = (rows: readonly Row[], headers: readonly string[] = HEADERS): string =>
  [headers.join(','), ...rows.map((r) => headers.map((h) => cell(r[h] ?? '')).join(','))].join('\r\n') + '\r\n';

export const codesOf = (errors: readonly RowError[]) => errors.map((e) => [e.column, e.code]);

export { thrown } from '../../kernel/testing';
