// Checking one roster row: every error of the row is reported, each in words staff understand,
// and the row becomes an ElderInput only when it has none. One function per group of columns
// (identity, contact, area and address, location, care, emergency contact), then the schema.
// The row's error list and the shared text checks live in row-check.ts, the schema step in schema-check.ts.
import { parseIdNumber } from '../id-card';
import { CHINA_BOUNDS, type ElderInput, SPECIAL_CATEGORIES, elderDateIssues } from '../model';
import { COLUMN_ORDER, ELDER_CSV_COLUMNS } from './columns';
import { ADDRESS_MAX_CHARS, CSV_MAX_CELL_CHARS } from './limits';
import { echo, type RowError } from './report';
import {
  CARE_LEVEL_IN,
  CATEGORY_IN,
  CATEGORY_SEPARATORS,
  GENDER_IN,
  SCIENTIFIC,
  digitsOnly,
  parseCoordinate,
  parseCsvDate,
  type Category,
} from './values';
import { personName, phone, plainText, rowCheck, type Cells, type RowCheck } from './row-check';
import { schemaCheck } from './schema-check';

export type { Cells } from './row-check';

/** What a row check needs besides the cells; pure, so the caller passes today. */
export type RowContext = {
  /** Street and community as written in the file (trimmed) -> community area code, or null. */
  resolveCommunity: (streetName: string, communityName: string) => string | null;
  /** Birth dates after today are impossible; passed in so the parser stays pure. */
  today: Date;
};

/** 身份证号: the source of truth for birth date and gender; a repeat of an earlier row is refused. */
const idNumber = (r: RowCheck, today: Date, firstRowById: Map<string, number>): ReturnType<typeof parseIdNumber> => {
  const idRaw = r.required('id_number');
  let idFacts: ReturnType<typeof parseIdNumber> = null;
  if (idRaw !== null) {
    const id = digitsOnly(idRaw).toUpperCase();
    if (SCIENTIFIC.test(id)) {
      r.fail('id_number', 'ID_NUMBER_INVALID', [
        '身份证号被 Excel 显示成了科学计数法（如 4.21303E+17），请把该列设为"文本"格式后重新导出',
        'The ID number was turned into scientific notation by Excel (e.g. ' +
          '4.21303E+17); format the column as Text and export again',
      ]);
    } else if (/^\d{15}$/.test(id)) {
      r.fail('id_number', 'ID_NUMBER_INVALID', [
        '这是15位旧身份证号，请填写18位身份证号',
        'This is an old 15-digit ID number; give the 18-character one',
      ]);
    } else {
      idFacts = parseIdNumber(id, today);
      if (!idFacts) r.fail('id_number', 'ID_NUMBER_INVALID');
    }
  }
  if (idFacts) {
    const first = firstRowById.get(idFacts.id_number);
    if (first === undefined) firstRowById.set(idFacts.id_number, r.row);
    else
      r.fail('id_number', 'DUPLICATE_IN_FILE', [
        `身份证号与第 ${first} 行重复`,
        `The ID-card number already appears on line ${first}`,
      ]);
  }
  return idFacts;
};

/** 姓名, 性别, 身份证号, 出生日期: the birth date and gender must agree with the ID number. */
const identity = (r: RowCheck, today: Date, firstRowById: Map<string, number>) => {
  const nameRaw = r.required('name');
  const name = nameRaw === null ? null : personName(r, 'name', nameRaw);

  const genderRaw = r.required('gender');
  const gender = genderRaw === null ? null : (GENDER_IN[genderRaw.normalize('NFKC').toLowerCase()] ?? null);
  if (genderRaw !== null && gender === null)
    r.fail('gender', 'GENDER_INVALID', [
      `性别应填写"男"或"女"，而不是「${echo(genderRaw)}」`,
      `Gender must be 男 or 女, not "${echo(genderRaw)}"`,
    ]);

  const idFacts = idNumber(r, today, firstRowById);

  const birthRaw = r.required('birth_date');
  const birth_date = birthRaw === null ? null : parseCsvDate(birthRaw, today);
  if (birthRaw !== null && birth_date === null) r.fail('birth_date', 'DATE_INVALID');
  if (idFacts && birth_date !== null && idFacts.birth_date !== birth_date) {
    r.fail('birth_date', 'BIRTH_DATE_MISMATCH', [
      `出生日期与身份证号中的出生日期（${idFacts.birth_date}）不一致`,
      `Birth date does not match the one in the ID-card number (${idFacts.birth_date})`,
    ]);
  }
  if (idFacts && gender !== null && idFacts.gender !== gender) r.fail('gender', 'GENDER_MISMATCH');
  if (birth_date !== null && !r.failed.has('birth_date'))
    for (const i of elderDateIssues({ birth_date }, today)) r.fail(i.path, i.code);
  return { name, gender, idFacts, birth_date };
};

