// The settlement section of docs/BENCHMARKS.md: one row per size, the two goals of the issue, the
// second pass, the sums check and what the run costs at the issue's size, extrapolated.
import { fmtCounts, fmtMs, int, perSec } from '../fixtures/format';
import { provenance } from '../fixtures/report';
import { ACTOR, ORDERS_PER_MERCHANT, PERIOD, READS_RATIO_MAX, WRITES_PER_ITEM_MAX } from './config';
import { SETTLEMENT_ITEM_KINDS } from './kinds';
import { keyLabel, type Pass, type SizeResult } from './measure';
import { requestsIn } from './reads';

const ISSUE_MERCHANTS = 10_000;
const met = (ok: boolean): string => (ok ? '**met**' : '**missed**');
const f2 = (n: number): string => n.toFixed(2);
const f3 = (n: number): string => n.toFixed(3);

/** Items read per order settled: everything the pass read (Queries' ScannedCount, items Get and
 * BatchGet returned) over the captures it settled. */
export const readsPerOrder = (r: SizeResult): number => r.first.reads.itemsRead / r.seeded.captures;

const perMerchant = (p: Pass, merchants: number): string =>
  [...p.reads.requests]
    .sort((a, b) => b[1] - a[1])
    .map(([cmd, n]) => `${cmd.replace(/Command$/, '')} ${f2(n / merchants)}`)
    .join(', ');

const row = (r: SizeResult): string => {
  const m = r.seeded.merchants;
  const p = r.first;
  const cells = [
    int(m),
    int(r.seeded.captures),
    `${fmtMs(r.seeded.ms)} (${perSec(r.seeded.items, r.seeded.ms, 'items')})`,
    fmtMs(p.ms),
    perSec(p.run.statements, p.ms, 'statements'),
    f3(readsPerOrder(r)),
    f3(p.reads.windowScanned / r.seeded.captures),
    f2(requestsIn(p.reads) / m),
    `${int(p.tally.transactions)} (${fmtCounts(p.tally.cancelled)} cancelled)`,
    r.maxOther ? `${r.maxOther.writes}` : '—',
    int(r.runRecordWrites),
  ];
  return `| ${cells.join(' | ')} |`;
};

const HEADER = [
  'merchants',
  'captures',
  'seed',
  'settle',
  'rate',
  'items read / order settled',
  'postings read / order',
  'requests / merchant',
  'TransactWriteItems',
  'most writes on one item (run record aside)',
  'run record writes',
];
const TEXT_COLUMN = HEADER.indexOf('TransactWriteItems');

const each = (sizes: SizeResult[], fn: (s: SizeResult) => string): string => sizes.map(fn).join(', ');

export type ReportInput = { sizes: SizeResult[]; benchMs: number; loadAtStart: number; peakRssMb: number };

