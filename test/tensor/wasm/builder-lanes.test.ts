import { describe, expect, it } from 'vitest';
import { ModuleBuilder } from '../../../src/tensor/wasm/module-builder.js';
import { webAssemblyApi } from '../../../src/tensor/wasm/runtime.js';

const api = webAssemblyApi()!;

// The 8-byte vector loads and lane stores the Adam kernel uses (wasm/adam-simd.ts), run for real.
describe('ModuleBuilder: 64-bit vector halves', () => {
  it('v128.load64_splat fills both halves with 8 bytes; v128.store64_lane stores exactly one half (NaN payloads kept)', () => {
    const mod = new ModuleBuilder().importMemory({ module: 'env', field: 'memory', initial: 1, maximum: 8 });
    mod.addFunction('halves', [['src', 'i32'], ['dst', 'i32']], [], (f) => {
      f.local('v', 'v128');
      f.localGet('src').memory('v128.load64_splat', 8).localSet('v'); // bytes src+8 .. src+16, twice
      f.localGet('dst').localGet('v').memory('v128.store', 0); // the whole vector at dst
      f.localGet('dst').localGet('v').memory('v128.store64_lane', 24, 1); // its upper half alone at dst+24
    });
    const memory = new api.Memory({ initial: 1, maximum: 8 });
    const bytes = mod.encode();
    expect(api.validate(bytes)).toBe(true);
    const { halves } = new api.Instance(new api.Module(bytes), { env: { memory } }).exports as Record<string, (...args: number[]) => void>;
    const i32 = new Int32Array(memory.buffer, 0, 64);
    i32.fill(0);
    i32.set([1, 2, 0x7fa00001, -0x7f000000], 0); // src at 0: lanes 2 and 3 are a signalling-NaN pattern and a negative
    i32.fill(-1, 16, 26); // dst at 64: sentinel
    halves!(0, 64);
    expect(Array.from(i32.subarray(16, 26))).toEqual([0x7fa00001, -0x7f000000, 0x7fa00001, -0x7f000000, -1, -1, 0x7fa00001, -0x7f000000, -1, -1]);
    expect(() => mod.addFunction('bad', [['p', 'i32']], [], (f) => void f.localGet('p').localGet('p').op('f32x4.splat').memory('v128.store64_lane', 0, 2)))
      .toThrow(/v128.store64_lane lane must be an integer in \[0, 2\), got 2/);
  });
});
