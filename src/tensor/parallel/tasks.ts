/**
 * Kernel work units that a thread (the main one or a worker) executes. Messages carry typed arrays
 * on SharedArrayBuffers, so a worker reads and writes the caller's memory directly.
 * Each unit writes a disjoint part of its output (rows of C, images of y/dx, columns or channels of dw,
 * element ranges of element-wise ops).
 */
import type { FloatArray, TypedArray } from '../dtype.js';
import { batchNormBackward, batchNormForward, batchNormStats } from '../kernels/batch-norm.js';
import { binaryKernel, unaryKernel, type BinaryOp, type UnaryOp } from '../kernels/elementwise.js';
import type { Conv2dGeometry } from '../kernels/conv2d-geometry.js';
import { conv2dBackwardInputImages, conv2dBackwardWeightUnits, conv2dForwardImages } from '../kernels/conv2d-parts.js';
import { conv2dBackwardBiasChannels } from '../kernels/conv2d-direct.js';
import type { GemmArgs } from '../kernels/gemm-args.js';
import { adamUpdateRange, sgdUpdateRange, type AdamStepOptions, type SgdStepOptions } from '../kernels/optim-update.js';
import { maxPool2dBackwardSerial, maxPool2dForwardSerial } from '../kernels/pool2d.js';
import type { Pool2dGeometry } from '../kernels/pool2d-geometry.js';
import { implicitConvBackwardInputImages, implicitConvForwardImages } from '../wasm/conv-implicit.js';
import { implicitConvBackwardWeightTaps } from '../wasm/conv-implicit-weight.js';
import { smallCinConvForwardImages } from '../wasm/conv-small-cin.js';
import { serialGemm, type KernelPath } from '../wasm/gemm-rows.js';
import { batchNormBackwardSimd, batchNormForwardSimd, batchNormStatsSimd } from '../wasm/batchnorm-simd.js';
import { addSimd, reluGradSimd, reluSimd } from '../wasm/elementwise-simd.js';
import { adamStepSimd } from '../wasm/adam-simd.js';
import { adamResident, adamStepResident } from '../wasm/adam-resident.js';
import { sgdStepSimd } from '../wasm/sgd-simd.js';
import { maxPool2x2BackwardSimd } from '../wasm/maxpool-backward-simd.js';
import { maxPool2x2Simd } from '../wasm/maxpool-simd.js';

/** A batch-norm kernel call (kernels/batch-norm.ts), split over channels by batch-norm-parallel.ts. */
export type BatchNormJob =
  | { kind: 'batchNormStats'; x: FloatArray; n: number; c: number; s: number; mean: Float64Array; variance: Float64Array }
  | { kind: 'batchNormForward'; x: FloatArray; n: number; c: number; s: number; mean: Float64Array; invstd: Float64Array;
    weight: FloatArray | null; bias: FloatArray | null; out: FloatArray; }
  | { kind: 'batchNormBackward'; x: FloatArray; g: FloatArray; n: number; c: number; s: number; mean: Float64Array; invstd: Float64Array;
    weight: FloatArray | null; training: boolean; gradInput: FloatArray | null; gradWeight: FloatArray | null; gradBias: FloatArray | null; };

/** An optimiser update in place (kernels/optim-update.ts), split over element ranges by optim-parallel.ts. */
export type OptimizerJob =
  | { kind: 'sgdUpdate'; p: FloatArray; g: FloatArray; buf: FloatArray | null; o: SgdStepOptions }
  | { kind: 'adamUpdate'; p: FloatArray; g: FloatArray; m: FloatArray; v: FloatArray; vMax: FloatArray | null; o: AdamStepOptions };

/** A batch-norm job on channels [ch0, ch1); simd: the dispatcher checked float32 large arrays (kernel-dispatch.ts). */
export type BatchNormTask = BatchNormJob & { simd: boolean; ch0: number; ch1: number };

