// Well-formed ledger items for the verifier bench, written straight with BatchWriteItem (no
// transactions: the bench measures the verifier, not commits). One "unit" is an elder's top-up, a
// hold that takes that whole lot, its capture by a merchant and an allowance; every tenth allowance
// is reversed (a reversal entry and its marker). Items carry the shapes ledger-commit.ts writes,
// the entries-by-day index included, and balances are rewritten at each checkpoint, so the ledger
// verifies clean at every size.
import { shardOf, systemAccount } from '@tmc/core/ledger/accounts';
import { chinaDate } from '@tmc/core/kernel/time';
import { ENTRY_DAY_SHARDS, ledgerKeys } from '@tmc/store/entities/ledger';
import type { Db } from '@tmc/store/table';
import { BATCH_WRITE_MAX, batchWriteAll } from '../fixtures/dynamo';
import { chunks, inFlight } from '../fixtures/pool';

export const ELDERS = 25_000; // 1,000,000 entries / 40: about ten units per elder at the largest size
const MERCHANTS = 500;
const WRITERS = 8; // BatchWriteItem calls in flight
const T0 = Date.parse('2026-01-01T00:00:00Z');
const NEVER = '9999-12-31';

type Item = Record<string, unknown>;
type P = { account: string; amount_points: number };

export class LedgerLoader {
  private readonly balances = new Map<string, number>();
  private readonly versions = new Map<string, number>();
  unitsWritten = 0;
  entries = 0;
  items = 0;

  constructor(private readonly db: Db) {}

  /** Writes units until at least `entries` entries exist (or `deadline`, a performance.now() time, passes),
   * then every balance item, so the ledger verifies clean at whatever size it reached. */
  async loadTo(entries: number, onProgress: (msg: string) => void, deadline = Infinity): Promise<void> {
    const BLOCK = 2_000; // units generated and written at a time
    while (this.entries < entries && performance.now() < deadline) {
      const items: Item[] = [];
      for (let i = 0; i < BLOCK && this.entries < entries; i++) items.push(...this.unit(this.unitsWritten++));
      await this.write(items);
      if (this.unitsWritten % 20_000 < BLOCK) onProgress(`${this.entries} entries, ${this.items} items`);
    }
    const bal = [...this.balances].map(([account, balance]) => ({
      ...ledgerKeys.balance(account),
      account,
      balance,
      version: this.versions.get(account) ?? 1,
      frozen: false,
    }));
    await this.write(bal);
  }

  private async write(items: Item[]): Promise<void> {
    this.items += items.length;
    await inFlight(chunks(items, BATCH_WRITE_MAX), WRITERS, (c) =>
      batchWriteAll(
        this.db,
        c.map((Item) => ({ PutRequest: { Item } })),
      ),
    );
  }

  private move(account: string, delta: number): number | null {
    const after = (this.balances.get(account) ?? 0) + delta;
    this.balances.set(account, after);
    this.versions.set(account, (this.versions.get(account) ?? 0) + 1);
    return account.includes(':') && /^(wallet|hold|merchant):/.test(account) ? after : null;
  }

  private entry(id: string, kind: string, at: string, postings: P[], ref: Record<string, string>): Item[] {
    this.entries++;
    const out: Item[] = [
      {
        ...ledgerKeys.entry(id),
        ...ledgerKeys.entryDayIndex(chinaDate(new Date(at)), shardOf(id, ENTRY_DAY_SHARDS), at, id),
        type: 'entry',
        entry_id: id,
        kind,
        reason: 'bench',
        actor: 'system:bench',
        created_at: at,
        postings,
        policy_version: null,
        ref,
        lot_moves: [],
      },
    ];
    for (const p of postings) {
      const after = this.move(p.account, p.amount_points);
      out.push({
        ...ledgerKeys.posting(p.account, at, id),
        type: 'posting',
        account: p.account,
        entry_id: id,
        kind,
        reason: 'bench',
        amount_points: p.amount_points,
        balance_after: after,
        created_at: at,
      });
    }
    return out;
  }

  private unit(u: number): Item[] {
    const elder = `e_b${u % ELDERS}`;
    const wallet = `wallet:${elder}`;
    const merchant = `merchant:m_b${u % MERCHANTS}`;
    const a = 10 + (u % 50);
    const b = 20 + (u % 30);
    const at = (k: number) => new Date(T0 + u * 1000 + k).toISOString();
    const lot = (id: string, original: number, remaining: number, expires: string): Item => ({
      ...ledgerKeys.lot(wallet, expires, id),
      type: 'lot',
      lot_id: id,
      wallet,
      source: id.startsWith('top_up') ? 'top_up' : 'allowance',
      subsidy: !id.startsWith('top_up'),
      original_points: original,
      remaining_points: remaining,
      expires_on: expires,
      entry_id: id,
    });
    const topup = `top_up:b${u}`;
    const holdId = `o_b${u}`;
    const hold = `hold:${holdId}`;
    const allowance = `allowance:b${u}`;
    const reversed = u % 10 === 9;
    const out: Item[] = [
      ...this.entry(
        topup,
        'top_up',
        at(0),
        [
          { account: wallet, amount_points: a },
          { account: systemAccount('topup_clearing', elder), amount_points: -a },
        ],
        { elder_id: elder },
      ),
      lot(topup, a, 0, NEVER), // taken whole by the hold
      ...this.entry(
        `hold:${holdId}`,
        'hold',
        at(1),
        [
          { account: wallet, amount_points: -a },
          { account: hold, amount_points: a },
        ],
        { hold_id: holdId },
      ),
      ...this.entry(
        `capture:${holdId}`,
        'capture',
        at(2),
        [
          { account: hold, amount_points: -a },
          { account: merchant, amount_points: a },
        ],
        { hold_id: holdId },
      ),
      {
        ...ledgerKeys.balance(hold),
        account: hold,
        balance: 0,
        version: 2,
        frozen: false,
        hold: { hold_id: holdId, status: 'captured', amount_points: a, version: 2 }, // the hold lives in its balance
      },
      ...this.entry(
        allowance,
        'allowance',
        at(3),
        [
          { account: wallet, amount_points: b },
          { account: systemAccount('issuance', elder), amount_points: -b },
        ],
        { elder_id: elder },
      ),
      lot(allowance, b, reversed ? 0 : b, '2026-12-31'),
    ];
    this.balances.delete(hold); // its balance item is written with the unit, final
    this.versions.delete(hold);
    if (reversed) {
      const rev = `reversal:${allowance}`;
      out.push(
        ...this.entry(
          rev,
          'reversal',
          at(4),
          [
            { account: wallet, amount_points: -b },
            { account: systemAccount('issuance', elder), amount_points: b },
          ],
          { reverses: allowance },
        ),
        { ...ledgerKeys.entryReversed(allowance), type: 'reversal_marker', by_entry: rev },
      );
    }
    return out;
  }
}
