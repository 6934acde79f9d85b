// Ledger accounts. An account id names its kind and owner (`wallet:e_x`, `hold:o_1`,
// `merchant:m_1`, `issuance:07`). System accounts that every issuance or top-up touches are
// sharded: N sub-accounts whose sum is the account, so no single item serialises the month.

// 128 shards: a monthly issuance for 100,000 elders writes each shard ~780 times, under the goal of
// 1% of the elder count per item, and far below DynamoDB's per-item write rate when spread over minutes.
export const SYSTEM_SHARDS = 128;
export const SYSTEM_KINDS = ['issuance', 'topup_clearing', 'awards', 'expiry', 'refunds', 'adjustments'] as const;
export type SystemKind = (typeof SYSTEM_KINDS)[number];

export type AccountKind = 'wallet' | 'hold' | 'merchant' | SystemKind;

/** Accounts that may never go below zero. System accounts are sources and sinks: they go negative by design. */
export const FLOORED: ReadonlySet<AccountKind> = new Set(['wallet', 'hold', 'merchant']);

export const walletAccount = (elder_id: string) => `wallet:${elder_id}`;
export const holdAccount = (hold_id: string) => `hold:${hold_id}`;
export const merchantAccount = (merchant_id: string) => `merchant:${merchant_id}`;

/** Stable shard for a key (an elder id, an event id): spreads writes, and a retry lands on the same shard. */
export const shardOf = (key: string, shards = SYSTEM_SHARDS): number => {
  let h = 2166136261; // FNV-1a: cheap, well spread, deterministic
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % shards;
};

export const systemAccount = (kind: SystemKind, spreadKey: string) =>
  `${kind}:${String(shardOf(spreadKey)).padStart(2, '0')}`;

export const kindOf = (account: string): AccountKind => {
  const k = account.slice(0, account.indexOf(':'));
  if (k === 'wallet' || k === 'hold' || k === 'merchant' || (SYSTEM_KINDS as readonly string[]).includes(k))
    return k as AccountKind;
  throw new Error(`unknown account kind: ${account}`);
};

export const isFloored = (account: string): boolean => FLOORED.has(kindOf(account));
