/**
 * jax-js (`@jax-js/jax`, a from-scratch JavaScript array engine with autodiff, `jit` kernel fusion
 * and generated WebAssembly kernels) as a peer: system 'jax-wasm', its `wasm` device in Node.
 * Node 20 has no global `Worker`, so jax-js's wasm backend runs on one thread here (it only
 * starts its worker pool when both `SharedArrayBuffer` and `Worker` exist): it compares with
 * pqkd's 1-thread column.
 *
 * Workloads, each a `jit`-compiled function called once before timing (that first call traces,
 * compiles and runs; its time is recorded separately as `jit_compile_ms` in the JSON record). The
 * convolutions and the CNN take seconds per call in jax-js 0.1.25, so they get one timed call
 * after that warm call (matmul three):
 *   - the kernel workloads of bench/kernels.bench.ts: matmul (`np.matmul`), conv forward
 *     (`lax.convGeneralDilated`, NCHW/OIHW like pqkd), conv input and weight gradients (`vjp` of
 *     the same conv, differentiated by jax-js: the same products PyTorch's conv2d_input/_weight do);
 *   - the reference MNIST CNN of bench/train.bench.ts: `cnn_forward_b64` (inference) and
 *     `train_step_sgd` (softmax cross-entropy, `valueAndGrad` and the SGD update, lr 0.01, all under
 *     one `jit`). Max pooling is `lax.reduceWindow` with `np.max` over 2×2 windows.
 * The CNN's parameters are pqkd's `referenceMnistCnn(1)`, copied over; setup checks once that the
 * jax-js logits and loss match pqkd's on the same batch (loosely: float32, different summation
 * orders) and throws if not, so the peer provably computes the same thing.
 * jax-js arrays are reference-counted and every call consumes its arguments (`dataSync()` too):
 * inputs are passed with `.ref`, and each result is consumed by reading it.
 */
import { init, defaultDevice, jit, lax, nn, numpy as np, valueAndGrad, vjp } from '@jax-js/jax';
import { crossEntropy } from '../src/autograd/functional/losses.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { fromTypedArray } from '../src/tensor/create.js';
import type { BenchCase, BenchSuite } from './harness.js';
import { KERNEL_WORKLOADS, benchData, workloadFlops, type KernelWorkload } from './kernels.bench.js';
import { FORWARD_FLOPS, STEP_FLOPS, referenceMnistCnn } from './train.bench.js';

const SYSTEM = 'jax-wasm';
const BATCH = 64;

let ready: Promise<void> | null = null;

/** Starts only the wasm backend (init() with no argument probes WebGPU, which needs `navigator`). */
function useWasm(): Promise<void> {
  ready ??= (async () => {
    const devices = await init('wasm');
    if (!devices.includes('wasm')) throw new Error('peers-jax.bench: @jax-js/jax could not start its wasm device');
    defaultDevice('wasm');
  })();
  return ready;
}

const arrayOf = (data: Float32Array, shape: number[]): np.Array => np.array(data).reshape(shape);

/** Times the first (tracing + compiling) call of a jitted function; the result is discarded. */
function firstCall(run: () => np.Array | np.Array[]): number {
  const t0 = performance.now();
  const out = run();
  for (const a of Array.isArray(out) ? out : [out]) a.dataSync(); // dataSync consumes the array
  return performance.now() - t0;
}

