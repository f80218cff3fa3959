import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../../src/config.js';
import { makeApp, post, seededRandom } from '../helpers.js';

let app: FastifyInstance;

beforeAll(async () => {
  app = await makeApp();
});

afterAll(async () => {
  await app.close();
});

const SDPA = '/v1/attention/scaled-dot-product';
const MHA = '/v1/attention/multi-head';

const basic = { query: [[1, 0], [0, 1]], key: [[1, 0], [0, 1]], value: [[1, 2], [3, 4]], scale: 1 };
const sigmoid1 = 1 / (1 + Math.exp(-1));

function decodeFloat32(data: string): number[] {
  const bytes = Buffer.from(data, 'base64');
  return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
}

function encodeFloat32(values: number[]): string {
  return Buffer.from(Float32Array.from(values).buffer).toString('base64');
}

describe('POST /v1/attention/scaled-dot-product', () => {
  it('returns pinned output and echoes the conventions', async () => {
    const { status, body } = await post(app, SDPA, { ...basic, returnWeights: true });
    expect(status).toBe(200);
    expect(body.weights[0][0]).toBeCloseTo(sigmoid1, 6);
    expect(body.output[0][0]).toBeCloseTo(1 + 2 * (1 - sigmoid1), 6);
    expect(body.shape).toEqual([2, 2]);
    expect(body).toMatchObject({ scale: 1, scaleRule: 'given', causal: false, alignment: null, mask: null, gqa: null, computeDtype: 'float32', backend: 'wasm', fullyMaskedRowCount: 0 });
  });

  it.each([
    ['allow', [[true, false], [true, true]]],
    ['block', [[false, true], [false, false]]],
    ['additive', [[0, '-inf'], [0, 0]]],
  ])('mask kind %s masks key 1 for query 0', async (kind, values) => {
    const { status, body } = await post(app, SDPA, { ...basic, returnWeights: true, mask: { kind, values } });
    expect(status).toBe(200);
    expect(body.weights[0]).toEqual([1, 0]);
    expect(body.output[0]).toEqual([1, 2]);
    expect(body.mask).toEqual({ kind, shape: [2, 2] });
  });

  it('rejects a boolean mask without a kind', async () => {
    const { status, body } = await post(app, SDPA, { ...basic, mask: [[true, false], [true, true]] });
    expect(status).toBe(400);
    expect(body.code).toBe('INVALID_PARAMETER');
    expect(body.path).toBe('/mask');
    expect(body.message).toMatch(/explicit kind/);
  });

  it('rejects numbers in a boolean mask', async () => {
    const { status, body } = await post(app, SDPA, { ...basic, mask: { kind: 'allow', values: [[1, 0], [1, 1]] } });
    expect(status).toBe(400);
    expect(body.path).toBe('/mask/values/0/0');
  });

  it('causal defaults to topLeft and echoes it', async () => {
    const payload = { query: [[0], [0]], key: [[0], [0], [0]], value: [[1], [2], [4]], causal: true };
    const topLeft = await post(app, SDPA, payload);
    expect(topLeft.body.alignment).toBe('topLeft');
    expect(topLeft.body.output).toEqual([[1], [1.5]]);

    const bottomRight = await post(app, SDPA, { ...payload, alignment: 'bottomRight' });
    expect(bottomRight.body.alignment).toBe('bottomRight');
    expect(bottomRight.body.output[0][0]).toBe(1.5);
    expect(bottomRight.body.output[1][0]).toBeCloseTo(7 / 3, 6);
  });

  it('rejects alignment without causal', async () => {
    const { status, body } = await post(app, SDPA, { ...basic, alignment: 'bottomRight' });
    expect(status).toBe(400);
    expect(body.path).toBe('/alignment');
  });

  it.each([true, false])('fully masked row is zero and listed (returnWeights %s)', async (returnWeights) => {
    const { status, body } = await post(app, SDPA, { ...basic, returnWeights, mask: { kind: 'block', values: [[true, true], [false, false]] } });
    expect(status).toBe(200);
    expect(body.output[0]).toEqual([0, 0]);
    expect(body.fullyMaskedRows).toEqual([[0]]);
    expect(body.fullyMaskedRowCount).toBe(1);
    if (returnWeights) expect(body.weights[0]).toEqual([0, 0]);
  });

  it('grouped-query attention echoes the head mapping', async () => {
    const { status, body } = await post(app, SDPA, { query: [[[0]], [[0]], [[0]], [[0]]], key: [[[0], [0]], [[0], [0]]], value: [[[1], [3]], [[5], [7]]] });
    expect(status).toBe(200);
    expect(body.output).toEqual([[[2]], [[2]], [[6]], [[6]]]);
    expect(body.gqa).toMatchObject({ queryHeads: 4, keyValueHeads: 2, groupSize: 2 });
  });

  it('rejects mismatched shapes naming both', async () => {
    const { status, body } = await post(app, SDPA, { query: [[1, 2, 3]], key: [[1, 2]], value: [[1]] });
    expect(status).toBe(422);
    expect(body.code).toBe('SHAPE_MISMATCH');
    expect(body.message).toContain('[1, 3]');
    expect(body.message).toContain('[1, 2]');
  });

  it('reads and writes the binary form', async () => {
    const tensor = (values: number[]) => ({ shape: [1, 2, 2], dtype: 'float32', data: encodeFloat32(values) });
    const { status, body } = await post(app, SDPA, { query: tensor([1, 0, 0, 1]), key: tensor([1, 0, 0, 1]), value: tensor([1, 2, 3, 4]), scale: 1 });
    expect(status).toBe(200);
    expect(body.output.shape).toEqual([1, 2, 2]);
    expect(body.output.dtype).toBe('float32');
    expect(decodeFloat32(body.output.data)[0]).toBeCloseTo(1 + 2 * (1 - sigmoid1), 6);
  });

  it('reads a binary additive mask with −Infinity', async () => {
    const mask = { kind: 'additive', values: { shape: [2, 2], dtype: 'float32', data: encodeFloat32([0, -Infinity, 0, 0]) } };
    const { status, body } = await post(app, SDPA, { ...basic, returnWeights: true, mask });
    expect(status).toBe(200);
    expect(body.weights[0]).toEqual([1, 0]);
  });

  it('rejects ragged nesting with a pointer', async () => {
    const { status, body } = await post(app, SDPA, { ...basic, query: [[1, 0], [0]] });
    expect(status).toBe(400);
    expect(body.path).toBe('/query/1');
  });

  it('rejects scores larger than the limit', async () => {
    const small = await makeApp({ maxMatrixElements: 8 });
    try {
      const { status, body } = await post(small, SDPA, { query: [[0], [0], [0]], key: [[0], [0], [0]], value: [[1], [1], [1]] });
      expect(status).toBe(422);
      expect(body.code).toBe('RESULT_TOO_LARGE');
      expect(body.message).toMatch(/3×3/);
    } finally {
      await small.close();
    }
  });

  it('rejects weights larger than the limit', async () => {
    const small = await makeApp({ maxMatrixElements: 8 });
    try {
      // Each head's scores are 2×2 (within 8), but the weights of 3 heads are 12 elements.
      const { status, body } = await post(small, SDPA, { query: [[[0], [0]], [[0], [0]], [[0], [0]]], key: [[[0], [0]], [[0], [0]], [[0], [0]]], value: [[[1], [1]], [[1], [1]], [[1], [1]]], returnWeights: true });
      expect(status).toBe(422);
      expect(body.code).toBe('RESULT_TOO_LARGE');
      expect(body.elements).toBe(12);
    } finally {
      await small.close();
    }
  });
});

