/**
 * Per-component (non-uniform) photon loss in the time-bin interferometer, by embedding
 * (docs/photonics.md §9): after beam splitter c acts on modes (i, i+ℓ), each of its two output
 * modes is coupled to its own vacuum ancilla (modes M + 2c and M + 2c + 1) by a real beam splitter of
 * transmissivity √(1 − loss_c), which moves a lost photon there. The (M + 2N)-mode matrix is unitary,
 * so exact samplers (Clifford & Clifford) run on it unchanged; detecting only the first M modes gives
 * the lossy click statistics. Non-uniform loss does not commute with the interferometer, which is why
 * it cannot be applied as input thinning like uniform loss.
 * Cost: (M + 2N)² per unitary build plus the sampler's O(n·2^n + (M + 2N)·n²) per shot.
 */
import { CliffordSampler } from './clifford.js';
import { applyTwoModeBlock, beamSplitterBlock, type BsConvention } from './components.js';
import { cidentity, type CMatrix } from './complex-matrix.js';
import { sampleOccupations } from './sampling.js';
import { tbi, type Tbi } from './tbi.js';
import type { Generator } from '../tensor/random.js';

export interface LossyTbiOptions {
  modes: number;
  loopLengths: ArrayLike<number>;
  /** Loss probability of each beam splitter's two outputs: one number for all, or one per splitter. */
  splitterLoss: number | ArrayLike<number>;
  convention?: BsConvention;
}

export interface LossyTbi {
  /** The lossless circuit (angle layout, convention). */
  readonly circuit: Tbi;
  /** Detected modes M; the embedding has M + 2·nParams modes. */
  readonly modes: number;
  readonly totalModes: number;
  /** The (M + 2N)-mode unitary for angles θ. */
  unitary(theta: ArrayLike<number>): CMatrix;
}

/**
 * A time-bin interferometer with loss after every beam splitter.
 * @example
 * const lossy = lossyTbi({ modes: 6, loopLengths: [1, 2], splitterLoss: 0.05 });
 * const U = lossy.unitary(theta); // (6 + 2·9)-mode unitary
 */
export function lossyTbi(options: LossyTbiOptions): LossyTbi {
  const circuit = tbi({ modes: options.modes, loopLengths: options.loopLengths, convention: options.convention ?? 'ptseries' });
  const n = circuit.nParams;
  const losses = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    const l = typeof options.splitterLoss === 'number' ? options.splitterLoss : options.splitterLoss[c];
    if (typeof options.splitterLoss !== 'number' && options.splitterLoss.length !== n) {
      throw new RangeError(`lossyTbi: splitterLoss must be one number or ${n} numbers (one per beam splitter), got ${options.splitterLoss.length}`);
    }
    if (l === undefined || !(l >= 0 && l <= 1)) throw new RangeError(`lossyTbi: splitterLoss[${c}] must be in [0, 1], got ${l}`);
    losses[c] = l;
  }
  const M = options.modes;
  const total = M + 2 * n;
  const bs = new Float64Array(8);
  const lossBlock = new Float64Array(8);
  return {
    circuit, modes: M, totalModes: total,
    unitary(theta: ArrayLike<number>): CMatrix {
      if (theta.length !== n) throw new RangeError(`lossyTbi.unitary: theta must have ${n} angles, got ${theta.length}`);
      const u = cidentity(total);
      for (let c = 0; c < n; c++) {
        const a = circuit.pairs[2 * c]!;
        const b = circuit.pairs[2 * c + 1]!;
        beamSplitterBlock(theta[c]!, circuit.convention, 0, bs);
        applyTwoModeBlock(u, a, b, bs);
        if (losses[c] === 0) continue;
        // Real rotation with cos² = 1 − loss: amplitude √(1 − loss) stays, √loss goes to the ancilla.
        beamSplitterBlock(Math.acos(Math.sqrt(1 - losses[c]!)), 'ptseries', 0, lossBlock);
        applyTwoModeBlock(u, a, M + 2 * c, lossBlock);
        applyTwoModeBlock(u, b, M + 2 * c + 1, lossBlock);
      }
      return u;
    },
  };
}

/**
 * `shots` click bitmasks of the M detected modes of a lossy TBI (exact Clifford & Clifford sampling
 * on the embedding; photons in the ancillas are lost).
 * @example const masks = sampleLossyTbiClicks(lossy, theta, [1, 0, 1, 0, 1, 0], 200, gen);
 */
export function sampleLossyTbiClicks(
  lossy: LossyTbi, theta: ArrayLike<number>, input: ArrayLike<number>, shots: number, gen: Generator, out = new Uint32Array(shots),
): Uint32Array {
  if (lossy.modes > 32) throw new RangeError(`sampleLossyTbiClicks: click bitmasks need at most 32 detected modes, got ${lossy.modes}`);
  if (input.length !== lossy.modes) throw new RangeError(`sampleLossyTbiClicks: input must list ${lossy.modes} occupations, got ${input.length}`);
  const padded = new Int32Array(lossy.totalModes);
  for (let i = 0; i < input.length; i++) padded[i] = input[i]!;
  const occ = sampleOccupations(new CliffordSampler(lossy.unitary(theta), padded), shots, gen);
  for (let s = 0; s < shots; s++) {
    let mask = 0;
    for (let j = 0; j < lossy.modes; j++) if (occ[s * lossy.totalModes + j]! > 0) mask |= 1 << j;
    out[s] = mask >>> 0;
  }
  return out;
}
