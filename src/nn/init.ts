/**
 * Parameter initialisers (torch.nn.init), each filling a float tensor IN PLACE from an explicit
 * `Generator` (there is no global RNG) and bumping its storage version. Values are drawn in row-major
 * element order: uniform as low + (high − low)·u with u = generator.uniform(), normal by
 * generator.normalArray (Box–Muller pairs), computed in float64 and rounded once on store.
 *
 * Formulas (torch.nn.init, PyTorch 2.x):
 *   fan_in = size(1)·receptive, fan_out = size(0)·receptive, receptive = Π size(2..)
 *   gain: linear/conv/sigmoid 1, tanh 5/3, relu √2, leaky_relu √(2/(1 + a²)) (a default 0.01), selu 3/4
 *   kaimingUniform: bound = gain·√(3/fan)        kaimingNormal: std = gain/√fan
 *   xavierUniform:  bound = gain·√(6/(fan_in + fan_out))   xavierNormal: std = gain·√(2/(fan_in + fan_out))
 * Import as a namespace: `import { init } from 'src/nn/index.js'; init.kaimingUniform(w, { generator })`.
 */
import { assign } from '../autograd/ops/compare.js';
import { noGrad } from '../autograd/grad-mode.js';
import { isFloatDType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/random.js';
import { describe, shapeToString } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
export type FanMode = 'fan_in' | 'fan_out';

function checkFloat(t: Tensor, op: string): void {
  if (!(t instanceof Tensor)) throw new TypeError(`init.${op}: tensor must be a Tensor, got ${describe(t)}`);
  if (!isFloatDType(t.dtype)) throw new TypeError(`init.${op}: tensor must be float32 or float64, got ${t.dtype}`);
}

function checkGenerator(g: Generator | undefined, op: string): Generator {
  if (!g || typeof g.uniform !== 'function') {
    throw new TypeError(`init.${op}: options.generator is required (pqkd has no global random state), got ${describe(g)}`);
  }
  return g;
}

/** Writes `values` (row-major, float64) into `t` without recording a graph. */
function fill(t: Tensor, values: Float64Array): Tensor {
  noGrad(() => assign(t, Tensor.fromData(values, t.shape, 'float64')));
  return t;
}

/**
 * (fan_in, fan_out) of a weight of at least 2 dims (torch.nn.init._calculate_fan_in_and_fan_out).
 * @example calculateFanInAndFanOut(zeros([16, 8, 3, 3])) // { fanIn: 72, fanOut: 144 }
 */
export function calculateFanInAndFanOut(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) {
    throw new RangeError(`init: fan in and fan out need a tensor with at least 2 dims, got shape ${shapeToString(t.shape)}`);
  }
  let receptive = 1;
  for (let d = 2; d < t.ndim; d++) receptive *= t.shape[d]!;
  return { fanIn: t.shape[1]! * receptive, fanOut: t.shape[0]! * receptive };
}

/**
 * The recommended gain for a nonlinearity (torch.nn.init.calculate_gain); `param` is leaky_relu's slope.
 * @example calculateGain('relu') // Math.SQRT2
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (!Number.isFinite(slope)) throw new RangeError(`init.calculateGain: leaky_relu slope must be a finite number, got ${slope}`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new RangeError(`init.calculateGain: unknown nonlinearity ${describe(nonlinearity)}`);
  }
}

/** Options of `uniform`. */
export interface UniformInitOptions {
  low?: number;
  high?: number;
  generator: Generator;
}

/**
 * Fills with U(low, high) draws (defaults 0 and 1).
 * @example uniform(w, { low: -0.1, high: 0.1, generator: new Generator(0) })
 */
export function uniform(t: Tensor, options: UniformInitOptions): Tensor {
  checkFloat(t, 'uniform');
  const g = checkGenerator(options?.generator, 'uniform');
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high)) {
    throw new RangeError(`init.uniform: need finite low <= high, got low ${low}, high ${high}`);
  }
  return fill(t, g.uniformArray(t.numel(), low, high));
}

/** Options of `normal`. */
export interface NormalInitOptions {
  mean?: number;
  std?: number;
  generator: Generator;
}

/**
 * Fills with N(mean, std²) draws (defaults 0 and 1).
 * @example normal(w, { std: 0.02, generator: new Generator(0) })
 */
