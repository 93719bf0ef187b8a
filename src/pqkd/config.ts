/**
 * The one serialisable configuration of a PQKD run: every hyperparameter and seed
 * (docs/method.md; values tagged [O] there are our choices where the paper is silent).
 * `resolveConfig(partial)` fills defaults for the dataset and validates every field, naming the
 * field, what was expected and what came.
 */

export type DatasetName = 'mnist' | 'fashion-mnist' | 'cifar10';
export type Scope = 'partial' | 'full';
export type FeatureSourceName =
  'photonic' | 'exact' | 'fixed-random' | 'matched-noise' | 'distinguishable' | 'bernoulli' | 'learned' | 'learned-count-matched' | 'learned-adam';

export interface TeacherConfig {
  /** Base width w of the MNIST-family CNN (ignored by CIFAR-lite). */
  width: number;
  epochs: number;
  lr: number;
  batchSize: number;
}

export interface StudentConfig {
  rank: number;
  scope: Scope;
  dictConvImpl: 'auto' | 'two-stage' | 'materialize';
  epochs: number;
  lr: number;
  batchSize: number;
}

export interface PhotonicConfig {
  modes: number;
  loopLengths: number[];
  /** Input occupation per mode (default |1,0,1,0,…⟩). */
  input: number[] | null;
  shots: number;
  /** Mode groups of the histogram feature. */
  groups: number[][];
  featureSource: FeatureSourceName;
  redraw: 'step' | 'epoch' | 'never';
  angleDomain: 'periodic' | 'half';
  /** Uniform photon loss (0 = lossless) and threshold-detector efficiency/dark counts. */
  loss: number;
  detectorEfficiency: number;
  darkCount: number;
}

export interface EmaConfig {
  enabled: boolean;
  beta: number;
}

export interface SpsaConfig {
  enabled: boolean;
  updatesPerEpoch: number;
  /**
   * Step-size numerator a, in the source's parameter units; null (default) = calibrated at the first
   * update so that it moves every parameter by `targetStep` (Spall 1998, §III).
   */
  a: number | null;
  /**
   * Perturbation numerator c, in the source's parameter units; null (default) = the smallest rung of
   * targetStep·(1, 2, 4, 8) whose mean |f⁺ − f⁻| at θ₀ reaches 2·√2·σ, σ the measured noise of the
   * objective at θ₀ (same minibatch, fresh shots).
   */
  c: number | null;
  /** The first update's move per parameter when a is calibrated; null = the source's own scale (0.15 rad for angles). */
  targetStep: number | null;
  /** Evaluations of f(θ₀) (fresh shots) that measure the objective's noise when c is calibrated. */
  calibrationRepeats: number;
  /** Gradient estimates at θ₀ per tried c (and for a). */
  calibrationEstimates: number;
  /** Blocking (Spall 1998 §III): reject an update when f, re-evaluated at old and new θ (CRN), rises by more than σ. */
  blocking: boolean;
  /** a from the measured curvature (a_0 = 1/h̄, capped by targetStep: 'curvature') or from targetStep alone ('step'). */
  gainRule: 'curvature' | 'step';
  /** Shots per SPSA objective evaluation; null = 10 × photonic.shots (docs/method.md §6). */
  shots: number | null;
  /** Stability constant A; null = 10% of all SPSA steps. */
  A: number | null;
  alpha: number;
  gamma: number;
  /** Validation minibatch size of the objective. */
  batchSize: number;
  warmupEpochs: number;
}

export interface DataConfig {
  /** Validation proxy carved from the training set (class-stratified, fixed split seed). */
  valSize: number;
  /** Use only N training images (a seeded random subset of the training split; 0 = all). */
  trainLimit: number;
  /** Evaluate on N test images (a seeded random subset; 0 = all). */
  testLimit: number;
}

export interface PqkdConfig {
  dataset: DatasetName;
  seed: number;
  splitSeed: number;
  projectionSeed: number;
  teacher: TeacherConfig;
  student: StudentConfig;
  distill: { temperature: number; alpha: number };
  photonic: PhotonicConfig;
  ema: EmaConfig;
  spsa: SpsaConfig;
  data: DataConfig;
}

export type PartialConfig = {
  [K in keyof PqkdConfig]?: PqkdConfig[K] extends object ? (PqkdConfig[K] extends unknown[] ? PqkdConfig[K] : Partial<PqkdConfig[K]>) : PqkdConfig[K];
};

