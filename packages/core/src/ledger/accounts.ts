// Ledger accounts. An account id names its kind and owner (`wallet:e_x`, `hold:o_1`,
// `merchant:m_1`, `issuance:07`). System accounts that every issuance or top-up touches are
// sharded: N sub-accounts whose sum is the account, so no single item serialises the month.

// 128 shards: a monthly issuance for 100,000 elders writes each shard ~780 times, under the goal of
// 1% of the elder count per item, and far below DynamoDB's per-item write rate when spread over minutes.
export const SYSTEM_SHARDS = 128;
export const SYSTEM_KINDS = ['issuance', 'topup_clearing', 'awards', 'expiry', 'refunds', 'adjustments'] as const;
export type SystemKind = (typeof SYSTEM_KINDS)[number];

/** A merchant's points pass three accounts: `merchant:` (receivable, credited by captures),
 * `settling:` (moved there by a settlement statement, until it is paid) and `paid:` (what the bureau
 * has paid it, in points, forever growing). */
export type AccountKind = 'wallet' | 'hold' | 'merchant' | 'settling' | 'paid' | SystemKind;

/** Accounts that may never go below zero. System accounts are sources and sinks: they go negative by
 * design. The merchant receivable is not floored: a dispute upheld after its capture was settled
 * takes the points back from it, which may leave it below zero until the next statement deducts it. */
export const FLOORED: ReadonlySet<AccountKind> = new Set(['wallet', 'hold', 'settling', 'paid']);
/** Accounts written with a version, so each posting carries the balance after it (history, as-of
 * reads): the floored ones and the merchant receivable. Sharded system accounts are plain ADDs. */
export const VERSIONED: ReadonlySet<AccountKind> = new Set([...FLOORED, 'merchant']);

export const walletAccount = (elder_id: string) => `wallet:${elder_id}`;
export const holdAccount = (hold_id: string) => `hold:${hold_id}`;
export const merchantAccount = (merchant_id: string) => `merchant:${merchant_id}`;
export const settlingAccount = (merchant_id: string) => `settling:${merchant_id}`;
export const paidAccount = (merchant_id: string) => `paid:${merchant_id}`;

/** Stable shard for a key (an elder id, an event id): spreads writes, and a retry lands on the same shard. */
export const shardOf = (key: string, shards = SYSTEM_SHARDS): number => {
  let h = 2166136261; // FNV-1a: cheap, well spread, deterministic
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % shards;
};

export const systemAccount = (kind: SystemKind, spreadKey: string) =>
  `${kind}:${String(shardOf(spreadKey)).padStart(2, '0')}`;

const OWNED_KINDS: ReadonlySet<string> = new Set(['wallet', 'hold', 'merchant', 'settling', 'paid']);

export const kindOf = (account: string): AccountKind => {
  const k = account.slice(0, account.indexOf(':'));
  if (OWNED_KINDS.has(k) || (SYSTEM_KINDS as readonly string[]).includes(k)) return k as AccountKind;
  throw new Error(`unknown account kind: ${account}`);
};

export const isFloored = (account: string): boolean => FLOORED.has(kindOf(account));
export const isVersioned = (account: string): boolean => VERSIONED.has(kindOf(account));
