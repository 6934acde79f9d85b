// Demo data for a fresh local store: the 曾都区 district, 200 elders, and one staff account per
// role. Runs once: a marker item records that the seed happened, so restarts keep your edits.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DEMO_AREAS, demoElders } from '@tmc/local/demo/district';
import { buildElderRecord, pinHash } from '@tmc/core/elders/service';
import { hashSecret } from '@tmc/core/kernel/secrets';
import type { StaffAccount } from '@tmc/core/auth/service';
import type { Deps } from '@tmc/app/compose/deps';
import { DEFAULT_POLICY } from '@tmc/core/policy/model';
import { runJob } from '@tmc/app/compose/jobs';
import { DEFAULT_CATEGORIES } from '@tmc/core/merchants/model';
import { seedDemoSettlement } from './demo/settlement';
import { seedDemoDispute } from './demo/disputes';
import { demoMerchants } from '@tmc/local/demo/merchants';
import { seedDemoApplications } from './demo/applications';
import { applyAsMerchant, decideMerchant, saveService } from '@tmc/core/merchants/service';
import { maskPhone } from '@tmc/core/elders/id-card';
import { seedKeys } from '@tmc/store/entities/seed-marker';
import { aad } from '@tmc/core/kernel/aad';
import { backfillCounters } from '@tmc/store/analytics-verify';
import { createCounterStore } from '@tmc/store/entities/counters';

export const DEMO_PASSWORD = 'demo-2026'; // local demo only; production staff are created by an admin
export const DEMO_PIN = '123456'; // every demo elder's card PIN, so the card flow can be tried

export const DEMO_STAFF: readonly Omit<StaffAccount, 'password_hash' | 'failures' | 'locked_until_ms' | 'version'>[] = [
  { username: 'admin', display_name: '市民政局管理员', role: 'admin', scope: null },
  { username: 'zengdu', display_name: '曾都区民政干部', role: 'district', scope: 'zengdu' },
  { username: 'xicheng', display_name: '西城街道干部', role: 'street', scope: 'zengdu.xicheng' },
  { username: 'finance', display_name: '财务科', role: 'finance', scope: null },
];

const MARKER = seedKeys.seedMarker('demo');

export const ELDER_PHONES_LISTED = 8; // tests sign in as a few distinct elders; the console prints three

export const seedDemo = async (
  deps: Deps,
  opts: { elders?: number; issue?: boolean; merchants?: boolean } = {},
): Promise<{ seeded: boolean; elderPhones: string[] }> => {
  const done = await deps.db.doc.send(new GetCommand({ TableName: deps.db.table, Key: MARKER }));
  const inputs = demoElders(opts.elders ?? 200);
  const elderPhones = inputs
    .map((e) => e.phone)
    .filter((p): p is string => Boolean(p))
    .slice(0, ELDER_PHONES_LISTED);
  if (done.Item) return { seeded: false, elderPhones };
  for (const a of DEMO_AREAS) await deps.areas.put(a, { allowExisting: true });
  const password_hash = await hashSecret(DEMO_PASSWORD);
  if ((await deps.policies.versions()).length === 0)
    await deps.policies.append(DEFAULT_POLICY, 'system:seed', deps.clock.now().toISOString());
  for (const s of DEMO_STAFF)
    await deps.staff.put({ ...s, password_hash, failures: 0, locked_until_ms: 0, version: 1 });
  for (const input of inputs) {
    const id_hash = deps.blindIndex('id', input.id_number);
    if (await deps.elders.findIdByIdHash(id_hash)) continue;
    const { record } = await buildElderRecord(deps, input, { pin: DEMO_PIN });
    await deps.elders.create({
      record: { ...record, pin_hash: pinHash(deps.blindIndex, record.elder_id, DEMO_PIN) },
      id_hash,
      phone_hash: input.phone ? deps.blindIndex('phone', input.phone) : null,
    });
  }
  for (const c of DEFAULT_CATEGORIES) await deps.merchants.putCategory(c);
  if (opts.merchants !== false) {
    for (const dm of demoMerchants()) {
      const acct = await deps.accounts.getOrCreate('merchant', deps.blindIndex('phone', dm.phone), (account_id) => ({
        account_id,
        role: 'merchant',
        phone_cipher: deps.cipher.encrypt(dm.phone, aad.accountPhone(account_id)),
        phone_masked: maskPhone(dm.phone),
      }));
      if (await deps.merchants.getMerchant(acct.account_id)) continue;
      await applyAsMerchant(deps, acct.account_id, dm.application);
      // demo shops were not applied for by anyone: nobody to tell of the approval
      await decideMerchant(
        { ...deps, notifier: { send: async () => undefined } },
        acct.account_id,
        'approve',
        '演示数据',
        'system:seed',
      );
      for (const s of dm.services) await saveService(deps, acct.account_id, s, null, null);
    }
  }
  if (opts.merchants !== false) await seedDemoApplications(deps); // the review queue's work (xicheng's street)
  // This month's allowance, so the demo wallets have points (the same idempotent job staff run).
  if (opts.issue) await runJob(deps, { job: 'issuance', month: deps.clock.now().toISOString().slice(0, 7) });
  // Last month's orders at a few shops, settled: statements for finance to approve and pay.
  if (opts.issue && opts.merchants !== false) {
    const ids: string[] = [];
    for (const phone of elderPhones.slice(0, 6))
      ids.push(...(await deps.elders.findIdsByPhoneHash(deps.blindIndex('phone', phone))).slice(0, 1));
    // the first demo shops (17000020000-03), so the README can name one to sign in as
    const shops: string[] = [];
    for (const dm of demoMerchants().slice(0, 4))
      shops.push((await deps.accounts.get('merchant', deps.blindIndex('phone', dm.phone)))?.account_id ?? '');
    await seedDemoSettlement(deps, ids, shops);
    await seedDemoDispute(deps); // one open dispute in 西城街道 for the street officer's queue
  }
  // Coverage of the demo's shops, at once: a fresh laptop's coverage page and map have figures (the
  // stream's debounced trigger would run it within COVERAGE_DEBOUNCE_MIN; the nightly run keeps it).
  if (opts.issue && opts.merchants !== false) await runJob(deps, { job: 'coverage', by: 'system:seed' });
  // The bureau's counters for all of it, so the dashboard shows the demo's figures at once (the stream
  // poller would get there too; the markers make the two agree).
  if (opts.issue) await backfillCounters(deps.db, createCounterStore(deps.db));
  await deps.db.doc.send(
    new PutCommand({ TableName: deps.db.table, Item: { ...MARKER, at: deps.clock.now().toISOString() } }),
  );
  return { seeded: true, elderPhones };
};
