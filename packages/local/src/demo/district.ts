// Demo data: a district modelled on 曾都区, 随州 (three streets, six communities) and a roster of
// made-up elders. Deterministic for a seed (no Math.random), so demos, samples and benchmarks
// show the same people every time. Every ID number and phone here is fake by construction.
import type { AreaInput } from '@tmc/core/areas/model';
import { ElderInput, SPECIAL_CATEGORIES } from '@tmc/core/elders/model';
import { ageOn, idCheckChar } from '@tmc/core/elders/id-card';

export const DEMO_DISTRICT_CODE = 'zengdu';
export const DEMO_SEED = 42;

export type DemoCommunity = {
  code: string;
  name: string;
  street_code: string;
  street_name: string;
  centroid: { lat: number; lng: number };
};

const DISTRICT: AreaInput = { code: DEMO_DISTRICT_CODE, name: '曾都区', centroid: { lat: 31.69, lng: 113.37 } };

// Street centroids sit a few km apart around 随州's centre: 西城 west, 东城 east, 南郊 south.
const STREETS: readonly AreaInput[] = [
  { code: 'zengdu.xicheng', name: '西城街道', centroid: { lat: 31.7, lng: 113.355 } },
  { code: 'zengdu.dongcheng', name: '东城街道', centroid: { lat: 31.698, lng: 113.392 } },
  { code: 'zengdu.nanjiao', name: '南郊街道', centroid: { lat: 31.67, lng: 113.372 } },
];

const COMMUNITIES: readonly AreaInput[] = [
  { code: 'zengdu.xicheng.shengli', name: '胜利社区', centroid: { lat: 31.7045, lng: 113.3495 } },
  { code: 'zengdu.xicheng.yanhe', name: '沿河社区', centroid: { lat: 31.6952, lng: 113.3608 } },
  { code: 'zengdu.dongcheng.qingnian', name: '青年社区', centroid: { lat: 31.7031, lng: 113.3876 } },
  { code: 'zengdu.dongcheng.dongguan', name: '东关社区', centroid: { lat: 31.6923, lng: 113.3984 } },
  { code: 'zengdu.nanjiao.leigudun', name: '擂鼓墩社区', centroid: { lat: 31.6748, lng: 113.3651 } },
  { code: 'zengdu.nanjiao.jiliang', name: '季梁社区', centroid: { lat: 31.6642, lng: 113.3803 } },
];

/** Parent before child, so a loader can insert in order. */
export const DEMO_AREAS: readonly AreaInput[] = [DISTRICT, ...STREETS, ...COMMUNITIES];

const streetOf = (communityCode: string): AreaInput => {
  const street = STREETS.find((s) => communityCode.startsWith(`${s.code}.`));
  if (!street) throw new Error(`demo community outside the demo streets: ${communityCode}`);
  return street;
};

export const DEMO_COMMUNITIES: readonly DemoCommunity[] = COMMUNITIES.map((c) => {
  const street = streetOf(c.code);
  return { code: c.code, name: c.name, street_code: street.code, street_name: street.name, centroid: c.centroid };
});

/** The street and community names of a demo community code, as a roster CSV shows them. */
export const demoAreaNames = (communityCode: string): { street: string; community: string } => {
  const c = DEMO_COMMUNITIES.find((x) => x.code === communityCode);
  if (!c) throw new Error(`not a demo community: ${communityCode}`);
  return { street: c.street_name, community: c.name };
};

/** The importer's `resolveCommunity` for the demo district. */
export const demoResolveCommunity = (streetName: string, communityName: string): string | null =>
  DEMO_COMMUNITIES.find((c) => c.street_name === streetName && c.name === communityName)?.code ?? null;

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: tiny, fast and good enough for demo data; the point is reproducibility. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const makeRng = (seed: number) => {
  const next = seededRandom(seed);
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(xs: readonly T[]): T => {
    const x = xs[int(0, xs.length - 1)];
    if (x === undefined) throw new Error('pick from an empty list');
    return x;
  };
  /** Index drawn according to weights (need not sum to 1). */
  const weighted = (weights: readonly number[]): number => {
    const total = weights.reduce((s, w) => s + w, 0);
    let r = next() * total;
    for (const [i, w] of weights.entries()) {
      r -= w;
      if (r < 0) return i;
    }
    return weights.length - 1;
  };
  return { next, int, pick, weighted, chance: (p: number) => next() < p };
};

// ---------------------------------------------------------------------------------------------
// Elders

/** Ages are counted on this fixed date rather than today, so a seed yields the same birth dates
 * (and the same ID numbers) whenever the demo is built. */
export const DEMO_AGE_REFERENCE = new Date('2026-01-01T00:00:00Z');

