/**
 * The dispatch layer: the one place that decides how a kernel runs. Callers (tensor ops, autograd
 * ops) call the entry points here; this module validates the arguments, picks the kernel path
 * (WebAssembly SIMD or JavaScript, `kernelsMode()`) and serial or threads, and calls the pure serial
 * kernels (`kernels/`, `wasm/`) or their thread split (`parallel/`). Kernels import nothing above
 * them; `parallel/` and `wasm/` import kernels, never the reverse.
 *
 * Rules, one per kernel family (T = getNumThreads(), M = getParallelMinMacs(), 2²³ by default;
 * every thread split is bit-identical to one thread because each output element is computed by one
 * thread with the serial arithmetic):
 *  - GEMM: SIMD path when all three operands are float32 and m·n·k > 16³ (wasm/gemm-rows.ts);
 *    threads when T > 1, α ≠ 0, k > 0, m ≥ 8 and m·n·k ≥ M (rows of C split).
 *  - conv2d forward / input gradient: on the SIMD path with float32 operands, stride 1, dilation 1,
 *    one group (wasm/conv-implicit.ts `implicitConvEligible`, `implicitConvInputGradEligible`), the
 *    implicit-GEMM kernel that reads the padded image directly (no im2col / col2im); otherwise
 *    im2col + GEMM as below. Forward, first: C_in ≤ 4, C_in·KH·KW ≤ 36, OW ≥ 4 → the direct kernel (wasm/
 *    conv-small-cin.ts, same bits); `activation` 'relu' is fused into these two kernels' store, else a ReLU
 *    pass over out. Weight gradient: for the forward's eligible geometries, the implicit weight-gradient
 *    kernel (wasm/conv-implicit-weight.ts; taps of dW split over threads).
 *  - conv2d forward / input gradient / weight gradient: the GEMM's path for their GEMMs; threads
 *    when T > 1, ≥ 2 work units (images; columns of dW) and the multiply-adds ≥ M.
 *    Bias gradient: threads when T > 1, C_out ≥ 2 and 64 × elements of dY ≥ M (memory bound).
 *  - max pooling: threads when T > 1, N ≥ 2, 16 × window reads ≥ M and every array is already on
 *    a SharedArrayBuffer (no copies for a bandwidth-bound op); average pooling is serial. The
 *    2×2 / stride-2 unpadded forward runs on WebAssembly SIMD (also per thread range) when x and out
 *    are float32 (wasm/maxpool-simd.ts, same values and argmax as the JS kernel); its backward too when
 *    the windows tile the plane and every argmax lies in its window (else the JS kernel runs).
 *  - batch norm: threads when T > 1, C ≥ 2, N·C·S ≥ 2¹⁷ and the large arrays are shared. On the
 *    SIMD path when the large arrays (x; out; g and gradInput) are float32 and S ≥ 192
 *    (wasm/batchnorm-simd.ts `BN_SIMD_MIN_S`: shorter rows cost more in per-row copies than they
 *    save), also per thread channel range; same bits as the JS kernel (its eight-lane reduction order).
 *  - element-wise: threads when T > 1, contiguous unbroadcast operands, n ≥ 2¹⁷, all shared;
 *    ReLU, its gradient and flat addition on the SIMD path when every operand is float32 and contiguous
 *    (wasm/elementwise-simd.ts, same bits as the JS kernel).
 *  - optimiser updates (SGD, Adam / AdamW; kernels/optim-update.ts): SIMD path when every array is float32 (wasm/sgd-simd.ts,
 *    wasm/adam-simd.ts, same bits); threads over element ranges when T > 1, n ≥ 2¹⁷ and p, g and all state buffers are shared.
 *    Adam's float32 state is allocated on the SIMD path in one kernel memory per optimiser (`optimizerStateArrays`,
 *    wasm/adam-resident.ts; shared when T > 1), where the kernel updates it in place (same bits, 4 of 7 copy passes fewer).
 */
