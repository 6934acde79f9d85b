// The finance workbench against DynamoDB Local: finance opens each page and acts through plain form
// posts (approve, return, resubmit, payee, bank batch and its GBK file, mark paid, the bank's result
// file), errors come back inline in the message table's words, and a street officer reads only
// their street's statements and acts on none.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Merchant } from '@tmc/core/merchants/model';
import type { Statement } from '@tmc/core/settlement/model';
import { ERRORS } from '@tmc/core/kernel/errors';
import { recordStripeReadiness } from '@tmc/core/settlement/payee-service';
import { Client, makeSite, signInPhone, signInStaff, textOf, type Site } from '../../../../tests/support/site';
import { captured, settled } from '../../../../tests/support/settlement-site';

let site: Site;
let finance: Client;
let street: Client; // 西城街道
let west: Merchant; // a shop in 西城街道
let east: Merchant; // a shop in 东城街道
let sw: Statement;
let se: Statement;
const started: unknown[] = [];

const statementUrl = (s: Statement) => `/staff/settlement/statements/${s.statement_id}`;

beforeAll(async () => {
  site = await makeSite({ elders: 12, at: '2026-11-10T02:00:00Z' });
  const clock = site.clock;
  if (!clock) throw new Error('fake clock expected');
  site.deps.jobs = {
    start: async (j) => {
      started.push(j);
    },
  };
  const shops = (await site.deps.merchants.byStatus('approved', 100)).items;
  west = shops.find((m) => m.community_code.startsWith('zengdu.xicheng.')) as Merchant;
  east = shops.find((m) => m.community_code.startsWith('zengdu.dongcheng.')) as Merchant;
  const elder = (await site.deps.elders.listByCommunity('zengdu.xicheng.shengli', 1)).items[0]?.elder_id ?? '';
  await captured(site.deps, clock, { key: 'w1', elder_id: elder, merchant_id: west.merchant_id, points: 15 });
  await captured(site.deps, clock, { key: 'w2', elder_id: elder, merchant_id: west.merchant_id, points: 8 });
  await captured(site.deps, clock, { key: 'e1', elder_id: elder, merchant_id: east.merchant_id, points: 30 });
  clock.set('2026-12-05T02:00:00Z');
  sw = await settled(site.deps, '2026-11', west);
  se = await settled(site.deps, '2026-11', east);
  finance = await signInStaff(site, 'finance');
  street = await signInStaff(site, 'xicheng');
});

