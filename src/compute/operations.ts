/**
 * The operations the worker pool can run, by name. Each takes an engine and plain, structured-cloneable arguments
 * (Dense matrices and numbers), so the same table serves the worker threads and direct calls in tests.
 */

import type { Dense } from './dense.js';
import type { LinalgEngine } from './engine.js';
import { det } from './det.js';
import { type Symmetrize, eigh } from './eigh.js';
import { type GramSchmidtOptions, gramSchmidt } from './gram-schmidt.js';
import { lstsq } from './lstsq.js';
import { type NormOrder, cond, matrixNorm } from './norms.js';
import { pinv } from './pinv.js';
import { type QrOptions, qr } from './qr.js';
import { fundamentalSubspaces, nullspace, rank } from './subspaces.js';
import { type SvdOptions, svd } from './svd.js';
import type { ToleranceOptions } from './tolerance.js';

export const operations = {
  svd: (engine: LinalgEngine, args: { a: Dense } & SvdOptions) => svd(engine, args.a, args),
  qr: (engine: LinalgEngine, args: { a: Dense } & QrOptions) => qr(engine, args.a, args),
  eigh: (engine: LinalgEngine, args: { a: Dense; symmetrize: Symmetrize }) => eigh(engine, args.a, args.symmetrize),
  rank: (engine: LinalgEngine, args: { a: Dense } & ToleranceOptions) => rank(engine, args.a, args),
  nullspace: (engine: LinalgEngine, args: { a: Dense } & ToleranceOptions) => nullspace(engine, args.a, args),
  subspaces: (engine: LinalgEngine, args: { a: Dense } & ToleranceOptions) => fundamentalSubspaces(engine, args.a, args),
  gramSchmidt: (_engine: LinalgEngine, args: { a: Dense } & GramSchmidtOptions) => gramSchmidt(args.a, args),
  lstsq: (engine: LinalgEngine, args: { a: Dense; b: Dense } & ToleranceOptions) => lstsq(engine, args.a, args.b, args),
  pinv: (engine: LinalgEngine, args: { a: Dense } & ToleranceOptions) => pinv(engine, args.a, args),
  det: (engine: LinalgEngine, args: { a: Dense }) => det(engine, args.a),
  cond: (engine: LinalgEngine, args: { a: Dense; order: NormOrder }) => cond(engine, args.a, args.order),
  norm: (engine: LinalgEngine, args: { a: Dense; order: NormOrder }) => ({ norm: matrixNorm(engine, args.a, args.order) }),
  /** Busy-waits for `ms` milliseconds; lets tests and drills hold a worker without depending on input sizes. */
  sleep: (_engine: LinalgEngine, args: { ms: number }) => {
    const until = Date.now() + args.ms;
    while (Date.now() < until) {
      // Spin: a worker stuck in compute is what the time limit must handle.
    }
    return { slept: args.ms };
  },
};

export type OperationName = keyof typeof operations;
export type OperationArgs<N extends OperationName> = Parameters<(typeof operations)[N]>[1];
export type OperationResult<N extends OperationName> = ReturnType<(typeof operations)[N]>;