/** Fake ID numbers: 421303 is 曾都区's area code, but the 3-digit sequence (positions 15–17) is
 * always 900–999, a range local police stations do not assign, so no number here is a real person's.
 * The sequence's last digit is odd for men and even for women, as GB 11643 requires. */
export const DEMO_ID_AREA = '421303';
const FAKE_SEQ_MIN = 900;
const FAKE_SEQ_MAX = 999;

/** Fake phones: 170 is a virtual-operator prefix and 1700000xxxx / 1700001xxxx are not issued to
 * subscribers; elders use the first block, emergency contacts (their children) the second. */
const ELDER_PHONE_PREFIX = '1700000';
const CONTACT_PHONE_PREFIX = '1700001';

/** Homes lie within this distance of the community centroid: a community (社区) is a few hundred
 * metres across in a county-level city. Kept just under 600 m so rounding never crosses it. */
export const DEMO_HOME_RADIUS_M = 590;
const M_PER_DEG_LAT = 111_320;

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '高',
  '林',
  '罗',
  '郑',
  '梁',
  '谢',
  '宋',
  '唐',
  '许',
  '韩',
  '冯',
  '邓',
  '曹',
  '彭',
  '曾',
  '肖',
  '田',
  '董',
  '袁',
  '潘',
  '余',
  '杜',
  '叶',
  '程',
  '魏',
  '吕',
  '丁',
  '任',
  '沈',
  '姚',
  '熊',
  '万',
  '汪',
] as const;
// Given names as that generation (born 1926–1966) was typically named.
const MALE_GIVEN = [
  '建国',
  '国华',
  '志强',
  '德明',
  '永福',
  '长生',
  '卫东',
  '振华',
  '文斌',
  '金山',
  '树林',
  '家兴',
  '明德',
  '福生',
  '保国',
  '学文',
  '光荣',
  '庆祥',
  '胜利',
  '春生',
  '德胜',
  '海清',
  '玉堂',
  '开明',
  '新民',
  '宝山',
  '富贵',
  '秋生',
  '成',
  '林',
] as const;
const FEMALE_GIVEN = [
  '秀英',
  '桂兰',
  '淑珍',
  '玉兰',
  '凤英',
  '秀兰',
  '桂英',
  '玉珍',
  '翠花',
  '兰芳',
  '春梅',
  '素芬',
  '慧敏',
  '丽华',
  '美华',
  '桂芳',
  '秀珍',
  '金凤',
  '月娥',
  '淑华',
  '冬梅',
  '玉梅',
  '菊香',
  '银花',
  '爱珍',
  '芳',
  '霞',
  '兰',
  '英',
  '琴',
] as const;
// Their children's generation, for emergency contacts.
const CHILD_GIVEN = [
  '伟',
  '磊',
  '静',
  '丽',
  '军',
  '敏',
  '勇',
  '艳',
  '强',
  '娟',
  '涛',
  '燕',
  '斌',
  '红',
  '辉',
  '平',
  '刚',
  '霞',
  '波',
  '杰',
] as const;

type Band = {
  min_age: number;
  max_age: number;
  weight: number;
  female_share: number;
  care: readonly [number, number, number];
};

/** Roughly the shape of an ageing Chinese county-level city: most elders in their sixties, women
 * the majority among the oldest, and disability rising with age. Care weights: 自理 / 半失能 / 失能. */
const AGE_BANDS: readonly Band[] = [
  { min_age: 60, max_age: 69, weight: 40, female_share: 0.5, care: [85, 12, 3] },
  { min_age: 70, max_age: 79, weight: 32, female_share: 0.54, care: [70, 22, 8] },
  { min_age: 80, max_age: 89, weight: 20, female_share: 0.6, care: [50, 35, 15] },
  { min_age: 90, max_age: 99, weight: 8, female_share: 0.68, care: [30, 40, 30] },
];

const CARE = ['self_care', 'semi_disabled', 'disabled'] as const;

const iso = (d: Date): string => d.toISOString().slice(0, 10);

/** A birth date at which the person is exactly `age` on the reference date. */
const birthDateForAge = (age: number, dayOffset: number): string => {
  const ref = DEMO_AGE_REFERENCE;
  const latest = Date.UTC(ref.getUTCFullYear() - age, ref.getUTCMonth(), ref.getUTCDate());
  const earliest = Date.UTC(ref.getUTCFullYear() - age - 1, ref.getUTCMonth(), ref.getUTCDate()) + 86_400_000;
  const span = Math.round((latest - earliest) / 86_400_000);
  return iso(new Date(earliest + (dayOffset % (span + 1)) * 86_400_000));
};

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * `count` made-up elders spread round-robin over the six demo communities. Different seeds give
 * different people (and, with overwhelming likelihood, different ID numbers), so a sample made
 * with another seed imports as new elders.
 */
