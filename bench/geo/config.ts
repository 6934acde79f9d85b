// What the geo bench measures and against which goals: city sizes, the walk, the peer's
// hashKeyLengths, the goals of the issue. Shared by the runner (bench/geo.ts) and its parts.
import { progress } from '../fixtures/entry';

export const QUICK = process.argv.includes('--quick');
export const CITY_SIZES: readonly number[] = QUICK ? [1_000, 10_000] : [1_000, 10_000, 100_000];
export const WALK = { minutes: 10, walking_m_per_min: 48, detour_factor: 1.3 };
// 10:00 on a Monday in Suizhou: opening hours do not filter search, but cards show them
export const NOW = new Date('2026-11-23T02:00:00Z');
export const SAVE_CONCURRENCY = 8; // merchants saved in parallel (distinct merchants never conflict)
export const WRITE_CONCURRENCY = 8; // BatchWriteItem requests in flight; more did not write faster on 2 cores
export const WARMUP_SEARCHES = 10; // per index and size, before the measured ones: JIT and the JVM's caches
export const PEER_DEFAULT_HASH_KEY_LENGTH = 2; // the JS port's documented default (the Java library's is 6)
/** The largest hashKeyLength whose Queries stay within our budget of 8 for this radius (its README:
 * pick the largest your searches allow). The report re-derives it from the library's coverings. */
export const PEER_TUNED_HASH_KEY_LENGTH = 7;
export const PEER_HASH_KEY_LENGTHS_TRIED = [2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
export const S2_MAX_CELLS = 8;
export const GOAL_QUERIES_MAX = 8;
export const GOAL_READ_PER_RETURNED = 1.5;
export const GOAL_COST_DRIFT = 0.1; // items read per centre search at 100k within 10% of 1k
export const PROGRESS_EVERY = 0.1; // log load progress every 10%

export type SetName = 'centre' | 'edge';
export const SETS: readonly SetName[] = ['centre', 'edge'];

// dynamodb-geo's hashKeyLength changes how many Queries a search splits into, not which items they
// read (the same geohash ranges, cut at hash-key boundaries). Both values are measured at the
// first size; after that only the tuned one, since the default would repeat the same Queries on
// the same items (checked per origin in the plan below and in the 1k searches) at ~0.2 s of CPU each.
export const PEER_LENGTHS = [PEER_DEFAULT_HASH_KEY_LENGTH, PEER_TUNED_HASH_KEY_LENGTH];
export const peerSizes = (hkl: number): readonly number[] =>
  hkl === PEER_TUNED_HASH_KEY_LENGTH ? CITY_SIZES : CITY_SIZES.slice(0, 1);
export const peerName = (hkl: number): string =>
  `dynamodb-geo, hashKeyLength ${hkl}${hkl === PEER_DEFAULT_HASH_KEY_LENGTH ? ' (default)' : ' (tuned)'}`;

export const fmtSize = (n: number): string => (n >= 1000 ? `${n / 1000}k` : String(n));

export const log = progress('geo'); // progress on stderr; the report on stdout
