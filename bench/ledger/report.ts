// The ledger bench's sections of docs/BENCHMARKS.md: `bench:ledger` (items per operation, the
// monthly issuance, concurrent holds) and `bench:ledger-100k` (the issuance alone, at a forced size).
import os from 'node:os';
import { ISSUANCE_CONCURRENCY, ISSUANCE_PAGE } from '@tmc/core/policy/issuance';
import { SYSTEM_SHARDS } from '@tmc/core/ledger/accounts';
import { LEDGER_RETRIES } from '@tmc/core/ledger/service';
import { CONTENTION_RETRIES } from '@tmc/store/entities/ledger';
import { fmtCounts, fmtMs, int, perSec } from '../fixtures/format';
import { LEDGER_ITEM_KINDS, ledgerKindOf, type LedgerItemKind } from '../fixtures/item-kinds';
import { splitKey, type Tally } from '../fixtures/metering';
import { provenance } from '../fixtures/report';
import { load1, peakRssMb, quantile } from '../fixtures/stats';
import { CATEGORY, HOLD_POINTS, month, SEED, verifyLine } from './args';
import {
  BENCH_BUDGET_MS,
  ELDERS_GOAL,
  ELDERS_STEP,
  ESTIMATE_SAFETY,
  HOT_ITEM_SHARE,
  PROGRESS_SHARE,
  TOP_ITEMS,
  type Estimate,
  type IssuanceResult,
} from './issuance';
import { OPS, OPS_SAMPLES, spread, type measureOps, type OpName } from './ops';
import { SPEND_CONCURRENCY, SPEND_HOLDS, type SpendResult } from './spend';

/** The ledger section's median: the upper middle sample of an even count. */
const median = (xs: readonly number[]): number => quantile(xs, 0.5);

const kindOfKey = (k: string): LedgerItemKind => {
  const { pk, sk } = splitKey(k);
  return ledgerKindOf(pk, sk);
};

/** "entry, 2 balance, 2 posting, lot": successful writes by kind, in a fixed order. */
const breakdown = (perItem: Map<string, number> | null, per = 1): string => {
  if (!perItem) return '—';
  const n = new Map<LedgerItemKind, number>();
  for (const [k, c] of perItem) n.set(kindOfKey(k), (n.get(kindOfKey(k)) ?? 0) + c);
  return LEDGER_ITEM_KINDS.flatMap((kind) => {
    const c = (n.get(kind) ?? 0) / per;
    if (c === 0) return [];
    const shown = Number.isInteger(c) ? String(c) : c.toFixed(3);
    return [c === 1 ? kind : `${shown} ${kind}`];
  }).join(', ');
};

