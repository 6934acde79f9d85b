// The schema's last word on a roster row: each issue mapped back to its column and to the importer's
// error codes, never repeating a column that already failed. Split out of validate-row.ts.
import type { z } from 'zod/mini';
import { ElderInput } from '../model';
import type { ElderCsvField } from './columns';
import { ROW_ERROR_CODES, type RowErrorCode } from './report';
import type { RowCheck } from './row-check';

type ZodIssue = z.core.$ZodIssue;

const fieldOfPath = (path: readonly PropertyKey[]): ElderCsvField | null => {
  const [head, sub] = path;
  switch (head) {
    case 'name':
    case 'gender':
    case 'birth_date':
    case 'id_number':
    case 'phone':
    case 'address':
    case 'care_level':
    case 'special_categories':
      return head;
    case 'community_code':
      return 'community';
    case 'location':
      return sub === 'lat' ? 'lat' : 'lng';
    case 'emergency_contact':
      return sub === 'phone' ? 'emergency_contact_phone' : 'emergency_contact_name';
    default:
      return null;
  }
};

/** What a schema issue means in the importer's vocabulary; anything unforeseen is VALUE_INVALID. */
const codeOfIssue = (field: ElderCsvField, issue: ZodIssue): RowErrorCode => {
  if (issue.code === 'custom' && (ROW_ERROR_CODES as readonly string[]).includes(issue.message))
    return issue.message as RowErrorCode;
  if (issue.code === 'too_big') return 'TOO_LONG';
  if (issue.code === 'too_small') return 'REQUIRED';
  const byField: Partial<Record<ElderCsvField, RowErrorCode>> = {
    name: 'INVALID_CHARACTERS',
    emergency_contact_name: 'INVALID_CHARACTERS',
    gender: 'GENDER_INVALID',
    birth_date: 'DATE_INVALID',
    id_number: 'ID_NUMBER_INVALID',
    phone: 'PHONE_INVALID',
    emergency_contact_phone: 'PHONE_INVALID',
    community: 'COMMUNITY_UNKNOWN',
    lng: 'COORDINATES_INVALID',
    lat: 'COORDINATES_INVALID',
    care_level: 'CARE_LEVEL_INVALID',
    special_categories: 'CATEGORY_UNKNOWN',
  };
  return byField[field] ?? 'VALUE_INVALID';
};

/** The schema is the final word: run it even when the row already failed, so problems in the
 * other columns still surface; issues on columns that already have an error are not repeated. */
export const schemaCheck = (r: RowCheck, candidate: unknown) => {
  const parsed = ElderInput.safeParse(candidate);
  if (!parsed.success) {
    const seen = new Set<string>();
    for (const issue of parsed.error.issues) {
      const field = fieldOfPath(issue.path);
      if (field === null) {
        if (!seen.has(''))
          r.errors.push({
            row: r.row,
            column: '',
            code: 'VALUE_INVALID',
            message: '该行数据无效',
            message_en: 'The row is invalid',
          });
        seen.add('');
        continue;
      }
      if (r.failed.has(field) || seen.has(field)) continue;
      seen.add(field);
      r.fail(field, codeOfIssue(field, issue));
    }
  }
  return parsed.success ? parsed.data : null;
};
