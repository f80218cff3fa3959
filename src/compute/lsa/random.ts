/**
 * Seeded pseudo-random numbers for the randomized SVD: mulberry32 for uniforms and the Box–Muller transform for
 * standard normals. The uniforms use only 32-bit integer arithmetic, so a seed gives the same sequence everywhere.
 * The normals go through Math.log, Math.cos and Math.sin, which ECMAScript does not require to be correctly
 * rounded, so they repeat exactly on one Node.js version and may differ in the last bit on another.
 */

/** Returns a generator of uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills `out` with independent standard normal samples drawn from `uniform`. */
export function fillStandardNormal(out: Float64Array, uniform: () => number): Float64Array {
  for (let i = 0; i < out.length; i += 2) {
    // 1 − u lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}
