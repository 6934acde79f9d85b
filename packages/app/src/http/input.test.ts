// Input that should never be accepted: the same elder row is refused alike by POST /api/elders
// and the CSV importer (control and bidi characters, 0,0 and coordinates outside China, a child's
// birth date); a bad ID check digit answers its documented code; a coordinate in a query string
// is a plain decimal; a reversal reads "冲正：<reason>" once in the history.
import { beforeAll, describe, expect, it } from 'vitest';
import { idCheckChar } from '@tmc/core/elders/id-card';
import { elderRosterCsv } from '@tmc/local/demo/roster';
import type { ElderInput } from '@tmc/core/elders/model';
import { bearer, json, makeTestApp, phoneToken, staffToken, tableSnapshot } from '../../../../tests/support/app';
import { runJob } from '../compose/jobs';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let admin: string;
let street = '';
let community = '';
beforeAll(async () => {
  t = await makeTestApp({ seedElders: 4 });
  admin = await staffToken(t.app, 'admin');
  street = (await t.deps.areas.get('zengdu.xicheng'))?.name ?? '';
  community = (await t.deps.areas.get('zengdu.xicheng.shengli'))?.name ?? '';
}, 180_000);

let seq = 0;
const idFor = (birth: string) => {
  const body = `421303${birth.replaceAll('-', '')}${String(10 + (seq++ % 80)).padStart(2, '0')}1`;
  return body + idCheckChar(body);
};
const input = (over: Partial<ElderInput> = {}): ElderInput => ({
  name: '张三',
  gender: 'M',
  birth_date: '1945-03-12',
  id_number: idFor('1945-03-12'),
  phone: null,
  community_code: 'zengdu.xicheng.shengli',
  address: '胜利社区1栋101',
  location: { lat: 31.7, lng: 113.35 },
  care_level: 'self_care',
  special_categories: [],
  emergency_contact: null,
  ...over,
});
type Err = {
  code: string;
  fields?: { path: string; code: string }[];
  details?: { errors: { column: string; code: string }[] };
};
const err = async (res: Response) => ((await res.json()) as { error: Err }).error;
const upload = (csv: string) =>
  t.app.request(
    '/api/imports/elders',
    bearer(admin, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv }),
  );

