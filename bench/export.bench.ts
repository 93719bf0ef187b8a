/**
 * Inference of the exported model: the compiled default PQKD student (MNIST w = 32, partial scope,
 * R = 4, its dictionary convs compiled to dense convs with a 200-shot photonic feature), forward at
 * batch 64, in pqkd (eval mode, no gradients; 1 and 2 threads) next to the same network exported by
 * `exportOnnx` (batch norm folded, the default) in the inference engines a user would pick instead:
 * onnxruntime-node (native CPU; 1 and 2 intra-op threads) and onnxruntime-web's WebAssembly backend
 * in Node (1 thread, SIMD). Same input batch everywhere (seeded N(0, 1) images).
 */
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { noGrad } from '../src/autograd/grad-mode.js';
import { dispose } from '../src/tensor/dispose.js';
import { exportOnnx } from '../src/export/onnx-export.js';
import { resolveConfig } from '../src/pqkd/config.js';
import { createFeatureSource } from '../src/pqkd/feature-sources.js';
import { studentSpec, teacherSpec } from '../src/pqkd/model-spec.js';
import { buildModel } from '../src/pqkd/models.js';
import { randn } from '../src/tensor/create.js';
import { Generator } from '../src/tensor/random.js';
import type { BenchCase, BenchSuite } from './harness.js';
import { resetSystem, useSystem } from './systems.js';

const NAME = 'compiled_student_forward_b64';
const BATCH = 64;

function compiledStudent() {
  const config = resolveConfig({});
  const source = createFeatureSource(config.photonic, 0);
  const student = buildModel(studentSpec(teacherSpec('mnist', 32), 'partial', 4), {
    generator: new Generator(1), projectionSeed: config.projectionSeed, featureBins: source.bins,
  });
  const g = new Generator(2);
  student.setFeature(source.sample(source.initialParams(g), g));
  const compiled = student.compile();
  compiled.eval();
  return compiled;
}

const perImage = (ms: number): Record<string, number> => ({ images_per_s: Math.round((BATCH / ms) * 1000) });

function cases(): BenchCase[] {
  const model = compiledStudent();
  const bytes = exportOnnx(model, { batch: 'dynamic' });
  const x = randn([BATCH, 1, 28, 28], { generator: new Generator(3) });
  const data = Float32Array.from(x.data as Float32Array);
  const out: BenchCase[] = [];
  for (const [system, threads] of [['pqkd', 1], ['pqkd-2t', 2]] as const) {
    out.push({
      name: NAME, system, iterations: 20, extra: perImage,
      setup: () => useSystem({ system, threads, kernels: 'simd' }), teardown: resetSystem,
      fn: () => dispose(noGrad(() => model.forward(x))),
    });
  }
  for (const [system, threads] of [['onnxruntime-node', 1], ['onnxruntime-node-2t', 2]] as const) {
    let session: ortNode.InferenceSession | null = null;
    const input = new ortNode.Tensor('float32', data, [BATCH, 1, 28, 28]);
    out.push({
      name: NAME, system, iterations: 20, extra: perImage,
      setup: async () => {
        session = await ortNode.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: threads, interOpNumThreads: 1 });
      },
      teardown: async () => session?.release(),
      fn: async () => {
        await session!.run({ input });
      },
    });
  }
  let web: ortWeb.InferenceSession | null = null;
  const webInput = new ortWeb.Tensor('float32', data, [BATCH, 1, 28, 28]);
  out.push({
    name: NAME, system: 'onnxruntime-web-wasm', iterations: 20, extra: perImage,
    setup: async () => {
      ortWeb.env.wasm.numThreads = 1;
      web = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    },
    teardown: async () => web?.release(),
    fn: async () => {
      await web!.run({ input: webInput });
    },
  });
  return out;
}

export const suite: BenchSuite = { name: 'export', cases };
