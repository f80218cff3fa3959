/**
 * A linear relational probe on TensorFlow.js: logistic regression p(related | s, o) = σ(wᵀ(v_o − v_s) + b), trained
 * on labelled difference vectors (1 for a true pair, 0 for a sampled negative), float32.
 *
 * Training: full-batch Adam (β₁ 0.9, β₂ 0.999, ε 1e-7, as tf.train.adam) on the mean binary cross-entropy plus
 * (l2/2)·‖w‖² (the bias is not penalised), from w = 0 and b = 0, for a fixed number of epochs. The gradient is the
 * closed form ∇w = Xᵀ(σ(z) − y)/n + l2·w, ∇b = mean(σ(z) − y), because the Node build of tfjs-core registers no
 * gradient kernels for automatic differentiation. The loss is convex and every step uses all rows, so the result
 * depends on neither a seed nor the order of the rows. Accuracy thresholds p at 0.5 (a logit of exactly 0 counts as
 * "related").
 *
 * Shapes: x: n×d (row i is v_o − v_s of example i), y: n labels in {0, 1}; the same for the held-out set.
 */

import { DomainError } from '../errors.js';
import type { Dense32 } from './arrays32.js';
import type { Tf } from './tfjs-backend.js';

export interface ProbeOptions {
  epochs: number;
  learningRate: number;
  l2: number;
}

export interface ProbeSet {
  x: Dense32;
  y: Float32Array;
}

export interface ProbeResult {
  weights: Float32Array;
  bias: number;
  /** Mean binary cross-entropy (without the penalty) on the training set after the last epoch. */
  trainLoss: number;
  trainAccuracy: number;
  /** Null without held-out examples. */
  testAccuracy: number | null;
  testLoss: number | null;
  /** Held-out confusion counts at p ≥ 0.5. */
  testConfusion: { truePositive: number; falsePositive: number; trueNegative: number; falseNegative: number } | null;
}

export function trainProbe(tf: Tf, train: ProbeSet, test: ProbeSet | undefined, options: ProbeOptions): ProbeResult {
  const d = train.x.cols;
  if (train.x.rows === 0) throw new DomainError('INVALID_PARAMETER', { path: '/pairs', value: 0, reason: 'the probe needs training examples' });
  if (test && test.x.cols !== d) throw new DomainError('SHAPE_MISMATCH', { reason: `training rows have ${d} columns, held-out rows ${test.x.cols}`, path: '/pairs' });

  const x = tf.tensor2d(train.x.data, [train.x.rows, d]);
  const y = tf.tensor2d(train.y, [train.y.length, 1]);
  let state = { w: tf.zeros([d, 1]), b: tf.zeros([1]), mw: tf.zeros([d, 1]), mb: tf.zeros([1]), vw: tf.zeros([d, 1]), vb: tf.zeros([1]) };
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const next = tf.tidy(() => ({ ...adamStep(tf, x, y, state, epoch, options) })) as unknown as AdamState<Tensor>;
      for (const tensor of Object.values(state)) tensor.dispose();
      state = next;
    }
    const { w, b } = state;

    const weights = w.dataSync() as Float32Array;
    const bias = (b.dataSync() as Float32Array)[0]!;
    const trainScores = evaluate(tf, x, y, w, b);
    let testScores: ReturnType<typeof evaluate> | null = null;
    if (test && test.x.rows > 0) {
      const tx = tf.tensor2d(test.x.data, [test.x.rows, d]);
      const ty = tf.tensor2d(test.y, [test.y.length, 1]);
      testScores = evaluate(tf, tx, ty, w, b);
      tx.dispose();
      ty.dispose();
    }
    return {
      weights: Float32Array.from(weights),
      bias,
      trainLoss: trainScores.loss,
      trainAccuracy: trainScores.accuracy,
      testAccuracy: testScores?.accuracy ?? null,
      testLoss: testScores?.loss ?? null,
      testConfusion: testScores?.confusion ?? null,
    };
  } finally {
    for (const tensor of [...Object.values(state), x, y]) tensor.dispose();
  }
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;

interface AdamState<T> {
  w: T;
  b: T;
  mw: T;
  mb: T;
  vw: T;
  vb: T;
}

/** Takes one full-batch Adam step (Kingma & Ba, 2015) with the closed-form logistic-regression gradient. */
function adamStep(tf: Tf, x: Tensor, y: Tensor, state: AdamState<Tensor>, step: number, options: ProbeOptions): AdamState<Tensor> {
  const n = x.shape[0]!;
  const residual = tf.sub(tf.sigmoid(tf.add(tf.matMul(x, state.w), state.b)), y);
  const gw = tf.add(tf.div(tf.matMul(x, residual, true, false), n), tf.mul(options.l2, state.w));
  const gb = tf.reshape(tf.mean(residual), [1]);

  const correction1 = 1 - BETA1 ** step;
  const correction2 = 1 - BETA2 ** step;
  const update = (parameter: Tensor, m: Tensor, v: Tensor, gradient: Tensor) => {
    const m2 = tf.add(tf.mul(BETA1, m), tf.mul(1 - BETA1, gradient));
    const v2 = tf.add(tf.mul(BETA2, v), tf.mul(1 - BETA2, tf.square(gradient)));
    const stepSize = tf.div(tf.div(m2, correction1), tf.add(tf.sqrt(tf.div(v2, correction2)), EPSILON));
    return { parameter: tf.sub(parameter, tf.mul(options.learningRate, stepSize)), m: m2, v: v2 };
  };
  const w = update(state.w, state.mw, state.vw, gw);
  const b = update(state.b, state.mb, state.vb, gb);
  return { w: w.parameter, b: b.parameter, mw: w.m, mb: b.m, vw: w.v, vb: b.v };
}

type Tensor = ReturnType<Tf['tensor']>;

/** Computes the mean of softplus(z) − y·z over the rows, z = x·w + b: the binary cross-entropy written stably in the logit. */
function meanCrossEntropy(tf: Tf, x: Tensor, y: Tensor, w: Tensor, b: Tensor): Tensor {
  const z = tf.add(tf.matMul(x, w), b);
  return tf.mean(tf.sub(tf.softplus(z), tf.mul(y, z)));
}

function evaluate(tf: Tf, x: Tensor, y: Tensor, w: Tensor, b: Tensor) {
  const [lossTensor, logitTensor] = tf.tidy(() => [meanCrossEntropy(tf, x, y, w, b), tf.add(tf.matMul(x, w), b)]);
  const loss = (lossTensor!.dataSync() as Float32Array)[0]!;
  const logits = logitTensor!.dataSync() as Float32Array;
  const labels = y.dataSync() as Float32Array;
  lossTensor!.dispose();
  logitTensor!.dispose();

  const confusion = { truePositive: 0, falsePositive: 0, trueNegative: 0, falseNegative: 0 };
  for (let i = 0; i < logits.length; i++) {
    const predicted = logits[i]! >= 0;
    if (labels[i] === 1) confusion[predicted ? 'truePositive' : 'falseNegative']++;
    else confusion[predicted ? 'falsePositive' : 'trueNegative']++;
  }
  return { loss, accuracy: (confusion.truePositive + confusion.trueNegative) / logits.length, confusion };
}
