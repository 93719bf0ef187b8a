/**
 * The reverse-mode engine.
 *
 * Each recorded op application is a `GraphNode` holding its definition, inputs, saved tensors (with
 * their storage versions at save time) and attributes; the output tensor points to it via `gradFn`.
 * `backward` orders the nodes reachable from the root topologically (iterative DFS, so deep graphs
 * do not overflow the stack), then walks them in reverse, calling each op's backward once with the
 * sum of the gradients of its output. Gradients for inputs are summed back to the input's shape
 * (un-broadcasting, `sumToShape`) and cast to its dtype; leaves that require grad accumulate into
 * `.grad` (in place when it exists, see accumulateLeafGrad). Gradient buffers the pass no longer
 * needs go back to the storage pool (GradientLedger). Without `retainGraph` the saved tensors are
 * released afterwards and a second backward through the same nodes is an error. Order of
 * accumulation is fixed (reverse topological order, inputs in order), so gradients are
 * bit-reproducible.
 */
import { addInPlace, binary, cast } from '../tensor/ops/elementwise.js';
import { sum } from '../tensor/ops/reduce.js';
import { full } from '../tensor/create.js';
import { shapeToString, sameShape } from '../tensor/shape.js';
import { Tensor, type BackwardOptions, type GradNode } from '../tensor/tensor.js';
import { reshape } from '../tensor/views.js';
import { lastStorageId, releaseAllocated, type Storage } from '../tensor/storage.js';
import type { TypedArray } from '../tensor/dtype.js';
import type { OpDefinition } from './op-definition.js';
import { noGrad } from './grad-mode.js';

/** Sums a broadcast gradient back to `shape` (the inverse of NumPy broadcasting). */
export function sumToShape(grad: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(grad.shape, shape)) return grad;
  const lead = grad.ndim - shape.length;
  if (lead < 0) throw new Error(`autograd: gradient of shape ${shapeToString(grad.shape)} cannot be reduced to ${shapeToString(shape)}`);
  const dims: number[] = [];
  for (let d = 0; d < grad.ndim; d++) {
    if (d < lead) dims.push(d);
    else if (shape[d - lead] === 1 && grad.shape[d] !== 1) dims.push(d);
    else if (shape[d - lead] !== grad.shape[d]) {
      throw new Error(`autograd: gradient of shape ${shapeToString(grad.shape)} does not match input shape ${shapeToString(shape)}`);
    }
  }
  const reduced = dims.length > 0 ? sum(grad, dims, { keepDim: true }) : grad;
  return reshape(reduced, shape);
}

export class GraphNode implements GradNode {
  readonly name: string;
  private saved: readonly Tensor[] | null;
  private readonly savedVersions: number[];

  constructor(
    readonly definition: OpDefinition<unknown>,
    readonly inputs: readonly (Tensor | null)[],
    saved: readonly Tensor[],
    readonly extra: unknown,
    readonly attrs: unknown,
    private scratch: readonly TypedArray[] = [],
  ) {
    this.name = definition.name;
    this.saved = saved;
    this.savedVersions = saved.map((t) => t.storage.version);
  }

  /** The tensors saved for backward (empty once freed). */
  get savedTensors(): readonly Tensor[] {
    return this.saved ?? [];
  }

  /** Drops the saved tensors and returns the op's scratch arrays to the storage pool. */
  free(): void {
    this.saved = null;
    for (const a of this.scratch) releaseAllocated(a);
    this.scratch = [];
  }

  runBackward(root: Tensor, grad: Tensor | undefined, options: BackwardOptions): void {
    backward(root, grad, options);
  }

  /** Runs this node's backward for the gradient of its output. */
  apply(gradOutput: Tensor, retainGraph: boolean): readonly (Tensor | null)[] {
    const saved = this.saved;
    if (saved === null) {
      throw new Error(`backward: trying to backward through '${this.name}' a second time; its saved tensors were freed (pass { retainGraph: true } to the first backward)`);
    }
    saved.forEach((t, i) => {
      if (t.storage.version !== this.savedVersions[i]) {
        throw new Error(`backward: a tensor of shape ${shapeToString(t.shape)} saved by '${this.name}' for backward was modified in place (version ${t.storage.version}, saved at version ${this.savedVersions[i]})`);
      }
    });
    const needsGrad = this.inputs.map((t) => t !== null && t.requiresGrad);
    const grads = this.definition.backward(gradOutput, { inputs: this.inputs, saved, extra: this.extra, attrs: this.attrs, needsGrad });
    if (!retainGraph) this.free();
    return grads;
  }
}

function topologicalOrder(root: GraphNode): GraphNode[] {
  const order: GraphNode[] = [];
  const visited = new Set<GraphNode>();
  const stack: { node: GraphNode; next: number }[] = [{ node: root, next: 0 }];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.node.inputs.length) {
      const input = top.node.inputs[top.next++];
      const child = input?.gradFn;
      if (child instanceof GraphNode && input!.requiresGrad && !visited.has(child)) {
        visited.add(child);
        stack.push({ node: child, next: 0 });
      }
    } else {
      order.push(top.node);
      stack.pop();
    }
  }
  return order.reverse();
}

