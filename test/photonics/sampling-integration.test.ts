/**
 * Cross-checks of the samplers and features against the exact SLOS path (photonics "A" files):
 * the PQKD configuration, 16 modes, 8 photons in the even modes, loops [1, 2], threshold clicks.
 */
import { describe, expect, it } from 'vitest';
import { Generator } from '../../src/tensor/random.js';
import { tbi, alternatingInput } from '../../src/photonics/tbi.js';
import { slosPlan } from '../../src/photonics/slos-plan.js';
import { clickDistribution, slosDistribution } from '../../src/photonics/slos.js';
import { groupHistogramFromClickDistribution } from '../../src/photonics/exact-features.js';
import { CliffordSampler } from '../../src/photonics/clifford.js';
import { sampleClickMasks } from '../../src/photonics/sampling.js';
import { clickRates, clickRatesFromWeights, groupHistogram, groupHistogramFromWeights } from '../../src/photonics/features.js';
import { clickFeature } from '../../src/photonics/shots.js';

describe('Clifford & Clifford vs SLOS at the PQKD size (16 modes, 8 photons, loops [1, 2])', () => {
  const m = 16;
  const circuit = tbi({ modes: m, loopLengths: [1, 2] });
  const gen = new Generator(301);
  const theta = new Float64Array(circuit.nParams).map(() => gen.uniform() * 2 * Math.PI - Math.PI);
  const U = circuit.unitary(theta);
  const input = alternatingInput(m);
  const plan = slosPlan(m, input);
  const clicks = clickDistribution(plan, slosDistribution(plan, U));

  it('our feature of the exact click distribution equals the SLOS-side exact feature', () => {
    const ours = groupHistogramFromWeights(clicks);
    const theirs = groupHistogramFromClickDistribution(clicks, m);
    ours.forEach((x, i) => expect(Math.abs(x - theirs[i]!)).toBeLessThan(1e-14));
  });

  it('sampled group histograms and click rates match the exact ones', () => {
    const S = 100_000;
    const masks = sampleClickMasks(new CliffordSampler(U, input), S, new Generator(302));
    const sampled = groupHistogram(masks);
    const exact = groupHistogramFromWeights(clicks);
    for (const [a, b] of [[0, 256], [256, 512]] as const) {
      let t = 0;
      let K = 0;
      for (let i = a; i < b; i++) {
        t += Math.abs(sampled[i]! - exact[i]!) / 2;
        if (exact[i]! > 1e-15) K++;
      }
      expect(t).toBeLessThan(3 * Math.sqrt(K / S));
    }
    const rates = clickRates(masks, m);
    const want = clickRatesFromWeights(clicks, m);
    rates.forEach((r, j) => expect(Math.abs(r - want[j]!)).toBeLessThan(5 * Math.sqrt((want[j]! * (1 - want[j]!)) / S)));
  });

  it("the 'sampler' shot model over the 65,536-pattern distribution gives the same law", () => {
    const S = 100_000;
    const sampled = clickFeature(clicks, S, new Generator(303));
    const exact = groupHistogramFromWeights(clicks);
    let t = 0;
    for (let i = 0; i < 256; i++) t += Math.abs(sampled[i]! - exact[i]!) / 2;
    expect(t).toBeLessThan(3 * Math.sqrt(256 / S));
  });
});
