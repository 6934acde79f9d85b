// The sample rosters in docs/samples against the demo district they were written for: they import
// cleanly (UTF-8 with BOM and GBK alike), add elders the demo does not already have, and the file
// with errors gives exactly the committed error report.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeCsv } from '@tmc/core/csv/decode';
import { parseElderCsv, type ElderCsvContext } from '@tmc/core/elders/roster/parse';
import { errorReportCsv } from '@tmc/core/elders/roster/report';
import { demoElders, demoResolveCommunity } from './district';

const TODAY = new Date('2026-11-23T00:00:00Z');
const CTX: ElderCsvContext = { resolveCommunity: demoResolveCommunity, today: TODAY };

describe('sample files in docs/samples', () => {
  const sample = (name: string) =>
    new Uint8Array(readFileSync(fileURLToPath(new URL(`../../../../docs/samples/${name}`, import.meta.url))));

  it('elders-50.csv (UTF-8 with BOM) imports cleanly into the demo district', () => {
    const { text, encoding } = decodeCsv(sample('elders-50.csv'));
    expect(encoding).toBe('utf-8-bom');
    const { rows, errors } = parseElderCsv(text, CTX);
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(50);
  });

  it('elders-50-gbk.csv decodes as GBK to the same elders', () => {
    const utf8 = parseElderCsv(decodeCsv(sample('elders-50.csv')).text, CTX);
    const { text, encoding } = decodeCsv(sample('elders-50-gbk.csv'));
    expect(encoding).toBe('gbk');
    expect(parseElderCsv(text, CTX)).toEqual(utf8);
  });

  it('the sample adds 50 new elders to the demo roster: no shared ID number or phone', () => {
    const demo = demoElders();
    const { rows } = parseElderCsv(decodeCsv(sample('elders-50.csv')).text, CTX);
    const demoIds = new Set(demo.map((e) => e.id_number));
    const demoPhones = new Set(demo.flatMap((e) => (e.phone ? [e.phone] : [])));
    expect(rows.filter((r) => demoIds.has(r.input.id_number))).toEqual([]);
    expect(rows.filter((r) => r.input.phone !== null && demoPhones.has(r.input.phone))).toEqual([]);
  });

  it('elders-with-errors.csv shows the error report', () => {
    const { rows, errors } = parseElderCsv(decodeCsv(sample('elders-with-errors.csv')).text, CTX);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(errors.map((e) => e.row)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(errors.map((e) => e.code))).toEqual(
      new Set([
        'ID_NUMBER_INVALID',
        'BIRTH_DATE_MISMATCH',
        'GENDER_MISMATCH',
        'PHONE_INVALID',
        'COMMUNITY_UNKNOWN',
        'CARE_LEVEL_INVALID',
        'CATEGORY_UNKNOWN',
        'COORDINATES_INVALID',
        'EMERGENCY_CONTACT_INCOMPLETE',
        'INVALID_CHARACTERS',
        'DUPLICATE_IN_FILE',
        'REQUIRED',
        'DATE_INVALID',
      ]),
    );
    const report = Buffer.from(sample('elders-with-errors-report.csv')).toString('utf8');
    expect(report).toBe(errorReportCsv(errors));
  });
});
