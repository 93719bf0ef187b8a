/**
 * Photonic sampling benchmarks (issue #5 targets, one thread):
 *  - Clifford & Clifford exact sampling at 16 modes / 8 photons: ≥ 30,000 samples/s;
 *  - the PQKD 512-value feature from 200 shots: ≤ 10 ms per angle setting, by three routes:
 *    C&C shots at U(θ); inverse-CDF shots from a given 65,536-pattern click distribution (the
 *    distribution's cost excluded); and the full SLOS route (U(θ) → SLOS → click distribution → shots).
 * Workload: the PQKD circuit, TBI loops [1, 2] (29 angles), input |1,0,1,0,…⟩, threshold clicks.
 */
import type { BenchCase, BenchSuite } from './harness.js';
import { Generator } from '../src/tensor/random.js';
import type { CMatrix } from '../src/photonics/complex-matrix.js';
import { alternatingInput, tbi } from '../src/photonics/tbi.js';
import { slosPlan, type SlosPlan } from '../src/photonics/slos-plan.js';
import { clickDistribution, slosDistribution } from '../src/photonics/slos.js';
import { CliffordSampler } from '../src/photonics/clifford.js';
import { DistinguishableSampler } from '../src/photonics/distinguishable.js';
import { sampleClickMasks, sampleOccupations } from '../src/photonics/sampling.js';
import { groupHistogram } from '../src/photonics/features.js';
import { clickFeature } from '../src/photonics/shots.js';
import { dirichletOnes } from '../src/photonics/sampling-variates.js';

const MODES = 16;
const SHOTS_PER_CALL = 1000;
const FEATURE_SHOTS = 200;
const circuit = tbi({ modes: MODES, loopLengths: [1, 2] });
const input = alternatingInput(MODES);

/** A fixed list of random angle settings, cycled through so no call reuses the previous U. */
function angleSettings(count: number, seed: number): Float64Array[] {
  const gen = new Generator(seed);
  return Array.from({ length: count }, () => new Float64Array(circuit.nParams).map(() => gen.uniform() * 2 * Math.PI - Math.PI));
}

function samplesPerSecond(shots: number): (ms: number) => Record<string, number> {
  return (ms) => ({ samples_per_s: Math.round((shots / ms) * 1000), target_samples_per_s: 30_000 });
}

function cases(): BenchCase[] {
  const thetas = angleSettings(16, 401);
  const U: CMatrix = circuit.unitary(thetas[0]!);
  const gen = new Generator(402);
  const occ = new Int32Array(SHOTS_PER_CALL * MODES);
  const masks = new Uint32Array(FEATURE_SHOTS);
  const phi = new Float64Array(512);
  const cc = new CliffordSampler(U, input);
  const dist = new DistinguishableSampler(U, input);
  let step = 0;
  let plan: SlosPlan | null = null;
  let probs = new Float64Array(0);
  let clicks = new Float64Array(1 << MODES);
  const randomClicks = dirichletOnes(1 << MODES, new Generator(403));
  return [
    {
      name: 'clifford_sample_16m_8p_x1000',
      system: 'pqkd',
      fn: () => sampleOccupations(cc, SHOTS_PER_CALL, gen, occ),
      extra: samplesPerSecond(SHOTS_PER_CALL),
    },
    {
      name: 'distinguishable_sample_16m_8p_x1000',
      system: 'pqkd',
      fn: () => sampleOccupations(dist, SHOTS_PER_CALL, gen, occ),
      extra: (ms) => ({ samples_per_s: Math.round((SHOTS_PER_CALL / ms) * 1000) }),
    },
    {
      name: 'pqkd_feature_200_shots_clifford',
      system: 'pqkd',
      fn: () => {
        circuit.unitary(thetas[step++ % thetas.length]!, U);
        cc.setUnitary(U);
        sampleClickMasks(cc, FEATURE_SHOTS, gen, {}, masks);
        return groupHistogram(masks, undefined, phi);
      },
      extra: () => ({ target_ms: 10 }),
    },
    {
      name: 'pqkd_feature_200_shots_from_click_distribution',
      system: 'pqkd',
      fn: () => clickFeature(randomClicks, FEATURE_SHOTS, gen, { shotModel: 'sampler' }, phi),
      extra: () => ({ target_ms: 10, note: 'excludes computing the 65,536-pattern distribution' }),
    },
    {
      name: 'pqkd_feature_200_shots_slos',
      system: 'pqkd',
      setup: () => {
        plan = slosPlan(MODES, input);
        probs = new Float64Array(plan.states);
        clicks = new Float64Array(1 << MODES);
      },
      fn: () => {
        circuit.unitary(thetas[step++ % thetas.length]!, U);
        slosDistribution(plan!, U, probs);
        clickDistribution(plan!, probs, clicks);
        return clickFeature(clicks, FEATURE_SHOTS, gen, { shotModel: 'sampler' }, phi);
      },
      teardown: () => {
        plan = null;
      },
      extra: () => ({ target_ms: 10, note: 'U(θ) + SLOS + click distribution + inverse-CDF shots' }),
    },
  ];
}

export const suite: BenchSuite = { name: 'photonics-sampling', cases };
