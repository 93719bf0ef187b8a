/**
 * The op table (docs/engine.md rule 7): every op registered with `defineOp` (OP_REGISTRY) has an
 * entry here with fast-check generators of sample cases. The generic suites run over it:
 * test/gradcheck.prop.test.ts (float64 gradcheck) and test/autograd/opdb-suites.test.ts (broadcasting,
 * dtype preservation, non-contiguous inputs, noGrad); test/opdb.meta.test.ts fails when a registered op
 * has no entry here (or an entry names no registered op, or its cases do not end in that op).
 *
 * A case holds only plain data (shapes, a seed, attributes): `inputs(dtype)` builds FRESH tensors
 * each call (so suites may mark them requiresGrad or scramble their layout), `fn` applies the op,
 * closing over non-differentiable arguments (indices, conditions, attributes). Values are drawn from
 * the seeded Generator, away from kinks (test/tensor/arbitraries.ts): relu/abs inputs are |x| ≥ 0.2,
 * max/min/maxPool inputs are distinct with gaps > 0.2 (≫ gradcheck's eps 1e-6), clamp inputs stay
 * 0.05 from the bounds, maximum/minimum operands differ by ≥ 0.1, log/sqrt/pow bases are ≥ 0.5,
 * divisors |b| ≥ 0.2.
 */
import fc from 'fast-check';
import { batchNormOp } from '../src/autograd/ops/batch-norm.js';
import * as pq from '../src/index.js';
import { Generator, type Tensor } from '../src/index.js';
import { maxUnpoolCases, poolCases } from './opdb-pool.js';
import {
  broadcastShapesArb, CLAMP_HI, CLAMP_LO, dimsArb, drawValues, numel, shapeArb, tensorOf, type FloatDType, type ValueKind,
} from './tensor/arbitraries.js';

export * from './tensor/arbitraries.js';
export type Suite = 'gradcheck' | 'dtype' | 'noncontiguous' | 'nograd' | 'broadcasting';

export interface OpCase {
  label: string;
  /** Fresh differentiable inputs in `dtype` (the same values for both dtypes, up to rounding). */
  inputs(dtype: FloatDType): Tensor[];
  /** Applies the op (the LAST recorded op of fn is the entry's op). */
  fn(...xs: Tensor[]): Tensor;
}

export interface OpInfo {
  /** The name the op is registered under (OP_REGISTRY). */
  name: string;
  cases: fc.Arbitrary<OpCase>;
  /** Element-wise with NumPy broadcasting of all inputs (checked by the broadcasting suite). */
  broadcasts?: boolean;
  /** gradcheck tolerances when PyTorch's defaults do not apply (with the reason in a comment). */
  gradcheck?: { atol?: number; rtol?: number };
  /** Suites this op is skipped in, each with the reason. */
  skips?: Partial<Record<Suite, string>>;
}

// ---------------------------------------------------------------------------------------------
// Case builders.

interface InputSpec {
  shape: readonly number[];
  kind: ValueKind;
}

function makeCase(label: string, seed: number, specs: readonly InputSpec[], fn: (...xs: Tensor[]) => Tensor): OpCase {
  return {
    label: `${label} seed=${seed}`,
    fn,
    inputs: (dtype) => {
      const gen = new Generator(seed);
      return specs.map((s) => tensorOf(drawValues(gen, numel(s.shape), s.kind), s.shape, dtype));
    },
  };
}

const seedArb = fc.nat({ max: 2 ** 31 - 1 });
const fmt = (x: unknown): string => JSON.stringify(x);

/** int32 tensor of integers in [0, size) from the seed (non-differentiable index data). */
function indexTensor(seed: number, shape: readonly number[], size: number): Tensor {
  const gen = new Generator(seed).fork('index');
  const data = new Int32Array(numel(shape));
  for (let i = 0; i < data.length; i++) data[i] = gen.integers(0, size);
  return pq.tensor(data, { shape });
}

function unaryEntry(name: string, apply: (x: Tensor) => Tensor, kind: ValueKind): OpInfo {
  return {
    name,
    cases: fc.record({ shape: shapeArb(), seed: seedArb }).map(({ shape, seed }) => makeCase(`${name} ${fmt(shape)}`, seed, [{ shape, kind }], apply)),
  };
}

