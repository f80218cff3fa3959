/**
 * Standard normal samples for the randomized SVD, by the Box–Muller transform over a seeded uniform generator
 * (`seededUniform`, mulberry32). The uniforms use only 32-bit integer arithmetic, so a seed gives the same sequence
 * everywhere. The normals go through Math.log, Math.cos and Math.sin, which ECMAScript does not require to be
 * correctly rounded, so they repeat exactly on one Node.js version and may differ in the last bit on another.
 */

/** Fills `out` with independent standard normal samples drawn from `uniform`, a generator of numbers in [0, 1). */
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
