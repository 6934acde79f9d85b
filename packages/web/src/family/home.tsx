// The family home screen: the parents I am bound to (or waiting on), the form that asks to bind
// by card number, WeChat and sign-out. Split out of pages.tsx; the binding routes show it again
// with what went wrong.
import type { ElderRecord } from '@tmc/core/elders/model';
import type { Binding } from '@tmc/core/elders/family/bindings';
import type { Ctx } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { H5Layout, T, TextSizeSwitch, render, viewOf, type View } from '../kit/layout';
import type { FamilyP } from '../kit/principal';
import { ErrorBox, Field, Notice, SIX_DIGITS_INPUT, PostButton, SelectField, WechatPanel, type Msg } from '../kit/ui';

export const RELATIONS = ['儿子', '女儿', '配偶', '儿媳', '女婿', '孙辈', '兄弟姐妹', '其他亲属'] as const;

type Row = { b: Binding; elder: ElderRecord | null };
export type FormState = { card?: string; relation?: string; bindError?: Msg; code?: { elder_id: string; error: Msg } };

const BindingRow = (props: { row: Row; state: FormState }) => {
  const { b, elder } = props.row;
  if (b.status === 'active') {
    return (
      <li>
        <p>
          <b>{elder?.name ?? '—'}</b>（{b.relation}）{' '}
          <span class="tag ok">
            <T zh="已绑定" en="Linked" />
          </span>
        </p>
        <div class="row">
          <a class="btn btn-2" href={`/family/elders/${b.elder_id}`}>
            <T zh="积分和预约" en="Points, booking" />
          </a>
          <PostButton
            action={`/family/bindings/${b.elder_id}/remove`}
            label={{ zh: '解除绑定', en: 'Unlink' }}
            cls="btn-warn"
          />
        </div>
      </li>
    );
  }
  const codeError = props.state.code?.elder_id === b.elder_id ? props.state.code.error : undefined;
  const tail = elder?.card_number.slice(-4) ?? '';
  return (
    <li>
      <p>
        <T zh={`积分卡尾号 ${tail}（${b.relation}）`} en={`Card ending ${tail}`} />{' '}
        <span class="tag">
          <T zh="等待老人同意" en="Waiting" />
        </span>
      </p>
      {elder?.phone_cipher ? (
        <form method="post" action={`/family/bindings/${b.elder_id}/confirm`}>
          <Field
            name="code"
            id={`code-${b.elder_id}`}
            type="text"
            {...SIX_DIGITS_INPUT}
            autocomplete="one-time-code"
            cls="code"
            error={codeError}
            label={{ zh: '老人收到的6位验证码', en: "Your parent's 6-digit code" }}
          />
          <button type="submit" class="btn">
            <T zh="确认绑定" en="Confirm" />
          </button>
        </form>
      ) : (
        <p>
          <T
            zh="老人没有登记手机：请老人在自己的页面点“同意”，或到社区服务站办理。"
            en="Your parent can agree on their own page or at the community centre."
            block
          />
        </p>
      )}
      <PostButton
        action={`/family/bindings/${b.elder_id}/remove`}
        label={{ zh: '撤回申请', en: 'Withdraw' }}
        cls="btn-warn"
      />
    </li>
  );
};

const FamilyHome = (props: {
  view: View;
  phoneMasked: string;
  rows: Row[];
  state: FormState;
  wechat: boolean;
  done?: Msg | undefined;
}) => (
  <H5Layout view={props.view} title="家属首页" titleEn="Family">
    <p class="hello">
      <T zh={`${props.phoneMasked}，您好`} en={`Hello, ${props.phoneMasked}`} />
    </p>
    <Notice msg={props.done} />
    <section class="panel" aria-labelledby="mine-h">
      <h2 id="mine-h">
        <T zh="我绑定的老人" en="My elders" />
      </h2>
      {props.rows.length === 0 ? (
        <p>
          <T zh="还没有绑定老人。" en="Not linked to anyone yet." />
        </p>
      ) : (
        <ul class="list">
          {props.rows.map((r) => (
            <BindingRow row={r} state={props.state} />
          ))}
        </ul>
      )}
    </section>
    <section class="panel" aria-labelledby="bind-h">
      <h2 id="bind-h">
        <T zh="绑定老人" en="Link an elder" />
      </h2>
      <p>
        <T
          zh="输入老人积分卡上的12位卡号。老人同意后才能绑定。"
          en="Enter the 12-digit number on the points card; your parent must agree."
          block
        />
      </p>
      <ErrorBox msg={props.state.bindError} />
      <form method="post" action="/family/bindings">
        <Field
          name="card_number"
          inputmode="numeric"
          autocomplete="off"
          maxlength={16}
          required
          value={props.state.card}
          label={{ zh: '积分卡号', en: 'Card number' }}
          hint={{ zh: '12位数字', en: '12 digits' }}
        />
        <SelectField
          name="relation"
          label={{ zh: '您是老人的', en: 'You are their' }}
          required
          value={props.state.relation}
          options={RELATIONS.map((r) => ({ value: r, label: r }))}
        />
        <button type="submit" class="btn">
          <T zh="申请绑定" en="Ask to link" />
        </button>
      </form>
    </section>
    <WechatPanel on={props.wechat} />
    <TextSizeSwitch view={props.view} />
    <PostButton action="/family/logout" label={{ zh: '退出登录', en: 'Sign out' }} cls="btn-2" />
  </H5Layout>
);

export const familyHome = async (
  c: Ctx,
  deps: Deps,
  p: FamilyP,
  state: FormState,
  opts: { status?: number; done?: Msg } = {},
) => {
  const bindings = (await deps.bindings.ofFamily(p.family_id)).filter((b) => b.status !== 'removed');
  const elders = new Map((await deps.elders.getMany(bindings.map((b) => b.elder_id))).map((e) => [e.elder_id, e]));
  const acct = await deps.accounts.byId(p.family_id);
  const rows = bindings.map((b) => ({ b, elder: elders.get(b.elder_id) ?? null }));
  return render(
    c,
    <FamilyHome
      view={viewOf(c)}
      phoneMasked={acct?.phone_masked ?? ''}
      rows={rows}
      state={state}
      wechat={deps.wechatOAuth !== null}
      done={opts.done}
    />,
    { status: opts.status ?? 200 },
  );
};
