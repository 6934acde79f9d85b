// Order-independent sums for the streaming ledger verifier (ledger-verify.ts): a `Sketch` proves that
// two multisets are equal, or that per-key sums agree, while keeping a fixed amount of memory however
// many items it sees. Each fold adds `weight * r(element)` into the bucket of its key, in two lanes
// modulo two primes below 2^26 (so every product stays an exact double), where r() is a seeded 32-bit
// hash reduced to the lane's prime. Two sides that agree leave every bucket at zero; a difference
// leaves its bucket non-zero except with probability about 2^-52. The buckets say where to look:
// a second pass keeps full detail only for keys that fall in a non-zero bucket.

const P1 = 67_108_859; // the two largest primes below 2^26
const P2 = 67_108_837;
const SEED1 = 0x9e3779b9;
const SEED2 = 0x85ebca6b;
export const SKETCH_BUCKETS = 4096; // 4096 buckets x 2 lanes x 8 bytes = 64 KB per sketch

/** murmur3-style 32-bit hash of a string (char codes, Math.imul), finished with fmix32. */
export const hash32 = (s: string, seed: number): number => {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    let k = Math.imul(s.charCodeAt(i), 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  h ^= s.length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

const mod = (x: number, p: number): number => ((x % p) + p) % p;

/** A weight as a residue mod p: integers exactly; anything else (a corrupt amount) by its text. */
const residue = (w: number, p: number, seed: number): number =>
  Number.isSafeInteger(w) ? mod(w, p) : hash32(`weight:${String(w)}`, seed) % p;

/** Multiplies two residues below 2^26 mod p without leaving exact double arithmetic. */
const mulmod = (a: number, b: number, p: number): number => {
  const hi = Math.floor(b / 4096);
  const lo = b % 4096;
  return (((a * hi) % p) * 4096 + a * lo) % p;
};

export const bucketOf = (key: string): number => hash32(key, 0x27d4eb2f) % SKETCH_BUCKETS;

export class Sketch {
  private readonly l1 = new Float64Array(SKETCH_BUCKETS);
  private readonly l2 = new Float64Array(SKETCH_BUCKETS);

  /** Adds `weight` times the element's hash into `key`'s bucket (negative weights subtract). */
  fold(key: string, element: string, weight: number): void {
    const b = bucketOf(key);
    const r1 = hash32(element, SEED1) % P1;
    const r2 = hash32(element, SEED2) % P2;
    this.l1[b] = ((this.l1[b] ?? 0) + mulmod(r1, residue(weight, P1, SEED1), P1)) % P1;
    this.l2[b] = ((this.l2[b] ?? 0) + mulmod(r2, residue(weight, P2, SEED2), P2)) % P2;
  }

  /** Buckets whose two sides disagree. */
  badBuckets(): Set<number> {
    const out = new Set<number>();
    for (let b = 0; b < SKETCH_BUCKETS; b++) if (this.l1[b] !== 0 || this.l2[b] !== 0) out.add(b);
    return out;
  }
}
