// Ports of the order capability: the order store and the dispute queue
// (packages/store implements them), and the dependency bag the use cases take.
import type { AuditEvent, AuditLog } from '../kernel/audit';
import type { BlindIndex, FieldCipher } from '../kernel/secrets';
import type { CounterKey } from '../ledger/ports';
import type { LedgerDeps } from '../ledger/service';
import type { AttemptLimiter } from '../auth/attempts';
import type { ElderStore } from '../elders/ports';
import type { Merchant, Service } from '../merchants/model';
import type { ElderRecord } from '../elders/model';
import type { Notifier } from '../notices/ports';
import type { Order } from './state';
import type { SchedulerPort } from '../jobs/ports';

/** What must be written together with an order change that moves no points. */
export type OrderPutExtras = {
  audit?: { event: AuditEvent; at: string; id: string };
  counters?: { key: CounterKey; delta: number }[];
};

export type OrderPort = {
  get: (id: string) => Promise<Order | null>;
  put: (next: Order, expect_version: number, extras?: OrderPutExtras) => Promise<void>;
};

/** Open disputes, queued for staff by the elder's community (the queue is read by key range). */
export type DisputeQueuePort = {
  /** Writes the disputed order (conditional on `expect_version`) and its queue entry at once. */
  /** With the audit record of the change in the same transaction, when there is one. */
  open: (
    next: Order,
    expect_version: number,
    community_code: string,
    audit?: NonNullable<OrderPutExtras['audit']>,
  ) => Promise<void>;
  /** Takes a decided dispute off the queue. */
  close: (o: Order, community_code: string) => Promise<void>;
};

export type OrderDeps = LedgerDeps & {
  orders: OrderPort;
  elders: ElderStore;
  merchants: {
    getMerchant: (id: string) => Promise<Merchant | null>;
    services: (id: string) => Promise<Service[]>;
    /** The profile and one service in one read (booking); the profile without its rating totals. */
    merchantAndService: (
      merchant_id: string,
      service_id: string,
    ) => Promise<{ merchant: Omit<Merchant, 'rating_sum' | 'rating_count'> | null; service: Service | null }>;
  };
  /** A booking's independent reads in one request: the elder, the merchant, the service and the phone
   * the shop's new-order notice goes to (null: none; undefined: not read, the notice step reads it).
   * Without it, booking reads them one by one. */
  bookingReads?: (a: { elder_id: string; merchant_id: string; service_id: string }) => Promise<{
    elder: ElderRecord | null;
    merchant: Omit<Merchant, 'rating_sum' | 'rating_count'> | null;
    service: Service | null;
    merchantPhone: string | null | undefined;
  }>;
  cipher: FieldCipher;
  blindIndex: BlindIndex;
  notifier: Notifier;
  audit: AuditLog;
  scheduler: SchedulerPort;
  disputes: DisputeQueuePort;
  familyPhones: (elder_id: string) => Promise<string[]>;
  merchantPhone: (merchant_id: string) => Promise<string | null>;
  limiter: AttemptLimiter; // the redemption code and card PIN tries (attempts.ts)
  /** Claims the once-only key of one notice; false when it was claimed before (never send twice). */
  noticeOnce: (key: string) => Promise<boolean>;
};

export type RatingPort = { addRating: (merchant_id: string, stars: number) => Promise<void> };
