/**
 * ONNX export of models built with the nn API: onnxruntime-node runs the file (graph optimisations
 * off and on) and matches pqkd's forward; batch norm folded or kept; static and dynamic batch;
 * unsupported layers are named; importOnnx gives back bit-identical weights.
 */
import { describe, expect, it } from 'vitest';
import { ExportError, exportOnnx, importOnnx } from '../../src/export/index.js';
import { onnx } from '../../src/export/onnx-schema/onnx-pb.js';
import { Dropout, Flatten, ReLU } from '../../src/nn/activation.js';
import { BatchNorm2d } from '../../src/nn/batch-norm.js';
import { Conv2d } from '../../src/nn/conv2d.js';
import { Linear } from '../../src/nn/linear.js';
import { Module } from '../../src/nn/module.js';
import { AvgPool2d, GlobalAvgPool2d, MaxPool2d } from '../../src/nn/pooling.js';
import { Sequential } from '../../src/nn/sequential.js';
import { randn } from '../../src/tensor/create.js';
import { Generator } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { compareLogits, pqkdForward, runOrt } from './helpers.js';

/** The decoded fields the tests read (the generated types mark every proto2 field optional). */
interface Dim { dimValue: number; dimParam: string }
interface Initializer { name: string; rawData: Uint8Array }
interface DecodedModel {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  metadataProps: { key: string; value: string }[];
  graph: { name: string; node: { opType: string }[]; initializer: Initializer[]; input: { name: string; type: { tensorType: { shape: { dim: Dim[] } } } }[]; output: { name: string }[] };
}
const decode = (bytes: Uint8Array): DecodedModel => onnx.ModelProto.decode(bytes) as unknown as DecodedModel;

/** A small net using every supported layer, with non-trivial batch-norm statistics. */
function allLayersNet(seed: number): Sequential {
  const g = new Generator(seed);
  const net = new Sequential(
    new Conv2d(3, 8, 3, { padding: 1, generator: g }), new BatchNorm2d(8), new ReLU(),
    new Conv2d(8, 8, 3, { stride: 2, groups: 2, bias: false, generator: g }), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
    new Conv2d(8, 12, [3, 1], { padding: [1, 0], dilation: [2, 1], generator: g }), new ReLU(),
    new Sequential(new GlobalAvgPool2d(), new Flatten()), new Linear(12, 16, { generator: g }), new ReLU(), new Linear(16, 5, { generator: g }),
  );
  // Non-trivial running statistics and affine parameters (a fresh BN is the identity in eval mode).
  for (const m of [net.at(1), net.at(4)] as BatchNorm2d[]) {
    const n = m.numFeatures;
    m.runningMean!.data.set(g.uniformArray(n, -0.5, 0.5));
    m.runningVar!.data.set(g.uniformArray(n, 0.2, 3));
    m.weight!.data.set(g.uniformArray(n, 0.5, 1.5));
    m.bias!.data.set(g.uniformArray(n, -0.3, 0.3));
    m.numBatchesTracked!.data[0] = 17;
  }
  return net.eval();
}

const INPUT = [3, 20, 18];
const input = (n: number, seed = 5): Tensor => randn([n, ...INPUT], { generator: new Generator(seed) });

