// Telling each change once: every use case that notifies after a committed change goes through
// here, so a retried request, a re-delivered webhook or a rerun job sends nothing more.
import type { Notice, NoticeMarks, Notifier } from './ports';

/** Sends `n` unless its change was already told to this recipient. A failed send is dropped
 * here (the change it reports is already committed; the notifier logs the failure by kind). */
export const sendOnce = async (
  deps: { notifier: Notifier; noticeMarks: NoticeMarks },
  id: { subject: string; change: string; to: string },
  n: Notice,
): Promise<boolean> => {
  if (!(await deps.noticeMarks.claim({ kind: n.template, ...id }))) return false;
  await deps.notifier.send(n).catch(() => undefined);
  return true;
};
