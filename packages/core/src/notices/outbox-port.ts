// The dev outbox's storage, as the local notifier sees it (packages/notify/src/outbox.ts): messages
// kept newest first for the /dev/outbox page. The table adapter is packages/store/src/entities/outbox.ts.

export type OutboxEntry = { at: string; to_phone: string; to_masked: string; template: string; text_zh: string };

export type OutboxStore = {
  /** Keeps one message; entries written in the same millisecond keep their order. */
  append: (e: OutboxEntry) => Promise<void>;
  /** The newest `limit` messages, newest first. */
  recent: (limit: number) => Promise<OutboxEntry[]>;
};