describe('exportOnnx (nn models)', () => {
  for (const batchNorm of ['fold', 'keep'] as const) {
    for (const level of ['disabled', 'all'] as const) {
      it(`runs in onnxruntime-node like pqkd (batch norm ${batchNorm}, graph optimisation ${level})`, async () => {
        const net = allLayersNet(1);
        const x = input(6);
        const bytes = exportOnnx(net, { inputShape: INPUT, batchNorm });
        const got = await runOrt(bytes, x, level);
        const want = pqkdForward(net, x);
        const c = compareLogits(got, want, 5);
        expect(c.worstRelative).toBeLessThan(1e-5);
        expect(c.argmaxDiffers).toEqual([]);
      });
    }
  }

  it('writes opset 17 with named input/output, initialisers by state_dict name and metadata', () => {
    const net = allLayersNet(2);
    const m = decode(exportOnnx(net, { inputShape: INPUT, batchNorm: 'keep', graphName: 'tiny', normalization: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] } }));
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(Number(m.irVersion)).toBe(8);
    expect(m.graph.name).toBe('tiny');
    expect(m.graph.input.map((v) => v.name)).toEqual(['input']);
    expect(m.graph.output.map((v) => v.name)).toEqual(['logits']);
    expect(m.graph.node.map((n) => n.opType)).toEqual([
      'Conv', 'BatchNormalization', 'Relu', 'Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'Conv', 'Relu', 'GlobalAveragePool', 'Flatten', 'Gemm', 'Relu', 'Gemm',
    ]);
    expect(m.graph.initializer.map((t) => t.name)).toEqual(Object.keys(net.stateDict())
      .filter((k) => !k.endsWith('numBatchesTracked')).map((k) => k.replace('runningMean', 'running_mean').replace('runningVar', 'running_var')));
    const meta = Object.fromEntries(m.metadataProps.map((p) => [p.key, p.value]));
    expect(JSON.parse(meta.normalisation!)).toMatchObject({ mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] });
    expect(meta.input_name).toBe('input');
    expect(meta.output_name).toBe('logits');
    const folded = decode(exportOnnx(net, { inputShape: INPUT }));
    expect(folded.graph.node.map((n) => n.opType)).not.toContain('BatchNormalization');
    expect(folded.graph.initializer.map((t) => t.name)).toContain('3.bias'); // the folded bias of a bias-free conv
  });

  it('a static batch is fixed in the graph; a dynamic one accepts any batch', async () => {
    const net = allLayersNet(3);
    const fixed = exportOnnx(net, { inputShape: INPUT, batch: 4 });
    const dims = decode(fixed).graph.input[0]!.type.tensorType.shape.dim;
    expect(dims.map((d) => Number(d.dimValue))).toEqual([4, ...INPUT]);
    await expect(runOrt(fixed, input(4), 'all')).resolves.toHaveLength(20);
    await expect(runOrt(fixed, input(3), 'all')).rejects.toThrow(/dimension|Got invalid dimensions/i);
    const dynamic = exportOnnx(net, { inputShape: INPUT });
    expect(decode(dynamic).graph.input[0]!.type.tensorType.shape.dim[0]!.dimParam).toBe('batch');
    for (const n of [1, 7]) {
      const c = compareLogits(await runOrt(dynamic, input(n, n), 'all'), pqkdForward(net, input(n, n)), 5);
      expect(c.worstRelative).toBeLessThan(1e-5);
    }
  });

  it('names the unsupported layer and its path', () => {
    const g = new Generator(0);
    class Custom extends Module {
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const cases: [Module, RegExp][] = [
      [new Sequential(new Conv2d(3, 4, 3, { generator: g }), new Sequential(new ReLU(), new Dropout({ p: 0.1, generator: g }))), /unsupported layer Dropout at 1\.1/],
      [new Sequential(new AvgPool2d(2)), /unsupported layer AvgPool2d at 0/],
      [new Sequential(new Custom()), /unsupported layer Custom at 0/],
      [new Sequential(new Flatten({ startDim: 2 })), /Flatten at 0 flattens dims 2\.\.-1/],
      [new Sequential(new Linear(4, 2, { generator: g })), /Linear at 0 needs input \[N, 4\], gets \[N, 3, 20, 18\]/],
      [new Sequential(new MaxPool2d(2, { ceilMode: true })), /MaxPool2d at 0 uses ceilMode/],
    ];
    for (const [model, message] of cases) {
      expect(() => exportOnnx(model, { inputShape: INPUT })).toThrow(ExportError);
      expect(() => exportOnnx(model, { inputShape: INPUT })).toThrow(message);
    }
    expect(() => exportOnnx(new Sequential(new ReLU()))).toThrow(/options.inputShape \(\[C, H, W\]\) is required for a Sequential/);
    expect(() => exportOnnx(allLayersNet(1), { inputShape: INPUT, batch: 0 })).toThrow(/options.batch must be a positive integer or 'dynamic', got 0/);
  });

  for (const batchNorm of ['fold', 'keep'] as const) {
    it(`round trip (batch norm ${batchNorm}): importOnnx gives back the exported weights bit for bit, and the same network`, async () => {
      const net = allLayersNet(4);
      const bytes = exportOnnx(net, { inputShape: INPUT, batchNorm, batch: 2 });
      const back = importOnnx(bytes, 'net.onnx');
      expect(back.inputShape).toEqual(INPUT);
      expect(back.batch).toBe(2);
      const exported = decode(bytes).graph.initializer;
      expect(Object.keys(back.weights)).toEqual(exported.map((t) => t.name));
      for (const t of exported) {
        const raw = new Float32Array(Uint8Array.from(t.rawData).buffer);
        expect(back.weights[t.name]!.contiguousData()).toEqual(raw);
      }
      if (batchNorm === 'keep') {
        // Unfolded, the imported weights are the original state dict's, bit for bit.
        const original = net.stateDict();
        for (const [name, w] of Object.entries(back.weights)) {
          const key = name.replace('running_mean', 'runningMean').replace('running_var', 'runningVar');
          expect(w.contiguousData()).toEqual(original[key]!.contiguousData());
        }
      }
      // Re-exporting the imported network gives the same initialisers and nodes.
      const again = decode(exportOnnx(back.model, { inputShape: INPUT, batchNorm, batch: 2 }));
      expect(again.graph.node.map((n) => n.opType)).toEqual(decode(bytes).graph.node.map((n) => n.opType));
      expect(again.graph.initializer.map((t) => Buffer.from(t.rawData).toString('hex')))
        .toEqual(exported.map((t) => Buffer.from(t.rawData).toString('hex')));
      const x = input(2, 9);
      const c = compareLogits(pqkdForward(back.model, x), pqkdForward(net, x), 5);
      expect(c.worstRelative).toBeLessThan(1e-5);
    });
  }

  it('importOnnx refuses files that are not pqkd exports, naming the file', () => {
    expect(() => importOnnx(Uint8Array.of(0xff, 0xff, 0xff), 'junk.onnx')).toThrow(/importOnnx: junk.onnx is not an ONNX model/);
    const foreign = onnx.ModelProto.encode({ irVersion: 8, graph: { name: 'g' } }).finish();
    expect(() => importOnnx(foreign, 'foreign.onnx')).toThrow(/foreign.onnx is not a pqkd export \(metadata 'pqkd.format' is null/);
  });
});
