// Reads and writes across people: every route with an elder id in its path goes through the one
// elder-access rule, walked from the OpenAPI document as three outsiders; a shop acting on
// another shop's order is told it does not exist; path ids of any length or shape are 400/404;
// and the route mount holds each answer to the codes the route declares.
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, json, makeTestApp, phoneToken, staffToken, tableSnapshot } from '../../../../tests/support/app';
import { AppError } from '@tmc/core/kernel/errors';
import { isWithin } from '@tmc/core/areas/model';
import { createApp } from '../compose/app';
import { declaredErrors, defineRoute, type RouteDef } from './route';
import { takeUndeclaredErrors } from './error-contract';
import { runJob } from '../compose/jobs';

let t: Awaited<ReturnType<typeof makeTestApp>>;
const tok: Record<string, string> = {};
let elderA = '';
let elderB = ''; // not A, and outside 西城街道 (the street officer's area)
const merchantTokens = new Map<string, string>();

beforeAll(async () => {
  t = await makeTestApp({ seedElders: 16, merchants: true });
  t.clock.set('2026-11-23T02:00:00Z'); // Monday 10:00 in Suizhou: shops are open
  t.deps.scheduler = { at: async () => undefined };
  await runJob(t.deps, { job: 'issuance', month: '2026-11' });
  const phones = t.seed?.elderPhones ?? [];
  const ids = await Promise.all(
    phones.map(async (p) => (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', p)))[0] ?? ''),
  );
  elderA = ids[0] ?? '';
  const elders = await t.deps.elders.getMany(ids.slice(1));
  elderB = elders.find((e) => !isWithin(e.community_code, 'zengdu.xicheng'))?.elder_id ?? '';
  if (!elderA || !elderB) throw new Error('seed has no elder outside 西城街道');
  tok.elderA = await phoneToken(t.app, t.deps, phones[0] ?? '', 'elder');
  tok.family = await phoneToken(t.app, t.deps, '17000009999', 'family'); // bound to nobody
  tok.street = await staffToken(t.app, 'xicheng');
  tok.admin = await staffToken(t.app, 'admin');
  tok.finance = await staffToken(t.app, 'finance');
  for (let i = 0; i < 36; i++) {
    const phone = `1700002${String(i).padStart(4, '0')}`;
    const acct = await t.deps.accounts.get('merchant', t.deps.blindIndex('phone', phone));
    if (acct) merchantTokens.set(acct.account_id, await phoneToken(t.app, t.deps, phone, 'merchant'));
  }
  tok.merchant = [...merchantTokens.values()][0] ?? '';
}, 240_000);

type Doc = { paths: Record<string, Record<string, unknown>> };
// a body that parses for the routes that read one before deciding (a binding's own code)
const BODY = JSON.stringify({ code: '000000', reason: '核对访问权限', version: 1 });
const codeOf = async (r: Response) => ((await r.clone().json()) as { error?: { code: string } }).error?.code;

describe('the one elder-access rule', () => {
  it(
    'every route with {elder_id} in its OpenAPI path refuses another elder, ' +
      'an unbound family member and an out-of-scope officer, writing nothing',
    async () => {
      const doc = (await (await t.app.request('/openapi.json')).json()) as Doc;
      const ops = Object.entries(doc.paths)
        .filter(([p]) => p.includes('{elder_id}'))
        .flatMap(([p, methods]) => Object.keys(methods).map((m) => [m, p] as const));
      expect(ops.length).toBeGreaterThan(15);
      const before = await tableSnapshot(t.deps);
      const leaks: string[] = [];
      for (const [method, path] of ops) {
        const url = path.replace('{elder_id}', elderB).replace('{family_id}', 'f_AAAAAAAAAAAA');
        for (const who of ['elderA', 'family', 'street'] as const) {
          const res = await t.app.request(
            url,
            bearer(tok[who] ?? '', {
              method: method.toUpperCase(),
              headers: { 'content-type': 'application/json', 'idempotency-key': 'access-walk-0001' },
              body: method === 'get' ? undefined : BODY,
            }),
          );
          if (![403, 404].includes(res.status))
            leaks.push(`${method.toUpperCase()} ${path} as ${who}: ${res.status} ${await res.text()}`);
        }
      }
      expect(leaks).toEqual([]);
      expect(await tableSnapshot(t.deps)).toEqual(before);
    },
  );

  it("GET /api/elders/{B}/orders with elder A's session is refused (it used to list B's orders)", async () => {
    const res = await t.app.request(`/api/elders/${elderB}/orders`, bearer(tok.elderA ?? ''));
    expect(res.status).toBe(403);
    expect((await t.app.request(`/api/elders/${elderA}/orders`, bearer(tok.elderA ?? ''))).status).toBe(200);
  });

  it('the route declarations agree: every API route with :elder_id is under the rule or says why not', () => {
    for (const r of t.routes.filter((x) => !x.page && x.path.includes(':elder_id'))) {
      expect(declaredErrors(r), `${r.method} ${r.path}`).toEqual(
        expect.arrayContaining(r.elderAccessExempt ? ['FORBIDDEN'] : ['ELDER_NOT_FOUND', 'OUT_OF_SCOPE', 'FORBIDDEN']),
      );
      if (r.elderAccessExempt)
        expect(r.path.startsWith('/api/family/bindings/'), `${r.method} ${r.path} is exempt`).toBe(true);
    }
  });

  it('staff in scope, the elder and finance still get through', async () => {
    expect((await t.app.request(`/api/elders/${elderB}/points`, bearer(tok.admin ?? ''))).status).toBe(200);
    expect((await t.app.request(`/api/elders/${elderB}/points`, bearer(tok.finance ?? ''))).status).toBe(200);
    expect((await t.app.request(`/api/elders/${elderA}/points/history`, bearer(tok.elderA ?? ''))).status).toBe(200);
  });
});

type Hit = { merchant_id: string; service_id: string; home_visit: boolean };
type O = { order_id: string; status: string; code?: string; merchant_id: string };

describe("a merchant and another merchant's order", () => {
  it(
    "accept, reject, no-show, complete and visit on another shop's order " +
      'answer 404 ORDER_NOT_FOUND, never its state, and change nothing',
    async () => {
      const hits = (
        (await (await t.app.request('/api/search?category=barber&minutes=60', bearer(tok.elderA ?? ''))).json()) as {
          items: Hit[];
        }
      ).items.filter((h) => !h.home_visit);
      const h = hits.find((x) => merchantTokens.has(x.merchant_id));
      const other = [...merchantTokens.keys()].find((m) => m !== h?.merchant_id);
      if (!h || !other) throw new Error('need two merchants');
      const o = (await (
        await t.app.request(
          '/api/orders',
          bearer(
            tok.elderA ?? '',
            json({ merchant_id: h.merchant_id, service_id: h.service_id }, { 'idempotency-key': 'access-order-0001' }),
          ),
        )
      ).json()) as O;
      const stranger = merchantTokens.get(other) ?? '';
      const owner = merchantTokens.get(h.merchant_id) ?? '';
      const tryAll = async () => {
        const out: [string, number, string | undefined][] = [];
        for (const what of ['accept', 'reject', 'no-show']) {
          const r = await t.app.request(`/api/orders/${o.order_id}/${what}`, bearer(stranger, json({})));
          out.push([what, r.status, await codeOf(r)]);
        }
        const c = await t.app.request(
          `/api/orders/${o.order_id}/complete`,
          bearer(stranger, json({ code: o.code ?? '000000' })),
        );
        out.push(['complete', c.status, await codeOf(c)]);
        const v = await t.app.request(`/api/orders/${o.order_id}/visit`, bearer(stranger));
        out.push(['visit', v.status, await codeOf(v)]);
        return out;
      };
      const notFound = (list: [string, number, string | undefined][]) => list.map(([w]) => [w, 404, 'ORDER_NOT_FOUND']);
      let seen = await tryAll(); // requested: a state where accept/reject are legal for its own shop
      expect(seen).toEqual(notFound(seen));
      expect((await t.app.request(`/api/orders/${o.order_id}/accept`, bearer(owner, json({})))).status).toBe(200);
      const before = await tableSnapshot(t.deps);
      seen = await tryAll(); // accepted: where the old code answered 409 ORDER_STATE
      expect(seen).toEqual(notFound(seen));
      expect(await tableSnapshot(t.deps)).toEqual(before);
      expect((await t.deps.orders.get(o.order_id))?.status).toBe('accepted');
    },
  );
});

describe('path ids of any length and shape', () => {
  const ODD = [
    'A'.repeat(3000),
    `e_${'A'.repeat(1200)}`,
    `o_${'B'.repeat(1200)}`,
    `imp_${'C'.repeat(1200)}`,
    `t_${'0'.repeat(1200)}`,
    '%00',
    'e_..AAAAAAAA',
    encodeURIComponent('你好'),
    encodeURIComponent('e_AAAAAAAA\u202eBBBB'),
    encodeURIComponent("e_AAAAAAAA' OR 1=1"),
    'e_AAAA%0aAAAA',
  ];
  const tokenFor = (r: RouteDef): string => {
    const roles = r.access.roles ?? [];
    const pick = (['admin', 'elder', 'merchant', 'family', 'finance'] as const).find((x) =>
      (roles as readonly string[]).includes(x),
    );
    return pick === 'elder' ? (tok.elderA ?? '') : pick ? (tok[pick] ?? '') : '';
  };

  it(
    'every API route with a path parameter answers 400 or 404 (never 500, ' + 'never 200) to over-long and odd ids',
    async () => {
      const routes = t.routes.filter((r) => !r.page && r.path.includes(':'));
      expect(routes.length).toBeGreaterThan(30);
      const before = await tableSnapshot(t.deps);
      const bad: string[] = [];
      for (const r of routes) {
        for (const odd of ODD) {
          const url = r.path.replace(/:[A-Za-z_]+/g, odd);
          const init: RequestInit = {
            method: r.method.toUpperCase(),
            headers: { 'content-type': 'application/json', 'idempotency-key': 'odd-ids-0001' },
            body: r.method === 'get' ? undefined : '{}',
          };
          const token = tokenFor(r);
          const res = await t.app.request(url, token ? bearer(token, init) : init);
          if (![400, 404].includes(res.status))
            bad.push(
              `${r.method.toUpperCase()} ${r.path} with ${odd.slice(0, 24)}…(${odd.length}): ` +
                `${res.status} ${(await codeOf(res)) ?? ''}`,
            );
        }
      }
      expect(bad).toEqual([]);
      expect(await tableSnapshot(t.deps)).toEqual(before);
    },
  );
});

describe('declared errors (the OpenAPI entry) hold under tests', () => {
  const thrower = (path: string, code: 'HOLD_ALREADY_FINAL' | 'SLOT_FULL', errors: RouteDef['errors']) =>
    defineRoute({
      method: 'get',
      path,
      access: { public: true },
      tags: ['test'],
      summary: 'throws a business error',
      errors,
      handler() {
        throw new AppError(code);
      },
    });

  it(
    "an answer outside the route's declared errors is recorded for the " + "file's shared check; a declared one is not",
    async () => {
      const { app } = createApp(t.deps, {
        extraRoutes: [
          thrower('/x/undeclared', 'HOLD_ALREADY_FINAL', ['SLOT_FULL']),
          thrower('/x/declared', 'SLOT_FULL', ['SLOT_FULL']),
        ],
      });
      takeUndeclaredErrors();
      expect((await app.request('/x/declared')).status).toBe(409);
      expect(takeUndeclaredErrors()).toEqual([]);
      expect((await app.request('/x/undeclared')).status).toBe(409); // the answer itself is unchanged
      expect(takeUndeclaredErrors()).toEqual([
        'GET /x/undeclared answered HOLD_ALREADY_FINAL, not in its declared errors',
      ]);
    },
  );

  it('the OpenAPI entry lists exactly the codes the mount allows', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { description?: string }> }>>;
    };
    for (const r of t.routes.filter((x) => !x.page)) {
      const op = doc.paths[r.path.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[r.method];
      const listed = Object.values(op?.responses ?? {}).flatMap((x) =>
        [...(x.description ?? '').matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]),
      );
      expect(new Set(listed), `${r.method} ${r.path}`).toEqual(new Set(declaredErrors(r)));
    }
  });

  it('booking declares HOLD_ALREADY_FINAL, which parallel bookings with one key can answer', () => {
    const book = t.routes.find((r) => r.method === 'post' && r.path === '/api/orders');
    expect(book && declaredErrors(book)).toContain('HOLD_ALREADY_FINAL');
  });
});