function binaryEntry(name: string, apply: (a: Tensor, b: Tensor) => Tensor, kinds: [ValueKind, ValueKind]): OpInfo {
  return {
    name,
    broadcasts: true,
    cases: fc.record({ shapes: broadcastShapesArb(2), seed: seedArb }).map(({ shapes, seed }) =>
      makeCase(`${name} ${fmt(shapes)}`, seed, [{ shape: shapes[0]!, kind: kinds[0] }, { shape: shapes[1]!, kind: kinds[1] }], apply),
    ),
  };
}

/** Shape and a list of reduction dims plus keepDim. */
const reductionArb = shapeArb({ minRank: 0, maxRank: 3 }).chain((shape) =>
  fc.record({ shape: fc.constant(shape), dims: dimsArb(shape.length), keepDim: fc.boolean(), seed: seedArb }),
);

function reductionEntry(name: string, apply: (x: Tensor, dims: number[] | undefined, keepDim: boolean) => Tensor, kind: ValueKind): OpInfo {
  return {
    name,
    cases: reductionArb.map(({ shape, dims, keepDim, seed }) =>
      makeCase(`${name} ${fmt(shape)} dims=${fmt(dims)} keepDim=${keepDim}`, seed, [{ shape, kind }], (x) => apply(x, dims, keepDim)),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// Structural ops.

const permuteCases = shapeArb({ minRank: 1, maxRank: 4, maxDim: 3 }).chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    order: fc.shuffledSubarray(shape.map((_, d) => d), { minLength: shape.length, maxLength: shape.length }),
    transpose: fc.option(fc.tuple(fc.nat({ max: shape.length - 1 }), fc.nat({ max: shape.length - 1 })), { nil: undefined }),
    seed: seedArb,
  }).map(({ order, transpose, seed }) =>
    transpose
      ? makeCase(`transpose ${fmt(shape)} ${fmt(transpose)}`, seed, [{ shape, kind: 'any' }], (x) => pq.transpose(x, transpose[0], transpose[1]))
      : makeCase(`permute ${fmt(shape)} ${fmt(order)}`, seed, [{ shape, kind: 'any' }], (x) => pq.permute(x, order)),
  ),
);

/** A different factorisation of the element count (with one -1), or flatten/view. */
const reshapeCases = shapeArb({ minRank: 0, maxRank: 3 }).chain((shape) =>
  fc.record({ mode: fc.constantFrom('reshape', 'view', 'flatten', 'reshapeOfTranspose'), split: fc.nat({ max: 3 }), seed: seedArb }).map(({ mode, split, seed }) => {
    const n = numel(shape);
    const divisors = Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
    const first = divisors[split % divisors.length]!;
    const target = [first, -1];
    const spec = [{ shape, kind: 'any' as const }];
    switch (mode) {
      // view needs a contiguous input (the non-contiguous suite passes strided ones): contiguous() first.
      case 'view': return makeCase(`view ${fmt(shape)}->${fmt(target)}`, seed, spec, (x) => pq.view(pq.contiguous(x), target));
      case 'flatten': return makeCase(`flatten ${fmt(shape)}`, seed, spec, (x) => pq.flatten(x, shape.length > 1 ? 1 : 0));
      case 'reshapeOfTranspose':
        return makeCase(`reshape(transpose) ${fmt(shape)}->${fmt(target)}`, seed, spec, (x) => pq.reshape(x.ndim >= 2 ? pq.transpose(x, 0, -1) : x, target));
      default: return makeCase(`reshape ${fmt(shape)}->${fmt(target)}`, seed, spec, (x) => pq.reshape(x, target));
    }
  }),
);

const sliceCases = shapeArb({ minRank: 1, maxRank: 3, maxDim: 5 }).chain((shape) =>
  fc.record({
    dim: fc.nat({ max: shape.length - 1 }),
    start: fc.integer({ min: -5, max: 5 }),
    end: fc.option(fc.integer({ min: -5, max: 6 }), { nil: undefined }),
    step: fc.integer({ min: 1, max: 3 }),
    narrow: fc.boolean(),
    seed: seedArb,
  }).map(({ dim, start, end, step, narrow, seed }) => {
    const spec = [{ shape, kind: 'any' as const }];
    if (narrow) {
      const s = Math.abs(start) % shape[dim]!;
      const len = (shape[dim]! - s) % 3;
      return makeCase(`narrow ${fmt(shape)} dim=${dim} start=${s} len=${len}`, seed, spec, (x) => pq.narrow(x, dim, s, len));
    }
    return makeCase(`slice ${fmt(shape)} dim=${dim} ${start}:${end}:${step}`, seed, spec, (x) => pq.slice(x, dim, start, end, step));
  }),
);

