/**
 * `dropout` — composite: y = x·m/(1 − p) with m ~ Bernoulli(1 − p) drawn from the explicit
 * generator (inverted dropout, torch.nn.functional.dropout); identity when not training or p = 0.
 */
import { Tensor } from '../../tensor/tensor.js';
import type { Generator } from '../../tensor/random.js';
import { mul } from '../ops/mul.js';
import { graphOwned } from '../dispose-graph.js';

export interface DropoutOptions {
  p: number;
  training: boolean;
  generator: Generator;
}

export function dropout(x: Tensor, options: DropoutOptions): Tensor {
  const { p, training, generator } = options;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout: p must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  const mask = Tensor.zeroed(x.shape, x.dtype === 'float64' ? 'float64' : 'float32');
  const scale = p === 1 ? 0 : 1 / (1 - p);
  const m = mask.data;
  for (let i = 0; i < m.length; i++) m[i] = generator.uniform() < p ? 0 : scale;
  return mul(x, graphOwned(mask)); // released with the graph by disposeGraph
}
