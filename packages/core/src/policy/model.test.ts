import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  PolicyInput,
  allowanceExpiresOn,
  categoryMonthMax,
  monthlyAllowance,
  newcomerPoints,
  policyOn,
  type Policy,
} from './model';

const elder = (
  birth_date: string,
  care_level: 'self_care' | 'semi_disabled' | 'disabled',
  special_categories: ('low_income' | 'living_alone')[] = [],
) => ({ birth_date, care_level, special_categories, status: 'active' as const });

describe('monthly allowance', () => {
  it.each([
    ['65, self care', elder('1961-05-01', 'self_care'), 30],
    ['75, semi-disabled, alone', elder('1951-05-01', 'semi_disabled', ['living_alone']), 50 + 40 + 20],
    ['85, disabled, low income', elder('1941-05-01', 'disabled', ['low_income']), 80 + 80 + 60],
    ['59: below the scheme', elder('1967-12-01', 'disabled'), 0],
  ])('sum rule: %s', (_n, e, points) => {
    expect(monthlyAllowance(DEFAULT_POLICY, e, '2026-11').points).toBe(points);
  });

  it('max rule takes the largest single component', () => {
    const p = { ...DEFAULT_POLICY, allowance: { ...DEFAULT_POLICY.allowance, combine: 'max' as const } };
    expect(monthlyAllowance(p, elder('1941-05-01', 'disabled', ['low_income']), '2026-11')).toEqual({
      points: 80,
      lines: [{ rule: 'age:80-+', points: 80 }],
    });
  });

  it('age is counted on the first of the month', () => {
    // turns 70 on the 2nd
    expect(monthlyAllowance(DEFAULT_POLICY, elder('1956-11-02', 'self_care'), '2026-11').points).toBe(30);
    expect(monthlyAllowance(DEFAULT_POLICY, elder('1956-11-01', 'self_care'), '2026-11').points).toBe(50);
  });
});

describe('expiry and versions', () => {
  it('end of year, or N months', () => {
    expect(allowanceExpiresOn(DEFAULT_POLICY, '2026-03')).toBe('2026-12-31');
    expect(allowanceExpiresOn({ ...DEFAULT_POLICY, expiry: { rule: 'months', months: 3 } }, '2026-11')).toBe(
      '2027-01-31',
    );
  });

  it('the newest version in effect wins; future versions wait', () => {
    const v = (version: number, effective_from: string): Policy => ({
      ...DEFAULT_POLICY,
      effective_from,
      version,
      created_by: 'x',
      created_at: '',
    });
    const all = [v(1, '2026-01-01'), v(2, '2026-06-01'), v(3, '2027-01-01')];
    expect(policyOn(all, '2026-05-31')?.version).toBe(1);
    expect(policyOn(all, '2026-11-23')?.version).toBe(2);
    expect(policyOn(all, '2025-12-31')).toBeNull();
  });

  it('the default policy validates', () => {
    expect(PolicyInput.safeParse(DEFAULT_POLICY).success).toBe(true);
  });
});

describe('newcomers', () => {
  const rule = (newcomer_allowance: 'none' | 'full' | 'by_remaining_days') => ({
    ...DEFAULT_POLICY,
    newcomer_allowance,
  });
  it.each([
    ['none', '2026-11-24', 0],
    ['full', '2026-11-24', 140],
    ['by_remaining_days', '2026-11-24', 32], // 7 of 30 days, rounded down
    ['by_remaining_days', '2026-11-30', 4], // the last day counts
    ['by_remaining_days', '2026-11-01', 140],
    ['by_remaining_days', '2026-10-20', 140], // registered before the month: a whole month
    ['full', '2026-12-02', 0], // registered after the month: not in the scheme that month
  ] as const)('%s, registered %s', (r, day, points) => {
    expect(newcomerPoints(rule(r), 140, day, '2026-11')).toBe(points);
  });

  it('a policy without the new fields reads with the defaults (full, no per-category caps)', () => {
    const { newcomer_allowance: _n, category_month_max_points: _c, ...older } = DEFAULT_POLICY;
    const p = PolicyInput.parse(older);
    expect(p.newcomer_allowance).toBe('full');
    expect(categoryMonthMax(p, 'barber')).toBeNull();
    expect(categoryMonthMax({ ...p, category_month_max_points: { barber: 50 } }, 'barber')).toBe(50);
  });
});
