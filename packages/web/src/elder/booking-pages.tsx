// Finding and booking a service, for the elder and for bound family on the elder's behalf (one
// set of handlers, see booker.tsx): services in the ten-minute circle, 帮我找, and the confirm
// screen with its free times. Every action is a plain form post, so nothing needs script.
// The list lives in services-page.tsx, the confirm screen in confirm-page.tsx; this file holds the routes.
import * as z from 'zod/mini';
import type { ErrorCode } from '@tmc/core/kernel/errors';
import { CategoryCode } from '@tmc/core/merchants/model';
import { requestOrder, type BookArgs } from '@tmc/core/orders/book';
import type { Policy } from '@tmc/core/policy/model';
import type { Idem } from '@tmc/core/ledger/service';
import { DATE_RE } from '@tmc/core/kernel/ids';
import type { Deps } from '@tmc/app/public';
import { defineRoute, queryInt, type RouteDef } from '@tmc/app/public';
import { policyForOrders } from '@tmc/app/public';
import { orderDeps } from '@tmc/app/public';
import { render, viewOf } from '../kit/layout';
import { ErrorBox, expected } from '../kit/ui';
import { FormKey, elderOrigin, findCandidates, formIdem, newFormKey, pointsSummary } from '../kit/booking';
import { bookingMsg } from '../kit/order-ui';
import { Back, BaseP, MerchantId, Plain, ServiceId, flavorOf, type Booker, type Flavor } from './booker';
import { servicesPage } from './services-page';
import { ConfirmPage, confirmOf } from './confirm-page';

const BOOKING_ERRORS: readonly ErrorCode[] = [
  'SERVICE_UNAVAILABLE',
  'SLOT_FULL',
  'SLOT_INVALID',
  'INSUFFICIENT_POINTS',
  'CATEGORY_NOT_ALLOWED',
  'CAP_EXCEEDED',
  'WALLET_FROZEN',
  'IDEMPOTENCY_KEY_REUSED',
];

// ---------------------------------------------------------------------------------------------
// Routes, once per flavor

/** Books for the elder the page is about, in the name of who is signed in (帮我找 and direct
 * booking alike); a refusal the page explains comes back as a value. */
const bookFor = (deps: Deps, policy: Policy, b: Booker, order: Omit<BookArgs, 'elder_id' | 'booked_by'>, idem: Idem) =>
  expected(BOOKING_ERRORS, () =>
    requestOrder(
      orderDeps(deps),
      policy,
      { elder: b.elder, elder_id: b.elder.elder_id, booked_by: b.p.sub, ...order },
      idem,
    ).then((r) => r.order),
  );

