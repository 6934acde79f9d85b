// Setup of the orders-load bench, before the load: every person signed in (one at a time), each
// merchant's index cards counted, and each elder's wallet topped up. None of it is measured as load.
import { demoElders } from '@tmc/local/demo/district';
import { demoMerchants } from '@tmc/local/demo/merchants';
import type { Deps } from '@tmc/app/compose/deps';
import { walletAccount } from '@tmc/core/ledger/accounts';
import { credit } from '@tmc/core/ledger/service';
import { isMatchable, serviceCard } from '@tmc/core/merchants/model';
import { indexKeysOf } from '@tmc/store/entities/merchants';
import { topUpCredit } from '../fixtures/points';
import { signIn, type Client } from './client';
import { ELDERS, FLOWS, type Elder } from './flow';

type Outbox = { latestFor: (phone: string) => Promise<{ text_zh: string } | null> };

/** ELDERS demo elders with a phone and every demo merchant, signed in one at a time (see signIn). */
export const signInAll = async (client: Client, outbox: Outbox) => {
  const phones = demoElders()
    .flatMap((e) => (e.phone === null ? [] : [e.phone]))
    .slice(0, ELDERS); // the seed's roster, same default seed
  if (phones.length < ELDERS) throw new Error(`only ${phones.length} demo elders have a phone`);
  const elders: Elder[] = [];
  for (const phone of phones) {
    const s = await signIn(client, outbox, phone, 'elder');
    elders.push({ phone, token: s.token, elder_id: s.id });
  }
  const merchantPhones = demoMerchants().map((m) => m.phone);
  const merchants = new Map<string, string>(); // merchant_id -> bearer token
  for (const phone of merchantPhones) {
    const s = await signIn(client, outbox, phone, 'merchant');
    merchants.set(s.id, s.token);
  }
  return { elders, merchants, merchantPhones: merchantPhones.length };
};

/** Index cards per merchant: what a rating rewrote before it became one item (one transaction if it
 * fitted, else BatchWriteItem), kept as the grouping key for rating latency. */
export const indexCardsOf = async (deps: Deps, merchantIds: Iterable<string>): Promise<Map<string, number>> => {
  const indexCards = new Map<string, number>();
  for (const id of merchantIds) {
    const m = await deps.merchants.getMerchant(id);
    if (!m) throw new Error(`signed-in merchant ${id} has no profile`);
    const cards = (await deps.merchants.services(id))
      .filter((sv) => isMatchable(m, sv))
      .reduce((n, sv) => n + indexKeysOf(serviceCard(m, sv)).length, 0);
    indexCards.set(id, cards);
  }
  return indexCards;
};

/**
 * This month's allowance (30-200 points by the default policy) does not pay for five flows that
 * include home help (40-50) and repairs (30-40), so each elder gets a paid top-up lot large enough
 * for every flow of both rounds at the dearest on-site price: a refusal for points would then say
 * nothing about the load. Allowance lots expire first, so holds take them first.
 */
export const topUpAll = async (deps: Deps, elders: readonly Elder[]) => {
  const allowance = await Promise.all(
    elders.map(async (e) => (await deps.ledger.account(walletAccount(e.elder_id))).balance_points),
  );
  const dearest = Math.max(
    ...demoMerchants().flatMap((m) => m.services.filter((s) => s.mode === 'onsite').map((s) => s.price_points)),
  );
  const maxRounds = 2; // 200 in flight, then perhaps 50
  const topUpPoints = Math.ceil(FLOWS / ELDERS) * maxRounds * dearest;
  for (const e of elders) {
    await credit(deps, topUpCredit(`bench-orders-load:${e.elder_id}`, e.elder_id, topUpPoints, '压测充值'));
  }
  return { allowance, dearest, maxRounds, topUpPoints };
};