function kernelCase(wl: KernelWorkload): BenchCase {
  let inputs: np.Array[] = [];
  let run: () => np.Array | np.Array[] = () => { throw new Error('peers-jax.bench: setup did not run'); };
  let compileMs = 0;
  const setup = async (): Promise<void> => {
    await useWasm();
    if (wl.kind === 'matmul') {
      const n = wl.size;
      const a = arrayOf(benchData(n * n, 1), [n, n]), b = arrayOf(benchData(n * n, 2), [n, n]);
      inputs = [a, b];
      const f = jit((p: np.Array, q: np.Array) => np.matmul(p, q));
      run = () => f(a.ref, b.ref);
    } else {
      const [n, c, h, w] = wl.input;
      const [o, , kh, kw] = wl.weight;
      const p = wl.padding;
      const pad: [number, number][] = [[p, p], [p, p]];
      const oh = h + 2 * p - kh + 1, ow = w + 2 * p - kw + 1;
      const x = arrayOf(benchData(n * c * h * w, 3), [n, c, h, w]);
      const weight = arrayOf(benchData(o * c * kh * kw, 4), [o, c, kh, kw]);
      const dy = arrayOf(benchData(n * o * oh * ow, 5), [n, o, oh, ow]);
      inputs = [x, weight, dy];
      const conv = (xx: np.Array, ww: np.Array): np.Array => lax.convGeneralDilated(xx, ww, [1, 1], pad);
      if (wl.kind === 'conv2d_forward') {
        const f = jit(conv);
        run = () => f(x.ref, weight.ref);
      } else {
        const wantInput = wl.kind === 'conv2d_backward_input';
        // The pullback of the conv at (x, w) applied to dy; only the wanted cotangent is returned,
        // so jit drops the other product.
        const f = jit((xx: np.Array, ww: np.Array, g: np.Array) => {
          const [out, pullback] = vjp(conv, [xx, ww]);
          out.dispose();
          const [dx, dw] = pullback(g) as [np.Array, np.Array];
          pullback.dispose();
          if (wantInput) { dw.dispose(); return dx; }
          dx.dispose();
          return dw;
        });
        run = () => f(x.ref, weight.ref, dy.ref);
      }
    }
    compileMs = firstCall(run);
  };
  return {
    name: wl.name, system: SYSTEM, flops: workloadFlops(wl), iterations: wl.kind === 'matmul' ? 3 : 1, setup,
    fn: () => (run() as np.Array).dataSync(),
    teardown: () => { for (const a of inputs) a.dispose(); inputs = []; },
    extra: () => ({ jit_compile_ms: Number(compileMs.toPrecision(4)) }),
  };
}

type CnnParams = { c1w: np.Array; c1b: np.Array; c2w: np.Array; c2b: np.Array; f1w: np.Array; f1b: np.Array; f2w: np.Array; f2b: np.Array };

const maxPool2 = (x: np.Array): np.Array => lax.reduceWindow(x, (win: np.Array) => np.max(win), [2, 2], [2, 2]);

/** conv–ReLU–pool ×2, flatten, linear–ReLU, linear; parameters in PyTorch layouts (OIHW, [out, in]). */
function cnnForward(p: CnnParams, x: np.Array): np.Array {
  const pad: [number, number][] = [[1, 1], [1, 1]];
  const bias = (b: np.Array): np.Array => b.reshape([1, -1, 1, 1]);
  let h = lax.convGeneralDilated(x, p.c1w, [1, 1], pad).add(bias(p.c1b));
  h = maxPool2(nn.relu(h));
  h = lax.convGeneralDilated(h, p.c2w, [1, 1], pad).add(bias(p.c2b));
  h = maxPool2(nn.relu(h));
  h = h.reshape([h.shape[0]!, -1]);
  h = nn.relu(np.matmul(h, p.f1w.transpose()).add(p.f1b));
  return np.matmul(h, p.f2w.transpose()).add(p.f2b);
}

/** Mean softmax cross-entropy against one-hot targets. */
function crossEntropyLoss(p: CnnParams, x: np.Array, oneHot: np.Array): np.Array {
  const logProbs = nn.logSoftmax(cnnForward(p, x), -1);
  return np.sum(logProbs.mul(oneHot)).mul(-1 / BATCH);
}

const PARAM_NAMES = ['c1w', 'c1b', 'c2w', 'c2b', 'f1w', 'f1b', 'f2w', 'f2b'] as const;