export const report = (r: {
  ops: Awaited<ReturnType<typeof measureOps>>;
  spread200: SpendResult;
  onlyOne: SpendResult;
  pilot: IssuanceResult;
  full: IssuanceResult;
  goal: Estimate;
  leftMs: number;
  benchMs: number;
  loadAtStart: number;
}): string => {
  const { ops, spread200, onlyOne, pilot, full } = r;

  const opRows = OPS.map(([op, label]) => {
    const s = ops.samples.get(op) ?? [];
    const first = s[0];
    return (
      `| ${label} | ${spread(s.map((x) => x.tally.items))} | ${first ? breakdown(first.tally.perItem) : '—'} | ` +
      (`${spread(s.map((x) => x.tally.transactions))} | ${spread(s.map((x) => x.tally.gets))} | ` +
        `${spread(s.map((x) => x.tally.queries))} | `) +
      `${fmtMs(median(s.map((x) => x.ms)))} |`
    );
  });
  const allSamples = [...ops.samples.values()].flat();
  const opsCancelled = allSamples.reduce((n, x) => n + (x.tally.txSent - x.tally.transactions), 0);
  const oneTxEach = allSamples.every((x) => x.tally.transactions === 1);
  // What an idempotency key costs: the same hold with and without one.
  const firstOf = (op: OpName): Tally | undefined => ops.samples.get(op)?.[0]?.tally;
  const plain = firstOf('hold1');
  const keyed = firstOf('holdIdem');
  const idemCost =
    plain && keyed ? `${keyed.items - plain.items} item(s) and ${keyed.gets - plain.gets} GetItem` : 'unknown';

  const limit = Math.floor(full.elders * HOT_ITEM_SHARE);
  const hottest = full.top[0];
  const met = hottest !== undefined && hottest.writes <= limit;
  const credited = full.run.issued + full.run.already;
  const processed = credited + full.run.skipped;
  const topLines = full.top.map((t, i) => {
    const { pk, sk } = splitKey(t.key);
    return (
      `${i + 1}. \`${pk}\` / \`${sk}\` (${kindOfKey(t.key)}): ${int(t.writes)} writes (` +
      `${((100 * t.writes) / full.elders).toFixed(3)}% of the elder count)`
    );
  });
  const ledgerTop = [...(full.tally.perItem ?? new Map<string, number>())]
    .filter(([k]) => kindOfKey(k) !== 'issuance run')
    .reduce<{ key: string; writes: number } | null>(
      (best, [key, writes]) => (best === null || writes > best.writes ? { key, writes } : best),
      null,
    );
  const runWrites = [...(full.tally.perItem ?? new Map<string, number>())]
    .filter(([k]) => kindOfKey(k) === 'issuance run')
    .reduce((n, [, c]) => n + c, 0);
  const scaled =
    full.elders === ELDERS_GOAL
      ? `All ${int(ELDERS_GOAL)} elders, as the goal asks`
      : `**${int(full.elders)} elders, not ${int(ELDERS_GOAL)}**: from the pilot, ` +
        `${int(ELDERS_GOAL)} would take ~${fmtMs(r.goal.totalMs)} here ` +
        (`(setup ${fmtMs(r.goal.setupMs)}, issuance ${fmtMs(r.goal.issueMs)}` +
          ` at the pilot's warm rate, verifyLedger ${fmtMs(r.goal.verifyMs)} growing with `) +
        (`the square of the table; ×${ESTIMATE_SAFETY} for the shared cores) with ${fmtMs(r.leftMs)}` +
          ` of the ~${BENCH_BUDGET_MS / 60_000}-minute budget left, `) +
        (`so this is the largest multiple of ${int(ELDERS_STEP)}` +
          ` estimated to fit; the max-writes ratio below is for ${int(full.elders)} elders`);

  const spendRow = (name: string, s: SpendResult): string => {
    const ok = s.outcomes.get('ok') ?? 0;
    const failed = new Map([...s.outcomes].filter(([k]) => k !== 'ok'));
    const lat = s.latencies.length > 0 ? `${fmtMs(median(s.latencies))} / ${fmtMs(quantile(s.latencies, 0.95))}` : '—';
    return (
      `| ${name} | ${ok} of ${SPEND_HOLDS} | ${fmtCounts(failed)} | ${fmtMs(s.ms)} | ${perSec(ok, s.ms, 'holds')} | ` +
      (`${int(s.tally.txSent)} sent, ${int(s.tally.transactions)} committed | ` +
        `${fmtCounts(s.tally.cancelled)} | ${lat} | ${verifyLine(s.verify)} |`)
    );
  };
  const rate = (s: SpendResult) => (s.outcomes.get('ok') ?? 0) / s.ms;

  return [
    '## Ledger: writes per operation, monthly issuance, concurrent holds',
    '',
    provenance('npm run bench', 'npx tsx bench/ledger.ts'),
    '',
    'All on DynamoDB Local (in memory, same machine, a fresh JVM for each ' +
      'part, on the same cores as the bench; every table ' +
      'created by `ensureTable`, stream included, as infra/ declares it): read the rates as the ' +
      ("ledger's behaviour here, not as what DynamoDB sustains; item and " +
        "request counts are the code's and carry over. ") +
      'Requests are counted by a middleware on the document client: items written by successful requests only, ' +
      'cancelled transactions by their cancellation reason.',
    '',
    '### Items written per operation',
    '',
    `Each operation run ${OPS_SAMPLES}` +
      ` times on fresh wallets (counts shown as a range if samples disagreed); setup steps ` +
      ('(the hold before a capture or release, the credits a wallet starts ' +
        'with) not counted. Reads are the GetItem and ') +
      `Query requests of the operation, all strongly consistent. No idempotency key unless stated.`,
    '',
    '| operation | items written | which items | transactions | GetItem | Query | median time |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
    ...opRows,
    '',
    `- ` +
      `${oneTxEach ? 'Every operation is one TransactWriteItems' : 'Operations take the transactions shown'}` +
      `; ${opsCancelled} transactions ` +
      ('were cancelled and retried in this part. A balance is written per ' +
        'posting: versioned for wallets, holds and merchants, ') +
      `a plain ADD on one of ${SYSTEM_SHARDS} shards for system accounts. An idempotency key adds ${idemCost}.`,
    `- verifyLedger afterwards: ${verifyLine(ops.verify)} (${int(ops.verify.counts.entries)}` +
      ` entries, ${int(ops.verify.counts.postings)} postings).`,
    '',
    `### Monthly issuance for ${int(full.elders)} elders`,
    '',
    `${scaled}. ${int(full.elders)} active profiles from \`demoElders(${full.elders}, ${SEED}` +
      `)\` (ages 60–99, care levels ` +
      ('and special categories as in a roster) over the 6 demo communities, ' +
        'written with BatchWriteItem as store/entities/elders.ts ') +
      ('`profileItem` shapes them (profile + community and name index keys; ' +
        'the ID, card and phone guard items are left ') +
      ('out: issuance never reads them); DEMO_AREAS put with the area store; ' +
        'DEFAULT_POLICY appended to the policy store. ') +
      (`Then \`commitIssuance\` for ${month} (${ISSUANCE_PAGE} elders a page, ` +
        `${ISSUANCE_CONCURRENCY} credits in flight), `) +
      'with every written item key counted during the run.',
    '',
    '| step | time | rate |',
    '| --- | ---: | ---: |',
    `| setup: build records + BatchWriteItem of the profiles | ${fmtMs(full.setupMs)} | ` +
      `${perSec(full.elders, full.setupMs, 'elders')} |`,
    `| \`commitIssuance\`, one month | ${fmtMs(full.issueMs)} | ${perSec(processed, full.issueMs, 'elders')} |`,
    `| \`verifyLedger\` (Scan of the whole table; Node CPU ${fmtMs(full.verifyCpuMs)}) | ${fmtMs(full.verifyMs)} | — |`,
    '',
    `- Run: ${int(full.run.issued)} elders credited, ${int(full.run.already)}` +
      ` found already credited, ${int(full.run.skipped)} skipped ` +
      (`(no allowance); **${int(full.run.points)} points** in all (` +
        `${(full.run.points / Math.max(1, credited)).toFixed(1)} per elder); `) +
      `status ${full.run.status}.`,
    `- Writes: ${int(full.tally.transactions)} transactions (` +
      `${(full.tally.transactions / full.elders).toFixed(3)} per elder), ` +
      `${int(full.tally.items)} items in ${int(full.tally.writeRequests)} write requests ` +
      (`(per elder: ${breakdown(full.tally.perItem, full.elders)}); ` +
        `${int(full.tally.txSent - full.tally.transactions)} transactions cancelled `) +
      (`(${fmtCounts(full.tally.cancelled)}), ${full.tally.failedWrites}` +
        ` other writes failed. Reads: ${int(full.tally.gets)} GetItem, `) +
      `${int(full.tally.queries)} Query (elder pages of ${ISSUANCE_PAGE} and the area tree).`,
    `- Rate over the first ${PROGRESS_SHARE * 100}% of elders ` +
      `${perSec(full.early, 1000, 'elders')}, over the last ${PROGRESS_SHARE * 100}% ` +
      (`${perSec(full.late, 1000, 'elders')}` +
        ` (from the progress the run saves). CPU of the Node process during issuance: ` +
        `${fmtMs(full.issueCpuMs)} of `) +
      (`${fmtMs(full.issueMs)} wall (${((100 * full.issueCpuMs) / full.issueMs).toFixed(0)}` +
        `%); the rest is DynamoDB Local's JVM on the same `) +
      (`${os.cpus().length} cores, and waiting for it. 1-minute load average ` +
        `${full.load.before.toFixed(1)} before issuance, `) +
      `${full.load.after.toFixed(1)} after.`,
    `- Most writes on one item, goal "no item written more than ${HOT_ITEM_SHARE * 100}` +
      `% as many times as there are elders" ` +
      (`(<= ${int(limit)} for ${int(full.elders)}): **${hottest ? int(hottest.writes) : 0} → ` +
        `${met ? 'met' : 'missed'}**. Top ${TOP_ITEMS}:`),
    ...topLines.map((l) => `  ${l}`),
    ...(ledgerTop
      ? [
          `- Hottest ledger item (the run record aside): \`${splitKey(ledgerTop.key).pk}\` / \`` +
            `${splitKey(ledgerTop.key).sk}\`, ${int(ledgerTop.writes)} writes ` +
            (`(an even spread over ${SYSTEM_SHARDS} shards would be ${int(credited / SYSTEM_SHARDS)}` +
              `). The run record (progress and resume point) `) +
            `was written ${int(runWrites)} times.`,
        ]
      : []),
    `- verifyLedger: ${verifyLine(full.verify)}; ${int(full.verify.counts.entries)} entries, ` +
      `${int(full.verify.counts.postings)} postings, ` +
      (`${int(full.verify.counts.accounts)} accounts, ${int(full.verify.counts.lots)} lots, ` +
        `${full.verify.counts.holds} holds, ${full.verify.counts.reversals} reversals.`),
    `- Pilot on a DynamoDB Local of its own, ${int(pilot.elders)} elders: setup ` +
      `${fmtMs(pilot.setupMs)}, issuance ${fmtMs(pilot.issueMs)} ` +
      (`(` +
        `${perSec(pilot.run.issued + pilot.run.already + pilot.run.skipped, pilot.issueMs, 'elders')}` +
        `; ${perSec(pilot.warm, 1000, 'elders')} over its second half), `) +
      `verify ${fmtMs(pilot.verifyMs)}; most writes on one item ` +
      (`${pilot.top[0] ? int(pilot.top[0].writes) : 0} (` +
        `${pilot.top[0] ? kindOfKey(pilot.top[0].key) : '—'}); verify ` +
        `${pilot.verify.ok ? 'ok' : 'NOT ok'}. `) +
      (`Extrapolated to ${int(ELDERS_GOAL)}: ~${fmtMs(r.goal.totalMs)} all in (setup ` +
        `${fmtMs(r.goal.setupMs)}, issuance ${fmtMs(r.goal.issueMs)}, `) +
      `verify ${fmtMs(r.goal.verifyMs)}, ×${ESTIMATE_SAFETY}).`,
    '',
    '### Concurrent holds: many wallets vs one',
    '',
    `${SPEND_HOLDS} holds of ${HOLD_POINTS} points (category ${CATEGORY}` +
      `, per-order cap as in DEFAULT_POLICY, monthly cap lifted so ` +
      (`the one elder is not stopped by it), ${SPEND_CONCURRENCY}` +
        ` in flight, each wallet pre-credited with one allowance lot big enough `) +
      ("for all its holds. A hold that loses a race (its wallet's version or " +
        'lot changed: ConditionalCheckFailed) is re-planned from ') +
      (`fresh reads up to ${LEDGER_RETRIES}` +
        ` times, then fails with CONFLICT; a TransactionConflict is retried as is by the store `) +
      `(up to ${CONTENTION_RETRIES} times). Holds/s counts successful holds; latency is of successful holds.`,
    '',
    '| wallets | holds ok | failed | time | rate | TransactWriteItems | ' +
      'cancelled, by reason | latency p50 / p95 | verifyLedger after |',
    '| --- | ---: | --- | ---: | ---: | --- | --- | ---: | --- |',
    spendRow(`${spread200.wallets} distinct`, spread200),
    spendRow(`${onlyOne.wallets} (the same)`, onlyOne),
    '',
    `- One wallet vs distinct wallets: ${(rate(onlyOne) / rate(spread200)).toFixed(3)}× the rate ` +
      (`(${perSec(onlyOne.outcomes.get('ok') ?? 0, onlyOne.ms, 'holds')} vs ` +
        `${perSec(spread200.outcomes.get('ok') ?? 0, spread200.ms, 'holds')}). `) +
      `Reads on one wallet: ${int(onlyOne.tally.gets)} GetItem and ${int(onlyOne.tally.queries)} Query in all ` +
      (`(${(onlyOne.tally.gets / SPEND_HOLDS).toFixed(1)} and ` +
        `${(onlyOne.tally.queries / SPEND_HOLDS).toFixed(1)} per hold, re-plans included; `) +
      (`${(spread200.tally.gets / SPEND_HOLDS).toFixed(1)} and ` +
        `${(spread200.tally.queries / SPEND_HOLDS).toFixed(1)} on distinct wallets).`),
    `- Whole bench: ${fmtMs(r.benchMs)} including DynamoDB Local start-up. Peak RSS of the bench process: ` +
      `${peakRssMb().toFixed(0)} MB. 1-minute load average ${r.loadAtStart.toFixed(1)} at the start and ` +
      (`${load1().toFixed(1)} at the end, on ${os.cpus().length}` +
        ` cores: other work on this machine shared them, so every time above is an upper bound.`),
  ].join('\n');
};

