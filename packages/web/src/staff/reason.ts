// The reason a staff form asks for before a change (freeze, reversal, refund, a dispute's decision):
// checked with the API's own schema (core FreeText), its issue worded by the one message table.
import * as z from 'zod/mini';
import { FreeText } from '@tmc/core/kernel/text';
import { zodFields } from '@tmc/app/public';
import { fieldMsg, type Msg } from '../kit/ui';

/** The form body's reason before it is checked: generous, so a long paste is answered, not refused. */
export const REASON_FORM_MAX_CHARS = 1200;
export const ReasonForm = z.object({
  reason: z.optional(z.string().check(z.maxLength(REASON_FORM_MAX_CHARS))),
  idempotency_key: z.optional(z.string().check(z.maxLength(200))),
});

export const FIX_REASON: Msg = { zh: '请按提示填写原因', en: 'Please fix the reason' };

/** The reason's first issue against FreeText(min, max), or null when the API would take it. */
export const reasonIssue = (reason: string, min: number, max: number): Msg | null => {
  const r = FreeText(min, max).safeParse(reason);
  if (r.success) return null;
  const [i] = zodFields(r.error);
  return fieldMsg(i ?? { path: '', code: 'INVALID_FORMAT', message: '' });
};

/** A fresh key for a form that moves points: written into the form when it renders, so submitting
 * the same rendered form twice is one change (the ledger's idempotency record). */
export const formKey = (): string => crypto.randomUUID();
