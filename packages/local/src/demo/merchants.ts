// Demo alliance around the 曾都区 communities: 36 merchants over the five categories, a third
// of the repairers and domestic helpers coming to the home. Deterministic (seeded), clearly fake:
// phones in the 170-0002 test range, credit codes with a valid check character but made up.
import { DEMO_COMMUNITIES, demoElderPhonesForLogin, demoElders, seededRandom } from './district';
import {
  usccCheckChar,
  type MerchantApplication,
  type ServiceInput,
  type WeeklyHours,
} from '@tmc/core/merchants/model';

const NAMES: Record<string, string[]> = {
  barber: ['老街理发店', '红梅美发', '快剪坊', '银发理发屋', '阿芳发艺', '社区便民理发点', '东关剪艺'],
  repair: ['师傅到家维修', '便民水电', '老王家电修理', '安居维修站', '一通管道疏通', '明亮电器维修', '邻里修缮队'],
  domestic: ['暖心家政', '好帮手保洁', '巧手家政服务', '邻家阿姨', '安心陪护', '洁净之家', '夕阳红家政'],
  clinic: ['社区卫生服务站', '仁心诊所', '康宁推拿', '随州中医馆', '健康小屋', '惠民药房', '颐康理疗'],
  canteen: ['幸福长者食堂', '邻里助餐点', '老年爱心餐厅', '家常菜馆', '社区食堂', '暖胃粥铺', '福寿助餐'],
};
const SERVICE: Record<string, { name: string; points: number; fen: number; minutes: number }[]> = {
  barber: [
    { name: '老人理发', points: 15, fen: 2000, minutes: 30 },
    { name: '修面剃须', points: 8, fen: 1000, minutes: 20 },
  ],
  repair: [
    { name: '水管维修', points: 30, fen: 5000, minutes: 60 },
    { name: '电器检修', points: 40, fen: 6000, minutes: 60 },
  ],
  domestic: [
    { name: '居家保洁 2小时', points: 50, fen: 8000, minutes: 120 },
    { name: '助浴', points: 40, fen: 6000, minutes: 60 },
  ],
  clinic: [
    { name: '血压血糖检测', points: 5, fen: 1000, minutes: 15 },
    { name: '推拿理疗', points: 30, fen: 5000, minutes: 45 },
  ],
  canteen: [
    { name: '午餐一份', points: 8, fen: 1200, minutes: 30 },
    { name: '送餐上门', points: 12, fen: 1500, minutes: 30 },
  ],
};
const HOURS: WeeklyHours = {
  mon: [['08:00', '18:00']],
  tue: [['08:00', '18:00']],
  wed: [['08:00', '18:00']],
  thu: [['08:00', '18:00']],
  fri: [['08:00', '18:00']],
  sat: [['09:00', '17:00']],
  sun: [['09:00', '12:00']],
};

/** Shops stand within this distance of their community's anchor: well inside the default
 * ten-minute walk (369 m), so a printed demo elder never starts with an empty list. */
export const DEMO_SHOP_SPREAD_M = 150;
const M_PER_DEG_LAT = 111_320;

/** Where a community's shops cluster: the middle of the homes of the demo elders whose phones
 * are printed for trying the login (their first search must find every category on foot), or
 * the community centre where none of them lives. An elder without coordinates searches from the
 * centre, so the centre stands in for that home. */
const shopAnchors = (): Map<string, { lat: number; lng: number }> => {
  const homes = new Map<string, { lat: number; lng: number }[]>();
  const roster = demoElders();
  for (const phone of demoElderPhonesForLogin) {
    const e = roster.find((x) => x.phone === phone);
    const c = DEMO_COMMUNITIES.find((x) => x.code === e?.community_code);
    if (!e || !c) continue;
    homes.set(c.code, [...(homes.get(c.code) ?? []), e.location ?? c.centroid]);
  }
  return new Map(
    DEMO_COMMUNITIES.map((c) => {
      const hs = homes.get(c.code) ?? [c.centroid];
      return [
        c.code,
        { lat: hs.reduce((s, h) => s + h.lat, 0) / hs.length, lng: hs.reduce((s, h) => s + h.lng, 0) / hs.length },
      ];
    }),
  );
};

export type DemoMerchant = { phone: string; application: MerchantApplication; services: ServiceInput[] };

export const demoMerchants = (seed = 11): DemoMerchant[] => {
  const rnd = seededRandom(seed);
  const out: DemoMerchant[] = [];
  const cats = Object.keys(NAMES);
  const anchors = shopAnchors();
  for (let i = 0; i < 36; i++) {
    const category = cats[i % cats.length] ?? 'barber';
    const community = DEMO_COMMUNITIES[i % DEMO_COMMUNITIES.length];
    if (!community) continue;
    const body = `91421303MA${String(1000000 + i * 7919).slice(-7)}`;
    const uscc = body + (usccCheckChar(body) ?? '0');
    const homeVisit = (category === 'repair' || category === 'domestic') && i % 3 === 0;
    // Uniform over a disc around the anchor (radius ~ sqrt(u)); i % 6 and i % 5 pair every
    // community with every category in the first 30 shops, so each cluster has all five.
    const anchor = anchors.get(community.code) ?? community.centroid;
    const r = DEMO_SHOP_SPREAD_M * Math.sqrt(rnd());
    const theta = 2 * Math.PI * rnd();
    const location = {
      lat: Math.round((anchor.lat + (r * Math.cos(theta)) / M_PER_DEG_LAT) * 1e6) / 1e6,
      lng:
        Math.round(
          (anchor.lng + (r * Math.sin(theta)) / (M_PER_DEG_LAT * Math.cos((anchor.lat * Math.PI) / 180))) * 1e6,
        ) / 1e6,
    };
    out.push({
      phone: `1700002${String(i).padStart(4, '0')}`,
      application: {
        business_name: NAMES[category]?.[Math.floor(i / cats.length) % 7] ?? `商户${i}`,
        uscc,
        licence_number: `JY${body.slice(-8)}`,
        licence_expires_on: '2029-12-31',
        contact_name: '店主',
        contact_phone: `1700002${String(i).padStart(4, '0')}`,
        address: `${community.street_name}${community.name} 临街${1 + (i % 30)}号`,
        location,
        community_code: community.code,
        categories: [category],
      },
      services: (SERVICE[category] ?? []).map((s, j) => ({
        name: s.name,
        category,
        price_points: s.points,
        ref_price_fen: s.fen,
        duration_min: s.minutes,
        mode: homeVisit && j === 0 ? 'home_visit' : 'onsite',
        radius_m: homeVisit && j === 0 ? 2000 + Math.floor(rnd() * 2000) : null,
        hours: HOURS,
        closed_dates: [],
        slot_minutes: 60,
        capacity_per_slot: 1 + (i % 3),
      })),
    });
  }
  return out;
};
