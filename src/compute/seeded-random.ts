/**
 * Seeded pseudo-random numbers for the compute layer: k-means++ seeding, silhouette samples, train/test splits and
 * random Fourier features. The generator is mulberry32 (32-bit state), so a seed gives the same stream on every
 * platform and in every worker thread.
 */

/** Returns a generator of uniform numbers in [0, 1) from a 32-bit seed (mulberry32). */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns a generator of standard normal numbers (Box–Muller on a uniform generator). */
export function seededNormal(uniform: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    // 1 − u lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/** Derives an independent stream seed from a request seed and a fixed purpose tag, so streams do not overlap. */
export function deriveSeed(seed: number, tag: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(tag, 0x85ebca6b)) >>> 0;
}

/** Returns a uniformly random permutation of 0…n−1 (Fisher–Yates). */
export function permutation(n: number, uniform: () => number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}

/** Returns `count` distinct indices of 0…n−1 drawn uniformly, in ascending order. */
export function sampleWithoutReplacement(n: number, count: number, uniform: () => number): Int32Array {
  const chosen = permutation(n, uniform).subarray(0, count);
  return Int32Array.from(chosen).sort();
}
