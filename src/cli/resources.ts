/**
 * Resource guard: estimates the memory a run needs from its config, before anything is allocated,
 * and refuses a run that cannot fit with the estimate and what would fit in the message (the style of
 * the photonic cost estimator, src/photonics/estimate.ts).
 *
 * Model (float32 everywhere, bytes):
 *  - each model: trainable parameters × 4 B × 4 (weights, gradients, Adam m and v) + BN buffers;
 *    a student adds its fixed projections (out·in·R·D entries) and, per dictionary conv, the dense
 *    kernel it materialises (out·in·k²) and that kernel's gradient;
 *  - activations of one training batch: B × Σ_conv (C_out·H·W) × 4 B × 6 (conv output, BN output,
 *    ReLU output, pooled output and the gradients that flow back through them) + the FC layers;
 *  - data: the uint8 training and test images, and the teacher-logit cache (N·classes·4 B).
 * The estimate is an upper-bound-style figure (it ignores the storage pool's reuse); the budget is
 * 80% of the machine's memory (PQKD_MEMORY_BUDGET_GIB overrides it).
 */
import { totalmem } from 'node:os';
import type { PqkdConfig } from '../pqkd/config.js';
import { countParameters, studentSpec, teacherSpec, type ModelSpec } from '../pqkd/model-spec.js';
import { CliError } from './errors.js';

const BYTES = 4;
const FEATURE_DIM = 512;
const DATA: Record<PqkdConfig['dataset'], { train: number; test: number; pixels: number; classes: number }> = {
  mnist: { train: 60_000, test: 10_000, pixels: 784, classes: 10 },
  'fashion-mnist': { train: 60_000, test: 10_000, pixels: 784, classes: 10 },
  cifar10: { train: 50_000, test: 10_000, pixels: 3072, classes: 10 },
};

export interface MemoryEstimate {
  bytes: number;
  parts: { models: number; activations: number; data: number };
}

function modelBytes(spec: ModelSpec): number {
  const p = countParameters(spec, FEATURE_DIM);
  let dense = 0;
  for (const l of spec.layers) if (l.kind === 'conv' && l.dict) dense += l.outChannels * l.inChannels * l.kernel * l.kernel;
  return (p.model * 4 + p.buffers + p.fixedProjection + 2 * dense) * BYTES;
}

function activationBytes(spec: ModelSpec, batch: number): number {
  let [channels, h, w] = spec.inputShape;
  let per = channels * h * w;
  for (const l of spec.layers) {
    if (l.kind === 'conv') {
      channels = l.outChannels;
      per += 6 * channels * h * w;
      if (l.pool) {
        h = Math.floor(h / 2);
        w = Math.floor(w / 2);
      }
    } else if (l.kind === 'linear') {
      per += 4 * l.outFeatures;
    }
  }
  return batch * per * BYTES;
}

/** The memory estimate of a teacher or distill run with `config`. */
export function estimateRunMemory(config: PqkdConfig, command: 'teacher' | 'distill'): MemoryEstimate {
  const t = teacherSpec(config.dataset, config.teacher.width);
  const d = DATA[config.dataset];
  const trainImages = config.data.trainLimit > 0 ? Math.min(config.data.trainLimit, d.train) : d.train;
  let models = modelBytes(t);
  let activations = activationBytes(t, config.teacher.batchSize);
  const data = (d.train + d.test) * d.pixels + (command === 'distill' ? d.train * d.classes * BYTES : 0);
  if (command === 'distill') {
    const s = studentSpec(t, config.student.scope, config.student.rank);
    models += modelBytes(s);
    activations = Math.max(activations, activationBytes(s, config.student.batchSize) + activationBytes(t, Math.min(500, trainImages)) / 6);
  }
  return { bytes: models + activations + data, parts: { models, activations, data } };
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

/** The memory budget: PQKD_MEMORY_BUDGET_GIB, else 80% of the machine's memory. */
export function memoryBudget(): number {
  const env = process.env.PQKD_MEMORY_BUDGET_GIB;
  if (env !== undefined && env.trim() !== '') {
    const gib = Number(env);
    if (!Number.isFinite(gib) || gib <= 0) throw new CliError(`PQKD_MEMORY_BUDGET_GIB: expected a positive number of GiB, got '${env}'`);
    return gib * 1024 ** 3;
  }
  return 0.8 * totalmem();
}

/** Throws a CliError with the estimate and the widest teacher that fits when `config` cannot fit. */
export function requireRunFits(config: PqkdConfig, command: 'teacher' | 'distill', budget = memoryBudget()): MemoryEstimate {
  const e = estimateRunMemory(config, command);
  if (e.bytes <= budget) return e;
  const fitsAt = (width: number): boolean => estimateRunMemory({ ...config, teacher: { ...config.teacher, width } }, command).bytes <= budget;
  let widthHint = '';
  if (config.dataset !== 'cifar10' && fitsAt(1)) {
    let lo = 1;
    let hi = config.teacher.width;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (fitsAt(mid)) lo = mid;
      else hi = mid;
    }
    widthHint = `; at these batch sizes the widest teacher that fits is --width ${lo}`;
  }
  const p = e.parts;
  throw new CliError(
    `${command}: the run needs about ${formatBytes(e.bytes)} (models ${formatBytes(p.models)}, activations ${formatBytes(p.activations)}, ` +
      `data ${formatBytes(p.data)}), over the ${formatBytes(budget)} memory budget${widthHint} (budget: 80% of RAM, or PQKD_MEMORY_BUDGET_GIB)`,
  );
}
