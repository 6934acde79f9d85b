// The area store port; packages/store implements it over DynamoDB.
import type { Area, AreaInput } from './model';

export type AreaStore = {
  get: (code: string) => Promise<Area | null>;
  put: (a: AreaInput, opts?: { allowExisting?: boolean }) => Promise<Area>;
  children: (parent: string | null) => Promise<Area[]>;
};
