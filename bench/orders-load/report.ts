// The orders-load bench's section of docs/BENCHMARKS.md (`bench:orders-load`): the rounds, latency
// per endpoint, where the load landed, the ratings by merchant size, the ledger check and the setup.
import os from 'node:os';
import { ATTEMPT_RULES } from '@tmc/core/auth/attempts';
import { DEFAULT_CATEGORIES, DEFAULT_POLICY } from '@tmc/core/policy/model';
import type { VerifyReport } from '@tmc/store/ledger-verify';
import { TRANSACT_MAX_ITEMS } from '@tmc/store/tx';
import { fmtCounts, fmtMs, int } from '../fixtures/format';
import { provenance } from '../fixtures/report';
import { peakRssMb, quantile } from '../fixtures/stats';
import { addressesUsed, REQUEST_TIMEOUT_MS } from './client';
import {
  CONCURRENCY,
  ELDERS,
  ENDPOINT,
  EXPECTED_CODES,
  FALLBACK_CONCURRENCY,
  FIRST_BODIES,
  FLOWS,
  RATING,
  SEARCH_MINUTES,
  STEPS,
  type Round,
} from './flow';

const TOP_MERCHANTS = 3; // the busiest merchants named in the report
const MS_PER_S = 1000;

/** What the run measured, for the report. */
export type LoadRun = {
  rounds: readonly Round[];
  elders: number; // signed in
  merchants: ReadonlyMap<string, string>; // signed in: merchant_id -> bearer token
  merchantPhones: number; // demo merchants seeded
  indexCards: ReadonlyMap<string, number>; // index cards per merchant
  points: { allowance: number[]; dearest: number; maxRounds: number; topUpPoints: number };
  verify: VerifyReport;
  verifyMs: number;
  startMs: number;
  signInMs: number;
  signInLatencies: number[];
  flowsCpuMs: number;
  flowsWallMs: number;
  loadAtStart: number;
  benchStart: number;
};

