import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_MAX_BYTES, GLYNN_NS_PER_MAC, SLOS_NS_PER_MAC, estimate, requireFits, slosLayerSizes, type ExactBackend } from '../../src/photonics/estimate.js';
import { binomial } from '../../src/photonics/fock.js';
import { slosPlan, type SlosPlan } from '../../src/photonics/slos-plan.js';
import { alternatingInput } from '../../src/photonics/tbi.js';
import { allOccupations } from './permanent-oracles.js';

/** Bytes actually held by a plan's typed arrays (plus the output vector the estimate includes). */
function planBytes(plan: SlosPlan): number {
  let b = plan.work.byteLength + plan.column.byteLength + plan.binomials.byteLength + plan.states * 8;
  for (const a of [...plan.maps, ...plan.clickMasks, ...plan.factorialWeights, ...(plan.ranks ?? [])]) b += a.byteLength;
  return b;
}

describe('cost estimator', () => {
  it('counts SLOS states: C(m+n−1, n), unbunched C(m, n), general caps = brute-force count', () => {
    expect(estimate({ modes: 16, photons: 8, backend: 'slos' }).states).toBe(490314);
    expect(estimate({ modes: 24, photons: 12, backend: 'slos', mask: { maxPerMode: 1 } }).states).toBe(binomial(24, 12));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 5 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 6, maxLength: 6 }), (m, n, caps) => {
        const c = caps.slice(0, m);
        const sizes = slosLayerSizes(m, n, c);
        for (let k = 0; k <= n; k++) {
          expect(sizes[k]).toBe(allOccupations(m, k).filter((t) => t.every((v, j) => v <= c[j]!)).length);
        }
      }),
      { numRuns: 200, seed: 20240501 },
    );
  });

  it('predicts the memory a plan really allocates (within 20%, never below), masked or not', () => {
    for (const [m, n, mask] of [[12, 6, undefined], [16, 8, undefined], [10, 5, 1], [9, 6, 2]] as const) {
      const input = new Int32Array(m);
      for (let k = 0; k < n; k++) input[(2 * k) % m]!++;
      const options = mask === undefined ? {} : { mask: { maxPerMode: mask } };
      const plan = slosPlan(m, input, options);
      const est = estimate({ modes: m, photons: n, backend: 'slos', ...options });
      expect(est.states).toBe(plan.states);
      const actual = planBytes(plan);
      expect(est.bytes).toBeGreaterThanOrEqual(actual * 0.999);
      expect(est.bytes).toBeLessThan(actual * 1.2 + (mask === undefined ? 0 : est.bytes)); // masked adds a build-time temp
    }
  });

  it('predicts time from the measured constants (SLOS: m·Σ_{k<n} L_k MACs; Glynn: n·2^{n−1})', () => {
    const e = estimate({ modes: 16, photons: 8, backend: 'slos' });
    let macs = 0;
    for (let k = 0; k < 8; k++) macs += 16 * binomial(15 + k, k);
    expect(e.predictedMs).toBeCloseTo((macs * SLOS_NS_PER_MAC) / 1e6, 10);
    expect(estimate({ modes: 20, photons: 20, backend: 'permanent' }).predictedMs).toBeCloseTo((20 * 2 ** 19 * GLYNN_NS_PER_MAC) / 1e6, 10);
    const z = estimate({ modes: 16, photons: 8, backend: 'zero-set' });
    expect(z.states).toBe(512);
    expect(z.predictedMs).toBeCloseTo((512 * 8 * 128 * GLYNN_NS_PER_MAC) / 1e6, 10);
    expect(estimate({ modes: 16, photons: 8, backend: 'clifford' }).fits).toBe(true);
  });

  it('fails early with advice that is itself correct', () => {
    const big = estimate({ modes: 24, photons: 12, backend: 'slos' });
    expect(big.fits).toBe(false);
    const match = /at 24 modes at most (\d+) photons fit, and 12 photons fit up to (\d+) modes/.exec(big.message);
    expect(match).not.toBeNull();
    const nFit = Number(match![1]);
    const mFit = Number(match![2]);
    expect(estimate({ modes: 24, photons: nFit, backend: 'slos' }).fits).toBe(true);
    expect(estimate({ modes: 24, photons: nFit + 1, backend: 'slos' }).fits).toBe(false);
    expect(estimate({ modes: mFit, photons: 12, backend: 'slos' }).fits).toBe(true);
    expect(estimate({ modes: mFit + 1, photons: 12, backend: 'slos' }).fits).toBe(false);
    expect(() => requireFits({ modes: 24, photons: 12, backend: 'slos' }, 'myOp')).toThrow(/^myOp: SLOS at 24 modes\/12 photons: 834451800 output states needs \d+\.\d GiB, over the 2\.0 GiB budget/);
    expect(() => slosPlan(12, alternatingInput(12), { maxBytes: 1e5 })).toThrow(/slosPlan: SLOS at 12 modes\/6 photons: 12376 output states needs .* over the 97\.7 KiB budget; at 12 modes at most \d photons fit/);
    expect(DEFAULT_MAX_BYTES).toBe(2 * 1024 ** 3);
  });

  it('rejects bad arguments', () => {
    expect(() => estimate({ modes: 0, photons: 2, backend: 'slos' })).toThrow(/estimate: modes must be a positive integer, got 0/);
    expect(() => estimate({ modes: 4, photons: -1, backend: 'slos' })).toThrow(/estimate: photons must be a non-negative integer, got -1/);
    expect(() => estimate({ modes: 4, photons: 2, backend: 'gpu' as ExactBackend })).toThrow(/backend must be one of slos, permanent, zero-set, clifford, got gpu/);
    expect(() => estimate({ modes: 4, photons: 2, backend: 'slos', mask: { maxPerMode: [1, 1] } })).toThrow(/mask.maxPerMode must have 4 entries, got 2/);
    expect(() => estimate({ modes: 4, photons: 2, backend: 'slos', maxBytes: 0 })).toThrow(/maxBytes must be positive, got 0/);
  });
});
