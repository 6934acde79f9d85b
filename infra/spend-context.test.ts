// cdk.json's `spendInWalletFrom` is checked when the stack is built: a month spelled wrong would pass a
// deploy and then stop every function at start (packages/app/src/compose/env.ts).
import { App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { cdkJsonContext, STACK_NAME, TenMinuteCircleStack } from './lib/stack';

const build = (spendInWalletFrom: unknown) => {
  const app = new App({ context: { ...cdkJsonContext(), spendInWalletFrom } });
  const code = lambda.Code.fromInline('export const handler = async () => ({ statusCode: 200 });');
  return new TenMinuteCircleStack(app, STACK_NAME, {
    apiCode: code,
    pagesCode: code,
    jobsCode: code,
    streamsCode: code,
  });
};

describe('spendInWalletFrom', () => {
  it('cdk.json sets a month', () => {
    expect(cdkJsonContext().spendInWalletFrom).toMatch(/^\d{4}-(0[1-9]|1[0-2])$/);
  });

  it('a month spelled wrong stops the synth', () => {
    for (const bad of ['2027-1', '2027-13', 202701, 'next month'])
      expect(() => build(bad), String(bad)).toThrow(/spendInWalletFrom must be YYYY-MM/);
  });
});
