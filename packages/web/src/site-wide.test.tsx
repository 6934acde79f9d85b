// What every page shares, through app.request() against DynamoDB Local: answers compressed by
// Accept-Encoding (pages and API alike), an HTML 404 page for unknown page URLs (JSON for API
// paths), one language per page (Chinese by default; English by Accept-Language or by the
// remembered switch), and the family profile's values wrapping on a 360 px phone.
import { gunzipSync, inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_CSS } from './kit/styles';
import { assetUrl } from './kit/static';
import { Client, makeSite, signInPhone, textOf, type Site } from '../../../tests/support/site';

let site: Site;
let elderPhone = '';

beforeAll(async () => {
  site = await makeSite({ elders: 20 });
  elderPhone = site.seed.elderPhones[0] ?? '';
});

const raw = (path: string, headers: Record<string, string> = {}) => site.app.request(path, { headers });

describe('compression', () => {
  it(
    'a page, the stylesheet and an API answer are gzipped when the client ' + 'asks, and sent plain when it does not',
    async () => {
      for (const path of ['/', '/elder/login', assetUrl('css'), '/openapi.json']) {
        const plain = await raw(path);
        expect(plain.status).toBe(200);
        expect(plain.headers.get('content-encoding')).toBeNull();
        const body = Buffer.from(await plain.arrayBuffer());

        const gz = await raw(path, { 'accept-encoding': 'gzip, deflate, br' });
        expect(gz.status).toBe(200);
        expect(gz.headers.get('content-encoding')).toBe('gzip');
        expect(gz.headers.get('vary') ?? '').toMatch(/accept-encoding/i);
        const packed = Buffer.from(await gz.arrayBuffer());
        expect(gunzipSync(packed).equals(body)).toBe(true);
        if (body.length > 4096) expect(packed.length).toBeLessThan(body.length / 2);
      }
    },
  );

  it('deflate when only deflate is accepted; identity when compression is refused', async () => {
    const d = await raw('/openapi.json', { 'accept-encoding': 'deflate' });
    expect(d.headers.get('content-encoding')).toBe('deflate');
    expect(JSON.parse(inflateSync(Buffer.from(await d.arrayBuffer())).toString('utf8'))).toHaveProperty('openapi');
    const none = await raw('/openapi.json', { 'accept-encoding': 'identity' });
    expect(none.headers.get('content-encoding')).toBeNull();
  });

  it('a signed-in page and an error answer are compressed too', async () => {
    const c = await signInPhone(site, 'elder', elderPhone);
    const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const home = await raw('/elder', { cookie, 'accept-encoding': 'gzip' });
    expect(home.status).toBe(200);
    expect(home.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await home.arrayBuffer())).toString('utf8')).toContain('我的积分');
    const missing = await raw('/api/no-such-thing', { 'accept-encoding': 'gzip' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
    expect(missing.headers.get('content-encoding')).toBe('gzip');
    expect(JSON.parse(gunzipSync(Buffer.from(await missing.arrayBuffer())).toString('utf8'))).toMatchObject({
      error: { code: 'NOT_FOUND' },
    });
  });
});