import type { FloatArray, TypedArray } from './dtype.js';
import { checkLength, conv2dSizes, type Conv2dGeometry } from './kernels/conv2d-geometry.js';
import { conv2dBackwardBias as conv2dBackwardBiasSerial } from './kernels/conv2d-direct.js';
import { backwardWeightUnits, conv2dBackwardInputImages, conv2dBackwardWeightUnits, conv2dForwardImages } from './kernels/conv2d-parts.js';
import { binaryKernel, unaryKernel, type BinaryOp, type UnaryOp } from './kernels/elementwise.js';
import { checkGemmArgs, type GemmArgs } from './kernels/gemm-args.js';
import { MR } from './kernels/gemm-blocked.js';
import { maxPool2dBackwardSerial, maxPool2dForwardSerial } from './kernels/pool2d.js';
import type { Pool2dGeometry } from './kernels/pool2d-geometry.js';
import { batchNormParallel } from './parallel/batch-norm-parallel.js';
import { convParallel } from './parallel/conv-parallel.js';
import { binaryParallel, unaryParallel } from './parallel/elementwise-parallel.js';
import { gemmParallel } from './parallel/gemm-parallel.js';
import { optimizerParallel } from './parallel/optim-parallel.js';
import { poolParallel } from './parallel/pool-parallel.js';
import { isSharedArray } from './parallel/share.js';
import { optimizerRange, runBatchNorm, type BatchNormJob, type OptimizerJob } from './parallel/tasks.js';
import { getNumThreads, getParallelMinMacs, threadsSupported } from './parallel/threads.js';
import { implicitConvBackwardWeightTaps } from './wasm/conv-implicit-weight.js';
import { implicitConvBackwardInputImages, implicitConvEligible, implicitConvForwardImages, implicitConvInputGradEligible } from './wasm/conv-implicit.js';
import { smallCinConvEligible, smallCinConvForwardImages } from './wasm/conv-small-cin.js';
import { serialGemm, sgemmEligible } from './wasm/gemm-rows.js';
import { adamResidentArrays } from './wasm/adam-resident.js';
import { BN_SIMD_MIN_S } from './wasm/batchnorm-simd.js';
import { addSimd, reluGradSimd, reluSimd } from './wasm/elementwise-simd.js';
import { maxPool2x2BackwardEligible, maxPool2x2BackwardSimd } from './wasm/maxpool-backward-simd.js';
import { maxPool2x2Eligible, maxPool2x2Simd } from './wasm/maxpool-simd.js';
import { kernelsMode } from './wasm/support.js';

export { avgPool2dBackward, avgPool2dForward } from './kernels/pool2d.js';
export type { BatchNormJob, OptimizerJob } from './parallel/tasks.js';
export type { GemmArgs } from './kernels/gemm-args.js';
export { kernelInfo, type KernelInfo } from './kernel-info.js';

/** Element counts from which bandwidth-bound ops (batch norm, element-wise) use threads. */
export const BANDWIDTH_PARALLEL_MIN_ELEMENTS = 1 << 17;

/** Whether a compute-bound kernel with `units` independent pieces and `macs` multiply-adds uses threads. */
function threadsForWork(units: number, macs: number): boolean {
  return getNumThreads() > 1 && units >= 2 && macs >= getParallelMinMacs() && threadsSupported();
}

/** Whether a bandwidth-bound op over `elements` uses threads: only on arrays that are already shared. */
function threadsForBandwidth(elements: number, units: number, arrays: readonly (TypedArray | null)[]): boolean {
  return elements >= BANDWIDTH_PARALLEL_MIN_ELEMENTS && units >= 2 && getNumThreads() > 1 && threadsSupported() &&
    arrays.every((a) => a === null || isSharedArray(a));
}

/**
 * Whether `gemm` sends this (valid) problem to the WebAssembly sgemm.
 *
 * @example
 * gemmUsesSimd(args); // true for a float32 64³ product unless PQKD_KERNELS=js
 */
export function gemmUsesSimd(args: GemmArgs): boolean {
  return kernelsMode() === 'simd' && sgemmEligible(args);
}

/**
 * C ← α·opA·opB + β·C (layout and numerics in kernels/matmul.ts). Validates, then runs the rows of C
 * on the chosen path, split over threads when the GEMM rule says so (bit-identical to one thread).
 *
 * @example
 * const a = new Float32Array([1, 2, 3, 4]), b = new Float32Array([5, 6, 7, 8]), c = new Float32Array(4);
 * gemm({ transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1, a, aOffset: 0, lda: 2,
 *   b, bOffset: 0, ldb: 2, beta: 0, c, cOffset: 0, ldc: 2 }); // c = [19, 22, 43, 50]
 */
export function gemm(args: GemmArgs): void {
  checkGemmArgs(args);
  if (args.m === 0 || args.n === 0) return;
  const path = kernelsMode();
  if (args.alpha !== 0 && args.k > 0 && args.m >= 2 * MR && threadsForWork(2, args.m * args.n * args.k)) gemmParallel(args, path);
  else serialGemm(path).rows(args, 0, args.m);
}

