import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createBlindIndex, createFieldCipher, hashSecret, randomDigits, verifySecret } from './secrets';

describe('field cipher', () => {
  const cipher = createFieldCipher(randomBytes(32));

  it('round-trips and never contains the plain text', () => {
    const sealed = cipher.encrypt('420302194503120017', 'elder:e_1:id');
    expect(sealed).not.toContain('420302');
    expect(cipher.decrypt(sealed, 'elder:e_1:id')).toBe('420302194503120017');
  });

  it('refuses cipher text moved to another record (AAD) or tampered with', () => {
    const sealed = cipher.encrypt('13812345678', 'elder:e_1:phone');
    expect(() => cipher.decrypt(sealed, 'elder:e_2:phone')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('x').toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'), 'elder:e_1:phone')).toThrow();
  });
});

describe('blind index', () => {
  it('is stable per key and purpose, different across them', () => {
    const k = randomBytes(32);
    const a = createBlindIndex(k);
    expect(a('id', 'x')).toBe(createBlindIndex(k)('id', 'x'));
    expect(a('id', 'x')).not.toBe(a('phone', 'x'));
    expect(a('id', 'x')).not.toBe(createBlindIndex(randomBytes(32))('id', 'x'));
  });
});

describe('secret hashing', () => {
  it('verifies the right secret only', async () => {
    const h = await hashSecret('123456');
    expect(await verifySecret('123456', h)).toBe(true);
    expect(await verifySecret('123457', h)).toBe(false);
    expect(await verifySecret('123456', 'garbage')).toBe(false);
  });

  it('random digits have the asked length', () => {
    expect(randomDigits(6)).toMatch(/^\d{6}$/);
  });
});
