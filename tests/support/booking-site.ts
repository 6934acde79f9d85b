// The booking fixture the elder booking pages' and the merchant pages' tests share: the whole site
// on DynamoDB Local with the clock at Monday 10:00 in Suizhou (shops open) and this month's
// allowance issued, the first demo elder signed in, the demo shops' phones, and helpers that book
// through the pages as a person would. Bindings are live: read them after setUpBookingSite ran.
import { expect } from 'vitest';
import type { ElderRecord } from '@tmc/core/elders/model';
import type { Order } from '@tmc/core/orders/state';
import { runJob } from '@tmc/app/compose/jobs';
import { Client, elderByPhone, hidden, makeSite, signInPhone, textOf, type Site } from './site';

export const MONDAY_10_SUIZHOU = '2026-11-23T02:00:00Z';
export const DEMO_MERCHANTS = 36;

export let site: Site;
export let elder: ElderRecord;
export let elderC: Client;
export const merchantPhone = new Map<string, string>(); // merchant_id -> shop phone
export const merchantClients = new Map<string, Client>();

export const unescape = (s: string) => s.replace(/&amp;/g, '&');
export const balance = async (elder_id = elder.elder_id) =>
  (await site.deps.ledger.account(`wallet:${elder_id}`)).balance_points;
/** The time preselected on the confirm screen (a checked radio), or the hidden '' of a service without hours. */
export const chosenSlot = (html: string): string =>
  html.match(/<input type="radio" name="slot_start" value="([^"]*)" checked=""/)?.[1] ?? hidden(html, 'slot_start');
/** Every time offered on the confirm screen, in page order. */
export const offeredSlots = (html: string): string[] =>
  [...html.matchAll(/<input type="radio" name="slot_start" value="([^"]*)"/g)].map((m) => m[1] ?? '');
/** The part of a services page under one heading (id of its h2). */
export const section = (html: string, id: string): string =>
  html.split(`aria-labelledby="${id}"`)[1]?.split('</section>')[0] ?? '';
export const orderIdOf = (location: string | null): string => location?.match(/\/orders\/(o_[A-Za-z0-9]+)/)?.[1] ?? '';
export const order = async (id: string): Promise<Order> => {
  const o = await site.deps.orders.get(id);
  if (!o) throw new Error(`no order ${id}`);
  return o;
};

/** Booking links on a services page, in page order. */
export const bookLinks = (html: string) =>
  [...html.matchAll(/href="([^"]*\/book\?merchant_id=(m_[A-Za-z0-9]+)&amp;service_id=(s_[A-Za-z0-9_]+))"/g)].map(
    (m) => ({ href: unescape(m[1] ?? ''), merchant_id: m[2] ?? '', service_id: m[3] ?? '' }),
  );

/** Opens the confirm screen for a link and returns its form fields, as a browser would post them. */
export const confirmForm = async (c: Client, href: string) => {
  const page = await c.get(href);
  expect(page.status).toBe(200);
  const action = page.text.match(/<form method="post" action="([^"]*\/book)">/)?.[1] ?? '';
  return {
    page,
    action,
    form: {
      merchant_id: hidden(page.text, 'merchant_id'),
      service_id: hidden(page.text, 'service_id'),
      slot_start: chosenSlot(page.text),
      key: hidden(page.text, 'key'),
    },
  };
};

export const merchant = async (merchant_id: string): Promise<Client> => {
  const known = merchantClients.get(merchant_id);
  if (known) return known;
  const c = await signInPhone(site, 'merchant', merchantPhone.get(merchant_id) ?? '');
  merchantClients.set(merchant_id, c);
  return c;
};

/** Books the first barber on the list through the pages; returns the order. */
export const bookBarber = async (c: Client = elderC, base = '/elder', pick = 0): Promise<Order> => {
  const list = await c.get(`${base}/services?category=barber`);
  const link = bookLinks(list.text)[pick];
  if (!link) throw new Error('no barber near the demo elder');
  const { action, form } = await confirmForm(c, link.href);
  let r = await c.post(action, form);
  if (r.status === 409) {
    // earlier tests filled this hour: the page offers the next free time, as a person would take it
    expect(textOf(r.text)).toContain('这个时段刚刚约满了');
    r = await c.post(action, { ...form, slot_start: chosenSlot(r.text), key: hidden(r.text, 'key') });
  }
  expect(r.status).toBe(303);
  return order(orderIdOf(r.location));
};

/** Run once per file, before its tests (beforeAll). */
export const setUpBookingSite = async (): Promise<void> => {
  site = await makeSite({ elders: 20, at: MONDAY_10_SUIZHOU });
  await runJob(site.deps, { job: 'issuance', month: '2026-11' });
  const phone = site.seed.elderPhones[0] ?? '';
  elder = await elderByPhone(site, phone);
  elderC = await signInPhone(site, 'elder', phone);
  for (let i = 0; i < DEMO_MERCHANTS; i++) {
    const p = `1700002${String(i).padStart(4, '0')}`;
    const acct = await site.deps.accounts.get('merchant', site.deps.blindIndex('phone', p));
    if (acct) merchantPhone.set(acct.account_id, p);
  }
};
