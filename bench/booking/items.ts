// `npx tsx bench/booking/items.ts`: what the booking ratio could reach with fewer transaction items or
// reads. The booking's own requests (floor.ts) are recorded once, then sent with each item kind left out
// in turn, each read left out, the BatchGet's keys as GetItems (sent at once, as floor.ts sends reads),
// beside the raw six-item transaction in the same rounds; the ratio each variant reaches is the ceiling
// a booking sending that much would have here. A tool for deciding the ledger's shape, not part of
// `npm run bench`: leaving an item out here says nothing about whether the ledger can do without it.
import { median } from '../fixtures/stats';
import { openTable, withDynamo } from '../fixtures/dynamo';
import { runBench } from '../fixtures/entry';
import { bearer, buildWorld, ELDERS, post } from './setup';
import { rawSpend } from './raw';
import { bookingFloor, recordRequests } from './floor';

const PER_ELDER = 25;
const ROUNDS = 5; // after one warm-up round

/** `ORDER|ORDER`, `ACCT|P`: an item's kind from its key's first segments. */
const kindOf = (t: Record<string, { Key?: { pk: string; sk: string }; Item?: { pk: string; sk: string } }>) => {
  const op = Object.values(t)[0];
  const k = op?.Key ?? op?.Item;
  return k ? `${k.pk.split('#')[0]}|${k.sk.split('#')[0]}` : '?';
};

type Recorded = Awaited<ReturnType<typeof recordRequests>>[number];

/** The booking's requests with each read left out, and with its BatchGet's keys sent as GetItems. */
const readVariants = (recorded: Recorded[]): { label: string; requests: Recorded[] }[] => {
  const batch = recorded.find((r) => r.command === 'BatchGetItemCommand');
  const asked = Object.entries((batch?.input.RequestItems ?? {}) as Record<string, { Keys: unknown[] }>);
  const gets = asked.flatMap(([TableName, v]) =>
    v.Keys.map((Key) => ({ command: 'GetItemCommand', input: { TableName, Key, ConsistentRead: true } })),
  );
  return [
    { label: 'no BatchGet', requests: recorded.filter((r) => r !== batch) },
    { label: 'no wallet Query', requests: recorded.filter((r) => r.command !== 'QueryCommand') },
    {
      label: `the BatchGet as ${gets.length} GetItems at once`,
      requests: recorded.flatMap((r) => (r === batch ? gets : [r])),
    },
  ];
};

runBench(async () => {
  await withDynamo(async (dynamo) => {
    const db = await openTable(dynamo, 'items');
    const w = await buildWorld(db);
    w.deps.notifier = { send: async () => undefined };
    const body = { merchant_id: w.merchant_id, service_id: w.service_id, slot_start: null };
    const elder = w.elders[0]!;
    await w.request('/api/orders', bearer(elder.token, post(body, { 'idempotency-key': 'items-key-warm-000001' })));
    const key = 'items-key-recorded-01';
    let order_id = '';
    const recorded = await recordRequests(db, async () => {
      const res = await w.request('/api/orders', bearer(elder.token, post(body, { 'idempotency-key': key })));
      order_id = ((await res.json()) as { order_id: string }).order_id;
    });
    const tx = recorded.find((r) => r.command === 'TransactWriteItemsCommand');
    const items = (tx?.input.TransactItems ?? []) as Parameters<typeof kindOf>[0][];
    const without = (drop: string[]) =>
      bookingFloor(
        db,
        recorded.map((r) =>
          r === tx ? { ...r, input: { ...r.input, TransactItems: items.filter((t) => !drop.includes(kindOf(t))) } } : r,
        ),
        { order_id, key },
      );
    // each kind once, in the order the booking writes them; postings and balances are two of a kind
    const kinds = [...new Set(items.map(kindOf))];
    const variants = [
      { label: `as booked (${items.length} items)`, floor: without([]) },
      ...kinds.map((k) => ({ label: `without ${k}`, floor: without([k]) })),
      // the reads' share: each read left out, the BatchGet's keys as GetItems, and the transaction alone
      ...readVariants(recorded).map((v) => ({
        label: v.label,
        floor: bookingFloor(db, v.requests, { order_id, key }),
      })),
      { label: 'the transaction alone, no reads', floor: bookingFloor(db, tx ? [tx] : [], { order_id, key }) },
    ];
    const rate = async (op: (i: number) => Promise<unknown>) => {
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: ELDERS }, async (_, i) => {
          for (let n = 0; n < PER_ELDER; n++) await op(i);
        }),
      );
      return (ELDERS * PER_ELDER * 1000) / (performance.now() - t0);
    };
    const ratios = new Map<string, number[]>();
    for (let r = 0; r <= ROUNDS; r++) {
      const raw = await rate((i) => rawSpend(db, `items-wallet-${i}`));
      for (const v of variants) {
        const x = await rate((i) => v.floor.send(i));
        if (r > 0) ratios.set(v.label, [...(ratios.get(v.label) ?? []), x / raw]);
      }
    }
    console.log(`| booking's requests, transaction | items | ratio to raw (median of ${ROUNDS}) |`);
    console.log('| --- | ---: | ---: |');
    for (const v of variants)
      console.log(`| ${v.label} | ${v.floor.items} | ${median(ratios.get(v.label) ?? []).toFixed(2)} |`);
  });
});
