// The staff award pages against DynamoDB Local: roles and street scope as in the awards API (finance
// refused; a street officer cannot award another street's elder), errors inline with what was typed,
// one award however often one form is sent (20 at once), and the CSV in two steps: a bad row awards
// nothing and its errors download as CSV; a clean file awards once, however often it is confirmed.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ElderRecord } from '@tmc/core/elders/model';
import { Client, hidden, makeSite, signInStaff, textOf, type Site } from '../../../../tests/support/site';

let site: Site;
let admin: Client;
let street: Client; // 西城街道
let finance: Client;
let west: ElderRecord[] = []; // elders of 西城街道
let east: ElderRecord; // an elder of 东城街道

const balance = async (id: string) => (await site.deps.ledger.account(`wallet:${id}`)).balance_points;
const awardEntries = async (id: string) =>
  (await site.deps.ledger.history(`wallet:${id}`, 100)).items.filter((e) => e.kind === 'award');

const raw = async (c: Client, path: string): Promise<{ status: number; type: string; bytes: Uint8Array }> => {
  const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const r = await site.app.request(path, { headers: { cookie } });
  return { status: r.status, type: r.headers.get('content-type') ?? '', bytes: new Uint8Array(await r.arrayBuffer()) };
};

const csvForm = (text: string, name = 'sheet.csv') => {
  const fd = new FormData();
  fd.append('file', new File([text], name, { type: 'text/csv' }));
  return fd;
};

beforeAll(async () => {
  site = await makeSite({ elders: 20, at: '2026-11-23T02:00:00Z' });
  for (const c of ['zengdu.xicheng.shengli', 'zengdu.xicheng.yanhe'])
    west.push(...(await site.deps.elders.listByCommunity(c, 20)).items.filter((e) => e.status === 'active'));
  east = (await site.deps.elders.listByCommunity('zengdu.dongcheng.qingnian', 1)).items[0] as ElderRecord;
  [admin, street, finance] = (await Promise.all(['admin', 'xicheng', 'finance'].map((u) => signInStaff(site, u)))) as [
    Client,
    Client,
    Client,
  ];
}, 400_000);

describe('single award', () => {
  it('is in the menu and the elder nav of those who may award; finance is refused', async () => {
    const first = west[0] as ElderRecord;
    expect((await street.get('/staff')).text).toContain('href="/staff/awards"');
    expect((await street.get(`/staff/elders/${first.elder_id}/points`)).text).toContain(
      `href="/staff/awards?elder=${first.elder_id}"`,
    );
    expect((await finance.get('/staff')).text).not.toContain('href="/staff/awards"');
    expect((await finance.get('/staff/awards')).status).toBe(403);
    expect((await finance.post('/staff/awards', { elder: first.elder_id })).status).toBe(403);
    const pre = await street.get(`/staff/awards?elder=${first.elder_id}`);
    expect(pre.status).toBe(200);
    expect(pre.text).toContain(`value="${first.elder_id}"`);
  });

  it('by card number; the result shows the entry and links to the points page', async () => {
    const e = west[0] as ElderRecord;
    const before = await balance(e.elder_id);
    const page = await street.get('/staff/awards');
    const r = await street.post('/staff/awards', {
      idempotency_key: hidden(page.text, 'idempotency_key'),
      elder: e.card_number,
      kind: 'community_event',
      quantity: '2',
      reason: '重阳节活动',
    });
    expect(r.status).toBe(303);
    expect(await balance(e.elder_id)).toBe(before + 20);
    const done = await street.get(r.location ?? '');
    expect(done.status).toBe(200);
    expect(textOf(done.text)).toContain('社区活动');
    expect(done.text).toContain(`href="/staff/elders/${e.elder_id}/points"`);
    const audit = (await site.deps.audit.listBySubject(`elder:${e.elder_id}`, 20)).items;
    expect(audit.filter((a) => a.action === 'award.create')).toHaveLength(1);
  });

  it("a street officer cannot award another street's elder; errors inline with what was typed", async () => {
    const page = await street.get('/staff/awards');
    const key = hidden(page.text, 'idempotency_key');
    const other = await street.post('/staff/awards', {
      idempotency_key: key,
      elder: east.elder_id,
      kind: 'health_checkup',
      quantity: '1',
      reason: '体检',
    });
    expect(other.status).toBe(403);
    expect(other.text).toContain('id="f-elder-err"');
    expect(other.text).toContain(`value="${east.elder_id}"`);
    expect(await awardEntries(east.elder_id)).toEqual([]);
    const e = west[1] as ElderRecord;
    const cap = await street.post('/staff/awards', {
      idempotency_key: key,
      elder: e.elder_id,
      kind: 'volunteer_hour',
      quantity: '9', // 45 points > the monthly cap of 40
      reason: '志愿服务',
    });
    expect(cap.status).toBe(422);
    expect(cap.text).toContain('id="f-quantity-err"');
    expect(cap.text).toContain('value="志愿服务"');
    const bad = await street.post('/staff/awards', { idempotency_key: key, elder: '', kind: 'x', quantity: '0' });
    expect(bad.status).toBe(400);
    for (const f of ['elder', 'kind', 'quantity', 'reason']) expect(bad.text).toContain(`id="f-${f}-err"`);
  });

  it('20 posts of one form at once award once', async () => {
    const e = west[2] as ElderRecord;
    const before = await balance(e.elder_id);
    const key = hidden((await street.get('/staff/awards')).text, 'idempotency_key');
    const form = { idempotency_key: key, elder: e.elder_id, kind: 'health_checkup', quantity: '1', reason: '年度体检' };
    const rs = await Promise.all(Array.from({ length: 20 }, () => street.post('/staff/awards', form)));
    expect(rs.filter((r) => r.status === 303).length).toBeGreaterThan(0);
    for (const r of rs) expect([303, 409]).toContain(r.status); // a replay answers the first result or "in flight"
    expect(await awardEntries(e.elder_id)).toHaveLength(1);
    expect(await balance(e.elder_id)).toBe(before + 20);
    const audit = (await site.deps.audit.listBySubject(`elder:${e.elder_id}`, 50)).items;
    expect(audit.filter((a) => a.action === 'award.create')).toHaveLength(1);
  });
});

