/**
 * `disposeGraph(root)`: ends the life of a step's intermediate tensors so the next step reuses their
 * memory (the storage pool, src/tensor/storage-pool.ts) instead of allocating it afresh.
 *
 * JavaScript has no reference counts, so the engine cannot tell on its own whether user code still
 * holds a forward activation; the caller says so by calling this once a step is done with its graph
 * (after backward, the optimiser step and any read of the loss or logits). It releases the storage of
 * `root` and of every non-leaf tensor of its graph (each op's output, the tensors saved for backward
 * that are outputs), and frees every node (saved tensors, op scratch such as max-pool indices).
 *
 * Never released: leaves (parameters, inputs, constants, anything made under `noGrad`) and any storage
 * a leaf of the graph shares (views of parameters), and gradients (`.grad` owns its storage). The one
 * exception are leaves a composite op made for its own graph and marked with `graphOwned` (the dropout
 * mask): nobody else can hold them, so they go with the graph.
 * Reading a released tensor afterwards throws (Storage.data), so a mistake is loud, not silent.
 * Cost: O(nodes + edges) with no copying.
 */
import type { Storage } from '../tensor/storage.js';
import type { Tensor } from '../tensor/tensor.js';
import { GraphNode } from './engine.js';

const ownedByGraph = new WeakSet<Storage>();

/**
 * Marks a constant that a composite op created for the graph it builds and hands to no one else (a
 * dropout mask): `disposeGraph` releases it with the graph although it is a leaf. Returns `t`.
 */
export function graphOwned(t: Tensor): Tensor {
  ownedByGraph.add(t.storage);
  return t;
}

/**
 * Releases `root` and every intermediate (non-leaf) tensor of its autograd graph (see the file
 * header). Throws when `root` has no graph (a leaf: use `dispose` for tensors you own).
 *
 * @example
 * const logits = net.forward(images);
 * const loss = crossEntropy(logits, labels);
 * const value = loss.item();                 // read what you need first
 * loss.backward(); opt.step(); opt.zeroGrad();
 * disposeGraph(loss);                        // logits, activations and loss are now released
 */
export function disposeGraph(root: Tensor): void {
  if (!(root.gradFn instanceof GraphNode)) {
    throw new Error('disposeGraph: the tensor has no autograd graph (it is a leaf); use dispose() for tensors you own');
  }
  const nodes = new Set<GraphNode>([root.gradFn]);
  const stack: GraphNode[] = [root.gradFn];
  const intermediates = new Set<Storage>([root.storage]);
  const kept = new Set<Storage>();
  const visit = (t: Tensor): void => {
    const node = t.gradFn;
    if (!(node instanceof GraphNode)) {
      if (ownedByGraph.has(t.storage)) intermediates.add(t.storage);
      else kept.add(t.storage);
      return;
    }
    intermediates.add(t.storage);
    if (!nodes.has(node)) {
      nodes.add(node);
      stack.push(node);
    }
  };
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const input of node.inputs) if (input !== null) visit(input);
    for (const saved of node.savedTensors) visit(saved);
  }
  for (const node of nodes) node.free();
  for (const storage of intermediates) if (!kept.has(storage)) storage.release();
}
