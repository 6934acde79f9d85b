// Roster import through the upload form, and the printable card sheet with its one-time PINs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_COMMUNITIES } from '@tmc/local/demo/district';
import { IMPORT_ERRORS_SHOWN } from './import-pages';
import { Client, makeSite, signInStaff, textOf, type Site } from '../../../../tests/support/site';

const sample = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../../docs/samples/${name}`, import.meta.url)));
const upload = (name: string, bytes: Uint8Array = sample(name)) => {
  const fd = new FormData();
  fd.append('file', new File([new Uint8Array(bytes)], name, { type: 'text/csv' }));
  return fd;
};

let site: Site;
let admin: Client;

const countElders = async () => {
  let n = 0;
  for (const c of DEMO_COMMUNITIES) n += (await site.deps.elders.listByCommunity(c.code, 100)).items.length;
  return n;
};

beforeAll(async () => {
  site = await makeSite({ elders: 20 });
  admin = await signInStaff(site, 'admin');
});

describe('roster import through the upload form', () => {
  it('a file with errors writes nothing and lists the row errors with a link to the full report', async () => {
    const before = await countElders();
    const r = await admin.post('/staff/import', upload('elders-with-errors.csv'));
    expect(r.status).toBe(422);
    const t = textOf(r.text);
    expect(t).toContain('未写入任何数据');
    for (const h of ['行号', '列', '错误代码', '说明']) expect(r.text).toContain(`<th>${h}`);
    const rows = [...r.text.matchAll(/<tr><td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1]));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(IMPORT_ERRORS_SHOWN);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    const report = r.text.match(/href="(\/api\/imports\/imp_[A-Za-z0-9_-]+\/errors\.csv)"/)?.[1];
    expect(report).toBeDefined();
    const csv = await admin.get(report ?? '');
    expect(csv.status).toBe(200);
    expect(csv.text).toContain('行号');
    expect(await countElders()).toBe(before);
    // a valid row of the rejected file was not written either
    const firstRowId = sample('elders-with-errors.csv').toString('utf8').split('\n')[1]?.split(',')[2] ?? '';
    expect(await site.deps.elders.findIdByIdHash(site.deps.blindIndex('id', firstRowId))).toBeNull();
  });

  it('the 50-elder sample creates 50; the same file again changes nothing', async () => {
    const before = await countElders();
    const r = await admin.post('/staff/import', upload('elders-50.csv'));
    expect(r.status).toBe(200);
    expect(r.text).toContain('<dd class="secret" id="created">50</dd>');
    expect(textOf(r.text)).toContain('导入完成');
    expect(await countElders()).toBe(before + 50);
    const again = await admin.post('/staff/import', upload('elders-50.csv'));
    expect(again.status).toBe(200);
    expect(await countElders()).toBe(before + 50);
    expect(again.text).not.toContain('id="created">50<');
    expect(textOf(again.text)).toContain('本次没有改变任何数据');
  });

  it('a street officer importing rows outside their street gets row errors, nothing written', async () => {
    const street = await signInStaff(site, 'xicheng');
    const before = await countElders();
    const r = await street.post('/staff/import', upload('elders-50-gbk.csv'));
    expect(r.status).toBe(422);
    expect(await countElders()).toBe(before);
  });

  it('no file, or a file that is not CSV, is refused inline', async () => {
    const empty = await admin.post('/staff/import', upload('empty.csv', new Uint8Array()));
    expect(empty.status).toBe(400);
    expect(textOf(empty.text)).toContain('请选择一个 CSV 文件');
    const binary = await admin.post('/staff/import', upload('x.csv', new Uint8Array([0xff, 0xfe, 0x41, 0x00])));
    expect(binary.status).toBe(422);
    expect(textOf(binary.text)).toContain('无法识别文件编码');
  });
});

describe('card sheet', () => {
  const code = 'zengdu.nanjiao.jiliang';

  it('lists the active elders of the community as cards', async () => {
    const r = await admin.get(`/staff/communities/${code}/cards`);
    expect(r.status).toBe(200);
    const elders = (await site.deps.elders.listByCommunity(code, 100)).items.filter((e) => e.status === 'active');
    expect(elders.length).toBeGreaterThan(0);
    expect((r.text.match(/class="pcard"/g) ?? []).length).toBe(elders.length);
    for (const e of elders) expect(r.text).toContain(e.name);
  });

  it('generates PINs only for elders whose PIN was never printed, once', async () => {
    const elders = (await site.deps.elders.listByCommunity(code, 100)).items.filter((e) => e.status === 'active');
    expect(elders.length).toBeGreaterThan(1);
    // one elder already has a printed PIN
    const printed = elders[0];
    const resetPage = await admin.post(`/staff/elders/${printed?.elder_id}/pin`);
    expect(resetPage.status).toBe(200);
    const printedAt = (await site.deps.elders.get(printed?.elder_id ?? ''))?.pin_printed_at;
    expect(printedAt).not.toBeNull();

    const r = await admin.post(`/staff/communities/${code}/cards`);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const pins = [...r.text.matchAll(/PIN：(\d{6})/g)].map((m) => m[1]);
    expect(pins.length).toBe(elders.length - 1);
    expect(r.text).not.toContain(printed?.name ?? 'x');
    for (const e of elders.slice(1)) expect(r.text).toContain(e.card_number.slice(0, 4));
    const after = await Promise.all(elders.map((e) => site.deps.elders.get(e.elder_id)));
    expect(after.every((e) => e?.pin_printed_at)).toBe(true);
    expect(after[0]?.pin_printed_at).toBe(printedAt); // untouched

    const again = await admin.post(`/staff/communities/${code}/cards`);
    expect([...again.text.matchAll(/PIN：(\d{6})/g)]).toHaveLength(0);
    expect(textOf(again.text)).toContain('已为 0 位老人生成 PIN');
  });
});
