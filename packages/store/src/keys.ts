// Every key of the table, gathered from the entity files that own them (entities/<entity>.ts spells
// each key and its parsing once). This table only lets tests, benches and tools that look at
// stored items by hand say `keys.order(id)` without knowing which entity owns it.
import { accountKeys } from './entities/accounts';
import { areaKeys } from './entities/areas';
import { attemptKeys } from './entities/attempts';
import { auditKeys } from './entities/audit';
import { bindingKeys } from './entities/bindings';
import { disputeKeys } from './entities/disputes';
import { elderKeys } from './entities/elders';
import { importKeys } from './entities/imports';
import { issuanceKeys } from './entities/issuance-runs';
import { ledgerKeys } from './entities/ledger';
import { merchantKeys } from './entities/merchants';
import { noticeKeys } from './entities/notices';
import { orderKeys } from './entities/order-item';
import { otpKeys } from './entities/otp';
import { outboxKeys } from './entities/outbox';
import { policyKeys } from './entities/policy';
import { seedKeys } from './entities/seed-marker';
import { sessionKeys } from './entities/sessions';
import { staffKeys } from './entities/staff';
import { statementKeys } from './entities/statements';
import { payeeKeys } from './entities/payees';
import { timerKeys } from './entities/timers';
import { topupKeys } from './entities/topups';
import { wechatLinkKeys } from './entities/wechat-links';
import { counterKeys } from './entities/counters';
import { flagKeys } from './entities/flags';
import { coverageKeys } from './entities/coverage';
import { awardUploadKeys } from './entities/award-uploads';

export { ROOT_AREA } from './entities/areas';

/** Every entity's key table; a test checks that no two share a builder name (a spread would hide one). */
export const KEY_TABLES = [
  areaKeys,
  elderKeys,
  staffKeys,
  accountKeys,
  otpKeys,
  attemptKeys,
  sessionKeys,
  wechatLinkKeys,
  auditKeys,
  statementKeys,
  payeeKeys,
  bindingKeys,
  importKeys,
  ledgerKeys,
  policyKeys,
  issuanceKeys,
  noticeKeys,
  topupKeys,
  merchantKeys,
  orderKeys,
  disputeKeys,
  timerKeys,
  outboxKeys,
  seedKeys,
  counterKeys,
  flagKeys,
  coverageKeys,
  awardUploadKeys,
] as const;

export const keys = {
  ...areaKeys,
  ...elderKeys,
  ...staffKeys,
  ...accountKeys,
  ...otpKeys,
  ...attemptKeys,
  ...sessionKeys,
  ...wechatLinkKeys,
  ...auditKeys,
  ...statementKeys,
  ...payeeKeys,
  ...bindingKeys,
  ...importKeys,
  ...ledgerKeys,
  ...policyKeys,
  ...issuanceKeys,
  ...noticeKeys,
  ...topupKeys,
  ...merchantKeys,
  ...orderKeys,
  ...disputeKeys,
  ...timerKeys,
  ...outboxKeys,
  ...seedKeys,
  ...counterKeys,
  ...flagKeys,
  ...coverageKeys,
  ...awardUploadKeys,
} as const;
