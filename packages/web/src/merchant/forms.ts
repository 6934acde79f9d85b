// What the merchant pages share: the notice an action's redirect shows (?done=...), and the
// plumbing of their plain forms (what was typed, kept for a re-render; field errors by form field).
import * as z from 'zod/mini';
import type { FieldIssue } from '@tmc/core/kernel/errors';
import { WECHAT_LINKED, WECHAT_UNLINKED, fieldErrors, type Msg } from '../kit/ui';

export const DONE = {
  accepted: { zh: '已接单，老人会收到通知', en: 'Accepted; the elder is told' },
  rejected: { zh: '已拒绝', en: 'Declined' },
  completed: { zh: '核销成功，积分已记入您的账户', en: 'Redeemed; the points are yours' },
  no_show: { zh: '已记为未到店，积分退回老人', en: 'Marked as no-show' },
  applied: { zh: '申请已提交，民政工作人员审核后通知您', en: 'Application sent; staff will review it' },
  service_added: { zh: '服务已添加', en: 'Service added' },
  service_removed: { zh: '服务已下架', en: 'Service withdrawn' },
  wechat_linked: WECHAT_LINKED,
  wechat_unlinked: WECHAT_UNLINKED,
} as const satisfies Record<string, Msg>;
export type Done = keyof typeof DONE;
export const DoneQ = z.object({ done: z.optional(z.enum(Object.keys(DONE) as [Done, ...Done[]])) });

export type FormValues = Record<string, string>;
export type FormState = { values?: FormValues; fields?: Record<string, Msg>; error?: Msg };

/** What a form re-render says above the fields it marks. */
export const FIX_FIELDS: Msg = { zh: '请按提示改正下面标红的项', en: 'Please fix the fields marked below' };

export const numberOrUndefined = (s: string | undefined): number | undefined =>
  s === undefined || s.trim() === '' ? undefined : Number(s);

export const formValues = (body: Record<string, unknown>): FormValues => {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v.slice(0, 200);
  return out;
};

export const issuesToFields = (issues: readonly FieldIssue[], map: (p: string) => string) => fieldErrors(issues, map);

export const FormBody = z.record(
  z.string().check(z.maxLength(60)),
  z.union([z.string().check(z.maxLength(300)), z.instanceof(File)]),
);
