import { describe, expect, it } from 'vitest';
import { AreaInput, levelOf, parentOf } from '@tmc/core/areas/model';
import { ElderInput, CARE_LEVELS } from '@tmc/core/elders/model';
import { ageOn, parseIdNumber } from '@tmc/core/elders/id-card';
import {
  DEMO_AGE_REFERENCE,
  DEMO_AREAS,
  DEMO_COMMUNITIES,
  DEMO_HOME_RADIUS_M,
  demoAreaNames,
  demoElderPhonesForLogin,
  demoElders,
  demoResolveCommunity,
  seededRandom,
} from './district';

const metres = (a: { lat: number; lng: number }, b: { lat: number; lng: number }): number => {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
};

describe('DEMO_AREAS', () => {
  it('is one district, three streets and six communities, each valid, parent before child', () => {
    const seen = new Set<string>();
    for (const a of DEMO_AREAS) {
      expect(AreaInput.parse(a)).toEqual(a);
      const parent = parentOf(a.code);
      if (parent !== null) expect(seen.has(parent)).toBe(true);
      seen.add(a.code);
    }
    expect(DEMO_AREAS.map((a) => levelOf(a.code))).toEqual([
      'district',
      ...Array<string>(3).fill('street'),
      ...Array<string>(6).fill('community'),
    ]);
  });

  it('has communities within a few km of 随州 centre', () => {
    for (const c of DEMO_COMMUNITIES) expect(metres(c.centroid, { lat: 31.69, lng: 113.37 })).toBeLessThan(5_000);
  });

  it('resolves street + community names both ways', () => {
    for (const c of DEMO_COMMUNITIES) {
      const names = demoAreaNames(c.code);
      expect(demoResolveCommunity(names.street, names.community)).toBe(c.code);
    }
    expect(demoResolveCommunity('东城街道', '胜利社区')).toBeNull();
  });
});

describe('demoElders', () => {
  const elders = demoElders();

  it('gives 200 elders that pass ElderInput, with unique ID numbers and phones', () => {
    expect(elders).toHaveLength(200);
    for (const e of elders) expect(ElderInput.parse(e)).toEqual(e);
    expect(new Set(elders.map((e) => e.id_number)).size).toBe(200);
    const phones = elders.flatMap((e) => (e.phone ? [e.phone] : []));
    expect(new Set(phones).size).toBe(phones.length);
  });

  it('is deterministic for a seed and different across seeds', () => {
    expect(demoElders(200, 42)).toEqual(elders);
    expect(demoElders(50, 7)).toEqual(demoElders(50, 7));
    expect(demoElders(50, 7)).not.toEqual(demoElders(50, 8));
    expect(demoElders(20)).toEqual(elders.slice(0, 20)); // a prefix, so small demos are the same people
  });

  it('never calls Math.random', () => {
    const original = Math.random;
    Math.random = () => {
      throw new Error('Math.random used');
    };
    try {
      expect(demoElders(30, 1)).toHaveLength(30);
    } finally {
      Math.random = original;
    }
  });

  it('uses clearly fake ID numbers and phones', () => {
    for (const e of elders) {
      const facts = parseIdNumber(e.id_number, DEMO_AGE_REFERENCE);
      expect(facts).toMatchObject({ area_code: '421303', birth_date: e.birth_date, gender: e.gender });
      expect(Number(e.id_number.slice(14, 17))).toBeGreaterThanOrEqual(900);
      if (e.phone !== null) expect(e.phone).toMatch(/^1700000\d{4}$/);
      if (e.emergency_contact) expect(e.emergency_contact.phone).toMatch(/^1700001\d{4}$/);
    }
  });

  it('spreads over all six communities, all care levels, both genders and every age band', () => {
    expect(new Set(elders.map((e) => e.community_code))).toEqual(new Set(DEMO_COMMUNITIES.map((c) => c.code)));
    expect(new Set(elders.map((e) => e.care_level))).toEqual(new Set(CARE_LEVELS));
    expect(new Set(elders.map((e) => e.gender))).toEqual(new Set(['M', 'F']));
    const bands = new Set(elders.map((e) => Math.min(9, Math.floor(ageOn(e.birth_date, DEMO_AGE_REFERENCE) / 10))));
    expect(bands).toEqual(new Set([6, 7, 8, 9]));
    const withPhone = elders.filter((e) => e.phone !== null).length / elders.length;
    expect(withPhone).toBeGreaterThan(0.6);
    expect(withPhone).toBeLessThan(0.8);
    expect(elders.some((e) => e.special_categories.some((c) => c !== 'advanced_age'))).toBe(true);
  });

  it('marks 高龄 exactly for those 80 and over', () => {
    for (const e of elders) {
      expect(e.special_categories.includes('advanced_age')).toBe(ageOn(e.birth_date, DEMO_AGE_REFERENCE) >= 80);
    }
  });

  it('puts homes within 600 m of their community centroid, with addresses naming street and community', () => {
    for (const e of elders) {
      const c = DEMO_COMMUNITIES.find((x) => x.code === e.community_code);
      expect(c).toBeDefined();
      if (!c) continue;
      expect(e.address.startsWith(`${c.street_name}${c.name} `)).toBe(true);
      expect(e.address).toMatch(/ \d+栋\d单元\d0\d$/);
      if (e.location) expect(metres(e.location, c.centroid)).toBeLessThanOrEqual(DEMO_HOME_RADIUS_M + 1);
    }
    expect(DEMO_HOME_RADIUS_M).toBeLessThan(600);
  });

  it('offers a few login phones from the demo roster', () => {
    expect(demoElderPhonesForLogin.length).toBeGreaterThanOrEqual(3);
    const phones = new Set(elders.map((e) => e.phone));
    for (const p of demoElderPhonesForLogin) expect(phones.has(p)).toBe(true);
  });
});

describe('seededRandom', () => {
  it('repeats for a seed and stays in [0, 1)', () => {
    const a = seededRandom(123);
    const b = seededRandom(123);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
