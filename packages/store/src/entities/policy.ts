// Points policy versions (policyVersions). Versions are append-only: a change is a new version.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_ANOMALY, type Policy } from '@tmc/core/policy/model';
import type { PolicyPort } from '@tmc/core/policy/versions';
import { transact, type TxItem } from '../tx';
import { auditItem } from './audit';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';
import { fromItem } from '../item';

export const policyKeys = {
  policy: (version: number) => ({ pk: 'POLICY', sk: `V#${String(version).padStart(6, '0')}` }),
  policyPk: () => 'POLICY',
} as const;

export const policyPatterns = (): AccessPattern[] => [
  {
    name: 'policyVersions',
    index: 'table',
    operation: ['Query'],
    pk: 'POLICY',
    sk: 'V#{version, 6 digits}',
    used_by: 'policy (PolicyStore)',
    about: 'newest first',
  },
];
const keys = policyKeys; // this entity's own keys, by their short names

export const POLICY_VERSIONS_READ_MAX = 100; // monthly changes for eight years; older ones stay stored

const ADDED_LATER: Pick<
  Policy,
  | 'cancel_fee_after_accept_points'
  | 'offer_minutes'
  | 'answer_before_slot_minutes'
  | 'newcomer_allowance'
  | 'category_month_max_points'
  | 'settlement_cadence'
  | 'anomaly'
> = {
  cancel_fee_after_accept_points: 0,
  offer_minutes: 3, // what the code used before it was a policy value
  answer_before_slot_minutes: 60,
  newcomer_allowance: 'full',
  category_month_max_points: {}, // newcomers and per-category caps
  settlement_cadence: 'monthly', // settlement (issue 10)
  anomaly: DEFAULT_ANOMALY, // anomaly flags (issue 11)
};

/**
 * How stale the versions the order path may use (`recentVersions`, through app's policyForOrders). A
 * save clears this process's copy at once and reaches every other warm function within this time, so
 * an order placed in that minute may use the version in force a minute earlier (its fees and caps).
 * Issuance, awards, top-ups, settlement and jobs read `versions()` every time: a version saved for next
 * month must govern that month's issuance even if the job's function read the list a moment before.
 */
export const POLICY_STALE_MS = 60_000;

/** Two staff saving at once from the same version: one gets CONFLICT and retries. */
export type PolicyStore = PolicyPort & {
  /** `versions()` as read at most POLICY_STALE_MS ago by this store (the booking path: no read per request). */
  recentVersions: () => Promise<Policy[]>;
};

export const createPolicyStore = (db: Db): PolicyStore => {
  const versions = async (): Promise<Policy[]> => {
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': keys.policyPk() },
        ScanIndexForward: false,
        Limit: POLICY_VERSIONS_READ_MAX,
        ConsistentRead: true,
      }),
    );
    // Fields added after a version was stored read as their documented default.
    return (r.Items ?? []).map((it) => ({ ...ADDED_LATER, ...fromItem<Partial<Policy>>(it) }) as Policy);
  };
  // performance.now, not the app's clock: tests move that clock by days, and staleness is real time
  let copy: { read_at: number; versions: Promise<Policy[]> } | null = null;
  return {
    versions,
    recentVersions() {
      if (!copy || performance.now() - copy.read_at > POLICY_STALE_MS) {
        const read = versions();
        copy = { read_at: performance.now(), versions: read };
        read.catch(() => {
          copy = null; // a failed read is not kept
        });
      }
      return copy.versions;
    },
    async append(input, by, at, opts = {}) {
      copy = null;
      const after = opts.after ?? (await versions())[0]?.version ?? 0;
      const p: Policy = { ...input, version: after + 1, created_by: by, created_at: at };
      const a = opts.audit?.(p);
      const items: TxItem[] = [
        {
          Put: {
            TableName: db.table,
            Item: { ...keys.policy(p.version), type: 'policy', ...p },
            ConditionExpression: 'attribute_not_exists(pk)', // the version is taken: someone saved first
          },
        },
      ];
      // a save based on a version that was never stored would leave a gap in the numbers
      if (opts.after !== undefined && opts.after > 0)
        items.push({
          ConditionCheck: {
            TableName: db.table,
            Key: keys.policy(opts.after),
            ConditionExpression: 'attribute_exists(pk)',
          },
        });
      // the audit record is written exactly when the version is: one save, one record
      if (a)
        items.push({
          Put: {
            TableName: db.table,
            Item: auditItem(a.event, a.at, a.id),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      try {
        await transact(db, items, () => 'CONFLICT');
      } finally {
        copy = null; // also a copy read while this save was in flight
      }
      return p;
    },
  };
};
