// All API routes in one list: the app mounts it, the OpenAPI document describes it, and the
// access test walks it.
import type { RouteDef } from '../http/route';
import type { Deps } from '../compose/deps';
import { healthRoutes } from './health';
import { authRoutes } from './auth';
import { areaRoutes } from './areas';
import { elderRoutes } from './elders';
import { importRoutes } from './imports';
import { familyRoutes } from './family';
import { devRoutes } from './dev';
import { docsRoutes } from './docs';
import { pointsRoutes } from './points';
import { issuanceRoutes } from './issuance';
import { merchantRoutes } from './merchants';
import { categoryRoutes } from './categories';
import { orderRoutes } from './orders';
import { topupRoutes } from './topups';
import { wechatRoutes } from './wechat';
import { settlementRoutes } from './settlement';
import { payoutRoutes } from './payouts';
import { merchantSettlementRoutes } from './merchant-settlement';
import { flagRoutes } from './flags';
import { auditRoutes } from './audit';
import { coverageRoutes } from './analytics-coverage';
import { analyticsRoutes } from './analytics';
import { staffRoutes } from './staff';

export const apiRoutes = (deps: Deps, all: () => readonly RouteDef[]): RouteDef[] => [
  ...healthRoutes(),
  ...authRoutes(),
  ...areaRoutes(),
  ...elderRoutes(),
  ...importRoutes(),
  ...familyRoutes(),
  ...pointsRoutes(),
  ...issuanceRoutes(),
  ...categoryRoutes(),
  ...merchantRoutes(),
  ...orderRoutes(),
  ...topupRoutes(deps),
  ...wechatRoutes(),
  ...settlementRoutes(),
  ...payoutRoutes(),
  ...merchantSettlementRoutes(),
  ...flagRoutes(),
  ...auditRoutes(),
  ...coverageRoutes(),
  ...analyticsRoutes(),
  ...staffRoutes(),
  // Lambda bundles run STAGE=production only, where dev pages are never mounted: leave their code out (esbuild define)
  ...(process.env.TMC_LAMBDA_BUNDLE === '1' ? [] : devRoutes(deps)),
  ...docsRoutes(all),
];
