// What anomaly flags need from storage (packages/store/src/entities/flags.ts implements it).
import type { AuditEvent } from '../kernel/audit';
import type { Page } from '../kernel/page';
import type { Flag, FlagStatus } from './flags';

export type FlagStore = {
  /** Counts `mark` (an order id, or an elder id when the rule counts distinct elders) once under the
   * counter of `flag_id`: the marker and the increment in one transaction, so a change delivered twice
   * counts once. Returns the count after, whether or not this call added to it. */
  countOnce: (flag_id: string, mark: string, order_id: string) => Promise<number>;
  /** The first order ids counted under `flag_id` (at most `limit`). */
  ordersCounted: (flag_id: string, limit: number) => Promise<string[]>;
  /** Creates the flag once (attribute_not_exists); when it exists, raises its `observed` and order ids
   * if they grew (its status and version stay). */
  raise: (f: Flag) => Promise<'raised' | 'updated' | 'unchanged'>;
  get: (flag_id: string) => Promise<Flag | null>;
  /** Flags in a status, newest first: city-wide, or of one street (its own index). */
  list: (status: FlagStatus, street: string | null, limit: number, cursor?: string) => Promise<Page<Flag>>;
  /** The versioned move from `prev` to `next` with its audit record in one transaction; false when a
   * rival moved it first (nothing written). */
  decide: (prev: Flag, next: Flag, audit: { event: AuditEvent; at: string }) => Promise<boolean>;
};
