// The merchant store port; packages/store implements it over DynamoDB.
import type { Category, Merchant, Service } from './model';

export type MerchantPort = {
  getMerchant: (id: string) => Promise<Merchant | null>;
  services: (id: string) => Promise<Service[]>;
  save: (next: Merchant, nextServices: Service[], prev: Merchant | null, prevServices: Service[]) => Promise<void>;
  categories: () => Promise<Category[]>;
};
