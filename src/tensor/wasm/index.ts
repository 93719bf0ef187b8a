export { wasmSimdSupported, kernelsMode, setKernelsMode, type KernelsMode } from './support.js';
export { wasmSgemm, checkGemmArgs, SGEMM_BLOCKING, type GemmArgs } from './sgemm.js';
export { SGEMM_TILE, buildSgemmModule, type SgemmTile, type SgemmModuleOptions } from './sgemm-kernel.js';
export { packA, packB, type StridedOperand } from './sgemm-pack.js';
export { ModuleBuilder, type MemoryImport } from './module-builder.js';
export { FunctionBuilder, type Variable } from './function-builder.js';
export { KernelMemory, webAssemblyApi, PAGE_BYTES, MAX_PAGES, type WasmApi, type WasmMemory, type WasmModule } from './runtime.js';
export { encodeU32, encodeS32, encodeS64, encodeF32, encodeF64, encodeName } from './leb128.js';
export { VALTYPE, SIMPLE_OPS, MEMORY_OPS, LANE_OPS, type ValType, type SimpleOp, type MemoryOp, type LaneOp } from './opcodes.js';