export const demoElders = (count = 200, seed = DEMO_SEED): ElderInput[] => {
  const rng = makeRng(seed);
  const usedIds = new Set<string>();
  // Consecutive phones from a seed-chosen start: unique within a roster (they are login names).
  const phoneStart = rng.int(0, 9_999);
  let phonesGiven = 0;
  const elders: ElderInput[] = [];

  for (let i = 0; i < count; i++) {
    const community = COMMUNITIES[i % COMMUNITIES.length];
    if (!community) throw new Error('no demo communities');
    const street = streetOf(community.code);

    // The first four elders cover every age band, so even a tiny demo shows each.
    const bandIndex = i < AGE_BANDS.length ? i : rng.weighted(AGE_BANDS.map((b) => b.weight));
    const band = AGE_BANDS[bandIndex];
    if (!band) throw new Error('age band out of range');
    const age = rng.int(band.min_age, band.max_age);
    const gender = rng.chance(band.female_share) ? 'F' : 'M';
    const birth_date = birthDateForAge(age, rng.int(0, 365));

    // ID: area + birth date + fake sequence with the right parity + check character.
    let id_number = '';
    for (let attempt = 0; attempt < 100 && id_number === ''; attempt++) {
      const base = rng.int(FAKE_SEQ_MIN, FAKE_SEQ_MAX - 1);
      const seq = base % 2 === (gender === 'M' ? 1 : 0) ? base : base + 1;
      const first17 = `${DEMO_ID_AREA}${birth_date.replaceAll('-', '')}${String(seq)}`;
      const candidate = first17 + idCheckChar(first17);
      if (!usedIds.has(candidate)) id_number = candidate;
    }
    if (id_number === '') throw new Error('could not find a free fake ID number');
    usedIds.add(id_number);

    const surname = rng.pick(SURNAMES);
    const name = surname + rng.pick(gender === 'M' ? MALE_GIVEN : FEMALE_GIVEN);

    let phone: string | null = null;
    if (rng.chance(0.7)) {
      phone = ELDER_PHONE_PREFIX + String((phoneStart + phonesGiven) % 10_000).padStart(4, '0');
      phonesGiven += 1;
    }

    const care_level = CARE[rng.weighted(band.care)] ?? 'self_care';

    const categories = new Set<(typeof SPECIAL_CATEGORIES)[number]>();
    if (ageOn(birth_date, DEMO_AGE_REFERENCE) >= 80) categories.add('advanced_age'); // 高龄 is defined by age
    if (rng.chance(0.08)) categories.add('low_income');
    if (rng.chance(0.1 + bandIndex * 0.05)) categories.add('living_alone');
    if (rng.chance(0.02)) categories.add('bereaved_parent');
    if (rng.chance(0.04)) categories.add('entitled_group');
    const special_categories = SPECIAL_CATEGORIES.filter((c) => categories.has(c));

    // Uniform over a disc: radius ~ sqrt(u).
    let location: { lat: number; lng: number } | null = null;
    if (rng.chance(0.9)) {
      const r = DEMO_HOME_RADIUS_M * Math.sqrt(rng.next());
      const theta = 2 * Math.PI * rng.next();
      const { lat, lng } = community.centroid;
      location = {
        lat: round6(lat + (r * Math.cos(theta)) / M_PER_DEG_LAT),
        lng: round6(lng + (r * Math.sin(theta)) / (M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180))),
      };
    }

    const building = rng.int(1, 24);
    const unit = rng.int(1, 4);
    const room = rng.int(1, 7) * 100 + rng.int(1, 2);
    const address = `${street.name}${community.name} ${String(building)}栋${String(unit)}单元${String(room)}`;

    // Lone elders and the bereaved have no child to call more often than others.
    const hasContact = rng.chance(categories.has('living_alone') || categories.has('bereaved_parent') ? 0.3 : 0.65);
    const emergency_contact = hasContact
      ? {
          name: surname + rng.pick(CHILD_GIVEN),
          phone: CONTACT_PHONE_PREFIX + String(rng.int(0, 9_999)).padStart(4, '0'),
        }
      : null;

    elders.push(
      ElderInput.parse({
        name,
        gender,
        birth_date,
        id_number,
        phone,
        community_code: community.code,
        address,
        location,
        care_level,
        special_categories,
        emergency_contact,
      }),
    );
  }
  return elders;
};

/** Phones of the first few demo elders, for trying the elder login (OTP) in a demo. */
export const demoElderPhonesForLogin: readonly string[] = demoElders()
  .flatMap((e) => (e.phone === null ? [] : [e.phone]))
  .slice(0, 5);
