// A merchant's payee for finance (as the API's payee routes): masked, set by finance (the shop is
// told), and revealed in full on a button press (audited).
import * as z from 'zod/mini';
import { MerchantId } from '@tmc/core/kernel/ids';
import { AppError } from '@tmc/core/kernel/errors';
import { payeeView, revealPayeeAccount } from '@tmc/core/settlement/payee-service';
import { defineRoute, type Ctx, type Deps, type RouteDef } from '@tmc/app/public';
import { FINANCE } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { ErrorBox, Notice, PostButton, expected, msgOfError } from '../kit/ui';
import { METHOD_MSG, PayeeFields, PayeeForm, savePayeeForm, type PayeeState } from '../kit/settlement-ui';
import { chinaTime, staffPage } from './kit';
import { SETTLE_DONE, SettleDoneQ } from './settlement-kit';

const payeePage = async (
  c: Ctx,
  deps: Deps,
  p: StaffP,
  merchant_id: string,
  state: PayeeState,
  opts = {
    status: 200,
    revealed: null as string | null,
  },
) => {
  const m = await deps.merchants.getMerchant(merchant_id);
  if (!m) throw new AppError('MERCHANT_NOT_FOUND');
  const raw = await deps.payees.get(merchant_id);
  const payee = raw ? payeeView(raw) : null;
  const v = state.values ?? {};
  const f = state.fields ?? {};
  const base = `/staff/merchants/${merchant_id}/payee`;
  return staffPage(
    c,
    deps,
    p,
    `收款账户：${m.business_name}`,
    'Payee',
    <>
      <Notice msg={state.done} />
      <ErrorBox msg={state.error} />
      <section class="panel">
        {payee ? (
          <dl class="kv">
            <dt>方式 Method</dt>
            <dd>
              <T zh={METHOD_MSG[payee.method].zh} en={METHOD_MSG[payee.method].en} />
              {payee.method === 'stripe' && (payee.stripe_ready ? '（已开通 ready）' : '（尚未开通 not ready）')}
            </dd>
            <dt>户名 Name</dt>
            <dd>{payee.payee_name || '—'}</dd>
            <dt>银行 Bank</dt>
            <dd>{payee.bank_name || '—'}</dd>
            <dt>账号 Account</dt>
            <dd class="num" id="account">
              {opts.revealed ?? payee.account_masked ?? '—'}
            </dd>
            <dt>更新 Updated</dt>
            <dd class="num">
              {chinaTime(payee.updated_at)} · {payee.updated_by}
            </dd>
          </dl>
        ) : (
          <p>
            <T zh="商户尚未登记收款账户。" en="No payee on record." />
          </p>
        )}
        {payee?.account_masked && !opts.revealed && (
          <PostButton
            action={`${base}/reveal`}
            label={{ zh: '查看完整账号（会被记录）', en: 'Show the number (audited)' }}
            cls="btn-2"
          />
        )}
      </section>
      <section class="panel narrow" aria-labelledby="set-h">
        <h2 id="set-h">
          <T zh="设置银行收款账户" en="Set the bank account" />
        </h2>
        <form method="post" action={base}>
          <PayeeFields values={v} fields={f} />
          <button type="submit" class="btn">
            <T zh="保存" en="Save" />
          </button>
        </form>
      </section>
    </>,
    { status: opts.status },
  );
};

const MerchantP = z.object({ merchant_id: MerchantId });

export const staffPayeeRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/merchants/:merchant_id/payee',
    access: { roles: FINANCE },
    tags: ['pages'],
    page: true,
    summary: "A merchant's payee, masked, with the form to set its bank account",
    params: MerchantP,
    query: SettleDoneQ,
    handler(c, { params, query, principal: p }) {
      return payeePage(c, deps, p, params.merchant_id, { done: query.done ? SETTLE_DONE[query.done] : undefined });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/merchants/:merchant_id/payee',
    access: { roles: FINANCE },
    tags: ['pages'],
    page: true,
    summary: "Set a merchant's bank account (sealed at rest; audited)",
    params: MerchantP,
    bodyKind: 'form',
    body: PayeeForm,
    async handler(c, { params, body, principal: p }) {
      if (!(await deps.merchants.getMerchant(params.merchant_id))) throw new AppError('MERCHANT_NOT_FOUND');
      const r = await savePayeeForm(deps, params.merchant_id, body, p.sub);
      if (!r.ok) return payeePage(c, deps, p, params.merchant_id, r.state, { status: r.status, revealed: null });
      return c.redirect(`/staff/merchants/${params.merchant_id}/payee?done=payee_saved`, 303);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/merchants/:merchant_id/payee/reveal',
    access: { roles: FINANCE },
    tags: ['pages'],
    page: true,
    summary: "Show a merchant's full bank account number (audited)",
    params: MerchantP,
    bodyKind: 'form',
    async handler(c, { params, principal: p }) {
      const r = await expected(['PAYEE_MISSING'], () => revealPayeeAccount(deps, params.merchant_id, p.sub));
      if (!r.ok)
        return payeePage(
          c,
          deps,
          p,
          params.merchant_id,
          { error: msgOfError(r.error) },
          { status: 409, revealed: null },
        );
      return payeePage(c, deps, p, params.merchant_id, {}, { status: 200, revealed: r.value });
    },
  }),
];
