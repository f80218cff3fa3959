/**
 * Numerical linearity checks: additivity f(x + y) = f(x) + f(y) and homogeneity f(c·x) = c·f(x), each to within
 * numpy.allclose's tolerance |actual − expected| ≤ atol + rtol·|expected| (defaults rtol 1e-5, atol 1e-8, as in
 * numpy.allclose), entry by entry.
 *
 * For a map given by a matrix the two laws are probed on seeded random vectors. For a map known only from sample
 * pairs (x_i, y_i), every linear relation among the inputs (Σ c_i·x_i = 0, of which x_k = x_i + x_j and
 * x_j = c·x_i are special cases) must hold among the outputs. All such relations are tested at once by fitting
 * Y ≈ X·Mᵀ by least squares: the residual Y − X·Mᵀ is the part of Y that breaks some relation.
 */

import type { LinalgEngine } from './engine.js';
import { type Dense, clearNegativeZeros, matmul, transpose, zeros } from './dense.js';
import { lstsq } from './lstsq.js';
import { seededUniform } from './seeded-random.js';
import type { ResolvedTolerance } from './tolerance.js';

export interface AllcloseOptions {
  rtol?: number;
  atol?: number;
}

export const ALLCLOSE_RTOL = 1e-5;
export const ALLCLOSE_ATOL = 1e-8;

/** max over entries of |actual − expected| / (atol + rtol·|expected|): at most 1 means numpy.allclose holds. */
function violation(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number): { ratio: number; index: number } {
  let ratio = 0;
  let index = -1;
  for (let i = 0; i < expected.length; i++) {
    const allowed = atol + rtol * Math.abs(expected[i]!);
    const difference = Math.abs(actual[i]! - expected[i]!);
    // With atol = rtol = 0 any difference would give an infinite ratio, so it is reported as the largest finite value.
    let value = 0;
    if (difference > 0) value = allowed === 0 ? Number.MAX_VALUE : difference / allowed;
    if (value > ratio) {
      ratio = value;
      index = i;
    }
  }
  return { ratio, index };
}

export interface LawCheck {
  holds: boolean;
  /** Largest |difference| / (atol + rtol·|expected|) over the probes; the law holds when it is at most 1. */
  maxViolation: number;
}

export interface MatrixLinearityResult {
  linear: boolean;
  additivity: LawCheck;
  homogeneity: LawCheck;
  probes: number;
  seed: number;
  rtol: number;
  atol: number;
}

/** Probes A: m×n with `probes` seeded random pairs x, y ∈ [−1, 1]ⁿ and scalars c ∈ [−2, 2]. */
export function linearityOfMatrix(a: Dense, options: AllcloseOptions & { probes?: number; seed?: number }): MatrixLinearityResult {
  const rtol = options.rtol ?? ALLCLOSE_RTOL;
  const atol = options.atol ?? ALLCLOSE_ATOL;
  const probes = options.probes ?? 16;
  const seed = options.seed ?? 1;
  const random = seededUniform(seed);
  const apply = (x: Float64Array) => matmul(a, { rows: a.cols, cols: 1, data: x }).data;

  let additivity = 0;
  let homogeneity = 0;
  for (let probe = 0; probe < probes; probe++) {
    const x = Float64Array.from({ length: a.cols }, () => random() * 2 - 1);
    const y = Float64Array.from({ length: a.cols }, () => random() * 2 - 1);
    const c = random() * 4 - 2;
    const fx = apply(x);
    const fy = apply(y);

    const fSum = apply(x.map((value, i) => value + y[i]!));
    additivity = Math.max(additivity, violation(fSum, fx.map((value, i) => value + fy[i]!), rtol, atol).ratio);

    const fScaled = apply(x.map((value) => c * value));
    homogeneity = Math.max(homogeneity, violation(fScaled, fx.map((value) => c * value), rtol, atol).ratio);
  }

  return {
    linear: additivity <= 1 && homogeneity <= 1,
    additivity: { holds: additivity <= 1, maxViolation: additivity },
    homogeneity: { holds: homogeneity <= 1, maxViolation: homogeneity },
    probes,
    seed,
    rtol,
    atol,
  };
}

