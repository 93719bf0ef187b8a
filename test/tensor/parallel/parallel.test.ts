import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2dGeometry } from '../../../src/tensor/kernels/conv2d.js';
import { BANDWIDTH_PARALLEL_MIN_ELEMENTS, conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight, conv2dForward, gemm } from '../../../src/tensor/kernel-dispatch.js';
import { resetScratchStats, scratchStats } from '../../../src/tensor/kernels/scratch.js';
import type { GemmArgs } from '../../../src/tensor/kernels/matmul.js';
import { runTasks, shutdownThreads, threadPoolStats, warmUpThreads } from '../../../src/tensor/parallel/pool.js';
import { createSharedArray } from '../../../src/tensor/parallel/share.js';
import { DEFAULT_PARALLEL_MIN_MACS, defaultNumThreads, getNumThreads, setNumThreads, setParallelMinMacs } from '../../../src/tensor/parallel/threads.js';
import { build, convCaseArb } from '../kernels/conv-cases.js';
import { DTYPES, Generator, expectExactlyEqual, makeArray, randomArray } from '../kernels/helpers.js';
import type { FloatArray } from '../../../src/tensor/dtype.js';
import { ones, randn, tensor, zeros } from '../../../src/tensor/create.js';
import { batchNorm } from '../../../src/autograd/functional/batch-norm.js';
import { mul as mulAd } from '../../../src/autograd/ops/mul.js';
import { sum as sumAd } from '../../../src/autograd/ops/sum.js';
import { addInPlace, binary, unary } from '../../../src/tensor/ops/elementwise.js';
import type { Tensor } from '../../../src/tensor/tensor.js';
import { narrow } from '../../../src/tensor/views.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs `fn` with each thread count and asserts every result is bit-identical to the 1-thread one. */
function sameForThreadCounts(what: string, fn: () => FloatArray): void {
  setNumThreads(1);
  const reference = fn();
  for (const threads of [2, 3]) {
    setNumThreads(threads);
    expectExactlyEqual(fn(), reference, `${what} with ${threads} threads`);
  }
}

