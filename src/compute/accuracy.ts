/**
 * Accuracy measures of a factorisation that need a matrix product, computed with the engine's matmul so that a
 * check costs no more than the factorisation it checks (dgemm in the native engine).
 */

import type { LinalgEngine } from './engine.js';
import { type Dense, transpose } from './dense.js';

/** Returns max |QᵀQ − I| over all entries, the orthogonality error of the columns of Q (m×k). */
export function orthogonalityErrorOf(engine: LinalgEngine, q: Dense): number {
  if (q.cols === 0) return 0;
  const gram = engine.matmul(transpose(q), q);
  let error = 0;
  for (let i = 0; i < gram.rows; i++) {
    for (let j = 0; j < gram.cols; j++) {
      error = Math.max(error, Math.abs(gram.data[i * gram.cols + j]! - (i === j ? 1 : 0)));
    }
  }
  return error;
}
