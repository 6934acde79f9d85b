// The synthetic district of bench/analytics-coverage.ts: communities on a grid over a 24 km square around
// Suizhou, elders within 600 m of their community's centre (2% without a recorded home), services in five
// categories near a random community (so some communities are well served and others not at all), 10% of
// them home visits travelling 1-4 km. Seeded: the same sizes give the same district.
import { seededRandom } from '@tmc/local/demo/district';
import { M_PER_DEG, toRad } from '@tmc/core/search/geo';
import type { LatLng } from '@tmc/core/areas/model';
import type { CoverageElder, CoverageService } from '@tmc/core/analytics/coverage';

export const CENTRE: LatLng = { lat: 31.69, lng: 113.37 };
export const CATEGORIES = ['barber', 'repair', 'domestic', 'clinic', 'canteen'];
export const STREETS = 12;
export const COMMUNITIES_PER_STREET = 12; // 144 communities on a 12 x 12 grid, 2 km apart
const SPACING_M = 2_000;
const ELDER_SPREAD_M = 600;
const SERVICE_SPREAD_M = 1_500;
const UNLOCATED_SHARE = 0.02;
const HOME_VISIT_SHARE = 0.1;
const HV_MIN_M = 1_000;
const HV_MAX_M = 4_000;

const at = (c: LatLng, dx_m: number, dy_m: number): LatLng => ({
  lat: c.lat + dy_m / M_PER_DEG,
  lng: c.lng + dx_m / (M_PER_DEG * Math.cos(toRad(c.lat))),
});

export type Community = { code: string; centre: LatLng };
export const communities = (): Community[] => {
  const out: Community[] = [];
  const half = ((STREETS - 1) * SPACING_M) / 2;
  for (let s = 0; s < STREETS; s++)
    for (let c = 0; c < COMMUNITIES_PER_STREET; c++)
      out.push({
        code: `bench.s${String(s).padStart(2, '0')}.c${String(c).padStart(2, '0')}`,
        centre: at(CENTRE, c * SPACING_M - half, s * SPACING_M - half),
      });
  return out;
};

const around = (rnd: () => number, c: LatLng, r: number): LatLng => {
  const d = r * Math.sqrt(rnd());
  const a = rnd() * 2 * Math.PI;
  return at(c, d * Math.cos(a), d * Math.sin(a));
};

export const district = (
  elders: number,
  services: number,
): { elders: CoverageElder[]; services: CoverageService[] } => {
  const rnd = seededRandom(elders * 31 + services);
  const cs = communities();
  const pick = () => cs[Math.floor(rnd() * cs.length)] ?? cs[0]!;
  const es: CoverageElder[] = [];
  for (let i = 0; i < elders; i++) {
    const c = cs[i % cs.length]!;
    es.push({
      elder_id: `e${i}`,
      community_code: c.code,
      location: rnd() < UNLOCATED_SHARE ? null : around(rnd, c.centre, ELDER_SPREAD_M),
    });
  }
  const ss: CoverageService[] = [];
  for (let i = 0; i < services; i++) {
    const hv = rnd() < HOME_VISIT_SHARE;
    ss.push({
      service_id: `s${i}`,
      merchant_id: `m${Math.floor(i / 2)}`,
      category: CATEGORIES[Math.floor(rnd() * CATEGORIES.length)] ?? 'barber',
      mode: hv ? 'home_visit' : 'onsite',
      radius_m: hv ? Math.round(HV_MIN_M + rnd() * (HV_MAX_M - HV_MIN_M)) : null,
      location: around(rnd, pick().centre, SERVICE_SPREAD_M),
    });
  }
  return { elders: es, services: ss };
};