export function normal(t: Tensor, options: NormalInitOptions): Tensor {
  checkFloat(t, 'normal');
  const g = checkGenerator(options?.generator, 'normal');
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  if (!(Number.isFinite(mean) && Number.isFinite(std) && std >= 0)) {
    throw new RangeError(`init.normal: need a finite mean and a finite std >= 0, got mean ${mean}, std ${std}`);
  }
  return fill(t, g.normalArray(t.numel(), mean, std));
}

/** Fills with `value` (torch.nn.init.constant_). @example constant(b, 0.5) */
export function constant(t: Tensor, value: number): Tensor {
  checkFloat(t, 'constant');
  return fill(t, new Float64Array(t.numel()).fill(value));
}

/** Fills with zeros. @example zeros(bias) */
export function zeros(t: Tensor): Tensor {
  return constant(t, 0);
}

/** Fills with ones. @example ones(gamma) */
export function ones(t: Tensor): Tensor {
  return constant(t, 1);
}

/** Options of the Kaiming (He) initialisers. */
export interface KaimingOptions {
  /** Negative slope of leaky_relu (default 0), used by the gain. */
  a?: number;
  /** Which fan keeps the variance: 'fan_in' (default, forward pass) or 'fan_out' (backward pass). */
  mode?: FanMode;
  /** Default 'leaky_relu' (PyTorch's default). */
  nonlinearity?: Nonlinearity;
  generator: Generator;
}

function kaimingStd(t: Tensor, options: KaimingOptions, op: string): number {
  const mode = options.mode ?? 'fan_in';
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new RangeError(`init.${op}: mode must be 'fan_in' or 'fan_out', got ${describe(mode)}`);
  const fans = calculateFanInAndFanOut(t);
  const fan = mode === 'fan_in' ? fans.fanIn : fans.fanOut;
  if (fan === 0) throw new RangeError(`init.${op}: cannot initialise a tensor with zero ${mode} (shape ${shapeToString(t.shape)})`);
  return calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0) / Math.sqrt(fan);
}

/**
 * He uniform: U(−b, b) with b = gain·√(3/fan) (torch.nn.init.kaiming_uniform_).
 * @example kaimingUniform(w, { nonlinearity: 'relu', generator: new Generator(0) })
 */
export function kaimingUniform(t: Tensor, options: KaimingOptions): Tensor {
  checkFloat(t, 'kaimingUniform');
  const g = checkGenerator(options?.generator, 'kaimingUniform');
  const bound = Math.sqrt(3) * kaimingStd(t, options, 'kaimingUniform');
  return fill(t, g.uniformArray(t.numel(), -bound, bound));
}

/**
 * He normal: N(0, (gain/√fan)²) (torch.nn.init.kaiming_normal_).
 * @example kaimingNormal(w, { mode: 'fan_out', nonlinearity: 'relu', generator: new Generator(0) })
 */
export function kaimingNormal(t: Tensor, options: KaimingOptions): Tensor {
  checkFloat(t, 'kaimingNormal');
  const g = checkGenerator(options?.generator, 'kaimingNormal');
  return fill(t, g.normalArray(t.numel(), 0, kaimingStd(t, options, 'kaimingNormal')));
}

/** Options of the Xavier (Glorot) initialisers. */
export interface XavierOptions {
  /** Default 1. */
  gain?: number;
  generator: Generator;
}

function xavierStd(t: Tensor, options: XavierOptions): number {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  return (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
}

/**
 * Glorot uniform: U(−b, b) with b = gain·√(6/(fan_in + fan_out)) (torch.nn.init.xavier_uniform_).
 * @example xavierUniform(w, { generator: new Generator(0) })
 */
export function xavierUniform(t: Tensor, options: XavierOptions): Tensor {
  checkFloat(t, 'xavierUniform');
  const g = checkGenerator(options?.generator, 'xavierUniform');
  const bound = Math.sqrt(3) * xavierStd(t, options);
  return fill(t, g.uniformArray(t.numel(), -bound, bound));
}

/**
 * Glorot normal: N(0, gain²·2/(fan_in + fan_out)) (torch.nn.init.xavier_normal_).
 * @example xavierNormal(w, { gain: calculateGain('tanh'), generator: new Generator(0) })
 */
export function xavierNormal(t: Tensor, options: XavierOptions): Tensor {
  checkFloat(t, 'xavierNormal');
  const g = checkGenerator(options?.generator, 'xavierNormal');
  return fill(t, g.normalArray(t.numel(), 0, xavierStd(t, options)));
}
