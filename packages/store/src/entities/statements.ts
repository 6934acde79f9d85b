// Settlement (issue 10): statements, each merchant's settlement cursor, the run record per period,
// and the reads settlement makes of the ledger (a merchant's receivable postings in a window) and of
// orders (what a statement line shows). A statement is written by the ledger commit that moves its
// points (ledger-commit.ts puts statementItem and cursorItem); its later moves are conditional puts.
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { parseStatementId, type SettlementCursor, type Statement } from '@tmc/core/settlement/model';
import type { SettlementRun, SettlementStore, WindowLine } from '@tmc/core/settlement/ports';
import { merchantAccount } from '@tmc/core/ledger/accounts';
import { AppError } from '@tmc/core/kernel/errors';
import { atVersion, decodeCursor, encodeCursor, isConditionFailed, transact } from '../tx';
import { queryIndexPage } from '../page-query';
import { batchGet } from '../batch-get';
import { fromItem } from '../item';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';
import { ledgerKeys } from './ledger-keys';
import { orderKeys } from './order-item';
import { auditItem } from './audit';

const WINDOW_QUERY_MAX = 1000; // postings per Query page (DynamoDB returns at most 1 MB anyway)
export const RUNS_READ_MAX = 24; // two years of monthly runs on the finance page

const streetOf = (community_code: string) => community_code.split('.').slice(0, 2).join('.');

export const statementKeys = {
  statement: (merchant_id: string, period: string) => ({ pk: `STMTS#${merchant_id}`, sk: `S#${period}` }),
  statementMerchantPk: (merchant_id: string) => `STMTS#${merchant_id}`,
  settleCursor: (merchant_id: string) => ({ pk: `STMTS#${merchant_id}`, sk: 'CURSOR' }),
  /** Finance's queues: statements in a status, oldest period first; gsi2 the same within one street. */
  statementStatusIndex: (s: Pick<Statement, 'status' | 'to' | 'statement_id' | 'community_code'>) => ({
    gsi1pk: `STMT_STATUS#${s.status}`,
    gsi1sk: `${s.to}#${s.statement_id}`,
    gsi2pk: `STMT_STATUS#${s.status}#${streetOf(s.community_code)}`,
    gsi2sk: `${s.to}#${s.statement_id}`,
  }),
  statementStatusPk: (status: string, street: string | null) =>
    street === null ? `STMT_STATUS#${status}` : `STMT_STATUS#${status}#${street}`,
  settleRun: (period: string) => ({ pk: 'SETTLE_RUNS', sk: `RUN#${period}` }),
  isStatements: (pk: string) => pk.startsWith('STMTS#'),
} as const;

export const statementPatterns = (): AccessPattern[] => [
  {
    name: 'statementById',
    index: 'table',
    operation: ['GetItem', 'PutItem', 'TransactWriteItems'],
    pk: 'STMTS#{merchant_id}',
    sk: 'S#{period}',
    used_by: 'settlement (run, review, payout)',
    about: 'the id st_{period}_{merchant_id} names the key; written with attribute_not_exists by the run',
  },
  {
    name: 'statementsOfMerchant',
    index: 'table',
    operation: ['Query'],
    pk: 'STMTS#{merchant_id}',
    sk: 'S#{period}',
    used_by: 'settlement (merchant 结算 page)',
    about: 'begins_with `S#`, newest first',
  },
  {
    name: 'settlementCursor',
    index: 'table',
    operation: ['GetItem', 'TransactWriteItems'],
    pk: 'STMTS#{merchant_id}',
    sk: 'CURSOR',
    used_by: 'settlement (run)',
    about: 'end of the last window and the last number; versioned, advanced with the statement',
  },
  {
    name: 'statementsByStatus',
    index: 'gsi1',
    operation: ['Query'],
    pk: 'STMT_STATUS#{status}',
    sk: '{to}#{statement_id}',
    used_by: 'settlement (finance queues, aging)',
    about: 'oldest first',
  },
  {
    name: 'statementsByStatusInStreet',
    index: 'gsi2',
    operation: ['Query'],
    pk: 'STMT_STATUS#{status}#{street}',
    sk: '{to}#{statement_id}',
    used_by: 'settlement (street officer)',
    about: 'oldest first',
  },
  {
    name: 'settlementRuns',
    index: 'table',
    operation: ['GetItem', 'PutItem', 'Query'],
    pk: 'SETTLE_RUNS',
    sk: 'RUN#{period}',
    used_by: 'settlement (run job, finance page)',
    about: `one item per period (a dozen a year); the page reads the last ${RUNS_READ_MAX}`,
  },
];

export const statementItem = (s: Statement) => ({
  ...statementKeys.statement(s.merchant_id, s.period),
  ...statementKeys.statementStatusIndex(s),
  type: 'statement',
  ...s,
});

export const cursorItem = (c: SettlementCursor) => ({
  ...statementKeys.settleCursor(c.merchant_id),
  type: 'settle_cursor',
  ...c,
});

