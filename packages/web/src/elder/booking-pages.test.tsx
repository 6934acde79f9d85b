// Points, services and orders through the elder's pages (tests/support/booking-site.ts sets the
// scene): booking (a double-posted form is one order), the code, 帮我找, family booking, role checks,
// and each booking error's wording. The home and the circle are in home-circle-pages.test.tsx.
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError, type ErrorCode } from '@tmc/core/kernel/errors';
import { orderCode } from '@tmc/core/orders/complete';
import { hold, release, setWalletFrozen } from '@tmc/core/ledger/service';
import { policyNow } from '@tmc/app/public';
import { chinaDateOf, elderOrigin, findCandidates } from '../kit/booking';
import { bookingMsg } from '../kit/order-ui';
import { assetUrl } from '../kit/static';
import { Client, hidden, signInPhone, textOf, type Res } from '../../../../tests/support/site';
import {
  balance,
  bookBarber,
  bookLinks,
  chosenSlot,
  confirmForm,
  elder,
  elderC,
  merchant,
  merchantPhone,
  offeredSlots,
  order,
  orderIdOf,
  section,
  setUpBookingSite,
  site,
  unescape,
} from '../../../../tests/support/booking-site';

beforeAll(setUpBookingSite, 180_000);

describe('booking', () => {
  it('the same confirm form posted twice (a double tap) books one order and holds the points once', async () => {
    const list = await elderC.get('/elder/services?category=barber');
    const link = bookLinks(list.text)[0];
    if (!link) throw new Error('no barber');
    const { page, action, form } = await confirmForm(elderC, link.href);
    const t = textOf(page.text);
    expect(t).toContain('确认预约');
    expect(t).toMatch(/\d+ 积分/);
    expect(form.key).toMatch(/^k_/);
    expect(form.slot_start).toMatch(/^2026-11-23T0[2-9]:00:00.000Z$/); // the next slot today, preselected
    expect(offeredSlots(page.text)[0]).toBe(form.slot_start);
    const before = await balance();
    const ordersBefore = (await site.deps.orders.ofElder(elder.elder_id, 50)).items.length;

    const [a, b] = await Promise.all([elderC.post(action, form), elderC.post(action, form)]);
    const c = await elderC.post(action, form);
    expect([a.status, b.status, c.status]).toEqual([303, 303, 303]);
    expect(new Set([a.location, b.location, c.location]).size).toBe(1);
    const o = await order(orderIdOf(a.location));
    expect((await site.deps.orders.ofElder(elder.elder_id, 50)).items.length).toBe(ordersBefore + 1);
    expect(await balance()).toBe(before - o.held_points);

    // a second confirm screen is a second order
    const again = await confirmForm(elderC, link.href);
    expect(again.form.key).not.toBe(form.key);
    await elderC.post(`/elder/orders/${o.order_id}/cancel`);
  });

  it('the order page shows the status, the shop, the code very large with read-aloud, call and cancel', async () => {
    const o = await bookBarber();
    const r = await elderC.get(`/elder/orders/${o.order_id}`);
    expect(r.status).toBe(200);
    const code = orderCode(site.deps, o);
    expect(r.text).toContain(`<p class="ocode num" id="code">${code}</p>`);
    expect(r.text).toContain(`data-speak="核销码是：${code.split('').join(' ')}`);
    expect(r.text).toContain(`<script src="${assetUrl('readAloud')}" defer=""></script>`);
    const t = textOf(r.text);
    expect(t).toContain('已预约，等商户接单');
    expect(t).toContain(o.merchant_name);
    expect(r.text).toMatch(/href="tel:1700002\d{4}"/);
    expect(r.text).toContain(`action="/elder/orders/${o.order_id}/cancel"`);
    // cancelled: points back, no code any more; a second tap on cancel is not an error
    const before = await balance();
    expect((await elderC.post(`/elder/orders/${o.order_id}/cancel`)).status).toBe(303);
    expect((await elderC.post(`/elder/orders/${o.order_id}/cancel`)).status).toBe(303);
    expect(await balance()).toBe(before + o.held_points);
    const after = await elderC.get(`/elder/orders/${o.order_id}?done=cancelled`);
    expect(after.text).not.toContain('id="code"');
    expect(textOf(after.text)).toContain('已取消，积分已退回');
  });

  it('the elder picks a day and a time among free slots with big buttons, the next free one preselected', async () => {
    const list = await elderC.get('/elder/services?category=barber');
    const link = bookLinks(section(list.text, 'list-h'))[0];
    if (!link) throw new Error('no barber');
    const first = await confirmForm(elderC, link.href);
    expect(first.page.text).not.toMatch(/type="(date|time|datetime-local)"/); // no date-picker widget
    expect(first.page.text).not.toContain('<script'); // works without script
    const days = [
      ...first.page.text.matchAll(/<a href="([^"]*&amp;date=(\d{4}-\d{2}-\d{2}))"( aria-current="date")?>/g),
    ];
    expect(days.length).toBeGreaterThan(1);
    expect(days[0]?.[3]).toBeTruthy(); // the day of the next free time is the one shown
    expect(first.form.slot_start).toBe(offeredSlots(first.page.text)[0]);
    const [, href = '', date = ''] = days[1] ?? [];
    const second = await confirmForm(elderC, unescape(href));
    const times = offeredSlots(second.page.text);
    expect(times.length).toBeGreaterThan(1);
    expect(times.every((s) => chinaDateOf(s) === date)).toBe(true);
    expect(second.form.slot_start).toBe(times[0]);
    const picked = times[times.length - 1] ?? '';
    const r = await elderC.post(second.action, { ...second.form, slot_start: picked });
    expect(r.status).toBe(303);
    const o = await order(orderIdOf(r.location));
    expect(o.slot_start).toBe(picked);
    await elderC.post(`/elder/orders/${o.order_id}/cancel`);
  });

  it('a time that is full is not offered', async () => {
    const list = await elderC.get('/elder/services?category=barber');
    const link = bookLinks(section(list.text, 'list-h'))[0];
    if (!link) throw new Error('no barber');
    const svc = (await site.deps.merchants.services(link.merchant_id)).find((s) => s.service_id === link.service_id);
    const before = await confirmForm(elderC, link.href);
    expect(offeredSlots(before.page.text).length).toBeGreaterThan(1);
    const target = offeredSlots(before.page.text)[1] ?? '';
    expect(target).toMatch(/^2026-11-2\dT/);
    const booked: string[] = [];
    for (let i = 0; i < (svc?.capacity_per_slot ?? 1); i++) {
      const f = await confirmForm(elderC, link.href);
      const r = await elderC.post(f.action, { ...f.form, slot_start: target });
      expect(r.status).toBe(303);
      booked.push(orderIdOf(r.location));
    }
    const after = await confirmForm(elderC, link.href);
    expect(offeredSlots(after.page.text)).not.toContain(target);
    expect(offeredSlots(after.page.text)[0]).toBe(offeredSlots(before.page.text)[0]);
    for (const id of booked) await elderC.post(`/elder/orders/${id}/cancel`);
  });

  it('lists recent orders newest first, each a link to its page', async () => {
    const r = await elderC.get('/elder/orders');
    expect(r.status).toBe(200);
    const ids = [...r.text.matchAll(/href="\/elder\/orders\/(o_[A-Za-z0-9]+)"/g)].map((m) => m[1]);
    const stored = (await site.deps.orders.ofElder(elder.elder_id, 20)).items.map((o) => o.order_id);
    expect(ids).toEqual(stored);
  });

  it("another elder's order is not found", async () => {
    const other = await signInPhone(site, 'elder', site.seed.elderPhones[1] ?? '');
    const o = (await site.deps.orders.ofElder(elder.elder_id, 1)).items[0];
    expect((await other.get(`/elder/orders/${o?.order_id}`)).status).toBe(404);
  });

  it('a full slot is shown inline, the form comes back with the next free time chosen and a new key', async () => {
    const list = await elderC.get('/elder/services?category=clinic');
    const link = bookLinks(list.text)[0];
    if (!link) throw new Error('no clinic');
    const svc = (await site.deps.merchants.services(link.merchant_id)).find((s) => s.service_id === link.service_id);
    const cap = svc?.capacity_per_slot ?? 1;
    // Every form is rendered before any is sent, so all offer the same slot: the confirm screen
    // offers the first slot with room, and the last one sent finds it taken meanwhile.
    const forms: { action: string; form: Record<string, string> }[] = [];
    for (let i = 0; i <= cap; i++) forms.push(await confirmForm(elderC, link.href));
    expect(new Set(forms.map((f) => f.form.slot_start)).size).toBe(1);
    let last: Res | null = null;
    let lastForm: Record<string, string> = {};
    for (const { action, form } of forms) {
      lastForm = form;
      last = await elderC.post(action, form);
    }
    const after = await confirmForm(elderC, link.href); // and the next visitor is offered a later slot
    expect((after.form.slot_start ?? '') > (lastForm.slot_start ?? '')).toBe(true);
    expect(last?.status).toBe(409);
    const t = textOf(last?.text ?? '');
    expect(t).toContain('这个时段刚刚约满了');
    expect(offeredSlots(last?.text ?? '')).not.toContain(lastForm.slot_start); // the full time is no longer offered
    expect(chosenSlot(last?.text ?? '')).toBe(after.form.slot_start);
    expect(hidden(last?.text ?? '', 'key')).not.toBe(lastForm.key);
    const ok = await elderC.post('/elder/book', {
      ...lastForm,
      slot_start: chosenSlot(last?.text ?? ''),
      key: hidden(last?.text ?? '', 'key'),
    });
    expect(ok.status).toBe(303);
    expect((await order(orderIdOf(ok.location))).slot_start).toBe(after.form.slot_start);
    for (const o of (await site.deps.orders.ofElder(elder.elder_id, 20)).items.filter(
      (x) => x.status === 'requested',
    )) {
      await elderC.post(`/elder/orders/${o.order_id}/cancel`);
    }
  });

  it('a frozen wallet is refused inline with what to do, and nothing is booked', async () => {
    await setWalletFrozen(site.deps, elder.elder_id, true);
    try {
      const list = await elderC.get('/elder/services?category=barber');
      const { action, form } = await confirmForm(elderC, bookLinks(list.text)[0]?.href ?? '');
      const before = (await site.deps.orders.ofElder(elder.elder_id, 50)).items.length;
      const r = await elderC.post(action, form);
      expect(r.status).toBe(423);
      expect(textOf(r.text)).toContain('积分账户已冻结，暂时不能预约。请联系社区，或拨打 12349');
      expect(r.text).toContain('role="alert"');
      expect((await site.deps.orders.ofElder(elder.elder_id, 50)).items.length).toBe(before);
    } finally {
      await setWalletFrozen(site.deps, elder.elder_id, false);
    }
  });

  it('too few points is refused inline with the price, the balance and what to do', async () => {
    // a second elder whose points are all held by something else for the moment
    const phone = site.seed.elderPhones[2] ?? '';
    const [id] = await site.deps.elders.findIdsByPhoneHash(site.deps.blindIndex('phone', phone));
    const other = await signInPhone(site, 'elder', phone);
    const all = await balance(id);
    await hold(site.deps, {
      hold_id: 'web-test-drain',
      elder_id: id ?? '',
      amount_points: all,
      category: 'barber',
      subsidy_allowed: true,
      per_order_max: null,
      per_month_max: null,
      expires_at: '2026-11-30T00:00:00Z',
      actor: 'test',
      reason: 'test',
    });
    try {
      const list = await other.get('/elder/services?category=canteen'); // a canteen is near this elder's home
      const link = bookLinks(list.text)[0];
      if (!link) throw new Error('no canteen near the third demo elder');
      const { action, form } = await confirmForm(other, link.href);
      const r = await other.post(action, form);
      expect(r.status).toBe(422);
      expect(textOf(r.text)).toMatch(
        /积分不足：这项服务要 \d+ 积分，现在有 0 积分。可以选便宜一些的服务，或请家属充值。/,
      );
      expect(hidden(r.text, 'key')).not.toBe(form.key); // a fresh screen, ready once points arrive
    } finally {
      await release(site.deps, { hold_id: 'web-test-drain', why: 'cancelled', actor: 'test' });
    }
  });

  it.each<[ErrorCode, RegExp]>([
    ['INSUFFICIENT_POINTS', /^积分不足：这项服务要 15 积分，现在有 3 积分。可以选便宜一些的服务，或请家属充值。$/],
    ['SLOT_FULL', /^这个时段刚刚约满了。已为您选好下一个空闲时段/],
    ['SLOT_INVALID', /^这个时段已经过了/],
    ['CATEGORY_NOT_ALLOWED', /^补贴积分不能用于这类服务.*请家属充值/],
    ['CAP_EXCEEDED', /^超过单笔或本月的积分使用上限.*下个月再约/],
    ['WALLET_FROZEN', /^积分账户已冻结.*12349/],
    ['SERVICE_UNAVAILABLE', /^这项服务暂时不能预约，请返回换一家/],
  ])('%s reads in Chinese first with what to do, English after', (code, zh) => {
    const m = bookingMsg(new AppError(code, { details: { balance_points: 3 } }), 15);
    expect(m.zh).toMatch(zh);
    expect(m.en).toMatch(/^[A-Z][ -~]+$/);
  });
});

