/**
 * The model families as declarative layer lists (docs/method.md §8), and the parameter accounting
 * computed from them (§9), so counts can be checked by hand without building a model.
 *
 *  MNIST / F-MNIST teacher, width w: conv3×3(1→w)–BN–ReLU–pool2 → conv3×3(w→2w)–BN–ReLU–pool2 →
 *                                     FC(2w·49→128)–ReLU → FC(128→10)
 *  CIFAR-lite (VGG-style):           [conv(3→32), conv(32→32), pool] [conv(32→64), conv(64→64), pool]
 *                                     [conv(64→128), pool] → global average pool → FC(128→10)
 *  Student: the teacher's topology; 'partial' turns every conv but the first into a dictionary conv,
 *  'full' every conv. Convs followed by BatchNorm have no bias.
 */
import type { DatasetName, Scope } from './config.js';

export interface ConvSpec {
  kind: 'conv';
  inChannels: number;
  outChannels: number;
  kernel: number;
  padding: number;
  /** Dictionary convolution (student) or dense (teacher / uncompressed layer). */
  dict: boolean;
  /** Max-pool 2×2 after BN + ReLU. */
  pool: boolean;
}
export interface LinearSpec {
  kind: 'linear';
  inFeatures: number;
  outFeatures: number;
  relu: boolean;
}
export type LayerSpec = ConvSpec | LinearSpec | { kind: 'flatten' } | { kind: 'globalAvgPool' };

export interface ModelSpec {
  name: string;
  inputShape: [number, number, number];
  layers: LayerSpec[];
  /** Rank R of the dictionary convs (students only). */
  rank: number;
}

function conv(inChannels: number, outChannels: number, pool: boolean): ConvSpec {
  return { kind: 'conv', inChannels, outChannels, kernel: 3, padding: 1, dict: false, pool };
}

/** The teacher architecture for a dataset (width applies to the MNIST family). */
export function teacherSpec(dataset: DatasetName, width = 32): ModelSpec {
  if (dataset === 'cifar10') {
    return {
      name: 'cifar-lite-teacher',
      inputShape: [3, 32, 32],
      rank: 0,
      layers: [
        conv(3, 32, false), conv(32, 32, true), conv(32, 64, false), conv(64, 64, true), conv(64, 128, true),
        { kind: 'globalAvgPool' }, { kind: 'linear', inFeatures: 128, outFeatures: 10, relu: false },
      ],
    };
  }
  return {
    name: `mnist-cnn-w${width}-teacher`,
    inputShape: [1, 28, 28],
    rank: 0,
    layers: [
      conv(1, width, true), conv(width, 2 * width, true), { kind: 'flatten' },
      { kind: 'linear', inFeatures: 2 * width * 49, outFeatures: 128, relu: true },
      { kind: 'linear', inFeatures: 128, outFeatures: 10, relu: false },
    ],
  };
}

/** The student of a teacher spec: the same topology with dictionary convs in the chosen scope. */
export function studentSpec(teacher: ModelSpec, scope: Scope, rank: number): ModelSpec {
  let convIndex = 0;
  const layers = teacher.layers.map((l): LayerSpec => {
    if (l.kind !== 'conv') return l;
    const dict = scope === 'full' || convIndex > 0;
    convIndex++;
    return { ...l, dict };
  });
  return { name: teacher.name.replace('teacher', `student-${scope}-r${rank}`), inputShape: teacher.inputShape, layers, rank };
}

export interface ParameterReport {
  /** Conv weights/bases + BN γ/β of all conv blocks. */
  convBlock: number;
  /** Everything trainable in the model itself (conv blocks, FC weights and biases). */
  model: number;
  /** Entries of the fixed projections (dictionary convs only). */
  fixedProjection: number;
  /** BN running statistics (buffers, not parameters). */
  buffers: number;
}

/** Parameter counts of a spec (θ not included: it is shared, counted once by `compressionTable`). */
export function countParameters(spec: ModelSpec, featureDim = 512): ParameterReport {
  let convBlock = 0;
  let model = 0;
  let fixedProjection = 0;
  let buffers = 0;
  for (const l of spec.layers) {
    if (l.kind === 'conv') {
      const k2 = l.kernel * l.kernel;
      const weights = l.dict ? spec.rank * k2 : l.outChannels * l.inChannels * k2;
      const bn = 2 * l.outChannels;
      convBlock += weights + bn;
      model += weights + bn;
      buffers += 2 * l.outChannels;
      if (l.dict) fixedProjection += l.outChannels * l.inChannels * spec.rank * featureDim;
    } else if (l.kind === 'linear') {
      model += l.inFeatures * l.outFeatures + l.outFeatures;
    }
  }
  return { convBlock, model, fixedProjection, buffers };
}

export interface CompressionTable {
  teacherConvBlock: number;
  teacherTotal: number;
  studentConvBlock: number;
  studentTotal: number;
  thetaCount: number;
  /** Student trainable parameters including θ once (the paper's convention). */
  studentTrainable: number;
  fixedProjection: number;
  /** Teacher conv-block ÷ (student conv-block + |θ|). */
  compression: number;
  /** Whole-model ratio: teacher total ÷ student trainable. */
  wholeModelRatio: number;
}

/** The paper's accounting for a teacher/student pair (docs/method.md §9). */
export function compressionTable(teacher: ModelSpec, student: ModelSpec, thetaCount: number, featureDim = 512): CompressionTable {
  const t = countParameters(teacher, featureDim);
  const s = countParameters(student, featureDim);
  return {
    teacherConvBlock: t.convBlock,
    teacherTotal: t.model,
    studentConvBlock: s.convBlock,
    studentTotal: s.model,
    thetaCount,
    studentTrainable: s.model + thetaCount,
    fixedProjection: s.fixedProjection,
    compression: t.convBlock / (s.convBlock + thetaCount),
    wholeModelRatio: t.model / (s.model + thetaCount),
  };
}

/** The accounting as an aligned text table. */
export function formatCompressionTable(c: CompressionTable): string {
  const rows: [string, string][] = [
    ['teacher conv-block parameters', c.teacherConvBlock.toLocaleString('en-US')],
    ['teacher parameters (total)', c.teacherTotal.toLocaleString('en-US')],
    ['student conv-block parameters', c.studentConvBlock.toLocaleString('en-US')],
    ['photonic angles θ (counted once)', String(c.thetaCount)],
    ['student trainable parameters (total, incl. θ)', c.studentTrainable.toLocaleString('en-US')],
    ['fixed projection entries (not trainable)', c.fixedProjection.toLocaleString('en-US')],
    ['compression (conv blocks + θ)', `${c.compression.toFixed(1)}×`],
    ['whole-model ratio', `${c.wholeModelRatio.toFixed(2)}×`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}
