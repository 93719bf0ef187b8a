/**
 * FunctionBuilder: emits the body of one WebAssembly function (spec §5.5.13 "Code section").
 *
 * The body is a list of locals then an expression (instructions ending with `end`). Locals and
 * parameters are addressed by name; `block`/`loop` take a label and a callback for their body, and
 * `br`/`brIf` name the label they jump to, so the relative depth the binary format wants is computed
 * here instead of by the reader. Stack typing is not re-checked here: `WebAssembly.validate` does it.
 *
 * Alongside the bytes it keeps a text listing in WebAssembly text-format syntax (one instruction per
 * line, indented by nesting, with the `;;` comments added by `comment()`), so a reader can print
 * exactly what a kernel executes: `listing()`, or `ModuleBuilder.toText()` for a whole module.
 *
 * Branch semantics to keep in mind while reading kernels:
 *  - `br label` on a `block` jumps to just after the block's `end` (break);
 *  - `br label` on a `loop` jumps back to the loop's start (continue).
 */
import { encodeF32, encodeF64, encodeS32, encodeU32 } from './leb128.js';
import {
  CONTROL,
  LANE_OPS,
  MEMORY_GROW,
  MEMORY_OPS,
  MEMORY_SIZE,
  SIMPLE_OPS,
  V128_CONST,
  I8X16_SHUFFLE,
  VALTYPE,
  type LaneOp,
  type MemoryOp,
  type SimpleOp,
  type ValType,
} from './opcodes.js';

/** A parameter or local: its name, type and index in the function's local index space. */
export interface Variable {
  name: string;
  type: ValType;
  index: number;
}

/**
 * Emits one function body; obtained from `ModuleBuilder.addFunction`.
 * @example
 * mod.addFunction('firstLane', [['p', 'i32']], ['f32'], (f) => {
 *   f.comment('v ← memory[p .. p+16) as f32x4');
 *   f.localGet('p').memory('v128.load');
 *   f.lane('f32x4.extract_lane', 0); // v[0]
 * });
 */
export class FunctionBuilder {
  readonly name: string;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  private readonly variables = new Map<string, Variable>();
  private readonly declaredLocals: ValType[] = [];
  private readonly code: number[] = [];
  private readonly lines: string[] = [];
  /** Open labels, innermost last; `null` for an unlabelled `if`. */
  private readonly labels: (string | null)[] = [];

  /**
   * @param name Function name (used in error messages and as the export name).
   * @param params Parameters in order as `[name, type]` pairs; they become locals 0..n−1.
   * @param results Result types (at most one in kernels).
   */
  constructor(name: string, params: readonly (readonly [string, ValType])[], results: readonly ValType[] = []) {
    this.name = name;
    this.params = params.map(([, type]) => type);
    this.results = results;
    for (const [paramName, type] of params) this.addVariable(paramName, type);
  }

  /** Declares a local variable (zero-initialised by WebAssembly) and returns its name. */
  local(name: string, type: ValType): string {
    this.addVariable(name, type);
    this.declaredLocals.push(type);
    return name;
  }

  /** The type of a parameter or local. */
  typeOf(name: string): ValType {
    return this.variable(name).type;
  }

  /** Adds a `;; text` line to the listing (no bytes): says what the following instructions compute. */
  comment(text: string): this {
    this.write(`;; ${text}`);
    return this;
  }

  /** local.get: pushes the variable's value. */
  localGet(name: string): this {
    this.write(`local.get $${name}`);
    return this.emit(CONTROL['local.get'], ...encodeU32(this.variable(name).index));
  }

  /** local.set: pops a value into the variable. */
  localSet(name: string): this {
    this.write(`local.set $${name}`);
    return this.emit(CONTROL['local.set'], ...encodeU32(this.variable(name).index));
  }

  /** local.tee: stores the top of the stack into the variable and leaves it on the stack. */
  localTee(name: string): this {
    this.write(`local.tee $${name}`);
    return this.emit(CONTROL['local.tee'], ...encodeU32(this.variable(name).index));
  }