export class ConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`config.${field}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** Our defaults (docs/method.md §4–§8). */
export function defaultConfig(dataset: DatasetName = 'mnist'): PqkdConfig {
  const cifar = dataset === 'cifar10';
  return {
    dataset,
    seed: 0,
    splitSeed: 1234,
    projectionSeed: 2603,
    teacher: { width: 32, epochs: cifar ? 30 : 10, lr: 1e-3, batchSize: 128 },
    student: { rank: 4, scope: 'partial', dictConvImpl: 'auto', epochs: cifar ? 30 : 10, lr: 1e-3, batchSize: 128 },
    distill: { temperature: 4, alpha: 0.7 },
    photonic: {
      modes: 16,
      loopLengths: [1, 2],
      input: null,
      shots: 200,
      groups: [
        [0, 1, 2, 3, 4, 5, 6, 7],
        [8, 9, 10, 11, 12, 13, 14, 15],
      ],
      featureSource: 'photonic',
      redraw: 'step',
      angleDomain: 'periodic',
      loss: 0,
      detectorEfficiency: 1,
      darkCount: 0,
    },
    ema: { enabled: true, beta: 0.9 },
    spsa: {
      enabled: true,
      updatesPerEpoch: 10,
      a: null,
      c: null,
      targetStep: null,
      calibrationRepeats: 8,
      calibrationEstimates: 4,
      blocking: false,
      gainRule: 'curvature',
      shots: null,
      A: null,
      alpha: 0.602,
      gamma: 0.101,
      batchSize: 512,
      warmupEpochs: 1,
    },
    data: { valSize: 5000, trainLimit: 0, testLimit: 0 },
  };
}

function fail(field: string, expected: string, got: unknown): never {
  throw new ConfigError(field, `expected ${expected}, got ${JSON.stringify(got)}`);
}
function int(field: string, v: unknown, min: number): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) fail(field, `an integer >= ${min}`, v);
}
function num(field: string, v: unknown, lo: number, hi: number, loOpen = false, hiOpen = false): void {
  const ok = typeof v === 'number' && Number.isFinite(v) && (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi);
  if (!ok) fail(field, `a number in ${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}`, v);
}
function oneOf(field: string, v: unknown, options: readonly string[]): void {
  if (typeof v !== 'string' || !options.includes(v)) fail(field, `one of ${options.join(', ')}`, v);
}

const SECTIONS = ['teacher', 'student', 'distill', 'photonic', 'ema', 'spsa', 'data'] as const;

/** Defaults for the dataset, overridden by `partial`, validated. Unknown fields are errors. */
export function resolveConfig(partial: PartialConfig = {}): PqkdConfig {
  if (partial === null || typeof partial !== 'object') fail('', 'an object', partial);
  const dataset = partial.dataset ?? 'mnist';
  oneOf('dataset', dataset, ['mnist', 'fashion-mnist', 'cifar10']);
  const base = defaultConfig(dataset);
  const known = new Set(Object.keys(base));
  for (const key of Object.keys(partial)) if (!known.has(key)) throw new ConfigError(key, 'unknown field');
  const merged = { ...base, ...partial } as PqkdConfig;
  for (const section of SECTIONS) {
    const over = (partial as Record<string, unknown>)[section];
    if (over === undefined) continue;
    if (over === null || typeof over !== 'object' || Array.isArray(over)) fail(section, 'an object', over);
    const defaults = base[section] as unknown as Record<string, unknown>;
    for (const key of Object.keys(over)) if (!(key in defaults)) throw new ConfigError(`${section}.${key}`, 'unknown field');
    (merged as unknown as Record<string, unknown>)[section] = { ...defaults, ...over };
  }
  // 'materialise' is the deprecated spelling of 'materialize' (configs written before v0.2 use it).
  if ((merged.student.dictConvImpl as string) === 'materialise') merged.student = { ...merged.student, dictConvImpl: 'materialize' };
  validateConfig(merged);
  return merged;
}

/** Throws a ConfigError naming the first invalid field. */
export function validateConfig(c: PqkdConfig): void {
  int('seed', c.seed, 0);
  int('splitSeed', c.splitSeed, 0);
  int('projectionSeed', c.projectionSeed, 0);
  int('teacher.width', c.teacher.width, 1);
  int('teacher.epochs', c.teacher.epochs, 0);
  num('teacher.lr', c.teacher.lr, 0, 10, true);
  int('teacher.batchSize', c.teacher.batchSize, 1);
  int('student.rank', c.student.rank, 1);
  oneOf('student.scope', c.student.scope, ['partial', 'full']);
  oneOf('student.dictConvImpl', c.student.dictConvImpl, ['auto', 'two-stage', 'materialize']);
  int('student.epochs', c.student.epochs, 0);
  num('student.lr', c.student.lr, 0, 10, true);
  int('student.batchSize', c.student.batchSize, 1);
  num('distill.temperature', c.distill.temperature, 0, 1e6, true);
  num('distill.alpha', c.distill.alpha, 0, 1);
  const p = c.photonic;
  int('photonic.modes', p.modes, 2);
  if (p.modes > 32) fail('photonic.modes', 'at most 32 (click patterns are 32-bit masks)', p.modes);
  if (!Array.isArray(p.loopLengths) || p.loopLengths.length === 0) fail('photonic.loopLengths', 'a non-empty list of loop lengths', p.loopLengths);
  p.loopLengths.forEach((l, i) => {
    if (!Number.isSafeInteger(l) || l < 1 || l >= p.modes)
      fail(`photonic.loopLengths[${i}]`, `an integer in [1, ${p.modes - 1}] (shorter than the mode count)`, l);
  });
  if (p.input !== null) {
    if (!Array.isArray(p.input) || p.input.length !== p.modes) fail('photonic.input', `an occupation list of length ${p.modes}`, p.input);
    p.input.forEach((n, i) => int(`photonic.input[${i}]`, n, 0));
    const photons = p.input.reduce((a, b) => a + b, 0);
    if (photons < 1) fail('photonic.input', 'at least one photon', p.input);
    if (photons > p.modes) fail('photonic.input', `at most ${p.modes} photons (no more photons than modes)`, p.input);
  }
  int('photonic.shots', p.shots, 1);
  if (!Array.isArray(p.groups) || p.groups.length === 0) fail('photonic.groups', 'a non-empty list of mode groups', p.groups);
  p.groups.forEach((g, gi) => {
    if (!Array.isArray(g) || g.length === 0 || g.length > 16) fail(`photonic.groups[${gi}]`, 'a list of 1..16 modes', g);
    g.forEach((m, i) => {
      if (!Number.isSafeInteger(m) || m < 0 || m >= p.modes) fail(`photonic.groups[${gi}][${i}]`, `a mode in [0, ${p.modes})`, m);
    });
  });
  oneOf('photonic.featureSource', p.featureSource, [
    'photonic',
    'exact',
    'fixed-random',
    'matched-noise',
    'distinguishable',
    'bernoulli',
    'learned',
    'learned-count-matched',
    'learned-adam',
  ]);
  oneOf('photonic.redraw', p.redraw, ['step', 'epoch', 'never']);
  oneOf('photonic.angleDomain', p.angleDomain, ['periodic', 'half']);
  num('photonic.loss', p.loss, 0, 1, false, true);
  num('photonic.detectorEfficiency', p.detectorEfficiency, 0, 1, true);
  num('photonic.darkCount', p.darkCount, 0, 1, false, true);
  if (typeof c.ema.enabled !== 'boolean') fail('ema.enabled', 'true or false', c.ema.enabled);
  num('ema.beta', c.ema.beta, 0, 1, false, true);
  if (typeof c.spsa.enabled !== 'boolean') fail('spsa.enabled', 'true or false', c.spsa.enabled);
  int('spsa.updatesPerEpoch', c.spsa.updatesPerEpoch, 0);
  if (c.spsa.a !== null) num('spsa.a', c.spsa.a, 0, 100, true);
  if (c.spsa.c !== null) num('spsa.c', c.spsa.c, 0, 10, true);
  if (c.spsa.targetStep !== null) num('spsa.targetStep', c.spsa.targetStep, 0, 10, true);
  int('spsa.calibrationRepeats', c.spsa.calibrationRepeats, 2);
  int('spsa.calibrationEstimates', c.spsa.calibrationEstimates, 1);
  if (typeof c.spsa.blocking !== 'boolean') fail('spsa.blocking', 'true or false', c.spsa.blocking);
  oneOf('spsa.gainRule', c.spsa.gainRule, ['curvature', 'step']);
  if (c.spsa.shots !== null) int('spsa.shots', c.spsa.shots, 1);
  if (c.spsa.A !== null) num('spsa.A', c.spsa.A, 0, 1e9);
  num('spsa.alpha', c.spsa.alpha, 0, 2, true);
  num('spsa.gamma', c.spsa.gamma, 0, 2, true);
  int('spsa.batchSize', c.spsa.batchSize, 1);
  int('spsa.warmupEpochs', c.spsa.warmupEpochs, 0);
  int('data.valSize', c.data.valSize, 0);
  int('data.trainLimit', c.data.trainLimit, 0);
  int('data.testLimit', c.data.testLimit, 0);
}

/** The input occupation in effect (the default alternates 1, 0, 1, 0, …). */
export function inputOccupation(p: PhotonicConfig): number[] {
  return p.input ?? Array.from({ length: p.modes }, (_, i) => (i % 2 === 0 ? 1 : 0));
}

/** Number of beam-splitter angles θ: Σ_ℓ (modes − ℓ). */
export function angleCount(p: PhotonicConfig): number {
  return p.loopLengths.reduce((acc, l) => acc + (p.modes - l), 0);
}
