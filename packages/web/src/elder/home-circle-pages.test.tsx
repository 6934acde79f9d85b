// The elder's home and the services in the circle through the elder's pages (tests/support/booking-site.ts
// sets the scene): balance, expiry and categories, the page-weight budget, barbers nearest first and
// home visits apart. Booking and the rest are in booking-pages.test.tsx.
import { beforeAll, describe, expect, it } from 'vitest';
import { policyNow } from '@tmc/app/public';
import { distanceZh, elderOrigin, servicesNear } from '../kit/booking';
import { assetUrl } from '../kit/static';
import { textOf } from '../../../../tests/support/site';
import {
  balance,
  bookLinks,
  elder,
  elderC,
  section,
  setUpBookingSite,
  site,
} from '../../../../tests/support/booking-site';

beforeAll(setUpBookingSite, 180_000);

describe('elder home', () => {
  it('shows the balance, what expires soonest, and one big button per category', async () => {
    const r = await elderC.get('/elder');
    expect(r.status).toBe(200);
    const b = await balance();
    expect(b).toBeGreaterThan(0);
    expect(r.text).toMatch(new RegExp(`id="balance">${b}<`));
    expect(textOf(r.text)).toMatch(/其中 \d+ 积分 12月31日到期/); // allowance points expire at the end of the year
    for (const cat of await site.deps.merchants.categories()) {
      expect(r.text).toContain(`href="/elder/services?category=${cat.code}"`);
      expect(textOf(r.text)).toContain(cat.name_zh);
    }
    expect(r.text).toContain('href="/elder/orders"');
    expect(r.text).toMatch(/data-speak="您有\d+积分/);
  });

  it('stays within the page-weight budget (HTML + CSS + JS under 40 KB)', async () => {
    const html = (await elderC.get('/elder')).text;
    const css = (await elderC.get(assetUrl('css'))).text;
    const js = (await elderC.get(assetUrl('readAloud'))).text;
    expect([html, css, js].reduce((n, s) => n + Buffer.byteLength(s), 0)).toBeLessThan(40 * 1024);
  });
});

describe('services in the circle', () => {
  it('lists barbers nearest first with walking minutes, distance, price, open badge, call and book', async () => {
    const r = await elderC.get('/elder/services?category=barber');
    expect(r.status).toBe(200);
    const t = textOf(section(r.text, 'list-h'));
    const minutes = [...t.matchAll(/步行约 (\d+) 分钟/g)].map((m) => Number(m[1]));
    expect(minutes.length).toBeGreaterThan(1);
    expect(minutes).toEqual([...minutes].sort((a, b) => a - b));
    expect(Math.max(...minutes)).toBeLessThanOrEqual(10); // the policy's ten-minute circle
    expect(t).toMatch(/\d+ 米/);
    expect(t).toMatch(/\d+ 积分/);
    expect(t).toContain('营业中');
    expect(r.text).toMatch(/href="tel:1700002\d{4}"/);
    expect(bookLinks(section(r.text, 'list-h')).length).toBe(minutes.length);
    expect(r.text).toContain('action="/elder/find"');
  });

  it('lists home visits under their own heading with the travel radius, never as a walk', async () => {
    const policy = await policyNow(site.deps);
    let seen = 0;
    for (const cat of await site.deps.merchants.categories()) {
      const hits = (await servicesNear(site.deps, policy, await elderOrigin(site.deps, elder), cat.code)).items;
      const visits = hits.filter((h) => h.home_visit);
      const r = await elderC.get(`/elder/services?category=${cat.code}`);
      const walk = section(r.text, 'list-h');
      const home = section(r.text, 'visit-h');
      for (const h of hits) {
        expect(h.home_visit ? home : walk).toContain(`service_id=${h.service_id}"`);
        expect(h.home_visit ? walk : home).not.toContain(`service_id=${h.service_id}"`);
      }
      expect(textOf(walk)).toContain(`（${hits.length - visits.length} 项）`);
      if (visits.length === 0) {
        expect(home).toBe('');
        continue;
      }
      seen += visits.length;
      const t = textOf(home);
      expect(t).toContain(`上门服务（${visits.length} 项）`);
      expect(t).not.toContain('步行');
      for (const h of visits) expect(t).toContain(`上门范围 ${distanceZh(h.radius_m ?? 0)}`);
    }
    expect(seen).toBeGreaterThan(0); // the demo has home visits near this elder
  });

  it('an unknown category is a 400 page, not a crash', async () => {
    const r = await elderC.get('/elder/services?category=nosuch');
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
  });
});