/** 联系电话 (optional). */
const contact = (r: RowCheck): string | null => {
  const phoneRaw = r.cell('phone');
  return phoneRaw === null || phoneRaw === '' ? null : phone(r, 'phone', phoneRaw);
};

/** 街道 + 社区 resolved to a community code, and 住址. */
const areaAndAddress = (r: RowCheck, ctx: RowContext) => {
  const streetRaw = r.required('street');
  const street = streetRaw === null ? null : plainText(r, 'street', streetRaw);
  const communityRaw = r.required('community');
  const community = communityRaw === null ? null : plainText(r, 'community', communityRaw);
  let community_code: string | null = null;
  if (street === null || community === null) {
    // Nothing to resolve; the error on 街道 or 社区 already says why, so the schema stays quiet.
    r.failed.add('community');
  } else {
    community_code = ctx.resolveCommunity(street, community);
    if (community_code === null) {
      r.fail('community', 'COMMUNITY_UNKNOWN', [
        `找不到「${echo(street)}」下的「${echo(community)}」，请核对街道和社区名称`,
        `No community "${echo(community)}" in street "${echo(street)}"; check both names`,
      ]);
    }
  }

  const addressRaw = r.required('address');
  let address = addressRaw === null ? null : plainText(r, 'address', addressRaw);
  if (address !== null && address.length > ADDRESS_MAX_CHARS) {
    r.fail('address', 'TOO_LONG', [
      `住址不能超过${ADDRESS_MAX_CHARS}个字`,
      `address must be at most ${ADDRESS_MAX_CHARS} characters`,
    ]);
    address = null;
  }
  return { community_code, address };
};

/** 经度 + 纬度: both or neither, numbers inside China. */
const location = (r: RowCheck): { lat: number; lng: number } | null => {
  const lngRaw = r.cell('lng');
  const latRaw = r.cell('lat');
  if (lngRaw === null || latRaw === null || (lngRaw === '' && latRaw === '')) return null;
  if (lngRaw === '' || latRaw === '') {
    const missing = lngRaw === '' ? 'lng' : 'lat';
    r.fail(missing, 'COORDINATES_INVALID', [
      '经度和纬度须同时填写或同时留空',
      'Give both longitude and latitude, or neither',
    ]);
    return null;
  }
  const lng = parseCoordinate(lngRaw);
  const lat = parseCoordinate(latRaw);
  const lngOk = lng !== null && lng >= CHINA_BOUNDS.lng_min && lng <= CHINA_BOUNDS.lng_max;
  const latOk = lat !== null && lat >= CHINA_BOUNDS.lat_min && lat <= CHINA_BOUNDS.lat_max;
  const swapped =
    lng !== null &&
    lat !== null &&
    !lngOk &&
    !latOk &&
    lat >= CHINA_BOUNDS.lng_min &&
    lat <= CHINA_BOUNDS.lng_max &&
    lng >= CHINA_BOUNDS.lat_min &&
    lng <= CHINA_BOUNDS.lat_max;
  if (swapped) {
    r.fail('lng', 'COORDINATES_INVALID', [
      '经度和纬度似乎填反了（经度约73–136，纬度约3–54）',
      'Longitude and latitude seem swapped (longitude ~73–136, latitude ~3–54)',
    ]);
  } else {
    if (!lngOk)
      r.fail('lng', 'COORDINATES_INVALID', [
        '经度应为73到136之间的数字',
        'Longitude must be a number between 73 and 136',
      ]);
    if (!latOk)
      r.fail('lat', 'COORDINATES_INVALID', ['纬度应为3到54之间的数字', 'Latitude must be a number between 3 and 54']);
  }
  return lngOk && latOk ? { lat, lng } : null;
};

