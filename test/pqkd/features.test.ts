import { describe, expect, it } from 'vitest';
import { resolveConfig, ConfigError, angleCount } from '../../src/pqkd/config.js';
import { createFeatureSource } from '../../src/pqkd/feature-sources.js';
import { FeatureStream } from '../../src/pqkd/feature-stream.js';
import { compressionTable, countParameters, studentSpec, teacherSpec } from '../../src/pqkd/model-spec.js';
import { buildModel } from '../../src/pqkd/models.js';
import { Generator } from '../../src/tensor/random.js';

const photonic = resolveConfig({}).photonic;

function rms(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s / a.length);
}

describe('photonic feature source', () => {
  const source = createFeatureSource(photonic, 0);
  const theta = source.initialParams(new Generator(0).fork('theta0'));

  it('has the default layout: 512 values, two normalised 256-bin histograms, 29 angles', () => {
    expect(source.dim).toBe(512);
    expect(source.paramCount).toBe(29);
    const phi = source.sample(theta, new Generator(1));
    const halves = [phi.subarray(0, 256), phi.subarray(256)].map((h) => h.reduce((s, x) => s + x, 0));
    expect(halves[0]).toBeCloseTo(1, 12);
    expect(halves[1]).toBeCloseTo(1, 12);
    // 200 shots: every bin is a multiple of 1/200.
    expect(Array.from(phi).every((x) => Math.abs(x * 200 - Math.round(x * 200)) < 1e-9)).toBe(true);
  });

  it('S-shot features converge to the exact feature as S grows (RMS error ∝ S^-1/2)', () => {
    const exact = source.exact(theta)!;
    const errorAt = (shots: number): number => {
      const s = createFeatureSource({ ...photonic, shots }, 0);
      let acc = 0;
      for (let r = 0; r < 8; r++) acc += rms(s.sample(theta, new Generator(100 + r)), exact) ** 2;
      return Math.sqrt(acc / 8);
    };
    const e16 = errorAt(16);
    const e1024 = errorAt(1024);
    // Expected ratio √(1024/16) = 8; with 8 repeats per point, allow ±30%.
    expect(e16 / e1024).toBeGreaterThan(8 * 0.7);
    expect(e16 / e1024).toBeLessThan(8 * 1.3);
    expect(e1024).toBeLessThan(0.003);
  });

  it('EMA at β = 0.9 cuts the per-dimension variance by ≈ (1 − β)/(1 + β) = 0.0526 at fixed θ', () => {
    const draws = 2000;
    const burnIn = 50;
    const stream = new FeatureStream(source, new Generator(5), { ema: { enabled: true, beta: 0.9 }, redraw: 'step' });
    const raw = new FeatureStream(source, new Generator(6), { ema: { enabled: false, beta: 0.9 }, redraw: 'step' });
    const sums = [new Float64Array(512), new Float64Array(512), new Float64Array(512), new Float64Array(512)];
    for (let t = 0; t < burnIn + draws; t++) {
      const smoothed = stream.next(theta, t, false);
      const plain = raw.next(theta, t, false);
      if (t < burnIn) continue;
      for (let i = 0; i < 512; i++) {
        sums[0]![i]! += smoothed[i]!;
        sums[1]![i]! += smoothed[i]! ** 2;
        sums[2]![i]! += plain[i]!;
        sums[3]![i]! += plain[i]! ** 2;
      }
    }
    const ratios: number[] = [];
    for (let i = 0; i < 512; i++) {
      const vs = sums[1]![i]! / draws - (sums[0]![i]! / draws) ** 2;
      const vr = sums[3]![i]! / draws - (sums[2]![i]! / draws) ** 2;
      if (vr > 1e-6) ratios.push(vs / vr);
    }
    ratios.sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)]!;
    expect(Math.abs(median - 0.0526) / 0.0526).toBeLessThan(0.15);
  });

  it('the count-matched learned control (e′) starts at φ(θ₀) and is affine in its 29 values', () => {
    const cfg = { ...photonic, featureSource: 'learned-count-matched' as const };
    const s = createFeatureSource(cfg, 5);
    expect(s.paramCount).toBe(29);
    expect(s.periodic).toBe(false);
    const v0 = s.initialParams(new Generator(0));
    expect(Array.from(v0)).toEqual(new Array(29).fill(0));
    // φ(0) is the run's starting feature: the exact feature at the θ₀ the Distiller draws from the seed.
    const theta0 = createFeatureSource(photonic, 5).initialParams(new Generator(5).fork('theta0'));
    expect(Array.from(s.sample(v0, new Generator(1)))).toEqual(Array.from(source.exact(theta0)!));
    // Affine: φ(a + b) − φ(0) = (φ(a) − φ(0)) + (φ(b) − φ(0)), and the same map for the same seed.
    const g = new Generator(2);
    const a = g.normalArray(29, 0, 1), b = g.normalArray(29, 0, 1);
    const ab = Float64Array.from(a, (x, i) => x + b[i]!);
    const [p0, pa, pb, pab] = [v0, a, b, ab].map((v) => s.sample(v, new Generator(3)));
    for (let i = 0; i < 512; i++) expect(pab![i]! - p0![i]!).toBeCloseTo(pa![i]! - p0![i]! + pb![i]! - p0![i]!, 12);
    expect(Array.from(createFeatureSource(cfg, 5).sample(a, new Generator(4)))).toEqual(Array.from(pa!));
    expect(rms(pa!, p0!)).toBeGreaterThan(0);
  });

  it('every control source has the same interface and layout', () => {
    for (const name of ['exact', 'fixed-random', 'matched-noise', 'distinguishable', 'bernoulli', 'learned', 'learned-count-matched'] as const) {
      const s = createFeatureSource({ ...photonic, featureSource: name }, 3);
      const params = s.initialParams(new Generator(0));
      const phi = s.sample(params, new Generator(1));
      expect(phi.length, name).toBe(512);
      expect(s.paramCount, name).toBe(name === 'fixed-random' || name === 'matched-noise' ? 0 : name === 'learned' ? 512 : 29);
    }
    // Distinguishable photons keep the mean photon number but lose interference: features differ.
    const dist = createFeatureSource({ ...photonic, featureSource: 'distinguishable', shots: 20000 }, 0);
    const exact = source.exact(theta)!;
    expect(rms(dist.sample(theta, new Generator(2)), exact)).toBeGreaterThan(3 * rms(createFeatureSource({ ...photonic, shots: 20000 }, 0).sample(theta, new Generator(2)), exact));
  });
});

