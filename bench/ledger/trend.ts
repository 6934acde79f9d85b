// The issuance's growth curve (issue 13, goal 4): one run that issues a month to 10k, 30k and 100k
// elders in the same process, one after another, so the three figures share the machine, the build
// and the hour, and the trend between them is real rather than stitched from different runs. Each
// size gets a DynamoDB Local of its own (see bench/ledger.ts on why one shared JVM would measure the
// emulator's own slowdown instead of the ledger).
import { fmtMs, int, perSec } from '../fixtures/format';
import { provenance } from '../fixtures/report';
import type { IssuanceResult } from './issuance';

export const TREND_SIZES: readonly number[] = [10_000, 30_000, 100_000];

/** `LEDGER_BENCH_TREND=10000,30000,100000`: the sizes asked for, or the default three. */
export const trendSizes = (raw: string | undefined): number[] => {
  if (!raw || raw === '1') return [...TREND_SIZES];
  const sizes = raw.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isSafeInteger(n) || n < 100)) throw new Error(`bad LEDGER_BENCH_TREND: ${raw}`);
  return sizes;
};

export const trendReport = (results: readonly IssuanceResult[], command: string): string => {
  const first = results[0];
  const perElderUs = (r: IssuanceResult) => (r.issueMs * 1000) / r.elders;
  const rows = results.map((r) => {
    const hot = r.top[0];
    const growth = first ? perElderUs(r) / perElderUs(first) : 1;
    return (
      `| ${int(r.elders)} | ${fmtMs(r.setupMs)} | ${fmtMs(r.issueMs)} | ` +
      `${perSec(r.run.issued + r.run.already + r.run.skipped, r.issueMs, 'elders')} | ` +
      `${perElderUs(r).toFixed(0)} µs | ${growth.toFixed(2)} | ${fmtMs(r.issueCpuMs)} | ` +
      `${hot ? `${hot.key.replace('\t', ' ')} ${int(hot.writes)}` : '—'} | ${int(r.run.points)} |`
    );
  });
  return [
    '## Monthly issuance: the growth curve in one run',
    '',
    provenance(command),
    '',
    'Each size: the demo roster written with BatchWriteItem, then `commitIssuance` for one month, on a ' +
      'DynamoDB Local of its own, all sizes one after another in this one process. Checked by key (the 128 ' +
      'issuance shards must sum to minus the points issued), not by the full Scan. "per elder" is the ' +
      "issuance's wall time divided by the elders; growth is that figure over the smallest size's (1.00 = " +
      "linear). DynamoDB Local is one JVM on the same two cores: the rates are this machine's; the shape " +
      "of the curve and the hot-item counts are the code's.",
    '',
    '| elders | setup | commitIssuance | rate | per elder | growth | Node CPU | most-written item | points |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
    ...rows,
  ].join('\n');
};