/** Reverse-mode differentiation from `root` (see the file header). */
export function backward(root: Tensor, grad?: Tensor, options: BackwardOptions = {}): void {
  const rootNode = root.gradFn;
  if (!(rootNode instanceof GraphNode)) throw new Error('backward: tensor has no autograd graph');
  let seed = grad;
  if (seed === undefined) {
    if (root.numel() !== 1) {
      throw new Error(`backward: grad can be implicitly created only for one-element outputs, got shape ${shapeToString(root.shape)}; pass a gradient`);
    }
    seed = full(root.shape, 1, { dtype: root.dtype });
  } else if (!sameShape(seed.shape, root.shape)) {
    throw new Error(`backward: gradient shape ${shapeToString(seed.shape)} does not match output shape ${shapeToString(root.shape)}`);
  }
  const retain = options.retainGraph ?? false;
  const ledger = new GradientLedger(lastStorageId());
  noGrad(() => {
    const pending = new Map<GraphNode, Tensor>([[rootNode, seed]]);
    const owner = new Map<GraphNode, Tensor>([[rootNode, root]]);
    for (const node of topologicalOrder(rootNode)) {
      const g = pending.get(node);
      pending.delete(node);
      if (g === undefined) continue;
      const out = owner.get(node);
      if (out?.retainsGrad) {
        out.grad = out.grad ? binary('add', out.grad, g) : g;
        ledger.escape(g);
      }
      const grads = node.apply(g, retain);
      // Tensors this node's gradients leave behind are released only after all its inputs took
      // theirs: two inputs may receive the same gradient tensor.
      const leftovers: Tensor[] = [];
      node.inputs.forEach((input, i) => {
        const gi = grads[i];
        if (input === null || !input.requiresGrad || gi === null || gi === undefined) return;
        let shaped = sumToShape(gi, input.shape);
        if (shaped.dtype !== input.dtype) shaped = cast(shaped, input.dtype);
        if (shaped !== gi) leftovers.push(gi);
        const child = input.gradFn;
        if (child instanceof GraphNode) {
          const previous = pending.get(child);
          const next = previous === undefined ? shaped : binary('add', previous, shaped);
          ledger.hold(next);
          if (previous !== undefined) {
            ledger.drop(previous);
            leftovers.push(shaped);
          }
          pending.set(child, next);
          owner.set(child, input);
        } else {
          accumulateLeafGrad(input, shaped, ledger, leftovers);
        }
      });
      ledger.drop(g);
      for (const t of leftovers) ledger.discard(t);
    }
  });
}

/**
 * Adds a gradient to a leaf's `.grad`, like PyTorch's AccumulateGrad:
 * - no `.grad` yet: the gradient becomes it. A buffer this pass created and nothing else shares is
 *   adopted as is (no copy); anything else is copied, since `.grad` must own its storage (optimisers
 *   and clipping scale it in place);
 * - an existing `.grad` that owns its contiguous storage is added to IN PLACE (PyTorch does so when
 *   nothing else references the gradient; here always: clone a `.grad` you want to keep across a
 *   backward). Same elementwise sum as `add`, so the bits do not depend on the path taken.
 */
function accumulateLeafGrad(leaf: Tensor, g: Tensor, ledger: GradientLedger, leftovers: Tensor[]): void {
  const existing = leaf.grad;
  if (existing === null) {
    if (ledger.canAdopt(g) && g.ownsStorage()) {
      ledger.escape(g);
      leaf.grad = g;
    } else {
      leaf.grad = detachedCopy(g, leaf);
      leftovers.push(g);
    }
    return;
  }
  if (existing.ownsStorage() && existing.dtype === g.dtype && sameShape(existing.shape, g.shape)) {
    addInPlace(existing, g);
  } else {
    leaf.grad = binary('add', existing, g);
  }
  leftovers.push(g);
}

/**
 * Recycles gradient buffers once the backward pass no longer needs them ("where safe"): only
 * storages created during this pass (ids above the one recorded at its start), counted while they
 * are pending gradients (several pending tensors may share one storage: `add` passes its gradient to
 * both inputs, views share storage), and never one that escaped into a `.grad`. When the count of a
 * storage drops to zero its array goes to the storage pool (src/tensor/storage-pool.ts).
 */
class GradientLedger {
  private readonly refs = new Map<Storage, number>();
  private readonly escaped = new Set<Storage>();

  constructor(private readonly firstId: number) {}

  hold(t: Tensor): void {
    this.refs.set(t.storage, (this.refs.get(t.storage) ?? 0) + 1);
  }

  escape(t: Tensor): void {
    this.escaped.add(t.storage);
  }

  /** Whether `t`'s storage was created in this pass, is not pending and did not escape. */
  canAdopt(t: Tensor): boolean {
    const s = t.storage;
    return s.id > this.firstId && !this.refs.has(s) && !this.escaped.has(s);
  }

  /** `t` is no longer needed: its storage is released unless a pending gradient shares it. */
  discard(t: Tensor): void {
    const s = t.storage;
    if (!this.refs.has(s) && s.id > this.firstId && !this.escaped.has(s)) s.release();
  }

  drop(t: Tensor): void {
    const s = t.storage;
    const count = (this.refs.get(s) ?? 0) - 1;
    if (count > 0) {
      this.refs.set(s, count);
      return;
    }
    this.refs.delete(s);
    if (s.id > this.firstId && !this.escaped.has(s)) s.release();
  }
}

/** A leaf's .grad always owns its storage (optimisers and clipping may scale it in place). */
function detachedCopy(g: Tensor, like: Tensor): Tensor {
  return Tensor.fromData(g.toTypedArray(), like.shape, like.dtype);
}