function cnnCases(): BenchCase[] {
  let params: CnnParams | null = null;
  let x: np.Array | null = null;
  let oneHot: np.Array | null = null;
  const compile: Record<string, number> = {};
  const x32 = benchData(BATCH * 784, 7);
  const labels = Int32Array.from({ length: BATCH }, (_, i) => i % 10);
  const freshParams = (): CnnParams => {
    const model = referenceMnistCnn(1);
    const ps = model.parameters();
    const out = {} as CnnParams;
    PARAM_NAMES.forEach((name, i) => { out[name] = arrayOf(ps[i]!.toTypedArray() as Float32Array, [...ps[i]!.shape]); });
    return out;
  };
  const dispose = (): void => {
    if (params) for (const name of PARAM_NAMES) params[name].dispose();
    x?.dispose();
    oneHot?.dispose();
    params = null; x = null; oneHot = null;
  };
  const forward = jit((p: CnnParams, xx: np.Array) => cnnForward(p, xx));
  const step = jit((p: CnnParams, xx: np.Array, t: np.Array) => {
    const held = {} as CnnParams; // valueAndGrad consumes its arguments; p is still needed for the update
    for (const name of PARAM_NAMES) held[name] = p[name].ref;
    const [loss, g] = valueAndGrad(crossEntropyLoss)(held, xx, t);
    const next = {} as CnnParams;
    for (const name of PARAM_NAMES) next[name] = p[name].sub(g[name].mul(0.01));
    return { loss, next };
  });
  const refParams = (): CnnParams => {
    const r = {} as CnnParams;
    for (const name of PARAM_NAMES) r[name] = params![name].ref;
    return r;
  };
  const setupAll = async (which: 'forward' | 'step'): Promise<void> => {
    await useWasm();
    dispose();
    params = freshParams();
    x = arrayOf(x32, [BATCH, 1, 28, 28]);
    oneHot = np.array(Float32Array.from({ length: BATCH * 10 }, (_, i) => (i % 10 === labels[Math.floor(i / 10)] ? 1 : 0))).reshape([BATCH, 10]);
    // The same batch through pqkd's model with the same parameters.
    const model = referenceMnistCnn(1);
    const xt = fromTypedArray(x32, [BATCH, 1, 28, 28]);
    const pqkdLogits = noGrad(() => model.forward(xt)).toTypedArray() as Float32Array;
    const pqkdLoss = noGrad(() => crossEntropy(model.forward(xt), fromTypedArray(labels, [BATCH]))).item();
    let t0 = performance.now();
    if (which === 'forward') {
      const logits = forward(refParams(), x.ref);
      const got = logits.dataSync() as Float32Array;
      compile.forward = performance.now() - t0;
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - pqkdLogits[i]!));
      if (!(worst < 1e-3)) throw new Error(`peers-jax.bench: jax-js logits differ from pqkd's by ${worst} (expected < 1e-3)`);
    } else {
      t0 = performance.now();
      const { loss, next } = step(refParams(), x.ref, oneHot.ref);
      const value = loss.dataSync()[0]!;
      compile.step = performance.now() - t0;
      for (const name of PARAM_NAMES) next[name].dispose();
      if (!(Math.abs(value - pqkdLoss) < 1e-4 * Math.max(1, Math.abs(pqkdLoss)))) {
        throw new Error(`peers-jax.bench: jax-js loss ${value} differs from pqkd's ${pqkdLoss}`);
      }
    }
  };
  const imagesPerSecond = (key: 'forward' | 'step') => (ms: number): Record<string, number> => ({
    images_per_s: Math.round((BATCH / ms) * 1000), jit_compile_ms: Number((compile[key] ?? NaN).toPrecision(4)),
  });
  return [
    {
      name: 'cnn_forward_b64', system: SYSTEM, flops: FORWARD_FLOPS, iterations: 1,
      setup: () => setupAll('forward'), teardown: dispose, extra: imagesPerSecond('forward'),
      fn: () => forward(refParams(), x!.ref).dataSync(),
    },
    {
      name: 'train_step_sgd', system: SYSTEM, flops: STEP_FLOPS, iterations: 1,
      setup: () => setupAll('step'), teardown: dispose, extra: imagesPerSecond('step'),
      // The updated parameters replace the old ones (which the call consumed), as a training loop does.
      fn: () => {
        const { loss, next } = step(params!, x!.ref, oneHot!.ref);
        params = next;
        return loss.dataSync()[0];
      },
    },
  ];
}

export const suite: BenchSuite = {
  name: 'peers-jax',
  cases: () => [...KERNEL_WORKLOADS.map(kernelCase), ...cnnCases()],
};
