// The local notifier: messages land in the dev outbox (kept by the store behind OutboxStore) and
// the /dev/outbox page shows them (codes included), so sign-in works with no SMS gateway.
// Never wired in production (see app/compose/deps.ts).
import { maskPhone } from '@tmc/core/elders/id-card';
import type { Clock } from '@tmc/core/kernel/clock';
import type { Notice, Notifier } from '@tmc/core/notices/ports';
import type { OutboxEntry, OutboxStore } from '@tmc/core/notices/outbox-port';

export type { OutboxEntry } from '@tmc/core/notices/outbox-port';

export const OUTBOX_SHOW_MAX = 50;

export type Outbox = Notifier & {
  recent: (limit?: number) => Promise<OutboxEntry[]>;
  latestFor: (phone: string) => Promise<OutboxEntry | null>;
};

export const createOutbox = (store: OutboxStore, clock: Clock): Outbox => {
  const recent = (limit = OUTBOX_SHOW_MAX): Promise<OutboxEntry[]> => store.recent(Math.min(limit, OUTBOX_SHOW_MAX));
  return {
    async send(n: Notice) {
      const at = clock.now().toISOString();
      await store.append({
        at,
        to_phone: n.to_phone,
        to_masked: maskPhone(n.to_phone),
        template: n.template,
        text_zh: n.text_zh,
      });
    },
    recent,
    async latestFor(phone) {
      return (await recent()).find((e) => e.to_phone === phone) ?? null;
    },
  };
};
