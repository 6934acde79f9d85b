// Paying statements against DynamoDB Local (issue 10): Stripe Connect transfers through the fake
// gateway (readiness, refusals, a lost response, twenty payers at once), the bank flow (payee sealed,
// batch, file, outcomes, result upload applied twice), concurrent review, and a street officer's
// scope. The ledger verifies after each test: settling -> paid once, never twice.
import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { settleMerchant } from '@tmc/core/settlement/run';
import {
  approveStatement,
  resubmitStatement,
  returnStatement,
  statementInScope,
  type Reviewer,
} from '@tmc/core/settlement/review';
import { payByStripe } from '@tmc/core/settlement/payout';
import { applyBankResult, bankBatchFile, createBankBatch, markBankOutcome } from '@tmc/core/settlement/bank';
import { fenToYuanExact } from '@tmc/core/settlement/bank-file';
import { recordStripeReadiness, revealPayeeAccount, setBankPayee } from '@tmc/core/settlement/payee-service';
import type { Statement } from '@tmc/core/settlement/model';
import { paidAccount } from '@tmc/core/ledger/accounts';
import { PayeeInput } from '@tmc/core/settlement/payee';
import {
  accountOf,
  codeOf,
  expectLedgerOk,
  FINANCE,
  makeSettleEnv,
  outcomes,
  RUNNER,
  stripeReady,
  tableItems,
  type SettleEnv,
} from '../support/settlement';

const NOV = '2026-11';

/** Merchants that earned in November, then November closed and settled: their statements by merchant. */
const novemberStatements = async (
  env: SettleEnv,
  earned: Record<string, number>,
  community_code = 'd.s1.c',
): Promise<Record<string, Statement>> => {
  for (const [id, points] of Object.entries(earned)) {
    env.addMerchant(id, community_code);
    await env.earn(id, points);
  }
  env.closePeriod(NOV);
  const out: Record<string, Statement> = {};
  for (const m of env.merchants) {
    const r = await settleMerchant(env.deps, { period: NOV, merchant: m, policy: env.policy, actor: RUNNER });
    if (r.outcome !== 'issued') throw new Error(`${m.merchant_id}: ${r.outcome}`);
    out[m.merchant_id] = r.statement;
  }
  return out;
};

const bankPayee = (env: SettleEnv, merchant_id: string, account_no: string) =>
  setBankPayee(
    env.deps,
    merchant_id,
    // as a route would take it: parsed, the account number reduced to digits
    PayeeInput.parse({ payee_name: `张三理发店${merchant_id.slice(-1)}`, bank_name: '中国工商银行', account_no }),
    'staff:fin',
  );

const current = async (env: SettleEnv, id: string) => (await env.deps.settlement.statement(id)) as Statement;
const actions = async (env: SettleEnv, id: string, action: string) =>
  (await env.auditOf(id)).filter((a) => a.action === action).length;

