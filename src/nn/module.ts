/**
 * `Module`: the base class of every layer and model (torch.nn.Module).
 *
 * Registration is EXPLICIT (no field discovery): a subclass calls `registerParameter(name, p)`,
 * `registerBuffer(name, t)` or `registerModule(name, m)` in its constructor, usually assigning the
 * result to a typed field (`this.weight = this.registerParameter('weight', …)`). Registration order
 * is the order of `parameters()`, `stateDict()` and checkpoints. Names contain no '.', and dotted
 * paths name nested entries exactly as in PyTorch ("features.0.weight").
 *
 * Differences from PyTorch, on purpose: `stateDict()` returns detached COPIES (a snapshot that later
 * training does not change); `loadStateDict` copies in place into the existing tensors (so optimisers
 * keep their references), checks every entry before copying anything, and refuses dtype mismatches
 * instead of casting. `zeroGrad()` sets gradients to null (PyTorch's default set_to_none).
 */
import { assign } from '../autograd/ops/compare.js';
import { noGrad } from '../autograd/grad-mode.js';
import { describe, shapeToString, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { zeroGradients, type ZeroGradOptions } from './zero-grad.js';
import { Parameter } from './parameter.js';
import { StateDictError, type StateDictMismatch } from './state-dict-error.js';

/** Tensors by dotted name: parameters then buffers of each module, parents before children. */
export type StateDict = Record<string, Tensor>;

/** Options of `Module.loadStateDict`. */
export interface LoadStateDictOptions {
  /** Default true: missing or unexpected keys are errors. Shape/dtype mismatches always are. */
  strict?: boolean;
}

/** What `loadStateDict` skipped (both empty when strict). */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * The base class of layers and models; subclasses register their state and implement `forward`.
 * @example
 * class Affine extends Module {
 *   readonly w = this.registerParameter('w', new Parameter(ones([3])));
 *   forward(x: Tensor): Tensor { return mul(x, this.w); }
 * }
 */
export abstract class Module {
  /** True in training mode (the default), false after `eval()`. */
  training = true;
  readonly #parameters = new Map<string, Parameter | null>();
  readonly #buffers = new Map<string, Tensor | null>();
  readonly #modules = new Map<string, Module>();

  /** The computation of this module. */
  abstract forward(input: Tensor): Tensor;

  /** Registers (or replaces) a parameter; null declares an absent optional one (e.g. no bias). */
  registerParameter<P extends Parameter | null>(name: string, param: P): P {
    this.checkName(name, 'registerParameter', this.#parameters);
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(`${this.constructor.name}.registerParameter: '${name}' must be a Parameter or null, got ${describe(param)}`);
    }
    this.#parameters.set(name, param);
    return param;
  }

  /** Registers (or replaces) a buffer: state that is saved but not trained (e.g. running means). */
  registerBuffer<T extends Tensor | null>(name: string, tensor: T): T {
    this.checkName(name, 'registerBuffer', this.#buffers);
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new TypeError(`${this.constructor.name}.registerBuffer: '${name}' must be a Tensor or null, got ${describe(tensor)}`);
    }
    if (tensor instanceof Parameter) {
      throw new TypeError(`${this.constructor.name}.registerBuffer: '${name}' is a Parameter; use registerParameter`);
    }
    this.#buffers.set(name, tensor);
    return tensor;
  }

  /** Registers (or replaces) a child module. */
  registerModule<M extends Module>(name: string, module: M): M {
    this.checkName(name, 'registerModule', this.#modules);
    if (!(module instanceof Module)) {
      throw new TypeError(`${this.constructor.name}.registerModule: '${name}' must be a Module, got ${describe(module)}`);
    }
    this.#modules.set(name, module);
    return module;
  }

  private checkName(name: string, op: string, own: Map<string, unknown>): void {
    const where = `${this.constructor.name}.${op}`;
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new RangeError(`${where}: name must be a non-empty string without '.', got ${describe(name)}`);
    }
    for (const table of [this.#parameters, this.#buffers, this.#modules]) {
      if (table !== own && table.has(name)) throw new RangeError(`${where}: '${name}' is already registered as another kind of entry`);
    }
  }

  /** Direct children with their names, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.#modules];
  }

  /** Direct children in registration order. */
  children(): Module[] {
    return [...this.#modules.values()];
  }

  /** This module and all descendants (pre-order), each once, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (m: Module, name: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [child, sub] of m.#modules) visit(sub, name === '' ? child : `${name}.${child}`);
    };
    visit(this, prefix);
    return out;
  }

  /** Every parameter with its dotted name, each tensor once (first name wins), like PyTorch. */
  namedParameters(): [string, Parameter][] {
    return this.collect((m) => m.#parameters);
  }

  /** Every parameter, each once, in registration order. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every buffer with its dotted name, each once. */
  namedBuffers(): [string, Tensor][] {
    return this.collect((m) => m.#buffers);
  }

  /** Every buffer, each once. */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  private collect<T extends Tensor>(table: (m: Module) => Map<string, T | null>): [string, T][] {
    const out: [string, T][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, t] of table(m)) {
        if (t === null || seen.has(t)) continue;
        seen.add(t);
        out.push([prefix === '' ? name : `${prefix}.${name}`, t]);
      }
    }
    return out;
  }

  /** Sets training mode on this module and all descendants; returns this. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (`train(false)`): batch norm uses running statistics, dropout is the identity. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Clears every parameter's gradient, like PyTorch's `zero_grad(set_to_none)`: by default sets it to
   * null; with `{ setToNone: false }` fills it with zeros in place, so the next backward adds into the
   * same buffer and a training loop allocates no new gradient memory.
   */
  zeroGrad(options: ZeroGradOptions = {}): void {
    zeroGradients(this.parameters(), options, 'Module.zeroGrad');
  }

  /** The live tensors of the state dict (no copies), in state-dict order. */
  private stateEntries(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      const at = (name: string): string => (prefix === '' ? name : `${prefix}.${name}`);
      for (const [name, p] of m.#parameters) if (p !== null) out.push([at(name), p]);
      for (const [name, b] of m.#buffers) if (b !== null) out.push([at(name), b]);
    }
    return out;
  }

  /**
   * A snapshot of the parameters and buffers by dotted name (detached copies).
   * @example Object.keys(new Linear(2, 3, { generator: new Generator(0) }).stateDict()) // ['weight', 'bias']
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [key, t] of this.stateEntries()) {
      out[key] = Tensor.fromData(t.toTypedArray(), t.shape, t.dtype);
    }
    return out;
  }

  /**
   * Copies `stateDict` into this module's parameters and buffers in place (bumping their versions).
   * Every entry is checked first; on any problem a `StateDictError` lists all of them and nothing is
   * copied. With `{ strict: false }`, missing and unexpected keys are returned instead of thrown.
   * @example model.loadStateDict(other.stateDict())
   */
  loadStateDict(stateDict: StateDict, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const name = this.constructor.name;
    if (typeof stateDict !== 'object' || stateDict === null || Array.isArray(stateDict)) {
      throw new TypeError(`${name}.loadStateDict: stateDict must be an object of Tensors by name, got ${describe(stateDict)}`);
    }
    const strict = options.strict ?? true;
    const entries = this.stateEntries();
    const known = new Set(entries.map(([key]) => key));
    const missingKeys = entries.map(([key]) => key).filter((key) => !Object.hasOwn(stateDict, key));
    const unexpectedKeys = Object.keys(stateDict).filter((key) => !known.has(key));
    const mismatches: StateDictMismatch[] = [];
    const copies: [Tensor, Tensor][] = [];
    for (const [key, target] of entries) {
      if (!Object.hasOwn(stateDict, key)) continue;
      const value: unknown = stateDict[key];
      if (!(value instanceof Tensor)) {
        mismatches.push({ key, kind: 'type', expected: `a Tensor of shape ${shapeToString(target.shape)}`, got: describe(value) });
      } else if (value.dtype !== target.dtype) {
        mismatches.push({ key, kind: 'dtype', expected: target.dtype, got: value.dtype });
      } else if (!sameShape(value.shape, target.shape)) {
        mismatches.push({ key, kind: 'shape', expected: shapeToString(target.shape), got: shapeToString(value.shape) });
      } else {
        copies.push([target, value]);
      }
    }
    if (mismatches.length > 0 || (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0))) {
      throw new StateDictError(name, strict ? missingKeys : [], strict ? unexpectedKeys : [], mismatches);
    }
    noGrad(() => {
      for (const [target, value] of copies) assign(target, value);
    });
    return { missingKeys, unexpectedKeys };
  }
}