describe('thread pool', () => {
  beforeAll(async () => {
    setParallelMinMacs(0);
    setNumThreads(3);
    await warmUpThreads();
  });
  afterAll(async () => {
    setParallelMinMacs(DEFAULT_PARALLEL_MIN_MACS);
    setNumThreads(defaultNumThreads());
    await shutdownThreads();
  });

  it('gemm is bit-identical for 1, 2 and 3 threads over random shapes, transposes, offsets (workers really run)', () => {
    const before = threadPoolStats().dispatched;
    fc.assert(fc.property(
      fc.record({
        dtype: fc.constantFrom(...DTYPES), transA: fc.boolean(), transB: fc.boolean(),
        m: fc.integer({ min: 8, max: 40 }), n: fc.integer({ min: 1, max: 40 }), k: fc.integer({ min: 1, max: 40 }),
        beta: fc.constantFrom(0, 1, -0.5), cOffset: fc.integer({ min: 0, max: 3 }), seed: fc.nat(),
      }),
      ({ dtype, transA, transB, m, n, k, beta, cOffset, seed }) => {
        const gen = new Generator(seed);
        const a = randomArray(gen, dtype, m * k), b = randomArray(gen, dtype, k * n), c0 = randomArray(gen, dtype, cOffset + m * n);
        sameForThreadCounts('gemm', () => {
          const c = c0.slice();
          const args: GemmArgs = { transA, transB, m, n, k, alpha: 1.5, a, aOffset: 0, lda: transA ? m : k, b, bOffset: 0,
            ldb: transB ? k : n, beta, c, cOffset, ldc: n };
          gemm(args);
          return c;
        });
      }), { numRuns: 60, seed: 808 });
    expect(threadPoolStats().dispatched).toBeGreaterThan(before);
    expect(threadPoolStats().bootErrors).toEqual([]);
  });

  it('conv2d forward and the three backward kernels are bit-identical for 1, 2 and 3 threads', () => {
    const before = threadPoolStats().dispatched;
    fc.assert(fc.property(convCaseArb, (cs) => {
      const b = build(cs);
      const outLength = b.g.batch * b.g.outChannels * b.g.outHeight * b.g.outWidth;
      sameForThreadCounts('conv2dForward', () => { const o = makeArray(cs.dtype, outLength); conv2dForward(b.g, b.x, b.w, b.bias, o); return o; });
      sameForThreadCounts('conv2dBackwardInput', () => { const o = makeArray(cs.dtype, b.x.length); conv2dBackwardInput(b.g, b.dy, b.w, o); return o; });
      sameForThreadCounts('conv2dBackwardWeight', () => { const o = makeArray(cs.dtype, b.w.length); conv2dBackwardWeight(b.g, b.x, b.dy, o); return o; });
      sameForThreadCounts('conv2dBackwardBias', () => { const o = makeArray(cs.dtype, b.g.outChannels); conv2dBackwardBias(b.g, b.dy, o); return o; });
    }), { numRuns: 60, seed: 909 });
    expect(threadPoolStats().dispatched).toBeGreaterThan(before);
  });

  it('element-wise ops on large shared tensors are split over threads, bit-identical (incl. NaN, ±∞, −0)', () => {
    const n = BANDWIDTH_PARALLEL_MIN_ELEMENTS + 37;
    const specials = [NaN, Infinity, -Infinity, -0, 0, 1e-45, -1e-45, 3e38, -3e38];
    const filled = (seed: number): Tensor => {
      const t = randn([n], { generator: new Generator(seed) });
      specials.forEach((v, i) => { t.data[i * 101] = v; });
      return t;
    };
    const cases: [string, () => Tensor][] = [
      ['relu', () => unary('relu', filled(1))],
      ['reluGrad', () => binary('reluGrad', filled(2), filled(3))],
      ['add', () => binary('add', filled(4), filled(5))],
      ['addInPlace (gradient accumulation)', () => { const d = filled(8); addInPlace(d, filled(9)); return d; }],
      ['mul of an offset view', () => binary('mul', narrow(filled(6), 0, 5, n - 5), narrow(filled(7), 0, 0, n - 5))],
    ];
    for (const [what, fn] of cases) {
      setNumThreads(1);
      const reference = fn().toTypedArray() as Float32Array;
      for (const threads of [2, 3]) {
        setNumThreads(threads);
        const before = threadPoolStats().dispatched;
        const got = fn().toTypedArray() as Float32Array;
        expect(threadPoolStats().dispatched, `${what} dispatched with ${threads} threads`).toBeGreaterThan(before);
        expectExactlyEqual(got, reference, `${what} with ${threads} threads`);
      }
    }
    // The branch-free kernels keep the scalar rules exactly: relu(−∞) = 0, relu(NaN) = NaN,
    // relu(−0) = +0, and reluGrad passes −0 and NaN gradients where x > 0 or x is NaN (as torch) and
    // gives +0 where x ≤ 0.
    setNumThreads(1);
    const relu = unary('relu', tensor([-Infinity, NaN, -0, 1e-45, 1e308, -1e308], { dtype: 'float64' })).toTypedArray();
    expect(Array.from(relu).map((v) => Object.is(v, -0) ? '-0' : v)).toEqual([0, NaN, 0, 1e-45, 1e308, 0]);
    const grad = binary('reluGrad', tensor([-0, NaN, -0, NaN, 5]), tensor([1, 1, -1, -1, NaN])).toTypedArray();
    expect(Array.from(grad).map((v) => Object.is(v, -0) ? '-0' : v)).toEqual(['-0', NaN, 0, 0, 5]);
  });

  it('batch norm (statistics, forward, all three gradients) is split by channels, bit-identical', () => {
    const run = (threads: number, affine: boolean): Float32Array[] => {
      setNumThreads(threads);
      const gen = new Generator(9);
      const x = randn([16, 6, 40, 40], { generator: gen }); // above BATCH_NORM_PARALLEL_MIN_ELEMENTS
      const w = affine ? randn([6], { generator: gen }) : null;
      const b = affine ? randn([6], { generator: gen }) : null;
      for (const t of [x, w, b]) if (t) t.requiresGrad = true;
      const rm = zeros([6]), rv = ones([6]);
      const y = batchNorm(x, rm, rv, w, b, { training: true });
      sumAd(mulAd(y, randn([16, 6, 40, 40], { generator: gen }))).backward();
      return [y, x.grad!, ...(affine ? [w!.grad!, b!.grad!] : []), rm, rv].map((t) => Float32Array.from(t.toTypedArray() as Float32Array));
    };
    for (const affine of [true, false]) {
      const one = run(1, affine);
      for (const threads of [2, 3]) {
        const before = threadPoolStats().dispatched;
        const many = run(threads, affine);
        expect(threadPoolStats().dispatched - before, `dispatched with ${threads} threads`).toBeGreaterThanOrEqual(3);
        many.forEach((a, i) => expectExactlyEqual(a, one[i]!, `batch norm output ${i}, affine ${affine}, ${threads} threads`));
      }
    }
  });

  it('uses SharedArrayBuffer-backed operands in place', () => {
    setNumThreads(2);
    const m = 64, gen = new Generator(5);
    const a = createSharedArray('float32', m * m), c = createSharedArray('float32', m * m);
    a.set(randomArray(gen, 'float32', m * m));
    gemm({ transA: false, transB: false, m, n: m, k: m, alpha: 1, a, aOffset: 0, lda: m, b: a, bOffset: 0, ldb: m, beta: 0, c, cOffset: 0, ldc: m });
    const plain = new Float32Array(m * m);
    setNumThreads(1);
    gemm({ transA: false, transB: false, m, n: m, k: m, alpha: 1, a, aOffset: 0, lda: m, b: a, bOffset: 0, ldb: m, beta: 0, c: plain, cOffset: 0, ldc: m });
    expectExactlyEqual(c, plain, 'shared gemm');
  });

  it('allocates no new scratch in steady state when copying unshared operands for the workers', () => {
    setNumThreads(2);
    const g = conv2dGeometry([4, 8, 10, 10], [16, 8, 3, 3], { padding: 1 });
    const x = new Float32Array(4 * 8 * 100), w = new Float32Array(16 * 8 * 9), y = new Float32Array(4 * 16 * 100);
    const step = (): void => {
      conv2dForward(g, x, w, null, y);
      conv2dBackwardInput(g, y, w, x);
      conv2dBackwardWeight(g, x, y, w);
    };
    step();
    resetScratchStats();
    const dispatched = threadPoolStats().dispatched;
    step();
    step();
    expect(scratchStats().allocations).toBe(0);
    expect(threadPoolStats().dispatched).toBe(dispatched + 6);
  });

  it('reports a worker-side error to the caller', () => {
    setNumThreads(2);
    const args: GemmArgs = { transA: false, transB: false, m: 1, n: 1, k: 1, alpha: 1, a: createSharedArray('float64', 1), aOffset: 0,
      lda: 1, b: createSharedArray('float64', 1), bOffset: 0, ldb: 1, beta: 0, c: createSharedArray('float64', 1), cOffset: 0, ldc: 1 };
    expect(() => runTasks([{ kind: 'gemmRows', path: 'js', args, start: 0, end: 1 }, { kind: 'bogus' } as never]))
      .toThrow(/kernel worker failed: .*executeTask: unknown task kind "bogus"/);
    // The pool keeps working afterwards.
    runTasks([{ kind: 'gemmRows', path: 'js', args, start: 0, end: 1 }, { kind: 'gemmRows', path: 'js', args, start: 0, end: 1 }]);
  });
});

