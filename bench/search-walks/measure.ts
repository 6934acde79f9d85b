// The search-walks bench's searches: `searchServices` over the store's `searchIndex` at walks of
// 10, 30 and 60 minutes, its Queries metered, and every service it found (all hits, not only the
// first page) compared with a brute-force truth computed in memory over the city's services.
import type { LatLng } from '@tmc/core/areas/model';
import { isMatchable, type ServiceCard } from '@tmc/core/merchants/model';
import { circleRadiusM, distanceM, hvCellOf, type Walking } from '@tmc/core/search/geo';
import { inCircle, searchServices, SEARCH_LIMIT_MAX, type SearchPort } from '@tmc/core/search/search';
import type { MerchantStore } from '@tmc/store/entities/merchants';
import { keys } from '@tmc/store/keys';
import { progress } from '../fixtures/entry';
import { CATEGORY, merchantOf, serviceOf, type Site } from '../fixtures/geo-city';
import type { Meter } from '../fixtures/metering';
import { mean, sum } from '../fixtures/stats';
import { NOW, SETS, WALK, type SetName } from '../geo/config';

export const WALK_MINUTES = [10, 30, 60] as const; // 60 is the most GET /api/search accepts
export const ORIGINS_USED = 50; // the first 50 of each of the geo bench's 200-origin sets: a short run
export const WARMUP_SEARCHES = 5; // per walk and origin set, before the measured ones: JIT, the JVM's caches
export const MISSED_SHOWN = 5; // ids of missed or extra services named in the error

export const log = progress('search-walks'); // progress on stderr; the report on stdout

export const walkOf = (minutes: number): Walking => ({ ...WALK, minutes });

/** What brute force needs of a service: where it is and how it is reached. */
export type Candidate = { id: string; location: LatLng; mode: ServiceCard['mode']; radius_m: number | null };

/** Services a search of the bench's category may find: matchable (merchant approved, service
 * active, merchant listed in the category: what `save` indexes) and of that category. */
export const candidatesOf = (sites: readonly Site[]): Candidate[] =>
  sites.flatMap((s) => {
    const m = merchantOf(s);
    const svc = serviceOf(s);
    if (!isMatchable(m, svc) || svc.category !== CATEGORY) return [];
    return [{ id: svc.service_id, location: m.location, mode: svc.mode, radius_m: svc.radius_m }];
  });

/** Brute force over every candidate, with the rule of `inCircle` written out (not called, so the
 * index is checked against the rule rather than against itself): on-site within `radius_m` of the
 * origin by `distanceM`, home visits whose own travel radius reaches the origin. */
export const truthOf = (cands: readonly Candidate[], origin: LatLng, radius_m: number): Set<string> => {
  const out = new Set<string>();
  for (const c of cands) {
    const d = distanceM(origin, c.location);
    if (c.mode === 'home_visit' ? c.radius_m !== null && d <= c.radius_m : d <= radius_m) out.add(c.id);
  }
  return out;
};

/** One search: its Queries and items read (metered), what it returned, and against the truth. */
export type Sample = {
  queries: number; // Query requests, pages included
  read: number; // items read: ScannedCount of those Queries
  returned: number; // `total`: every hit, not only the first page
  onsite_read: number; // of `read`, what the strip Queries read (the rest: the home-visit cell Query)
  onsite_returned: number; // of `returned`, on-site services (the rest: home visits)
  truth: number; // services brute force says the search must find
  found: number; // of those, how many it returned
  extra: number; // returned but not in the truth set
  truncated: boolean;
  ms: number;
  missedIds: string[];
  extraIds: string[];
};

export type Row = { size: number; minutes: number; radius: number; set: SetName; samples: Sample[] };

export type Searcher = (origin: LatLng, walking: Walking, truth: ReadonlySet<string>) => Promise<Sample>;

/** Searches through `searchServices` as GET /api/search runs it, the store's Queries counted by `meter`. */
export const createSearcher = (store: MerchantStore, meter: Meter): Searcher => {
  // searchServices returns the first 50 hits only: the cards searchIndex returned are kept so the
  // bench sees every hit (searchServices' own filter, applied to them again, must give `total`).
  let lastCards: ServiceCard[] = [];
  const port: SearchPort = {
    slotsTaken: (slots) => store.slotsTaken(slots), // one BatchGet per round for the page: not a Query
    ratingsOf: (ids) => store.ratingsOf(ids), // likewise
    searchIndex: async (category, origin, radius_m, bounds) => {
      const r = await store.searchIndex(category, origin, radius_m, bounds);
      lastCards = r.cards;
      return r;
    },
  };
  return async (origin, walking, truth) => {
    lastCards = [];
    meter.reset({ trackQueries: true });
    const t0 = performance.now();
    const args = { category: CATEGORY, origin, walking, now: NOW, limit: SEARCH_LIMIT_MAX, offset: 0 };
    const r = await searchServices(port, args);
    const ms = performance.now() - t0;
    const tally = meter.take();
    const seen = tally.queryReads ?? [];
    if (tally.queries !== r.queries || sum(seen.map((q) => q.scanned)) !== r.items_read)
      throw new Error('query counter disagrees with searchIndex queries / items_read');
    const radius = circleRadiusM(walking);
    const hits = lastCards.filter((c) => inCircle(c, origin, radius).ok);
    const ids = hits.map((c) => c.service_id);
    const hvPk = keys.geoHomeVisitPk(CATEGORY, hvCellOf(origin));
    if (ids.length !== r.total) throw new Error(`hits ${ids.length} != total ${r.total}`);
    const got = new Set(ids);
    const missedIds = [...truth].filter((id) => !got.has(id));
    const extraIds = ids.filter((id) => !truth.has(id));
    return {
      queries: r.queries,
      read: r.items_read,
      returned: r.total,
      onsite_read: sum(seen.filter((q) => q.pk !== hvPk).map((q) => q.scanned)),
      onsite_returned: hits.filter((c) => c.mode === 'onsite').length,
      truth: truth.size,
      found: truth.size - missedIds.length,
      extra: extraIds.length,
      truncated: r.truncated,
      ms,
      missedIds,
      extraIds,
    };
  };
};

/** Every walk and origin set of one city size (`cands`: every service so far). */
export const measureCity = async (
  search: Searcher,
  size: number,
  cands: readonly Candidate[],
  origins: Record<SetName, readonly LatLng[]>,
): Promise<Row[]> => {
  const rows: Row[] = [];
  for (const minutes of WALK_MINUTES) {
    const walking = walkOf(minutes);
    const radius = circleRadiusM(walking);
    for (const set of SETS) {
      const os = origins[set];
      const truths = os.map((o) => truthOf(cands, o, radius)); // before the searches: not timed
      for (const [i, o] of os.slice(0, WARMUP_SEARCHES).entries()) await search(o, walking, truths[i] ?? new Set());
      const samples: Sample[] = [];
      for (const [i, o] of os.entries()) samples.push(await search(o, walking, truths[i] ?? new Set()));
      rows.push({ size, minutes, radius, set, samples });
      log(
        `  ${minutes} min ${set}: ${mean(samples.map((s) => s.queries)).toFixed(1)} Queries, ` +
          `${mean(samples.map((s) => s.read)).toFixed(1)} read, ${mean(samples.map((s) => s.returned)).toFixed(1)} ` +
          `returned per search; missed ${sum(samples.map((s) => s.truth - s.found))}, ` +
          `extra ${sum(samples.map((s) => s.extra))}`,
      );
    }
  }
  return rows;
};