/** The `bench:ledger-100k` section: the issuance alone at `n` elders, key-checked, which took `ms`. */
export const forcedReport = (n: number, r: IssuanceResult, ms: number): string => {
  const limit = Math.floor(r.elders * HOT_ITEM_SHARE);
  const hottest = r.top[0];
  const credited = r.run.issued + r.run.already;
  return [
    `## Monthly issuance at ${int(r.elders)} elders`,
    '',
    provenance(`LEDGER_BENCH_ELDERS=${n} npx tsx bench/ledger.ts`),
    '',
    'The same issuance as in the ledger section above (profiles written ' +
      'with BatchWriteItem, then `commitIssuance` for one month ' +
      ('on DynamoDB Local), at the full size the issue asks for. The full ' +
        '`verifyLedger` Scan is not run at this size (it grows with ') +
      ('the square of the table on DynamoDB Local: 318 s at 30,000); instead ' +
        'the 128 issuance shards are read by key and must sum ') +
      'to minus the points issued. The full verify runs at 30,000 in `npm run bench` and after every test suite.',
    '',
    '| step | time | rate |',
    '| --- | ---: | ---: |',
    `| setup: build records + BatchWriteItem of the profiles | ${fmtMs(r.setupMs)} | ` +
      `${perSec(r.elders, r.setupMs, 'elders')} |`,
    `| \`commitIssuance\`, one month | ${fmtMs(r.issueMs)} | ` +
      `${perSec(credited + r.run.skipped, r.issueMs, 'elders')} |`,
    '',
    `- Run: ${int(r.run.issued)} credited, ${int(r.run.skipped)} skipped, **` +
      `${int(r.run.points)} points**; status ${r.run.status}; ` +
      (`${int(r.tally.transactions)} transactions, ${int(r.tally.txSent - r.tally.transactions)}` +
        ` cancelled (${fmtCounts(r.tally.cancelled)}).`),
    `- Rate over the first ${PROGRESS_SHARE * 100}% ${perSec(r.early, 1000, 'elders')}` +
      `, over the last ${PROGRESS_SHARE * 100}% ${perSec(r.late, 1000, 'elders')}.`,
    `- Most writes on one item, goal <= ${int(limit)} (1% of ${int(r.elders)}): **` +
      `${hottest ? int(hottest.writes) : 0} → ` +
      `${hottest && hottest.writes <= limit ? 'met' : 'missed'}** ` +
      `(${r.top.map((t) => `\`${splitKey(t.key).pk}\` ${int(t.writes)}`).join(', ')}).`,
    `- Key check of the issuance shards: ${verifyLine(r.verify)}.`,
    `- Whole run ${fmtMs(ms)}.`,
  ].join('\n');
};
