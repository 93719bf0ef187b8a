/**
 * `Optimizer`: the base of SGD, Adam and AdamW (torch.optim.Optimizer with one parameter group).
 *
 * `step()` visits the parameters in constructor order, skips those without a gradient, and updates
 * each IN PLACE element by element (float64 arithmetic, each stored value rounded once to the
 * parameter's dtype), then bumps the parameter's storage version so a graph that saved the old
 * values refuses to backward. Per-parameter state (a step count and named buffers in the parameter's
 * dtype, e.g. Adam's expAvg/expAvgSq) is created lazily at a parameter's first update, as in PyTorch.
 *
 * `stateDict()` is a deep copy: hyperparameters (numbers/booleans, exact through JSON), and per
 * parameter (by position) its step and buffers. `loadStateDict` restores it exactly, so a resumed run
 * is bit-identical. Hyperparameters other than lr are fixed at construction: loadStateDict restores
 * lr and initialLr and requires the others to be equal (construct the optimiser with the same options). `initialLr` is the lr before any schedule (PyTorch's `initial_lr`); schedulers
 * compute from it.
 */
import { isFloatDType, type FloatArray } from '../../tensor/dtype.js';
import { describe, sameShape, shapeToString } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { zeroGradients, type ZeroGradOptions } from '../zero-grad.js';

/** Hyperparameters by name; numbers and booleans only (so they survive JSON exactly). */
export type Hyperparameters = Record<string, number | boolean>;

/** The state of one parameter. */
export interface ParamState {
  /** Number of updates applied to this parameter. */
  step: number;
  /** Named buffers, each of the parameter's shape and dtype. */
  buffers: Record<string, Tensor>;
}

/** A serialisable snapshot of an optimiser (see the file header). */
export interface OptimizerStateDict {
  /** The optimiser class, e.g. 'Adam'. */
  type: string;
  hyperparameters: Hyperparameters;
  /** One entry per parameter in constructor order; null before its first update. */
  state: (ParamState | null)[];
}

/** Checks a hyperparameter: a finite number in [min, max] (bounds inclusive unless stated). */
export function checkHyper(op: string, name: string, value: unknown, min: number, max = Infinity, openMin = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (openMin ? value > min : value >= min) && value <= max;
  if (!ok) {
    const range = `${openMin ? '(' : '['}${min}, ${max === Infinity ? '∞)' : `${max}]`}`;
    throw new RangeError(`${op}: ${name} must be a finite number in ${range}, got ${describe(value)}`);
  }
  return value;
}

function copyTensor(t: Tensor): Tensor {
  return Tensor.fromData(t.toTypedArray(), t.shape, t.dtype);
}

export abstract class Optimizer {
  /** The parameters, in the order their state is stored. */
  readonly params: readonly Tensor[];
  /** The lr given at construction (before any schedule); restored by loadStateDict. */
  initialLr: number;
  #lr: number;
  protected readonly state: (ParamState | null)[];

