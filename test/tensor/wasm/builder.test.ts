import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModuleBuilder } from '../../../src/tensor/wasm/module-builder.js';
import type { FunctionBuilder } from '../../../src/tensor/wasm/function-builder.js';
import type { SimpleOp, ValType } from '../../../src/tensor/wasm/opcodes.js';
import { webAssemblyApi, type WasmMemory } from '../../../src/tensor/wasm/runtime.js';

const api = webAssemblyApi()!;

/** Validates, compiles and instantiates a module; returns its exports. */
function instantiate(mod: ModuleBuilder, memory?: WasmMemory): Record<string, (...args: number[]) => number> {
  const bytes = mod.encode();
  expect(api.validate(bytes)).toBe(true);
  const imports: Record<string, Record<string, unknown>> = memory === undefined ? {} : { env: { memory } };
  return new api.Instance(new api.Module(bytes), imports).exports as Record<string, (...args: number[]) => number>;
}

/** A module with one exported function `f(x, y) = x op y` for a scalar binary op. */
function binary(type: ValType, op: SimpleOp, result: ValType = type): (x: number, y: number) => number {
  const mod = new ModuleBuilder().addFunction('f', [['x', type], ['y', type]], [result], (f) => {
    f.localGet('x').localGet('y').op(op); // x op y
  });
  return instantiate(mod)['f']!;
}

const sameFloat = (got: number, want: number): boolean => (Number.isNaN(want) ? Number.isNaN(got) : Object.is(got, want));
const f32 = fc.float({ noDefaultInfinity: false });
const f64 = fc.double();

describe('ModuleBuilder: module structure', () => {
  it('encodes the empty module as magic, version and empty sections', () => {
    const bytes = new ModuleBuilder().encode();
    expect(Array.from(bytes)).toEqual([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 1, 0, 3, 1, 0, 7, 1, 0, 10, 1, 0]);
    expect(api.validate(bytes)).toBe(true);
  });

  it('imports ordinary and shared memories, reuses signatures and keeps unexported functions private', () => {
    for (const shared of [false, true]) {
      const mod = new ModuleBuilder().importMemory({ module: 'env', field: 'memory', initial: 1, maximum: 4, shared });
      mod.addFunction('helper', [['x', 'i32']], ['i32'], (f) => void f.localGet('x'), { exported: false });
      mod.addFunction('size', [['x', 'i32']], ['i32'], (f) => void f.memorySize()); // same signature as helper
      const memory = new api.Memory({ initial: 1, maximum: 4, shared });
      const exports = instantiate(mod, memory);
      expect(Object.keys(exports)).toEqual(['size']);
      expect(exports['size']!(0)).toBe(1);
    }
  });

  it('prints a text-format listing with comments, nesting and offsets', () => {
    const mod = new ModuleBuilder().importMemory({ module: 'env', field: 'memory', initial: 1, maximum: 2, shared: true });
    mod.addFunction('first', [['p', 'i32']], ['f32'], (f) => {
      f.local('x', 'f32');
      f.block('out', () => {
        f.comment('x ← memory[p + 8] as f32; leave');
        f.localGet('p').memory('f32.load', 8).localSet('x').br('out');
      });
      f.localGet('x');
    });
    expect(mod.toText()).toBe(
      [
        '(module',
        '  (import "env" "memory" (memory 1 2 shared))',
        '  (func $first (param $p i32) (result f32)',
        '    (local $x f32)',
        '    block $out',
        '      ;; x ← memory[p + 8] as f32; leave',
        '      local.get $p',
        '      f32.load offset=8',
        '      local.set $x',
        '      br $out',
        '    end',
        '    local.get $x',
        '  )',
        '  (export "first" (func $first))',
        ')',
      ].join('\n'),
    );
  });

  it('rejects misuse with messages naming the function and the problem', () => {
    const mod = new ModuleBuilder();
    expect(() => mod.importMemory({ module: 'env', field: 'memory', initial: 1, shared: true })).toThrow(/shared memory needs a maximum/);
    expect(() => mod.addFunction('g', [], [], (f) => void f.localGet('nope'))).toThrow(/g: unknown variable 'nope'/);
    expect(() => mod.addFunction('g', [], [], (f) => void f.br('out'))).toThrow(/g: branch to unknown label 'out'/);
    expect(() => mod.addFunction('g', [['x', 'i32']], [], (f) => void f.local('x', 'f32'))).toThrow(/variable 'x' declared twice/);
    expect(() => mod.addFunction('g', [], [], (f) => void f.lane('f32x4.extract_lane', 4))).toThrow(/lane must be an integer in \[0, 4\), got 4/);
    expect(() => mod.addFunction('g', [], [], (f) => void f.v128Const([1, 2]))).toThrow(/needs 16 bytes, got 2/);
    mod.addFunction('g', [], [], () => undefined);
    expect(() => mod.addFunction('g', [], [], () => undefined)).toThrow(/'g' already exists/);
  });
});