export const bookingPageRoutes = (deps: Deps, flavor: Flavor): RouteDef[] => {
  const { prefix, roles, who, booker } = flavorOf(deps, flavor);
  return [
    defineRoute({
      method: 'get',
      path: `${prefix}/services`,
      access: { roles },
      tags: ['pages'],
      page: true,
      summary: `Services of a category in the ten-minute circle from home, nearest first (${who})`,
      params: BaseP,
      query: z.object({ category: CategoryCode, minutes: z.optional(queryInt(1, 30)) }),
      async handler(c, { params, query, principal }) {
        const b = await booker(principal, params.elder_id);
        return servicesPage(c, deps, b, query.category, query.minutes ? { minutes: query.minutes } : {});
      },
    }),
    defineRoute({
      method: 'post',
      path: `${prefix}/find`,
      access: { roles },
      tags: ['pages'],
      page: true,
      summary: `帮我找: offer to the best nearby merchant, then the next (${who})`,
      params: BaseP,
      bodyKind: 'form',
      body: z.object({ category: CategoryCode, key: FormKey }),
      async handler(c, { params, body, principal }) {
        const b = await booker(principal, params.elder_id);
        const policy = await policyForOrders(deps);
        const { ranked } = await findCandidates(deps, policy, await elderOrigin(deps, b.elder), body.category);
        const first = ranked[0];
        if (!first) {
          return servicesPage(c, deps, b, body.category, {
            findNotice: {
              zh: '附近现在没有营业中的商户可以派单。可以打电话问问下面的商户，或晚些再试。',
              en: 'No open shop nearby right now; call one below or try later.',
            },
          });
        }
        const idem = formIdem(b.p.sub, body.key, { what: 'find', elder_id: b.elder.elder_id, category: body.category });
        const r = await bookFor(
          deps,
          policy,
          b,
          {
            mode: 'find_for_me',
            merchant_id: first.merchant_id,
            service_id: first.service_id,
            slot_start: null,
            candidates: ranked,
          },
          idem,
        );
        if (!r.ok) return servicesPage(c, deps, b, body.category, { findError: bookingMsg(r.error) }, r.error.status);
        return c.redirect(`${b.base}/orders/${r.value.order_id}`, 303);
      },
    }),
    defineRoute({
      method: 'get',
      path: `${prefix}/book`,
      access: { roles },
      tags: ['pages'],
      page: true,
      summary: `Confirm screen: service, shop, points, time (${who})`,
      params: BaseP,
      query: z.object({
        merchant_id: MerchantId,
        service_id: ServiceId,
        date: z.optional(z.string().check(z.regex(DATE_RE))),
      }),
      async handler(c, { params, query, principal }) {
        const b = await booker(principal, params.elder_id);
        const conf = await confirmOf(deps, b, query.merchant_id, query.service_id, { date: query.date });
        return render(c, <ConfirmPage view={viewOf(c)} b={b} c={conf} formKey={newFormKey()} />);
      },
    }),
    defineRoute({
      method: 'post',
      path: `${prefix}/book`,
      access: { roles },
      tags: ['pages'],
      page: true,
      summary: `Book: points held, slot taken; a repeat of the same confirm screen is the same order (${who})`,
      params: BaseP,
      bodyKind: 'form',
      body: z.object({
        merchant_id: MerchantId,
        service_id: ServiceId,
        slot_start: z.union([z.literal(''), z.iso.datetime()]),
        key: FormKey,
      }),
      async handler(c, { params, body, principal }) {
        const b = await booker(principal, params.elder_id);
        const slot = body.slot_start === '' ? null : body.slot_start;
        const idem = formIdem(b.p.sub, body.key, {
          what: 'book',
          elder_id: b.elder.elder_id,
          merchant_id: body.merchant_id,
          service_id: body.service_id,
          slot,
        });
        const policy = await policyForOrders(deps);
        const r = await bookFor(
          deps,
          policy,
          b,
          { mode: 'direct', merchant_id: body.merchant_id, service_id: body.service_id, slot_start: slot },
          idem,
        );
        if (r.ok) return c.redirect(`${b.base}/orders/${r.value.order_id}`, 303);
        if (r.error.code === 'SERVICE_UNAVAILABLE') {
          return render(
            c,
            <Plain view={viewOf(c)} title={{ zh: '确认预约', en: 'Confirm booking' }}>
              <ErrorBox msg={bookingMsg(r.error)} />
              <Back href={b.base} label={{ zh: '返回首页', en: 'Home' }} />
            </Plain>,
            { status: r.error.status },
          );
        }
        // Shown again with a fresh key (the failed attempt wrote nothing): the time asked for
        // stays chosen while it is free; a time that filled up or passed gives way to the next free one.
        const next = await confirmOf(deps, b, body.merchant_id, body.service_id, { slot });
        // the ledger's error says what was short; the elder wants to know what they have
        const have =
          r.error.code === 'INSUFFICIENT_POINTS'
            ? (await pointsSummary(deps, b.elder.elder_id)).balance_points
            : undefined;
        return render(
          c,
          <ConfirmPage
            view={viewOf(c)}
            b={b}
            c={next}
            formKey={newFormKey()}
            error={bookingMsg(r.error, next.hit.price_points, have)}
          />,
          { status: r.error.status },
        );
      },
    }),
  ];
};
