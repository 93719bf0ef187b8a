/**
 * Peer engines on the kernel workloads of bench/kernels.bench.ts: @tensorflow/tfjs with its pure-JS
 * `cpu` backend ('tfjs-cpu') and @tensorflow/tfjs-backend-wasm with XNNPACK SIMD ('tfjs-wasm',
 * pinned to 1 thread with setThreadsCount(1) so it compares with single-threaded pqkd).
 * tfjs convolutions are NHWC/HWIO, so the same workloads run with transposed layouts (same flops).
 * Workloads a peer cannot run are listed in `UNSUPPORTED_PEER_WORKLOADS` instead of being timed.
 * Slow peers run one timed iteration (tfjs-cpu matmul 1024 takes seconds).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BenchCase, BenchSuite } from './harness.js';
import { KERNEL_WORKLOADS, benchData, workloadFlops, type KernelWorkload } from './kernels.bench.js';

export type PeerSystem = 'tfjs-cpu' | 'tfjs-wasm';

/** Workloads a peer has no kernel for: reported as such, never timed. */
export const UNSUPPORTED_PEER_WORKLOADS: readonly { name: string; system: PeerSystem; reason: string }[] = [
  { name: 'conv2d_backward_weight_b64_32x14x14_64_3x3p1', system: 'tfjs-wasm',
    reason: 'tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter kernel' },
];

let wasmConfigured = false;

/** Switches tfjs to a backend (the WASM one pinned to 1 thread). */
export async function useBackend(system: PeerSystem): Promise<void> {
  if (system === 'tfjs-wasm' && !wasmConfigured) {
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    setWasmPaths(`${dist}/`);
    setThreadsCount(1);
    wasmConfigured = true;
  }
  const ok = await tf.setBackend(system === 'tfjs-cpu' ? 'cpu' : 'wasm');
  if (!ok) throw new Error(`peers.bench: could not initialise the tfjs backend for ${system}`);
  await tf.ready();
}

function peerCase(wl: KernelWorkload, system: PeerSystem): BenchCase | null {
  if (UNSUPPORTED_PEER_WORKLOADS.some((u) => u.name === wl.name && u.system === system)) return null;
  const flops = workloadFlops(wl);
  const slow = system === 'tfjs-cpu';
  let tensors: tf.Tensor[] = [];
  let run: () => tf.Tensor = () => { throw new Error('peers.bench: setup did not run'); };
  const keep = <T extends tf.Tensor>(t: T): T => { tensors.push(t); return t; };
  const setup = async (): Promise<void> => {
    await useBackend(system);
    if (wl.kind === 'matmul') {
      const n = wl.size;
      const a = keep(tf.tensor2d(benchData(n * n, 1), [n, n])), b = keep(tf.tensor2d(benchData(n * n, 2), [n, n]));
      run = () => tf.matMul(a, b);
      return;
    }
    const [n, c, h, w] = wl.input;
    const [o, , kh, kw] = wl.weight;
    const x = keep(tf.tensor4d(benchData(n * c * h * w, 3), [n, h, w, c]));
    const filter = keep(tf.tensor4d(benchData(o * c * kh * kw, 4), [kh, kw, c, o]));
    const dy = keep(tf.tensor4d(benchData(n * o * h * w, 5), [n, h, w, o]));
    if (wl.kind === 'conv2d_forward') run = () => tf.conv2d(x, filter, 1, 'same');
    else if (wl.kind === 'conv2d_backward_input') run = () => tf.conv2dTranspose(dy, filter, [n, h, w, c], 1, 'same');
    else {
      run = () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy },
        { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [kh, kw, c, o] } as unknown as tf.NamedAttrMap) as tf.Tensor;
    }
  };
  return {
    name: wl.name, system, flops, iterations: slow || wl.name === 'matmul_1024' ? 1 : 3, setup,
    // Both backends execute eagerly and synchronously, so the kernel has run when the op returns.
    fn: () => { run().dispose(); },
    teardown: () => { for (const t of tensors) t.dispose(); tensors = []; },
  };
}

export const suite: BenchSuite = {
  name: 'peers',
  unsupported: UNSUPPORTED_PEER_WORKLOADS,
  cases: () => {
    const cases: BenchCase[] = [];
    for (const system of ['tfjs-wasm', 'tfjs-cpu'] as const) {
      for (const wl of KERNEL_WORKLOADS) {
        const c = peerCase(wl, system);
        if (c !== null) cases.push(c);
      }
    }
    return cases;
  },
};
