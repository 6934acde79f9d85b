// What a merchant does to an order from its list: accept, decline, redeem with the elder's 6-digit
// code or card number + PIN, mark a no-show, and, for an accepted home visit, see where to go.
// Errors come back inline on the merchant home, beside the order they concern.
import * as z from 'zod/mini';
import type { ErrorCode } from '@tmc/core/kernel/errors';
import { acceptOrder, rejectOrder } from '@tmc/core/orders/answer';
import { completeOrder, type Proof } from '@tmc/core/orders/complete';
import { noShow } from '@tmc/core/orders/cancel';
import { visitDetails, type VisitDetails } from '@tmc/core/orders/visit';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import { policyForOrders } from '@tmc/app/public';
import { orderDeps } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { H5Layout, T, render, viewOf, type View } from '../kit/layout';
import { expected } from '../kit/ui';
import { WhenText, completionMsg } from '../kit/order-ui';
import type { Done } from './forms';
import { merchantHome } from './home-pages';
import { OrderId } from '@tmc/core/kernel/ids';

const OrderP = z.object({ order_id: OrderId });
const ACTION_ERRORS: readonly ErrorCode[] = [
  'ORDER_STATE',
  'ORDER_NOT_FOUND',
  'FORBIDDEN',
  'CODE_INVALID',
  'CODE_LOCKED',
];

const VisitPage = (props: { view: View; v: VisitDetails }) => (
  <H5Layout view={props.view} title="上门地址" titleEn="Visit address">
    <section class="panel" aria-labelledby="visit-h">
      <h2 id="visit-h">{props.v.service_name}</h2>
      <dl class="kv">
        <dt>
          <T zh="老人" en="Elder" />
        </dt>
        <dd>{props.v.elder_name_masked}</dd>
        <dt>
          <T zh="地址" en="Address" />
        </dt>
        <dd id="visit-address">{props.v.address}</dd>
        <dt>
          <T zh="时间" en="When" />
        </dt>
        <dd>
          <WhenText slot={props.v.slot_start} />
        </dd>
      </dl>
      <p class="hint">
        <T
          zh="地址只在接单后、服务完成前可以查看，每次查看都会记录。请勿外传。"
          en="Shown only while the order is open; every view is recorded. Do not share it."
          block
        />
      </p>
    </section>
    <a class="btn btn-2" href={`/merchant#o-${props.v.order_id}`}>
      <T zh="返回订单" en="Back to orders" />
    </a>
  </H5Layout>
);

export const merchantOrderRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/merchant/orders/:order_id/visit',
    access: { roles: ['merchant'] },
    tags: ['pages'],
    page: true,
    summary: 'Merchant: where to go for an accepted home-visit order (audited; gone once the order closes)',
    params: OrderP,
    async handler(c, { params, principal: p }) {
      const v = await visitDetails(orderDeps(deps), params.order_id, p.merchant_id);
      return render(c, <VisitPage view={viewOf(c)} v={v} />);
    },
  }),
  ...(['accept', 'reject', 'no-show'] as const).map((what) =>
    defineRoute({
      method: 'post',
      path: `/merchant/orders/:order_id/${what}`,
      access: { roles: ['merchant'] },
      tags: ['pages'],
      page: true,
      summary: `Merchant: ${what} an order offered to it`,
      params: OrderP,
      bodyKind: 'form',
      body: z.object({}),
      async handler(c, { params, principal: p }) {
        const d = orderDeps(deps);
        const r = await expected(ACTION_ERRORS, () =>
          what === 'accept'
            ? acceptOrder(d, params.order_id, p.merchant_id)
            : what === 'reject'
              ? rejectOrder(d, params.order_id, p.merchant_id)
              : noShow(d, params.order_id, p.merchant_id),
        );
        if (!r.ok)
          return merchantHome(
            c,
            deps,
            p,
            { orderError: { order_id: params.order_id, msg: completionMsg(r.error) } },
            r.error.status,
          );
        const done: Done = what === 'accept' ? 'accepted' : what === 'reject' ? 'rejected' : 'no_show';
        return c.redirect(`/merchant?done=${done}#o-${params.order_id}`, 303);
      },
    }),
  ),
  defineRoute({
    method: 'post',
    path: '/merchant/orders/:order_id/complete',
    access: { roles: ['merchant'] },
    tags: ['pages'],
    page: true,
    summary: "Merchant: redeem with the elder's 6-digit code or card number + PIN (5 wrong tries lock the order)",
    params: OrderP,
    bodyKind: 'form',
    body: z.object({
      code: z.optional(z.string().check(z.maxLength(20))),
      card_number: z.optional(z.string().check(z.maxLength(30))),
      pin: z.optional(z.string().check(z.maxLength(20))),
    }),
    async handler(c, { params, body, principal: p }) {
      const code = (body.code ?? '').replace(/\s/g, '');
      const card = (body.card_number ?? '').replace(/[\s-]/g, '');
      const pin = (body.pin ?? '').trim();
      let proof: Proof | null = null;
      if (code) proof = /^\d{6}$/.test(code) ? { code } : null;
      else if (card || pin) proof = /^\d{12}$/.test(card) && /^\d{6}$/.test(pin) ? { card_number: card, pin } : null;
      // A malformed entry is a typo, not a guess: it is refused here and costs no try.
      if (!proof)
        return merchantHome(
          c,
          deps,
          p,
          {
            orderError: {
              order_id: params.order_id,
              msg: {
                zh: '请输入6位核销码，或12位卡号加6位密码',
                en: 'Enter the 6-digit code, or the 12-digit card number and 6-digit PIN',
              },
            },
          },
          400,
        );
      const policy = await policyForOrders(deps);
      const proven = proof;
      const r = await expected(ACTION_ERRORS, () =>
        completeOrder(orderDeps(deps), policy, params.order_id, p.merchant_id, proven),
      );
      if (!r.ok)
        return merchantHome(
          c,
          deps,
          p,
          { orderError: { order_id: params.order_id, msg: completionMsg(r.error) } },
          r.error.status,
        );
      return c.redirect(`/merchant?done=completed#o-${params.order_id}`, 303);
    },
  }),
];