const squeezeCases = fc.record({ shape: shapeArb({ minRank: 0, maxRank: 4, maxDim: 3 }), ones: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), pick: fc.nat(), all: fc.boolean(), seed: seedArb })
  .map(({ shape, ones, pick, all, seed }) => {
    const s = shape.map((d, i) => (ones[i] ? 1 : d));
    const spec = [{ shape: s, kind: 'any' as const }];
    if (all || s.length === 0) return makeCase(`squeeze ${fmt(s)}`, seed, spec, (x) => pq.squeeze(x));
    const dim = (pick % (2 * s.length)) - s.length;
    return makeCase(`squeeze ${fmt(s)} dim=${dim}`, seed, spec, (x) => pq.squeeze(x, dim));
  });

const unsqueezeCases = fc.record({ shape: shapeArb({ maxRank: 3 }), pick: fc.nat(), seed: seedArb }).map(({ shape, pick, seed }) => {
  const dim = (pick % (2 * shape.length + 2)) - shape.length - 1;
  return makeCase(`unsqueeze ${fmt(shape)} dim=${dim}`, seed, [{ shape, kind: 'any' }], (x) => pq.unsqueeze(x, dim));
});

const expandCases = fc.record({ shape: shapeArb({ maxRank: 3, maxDim: 3 }), ones: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), lead: shapeArb({ maxRank: 2, maxDim: 3 }), grow: fc.integer({ min: 2, max: 3 }), keep: fc.boolean(), seed: seedArb })
  .map(({ shape, ones, lead, grow, keep, seed }) => {
    const s = shape.map((d, i) => (ones[i] ? 1 : d));
    const target = [...lead, ...s.map((d) => (d === 1 ? grow : keep ? -1 : d))];
    return makeCase(`expand ${fmt(s)}->${fmt(target)}`, seed, [{ shape: s, kind: 'any' }], (x) => pq.expand(x, target));
  });

const concatCases = fc.record({ shape: shapeArb({ minRank: 1, maxRank: 3, maxDim: 3 }), sizes: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }), pick: fc.nat(), stack: fc.boolean(), seed: seedArb })
  .map(({ shape, sizes, pick, stack, seed }) => {
    if (stack) {
      const dim = pick % (shape.length + 1);
      return makeCase(`stack ${sizes.length}x${fmt(shape)} dim=${dim}`, seed, sizes.map(() => ({ shape, kind: 'any' as const })), (...xs) => pq.stack(xs, dim));
    }
    const dim = pick % shape.length;
    const shapes = sizes.map((n) => shape.map((d, i) => (i === dim ? n : d)));
    if (shapes.every((s) => s[dim] === 0)) shapes[0]![dim] = 1;
    return makeCase(`concat ${fmt(shapes)} dim=${dim}`, seed, shapes.map((s) => ({ shape: s, kind: 'any' as const })), (...xs) => pq.concat(xs, dim - shape.length));
  });

const padCases = fc.record({ shape: shapeArb({ minRank: 1, maxRank: 3, maxDim: 3 }), pads: fc.array(fc.nat({ max: 2 }), { minLength: 2, maxLength: 6 }), value: fc.constantFrom(0, 1.5), seed: seedArb })
  .map(({ shape, pads, value, seed }) => {
    const padding = pads.slice(0, 2 * Math.min(shape.length, Math.floor(pads.length / 2)));
    return makeCase(`pad ${fmt(shape)} ${fmt(padding)} value=${value}`, seed, [{ shape, kind: 'any' }], (x) => pq.pad(x, padding, { value }));
  });

const cloneCases = fc.record({ shape: shapeArb({ minRank: 0, maxRank: 3 }), transposed: fc.boolean(), seed: seedArb }).map(({ shape, transposed, seed }) =>
  transposed && shape.length >= 2 && shape[0]! > 1 && shape[shape.length - 1]! > 1
    ? makeCase(`contiguous(transpose) ${fmt(shape)}`, seed, [{ shape, kind: 'any' }], (x) => pq.contiguous(pq.transpose(x, 0, -1)))
    : makeCase(`clone ${fmt(shape)}`, seed, [{ shape, kind: 'any' }], (x) => pq.clone(x)),
);

