// Who is booking for whom: the elder on their own pages (/elder/...), or bound family on the
// elder's behalf (/family/elders/:elder_id/...). The booking and order pages are one set of
// handlers for both; this module holds what they share: the booker, the path shapes, and the
// small pieces every one of those screens shows (whose order it is, the back button).
import * as z from 'zod/mini';
import type { Child } from 'hono/jsx';
import { AppError } from '@tmc/core/kernel/errors';
import { getElderOrThrow } from '@tmc/core/elders/service';
import type { ElderRecord } from '@tmc/core/elders/model';
import type { Principal } from '@tmc/core/auth/service';
import { assertCanSeeElder } from '@tmc/core/elders/access';
import type { Deps } from '@tmc/app/public';
import { H5Layout, T, type View } from '../kit/layout';
import { asElder, asFamily } from '../kit/principal';
import type { Msg } from '../kit/ui';
import { MERCHANT_ID_RE, SERVICE_ID_RE, ElderId, OrderId } from '@tmc/core/kernel/ids';

export type Flavor = 'elder' | 'family';

/** Who is booking for whom, and where their pages live. */
export type Booker = { flavor: Flavor; base: string; elder: ElderRecord; p: Principal };

const ElderIdRe = ElderId;
export const BaseP = z.object({ elder_id: z.optional(ElderIdRe) });
export const OrderP = z.extend(BaseP, { order_id: OrderId });
export const MerchantId = z.string().check(z.regex(MERCHANT_ID_RE));
export const ServiceId = z.string().check(z.regex(SERVICE_ID_RE));

const bookerOf = async (
  deps: Deps,
  flavor: Flavor,
  principal: Principal | null,
  elder_id: string | undefined,
): Promise<Booker> => {
  if (flavor === 'elder') {
    const p = asElder(principal);
    const elder = await getElderOrThrow(deps, p.elder_id);
    if (elder.status !== 'active') throw new AppError('ELDER_INACTIVE');
    return { flavor, base: '/elder', elder, p };
  }
  const p = asFamily(principal);
  if (!elder_id) throw new AppError('ELDER_NOT_FOUND');
  const elder = await getElderOrThrow(deps, elder_id);
  await assertCanSeeElder(deps, p, elder); // only an active binding (the elder's consent) lets family book
  if (elder.status !== 'active') throw new AppError('ELDER_INACTIVE');
  return { flavor, base: `/family/elders/${elder.elder_id}`, elder, p };
};

/** Family pages say whose order it is on every screen, so nobody books for the wrong parent. */
export const ForWhom = (props: { b: Booker }) =>
  props.b.flavor === 'family' ? (
    <p class="hello">
      <T zh={`为 ${props.b.elder.name} 预约`} en="Booking for your parent" />
    </p>
  ) : null;

export const Back = (props: { href: string; label?: Msg }) => (
  <a class="btn btn-2" href={props.href}>
    <T zh={props.label?.zh ?? '返回'} en={props.label?.en ?? 'Back'} />
  </a>
);

/** A small page of one message and one button, for the rare case with nothing else to show. */
export const Plain = (props: { view: View; title: Msg; children?: Child }) => (
  <H5Layout view={props.view} title={props.title.zh} titleEn={props.title.en}>
    {props.children}
  </H5Layout>
);

export const actorOf = (b: Booker) => b.flavor;

/** What every route of one flavor shares: its path prefix, the role that may use it, how its
 * summary names the person, and the booker of the request. */
export const flavorOf = (deps: Deps, flavor: Flavor) => ({
  prefix: flavor === 'elder' ? '/elder' : '/family/elders/:elder_id',
  roles: flavor === 'elder' ? (['elder'] as const) : (['family'] as const),
  who: flavor === 'elder' ? 'the elder' : 'bound family, for the elder',
  booker: (principal: Principal | null, elder_id: string | undefined) => bookerOf(deps, flavor, principal, elder_id),
});
