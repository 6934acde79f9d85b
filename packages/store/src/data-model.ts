// The access patterns of every entity, in the order docs/DATA_MODEL.md lists them. An entity that
// adds a read or write declares it in its own file; it reaches the doc through this list.
import type { AccessPattern } from './access-pattern';
import { accountPatterns } from './entities/accounts';
import { areaPatterns } from './entities/areas';
import { attemptPatterns } from './entities/attempts';
import { auditPatterns } from './entities/audit';
import { bindingPatterns } from './entities/bindings';
import { disputePatterns } from './entities/disputes';
import { elderPatterns } from './entities/elders';
import { importPatterns } from './entities/imports';
import { issuancePatterns } from './entities/issuance-runs';
import { ledgerPatterns } from './entities/ledger';
import { merchantPatterns } from './entities/merchants';
import { noticePatterns } from './entities/notices';
import { orderPatterns } from './entities/orders';
import { otpPatterns } from './entities/otp';
import { outboxPatterns } from './entities/outbox';
import { policyPatterns } from './entities/policy';
import { seedPatterns } from './entities/seed-marker';
import { sessionPatterns } from './entities/sessions';
import { staffPatterns } from './entities/staff';
import { statementPatterns } from './entities/statements';
import { counterPatterns } from './entities/counters';
import { flagPatterns } from './entities/flags';
import { coveragePatterns } from './entities/coverage';
import { awardUploadPatterns } from './entities/award-uploads';
import { payeePatterns } from './entities/payees';
import { timerPatterns } from './entities/timers';
import { topupPatterns } from './entities/topups';
import { wechatLinkPatterns } from './entities/wechat-links';

// Each entity declares its patterns as a function, not an array: nothing at run time reads them, and
// esbuild keeps an unused top-level array whose strings have substitutions, so as arrays they would ship
// in every Lambda bundle (about 4 KB); as functions they are dropped.
export const ENTITY_PATTERNS: { entity: string; patterns: AccessPattern[] }[] = [
  { entity: 'areas', patterns: areaPatterns() },
  { entity: 'elders', patterns: elderPatterns() },
  { entity: 'staff', patterns: staffPatterns() },
  { entity: 'accounts', patterns: accountPatterns() },
  { entity: 'otp', patterns: otpPatterns() },
  { entity: 'attempts', patterns: attemptPatterns() },
  { entity: 'sessions', patterns: sessionPatterns() },
  { entity: 'wechat-links', patterns: wechatLinkPatterns() },
  { entity: 'audit', patterns: auditPatterns() },
  { entity: 'bindings', patterns: bindingPatterns() },
  { entity: 'imports', patterns: importPatterns() },
  { entity: 'ledger', patterns: ledgerPatterns() },
  { entity: 'policy', patterns: policyPatterns() },
  { entity: 'issuance-runs', patterns: issuancePatterns() },
  { entity: 'award-uploads', patterns: awardUploadPatterns() },
  { entity: 'notices', patterns: noticePatterns() },
  { entity: 'topups', patterns: topupPatterns() },
  { entity: 'merchants', patterns: merchantPatterns() },
  { entity: 'orders', patterns: orderPatterns() },
  { entity: 'statements', patterns: statementPatterns() },
  { entity: 'payees', patterns: payeePatterns() },
  { entity: 'disputes', patterns: disputePatterns() },
  { entity: 'timers', patterns: timerPatterns() },
  { entity: 'outbox', patterns: outboxPatterns() },
  { entity: 'seed-marker', patterns: seedPatterns() },
  { entity: 'counters', patterns: counterPatterns() },
  { entity: 'flags', patterns: flagPatterns() },
  { entity: 'coverage', patterns: coveragePatterns() },
];
