// The nightly ledger check as the jobs Lambda and the local runner run it: `ledger-verify-day` checks
// yesterday's China day by default, answers ok, and on a problem logs the line the alarm counts.
import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LEDGER_VERIFY_FAILED } from '@tmc/core/jobs/model';
import { chinaDate } from '@tmc/core/kernel/time';
import { ENTRY_DAY_SHARDS, ledgerKeys } from '@tmc/store/entities/ledger';
import { makeTestApp } from '../../../../tests/support/app';
import { runJob } from './jobs';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let issuedOn = '';
beforeAll(async () => {
  t = await makeTestApp({ seedElders: 6 });
  issuedOn = chinaDate(t.clock.now());
  const r = await runJob(t.deps, { job: 'issuance', month: issuedOn.slice(0, 7) });
  expect(r.issued).toBeGreaterThan(0);
});

describe('job ledger-verify-day', () => {
  it("checks the day named, or yesterday's by default, and answers what it read", async () => {
    const today = await runJob(t.deps, { job: 'ledger-verify-day', day: issuedOn });
    expect(today).toMatchObject({ job: 'ledger-verify-day', day: issuedOn, ok: true, problems: 0, busy: 0 });
    expect(Number(today.entries)).toBeGreaterThan(0);
    t.clock.advance(86_400_000);
    expect(await runJob(t.deps, { job: 'ledger-verify-day' })).toMatchObject({ day: issuedOn, ok: true });
    expect(t.logger.lines.join('\n')).not.toContain(LEDGER_VERIFY_FAILED);
  });

  it('logs the line the alarm counts when a balance was tampered with, and does not throw', async () => {
    const wallet = await aWalletOf(issuedOn);
    const key = ledgerKeys.balance(wallet);
    const orig = (await t.db.doc.send(new GetCommand({ TableName: t.db.table, Key: key, ConsistentRead: true }))).Item;
    await t.db.doc.send(
      new PutCommand({ TableName: t.db.table, Item: { ...orig, balance: Number(orig?.balance) + 1 } }),
    );
    try {
      const r = await runJob(t.deps, { job: 'ledger-verify-day', day: issuedOn });
      expect(r).toMatchObject({ ok: false });
      expect(Number(r.problems)).toBeGreaterThan(0);
      const line = t.logger.lines.find((l) => l.includes(LEDGER_VERIFY_FAILED)) ?? '';
      expect(JSON.parse(line)).toMatchObject({ level: 'error', msg: LEDGER_VERIFY_FAILED, day: issuedOn });
      expect(line).toContain(wallet);
    } finally {
      await t.db.doc.send(new PutCommand({ TableName: t.db.table, Item: orig }));
    }
  });
});

/** A wallet one of the day's entries credited, found through the entries-by-day index. */
const aWalletOf = async (day: string): Promise<string> => {
  for (let shard = 0; shard < ENTRY_DAY_SHARDS; shard++) {
    const r = await t.db.doc.send(
      new QueryCommand({
        TableName: t.db.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': ledgerKeys.entryDayPk(day, shard) },
        Limit: 1,
      }),
    );
    const postings = (r.Items?.[0]?.postings ?? []) as { account: string }[];
    const wallet = postings.find((p) => p.account.startsWith('wallet:'));
    if (wallet) return wallet.account;
  }
  throw new Error(`no entry on ${day}`);
};