export const report = ({ sizes, benchMs, loadAtStart, peakRssMb }: ReportInput): string => {
  const small = sizes[0];
  const large = sizes[sizes.length - 1];
  if (!small || !large) throw new Error('no sizes measured');
  const ratio = readsPerOrder(large) / readsPerOrder(small);
  const maxWrites = Math.max(...sizes.map((s) => s.maxOther?.writes ?? 0));
  const lm = large.seeded.merchants;
  const runWrites = each(sizes, (s) => `${s.runRecordWrites} at ${int(s.seeded.merchants)}`);
  const cpu = each(sizes, (s) => `${fmtMs(s.first.cpuMs)} of ${fmtMs(s.first.ms)}`);
  const loads = each(sizes, (s) => `${s.load.before.toFixed(1)} → ${s.load.after.toFixed(1)}`);
  const trend = sizes.map((s) => f3(readsPerOrder(s))).join(' → ');
  const perMerchantKinds = SETTLEMENT_ITEM_KINDS.filter((k) => k !== 'run record' && large.byKind.has(k))
    .map((k) => `${k} ${f2((large.byKind.get(k) ?? 0) / lm)}`)
    .join(', ');
  const rate = (large.first.run.statements * 1000) / large.first.ms;
  const issueSettleMs = (ISSUE_MERCHANTS * 1000) / rate;
  const issueSeedMs = (large.seeded.ms * ISSUE_MERCHANTS) / lm;
  const lines = [
    '## Settlement: one month of captures, a statement per merchant',
    '',
    provenance('npm run bench', 'npx tsx bench/settlement.ts'),
    '',
    `Period ${PERIOD}, ${ORDERS_PER_MERCHANT} captured orders per merchant (the issue's ratio: 1,000,000 across ` +
      '10,000 merchants), at three sizes, each on a DynamoDB Local of its own (in memory, one JVM on the same ' +
      "cores as the bench; table by the store's `ensureTable`, stream included). Seeding does not run the order " +
      'flow: per merchant, BatchWriteItem (8 in flight) writes its capture postings as ledger-commit.ts shapes them ' +
      '(`ACCT#merchant:<id>` / `P#<created_at>#capture:o_<…>`, kind `capture`, 10–50 points, spread over the ' +
      'month), its receivable balance item (`BAL`, balance and version) and its approved profile with the ' +
      "`merchantsByStatus` (gsi1) keys. Then `runSettlement` (core's own: pages of 100 merchants, 8 settled at " +
      `once) for ${PERIOD} as \`${ACTOR}\`, at a fixed clock 10 hours after the month closed. Every request is ` +
      'counted by middleware on the document client: writes per item key (successful requests only), reads as ' +
      "the items they touched (a Query's ScannedCount, the items a GetItem or BatchGetItem returned). DynamoDB " +
      "Local is not the service: read the rates as the run's behaviour here; the counts are the code's and " +
      'carry over.',
    '',
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map((_, i) => (i === TEXT_COLUMN ? '---' : '---:')).join(' | ')} |`,
    ...sizes.map(row),
    '',
    `- Goal: items read per order settled flat across sizes: ${trend}; ` +
      `largest over smallest ${f3(ratio)}, goal <= ${READS_RATIO_MAX}: ${met(ratio <= READS_RATIO_MAX)}. Per ` +
      `merchant the run reads its cursor, its window's postings (one Query: ${ORDERS_PER_MERCHANT} postings, one ` +
      'page), its receivable and settling balances; per page of 100 merchants one gsi1 Query and one BatchGet of ' +
      'their ratings. Requests per merchant at ' +
      `${int(lm)}: ${perMerchant(large.first, lm)}.`,
    `- Goal: no item written more than once per merchant per run: at most ${maxWrites} write(s) on any item but ` +
      `the run record, at every size; items written more than once: ${sizes.map((s) => s.overOnce).join(', ')} → ` +
      `${met(maxWrites <= WRITES_PER_ITEM_MAX && sizes.every((s) => s.overOnce === 0))}. Written per merchant ` +
      `(${int(lm)}): ${perMerchantKinds}, all in its one TransactWriteItems. The run record ` +
      `(\`SETTLE_RUNS\` / \`RUN#${PERIOD}\`) is the one item written more than once: at the start, after each ` +
      `page and at the end of each merchant list: ${runWrites} ` +
      `merchants. Hottest items at ${int(lm)}: ${large.top.map((t) => `${keyLabel(t.key)} ${t.writes}`).join(', ')}.`,
    `- Second pass (\`resume: true\`, every merchant already settled): ${sizes
      .map(
        (s) =>
          `${int(s.seeded.merchants)}: ${s.again.run.statements - s.first.run.statements} new statements, ` +
          `${int(s.again.tally.items)} items written (run record), ` +
          `${f2(requestsIn(s.again.reads) / s.seeded.merchants)} requests per merchant, ${fmtMs(s.again.ms)}`,
      )
      .join('; ')}.`,
    '- verifyLedger is **not** run: the seeded captures have no hold side (no hold account, no entry item), so the ' +
      'table is not a complete ledger and a verify would report that, not settlement. Checked instead, by key ' +
      `after the run: the run completed with one statement per merchant, its points equal the seeded captures, ` +
      `every receivable balance is 0 and the settling balances sum to the captures: ${sizes
        .map((s) => `${int(s.seeded.merchants)} ${s.check.length ? `**NOT ok** (${s.check.join('; ')})` : 'ok'}`)
        .join(', ')}.`,
    '- Items are written once each, but two partitions take a write per statement: the audit records of a run ' +
      `all go to one day's \`AUDIT#<day>\` partition (${int(large.byKind.get('audit') ?? 0)} at ${int(lm)}), and ` +
      "every new statement's gsi1 key is `STMT_STATUS#issued` (finance's queue). At the run's pace (8 merchants " +
      "in flight) that is far below DynamoDB's 1,000 writes/s per partition; it would matter only if the run were " +
      'made much wider.',
    `- The issue's month (${int(ISSUE_MERCHANTS)} merchants, ${int(ISSUE_MERCHANTS * ORDERS_PER_MERCHANT)} captures) ` +
      `at the largest size's rates: settling ~${fmtMs(issueSettleMs)}, seeding ~${fmtMs(issueSeedMs)} (linear, as ` +
      'the reads per order above are flat).',
    `- CPU of the bench process while settling: ${cpu}; ` +
      "the rest is DynamoDB Local's JVM on the same 2 cores, and waiting for it. 1-minute load average " +
      `${loadAtStart.toFixed(1)} at the start; ${loads} ` +
      'around each run. Whole bench: ' +
      `${fmtMs(benchMs)} including DynamoDB Local start-ups; peak RSS of the bench process ${int(peakRssMb)} MB.`,
  ];
  return lines.join('\n');
};