describe('帮我找', () => {
  it('the form offers the order to the best-ranked open merchant, who sees it and can accept', async () => {
    const list = await elderC.get('/elder/services?category=barber');
    const key = hidden(list.text, 'key');
    const policy = await policyNow(site.deps);
    const { ranked } = await findCandidates(site.deps, policy, await elderOrigin(site.deps, elder), 'barber');
    const r = await elderC.post('/elder/find', { category: 'barber', key });
    expect(r.status).toBe(303);
    const again = await elderC.post('/elder/find', { category: 'barber', key }); // a double tap
    expect(again.location).toBe(r.location);
    const o = await order(orderIdOf(r.location));
    expect(o.mode).toBe('find_for_me');
    expect(o.merchant_id).toBe(ranked[0]?.merchant_id);
    expect(o.offers.map((x) => x.merchant_id)).toEqual(ranked.map((h) => h.merchant_id));
    const asking = await elderC.get(r.location ?? '');
    const page = textOf(asking.text);
    expect(page).toContain('帮我找：正在问第 1 家');
    // no shop is named (nor its phone) while it is only being asked: it may say no
    for (const x of o.offers) expect(page).not.toContain(x.merchant_name);
    expect(page).not.toContain(o.service_name);
    expect(asking.text).not.toMatch(/href="tel:1700002\d{4}"/);
    const row =
      (await elderC.get('/elder/orders')).text.split(`/elder/orders/${o.order_id}"`)[1]?.split('</a>')[0] ?? '';
    expect(textOf(row)).toMatch(/^>帮我找 /); // the list names no shop either
    expect(row).not.toContain(o.merchant_name);
    const m = await merchant(o.merchant_id);
    expect((await m.get('/merchant')).text).toContain(`id="o-${o.order_id}"`);
    expect((await m.post(`/merchant/orders/${o.order_id}/accept`)).status).toBe(303);
    const accepted = textOf((await elderC.get(r.location ?? '')).text);
    expect(accepted).toContain('商户已接单');
    expect(accepted).toContain(`商户 ${o.merchant_name}`); // which merchant took it, now that it has
    await elderC.post(`/elder/orders/${o.order_id}/cancel`);
  });
});

