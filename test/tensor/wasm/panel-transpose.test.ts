// pack_panels8 (src/tensor/wasm/panel-transpose.ts) against the plain index formula of its header:
// dst[q·panel + s·8 + l] = src[(8q + l)·P + s], every float's bits kept (NaN payloads and −0 included).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModuleBuilder } from '../../../src/tensor/wasm/module-builder.js';
import { emitPackPanels8, PACK_PANELS8_PARAMS } from '../../../src/tensor/wasm/panel-transpose.js';
import { KernelMemory, MAX_PAGES, webAssemblyApi } from '../../../src/tensor/wasm/runtime.js';

const api = webAssemblyApi()!;
const memory = new KernelMemory(1);
const bytes = new ModuleBuilder()
  .importMemory({ module: 'env', field: 'memory', initial: 1, maximum: MAX_PAGES, shared: memory.isShared })
  .addFunction('pack_panels8', PACK_PANELS8_PARAMS.map((n): [string, 'i32'] => [n, 'i32']), [], emitPackPanels8)
  .encode();
const pack = new api.Instance(new api.Module(bytes), { env: { memory: memory.memory } }).exports['pack_panels8'] as (...a: number[]) => void;

describe('pack_panels8', () => {
  it('writes each panel as 8 rows transposed, for any column count (tails included), and nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 23 }), fc.integer({ min: 0, max: 3 }), fc.nat(), (panels, cols, gap, seed) => {
        const rows = 8 * panels;
        const panelFloats = cols * 8 + 4 * gap; // panels may sit further apart than they need
        const src = 16, dst = src + rows * cols + 16;
        memory.ensureBytes(4 * (dst + panels * panelFloats + 16));
        const u32 = new Uint32Array(memory.memory.buffer);
        let state = seed >>> 0;
        for (let i = 0; i < rows * cols; i++) u32[src + i] = state = (Math.imul(state, 1664525) + 1013904223) >>> 0; // any bit pattern
        const sentinel = 0xdeadbeef;
        u32.fill(sentinel, dst - 4, dst + panels * panelFloats + 4);
        pack(4 * src, 4 * dst, cols, panels, 4 * panelFloats);
        for (let q = 0; q < panels; q++) {
          for (let s = 0; s < cols; s++) for (let l = 0; l < 8; l++) expect(u32[dst + q * panelFloats + s * 8 + l]).toBe(u32[src + (8 * q + l) * cols + s]);
          for (let k = cols * 8; k < panelFloats; k++) expect(u32[dst + q * panelFloats + k]).toBe(sentinel); // the gap is untouched
        }
        expect(u32[dst - 1]).toBe(sentinel);
        expect(u32[dst + panels * panelFloats]).toBe(sentinel);
      }),
      { numRuns: 200 },
    );
  });

  it('does nothing for zero panels or zero columns', () => {
    const u32 = new Uint32Array(memory.memory.buffer);
    u32.fill(7, 0, 64);
    pack(0, 128, 0, 3, 64);
    pack(0, 128, 5, 0, 64);
    expect(Array.from(u32.subarray(0, 64)).every((v) => v === 7)).toBe(true);
  });
});
