/**
 * Exact linear-optics benchmarks (issue #5 targets, one thread, plain float64 JS):
 *  - SLOS full output distribution, plan cached: 12 modes / 6 photons ≤ 5 ms, 16 / 8 ≤ 60 ms
 *    (plus the one-off plan build at 16 / 8, and TBI U(θ) + SLOS at 12 / 6 with loops [1,2,3], ≤ 1 ms);
 *  - Glynn permanent, complex, n = 16 (≤ 10 ms) and n = 20 (≤ 120 ms; The Walrus reports 0.36 s);
 *  - the exact (infinite-shot) PQKD 512-value feature per angle setting, TBI loops [1,2], 16 modes,
 *    |1,0,1,0,…⟩: via zero-set permanents (≈ 10 ms target) and via SLOS + marginalisation (≤ 60 ms);
 *  - Clements decomposition of a 16×16 Haar unitary.
 * Each call uses the next of 16 fixed angle settings, so no call reuses the previous U; the hot paths
 * write into preallocated buffers. flops = 8 per complex multiply-add.
 */
import type { BenchCase, BenchSuite } from './harness.js';
import { Generator } from '../src/tensor/random.js';
import { cmatrix, type CMatrix } from '../src/photonics/complex-matrix.js';
import { clementsDecompose } from '../src/photonics/clements.js';
import { exactGroupHistogramFromDistribution, exactGroupHistogramWithPlan, groupHistogramPlan } from '../src/photonics/exact-features.js';
import { glynnKernel } from '../src/photonics/permanent.js';
import { haarUnitary } from '../src/photonics/random-unitary.js';
import { slosPlan } from '../src/photonics/slos-plan.js';
import { slosDistribution } from '../src/photonics/slos.js';
import { alternatingInput, tbi, type Tbi } from '../src/photonics/tbi.js';

function angleSettings(circuit: Tbi, count: number, seed: number): Float64Array[] {
  const gen = new Generator(seed);
  return Array.from({ length: count }, () => gen.uniformArray(circuit.nParams, -Math.PI, Math.PI));
}

function target(ms: number): (median: number) => Record<string, number> {
  return () => ({ target_ms: ms });
}

/** SLOS on a fixed plan, cycling through TBI unitaries; `withUnitary` also times building U(θ). */
function slosCase(name: string, modes: number, loops: number[], targetMs: number, withUnitary: boolean): BenchCase {
  const input = alternatingInput(modes);
  const circuit = tbi({ modes, loopLengths: loops });
  const thetas = angleSettings(circuit, 16, 11);
  let plan: ReturnType<typeof slosPlan> | undefined;
  let out = new Float64Array(0);
  const unitaries: CMatrix[] = thetas.map((t) => circuit.unitary(t));
  const u = cmatrix(modes, modes);
  let k = 0;
  let macs = 0;
  let states = 0;
  return {
    name,
    system: 'pqkd',
    setup: () => {
      plan = slosPlan(modes, input);
      out = new Float64Array(plan.states);
      states = plan.states;
      macs = 0;
      for (let layer = 0; layer < plan.photons; layer++) macs += plan.layerSizes[layer]! * modes;
    },
    fn: () => {
      const i = k++ % 16;
      const U = withUnitary ? circuit.unitary(thetas[i]!, u) : unitaries[i]!;
      return slosDistribution(plan!, U, out);
    },
    teardown: () => {
      plan = undefined;
    },
    get flops() {
      return 8 * macs;
    },
    extra: (ms) => ({ target_ms: targetMs, states, ns_per_mac: macs > 0 ? Number(((ms * 1e6) / macs).toFixed(2)) : 0 }),
  };
}

function glynnCase(n: number, targetMs: number): BenchCase {
  const gen = new Generator(n);
  const re = gen.normalArray(n * n);
  const im = gen.normalArray(n * n);
  const work = new Float64Array(3 * n);
  const out = new Float64Array(2);
  const macs = n * 2 ** (n - 1);
  return {
    name: `glynn_permanent_n${n}`,
    system: 'pqkd',
    iterations: n >= 20 ? 5 : undefined,
    fn: () => glynnKernel(n, re, im, work, out),
    flops: 8 * macs,
    extra: (ms) => ({ target_ms: targetMs, ns_per_mac: Number(((ms * 1e6) / macs).toFixed(2)) }),
  };
}

function featureCases(): BenchCase[] {
  const modes = 16;
  const input = alternatingInput(modes);
  const circuit = tbi({ modes, loopLengths: [1, 2] });
  const thetas = angleSettings(circuit, 16, 12);
  const u = cmatrix(modes, modes);
  const feature = new Float64Array(512);
  const hp = groupHistogramPlan(modes, input);
  let k = 0;
  let plan: ReturnType<typeof slosPlan> | undefined;
  let probs = new Float64Array(0);
  let j = 0;
  return [
    {
      name: 'pqkd_feature_exact_zero_set_16m8p',
      system: 'pqkd',
      fn: () => exactGroupHistogramWithPlan(hp, circuit.unitary(thetas[k++ % 16]!, u), feature),
      extra: target(10),
    },
    {
      name: 'pqkd_feature_exact_slos_16m8p',
      system: 'pqkd',
      setup: () => {
        plan = slosPlan(modes, input);
        probs = new Float64Array(plan.states);
      },
      fn: () => {
        slosDistribution(plan!, circuit.unitary(thetas[j++ % 16]!, u), probs);
        return exactGroupHistogramFromDistribution(plan!, probs, undefined, feature);
      },
      teardown: () => {
        plan = undefined;
      },
      extra: target(60),
    },
  ];
}

function cases(): BenchCase[] {
  const input16 = alternatingInput(16);
  const haar16 = haarUnitary(16, new Generator(16));
  return [
    slosCase('slos_distribution_12m6p', 12, [1, 2], 5, false),
    slosCase('slos_distribution_16m8p', 16, [1, 2], 60, false),
    slosCase('tbi_unitary_slos_12m6p_loops123', 12, [1, 2, 3], 1, true),
    { name: 'slos_plan_16m8p', system: 'pqkd', iterations: 3, fn: () => slosPlan(16, input16), extra: target(550) },
    glynnCase(16, 10),
    glynnCase(20, 120),
    ...featureCases(),
    { name: 'clements_decompose_16', system: 'pqkd', fn: () => clementsDecompose(haar16) },
  ];
}

export const suite: BenchSuite = { name: 'photonics-exact', cases };