const toStatement = (it: Record<string, unknown>): Statement => fromItem<Statement>(it);

/** Which kind of line a posting on the receivable is; settlement entries are not lines. */
const lineKind = (kind: string): WindowLine['kind'] | null =>
  kind === 'settlement' ? null : kind === 'capture' ? 'capture' : kind === 'reversal' ? 'reversal' : 'other';

/** capture:<hold_id> and reversal:capture:<hold_id>; an order's hold id is its order id. */
const orderOfEntry = (entry_id: string): string | null => {
  const m = /capture:(o_[A-Za-z0-9]+)$/.exec(entry_id);
  return m ? (m[1] ?? null) : null;
};

export const createSettlementStore = (db: Db): SettlementStore => ({
  async cursor(merchant_id) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: statementKeys.settleCursor(merchant_id) }));
    return r.Item ? fromItem<SettlementCursor>(r.Item) : null;
  },
  async statement(statement_id) {
    const id = parseStatementId(statement_id);
    if (!id) return null;
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: statementKeys.statement(id.merchant_id, id.period) }),
    );
    return r.Item ? toStatement(r.Item) : null;
  },
  async byMerchant(merchant_id, limit, cursor) {
    const pk = statementKeys.statementMerchantPk(merchant_id);
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':p': pk, ':s': 'S#' },
        ScanIndexForward: false,
        Limit: Math.max(1, Math.min(100, limit)),
        ExclusiveStartKey: decodeCursor(cursor, { pk }),
      }),
    );
    return { items: (r.Items ?? []).map(toStatement), cursor: encodeCursor(r.LastEvaluatedKey) };
  },
  async byStatus(status, street, limit, cursor) {
    const r = await queryIndexPage(db, {
      index: street === null ? 'gsi1' : 'gsi2',
      pk: statementKeys.statementStatusPk(status, street),
      newest_first: false,
      limit,
      ...(cursor ? { cursor } : {}),
    });
    return { items: r.items.map(toStatement), cursor: r.cursor };
  },
  async windowLines(merchant_id, from, to, limit, cursor) {
    const pk = ledgerKeys.accountPk(merchantAccount(merchant_id));
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        // sk is P#<created_at>#<entry_id>: the window is a key range, [from, to)
        KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':p': pk, ':a': `P#${from}`, ':b': `P#${to}` },
        ProjectionExpression: 'pk, sk, entry_id, kind, amount_points, created_at',
        Limit: Math.max(1, Math.min(WINDOW_QUERY_MAX, limit)),
        ExclusiveStartKey: decodeCursor(cursor, { pk }),
      }),
    );
    const items: WindowLine[] = [];
    for (const it of r.Items ?? []) {
      const at = String(it.created_at);
      if (at >= to) continue; // BETWEEN is inclusive; `P#<to>` itself sorts before any posting at `to`
      const kind = lineKind(String(it.kind));
      if (!kind) continue;
      const entry_id = String(it.entry_id);
      items.push({ entry_id, kind, order_id: orderOfEntry(entry_id), amount_points: Number(it.amount_points), at });
    }
    return { items, cursor: encodeCursor(r.LastEvaluatedKey) };
  },
  async lineOrders(order_ids) {
    const unique = [...new Set(order_ids)];
    const rows = await batchGet(
      db,
      unique.map((id) => orderKeys.order(id)),
    );
    const out = new Map<string, { elder_id: string; service_name: string; category: string }>();
    for (const r of rows)
      out.set(String(r.order_id), {
        elder_id: String(r.elder_id),
        service_name: String(r.service_name),
        category: String(r.category ?? ''),
      });
    return out;
  },
  async transition(prev, next, audit) {
    try {
      await transact(
        db,
        [
          { Put: { TableName: db.table, Item: statementItem(next), ...atVersion(prev.version) } },
          {
            Put: {
              TableName: db.table,
              Item: auditItem(audit.event, audit.at, `statement:${next.statement_id}:v${next.version}`),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
        () => 'STATEMENT_STATE_CONFLICT',
      );
      return true;
    } catch (e) {
      // the versioned put lost (or its audit record exists, which only a winner of this version wrote)
      if (e instanceof AppError && e.code === 'STATEMENT_STATE_CONFLICT') return false;
      throw e;
    }
  },
  async run(period) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: statementKeys.settleRun(period) }));
    return r.Item ? fromItem<SettlementRun>(r.Item) : null;
  },
  async putRun(run, expect_version) {
    try {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...statementKeys.settleRun(run.period), type: 'settle_run', ...run },
          ...atVersion(expect_version),
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailed(e)) return false;
      throw e;
    }
  },
  async recentRuns(limit) {
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': 'SETTLE_RUNS' },
        ScanIndexForward: false,
        Limit: Math.max(1, Math.min(RUNS_READ_MAX, limit)),
      }),
    );
    return (r.Items ?? []).map((it) => fromItem<SettlementRun>(it));
  },
});