describe('finance workbench', () => {
  it('the console links to it; the workbench shows the last closed period, aging, owed, queues', async () => {
    expect((await finance.get('/staff')).text).toContain('href="/staff/settlement"');
    const r = await finance.get('/staff/settlement');
    expect(r.status).toBe(200);
    expect(r.text).toContain('结算 2026-11');
    const t = textOf(r.text);
    expect(t).toContain('0–15 天 2 ¥53.00'); // (15 + 8 + 30) points x 100 fen, both 4 days since close
    expect(t).not.toContain('53 积分 points'); // the total owed is computed when asked for
    expect(r.text).toContain(sw.statement_no);
    const owed = textOf((await finance.get('/staff/settlement?owed_on=2026-12-05')).text);
    expect(owed).toContain('53 积分 points');
  });

  it('starts the run of a closed period (the job), refuses an open one inline', async () => {
    const ok = await finance.post('/staff/settlement/runs', { period: '2026-11' });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/staff/settlement?done=run_started');
    expect(started).toEqual([{ job: 'settlement', period: '2026-11', resume: false, by: expect.any(String) }]);
    const open = await finance.post('/staff/settlement/runs', { period: '2026-12' });
    expect(open.status).toBe(409);
    expect(open.text).toContain(ERRORS.PERIOD_NOT_CLOSED.zh);
  });

  it('queue -> statement -> approve; approving twice says why inline', async () => {
    const q = await finance.get('/staff/settlement/statements?status=issued');
    expect(q.text).toContain(sw.statement_no);
    expect(q.text).toContain('/api/settlement/statements.csv?status=issued&amp;encoding=gbk');
    const page = await finance.get(statementUrl(sw));
    expect(page.status).toBe(200);
    expect(textOf(page.text)).toContain('¥23.00 = 23 积分 × 100 分（2300 分）');
    const a = await finance.post(`${statementUrl(sw)}/approve`);
    expect(a.status).toBe(303);
    expect(a.location).toBe(`${statementUrl(sw)}?done=approved`);
    expect(textOf((await finance.get(a.location ?? '')).text)).toContain('已审核待付款');
    const again = await finance.post(`${statementUrl(sw)}/approve`);
    expect(again.status).toBe(409);
    expect(again.text).toContain(ERRORS.STATEMENT_STATE_CONFLICT.zh);
  });

  it('return needs a reason (inline), then resubmit', async () => {
    const bad = await finance.post(`${statementUrl(se)}/return`, { reason: '' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('必填或太短');
    const r = await finance.post(`${statementUrl(se)}/return`, { reason: '金额待核对' });
    expect(r.status).toBe(303);
    expect(textOf((await finance.get(statementUrl(se))).text)).toContain('金额待核对');
    expect((await finance.post(`${statementUrl(se)}/resubmit`)).status).toBe(303);
    expect(textOf((await finance.get(statementUrl(se))).text)).toContain('待审核');
  });

  it('payee: a bad number inline, then set, masked, revealed', async () => {
    const url = `/staff/merchants/${west.merchant_id}/payee`;
    const bad = await finance.post(url, { payee_name: '老街理发店', bank_name: '中国银行', account_no: '12ab' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('银行账号应为8到32位数字');
    const ok = await finance.post(url, {
      payee_name: '老街理发店',
      bank_name: '中国银行随州分行',
      account_no: '6222 0212 3456 7890',
    });
    expect(ok.status).toBe(303);
    const page = await finance.get(url);
    expect(page.text).toContain('**** **** 7890');
    expect(page.text).not.toContain('6222021234567890');
    expect((await finance.post(`${url}/reveal`)).text).toContain('6222021234567890');
  });

  it('batch -> GBK file -> failed -> a new batch -> marked paid with the bank reference', async () => {
    const made = await finance.post('/staff/settlement/batches');
    expect(made.status).toBe(303);
    const batch_id = new URL(made.location ?? '', 'http://x').searchParams.get('batch') ?? '';
    const list = await finance.get(made.location ?? '');
    expect(list.text).toContain(`/api/settlement/batches/${batch_id}/file?encoding=gbk`);
    const res = await site.app.request(`/api/settlement/batches/${batch_id}/file?encoding=gbk`, {
      headers: { cookie: [...finance.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = new TextDecoder('gbk').decode(bytes);
    expect(text).toContain(sw.statement_no);
    expect(text).toContain('收款户名');
    expect(bytes.includes(0xef) && bytes[0] === 0xef).toBe(false); // no UTF-8 BOM: GBK
    // nothing else is payable now: the second batch says so inline
    const none = await finance.post('/staff/settlement/batches');
    expect(none.status).toBe(409);
    expect(none.text).toContain(ERRORS.STATEMENT_STATE_CONFLICT.zh);
    const bad = await finance.post(`${statementUrl(sw)}/bank-outcome`, { outcome: 'paid', bank_ref: '!' });
    expect(bad.status).toBe(400);
    // the bank refused it: failed, listed for a retry, put in a new batch from its page
    const failed = await finance.post(`${statementUrl(sw)}/bank-outcome`, {
      outcome: 'failed',
      fail_reason: '户名不符',
    });
    expect(failed.status).toBe(303);
    const batches = await finance.get('/staff/settlement/batches');
    expect(batches.text).toContain(sw.statement_no);
    const page = await finance.get(statementUrl(sw));
    expect(textOf(page.text)).toContain('户名不符');
    expect(page.text).toContain(`name="statement_id" value="${sw.statement_id}"`);
    const retry = await finance.post('/staff/settlement/batches', { statement_id: sw.statement_id });
    expect(retry.status).toBe(303);
    expect(retry.location).not.toContain(batch_id);
    const paid = await finance.post(`${statementUrl(sw)}/bank-outcome`, {
      outcome: 'paid',
      bank_ref: 'BANK-20261205-1',
    });
    expect(paid.status).toBe(303);
    const after = textOf((await finance.get(statementUrl(sw))).text);
    expect(after).toContain('已付款');
    expect(after).toContain('BANK-20261205-1');
  });

  it("the bank's result file marks statements and shows each row's result", async () => {
    const form = new FormData();
    const csv = `结算单号,状态,银行流水号\n${sw.statement_no},成功,BANK-20261205-1\nJS202611-nosuch-001,成功,X1234\n`;
    form.append('batch_id', (await site.deps.settlement.statement(sw.statement_id))?.payout?.batch_id ?? '');
    form.append('file', new File([csv], 'result.csv', { type: 'text/csv' }));
    const r = await finance.post('/staff/settlement/bank-results', form);
    expect(r.status).toBe(200);
    const t = textOf(r.text);
    expect(t).toContain(`2 ${sw.statement_no} 已付款`);
    expect(t).toContain('未处理');
  });
});

describe('a street officer', () => {
  it('reads their street only, acts on nothing', async () => {
    expect((await street.get(statementUrl(se))).status).toBe(404);
    const own = await street.get(statementUrl(sw));
    expect(own.status).toBe(200);
    expect(own.text).not.toContain('/approve');
    const q = await street.get('/staff/settlement/statements?status=issued');
    expect(q.text).not.toContain(se.statement_no);
    expect((await street.get('/staff/settlement')).text).not.toContain(se.statement_no);
    expect((await street.post(`${statementUrl(se)}/approve`)).status).toBe(403);
    expect((await street.get('/staff/settlement/batches')).status).toBe(403);
  });
});

describe('the merchant', () => {
  it('sees its own statements paid, their orders and CSV; another shop’s is not found', async () => {
    const shop = await signInPhone(site, 'merchant', west.contact_phone);
    expect((await shop.get('/merchant')).text).toContain('href="/merchant/settlement"');
    const home = await shop.get('/merchant/settlement');
    expect(home.status).toBe(200);
    const t = textOf(home.text);
    expect(t).toContain(sw.statement_no);
    expect(t).toContain('已付款');
    expect(t).toContain('BANK-20261205-1');
    expect(t).not.toContain(se.statement_no);
    const one = await shop.get(`/merchant/settlement/${sw.statement_id}`);
    expect(one.status).toBe(200);
    expect(textOf(one.text)).toContain('15 积分');
    const file = await shop.get(`/merchant/settlement/${sw.statement_id}/file`);
    expect(file.headers.get('content-type')).toContain('text/csv');
    expect(file.text).toContain(sw.statement_no);
    expect((await shop.get(`/merchant/settlement/${se.statement_id}`)).status).toBe(404);
    expect((await shop.get(`/merchant/settlement/${se.statement_id}/file`)).status).toBe(404);
  });

  it('sets its bank account (inline errors without script), and goes to Stripe onboarding', async () => {
    const shop = await signInPhone(site, 'merchant', east.contact_phone);
    const bad = await shop.post('/merchant/settlement/payee', { payee_name: '', bank_name: '', account_no: '1' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('银行账号应为8到32位数字');
    const ok = await shop.post('/merchant/settlement/payee', {
      payee_name: '东关剪艺',
      bank_name: '工商银行',
      account_no: '6212260000001234',
    });
    expect(ok.status).toBe(303);
    expect((await shop.get('/merchant/settlement?done=payee_saved')).text).toContain('**** **** 1234');
    const go = await shop.post('/merchant/settlement/stripe');
    expect(go.status).toBe(303);
    expect(go.location).toContain('/onboard?account=');
  });

  it('finance pays it by Stripe once its account is ready (not before: said inline)', async () => {
    await finance.post(`${statementUrl(se)}/approve`);
    const early = await finance.post(`${statementUrl(se)}/pay`);
    expect(early.status).toBe(409);
    expect(early.text).toContain(ERRORS.PAYOUT_ACCOUNT_NOT_READY.zh);
    const account = (await site.deps.payees.get(east.merchant_id))?.stripe_account ?? '';
    await recordStripeReadiness(site.deps, account, true);
    const paid = await finance.post(`${statementUrl(se)}/pay`);
    expect(paid.status).toBe(303);
    expect(paid.location).toBe(`${statementUrl(se)}?done=paid`);
    expect(textOf((await finance.get(statementUrl(se))).text)).toContain('已付款');
  });
});
