import { describe, expect, it } from 'vitest';
import { add } from '../../src/autograd/ops/add.js';
import { mul } from '../../src/autograd/ops/mul.js';
import { sum } from '../../src/autograd/ops/sum.js';
import { full, ones, randn, tensor, zeros } from '../../src/tensor/create.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import {
  BatchNorm2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d, Module, Parameter, ReLU, Sequential, StateDictError,
} from '../../src/nn/index.js';

class Affine extends Module {
  readonly scale = this.registerParameter('scale', new Parameter(ones([3])));
  readonly shift = this.registerParameter('shift', new Parameter(zeros([3])));
  readonly count = this.registerBuffer('count', full([], 0, { dtype: 'int32' }));
  forward(x: Tensor): Tensor {
    return add(mul(x, this.scale), this.shift);
  }
}

class Net extends Module {
  readonly features: Sequential;
  readonly head: Affine;
  constructor(g: Generator) {
    super();
    this.features = this.registerModule('features', new Sequential(new Conv2d(1, 2, 3, { generator: g }), new BatchNorm2d(2), new ReLU()));
    this.head = this.registerModule('head', new Affine());
  }
  forward(x: Tensor): Tensor {
    return this.head.forward(this.features.forward(x));
  }
}

const NET_KEYS = [
  'features.0.weight', 'features.0.bias',
  'features.1.weight', 'features.1.bias', 'features.1.runningMean', 'features.1.runningVar', 'features.1.numBatchesTracked',
  'head.scale', 'head.shift', 'head.count',
];

describe('Parameter', () => {
  it('is a leaf that requires grad and shares the storage of a contiguous tensor', () => {
    const t = zeros([2, 3]);
    const p = new Parameter(t);
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
    expect(p.storage).toBe(t.storage);
    expect(new Parameter(t, { requiresGrad: false }).requiresGrad).toBe(false);
  });

  it('copies a view that does not own its storage, and refuses non-float tensors that require grad', () => {
    const base = tensor([1, 2, 3, 4]);
    const view = new Tensor(base.storage, [2], [2], 1, 'float32');
    const p = new Parameter(view);
    expect(p.storage).not.toBe(base.storage);
    expect(Array.from(p.data)).toEqual([2, 4]);
    expect(() => new Parameter(tensor([1, 2], { dtype: 'int32' }))).toThrow(/Parameter: only float32\/float64/);
    expect(() => new Parameter([1, 2] as unknown as Tensor)).toThrow(/Parameter: data must be a Tensor/);
  });
});

