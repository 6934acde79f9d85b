// Every page x every kind of visitor, in one table: the page renders (200) for the roles it
// serves, sends the signed-out visitor to sign-in (303), and shows a 403 page to anyone else.
// Every answer that is not a redirect is an HTML page, never JSON.
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, makeSite, signInPhone, signInStaff, type Site } from '../../../tests/support/site';

type Who = 'anon' | 'elder' | 'family' | 'merchant' | 'admin' | 'street' | 'finance';
const WHO: readonly Who[] = ['anon', 'elder', 'family', 'merchant', 'admin', 'street', 'finance'];

let site: Site;
const clients = {} as Record<Who, Client>;
let inStreet = ''; // an elder in 西城街道 (the street officer's area)
let outside = ''; // an elder in 东城街道
let westShop = ''; // a merchant in 西城街道
let eastShop = ''; // a merchant in 东城街道

beforeAll(async () => {
  site = await makeSite({ elders: 20 });
  clients.anon = new Client(site.app);
  clients.elder = await signInPhone(site, 'elder', site.seed.elderPhones[0] ?? '');
  clients.family = await signInPhone(site, 'family', '17000017001');
  clients.merchant = await signInPhone(site, 'merchant', '17000020000'); // the first demo shop
  clients.admin = await signInStaff(site, 'admin');
  clients.street = await signInStaff(site, 'xicheng');
  clients.finance = await signInStaff(site, 'finance');
  inStreet = (await site.deps.elders.listByCommunity('zengdu.xicheng.shengli', 1)).items[0]?.elder_id ?? '';
  outside = (await site.deps.elders.listByCommunity('zengdu.dongcheng.qingnian', 1)).items[0]?.elder_id ?? '';
  const shops = (await site.deps.merchants.byStatus('approved', 100)).items;
  westShop = shops.find((m) => m.community_code.startsWith('zengdu.xicheng.'))?.merchant_id ?? '';
  eastShop = shops.find((m) => m.community_code.startsWith('zengdu.dongcheng.'))?.merchant_id ?? '';
});

