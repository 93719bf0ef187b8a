/**
 * The WebAssembly JS API as pqkd uses it, typed locally (the project compiles without the DOM lib,
 * and the API may be missing in some runtimes), plus a growable memory shared by the kernels.
 *
 * `KernelMemory` owns one `WebAssembly.Memory`: an ordinary one by default, or, on request, a shared
 * one (backed by a SharedArrayBuffer) where the runtime allows it — browsers only on
 * cross-origin-isolated pages. Every kernel module instance is private to its thread (each worker
 * instantiates its own), so no kernel needs a shared memory, and an ordinary one is faster: V8 copies
 * into and out of a SharedArrayBuffer with element-wise relaxed-atomic copies, which made the copy of a
 * convolution's output cost more than the convolution (issue 21; 1-thread train step 0.92× with
 * ordinary memories, measured with bench/ab-steps.mts on an Intel Xeon). Kernel modules must declare
 * the same `shared` flag in their memory import, so they are built after the memory (see `isShared`).
 */

/** The subset of `WebAssembly.Memory` used here. */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(deltaPages: number): number;
}

/** A compiled module (opaque). */
export type WasmModule = object;

/** The subset of the global `WebAssembly` namespace used here. */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/**
 * The runtime's `WebAssembly` object, or `undefined` when the runtime has none.
 * @example
 * const ok = webAssemblyApi()?.validate(bytes) ?? false;
 */
export function webAssemblyApi(): WasmApi | undefined {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return typeof api === 'object' && api !== null && typeof api.validate === 'function' ? api : undefined;
}

/** Bytes per WebAssembly page. */
export const PAGE_BYTES = 65536;
/** Upper limit of a kernel memory: 32768 pages = 2 GiB (a shared memory must declare one). */
export const MAX_PAGES = 32768;

/**
 * One growable kernel memory with cached typed-array views that are refreshed after growth.
 * @example
 * const mem = new KernelMemory();
 * mem.ensureBytes(1 << 20);
 * mem.f32()[0] = 1.5;
 */
export class KernelMemory {
  readonly memory: WasmMemory;
  readonly isShared: boolean;
  private f32View: Float32Array;
  private readonly maximumPages: number;

  /**
   * @param initialPages Initial size in 64 KiB pages.
   * @param preferShared Try a shared memory first (true; tests use it to cover that path); false, the
   *   default, makes an ordinary one, which is also what runtimes without SharedArrayBuffer get.
   * @param maximumPages The most it may grow to (MAX_PAGES by default; a shared memory reserves it up front).
   */
  constructor(initialPages = 16, preferShared = false, maximumPages = MAX_PAGES) {
    const api = webAssemblyApi();
    if (api === undefined) throw new Error('KernelMemory: this runtime has no WebAssembly support');
    let memory: WasmMemory;
    let shared = true;
    try {
      if (!preferShared) throw new Error('ordinary memory requested');
      memory = new api.Memory({ initial: initialPages, maximum: maximumPages, shared: true });
      // the buffer's tag tells whether the runtime really made it shared (works without the global)
      shared = Object.prototype.toString.call(memory.buffer) === '[object SharedArrayBuffer]';
    } catch {
      memory = new api.Memory({ initial: initialPages, maximum: maximumPages });
      shared = false;
    }
    this.memory = memory;
    this.isShared = shared;
    this.maximumPages = maximumPages;
    this.f32View = new Float32Array(memory.buffer);
  }

  /** Size of the memory in bytes. */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** Grows the memory (in whole pages) until it holds at least `bytes` bytes. */
  ensureBytes(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = Math.ceil((bytes - have) / PAGE_BYTES);
    if (have / PAGE_BYTES + pages > this.maximumPages) {
      throw new RangeError(`KernelMemory.ensureBytes: ${bytes} bytes requested, the limit is ${this.maximumPages * PAGE_BYTES}`);
    }
    this.memory.grow(pages);
  }

  /** A Float32Array over the whole memory (re-created when the memory has grown). */
  f32(): Float32Array {
    const buffer = this.memory.buffer;
    if (this.f32View.buffer !== buffer || this.f32View.length * 4 !== buffer.byteLength) {
      this.f32View = new Float32Array(buffer);
    }
    return this.f32View;
  }
}

/**
 * A per-thread cache of one kernel module in its two multiply-add variants (relaxed-SIMD FMA or
 * mul + add), both instantiated on one ordinary `KernelMemory`: `get(fma)` builds and instantiates the
 * variant on first use and returns the memory with the picked exports. `what` names the kernel in the
 * error thrown where the runtime has no WebAssembly.
 * @example
 * const kernels = fmaKernelCache('my conv', (shared, fma) => myModule({ sharedMemory: shared, fma }).encode(),
 *   (e) => ({ run: e['run'] as (a: number) => void }));
 * const { memory, run } = kernels(relaxedSimdInUse());
 */
export function fmaKernelCache<K extends object>(
  what: string,
  build: (sharedMemory: boolean, fma: boolean) => Uint8Array,
  pick: (exports: Record<string, unknown>) => K,
  initialPages = 16,
): (fma: boolean) => { memory: KernelMemory } & K {
  let memory: KernelMemory | undefined;
  const variants = new Map<boolean, K>();
  return (fma) => {
    const api = webAssemblyApi();
    if (api === undefined) throw new Error(`${what}: this runtime has no WebAssembly`);
    memory ??= new KernelMemory(initialPages);
    let k = variants.get(fma);
    if (k === undefined) {
      k = pick(new api.Instance(new api.Module(build(memory.isShared, fma)), { env: { memory: memory.memory } }).exports);
      variants.set(fma, k);
    }
    return { memory, ...k };
  };
}