describe('family books for a bound elder', () => {
  it('binds, sees points and orders, books through the same pages, sees the code', async () => {
    const fam = await signInPhone(site, 'family', '17000018890');
    const base = `/family/elders/${elder.elder_id}`;
    expect((await fam.get(`${base}/services?category=barber`)).status).toBe(403); // not bound yet

    await fam.post('/family/bindings', { card_number: elder.card_number, relation: '女儿' });
    const fid = (await elderC.get('/elder')).text.match(/action="\/elder\/bindings\/(f_[A-Za-z0-9]+)\/confirm"/)?.[1];
    expect((await elderC.post(`/elder/bindings/${fid}/confirm`)).status).toBe(303);

    const prof = await fam.get(base);
    expect(prof.status).toBe(200);
    expect(prof.text).toMatch(new RegExp(`id="balance">${await balance()}<`));
    expect(prof.text).toContain(`href="${base}/services?category=barber"`);
    expect(prof.text).toMatch(new RegExp(`href="${base}/orders/o_`)); // recent orders

    const o = await bookBarber(fam, base);
    expect(o.elder_id).toBe(elder.elder_id);
    expect(o.booked_by).toBe(`family:${fid}`);
    const page = await fam.get(`${base}/orders/${o.order_id}`);
    expect(page.text).toContain(`id="code">${orderCode(site.deps, o)}<`);
    expect(textOf(page.text)).toContain(`为 ${elder.name} 预约`);
    // the elder sees the same order on their own list
    expect((await elderC.get('/elder/orders')).text).toContain(`/elder/orders/${o.order_id}`);
    expect((await fam.post(`${base}/orders/${o.order_id}/cancel`)).status).toBe(303);
    expect((await order(o.order_id)).status).toBe('cancelled');
  });
});

describe('roles', () => {
  it('an elder cannot open merchant pages; a merchant cannot open elder pages; strangers go to sign-in', async () => {
    const m = await merchant([...merchantPhone.keys()][0] ?? '');
    for (const path of ['/merchant', '/merchant/services']) expect((await elderC.get(path)).status).toBe(403);
    for (const path of ['/elder', '/elder/services?category=barber', '/elder/orders'])
      expect((await m.get(path)).status).toBe(403);
    expect((await m.post('/elder/find', { category: 'barber', key: 'k_abcdefghijklmnop' })).status).toBe(403);
    const anon = await new Client(site.app).get('/merchant');
    expect(anon.status).toBe(303);
    expect(anon.location).toBe('/merchant/login');
  });
});
