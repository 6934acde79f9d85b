// The merchant's pages on the booking fixture (tests/support/booking-site.ts): accepting,
// redemption by code or card + PIN, declines and no-shows, the home-visit address, another shop's
// order, a new shop's application and its services with the price in yuan.
import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '@tmc/store/keys';
import { AppError } from '@tmc/core/kernel/errors';
import { usccCheckChar } from '@tmc/core/merchants/model';
import { orderCode } from '@tmc/core/orders/complete';
import { DEMO_PIN } from '@tmc/local/seed';
import { yuanTextToFen } from '@tmc/core/kernel/money';
import { completionMsg } from '../kit/order-ui';
import { Client, signInPhone, textOf } from '../../../../tests/support/site';
import {
  balance,
  bookBarber,
  bookLinks,
  confirmForm,
  elder,
  elderC,
  merchant,
  merchantPhone,
  order,
  orderIdOf,
  setUpBookingSite,
  site,
} from '../../../../tests/support/booking-site';

beforeAll(setUpBookingSite, 180_000);

describe('merchant', () => {
  it(
    'a home visit: after accepting, the shop finds the address (masked ' +
      'name, no phone) on its own page; before, it does not',
    async () => {
      const list = await elderC.get('/elder/services?category=domestic');
      let link: ReturnType<typeof bookLinks>[number] | undefined;
      for (const l of bookLinks(list.text)) {
        const svc = (await site.deps.merchants.services(l.merchant_id)).find((x) => x.service_id === l.service_id);
        if (svc?.mode === 'home_visit') {
          link = l;
          break;
        }
      }
      if (!link) throw new Error('no home-visit domestic service near the demo elder');
      const { action, form } = await confirmForm(elderC, link.href);
      const booked = await elderC.post(action, form);
      expect(booked.status).toBe(303);
      const o = await order(orderIdOf(booked.location));
      const m = await merchant(o.merchant_id);
      expect((await m.get(`/merchant/orders/${o.order_id}/visit`)).status).toBe(409); // not accepted yet
      await m.post(`/merchant/orders/${o.order_id}/accept`);
      expect((await m.get('/merchant')).text).toContain(`href="/merchant/orders/${o.order_id}/visit"`);
      const page = await m.get(`/merchant/orders/${o.order_id}/visit`);
      expect(page.status).toBe(200);
      const text = textOf(page.text);
      expect(text).toContain(elder.address);
      expect(text).toContain(`${elder.name.slice(0, 1)}*`);
      expect(text).not.toContain(elder.name.length > 1 ? elder.name : '\u0000');
      expect(page.text).not.toMatch(/1[3-9]\d{9}/); // no phone number
      await elderC.post(`/elder/orders/${o.order_id}/cancel`);
    },
  );

  it(
    'signs in, accepts, a wrong code shows the tries left, completes with ' +
      'the code; the elder rates and may complain',
    async () => {
      const o = await bookBarber();
      const m = await merchant(o.merchant_id);
      const home = await m.get('/merchant');
      expect(home.status).toBe(200);
      expect(textOf(home.text)).toContain('已入驻，可以接单');
      expect(home.text).toContain(`id="o-${o.order_id}"`);
      expect(home.text).toContain(`action="/merchant/orders/${o.order_id}/accept"`);
      expect(home.text).toContain(`action="/merchant/orders/${o.order_id}/reject"`);
      expect(home.text).not.toContain(orderCode(site.deps, o)); // the merchant never sees the code

      const acc = await m.post(`/merchant/orders/${o.order_id}/accept`);
      expect(acc.status).toBe(303);
      expect(acc.location).toBe(`/merchant?done=accepted#o-${o.order_id}`);
      const seen = textOf((await elderC.get(`/elder/orders/${o.order_id}`)).text);
      expect(seen).toContain('商户已接单');
      expect(seen).toContain(o.merchant_name);

      const code = orderCode(site.deps, o);
      const wrong = await m.post(`/merchant/orders/${o.order_id}/complete`, {
        code: code === '000000' ? '111111' : '000000',
      });
      expect(wrong.status).toBe(422);
      expect(textOf(wrong.text)).toContain('核销码或卡号密码不正确，还可以再试 4 次');
      const typo = await m.post(`/merchant/orders/${o.order_id}/complete`, { code: '12' });
      expect(typo.status).toBe(400); // a typo costs no try
      const tries = await site.deps.db.doc.send(
        new GetCommand({
          TableName: site.deps.db.table,
          Key: keys.attempts('order_code', o.order_id),
          ConsistentRead: true,
        }),
      );
      expect(tries.Item?.tries).toBe(1); // counted by the attempt limiter

      const before = (await site.deps.ledger.account(`merchant:${o.merchant_id}`)).balance_points;
      const done = await m.post(`/merchant/orders/${o.order_id}/complete`, { code });
      expect(done.status).toBe(303);
      expect((await order(o.order_id)).status).toBe('completed');
      expect((await site.deps.ledger.account(`merchant:${o.merchant_id}`)).balance_points).toBe(
        before + o.price_points,
      );
      const late = await m.post(`/merchant/orders/${o.order_id}/complete`, { code });
      expect(late.status).toBe(409);
      expect(textOf(late.text)).toContain('订单状态已经变了（现在：已完成）');

      const page = await elderC.get(`/elder/orders/${o.order_id}`);
      expect(page.text).not.toContain('id="code"');
      expect(page.text).toContain(`action="/elder/orders/${o.order_id}/rate"`);
      expect(page.text).toMatch(/<input type="radio" name="stars" value="5" required=""/);
      const noStars = await elderC.post(`/elder/orders/${o.order_id}/rate`, {});
      expect(noStars.status).toBe(400);
      const ratingsBefore = (await site.deps.merchants.getMerchant(o.merchant_id))?.rating_count ?? 0;
      const rated = await elderC.post(`/elder/orders/${o.order_id}/rate`, {
        stars: '5',
        tag_0: '1',
        tag_1: '1',
        comment: '师傅很耐心',
      });
      expect(rated.status).toBe(303);
      const after = await order(o.order_id);
      expect(after.status).toBe('rated');
      expect(after.rating).toMatchObject({ stars: 5, tags: ['准时', '态度好'], comment: '师傅很耐心' });
      expect((await site.deps.merchants.getMerchant(o.merchant_id))?.rating_count).toBe(ratingsBefore + 1);
      expect(textOf((await m.get('/merchant')).text)).toContain('老人评价：5 星（准时、态度好）');

      const form = await elderC.get(`/elder/orders/${o.order_id}/dispute`);
      expect(form.status).toBe(200);
      expect(form.text).toContain('<label for="f-reason">');
      expect((await elderC.post(`/elder/orders/${o.order_id}/dispute`, { reason: '' })).status).toBe(400);
      const disputed = await elderC.post(`/elder/orders/${o.order_id}/dispute`, {
        reason: '剪得太短了，和说好的不一样',
      });
      expect(disputed.status).toBe(303);
      expect((await order(o.order_id)).status).toBe('disputed');
      expect(textOf((await elderC.get(disputed.location ?? '')).text)).toContain('投诉已提交');
    },
  );

  it('completes with the card number and PIN; declines and no-shows release the points', async () => {
    const o = await bookBarber(elderC, '/elder', 1);
    const m = await merchant(o.merchant_id);
    expect(DEMO_PIN).not.toBe('000000'); // so '000000' below is a wrong PIN
    await m.post(`/merchant/orders/${o.order_id}/accept`);
    const wrongPin = await m.post(`/merchant/orders/${o.order_id}/complete`, {
      card_number: elder.card_number,
      pin: '000000',
    });
    expect(wrongPin.status).toBe(422);
    expect(textOf(wrongPin.text)).toContain('还可以再试 4 次');
    const ok = await m.post(`/merchant/orders/${o.order_id}/complete`, {
      card_number: elder.card_number.replace(/(\d{4})(?=\d)/g, '$1 '),
      pin: DEMO_PIN,
    });
    expect(ok.status).toBe(303);
    expect((await order(o.order_id)).status).toBe('completed');

    const before = await balance();
    const declined = await bookBarber();
    expect(
      (await (await merchant(declined.merchant_id)).post(`/merchant/orders/${declined.order_id}/reject`)).status,
    ).toBe(303);
    expect((await order(declined.order_id)).status).toBe('rejected');
    const missed = await bookBarber();
    const mm = await merchant(missed.merchant_id);
    await mm.post(`/merchant/orders/${missed.order_id}/accept`);
    expect((await mm.post(`/merchant/orders/${missed.order_id}/no-show`)).status).toBe(303);
    expect((await order(missed.order_id)).status).toBe('no_show');
    expect(await balance()).toBe(before);
    expect(textOf((await elderC.get(`/elder/orders/${declined.order_id}`)).text)).toContain('商户无法接单，积分已退回');
  });

  it('another merchant cannot act on the order: not found, as for reads', async () => {
    const o = await bookBarber();
    const other = [...merchantPhone.keys()].find((id) => id !== o.merchant_id) ?? '';
    const r = await (await merchant(other)).post(`/merchant/orders/${o.order_id}/accept`);
    expect(r.status).toBe(404);
    expect((await order(o.order_id)).status).toBe('requested');
    await elderC.post(`/elder/orders/${o.order_id}/cancel`);
  });
});

