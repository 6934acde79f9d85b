// CSV import of the roster: a valid file writes every row; one bad row writes nothing and gives
// a per-row report; the same file again changes nothing; an interrupted import converges.
import { beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { bearer, makeTestApp, staffToken, tableSnapshot } from '../../../../tests/support/app';
import { decodeCsv } from '@tmc/core/csv/decode';
import { parseElderCsv } from '@tmc/core/elders/roster/parse';
import { loadCommunityResolver } from '@tmc/core/elders/roster/import';
import { buildElderRecord } from '@tmc/core/elders/service';

const sample = (name: string) => readFileSync(new URL(`../../../../docs/samples/${name}`, import.meta.url));

let t: Awaited<ReturnType<typeof makeTestApp>>;
let admin: string;
beforeEach(async () => {
  t = await makeTestApp({ seedElders: 0 });
  const { seedDemo } = await import('@tmc/local/seed');
  await seedDemo(t.deps, { elders: 1 });
  admin = await staffToken(t.app, 'admin');
});

const upload = (token: string, body: Uint8Array | string, type = 'text/csv') =>
  t.app.request(
    '/api/imports/elders?file_name=roster.csv',
    bearer(token, {
      method: 'POST',
      headers: { 'content-type': type },
      body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]),
    }),
  );

type ImportOut = {
  import: { import_id: string; status: string; created: number; unchanged: number; encoding: string };
};