describe('CSV awards', () => {
  const header = '卡号,类型,数量,说明';

  it('a bad row: nothing awarded, the errors shown and downloadable as CSV (UTF-8 BOM and GBK)', async () => {
    const e = west[3] as ElderRecord;
    const before = await balance(e.elder_id);
    const text = [header, `${e.card_number},社区活动,1,敬老活动`, `${east.card_number},社区活动,1,敬老活动`].join('\n');
    const r = await street.post('/staff/awards/csv', csvForm(text));
    expect(r.status).toBe(303);
    const page = await street.get(r.location ?? '');
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="award-errors"');
    expect(textOf(page.text)).toContain('ELDER_NOT_FOUND'); // another street's card: not found in my area
    expect(page.text).not.toContain('/confirm"');
    expect(await balance(e.elder_id)).toBe(before);
    const id = (r.location ?? '').split('/').pop() ?? '';
    const confirm = await street.post(`/staff/awards/csv/${id}/confirm`);
    expect(confirm.status).toBe(422);
    expect(await balance(e.elder_id)).toBe(before);
    const utf8 = await raw(street, `/staff/awards/csv/${id}/errors.csv`);
    expect(utf8.status).toBe(200);
    expect([...utf8.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(utf8.bytes)).toContain('ELDER_NOT_FOUND');
    const gbk = await raw(street, `/staff/awards/csv/${id}/errors.csv?encoding=gbk`);
    expect(gbk.status).toBe(200);
    expect(new TextDecoder('gbk').decode(gbk.bytes)).toContain('行号');
    // staff of another area (here the city's admin) do not see this upload
    expect((await admin.get(`/staff/awards/csv/${id}`)).status).toBe(404);
  });

  it('a clean file: preview without awarding, confirm awards, a second confirm awards nothing again', async () => {
    const [a, b] = [west[4], west[5]] as [ElderRecord, ElderRecord];
    const before = [await balance(a.elder_id), await balance(b.elder_id)];
    const text = [header, `${a.card_number},志愿服务,3,清扫`, `${b.card_number},健康体检,1,体检`].join('\r\n');
    const r = await street.post('/staff/awards/csv', csvForm(text));
    const page = await street.get(r.location ?? '');
    expect(textOf(page.text)).toContain('行数 Rows 2 老人 Elders 2 积分 Points 35');
    expect([await balance(a.elder_id), await balance(b.elder_id)]).toEqual(before);
    const id = (r.location ?? '').split('/').pop() ?? '';
    const ok = await street.post(`/staff/awards/csv/${id}/confirm`);
    expect(ok.status).toBe(303);
    expect(await balance(a.elder_id)).toBe((before[0] ?? 0) + 15);
    expect(await balance(b.elder_id)).toBe((before[1] ?? 0) + 20);
    expect(textOf((await street.get(ok.location ?? '')).text)).toContain('已奖励 2 行');
    const again = await street.post(`/staff/awards/csv/${id}/confirm`);
    expect(again.status).toBe(303);
    expect(again.location).toContain('awarded=0&already=2');
    expect(await balance(a.elder_id)).toBe((before[0] ?? 0) + 15);
    const audits = (await site.deps.audit.listBySubject(`award-upload:${id}`, 10)).items;
    expect(audits.map((x) => x.action)).toEqual(['awards.csv']);
  });
});