describe('FunctionBuilder: scalar instruction groups', () => {
  it('i32 arithmetic, bitwise and comparisons follow two’s-complement semantics', () => {
    const cases: [SimpleOp, (x: number, y: number) => number][] = [
      ['i32.add', (x, y) => (x + y) | 0],
      ['i32.sub', (x, y) => (x - y) | 0],
      ['i32.mul', (x, y) => Math.imul(x, y)],
      ['i32.and', (x, y) => x & y],
      ['i32.or', (x, y) => x | y],
      ['i32.xor', (x, y) => x ^ y],
      ['i32.shl', (x, y) => x << y],
      ['i32.shr_s', (x, y) => x >> y],
      ['i32.shr_u', (x, y) => (x >>> y) | 0],
      ['i32.eq', (x, y) => +(x === y)],
      ['i32.ne', (x, y) => +(x !== y)],
      ['i32.lt_s', (x, y) => +(x < y)],
      ['i32.lt_u', (x, y) => +(x >>> 0 < y >>> 0)],
      ['i32.gt_s', (x, y) => +(x > y)],
      ['i32.ge_u', (x, y) => +(x >>> 0 >= y >>> 0)],
      ['i32.le_s', (x, y) => +(x <= y)],
    ];
    for (const [op, ref] of cases) {
      const fn = binary('i32', op);
      fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (x, y) => fn(x, y) === ref(x, y)), { numRuns: 100 });
    }
    const divS = binary('i32', 'i32.div_s');
    const remU = binary('i32', 'i32.rem_u');
    expect([divS(-7, 2), remU(-1, 10)]).toEqual([-3, (0xffffffff % 10) | 0]);
  });

  it('f32 and f64 arithmetic round like IEEE single and double', () => {
    const ops: [string, (x: number, y: number) => number][] = [
      ['add', (x, y) => x + y],
      ['sub', (x, y) => x - y],
      ['mul', (x, y) => x * y],
      ['div', (x, y) => x / y],
    ];
    for (const [name, ref] of ops) {
      const single = binary('f32', `f32.${name}` as SimpleOp);
      fc.assert(fc.property(f32, f32, (x, y) => sameFloat(single(x, y), Math.fround(ref(x, y)))), { numRuns: 100 });
      const double = binary('f64', `f64.${name}` as SimpleOp);
      fc.assert(fc.property(f64, f64, (x, y) => sameFloat(double(x, y), ref(x, y))), { numRuns: 100 });
    }
    expect(binary('f32', 'f32.min')(-0, 0)).toBe(-0);
    expect(binary('f64', 'f64.max')(2, 3)).toBe(3);
    expect(binary('f32', 'f32.lt', 'i32')(1, 2)).toBe(1);
    expect(binary('f64', 'f64.gt', 'i32')(1, 2)).toBe(0);
  });

  it('unary ops, conversions and constants', () => {
    const unary = (param: ValType, result: ValType, body: (f: FunctionBuilder) => void): ((x: number) => number) =>
      instantiate(new ModuleBuilder().addFunction('f', [['x', param]], [result], body))['f']!;
    expect(unary('f32', 'f32', (f) => void f.localGet('x').op('f32.sqrt'))(2)).toBe(Math.fround(Math.SQRT2));
    expect(unary('f64', 'f64', (f) => void f.localGet('x').op('f64.neg').op('f64.abs'))(3)).toBe(3);
    expect(unary('f64', 'f32', (f) => void f.localGet('x').op('f32.demote_f64'))(0.1)).toBe(Math.fround(0.1));
    expect(unary('f32', 'f64', (f) => void f.localGet('x').op('f64.promote_f32'))(0.5)).toBe(0.5);
    expect(unary('i32', 'f64', (f) => void f.localGet('x').op('f64.convert_i32_s'))(-5)).toBe(-5);
    expect(unary('i32', 'f32', (f) => void f.localGet('x').op('f32.convert_i32_s'))(16777217)).toBe(16777216);
    expect(unary('f64', 'i32', (f) => void f.localGet('x').op('i32.trunc_f64_s'))(-2.9)).toBe(-2);
    expect(unary('i32', 'i32', (f) => void f.i32Const(0xffffffff).localGet('x').op('i32.add'))(1)).toBe(0); // 2^32−1 wraps to −1
    expect(unary('f32', 'f32', (f) => void f.f32Const(0.1).localGet('x').op('f32.add'))(0)).toBe(Math.fround(0.1));
    expect(unary('f64', 'f64', (f) => void f.f64Const(0.1).localGet('x').op('f64.mul'))(3)).toBe(0.1 * 3);
  });
});

