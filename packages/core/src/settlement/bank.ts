// Bank transfer, which is how a mainland bureau pays: finance makes a batch of approved statements
// of bank-paid merchants, downloads it as a file for the bank's portal (GBK or UTF-8 with BOM), pays
// there, then marks each statement paid with the bank's reference, or uploads the bank's result file.
// The batch record is written before its statements move to 'paying', and the file lists only the
// statements that did move into this batch: a crash in between leaves a batch that lists less, never
// a statement in two files.
import { randomBytes } from 'node:crypto';
import { AppError } from '../kernel/errors';
import type { AuditLog } from '../kernel/audit';
import type { FieldCipher } from '../kernel/secrets';
import { aad } from '../kernel/aad';
import { isWithin } from '../areas/model';
import { parseStatementNo, streetKey, type Statement } from './model';
import type { BatchStore, Payee, PayoutBatch } from './ports';
import { parseBankResult, writeBankBatch, type BatchLine } from './bank-file';
import { markFailed, markPaid, startPayout, type PayoutDeps } from './payout';
import { statementInScope, type Reviewer } from './review';

export const BATCH_STATEMENTS_MAX = 500; // a bank portal's batch upload takes a few hundred lines
export type BankDeps = PayoutDeps & { batches: BatchStore; cipher: FieldCipher; audit: AuditLog };

const batchIdOf = (at: Date) =>
  `b_${at
    .toISOString()
    .replace(/[-:TZ.]/g, '')
    .slice(0, 14)}_${randomBytes(3).toString('hex')}`;

/** Approved statements of bank-paid merchants in the caller's scope, and bank payouts that failed
 * (their retry is the next batch), oldest first, up to the batch size. */
export const bankPayable = async (
  deps: BankDeps,
  scope: string | null,
  payeeOf: (merchant_id: string) => Promise<Payee | null> = (id) => deps.payees.get(id),
): Promise<Statement[]> => {
  const out: Statement[] = [];
  for (const status of ['approved', 'payout_failed'] as const) {
    let cursor: string | undefined;
    for (let pages = 0; pages < 20 && out.length < BATCH_STATEMENTS_MAX; pages++) {
      const page = await deps.settlement.byStatus(status, streetKey(scope), 100, cursor);
      for (const s of page.items) {
        if (scope !== null && !isWithin(s.community_code, scope)) continue;
        if (status === 'payout_failed' && s.payout?.method !== 'bank') continue; // a Stripe retry is its own
        const payee = await payeeOf(s.merchant_id);
        if (payee?.method === 'bank' && payee.account_sealed) out.push(s);
        if (out.length >= BATCH_STATEMENTS_MAX) break;
      }
      cursor = page.cursor ?? undefined;
      if (!cursor) break;
    }
  }
  return out;
};

/** Makes a batch of the given approved statements (or every payable one) and moves them to 'paying'. */
export const createBankBatch = async (
  deps: BankDeps,
  by: Reviewer,
  statement_ids?: string[],
): Promise<{ batch: PayoutBatch; statements: Statement[] }> => {
  // each shop's payee is read once for the batch: choosing the statements and moving them both need it
  const read = new Map<string, Promise<Payee | null>>();
  const payeeOf = (id: string): Promise<Payee | null> => {
    const known = read.get(id);
    if (known) return known;
    const fresh = deps.payees.get(id);
    read.set(id, fresh);
    return fresh;
  };
  const candidates = statement_ids
    ? await Promise.all(statement_ids.slice(0, BATCH_STATEMENTS_MAX).map((id) => statementInScope(deps, id, by.scope)))
    : await bankPayable(deps, by.scope, payeeOf);
  const eligible = candidates.filter((s) => s.status === 'approved' || s.status === 'payout_failed');
  if (eligible.length === 0) throw new AppError('STATEMENT_STATE_CONFLICT', { details: { reason: 'nothing to pay' } });
  const now = deps.clock.now();
  const batch: PayoutBatch = {
    batch_id: batchIdOf(now),
    statement_ids: eligible.map((s) => s.statement_id),
    total_fen: eligible.reduce((a, s) => a + s.amount_fen, 0),
    created_by: by.actor,
    created_at: now.toISOString(),
  };
  await deps.batches.put(batch);
  const moved: Statement[] = [];
  for (const s of eligible) {
    const payee = await payeeOf(s.merchant_id);
    if (payee?.method !== 'bank' || !payee.account_sealed) continue;
    try {
      moved.push(
        await startPayout(deps, s, 'bank', by, batch.batch_id, {
          version: payee.version,
          account_last4: payee.account_last4,
        }),
      );
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'STATEMENT_STATE_CONFLICT')) throw e; // taken by another batch
    }
  }
  // The record now says what actually went in (the first write named the candidates, so a crash
  // between the two leaves a record that lists more, never a statement in no record).
  const final: PayoutBatch = {
    ...batch,
    statement_ids: moved.map((s) => s.statement_id),
    total_fen: moved.reduce((a, s) => a + s.amount_fen, 0),
  };
  await deps.batches.update(final);
  return { batch: final, statements: moved };
};

/** The bank file of a batch: its statements still waiting in it ('paying'; a paid or failed one is not
 * paid again by a second download), to the account each was batched against (an account changed
 * since is left out and reported), with payee details decrypted (an audited read). */