// ---------------------------------------------------------------------------------------------
// Indexing.

const gatherCases = shapeArb({ minRank: 1, maxRank: 3, maxDim: 3 }).chain((shape) =>
  fc.record({ dim: fc.nat({ max: shape.length - 1 }), idxShape: fc.tuple(...shape.map((d) => fc.integer({ min: 1, max: d + 1 }))), seed: seedArb }).map(({ dim, idxShape, seed }) => {
    const ishape = idxShape.map((d, k) => (k === dim ? d : Math.min(d, shape[k]!)));
    const index = indexTensor(seed, ishape, shape[dim]!);
    return makeCase(`gather ${fmt(shape)} dim=${dim} index ${fmt(ishape)}`, seed, [{ shape, kind: 'any' }], (x) => pq.gather(x, dim, index));
  }),
);

const indexSelectCases = shapeArb({ minRank: 1, maxRank: 3, maxDim: 3 }).chain((shape) =>
  fc.record({ dim: fc.nat({ max: shape.length - 1 }), count: fc.integer({ min: 0, max: 4 }), seed: seedArb }).map(({ dim, count, seed }) => {
    const index = indexTensor(seed, [count], shape[dim]!);
    return makeCase(`indexSelect ${fmt(shape)} dim=${dim} n=${count}`, seed, [{ shape, kind: 'any' }], (x) => pq.indexSelect(x, dim - shape.length, index));
  }),
);

// ---------------------------------------------------------------------------------------------
// Linear algebra, convolution, pooling, softmax.

const matmulCases = fc.record({
  kind: fc.constantFrom('1x1', '2x1', '1x2', '2x2', 'batched', '1xbatched', 'batchedx1'),
  m: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 4 }), n: fc.integer({ min: 1, max: 3 }),
  batch: broadcastShapesArb(2, { maxRank: 2, maxDim: 2 }),
  transA: fc.boolean(), transB: fc.boolean(), seed: seedArb,
}).map(({ kind, m, k, n, batch, transA, transB, seed }) => {
  const [ba, bb] = batch as [number[], number[]];
  const shapes: Record<string, [number[], number[]]> = {
    '1x1': [[k], [k]], '2x1': [[m, k], [k]], '1x2': [[k], [k, n]], '2x2': [[m, k], [k, n]],
    batched: [[...ba, m, k], [...bb, k, n]], '1xbatched': [[k], [...bb, k, n]], batchedx1: [[...ba, m, k], [k]],
  };
  const [sa, sb] = shapes[kind]!;
  // Transposed operands are stored with their last two dims swapped and transposed back (a strided view).
  const ta = transA && sa.length >= 2;
  const tb = transB && sb.length >= 2;
  const swap = (s: number[]): number[] => [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!];
  return makeCase(`matmul ${fmt(sa)}${ta ? 'ᵀ' : ''} x ${fmt(sb)}${tb ? 'ᵀ' : ''}`, seed,
    [{ shape: ta ? swap(sa) : sa, kind: 'any' }, { shape: tb ? swap(sb) : sb, kind: 'any' }],
    (a, b) => pq.matmul(ta ? pq.transpose(a, -1, -2) : a, tb ? pq.transpose(b, -1, -2) : b));
});

const linearCases = fc.record({
  lead: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 }),
  inF: fc.integer({ min: 1, max: 4 }), outF: fc.integer({ min: 1, max: 3 }), bias: fc.boolean(), seed: seedArb,
}).map(({ lead, inF, outF, bias, seed }) => {
  const specs: InputSpec[] = [{ shape: [...lead, inF], kind: 'any' }, { shape: [outF, inF], kind: 'any' }];
  if (bias) specs.push({ shape: [outF], kind: 'any' });
  return makeCase(`linear x=${fmt([...lead, inF])} w=${fmt([outF, inF])} bias=${bias}`, seed, specs, (x, w, b) => pq.linear(x, w, b ?? null));
});

