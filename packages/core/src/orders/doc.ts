// The text of docs/ORDERS.md, generated from the declared state machine.
import { CODE_TRIES_MAX, DISPUTE_WINDOW_MS, FIND_OFFERS_MAX, orderTableMarkdown } from './state';

export const ordersDoc = (): string => `# Orders: the state machine

Generated from \`packages/core/src/orders/state.ts\` by \`npx tsx scripts/gen-docs.ts\`;
a test fails when this file and the code disagree.

${orderTableMarkdown()}

- Every transition is a conditional write from the expected state and version. A repeated or late event
  (a second accept, a timer firing twice, a capture racing a cancel) finds the order elsewhere and gets
  \`409 ORDER_STATE\` with the current state, or does nothing (timers).
- \`transition(order, event, actor)\` is the one gate every change passes (timers included), and
  \`allowedEvents(order, actor, now)\` is what the pages offer as buttons. Exactly one caller wins each
  change; the others get \`409 ORDER_STATE\` with the state the winner left. A change's audit record is
  written in its transaction; its notices are sent once per (order, version, kind).
- A hold lives until the slot (or the booking, when as soon as possible) plus the policy's completion
  window (\`hold_ttl_hours\`). When it runs out, an open order lapses to \`expired\` in the same
  transaction that gives the points and the slot back; accepting and completing need a live hold.
- The merchant answers within the policy's \`offer_minutes\`; a booking ahead may be answered until
  \`answer_before_slot_minutes\` before its slot.
- Points: \`hold\` moves the price from the wallet to the order's hold account, together with the order and
  the time slot's place, in one transaction; \`capture\` moves it to the merchant on completion; \`release\`
  gives it back (and the slot's place); \`reverse_capture\` returns captured points to the elder's lots.
- 帮我找: the request goes to the best open merchant nearby (walking time, then rating), one offer per
  merchant, at most ${FIND_OFFERS_MAX}; the dearest candidate's price is held and the actual price captured.
- Completion needs the elder's 6-digit code or card number + PIN; ${CODE_TRIES_MAX} wrong tries lock the order.
- Disputes are accepted within ${DISPUTE_WINDOW_MS / 86_400_000} days of completion.
`;
