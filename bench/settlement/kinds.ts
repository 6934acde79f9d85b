// What a settlement run writes, told from an item's key, for the report's "which items" line.
import { statementKeys } from '@tmc/store/entities/statements';
import { ledgerKeys } from '@tmc/store/entities/ledger';
import { auditKeys } from '@tmc/store/entities/audit';

const RUN = statementKeys.settleRun('');
const CURSOR_SK = statementKeys.settleCursor('').sk;
const ENTRY = ledgerKeys.entry('').pk;
const AUDIT = auditKeys.auditDayPk('');
const RECEIVABLE = ledgerKeys.accountPk('merchant:');
const SETTLING = ledgerKeys.accountPk('settling:');

export const SETTLEMENT_ITEM_KINDS = [
  'statement',
  'cursor',
  'entry',
  'receivable balance',
  'receivable posting',
  'settling balance',
  'settling posting',
  'audit',
  'run record',
  'other',
] as const;

export const settlementKindOf = (pk: string, sk: string): string => {
  if (pk === RUN.pk) return 'run record';
  if (statementKeys.isStatements(pk)) return sk === CURSOR_SK ? 'cursor' : 'statement';
  if (pk.startsWith(ENTRY)) return 'entry';
  if (pk.startsWith(AUDIT)) return 'audit';
  const bal = ledgerKeys.isBalance({ pk, sk });
  if (pk.startsWith(RECEIVABLE)) return bal ? 'receivable balance' : 'receivable posting';
  if (pk.startsWith(SETTLING)) return bal ? 'settling balance' : 'settling posting';
  return 'other';
};
