// "Last changed by": every staff page that changes something shows who did it last and when, read
// from the audit trail by subject (one Query of gsi1, newest first, one item), so the page and the
// audit log can never disagree.
import type { AuditEvent } from '@tmc/core/kernel/audit';
import type { Deps } from '@tmc/app/public';
import { T } from '../kit/layout';
import { ACTION_ZH, chinaTime } from './kit';

export type LastChange = (AuditEvent & { at: string }) | null;

/** The newest audit record about `subject` (e.g. `merchant:m_…`, `elder:e_…`, `policy:…`), or null. */
export const lastChangeOf = async (deps: Deps, subject: string): Promise<LastChange> =>
  (await deps.audit.listBySubject(subject, 1)).items[0] ?? null;

/** Staff accounts are `staff:<username>`: shown by username; other actors as stored. */
const actorLabel = (actor: string): string => actor.replace(/^staff:/, '');

export const LastChangeLine = (props: { last: LastChange }) =>
  props.last ? (
    <p class="muted" data-last-change={props.last.action}>
      <T zh="最近操作" en="Last change" />：{ACTION_ZH[props.last.action] ?? props.last.action} ·{' '}
      {actorLabel(props.last.actor)} · {chinaTime(props.last.at)}
    </p>
  ) : (
    <p class="muted">
      <T zh="暂无操作记录" en="No changes recorded" />
    </p>
  );
