// Writes docs/DATA_MODEL.md from the access patterns the entities declare (data-model.ts), so the
// doc and the entities cannot drift (data-model-doc.test.ts compares them). The prose around the
// table is kept here: it says what the declarations cannot (transactions that must agree, ciphers).
import type { AccessPattern } from './access-pattern';
import { ENTITY_PATTERNS } from './data-model';

const HEADER = `# Data model: one DynamoDB table

Generic attributes: \`pk\`, \`sk\`, \`gsi1pk\`, \`gsi1sk\`, \`gsi2pk\`, \`gsi2sk\`, \`ttl\`. Every key string is
built in the entity file that owns it (\`packages/store/src/entities/<entity>.ts\`, gathered in
\`packages/store/src/keys.ts\`); nothing else writes one. Every request path is a \`GetItem\`,
\`BatchGetItem\` or \`Query\` by key. \`Scan\` appears only in tests and offline tools.

This file is generated from the access patterns each entity declares (\`npx tsx scripts/gen-docs.ts\`);
a test fails when it drifts. Key templates: constant text as stored, \`{field}\` for a value.
`;

const FOOTER = `Search Queries are followed page by page (\`LastEvaluatedKey\`) up to \`INDEX_ITEMS_MAX\` items per
search (\`packages/core/src/search/search.ts\`); an answer cut there says \`truncated: true\`. Index cards carry
no rating: a rating is one item, read by key for the page shown.

## Writes that must agree

- Registering an elder is one \`TransactWriteItems\`: the ID-hash guard (\`attribute_not_exists\`), the
  profile, the card guard, and the phone index item. A duplicate ID number fails the guard
  (\`ELDER_EXISTS\`); a card-number collision fails the card guard and is retried with a new number.
- Editing an elder is a conditional put on \`version\` plus, when the phone changes, the phone index
  swap in the same transaction.
- Leaving the scheme first settles the wallet (each paid lot refunded through its top-up, each
  subsidy lot returned in a \`scheme_exit\` entry with its audit record in the entry's transaction),
  ends bindings and sessions, then rewrites the profile with personal and health fields erased and
  deletes the ID, card and phone guards in one transaction; the pseudonymous \`elder_id\` remains.
  Before the profile, the analytics copies go (PIPL art. 47): each order's \`elder_dims\` (walked
  through \`ordersOfElder\`, at most 20 pages of 100, an \`UpdateItem\` conditional on \`version\`)
  keeps community and age band only, and the \`ACTIVE#\` tracker drops care and special, its
  buckets moved in the same transaction. Orders snapshot derived values only (age band on the
  booking day, never the birth date); the counters keep their sums.
- A family binding moves \`pending -> active -> removed\` by conditional puts on \`version\`.

- A ledger entry is one transaction: the entry, one posting item per account, each balance item
  (with \`version\` and \`balance >= need\` for accounts that may not go negative), the lots it creates
  or consumes (\`remaining_points = expected\`), the hold (inside the hold account's balance Update),
  capped counters, the idempotency record
  and, for a reversal, the once-only marker; an audit record, when the caller gives one, rides in
  the same transaction (reversals, leave returns). See \`packages/store/src/entities/ledger.ts\`.
- A top-up refund is one ledger entry \`refund:{topup_id}\` (conditional put: one per top-up, its
  winner's idempotency record with it), then the provider refund, then the top-up's versioned move
  to \`refunded\` with the \`topup.refund\` audit record in that transaction.
- A merchant save re-derives its geo index from what is stored: one transaction when it fits in
  100 items; otherwise removals first, then the merchant, then additions.
- A rating is one \`ADD rating_sum, rating_count\` on the merchant's \`RATING\` item, whatever its
  services and travel radius. The profile item carries no rating, so a profile save (a Put of the
  whole item) cannot write back totals read before a concurrent rating. Data written before this
  change kept the totals on the profile: \`migrateLegacyRatings\` (local/migrate-legacy-ratings.ts, offline,
  once-only per merchant) moves them; run it right after deploying.
- Audit records carry \`role\` (the staff role when the writer knew it, else derived from the actor)
  and the actor index (gsi2, \`auditByActor\`). Records written before both get them from
  \`migrateAuditActorIndex\` (local/migrate-audit-actor-index.ts, offline, a no-op the second time).
- An elder's monthly spend (its total and per-category parts) is kept, from the month SPEND_IN_WALLET_FROM
  on, in the wallet's balance item (\`spent#{month}\`, \`spent#{month}#{category}\`): a hold or a give-back
  adds to it in the Update that moves the points, its ceilings joined to that Update's condition. A refusal
  there is a cap's or the balance's (version, floor, frozen): the store reads the item to say which
  (CAP_EXCEEDED, or a re-plan that finds the balance's reason). The attributes stay (about 6 a month, ~200
  bytes): a wallet item grows ~2.4 KB a year; pruning months older than a year is left for when it matters.
  Months before it are one counter item per month (\`amount\`, \`amount#{category}\`), where a give-back of
  an older hold still finds them. Per-category counters written before that were items of their own
  (\`spentcat#…\`): \`migrateSpendCounters\` (local/migrate-spend-counters.ts, offline, once per counter, safe
  beside holds) moves them into their month; run it in the deploy's window.
- A hold lives in its hold account's balance item (\`hold\` map, \`#hold.version\` in the condition; the
  item carries the \`HOLDS_EXPIRING\` keys while the hold is open): a hold, capture or release always moves
  that balance, so one Update writes both (\`store/src/entities/ledger-holds.ts\`). Holds made before have an
  item of their own (\`HOLD#{id}\`); every hold read takes both keys in its BatchGet, and a capture or release
  refused at the balance item (no \`hold\` map) finds the old item at its planned version and writes the
  same plan there. No migration is needed: old open holds are settled or expire where they are. The change
  is one-way: a release from before it reads only \`HOLD#\` items, so roll back only to this one or later.
  Once no \`HOLD#\` item is open (the longest hold plus the expiry job's catch-up days), the fallback can go.

## Sensitive fields

\`id_cipher\`, \`phone_cipher\`, \`emergency_contact_cipher\`: AES-256-GCM, AAD \`elder:{id}:{field}\`.
Blind indexes are HMAC-SHA256 with a separate key and a purpose prefix (\`id\`, \`phone\`, \`pin\`, \`row\`).
The card PIN is stored as a keyed hash: a 6-digit PIN cannot resist offline guessing by cost alone,
so the key protects it, and online tries are limited.
`;

const cell = (s: string) => s.replaceAll('|', '\\|');
const code = (s: string) => `\`${s}\``;

const row = (p: AccessPattern) =>
  `| ${[p.name, p.operation.join(', '), p.index, `${code(p.pk)} / ${code(p.sk)}`, cell(p.used_by), cell(p.about)].join(
    ' | ',
  )} |`;

export const dataModelDoc = (): string =>
  [
    HEADER,
    '| access pattern | operation | index | key (pk / sk) | used by | notes |',
    '| --- | --- | --- | --- | --- | --- |',
    ...ENTITY_PATTERNS.flatMap((e) => e.patterns.map(row)),
    '',
    FOOTER,
  ].join('\n');