  /** i32.const: pushes a 32-bit integer (given in [−2^31, 2^32); values ≥ 2^31 wrap to negative). */
  i32Const(value: number): this {
    this.write(`i32.const ${value > 0x7fffffff ? value - 0x100000000 : value}`);
    return this.emit(CONTROL['i32.const'], ...encodeS32(value > 0x7fffffff ? value - 0x100000000 : value));
  }

  /** f32.const: pushes `value` rounded to float32. */
  f32Const(value: number): this {
    this.write(`f32.const ${Math.fround(value)}`);
    return this.emit(CONTROL['f32.const'], ...encodeF32(value));
  }

  /** f64.const: pushes a double. */
  f64Const(value: number): this {
    this.write(`f64.const ${value}`);
    return this.emit(CONTROL['f64.const'], ...encodeF64(value));
  }

  /** v128.const: pushes 16 literal bytes (lane 0 first, little-endian). */
  v128Const(bytes: ArrayLike<number>): this {
    if (bytes.length !== 16) throw new RangeError(`${this.name}: v128.const needs 16 bytes, got ${bytes.length}`);
    this.write(`v128.const i8x16 ${Array.from(bytes, (b) => b & 0xff).join(' ')}`);
    return this.emit(...V128_CONST, ...Array.from(bytes, (b) => b & 0xff));
  }

  /** i8x16.shuffle: byte j of the result is byte lanes[j] of a ++ b (a's bytes 0–15, b's 16–31). */
  shuffle(lanes: ArrayLike<number>): this {
    if (lanes.length !== 16 || Array.from(lanes).some((l) => !Number.isInteger(l) || l < 0 || l > 31)) {
      throw new RangeError(`${this.name}: i8x16.shuffle needs 16 lane indices in [0, 32), got [${Array.from(lanes).join(', ')}]`);
    }
    this.write(`i8x16.shuffle ${Array.from(lanes).join(' ')}`);
    return this.emit(...I8X16_SHUFFLE, ...Array.from(lanes));
  }

  /** An instruction without immediates, named as in the text format, e.g. `op('f32x4.mul')`. */
  op(name: SimpleOp): this {
    this.write(name);
    return this.emit(...SIMPLE_OPS[name]);
  }

  /** A load or store with a constant byte `offset` added to the address operand (and its `lane` for a lane store). */
  memory(name: MemoryOp, offset = 0, lane?: number): this {
    const op: { bytes: readonly number[]; alignLog2: number; lanes?: number } = MEMORY_OPS[name];
    const laneBytes = op.lanes === undefined ? [] : [this.checkLane(name, lane ?? -1, op.lanes)];
    this.write(`${name}${offset === 0 ? '' : ` offset=${offset}`}${laneBytes.map((l) => ` ${l}`).join('')}`);
    return this.emit(...op.bytes, ...encodeU32(op.alignLog2), ...encodeU32(offset), ...laneBytes);
  }

  /** A lane instruction (`f32x4.extract_lane` ...) with its constant lane index. */
  lane(name: LaneOp, lane: number): this {
    const { bytes, lanes } = LANE_OPS[name];
    this.write(`${name} ${lane}`);
    return this.emit(...bytes, this.checkLane(name, lane, lanes));
  }

  /** memory.size: pushes the memory size in 64 KiB pages. */
  memorySize(): this {
    this.write('memory.size');
    return this.emit(...MEMORY_SIZE);
  }

  /** memory.grow: pops a page count, grows, pushes the old size (or −1 on failure). */
  memoryGrow(): this {
    this.write('memory.grow');
    return this.emit(...MEMORY_GROW);
  }

  /** `block label ... end`: `br label` inside jumps to after `end`. */
  block(label: string, body: () => void): this {
    return this.structured(CONTROL.block, label, body);
  }

  /** `loop label ... end`: `br label` inside jumps back to the start. */
  loop(label: string, body: () => void): this {
    return this.structured(CONTROL.loop, label, body);
  }

