// 代下单 through the staff pages on DynamoDB Local (tests/support/booking-site.ts: Monday 10:00, the
// month's allowance issued): roles and street scope as the API's (a street officer cannot book for or
// open another street's elder, finance cannot book), the search in the circle, the confirm form posted
// 20 times at once is one order, the code shown to staff only on an order booked on behalf, the print
// slip, refusals inline with nothing booked, cancel, and rate and dispute on behalf in the elder's audit.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ElderRecord } from '@tmc/core/elders/model';
import { isWithin } from '@tmc/core/areas/model';
import { ERRORS } from '@tmc/core/kernel/errors';
import { setWalletFrozen } from '@tmc/core/ledger/service';
import { acceptOrder } from '@tmc/core/orders/answer';
import { completeOrder, orderCode } from '@tmc/core/orders/complete';
import { orderDeps, policyNow } from '@tmc/app/public';
import { Client, signInStaff, textOf } from '../../../../tests/support/site';
import {
  balance,
  bookBarber,
  elder as phoneElder,
  order,
  orderIdOf,
  setUpBookingSite,
  site,
} from '../../../../tests/support/booking-site';
import { elderOrigin, servicesNear } from '../kit/booking';

let admin: Client;
let street: Client; // 'xicheng': zengdu.xicheng only
let finance: Client;
let mine: ElderRecord; // an elder in 西城街道 with barbers in the circle
let other: ElderRecord; // an elder outside 西城街道

const base = () => `/staff/elders/${mine.elder_id}`;

/** The confirm links of the search table, in page order. */
const confirmLinks = (html: string) =>
  [...html.matchAll(/href="([^"]*\/book\/confirm\?merchant_id=m_[A-Za-z0-9]+&amp;service_id=s_[A-Za-z0-9_]+)"/g)].map(
    (m) => (m[1] ?? '').replace(/&amp;/g, '&'),
  );

