// Family top-up through the pages, on DynamoDB Local with the local fake payment gateway: choose
// an amount, go to pay (a double tap, or twenty, is one top-up), come back to the result page at
// Stripe's return URL, see the points arrive only once the signed notification has, failures and
// refunds in the history, and nobody else's top-up.
import { beforeAll, describe, expect, it } from 'vitest';
import { refundTopup } from '@tmc/core/topups/service';
import { sha256 } from '@tmc/core/kernel/secrets';
import type { ElderRecord } from '@tmc/core/elders/model';
import { Client, elderByPhone, hidden, makeSite, signInPhone, textOf, type Site } from '../../../../tests/support/site';

const MONDAY_10_SUIZHOU = '2026-11-23T02:00:00Z';

let site: Site;
let elder: ElderRecord;
let elderC: Client;
let fam: Client;
let base = '';

const balance = async () => (await site.deps.ledger.account(`wallet:${elder.elder_id}`)).balance_points;
const topupIdOf = (location: string | null): string => location?.match(/(t_[0-9a-f]{32})/)?.[1] ?? '';

/** Binds a family phone to the demo elder through the pages (the elder agrees on their page). */
const bindFamily = async (phone: string): Promise<Client> => {
  const c = await signInPhone(site, 'family', phone);
  expect((await c.post('/family/bindings', { card_number: elder.card_number, relation: '女儿' })).status).toBe(303);
  const fid = (await elderC.get('/elder')).text.match(/action="\/elder\/bindings\/(f_[A-Za-z0-9]+)\/confirm"/)?.[1];
  expect((await elderC.post(`/elder/bindings/${fid}/confirm`)).status).toBe(303);
  return c;
};

/** Opens the top-up form and posts it with `fields`, as a browser would. */
const startTopup = async (c: Client, fields: Record<string, string>) => {
  const form = await c.get(`${base}/topup`);
  expect(form.status).toBe(200);
  return c.post(`${base}/topup`, { key: hidden(form.text, 'key'), ...fields });
};

beforeAll(async () => {
  site = await makeSite({ elders: 20, at: MONDAY_10_SUIZHOU });
  const phone = site.seed.elderPhones[0] ?? '';
  elder = await elderByPhone(site, phone);
  elderC = await signInPhone(site, 'elder', phone);
  fam = await bindFamily('17000018801');
  base = `/family/elders/${elder.elder_id}`;
}, 180_000);

