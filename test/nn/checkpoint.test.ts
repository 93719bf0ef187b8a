import { describe, expect, it } from 'vitest';
import { crossEntropy } from '../../src/autograd/functional/losses.js';
import { encodeSafetensors } from '../../src/io/index.js';
import { randint, randn } from '../../src/tensor/create.js';
import { Generator } from '../../src/tensor/random.js';
import {
  AdamW, BatchNorm2d, Conv2d, Dropout, Flatten, Linear, ReLU, SGD, Sequential, StateDictError, loadCheckpoint,
  saveCheckpoint, warmupCosine, type Optimizer,
} from '../../src/nn/index.js';
import type { SequentialLR } from '../../src/nn/optim/schedules.js';

interface Run {
  model: Sequential;
  optimizer: Optimizer;
  scheduler: SequentialLR;
  generators: { data: Generator; dropout: Generator };
}

function setup(seed: number): Run {
  const g = new Generator(seed);
  const dropout = g.fork('dropout');
  const model = new Sequential(
    new Conv2d(1, 3, 3, { padding: 1, generator: g }), new BatchNorm2d(3), new ReLU(), new Flatten(),
    new Dropout({ p: 0.25, generator: dropout }), new Linear(48, 5, { generator: g }),
  );
  const optimizer = new AdamW(model.parameters(), { lr: 0.01, amsgrad: true });
  return { model, optimizer, scheduler: warmupCosine(optimizer, { warmupSteps: 2, totalSteps: 10 }), generators: { data: g.fork('data'), dropout } };
}

function trainSteps(r: Run, steps: number): void {
  for (let s = 0; s < steps; s++) {
    const x = randn([4, 1, 4, 4], { generator: r.generators.data });
    const y = randint(0, 5, [4], { generator: r.generators.data });
    r.optimizer.zeroGrad();
    crossEntropy(r.model.forward(x), y).backward();
    r.optimizer.step();
    r.scheduler.step();
  }
}

const save = (r: Run, extra?: unknown): Uint8Array =>
  saveCheckpoint({ model: r.model, optimizer: r.optimizer, scheduler: r.scheduler, generator: r.generators, extra });

describe('checkpoints', () => {
  it('restore model, optimiser, scheduler, generators and extra bit for bit (re-saving gives the same bytes)', () => {
    const a = setup(1);
    trainSteps(a, 3);
    const bytes = save(a, { epoch: 3, tag: 'warm' });
    expect(save(a, { epoch: 3, tag: 'warm' })).toEqual(bytes); // deterministic encoding
    const b = setup(2);
    const { extra } = loadCheckpoint(bytes, { model: b.model, optimizer: b.optimizer, scheduler: b.scheduler, generator: b.generators });
    expect(extra).toEqual({ epoch: 3, tag: 'warm' });
    expect(save(b, { epoch: 3, tag: 'warm' })).toEqual(bytes);
    expect(b.optimizer.lr).toBe(a.optimizer.lr);
    expect(b.scheduler.lastEpoch).toBe(3);
    expect(b.generators.dropout.getState()).toEqual(a.generators.dropout.getState());
    // And the two runs now continue identically.
    trainSteps(a, 2);
    trainSteps(b, 2);
    expect(save(b)).toEqual(save(a));
  });

  it('a single generator is stored as "default"; parts that are not asked for are ignored', () => {
    const a = setup(3);
    trainSteps(a, 1);
    const gen = new Generator(77);
    gen.uniform();
    const bytes = saveCheckpoint({ model: a.model, optimizer: a.optimizer, generator: gen });
    const b = setup(4);
    const target = new Generator(0);
    expect(loadCheckpoint(bytes, { model: b.model, generator: target }).extra).toBeUndefined();
    expect(target.getState()).toEqual(gen.getState());
    expect(b.model.stateDict()['0.weight']!.data).toEqual(a.model.stateDict()['0.weight']!.data);
  });

  it('reports a missing part, a missing generator, a mismatched model and a foreign file', () => {
    const a = setup(5);
    trainSteps(a, 1);
    const modelOnly = saveCheckpoint({ model: a.model });
    const b = setup(6);
    expect(() => loadCheckpoint(modelOnly, { model: b.model, optimizer: b.optimizer })).toThrow(/loadCheckpoint: a target optimizer was given but the checkpoint holds no optimizer state/);
    expect(() => loadCheckpoint(modelOnly, { model: b.model, scheduler: b.scheduler })).toThrow(/no scheduler state/);
    expect(() => loadCheckpoint(modelOnly, { model: b.model, generator: new Generator(0) })).toThrow(/no generator state/);
    const withGens = save(a);
    expect(() => loadCheckpoint(withGens, { model: b.model, generator: { noise: new Generator(0) } })).toThrow(/no state for generator\(s\) noise \(it has data, dropout\)/);
    const other = new Sequential();
    other.registerModule('head', new Linear(2, 2, { generator: new Generator(0) })); // no key in common
    expect(() => loadCheckpoint(modelOnly, { model: other })).toThrow(StateDictError);
    expect(loadCheckpoint(modelOnly, { model: other, strict: false }).extra).toBeUndefined();
    const misShaped = new Sequential(new Linear(2, 2, { generator: new Generator(0) })); // 0.weight [2, 2] vs [3, 1, 3, 3]
    expect(() => loadCheckpoint(modelOnly, { model: misShaped, strict: false })).toThrow(/shape mismatch for "0.weight"/);
    const foreign = encodeSafetensors({ w: { dtype: 'float32', shape: [1], data: new Float32Array(1) } });
    expect(() => loadCheckpoint(foreign, { model: b.model })).toThrow(/loadCheckpoint: not a pqkd checkpoint: metadata format is undefined/);
    const stray = encodeSafetensors({ stray: { dtype: 'float32', shape: [1], data: new Float32Array(1) } }, { format: 'pqkd-checkpoint/1' });
    expect(() => loadCheckpoint(stray, { model: b.model })).toThrow(/unexpected tensor "stray"/);
  });

  it('rejects non-modules and extra values JSON cannot hold', () => {
    const a = setup(7);
    expect(() => saveCheckpoint({ model: {} as never })).toThrow(/saveCheckpoint: contents.model must be a Module/);
    expect(() => saveCheckpoint({ model: a.model, extra: () => 1 })).toThrow(/saveCheckpoint: extra must be JSON-serialisable/);
    expect(() => saveCheckpoint({ model: a.model, generator: { g: 1 as never } })).toThrow(/saveCheckpoint: generator.g must be a Generator/);
    expect(() => loadCheckpoint(new Uint8Array(3), { model: a.model })).toThrow(/needs at least 8 bytes/);
  });

  it('an SGD checkpoint without momentum has no optimiser tensors and still restores steps and lr', () => {
    const g = new Generator(8);
    const model = new Sequential(new Linear(3, 2, { generator: g }));
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    opt.lr = 0.05;
    crossEntropy(model.forward(randn([2, 3], { generator: g })), randint(0, 2, [2], { generator: g })).backward();
    opt.step();
    const bytes = saveCheckpoint({ model, optimizer: opt });
    const opt2 = new SGD(new Sequential(new Linear(3, 2, { generator: g })).parameters(), { lr: 0.1 });
    loadCheckpoint(bytes, { model: new Sequential(new Linear(3, 2, { generator: g })), optimizer: opt2 });
    expect(opt2.lr).toBe(0.05);
    expect(opt2.stateDict().state.map((s) => s?.step)).toEqual([1, 1]);
  });
});
