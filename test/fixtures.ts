/**
 * The matrices of the property suite: each kind of input a decomposition must get right, seeded so that a
 * failure reproduces.
 */

import { type Dense, fromRows, matmul, scale } from '../src/compute/dense.js';
import { hilbert, randomMatrix, seededRandom } from './helpers.js';

export interface Fixture {
  name: string;
  matrix: Dense;
  /** Exact rank where known by construction. */
  rank?: number;
}

export function propertyFixtures(): Fixture[] {
  const random = seededRandom(20261204);
  const lowRank = matmul(randomMatrix(8, 3, random), randomMatrix(3, 6, random));
  return [
    { name: 'random square 6×6', matrix: randomMatrix(6, 6, random), rank: 6 },
    { name: 'random tall 40×5', matrix: randomMatrix(40, 5, random), rank: 5 },
    { name: 'random wide 3×7', matrix: randomMatrix(3, 7, random), rank: 3 },
    { name: 'rank-deficient 8×6 of rank 3', matrix: lowRank, rank: 3 },
    { name: 'rank-deficient wide 6×8 of rank 3', matrix: matmul(randomMatrix(6, 3, random), randomMatrix(3, 8, random)), rank: 3 },
    { name: 'zero 3×4', matrix: fromRows([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]), rank: 0 },
    { name: '1×1', matrix: fromRows([[-2.5]]), rank: 1 },
    { name: 'scaled by 1e-9', matrix: scale(lowRank, 1e-9), rank: 3 },
    { name: 'scaled by 1e9', matrix: scale(lowRank, 1e9), rank: 3 },
    { name: 'Hilbert 8×8', matrix: hilbert(8), rank: 8 },
  ];
}