describe('family top-up pages', () => {
  it("the parent's page offers a top-up; the form has big amount buttons and the rate, no pop-up", async () => {
    const prof = await fam.get(base);
    expect(prof.text).toContain(`href="${base}/topup"`);
    const r = await fam.get(`${base}/topup`);
    expect(r.status).toBe(200);
    const t = textOf(r.text);
    expect(t).toContain(`为 ${elder.name} 充值积分`);
    expect(t).toContain('每 1 积分 ¥1.00');
    expect(t).toContain('还没有充值记录');
    expect(r.text).toMatch(/<input type="radio" name="yuan" value="50" checked=""/);
    expect(r.text).toContain('name="other"');
    expect(hidden(r.text, 'key')).toMatch(/^k_/);
    expect(r.text).not.toMatch(/confirm\(|alert\(|<dialog/);
  });

  it(
    'paying: twenty taps of one form are one top-up with one checkout link; ' +
      'the points arrive only with the notification',
    async () => {
      const form = await fam.get(`${base}/topup`);
      const key = hidden(form.text, 'key');
      const before = await balance();
      const taps = await Promise.all(Array.from({ length: 20 }, () => fam.post(`${base}/topup`, { key, yuan: '100' })));
      expect(new Set(taps.map((r) => r.status))).toEqual(new Set([303]));
      expect(new Set(taps.map((r) => r.location)).size).toBe(1);
      const id = topupIdOf(taps[0]?.location ?? null);
      expect(taps[0]?.location).toBe(`/dev/pay/${id}`); // the fake provider's checkout
      expect(
        (await site.deps.topups.listByElder(elder.elder_id, 50)).items.filter((t) => t.topup_id === id),
      ).toHaveLength(1);

      // back from the provider before its notification: waiting, nothing credited, a way to pay
      const waiting = await fam.get(`/family/topups/${id}?paid=1`);
      expect(waiting.status).toBe(200);
      expect(textOf(waiting.text)).toContain('等待付款确认');
      expect(textOf(waiting.text)).toContain('正在等支付机构确认');
      expect(waiting.text).toContain(`href="/dev/pay/${id}"`);
      expect(await balance()).toBe(before);

      // the provider's signed notification, delivered twice: credited once
      const paid = await new Client(site.app).post(`/dev/pay/${id}/twice`);
      expect(paid.status).toBe(200);
      expect(paid.text).toContain(`href="/family/topups/${id}?paid=1"`);
      const done = await fam.get(`/family/topups/${id}?paid=1`);
      expect(textOf(done.text)).toContain('已到账');
      expect(textOf(done.text)).toContain('¥100.00');
      expect(done.text).not.toContain(`href="/dev/pay/${id}"`);
      expect(await balance()).toBe(before + 100);

      const hist = await fam.get(`${base}/topup`);
      const row = hist.text.split(`id="t-${id}"`)[1]?.split('</li>')[0] ?? '';
      expect(textOf(row)).toContain('¥100.00');
      expect(textOf(row)).toContain('100 积分');
      expect(textOf(row)).toContain('已到账');
    },
  );

  it('a failed payment says nothing was charged and shows in the history', async () => {
    const r = await startTopup(fam, { yuan: '50' });
    const id = topupIdOf(r.location);
    const before = await balance();
    await new Client(site.app).post(`/dev/pay/${id}/fail`);
    const page = await fam.get(`/family/topups/${id}?cancelled=1`);
    expect(textOf(page.text)).toContain('付款没有成功');
    expect(await balance()).toBe(before);
    const hist = await fam.get(`${base}/topup`);
    expect(textOf(hist.text.split(`id="t-${id}"`)[1]?.split('</li>')[0] ?? '')).toContain('付款没有成功');
  });

  it('a refund is shown on the result page and in the history', async () => {
    const r = await startTopup(fam, { other: '30' });
    const id = topupIdOf(r.location);
    await new Client(site.app).post(`/dev/pay/${id}/succeed`);
    await refundTopup(site.deps, {
      topup_id: id,
      reason: '家属申请退款',
      actor: 'staff:finance',
      idem: { scope: 'staff:finance', key: `refund-${id}`, request_hash: sha256(id) },
    });
    const page = await fam.get(`/family/topups/${id}`);
    expect(textOf(page.text)).toContain('已退款');
    expect(textOf(page.text)).toMatch(/已退款 ¥30\.00（30 积分）/);
    const hist = await fam.get(`${base}/topup`);
    expect(textOf(hist.text.split(`id="t-${id}"`)[1]?.split('</li>')[0] ?? '')).toMatch(/已退款 ¥30\.00（30 积分）/);
  });

  it('a bad amount or one over the daily limit is refused inline and nothing is started', async () => {
    const count = async () => (await site.deps.topups.listByElder(elder.elder_id, 50)).items.length;
    const n = await count();
    for (const other of ['abc', '0', '12.5']) {
      const r = await startTopup(fam, { other });
      expect(r.status, other).toBe(400);
      expect(textOf(r.text)).toContain('请选择金额，或填写整数元');
    }
    const over = await startTopup(fam, { other: '5000' });
    expect(over.status).toBe(422);
    expect(textOf(over.text)).toContain('已超过该老人今日充值上限');
    expect(over.text).toContain('value="5000"');
    expect(await count()).toBe(n);
  });

  it(
    "Stripe's return URL is a page: another family member, or an unknown " +
      'top-up, gets a 404 page; an unbound one cannot pay',
    async () => {
      const mine = (await site.deps.topups.listByElder(elder.elder_id, 1)).items[0]?.topup_id ?? '';
      const other = await bindFamily('17000018802');
      for (const path of [`/family/topups/${mine}`, `/family/topups/t_${'0'.repeat(32)}`]) {
        const r = await other.get(path);
        expect(r.status, path).toBe(404);
        expect(r.headers.get('content-type')).toMatch(/^text\/html/);
        expect(textOf(r.text)).toContain('找不到该充值记录');
      }
      // the other family member sees the top-up in the parent's history, without its details link
      const hist = await other.get(`${base}/topup`);
      expect(textOf(hist.text)).toContain('其他家属充的');
      expect(hist.text).not.toContain(`href="/family/topups/${mine}"`);

      const stranger = await signInPhone(site, 'family', '17000018803');
      expect((await stranger.get(`${base}/topup`)).status).toBe(403);
      expect((await stranger.post(`${base}/topup`, { key: 'k_abcdefghijklmnop', yuan: '50' })).status).toBe(403);
      const anon = await new Client(site.app).get(`/family/topups/${mine}?paid=1`);
      expect(anon.status).toBe(303);
      expect(anon.location).toContain('/family/login');
    },
  );
});