describe('thread count', () => {
  it('validates setNumThreads and PQKD_THREADS', () => {
    expect(() => setNumThreads(0)).toThrow('setNumThreads: n must be a positive integer, got 0');
    expect(() => setNumThreads(1.5)).toThrow(/positive integer/);
    const saved = process.env.PQKD_THREADS;
    try {
      process.env.PQKD_THREADS = '3';
      expect(defaultNumThreads()).toBe(3);
      process.env.PQKD_THREADS = 'many';
      expect(() => defaultNumThreads()).toThrow('PQKD_THREADS must be a positive integer, got "many"');
    } finally {
      if (saved === undefined) delete process.env.PQKD_THREADS; else process.env.PQKD_THREADS = saved;
    }
    setNumThreads(2);
    expect(getNumThreads()).toBe(2);
  });
});

describe('worker pool in child processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pqkd-pool-'));
  /** A script that runs a parallel gemm; `src` is the import prefix of the sources. */
  const script = (src: string): string => `
    import { gemm } from '${src}/tensor/kernel-dispatch.ts';
    import { setNumThreads } from '${src}/tensor/parallel/threads.ts';
    import { isKernelWorkerThread, warmUpThreads, threadPoolStats } from '${src}/tensor/parallel/pool.ts';
    // Workers of a bundle load the bundle itself: the entry point's own code must not run there.
    if (!isKernelWorkerThread()) {
      setNumThreads(2);
      await warmUpThreads();
      const m = 256, a = new Float32Array(m * m).fill(0.5), c = new Float32Array(m * m);
      gemm({ transA: false, transB: false, m, n: m, k: m, alpha: 1, a, aOffset: 0, lda: m, b: a, bOffset: 0, ldb: m, beta: 0, c, cOffset: 0, ldc: m });
      if (c[0] !== 64 || threadPoolStats().dispatched < 1) throw new Error('parallel gemm did not run on a worker: ' + c[0]);
      console.log('ok');
    }
  `;

  it('from .ts sources: runs on a worker and the unref-ed pool lets the process exit', () => {
    const file = join(dir, 'from-source.mts');
    writeFileSync(file, script(new URL('../../../src', import.meta.url).href));
    const run = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('ok');
    expect(run.status).toBe(0);
  });

  it('from an esbuild bundle: workers load the bundle itself', async () => {
    const { build: esbuild } = await import('esbuild');
    const entry = join(dir, 'bundle-entry.mts');
    writeFileSync(entry, script(join(repoRoot, 'src')));
    const outfile = join(dir, 'bundle.mjs');
    await esbuild({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'silent' });
    const run = spawnSync(process.execPath, [outfile], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('ok');
    expect(run.status).toBe(0);
  });
});