export const report = (run: LoadRun): string => {
  const { rounds, merchants, indexCards, verify: report, verifyMs, startMs, signInMs, signInLatencies } = run;
  const { flowsCpuMs, flowsWallMs, loadAtStart, benchStart } = run;
  const { allowance, dearest, maxRounds, topUpPoints } = run.points;
  const first = rounds[0];
  const headline = rounds[rounds.length - 1];
  if (!headline) throw new Error('no round ran');
  const fitsOneTx = (id: string): boolean => 1 + (indexCards.get(id) ?? 0) <= TRANSACT_MAX_ITEMS;
  const maxRssMb = peakRssMb();
  const row = (r: Round): string => {
    const unexpected = [...r.unexpected.values()].reduce((s, n) => s + n, 0);
    const expected = [...r.expected.values()].reduce((s, n) => s + n, 0);
    return (
      `| ${r.concurrency} | ${r.completed} of ${FLOWS} | ` +
      `${expected === 0 ? '0' : `${expected}: ${fmtCounts(r.expected)}`} | ` +
      `${unexpected === 0 ? '**0**' : `**${unexpected}**: ${fmtCounts(r.unexpected)}`} | ${fmtMs(r.wallMs)} | ` +
      `${((r.completed * MS_PER_S) / r.wallMs).toFixed(1)} | ${((r.requests * MS_PER_S) / r.wallMs).toFixed(1)} |`
    );
  };
  const latencyRows = (r: Round): string[] =>
    STEPS.map((s) => {
      const xs = r.latencies.get(ENDPOINT[s]) ?? [];
      return xs.length === 0
        ? `| ${r.concurrency} | \`${ENDPOINT[s]}\` | 0 | — | — | — |`
        : `| ${r.concurrency} | \`${ENDPOINT[s]}\` | ${xs.length} | ${fmtMs(quantile(xs, 0.5))} | ` +
            `${fmtMs(quantile(xs, 0.95))} | ${fmtMs(Math.max(...xs))} |`;
    });
  const unexpectedOf = (r: Round): number => [...r.unexpected.values()].reduce((s, n) => s + n, 0);
  const bodies = rounds.flatMap((r) =>
    r.firstBodies.length === 0
      ? []
      : [
          `First unexpected answers at ${r.concurrency} in flight (${r.firstBodies.length} of ${unexpectedOf(r)}):`,
          '',
          ...r.firstBodies.map((b) => `- \`${b.replaceAll('`', "'")}\``),
          '',
        ],
  );
  const cardRange = (ids: readonly string[]): string => {
    const ns = ids.map((id) => indexCards.get(id) ?? 0);
    return ns.length === 0 ? '—' : `${Math.min(...ns)}–${Math.max(...ns)}`;
  };
  const smallIds = [...merchants.keys()].filter(fitsOneTx);
  const bigIds = [...merchants.keys()].filter((id) => !fitsOneTx(id));
  const rateBy = (r: Round, ids: readonly string[]): string => {
    const xs = ids.flatMap((id) => r.rateMs.get(id) ?? []);
    return xs.length === 0
      ? 'no ratings'
      : `${xs.length} ratings, p50 ${fmtMs(quantile(xs, 0.5))} / p95 ${fmtMs(quantile(xs, 0.95))}`;
  };
  const spread = (r: Round): string => {
    const counts = [...r.perMerchant.values()].sort((a, b) => b - a);
    return (
      `${r.concurrency} in flight: ${r.perMerchant.size} distinct merchants, the busiest ` +
      `${counts.slice(0, TOP_MERCHANTS).join(', ')} flows`
    );
  };
  const choked = rounds.length > 1;
  const noHits = [...headline.noHit.values()].reduce((s, n) => s + n, 0);

  return [
    '## Orders under load over HTTP',
    '',
    provenance('npm run bench', 'npx tsx bench/orders-load.ts'),
    '',
    '`startLocal` (DynamoDB Local with its data in a fresh temp DATA_DIR, ' +
      'the full app server, the demo seed: 200 elders, ' +
      (`${run.merchantPhones} merchants, this month's allowance) on a free port; ${ELDERS}` +
        ` demo elders with a phone and all `) +
      (`${merchants.size}` +
        ` demo merchants signed in by phone code (\`POST /api/auth/otp\` from 127.0.0.1–` +
        `${addressesUsed()}, `) +
      (`${ATTEMPT_RULES.otp_send_per_address.max}` +
        ` per address, the server's hourly limit; code read from the dev outbox, `) +
      (`\`POST /api/auth/otp/verify\`) for bearer tokens. Then ${FLOWS}` +
        ` order flows through \`fetch\` to the server: search `) +
      `(\`GET /api/search?category=…&minutes=${SEARCH_MINUTES}\` as the elder; each elder's flows rotate through the ` +
      (`${DEFAULT_CATEGORIES.length}` +
        ` categories) → book the first on-site hit as a walk-in (\`slot_start: null\`, unique `) +
      ('Idempotency-Key) → the merchant accepts → the merchant completes with ' +
        'the code from the booking response → the ') +
      (`elder rates ${RATING.stars} stars. Expected rejections are the business refusals ` +
        `${[...EXPECTED_CODES].join(', ')}; `) +
      ('anything else (another code, a 5xx, no answer) is unexpected. The ' +
        'server runs in the bench process (one event loop ') +
      ('for client and server) and DynamoDB Local on the same cores: latencies ' +
        "are this machine's, not Lambda's and DynamoDB's."),
    '',
    `Concurrency: **${headline.concurrency} in flight**` +
      (choked
        ? ` — at ${CONCURRENCY} in flight ${first?.noAnswer ?? 0}` +
          ` requests got no answer (socket error or over ${REQUEST_TIMEOUT_MS / MS_PER_S}` +
          ` s), so the flows ran again with ${FALLBACK_CONCURRENCY}; both rounds below.`
        : ` — the box did not choke: every request got an answer (none over ${REQUEST_TIMEOUT_MS / MS_PER_S} s).`),
    '',
    `Points: every elder was credited **${topUpPoints}` +
      ` points as a paid \`top_up\` lot** (\`credit()\`, never expires) before the ` +
      (`flows — ${Math.ceil(FLOWS / ELDERS)} flows × ${maxRounds} possible rounds × ${dearest}` +
        ` (the dearest on-site service). `) +
      (`Their allowance alone (${Math.min(...allowance)}–${Math.max(...allowance)}` +
        ` points this month under the default policy) `) +
      ('would not pay for five flows that include home help and repairs, and a ' +
        'refusal for points would say nothing about the load. ') +
      (`Caps unchanged: ${DEFAULT_POLICY.per_order_max_points} per order, ` +
        `${DEFAULT_POLICY.per_month_max_points} per month.`),
    '',
    '| in flight | flows completed (rated) | expected rejections | unexpected | wall time | flows/s | requests/s |',
    '| ---: | ---: | --- | --- | ---: | ---: | ---: |',
    ...rounds.map(row),
    '',
    'Request latency per endpoint (every request that got an HTTP answer, ' +
      'whatever its status; requests with no answer are not in it):',
    '',
    '| in flight | endpoint | requests | p50 | p95 | max |',
    '| ---: | --- | ---: | ---: | ---: | ---: |',
    ...rounds.flatMap(latencyRows),
    '',
    ...bodies,
    `- Flows with no on-site hit in the circle: ${noHits === 0 ? 'none' : fmtCounts(headline.noHit)}.`,
    `- Where the load landed (first on-site hit of each flow): ${rounds.map(spread).join('; ')}.`,
    "- Rating: after the order's own versioned change to `rated`, one " +
      "atomic ADD on the merchant's rating item (`MERCHANT#{id}`/`RATING`, " +
      ('store/entities/merchants.ts `addRating`: 1 item, per the code; no write ' +
        "metering here); search reads the page's ratings in one BatchGet " +
        '(`withRatings`). ') +
      'Successful ratings: ' +
      rounds
        .map(
          (r) =>
            `at ${r.concurrency} in flight, all ${rateBy(r, [...merchants.keys()])}; the ${bigIds.length} merchants ` +
            (`with home visits on ${TRANSACT_MAX_ITEMS}+ cards ${rateBy(r, bigIds)}; the ` +
              `${smallIds.length} others ${rateBy(r, smallIds)}`),
        )
        .join('; ') +
      `. Before this change, ` +
      (`per rating the ${bigIds.length} rewrote ${cardRange(bigIds)}` +
        ` cards (BatchWriteItem), the others ${cardRange(smallIds)} (one transaction): at aec0525 `) +
      '(2026-11-23) p50 84.0 s / p95 101.8 s vs 9781 ms / 14.2 s. Now a rating writes 1 item.',
    `- verifyLedger with the server up, after the flows: **${report.ok ? 'ok' : 'FAILED'}**; ` +
      `${int(report.counts.entries)} entries, ` +
      (`${int(report.counts.postings)} postings, ${int(report.counts.accounts)} accounts, ` +
        `${int(report.counts.lots)} lots, `) +
      (`${int(report.counts.holds)} holds, ${int(report.counts.reversals)}` +
        ` reversals (Scan of the whole table: ${fmtMs(verifyMs)})`) +
      (report.ok ? '.' : `; first problems: ${report.problems.slice(0, FIRST_BODIES).join('; ')}.`),
    `- Setup: server start with the demo seed ${fmtMs(startMs)}; ${run.elders + merchants.size}` +
      ` sign-ins one at a time ` +
      `${fmtMs(signInMs)} (verify and /api/me request p50 ${fmtMs(quantile(signInLatencies, 0.5))}).`,
    `- CPU of this process (client and server) during the flows: ${fmtMs(flowsCpuMs)} of ${fmtMs(flowsWallMs)} wall ` +
      (`(${((100 * flowsCpuMs) / flowsWallMs).toFixed(0)}` +
        `% of one core); the rest is DynamoDB Local's JVM and waiting for it. `) +
      (`1-minute load average ${loadAtStart.toFixed(1)} at the start, ` +
        `${headline.load1Before.toFixed(1)} before the flows and `) +
      (`${headline.load1After.toFixed(1)} after, on ${os.cpus().length}` +
        ` cores: other work on this machine shared them, so every time above is an upper bound.`),
    `- Whole bench: ${fmtMs(performance.now() - benchStart)}. Peak RSS of the bench process: ` +
      `${maxRssMb.toFixed(0)} MB.`,
  ].join('\n');
};