describe('FunctionBuilder: control flow and locals', () => {
  it('loop with br_if sums 0..n−1; block exits early; if/else picks a branch; return leaves early', () => {
    const mod = new ModuleBuilder();
    mod.addFunction('sum', [['n', 'i32']], ['i32'], (f) => {
      f.local('i', 'i32');
      f.local('total', 'i32');
      f.block('done', () => {
        f.localGet('n').op('i32.eqz').brIf('done'); // nothing to add when n = 0
        f.loop('next', () => {
          f.localGet('total').localGet('i').op('i32.add').localSet('total'); // total += i
          f.localGet('i').i32Const(1).op('i32.add').localTee('i').localGet('n').op('i32.lt_u').brIf('next'); // ++i < n
        });
      });
      f.localGet('total');
    });
    mod.addFunction('abs', [['x', 'i32']], ['i32'], (f) => {
      f.local('r', 'i32');
      f.localGet('x').i32Const(0).op('i32.lt_s');
      f.ifElse(
        () => void f.i32Const(0).localGet('x').op('i32.sub').localSet('r'), // r = −x
        () => void f.localGet('x').localSet('r'), // r = x
      );
      f.localGet('r');
    });
    mod.addFunction('firstOver', [['limit', 'i32']], ['i32'], (f) => {
      f.local('i', 'i32');
      f.loop('next', () => {
        f.localGet('i').localGet('limit').op('i32.gt_s');
        f.ifElse(() => void f.localGet('i').return()); // return i once i > limit
        f.localGet('i').i32Const(3).op('i32.add').localSet('i');
        f.br('next');
      });
      f.i32Const(-1); // unreachable in practice, keeps the stack typed
    });
    const { sum, abs, firstOver } = instantiate(mod) as Record<string, (x: number) => number>;
    fc.assert(fc.property(fc.nat({ max: 2000 }), (n) => sum!(n) === (n * (n - 1)) / 2));
    expect([abs!(-4), abs!(5), firstOver!(10)]).toEqual([4, 5, 12]);
  });
});