/** 护理等级 and 特殊类别 (optional, several). */
const care = (r: RowCheck) => {
  const careRaw = r.required('care_level');
  const care_level = careRaw === null ? null : (CARE_LEVEL_IN[careRaw.normalize('NFKC').toLowerCase()] ?? null);
  if (careRaw !== null && care_level === null) {
    r.fail('care_level', 'CARE_LEVEL_INVALID', [
      `护理等级应为"自理"、"半失能"或"失能"，而不是「${echo(careRaw)}」`,
      `Care level must be 自理, 半失能 or 失能, not "${echo(careRaw)}"`,
    ]);
  }

  const catRaw = r.cell('special_categories');
  const categories = new Set<Category>();
  if (catRaw !== null && catRaw !== '') {
    const unknown: string[] = [];
    for (const token of catRaw.split(CATEGORY_SEPARATORS)) {
      if (token === '') continue;
      const c = CATEGORY_IN[token.normalize('NFKC').toLowerCase()];
      if (c) categories.add(c);
      else unknown.push(echo(token));
    }
    if (unknown.length > 0) {
      const list = unknown.slice(0, 3).join('、');
      r.fail('special_categories', 'CATEGORY_UNKNOWN', [
        `无法识别的特殊类别「${list}」；可选：高龄、低保/特困、独居/空巢、失独、优抚`,
        `Unknown special category "${list}"; allowed: 高龄, 低保/特困, 独居/空巢, 失独, 优抚`,
      ]);
    }
  }
  return { care_level, special_categories: SPECIAL_CATEGORIES.filter((c) => categories.has(c)) };
};

/** 紧急联系人 + 紧急联系电话: both or neither. */
const emergencyContact = (r: RowCheck): { name: string; phone: string } | null => {
  const ecNameRaw = r.cell('emergency_contact_name');
  const ecPhoneRaw = r.cell('emergency_contact_phone');
  if (ecNameRaw === null || ecPhoneRaw === null || (ecNameRaw === '' && ecPhoneRaw === '')) return null;
  const ecName = ecNameRaw === '' ? null : personName(r, 'emergency_contact_name', ecNameRaw);
  const ecPhone = ecPhoneRaw === '' ? null : phone(r, 'emergency_contact_phone', ecPhoneRaw);
  if (ecNameRaw === '') r.fail('emergency_contact_name', 'EMERGENCY_CONTACT_INCOMPLETE');
  if (ecPhoneRaw === '') r.fail('emergency_contact_phone', 'EMERGENCY_CONTACT_INCOMPLETE');
  return ecName !== null && ecPhone !== null ? { name: ecName, phone: ecPhone } : null;
};

export const validateRow = (
  cells: Cells,
  row: number,
  ctx: RowContext,
  firstRowById: Map<string, number>,
): { input: ElderInput | null; errors: RowError[] } => {
  const r = rowCheck(cells, row);
  // Bloated cells are refused before anything else looks at them.
  for (const c of ELDER_CSV_COLUMNS) if (cells[c.field].length > CSV_MAX_CELL_CHARS) r.fail(c.field, 'TOO_LONG');

  const { name, gender, idFacts, birth_date } = identity(r, ctx.today, firstRowById);
  const phoneValue = contact(r);
  const { community_code, address } = areaAndAddress(r, ctx);
  const where = location(r);
  const { care_level, special_categories } = care(r);
  const emergency_contact = emergencyContact(r);

  const input = schemaCheck(r, {
    name: name ?? cells.name,
    gender: gender ?? cells.gender,
    birth_date: birth_date ?? cells.birth_date,
    id_number: idFacts?.id_number ?? cells.id_number,
    phone: phoneValue,
    community_code: community_code ?? '',
    address: address ?? cells.address,
    location: where,
    care_level: care_level ?? cells.care_level,
    special_categories,
    emergency_contact,
  });
  // Checks run in dependency order (the ID before the fields it vouches for); the report reads
  // better left to right, as the columns stand in the sheet. Array sort is stable.
  r.errors.sort((x, y) => COLUMN_ORDER(x.column) - COLUMN_ORDER(y.column));
  return { input: input !== null && r.errors.length === 0 ? input : null, errors: r.errors };
};
