import { describe, expect, it } from 'vitest';
import { CliffordSampler } from '../../src/photonics/clifford.js';
import { cidentity, cmatrix, cmatrixFrom } from '../../src/photonics/complex-matrix.js';
import { beamSplitter, mzi, permutation } from '../../src/photonics/components.js';
import { Detector, detectorMatrix } from '../../src/photonics/detectors.js';
import { modeGroups } from '../../src/photonics/exact-features.js';
import { clickRatesFromWeights, groupLayout, type Groups } from '../../src/photonics/features.js';
import { checkOccupation } from '../../src/photonics/fock.js';
import { meshUnitary, reckLayout, type Mesh } from '../../src/photonics/mesh.js';
import { applyDarkCounts } from '../../src/photonics/noise.js';
import { partialDistinguishabilityDistribution } from '../../src/photonics/noisy-slos.js';
import { permanentNaive } from '../../src/photonics/permanent.js';
import { checkSquare, photonModes, sampleClickMasks, type InputState, type ShotSampler } from '../../src/photonics/sampling.js';
import { slosPlan } from '../../src/photonics/slos-plan.js';
import { slosState } from '../../src/photonics/slos.js';
import { tbi } from '../../src/photonics/tbi.js';
import { emptyZeroSetContext, setZeroSetUnitary, zeroSetContext } from '../../src/photonics/zero-set.js';
import { Generator } from '../../src/tensor/random.js';

// The documented argument checks of src/photonics, each message written out in full (issue 20: the
// photonics sample survivors). Every expected string is the one in the function's doc or throw site.