  protected constructor(params: Iterable<Tensor>, lr: number) {
    const op = this.constructor.name;
    const list = [...params];
    if (list.length === 0) throw new RangeError(`${op}: got an empty parameter list`);
    list.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new TypeError(`${op}: params[${i}] must be a Tensor, got ${describe(p)}`);
      if (!isFloatDType(p.dtype) || !p.isContiguous() || p.offset !== 0 || p.data.length !== p.numel()) {
        throw new TypeError(`${op}: params[${i}] must be a float tensor owning its contiguous storage (a Parameter), got ${p.dtype} ${shapeToString(p.shape)}`);
      }
    });
    if (new Set(list).size !== list.length) throw new RangeError(`${op}: some parameters appear more than once`);
    this.params = list;
    this.#lr = checkHyper(op, 'lr', lr, 0);
    this.initialLr = this.#lr;
    this.state = list.map(() => null);
  }

  /** Learning rate of the next step (settable; schedulers set it). */
  get lr(): number {
    return this.#lr;
  }

  set lr(value: number) {
    this.#lr = checkHyper(`${this.constructor.name}.lr`, 'lr', value, 0);
  }

  /** Hyperparameters other than lr and initialLr (fixed at construction). */
  protected abstract extraHyperparameters(): Hyperparameters;
  /** Names of the buffers a parameter's state holds once created. */
  protected abstract bufferNames(): string[];
  /** Updates one parameter in place; `state.step` is already incremented. */
  protected abstract update(param: FloatArray, grad: FloatArray, state: ParamState): void;

  /**
   * Zero-filled state buffers (`bufferNames()`) for params[index], each of the parameter's shape and
   * dtype. Subclasses may place them elsewhere (Adam: in kernel memory); they are called again for a
   * parameter whose state `loadStateDict` restores, and may then return the same arrays.
   */
  protected createBuffers(index: number): Record<string, Tensor> {
    const p = this.params[index]!;
    return Object.fromEntries(this.bufferNames().map((name) => [name, Tensor.zeroed(p.shape, p.dtype)]));
  }

  /**
   * Clears every parameter's gradient, like PyTorch's `zero_grad(set_to_none)`: by default sets it to
   * null; with `{ setToNone: false }` fills it with zeros in place, so the next backward adds into the
   * same buffer and a training loop allocates no new gradient memory.
   */
  zeroGrad(options: ZeroGradOptions = {}): void {
    zeroGradients(this.params, options, 'Optimizer.zeroGrad');
  }

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    this.params.forEach((p, i) => {
      const grad = p.grad;
      if (grad === null) return;
      if (!sameShape(grad.shape, p.shape) || grad.dtype !== p.dtype) {
        throw new RangeError(`${this.constructor.name}.step: params[${i}] is ${p.dtype} ${shapeToString(p.shape)} but its grad is ${grad.dtype} ${shapeToString(grad.shape)}`);
      }
      let s = this.state[i];
      if (s === null || s === undefined) {
        s = { step: 0, buffers: this.createBuffers(i) };
        this.state[i] = s;
      }
      s.step += 1;
      this.update(p.data as FloatArray, grad.contiguousData() as FloatArray, s);
      p.storage.bumpVersion();
    });
  }

  /**
   * A deep copy of the hyperparameters and per-parameter state.
   * @example const saved = opt.stateDict(); …; opt.loadStateDict(saved);
   */
  stateDict(): OptimizerStateDict {
    return {
      type: this.constructor.name,
      hyperparameters: { lr: this.#lr, initialLr: this.initialLr, ...this.extraHyperparameters() },
      state: this.state.map((s) =>
        s === null ? null : { step: s.step, buffers: Object.fromEntries(Object.entries(s.buffers).map(([k, t]) => [k, copyTensor(t)])) },
      ),
    };
  }

  /**
   * Restores a `stateDict()` (copies it). Throws, changing nothing, when the type, the number of
   * parameters, a hyperparameter, or a buffer's name, shape or dtype does not match this optimiser.
   * @example opt.loadStateDict(saved)
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const op = `${this.constructor.name}.loadStateDict`;
    if (typeof sd !== 'object' || sd === null) throw new TypeError(`${op}: expected an optimizer state dict, got ${describe(sd)}`);
    if (sd.type !== this.constructor.name) throw new TypeError(`${op}: the state dict is of a ${describe(sd.type)} optimizer, not ${this.constructor.name}`);
    const h: Hyperparameters = sd.hyperparameters ?? {};
    const fixed = this.extraHyperparameters();
    const unknown = Object.keys(h).filter((k) => !(k in fixed) && k !== 'lr' && k !== 'initialLr');
    if (unknown.length > 0) throw new RangeError(`${op}: unknown hyperparameter(s) ${unknown.join(', ')}`);
    for (const [k, v] of Object.entries(fixed)) {
      if (!Object.is(h[k], v)) {
        throw new RangeError(`${op}: hyperparameter ${k} is ${String(h[k])} in the state dict but ${String(v)} in this optimizer (construct it with the same options; only lr is restored)`);
      }
    }
    const lr = checkHyper(op, 'lr', h.lr, 0);
    const initialLr = checkHyper(op, 'initialLr', h.initialLr, 0);
    if (!Array.isArray(sd.state) || sd.state.length !== this.params.length) {
      throw new RangeError(`${op}: the state dict has state for ${Array.isArray(sd.state) ? sd.state.length : describe(sd.state)} parameters, this optimizer has ${this.params.length}`);
    }
    const expected = this.bufferNames();
    const restored = sd.state.map((s, i) => {
      if (s === null) return null;
      const p = this.params[i]!;
      if (!Number.isSafeInteger(s.step) || s.step < 0) throw new RangeError(`${op}: state[${i}].step must be a non-negative integer, got ${describe(s.step)}`);
      const got = Object.keys(s.buffers ?? {}).sort();
      if (got.join() !== [...expected].sort().join()) throw new RangeError(`${op}: state[${i}] must have buffers ${expected.join(', ') || 'none'}, got ${got.join(', ') || 'none'}`);
      const buffers: Record<string, Tensor> = {};
      for (const name of expected) {
        const b = s.buffers[name]!;
        if (!(b instanceof Tensor) || b.dtype !== p.dtype || !sameShape(b.shape, p.shape)) {
          throw new RangeError(`${op}: state[${i}].${name} must be ${p.dtype} ${shapeToString(p.shape)}, got ${b instanceof Tensor ? `${b.dtype} ${shapeToString(b.shape)}` : describe(b)}`);
        }
        buffers[name] = copyTensor(b);
      }
      return { step: s.step, buffers };
    });
    this.#lr = lr;
    this.initialLr = initialLr;
    restored.forEach((s, i) => {
      if (s === null) {
        this.state[i] = null;
        return;
      }
      const buffers = this.createBuffers(i);
      for (const [name, b] of Object.entries(s.buffers)) buffers[name]!.data.set(b.data);
      this.state[i] = { step: s.step, buffers };
    });
  }
}
