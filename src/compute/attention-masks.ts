/**
 * Attention masks as additive biases on the scores of one (batch, head) slice, L×S.
 *
 * Every mask arrives here additive: 0 where a key takes part and −Infinity where it is masked (the services turn
 * boolean masks of kind "allow" or "block" into this form), or any finite bias. A mask broadcasts against the
 * scores shape [...lead, L, S] as numpy does: shapes align on the right, and each mask dimension equals the scores
 * dimension or is 1. Several masks add up. The causal mask blocks key j for query i when j > i + offset, with
 * offset 0 for the "topLeft" alignment (PyTorch `is_causal`) and S − L for "bottomRight" (flash-attn ≥ 2.1,
 * queries are the last L positions of the keys).
 *
 * A row whose scores are all −Infinity is fully masked: softmax would return NaN for it, so its bias row is set to 0
 * and its `keep` factor to 0, which makes its weights and output exactly 0.
 */

import { DomainError } from '../errors.js';
import { showShape } from './arrays32.js';

export type CausalAlignment = 'topLeft' | 'bottomRight';

/** An additive mask, −Infinity meaning masked, broadcast against the scores shape [...lead, L, S]. */
export interface AdditiveMask {
  /** JSON pointer of the mask in the request, for error messages. */
  path: string;
  shape: number[];
  values: Float32Array;
}

/** The bias of one L×S slice: null when nothing is masked. */
export interface SliceBias {
  /** L×S additive bias with fully masked rows set to 0; null when only `keep` matters. */
  bias: Float32Array | null;
  /** Per query row, 1 or 0 (fully masked); null when no row is fully masked. */
  keep: Float32Array | null;
  /** Query rows whose keys are all masked. */
  fullyMaskedRows: number[];
  /** Cache key: slices with the same key share the bias tensors. */
  key: string;
}

/** Rejects a mask that does not broadcast against the scores shape, naming both shapes. */
export function checkMaskShape(mask: AdditiveMask, scoresShape: readonly number[]): void {
  const rank = scoresShape.length;
  const fits =
    mask.shape.length <= rank &&
    mask.shape.every((dimension, index) => {
      const target = scoresShape[rank - mask.shape.length + index]!;
      return dimension === target || dimension === 1;
    });
  if (!fits) {
    throw new DomainError('SHAPE_MISMATCH', {
      path: mask.path,
      reason: `the mask at ${mask.path} has shape ${showShape(mask.shape)}, which does not broadcast to the scores shape ${showShape(scoresShape)} ([...batch, heads, L, S]); each mask dimension must equal the scores dimension or be 1`,
      maskShape: mask.shape,
      scoresShape,
    });
  }
}

/** Builds slice biases for a scores shape [...lead, L, S], reusing one per distinct mask offset. */
export class SliceBiasBuilder {
  private readonly cache = new Map<string, SliceBias>();
  private readonly leadShape: number[];
  private readonly length: number;
  private readonly keys: number;

  constructor(
    scoresShape: readonly number[],
    private readonly masks: readonly AdditiveMask[],
    private readonly causal: CausalAlignment | null,
  ) {
    this.leadShape = scoresShape.slice(0, -2);
    this.length = scoresShape[scoresShape.length - 2]!;
    this.keys = scoresShape[scoresShape.length - 1]!;
    for (const mask of masks) checkMaskShape(mask, scoresShape);
  }

  /** Returns the bias of the slice at `leadIndex` (a multi-index into the lead dimensions). */
  forSlice(leadIndex: readonly number[]): SliceBias {
    const offsets = this.masks.map((mask) => this.maskOffset(mask, leadIndex));
    const key = offsets.join(',');
    let slice = this.cache.get(key);
    if (slice === undefined) {
      slice = this.build(offsets, key);
      this.cache.set(key, slice);
    }
    return slice;
  }

  /** Offset in `mask.values` of the mask's L×S block for a lead multi-index, broadcasting dimensions of size 1. */
  private maskOffset(mask: AdditiveMask, leadIndex: readonly number[]): number {
    const rank = mask.shape.length;
    const leadRank = this.leadShape.length;
    let offset = 0;
    let stride = 1;
    for (let axis = rank - 1; axis >= 0; axis--) {
      const scoresAxis = leadRank + 2 - rank + axis;
      if (scoresAxis < leadRank && mask.shape[axis]! > 1) offset += leadIndex[scoresAxis]! * stride;
      stride *= mask.shape[axis]!;
    }
    return offset;
  }

  private build(offsets: number[], key: string): SliceBias {
    const L = this.length;
    const S = this.keys;
    if (this.masks.length === 0 && this.causal === null) return { bias: null, keep: null, fullyMaskedRows: [], key };

    const bias = new Float32Array(L * S);
    this.masks.forEach((mask, index) => addMask(bias, mask, offsets[index]!, L, S));
    if (this.causal !== null) {
      const shift = this.causal === 'topLeft' ? 0 : S - L;
      for (let i = 0; i < L; i++) {
        for (let j = Math.max(0, i + shift + 1); j < S; j++) bias[i * S + j] = -Infinity;
      }
    }

    const fullyMaskedRows: number[] = [];
    for (let i = 0; i < L; i++) {
      const row = bias.subarray(i * S, (i + 1) * S);
      if (row.every((value) => value === -Infinity)) {
        fullyMaskedRows.push(i);
        row.fill(0);
      }
    }
    let keep: Float32Array | null = null;
    if (fullyMaskedRows.length > 0) {
      keep = new Float32Array(L).fill(1);
      for (const i of fullyMaskedRows) keep[i] = 0;
    }
    return { bias, keep, fullyMaskedRows, key };
  }
}

function addMask(bias: Float32Array, mask: AdditiveMask, offset: number, L: number, S: number): void {
  const rank = mask.shape.length;
  const maskKeys = mask.shape[rank - 1]!;
  const maskRows = rank >= 2 ? mask.shape[rank - 2]! : 1;
  for (let i = 0; i < L; i++) {
    const rowOffset = offset + (maskRows > 1 ? i * maskKeys : 0);
    for (let j = 0; j < S; j++) bias[i * S + j]! += mask.values[rowOffset + (maskKeys > 1 ? j : 0)]!;
  }
}
