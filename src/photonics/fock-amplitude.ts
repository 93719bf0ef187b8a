/**
 * ⟨t|Û|s⟩ for bunched Fock states, photon by photon: no permanent, no factorials, no overflow.
 *
 * Math: |s⟩ = Π_i (a_i†)^{s_i}/√(s_i!)·|0⟩ and Û a_i† Û† = Σ_j U[j,i]·b_j†, so Û|s⟩ is built by applying,
 * for the c-th photon of input mode i (c = 1 … s_i), ψ ← (1/√c)·Σ_j U[j,i]·b_j†ψ with b_j†|k⟩ = √(k_j+1)·|k+e_j⟩.
 * Creation operators only raise occupations, so only the occupations k ≤ t (componentwise) of the
 * output's occupied modes can reach t: ψ lives on those Π_j(t_j+1) states, and after the last photon
 * ⟨t|Û|s⟩ is ψ's entry at k = t. Every intermediate ψ is the projection of a normalized state
 * (|ψ_k| ≤ 1), and the sums carry only the physical interference, not the alternating-sign
 * cancellation of Glynn/Ryser sums with large multiplicities (which loses every digit at |100, 0⟩).
 * The cheaper side is enumerated: ⟨t|Û|s⟩ = conj(⟨s|Û†|t⟩).
 *
 * Layout: ψ is a (re, im) pair of Float64Arrays indexed mixed-radix, index = Σ_j k_j·stride_j with
 * radix t_j + 1; states are visited level by level (level = Σ_j k_j = photons placed so far), each once.
 * Cost: Π_j(t_j + 1)·q complex multiply-adds (q = occupied output modes), memory 3·Π_j(t_j + 1) numbers.
 */
import type { CMatrix } from './complex-matrix.js';
import type { Complex } from './permanent.js';

/** Product of (occupation + 1) over the occupied modes: the number of states the recursion visits. */
function stateCount(occupation: ArrayLike<number>): number {
  let count = 1;
  for (let i = 0; i < occupation.length; i++) count *= occupation[i]! + 1;
  return count;
}

/**
 * Core recursion. `target[o]` is the occupation of the o-th occupied output mode, `photons` lists the
 * input modes of the photons (each mode's photons contiguous), `coefficient(o, p)` writes the amplitude
 * of a photon from input `p` leaving in occupied output `o` into `out` [re, im].
 */
function addPhotons(target: Int32Array, photons: Int32Array, coefficient: (o: number, p: number, out: Float64Array) => void): Complex {
  const q = target.length;
  const stride = new Int32Array(q);
  let states = 1;
  for (let o = 0; o < q; o++) {
    stride[o] = states;
    states *= target[o]! + 1;
  }
  // Counting sort of the states by level (Σ_j k_j).
  const level = new Int32Array(states);
  const n = photons.length;
  const levelStart = new Int32Array(n + 2);
  for (let idx = 0; idx < states; idx++) {
    let rest = idx;
    let sum = 0;
    for (let o = 0; o < q; o++) {
      const radix = target[o]! + 1;
      sum += rest % radix;
      rest = Math.floor(rest / radix);
    }
    level[idx] = sum;
    levelStart[sum + 1]!++;
  }
  for (let l = 0; l <= n; l++) levelStart[l + 1]! += levelStart[l]!;
  const order = new Int32Array(states);
  const fill = levelStart.slice(0, n + 1);
  for (let idx = 0; idx < states; idx++) order[fill[level[idx]!]!++] = idx;

  const psiRe = new Float64Array(states);
  const psiIm = new Float64Array(states);
  psiRe[0] = 1;
  const coefRe = new Float64Array(q);
  const coefIm = new Float64Array(q);
  const pair = new Float64Array(2);
  const digits = new Int32Array(q);
  let copy = 0;
  for (let step = 0; step < n; step++) {
    const p = photons[step]!;
    copy = step > 0 && photons[step - 1] === p ? copy + 1 : 1;
    const scale = 1 / Math.sqrt(copy);
    for (let o = 0; o < q; o++) {
      coefficient(o, p, pair);
      coefRe[o] = pair[0]! * scale;
      coefIm[o] = pair[1]! * scale;
    }
    for (let s = levelStart[step]!; s < levelStart[step + 1]!; s++) {
      const idx = order[s]!;
      const ar = psiRe[idx]!;
      const ai = psiIm[idx]!;
      if (ar === 0 && ai === 0) continue;
      let rest = idx;
      for (let o = 0; o < q; o++) {
        const radix = target[o]! + 1;
        digits[o] = rest % radix;
        rest = Math.floor(rest / radix);
      }
      for (let o = 0; o < q; o++) {
        const k = digits[o]!;
        if (k === target[o]) continue;
        const boost = Math.sqrt(k + 1);
        const cr = coefRe[o]! * boost;
        const ci = coefIm[o]! * boost;
        const next = idx + stride[o]!;
        psiRe[next]! += ar * cr - ai * ci;
        psiIm[next]! += ar * ci + ai * cr;
      }
    }
  }
  return { re: psiRe[states - 1]!, im: psiIm[states - 1]! };
}

function occupiedModes(s: ArrayLike<number>): { modes: Int32Array; counts: Int32Array; photons: Int32Array } {
  const modes: number[] = [];
  const counts: number[] = [];
  const photons: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i]! === 0) continue;
    modes.push(i);
    counts.push(s[i]!);
    for (let c = 0; c < s[i]!; c++) photons.push(i);
  }
  return { modes: Int32Array.from(modes), counts: Int32Array.from(counts), photons: Int32Array.from(photons) };
}

/**
 * ⟨output|Û|input⟩ of the m×m transfer matrix U[out, in] by the photon-by-photon recursion above.
 * Occupations must already be validated and carry the same photon number.
 * @example fockAmplitude(beamSplitter(Math.PI / 4).matrix, [2, 0], [1, 1]) // ≈ { re: -0.7071, im: 0 }
 */
export function fockAmplitude(u: CMatrix, input: ArrayLike<number>, output: ArrayLike<number>): Complex {
  const inside = occupiedModes(input);
  const outside = occupiedModes(output);
  const m = u.cols;
  if (stateCount(outside.counts) <= stateCount(inside.counts)) {
    // States over the output modes; a photon from input mode p leaves in output mode j with U[j, p].
    return addPhotons(outside.counts, inside.photons, (o, p, out) => {
      const e = outside.modes[o]! * m + p;
      out[0] = u.re[e]!;
      out[1] = u.im[e]!;
    });
  }
  // ⟨t|Û|s⟩ = conj(⟨s|Û†|t⟩): states over the input modes, photons from the output, U†[i, j] = conj(U[j, i]).
  const a = addPhotons(inside.counts, outside.photons, (o, p, out) => {
    const e = p * m + inside.modes[o]!;
    out[0] = u.re[e]!;
    out[1] = -u.im[e]!;
  });
  return { re: a.re, im: -a.im };
}
