// The page a sign-in returns to: every sign-in form (phone and staff) carries `next` through its
// query, a hidden field and its redirects. Split out of pages.tsx, shared by phone-login.tsx and
// staff-login.tsx.
import * as z from 'zod/mini';

export const NextQuery = z.object({
  next: z.optional(z.string().check(z.maxLength(300))),
  resent: z.optional(z.literal('1')),
});

export const nextQs = (next: string | undefined) => (next ? `?next=${encodeURIComponent(next)}` : '');

export const NextField = (props: { next: string | undefined }) =>
  props.next ? <input type="hidden" name="next" value={props.next} /> : null;
