// Two shops waiting for review in 西城街道 (the demo street officer xicheng's area), so the review
// queue on /staff/merchants?status=pending has work on a fresh `npm start`. Clearly fake: phones in
// the 170-0002 test range after the demo alliance's, credit codes made up with a valid check character.
import { usccCheckChar, type MerchantApplication } from '@tmc/core/merchants/model';
import { applyAsMerchant } from '@tmc/core/merchants/service';
import { maskPhone } from '@tmc/core/elders/id-card';
import { aad } from '@tmc/core/kernel/aad';
import type { Deps } from '@tmc/app/compose/deps';

const uscc = (body: string) => body + (usccCheckChar(body) ?? '0');

export const DEMO_APPLICATIONS: readonly { phone: string; application: MerchantApplication }[] = [
  {
    phone: '17000029001',
    application: {
      business_name: '胜利街便民修脚店',
      uscc: uscc('91421303MA8800001'),
      licence_number: 'JY42130300101',
      licence_expires_on: '2030-12-31',
      contact_name: '周师傅',
      contact_phone: '17000029001',
      address: '西城街道胜利社区解放路 18 号',
      location: { lat: 31.7041, lng: 113.3499 },
      community_code: 'zengdu.xicheng.shengli',
      categories: ['barber'],
    },
  },
  {
    phone: '17000029002',
    application: {
      business_name: '沿河邻里助浴家政',
      uscc: uscc('91421303MA8800002'),
      licence_number: 'JY42130300102',
      licence_expires_on: null,
      contact_name: '吴阿姨',
      contact_phone: '17000029002',
      address: '西城街道沿河社区沿河路 6 号',
      location: { lat: 31.6955, lng: 113.3604 },
      community_code: 'zengdu.xicheng.yanhe',
      categories: ['domestic'],
    },
  },
];

/** Applies for each (as the shop would, from its own sign-in account); a shop that exists is left as it is. */
export const seedDemoApplications = async (deps: Deps): Promise<void> => {
  for (const d of DEMO_APPLICATIONS) {
    const acct = await deps.accounts.getOrCreate('merchant', deps.blindIndex('phone', d.phone), (account_id) => ({
      account_id,
      role: 'merchant',
      phone_cipher: deps.cipher.encrypt(d.phone, aad.accountPhone(account_id)),
      phone_masked: maskPhone(d.phone),
    }));
    if (await deps.merchants.getMerchant(acct.account_id)) continue;
    await applyAsMerchant(deps, acct.account_id, d.application);
  }
};