const conv2dCases = fc.record({
  batch: fc.integer({ min: 1, max: 2 }), groups: fc.integer({ min: 1, max: 2 }), cinPerGroup: fc.integer({ min: 1, max: 2 }),
  coutPerGroup: fc.integer({ min: 1, max: 2 }), kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 2 }), padding: fc.integer({ min: 0, max: 1 }), dilation: fc.integer({ min: 1, max: 2 }),
  extraH: fc.nat({ max: 2 }), extraW: fc.nat({ max: 2 }), bias: fc.boolean(), seed: seedArb,
}).map((c) => {
  const h = c.dilation * (c.kh - 1) + 1 + c.extraH;
  const w = c.dilation * (c.kw - 1) + 1 + c.extraW;
  const x = [c.batch, c.groups * c.cinPerGroup, h, w];
  const wt = [c.groups * c.coutPerGroup, c.cinPerGroup, c.kh, c.kw];
  const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
  const specs: InputSpec[] = [{ shape: x, kind: 'any' }, { shape: wt, kind: 'any' }];
  if (c.bias) specs.push({ shape: [wt[0]!], kind: 'any' });
  return makeCase(`conv2d x=${fmt(x)} w=${fmt(wt)} ${fmt(opts)} bias=${c.bias}`, c.seed, specs, (xi, wi, bi) => pq.conv2d(xi, wi, bi ?? null, opts));
});

const logSoftmaxCases = shapeArb({ minRank: 1, maxRank: 3 }).chain((shape) =>
  fc.record({ dim: fc.integer({ min: -shape.length, max: shape.length - 1 }), seed: seedArb }).map(({ dim, seed }) =>
    makeCase(`logSoftmax ${fmt(shape)} dim=${dim}`, seed, [{ shape, kind: 'any' }], (x) => pq.logSoftmax(x, dim)),
  ),
);

const batchNormCases = fc.record({
  rank: fc.constantFrom(2, 4), n: fc.integer({ min: 2, max: 3 }), c: fc.integer({ min: 1, max: 3 }),
  hw: fc.integer({ min: 1, max: 3 }), training: fc.boolean(), affine: fc.boolean(), seed: seedArb,
}).map(({ rank, n, c, hw, training, affine, seed }) => {
  const shape = rank === 4 ? [n, c, hw, hw] : [n, c];
  const stats = new Generator(seed).fork('running');
  const mean = Float64Array.from({ length: c }, () => stats.normal());
  const variance = Float64Array.from({ length: c }, () => 0.5 + stats.uniform());
  const specs: InputSpec[] = [{ shape, kind: 'any' }];
  if (affine) specs.push({ shape: [c], kind: 'any' }, { shape: [c], kind: 'any' });
  return makeCase(`batchNorm ${fmt(shape)} training=${training} affine=${affine}`, seed, specs, (x, w, b) =>
    batchNormOp([x, w ?? null, b ?? null], training ? { training: true, eps: 1e-5 } : { training: false, eps: 1e-5, mean, variance }));
});

const whereCases = fc.record({ shapes: broadcastShapesArb(3), seed: seedArb }).map(({ shapes, seed }) => {
  const [sc, sa, sb] = shapes as [number[], number[], number[]];
  const gen = new Generator(seed).fork('condition');
  const cond = pq.tensor(Uint8Array.from({ length: numel(sc) }, () => (gen.bernoulli(0.5) ? 1 : 0)), { dtype: 'bool', shape: sc });
  return makeCase(`where cond=${fmt(sc)} a=${fmt(sa)} b=${fmt(sb)}`, seed, [{ shape: sa, kind: 'any' }, { shape: sb, kind: 'any' }], (a, b) => pq.where(cond, a, b));
});

const clampCases = fc.record({ shape: shapeArb(), bounds: fc.constantFrom('both', 'min', 'max'), seed: seedArb }).map(({ shape, bounds, seed }) => {
  const lo = bounds === 'max' ? null : CLAMP_LO;
  const hi = bounds === 'min' ? null : CLAMP_HI;
  return makeCase(`clamp ${fmt(shape)} [${lo}, ${hi}]`, seed, [{ shape, kind: 'clampSafe' }], (x) => pq.clamp(x, lo, hi));
});

