// The phone an account signs in with is sealed under the account's id (AAD `account:<id>:phone`), so
// a cipher text copied onto another account does not open. Sealed once at sign-in (login-codes.ts),
// opened here wherever someone must be told something: orders, expiry notices, WeChat linking.
import type { FieldCipher } from '@tmc/core/kernel/secrets';
import { aad } from '@tmc/core/kernel/aad';
import type { Deps } from './deps-type';

const phoneAad = aad.accountPhone;

export const sealAccountPhone = (cipher: FieldCipher, account_id: string, phone: string): string =>
  cipher.encrypt(phone, phoneAad(account_id));

/** The account's phone, or null when there is no such account. */
export const accountPhone = async (deps: Pick<Deps, 'accounts' | 'cipher'>, account_id: string) => {
  const a = await deps.accounts.byId(account_id);
  return a ? deps.cipher.decrypt(a.phone_cipher, phoneAad(a.account_id)) : null;
};

type FamilyPhone = { family_id: string; phone: string };
type PhoneDeps = Pick<Deps, 'accounts' | 'cipher' | 'bindings'>;

/** The phones of the family members actively bound to an elder (one whose account is gone is skipped). */
export const boundFamilyPhones = async (deps: PhoneDeps, elder_id: string): Promise<FamilyPhone[]> => {
  const out: FamilyPhone[] = [];
  for (const b of (await deps.bindings.ofElder(elder_id)).filter((x) => x.status === 'active')) {
    const phone = await accountPhone(deps, b.family_id);
    if (phone !== null) out.push({ family_id: b.family_id, phone });
  }
  return out;
};
