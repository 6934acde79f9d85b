// Analytics counters (issue 11): one item per scope and period holding that scope's counters as
// number attributes, and one marker per applied fact, so a fact delivered twice is applied once.
import type { Period, Scope } from '@tmc/core/analytics/model';
import type { AccessPattern } from '../access-pattern';

export const counterKeys = {
  counterItem: (scope: Scope, period: Period) => ({ pk: `STAT#${scope}`, sk: period }),
  isCounterItem: (pk: string) => pk.startsWith('STAT#'),
  scopeOfCounterPk: (pk: string) => pk.slice('STAT#'.length) as Scope,
  appliedFact: (factId: string) => ({ pk: `FACT#${factId}`, sk: 'APPLIED' }),
  isAppliedFact: (pk: string) => pk.startsWith('FACT#'),
} as const;

export const counterPatterns = (): AccessPattern[] => [
  {
    name: 'countersOfScope',
    index: 'table',
    operation: ['GetItem', 'BatchGetItem'],
    pk: 'STAT#{all|street:<code>|community:<code>}',
    sk: 'D#{yyyy-mm-dd} | M#{yyyy-mm} | T',
    used_by: 'analytics dashboard (read), streams function and backfill (ADD)',
    about: 'counters as number attributes named metric or metric|dim=value',
  },
  {
    name: 'appliedFact',
    index: 'table',
    operation: ['TransactWriteItems'],
    pk: 'FACT#{fact_id}',
    sk: 'APPLIED',
    used_by: 'streams function and backfill',
    about: 'attribute_not_exists in the same transaction as the counter updates: a fact counts once',
  },
];
