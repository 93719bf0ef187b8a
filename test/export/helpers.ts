import * as ort from 'onnxruntime-node';
import { noGrad } from '../../src/autograd/grad-mode.js';
import type { Module } from '../../src/nn/module.js';
import { Tensor } from '../../src/tensor/tensor.js';

export type OptLevel = 'disabled' | 'all';

/** Runs an ONNX file in onnxruntime-node (CPU) on one NCHW float32 batch; returns the logits. */
export async function runOrt(bytes: Uint8Array, x: Tensor, level: OptLevel): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: level, intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(x.contiguousData() as Float32Array), [...x.shape]) });
    return Float32Array.from(out.logits!.data as Float32Array);
  } finally {
    await session.release();
  }
}

/** pqkd's eval-mode forward. */
export function pqkdForward(model: Module, x: Tensor): Float32Array {
  model.eval();
  return Float32Array.from(noGrad(() => model.forward(x)).contiguousData() as Float32Array);
}

/**
 * Compares logits row by row: relative error of a row = max_j |a_j − b_j| / max_j |b_j| (b: pqkd's),
 * and the argmax of each row. Returns the worst relative error and the rows whose argmax differs.
 */
export function compareLogits(a: Float32Array, b: Float32Array, classes: number): { worstRelative: number; argmaxDiffers: number[] } {
  let worstRelative = 0;
  const argmaxDiffers: number[] = [];
  for (let r = 0; r < b.length / classes; r++) {
    let diff = 0, scale = 0, ia = 0, ib = 0;
    for (let j = 0; j < classes; j++) {
      const k = r * classes + j;
      diff = Math.max(diff, Math.abs(a[k]! - b[k]!));
      scale = Math.max(scale, Math.abs(b[k]!));
      if (a[k]! > a[r * classes + ia]!) ia = j;
      if (b[k]! > b[r * classes + ib]!) ib = j;
    }
    worstRelative = Math.max(worstRelative, diff / scale);
    if (ia !== ib) argmaxDiffers.push(r);
  }
  return { worstRelative, argmaxDiffers };
}