describe('POST /v1/attention/multi-head', () => {
  const identity = [[1, 0], [0, 1]];

  it('returns output, per-head analytics and conventions', async () => {
    const { status, body } = await post(app, MHA, {
      input: [[1, 0], [0, 1], [1, 1]],
      wQ: [[0, 0], [0, 0]],
      wK: identity,
      wV: identity,
      wO: identity,
      numHeads: 2,
      returnWeights: true,
    });
    expect(status).toBe(200);
    // W_Q = 0 makes every score 0: uniform weights over 3 keys, output = mean of the values.
    expect(body.output[0][0]).toBeCloseTo(2 / 3, 6);
    expect(body.weightsShape).toEqual([2, 3, 3]);
    for (const head of body.heads) {
      expect(head.entropy).toBeCloseTo(Math.log(3), 5);
      expect(head.maxWeight).toBeCloseTo(1 / 3, 6);
      expect(head.effectiveSpan).toBeCloseTo(3, 4);
    }
    expect(body).toMatchObject({ layout: 'out_in', numHeads: 2, numKeyValueHeads: 2, headDim: 1, computeDtype: 'float32' });
  });

  it('applies a key padding mask of kind block', async () => {
    const { status, body } = await post(app, MHA, {
      input: [[[1, 0], [0, 1], [1, 1]]],
      wQ: [[0, 0], [0, 0]],
      wK: identity,
      wV: identity,
      wO: identity,
      numHeads: 1,
      keyPaddingMask: { kind: 'block', values: [[false, false, true]] },
    });
    expect(status).toBe(200);
    expect(body.output[0][0]).toEqual([0.5, 0.5]);
    expect(body.keyPaddingMask).toEqual({ kind: 'block', shape: [1, 3] });
  });

  it('rejects projection weights that do not fit', async () => {
    const { status, body } = await post(app, MHA, { input: [[1, 0]], wQ: [[1, 0, 0]], wK: identity, wV: identity, wO: identity, numHeads: 1 });
    expect(status).toBe(422);
    expect(body.code).toBe('SHAPE_MISMATCH');
    expect(body.path).toBe('/wQ');
  });
});

