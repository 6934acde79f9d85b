// Administrative areas: district (区) -> street (街道) -> community (社区). Each has a centroid that
// stands in for an elder's home when the elder has no coordinates of their own.
import * as z from 'zod/mini';
import { safeLine } from '../kernel/text';
import { AREA_CODE_RE } from '../kernel/ids';

export const AREA_LEVELS = ['district', 'street', 'community'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

export const PARENT_LEVEL: Record<AreaLevel, AreaLevel | null> = {
  district: null,
  street: 'district',
  community: 'street',
};

/** Area codes are dotted paths (`zengdu.xihe.shengli`) so a code carries its ancestry and a
 * district or street officer's scope check is a prefix test, not a lookup. */
export const AreaCode = z.string().check(z.regex(AREA_CODE_RE, 'area code: lower-case segments joined by dots'));

/** 0,0 (in the Gulf of Guinea) is what an empty form or a failed geocoder gives, never a place
 * this service knows: refused wherever a point is accepted. */
export const LatLng = z
  .object({
    lat: z.number().check(z.gte(-90), z.lte(90)),
    lng: z.number().check(z.gte(-180), z.lte(180)),
  })
  .check(z.refine((p) => !(p.lat === 0 && p.lng === 0), { message: 'COORDINATES_INVALID', path: ['lat'] }));

/** A coordinate in a query string: a plain decimal number only. `Number()` would also take
 * "0x1F" (31), "1e1", "" and " " (0), which no client means as a coordinate. */
export const QueryCoordinate = (min: number, max: number) =>
  z.pipe(
    z.string().check(z.regex(/^[+-]?\d{1,3}(\.\d{1,12})?$/, 'a decimal number')),
    z.pipe(
      z.transform((s: string) => Number(s)),
      z.number().check(z.gte(min), z.lte(max)),
    ),
  );
export type LatLng = z.infer<typeof LatLng>;

export const AreaInput = z.object({
  code: AreaCode,
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(40), safeLine()),
  centroid: LatLng,
});
export type AreaInput = z.infer<typeof AreaInput>;

export const Area = z.extend(AreaInput, {
  level: z.enum(AREA_LEVELS),
  parent_code: z.nullable(AreaCode),
});
export type Area = z.infer<typeof Area>;

export const levelOf = (code: string): AreaLevel => {
  const depth = code.split('.').length;
  const level = AREA_LEVELS[depth - 1];
  if (!level) throw new Error(`area code too deep: ${code}`);
  return level;
};

export const parentOf = (code: string): string | null => {
  const i = code.lastIndexOf('.');
  return i < 0 ? null : code.slice(0, i);
};

/** true when `code` is `scope` itself or lies under it. */
export const isWithin = (code: string, scope: string): boolean => code === scope || code.startsWith(`${scope}.`);
