/**
 * Noise options shared by the exact (infinite-shot) observables, all off by default
 * (docs/photonics.md §9):
 *  - uniform photon loss and detector efficiency combine to η = (1 − loss)·efficiency; both commute with
 *    a lossless U, so they act as binomial thinning of the input photons (or √η·U in zero-set formulas);
 *  - dark counts: each mode clicks spuriously with probability d, independently;
 *  - partial distinguishability ("orthogonal bad bits"): each photon independently carries the common
 *    internal state with probability p, else its own orthogonal state; HOM visibility = p²
 *    (Perceval's `indistinguishability` V corresponds to p = √V).
 */
export interface ExactNoise {
  /** Probability that a photon is lost before detection, uniform over modes (default 0). */
  loss?: number;
  /** Detector efficiency (default 1). */
  efficiency?: number;
  /** Dark-count probability per mode (default 0); threshold detection only. */
  darkCount?: number;
  /** p: probability that a photon is in the common internal state (default 1; 0 = distinguishable). */
  indistinguishableProbability?: number;
}

export interface ResolvedNoise {
  /** Total detection efficiency η = (1 − loss)·efficiency. */
  eta: number;
  dark: number;
  p: number;
}

/**
 * Validates `noise` (every field a probability) and resolves it; `op` names the caller in errors.
 * @example resolveNoise({ loss: 0.1, efficiency: 0.9 }, 'myOp').eta // 0.81
 */
export function resolveNoise(noise: ExactNoise | undefined, op: string): ResolvedNoise {
  const n = noise ?? {};
  const get = (key: keyof ExactNoise, dflt: number): number => {
    const v = n[key] ?? dflt;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new RangeError(`${op}: noise.${key} must be a probability in [0, 1], got ${String(v)}`);
    return v;
  };
  const loss = get('loss', 0);
  const efficiency = get('efficiency', 1);
  return { eta: (1 - loss) * efficiency, dark: get('darkCount', 0), p: get('indistinguishableProbability', 1) };
}

/**
 * Applies independent dark counts in place to a distribution over 2^m click masks: for every mode j,
 * mass d·P(mask without j) moves to mask ∪ {j}. Cost m·2^m.
 * @example applyDarkCounts(Float64Array.of(1, 0), 1, 0.1) // [0.9, 0.1]
 */
export function applyDarkCounts(clicks: Float64Array, modes: number, dark: number): Float64Array {
  if (clicks.length !== 2 ** modes) throw new RangeError(`applyDarkCounts: clicks must have 2^${modes} entries, got ${clicks.length}`);
  if (!(dark >= 0 && dark <= 1)) throw new RangeError(`applyDarkCounts: dark must be in [0, 1], got ${dark}`);
  if (dark === 0) return clicks;
  for (let j = 0; j < modes; j++) {
    const bit = 1 << j;
    for (let mask = 0; mask < clicks.length; mask++) {
      if (mask & bit) continue;
      const moved = dark * clicks[mask]!;
      clicks[mask]! -= moved;
      clicks[mask | bit]! += moved;
    }
  }
  return clicks;
}