describe('TensorFlow.js runtime', () => {
  it('health reports the backend', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.json().tfjsBackend).toBe('wasm');
  });

  it('TFJS_BACKEND is validated', () => {
    expect(() => loadConfig({ TFJS_BACKEND: 'gpu' })).toThrow(ConfigError);
    expect(loadConfig({ TFJS_BACKEND: 'cpu' }).tfjsBackend).toBe('cpu');
  });

  it('the cpu backend gives the same pinned values', async () => {
    const cpu = await makeApp({ tfjsBackend: 'cpu' });
    try {
      const { body } = await post(cpu, SDPA, { ...basic, returnWeights: true });
      expect(body.backend).toBe('cpu');
      expect(body.weights[0][0]).toBeCloseTo(sigmoid1, 6);
    } finally {
      await cpu.close();
    }
  });

  it('TFJS_BACKEND=tensorflow fails at start without @tensorflow/tfjs-node', async () => {
    await expect(makeApp({ tfjsBackend: 'tensorflow' })).rejects.toThrow(/tfjs-node/);
  });

  it('1,000 requests leave no tensors behind', async () => {
    const identity = [[1, 0], [0, 1]];
    const multiHead = { input: [[1, 0], [0, 1], [1, 1]], wQ: identity, wK: identity, wV: identity, wO: identity, numHeads: 2, causal: true };
    const random = seededRandom(1);
    const payload = () => ({
      query: [[[random(), random()], [random(), random()]]],
      key: [[[random(), random()], [random(), random()], [random(), random()]]],
      value: [[[random()], [random()], [random()]]],
      causal: true,
      alignment: 'bottomRight',
      returnWeights: true,
    });
    await post(app, SDPA, payload());
    const before = (await app.pool.run('tfjsMemory', {})).numTensors;

    // Ten at a time stays within the pool's queue limit (16 tasks per worker).
    for (let batch = 0; batch < 100; batch++) {
      const replies = await Promise.all(
        Array.from({ length: 10 }, (_, i) => {
          if (i % 3 === 0) return post(app, SDPA, payload());
          if (i % 3 === 1) return post(app, '/v1/lora/merge', { weight: [[1, 2]], A: [[1, 1]], B: [[1]], alpha: 1, dora: { magnitude: [1] } });
          return post(app, MHA, { ...multiHead, keyPaddingMask: { kind: 'block', values: [false, false, true] }, returnWeights: true });
        }),
      );
      expect(replies.every((reply) => reply.status === 200)).toBe(true);
    }

    const after = (await app.pool.run('tfjsMemory', {})).numTensors;
    expect(after).toBe(before);
  });
});