describe('payout by Stripe (fake gateway)', () => {
  it('needs a ready connected account; then paid once, settling -> paid in the ledger', async () => {
    const env = await makeSettleEnv('pstripe');
    const { m_str1: s } = (await novemberStatements(env, { m_str1: 40 })) as { m_str1: Statement };
    await approveStatement(env.deps, s.statement_id, FINANCE);
    expect(await codeOf(payByStripe(env.deps, s.statement_id, FINANCE))).toBe('PAYEE_MISSING');
    await stripeReady(env, 'm_str1', false);
    expect(await codeOf(payByStripe(env.deps, s.statement_id, FINANCE))).toBe('PAYOUT_ACCOUNT_NOT_READY');
    expect((await current(env, s.statement_id)).status).toBe('approved');
    expect(env.gateway.payoutCalls.transfers).toEqual([]);

    expect(await recordStripeReadiness(env.deps, await accountOf(env, 'm_str1'), true)).toBe('updated');
    const paid = await payByStripe(env.deps, s.statement_id, FINANCE);
    const [transfer] = env.gateway.transfers();
    expect(env.gateway.transfers()).toHaveLength(1);
    expect(transfer).toMatchObject({
      idempotency_key: `${s.statement_id}:0`,
      amount_fen: 4000,
      destination: await accountOf(env, 'm_str1'),
      statement_no: s.statement_no,
    });
    expect(paid).toMatchObject({ status: 'paid', paid_at: env.clock.now().toISOString() });
    expect(paid.payout).toMatchObject({ method: 'stripe', attempt: 0, ref: transfer?.transfer_ref, failure: null });
    expect(await current(env, s.statement_id)).toEqual(paid);
    expect(await env.balances('m_str1')).toEqual({ receivable: 0, settling: 0, paid: 40 });
    expect((await env.deps.ledger.entry(`payout:${s.statement_id}`))?.ref).toMatchObject({
      method: 'stripe',
      payout_ref: transfer?.transfer_ref,
    });
    // again: the paid statement is the answer, nothing is sent
    expect(await payByStripe(env.deps, s.statement_id, FINANCE)).toEqual(paid);
    expect(env.gateway.payoutCalls.transfers).toHaveLength(1);
    expect((await env.auditOf(s.statement_id)).map((a) => a.action).sort()).toEqual([
      'statement.approve',
      'statement.issue',
      'statement.paid',
      'statement.start_payout',
    ]);
    await expectLedgerOk(env.db);
  });

  it('a refused transfer is payout_failed with its code; the retry (a new key) pays once', async () => {
    const env = await makeSettleEnv('pfail');
    const { m_fail1: s } = (await novemberStatements(env, { m_fail1: 25 })) as { m_fail1: Statement };
    await stripeReady(env, 'm_fail1');
    await approveStatement(env.deps, s.statement_id, FINANCE);
    env.gateway.failTransfers(1);
    const failed = await payByStripe(env.deps, s.statement_id, FINANCE);
    expect(failed).toMatchObject({ status: 'payout_failed' });
    expect(failed.payout?.failure).toMatchObject({ code: 'balance_insufficient' });
    expect(await current(env, s.statement_id)).toEqual(failed);
    expect(env.gateway.transfers()).toEqual([]);
    expect(await env.balances('m_fail1')).toEqual({ receivable: 0, settling: 25, paid: 0 });

    const paid = await payByStripe(env.deps, s.statement_id, FINANCE);
    expect(paid).toMatchObject({ status: 'paid', payout: { attempt: 1, failure: null } });
    expect(env.gateway.payoutCalls.transfers.map((t) => t.idempotency_key)).toEqual([
      `${s.statement_id}:0`,
      `${s.statement_id}:1`,
    ]);
    expect(env.gateway.transfers()).toHaveLength(1);
    expect(await env.balances('m_fail1')).toEqual({ receivable: 0, settling: 0, paid: 25 });
    await expectLedgerOk(env.db);
  });

  it('a lost response leaves the statement paying; the retry gets the same transfer, paid once', async () => {
    const env = await makeSettleEnv('plost');
    const { m_lost1: s } = (await novemberStatements(env, { m_lost1: 33 })) as { m_lost1: Statement };
    await stripeReady(env, 'm_lost1');
    await approveStatement(env.deps, s.statement_id, FINANCE);
    env.gateway.loseNextTransferResponse();
    expect(await codeOf(payByStripe(env.deps, s.statement_id, FINANCE))).toBe('PAYMENT_PROVIDER_FAILED');
    expect((await current(env, s.statement_id)).status).toBe('paying');
    expect(await env.balances('m_lost1')).toEqual({ receivable: 0, settling: 33, paid: 0 });
    const [sent] = env.gateway.transfers(); // the money moved at the provider; we did not hear it

    const paid = await payByStripe(env.deps, s.statement_id, FINANCE);
    expect(paid).toMatchObject({ status: 'paid', payout: { attempt: 0, ref: sent?.transfer_ref } });
    expect(env.gateway.transfers()).toHaveLength(1);
    // the retry looked for the statement's transfer first (keys last a day at Stripe) and found it:
    // no second request at all
    expect(env.gateway.payoutCalls.transfers.map((t) => t.idempotency_key)).toEqual([`${s.statement_id}:0`]);
    expect(await env.balances('m_lost1')).toEqual({ receivable: 0, settling: 0, paid: 33 });
    await expectLedgerOk(env.db);
  });

  it('20 concurrent payByStripe on one approved statement: one transfer, one payout entry', async () => {
    const env = await makeSettleEnv('prace');
    const { m_race1: s } = (await novemberStatements(env, { m_race1: 60 })) as { m_race1: Statement };
    await stripeReady(env, 'm_race1');
    await approveStatement(env.deps, s.statement_id, FINANCE);
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, () => payByStripe(env.deps, s.statement_id, FINANCE)),
    );
    for (const r of settled)
      if (r.status === 'fulfilled')
        expect(r.value.status).toBe('paid'); // the payer, or a replay of its result
      else expect(r.reason).toMatchObject({ code: 'STATEMENT_STATE_CONFLICT' });
    expect(settled.some((r) => r.status === 'fulfilled')).toBe(true);
    expect(env.gateway.transfers()).toHaveLength(1);
    expect((await current(env, s.statement_id)).status).toBe('paid');
    const paidHistory = await env.deps.ledger.history(paidAccount('m_race1'), 50);
    expect(paidHistory.items.map((p) => p.entry_id)).toEqual([`payout:${s.statement_id}`]);
    expect(await actions(env, s.statement_id, 'statement.paid')).toBe(1);
    expect(await actions(env, s.statement_id, 'statement.start_payout')).toBe(1);
    expect(await env.balances('m_race1')).toEqual({ receivable: 0, settling: 0, paid: 60 });
    await expectLedgerOk(env.db);
  });
});