describe('FunctionBuilder: memory and SIMD instruction groups', () => {
  const memory = new api.Memory({ initial: 1, maximum: 8 });
  const view = (): Float32Array => new Float32Array(memory.buffer);

  /** f(aAddr, bAddr, cAddr): C = op(A, B) on one v128 of each. */
  function simdBinary(op: SimpleOp): (a: number, b: number, c: number) => void {
    const mod = new ModuleBuilder().importMemory({ module: 'env', field: 'memory', initial: 1, maximum: 8 });
    mod.addFunction('f', [['a', 'i32'], ['b', 'i32'], ['c', 'i32']], [], (f) => {
      f.localGet('c'); // address for the store
      f.localGet('a').memory('v128.load'); // A (16 bytes)
      f.localGet('b').memory('v128.load'); // B
      f.op(op); // lane-wise A op B
      f.memory('v128.store'); // C ← result
    });
    return instantiate(mod, memory)['f']!;
  }

  it('scalar loads and stores with offsets; memory.size and memory.grow', () => {
    const mod = new ModuleBuilder().importMemory({ module: 'env', field: 'memory', initial: 1, maximum: 8 });
    mod.addFunction('copy', [['src', 'i32'], ['dst', 'i32']], [], (f) => {
      f.localGet('dst').localGet('src').memory('f32.load', 4).memory('f32.store', 8); // f32 dst+8 ← src+4
      f.localGet('dst').localGet('src').memory('i32.load').memory('i32.store'); // i32 dst ← src
      f.localGet('dst').localGet('src').memory('f64.load', 16).memory('f64.store', 16); // f64 dst+16 ← src+16
    });
    mod.addFunction('grow', [['pages', 'i32']], ['i32'], (f) => void f.localGet('pages').memoryGrow().op('drop').memorySize());
    const { copy, grow } = instantiate(mod, memory);
    const f64 = new Float64Array(memory.buffer, 0, 8);
    const i32 = new Int32Array(memory.buffer, 0, 32);
    view()[1] = 2.5;
    i32[0] = -7;
    f64[2] = Math.PI;
    copy!(0, 64);
    expect([view()[18], i32[16], new Float64Array(memory.buffer, 64, 3)[2]]).toEqual([2.5, -7, Math.PI]);
    expect(grow!(1)).toBe(2);
  });

  it('f32x4 lane-wise arithmetic equals four float32 scalar ops', () => {
    const ops: [SimpleOp, (x: number, y: number) => number][] = [
      ['f32x4.add', (x, y) => x + y],
      ['f32x4.sub', (x, y) => x - y],
      ['f32x4.mul', (x, y) => x * y],
      ['f32x4.div', (x, y) => x / y],
      ['f32x4.min', (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y))],
      ['f32x4.max', (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y))],
    ];
    for (const [op, ref] of ops) {
      const fn = simdBinary(op);
      fc.assert(
        fc.property(fc.array(f32, { minLength: 8, maxLength: 8 }), (xs) => {
          view().set(xs, 0); // A at byte 0, B at byte 16
          fn(0, 16, 32);
          for (let lane = 0; lane < 4; lane++) expect(sameFloat(view()[8 + lane]!, Math.fround(ref(xs[lane]!, xs[4 + lane]!)))).toBe(true);
        }),
        { numRuns: 50 },
      );
    }
  });

  it('f64x2 lane-wise arithmetic equals two double ops', () => {
    const ops: [SimpleOp, (x: number, y: number) => number][] = [
      ['f64x2.add', (x, y) => x + y],
      ['f64x2.sub', (x, y) => x - y],
      ['f64x2.mul', (x, y) => x * y],
      ['f64x2.div', (x, y) => x / y],
    ];
    for (const [op, ref] of ops) {
      const fn = simdBinary(op);
      fc.assert(
        fc.property(fc.array(f64, { minLength: 4, maxLength: 4 }), (xs) => {
          const d = new Float64Array(memory.buffer, 0, 6);
          d.set(xs);
          fn(0, 16, 32);
          for (let lane = 0; lane < 2; lane++) expect(sameFloat(d[4 + lane]!, ref(xs[lane]!, xs[2 + lane]!))).toBe(true);
        }),
        { numRuns: 50 },
      );
    }
  });

  it('splats, lane extract/replace, v128.const, bitwise, unary and i32x4 ops', () => {
    const mod = new ModuleBuilder().importMemory({ module: 'env', field: 'memory', initial: 1, maximum: 8 });
    mod.addFunction('splatLoad', [['src', 'i32'], ['dst', 'i32']], [], (f) => {
      f.localGet('dst').localGet('src').memory('v128.load32_splat', 4).memory('v128.store'); // dst ← [src[1]] × 4
    });
    mod.addFunction('lanes', [['x', 'f32'], ['y', 'f32']], ['f32'], (f) => {
      f.localGet('x').op('f32x4.splat').localGet('y').lane('f32x4.replace_lane', 2); // [x, x, y, x]
      f.op('f32x4.neg').op('f32x4.abs').op('f32x4.sqrt'); // [√|x|, √|x|, √|y|, √|x|]
      f.lane('f32x4.extract_lane', 2); // √|y|
    });
    mod.addFunction('f64lanes', [['x', 'f64']], ['f64'], (f) => {
      f.localGet('x').op('f64x2.splat').f64Const(2).lane('f64x2.replace_lane', 1); // [x, 2]
      f.localGet('x').op('f64x2.splat').op('f64x2.mul'); // [x², 2x]
      f.lane('f64x2.extract_lane', 1); // 2x
    });
    mod.addFunction('ints', [['x', 'i32']], ['i32'], (f) => {
      f.v128Const([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0]); // i32x4 [1, 2, 3, 4]
      f.localGet('x').op('i32x4.splat').op('i32x4.mul'); // [x, 2x, 3x, 4x]
      f.localGet('x').op('i32x4.splat').op('i32x4.add'); // [2x, 3x, 4x, 5x]
      f.i32Const(-1).op('i32x4.splat').op('v128.xor').op('v128.not'); // ¬(v ⊕ ¬0) = v
      f.i32Const(0xff).op('i32x4.splat').op('v128.and'); // low byte of each lane
      f.i32Const(0x100).op('i32x4.splat').op('v128.or'); // | 256
      f.lane('i32x4.extract_lane', 3); // ((5x) & 255) | 256
    });
    mod.addFunction('splat64', [['src', 'i32'], ['dst', 'i32']], [], (f) => {
      f.localGet('dst').localGet('src').memory('v128.load64_splat').memory('v128.store'); // dst ← [src[0..1]] × 2
    });
    const { splatLoad, lanes, f64lanes, ints, splat64 } = instantiate(mod, memory);
    view().set([1, 2, 3, 4], 0);
    splatLoad!(0, 64);
    expect(Array.from(view().subarray(16, 20))).toEqual([2, 2, 2, 2]);
    splat64!(0, 64);
    expect(Array.from(view().subarray(16, 20))).toEqual([1, 2, 1, 2]);
    expect(lanes!(3, -9)).toBe(3);
    expect(f64lanes!(1.5)).toBe(3);
    expect(ints!(7)).toBe((35 & 255) | 256);
  });
});
