// Every staff page passes axe (WCAG 2.x A/AA and best practices) at the desktop viewport, 1280 px: the
// list of pages is the site's own route table (every GET page under /staff), not a hand-kept list, so a
// page added later is checked without anyone remembering to add it. Path parameters are filled from the
// demo data the local server seeds (an elder, a community, a merchant, …); a parameter with no sample
// fails the test until one is added below. Each page is opened by the first of admin, finance or the
// street officer its route admits, and must answer 200. Screenshots: /tmp/axe-<page>.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '@tmc/local/seed';
import { walletAccount } from '@tmc/core/ledger/accounts';
import { createDisputeQueue } from '@tmc/store/entities/disputes';
import { reversibleHere } from '../../packages/web/src/staff/elder-points';
import { pageRoutes } from '../../packages/web/src/pages';
import { createAwardUploadStore } from '@tmc/store/entities/award-uploads';
import { DESKTOP, launch, runAxe, startServer, stopServer, type AxeViolation, type Local } from './support';

let server: Local | undefined;
let browser: Browser | undefined;
const signedIn = new Map<string, { ctx: BrowserContext; page: Page }>();

const COMMUNITY = 'zengdu.xicheng.shengli'; // in the street officer's area
const FLAG_WAIT_MS = 120_000; // the poller reads the seed's changes from the stream's start
const STATEMENT_STATUSES = ['issued', 'approved', 'paying', 'paid', 'returned'] as const;

/** Resolves one path parameter; `got` holds the ones earlier in the same path (an order of that elder). */
type Sample = (s: Local, got: Readonly<Record<string, string>>) => Promise<string | null>;
const first = <T>(xs: readonly T[]): T | null => xs[0] ?? null;

/** A value for each path parameter, read from the seeded demo data. */
const SAMPLES: Record<string, Sample> = {
  code: async () => COMMUNITY,
  // the elder of the demo dispute (in the officer's street): they have points, an order and a dispute
  elder_id: async (s) => first((await createDisputeQueue(s.deps.db).list(null, 1)).items)?.order.elder_id ?? null,
  order_id: async (s, got) => {
    const d = first((await createDisputeQueue(s.deps.db).list(null, 1)).items);
    return d && (!got.elder_id || d.order.elder_id === got.elder_id) ? d.order.order_id : null;
  },
  entry_id: async (s, got) => {
    if (!got.elder_id) return null;
    const h = await s.deps.ledger.history(walletAccount(got.elder_id), 50);
    return h.items.find((x) => reversibleHere(x.kind))?.entry_id ?? null;
  },
  merchant_id: async (s) => first((await s.deps.merchants.byStatus('approved', 1)).items)?.merchant_id ?? null,
  flag_id: async (s) => {
    // the demo's one flag is raised by the stream poller after the seed: wait for it as console-e2e does
    for (const deadline = Date.now() + FLAG_WAIT_MS; Date.now() < deadline;) {
      const f = first((await s.deps.flags.list('open', null, 1)).items);
      if (f) return f.flag_id;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    return null;
  },
  statement_id: async (s) => {
    for (const status of STATEMENT_STATUSES) {
      const st = first((await s.deps.settlement.byStatus(status, null, 1)).items);
      if (st) return st.statement_id;
    }
    return null;
  },
  username: async () => 'xicheng',
  version: async (s) => String((await s.deps.policies.versions())[0]?.version ?? '') || null,
  // a checked award sheet with one bad row, as the admin (the first who may open it) uploaded it
  upload_id: async (s) => {
    const upload_id = 'axeSampleUpload0123456789abcdefg';
    await createAwardUploadStore(s.deps.db).put({
      upload_id,
      scope: null,
      actor: 'staff:admin',
      file_name: '签到表.csv',
      bytes: new TextEncoder().encode('卡号,类型,数量,说明\n000000000000,社区活动,1,活动\n'),
      checked_at: s.deps.clock.now().toISOString(),
      row_count: 1,
      elders: 0,
      points: 0,
      error_count: 1,
      errors: [
        { row: 2, column: '卡号', code: 'CARD_INVALID', message: '卡号无效', message_en: 'Invalid card number' },
      ],
    });
    return upload_id;
  },
};

/** Pages that need a query to be a page at all (a filter with no default, the service being booked). */
const QUERY: Record<string, Sample> = {
  // the service of the demo dispute's order: that elder booked it, so it is in their circle
  '/staff/elders/:elder_id/book/confirm': async (s) => {
    const o = first((await createDisputeQueue(s.deps.db).list(null, 1)).items)?.order;
    return o ? `?merchant_id=${o.merchant_id}&service_id=${o.service_id}` : null;
  },
};

/** Path parameters that have no demo value yet, each with the reason; every other one must resolve. */
const NO_DEMO_VALUE: Record<string, string> = {};

const SIGN_INS = ['admin', 'finance', 'xicheng'] as const;
const ROLE_OF: Record<(typeof SIGN_INS)[number], string> = { admin: 'admin', finance: 'finance', xicheng: 'street' };

const signIn = async (username: (typeof SIGN_INS)[number]): Promise<Page> => {
  const had = signedIn.get(username);
  if (had) return had.page;
  const ctx = await browser!.newContext(DESKTOP);
  const page = await ctx.newPage();
  await page.goto(`${server!.url}/staff/login`);
  await page.fill('#f-username', username);
  await page.fill('#f-password', DEMO_PASSWORD);
  await Promise.all([page.waitForURL(`${server!.url}/staff`), page.click('button[type=submit]:has-text("登录")')]);
  signedIn.set(username, { ctx, page });
  return page;
};

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
}, 600_000); // the full local server with the demo seed: minutes on a loaded machine