const numel = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);
/** True when every non-null array is a Float32Array (the implicit convolution is float32 only). */
const allFloat32 = (...arrays: (FloatArray | null)[]): boolean => arrays.every((a) => a === null || a instanceof Float32Array);

const convMacs = (g: Conv2dGeometry): number => g.batch * g.outChannels * g.outHeight * g.outWidth * (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth;

/**
 * y = act(conv2d(x, w) + bias), overwriting `out` ([N, C_out, OH, OW]); math in kernels/conv2d.ts; act: 'none' or 'relu'.
 * @example
 * const g = conv2dGeometry([1, 1, 3, 3], [1, 1, 2, 2]);
 * const out = new Float32Array(4);
 * conv2dForward(g, new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), new Float32Array([1, 0, 0, 1]), null, out);
 * // out = [6, 8, 12, 14] (x[oh,ow] + x[oh+1,ow+1])
 */
export function conv2dForward(g: Conv2dGeometry, x: FloatArray, w: FloatArray, bias: FloatArray | null, out: FloatArray, activation: 'none' | 'relu' = 'none'): void {
  const sizes = conv2dSizes(g);
  for (const [name, a, n] of [['x', x, sizes.input], ['w', w, sizes.weight], ['out', out, sizes.output], ['bias', bias, g.outChannels]] as const) if (a !== null) checkLength('conv2dForward', name, a, n);
  const path = kernelsMode(), f32 = path === 'simd' && allFloat32(x, w, out, bias);
  const smallCin = f32 && smallCinConvEligible(g), implicit = f32 && !smallCin && implicitConvEligible(g), relu = activation === 'relu' && (smallCin || implicit);
  if (threadsForWork(g.batch, convMacs(g))) convParallel({ kind: 'conv2dForward', g, x, w, bias, out, implicit, smallCin, relu }, path);
  else if (smallCin || implicit) (smallCin ? smallCinConvForwardImages : implicitConvForwardImages)(g, x as Float32Array, w as Float32Array, bias as Float32Array | null, out as Float32Array, 0, g.batch, relu);
  else conv2dForwardImages(g, x, w, bias, out, 0, g.batch, serialGemm(path));
  if (activation === 'relu' && !relu) unaryElementwise('relu', out, 0, [1], [out.length], out, true);
}

/**
 * dx = conv2d's adjoint in x applied to gradOut, overwriting `gradInput` ([N, C_in, H, W]).
 *
 * @example
 * const g = conv2dGeometry([1, 1, 2, 2], [1, 1, 2, 2]); // one output element
 * const dx = new Float32Array(4);
 * conv2dBackwardInput(g, new Float32Array([1]), new Float32Array([1, 2, 3, 4]), dx); // dx = w = [1, 2, 3, 4]
 */
export function conv2dBackwardInput(g: Conv2dGeometry, gradOut: FloatArray, w: FloatArray, gradInput: FloatArray): void {
  const sizes = conv2dSizes(g);
  for (const [name, a, n] of [['gradOut', gradOut, sizes.output], ['w', w, sizes.weight], ['gradInput', gradInput, sizes.input]] as const) checkLength('conv2dBackwardInput', name, a, n);
  const path = kernelsMode();
  const implicit = path === 'simd' && allFloat32(gradOut, w, gradInput) && implicitConvInputGradEligible(g);
  if (threadsForWork(g.batch, convMacs(g))) convParallel({ kind: 'conv2dBackwardInput', g, gradOut, w, gradInput, implicit }, path);
  else if (implicit) implicitConvBackwardInputImages(g, gradOut as Float32Array, w as Float32Array, gradInput as Float32Array, 0, g.batch);
  else conv2dBackwardInputImages(g, gradOut, w, gradInput, 0, g.batch, serialGemm(path));
}

/**
 * dw = conv2d's adjoint in w, overwriting `gradWeight` ([C_out, C_in/groups, KH, KW]); the batch
 * sum runs in ascending n in a float64 accumulator, except on the implicit path (one float32 sum
 * over n, oh, ow ascending; wasm/conv-implicit-weight.ts).
 *
 * @example
 * const g = conv2dGeometry([1, 1, 2, 2], [1, 1, 2, 2]);
 * const dw = new Float32Array(4);
 * conv2dBackwardWeight(g, new Float32Array([1, 2, 3, 4]), new Float32Array([2]), dw); // dw = 2·x = [2, 4, 6, 8]
 */
export function conv2dBackwardWeight(g: Conv2dGeometry, x: FloatArray, gradOut: FloatArray, gradWeight: FloatArray): void {
  const sizes = conv2dSizes(g);
  for (const [name, a, n] of [['x', x, sizes.input], ['gradOut', gradOut, sizes.output], ['gradWeight', gradWeight, sizes.weight]] as const) checkLength('conv2dBackwardWeight', name, a, n);
  const path = kernelsMode();
  const units = backwardWeightUnits(g);
  const implicit = path === 'simd' && allFloat32(x, gradOut, gradWeight) && implicitConvEligible(g);
  if (threadsForWork(units, convMacs(g))) convParallel({ kind: 'conv2dBackwardWeight', g, x, gradOut, gradWeight, implicit }, path);
  else if (implicit) implicitConvBackwardWeightTaps(g, x as Float32Array, gradOut as Float32Array, gradWeight as Float32Array, 0, units);
  else conv2dBackwardWeightUnits(g, x, gradOut, gradWeight, 0, units, serialGemm(path));
}

/**
 * db[oc] = Σ_{n,oh,ow} gradOut[n, oc, oh, ow] (float64, batch norm's eight-lane order), overwriting
 * `gradBias` ([C_out]).
 *
 * @example
 * const g = conv2dGeometry([1, 1, 2, 2], [1, 1, 2, 2]);
 * const db = new Float32Array(1);
 * conv2dBackwardBias(g, new Float32Array([1.5]), db); // db = [1.5]
 */
export function conv2dBackwardBias(g: Conv2dGeometry, gradOut: FloatArray, gradBias: FloatArray): void {
  const elements = g.batch * g.outChannels * g.outHeight * g.outWidth;
  if (threadsForWork(g.outChannels, elements * 64)) {
    checkLength('conv2dBackwardBias', 'gradOut', gradOut, elements);
    checkLength('conv2dBackwardBias', 'gradBias', gradBias, g.outChannels);
    convParallel({ kind: 'conv2dBackwardBias', g, gradOut, gradBias }, kernelsMode());
  } else {
    conv2dBackwardBiasSerial(g, gradOut, gradBias);
  }
}

/** Whether a max-pooling call over these arrays uses threads (see the rules above). */
function threadsForPool(g: Pool2dGeometry, arrays: readonly (FloatArray | Int32Array)[]): boolean {
  const reads = g.batch * g.channels * g.outHeight * g.outWidth * g.kernelHeight * g.kernelWidth;
  return threadsForWork(g.batch, reads * 16) && arrays.every(isSharedArray);
}

/**
 * Max pooling with argmax (flat index ih·W + iw within the input plane), overwriting out and argmax.
 *
 * @example
 * const g = pool2dGeometry([1, 1, 2, 2], { kernelSize: 2 }, 'maxPool2d');
 * const out = new Float32Array(1), argmax = new Int32Array(1);
 * maxPool2dForward(g, new Float32Array([1, 5, 5, 2]), out, argmax); // out = [5], argmax = [1]
 */
export function maxPool2dForward(g: Pool2dGeometry, x: FloatArray, out: FloatArray, argmax: Int32Array): void {
  const simd = kernelsMode() === 'simd' && allFloat32(x, out) && maxPool2x2Eligible(g);
  if (threadsForPool(g, [x, out, argmax])) poolParallel({ kind: 'maxPool2dForward', g, x, out, argmax, simd });
  else if (simd) maxPool2x2Simd(g, x as Float32Array, out as Float32Array, argmax);
  else maxPool2dForwardSerial(g, x, out, argmax);
}

/**
 * Routes each dy to its window's argmax: dx[plane, argmax] += dy. Overwrites gradInput.
 *
 * @example
 * const g = pool2dGeometry([1, 1, 2, 2], { kernelSize: 2 }, 'maxPool2d');
 * const dx = new Float32Array(4);
 * maxPool2dBackward(g, new Float32Array([7]), new Int32Array([1]), dx); // dx = [0, 7, 0, 0]
 */
export function maxPool2dBackward(g: Pool2dGeometry, gradOut: FloatArray, argmax: Int32Array, gradInput: FloatArray): void {
  const simd = kernelsMode() === 'simd' && allFloat32(gradOut, gradInput) && maxPool2x2BackwardEligible(g);
  if (threadsForPool(g, [gradOut, argmax, gradInput])) poolParallel({ kind: 'maxPool2dBackward', g, gradOut, argmax, gradInput, simd });
  else if (!(simd && maxPool2x2BackwardSimd(g, gradOut as Float32Array, argmax, gradInput as Float32Array))) maxPool2dBackwardSerial(g, gradOut, argmax, gradInput);
}

/**
 * Runs one batch-norm kernel (statistics, normalisation or backward; kernels/batch-norm.ts), split
 * over channels on threads when the batch-norm rule says so.
 *
 * @example
 * batchNorm({ kind: 'batchNormStats', x, n, c, s, mean, variance });
 */
export function batchNorm(job: BatchNormJob): void {
  const large = job.kind === 'batchNormStats' ? [job.x] : job.kind === 'batchNormForward' ? [job.x, job.out] : [job.x, job.g, job.gradInput];
  const simd = kernelsMode() === 'simd' && job.s >= BN_SIMD_MIN_S && allFloat32(...large);
  if (threadsForBandwidth(job.n * job.c * job.s, job.c, large)) batchNormParallel(job, simd);
  else runBatchNorm({ ...job, simd, ch0: 0, ch1: job.c });
}

/**
 * out[i] = op(x[i]) for x viewed with (offset, strides, shape); `out` contiguous. `contiguous` says
 * that x is contiguous from xOffset (then large calls may split over threads).
 *
 * @example
 * unaryElementwise('relu', x, 0, [1], [x.length], out, true);
 */
export function unaryElementwise(
  op: UnaryOp, x: TypedArray, xOffset: number, xStrides: readonly number[], shape: readonly number[], out: TypedArray, contiguous: boolean,
): void {
  const n = numel(shape);
  const simd = contiguous && op === 'relu' && x instanceof Float32Array && out instanceof Float32Array && kernelsMode() === 'simd';
  if (contiguous && threadsForBandwidth(n, n, [x, out])) unaryParallel(op, { data: x, offset: xOffset }, out, n, simd);
  else if (simd) reluSimd(x, xOffset, out, n);
  else unaryKernel(op, x, xOffset, xStrides, shape, out);
}

/**
 * out[i] = op(a[i], b[i]) with a and b read through (broadcast) strides; `out` contiguous. `flat`
 * says that both operands are contiguous and unbroadcast (then large calls may split over threads).
 *
 * @example
 * binaryElementwise('add', a, 0, [1], b, 0, [1], [a.length], out, true);
 */
export function binaryElementwise(
  op: BinaryOp,
  a: TypedArray, aOffset: number, aStrides: readonly number[],
  b: TypedArray, bOffset: number, bStrides: readonly number[],
  shape: readonly number[], out: TypedArray, flat: boolean,
): void {
  const n = numel(shape);
  const simd = flat && (op === 'reluGrad' || op === 'add') && a instanceof Float32Array && b instanceof Float32Array &&
    out instanceof Float32Array && kernelsMode() === 'simd';
  if (flat && threadsForBandwidth(n, n, [a, b, out])) binaryParallel(op, { data: a, offset: aOffset }, { data: b, offset: bOffset }, out, n, simd);
  else if (simd) (op === 'add' ? addSimd : reluGradSimd)(a, aOffset, b, bOffset, out, n);
  else binaryKernel(op, a, aOffset, aStrides, b, bOffset, bStrides, shape, out);
}

/**
 * One optimiser update in place (SGD: p and momentum buffer; Adam / AdamW: p, m, v, v̂max), by the rule above.
 * @example optimizerUpdate({ kind: 'adamUpdate', p, g, m, v, vMax: null, o: { lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, step } }); */
export function optimizerUpdate(job: OptimizerJob): void {
  const arrays = job.kind === 'sgdUpdate' ? [job.p, job.g, job.buf] : [job.p, job.g, job.m, job.v, job.vMax];
  const simd = kernelsMode() === 'simd' && allFloat32(...arrays);
  if (threadsForBandwidth(job.p.length, job.p.length, arrays)) optimizerParallel(job, simd);
  else optimizerRange(job, simd, 0, job.p.length);
}

/** Zeroed float32 arrays for Adam's state by the rule above (one kernel arena), or null: then allocate ordinary ones.
 * @example const [m, v] = optimizerStateArrays([p.numel(), p.numel()]) ?? [zeros(), zeros()]; */
export function optimizerStateArrays(lengths: readonly number[]): Float32Array[] | null {
  return kernelsMode() === 'simd' ? adamResidentArrays(lengths, getNumThreads() > 1 && threadsSupported()) : null;
}