describe('argument checks of src/photonics', () => {
  it('meshUnitary: a cell outside [0, N−1) is named with its index', () => {
    const mesh = (blockModes: number[]): Mesh => ({
      modes: 3,
      blockModes: Int32Array.from(blockModes),
      theta: new Float64Array(blockModes.length),
      phi: new Float64Array(blockModes.length),
      outputPhases: new Float64Array(3),
    });
    expect(() => meshUnitary(mesh([0, 2]))).toThrow(new RangeError('meshUnitary: blockModes[1] must be in [0, 2), got 2'));
    expect(() => meshUnitary(mesh([-1]))).toThrow(new RangeError('meshUnitary: blockModes[0] must be in [0, 2), got -1'));
    // the edge cells themselves are accepted: a = 0 and a = N − 2
    expect(() => meshUnitary(mesh([0, 1]))).not.toThrow();
  });

  it('reckLayout names itself for a bad mode count', () => {
    expect(() => reckLayout(0)).toThrow(new RangeError('reckLayout: modes must be a positive integer, got 0'));
  });

  it('permutation builds a component named PERM', () => {
    const c = permutation([1, 0, 2]);
    expect(c.name).toBe('PERM');
    expect(c.size).toBe(3);
  });

  it('Detector names darkCount when it is outside [0, 1]', () => {
    expect(() => new Detector({ resolution: 'threshold', darkCount: 2 }, 2)).toThrow(
      new RangeError('detection: darkCount must be in [0, 1], got 2'),
    );
  });

  it('photonModes reads the {modes} form and refuses a string occupation by its own message', () => {
    expect(Array.from(photonModes({ modes: [2, 0, 2] }, 3, 'demo'))).toEqual([0, 2, 2]);
    // anything with a length is an occupation vector, even when it also carries a `modes` property
    expect(Array.from(photonModes(Object.assign([1, 0, 1], { modes: [2] }), 3, 'demo'))).toEqual([0, 2]);
    // a string is not an object: it goes to the occupation check, not to the `in` operator
    expect(() => photonModes('x1' as unknown as InputState, 3, 'demo')).toThrow(
      new RangeError('demo: input occupation[0] must be a non-negative integer, got x'),
    );
  });

  it('sampleClickMasks names itself for a bad shot count', () => {
    const sampler: ShotSampler = { modes: 2, photons: 1, sampleShot: () => undefined };
    expect(() => sampleClickMasks(sampler, 0, new Generator(1))).toThrow(
      new RangeError('sampleClickMasks: shots must be a positive integer, got 0'),
    );
  });

  it('slosState refuses a negative, fractional or out-of-layer index and an unknown layer', () => {
    const plan = slosPlan(2, [1, 1]); // final layer: C(3, 2) = 3 states
    const msg = (size: number, layer: number, index: number): RangeError =>
      new RangeError(`slosState: index must be an integer in [0, ${size}) for layer ${layer}, got ${index}`);
    expect(() => slosState(plan, -1)).toThrow(msg(3, 2, -1));
    expect(() => slosState(plan, 0.5)).toThrow(msg(3, 2, 0.5));
    expect(() => slosState(plan, 3)).toThrow(msg(3, 2, 3));
    expect(() => slosState(plan, 0, undefined, 7)).toThrow(msg(0, 7, 0));
    expect(Array.from(slosState(plan, 2))).toHaveLength(2);
  });

  it('checkOccupation refuses null, a string and an object without length by its TypeError', () => {
    const msg = (got: string): TypeError => new TypeError(`op: arg must be an occupation vector (Int32Array or number[]), got ${got}`);
    const bad = (s: unknown) => () => checkOccupation('op', 'arg', s as ArrayLike<number>);
    expect(bad(null)).toThrow(msg('null'));
    expect(bad('ab')).toThrow(msg('ab'));
    expect(bad({})).toThrow(msg('[object Object]'));
    expect(bad(5)).toThrow(msg('5'));
  });

  it('cmatrix refuses negative or fractional sizes by its own message', () => {
    const msg = (r: number, c: number): RangeError =>
      new RangeError(`cmatrix: rows and cols must be non-negative integers, got ${r}×${c}`);
    expect(() => cmatrix(-1, 2)).toThrow(msg(-1, 2));
    expect(() => cmatrix(2, -1)).toThrow(msg(2, -1));
    expect(() => cmatrix(1.5, 2)).toThrow(msg(1.5, 2));
    expect(() => cmatrix(2, 1.5)).toThrow(msg(2, 1.5));
    expect(cmatrix(0, 0).re).toHaveLength(0);
  });

  it('applyDarkCounts refuses a distribution of the wrong length', () => {
    expect(() => applyDarkCounts(Float64Array.of(1, 0, 0), 1, 0.1)).toThrow(
      new RangeError('applyDarkCounts: clicks must have 2^1 entries, got 3'),
    );
  });

  it('groupLayout refuses an object that is neither an array nor a layout', () => {
    expect(() => groupLayout({} as unknown as Groups)).toThrow(
      new RangeError('groupLayout: groups must be a non-empty array of mode lists, got [object Object]'),
    );
  });

  it('clickRatesFromWeights names itself for empty weights', () => {
    expect(() => clickRatesFromWeights([], 2)).toThrow(new RangeError('clickRatesFromWeights: weights must be non-empty'));
  });

  it('modeGroups accepts a group of 20 modes and refuses 21', () => {
    const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
    expect(Array.from(modeGroups(20, [range(20)])[0]!)).toEqual(range(20));
    expect(() => modeGroups(21, [range(21)])).toThrow(
      new RangeError('modeGroups: groups[0] must have 1 … 20 modes (2^g bins), got 21'),
    );
  });

  it('checkSquare refuses 0×0 and accepts 1×1', () => {
    expect(() => checkSquare(cmatrix(0, 0), 'op')).toThrow(new RangeError('op: U must be a square m×m matrix (m ≥ 1), got 0×0'));
    expect(checkSquare(cidentity(1), 'op')).toBe(1);
  });

  it('zeroSetContext names U when it is not square', () => {
    expect(() => zeroSetContext(cmatrix(2, 3), [1, 0])).toThrow(new RangeError('zeroSetContext: U must be square, got 2×3'));
  });

  it('partialDistinguishabilityDistribution honours options.maxRuns', () => {
    const plan = slosPlan(2, [1, 1]);
    const u = beamSplitter(Math.PI / 4).matrix;
    expect(() => partialDistinguishabilityDistribution(plan, u, 0.5, { maxRuns: 1 })).toThrow(
      /^partialDistinguishabilityDistribution: the noise model needs \d+ SLOS runs .* over maxRuns = 1;/,
    );
  });

  it('detectorMatrix refuses a mode equal to the number of per-mode values', () => {
    expect(() => detectorMatrix({ resolution: 'pnr', efficiency: [0.9, 0.8] }, 2, 2)).toThrow(
      new RangeError('detectorMatrix: mode 2 is out of range for 2 per-mode values'),
    );
    // mode 1 is the last valid one; with no photon and no dark count the detector reports 0 (rows k = 0, 1)
    expect(Array.from(detectorMatrix({ resolution: 'pnr', efficiency: [0.9, 0.8] }, 0, 1))).toEqual([1, 0]);
  });

  it('setZeroSetUnitary names itself (its default op) and U when U is not square', () => {
    const ctx = emptyZeroSetContext(2, [1, 0]);
    expect(() => setZeroSetUnitary(ctx, cmatrix(2, 3))).toThrow(new RangeError('setZeroSetUnitary: U must be square, got 2×3'));
  });

  it('cmatrixFrom refuses an imaginary part of the wrong length', () => {
    expect(() => cmatrixFrom(1, 1, [1], [1, 2])).toThrow(
      new RangeError('cmatrixFrom: re and im must have rows·cols = 1 entries, got re 1, im 2'),
    );
  });

  it('mzi builds a component named MZI', () => {
    expect(mzi(0.3, 0.1).name).toBe('MZI');
  });

  it('CliffordSampler names itself for a bad input mode', () => {
    expect(() => new CliffordSampler(cidentity(2), { modes: [5] })).toThrow(
      new RangeError('CliffordSampler: input.modes[0] must be an integer mode in [0, 2), got 5'),
    );
  });

  it('partialDistinguishabilityDistribution names U when it is not square', () => {
    expect(() => partialDistinguishabilityDistribution(slosPlan(2, [1, 1]), cmatrix(2, 3), 0.5)).toThrow(
      new RangeError('partialDistinguishabilityDistribution: U must be square, got 2×3'),
    );
  });

  it('tbi refuses missing or empty loop lengths', () => {
    const msg = new RangeError('tbi: loopLengths must be a non-empty list of loop lengths, got none');
    expect(() => tbi({ modes: 4, loopLengths: [] })).toThrow(msg);
    expect(() => tbi({ modes: 4 } as unknown as Parameters<typeof tbi>[0])).toThrow(msg);
  });

  it('permanentNaive accepts n = 10 (all-ones: 10!) and refuses n = 11', () => {
    const ones = (n: number) => cmatrixFrom(n, n, new Array<number>(n * n).fill(1));
    expect(permanentNaive(ones(10))).toEqual({ re: 3628800, im: 0 });
    expect(() => permanentNaive(ones(11))).toThrow(new RangeError('permanentNaive: n must be ≤ 10 (n! terms), got 11'));
  });
});