describe('one validation for POST /api/elders and the CSV importer', () => {
  const child = '2020-01-01';
  it.each([
    [
      'a bidi override in the name',
      { name: '张\u202e三' },
      'body.name',
      'INVALID_CHARACTERS',
      '姓名',
      'INVALID_CHARACTERS',
    ],
    [
      'a control character in the name',
      { name: '张\u0007三' },
      'body.name',
      'INVALID_CHARACTERS',
      '姓名',
      'INVALID_CHARACTERS',
    ],
    [
      'a bidi isolate in the address',
      { address: '胜利社区\u20661栋' },
      'body.address',
      'INVALID_CHARACTERS',
      '住址',
      'INVALID_CHARACTERS',
    ],
    [
      'location 0,0',
      { location: { lat: 0, lng: 0 } },
      'body.location.lat',
      'COORDINATES_INVALID',
      '经度',
      'COORDINATES_INVALID',
    ],
    [
      'a location outside China',
      { location: { lat: 40.7, lng: -74 } },
      'body.location',
      'COORDINATES_INVALID',
      '经度',
      'COORDINATES_INVALID',
    ],
    [
      'a six-year-old',
      { birth_date: child, id_number: idFor(child) },
      'body.birth_date',
      'TOO_YOUNG',
      '出生日期',
      'TOO_YOUNG',
    ],
  ] as const)(
    '%s: 400 from the API and a row error from the importer, nothing written',
    async (_n, over, path, code, column, rowCode) => {
      const before = await tableSnapshot(t.deps);
      const bad = input(over);
      const res = await t.app.request('/api/elders', bearer(admin, json(bad)));
      expect(res.status).toBe(400);
      const e = await err(res);
      expect(
        e.fields?.some((f) => f.path.startsWith(path) && f.code === code),
        JSON.stringify(e.fields),
      ).toBe(true);
      const csv = await upload(elderRosterCsv([bad], () => ({ street, community })));
      expect(csv.status).toBe(422);
      const ce = await err(csv);
      expect(ce.code).toBe('IMPORT_INVALID');
      expect(
        ce.details?.errors.some((x) => x.column === column && x.code === rowCode),
        JSON.stringify(ce.details?.errors),
      ).toBe(true);
      // only the rejected import's own bookkeeping was added
      expect(
        (await tableSnapshot(t.deps)).filter((x) => !before.includes(x)).every((x) => /"pk":"(IMPORT#|AUDIT#)/.test(x)),
      ).toBe(true);
    },
  );

  it.each([
    ['NUL', '张\u0000三'],
    ['a line break', '张\n三'],
    ['right-to-left mark', '张\u200f三'],
    ['C1 control', '张\u0085三'],
  ])('a name with %s is refused by the API, nothing written', async (_n, name) => {
    const before = await tableSnapshot(t.deps);
    const res = await t.app.request('/api/elders', bearer(admin, json(input({ name }))));
    expect(res.status).toBe(400);
    expect((await err(res)).fields?.some((f) => f.path === 'body.name' && f.code === 'INVALID_CHARACTERS')).toBe(true);
    expect(await tableSnapshot(t.deps)).toEqual(before);
  });

  it('the same row, valid, is accepted by both (the rule refuses only what it should)', async () => {
    expect(
      (
        await t.app.request(
          '/api/elders',
          bearer(admin, json(input({ birth_date: '1966-11-23', id_number: idFor('1966-11-23') }))),
        )
      ).status,
    ).toBe(201); // 60 today
    const csv = await upload(
      elderRosterCsv([input({ birth_date: '1960-05-05', id_number: idFor('1960-05-05') })], () => ({
        street,
        community,
      })),
    );
    expect(csv.status).toBe(200);
  });

  it('a bad ID check digit answers ID_NUMBER_INVALID (the documented code), with the field', async () => {
    const id = idFor('1945-03-12');
    const wrong = `${id.slice(0, 17)}${id[17] === '1' ? '2' : '1'}`;
    const res = await t.app.request('/api/elders', bearer(admin, json(input({ id_number: wrong }))));
    expect(res.status).toBe(400);
    const e = await err(res);
    expect(e.code).toBe('ID_NUMBER_INVALID');
    expect(e.fields).toContainEqual(expect.objectContaining({ path: 'body.id_number', code: 'ID_NUMBER_INVALID' }));
  });
});

describe('coordinates in a query string', () => {
  let elder = '';
  it.each(['0x1F', '1e1', '', ' ', '31.7abc', 'Infinity'])('lat=%j is 400, not a number by accident', async (lat) => {
    // once: sign-in codes are rate limited
    elder ||= await phoneToken(t.app, t.deps, t.seed?.elderPhones[0] ?? '', 'elder');
    const res = await t.app.request(
      `/api/search?category=barber&lat=${encodeURIComponent(lat)}&lng=113.38`,
      bearer(elder),
    );
    expect(res.status).toBe(400);
    expect((await err(res)).fields?.some((f) => f.path === 'query.lat')).toBe(true);
  });
});

describe('reversal lines in the history', () => {
  it('read "冲正：<reason>", never "冲正：冲正：…"', async () => {
    await runJob(t.deps, { job: 'issuance', month: '2026-11' });
    const id =
      (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', t.seed?.elderPhones[0] ?? '')))[0] ?? '';
    const r = await t.app.request(
      `/api/ledger/entries/${encodeURIComponent(`allowance:${id}:2026-11`)}/reverse`,
      bearer(admin, json({ reason: '重复发放' }, { 'idempotency-key': 'memo-test-0001' })),
    );
    expect(r.status).toBe(201);
    const h = (await (await t.app.request(`/api/elders/${id}/points/history`, bearer(admin))).json()) as {
      items: { kind: string; description: string }[];
    };
    const line = h.items.find((x) => x.kind === 'reversal');
    expect(line?.description).toBe('冲正：重复发放');
  });
});