export const bankBatchFile = async (
  deps: BankDeps,
  batch_id: string,
  encoding: 'gbk' | 'utf8-bom',
  by: Reviewer,
): Promise<{ bytes: Uint8Array; count: number; total_fen: number; filename: string; payee_changed: string[] }> => {
  const batch = await deps.batches.get(batch_id);
  if (!batch) throw new AppError('BATCH_NOT_FOUND');
  const lines: BatchLine[] = [];
  const payee_changed: string[] = [];
  for (const id of batch.statement_ids) {
    const s = await deps.settlement.statement(id);
    if (!s || s.status !== 'paying' || s.payout?.batch_id !== batch_id || s.payout.method !== 'bank') continue;
    if (by.scope !== null && !isWithin(s.community_code, by.scope)) continue;
    const payee = await deps.payees.get(s.merchant_id);
    if (!payee?.account_sealed) continue;
    if (s.payout.payee_version !== undefined && payee.version !== s.payout.payee_version) {
      payee_changed.push(s.statement_no); // mark it failed and batch it again, against the new account
      continue;
    }
    lines.push({
      statement_no: s.statement_no,
      merchant_id: s.merchant_id,
      payee: {
        payee_name: payee.payee_name,
        bank_name: payee.bank_name,
        account_no: deps.cipher.decrypt(payee.account_sealed, aad.payeeAccount(s.merchant_id)),
      },
      amount_fen: s.amount_fen,
      memo: `积分结算 ${s.period}`,
    });
  }
  // paid, failed or moved on: a file of nothing would only confuse the bank portal
  if (lines.length === 0)
    throw new AppError('STATEMENT_STATE_CONFLICT', {
      details: { reason: 'nothing left to pay in this batch', payee_changed },
    });
  await deps.audit.write({
    actor: by.actor,
    action: 'payee.read_sensitive',
    subject: `batch:${batch_id}`,
    detail: { accounts: lines.length, encoding },
  });
  const total_fen = lines.reduce((a, l) => a + l.amount_fen, 0);
  return {
    bytes: writeBankBatch(lines, encoding),
    count: lines.length,
    total_fen,
    payee_changed,
    // the count and total go in the name: bank templates refuse a summary row inside the file
    filename: `${batch_id}_${lines.length}笔_${total_fen}分_${encoding === 'gbk' ? 'GBK' : 'UTF8'}.csv`,
  };
};

/** Finance marks one bank-paid statement paid with the bank's reference (or failed with the reason). */
export const markBankOutcome = async (
  deps: BankDeps,
  statement_id: string,
  outcome: { paid: true; bank_ref: string } | { paid: false; reason: string },
  by: Reviewer,
): Promise<Statement> => {
  const s = await statementInScope(deps, statement_id, by.scope);
  if (s.status === 'paid' && outcome.paid) return s; // the same result again
  // a failure already recorded, seen again (a result file uploaded twice): nothing to move
  if (s.status === 'payout_failed' && !outcome.paid) return s;
  if (s.payout?.method !== 'bank') throw new AppError('PAYOUT_METHOD_MISMATCH');
  if (outcome.paid) return markPaid(deps, s, outcome.bank_ref, by);
  return markFailed(deps, s, { code: 'BANK_REJECTED', message: outcome.reason }, by);
};

export type ResultLine = { line: number; statement_no: string; result: 'paid' | 'failed' | 'error'; code?: string };

/**
 * Applies the bank's result file of one batch row by row; each row is its own change (a bad row does
 * not stop the rest). A row counts only for a statement still in that batch: an old file uploaded
 * again cannot fail (and so re-batch) a statement that has since gone out in a newer batch.
 */
export const applyBankResult = async (
  deps: BankDeps,
  batch_id: string,
  bytes: Uint8Array,
  by: Reviewer,
): Promise<{ lines: ResultLine[]; errors: { line: number; code: string; message: string }[] }> => {
  if (!(await deps.batches.get(batch_id))) throw new AppError('BATCH_NOT_FOUND');
  const parsed = parseBankResult(bytes);
  const lines: ResultLine[] = [];
  for (const row of parsed.rows) {
    const id = parseStatementNo(row.statement_no);
    try {
      if (!id) throw new AppError('STATEMENT_NOT_FOUND');
      const s = await statementInScope(deps, id, by.scope);
      if (s.payout?.batch_id !== batch_id) throw new AppError('STATEMENT_NOT_IN_BATCH');
      if (row.amount_fen !== undefined && row.amount_fen !== s.amount_fen)
        throw new AppError('VALIDATION_FAILED', { details: { amount_fen: s.amount_fen } });
      const done = await markBankOutcome(
        deps,
        id,
        row.outcome === 'paid'
          ? { paid: true, bank_ref: row.bank_ref ?? `bank:${row.statement_no}` }
          : { paid: false, reason: row.reason ?? '银行退回' },
        by,
      );
      lines.push({
        line: row.line,
        statement_no: row.statement_no,
        result: done.status === 'paid' ? 'paid' : 'failed',
      });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      lines.push({ line: row.line, statement_no: row.statement_no, result: 'error', code: e.code });
    }
  }
  return { lines, errors: parsed.errors };
};
