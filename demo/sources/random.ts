/** A small seeded PRNG (sfc32, seeded through splitmix32): the same seed always yields the same stream. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

/** Values with relative weights, sampled in O(log n). */
export class Weighted<T> {
  private readonly values: T[];
  private readonly cumulative: number[];

  constructor(entries: readonly (readonly [T, number])[]) {
    this.values = entries.map(([v]) => v);
    let total = 0;
    this.cumulative = entries.map(([, w]) => {
      total += w;
      return total;
    });
  }

  /** Weights 1/rank^s for values listed from most to least frequent (Zipf-like). */
  static ranked<T>(values: readonly T[], exponent = 0.9): Weighted<T> {
    return new Weighted(values.map((v, i) => [v, 1 / (i + 1) ** exponent] as const));
  }

  sample(rng: Rng): T {
    const target = rng.next() * this.cumulative[this.cumulative.length - 1]!;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo]!;
  }
}

/**
 * A bijection of [0, modulus): `(x * multiplier + offset) mod modulus`, with the multiplier coprime
 * to the modulus. Turns sequence numbers into unique numbers that do not look sequential.
 */
export function scramble(x: number, modulus: number, offset = 0): number {
  const multiplier = SCRAMBLE_MULTIPLIERS[modulus];
  if (multiplier === undefined) throw new RangeError(`no multiplier for modulus ${modulus}`);
  const product = x * multiplier + offset;
  if (Number.isSafeInteger(product)) return product % modulus;
  return Number((BigInt(x) * BigInt(multiplier) + BigInt(offset)) % BigInt(modulus));
}

/** Powers of 3 and 7: coprime to every power of ten. */
const SCRAMBLE_MULTIPLIERS: Record<number, number> = {
  1000000: 823_543,
  10000000: 4_782_969,
  1000000000: 387_420_489,
};
