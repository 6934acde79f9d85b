// The geo bench's searches: ours through `searchServices` over the store's `searchIndex` (its
// Queries metered), the peer's through `queryRadius`, and one city size's measurement: every origin
// through every index, the cross-check of their on-site results, and the S2 reference's reads.
import type { LatLng } from '@tmc/core/areas/model';
import type { ServiceCard } from '@tmc/core/merchants/model';
import { distanceM, hvCellOf } from '@tmc/core/search/geo';
import { inCircle, searchServices, SEARCH_LIMIT_MAX, type SearchPort } from '@tmc/core/search/search';
import type { MerchantStore } from '@tmc/store/entities/merchants';
import { keys } from '@tmc/store/keys';
import { CATEGORY, type Site } from '../fixtures/geo-city';
import type { Peer } from '../fixtures/geo-peer';
import type { Meter } from '../fixtures/metering';
import { sum } from '../fixtures/stats';
import { fmtSize, log, NOW, peerName, SETS, WALK, WARMUP_SEARCHES, type SetName } from './config';
import { summary, type Row, type Sample } from './samples';
import { countIn, s2Covering, sortedLeaves } from './s2-reference';

export type Searchers = {
  ours: (origin: LatLng) => Promise<Sample>;
  peer: (peer: Peer, origin: LatLng) => Promise<Sample>;
};

/** Searches of a `radius` circle through our index (its Queries counted by `meter`) and a peer's. */
export const createSearchers = (store: MerchantStore, meter: Meter, radius: number): Searchers => {
  // What searchServices is given: the store's searchIndex, with the cards it returned kept so the
  // bench can tell on-site hits from home visits (searchServices returns only the first 50 hits).
  let lastCards: ServiceCard[] = [];
  const port: SearchPort = {
    slotsTaken: (slots) => store.slotsTaken(slots), // one BatchGet per page, not counted as a Query
    ratingsOf: (ids) => store.ratingsOf(ids), // likewise
    searchIndex: async (category, origin, radius_m, bounds) => {
      const r = await store.searchIndex(category, origin, radius_m, bounds);
      lastCards = r.cards;
      return r;
    },
  };

  const searchOurs = async (origin: LatLng): Promise<Sample> => {
    meter.reset({ trackQueries: true });
    const t0 = performance.now();
    const r = await searchServices(port, {
      category: CATEGORY,
      origin,
      walking: WALK,
      now: NOW,
      limit: SEARCH_LIMIT_MAX,
      offset: 0,
    });
    const ms = performance.now() - t0;
    const seen = meter.take().queryReads ?? [];
    if (sum(seen.map((q) => q.scanned)) !== r.items_read)
      throw new Error('query counter disagrees with searchIndex items_read');
    const hvPk = keys.geoHomeVisitPk(CATEGORY, hvCellOf(origin));
    const onsiteIds = lastCards
      .filter((c) => c.mode === 'onsite' && inCircle(c, origin, radius).ok)
      .map((c) => c.service_id);
    return {
      queries: r.queries,
      read: r.items_read,
      returned: r.total,
      ms,
      onsite_ids: onsiteIds,
      onsite_returned: onsiteIds.length,
      onsite_read: sum(seen.filter((q) => q.pk !== hvPk).map((q) => q.scanned)),
    };
  };
  const searchPeer = async (peer: Peer, origin: LatLng): Promise<Sample> => {
    const r = await peer.search(origin, radius);
    return {
      queries: r.queries,
      read: r.items_read,
      returned: r.ids.length,
      ms: r.ms,
      onsite_ids: r.ids,
      onsite_read: r.items_read,
      onsite_returned: r.ids.length,
    };
  };

  return { ours: searchOurs, peer: searchPeer };
};

/** What the searches of every city size add up to, for the report. */
export type SearchResults = {
  rows: Row[];
  s2Rows: { size: number; set: SetName; s2Read: number; oursOnsiteRead: number; onsiteReturned: number }[];
  mismatches: Map<string, number>; // peer vs ours, on-site ids per search
  edgeGaps: number[]; // for services only one index returned: | distance - radius | in metres
};

/** The searches of one city size (`city`: every service so far), added to `out`. */
export const measureSize = async (
  search: Searchers,
  size: number,
  stepPeers: readonly Peer[],
  origins: Record<SetName, LatLng[]>,
  radius: number,
  city: { sites: readonly Site[]; byId: ReadonlyMap<string, Site> },
  out: SearchResults,
): Promise<void> => {
  const { rows, s2Rows, mismatches, edgeGaps } = out;
  const byId = city.byId;
  const originsOf = (set: SetName): LatLng[] => origins[set];

  // Searches: every origin through every index, one search at a time, the order rotating per
  // origin so no index always runs right after another's (cache warmth, GC).
  const leaves = sortedLeaves(city.sites);
  for (const set of SETS) {
    const os_ = originsOf(set);
    for (const o of os_.slice(0, WARMUP_SEARCHES)) {
      await search.ours(o);
      for (const peer of stepPeers) await search.peer(peer, o);
    }
    const runners: { index: string; run: (o: LatLng) => Promise<Sample> }[] = [
      { index: 'ours', run: search.ours },
      ...stepPeers.map((peer) => ({ index: peerName(peer.hashKeyLength), run: (o: LatLng) => search.peer(peer, o) })),
    ];
    const bySystem = new Map<string, Sample[]>(runners.map((r) => [r.index, []]));
    for (let i = 0; i < os_.length; i++) {
      const o = os_[i];
      if (!o) continue;
      for (let k = 0; k < runners.length; k++) {
        const runner = runners[(i + k) % runners.length];
        if (runner) bySystem.get(runner.index)?.push(await runner.run(o));
      }
    }
    for (const [index, samples] of bySystem) rows.push({ size, set, index, samples });

    // Cross-check: an exact index returns the same on-site services as any other exact index.
    const oursSamples = bySystem.get('ours') ?? [];
    for (const peer of stepPeers) {
      const name = peerName(peer.hashKeyLength);
      const theirs = bySystem.get(name) ?? [];
      let diff = 0;
      oursSamples.forEach((s, i) => {
        const a = new Set(s.onsite_ids);
        const b = new Set(theirs[i]?.onsite_ids ?? []);
        const only = [...[...a].filter((id) => !b.has(id)), ...[...b].filter((id) => !a.has(id))];
        if (only.length === 0) return;
        diff++;
        const o = os_[i];
        for (const id of only) {
          const site = byId.get(id);
          if (site && o) edgeGaps.push(Math.abs(distanceM(o, site) - radius));
        }
      });
      mismatches.set(`${name} ${fmtSize(size)} ${set}`, diff);
    }
    // The S2 reference: on-site items an 8-cell covering of each circle would read at this size.
    const s2Read = sum(os_.map((o) => sum(s2Covering(o, radius).cells.map((c) => countIn(leaves, c)))));
    s2Rows.push({
      size,
      set,
      s2Read,
      oursOnsiteRead: sum(oursSamples.map((s) => s.onsite_read)),
      onsiteReturned: sum(oursSamples.map((s) => s.onsite_returned)),
    });
    log(
      `  ${set}: ` +
        runners.map((r) => `${r.index} ${summary(bySystem.get(r.index) ?? []).read.toFixed(1)} read/search`).join('; '),
    );
  }
};
