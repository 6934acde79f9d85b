// Before any table: dynamodb-geo's own coverings of the centre circles (its Queries at each
// hashKeyLength), and how far from the centre any centre search reads, with our index or the peer's.
import type { LatLng } from '@tmc/core/areas/model';
import { distanceM, M_PER_DEG, planCircle, STRIP_LEVELS_M } from '@tmc/core/search/geo';
import { CENTRE, CENTRE_BLOCK_M, ORIGINS_PER_SET } from '../fixtures/geo-city';
import { peerPlan, type PeerPlan } from '../fixtures/geo-peer';
import { mean, timed } from '../fixtures/stats';
import {
  GOAL_QUERIES_MAX,
  log,
  PEER_DEFAULT_HASH_KEY_LENGTH,
  PEER_HASH_KEY_LENGTHS_TRIED,
  PEER_TUNED_HASH_KEY_LENGTH,
} from './config';

/** Farthest point from `c` that any search from `origins` reads: our strip rectangles' corners and
 * the peer's covering cells' vertices. Must stay inside the centre block, or growth would leak in. */
const readReach = (
  c: LatLng,
  origins: readonly LatLng[],
  plans: readonly PeerPlan[],
  radius_m: number,
): { ours: number; peer: number } => {
  let ours = 0;
  let peer = 0;
  for (const o of origins) {
    for (const q of planCircle(o, radius_m)) {
      const w = (STRIP_LEVELS_M[q.level] ?? 0) / M_PER_DEG;
      const left = q.strip * w - 180;
      for (const lng of [left, left + w]) {
        for (const lat of [Number(q.lat_lo) / 1e6 - 90, Number(q.lat_hi) / 1e6 - 90])
          ours = Math.max(ours, distanceM(c, { lat, lng }));
      }
    }
  }
  for (const p of plans) for (const v of p.cellVertices) peer = Math.max(peer, distanceM(c, v));
  return { ours, peer };
};

export const planSearches = async (centreOrigins: readonly LatLng[], radius: number) => {
  // dynamodb-geo's coverings of the centre circles, from its own code. nodes2ts (its S2 port) does
  // all arithmetic in decimal.js, ~0.2 s a covering here, so each is computed once.
  log(`planning dynamodb-geo's coverings for ${ORIGINS_PER_SET} centre origins`);
  const planned = await timed(async () => centreOrigins.map((o) => peerPlan(o, radius)));
  const plans = planned.value;

  // The centre block must contain everything a centre search reads, for the "same neighbourhood" claim.
  const reach = readReach(CENTRE, centreOrigins, plans, radius);
  if (Math.max(reach.ours, reach.peer) >= CENTRE_BLOCK_M)
    throw new Error(
      `centre searches read up to ${Math.round(Math.max(reach.ours, reach.peer))}` +
        ` m from the centre, beyond the ${CENTRE_BLOCK_M} m block`,
    );

  // Queries per search at each hashKeyLength (see PEER_LENGTHS), from the plan.
  const hklQueries = PEER_HASH_KEY_LENGTHS_TRIED.map((hkl) => {
    const qs = plans.map((p) => p.queriesAt(hkl));
    return { hkl, mean: mean(qs), max: Math.max(...qs) };
  });
  const tunedFromPlan = Math.max(...hklQueries.filter((h) => h.max <= GOAL_QUERIES_MAX).map((h) => h.hkl));
  const sameQueriesAsDefault = plans.every(
    (p) => p.queriesAt(PEER_DEFAULT_HASH_KEY_LENGTH) === p.queriesAt(PEER_TUNED_HASH_KEY_LENGTH),
  );
  return { planned, reach, hklQueries, tunedFromPlan, sameQueriesAsDefault };
};
