/**
 * ModuleBuilder: assembles a WebAssembly module in the binary format (spec §5.5 "Modules").
 *
 * Layout written by `encode()`:
 *   magic "\0asm" (00 61 73 6d), version 1 (01 00 00 00), then the sections in the required order,
 *   each as `id:u8, size:u32, contents`:
 *     1 type      the distinct function signatures: 0x60, vec(param types), vec(result types)
 *     2 import    at most one memory: module name, field name, 0x02, limits
 *     3 function  the signature index of each defined function
 *     7 export    name, 0x00 (function), function index — for every function marked exported
 *    10 code      one body per defined function (see FunctionBuilder)
 * Kernels import their memory instead of defining it, so one `WebAssembly.Memory` (shared between
 * workers when `shared: true`) can back many modules and all typed-array views of it.
 */
import { FunctionBuilder } from './function-builder.js';
import { encodeName, encodeU32 } from './leb128.js';
import { EXTERNAL_KIND, LIMITS, SECTION, VALTYPE, type ValType } from './opcodes.js';

/** A memory import's limits, in 64 KiB pages. `shared` requires `maximum`. */
export interface MemoryImport {
  module: string;
  field: string;
  initial: number;
  maximum?: number;
  shared?: boolean;
}

const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/**
 * Builds one module: an optional memory import plus functions, exported by name.
 * @example
 * const bytes = new ModuleBuilder()
 *   .addFunction('twice', [['x', 'f64']], ['f64'], (f) => void f.localGet('x').f64Const(2).op('f64.mul'))
 *   .encode();
 */
export class ModuleBuilder {
  private memoryImport: MemoryImport | null = null;
  private readonly functions: { fn: FunctionBuilder; exported: boolean }[] = [];

  /**
   * Declares the module's (single) memory as an import.
   * @example
   * new ModuleBuilder().importMemory({ module: 'env', field: 'memory', initial: 1, maximum: 16, shared: true });
   */
  importMemory(memory: MemoryImport): this {
    if (this.memoryImport !== null) throw new Error('ModuleBuilder.importMemory: the module already imports a memory');
    if (memory.shared === true && memory.maximum === undefined) {
      throw new Error('ModuleBuilder.importMemory: a shared memory needs a maximum, got none');
    }
    this.memoryImport = memory;
    return this;
  }

  /**
   * Adds a function; `body` receives its FunctionBuilder. Functions are numbered in the order added.
   * @example
   * mod.addFunction('add', [['x', 'i32'], ['y', 'i32']], ['i32'], (f) => {
   *   f.localGet('x').localGet('y').op('i32.add'); // x + y
   * });
   */
  addFunction(
    name: string,
    params: readonly (readonly [string, ValType])[],
    results: readonly ValType[],
    body: (fn: FunctionBuilder) => void,
    options: { exported?: boolean } = {},
  ): this {
    if (this.functions.some((f) => f.fn.name === name)) {
      throw new Error(`ModuleBuilder.addFunction: a function named '${name}' already exists`);
    }
    const fn = new FunctionBuilder(name, params, results);
    body(fn);
    this.functions.push({ fn, exported: options.exported ?? true });
    return this;
  }

  /**
   * The module in text-format syntax (memory import and every function's listing), for reading.
   * @example
   * console.log(buildMyModule().toText());
   */
  toText(): string {
    const lines = ['(module'];
    const m = this.memoryImport;
    if (m !== null) {
      const limits = `${m.initial}${m.maximum === undefined ? '' : ` ${m.maximum}`}${m.shared === true ? ' shared' : ''}`;
      lines.push(`  (import "${m.module}" "${m.field}" (memory ${limits}))`);
    }
    for (const { fn, exported } of this.functions) {
      lines.push(fn.listing().replace(/^/gm, '  '));
      if (exported) lines.push(`  (export "${fn.name}" (func $${fn.name}))`);
    }
    lines.push(')');
    return lines.join('\n');
  }

  /** The complete module as bytes, ready for `WebAssembly.validate` / `new WebAssembly.Module`. */
  encode(): Uint8Array {
    // Distinct signatures, keyed by their encoding.
    const signatures: number[][] = [];
    const signatureIndex = new Map<string, number>();
    const functionTypes = this.functions.map(({ fn }) => {
      const encoded = [0x60, ...vector(fn.params.map((t) => [VALTYPE[t]])), ...vector(fn.results.map((t) => [VALTYPE[t]]))];
      const key = encoded.join(',');
      let index = signatureIndex.get(key);
      if (index === undefined) {
        index = signatures.length;
        signatures.push(encoded);
        signatureIndex.set(key, index);
      }
      return index;
    });

    const exports = this.functions
      .map(({ fn, exported }, index) => (exported ? [...encodeName(fn.name), EXTERNAL_KIND.function, ...encodeU32(index)] : null))
      .filter((e): e is number[] => e !== null);
    const parts: (readonly number[])[] = [MAGIC_AND_VERSION, section(SECTION.type, vector(signatures))];
    if (this.memoryImport !== null) parts.push(section(SECTION.import, vector([encodeMemoryImport(this.memoryImport)])));
    parts.push(section(SECTION.function, vector(functionTypes.map((t) => encodeU32(t)))));
    parts.push(section(SECTION.export, vector(exports)));
    parts.push(section(SECTION.code, vector(this.functions.map(({ fn }) => fn.encodeBody()))));
    return Uint8Array.from(parts.flat());
  }
}

/** vec(x): u32 element count followed by the elements. */
function vector(items: readonly (readonly number[])[]): number[] {
  const out = encodeU32(items.length);
  for (const item of items) for (const b of item) out.push(b);
  return out;
}

/** A section: id, u32 byte size, contents. */
function section(id: number, contents: readonly number[]): number[] {
  return [id, ...encodeU32(contents.length)].concat(contents);
}

/** An import entry for a memory: names, kind 0x02, limits (flags, min, max?). */
function encodeMemoryImport(m: MemoryImport): number[] {
  const out = [...encodeName(m.module), ...encodeName(m.field), EXTERNAL_KIND.memory];
  if (m.shared === true) out.push(LIMITS.sharedMinMax, ...encodeU32(m.initial), ...encodeU32(m.maximum!));
  else if (m.maximum !== undefined) out.push(LIMITS.minMax, ...encodeU32(m.initial), ...encodeU32(m.maximum));
  else out.push(LIMITS.min, ...encodeU32(m.initial));
  return out;
}
