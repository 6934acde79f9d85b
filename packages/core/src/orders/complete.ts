// Completion: the shop proves the elder was served (the order code or the card and PIN), and the
// held points are captured to the shop. Wrong proofs are limited.
import { AppError } from '../kernel/errors';
import { capture } from '../ledger/service';
import { pinHash } from '../elders/service';
import { admitOrThrow, wrongGuess } from '../auth/attempts';
import type { Policy } from '../policy/model';
import { CODE_TRIES_MAX, type Order } from './state';
import { attempt, auditOf, changed, load, orderForPlan, settle } from './commit';
import { gate } from './expiry';
import { tell } from './tell';
import type { OrderDeps } from './ports';
import { aad } from '../kernel/aad';

/** The code the elder shows the merchant (only to the elder and bound family). */
export const orderCode = (deps: Pick<OrderDeps, 'cipher'>, o: Order): string =>
  deps.cipher.decrypt(o.code_cipher, aad.orderCode(o.order_id));

export type Proof = { code: string } | { card_number: string; pin: string };

/** A refused proof on an order that another request has meanwhile completed (a double tap that
 * arrived together) lost a race, not a guess: it answers ORDER_STATE with the state the winner left,
 * as every loser of a change does. On an order still open the refusal stands: CODE_LOCKED. */
const admitOrMoved = async (deps: OrderDeps, o: Order, rule: 'order_code' | 'card_pin', subject: string) => {
  try {
    return await admitOrThrow(deps.limiter, rule, subject, 'CODE_LOCKED');
  } catch (e) {
    const now = e instanceof AppError && e.code === 'CODE_LOCKED' ? await deps.orders.get(o.order_id) : null;
    if (now && now.version !== o.version)
      throw new AppError('ORDER_STATE', { cause: e, details: { status: now.status } });
    throw e;
  }
};

/** Each proof is counted by the attempt limiter before it is compared, so parallel guesses get no
 * more than the limit: the 6-digit code per order, the PIN per elder (the PIN belongs to the card;
 * per order a shop could try 5 more on each order). A right PIN gives its try back, so shops that
 * use it every day do not lock it; a right code ends the order, so it needs none. */
const proveServed = async (deps: OrderDeps, o: Order, proof: Proof): Promise<(() => Promise<void>) | null> => {
  if ('code' in proof) {
    const a = await admitOrMoved(deps, o, 'order_code', o.order_id);
    if (proof.code !== orderCode(deps, o)) throw wrongGuess(a, 'CODE_INVALID', 'CODE_LOCKED');
    // a right code ends the order; only if the capture then fails is the try given back (completeOrder)
    return () => deps.limiter.refund('order_code', o.order_id, a);
  }
  const a = await admitOrMoved(deps, o, 'card_pin', o.elder_id);
  const elder = await deps.elders.get(o.elder_id);
  const ok = Boolean(
    elder &&
    elder.card_number === proof.card_number &&
    elder.pin_hash !== '' &&
    elder.pin_hash === pinHash(deps.blindIndex, elder.elder_id, proof.pin),
  );
  if (!ok) throw wrongGuess(a, 'CODE_INVALID', 'CODE_LOCKED');
  await deps.limiter.refund('card_pin', o.elder_id, a);
  return null;
};

/** Runs the settlement; if it fails, gives the right code's try back so a retry is not locked out. */
const settleOr = async (giveTryBack: (() => Promise<void>) | null, run: () => Promise<Order>): Promise<Order> => {
  try {
    return await run();
  } catch (e) {
    await giveTryBack?.().catch(() => undefined); // the settlement's error is the one to report
    throw e;
  }
};

/** Completion: the merchant proves the elder was served; wrong proofs are limited (proveServed). */
export const completeOrder = async (
  deps: OrderDeps,
  policy: Policy,
  order_id: string,
  merchant_id: string,
  proof: Proof,
): Promise<Order> => {
  const o = await load(deps, order_id);
  if (o.merchant_id !== merchant_id) throw new AppError('ORDER_NOT_FOUND');
  await gate(deps, o, 'complete', 'merchant');
  if (o.code_tries >= CODE_TRIES_MAX) throw new AppError('CODE_LOCKED'); // an order locked before the attempt limiter
  const giveTryBack = await proveServed(deps, o, proof);
  const att = attempt();
  const current = orderForPlan(deps, o);
  const done = await settleOr(giveTryBack, () =>
    settle(deps, order_id, o.version, att, () =>
      capture(
        deps,
        {
          hold_id: o.order_id,
          amount_points: o.price_points,
          merchant_id,
          actor: `merchant:${merchant_id}`,
          reason: `${o.merchant_name}·${o.service_name}`,
          policy_version: policy.version,
        },
        undefined,
        async () => {
          const fresh = await current();
          const next = att.plan(
            changed(deps, fresh, 'complete', `merchant:${merchant_id}`, {
              status: 'completed',
              completed_at: deps.clock.now().toISOString(),
              completed_with: 'code' in proof ? 'code' : 'card_pin',
            }),
          );
          // points reach the shop: audited with the capture itself, so there is one record per completion
          return {
            order: { next, expect_version: fresh.version },
            audit: auditOf(next, `merchant:${merchant_id}`, 'order.complete', {
              points: o.price_points,
              proof: 'code' in proof ? 'code' : 'card_pin',
            }),
          };
        },
      ),
    ),
  );
  await tell(deps, done, 'completed', { committedHere: true }); // settle returns only this call's change
  return done;
};
