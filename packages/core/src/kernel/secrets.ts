// Field encryption, blind indexes and password/PIN hashing. Pure node:crypto; the keys come from
// the deployable's configuration (env locally, a KMS-decrypted data key in AWS).
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  scrypt as scryptCb,
  timingSafeEqual,
} from 'node:crypto';

const IV_BYTES = 12; // GCM standard nonce size
const KEY_BYTES = 32; // AES-256

export type FieldCipher = {
  /** `aad` binds the cipher text to its record and field, so a value copied to another elder fails to decrypt. */
  encrypt: (plain: string, aad: string) => string;
  decrypt: (sealed: string, aad: string) => string;
};

export const createFieldCipher = (key: Buffer): FieldCipher => {
  if (key.length !== KEY_BYTES) throw new Error('field key must be 32 bytes');
  return {
    encrypt(plain, aad) {
      const iv = randomBytes(IV_BYTES);
      const c = createCipheriv('aes-256-gcm', key, iv);
      c.setAAD(Buffer.from(aad, 'utf8'));
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return `v1.${iv.toString('base64url')}.${c.getAuthTag().toString('base64url')}.${ct.toString('base64url')}`;
    },
    decrypt(sealed, aad) {
      const [v, iv, tag, ct] = sealed.split('.');
      if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('unknown cipher text format');
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      d.setAAD(Buffer.from(aad, 'utf8'));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
    },
  };
};

/** Keyed hash for exact-match lookups of sensitive values (ID number, phone) without storing them
 * in the clear. A separate key from the cipher key; `purpose` keeps indexes of different fields apart. */
export type BlindIndex = (purpose: 'id' | 'phone' | 'pin' | 'row' | 'address', value: string) => string;

export const createBlindIndex = (key: Buffer): BlindIndex => {
  if (key.length < KEY_BYTES) throw new Error('index key must be at least 32 bytes');
  return (purpose, value) => createHmac('sha256', key).update(`${purpose}:${value}`).digest('base64url').slice(0, 32);
};

// scrypt cost: N=2^14, r=8, p=1 (~16 MB, ~50 ms): OWASP's floor for interactive logins.
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

const scrypt = (secret: string, salt: Buffer): Promise<Buffer> =>
  new Promise((resolve, reject) => scryptCb(secret, salt, HASH_BYTES, SCRYPT, (e, k) => (e ? reject(e) : resolve(k))));

export const hashSecret = async (secret: string): Promise<string> => {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scrypt(secret, salt);
  return `scrypt.${salt.toString('base64url')}.${hash.toString('base64url')}`;
};

export const verifySecret = async (secret: string, stored: string): Promise<boolean> => {
  const [alg, salt, hash] = stored.split('.');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(secret, Buffer.from(salt, 'base64url'));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
};

/** Uniform random decimal string (rejection sampling; no modulo bias). */
export const randomDigits = (n: number): string => {
  let out = '';
  while (out.length < n) {
    for (const b of randomBytes(n * 2)) {
      if (b < 250 && out.length < n) out += String(b % 10);
    }
  }
  return out;
};

export const randomId = (prefix: string): string =>
  `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;

export const sha256 = (s: string | Buffer): string => createHash('sha256').update(s).digest('base64url');
