// The shape of the dependency bag (types only), apart from the code that builds it (deps.ts), so
// the modules that take the bag (jobs, order-deps) and the one that builds it do not import
// each other.
import type { BlindIndex, FieldCipher } from '@tmc/core/kernel/secrets';
import type { Clock } from '@tmc/core/kernel/clock';
import type { AuditLog } from '@tmc/core/kernel/audit';
import type { AreaStore } from '@tmc/core/areas/ports';
import type { ElderStore } from '@tmc/core/elders/ports';
import type { Notifier } from '@tmc/core/notices/ports';
import type { OtpStore, StaffStore, WechatOAuth } from '@tmc/core/auth/ports';
import type { AttemptLimiter } from '@tmc/core/auth/attempts';
import type { NoticeMarks } from '@tmc/core/notices/ports';
import type { SchedulerPort } from '@tmc/core/jobs/ports';
import type { LedgerStore } from '@tmc/core/ledger/ports';
import type { BatchStore, PayeeStore, SettlementStore } from '@tmc/core/settlement/ports';
import type { PaymentGateway, TopupStore } from '@tmc/core/topups/ports';
import type { Db } from '@tmc/store/table';
import type { SessionStore } from '@tmc/store/entities/sessions';
import type { AccountStore } from '@tmc/store/entities/accounts';
import type { BindingStore } from '@tmc/store/entities/bindings';
import type { ImportStore } from '@tmc/store/entities/imports';
import type { WechatLinkStore } from '@tmc/store/entities/wechat-links';
import type { MerchantStore } from '@tmc/store/entities/merchants';
import type { OrderStore } from '@tmc/store/entities/orders';
import type { PolicyStore } from '@tmc/store/entities/policy';
import type { Outbox } from '@tmc/notify/outbox';
import type { Logger } from '../http/logger';
import type { Env } from './env';
import type { JobRunner } from '@tmc/core/jobs/ports';
import type { FlagStore } from '@tmc/core/analytics/flag-ports';
import type { CounterStore } from '@tmc/core/analytics/ports';

export type Deps = {
  stage: Env['STAGE'];
  publicUrl: string;
  db: Db;
  clock: Clock;
  logger: Logger;
  cipher: FieldCipher;
  blindIndex: BlindIndex;
  sessionKey: Uint8Array;
  notifier: Notifier;
  noticeMarks: NoticeMarks; // once-only claims: each change is told to each recipient once
  outbox: Outbox | null; // only outside production: the dev page reads it
  elders: ElderStore;
  areas: AreaStore;
  audit: AuditLog;
  otp: OtpStore;
  staff: StaffStore;
  limiter: AttemptLimiter; // every guessable secret and the per-address sign-in limits (core/auth/attempts.ts)
  sessions: SessionStore;
  accounts: AccountStore;
  bindings: BindingStore;
  imports: ImportStore;
  ledger: LedgerStore;
  policies: PolicyStore;
  jobs: JobRunner;
  merchants: MerchantStore;
  // analytics counters read by key (the dashboard); the streams function's full CounterStore replaces it
  counters: Pick<CounterStore, 'read' | 'eraseActiveDims'>;
  orders: OrderStore;
  scheduler: SchedulerPort;
  topups: TopupStore;
  settlement: SettlementStore; // statements, cursors, runs (core/settlement)
  payees: PayeeStore; // how each merchant is paid; the bank account sealed
  batches: BatchStore; // bank batch files
  payments: PaymentGateway; // Stripe when STRIPE_SECRET_KEY is set; the local fake in local/test
  flags: FlagStore; // anomaly flags and their counters (issue 11)
  wechatLinks: WechatLinkStore; // phone hash -> openid; the notifier's WeChat directory
  // WeChat sign-in for linking; null unless WECHAT_APP_ID/SECRET are set (production.ts)
  wechatOAuth: WechatOAuth | null;
};
