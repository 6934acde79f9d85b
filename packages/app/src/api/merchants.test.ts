// The alliance through HTTP: apply, review, services, search in the circle; suspension removes
// a merchant from search at once; scope and roles hold.
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, json, makeTestApp, phoneToken, staffToken } from '../../../../tests/support/app';
import { usccCheckChar } from '@tmc/core/merchants/model';
import { orderDeps } from '../compose/order-deps';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let admin: string;
let elder: string;
beforeAll(async () => {
  t = await makeTestApp({ seedElders: 6, merchants: true });
  admin = await staffToken(t.app, 'admin');
  elder = await phoneToken(t.app, t.deps, t.seed?.elderPhones[0] ?? '', 'elder');
}, 120_000);

const body = '91421303MA9999999';
const application = {
  business_name: '测试理发店',
  uscc: body + (usccCheckChar(body) ?? ''),
  licence_number: 'JY123',
  contact_name: '李',
  contact_phone: '17000030001',
  address: '胜利社区 1号',
  location: { lat: 31.7045, lng: 113.3495 },
  community_code: 'zengdu.xicheng.shengli',
  categories: ['barber'],
};
const service = {
  name: '剪发',
  category: 'barber',
  price_points: 12,
  ref_price_fen: 1500,
  duration_min: 30,
  mode: 'onsite',
  hours: { mon: [['08:00', '18:00']], tue: [['08:00', '18:00']] },
  capacity_per_slot: 2,
};
type Hit = {
  service_id: string;
  walking_minutes: number;
  distance_m: number;
  home_visit: boolean;
  merchant_name: string;
};

describe('merchant alliance', () => {
  it(
    'new orders are announced to the verified sign-in phone, not the ' + 'contact phone typed on the application',
    async () => {
      const m = await phoneToken(t.app, t.deps, '17000030002', 'merchant');
      const other = '91421303MA9999997';
      const res = await t.app.request(
        '/api/merchant/application',
        bearer(
          m,
          json({
            ...application,
            business_name: '联系电话另填的店',
            uscc: other + (usccCheckChar(other) ?? ''),
            contact_phone: '17000030003',
          }),
        ),
      );
      expect(res.status).toBe(201);
      const { merchant_id } = (await res.json()) as { merchant_id: string };
      expect(await orderDeps(t.deps).merchantPhone(merchant_id)).toBe('17000030002');
    },
  );

  it('apply -> pending (not matched) -> approve -> matched -> suspend -> gone -> reinstate', async () => {
    const m = await phoneToken(t.app, t.deps, '17000030001', 'merchant');
    const bad = await t.app.request(
      '/api/merchant/application',
      bearer(m, json({ ...application, uscc: body + (usccCheckChar(body) === '0' ? '1' : '0') })),
    );
    expect(bad.status).toBe(400);
    const res = await t.app.request('/api/merchant/application', bearer(m, json(application)));
    expect(res.status).toBe(201);
    const { merchant_id } = (await res.json()) as { merchant_id: string };
    const svc = (await (await t.app.request('/api/merchant/services', bearer(m, json(service)))).json()) as {
      service_id: string;
    };
    const search = async () =>
      (
        (await (await t.app.request('/api/search?category=barber&lat=31.7046&lng=113.3496', bearer(elder))).json()) as {
          items: Hit[];
        }
      ).items.map((h) => h.service_id);
    expect(await search()).not.toContain(svc.service_id);
    const queue = (await (await t.app.request('/api/merchants?status=pending', bearer(admin))).json()) as {
      items: { merchant_id: string }[];
    };
    expect(queue.items.map((x) => x.merchant_id)).toContain(merchant_id);
    expect(
      (await t.app.request(`/api/merchants/${merchant_id}/approve`, bearer(admin, json({ reason: '资料齐全' }))))
        .status,
    ).toBe(200);
    expect(await search()).toContain(svc.service_id);
    expect(
      (await t.app.request(`/api/merchants/${merchant_id}/suspend`, bearer(admin, json({ reason: '投诉核查' }))))
        .status,
    ).toBe(200);
    expect(await search()).not.toContain(svc.service_id);
    expect(
      (await t.app.request(`/api/merchants/${merchant_id}/approve`, bearer(admin, json({ reason: '再次批准' }))))
        .status,
    ).toBe(409);
    expect(
      (await t.app.request(`/api/merchants/${merchant_id}/reinstate`, bearer(admin, json({ reason: '核查无误' }))))
        .status,
    ).toBe(200);
    expect(await search()).toContain(svc.service_id);
    const audit = await t.deps.audit.listBySubject(`merchant:${merchant_id}`, 20);
    expect(audit.items.map((a) => a.action)).toEqual(
      expect.arrayContaining(['merchant.approve', 'merchant.suspend', 'merchant.reinstate']),
    );
  });

  it("search from the elder's home is ordered by walking minutes and marks home visits", async () => {
    const res = await t.app.request('/api/search?category=repair&minutes=20', bearer(elder));
    expect(res.status).toBe(200);
    const r = (await res.json()) as { items: Hit[]; queries: number; radius_m: number };
    expect(r.queries).toBeLessThanOrEqual(8);
    const mins = r.items.map((h) => h.walking_minutes);
    expect([...mins].sort((a, b) => a - b)).toEqual(mins);
    expect(r.items.some((h) => h.home_visit)).toBe(true);
    for (const h of r.items.filter((x) => !x.home_visit)) expect(h.distance_m).toBeLessThanOrEqual(r.radius_m + 1);
  });

  it(
    'roles: elders cannot decide merchants; merchants cannot search as ' +
      'elders; a family member must name a bound elder',
    async () => {
      expect((await t.app.request('/api/merchants?status=pending', bearer(elder))).status).toBe(403);
      const fam = await phoneToken(t.app, t.deps, '17000009777', 'family');
      const someone =
        (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', t.seed?.elderPhones[1] ?? '')))[0] ?? '';
      expect((await t.app.request(`/api/search?category=barber&elder_id=${someone}`, bearer(fam))).status).toBe(403);
    },
  );
});