describe('Module registration and traversal', () => {
  it('names parameters, buffers and state like PyTorch (dotted, registration order, params before buffers)', () => {
    const net = new Net(new Generator(0));
    expect(net.namedParameters().map(([k]) => k)).toEqual([
      'features.0.weight', 'features.0.bias', 'features.1.weight', 'features.1.bias', 'head.scale', 'head.shift',
    ]);
    expect(net.namedBuffers().map(([k]) => k)).toEqual([
      'features.1.runningMean', 'features.1.runningVar', 'features.1.numBatchesTracked', 'head.count',
    ]);
    expect(Object.keys(net.stateDict())).toEqual(NET_KEYS);
    expect(net.parameters()[0]).toBe((net.features.at(0) as Conv2d).weight);
    expect(net.namedModules().map(([k]) => k)).toEqual(['', 'features', 'features.0', 'features.1', 'features.2', 'head']);
    expect(net.children()).toEqual([net.features, net.head]);
  });

  it('lists a shared parameter or module once (first name wins)', () => {
    const g = new Generator(1);
    const shared = new Linear(2, 2, { generator: g });
    const seq = new Sequential(shared, new ReLU(), shared);
    expect(seq.namedParameters().map(([k]) => k)).toEqual(['0.weight', '0.bias']);
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias']);
  });

  it('skips absent optional entries (null parameters and buffers)', () => {
    const lin = new Linear(3, 2, { bias: false, generator: new Generator(0) });
    expect(lin.bias).toBeNull();
    expect(Object.keys(lin.stateDict())).toEqual(['weight']);
    const bn = new BatchNorm2d(4, { affine: false, trackRunningStats: false });
    expect(Object.keys(bn.stateDict())).toEqual([]);
  });

  it('rejects bad names, wrong kinds and one name used for two kinds', () => {
    class Bad extends Module {
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const m = new Bad();
    expect(() => m.registerParameter('a.b', new Parameter(zeros([1])))).toThrow(/Bad.registerParameter: name must be a non-empty string without '.'/);
    expect(() => m.registerParameter('', null)).toThrow(/non-empty/);
    expect(() => m.registerParameter('w', zeros([1]))).toThrow(/'w' must be a Parameter or null, got Tensor/);
    expect(() => m.registerBuffer('b', new Parameter(zeros([1])))).toThrow(/is a Parameter; use registerParameter/);
    expect(() => m.registerModule('c', {} as Module)).toThrow(/'c' must be a Module/);
    m.registerBuffer('x', zeros([1]));
    expect(() => m.registerParameter('x', new Parameter(zeros([1])))).toThrow(/'x' is already registered as another kind/);
  });

  it('train()/eval() set the mode recursively and return the module', () => {
    const net = new Net(new Generator(0));
    expect(net.eval()).toBe(net);
    expect(net.namedModules().every(([, m]) => !m.training)).toBe(true);
    net.train();
    expect(net.namedModules().every(([, m]) => m.training)).toBe(true);
    net.train(false);
    expect(net.features.at(1).training).toBe(false);
  });

  it('zeroGrad() clears the gradient of every parameter', () => {
    const net = new Net(new Generator(0));
    sum(net.forward(zeros([2, 1, 5, 5]))).backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('zeroGrad({ setToNone: false }) zeroes each gradient in place, and the next backward adds into it', () => {
    const net = new Net(new Generator(0));
    const x = randn([2, 1, 5, 5], { generator: new Generator(1) });
    sum(net.forward(x)).backward();
    const grads = net.parameters().map((p) => p.grad!);
    const once = grads.map((t) => Float32Array.from(t.data as Float32Array));
    net.zeroGrad({ setToNone: false });
    net.parameters().forEach((p, i) => {
      expect(p.grad).toBe(grads[i]);
      expect(Array.from(p.grad!.data as Float32Array).every((v) => v === 0)).toBe(true);
    });
    sum(net.forward(x)).backward();
    net.parameters().forEach((p, i) => {
      expect(p.grad).toBe(grads[i]);
      expect(Buffer.from((p.grad!.data as Float32Array).buffer).equals(Buffer.from(once[i]!.buffer))).toBe(true);
    });
    expect(() => net.zeroGrad({ setToNone: 'no' as unknown as boolean })).toThrow(/Module\.zeroGrad: options\.setToNone must be a boolean, got/);
  });
});

describe('stateDict / loadStateDict', () => {
  it('stateDict is a snapshot: later changes to the module do not alter it', () => {
    const lin = new Linear(2, 2, { generator: new Generator(0) });
    const sd = lin.stateDict();
    const before = Array.from(sd.weight!.data);
    lin.weight.data[0] = 42;
    expect(Array.from(sd.weight!.data)).toEqual(before);
    expect(sd.weight!.requiresGrad).toBe(false);
  });

  it('round-trips bit for bit into a differently initialised module, in place', () => {
    const a = new Net(new Generator(1));
    a.forward(tensor(new Generator(9).normalArray(50), { shape: [2, 1, 5, 5] })); // moves the running stats
    const b = new Net(new Generator(2));
    const weightObject = (b.features.at(0) as Conv2d).weight;
    const version = weightObject.storage.version;
    expect(b.loadStateDict(a.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const sa = a.stateDict();
    const sb = b.stateDict();
    for (const key of NET_KEYS) {
      expect(sb[key]!.dtype).toBe(sa[key]!.dtype);
      expect(new Uint8Array(sb[key]!.data.buffer)).toEqual(new Uint8Array(sa[key]!.data.buffer));
    }
    expect((b.features.at(0) as Conv2d).weight).toBe(weightObject);
    expect(weightObject.storage.version).toBeGreaterThan(version);
    expect(sb['features.1.numBatchesTracked']!.item()).toBe(1);
  });

  it('lists missing and unexpected keys in a StateDictError and copies nothing', () => {
    const net = new Net(new Generator(1));
    const sd = new Net(new Generator(2)).stateDict();
    delete sd['head.shift'];
    sd['head.extra'] = zeros([1]);
    const before = net.stateDict();
    let error: unknown;
    try {
      net.loadStateDict(sd);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateDictError);
    const e = error as StateDictError;
    expect(e.missingKeys).toEqual(['head.shift']);
    expect(e.unexpectedKeys).toEqual(['head.extra']);
    expect(e.message).toMatch(/missing key\(s\): "head.shift"/);
    expect(e.message).toMatch(/unexpected key\(s\): "head.extra"/);
    expect(net.stateDict()['features.0.weight']!.data).toEqual(before['features.0.weight']!.data);
  });

  it('strict: false loads the matching keys and returns the missing and unexpected ones', () => {
    const net = new Net(new Generator(1));
    const source = new Net(new Generator(2)).stateDict();
    const partial = { 'features.0.weight': source['features.0.weight']!, 'other.w': zeros([2]) };
    const result = net.loadStateDict(partial, { strict: false });
    expect(result.unexpectedKeys).toEqual(['other.w']);
    expect(result.missingKeys).toEqual(NET_KEYS.filter((k) => k !== 'features.0.weight'));
    expect(net.stateDict()['features.0.weight']!.data).toEqual(source['features.0.weight']!.data);
  });

  it('names mis-shaped, mis-typed and non-Tensor entries, even when not strict', () => {
    const net = new Net(new Generator(1));
    const sd = net.stateDict();
    sd['features.0.weight'] = zeros([2, 1, 2, 2]);
    sd['head.scale'] = zeros([3], { dtype: 'float64' });
    (sd as Record<string, unknown>)['head.count'] = 7;
    for (const strict of [true, false]) {
      let error: StateDictError | undefined;
      try {
        net.loadStateDict(sd, { strict });
      } catch (e) {
        error = e as StateDictError;
      }
      expect(error).toBeInstanceOf(StateDictError);
      expect(error!.mismatches).toEqual([
        { key: 'features.0.weight', kind: 'shape', expected: '[2,1,3,3]', got: '[2,1,2,2]' },
        { key: 'head.scale', kind: 'dtype', expected: 'float32', got: 'float64' },
        { key: 'head.count', kind: 'type', expected: 'a Tensor of shape []', got: '7' },
      ]);
      expect(error!.message).toMatch(/shape mismatch for "features.0.weight": the module has \[2,1,3,3\], the state dict gives \[2,1,2,2\]/);
      expect(error!.message).toMatch(/dtype mismatch for "head.scale": the module has float32, the state dict gives float64/);
    }
    expect(() => net.loadStateDict(null as never)).toThrow(/Net.loadStateDict: stateDict must be an object/);
  });

  it('a loaded model computes exactly what the source model computes', () => {
    const g = new Generator(5);
    const make = (seed: number): Sequential => {
      const gg = new Generator(seed);
      return new Sequential(new Conv2d(1, 3, 3, { padding: 1, generator: gg }), new ReLU(), new MaxPool2d(2), new Flatten(),
        new Linear(12, 4, { generator: gg }), new Dropout({ p: 0.5, generator: gg }));
    };
    const a = make(1).eval();
    const b = make(2).eval();
    const x = tensor(g.normalArray(2 * 16), { shape: [2, 1, 4, 4] });
    expect(b.forward(x).data).not.toEqual(a.forward(x).data);
    b.loadStateDict(a.stateDict());
    expect(b.forward(x).data).toEqual(a.forward(x).data);
  });
});