export type SampleVerdict = 'linear' | 'affine' | 'nonlinear' | 'undetermined';

export interface SampleLinearityResult {
  /**
   * `undetermined` when the inputs are linearly independent (then some linear map fits any outputs), `linear` when
   * the least-squares linear fit passes allclose, `affine` when only a fit with an intercept b ≠ 0 passes (such a
   * map breaks homogeneity, since f(0) = b), else `nonlinear`.
   */
  verdict: SampleVerdict;
  /** k − rank(X): the number of independent linear relations among the inputs that the outputs were tested on. */
  relationsTested: number;
  inputRank: number;
  inputTolerance: ResolvedTolerance;
  /** m×n matrix M of the least-squares linear fit y ≈ M·x. */
  matrix: Dense;
  linearFit: FitCheck;
  /** The affine fit y ≈ M·x + b; `intercept` is b. */
  affineFit: FitCheck & { matrix: Dense; intercept: Float64Array };
  rtol: number;
  atol: number;
}

export interface FitCheck {
  holds: boolean;
  maxViolation: number;
  /** The sample with the largest violation, or null when every output is matched exactly. */
  worstSample: number | null;
  /** ‖Y − Ŷ‖_F / ‖Y‖_F. */
  relativeResidual: number;
}

/** Checks a map known from k sample pairs: inputs X: k×n (one sample per row) and outputs Y: k×m. */
export function linearityOfSamples(engine: LinalgEngine, inputs: Dense, outputs: Dense, options: AllcloseOptions): SampleLinearityResult {
  const rtol = options.rtol ?? ALLCLOSE_RTOL;
  const atol = options.atol ?? ALLCLOSE_ATOL;

  const linear = lstsq(engine, inputs, outputs, {});
  const linearCheck = fitCheck(matmul(inputs, linear.solution), outputs, rtol, atol);

  const withOnes = zeros(inputs.rows, inputs.cols + 1);
  for (let i = 0; i < inputs.rows; i++) {
    withOnes.data.set(inputs.data.subarray(i * inputs.cols, (i + 1) * inputs.cols), i * (inputs.cols + 1));
    withOnes.data[i * (inputs.cols + 1) + inputs.cols] = 1;
  }
  const affine = lstsq(engine, withOnes, outputs, {});
  const affineCheck = fitCheck(matmul(withOnes, affine.solution), outputs, rtol, atol);
  const affineMatrix = transpose({ rows: inputs.cols, cols: outputs.cols, data: affine.solution.data.slice(0, inputs.cols * outputs.cols) });
  const intercept = affine.solution.data.slice(inputs.cols * outputs.cols);

  const relationsTested = inputs.rows - linear.rank;
  let verdict: SampleVerdict;
  if (relationsTested === 0) verdict = 'undetermined';
  else if (linearCheck.holds) verdict = 'linear';
  else if (affineCheck.holds) verdict = 'affine';
  else verdict = 'nonlinear';

  return {
    verdict,
    relationsTested,
    inputRank: linear.rank,
    inputTolerance: linear.tolerance,
    matrix: clearNegativeZeros(transpose(linear.solution)),
    linearFit: linearCheck,
    affineFit: { ...affineCheck, matrix: clearNegativeZeros(affineMatrix), intercept },
    rtol,
    atol,
  };
}

function fitCheck(fitted: Dense, outputs: Dense, rtol: number, atol: number): FitCheck {
  const { ratio, index } = violation(fitted.data, outputs.data, rtol, atol);
  let residual = 0;
  let reference = 0;
  for (let i = 0; i < outputs.data.length; i++) {
    residual += (fitted.data[i]! - outputs.data[i]!) ** 2;
    reference += outputs.data[i]! ** 2;
  }
  return {
    holds: ratio <= 1,
    maxViolation: ratio,
    worstSample: index < 0 ? null : Math.floor(index / outputs.cols),
    relativeResidual: reference === 0 ? Math.sqrt(residual) : Math.sqrt(residual / reference),
  };
}