afterAll(async () => {
  for (const { ctx } of signedIn.values()) await ctx.close();
  await browser?.close();
  await stopServer(server);
});

describe('every staff page at 1280 px', () => {
  it('answers 200 and has no axe violations, for the first of admin / finance / street officer it admits', async () => {
    const routes = pageRoutes(server!.deps).filter(
      (r) => r.method === 'get' && r.path.startsWith('/staff') && !r.path.endsWith('.csv') && 'roles' in r.access,
    );
    expect(routes.length).toBeGreaterThan(15);
    const failures: Record<string, AxeViolation[] | string> = {};
    const unsampled: string[] = [];
    for (const r of routes) {
      const roles = (r.access as { roles: readonly string[] }).roles;
      const who = SIGN_INS.find((u) => roles.includes(ROLE_OF[u]));
      if (!who) continue; // a page none of the three may open (none today)
      let path = r.path;
      let missing = false;
      const got: Record<string, string> = {};
      for (const name of r.path.match(/:([a-z_]+)/g)?.map((m) => m.slice(1)) ?? []) {
        const sample = SAMPLES[name];
        if (!sample) throw new Error(`add a sample value for :${name} (used by ${r.path})`);
        const v = await sample(server!, got);
        if (v === null) {
          missing = true;
          if (!NO_DEMO_VALUE[name]) unsampled.push(`${r.path} (:${name})`);
          break;
        }
        got[name] = v;
        path = path.replace(`:${name}`, encodeURIComponent(v));
      }
      if (missing) continue;
      const query = QUERY[r.path] ? await QUERY[r.path]!(server!, got) : '';
      if (query === null) {
        unsampled.push(`${r.path} (query)`);
        continue;
      }
      const url = `${server!.url}${path}${query}`;
      const page = await signIn(who);
      const res = await page.goto(url);
      if (res?.status() !== 200) {
        failures[r.path] = `${who}: HTTP ${res?.status()}`;
        continue;
      }
      const violations = await runAxe(page);
      if (violations.length > 0) failures[r.path] = violations;
      const shot = r.path.replace(/[/:]+/g, '-').replace(/^-/, '');
      await page.screenshot({ path: `/tmp/axe-${shot}.png`, fullPage: true });
    }
    expect(unsampled).toEqual([]);
    expect(failures).toEqual({});
  });
});
