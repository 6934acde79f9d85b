// The roster's columns: canonical Chinese headers, the aliases people type, and how a typed
// header is matched to a column. Shared by the parser, the row checks and the demo roster writer.

export type ElderCsvField =
  | 'name'
  | 'gender'
  | 'id_number'
  | 'birth_date'
  | 'phone'
  | 'street'
  | 'community'
  | 'address'
  | 'lng'
  | 'lat'
  | 'care_level'
  | 'special_categories'
  | 'emergency_contact_name'
  | 'emergency_contact_phone';

export type ElderCsvColumn = { field: ElderCsvField; zh: string; required: boolean; aliases: readonly string[] };

/** In the order the roster writer emits them. The field name is itself the English alias. */
export const ELDER_CSV_COLUMNS: readonly ElderCsvColumn[] = [
  { field: 'name', zh: '姓名', required: true, aliases: ['老人姓名'] },
  { field: 'gender', zh: '性别', required: true, aliases: ['sex'] },
  { field: 'id_number', zh: '身份证号', required: true, aliases: ['身份证号码', '身份证', '公民身份号码', 'id_card'] },
  { field: 'birth_date', zh: '出生日期', required: true, aliases: ['出生年月日', 'birthday', 'date_of_birth'] },
  { field: 'phone', zh: '联系电话', required: false, aliases: ['手机', '手机号', '手机号码', '电话', 'mobile'] },
  { field: 'street', zh: '街道', required: true, aliases: ['所属街道'] },
  { field: 'community', zh: '社区', required: true, aliases: ['所属社区'] },
  { field: 'address', zh: '住址', required: true, aliases: ['家庭住址', '居住地址', '详细地址', '地址'] },
  { field: 'lng', zh: '经度', required: false, aliases: ['longitude'] },
  { field: 'lat', zh: '纬度', required: false, aliases: ['latitude'] },
  { field: 'care_level', zh: '护理等级', required: true, aliases: [] },
  { field: 'special_categories', zh: '特殊类别', required: false, aliases: ['categories'] },
  { field: 'emergency_contact_name', zh: '紧急联系人', required: false, aliases: ['紧急联系人姓名'] },
  { field: 'emergency_contact_phone', zh: '紧急联系电话', required: false, aliases: ['紧急联系人电话'] },
];

export const COLUMN_ORDER = (zh: string): number => ELDER_CSV_COLUMNS.findIndex((c) => c.zh === zh);

export const COLUMN = Object.fromEntries(ELDER_CSV_COLUMNS.map((c) => [c.field, c])) as Record<
  ElderCsvField,
  ElderCsvColumn
>;

/** Headers as people type them: `*姓名`, `身份证号（18位）`, `姓 名`, `ID Number`, `birth-date`. */
export const headerKey = (raw: string): string =>
  raw
    .normalize('NFKC')
    .trim()
    .replace(/^\*+|\*+$/g, '')
    .replace(/\([^)]*\)$/, '')
    .replace(/[\s_-]+/g, '')
    .toLowerCase();

export const HEADER_LOOKUP: ReadonlyMap<string, ElderCsvField> = new Map(
  ELDER_CSV_COLUMNS.flatMap((c) => [c.zh, c.field, ...c.aliases].map((a) => [headerKey(a), c.field] as const)),
);

/** Columns that only make sense together: a header with one and not the other is a broken template. */
export const PAIRED: readonly (readonly [ElderCsvField, ElderCsvField])[] = [
  ['lng', 'lat'],
  ['emergency_contact_name', 'emergency_contact_phone'],
];
