// The two screens of a phone sign-in (number, then the 6-digit code), for elders, family and
// merchants alike. Split out of pages.tsx; the routes that show them are in phone-login.tsx.
import { H5Layout, T, TextSizeSwitch, type View } from '../kit/layout';
import type { Portal } from '../kit/principal';
import { ErrorBox, Field, Notice, SIX_DIGITS_INPUT, type Msg } from '../kit/ui';
import { HOTLINE } from '../kit/contacts';
import { NextField, nextQs } from './next-param';

export type PhonePortal = Extract<Portal, 'elder' | 'family' | 'merchant'>;

export const TITLES: Record<PhonePortal, Msg> = {
  elder: { zh: '老人登录', en: 'Elder sign-in' },
  family: { zh: '家属登录', en: 'Family sign-in' },
  merchant: { zh: '商户登录', en: 'Merchant sign-in' },
};

export const PhonePage = (props: {
  view: View;
  portal: PhonePortal;
  next?: string | undefined;
  phone?: string;
  error?: Msg | undefined;
}) => (
  <H5Layout view={props.view} title={TITLES[props.portal].zh} titleEn={TITLES[props.portal].en}>
    <div class="panel">
      <h2>
        <T zh="用手机号登录" en="Sign in with your phone" />
      </h2>
      <p>
        <T zh="我们会把6位验证码发到您的手机。" en="We will text you a 6-digit code." block />
      </p>
      <ErrorBox msg={props.error} />
      <form method="post" action={`/${props.portal}/login`}>
        <NextField next={props.next} />
        <Field
          name="phone"
          type="tel"
          inputmode="numeric"
          autocomplete="tel"
          maxlength={13}
          required
          label={{ zh: '手机号码', en: 'Mobile number' }}
          value={props.phone}
          hint={{ zh: '11位数字', en: '11 digits' }}
        />
        <button type="submit" class="btn">
          <T zh="获取验证码" en="Send code" />
        </button>
      </form>
    </div>
    {props.portal === 'elder' && (
      <div class="panel">
        <h2>
          <T zh="没有手机或收不到短信？" en="No phone or no SMS?" />
        </h2>
        <p>
          <T
            zh="请带积分卡到社区服务站，或拨打热线。"
            en="Bring your points card to the community centre, or call."
            block
          />
        </p>
        <a class="btn btn-2" href={`tel:${HOTLINE.number}`}>
          <T zh={`拨打 ${HOTLINE.number}`} en={`Call ${HOTLINE.number}`} />
        </a>
      </div>
    )}
    {props.portal === 'merchant' && (
      <div class="panel">
        <p>
          <T
            zh="新商户：登录后填写入驻申请，民政审核通过后就能接单。"
            en="New shop: sign in, then apply to join; you can take orders once approved."
            block
          />
        </p>
      </div>
    )}
    <TextSizeSwitch view={props.view} />
    <a class="btn btn-2" href="/">
      <T zh="返回首页" en="Home" />
    </a>
  </H5Layout>
);

export const CodePage = (props: {
  view: View;
  portal: PhonePortal;
  phoneMasked: string;
  next?: string | undefined;
  error?: Msg | undefined;
  notice?: Msg | undefined;
  devHint: boolean;
}) => (
  <H5Layout view={props.view} title={TITLES[props.portal].zh} titleEn={TITLES[props.portal].en}>
    <div class="panel">
      <h2>
        <T zh="输入验证码" en="Enter the code" />
      </h2>
      <p>
        <T zh={`验证码已发到 ${props.phoneMasked}`} en={`Code sent to ${props.phoneMasked}`} />
      </p>
      <Notice msg={props.notice} />
      <ErrorBox msg={props.error} />
      <form method="post" action={`/${props.portal}/login/code`}>
        <NextField next={props.next} />
        <Field
          name="code"
          type="text"
          {...SIX_DIGITS_INPUT}
          autocomplete="one-time-code"
          cls="code"
          label={{ zh: '6位验证码', en: '6-digit code' }}
          autofocus
        />
        <button type="submit" class="btn">
          <T zh="登录" en="Sign in" />
        </button>
      </form>
    </div>
    <form method="post" action={`/${props.portal}/login/resend`}>
      <NextField next={props.next} />
      <button type="submit" class="btn btn-2">
        <T zh="重新发送验证码" en="Send a new code" />
      </button>
    </form>
    <a class="btn btn-2" href={`/${props.portal}/login${nextQs(props.next)}`}>
      <T zh="换一个手机号" en="Use another number" />
    </a>
    {props.devHint && (
      <div class="panel">
        <p>
          <T
            zh="本地开发：短信不会真的发出，验证码在开发发件箱里。"
            en="Local only: codes land in the dev outbox."
            block
          />
        </p>
        <a class="btn btn-2" href="/dev/outbox">
          <T zh="打开开发发件箱" en="Open dev outbox" />
        </a>
      </div>
    )}
  </H5Layout>
);