/** The confirm form for the nearest barber, as the officer's browser would post it. */
const confirmForm = async (c: Client) => {
  const list = await c.get(`${base()}/book?category=barber`);
  expect(list.status).toBe(200);
  const link = confirmLinks(list.text)[0];
  if (!link) throw new Error('no barber near the elder');
  const page = await c.get(link);
  expect(page.status).toBe(200);
  const field = (name: string) =>
    page.text.match(new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`))?.[1] ?? '';
  const slot = page.text.match(/<option value="([^"]*)" selected=""/)?.[1] ?? field('slot_start');
  return {
    page,
    form: { merchant_id: field('merchant_id'), service_id: field('service_id'), slot_start: slot, key: field('key') },
  };
};

const audits = async (e: ElderRecord, action: string) =>
  (await site.deps.audit.listBySubject(`elder:${e.elder_id}`, 100)).items.filter((a) => a.action === action);

/** Books through the page; returns the order id. A full hour (earlier tests) takes the next free one. */
const bookThroughPage = async (c: Client) => {
  const { form } = await confirmForm(c);
  const r = await c.post(`${base()}/book`, form);
  expect(r.status).toBe(303);
  return orderIdOf(r.location);
};

/** The shop accepts and redeems with the code (as the merchant API does). */
const complete = async (order_id: string) => {
  const o = await order(order_id);
  const d = orderDeps(site.deps);
  await acceptOrder(d, order_id, o.merchant_id);
  await completeOrder(d, await policyNow(site.deps), order_id, o.merchant_id, { code: orderCode(site.deps, o) });
};

beforeAll(async () => {
  await setUpBookingSite();
  [admin, street, finance] = (await Promise.all(['admin', 'xicheng', 'finance'].map((u) => signInStaff(site, u)))) as [
    Client,
    Client,
    Client,
  ];
  const policy = await policyNow(site.deps);
  const streets = await site.deps.areas.children('zengdu.xicheng');
  for (const community of streets) {
    for (const e of (await site.deps.elders.listByCommunity(community.code, 50)).items) {
      // not the booking site's phone elder: a test needs an order of someone else
      if (mine || e.status !== 'active' || e.elder_id === phoneElder.elder_id) continue;
      const r = await servicesNear(site.deps, policy, await elderOrigin(site.deps, e), 'barber');
      if (r.items.some((h) => !h.home_visit && !h.slots_full)) mine = e;
    }
  }
  const east = await site.deps.areas.children('zengdu.dongcheng');
  other = (await site.deps.elders.listByCommunity(east[0]?.code ?? '', 1)).items[0] as ElderRecord;
  expect(mine, 'a 西城 elder with a barber nearby').toBeDefined();
  expect(isWithin(other.community_code, 'zengdu.xicheng')).toBe(false);
}, 240_000);

describe('who may book for whom', () => {
  it('the elder page links to 代下单; the search is the officer’s in scope only, never finance’s', async () => {
    expect((await street.get(base())).text).toContain(`href="${base()}/book"`);
    expect((await street.get(`${base()}/book`)).status).toBe(200);
    expect((await admin.get(`/staff/elders/${other.elder_id}/book`)).status).toBe(200);
    expect((await street.get(`/staff/elders/${other.elder_id}/book?category=barber`)).status).toBe(403);
    expect((await finance.get(`${base()}/book`)).status).toBe(403);
    expect((await new Client(site.app).get(`${base()}/book`)).status).toBe(303);
  });

  it('another street’s officer and finance cannot book: nothing is written', async () => {
    const { form } = await confirmForm(admin);
    const before = (await site.deps.orders.ofElder(other.elder_id, 50)).items.length;
    const r = await street.post(`/staff/elders/${other.elder_id}/book`, form);
    expect(r.status).toBe(403);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect((await finance.post(`${base()}/book`, form)).status).toBe(403);
    expect(
      (
        await street.get(
          `/staff/elders/${other.elder_id}/book/confirm?merchant_id=${form.merchant_id}&service_id=${form.service_id}`,
        )
      ).status,
    ).toBe(403);
    expect((await site.deps.orders.ofElder(other.elder_id, 50)).items.length).toBe(before);
  });
});

describe('booking on behalf', () => {
  it('the search lists walking time, points, hours and the next free time, by category and minutes', async () => {
    const r = await street.get(`${base()}/book?category=barber&minutes=15`);
    const t = textOf(r.text);
    expect(t).toMatch(/步行约 \d+ 分钟/);
    expect(t).toContain('步行 15 分钟内');
    expect(r.text).toContain('<option value="15" selected="">');
    expect(r.text).toMatch(/<th scope="col">营业时间 Hours<\/th>/);
    expect(t).toMatch(/周[一二三四五六日]/);
    expect(confirmLinks(r.text).length).toBeGreaterThan(0);
  });

  it('the same confirm form posted 20 times at once books one order, holds the points once, audited once', async () => {
    const { page, form } = await confirmForm(street);
    expect(textOf(page.text)).toContain(`为 ${mine.name} 代下单`);
    expect(form.key).toMatch(/^k_/);
    const before = await balance(mine.elder_id);
    const ordersBefore = (await site.deps.orders.ofElder(mine.elder_id, 50)).items.length;
    const rs = await Promise.all(Array.from({ length: 20 }, () => street.post(`${base()}/book`, form)));
    expect(rs.map((r) => r.status)).toEqual(rs.map(() => 303));
    expect(new Set(rs.map((r) => r.location)).size).toBe(1);
    const o = await order(orderIdOf(rs[0]?.location ?? null));
    expect(o.booked_by).toBe('staff:xicheng');
    expect((await site.deps.orders.ofElder(mine.elder_id, 50)).items.length).toBe(ordersBefore + 1);
    expect(await balance(mine.elder_id)).toBe(before - o.held_points);
    expect((await audits(mine, 'order.book_on_behalf')).filter((a) => a.detail?.order_id === o.order_id)).toHaveLength(
      1,
    );

    const shown = await street.get(rs[0]?.location ?? '');
    expect(shown.status).toBe(200);
    const code = orderCode(site.deps, o);
    expect(shown.text).toContain(`<p class="ocode num" id="code">${code}</p>`);
    expect(textOf(shown.text)).toContain(code.split('').join(' '));
    expect(textOf(shown.text)).toContain('已代老人下单');
    expect(textOf(shown.text)).toContain('代老人下单 · xicheng'); // who did it last, from the audit trail
    expect(shown.text).toContain(`href="${base()}/orders/${o.order_id}?print=1"`);

    const slip = await street.get(`${base()}/orders/${o.order_id}?print=1`);
    expect(slip.text).toContain(`id="code">${code}</p>`);
    expect(slip.text).not.toContain('<form method="post" action="/staff/elders');
    expect(textOf(slip.text)).toContain(o.merchant_name);

    // a staff cancel: no fee, points straight back; a second click is not an error
    const cancel = await street.post(`${base()}/orders/${o.order_id}/cancel`);
    expect(cancel.status).toBe(303);
    expect((await street.post(`${base()}/orders/${o.order_id}/cancel`)).status).toBe(303);
    expect(await balance(mine.elder_id)).toBe(before);
    const after = await street.get(cancel.location ?? '');
    expect(after.text).not.toContain('id="code"');
    expect(textOf(after.text)).toContain('已取消');
  });

  it('the code of an order the elder booked themself is not shown to staff (the API’s rule)', async () => {
    const o = await bookBarber();
    const r = await admin.get(`/staff/elders/${phoneElder.elder_id}/orders/${o.order_id}`);
    expect(r.status).toBe(200);
    expect(r.text).not.toContain('id="code"');
    expect(r.text).not.toContain(orderCode(site.deps, o));
  });

  it('another elder’s order is not found under this elder; another street’s is refused', async () => {
    const o = await bookBarber();
    expect((await admin.get(`${base()}/orders/${o.order_id}`)).status).toBe(404);
    if (!isWithin(phoneElder.community_code, 'zengdu.xicheng'))
      expect((await street.get(`/staff/elders/${phoneElder.elder_id}/orders/${o.order_id}`)).status).toBe(403);
  });

  it('a frozen wallet is refused inline with the message table’s words, a new key, and nothing booked', async () => {
    const { form } = await confirmForm(street);
    const before = (await site.deps.orders.ofElder(mine.elder_id, 50)).items.length;
    await setWalletFrozen(site.deps, mine.elder_id, true);
    try {
      const r = await street.post(`${base()}/book`, form);
      expect(r.status).toBe(ERRORS.WALLET_FROZEN.status);
      expect(r.text).toContain('role="alert"');
      expect(textOf(r.text)).toContain('积分账户已冻结');
      expect(r.text).toMatch(/name="key" value="k_/);
      expect(r.text).not.toContain(`value="${form.key}"`);
    } finally {
      await setWalletFrozen(site.deps, mine.elder_id, false);
    }
    expect((await site.deps.orders.ofElder(mine.elder_id, 50)).items.length).toBe(before);
  });
});

describe('rate and dispute on behalf', () => {
  it('rate: a missing star count is shown inline; a rating lands once and in the elder’s audit', async () => {
    const id = await bookThroughPage(street);
    await complete(id);
    const page = await street.get(`${base()}/orders/${id}`);
    expect(page.text).toContain(`action="${base()}/orders/${id}/rate"`);
    const bad = await street.post(`${base()}/orders/${id}/rate`, { comment: '师傅很好' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="stars-err"');
    expect(bad.text).toContain('师傅很好'); // what was typed is kept
    const ok = await street.post(`${base()}/orders/${id}/rate`, { stars: '5', tag_0: '1', comment: '师傅很好' });
    expect(ok.status).toBe(303);
    expect((await order(id)).rating).toMatchObject({ stars: 5, tags: ['准时'], comment: '师傅很好' });
    expect((await audits(mine, 'order.rate_on_behalf')).filter((a) => a.detail?.order_id === id)).toHaveLength(1);
    const again = await street.post(`${base()}/orders/${id}/rate`, { stars: '1' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('role="alert"');
    expect((await order(id)).rating?.stars).toBe(5);
    expect(textOf((await street.get(base())).text)).toContain('代老人评价');
  });

  it('dispute: a too-short reason is shown inline; the dispute lands once, in the elder’s audit', async () => {
    const id = await bookThroughPage(street);
    await complete(id);
    const bad = await street.post(`${base()}/orders/${id}/dispute`, { reason: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('aria-invalid="true"');
    expect((await order(id)).status).toBe('completed');
    const reason = '老人说理发只剪了一半';
    const ok = await street.post(`${base()}/orders/${id}/dispute`, { reason });
    expect(ok.status).toBe(303);
    const o = await order(id);
    expect(o.status).toBe('disputed');
    expect(o.dispute?.by).toBe('staff:xicheng');
    expect((await audits(mine, 'order.dispute_on_behalf')).filter((a) => a.detail?.order_id === id)).toHaveLength(1);
    const shown = textOf((await street.get(ok.location ?? '')).text);
    expect(shown).toContain(reason);
    expect(shown).toContain('代老人投诉 · xicheng');
    const late = await street.post(`${base()}/orders/${id}/dispute`, { reason });
    expect(late.status).toBe(409);
  });
});

describe('finance', () => {
  it('cannot open an elder’s order page', async () => {
    const id = (await site.deps.orders.ofElder(mine.elder_id, 1)).items[0]?.order_id ?? 'o_none';
    expect((await finance.get(`${base()}/orders/${id}`)).status).toBe(403);
  });
});