describe('CSV import', () => {
  it.each(['elders-50.csv', 'elders-50-gbk.csv'])('imports all 50 rows of %s', async (file) => {
    const res = await upload(admin, sample(file));
    expect(res.status).toBe(200);
    const out = (await res.json()) as ImportOut;
    expect(out.import).toMatchObject({ status: 'completed', created: 50, unchanged: 0 });
    expect(out.import.encoding).toBe(file.includes('gbk') ? 'gbk' : 'utf-8-bom');
    const list = (await (
      await t.app.request('/api/elders?community=zengdu.xicheng.shengli&limit=100', bearer(admin))
    ).json()) as { items: unknown[] };
    expect(list.items.length).toBeGreaterThan(1);
  });

  it('the same file again changes nothing', async () => {
    expect((await upload(admin, sample('elders-50.csv'))).status).toBe(200);
    const before = await tableSnapshot(t.deps);
    const again = (await (await upload(admin, sample('elders-50.csv'))).json()) as ImportOut;
    expect(again.import).toMatchObject({ status: 'completed', created: 0, unchanged: 50 }); // says what this upload did
    expect(await tableSnapshot(t.deps)).toEqual(before);
  });

  it('the same rows in another file (GBK) count as unchanged, nothing new written', async () => {
    await upload(admin, sample('elders-50.csv'));
    const out = (await (await upload(admin, sample('elders-50-gbk.csv'))).json()) as ImportOut;
    expect(out.import).toMatchObject({ status: 'completed', created: 0, unchanged: 50 });
  });

  it('one bad row: 422, a per-row report, and nothing written', async () => {
    const before = await tableSnapshot(t.deps);
    const res = await upload(admin, sample('elders-with-errors.csv'));
    expect(res.status).toBe(422);
    const body = (await res.json()) as {
      error: {
        code: string;
        details: {
          import_id: string;
          error_count: number;
          report_url: string;
          errors: { row: number; column: string; code: string }[];
        };
      };
    };
    expect(body.error.code).toBe('IMPORT_INVALID');
    expect(body.error.details.error_count).toBeGreaterThan(0);
    const after = await tableSnapshot(t.deps);
    // only the import's own bookkeeping (meta, error rows, audit) was added: no elder, no guard
    const added = after.filter((x) => !before.includes(x));
    expect(added.every((x) => /"pk":"(IMPORT#|AUDIT#)/.test(x))).toBe(true);
    const report = await t.app.request(body.error.details.report_url, bearer(admin));
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toContain('text/csv');
    const raw = new Uint8Array(await report.arrayBuffer());
    expect([...raw.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM so Excel reads UTF-8
    const text = new TextDecoder().decode(raw);
    expect(text).toContain('行号,列,错误代码,说明,Description');
    expect(text.split('\n').length).toBeGreaterThan(body.error.details.errors.length);
  });

  it('a crash half way then a re-run converges to the full roster', async () => {
    // Prepare: write the first 20 rows the way the importer does, as if it died after them.
    const bytes = sample('elders-50.csv');
    const resolve = await loadCommunityResolver(t.deps.areas, null);
    const { rows } = parseElderCsv(decodeCsv(bytes).text, { resolveCommunity: resolve, today: t.clock.now() });
    for (const r of rows.slice(0, 20)) {
      const { record } = await buildElderRecord(t.deps, r.input);
      await t.deps.elders.create({
        record,
        id_hash: t.deps.blindIndex('id', r.input.id_number),
        phone_hash: r.input.phone ? t.deps.blindIndex('phone', r.input.phone) : null,
      });
    }
    // Act: the re-run
    const out = (await (await upload(admin, bytes)).json()) as ImportOut;
    // Assess
    expect(out.import).toMatchObject({ status: 'completed', created: 30, unchanged: 20 });
  });

  it.each([
    ['binary bytes', new Uint8Array([0x00, 0x01, 0x02, 0xff, 0x00]), 'CSV_ENCODING_UNSUPPORTED'],
    ['UTF-16', new Uint8Array([0xff, 0xfe, 0x41, 0x00]), 'CSV_ENCODING_UNSUPPORTED'],
    ['missing headers', new TextEncoder().encode('foo,bar\n1,2\n'), 'CSV_HEADER_INVALID'],
  ])('%s -> 422 %s, nothing written', async (_n, bytes, code) => {
    const before = await tableSnapshot(t.deps);
    const res = await upload(admin, bytes);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    expect(await tableSnapshot(t.deps)).toEqual(before);
  });

  it('a street officer cannot import rows of another street', async () => {
    const xicheng = await staffToken(t.app, 'xicheng');
    const res = await upload(xicheng, sample('elders-50.csv'));
    expect(res.status).toBe(422); // rows outside 西城街道 do not resolve to a community in scope
  });

  it(
    "a street officer cannot read another area's import or its error " +
      'report, nor get it by uploading the same file',
    async () => {
      const xicheng = await staffToken(t.app, 'xicheng');
      const zengdu = await staffToken(t.app, 'zengdu');
      const rejected = (await (await upload(admin, sample('elders-with-errors.csv'))).json()) as {
        error: { details: { import_id: string } };
      };
      const done = (await (await upload(admin, sample('elders-50.csv'))).json()) as ImportOut;
      for (const id of [rejected.error.details.import_id, done.import.import_id]) {
        for (const path of [`/api/imports/${id}`, `/api/imports/${id}/errors.csv`]) {
          const res = await t.app.request(path, bearer(xicheng));
          expect(res.status, path).toBe(404);
          expect(((await res.json()) as { error: { code: string } }).error.code).toBe('IMPORT_NOT_FOUND');
          expect((await t.app.request(path, bearer(admin))).status, path).toBe(200);
        }
      }
      // the same bytes from 西城街道 are checked against its own communities, not handed the city's import
      const again = await upload(xicheng, sample('elders-50.csv'));
      expect(again.status).toBe(422);
      const mine = ((await again.json()) as { error: { details: { import_id: string } } }).error.details.import_id;
      expect(mine).not.toBe(done.import.import_id);
      expect((await t.app.request(`/api/imports/${mine}`, bearer(xicheng))).status).toBe(200);
      // the district holds the street
      expect((await t.app.request(`/api/imports/${mine}`, bearer(zengdu))).status).toBe(200);
      // a city-wide import
      expect((await t.app.request(`/api/imports/${done.import.import_id}`, bearer(zengdu))).status).toBe(404);
    },
  );

  it('JSON is not a CSV upload', async () => {
    expect((await upload(admin, '{}', 'application/json')).status).toBe(415);
  });
});
