// Everything a request handler may use, built once per process from configuration. Tests build
// the same bag against their own DynamoDB Local table and a fake clock.
import { createBlindIndex, createFieldCipher } from '@tmc/core/kernel/secrets';
import { systemClock, type Clock } from '@tmc/core/kernel/clock';
import type { Notifier } from '@tmc/core/notices/ports';
import type { WechatOAuth } from '@tmc/core/auth/ports';
import { createDb, type Db } from '@tmc/store/table';
import { createElderStore } from '@tmc/store/entities/elders';
import { createAreaStore } from '@tmc/store/entities/areas';
import { createAuditLog } from '@tmc/store/entities/audit';
import { createOtpStore } from '@tmc/store/entities/otp';
import { createStaffStore } from '@tmc/store/entities/staff';
import { createAttemptLimiter } from '@tmc/store/entities/attempts';
import { createSessionStore } from '@tmc/store/entities/sessions';
import { createAccountStore } from '@tmc/store/entities/accounts';
import { createBindingStore } from '@tmc/store/entities/bindings';
import { createImportStore } from '@tmc/store/entities/imports';
import { createOutbox, type Outbox } from '@tmc/notify/outbox';
import { createOutboxStore } from '@tmc/store/entities/outbox';
import type { NotifierWiring } from '@tmc/notify/channels';
import { createNoticeMarks } from '@tmc/store/entities/notices';
import { createWechatLinkStore } from '@tmc/store/entities/wechat-links';
import { createLedgerStore, SPEND_IN_WALLET_ALWAYS } from '@tmc/store/entities/ledger';
import { createMerchantStore } from '@tmc/store/entities/merchants';
import { createCounterReader } from '@tmc/store/counter-read';
import { createOrderStore } from '@tmc/store/entities/orders';
import { createFlagStore } from '@tmc/store/entities/flags';
import type { SchedulerPort } from '@tmc/core/jobs/ports';
import { createTimerStore } from '@tmc/store/entities/timers';
import { createPolicyStore } from '@tmc/store/entities/policy';
import type { PaymentGateway } from '@tmc/core/topups/ports';
import { createTopupStore } from '@tmc/store/entities/topups';
import { createSettlementStore } from '@tmc/store/entities/statements';
import { createBatchStore, createPayeeStore } from '@tmc/store/entities/payees';
import { gatewayFromConfig } from '@tmc/payments/from-config';
import type { JobRunner } from '@tmc/core/jobs/ports';
import type { Deps } from './deps-type';
import { createLogger, type Logger } from '../http/logger';
import type { Env } from './env';

export type { Deps } from './deps-type';

/** Callers that must not fail on a notice (an order already committed) drop its error; this
 * makes sure the failure is still seen: the kind and the reason, never the phone or the text. */
const loggingFailures = (n: Notifier, logger: Logger): Notifier => ({
  async send(notice) {
    try {
      await n.send(notice);
    } catch (e) {
      logger.log('warn', 'notice not sent', {
        template: notice.template,
        error: e instanceof Error ? e.message : 'error',
      });
      throw e;
    }
  },
});

/** A notifier, or a factory for one that needs the table (WeChat finds openids through the links). */
type NotifierOver = Notifier | ((wiring: NotifierWiring) => Notifier | undefined);

export const buildDeps = (
  env: Env,
  over: {
    clock?: Clock;
    logger?: Logger;
    db?: Db;
    notifier?: NotifierOver;
    jobs?: JobRunner;
    payments?: PaymentGateway;
    scheduler?: SchedulerPort;
    wechatOAuth?: WechatOAuth | null;
  } = {},
): Deps => {
  const db = over.db ?? createDb({ table: env.TABLE_NAME, endpoint: env.DYNAMO_ENDPOINT, region: env.AWS_REGION });
  const clock = over.clock ?? systemClock;
  const logger = over.logger ?? createLogger(env.LOG_LEVEL);
  const cipher = createFieldCipher(Buffer.from(env.FIELD_KEY, 'base64').subarray(0, 32));
  const blindIndex = createBlindIndex(Buffer.from(env.INDEX_KEY, 'base64'));
  const wechatLinks = createWechatLinkStore(db, cipher, clock);
  const outbox = env.STAGE === 'production' ? null : createOutbox(createOutboxStore(db), clock);
  const given =
    typeof over.notifier === 'function'
      ? over.notifier({
          directory: wechatLinks,
          phoneHash: (phone) => blindIndex('phone', phone),
          log: (level, msg, fields) => logger.log(level, msg, fields),
        })
      : over.notifier;
  if (env.STAGE === 'production' && !given) throw new Error('production needs a real notifier adapter');
  const notifier = loggingFailures(given ?? (outbox as Outbox), logger);
  const deps: Deps = {
    stage: env.STAGE,
    publicUrl: new URL(env.PUBLIC_URL).origin,
    db,
    clock,
    logger,
    cipher,
    blindIndex,
    sessionKey: new Uint8Array(Buffer.from(env.SESSION_KEY, 'base64')),
    notifier,
    noticeMarks: createNoticeMarks(db, clock),
    outbox,
    elders: createElderStore(db),
    areas: createAreaStore(db),
    audit: createAuditLog(db, clock),
    otp: createOtpStore(db),
    staff: createStaffStore(db),
    limiter: createAttemptLimiter(db, clock),
    sessions: createSessionStore(db),
    accounts: createAccountStore(db, clock),
    bindings: createBindingStore(db),
    imports: createImportStore(db),
    ledger: createLedgerStore(db, {
      spendInWalletFrom: env.SPEND_IN_WALLET_FROM ?? (env.STAGE === 'production' ? null : SPEND_IN_WALLET_ALWAYS),
    }),
    policies: createPolicyStore(db),
    merchants: createMerchantStore(db),
    counters: createCounterReader(db),
    orders: createOrderStore(db),
    // Timers go to the table and a poller fires them (packages/local/src/scheduler.ts), so a
    // restart loses none; in AWS production-deps passes EventBridge Scheduler instead.
    scheduler: over.scheduler ?? createTimerStore(db).scheduler,
    jobs: {
      start: async () => {
        throw new Error('job runner not wired');
      },
    },
    topups: createTopupStore(db),
    settlement: createSettlementStore(db),
    flags: createFlagStore(db),
    payees: createPayeeStore(db),
    batches: createBatchStore(db),
    payments:
      over.payments ??
      gatewayFromConfig({
        stage: env.STAGE,
        public_url: env.PUBLIC_URL,
        stripe_secret_key: env.STRIPE_SECRET_KEY,
        stripe_webhook_secret: env.STRIPE_WEBHOOK_SECRET,
        stripe_connect_webhook_secret: env.STRIPE_CONNECT_WEBHOOK_SECRET,
        stripe_connect_country: env.STRIPE_CONNECT_COUNTRY,
        fake_secret: env.FAKE_PAYMENT_SECRET,
        methods: env.PAYMENT_METHODS,
      }),
    wechatLinks,
    wechatOAuth: over.wechatOAuth ?? null,
  };
  // In AWS the API hands jobs to the jobs Lambda; here they run in this process.
  // (loaded when the first job starts: in AWS jobs go to their own function and this never runs)
  deps.jobs = over.jobs ?? { start: async (job) => (await import('./jobs')).inProcessJobRunner(deps).start(job) };
  return deps;
};