describe('unknown URLs', () => {
  it('a page URL that does not exist answers with an HTML page, not JSON', async () => {
    for (const path of ['/staff/no-such-page', '/elder/nothing-here', '/family/topups', '/no-such-page']) {
      const r = await new Client(site.app).get(path);
      expect(r.status, path).toBe(404);
      expect(r.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(r.text).toMatch(/^<!doctype html>/);
      expect(textOf(r.text)).toContain('出错了');
      expect(r.text).not.toMatch(/^\{/);
    }
  });

  it('API paths keep answering JSON', async () => {
    const r = await new Client(site.app).get('/api/no-such-thing');
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(r.text)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

describe('language', () => {
  /** English words inside a page, outside the switch that names English in English. */
  const englishMarks = (html: string) => (html.match(/lang="en"/g) ?? []).length;

  it('pages are Chinese only by default: no English beside it', async () => {
    const r = await new Client(site.app).get('/');
    expect(r.text).toMatch(/<html lang="zh-CN"/);
    const t = textOf(r.text);
    expect(t).toContain('我是老人');
    expect(t).not.toContain('I am an elder');
    expect(englishMarks(r.text)).toBe(1); // only the switch button, "English"
    const c = await signInPhone(site, 'elder', elderPhone);
    for (const path of ['/elder', '/elder/services?category=barber', '/elder/orders']) {
      const p = await c.get(path);
      expect(p.status).toBe(200);
      expect(englishMarks(p.text), path).toBe(1);
      expect(textOf(p.text), path).not.toMatch(/\b(Book|Call|Home|My points|Find one for me)\b/);
    }
  });

  it('the services page says each line once, in the chosen language', async () => {
    const c = await signInPhone(site, 'elder', elderPhone);
    const zh = textOf((await c.get('/elder/services?category=barber')).text);
    c.cookies.set('tmc_lang', 'en');
    const en = textOf((await c.get('/elder/services?category=barber')).text);
    expect(zh).not.toContain('min walk');
    expect(en).toContain('min walk');
    expect(en).not.toContain('步行约');
  });

  it(
    'Accept-Language decides when no choice was made: English first gets ' + 'English, Chinese first gets Chinese',
    async () => {
      const c = new Client(site.app);
      const en = await site.app.request('/', { headers: { 'accept-language': 'en-GB,en;q=0.9,zh-CN;q=0.5' } });
      const enHtml = await en.text();
      expect(enHtml).toMatch(/<html lang="en"/);
      expect(textOf(enHtml)).toContain('I am an elder');
      expect(textOf(enHtml)).not.toContain('我是老人');
      expect(en.headers.get('vary') ?? '').toMatch(/accept-language/i);
      for (const al of ['zh-CN,zh;q=0.9,en;q=0.8', 'fr-FR,fr;q=0.9', 'de, en;q=0.1, zh;q=0.5', '']) {
        const r = await site.app.request('/', { headers: { 'accept-language': al } });
        expect(textOf(await r.text()), al).toContain('我是老人');
      }
      expect(textOf((await c.get('/')).text)).toContain('我是老人');
    },
  );

  it('the switch works without script and is remembered, over Accept-Language, on every page', async () => {
    const c = new Client(site.app);
    const home = await c.get('/elder/login');
    expect(home.text).toContain('action="/prefs/lang"');
    const to = await c.post('/prefs/lang', { lang: 'en', back: '/elder/login' });
    expect(to.status).toBe(303);
    expect(to.location).toBe('/elder/login');
    const cookie = `tmc_lang=${c.cookies.get('tmc_lang')}`;
    expect(cookie).toBe('tmc_lang=en');
    const after = await site.app.request('/', { headers: { cookie, 'accept-language': 'zh-CN' } });
    const t = textOf(await after.text());
    expect(t).toContain('I am an elder');
    expect(t).not.toContain('我是老人');
    expect((await c.get('/elder/login')).text).toMatch(/<html lang="en"/);
    // and back: a visitor whose browser asks for English may still keep Chinese
    const back = await c.post('/prefs/lang', { lang: 'zh', back: 'https://evil.example/' });
    expect(back.location).toBe('/');
    const zh = await site.app.request('/', {
      headers: { cookie: `tmc_lang=${c.cookies.get('tmc_lang')}`, 'accept-language': 'en' },
    });
    expect(textOf(await zh.text())).toContain('我是老人');
  });

  it('the switch returns to the same page with its query, so a booking screen stays on its service', async () => {
    const c = await signInPhone(site, 'elder', elderPhone);
    const list = await c.get('/elder/services?category=barber');
    const href = list.text.match(/href="(\/elder\/book\?[^"]+)"/)?.[1]?.replace(/&amp;/g, '&') ?? '';
    const page = await c.get(href);
    const back = page.text
      .match(/action="\/prefs\/lang"[^>]*>(?:<input[^>]*>)*?<input type="hidden" name="back" value="([^"]*)"/)?.[1]
      ?.replace(/&amp;/g, '&');
    expect(back).toBe(href);
    const r = await c.post('/prefs/lang', { lang: 'en', back: back ?? '' });
    expect(r.location).toBe(href);
    const en = await c.get(r.location ?? '');
    expect(en.status).toBe(200);
    expect(textOf(en.text)).toContain('Confirm booking');
  });

  it('error pages follow the language too', async () => {
    const c = new Client(site.app);
    c.cookies.set('tmc_lang', 'en');
    const r = await c.get('/staff/no-such-page');
    expect(r.status).toBe(404);
    expect(r.text).toMatch(/<html lang="en"/);
    expect(textOf(r.text)).toContain('Something went wrong');
    expect(textOf(r.text)).not.toContain('出错了');
  });
});

describe('360 px phones', () => {
  it("the family profile's values may break inside a word, so a masked ID never widens the page", () => {
    expect(APP_CSS).toContain('grid-template-columns:max-content minmax(0,1fr)');
    expect(APP_CSS).toMatch(/dl\.kv dd\{[^}]*overflow-wrap:anywhere/);
    expect(APP_CSS).toMatch(/\.wrap\{[^}]*word-break:break-all/);
  });
});