// [path, expected status per visitor]: 200 page, 303 to sign-in (or home when already in), 403 page
const TABLE: [string | (() => string), Partial<Record<Who, number>> & { rest: number }][] = [
  ['/', { rest: 200 }],
  ['/elder/login', { elder: 303, rest: 200 }],
  ['/family/login', { family: 303, rest: 200 }],
  ['/merchant/login', { merchant: 303, rest: 200 }],
  ['/staff/login', { admin: 303, street: 303, finance: 303, rest: 200 }],
  ['/elder', { elder: 200, anon: 303, rest: 403 }],
  ['/family', { family: 200, anon: 303, rest: 403 }],
  ['/elder/services?category=barber', { elder: 200, anon: 303, rest: 403 }],
  ['/elder/orders', { elder: 200, anon: 303, rest: 403 }],
  ['/elder/orders/o_nosuchorder1', { elder: 404, anon: 303, rest: 403 }],
  [() => `/family/elders/${inStreet}`, { anon: 303, rest: 403 }], // nobody here is bound to this elder
  [() => `/family/elders/${inStreet}/services?category=barber`, { anon: 303, rest: 403 }],
  [() => `/family/elders/${inStreet}/orders`, { anon: 303, rest: 403 }],
  [() => `/family/elders/${inStreet}/topup`, { anon: 303, rest: 403 }],
  [`/family/topups/t_${'0'.repeat(32)}`, { family: 404, anon: 303, rest: 403 }], // Stripe's return URL: a page
  ['/staff/no-such-page', { rest: 404 }], // no such page: a 404 page, never JSON
  ['/staff/merchants?status=pending', { admin: 200, street: 200, anon: 303, rest: 403 }],
  ['/staff/merchants?status=approved&area=zengdu.dongcheng', { admin: 200, street: 403, anon: 303, rest: 403 }],
  ['/staff/merchants/m_nosuchmerchant1', { admin: 404, street: 404, anon: 303, rest: 403 }],
  [() => `/staff/merchants/${westShop}`, { admin: 200, street: 200, anon: 303, rest: 403 }],
  [() => `/staff/merchants/${eastShop}`, { admin: 200, anon: 303, rest: 403 }],
  ['/staff/categories', { admin: 200, street: 200, finance: 200, anon: 303, rest: 403 }],
  ['/merchant', { merchant: 200, anon: 303, rest: 403 }],
  ['/merchant/services', { merchant: 200, anon: 303, rest: 403 }],
  ['/staff', { admin: 200, street: 200, finance: 200, anon: 303, rest: 403 }],
  ['/staff/search?q=张', { admin: 200, street: 200, anon: 303, rest: 403 }],
  ['/staff/elders/new', { admin: 200, street: 200, anon: 303, rest: 403 }],
  ['/staff/import', { admin: 200, street: 200, anon: 303, rest: 403 }],
  ['/staff/communities/zengdu.xicheng.shengli', { admin: 200, street: 200, anon: 303, rest: 403 }],
  ['/staff/communities/zengdu.dongcheng.qingnian', { admin: 200, anon: 303, rest: 403 }],
  ['/staff/communities/zengdu.xicheng.shengli/cards', { admin: 200, street: 200, anon: 303, rest: 403 }],
  [() => `/staff/elders/${inStreet}`, { admin: 200, street: 200, anon: 303, rest: 403 }],
  [() => `/staff/elders/${outside}`, { admin: 200, anon: 303, rest: 403 }],
  // an elder's points, orders and top-ups, and the disputes queue (issue 12): the API's roles and scope
  [() => `/staff/elders/${inStreet}/points`, { admin: 200, street: 200, finance: 200, anon: 303, rest: 403 }],
  [() => `/staff/elders/${outside}/points`, { admin: 200, finance: 200, anon: 303, rest: 403 }],
  [() => `/staff/elders/${inStreet}/points/entries/nosuch1/reverse`, { admin: 404, anon: 303, rest: 403 }],
  [() => `/staff/elders/${inStreet}/orders`, { admin: 200, street: 200, anon: 303, rest: 403 }],
  [() => `/staff/elders/${outside}/orders`, { admin: 200, anon: 303, rest: 403 }],
  [() => `/staff/elders/${inStreet}/topups`, { admin: 200, street: 200, finance: 200, anon: 303, rest: 403 }],
  [() => `/staff/elders/${outside}/topups`, { admin: 200, finance: 200, anon: 303, rest: 403 }],
  ['/staff/disputes', { admin: 200, street: 200, anon: 303, rest: 403 }],
  ['/staff/disputes?area=zengdu.dongcheng', { admin: 200, street: 403, anon: 303, rest: 403 }],
  ['/staff/disputes/o_nosuchorder1', { admin: 404, street: 404, anon: 303, rest: 403 }],
  [() => `/staff/elders/${inStreet}/book`, { admin: 200, street: 200, anon: 303, rest: 403 }],
  [() => `/staff/elders/${outside}/book?category=barber`, { admin: 200, anon: 303, rest: 403 }],
  [() => `/staff/elders/${inStreet}/orders/o_nosuchorder1`, { admin: 404, street: 404, anon: 303, rest: 403 }],
  [() => `/staff/elders/${outside}/orders/o_nosuchorder1`, { admin: 404, anon: 303, rest: 403 }],
  ['/staff/settlement', { admin: 200, street: 200, finance: 200, anon: 303, rest: 403 }],
  ['/staff/settlement/statements?status=paid', { admin: 200, street: 200, finance: 200, anon: 303, rest: 403 }],
  [
    '/staff/settlement/statements/st_2026-11_m_nosuch1',
    { admin: 404, street: 404, finance: 404, anon: 303, rest: 403 },
  ],
  ['/staff/settlement/batches', { admin: 200, finance: 200, anon: 303, rest: 403 }],
  ['/staff/coverage', { admin: 200, street: 200, anon: 303, rest: 403 }],
  ['/staff/coverage?street=zengdu.dongcheng', { admin: 200, street: 403, anon: 303, rest: 403 }],
  ['/merchant/settlement', { merchant: 200, anon: 303, rest: 403 }],
  ['/staff/accounts', { admin: 200, anon: 303, rest: 403 }],
  ['/staff/accounts/new', { admin: 200, anon: 303, rest: 403 }],
  ['/staff/accounts/xicheng', { admin: 200, anon: 303, rest: 403 }],
  ['/staff/accounts/nobody', { admin: 404, anon: 303, rest: 403 }],
  ['/staff/password', { admin: 200, street: 200, finance: 200, anon: 303, rest: 403 }],
  ['/merchant/settlement/st_2026-11_m_nosuch1', { merchant: 404, anon: 303, rest: 403 }],
];

describe('page x visitor', () => {
  it.each(TABLE.map(([p, e]) => [typeof p === 'string' ? p : p.toString().replace(/^\(\) => /, ''), p, e] as const))(
    '%s',
    async (_name, path, expected) => {
      const url = typeof path === 'string' ? path : path();
      const failures: string[] = [];
      for (const who of WHO) {
        const want = expected[who] ?? expected.rest;
        const r = await clients[who].get(url);
        if (r.status !== want) failures.push(`${who}: ${r.status}, expected ${want}`);
        if (r.status !== 303 && !/^text\/html/.test(r.headers.get('content-type') ?? ''))
          failures.push(`${who}: not an HTML page`);
        if (r.status === 303 && who === 'anon' && want === 303 && !r.location?.includes('/login'))
          failures.push(`anon: redirected to ${r.location}`);
      }
      expect(failures).toEqual([]);
    },
  );
});
