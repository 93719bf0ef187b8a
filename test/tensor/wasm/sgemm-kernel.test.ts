import { describe, expect, it } from 'vitest';
import { Generator } from '../../../src/tensor/random.js';
import { SGEMM_TILE, buildSgemmModule, sgemmModuleBuilder, type SgemmTile } from '../../../src/tensor/wasm/sgemm-kernel.js';
import { KernelMemory, webAssemblyApi } from '../../../src/tensor/wasm/runtime.js';

const api = webAssemblyApi()!;

/**
 * Runs `sgemm_macro` directly on random packed panels (two k blocks: accumulate = 0, then 1) and
 * compares every C~ entry with the sequential float32 sum over both blocks.
 */
function checkMacroKernel(tile: SgemmTile, mPanels: number, nPanels: number, kc: number, shared = true): void {
  const memory = new KernelMemory(1, shared);
  expect(memory.isShared).toBe(shared);
  const cRowBytes = (nPanels * tile.nr + 4) * 4; // a padded row stride
  const bytes = buildSgemmModule({ tile, sharedMemory: memory.isShared });
  expect(api.validate(bytes)).toBe(true);
  const macro = new api.Instance(new api.Module(bytes), { env: { memory: memory.memory } }).exports['sgemm_macro'] as (
    ...args: number[]
  ) => void;
  const rows = mPanels * tile.mr;
  const cols = nPanels * tile.nr;
  const aFloats = rows * kc;
  const bFloats = cols * kc;
  const [aAt, bAt, cAt] = [16, 16 + aFloats, 16 + aFloats + bFloats]; // float indices
  memory.ensureBytes((cAt + rows * (cRowBytes / 4)) * 4);
  const gen = new Generator(rows * 1000 + cols + kc);
  const view = memory.f32();
  const blocks = [0, 1].map(() => ({ a: gen.normalArray(aFloats, 0, 1, new Float32Array(aFloats)), b: gen.normalArray(bFloats, 0, 1, new Float32Array(bFloats)) }));
  const sums = new Float32Array(rows * cols);
  blocks.forEach(({ a, b }, block) => {
    view.set(a, aAt);
    view.set(b, bAt);
    macro(aAt * 4, bAt * 4, cAt * 4, cRowBytes, mPanels, nPanels, kc, block);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const [ip, r, jp, c] = [Math.floor(i / tile.mr), i % tile.mr, Math.floor(j / tile.nr), j % tile.nr];
        let s = sums[i * cols + j]!;
        for (let p = 0; p < kc; p++) s = Math.fround(s + Math.fround(a[ip * kc * tile.mr + p * tile.mr + r]! * b[jp * kc * tile.nr + p * tile.nr + c]!));
        sums[i * cols + j] = s;
      }
    }
  });
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) expect(view[cAt + i * (cRowBytes / 4) + j]).toBe(sums[i * cols + j]);
  }
}

describe('sgemm_macro (the generated kernel)', () => {
  it('validates with shared and unshared memory imports', () => {
    for (const sharedMemory of [false, true]) {
      expect(api.validate(buildSgemmModule({ tile: SGEMM_TILE, sharedMemory }))).toBe(true);
    }
  });

  it('computes C~ (+)= A~·B~ exactly in sequential float32 order for the shipped and other tiles', () => {
    checkMacroKernel(SGEMM_TILE, 3, 2, 37);
    checkMacroKernel({ mr: 1, nr: 4 }, 2, 3, 5);
    checkMacroKernel({ mr: 6, nr: 12 }, 2, 2, 9);
    checkMacroKernel(SGEMM_TILE, 2, 3, 11, false); // an ordinary (unshared) memory, as in browsers without isolation
  });

  it('has a listing whose depth loop is 2 loads, 4 splat loads, 8 f32x4.mul and 8 f32x4.add, each commented', () => {
    const text = sgemmModuleBuilder({ tile: SGEMM_TILE, sharedMemory: false }).toText();
    const depthLoop = text.slice(text.indexOf('loop $depth'), text.indexOf('br_if $depth'));
    const count = (instruction: string): number => depthLoop.split('\n').filter((line) => line.trim() === instruction).length;
    expect([count('v128.load'), count('v128.load offset=16'), count('f32x4.mul'), count('f32x4.add')]).toEqual([1, 1, 8, 8]);
    expect(depthLoop.split('\n').filter((line) => line.trim().startsWith('v128.load32_splat')).length).toBe(4);
    expect(depthLoop.split('\n').filter((line) => line.trim().startsWith(';;')).length).toBe(2 + 4 + 8 + 1); // loads, splats, mul+add pairs, pointer steps
  });

  it('does nothing when a dimension is zero', () => {
    const memory = new KernelMemory(1);
    const bytes = buildSgemmModule({ tile: SGEMM_TILE, sharedMemory: memory.isShared });
    const macro = new api.Instance(new api.Module(bytes), { env: { memory: memory.memory } }).exports['sgemm_macro'] as (...args: number[]) => void;
    memory.f32().fill(7, 0, 1024);
    for (const [mPanels, nPanels, kc] of [[0, 1, 1], [1, 0, 1], [1, 1, 0]]) macro(0, 512, 1024, 64, mPanels!, nPanels!, kc!, 0);
    expect(memory.f32().subarray(256, 300).every((x) => x === 7)).toBe(true);
  });

  it('rejects a tile whose width is not a multiple of four', () => {
    expect(() => buildSgemmModule({ tile: { mr: 4, nr: 6 }, sharedMemory: false })).toThrow(/buildSgemmModule: tile needs .* got \{"mr":4,"nr":6\}/);
  });
});

describe('KernelMemory', () => {
  it('is ordinary by default, shared on request on Node, and grows with refreshed views either way', () => {
    expect(new KernelMemory(1).isShared).toBe(false);
    for (const shared of [false, true]) {
      const memory = new KernelMemory(1, shared);
      expect(memory.isShared).toBe(shared);
      const before = memory.f32();
      before[0] = 7;
      memory.ensureBytes(3 * 65536 + 1);
      expect(memory.byteLength).toBe(4 * 65536);
      expect(memory.f32().length).toBe(65536);
      expect(memory.f32() === before).toBe(false);
      expect(before.length).toBe(shared ? 16384 : 0); // an ordinary memory's old buffer is detached by growth
      expect(memory.f32()[0]).toBe(7); // growth keeps the contents
      expect(() => memory.ensureBytes(2 ** 40)).toThrow(/KernelMemory.ensureBytes: 1099511627776 bytes requested/);
    }
  });
});
