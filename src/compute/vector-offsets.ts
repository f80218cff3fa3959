/**
 * Offset arithmetic on embeddings for analogies and relation vectors (Mikolov et al. 2013, "3CosAdd"): every
 * input is scaled to unit length first, so long vectors do not dominate, and the result is ranked by cosine.
 * Pure float64 functions on plain arrays of equal length; a zero vector stays zero under `normalize`.
 */

/** v / ‖v‖₂, or a copy of v when ‖v‖₂ = 0. */
export function normalize(v: readonly number[]): number[] {
  const norm = euclideanNorm(v);
  return norm > 0 ? v.map((x) => x / norm) : [...v];
}

/** ‖v‖₂, scaled by max |vᵢ| first (as LAPACK's dnrm2), so tiny or huge entries neither underflow nor overflow. */
export function euclideanNorm(v: readonly number[]): number {
  let scale = 0;
  for (const x of v) scale = Math.max(scale, Math.abs(x));
  if (scale === 0 || !Number.isFinite(scale)) return scale;

  let sumOfSquares = 0;
  for (const x of v) sumOfSquares += (x / scale) * (x / scale);
  return scale * Math.sqrt(sumOfSquares);
}

/**
 * Computes the analogy target of "a is to b as c is to ?": b̂ − â + ĉ with x̂ = x/‖x‖.
 *
 * @example analogyTarget([1, 0], [0, 1], [2, 0]) // [0, 1]
 */
export function analogyTarget(a: readonly number[], b: readonly number[], c: readonly number[]): number[] {
  const [na, nb, nc] = [normalize(a), normalize(b), normalize(c)];
  return nb.map((x, i) => x - na[i]! + nc[i]!);
}

/** Averages ôbject − ŝubject over the pairs: the relation vector that carries a subject to its object. */
export function meanOffset(pairs: ReadonlyArray<{ subject: readonly number[]; object: readonly number[] }>): number[] {
  const first = pairs[0];
  if (!first) throw new RangeError('meanOffset needs at least one pair.');

  const sum = new Array<number>(first.subject.length).fill(0);
  for (const pair of pairs) {
    const [subject, object] = [normalize(pair.subject), normalize(pair.object)];
    for (let i = 0; i < sum.length; i++) sum[i]! += object[i]! - subject[i]!;
  }
  return sum.map((x) => x / pairs.length);
}