describe('merchant application and services', () => {
  const phone = '17000029901';
  const body17 = '91421303MA9876543';
  const uscc = body17 + (usccCheckChar(body17) ?? '0');
  const application = {
    business_name: '新开理发店',
    uscc,
    licence_number: 'JY12345678',
    licence_expires_on: '',
    contact_name: '李师傅',
    contact_phone: phone,
    address: '西城街道胜利社区 临街8号',
    lat: '31.717',
    lng: '113.376',
    community_code: 'zengdu.xicheng.shengli',
    cat_barber: '1',
  };

  it('a new shop applies (errors inline), waits for review, adds a service with the price in yuan', async () => {
    const m = await signInPhone(site, 'merchant', phone);
    const home = await m.get('/merchant');
    expect(home.status).toBe(200);
    expect(home.text).toContain('action="/merchant/application"');
    for (const f of ['business_name', 'uscc', 'contact_phone', 'lat', 'lng', 'community_code'])
      expect(home.text).toContain(`<label for="f-${f}">`);

    const bad = await m.post('/merchant/application', {
      ...application,
      uscc: `${body17}0` === uscc ? `${body17}1` : `${body17}0`,
      lat: '',
      cat_barber: '',
    });
    expect(bad.status).toBe(400);
    const t = textOf(bad.text);
    expect(t).toContain('统一社会信用代码不正确');
    expect(t).toContain('必填');
    expect(bad.text).toContain('value="新开理发店"'); // what was typed stays

    const ok = await m.post('/merchant/application', application);
    expect(ok.status).toBe(303);
    const pending = textOf((await m.get(ok.location ?? '')).text);
    expect(pending).toContain('入驻申请审核中');
    expect(pending).toContain('申请已提交');

    const form = await m.get('/merchant/services');
    expect(form.status).toBe(200);
    const badSvc = await m.post('/merchant/services', {
      name: '老人理发',
      category: 'barber',
      price_points: '12',
      ref_price_yuan: '12.345',
      duration_min: '30',
      mode: 'home_visit',
      radius_m: '',
      open: '08:00',
      close: '18:00',
      wopen: '09:00',
      wclose: '',
      capacity_per_slot: '2',
    });
    expect(badSvc.status).toBe(400);
    const bt = textOf(badSvc.text);
    expect(bt).toContain('请填金额');
    expect(bt).toContain('上门服务要填上门范围');
    expect(bt).toContain('周末的开门和关门时间都要填');

    const added = await m.post('/merchant/services', {
      name: '老人理发',
      category: 'barber',
      price_points: '12',
      ref_price_yuan: '12.5',
      duration_min: '30',
      mode: 'onsite',
      radius_m: '',
      open: '08:00',
      close: '18:00',
      wopen: '09:00',
      wclose: '12:00',
      capacity_per_slot: '2',
    });
    expect(added.status).toBe(303);
    const acct = await site.deps.accounts.get('merchant', site.deps.blindIndex('phone', phone));
    const [svc] = await site.deps.merchants.services(acct?.account_id ?? '');
    expect(svc).toMatchObject({
      name: '老人理发',
      price_points: 12,
      ref_price_fen: 1250,
      mode: 'onsite',
      radius_m: null,
      capacity_per_slot: 2,
      slot_minutes: 60,
    });
    expect(svc?.hours).toMatchObject({
      mon: [['08:00', '18:00']],
      fri: [['08:00', '18:00']],
      sat: [['09:00', '12:00']],
      sun: [['09:00', '12:00']],
    });
    expect(textOf((await m.get('/merchant/services')).text)).toContain('参考价 12.50 元');
    expect(yuanTextToFen('20')).toBe(2000);
    expect(yuanTextToFen('0.05')).toBe(5);
    expect(yuanTextToFen('1.234')).toBeNull();

    const removed = await m.post(`/merchant/services/${svc?.service_id}/remove`);
    expect(removed.status).toBe(303);
    expect(textOf((await m.get('/merchant/services')).text)).toContain('还没有服务');
  });

  it('the merchant sign-in page is the same phone + code form', async () => {
    const r = await new Client(site.app).get('/merchant/login');
    expect(r.status).toBe(200);
    expect(textOf(r.text)).toContain('商户登录');
    expect(r.text).toContain('action="/merchant/login"');
  });

  it('completion messages carry the tries left and the state', () => {
    expect(completionMsg(new AppError('CODE_INVALID', { details: { tries_left: 2 } })).zh).toBe(
      '核销码或卡号密码不正确，还可以再试 2 次',
    );
    expect(completionMsg(new AppError('CODE_LOCKED')).zh).toMatch(/^错误次数太多，这个订单已锁定/);
    expect(completionMsg(new AppError('ORDER_STATE', { details: { status: 'cancelled' } })).zh).toContain('老人已取消');
  });
});