describe('configuration', () => {
  it('rejects invalid values naming the field', () => {
    const bad: [object, RegExp][] = [
      [{ photonic: { shots: -5 } }, /config\.photonic\.shots: expected an integer >= 1, got -5/],
      [{ ema: { beta: 1 } }, /config\.ema\.beta: expected a number in \[0, 1\)/],
      [{ student: { rank: 0 } }, /config\.student\.rank/],
      [{ dataset: 'imagenet' }, /config\.dataset: expected one of mnist, fashion-mnist, cifar10/],
      [{ photonic: { loopLengths: [1, 16] } }, /config\.photonic\.loopLengths\[1\]/],
      [{ photonic: { input: Array(16).fill(2) } }, /config\.photonic\.input: expected at most 16 photons/],
      [{ student: { ranks: 3 } }, /config\.student\.ranks: unknown field/],
    ];
    for (const [partial, pattern] of bad) {
      expect(() => resolveConfig(partial as never)).toThrow(ConfigError);
      expect(() => resolveConfig(partial as never)).toThrow(pattern);
    }
  });

  it('counts angles as Σ (m − ℓ)', () => {
    expect(angleCount({ ...photonic, loopLengths: [1] })).toBe(15);
    expect(angleCount(photonic)).toBe(29);
    expect(angleCount({ ...photonic, loopLengths: [1, 2, 4] })).toBe(41);
  });
});

describe('parameter accounting', () => {
  it('matches the hand-computed values of docs/method.md §9', () => {
    const expected: [number, 'partial' | 'full', number, number][] = [
      [16, 'full', 4848, 197], [32, 'full', 18912, 293], [48, 'full', 42192, 389], [32, 'partial', 18912, 545],
    ];
    for (const [w, scope, teacherBlock, studentWithTheta] of expected) {
      const t = teacherSpec('mnist', w);
      const c = compressionTable(t, studentSpec(t, scope, 4), 29);
      expect(c.teacherConvBlock).toBe(teacherBlock);
      expect(c.studentConvBlock + c.thetaCount).toBe(studentWithTheta);
    }
    const cifar = teacherSpec('cifar10');
    expect(compressionTable(cifar, studentSpec(cifar, 'partial', 4), 29).studentConvBlock + 29).toBe(1677);
    expect(compressionTable(cifar, studentSpec(cifar, 'full', 4), 29).studentConvBlock + 29).toBe(849);
    // Fixed projection of the MNIST w = 32 full student: (32·1 + 64·32)·4·512 = 4,259,840 entries.
    expect(countParameters(studentSpec(teacherSpec('mnist', 32), 'full', 4)).fixedProjection).toBe(4_259_840);
  });

  it('agrees with the parameters the built models actually have', () => {
    const t = teacherSpec('mnist', 8);
    const s = studentSpec(t, 'partial', 3);
    const teacher = buildModel(t, { generator: new Generator(0) });
    const student = buildModel(s, { generator: new Generator(0), projectionSeed: 1 });
    const count = (m: typeof teacher): number => m.parameters().reduce((a, p) => a + p.numel(), 0);
    expect(count(teacher)).toBe(countParameters(t).model);
    expect(count(student)).toBe(countParameters(s).model);
    // By hand: conv(1→8) 72 + BN 16; dict conv(8→16) R·9 = 27 + BN 32; FC 784·128 + 128; FC 128·10 + 10.
    expect(count(student)).toBe(72 + 16 + 27 + 32 + 784 * 128 + 128 + 1290);
  });
});
