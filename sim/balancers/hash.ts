/** Integer hashing for stable per-user decisions (header cohorts, percent lanes, consistent hash). */

/** A 32-bit avalanche mix (murmur3 finalizer) of two integers. */
export function mix2(a: number, b: number): number {
  let h = (Math.imul(a | 0, 0x9e3779b1) ^ Math.imul(b | 0, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stable fraction in [0, 1) for (a, b). */
export function unit2(a: number, b: number): number {
  return mix2(a, b) / 4294967296;
}

/** A stable 32-bit hash of a string (FNV-1a), for salts derived from names. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