const varCases = reductionArb.chain((r) => fc.constantFrom(0, 1).map((correction) => ({ ...r, correction }))).map(({ shape, dims, keepDim, correction, seed }) => {
  const reduced = dims === undefined ? shape : dims.map((d) => shape[d < 0 ? d + shape.length : d]!);
  // The group must have more than `correction` elements, else the variance is NaN by definition.
  const c = numel(reduced) > correction ? correction : 0;
  return makeCase(`var ${fmt(shape)} dims=${fmt(dims)} keepDim=${keepDim} correction=${c}`, seed, [{ shape, kind: 'any' }], (x) => pq.variance(x, dims, { keepDim, correction: c }));
});

// ---------------------------------------------------------------------------------------------
// The table.

export const OP_DB: readonly OpInfo[] = [
  unaryEntry('abs', pq.abs, 'nonzero'),
  unaryEntry('neg', pq.neg, 'any'),
  unaryEntry('exp', pq.exp, 'any'),
  unaryEntry('log', pq.log, 'positive'),
  unaryEntry('log1p', pq.log1p, 'positive'),
  unaryEntry('sqrt', pq.sqrt, 'positive'),
  unaryEntry('sin', pq.sin, 'any'),
  unaryEntry('cos', pq.cos, 'any'),
  unaryEntry('tanh', pq.tanh, 'any'),
  unaryEntry('sigmoid', pq.sigmoid, 'any'),
  unaryEntry('relu', pq.relu, 'nonzero'),
  // Identity cast keeps the op differentiable in both dtypes; float32<->float64 casts are tested in
  // test/autograd/engine.test.ts (a float64 perturbation of 1e-6 does not survive a float32 round trip).
  unaryEntry('cast', (x) => pq.cast(x, x.dtype), 'any'),
  binaryEntry('add', pq.add, ['any', 'any']),
  binaryEntry('sub', pq.sub, ['any', 'any']),
  binaryEntry('mul', pq.mul, ['any', 'any']),
  binaryEntry('div', pq.div, ['any', 'nonzero']),
  binaryEntry('pow', pq.pow, ['positive', 'any']),
  binaryEntry('maximum', pq.maximum, ['halfInteger', 'nearInteger']),
  binaryEntry('minimum', pq.minimum, ['halfInteger', 'nearInteger']),
  { name: 'where', cases: whereCases, broadcasts: true },
  { name: 'clamp', cases: clampCases },
  reductionEntry('sum', (x, d, k) => pq.sum(x, d, { keepDim: k }), 'any'),
  reductionEntry('mean', (x, d, k) => pq.mean(x, d, { keepDim: k }), 'any'),
  reductionEntry('max', (x, d, k) => pq.max(x, d, { keepDim: k }), 'distinct'),
  reductionEntry('min', (x, d, k) => pq.min(x, d, { keepDim: k }), 'distinct'),
  reductionEntry('logsumexp', (x, d, k) => pq.logsumexp(x, d, { keepDim: k }), 'any'),
  { name: 'var', cases: varCases },
  { name: 'logSoftmax', cases: logSoftmaxCases },
  { name: 'batchNorm', cases: batchNormCases },
  { name: 'matmul', cases: matmulCases },
  { name: 'linear', cases: linearCases },
  { name: 'conv2d', cases: conv2dCases },
  { name: 'maxPool2d', cases: poolCases('maxPool2d', makeCase) },
  { name: 'reluMaxPool2d', cases: poolCases('reluMaxPool2d', makeCase) },
  { name: 'avgPool2d', cases: poolCases('avgPool2d', makeCase) },
  { name: 'maxUnpool2d', cases: maxUnpoolCases(makeCase) },
  { name: 'reshape', cases: reshapeCases },
  { name: 'permute', cases: permuteCases },
  { name: 'expand', cases: expandCases },
  { name: 'slice', cases: sliceCases },
  { name: 'squeeze', cases: squeezeCases },
  { name: 'unsqueeze', cases: unsqueezeCases },
  { name: 'concat', cases: concatCases },
  { name: 'pad', cases: padCases },
  { name: 'clone', cases: cloneCases },
  { name: 'gather', cases: gatherCases },
  { name: 'indexSelect', cases: indexSelectCases },
];

export function opInfo(name: string): OpInfo {
  const entry = OP_DB.find((e) => e.name === name);
  if (!entry) throw new Error(`opdb: no entry for '${name}'`);
  return entry;
}
