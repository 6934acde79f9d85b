// Wires the settlement use cases (core/settlement) to this process's stores, payment gateway and
// notices: one bag for the run job, the API routes and the pages alike.
import type { BankDeps } from '@tmc/core/settlement/bank';
import type { PayeeDeps } from '@tmc/core/settlement/payee-service';
import type { Deps } from './deps-type';
import { orderDeps } from './order-deps';

export type SettleDeps = BankDeps &
  PayeeDeps & {
    merchants: Deps['merchants'];
    tell: NonNullable<BankDeps['tell']>;
  };

export const settlementDeps = (deps: Deps): SettleDeps => {
  const od = orderDeps(deps);
  return {
    ...deps,
    gateway: deps.payments,
    settlement: deps.settlement,
    payees: deps.payees,
    batches: deps.batches,
    merchants: deps.merchants,
    tell: async (s, what) =>
      (await import('@tmc/core/settlement/tell')).tellStatement({ ...deps, merchantPhone: od.merchantPhone }, s, what),
    tellPayeeChanged: async (p) =>
      (await import('@tmc/core/settlement/tell')).tellPayeeChanged({ ...deps, merchantPhone: od.merchantPhone }, p),
  };
};