export type KernelTask =
  | { kind: 'gemmRows'; path: KernelPath; args: GemmArgs; start: number; end: number }
  | { kind: 'conv2dForward'; path: KernelPath; implicit: boolean; smallCin: boolean; relu: boolean; g: Conv2dGeometry; x: FloatArray; w: FloatArray;
    bias: FloatArray | null; out: FloatArray; start: number; end: number; }
  | { kind: 'conv2dBackwardInput'; path: KernelPath; implicit: boolean; g: Conv2dGeometry; gradOut: FloatArray; w: FloatArray; gradInput: FloatArray; start: number; end: number }
  | { kind: 'conv2dBackwardWeight'; path: KernelPath; implicit: boolean; g: Conv2dGeometry; x: FloatArray; gradOut: FloatArray; gradWeight: FloatArray;
    start: number; end: number; o0?: number; o1?: number; }
  | { kind: 'conv2dBackwardBias'; path: KernelPath; g: Conv2dGeometry; gradOut: FloatArray; gradBias: FloatArray; start: number; end: number }
  | { kind: 'maxPool2dForward'; g: Pool2dGeometry; x: FloatArray; out: FloatArray; argmax: Int32Array; simd: boolean; start: number; end: number }
  | { kind: 'maxPool2dBackward'; g: Pool2dGeometry; gradOut: FloatArray; argmax: Int32Array; gradInput: FloatArray; simd: boolean; start: number; end: number }
  | { kind: 'unaryRange'; op: UnaryOp; simd: boolean; x: TypedArray; xOffset: number; out: TypedArray; start: number; end: number }
  | BatchNormTask
  | { kind: 'binaryRange'; op: BinaryOp; simd: boolean; a: TypedArray; aOffset: number; b: TypedArray; bOffset: number; out: TypedArray; start: number; end: number }
  | (OptimizerJob & { simd: boolean; start: number; end: number });

/**
 * Runs one batch-norm kernel on its channel range, the SIMD kernel when `task.simd`, else the JS one
 * (same bits either way).
 * @example
 * runBatchNorm({ kind: 'batchNormStats', x, n, c, s, mean, variance, simd: false, ch0: 0, ch1: c });
 */
export function runBatchNorm(t: BatchNormTask): void {
  const { n, c, s, ch0, ch1 } = t;
  if (t.kind === 'batchNormStats') {
    if (t.simd) batchNormStatsSimd(t.x as Float32Array, n, c, s, t.mean, t.variance, ch0, ch1);
    else batchNormStats(t.x, n, c, s, t.mean, t.variance, ch0, ch1);
  } else if (t.kind === 'batchNormForward') {
    if (t.simd) batchNormForwardSimd(t.x as Float32Array, n, c, s, t.mean, t.invstd, t.weight, t.bias, t.out as Float32Array, ch0, ch1);
    else batchNormForward(t.x, n, c, s, t.mean, t.invstd, t.weight, t.bias, t.out, ch0, ch1);
  } else if (t.simd) {
    batchNormBackwardSimd(t.x as Float32Array, t.g as Float32Array, n, c, s, t.mean, t.invstd, t.weight, t.training,
      t.gradInput as Float32Array | null, t.gradWeight, t.gradBias, ch0, ch1);
  } else {
    batchNormBackward(t.x, t.g, n, c, s, t.mean, t.invstd, t.weight, t.training, t.gradInput, t.gradWeight, t.gradBias, ch0, ch1);
  }
}

/** The images [start, end) of a pooling job: a geometry with that batch and views of the arrays. */
function poolImages(g: Pool2dGeometry, start: number, end: number): { g: Pool2dGeometry; input: [number, number]; output: [number, number] } {
  const inPlane = g.channels * g.inHeight * g.inWidth;
  const outPlane = g.channels * g.outHeight * g.outWidth;
  return { g: { ...g, batch: end - start }, input: [start * inPlane, end * inPlane], output: [start * outPlane, end * outPlane] };
}

/**
 * Runs one work unit on the current thread.
 *
 * @example
 * executeTask({ kind: 'gemmRows', path: 'simd', args, start: 0, end: args.m });
 */