describe('payout by bank transfer', () => {
  it('payee sealed, batch file in GBK and UTF-8, outcomes marked by hand', async () => {
    const env = await makeSettleEnv('pbank');
    const st = await novemberStatements(env, { m_bank1: 12, m_bank2: 34, m_bstr1: 5 });
    const view = await bankPayee(env, 'm_bank1', '6222 0212 3456 7890');
    expect(view).toMatchObject({ method: 'bank', account_masked: '**** **** 7890', account_last4: '7890' });
    expect(JSON.stringify(view)).not.toContain('6222021234567890');
    const stored = await env.deps.payees.get('m_bank1');
    expect(stored?.account_sealed).toBeTruthy();
    expect(stored?.account_sealed).not.toContain('6222021234567890');
    expect(await revealPayeeAccount(env.deps, 'm_bank1', 'staff:fin')).toBe('6222021234567890');
    const merchantAudit = await env.deps.audit.listBySubject('merchant:m_bank1', 20);
    expect(merchantAudit.items.map((a) => a.action).sort()).toEqual(['payee.read_sensitive', 'payee.set_bank']);
    await bankPayee(env, 'm_bank2', '62170000111122223333');
    await stripeReady(env, 'm_bstr1'); // paid by Stripe: not in a bank batch
    for (const s of Object.values(st)) await approveStatement(env.deps, s.statement_id, FINANCE);

    const { batch, statements } = await createBankBatch(env.deps, FINANCE);
    expect(statements.map((s) => s.merchant_id).sort()).toEqual(['m_bank1', 'm_bank2']);
    expect(statements.every((s) => s.status === 'paying' && s.payout?.batch_id === batch.batch_id)).toBe(true);
    expect(batch.total_fen).toBe(4600);
    // a second batch finds nothing left to pay
    expect(await codeOf(createBankBatch(env.deps, FINANCE))).toBe('STATEMENT_STATE_CONFLICT');

    const gbk = await bankBatchFile(env.deps, batch.batch_id, 'gbk', FINANCE);
    const utf8 = await bankBatchFile(env.deps, batch.batch_id, 'utf8-bom', FINANCE);
    expect([gbk.count, gbk.total_fen, utf8.count]).toEqual([2, 4600, 2]);
    const gbkText = iconv.decode(Buffer.from(gbk.bytes), 'gbk');
    expect([...utf8.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const utf8Text = iconv.decode(Buffer.from(utf8.bytes), 'utf8');
    for (const text of [gbkText, utf8Text]) {
      for (const id of ['m_bank1', 'm_bank2']) expect(text).toContain(st[id]?.statement_no);
      expect(text).toContain('张三理发店1');
      expect(text).toContain('6222021234567890');
      expect(text).toContain('12.00');
      expect(text).toContain('34.00');
      expect(text).not.toContain(st.m_bstr1?.statement_no);
    }
    const reads = await env.deps.audit.listBySubject(`batch:${batch.batch_id}`, 10);
    expect(reads.items.map((a) => a.action)).toEqual(['payee.read_sensitive', 'payee.read_sensitive']);

    // the shop changes its account after the batch: a new download leaves that line out and says so,
    // paid lines are never listed again
    await bankPayee(env, 'm_bank2', '6222029999999999');
    const changed = await bankBatchFile(env.deps, batch.batch_id, 'utf8-bom', FINANCE);
    expect(changed.payee_changed).toEqual([st.m_bank2?.statement_no]);
    expect(new TextDecoder().decode(changed.bytes)).not.toContain('6222029999999999');

    const id1 = st.m_bank1?.statement_id as string;
    const id2 = st.m_bank2?.statement_id as string;
    const paid = await markBankOutcome(env.deps, id1, { paid: true, bank_ref: 'ICBC-0001' }, FINANCE);
    expect(paid).toMatchObject({ status: 'paid', payout: { method: 'bank', ref: 'ICBC-0001' } });
    expect(await markBankOutcome(env.deps, id1, { paid: true, bank_ref: 'ICBC-0001' }, FINANCE)).toEqual(paid);
    const failed = await markBankOutcome(env.deps, id2, { paid: false, reason: '户名不符' }, FINANCE);
    expect(failed).toMatchObject({ status: 'payout_failed' });
    expect(failed.payout?.failure).toMatchObject({ code: 'BANK_REJECTED', message: '户名不符' });
    // one paid, one failed: nothing in that batch is to be paid any more
    expect(await codeOf(bankBatchFile(env.deps, batch.batch_id, 'utf8-bom', FINANCE))).toBe('STATEMENT_STATE_CONFLICT');
    expect(await env.balances('m_bank1')).toEqual({ receivable: 0, settling: 0, paid: 12 });
    expect(await env.balances('m_bank2')).toEqual({ receivable: 0, settling: 34, paid: 0 });
    // retried in a new batch (named: failed ones wait for finance), then paid
    const again = await createBankBatch(env.deps, FINANCE, [id2]);
    expect(again.statements.map((s) => s.payout?.attempt)).toEqual([1]);
    await markBankOutcome(env.deps, id2, { paid: true, bank_ref: 'ICBC-0002' }, FINANCE);
    expect(await env.balances('m_bank2')).toEqual({ receivable: 0, settling: 0, paid: 34 });
    await expectLedgerOk(env.db);
  });

  it('a result file: one paid row, one failed row, one unknown statement; applied twice, changes once', async () => {
    const env = await makeSettleEnv('presult');
    const st = await novemberStatements(env, { m_res1: 21, m_res2: 8 });
    await bankPayee(env, 'm_res1', '6222021234567891');
    await bankPayee(env, 'm_res2', '6222021234567892');
    for (const s of Object.values(st)) await approveStatement(env.deps, s.statement_id, FINANCE);
    const { batch } = await createBankBatch(env.deps, FINANCE);
    const s1 = st.m_res1 as Statement;
    const s2 = st.m_res2 as Statement;
    const csv = [
      '结算单号,状态,银行流水号,失败原因,金额(元)',
      `${s1.statement_no},成功,ICBC-9001,,${fenToYuanExact(s1.amount_fen)}`,
      `${s2.statement_no},退回,,账户已销户,${fenToYuanExact(s2.amount_fen)}`,
      'JS202611-nope9-001,成功,ICBC-9003,,1.00',
      '',
    ].join('\r\n');
    const bytes = iconv.encode(csv, 'gbk');
    const expected = [
      { line: 2, statement_no: s1.statement_no, result: 'paid' },
      { line: 3, statement_no: s2.statement_no, result: 'failed' },
      { line: 4, statement_no: 'JS202611-nope9-001', result: 'error', code: 'STATEMENT_NOT_FOUND' },
    ];
    expect(await applyBankResult(env.deps, batch.batch_id, bytes, FINANCE)).toEqual({ lines: expected, errors: [] });
    expect(await current(env, s1.statement_id)).toMatchObject({ status: 'paid', payout: { ref: 'ICBC-9001' } });
    const f = await current(env, s2.statement_id);
    expect(f).toMatchObject({ status: 'payout_failed', payout: { failure: { message: '账户已销户' } } });
    expect(await env.balances('m_res1')).toEqual({ receivable: 0, settling: 0, paid: 21 });
    expect(await env.balances('m_res2')).toEqual({ receivable: 0, settling: 8, paid: 0 });

    const before = await tableItems(env.db);
    env.clock.advance(3_600_000);
    expect(await applyBankResult(env.deps, batch.batch_id, bytes, FINANCE)).toEqual({ lines: expected, errors: [] });
    expect(await tableItems(env.db)).toEqual(before);

    // the failed one goes out again in a newer batch; the old file uploaded once more cannot touch it
    const newer = await createBankBatch(env.deps, FINANCE, [s2.statement_id]);
    const stale = await applyBankResult(env.deps, batch.batch_id, bytes, FINANCE);
    expect(stale.lines[1]).toMatchObject({ result: 'error', code: 'STATEMENT_NOT_IN_BATCH' });
    expect(await current(env, s2.statement_id)).toMatchObject({
      status: 'paying',
      payout: { batch_id: newer.batch.batch_id },
    });
    await expectLedgerOk(env.db);
  });

  it('two batches made at once: each statement goes out in one file only', async () => {
    const env = await makeSettleEnv('pbatch2');
    const st = await novemberStatements(env, { m_two1: 4, m_two2: 6, m_two3: 8 });
    for (const [i, id] of Object.keys(st).entries()) await bankPayee(env, id, `622202123456780${i}`);
    for (const s of Object.values(st)) await approveStatement(env.deps, s.statement_id, FINANCE);
    const made = await Promise.allSettled([createBankBatch(env.deps, FINANCE), createBankBatch(env.deps, FINANCE)]);
    const files: string[] = [];
    for (const r of made) {
      if (r.status === 'rejected') continue; // both read the list, one moved everything: nothing left
      const f = await bankBatchFile(env.deps, r.value.batch.batch_id, 'utf8-bom', FINANCE).catch(() => null);
      if (f) files.push(new TextDecoder().decode(f.bytes));
    }
    for (const s of Object.values(st))
      expect(
        files.filter((f) => f.includes(s.statement_no)),
        s.statement_no,
      ).toHaveLength(1);
    // a bank-paying statement cannot be paid by Stripe meanwhile
    await stripeReady(env, 'm_two1');
    expect(await codeOf(payByStripe(env.deps, st.m_two1?.statement_id as string, FINANCE))).toBe(
      'PAYOUT_METHOD_MISMATCH',
    );
    expect(env.gateway.payoutCalls.transfers).toEqual([]);
    await expectLedgerOk(env.db);
  });
});

describe('review', () => {
  it('20 concurrent approvals: one winner, 19 x 409, one audit record', async () => {
    const env = await makeSettleEnv('papprove');
    const { m_appr1: s } = (await novemberStatements(env, { m_appr1: 14 })) as { m_appr1: Statement };
    const reviewers: Reviewer[] = Array.from({ length: 20 }, (_, i) => ({ actor: `staff:fin${i}`, scope: null }));
    const codes = await outcomes(reviewers.map((by) => approveStatement(env.deps, s.statement_id, by)));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    expect(codes.filter((c) => c === 'STATEMENT_STATE_CONFLICT')).toHaveLength(19);
    const approved = await current(env, s.statement_id);
    expect(approved).toMatchObject({ status: 'approved', version: 2 });
    const records = (await env.auditOf(s.statement_id)).filter((a) => a.action === 'statement.approve');
    expect(records).toEqual([{ action: 'statement.approve', actor: approved.reviewed_by }]);
    await expectLedgerOk(env.db);
  });

  it('20 concurrent bank results on one statement: paid once, one payout entry, others replay or 409', async () => {
    const env = await makeSettleEnv('pbankrace');
    const { m_brace: s } = (await novemberStatements(env, { m_brace: 25 })) as { m_brace: Statement };
    await bankPayee(env, 'm_brace', '6222021234567811');
    await approveStatement(env.deps, s.statement_id, FINANCE);
    await createBankBatch(env.deps, FINANCE, [s.statement_id]);
    const codes = await outcomes(
      Array.from({ length: 20 }, (_, i) =>
        markBankOutcome(env.deps, s.statement_id, { paid: true, bank_ref: `ICBC-R${i}` }, FINANCE),
      ),
    );
    expect(codes.filter((c) => c !== 'ok' && c !== 'STATEMENT_STATE_CONFLICT')).toEqual([]);
    const paid = await current(env, s.statement_id);
    expect(paid.status).toBe('paid');
    expect(await env.balances('m_brace')).toEqual({ receivable: 0, settling: 0, paid: 25 });
    const records = (await env.auditOf(s.statement_id)).filter((a) => a.action === 'statement.paid');
    expect(records).toHaveLength(1);
    await expectLedgerOk(env.db);
  });

  it('20 concurrent payee changes: each version has one winner and one audit record, the rest CONFLICT', async () => {
    const env = await makeSettleEnv('ppayeerace');
    const codes = await outcomes(
      Array.from({ length: 20 }, (_, i) => bankPayee(env, 'm_prace', `62220212345678${String(i).padStart(2, '0')}`)),
    );
    expect(codes.filter((c) => c !== 'ok' && c !== 'CONFLICT')).toEqual([]);
    const saved = await env.deps.payees.get('m_prace');
    expect(saved?.version).toBe(codes.filter((c) => c === 'ok').length);
    const audit = await env.deps.audit.listBySubject('merchant:m_prace', 50);
    expect(audit.items.filter((a) => a.action === 'payee.set_bank')).toHaveLength(saved?.version ?? -1);
  });

  it('returned with a reason, resubmitted, then approved; each move audited once', async () => {
    const env = await makeSettleEnv('preturn');
    const { m_ret1: s } = (await novemberStatements(env, { m_ret1: 7 })) as { m_ret1: Statement };
    const back = await returnStatement(env.deps, s.statement_id, '金额有误', FINANCE);
    expect(back).toMatchObject({ status: 'returned', returned_reason: '金额有误' });
    expect(await codeOf(approveStatement(env.deps, s.statement_id, FINANCE))).toBe('STATEMENT_STATE_CONFLICT');
    expect(await codeOf(payByStripe(env.deps, s.statement_id, FINANCE))).toBe('PAYEE_MISSING');
    await stripeReady(env, 'm_ret1');
    expect(await codeOf(payByStripe(env.deps, s.statement_id, FINANCE))).toBe('STATEMENT_STATE_CONFLICT');
    expect((await resubmitStatement(env.deps, s.statement_id, FINANCE)).status).toBe('issued');
    const ok = await approveStatement(env.deps, s.statement_id, FINANCE);
    expect(ok).toMatchObject({ status: 'approved', returned_reason: null, version: 4 });
    expect((await env.auditOf(s.statement_id)).map((a) => a.action).sort()).toEqual([
      'statement.approve',
      'statement.issue',
      'statement.resubmit',
      'statement.return',
    ]);
    expect(env.gateway.payoutCalls.transfers).toEqual([]);
    await expectLedgerOk(env.db);
  });

  it("a street officer does not see another street's statement (STATEMENT_NOT_FOUND)", async () => {
    const env = await makeSettleEnv('pscope');
    const { m_scope1: s } = (await novemberStatements(env, { m_scope1: 9 }, 'd.s1.c')) as { m_scope1: Statement };
    const other: Reviewer = { actor: 'staff:street2', scope: 'd.s2' };
    const own: Reviewer = { actor: 'staff:street1', scope: 'd.s1' };
    const id = s.statement_id;
    expect(await codeOf(statementInScope(env.deps, id, other.scope))).toBe('STATEMENT_NOT_FOUND');
    expect(await codeOf(approveStatement(env.deps, id, other))).toBe('STATEMENT_NOT_FOUND');
    expect(await codeOf(returnStatement(env.deps, id, 'no', other))).toBe('STATEMENT_NOT_FOUND');
    expect(await codeOf(payByStripe(env.deps, id, other))).toBe('STATEMENT_NOT_FOUND');
    expect(await codeOf(createBankBatch(env.deps, other, [id]))).toBe('STATEMENT_NOT_FOUND');
    expect(await codeOf(markBankOutcome(env.deps, id, { paid: true, bank_ref: 'X-1' }, other))).toBe(
      'STATEMENT_NOT_FOUND',
    );
    expect((await env.deps.settlement.byStatus('issued', 'd.s2', 10)).items).toEqual([]);
    // the same answer as a statement that does not exist: its existence is not told
    expect(await codeOf(approveStatement(env.deps, 'st_2026-11_m_none1', other))).toBe('STATEMENT_NOT_FOUND');
    expect((await current(env, id)).status).toBe('issued');
    // its own street's officer does
    expect((await env.deps.settlement.byStatus('issued', 'd.s1', 10)).items.map((x) => x.statement_id)).toEqual([id]);
    expect((await approveStatement(env.deps, id, own)).status).toBe('approved');
    await expectLedgerOk(env.db);
  });
});
