/**
 * Time-bin interferometer (ORCA PT-Series model, docs/photonics.md §7).
 *
 * M time bins pass through loops of lengths ℓ_1, ℓ_2, … in order; loop ℓ holds one variable beam
 * splitter per bin pair (i, i+ℓ), i = 0 … M−1−ℓ, applied with i ascending. The transfer matrix is
 *   U ← I;  for each loop ℓ, for i = 0 … M−1−ℓ:  U ← BS_(i,i+ℓ)(θ_c)·U  [then U ← PS_i(φ_c)·U],  c ← c+1
 * so θ is ordered loop-major, then by i, and nParams = Σ_ℓ (M − ℓ) (16 modes: [1] → 15, [1,2] → 29,
 * [1,2,4] → 41). Each step is a row operation on rows (i, i+ℓ): O(M), so unitary() costs O(nParams·M)
 * and allocates nothing when `out` is given. Sources: ORCA ptseries `TBIMultiLoop`; CUDA-Q `orca.sample`
 * (optional phase shifter on mode i after each splitter).
 */
import { checkCMatrix, cidentity, type CMatrix } from './complex-matrix.js';
import { applyPhase, applyTwoModeBlock, beamSplitterBlock, checkConvention, type BsConvention } from './components.js';

export interface TbiOptions {
  modes: number;
  loopLengths: ArrayLike<number>;
  /** One phase shifter after every beam splitter, on its upper mode i (default false). */
  phaseShifters?: boolean;
  /** Beam-splitter convention (default 'ptseries'). */
  convention?: BsConvention;
}

export interface Tbi {
  readonly modes: number;
  readonly loopLengths: Int32Array;
  readonly convention: BsConvention;
  /** Number of beam-splitter angles θ (= number of splitters). */
  readonly nParams: number;
  /** Number of phase-shifter angles (nParams with phaseShifters, else 0). */
  readonly nPhases: number;
  /** Modes of splitter c: (pairs[2c], pairs[2c+1]) = (i, i+ℓ). */
  readonly pairs: Int32Array;
  /**
   * The m×m transfer matrix U[out, in] for angles θ (length nParams) and, with phase shifters,
   * φ (length nPhases); written into `out` when given.
   * @example tbi({ modes: 4, loopLengths: [1] }).unitary([0.1, 0.2, 0.3])
   */
  unitary(theta: ArrayLike<number>, out?: CMatrix, phases?: ArrayLike<number>): CMatrix;
}

/**
 * Builds a time-bin interferometer model; see the file comment for the exact construction.
 * @example
 * const t = tbi({ modes: 16, loopLengths: [1, 2] }); // t.nParams === 29
 * const U = t.unitary(new Float64Array(t.nParams).fill(Math.PI / 4));
 */
export function tbi(options: TbiOptions): Tbi {
  const { modes } = options;
  if (!Number.isInteger(modes) || modes < 2) throw new RangeError(`tbi: modes must be an integer ≥ 2, got ${modes}`);
  const loops = options.loopLengths;
  if (loops === undefined || loops.length === 0) throw new RangeError('tbi: loopLengths must be a non-empty list of loop lengths, got none');
  for (let q = 0; q < loops.length; q++) {
    const l = loops[q]!;
    if (!Number.isInteger(l) || l < 1 || l >= modes) {
      throw new RangeError(`tbi: loopLengths[${q}] must be an integer in [1, modes − 1] = [1, ${modes - 1}], got ${l}`);
    }
  }
  const convention = options.convention ?? 'ptseries';
  checkConvention(convention, 'tbi');
  const loopLengths = Int32Array.from(loops);
  let nParams = 0;
  for (const l of loopLengths) nParams += modes - l;
  const pairs = new Int32Array(2 * nParams);
  let c = 0;
  for (const l of loopLengths) {
    for (let i = 0; i + l < modes; i++) {
      pairs[2 * c] = i;
      pairs[2 * c + 1] = i + l;
      c++;
    }
  }
  const withPhases = options.phaseShifters === true;
  const nPhases = withPhases ? nParams : 0;
  const blk = new Float64Array(8);

  function unitary(theta: ArrayLike<number>, out?: CMatrix, phases?: ArrayLike<number>): CMatrix {
    if (theta === undefined || theta.length !== nParams) {
      throw new RangeError(`tbi.unitary: theta must have Σ(M − ℓ) = ${nParams} angles for ${modes} modes and loops [${Array.from(loopLengths).join(', ')}], got ${theta?.length}`);
    }
    if (withPhases) {
      if (phases === undefined || phases.length !== nPhases) {
        throw new RangeError(`tbi.unitary: phases must have ${nPhases} angles (phaseShifters: true), got ${phases?.length ?? 'none'}`);
      }
    } else if (phases !== undefined) {
      throw new RangeError(`tbi.unitary: phases given (${phases.length}) but the circuit was built with phaseShifters: false`);
    }
    let u: CMatrix;
    if (out === undefined) u = cidentity(modes);
    else {
      checkCMatrix(out, 'tbi.unitary', 'out', true);
      if (out.rows !== modes) throw new RangeError(`tbi.unitary: out must be ${modes}×${modes}, got ${out.rows}×${out.cols}`);
      out.re.fill(0);
      out.im.fill(0);
      for (let i = 0; i < modes; i++) out.re[i * modes + i] = 1;
      u = out;
    }
    for (let k = 0; k < nParams; k++) {
      const th = theta[k]!;
      if (!Number.isFinite(th)) throw new RangeError(`tbi.unitary: theta[${k}] must be finite, got ${th}`);
      beamSplitterBlock(th, convention, 0, blk);
      const a = pairs[2 * k]!;
      applyTwoModeBlock(u, a, pairs[2 * k + 1]!, blk);
      if (withPhases) {
        const ph = phases![k]!;
        if (!Number.isFinite(ph)) throw new RangeError(`tbi.unitary: phases[${k}] must be finite, got ${ph}`);
        applyPhase(u, a, ph);
      }
    }
    return u;
  }

  return { modes, loopLengths, convention, nParams, nPhases, pairs, unitary };
}

/**
 * The default TBI input |1,0,1,0,…⟩ on `modes` modes (photons in the even modes; ⌈modes/2⌉ photons).
 * @example alternatingInput(6) // Int32Array [1, 0, 1, 0, 1, 0]
 */
export function alternatingInput(modes: number): Int32Array {
  if (!Number.isInteger(modes) || modes < 1) throw new RangeError(`alternatingInput: modes must be a positive integer, got ${modes}`);
  const s = new Int32Array(modes);
  for (let i = 0; i < modes; i += 2) s[i] = 1;
  return s;
}