  /** `if ... else ... end` on the i32 condition on the stack (non-zero runs `then`). */
  ifElse(then: () => void, otherwise?: () => void): this {
    this.write('if');
    this.emit(CONTROL.if, CONTROL.emptyBlockType);
    this.labels.push(null);
    then();
    if (otherwise !== undefined) {
      this.labels.pop();
      this.write('else');
      this.labels.push(null);
      this.emit(CONTROL.else);
      otherwise();
    }
    this.labels.pop();
    this.write('end');
    return this.emit(CONTROL.end);
  }

  /** br: unconditional jump to `label`. */
  br(label: string): this {
    this.write(`br $${label}`);
    return this.emit(CONTROL.br, ...encodeU32(this.depthOf(label)));
  }

  /** br_if: pops an i32 and jumps to `label` when it is non-zero. */
  brIf(label: string): this {
    this.write(`br_if $${label}`);
    return this.emit(CONTROL.br_if, ...encodeU32(this.depthOf(label)));
  }

  /** return: leaves the function (the results must be on the stack). */
  return(): this {
    this.write('return');
    return this.emit(CONTROL.return);
  }

  /** The encoded function body: locals (run-length grouped by type), instructions, `end`. */
  encodeBody(): number[] {
    if (this.labels.length !== 0) {
      throw new Error(`${this.name}: unclosed labels ${this.labels.join(', ')}`);
    }
    const groups: [number, ValType][] = [];
    for (const type of this.declaredLocals) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === type) last[0]++;
      else groups.push([1, type]);
    }
    const locals = [...encodeU32(groups.length)];
    for (const [count, type] of groups) locals.push(...encodeU32(count), VALTYPE[type]);
    const body = [...locals, ...this.code, CONTROL.end];
    return [...encodeU32(body.length), ...body];
  }

  /**
   * The function in text-format syntax: signature, locals, then one instruction per line.
   * @example
   * console.log(fn.listing());
   */
  listing(): string {
    const params = this.params.map((type, i) => `(param $${this.nameAt(i)} ${type})`);
    const results = this.results.map((type) => `(result ${type})`);
    const locals = this.declaredLocals.map((type, i) => `  (local $${this.nameAt(this.params.length + i)} ${type})`);
    return [`(func $${this.name} ${[...params, ...results].join(' ')}`, ...locals, ...this.lines, ')'].join('\n');
  }

  private nameAt(index: number): string {
    for (const v of this.variables.values()) if (v.index === index) return v.name;
    return String(index);
  }

  /** Appends a listing line, indented by the current nesting depth. */
  private write(text: string): void {
    this.lines.push(`${'  '.repeat(this.labels.length + 1)}${text}`);
  }

  private emit(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  private structured(opcode: number, label: string, body: () => void): this {
    this.write(`${opcode === CONTROL.loop ? 'loop' : 'block'} $${label}`);
    this.emit(opcode, CONTROL.emptyBlockType);
    this.labels.push(label);
    body();
    this.labels.pop();
    this.write('end');
    return this.emit(CONTROL.end);
  }

  /** `lane` when it is an integer in [0, lanes), else a RangeError naming the instruction. */
  private checkLane(op: string, lane: number, lanes: number): number {
    if (Number.isInteger(lane) && lane >= 0 && lane < lanes) return lane;
    throw new RangeError(`${this.name}: ${op} lane must be an integer in [0, ${lanes}), got ${lane}`);
  }

  private depthOf(label: string): number {
    const position = this.labels.lastIndexOf(label);
    if (position < 0) {
      throw new Error(`${this.name}: branch to unknown label '${label}' (open: ${this.labels.join(', ')})`);
    }
    return this.labels.length - 1 - position;
  }

  private addVariable(name: string, type: ValType): void {
    if (this.variables.has(name)) throw new Error(`${this.name}: variable '${name}' declared twice`);
    this.variables.set(name, { name, type, index: this.variables.size });
  }

  private variable(name: string): Variable {
    const v = this.variables.get(name);
    if (v === undefined) throw new Error(`${this.name}: unknown variable '${name}'`);
    return v;
  }
}
