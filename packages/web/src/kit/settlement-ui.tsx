// Pieces the settlement pages of finance and of the merchant share: a statement's status in words,
// amounts in yuan (exact: fen as text, never a float), and its age since its period closed.
import * as z from 'zod/mini';
import { fenToYuanText } from '@tmc/core/kernel/money';
import { chinaWallClock } from '@tmc/core/kernel/time';
import { PayeeInput } from '@tmc/core/settlement/payee';
import { setBankPayee } from '@tmc/core/settlement/payee-service';
import { settlementDeps, zodFields, type Deps } from '@tmc/app/public';
import { statementStatusZh, type StatementAge } from '@tmc/core/settlement/model';
import type { StatementStatus } from '@tmc/core/settlement/model';
import { T } from './layout';
import { Field, fieldErrors, expected, msgOfError, type Msg } from './ui';

const STATUS_EN: Record<StatementStatus, string> = {
  issued: 'To review',
  returned: 'Returned',
  approved: 'Approved, to pay',
  paying: 'Paying',
  payout_failed: 'Payment failed',
  paid: 'Paid',
};

/** The status as the CSV exports word it (one Chinese table), with its English. */
export const statusMsg = (s: StatementStatus): Msg => ({ zh: statementStatusZh(s), en: STATUS_EN[s] });

export const Status = (props: { s: StatementStatus }) => {
  const m = statusMsg(props.s);
  return (
    <span class={`tag${props.s === 'paid' ? ' ok' : ''}`}>
      <T zh={m.zh} en={m.en} />
    </span>
  );
};

/** "2026-12-05 10:30" in China time. */
export const chinaMinute = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : chinaWallClock(d).toISOString().slice(0, 16).replace('T', ' ');
};

/** ¥12.50: two decimals, exact. */
export const yuan = (fen: number): string => `¥${fenToYuanText(fen)}`;

export const Yuan = (props: { fen: number }) => <span class="num">{yuan(props.fen)}</span>;

/** "结算后 12 天 · 审核后 3 天": how long the bureau has owed it (or took to pay it). */
export const Age = (props: { age: StatementAge }) => (
  <span class="num">
    <T zh={`结算后 ${props.age.days_since_close} 天`} en={`${props.age.days_since_close} d since close`} />
    {props.age.days_since_approval !== null && (
      <>
        {' · '}
        <T zh={`审核后 ${props.age.days_since_approval} 天`} en={`${props.age.days_since_approval} d since approval`} />
      </>
    )}
  </span>
);

export const METHOD_MSG: Record<'bank' | 'stripe', Msg> = {
  bank: { zh: '银行转账', en: 'Bank transfer' },
  stripe: { zh: 'Stripe', en: 'Stripe' },
};

export type PayeeState = {
  done?: Msg | undefined;
  error?: Msg;
  fields?: Record<string, Msg>;
  values?: Record<string, string>;
};
const FIX: Msg = { zh: '请按提示改正下面标红的项', en: 'Please fix the fields marked below' };

export const PayeeForm = z.object({
  payee_name: z.optional(z.string().check(z.maxLength(200))),
  bank_name: z.optional(z.string().check(z.maxLength(200))),
  account_no: z.optional(z.string().check(z.maxLength(200))),
});

/** Sets a merchant's bank payee from a form: the field errors, or the saved payee. Finance and the merchant alike. */
export const savePayeeForm = async (
  deps: Deps,
  merchant_id: string,
  form: z.infer<typeof PayeeForm>,
  actor: string,
): Promise<{ ok: true } | { ok: false; state: PayeeState; status: number }> => {
  const values = { payee_name: form.payee_name ?? '', bank_name: form.bank_name ?? '' };
  const parsed = PayeeInput.safeParse({ ...values, account_no: form.account_no ?? '' });
  if (!parsed.success) {
    const fields = fieldErrors(zodFields(parsed.error));
    return { ok: false, state: { error: FIX, fields, values }, status: 400 };
  }
  const r = await expected(['CONFLICT'], () => setBankPayee(settlementDeps(deps), merchant_id, parsed.data, actor));
  if (!r.ok) return { ok: false, state: { error: msgOfError(r.error), values }, status: r.error.status };
  return { ok: true };
};

/** The bank account fields of a payee form (finance's and the shop's), with what was typed and the errors. */
export const PayeeFields = (props: { values: Record<string, string>; fields: Record<string, Msg> }) => (
  <>
    <Field
      name="payee_name"
      label={{ zh: '户名', en: 'Account name' }}
      value={props.values.payee_name}
      error={props.fields.payee_name}
      required
    />
    <Field
      name="bank_name"
      label={{ zh: '开户银行', en: 'Bank' }}
      value={props.values.bank_name}
      error={props.fields.bank_name}
      required
    />
    <Field
      name="account_no"
      label={{ zh: '银行账号', en: 'Account number' }}
      inputmode="numeric"
      autocomplete="off"
      error={props.fields.account_no}
      required
    />
  </>
);
