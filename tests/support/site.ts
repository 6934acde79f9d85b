// Test support for page routes: the whole site app on this test file's own DynamoDB Local table,
// seeded with the demo district, and a tiny cookie-keeping client that posts forms the way a
// browser does (same-origin Origin header, urlencoded or multipart bodies, no redirect following).
import { randomBytes } from 'node:crypto';
import type { ElderRecord } from '@tmc/core/elders/model';
import type { Deps } from '@tmc/app/public';
import { buildDeps, parseEnv, captureLogger } from '@tmc/app/harness';
import { seedDemo } from '@tmc/local/seed';
import { makeTestDb } from './db';
import { fakeClock, type FakeClock } from './app';
import { createSiteApp } from '@tmc/web/site';

export const ORIGIN = 'http://localhost'; // app.request() resolves paths against this

/** The whole site on a fresh table. With `at`, the clock is fake and set there, and timers are
 * left to the test (offers never expire behind its back). */
export const makeSite = async (opts: { elders?: number; at?: string } = {}) => {
  const db = await makeTestDb('web');
  const clock: FakeClock | undefined = opts.at ? fakeClock(opts.at) : undefined;
  const env = parseEnv({
    STAGE: 'test',
    TABLE_NAME: db.table,
    FIELD_KEY: randomBytes(32).toString('base64'),
    INDEX_KEY: randomBytes(32).toString('base64'),
    SESSION_KEY: randomBytes(32).toString('base64'),
    PUBLIC_URL: ORIGIN,
  });
  const deps = buildDeps(env, {
    db,
    logger: captureLogger(),
    ...(clock ? { clock, scheduler: { at: async () => undefined } } : {}),
  });
  const seed = await seedDemo(deps, { elders: opts.elders ?? 20 });
  const { app } = createSiteApp(deps);
  return { app, deps, seed, clock };
};

export type Site = Awaited<ReturnType<typeof makeSite>>;
type App = Site['app'];

export type Res = { status: number; headers: Headers; text: string; location: string | null };

export class Client {
  readonly cookies = new Map<string, string>();
  constructor(private readonly app: App) {}

  private keep(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return { ...(cookie ? { cookie } : {}), ...extra };
  }

  private async done(res: Response): Promise<Res> {
    this.keep(res);
    return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get('location') };
  }

  async get(path: string): Promise<Res> {
    return this.done(await this.app.request(path, { headers: this.headers() }));
  }

  /** A form post as a browser sends it: urlencoded (or multipart for FormData) with Origin. */
  async post(path: string, form: Record<string, string> | FormData = {}): Promise<Res> {
    const body = form instanceof FormData ? form : new URLSearchParams(form).toString();
    const type: Record<string, string> =
      form instanceof FormData ? {} : { 'content-type': 'application/x-www-form-urlencoded' };
    return this.done(
      await this.app.request(path, { method: 'POST', body, headers: this.headers({ origin: ORIGIN, ...type }) }),
    );
  }
}

/** The 6-digit code in the newest outbox message to `phone`. */
export const codeFor = async (deps: Deps, phone: string): Promise<string> => {
  const m = await deps.outbox?.latestFor(phone);
  const code = m?.text_zh.match(/(\d{6})/)?.[1];
  if (!code) throw new Error(`no code in the outbox for ${phone}`);
  return code;
};

/** Signs a client in through the pages, as a person would. */
export const signInPhone = async (
  site: Site,
  portal: 'elder' | 'family' | 'merchant',
  phone: string,
): Promise<Client> => {
  const c = new Client(site.app);
  const sent = await c.post(`/${portal}/login`, { phone });
  if (sent.status !== 303) throw new Error(`send code: ${sent.status} ${sent.text.slice(0, 300)}`);
  const ok = await c.post(`/${portal}/login/code`, { code: await codeFor(site.deps, phone) });
  if (ok.status !== 303) throw new Error(`verify code: ${ok.status} ${ok.text.slice(0, 300)}`);
  return c;
};

export const signInStaff = async (site: Site, username: string, password = 'demo-2026'): Promise<Client> => {
  const c = new Client(site.app);
  const r = await c.post('/staff/login', { username, password });
  if (r.status !== 303) throw new Error(`staff login ${username}: ${r.status} ${r.text.slice(0, 300)}`);
  return c;
};

/** Text content without tags, whitespace collapsed: for asserting what a person reads. */
export const textOf = (html: string): string =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** The value of a hidden form field (a form key, an id), as the browser would post it back. */
export const hidden = (html: string, name: string): string =>
  html.match(new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`))?.[1] ?? '';

/** The elder registered with this phone number. */
export const elderByPhone = async (site: Site, phone: string): Promise<ElderRecord> => {
  const [id] = await site.deps.elders.findIdsByPhoneHash(site.deps.blindIndex('phone', phone));
  const e = await site.deps.elders.get(id ?? '');
  if (!e) throw new Error(`no elder with phone ${phone}`);
  return e;
};
