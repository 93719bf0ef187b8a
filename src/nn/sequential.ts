/**
 * `Sequential`: applies its modules in order (torch.nn.Sequential). Children are named "0", "1", …,
 * so parameters read "0.weight", "3.bias", … as in PyTorch.
 */
import { isGradEnabled } from '../autograd/grad-mode.js';
import { describe } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { ReLU } from './activation.js';
import { Conv2d } from './conv2d.js';
import { Module } from './module.js';
import { MaxPool2d } from './pooling.js';

/**
 * A chain of modules.
 * @example
 * const g = new Generator(0);
 * const mlp = new Sequential(new Linear(4, 8, { generator: g }), new ReLU(), new Linear(8, 2, { generator: g }));
 * mlp.at(0); // the first Linear; mlp.namedParameters()[0][0] === '0.weight'
 */
export class Sequential extends Module {
  constructor(...modules: Module[]) {
    super();
    for (const m of modules) this.append(m);
  }

  /** Number of modules. */
  get length(): number {
    return this.children().length;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): Module {
    const all = this.children();
    const i = Number.isSafeInteger(index) && index < 0 ? index + all.length : index;
    const m = Number.isSafeInteger(i) ? all[i] : undefined;
    if (m === undefined) throw new RangeError(`Sequential.at: index must be an integer in [${-all.length}, ${all.length}), got ${describe(index)}`);
    return m;
  }

  /** Adds a module at the end (named by its position); returns this. */
  append(module: Module): this {
    this.registerModule(String(this.length), module);
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  /**
   * Applies the modules in order. Inference (eval mode under `noGrad`) records no graph, so nothing
   * can need an intermediate activation once the next module has consumed it: each one goes back to
   * the storage pool right away (unless the next output is a view of it, as after `Flatten`), and a
   * steady-state inference forward takes its buffers from the pool instead of allocating.
   * Fused pairs (exactly these classes, directly one after the other; the same values and gradients):
   *  - with grad mode off, `Conv2d` then `ReLU` runs as one kernel call (`Conv2d.forwardRelu`: the
   *    ReLU in the conv's store, one pass and one buffer fewer);
   *  - otherwise `ReLU` then `MaxPool2d` runs as one op (`MaxPool2d.forwardAfterRelu`): the ReLU and
   *    its gradient mask work on the pooled tensor instead of the full one, and no ReLU output is kept.
   */
  forward(input: Tensor): Tensor {
    const releaseIntermediates = !this.training && !isGradEnabled();
    const modules = this.children();
    let x = input;
    for (let i = 0; i < modules.length; i++) {
      const m = modules[i]!;
      const next = modules[i + 1];
      let y: Tensor;
      if (!isGradEnabled() && m.constructor === Conv2d && next?.constructor === ReLU) {
        y = (m as Conv2d).forwardRelu(x);
        i++;
      } else if (m.constructor === ReLU && next?.constructor === MaxPool2d) {
        y = (next as MaxPool2d).forwardAfterRelu(x);
        i++;
      } else {
        y = m.forward(x);
      }
      if (releaseIntermediates && x !== input && y.storage !== x.storage) x.storage.release();
      x = y;
    }
    return x;
  }
}
