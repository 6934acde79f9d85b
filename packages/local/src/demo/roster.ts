// Writes elder rosters as staff would upload them, for the sample files (scripts/make-samples.ts),
// the import benchmark and round-trip tests: the inverse of core's roster parser.
import { CARE_LEVEL_ZH, GENDER_ZH, SPECIAL_CATEGORY_ZH, type ElderInput } from '@tmc/core/elders/model';
import { ELDER_CSV_COLUMNS, type ElderCsvField } from '@tmc/core/elders/roster/columns';
import { csvFile, csvLine } from '@tmc/core/csv/write';

export type ElderCsvArea = { street: string; community: string };

/** The Chinese header line of a roster, without BOM or line end. */
export const elderCsvHeader: string = csvLine(ELDER_CSV_COLUMNS.map((c) => c.zh));

/** The cells of one roster line, in ELDER_CSV_COLUMNS order, before quoting and guarding. */
export const elderCsvCells = (input: ElderInput, area: ElderCsvArea): string[] => {
  const values: Record<ElderCsvField, string> = {
    name: input.name,
    gender: GENDER_ZH[input.gender],
    id_number: input.id_number,
    birth_date: input.birth_date,
    phone: input.phone ?? '',
    street: area.street,
    community: area.community,
    address: input.address,
    lng: input.location ? String(input.location.lng) : '',
    lat: input.location ? String(input.location.lat) : '',
    care_level: CARE_LEVEL_ZH[input.care_level],
    special_categories: input.special_categories.map((c) => SPECIAL_CATEGORY_ZH[c]).join('、'),
    emergency_contact_name: input.emergency_contact?.name ?? '',
    emergency_contact_phone: input.emergency_contact?.phone ?? '',
  };
  return ELDER_CSV_COLUMNS.map((c) => values[c.field]);
};

/** One roster line (no line end) that `parseElderCsv` reads back as the same ElderInput. */
export const elderCsvRow = (input: ElderInput, area: ElderCsvArea): string => csvLine(elderCsvCells(input, area));

/** A whole roster file as Excel's "CSV UTF-8" would save it: BOM, Chinese header, CRLF. */
export const elderRosterCsv = (
  inputs: readonly ElderInput[],
  areaOf: (community_code: string) => ElderCsvArea,
): string => csvFile([elderCsvHeader, ...inputs.map((i) => elderCsvRow(i, areaOf(i.community_code)))]);