export function executeTask(task: KernelTask): void {
  switch (task.kind) {
    case 'gemmRows':
      serialGemm(task.path).rows(task.args, task.start, task.end);
      return;
    case 'conv2dForward':
      // smallCin / implicit: the dispatcher checked float32 operands and the geometry; relu only with them (kernel-dispatch.ts)
      if (task.smallCin) {
        smallCinConvForwardImages(task.g, task.x as Float32Array, task.w as Float32Array, task.bias as Float32Array | null, task.out as Float32Array, task.start, task.end, task.relu);
      } else if (task.implicit) {
        implicitConvForwardImages(task.g, task.x as Float32Array, task.w as Float32Array, task.bias as Float32Array | null, task.out as Float32Array, task.start, task.end, task.relu);
      } else {
        conv2dForwardImages(task.g, task.x, task.w, task.bias, task.out, task.start, task.end, serialGemm(task.path));
      }
      return;
    case 'conv2dBackwardInput':
      if (task.implicit) implicitConvBackwardInputImages(task.g, task.gradOut as Float32Array, task.w as Float32Array, task.gradInput as Float32Array, task.start, task.end);
      else conv2dBackwardInputImages(task.g, task.gradOut, task.w, task.gradInput, task.start, task.end, serialGemm(task.path));
      return;
    case 'conv2dBackwardWeight':
      if (task.implicit) {
        implicitConvBackwardWeightTaps(task.g, task.x as Float32Array, task.gradOut as Float32Array, task.gradWeight as Float32Array, task.start, task.end, task.o0, task.o1);
      } else {
        conv2dBackwardWeightUnits(task.g, task.x, task.gradOut, task.gradWeight, task.start, task.end, serialGemm(task.path));
      }
      return;
    case 'conv2dBackwardBias':
      conv2dBackwardBiasChannels(task.g, task.gradOut, task.gradBias, task.start, task.end);
      return;
    case 'maxPool2dForward': {
      const p = poolImages(task.g, task.start, task.end);
      // simd: the dispatcher checked the 2×2 / stride-2 geometry and float32 x and out (kernel-dispatch.ts).
      if (task.simd) maxPool2x2Simd(p.g, (task.x as Float32Array).subarray(...p.input), (task.out as Float32Array).subarray(...p.output), task.argmax.subarray(...p.output));
      else maxPool2dForwardSerial(p.g, task.x.subarray(...p.input), task.out.subarray(...p.output), task.argmax.subarray(...p.output));
      return;
    }
    case 'maxPool2dBackward': {
      const p = poolImages(task.g, task.start, task.end);
      const [gradOut, argmax, gradInput] = [task.gradOut.subarray(...p.output), task.argmax.subarray(...p.output), task.gradInput.subarray(...p.input)];
      // simd: the dispatcher checked the geometry and float32 gradOut and gradInput; false means an argmax outside its window.
      if (!(task.simd && maxPool2x2BackwardSimd(p.g, gradOut as Float32Array, argmax, gradInput as Float32Array))) maxPool2dBackwardSerial(p.g, gradOut, argmax, gradInput);
      return;
    }
    case 'batchNormStats':
    case 'batchNormForward':
    case 'batchNormBackward':
      runBatchNorm(task);
      return;
    case 'unaryRange':
      // simd: the dispatcher checked op 'relu' and float32 operands (kernel-dispatch.ts).
      if (task.simd) reluSimd(task.x as Float32Array, task.xOffset + task.start, (task.out as Float32Array).subarray(task.start, task.end), task.end - task.start);
      else unaryKernel(task.op, task.x, task.xOffset + task.start, [1], [task.end - task.start], task.out.subarray(task.start, task.end));
      return;
    case 'binaryRange':
      if (task.simd) {
        (task.op === 'add' ? addSimd : reluGradSimd)(
          task.a as Float32Array, task.aOffset + task.start, task.b as Float32Array, task.bOffset + task.start,
          (task.out as Float32Array).subarray(task.start, task.end), task.end - task.start,
        );
        return;
      }
      binaryKernel(
        task.op, task.a, task.aOffset + task.start, [1], task.b, task.bOffset + task.start, [1],
        [task.end - task.start], task.out.subarray(task.start, task.end),
      );
      return;
    case 'sgdUpdate':
    case 'adamUpdate':
      optimizerRange(task, task.simd, task.start, task.end);
      return;
    default:
      throw new TypeError(`executeTask: unknown task kind ${JSON.stringify((task as { kind: unknown }).kind)}`);
  }
}

/**
 * Runs an optimiser update on the elements [start, end): the SIMD kernel when `simd` (the dispatcher
 * checked that every array is float32), else the JS loop; both give the same bits.
 *
 * @example
 * optimizerRange({ kind: 'sgdUpdate', p, g, buf: null, o }, true, 0, p.length);
 */
export function optimizerRange(job: OptimizerJob, simd: boolean, start: number, end: number): void {
  const part = (a: FloatArray): Float32Array => (a as Float32Array).subarray(start, end);
  if (job.kind === 'sgdUpdate') {
    const { p, g, buf, o } = job;
    if (simd) sgdStepSimd(part(p), part(g), buf === null ? undefined : part(buf), o);
    else sgdUpdateRange(p, g, buf ?? undefined, o, start, end);
  } else {
    const { p, g, m, v, vMax, o } = job;
    if (simd) {
      // state in an arena of this thread (wasm/adam-resident.ts) is updated in place, else copied through the kernel's memory
      const kernel = adamResident(m as Float32Array, v as Float32Array, vMax as Float32Array | null) ? adamStepResident : adamStepSimd;
      kernel(part(p), part(g), part(m), part(v), vMax === null ? null : part(vMax), o);
    } else adamUpdateRange(p, g, m, v, vMax, o, start, end);
  }
}
